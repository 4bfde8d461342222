"""Putting roughcut into the NLEs: the Resolve menu scripts (``resolve``), the Premiere CEP panel
(``premiere``), the UXP panel package (``premiere_uxp``) and the Pymiere Link apply path
(``premiere_link``). Host code itself lives in ``hosts/``; these modules only install or drive it."""
