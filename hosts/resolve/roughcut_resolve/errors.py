"""The one exception the Resolve flow raises: a message fit to show the editor as it is."""

class ResolveFlowError(Exception):
    """Something the editor must fix or know (no project, empty bin, bridge down...)."""
