"""The indicators' SQL runner: each query sees its own frames and nothing else."""

import multiprocessing

import duckdb
import pandas as pd
import pytest

from observatory.sql import query


def test_a_query_sees_its_frames_only_and_leaves_nothing_behind():
    first = query("select sum(n) as total from counts", counts=pd.DataFrame({"n": [1, 2, 3]}))
    assert first["total"].tolist() == [6]
    second = query("select sum(n) as total from counts", counts=pd.DataFrame({"n": [10]}))
    assert second["total"].tolist() == [10]
    with pytest.raises(duckdb.CatalogException):
        query("select * from counts")  # the frames of the calls before are gone
    assert query("select $x + 1 as y", {"x": 41})["y"].tolist() == [42]


def _in_child(queue) -> None:
    queue.put(query("select count(*) as n from t", t=pd.DataFrame({"a": range(7)}))["n"].iloc[0])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform")
def test_a_forked_process_queries_on_a_database_of_its_own():
    query("select 1")  # the parent's database is open before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=60) == 7
    child.join(timeout=60)
    assert child.exitcode == 0
