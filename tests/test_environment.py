"""The environment the README's commands install is the one the project declares."""

from __future__ import annotations

import re
import tomllib

from observatory.settings import PROJECT_ROOT


def test_every_pinned_dependency_is_in_the_lock_file_at_the_same_version():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    lock = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    for pin in pins:
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", pin).groups()
        assert re.search(rf"^{re.escape(name.lower())}=={re.escape(version)}$", lock, re.M), f"{pin} not in requirements.lock"
