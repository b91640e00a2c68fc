"""Shared fixtures: the demo territory's raw files, one in-process build, the real open data."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from observatory.demo import DemoSpec, generate_demo_territory
from observatory.settings import PROJECT_ROOT, Settings

# Beside the project; a copy of the project elsewhere (the mutation runs' mutants/) names it.
SHARED_DATA = Path(os.environ.get("OBSERVATORY_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
# Fixtures that materialise the pipeline: a test using one is marked ``pipeline``.
BUILDING_FIXTURES = {"demo_build", "hostile_build", "published_demo", "loir_et_cher", "corsica", "compared_build"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks what the fixtures say: a build behind it (``pipeline``), a browser (``browser``);
    the mutation runs leave both out, as each mutant would pay for them again."""
    for item in items:
        if BUILDING_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.pipeline)
        if "chromium" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def spec() -> DemoSpec:
    return DemoSpec()


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory, spec) -> dict[str, Path]:
    """The demo territory's raw files, generated once for the session (read-only use)."""
    return generate_demo_territory(tmp_path_factory.mktemp("demo-raw"), spec)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files of ../shared/data, or a skip saying why they are needed."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real open data not found at {SHARED_DATA}: these tests read real-format files from there")
    return SHARED_DATA


@dataclass
class Build:
    settings: Settings
    result: object


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Build:
    """Every asset and check of the pipeline materialised in-process on the demo territory."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("observatory-data"))
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources)
    return Build(settings=settings, result=result)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium; on CI its absence is a failure, elsewhere a skip."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium (see .ci/run)")
    pytest.skip("no chromium on this machine (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
