"""Work done beside the main process, in a forked child that inherits its data: nothing is
pickled on the way in, and the work runs on the other core instead of waiting for the GIL
(the dashboard's downloads, written in a thread, took as long as all its pages)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import traceback
from typing import Any, Callable


class Beside:
    """``function(*arguments)`` run in a forked child from the start; ``result()`` waits for
    its value (which must pickle) or raises its error. Where processes cannot fork, it runs
    in place. Leaving the ``with`` block waits for the child, even on an error, so that
    nothing writes into a folder its caller is about to remove; and the child dies with its
    parent, so that a killed build leaves nothing writing behind it while the next one clears
    its leftovers."""

    def __init__(self, what: str, function: Callable[..., Any], *arguments: Any) -> None:
        self.what = what
        if "fork" not in multiprocessing.get_all_start_methods():
            self._process, self._value = None, function(*arguments)
            return
        context = multiprocessing.get_context("fork")
        self._reading, writing = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(writing, os.getpid(), function, arguments),
                                        daemon=True)
        # The child's garbage collections would visit, hence copy, every page of the parent's
        # objects: frozen, they are left alone (the child shares hundreds of megabytes more).
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        writing.close()

    def result(self) -> Any:
        if self._process is None:
            return self._value
        try:
            outcome, value = self._reading.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"{self.what}: the process ended without a result "
                               f"(exit code {self._process.exitcode})") from None
        finally:
            self._reading.close()
        self._process.join()
        if outcome == "error":
            raise RuntimeError(f"{self.what} failed:\n{value}")
        return value

    def __enter__(self) -> "Beside":
        return self

    def __exit__(self, *_) -> None:
        if self._process is not None:
            self._process.join()


def _run(writing, parent: int, function: Callable[..., Any], arguments: tuple) -> None:
    _die_with(parent)
    try:
        writing.send(("value", function(*arguments)))
    except BaseException:  # noqa: BLE001 - the parent raises it, with the child's traceback
        writing.send(("error", traceback.format_exc()))
    finally:
        writing.close()


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Asks Linux to kill this process when its parent dies (a daemon child outlives a parent
    killed by SIGKILL otherwise), and leaves at once if the parent died before the asking."""
    library = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or library is None:
        return
    ctypes.CDLL(library).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
