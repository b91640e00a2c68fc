"""The staging IO manager serves a run's values from memory: they must be the values the
staging files hold, and none may outlive its last reader."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from observatory.settings import Settings
from observatory.sources.staged import StagedTable
from pipelines.definitions import build_definitions
from pipelines.resources import StagingIOManager, read_staged


def _assert_same(served, from_file, what: str) -> None:
    if isinstance(served, StagedTable):
        _assert_same(served.table, from_file.table, what)
        _assert_same(served.rejects, from_file.rejects, f"{what} (rejects)")
        assert (served.rows_read, served.out_of_scope, served.stats) == \
            (from_file.rows_read, from_file.out_of_scope, from_file.stats), what
    elif hasattr(served, "geometry") and isinstance(served, pd.DataFrame):
        assert_geodataframe_equal(served, from_file)
    elif isinstance(served, pd.DataFrame):
        pd.testing.assert_frame_equal(served, from_file, obj=what)
    else:
        assert served == from_file, what


class ComparingIOManager(StagingIOManager):
    """The real manager, noting what each input was served and from which file (read once
    the run is over: the files are written beside the steps, and the run waits for them)."""

    def load_input(self, context: dg.InputContext):
        path = self._path(context.upstream_output)
        in_memory = (context.upstream_output.run_id, path) in self._kept
        served = super().load_input(context)
        SERVED.append((path, in_memory, served))
        MANAGERS[id(self)] = self  # the instance the run uses (Dagster may copy the one given)
        return served


SERVED: list = []
MANAGERS: dict = {}


@pytest.fixture(scope="module")
def compared_build(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("staging-io"), map_exports=False)
    definitions = build_definitions(settings)
    SERVED.clear(), MANAGERS.clear()
    result = dg.materialize([*definitions.assets, *definitions.asset_checks],
                            resources={**definitions.resources, "staging_io": ComparingIOManager(
                                observatory=definitions.resources["observatory"])})
    assert result.success
    assert len(MANAGERS) == 1
    served = [(path.name, in_memory, value, read_staged(path)) for path, in_memory, value in SERVED]
    return served, [path.name for _, path in next(iter(MANAGERS.values()))._kept]


def test_every_value_served_from_memory_is_the_one_its_file_holds(compared_build):
    served, _ = compared_build
    from_memory = [entry for entry in served if entry[1]]
    assert len(from_memory) == len(served) > 100  # a whole build reads nothing back from its files
    for name, _, value, from_file in served:
        _assert_same(value, from_file, name)


def test_no_value_outlives_its_last_reader(compared_build):
    _, left = compared_build
    assert left == []


@pytest.mark.pipeline
def test_a_reader_changing_its_frame_changes_no_other_readers(tmp_path):
    """Frames are served as copies on write: a step that assigns into its input leaves the
    next step's input as it was produced."""
    produced = pd.DataFrame({"code": ["41001", "41002"], "gps": [2, 0]})

    @dg.asset(io_manager_key="staging_io")
    def table() -> pd.DataFrame:
        return produced

    @dg.asset(io_manager_key="staging_io")
    def first(table: pd.DataFrame) -> int:
        table.loc[0, "gps"] = 99
        table["gps"] = table["gps"] * 0
        return int(table["gps"].sum())

    @dg.asset(io_manager_key="staging_io")
    def second(table: pd.DataFrame, first: int) -> int:
        return int(table["gps"].sum())

    observatory = build_definitions(Settings(data_dir=tmp_path)).resources["observatory"]
    result = dg.materialize([table, first, second],
                            resources={"observatory": observatory,
                                       "staging_io": StagingIOManager(observatory=observatory)})
    assert result.output_for_node("second") == 2
    assert produced["gps"].tolist() == [2, 0]


@pytest.mark.pipeline
@pytest.mark.parametrize("downstream", [True, False], ids=["read-by-a-next-step", "the-run's-last"])
def test_a_value_that_cannot_be_staged_fails_the_run(tmp_path, downstream):
    """Staging files are written beside the next steps: a value Parquet cannot hold (a
    column mixing numbers and text) still fails the run, whether a step follows it or not."""

    @dg.asset(io_manager_key="staging_io")
    def mixed() -> pd.DataFrame:
        return pd.DataFrame({"value": [1, "un"]}, dtype=object)

    @dg.asset(io_manager_key="staging_io")
    def after(mixed: pd.DataFrame) -> int:
        return len(mixed)

    observatory = build_definitions(Settings(data_dir=tmp_path)).resources["observatory"]
    result = dg.materialize([mixed, after] if downstream else [mixed], raise_on_error=False,
                            resources={"observatory": observatory,
                                       "staging_io": StagingIOManager(observatory=observatory)})
    assert not result.success
