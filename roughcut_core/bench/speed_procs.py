"""Per-process memory and CPU of a process tree, and the machine's load, for the long Ray run
(:mod:`.speed_dailies`); Linux ``/proc`` only (elsewhere the monitor records nothing).

Contract: :class:`ProcessMonitor` samples every ``interval`` seconds, on its own thread, every
process descended from ``root_pid`` (Ray's head, raylets, GCS and worker processes are
children of the driver that started the local cluster) and the root itself: per pid its kind
(:func:`process_kind`), peak RSS (the kernel's high-water mark ``VmHWM``, so nothing between
samples is missed) and CPU seconds (user + system, last sample). ``load`` holds
``(seconds since start, 1/5/15-minute load average)`` every ``load_every`` seconds, and each
load sample is also appended, as ``uptime`` would print it, to ``load_log`` when given.
Call :meth:`sample` once more right before the processes end to get their final CPU time.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Optional

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_kind(cmdline: str) -> str:
    """A short name for a Ray or roughcut process from its command line."""
    checks = (("default_worker", "ray worker"), ("ray::", "ray worker"), ("raylet", "raylet"),
              ("gcs_server", "gcs"), ("dashboard", "ray dashboard/agent"), ("agent", "ray dashboard/agent"),
              ("log_monitor", "ray log monitor"), ("monitor.py", "ray monitor"), ("plasma", "object store"))
    for needle, kind in checks:
        if needle in cmdline:
            return kind
    return "other"


def _children_map() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def _tree(root: int) -> list[int]:
    kids, out, todo = _children_map(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def _read(pid: int) -> Optional[tuple[str, float, float]]:
    """(command line, VmHWM MiB, CPU s) of a live process, else None."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        hwm = 0.0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    cpu = (int(stat[11]) + int(stat[12])) / _TICKS  # utime + stime
    return cmd, hwm, cpu


class ProcessMonitor:
    """Samples a process tree and the load average on a daemon thread (see module docstring)."""

    def __init__(self, root_pid: Optional[int] = None, interval: float = 5.0, load_every: float = 30.0,
                 load_log: Optional[Path] = None):
        self.root_pid = os.getpid() if root_pid is None else root_pid
        self.interval, self.load_every, self.load_log = interval, load_every, load_log
        self.procs: dict[int, dict] = {}
        self.load: list[tuple[float, float, float, float]] = []
        self._start = time.monotonic()
        self._last_load = -1e9
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="speed-procs", daemon=True)

    def start(self) -> "ProcessMonitor":
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        now = time.monotonic() - self._start
        with self._lock:
            for pid in _tree(self.root_pid):
                got = _read(pid)
                if got is None:
                    continue
                cmd, hwm, cpu = got
                rec = self.procs.setdefault(pid, {"pid": pid, "kind": "driver" if pid == self.root_pid
                                                  else process_kind(cmd), "cmd": cmd[:160],
                                                  "peak_rss_mb": 0.0, "cpu_s": 0.0})
                rec["peak_rss_mb"] = max(rec["peak_rss_mb"], hwm)
                rec["cpu_s"] = max(rec["cpu_s"], cpu)
            if now - self._last_load >= self.load_every:
                self._last_load = now
                l1, l5, l15 = os.getloadavg()
                self.load.append((round(now, 1), l1, l5, l15))
                if self.load_log is not None:
                    with open(self.load_log, "a", encoding="utf-8") as fh:
                        fh.write(f"{time.strftime('%H:%M:%S')} load average: {l1:.2f}, {l5:.2f}, {l15:.2f}\n")

    def summary(self) -> dict:
        """Per kind: processes, largest peak RSS, summed CPU s; and the load samples."""
        with self._lock:
            kinds: dict[str, dict] = {}
            for rec in self.procs.values():
                k = kinds.setdefault(rec["kind"], {"processes": 0, "peak_rss_mb_max": 0.0, "cpu_s": 0.0})
                k["processes"] += 1
                k["peak_rss_mb_max"] = max(k["peak_rss_mb_max"], rec["peak_rss_mb"])
                k["cpu_s"] += rec["cpu_s"]
            return {"kinds": kinds, "processes": sorted(self.procs.values(), key=lambda r: -r["peak_rss_mb"]),
                    "load": list(self.load)}
