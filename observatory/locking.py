"""One refresh at a time per data folder: two at once would interleave their staging and
publication files."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


class RefreshRunning(RuntimeError):
    """Another refresh holds the data folder."""


@contextmanager
def data_folder_lock(data_dir: Path):
    """Hold an exclusive lock on ``data_dir`` for the duration, or raise ``RefreshRunning``
    at once. The lock is the kernel's (``flock``): it is released if the process dies."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(data_dir / ".refresh.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshRunning(f"another refresh of {data_dir} is running; try again when it has finished") from None
        yield
    finally:
        os.close(descriptor)
