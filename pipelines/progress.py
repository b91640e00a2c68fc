"""Progress lines for the command line: one per step of the pipeline as it runs."""

from __future__ import annotations

import logging
import sys
import time


class StepProgress(logging.Handler):
    """Prints ``→ step`` when a step starts and ``✓ step (1.2 s)`` when it ends, from
    Dagster's structured events, so that an operator sees long steps as they happen."""

    def __init__(self, stream=None):
        super().__init__(level=logging.DEBUG)
        self.stream = stream  # None: whatever sys.stdout is when a line is printed
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[event.step_key] = time.perf_counter()
            print(f"  → {event.step_key}", file=self.stream or sys.stdout, flush=True)
        elif kind in {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}:
            elapsed = time.perf_counter() - self.started.get(event.step_key, time.perf_counter())
            mark = {"STEP_SUCCESS": "✓", "STEP_FAILURE": "✗", "STEP_SKIPPED": "–"}[kind]
            reason = f": {failure_reason(event.step_failure_data.error)}" if kind == "STEP_FAILURE" else ""
            print(f"  {mark} {event.step_key} ({elapsed:.1f} s){reason}", file=self.stream or sys.stdout, flush=True)


def failure_reason(error) -> str:
    """The message of the exception that failed a step: the innermost cause of Dagster's
    serialised error (the readers' errors name the file, the line and the field)."""
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    lines = [line for line in error.message.strip().splitlines() if line.strip()]
    return lines[0] if lines else error.cls_name


def progress_logger_definition():
    """A Dagster logger printing step progress (imported lazily: the domain never needs Dagster)."""
    import dagster as dg

    @dg.logger(description="Step progress for the command line")
    def step_progress(_init_context):
        logger = logging.getLogger("observatory.progress")
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(StepProgress())
        return logger

    return step_progress
