"""Analyses beyond faces and words (issue 20): camera motion per shot (``motion``), sound events
(``sound``), the per-file driver behind `roughcut analyze` (``analyze``), continuity hints between
adjacent clips of a cut (``continuity``) and known-answer material for the bench (``fixtures``)."""
