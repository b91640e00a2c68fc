"""Mutation score of the modules whose rules a policymaker relies on (issue 21).

    .venv/bin/python -m bench.mutation_score [accessibility indicators ...] [--max-children 2]

mutmut plants one small bug at a time (an operator, a constant, an argument changed), runs
only the tests that call the function it changed, and counts the mutant killed when one of
them fails. A surviving mutant is a bug the suite would let through: either a missing test,
or an equivalent change (the note on issue 21 says which). Its configuration is the
``[tool.mutmut]`` section of ``pyproject.toml``: the tests marked ``pipeline`` or ``browser``
are left out, because each mutant would pay for a build or a browser again (the mutants of
what only those tests reach are reported as "no tests"). Prints, per module, the mutants,
killed, survived, not covered and the score, then per function the mutants left alive;
``--diffs`` adds each survivor's diff (``.venv/bin/mutmut show <name>`` shows one). Not part
of CI: the six modules take about 36 minutes on two cores.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")

# Module → the glob of its mutants' names (mutmut names them by dotted path and function).
MODULES = {
    "accessibility": "observatory.accessibility.*",
    "indicators": "observatory.indicators.*",
    "commune_history": "observatory.sources.commune_history.*",
    "privacy": "observatory.privacy.*",
    "publish": "observatory.publish.*",
    "settings": "observatory.settings.*",
}
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def run_mutmut(patterns: list[str], max_children: int) -> None:
    environment = {**os.environ, "OBSERVATORY_SHARED_DATA": str(ROOT.parent / "shared" / "data")}
    subprocess.run([str(MUTMUT), "run", "--max-children", str(max_children), *patterns],
                   cwd=ROOT, env=environment, check=True)


def statuses() -> dict[str, str]:
    """Every mutant's status as ``mutmut results --all`` reports it."""
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    pairs = (line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    return {name: status for name, status in pairs}


def score_table(found: dict[str, str], modules: list[str]) -> tuple[str, dict[str, str]]:
    lines = [f"{'module':<16} {'mutants':>8} {'killed':>7} {'survived':>9} {'no tests':>9} {'score':>7}"]
    alive = {}
    for module in modules:
        mine = {name: status for name, status in found.items() if fnmatch.fnmatch(name, MODULES[module])}
        counts = Counter("killed" if status in KILLED else status for status in mine.values())
        total = len(mine)
        score = f"{100 * counts['killed'] / total:.1f} %" if total else "–"
        lines.append(f"{module:<16} {total:>8} {counts['killed']:>7} {counts['survived']:>9} "
                     f"{counts['no tests']:>9} {score:>7}")
        alive |= {name: status for name, status in sorted(mine.items()) if status not in KILLED}
    return "\n".join(lines), alive


def by_function(alive: dict[str, str]) -> str:
    """Mutants left alive per function and status, most first."""
    counts = Counter((name.rsplit("__mutmut_", 1)[0], status) for name, status in alive.items())
    return "\n".join(f"{count:>5}  {status:<9} {function}" for (function, status), count in counts.most_common())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--diffs", action="store_true", help="print the diff of every surviving mutant")
    arguments = parser.parse_args(argv)
    modules = arguments.modules or list(MODULES)
    if unknown := sorted(set(modules) - set(MODULES)):
        parser.error(f"unknown module {', '.join(unknown)}: choose among {', '.join(MODULES)}")
    if not MUTMUT.exists():
        sys.exit(f"mutmut is not installed in {MUTMUT.parent} (python3 dev.py test --collect-only installs it)")
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # a run starts from the code as it is
    run_mutmut([MODULES[module] for module in modules], arguments.max_children)
    table, alive = score_table(statuses(), modules)
    print("\n" + table + "\n\nalive, per function:\n" + by_function(alive))
    if arguments.diffs:
        for name in (name for name, status in alive.items() if status == "survived"):
            print(subprocess.run([str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True).stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
