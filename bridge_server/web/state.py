"""The web app's per-bridge state (``app.state.web``): editable cuts, proxy renders, feedback.

- :meth:`WebState.session` loads a finished job's :class:`CutSession` once (a per-job lock
  keeps two first requests from loading it twice).
- Proxies: after every edit the current cut is rendered to ``<job dir>/web/proxy-v<N>.mp4``
  by one background thread (PyAV, ``roughcut_core.edit.render.render_preview``); only the
  newest version asked for is rendered, older requests are skipped. Alternates are rendered
  on demand to ``<job dir>/web/alt-<line>-<n>.mp4`` (a one-clip timeline).
- Feedback: a swap is one preference pair (the chosen reading's terms beat the replaced
  one's) for the job's show (option ``show``, else ``default``), learned as ``roughcut
  feedback`` does (:func:`roughcut_core.learn.registry.learn_from_feedback`: promoted into
  the show's preferences only on a held-out win); every swap,
  drop and restore is also logged to ``<data dir>/web/feedback.jsonl`` for the settings page.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Optional

from roughcut_core.fileio import atomic_write_text

from .cutsession import CutSession

log = logging.getLogger(__name__)

PROXY_WIDTH = 640
ALT_WIDTH = 480


class WebState:
    def __init__(self, config):
        self.config = config
        self._sessions: dict[str, CutSession] = {}
        self._loading: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._proxy: dict[str, dict] = {}
        self._queue: "queue.Queue[str]" = queue.Queue()
        self._worker: Optional[threading.Thread] = None
        self._feedback_lock = threading.Lock()
        self._preloading: set = set()

    # -- sessions ----------------------------------------------------------------------
    def session(self, job: dict, cache) -> CutSession:
        job_id = job["id"]
        with self._lock:
            sess = self._sessions.get(job_id)
            if sess is not None:
                return sess
            lock = self._loading.setdefault(job_id, threading.Lock())
        with lock:
            with self._lock:
                sess = self._sessions.get(job_id)
            if sess is None:
                sess = CutSession.load(job_id, self.config.jobs_dir / job_id, job["request"], cache)
                with self._lock:
                    self._sessions[job_id] = sess
        return sess

    def preload(self, job: dict, cache) -> None:
        """Load a finished job's cut (and queue its proxy) on a background thread, once, so
        the review page opens without waiting for the alignment to run again."""
        job_id = job["id"]
        with self._lock:
            if job_id in self._sessions or job_id in self._preloading:
                return
            self._preloading.add(job_id)

        def work():
            try:
                self.request_proxy(self.session(job, cache))
            except Exception as exc:  # the review page will say it in words when opened
                log.warning("job %s: preloading the cut failed: %s", job_id, exc)

        threading.Thread(target=work, name=f"roughcut-web-preload-{job_id[:6]}", daemon=True).start()

    def loaded(self, job_id: str) -> Optional[CutSession]:
        with self._lock:
            return self._sessions.get(job_id)

    # -- proxies -------------------------------------------------------------------------
    def proxy_path(self, job_id: str, version: int) -> Path:
        return self.config.jobs_dir / job_id / "web" / f"proxy-v{version}.mp4"

    def proxy_status(self, job_id: str) -> dict:
        with self._lock:
            return dict(self._proxy.get(job_id) or {"state": "none"})

    def request_proxy(self, sess: CutSession) -> dict:
        """Queue a render of the session's current version unless it exists or is queued."""
        version = sess.version
        path = self.proxy_path(sess.job_id, version)
        with self._lock:
            st = self._proxy.get(sess.job_id)
            if path.is_file():
                self._proxy[sess.job_id] = {"state": "ready", "version": version}
            elif not (st and st.get("version") == version and st["state"] in ("queued", "rendering")):
                self._proxy[sess.job_id] = {"state": "queued", "version": version}
                self._queue.put(sess.job_id)
                self._start_worker()
            return dict(self._proxy[sess.job_id])

    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._render_loop, name="roughcut-web-proxy", daemon=True)
            self._worker.start()

    def _render_loop(self) -> None:
        while True:
            job_id = self._queue.get()
            sess = self.loaded(job_id)
            if sess is None:
                continue
            with self._lock:
                st = self._proxy.get(job_id) or {}
                if st.get("state") != "queued":
                    continue
                version = st["version"]
                if version != sess.version:  # superseded: render the newest instead
                    version = sess.version
                self._proxy[job_id] = {"state": "rendering", "version": version}
            t0 = time.perf_counter()
            try:
                self._render(sess, version)
                state = {"state": "ready", "version": version, "seconds": round(time.perf_counter() - t0, 2)}
            except Exception as exc:
                log.warning("job %s: proxy render failed: %s", job_id, exc)
                state = {"state": "failed", "version": version, "error": str(exc) or type(exc).__name__}
            with self._lock:
                if (self._proxy.get(job_id) or {}).get("version") == version:
                    self._proxy[job_id] = state

    def _render(self, sess: CutSession, version: int) -> None:
        from roughcut_core.edit.render import render_preview

        web = sess.job_dir / "web"
        with sess.lock:
            otio_path = sess.write_otio(web / f"cut-v{version}.otio")
        render_preview(otio_path, self.proxy_path(sess.job_id, version), width=PROXY_WIDTH)

    def alternate_clip(self, sess: CutSession, line_id: str, index: int) -> Path:
        """A short MP4 of one candidate reading of a line (rendered once, then reused)."""
        from roughcut_core.edit import write_otio
        from roughcut_core.edit.render import render_preview
        from roughcut_core.model import Cut, EditDecision
        from roughcut_core.timebase import Rate

        c = sess.candidate(line_id, index)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in line_id)[:60]
        out = sess.job_dir / "web" / f"alt-{safe}-{index}.mp4"
        if out.is_file():
            return out
        rate = Rate(*c["rate"])
        d = EditDecision(id="alt", path=c["path"], rate=rate, src_in=c["src_in"], src_out=c["src_out"], rec_in=0,
                         score=c["score"], line_ids=(line_id,), take_id=c["take_id"])
        cut = Cut(name=f"{line_id} alternate {index + 1}", rate=rate, decisions=(d,))
        otio_path = write_otio(cut, out.with_suffix(".otio"), frame_counts=sess.frame_counts())
        return render_preview(otio_path, out, width=ALT_WIDTH)

    # -- feedback ------------------------------------------------------------------------
    @property
    def feedback_log(self) -> Path:
        return self.config.data_dir / "web" / "feedback.jsonl"

    def record(self, event: dict, pair=None, show: str = "default") -> dict:
        """Log an edit; a swap's preference ``pair`` is logged and a candidate ranker trained; it
        becomes the show's weights only if it wins on held-out pairs (``learn_from_feedback``).

        The refit (torch, a second or more) runs on a background thread so the swap answers
        at once; the log line is written when the weights are stored (``pair: true`` and the
        new preferences version), or with ``pair_error`` when they could not be."""
        event = {"time": time.time(), "show": show, **event}
        if pair is None:
            self._append(event)
            return event

        def learn():
            from roughcut_core.learn import PreferenceStore
            from roughcut_core.learn.registry import learn_from_feedback

            try:  # issue 21: weights change only through the registry's held-out promotion
                with self._feedback_lock:
                    model = learn_from_feedback(show, [pair])
                    prefs = PreferenceStore().load(show)
                self._append({**event, "pair": True, "preferences_version": prefs.version,
                              "model": {k: model.get(k) for k in ("registered", "promoted", "reason",
                                                                  "candidate_accuracy", "current_accuracy",
                                                                  "heldout_pairs")}})
            except Exception as exc:  # say it in the log; never lose the edit itself
                log.warning("preference update for %s failed: %s", show, exc)
                self._append({**event, "pair": False, "pair_error": str(exc) or type(exc).__name__})

        threading.Thread(target=learn, name="roughcut-web-learn", daemon=True).start()
        return event

    def _append(self, event: dict) -> None:
        with self._feedback_lock:
            path = self.feedback_log
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(event) + "\n")

    def feedback_events(self, limit: int = 200) -> list[dict]:
        try:
            lines = self.feedback_log.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        out = []
        for line in lines[-limit:]:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out[::-1]

    def clear_feedback_log(self, show: Optional[str] = None) -> None:
        with self._feedback_lock:
            if show is None:
                atomic_write_text(self.feedback_log, "")
                return
            kept = [json.dumps(e) for e in self.feedback_events(10 ** 6)[::-1] if e.get("show") != show]
            atomic_write_text(self.feedback_log, "".join(k + "\n" for k in kept))

