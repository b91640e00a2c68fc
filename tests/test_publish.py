"""Publication: replaced whole or not at all, at every instant a refresh can be killed; and
the database and Parquet files holding what was given, in the types a reader expects."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from observatory.publish import (PENDING, extension_path, pending_tables, prepare_tables, read_published_tables,
                                 read_table, release, replace_atomically, write_database, write_version)

# Every call by which publishing changes the file system; a kill can land before any of them.
FILE_SYSTEM_CALLS = ("replace", "rename", "symlink", "unlink", "rmdir", "mkdir")


def _write_file(version: str):
    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(version[:2])
            handle.flush()
            _tick()
            handle.write(version[2:])
    return write


def _write_folder(version: str):
    def write(path: Path) -> None:
        path.mkdir()
        for name in ("index.html", "carte.html", "data.parquet"):
            (path / name).write_text(version, encoding="utf-8")
            _tick()
    return write


def _read(target: Path) -> object:
    """What a reader sees at ``target``: a file's text, or each file of a folder."""
    if target.is_dir():
        return {path.name: path.read_text(encoding="utf-8") for path in sorted(target.iterdir())}
    return target.read_text(encoding="utf-8") if target.exists() else None


_COUNTDOWN = {"left": -1}


def _tick() -> None:
    """One step of a publication; the forked child of ``_killed_at`` dies at the chosen one."""
    _COUNTDOWN["left"] -= 1
    if _COUNTDOWN["left"] == 0:
        os._exit(9)  # as SIGKILL: no exception handler, no cleanup runs


def _killed_at(step: int, publish) -> bool:
    """``publish()`` in a forked child killed before its ``step``-th change; whether it was
    killed (False: the publication has fewer steps and ended)."""
    child = os.fork()
    if child == 0:
        _COUNTDOWN["left"] = step
        for name in FILE_SYSTEM_CALLS:
            original = getattr(os, name)
            setattr(os, name, lambda *args, _original=original, **kwargs: (_tick(), _original(*args, **kwargs))[1])
        publish()
        os._exit(0)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) == 9


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_publication_killed_at_any_instant_leaves_one_version_whole(tmp_path, kind):
    target = tmp_path / ("observatory.duckdb" if kind == "file" else "site")
    writer = _write_file if kind == "file" else _write_folder
    replace_atomically(target, writer("v1-old"))
    old, new = _read(target), None
    step = 0
    while True:
        step += 1
        killed = _killed_at(step, lambda: replace_atomically(target, writer("v2-new")))
        seen = _read(target)
        if new is None and seen != old:
            new = seen
        assert seen in (old, new), f"killed before step {step}: {seen}"
        if not killed:
            break
        replace_atomically(target, writer("v1-old"))  # the next refresh clears what the kill left
        assert _read(target) == old
        assert sorted(path.name for path in tmp_path.iterdir()) == [".versions", target.name]
        assert len(list((tmp_path / ".versions").iterdir())) == (kind == "folder")
    assert _read(target) == new == ("v2-new" if kind == "file" else dict.fromkeys(("carte.html", "data.parquet", "index.html"),
                                                                  "v2-new"))
    assert step > (3 if kind == "file" else 8)  # kills landed before, inside and after the write, and at the swap


def test_a_failed_write_leaves_the_previous_version_in_place(tmp_path):
    target = tmp_path / "site"
    replace_atomically(target, lambda folder: (folder.mkdir(), (folder / "index.html").write_text("v1")))

    def broken(folder):
        folder.mkdir()
        (folder / "index.html").write_text("half")
        raise RuntimeError("killed while writing")

    with pytest.raises(RuntimeError):
        replace_atomically(target, broken)
    assert (target / "index.html").read_text() == "v1"
    assert sorted(path.name for path in tmp_path.iterdir()) == [".versions", "site"]
    assert [path.name for path in (tmp_path / ".versions").iterdir()] == [target.resolve().name]  # no leftovers
    replace_atomically(target, lambda folder: (folder.mkdir(), (folder / "index.html").write_text("v2")))
    assert (target / "index.html").read_text() == "v2"


def test_a_folder_from_before_versioning_is_replaced_by_a_link_and_removed(tmp_path):
    legacy = tmp_path / "parquet"
    legacy.mkdir()
    (legacy / "old.parquet").write_text("old")
    published = replace_atomically(legacy, lambda folder: (folder.mkdir(), (folder / "new.parquet").write_text("new")))
    assert published == legacy and legacy.is_symlink()
    assert os.readlink(legacy) == str(Path(".versions") / legacy.resolve().name)  # relative: the folder can move
    assert [path.name for path in legacy.iterdir()] == ["new.parquet"]
    assert [path.name for path in (tmp_path / ".versions").iterdir()] == [legacy.resolve().name]
    assert legacy.resolve().name.startswith("parquet-") and len(legacy.resolve().name) == len("parquet-") + 8


def test_each_target_keeps_only_its_own_versions(tmp_path):
    """Clearing the leftovers of ``site`` never touches ``site_old`` or a temporary link of another."""
    replace_atomically(tmp_path / "site_old", lambda folder: folder.mkdir())
    replace_atomically(tmp_path / "site", lambda folder: folder.mkdir())
    replace_atomically(tmp_path / "site", lambda folder: folder.mkdir())
    names = sorted(path.name.rsplit("-", 1)[0] for path in (tmp_path / ".versions").iterdir())
    assert names == ["site", "site_old"]
    assert (tmp_path / "site_old").resolve().is_dir()


def test_a_file_is_swapped_by_rename_and_leaves_no_version_behind(tmp_path):
    target = tmp_path / "curated" / "france" / "observatory.duckdb"  # its folders are created
    replace_atomically(target, lambda path: path.write_text("v1"))
    replace_atomically(target, lambda path: path.write_text("v2"))
    assert target.read_text() == "v2" and not target.is_symlink()
    assert list((target.parent / ".versions").iterdir()) == []


def test_the_database_and_parquet_hold_the_tables_in_a_readers_types(tmp_path):
    communes = gpd.GeoDataFrame({"commune_code": ["41001", "41002"], "gps": [3, 0]},
                                geometry=[Point(1.3, 47.6), Point(1.4, 47.7)], crs="EPSG:4326")
    travel = pd.DataFrame({"origin": pd.Categorical(["41001", "41002"]), "minutes": [0.0, 12.5]})
    published = release(tmp_path, prepare_tables(tmp_path, {"communes": communes, "travel": travel}))
    assert published == {"observatory.duckdb": tmp_path / "observatory.duckdb", "parquet": tmp_path / "parquet"}
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as connection:
        connection.execute(f"LOAD '{extension_path('spatial')}'")
        types = dict(connection.execute("select column_name, data_type from information_schema.columns "
                                        "where table_name = 'travel'").fetchall())
        assert types == {"origin": "VARCHAR", "minutes": "DOUBLE"}  # not an ENUM of every commune
        rows = connection.execute("select commune_code, gps, ST_X(geometry), ST_Y(geometry) from communes "
                                  "order by 1").fetchall()
    assert rows == [("41001", 3, 1.3, 47.6), ("41002", 0, 1.4, 47.7)]
    tables = read_published_tables(tmp_path)
    assert list(tables) == ["communes", "travel"]
    assert isinstance(tables["communes"], gpd.GeoDataFrame) and tables["communes"].crs == communes.crs
    assert tables["communes"].geometry.equals(communes.geometry)
    assert type(tables["travel"]) is pd.DataFrame and tables["travel"]["minutes"].tolist() == [0.0, 12.5]
    assert isinstance(read_table(tmp_path / "parquet" / "communes.parquet"), gpd.GeoDataFrame)


def test_a_table_written_again_replaces_the_former_one(tmp_path):
    path = tmp_path / "observatory.duckdb"
    write_database(path, {"gp_supply": pd.DataFrame({"gps": [1, 2]})})
    write_database(path, {"gp_supply": pd.DataFrame({"gps": [7]})})
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("select gps from gp_supply").fetchall() == [(7,)]
        assert connection.execute("select count(*) from duckdb_views() where not internal").fetchone() == (0,)


def test_the_spatial_extension_is_the_one_shipped_for_this_duckdb():
    path = extension_path("spatial")
    assert path.name == "spatial.duckdb_extension" and f"v{duckdb.__version__}" in path.parts
    assert path.stat().st_size > 1_000_000


def test_a_write_failing_before_it_made_anything_raises_its_own_error(tmp_path):
    replace_atomically(tmp_path / "site", lambda folder: folder.mkdir())

    def unreachable(folder):
        raise ConnectionError("the contours server did not answer")

    with pytest.raises(ConnectionError, match="did not answer"):
        replace_atomically(tmp_path / "site", unreachable)
    assert (tmp_path / "site").is_dir()


def test_published_parquet_carries_no_index_of_the_frames_it_came_from(tmp_path):
    kept = pd.DataFrame({"commune_code": ["41001", "41002", "41003"], "gps": [3, 0, 2]}).iloc[[0, 2]]
    release(tmp_path, prepare_tables(tmp_path, {"gp_supply": kept}))
    table = read_table(tmp_path / "parquet" / "gp_supply.parquet")
    assert table.columns.tolist() == ["commune_code", "gps"] and table.index.tolist() == [0, 1]


def _release(curated: Path, version: str) -> None:
    """A build's publication: its tables prepared, the site written from them, all released."""
    prepared = prepare_tables(curated, {"gp_supply": pd.DataFrame({"version": [version]})})
    site = write_version(curated / "site", _write_folder(version))
    release(curated, {**prepared, "site": site})


def _seen(curated: Path) -> tuple:
    """What a reader sees of each published target (None where there is none yet)."""
    database = curated / "observatory.duckdb"
    if database.exists():
        with duckdb.connect(str(database), read_only=True) as connection:
            database = connection.execute("select version from gp_supply").fetchone()[0]
    else:
        database = None
    parquet = read_published_tables(curated)["gp_supply"]["version"].iloc[0] if (curated / "parquet").exists() else None
    return database, parquet, _read(curated / "site").get("index.html")


def test_tables_wait_for_the_site_built_from_them_and_are_released_with_it(tmp_path):
    """A build that fails after writing its tables (its dashboard, say) publishes nothing:
    the tables are prepared beside the published ones and released with the site."""
    _release(tmp_path, "v1-old")
    prepared = prepare_tables(tmp_path, {"gp_supply": pd.DataFrame({"version": ["v2-new"]})})
    assert _seen(tmp_path) == ("v1-old", "v1-old", "v1-old")  # nothing published yet
    assert pending_tables(tmp_path) == prepared and set(prepared) == {"observatory.duckdb", "parquet"}
    assert read_table(prepared["parquet"] / "gp_supply.parquet")["version"].tolist() == ["v2-new"]
    site = write_version(tmp_path / "site", _write_folder("v2-new"))
    release(tmp_path, {**prepared, "site": site})
    assert _seen(tmp_path) == ("v2-new", "v2-new", "v2-new") and pending_tables(tmp_path) is None
    assert sorted(path.name.split("-")[0] for path in (tmp_path / ".versions").iterdir()) == ["parquet", "site"]


def test_tables_left_pending_by_a_failed_build_are_cleared_by_the_next(tmp_path):
    _release(tmp_path, "v1-old")
    prepare_tables(tmp_path, {"gp_supply": pd.DataFrame({"version": ["v2-failed"]})})  # its dashboard then failed
    _release(tmp_path, "v3-new")
    assert _seen(tmp_path) == ("v3-new", "v3-new", "v3-new") and pending_tables(tmp_path) is None
    assert not (tmp_path / ".versions" / PENDING).exists()
    assert sorted(path.name.split("-")[0] for path in (tmp_path / ".versions").iterdir()) == ["parquet", "site"]


def test_pending_tables_whose_versions_are_gone_are_not_pending(tmp_path):
    prepared = prepare_tables(tmp_path, {"gp_supply": pd.DataFrame({"version": ["v1"]})})
    prepared["observatory.duckdb"].unlink()
    assert pending_tables(tmp_path) is None
    assert pending_tables(tmp_path / "never-built") is None


def test_a_release_killed_at_any_instant_leaves_each_target_whole(tmp_path):
    """A build killed at each file-system call of its publication (tables prepared, site
    written, the three swaps): each target is then the old version or the new one, whole,
    and the next build publishes and clears what the kill left."""
    _release(tmp_path, "v1-old")
    step = 0
    while True:
        step += 1
        killed = _killed_at(step, lambda: _release(tmp_path, "v2-new"))
        assert all(seen in ("v1-old", "v2-new") for seen in _seen(tmp_path)), f"killed before step {step}"
        if not killed:
            break
        _release(tmp_path, "v1-old")
        assert _seen(tmp_path) == ("v1-old", "v1-old", "v1-old") and pending_tables(tmp_path) is None
        assert sorted(path.name.split("-")[0] for path in (tmp_path / ".versions").iterdir()) == ["parquet", "site"]
    assert _seen(tmp_path) == ("v2-new", "v2-new", "v2-new")
    assert step > 12  # kills landed in the preparation, the site's writing and each swap


def test_a_site_released_alone_needs_no_pending_tables(tmp_path):
    """A dashboard rebuilt on its own releases its site only: no tables were prepared."""
    _release(tmp_path, "v1-old")
    site = write_version(tmp_path / "site", _write_folder("v2-site"))
    assert release(tmp_path, {"site": site}) == {"site": tmp_path / "site"}
    assert _seen(tmp_path) == ("v1-old", "v1-old", "v2-site")


def test_a_swap_that_fails_leaves_the_target_and_removes_its_fresh_version(tmp_path, monkeypatch):
    from observatory.publish import swap_in

    replace_atomically(tmp_path / "observatory.duckdb", _write_file("v1-old"))
    fresh = write_version(tmp_path / "observatory.duckdb", _write_file("v2-new"))

    def refused(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(PermissionError, match="read-only"):
        swap_in(tmp_path / "observatory.duckdb", fresh)
    assert _read(tmp_path / "observatory.duckdb") == "v1-old" and not fresh.exists()


def test_categorical_codes_are_text_even_in_a_table_arrow_cannot_type(tmp_path):
    """A column of nothing but missing values makes DuckDB read the frame from pandas, where
    categorical codes would become ENUMs of every commune: both code columns are cast."""
    travel = pd.DataFrame({"origin": pd.Categorical(["41001", "41002"]), "destination": pd.Categorical(["41002", "41001"]),
                           "minutes": [9.0, 9.5], "note": [None, None]})
    write_database(tmp_path / "t.duckdb", {"travel": travel})
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as connection:
        types = dict(connection.execute("select column_name, data_type from information_schema.columns "
                                        "where table_name = 'travel'").fetchall())
        rows = connection.execute("select origin, destination from travel order by origin").fetchall()
    assert (types["origin"], types["destination"], types["minutes"]) == ("VARCHAR", "VARCHAR", "DOUBLE")
    assert rows == [("41001", "41002"), ("41002", "41001")]
