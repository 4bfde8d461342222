"""Test fakes of NLE scripting object models (see each module's docstring)."""
