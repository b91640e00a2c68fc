"""The domain package stands without the orchestrator: Dagster drives ``observatory``,
never the other way round."""

from __future__ import annotations

import subprocess
import sys

from observatory.settings import PROJECT_ROOT

PROBE = """
import importlib, pkgutil, sys
import observatory
modules = [m.name for m in pkgutil.walk_packages(observatory.__path__, "observatory.")]
for name in modules:
    importlib.import_module(name)
print(len(modules), sorted(m for m in sys.modules if m.split(".")[0] in {"dagster", "pipelines"}))
"""


def test_importing_every_domain_module_imports_neither_dagster_nor_pipelines():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    count, leaked = done.stdout.strip().split(" ", 1)
    assert int(count) > 40  # every submodule was imported
    assert leaked == "[]"


def test_no_domain_module_imports_the_orchestrator_even_lazily():
    import re

    pattern = re.compile(r"^\s*(?:import|from)\s+(?:dagster|pipelines)\b", re.M)
    offenders = [str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "observatory").rglob("*.py")
                 if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
