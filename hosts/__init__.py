"""NLE host integrations (Resolve, Premiere). Not part of roughcut_core; hosts import nothing from it."""
