#!/usr/bin/env python3
"""Set up the project's environment and run the observatory or its tests.

    python3 dev.py demo   # install into .venv, build the observatory on the demo territory
    python3 dev.py test   # install into .venv, run the test suite

Needs Python 3.11 and access to PyPI: uv is installed into the virtual environment
and installs the exact versions of ``requirements.lock``; npm, where present, installs the
dashboard's browser libraries from ``package-lock.json``. A second run reinstalls nothing
unless a lock file changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
LOCK = ROOT / "requirements.lock"
UV_VERSION = "0.13.9"


def run(*command, **options) -> None:
    subprocess.run([str(part) for part in command], check=True, **options)


def ensure_environment() -> None:
    """Create .venv and make its packages exactly those of the lock file."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"dev.py: Python 3.11 is required (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print("dev.py: creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    if not (BIN / "uv").exists():
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"uv=={UV_VERSION}")
    stamp = VENV / ".installed-lock"
    wanted = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("dev.py: installing the locked dependencies", flush=True)
    environment = {**os.environ, "UV_COMPILE_BYTECODE": "1", "VIRTUAL_ENV": str(VENV)}
    run(BIN / "uv", "pip", "sync", "--quiet", "--python", BIN / "python", LOCK, env=environment)
    run(BIN / "uv", "pip", "install", "--quiet", "--no-deps", "--python", BIN / "python", "-e", ROOT, env=environment)
    stamp.write_text(wanted)


def ensure_browser_libraries() -> None:
    """Install the dashboard's plotly.js partial bundles and French locale (``package.json``,
    exact versions in ``package-lock.json``) with npm; without npm the site falls back to the
    whole plotly.js of the Python package, in English."""
    lock = ROOT / "package-lock.json"
    stamp = ROOT / "node_modules" / ".installed-lock"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    npm = shutil.which("npm")
    if not npm:
        print("dev.py: no npm on this machine: the dashboard uses the whole plotly.js (4.8 MB), in English", flush=True)
        return
    print("dev.py: installing the dashboard's browser libraries (npm ci)", flush=True)
    run(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", cwd=ROOT)
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_environment()
    ensure_browser_libraries()
    os.chdir(ROOT)
    if argv[0] == "demo":
        return subprocess.call([str(BIN / "observatory"), "--territory", "demo", "build", *argv[1:]])
    if not shutil.which("chromium") and not os.environ.get("CI"):
        print("dev.py: no chromium on this machine: browser tests will be skipped "
              "(apt-get install -y chromium to run them)", flush=True)
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *argv[1:]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
