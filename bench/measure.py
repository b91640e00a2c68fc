"""Wall time and peak resident memory of a block of code, by sampling the process's RSS."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil


@dataclass
class Stage:
    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    extra: dict = field(default_factory=dict)


@contextmanager
def measured(name: str, results: list[Stage], interval: float = 0.01):
    """Time the block and sample the process's resident memory every ``interval`` seconds."""
    process = psutil.Process()
    stage = Stage(name)
    peak = [process.memory_info().rss]
    running = threading.Event()
    running.set()

    def sample():
        while running.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        yield stage
    finally:
        stage.seconds = time.perf_counter() - started
        running.clear()
        sampler.join()
        stage.peak_mb = max(peak[0], process.memory_info().rss) / 2**20
        results.append(stage)


def report(results: list[Stage], title: str) -> str:
    lines = [title, f"{'stage':32} {'wall s':>8} {'peak RSS MB':>12}  details"]
    for stage in results:
        details = ", ".join(f"{k}={v}" for k, v in stage.extra.items())
        lines.append(f"{stage.name:32} {stage.seconds:8.2f} {stage.peak_mb:12.0f}  {details}")
    lines.append(f"{'total':32} {sum(s.seconds for s in results):8.2f} {max(s.peak_mb for s in results):12.0f}")
    return "\n".join(lines)
