"""Time reading register snapshots cold (parsed) and warm (from the staging cache).

    .venv/bin/python -m bench.snapshot_cache [--work /tmp/observatory-bench] [--snapshots 3]

Uses ``bench.national_refresh``'s national register (1.2 M lines) as every snapshot, each a
copy with its own name (a copy hashes like the original: one cache entry per distinct file
content, so the copies differ by a trailing line).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

from observatory.sources.catalog import sha256_of
from observatory.sources.snapshot_cache import read_snapshots

from .measure import measured, report
from .national_input import DEPARTEMENT_CODES, national_input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/observatory-bench")
    parser.add_argument("--snapshots", type=int, default=3)
    arguments = parser.parse_args()
    folder = Path(arguments.work) / "scale-1"
    raw = national_input(Path(arguments.work))
    register = raw["rpps_extract"]
    snapshots = folder / "snapshots"
    shutil.rmtree(snapshots, ignore_errors=True)
    snapshots.mkdir()
    paths = []
    for index in range(arguments.snapshots):
        path = snapshots / f"PS_LibreAcces_Personne_activite_20{20 + index}06300800.txt"
        shutil.copy(register, path)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\n" * (index + 1))
        paths.append(path)
    known = set(pd.read_csv(raw["population"], dtype=str, usecols=["insee_com"])["insee_com"])
    cache = folder / "snapshot-cache"
    shutil.rmtree(cache, ignore_errors=True)
    results = []
    for label in ("cold: parsed", "warm: from the cache"):
        with measured(label, results) as stage:
            read = read_snapshots([(path, sha256_of(path)) for path in paths], tuple(DEPARTEMENT_CODES), known, {},
                                  cache)
            stage.extra = {"snapshots": len(read), "activities": sum(len(staged.table) for staged in read)}
    print(report(results, f"\n== {arguments.snapshots} snapshots of {register.stat().st_size / 2**20:.0f} MB"))


if __name__ == "__main__":
    main()
