"""A search result's thumbnail: the picture at a time in a file, as a small JPEG.

Contract of :func:`thumbnail_jpeg`: the first decoded frame at or after ``seconds`` (after a
keyframe seek; the last frame when ``seconds`` is past the end), scaled to ``width`` pixels
wide (aspect kept, rotation metadata ignored), JPEG-encoded. ``MediaError(path, reason)`` for
a file that cannot be opened or has no picture. Streams: decoding stops at the first frame.
"""
from __future__ import annotations

import io

from ..errors import MediaError


def thumbnail_jpeg(path: str, seconds: float, width: int = 320, quality: int = 80) -> bytes:
    import av

    from ..paths import check_input_file

    check_input_file(path, what="media file", error=MediaError)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(path, f"cannot be opened as media: {exc}") from None
    with container:
        if not container.streams.video:
            raise MediaError(path, "has no picture (sound only), so no thumbnail")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        seconds = max(0.0, float(seconds))
        try:
            if stream.time_base:
                container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        except av.error.FFmpegError:
            container.seek(0)
        chosen = None
        try:
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is not None and frame.time >= seconds - 1e-3:
                    break
        except av.error.FFmpegError as exc:
            if chosen is None:
                raise MediaError(path, f"picture cannot be decoded: {exc}") from None
        if chosen is None:
            raise MediaError(path, "no picture could be decoded")
        image = chosen.to_image()
    height = max(1, round(image.height * width / max(1, image.width)))
    image = image.resize((width, height))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()
