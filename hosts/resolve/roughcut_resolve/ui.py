"""How the flow talks to the editor: a UIManager window inside Resolve, else the console.

:class:`ConsoleUI` prints (Resolve shows a script's output in Workspace > Console) and is
what tests use. :class:`ResolveUI` adds a small UIManager window for progress and messages
when ``fusion.UIManager`` and ``bmd.UIDispatcher`` exist [untested on a live Resolve: every
UIManager call is guarded and falls back to the console]. Both open the bridge's review page
in the browser when asked.
"""
import sys
import webbrowser
from typing import Any, Dict, Optional


class ConsoleUI:
    def __init__(self, stream=None, open_browser: bool = False):
        self.stream = stream or sys.stdout
        self.open_browser = open_browser
        self.lines = []
        self._last = -1.0

    def say(self, text: str) -> None:
        self.lines.append(text)
        print("roughcut: " + text, file=self.stream)
        try:
            self.stream.flush()
        except (AttributeError, OSError):
            pass

    def message(self, text: str) -> None:
        self.say(text)

    def error(self, text: str) -> None:
        self.say("ERROR: " + text)

    def progress(self, status: Dict[str, Any]) -> None:
        fraction = float(status.get("progress") or 0.0)
        if fraction - self._last >= 0.05 or status.get("state") in ("done", "failed", "cancelled"):
            self._last = fraction
            eta = status.get("eta_s")
            self.say("%3d%% %s%s" % (round(100 * fraction), status.get("stage") or status.get("state") or "",
                                    " (about %d s left)" % eta if isinstance(eta, (int, float)) and eta > 0 else ""))

    def show_page(self, url: Optional[str]) -> None:
        if not url:
            return
        self.say("progress and review page: " + url)
        if self.open_browser:
            try:
                webbrowser.open(url)
            except Exception:  # a browser failing to open never stops the flow
                pass

    def request_file(self, title: str) -> Optional[str]:
        return None

    def close(self) -> None:
        pass


class ResolveUI(ConsoleUI):
    """UIManager window (status label + log) on top of the console output."""

    def __init__(self, fusion: Any, bmd: Any, stream=None):
        super().__init__(stream, open_browser=True)
        self.fusion = fusion
        self.window = None
        try:
            ui = fusion.UIManager
            self.dispatcher = bmd.UIDispatcher(ui)
            self.window = self.dispatcher.AddWindow(
                {"ID": "roughcut", "WindowTitle": "roughcut", "Geometry": [200, 200, 520, 220]},
                ui.VGroup([ui.Label({"ID": "Status", "Text": "Starting...", "WordWrap": True}),
                           ui.TextEdit({"ID": "Log", "ReadOnly": True})]))
            self.window.Show()
        except Exception:  # no UIManager (Free 21.1 Lua-only, external run): console only
            self.window = None

    def say(self, text: str) -> None:
        super().say(text)
        if self.window is not None:
            try:
                items = self.window.GetItems()
                items["Status"].Text = text
                items["Log"].PlainText = "\n".join(self.lines[-200:])
            except Exception:
                self.window = None

    def request_file(self, title: str) -> Optional[str]:
        try:
            path = self.fusion.RequestFile("", "", {"FReqS_Title": title})
        except Exception:
            return None
        return str(path) if path else None

    def close(self) -> None:
        if self.window is not None:
            try:
                self.window.Hide()
            except Exception:
                pass
