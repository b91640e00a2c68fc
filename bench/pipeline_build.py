"""Time the real pipeline: ``observatory build`` on the national synthetic input, as an operator runs it.

    .venv/bin/python -m bench.pipeline_build [--work /tmp/observatory-bench] [--runs 3] [--exports]
                                             [--register-factor 10]

The territory is the input's 96 départements, named by their list (a folder named by its
digest). Each run is the command in a process of its own, downloads off, map exports off
unless ``--exports``; ``--register-factor`` multiplies the register's lines (other
professions) for the same communes and GPs.

Time and memory are measured in separate runs, ``--runs`` of each: reading a process's
proportional set size walks its pages (19 ms for a 2 GB process), and sampling three
processes every 50 ms took most of a core from a build on two. The timed runs are left
alone; the memory runs sample the peak of the process tree (proportional set size, so a
forked child is not counted again for the pages it shares with its parent). Prints each
run, the medians, and the ten slowest steps of the median timed run as the command
reported them.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from observatory.settings import Settings

from .national_input import DEPARTEMENT_CODES, national_input

STEP = re.compile(r"^\s+✓ (\S+) \(([\d.]+) s\)")


def build_once(settings: Settings, exports: bool, sample_memory: bool) -> tuple[float, float, dict[str, float], int]:
    """Seconds, peak MB of the process tree (``nan`` unless ``sample_memory``), each step's
    seconds, and the exit status."""
    environment = {**os.environ, "OBSERVATORY_DOWNLOAD": "0", "OBSERVATORY_CALIBRATE": "0",
                   "OBSERVATORY_MAP_EXPORTS": "1" if exports else "0"}
    command = [sys.executable, "-m", "pipelines.cli", "--data-dir", str(settings.data_dir),
               "--territory", settings.territory, "build"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, encoding="utf-8")
    if not sample_memory:
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        return seconds, math.nan, _steps(output.splitlines()), process.returncode
    watched, peak = psutil.Process(process.pid), 0
    lines = []
    os.set_blocking(process.stdout.fileno(), False)
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(part.memory_full_info().pss for part in tree))
        except psutil.NoSuchProcess:
            pass
        lines.extend(process.stdout.readlines())
        time.sleep(0.05)
    lines.extend(process.stdout.readlines())
    seconds = time.perf_counter() - started
    return seconds, peak / 2**20, _steps(lines), process.returncode


def _steps(lines: list[str]) -> dict[str, float]:
    return {match.group(1): float(match.group(2)) for match in map(STEP.match, lines) if match}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/observatory-bench", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--exports", action="store_true", help="PNG/PDF map exports on (the default of a build)")
    parser.add_argument("--register-factor", type=int, default=1, help="times the register's 1.2 M lines")
    arguments = parser.parse_args()
    raw = national_input(arguments.work, register_factor=arguments.register_factor)
    settings = Settings(data_dir=arguments.work / f"pipeline-{arguments.register_factor}",
                        territory=",".join(DEPARTEMENT_CODES))
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    settings.raw_dir.mkdir(parents=True)
    for path in raw.values():
        (settings.raw_dir / path.name).symlink_to(path)
    runs, sampled = [], []
    for number in range(1, arguments.runs + 1):
        runs.append(build_once(settings, arguments.exports, sample_memory=False))
        seconds, _, _, status = runs[-1]
        print(f"timed run {number}: {seconds:6.1f} s, exit status {status}", flush=True)
    for number in range(1, arguments.runs + 1):
        sampled.append(build_once(settings, arguments.exports, sample_memory=True))
        seconds, peak, _, status = sampled[-1]
        print(f"memory run {number}: peak {peak:6.0f} MB ({seconds:.1f} s while sampled), exit status {status}",
              flush=True)
    median = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    print(f"\nobservatory build, territory folder {settings.territory_folder}: {len(DEPARTEMENT_CODES)} départements, "
          f"35 000 communes, {1.2 * arguments.register_factor:g} M register lines; "
          f"exports {'on' if arguments.exports else 'off'}")
    print(f"median of {len(runs)} timed runs: {statistics.median(run[0] for run in runs):.1f} s "
          f"({min(run[0] for run in runs):.1f} to {max(run[0] for run in runs):.1f}); "
          f"peak, median of {len(sampled)} memory runs: {statistics.median(run[1] for run in sampled):.0f} MB")
    print("slowest steps of the median timed run:")
    for step, seconds in sorted(median[2].items(), key=lambda item: -item[1])[:10]:
        print(f"  {step:40} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
