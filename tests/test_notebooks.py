"""Every analyst notebook runs headless, top to bottom, on the demo outputs."""

from __future__ import annotations

import os

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from observatory.settings import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert [path.name for path in NOTEBOOKS] == [
        "01_tour_of_the_curated_tables.py", "02_commune_deep_dive.py", "03_desert_analysis.py"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_on_the_demo_outputs(path, demo_build, artifacts, monkeypatch):
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(demo_build.settings.data_dir))
    notebook = jupytext.read(path)
    client = NotebookClient(notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, with the failing cell, on any error
    nbformat.write(notebook, artifacts / f"{path.stem}.ipynb")
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    assert any(output.get("output_type") in {"execute_result", "display_data"} for output in outputs)
    assert os.environ["OBSERVATORY_DATA_DIR"] == str(demo_build.settings.data_dir)
