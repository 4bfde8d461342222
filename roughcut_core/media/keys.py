"""Content keys: a cheap identity for a media file, used to address cached analyses.

Contract: ``content_key(path)`` returns ``"ck1-<32 hex>"``, a BLAKE2b digest of the file
size, its modification time (ns) and sampled 64 KiB blocks: the head, the tail and 16
blocks spread evenly between them (files up to 18 blocks are hashed whole). The cost is
O(1) in file size (at most 18 reads), so keying a multi-GB camera original is instant.

What it detects: any change of size or mtime, and any change inside a sampled block. A
same-size edit outside the sampled blocks with the mtime forced back is not detected;
that is the price of not reading the whole file.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Union

from ..errors import MediaError

KEY_PREFIX = "ck1-"
BLOCK_SIZE = 64 * 1024
SPREAD_BLOCKS = 16


def sample_offsets(size: int, block: int = BLOCK_SIZE, spread: int = SPREAD_BLOCKS) -> list[int]:
    """Byte offsets of the blocks :func:`content_key` reads from a file of ``size`` bytes."""
    if size <= block * (spread + 2):
        return list(range(0, size, block))
    last = size - block
    middle = [last * (i + 1) // (spread + 1) for i in range(spread)]
    return [0, *middle, last]


def content_key(path: Union[str, Path]) -> str:
    """``"ck1-<hex>"`` for a file; raises MediaError when it is missing or unreadable."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise MediaError(path, "file not found") from None
    except OSError as exc:
        raise MediaError(path, f"cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise MediaError(path, "is a folder, not a media file")
    if not stat.S_ISREG(info.st_mode):  # never open a FIFO/device: it could block forever
        from ..paths import file_kind

        raise MediaError(path, f"is a {file_kind(info.st_mode)}, not a regular file; "
                               "roughcut reads only regular files")
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"ck1:{info.st_size}:{info.st_mtime_ns}:".encode())
    try:
        with open(path, "rb") as fh:
            for offset in sample_offsets(info.st_size):
                fh.seek(offset)
                digest.update(fh.read(BLOCK_SIZE))
    except OSError as exc:
        raise MediaError(path, f"cannot read file: {exc.strerror or exc}") from None
    return KEY_PREFIX + digest.hexdigest()
