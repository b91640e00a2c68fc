"""Every analyst notebook runs headless, top to bottom, on the demo outputs."""

from __future__ import annotations

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from observatory.settings import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.py"))


def test_there_are_notebooks():
    assert [path.name for path in NOTEBOOKS] == [
        "01_tour_of_the_curated_tables.py", "02_commune_deep_dive.py", "03_desert_analysis.py",
        "04_scenarios.py", "05_professions.py", "06_zones.py"]


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
    if path.stem == "03_desert_analysis":
        _check_the_desert_summary(notebook, demo_build)
    if path.stem == "04_scenarios":
        _check_the_custom_scenario(notebook, demo_build)
    if path.stem == "05_professions":
        _check_the_first_line_summary(notebook, demo_build)
    if path.stem == "06_zones":
        _check_the_zone_summary(notebook, demo_build)


def _check_the_zone_summary(notebook, demo_build):
    """The zone with the most people in a desert, found here with pandas from the published
    Parquet tables: its people in a desert summed from its communes'."""
    import ast

    from observatory.publish import read_published_tables

    summary = ast.literal_eval(notebook.cells[-1]["outputs"][0]["data"]["text/plain"])
    tables = read_published_tables(demo_build.settings.curated_dir)
    communes = tables["accessibility_by_commune"].merge(tables["commune_zones"], on="commune_code")
    in_desert = communes[communes["desert_class"] == "desert"].groupby("zone_name")["population"].sum()
    total = tables["accessibility_by_commune"].query("desert_class == 'desert'")["population"].sum()
    assert summary == {"zone_most_in_desert": in_desert.idxmax(), "population_in_desert": float(in_desert.max()),
                       "share_of_the_territory_in_desert": round(float(in_desert.max()) / total, 4)}


def _check_the_first_line_summary(notebook, demo_build):
    """The people living where none of GPs, nurses, pharmacists of officines and
    physiotherapists practise, counted here with pandas from the published Parquet table."""
    import ast

    from observatory.publish import read_published_tables

    summary = ast.literal_eval(notebook.cells[-1]["outputs"][0]["data"]["text/plain"])
    supply = read_published_tables(demo_build.settings.curated_dir)["profession_supply_by_commune"]
    first_line = supply[supply["profession"].isin(["medecin_generaliste", "infirmier", "pharmacien",
                                                   "masseur_kinesitherapeute"])]
    assert first_line["headcount"].notna().all()  # the demo's register holds all four, complete
    staffed = first_line.groupby("commune_code")["headcount"].sum()
    population = first_line.groupby("commune_code")["population"].first()
    none = staffed[staffed == 0].index
    assert summary == {"population_without_first_line": float(population[none].sum()),
                       "communes_without_first_line": len(none), "communes_not_known": 0}
    assert 0 < len(none) < len(staffed)


def _check_the_desert_summary(notebook, demo_build):
    """The notebook's summary, against the published Parquet tables read here with pandas."""
    import ast

    from observatory.publish import read_published_tables

    texts = [output["data"]["text/plain"] for cell in notebook.cells if cell.cell_type == "code"
             for output in cell.get("outputs", []) if "text/plain" in output.get("data", {})]
    summary = ast.literal_eval(next(text for text in texts if text.startswith("{'population_in_deserts'")))
    tables = read_published_tables(demo_build.settings.curated_dir)
    communes, departement = tables["accessibility_by_commune"], tables["accessibility_by_departement"]
    in_deserts = communes.loc[communes["desert_class"] == "desert", "population"].sum()
    assert summary["population_in_deserts"] == pytest.approx(in_deserts) and in_deserts > 0
    assert summary["apl_loss_if_gps_over_60_stopped"] == pytest.approx(  # from APLs shown to two decimals
        (departement["apl"] - departement["apl_60"]).max(), abs=0.01)


def _check_the_custom_scenario(notebook, demo_build):
    """The notebook's figure, recomputed here in full (E2SFCA with the GPs added to the
    staged supply), not with the closed form the notebook uses."""
    import ast

    import numpy as np

    from observatory.accessibility.e2sfca import e2sfca, pair_positions
    from observatory.publish import read_published_tables
    from pipelines.resources import read_staged

    last = notebook.cells[-1]["outputs"][0]["data"]["text/plain"]
    result = ast.literal_eval(last)
    staged = demo_build.settings.staging_dir / "assets"
    area = read_staged(staged / "apl_over_area").set_index("commune_code")
    pairs = read_staged(staged / "commune_travel_times")
    origins, destinations, minutes = pair_positions(pairs, area.index)
    added = np.array([result["scenario"].get(code, 0) * 4_900.0 for code in area.index])
    before = area["apl"].to_numpy()
    after = e2sfca(origins, destinations, minutes, area["standardised_population"].to_numpy(),
                   area["gp_consultations"].to_numpy() + added)
    population = read_published_tables(demo_build.settings.curated_dir)["accessibility_by_commune"].set_index(
        "commune_code")["population"].reindex(area.index).to_numpy()
    assert result["people_lifted"] == int(population[(before < 2.5) & (after >= 2.5)].sum()) > 0
