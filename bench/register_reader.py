"""Time the register's reader against PyArrow's CSV reader, on the national input and on a
register ten times longer, each reading in a process of its own with its peak memory.

    .venv/bin/python -m bench.register_reader [--work /tmp/observatory-bench] [--factors 1 10]

For each register: PyArrow's ``read_csv`` of the columns we read (the reference: no line
numbers, no quarantine, the whole file in memory at once), our streaming reader of those
columns (``read_delimited``: line numbers, malformed lines quarantined), and the whole
staging of the register for France (``read_rpps_extract``: scope, commune checks,
duplicates) and for one département (the rows kept are few, so the memory shows what
streaming costs whatever the file's length).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .national_input import DEPARTEMENT_CODES, national_input

READINGS = {
    "pyarrow.csv.read_csv (reference)": """
import pyarrow as pa, pyarrow.csv as pacsv
from observatory.sources.rpps import COLUMNS, HEADER
names = [f"c{i}" for i in range(len(HEADER) + 1)]
wanted = [names[HEADER.index(column)] for column in COLUMNS.values()]
table = pacsv.read_csv(PATH, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
                       parse_options=pacsv.ParseOptions(delimiter="|", quote_char=False),
                       convert_options=pacsv.ConvertOptions(include_columns=wanted,
                                                            column_types=dict.fromkeys(wanted, pa.string())))
rows = table.num_rows
""",
    "read_delimited (streamed, line numbers)": """
from observatory.sources.delimited import read_delimited
from observatory.sources.rpps import COLUMNS, VOCABULARY_COLUMNS
rows = len(read_delimited(PATH, dataset="rpps", delimiter="|", columns=COLUMNS, encoded=VOCABULARY_COLUMNS).frame)
""",
    "read_rpps_extract, France": """
from observatory.sources.rpps import read_rpps_extract
rows = len(read_rpps_extract(PATH, DEPARTEMENTS).table)
""",
    "read_rpps_extract, one département": """
from observatory.sources.rpps import read_rpps_extract
rows = len(read_rpps_extract(PATH, DEPARTEMENTS[:1]).table)
""",
}

RUNNER = """
import json, resource, sys, time
from pathlib import Path
PATH, DEPARTEMENTS = Path(sys.argv[1]), tuple(json.loads(sys.argv[2]))
started = time.perf_counter()
{code}
print(json.dumps({{"seconds": time.perf_counter() - started, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(code: str, path: Path) -> dict:
    """One reading in a fresh interpreter: seconds, rows, peak resident memory."""
    done = subprocess.run([sys.executable, "-c", RUNNER.format(code=code), str(path), json.dumps(DEPARTEMENT_CODES)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/observatory-bench", type=Path)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    arguments = parser.parse_args()
    for factor in arguments.factors:
        path = national_input(arguments.work, register_factor=factor)["rpps_extract"]
        lines = sum(1 for _ in path.open("rb")) - 1
        print(f"\nregister of {lines / 1e6:.1f} M lines, {path.stat().st_size / 2**30:.2f} GiB")
        reference = None
        for name, code in READINGS.items():
            result = measure(code, path)
            reference = reference or result["seconds"]
            print(f"  {name:42} {result['seconds']:6.2f} s ({result['seconds'] / reference:4.1f}×)  "
                  f"peak {result['peak_mb']:6.0f} MB  {result['rows']:>10,} rows", flush=True)


if __name__ == "__main__":
    main()
