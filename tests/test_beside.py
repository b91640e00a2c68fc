"""Work beside the main process: its value, its error, its death, and the wait on leaving."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from observatory.beside import Beside


def _rows_of(table: dict[str, list]) -> int:
    return sum(len(values) for values in table.values())


def _fail(path: Path) -> None:
    raise ValueError(f"no such table in {path.name}")


def _die() -> None:
    os._exit(3)


def _write_late(path: Path) -> None:
    time.sleep(0.3)
    path.write_text("written", encoding="utf-8")


def test_the_child_sees_the_parents_data_and_returns_its_value():
    table = {"41001": list(range(1000)), "41002": list(range(234))}
    with Beside("counting", _rows_of, table) as counting:
        assert counting.result() == 1234


def _frozen() -> int:
    import gc

    return gc.get_freeze_count()


def test_the_parents_objects_are_frozen_in_the_child_only():
    """The child's collections leave the parent's objects (and their pages) alone; the
    parent's collector goes on as before."""
    import gc

    kept = [[number] for number in range(10_000)]
    with Beside("freezing", _frozen) as frozen:
        assert frozen.result() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_an_error_in_the_child_is_raised_with_its_traceback(tmp_path):
    with pytest.raises(RuntimeError, match=r"(?s)writing the downloads failed:.*ValueError: no such table in"):
        with Beside("writing the downloads", _fail, tmp_path) as failing:
            failing.result()


def test_a_child_that_dies_is_an_error_not_a_silence():
    with pytest.raises(RuntimeError, match="ended without a result .exit code 3"):
        Beside("dying", _die).result()


def test_leaving_waits_for_the_child_even_on_an_error(tmp_path):
    written = tmp_path / "late.txt"
    with pytest.raises(KeyError):
        with Beside("writing late", _write_late, written):
            raise KeyError("the pages failed")
    assert written.read_text(encoding="utf-8") == "written"


_KILLED_PARENT = """
import sys, time
from pathlib import Path
from observatory.beside import Beside

def write_late(path):
    time.sleep(1.0)
    Path(path).write_text("written", encoding="utf-8")

with Beside("writing late", write_late, sys.argv[1]) as late:
    print(late._process.pid, flush=True)
    late.result()
"""


def test_a_child_dies_with_its_killed_parent(tmp_path):
    """A build killed while its downloads are written must leave nothing writing behind it."""
    written = tmp_path / "late.txt"
    parent = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT, str(written)], stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).parents[1])
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait(timeout=10)
    time.sleep(1.5)
    assert not written.exists()
    try:  # dead: gone, or a zombie that this container's init has not reaped
        assert psutil.Process(child).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        pass
