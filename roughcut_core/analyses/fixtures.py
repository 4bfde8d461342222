"""Material with exactly known answers for the analyses' benchmark and tests.

- ``moving_crops(frame, kind, n, out_w)``: grey frames made by moving a crop window over one real
  frame with a known motion (pan/tilt/zoom/static/handheld shake, complex = pan + zoom). The crop moves, so the content
  moves the other way: a crop moving right is a camera panning right.
- ``sound_scene(speech, seed)``: 16 kHz mono mix of segments with known labels: real speech (given),
  generated music (chords of harmonic tones with note envelopes), steady coloured noise,
  applause-like clap bursts, room tone (quiet noise + mains hum), and speech over music (-10 dB);
  optionally SYNTHETIC laughter (``laughter``: source-filter "ha" bouts, not recorded laughs).
  Returns (audio, [(start, end, label, music_under)]).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

SR = 16000
MOTION_KINDS = ("static", "pan_left", "pan_right", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "handheld", "complex")
LAYERED_KINDS = ("track_left", "track_right", "dolly_in", "dolly_out", "pan_left", "pan_right", "zoom_in",
                 "zoom_out", "static")
_LAYER_MOVE = {"track_left": "pan_left", "track_right": "pan_right", "dolly_in": "zoom_in", "dolly_out": "zoom_out"}


def _camera(kind: str, c: float, step: float, zstep: float) -> tuple[float, float, float]:
    """(x offset, y offset, log zoom) of the camera at frame offset ``c`` for one smooth move."""
    return {"pan_right": (c * step, 0.0, 0.0), "pan_left": (-c * step, 0.0, 0.0),
            "tilt_down": (0.0, c * step, 0.0), "tilt_up": (0.0, -c * step, 0.0),
            "zoom_in": (0.0, 0.0, c * zstep), "zoom_out": (0.0, 0.0, -c * zstep),
            "static": (0.0, 0.0, 0.0)}[kind]


def layered_crops(background_rgb: np.ndarray, foreground_rgb: np.ndarray, box: tuple, kind: str, n: int = 25,
                  out_w: int = 160, speed: float = 0.25, factor: float = 2.0, fps: float = 25.0, seed: int = 0,
                  noise: float = 0.0, place: tuple = (0.1, 0.05), size: float = 0.4) -> list[np.ndarray]:
    """``n`` grey frames ``out_w`` wide of a two-layer scene (module contract). ``box``: the
    cut-out's (x0, y0, x1, y1) in fractions of ``foreground_rgb``; ``size``: its width in crop
    widths; ``place``: its centre's offset from the frame centre in crop widths (x, y) at the
    clip's middle frame; ``speed`` as in ``moving_crops`` for the background layer."""
    import cv2

    from .motion import to_grey

    move = _LAYER_MOVE.get(kind, kind)
    if move not in ("pan_left", "pan_right", "zoom_in", "zoom_out", "static"):
        raise ValueError(f"unknown layered kind {kind!r}")
    f = factor if kind in _LAYER_MOVE else 1.0
    rng = np.random.default_rng(seed)
    h, w = background_rgb.shape[:2]
    cw, ch = w / 2.0, h / 2.0
    out_h = int(round(out_w * ch / cw))
    fh, fw = foreground_rgb.shape[:2]
    x0, y0, x1, y1 = int(box[0] * fw), int(box[1] * fh), int(box[2] * fw), int(box[3] * fh)
    sprite = np.ascontiguousarray(foreground_rgb[y0:y1, x0:x1])
    sh, sw = sprite.shape[:2]
    yy, xx = np.mgrid[0:sh, 0:sw]
    ell = ((xx - sw / 2) / (sw / 2)) ** 2 + ((yy - sh / 2) / (sh / 2)) ** 2
    alpha = cv2.GaussianBlur((ell <= 0.85).astype(np.float32), (0, 0), max(1.0, sw / 40))
    # the sprite in scene coordinates: width size * cw, centred at place (at the middle frame)
    k = size * cw / sw
    sx, sy = w / 2.0 + place[0] * cw - k * sw / 2, h / 2.0 + place[1] * cw - k * sh / 2
    step, zstep = speed * cw / fps, speed / fps
    frames = []
    for i in range(n):
        ox, oy, lz = _camera(move, i - n / 2.0, step, zstep)

        def view(gain: float) -> np.ndarray:
            """Scene -> output affine of the camera at ``gain`` x this frame's move."""
            s = float(np.exp(-gain * lz))
            ww, hh = cw * s, ch * s
            left, top = w / 2.0 + gain * ox - ww / 2, h / 2.0 + gain * oy - hh / 2
            return np.float64([[out_w / ww, 0, -left * out_w / ww], [0, out_h / hh, -top * out_h / hh]])

        bg = cv2.warpAffine(background_rgb, view(1.0), (out_w, out_h), flags=cv2.INTER_AREA,
                            borderMode=cv2.BORDER_REFLECT).astype(np.float32)
        v = view(f)
        a = np.float64([[v[0, 0] * k, 0, v[0, 0] * sx + v[0, 2]], [0, v[1, 1] * k, v[1, 1] * sy + v[1, 2]]])
        fg = cv2.warpAffine(sprite, a, (out_w, out_h), flags=cv2.INTER_LINEAR).astype(np.float32)
        al = cv2.warpAffine(alpha, a, (out_w, out_h), flags=cv2.INTER_LINEAR)[..., None]
        img = np.clip(bg * (1 - al) + fg * al, 0, 255).astype(np.uint8)
        grey = to_grey(img)
        if noise > 0:
            grey = np.clip(grey + rng.normal(0, noise, grey.shape), 0, 255).astype(np.uint8)
        frames.append(grey)
    return frames


def moving_crops(frame_rgb: np.ndarray, kind: str, n: int = 25, out_w: int = 160, speed: float = 0.25,
                 fps: float = 25.0, seed: int = 0, noise: float = 0.0) -> list[np.ndarray]:
    """``n`` grey frames ``out_w`` wide; pans/tilts move ``speed`` crop widths per second, zooms
    ``speed`` log-scale per second; ``noise``: Gaussian sensor noise (grey levels) per frame."""
    import cv2

    from .motion import to_grey

    rng = np.random.default_rng(seed)
    h, w = frame_rgb.shape[:2]
    cw, ch = w / 2.0, h / 2.0
    out_h = int(round(out_w * ch / cw))
    step = speed * cw / fps
    zstep = speed / fps  # log-scale per frame
    frames = []
    shake = np.cumsum(rng.normal(0, 1, (n, 2)), axis=0)
    shake -= np.linspace(shake[0], shake[-1], n)  # a walk without drift: shake, not a move
    for i in range(n):
        cx, cy, s = w / 2.0, h / 2.0, 1.0
        c = i - n / 2.0
        if kind == "pan_right":
            cx += c * step
        elif kind == "pan_left":
            cx -= c * step
        elif kind == "tilt_down":
            cy += c * step
        elif kind == "tilt_up":
            cy -= c * step
        elif kind == "zoom_in":
            s = float(np.exp(-c * zstep))
        elif kind == "zoom_out":
            s = float(np.exp(c * zstep))
        elif kind == "handheld":
            cx += shake[i, 0] * cw * 0.006 + rng.normal(0, cw * 0.004)
            cy += shake[i, 1] * cw * 0.006 + rng.normal(0, cw * 0.004)
        elif kind == "complex":  # pan right while zooming in
            cx += c * step
            s = float(np.exp(-c * zstep))
        elif kind != "static":
            raise ValueError(f"unknown motion kind {kind!r}")
        ww, hh = cw * s, ch * s
        m = np.float32([[ww / out_w, 0, cx - ww / 2], [0, hh / out_h, cy - hh / 2]])
        img = cv2.warpAffine(frame_rgb, m, (out_w, out_h), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_AREA,
                             borderMode=cv2.BORDER_REFLECT)
        grey = to_grey(img)
        if noise > 0:
            grey = np.clip(grey + rng.normal(0, noise, grey.shape), 0, 255).astype(np.uint8)
        frames.append(grey)
    return frames


def _tone(freq: float, dur: float, harmonics: int = 5) -> np.ndarray:
    t = np.arange(int(dur * SR)) / SR
    x = sum(np.sin(2 * np.pi * freq * k * t) / k ** 1.3 for k in range(1, harmonics + 1))
    env = np.minimum(1.0, t / 0.02) * np.exp(-t * 1.2)
    return (x * env).astype(np.float32)


def music(dur: float, rng: np.random.Generator) -> np.ndarray:
    """Chords (major/minor triads, 0.5-1 s each) with a bass note: plain generated music."""
    out = np.zeros(int(dur * SR), np.float32)
    pos = 0
    while pos < len(out):
        root = 110.0 * 2 ** (rng.integers(0, 12) / 12)
        third = 4 if rng.random() < 0.5 else 3
        d = float(rng.uniform(0.5, 1.0))
        chord = sum(_tone(root * 2 ** (k / 12) * 2, d) for k in (0, third, 7)) + _tone(root, d, 3)
        end = min(len(out), pos + len(chord))
        out[pos:end] += chord[: end - pos]
        pos = end
    return out


def coloured_noise(dur: float, rng: np.random.Generator, tilt: float = -1.0) -> np.ndarray:
    n = int(dur * SR)
    spec = np.fft.rfft(rng.normal(0, 1, n))
    f = np.maximum(np.fft.rfftfreq(n, 1 / SR), 20.0)
    return np.fft.irfft(spec * f ** (tilt / 2), n).astype(np.float32)


def applause(dur: float, rng: np.random.Generator, rate: float = 10.0) -> np.ndarray:
    """Claps: 5-15 ms band-limited noise bursts with a fast decay, Poisson times."""
    n = int(dur * SR)
    out = 0.02 * rng.normal(0, 1, n).astype(np.float32)
    t = 0.0
    while True:
        t += float(rng.exponential(1 / rate))
        if t >= dur:
            break
        ln = int(rng.uniform(0.005, 0.015) * SR * 4)
        burst = rng.normal(0, 1, ln) * np.exp(-np.arange(ln) / (ln / 4)) * rng.uniform(0.5, 1.0)
        burst = np.diff(burst, prepend=0)  # brighter, like a clap
        a = int(t * SR)
        out[a:a + ln] += burst[: n - a]
    return out


def laughter(dur: float, rng: np.random.Generator) -> np.ndarray:
    """SYNTHETIC laughter-like sound (no recorded laughter is available here): bouts of "ha" calls
    at a random 4-6.5 Hz rate, each a breathy /h/ (noise through the vowel's formants) then a
    voiced /a/ (glottal pulses at a per-bout pitch of 170-420 Hz falling over the bout, through
    three formant resonators drawn per bout), with a decrescendo; bouts end in an inhaled breath.
    Source-filter synthesis, randomised per call: a test signal for the DSP cues, not real laughs."""
    from scipy.signal import lfilter

    n = int(dur * SR)
    out = np.zeros(n, np.float64)

    def formants(x, fs):
        y = np.zeros_like(x)
        for f, bw in fs:
            r = np.exp(-np.pi * bw / SR)
            y += lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * f / SR), r * r], x)
        return y

    t = float(rng.uniform(0.0, 0.15))
    while t < dur - 0.3:
        calls = int(rng.integers(3, 9))
        f0 = float(rng.uniform(170, 420))
        period = float(rng.uniform(1 / 6.5, 1 / 4.0))
        fs = [(float(rng.uniform(650, 950)), 90.0), (float(rng.uniform(1050, 1500)), 120.0),
              (float(rng.uniform(2300, 2900)), 180.0)]
        for c in range(calls):
            if t >= dur - 0.2:
                break
            amp = 1.0 - 0.5 * c / calls
            h_len, v_len = rng.uniform(0.02, 0.05), rng.uniform(0.06, 0.12)
            hn = int(h_len * SR)
            h = formants(rng.normal(0, 1, hn), fs) * np.hanning(hn) * 0.35
            vn = int(v_len * SR)
            pitch = f0 * (1 - 0.15 * c / calls) * np.linspace(1.05, 0.95, vn) * (1 + rng.normal(0, 0.01))
            phase = np.cumsum(pitch / SR)
            pulses = np.diff(np.floor(phase), prepend=0.0) * 1.0
            src = lfilter([1.0], [1, -0.9], pulses) + rng.normal(0, 0.03, vn)  # glottal tilt + breath
            env = np.minimum(1.0, np.arange(vn) / (0.01 * SR)) * np.exp(-np.arange(vn) / (0.6 * vn))
            v = formants(src, fs) * env
            call = np.concatenate([h, v]) * amp
            a = int(t * SR)
            out[a:a + len(call)] += call[: max(0, n - a)]
            t += period * float(rng.uniform(0.9, 1.1))
        # inhale between bouts
        inn = int(rng.uniform(0.15, 0.35) * SR)
        a = int(t * SR)
        breath = formants(rng.normal(0, 1, inn), [(1800.0, 900.0)]) * np.hanning(inn) * 0.05
        out[a:a + inn] += breath[: max(0, n - a)]
        t += inn / SR + float(rng.uniform(0.05, 0.3))
    return out.astype(np.float32)


def _norm(x: np.ndarray, db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) + 1e-12
    return (x * (10 ** (db / 20) / rms)).astype(np.float32)


def room_tone(dur: float, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(dur * SR)) / SR
    return _norm(coloured_noise(dur, rng, -1.5), -62) + _norm(np.sin(2 * np.pi * 50 * t), -66)


def _speech_runs(clean: np.ndarray, frame: float = 0.02, pause: float = 0.4):
    """(start, end, active) runs of a clean speech excerpt: a pause is >= ``pause`` s of frames
    more than 28 dB under the excerpt's loudest frame (the reference, independent of any VAD)."""
    n = int(frame * SR)
    k = len(clean) // n
    e = 10 * np.log10(np.mean(clean[: k * n].astype(np.float64).reshape(k, n) ** 2, axis=1) + 1e-12)
    active = e > e.max() - 28
    runs, start = [], 0
    for i in range(1, k + 1):
        if i == k or active[i] != active[start]:
            runs.append([start * frame, i * frame, bool(active[start])])
            start = i
    # short pauses are part of the speech
    for r in runs:
        if not r[2] and r[1] - r[0] < pause:
            r[2] = True
    merged: list[list] = []
    for r in runs:
        if merged and merged[-1][2] == r[2]:
            merged[-1][1] = r[1]
        else:
            merged.append(list(r))
    merged[-1][1] = len(clean) / SR
    return [tuple(r) for r in merged]


def sound_scene(speech: Sequence[np.ndarray], seed: int = 0, seg: float = 3.0, with_laughter: bool = False):
    """Known-label mix; ``speech`` are 16 kHz mono arrays (each >= ``seg`` seconds).
    ``with_laughter`` adds two SYNTHETIC laughter segments (``laughter``) to the plan."""
    rng = np.random.default_rng(seed)
    parts, truth, pos = [], [], 0.0
    sp = [s for s in speech if len(s) >= seg * SR]
    if not sp:
        raise ValueError("need speech of at least %.1f s" % seg)

    last_speech = [np.zeros(0, np.float32)]

    def speech_seg():
        s = sp[int(rng.integers(0, len(sp)))]
        a = int(rng.integers(0, len(s) - int(seg * SR) + 1))
        last_speech[0] = s[a:a + int(seg * SR)]
        return _norm(last_speech[0], -22)

    plan = ["speech", "music", "silence", "noise", "applause", "silence", "speech+music", "music", "speech"]
    if with_laughter:
        plan = plan[:2] + ["laughter"] + plan[2:6] + ["laughter"] + plan[6:]
    for kind in plan:
        if kind == "speech":
            x = speech_seg() + room_tone(seg, rng)
        elif kind == "music":
            x = _norm(music(seg, rng), -20)
        elif kind == "noise":
            x = _norm(coloured_noise(seg, rng, float(rng.uniform(-2, 0))), -26)
        elif kind == "applause":
            x = _norm(applause(seg, rng, float(rng.uniform(6, 14))), -22)
        elif kind == "silence":
            x = room_tone(seg, rng)
        elif kind == "laughter":
            x = _norm(laughter(seg, rng), -22) + room_tone(seg, rng)
        else:
            x = speech_seg() + _norm(music(seg, rng), -32)
        parts.append(x[: int(seg * SR)])
        if kind.startswith("speech"):
            gap = "music" if kind == "speech+music" else "silence"
            for a, b, active in _speech_runs(last_speech[0]):
                truth.append((pos + a, pos + b, "speech" if active else gap, kind == "speech+music"))
        else:
            truth.append((pos, pos + seg, kind, False))
        pos += seg
    return np.concatenate(parts).astype(np.float32), truth
