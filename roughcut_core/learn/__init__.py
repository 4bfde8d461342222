"""Learning from the editor: timeline diffs → preference pairs → per-show term weights."""
from .feedback import FeedbackDiff, FeedbackPair, diff_timelines
from .ranker import fit_weights
from .store import Preferences, PreferenceStore

__all__ = ["FeedbackDiff", "FeedbackPair", "diff_timelines", "fit_weights", "Preferences", "PreferenceStore"]
