"""Hostile and careless inputs: markup and formulas in names, free text in coded fields,
damaged files, and a build that must fail loudly rather than publish an empty observatory."""

from __future__ import annotations

import csv
import json
import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.cli import main
from observatory.settings import Settings

SCRIPT = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
PAYLOADS = {  # where the name comes from: (original text, hostile text)
    "commune": ("Beauelles-sur-Loire", SCRIPT + "Beauelles"),
    "formula": ("Beauange", '=HYPERLINK("http://example.invalid","Beauange")'),
    "epci": ("CC de Mentange", "<script>window.__xss=1</script>CC de Mentange"),
    "finess": ("MAISON DE SANTÉ DE SAVEUIL-EN-SOLOGNE", "<svg onload=window.__xss=1>MSP"),
    "axis": ("Accueillir les stagiaires et les internes", "<img src=x onerror=window.__xss=1>Accueillir"),
    "zone": ("CPTS de Valmont-sur-Loire", "<iframe srcdoc=x onload=window.__xss=1></iframe>CPTS Valmont"),
    "zoning": ("CPTS (synthétiques)", "<b onmouseover=window.__xss=1>CPTS</b>"),
}


def _replace(path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text, (path.name, old)
    path.write_text(text.replace(old, new), encoding=encoding)


@pytest.fixture(scope="module")
def hostile_build(demo_raw, tmp_path_factory):
    """The demo territory with markup and formulas in every name that reaches a page."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile"), map_exports=False)
    shutil.copytree(demo_raw["rpps_extract"].parent, settings.raw_dir)
    raw = settings.raw_dir
    contours = json.loads((raw / "communes.geojson").read_text(encoding="utf-8"))
    for feature in contours["features"]:
        for old, new in (PAYLOADS["commune"], PAYLOADS["formula"]):
            if feature["properties"]["nom"] == old:
                feature["properties"]["nom"] = new
    (raw / "communes.geojson").write_text(json.dumps(contours, ensure_ascii=False), encoding="utf-8")
    _replace(raw / "epci_composition.csv", *PAYLOADS["epci"])
    _replace(raw / "etalab-cs1100507-stock.csv", *PAYLOADS["finess"], encoding="latin-1")
    _replace(raw / "plan_budget.csv", *PAYLOADS["axis"])
    for payload in ("zone", "zoning"):
        _replace(raw / "zonages" / "cpts.csv", *PAYLOADS[payload])
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources)
    assert result.success
    return settings, result


@pytest.mark.browser
def test_markup_in_names_never_runs_on_any_page(hostile_build, chromium, artifacts):
    from playwright.sync_api import sync_playwright

    settings, _ = hostile_build
    site = settings.site_dir
    pages = ["index.html", "cartes.html", "evolution.html", "agence.html", "territoires.html", "methode.html",
             "commune.html#00004", "commune.html#00002", "epci.html#200000005", "zonages.html", "zone-cpts-1.html",
             "cartes.html#zone_cpts_densite"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        for name in pages:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            file, _, anchor = name.partition("#")
            page.goto(site.joinpath(file).as_uri() + (f"#{anchor}" if anchor else ""))
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            for plot in page.locator(".js-plotly-plot").all()[:2]:  # hover labels render names too
                plot.hover()
            assert page.evaluate("window.__xss") is None, name
            assert dialogs == [], name
            if name == "commune.html#00004":
                assert page.locator("#fiche h3").inner_text() == PAYLOADS["commune"][1] + " (00004)"
                page.screenshot(path=str(artifacts / "hostile-commune.png"))
            if name == "epci.html#200000005":
                assert PAYLOADS["epci"][1] in page.locator("#fiche h3").inner_text()
            if name == "zone-cpts-1.html":  # the zone's and the zoning's names shown as text
                assert page.locator("main h2").inner_text().endswith(PAYLOADS["zone"][1])
                assert PAYLOADS["zoning"][1] in page.locator("main section").first.inner_text()
            page.close()
        browser.close()


def test_names_are_escaped_in_every_page_and_neutralised_in_csv(hostile_build):
    settings, _ = hostile_build
    for page in settings.site_dir.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for _, hostile in PAYLOADS.values():
            assert hostile not in html, page.name  # never verbatim: escaped wherever it is written
    for path in (settings.site_dir / "data").glob("*.csv"):
        cells = [cell for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
                 for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))], path.name
    reference = (settings.site_dir / "data" / "commune_reference.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in reference
    assert "window.__xss" in (settings.site_dir / "data" / "territoires.js").read_text(encoding="utf-8")  # as data


def test_no_row_of_a_personal_source_reaches_dagster_metadata(demo_build):
    """Previews of staged and curated tables never carry the register's, the roster's or the
    agency's rows, nor exact counts from them (Dagster keeps metadata in its run storage)."""
    from observatory import catalogue

    roster = pd.read_csv(demo_build.settings.raw_dir / "repertoire_medecins_departement.csv", sep=";", dtype=str)
    identifiers = set(roster["identifiant_rpps"])
    text = []
    for event in demo_build.result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        for name, value in materialization.metadata.items():
            if name == "dagster/column_schema":  # column names, types and the catalogue's texts: no value
                described = [catalogue.describe(key, column.name) for column in value.schema.columns]
                assert all(column.description.startswith(entry.label) if entry else
                           column.description == "not described in the catalogue"
                           for column, entry in zip(value.schema.columns, described)), key
                continue
            text.append(f"{key}.{name}={getattr(value, 'value', value)}")
            if key in {"rpps_activities", "gp_roster", "agency_cases", "general_practitioners", "gp_snapshots"} \
                    or key.startswith("agency_"):
                assert name != "preview", key
    blob = "\n".join(text)
    assert not [identifier for identifier in identifiers if identifier in blob]
    assert "birth_year" not in blob and "case_key" not in blob and "gps_senior" not in blob


def test_free_text_never_becomes_a_label_or_a_quarantine_reason(tmp_path):
    from observatory.sources.agency import read_agency_cases

    path = tmp_path / "agence_dossiers.csv"
    path.write_text(
        "id_dossier;date_premier_contact;nom;prenom;profession;offre;statut;date_accompagnement;date_installation;"
        "type_installation;code_commune_installation\n"
        "A1;01/02/2024;X;Y;Infirmière ? voir Mme Durand;Ma box   instal;rappeler Mme Durand au 06 12 34 56 78;;;;\n"
        "A2;01/02/2024;X;Y;masseur-kinesitherapeute;JOBPACK;contact;;;;\n", encoding="utf-8")
    staged = read_agency_cases(path, b"k" * 32, pd.Timestamp("2024-06-30").date())
    assert staged.rejects["reason"].tolist() == ["unknown status (free text not quoted: it may hold personal data)"]
    assert "Durand" not in staged.rejects.to_csv() and "06 12" not in staged.rejects.to_csv()
    assert staged.table[["profession", "offer"]].values.tolist() == [["Masseur-kinésithérapeute", "Jobpack"]]
    assert staged.stats["professions_as_autre"] == 0  # the free-text profession was on the rejected line


def test_unknown_professions_and_offers_are_grouped_as_autre_and_counted(tmp_path):
    from observatory.sources.agency import read_agency_cases

    path = tmp_path / "agence_dossiers.csv"
    path.write_text(
        "id_dossier;date_premier_contact;nom;prenom;profession;offre;statut;date_accompagnement;date_installation;"
        "type_installation;code_commune_installation\n"
        "A1;01/02/2024;X;Y;Mme Durand (conjoint médecin);offre spéciale Durand;contact;;;;\n", encoding="utf-8")
    staged = read_agency_cases(path, b"k" * 32, pd.Timestamp("2024-06-30").date())
    assert staged.table[["profession", "offer"]].values.tolist() == [["Autre", "Autre"]]
    assert staged.stats["professions_as_autre"] == 1 and staged.stats["offers_as_autre"] == 1


def test_a_stray_quote_quarantines_every_line_it_swallows(tmp_path):
    from observatory.sources.agency import read_agency_cases

    header = ("id_dossier;date_premier_contact;nom;prenom;profession;offre;statut;date_accompagnement;"
              "date_installation;type_installation;code_commune_installation\n")
    lines = ['A1;01/02/2024;"X;Y;Infirmier;Jobpack;contact;;;;\n'] + [
        f"A{i};01/02/2024;X;Y;Infirmier;Jobpack;contact;;;;\n" for i in range(2, 6)]
    path = tmp_path / "agence_dossiers.csv"
    path.write_text(header + "".join(lines), encoding="utf-8")
    staged = read_agency_cases(path, b"k" * 32, pd.Timestamp("2024-06-30").date())
    assert sorted(staged.rejects["line"]) == [2, 3, 4, 5, 6]  # each physical line, not only the first
    assert staged.rows_read == len(staged.table) + len(staged.rejects) + staged.out_of_scope


def test_a_budget_axis_with_two_titles_is_quarantined_with_its_line(tmp_path):
    from observatory.sources.budget import read_plan_budget

    path = tmp_path / "plan_budget.csv"
    path.write_text("axe_numero;axe_intitule;annee;montant_eur;offres_rattachees\n"
                    "1;Accueillir les internes;2023;60000;Ma Box Stage\n"
                    "1;Accueillir les stagiaires;2024;60000;ma box stage, inconnue\n", encoding="utf-8")
    staged = read_plan_budget(path)
    assert staged.rejects[["line", "field", "reason"]].values.tolist() == [
        [3, "axe_intitule", "axis already titled differently at line 2"]]
    assert staged.table["offers"].tolist() == ["Ma Box Stage"]


def test_offers_of_the_budget_are_read_against_the_vocabulary(tmp_path):
    from observatory.sources.budget import read_plan_budget

    path = tmp_path / "plan_budget.csv"
    path.write_text("axe_numero;axe_intitule;annee;montant_eur;offres_rattachees\n"
                    "1;Axe;2024;100;ma box stage, Offre Durand\n", encoding="utf-8")
    assert read_plan_budget(path).table["offers"].tolist() == ["Ma Box Stage, Autre"]


def test_a_projected_geojson_without_crs_is_refused_with_its_file(tmp_path):
    from observatory.sources.communes import read_commune_contours
    from observatory.sources.errors import SourceFormatError

    path = tmp_path / "communes-41.geojson"
    square = [[[570000, 6720000], [571000, 6720000], [571000, 6721000], [570000, 6721000], [570000, 6720000]]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "41018", "nom": "Blois"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}), encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"communes-41\.geojson.*'crs'.*Lambert-93"):
        read_commune_contours(path, ("41",))


# --- builds that must fail loudly and keep the last good outputs ----------------------------------


@pytest.fixture
def published_demo(tmp_path, demo_raw, monkeypatch, capsys):
    """A data folder with a good published demo observatory; returns it and a fingerprint."""
    monkeypatch.setenv("OBSERVATORY_MAP_EXPORTS", "0")
    shutil.copytree(demo_raw["rpps_extract"].parent, tmp_path / "raw" / "demo")
    assert main(["--data-dir", str(tmp_path), "build"]) == 0
    capsys.readouterr()
    return tmp_path


def _fingerprint(data_dir) -> tuple:
    curated = data_dir / "curated"
    with duckdb.connect(str(curated / "observatory.duckdb"), read_only=True) as connection:
        gps = connection.execute("select sum(gps) from gp_supply_by_departement").fetchone()[0]
    return gps, (curated / "site" / "index.html").read_bytes(), (curated / "parquet" / "agency_funnel.parquet").read_bytes()


REGISTER = "PS_LibreAcces_Personne_activite.txt"


@pytest.mark.parametrize("damage", ["header_only", "one_field_too_many", "agency_is_a_folder"])
def test_a_broken_input_fails_the_build_and_keeps_the_published_observatory(damage, published_demo, capsys):
    raw = published_demo / "raw" / "demo"
    before = _fingerprint(published_demo)
    if damage == "header_only":
        lines = (raw / REGISTER).read_text(encoding="utf-8").splitlines(keepends=True)
        (raw / REGISTER).write_text(lines[0], encoding="utf-8")
        expected = "no GP in the register"
    elif damage == "one_field_too_many":
        lines = (raw / REGISTER).read_text(encoding="utf-8").splitlines(keepends=True)
        (raw / REGISTER).write_text(lines[0] + "".join(line.rstrip("\n") + "|x\n" for line in lines[1:]),
                                    encoding="utf-8")
        expected = "rows quarantined"
    else:
        (raw / "agence_dossiers.csv").unlink()
        (raw / "agence_dossiers.csv").mkdir()
        expected = "not a readable file"
    assert main(["--data-dir", str(published_demo), "build"]) == 1
    printed = capsys.readouterr()
    assert expected in printed.out + printed.err
    assert "build FAILED" in printed.err
    assert _fingerprint(published_demo) == before


def test_a_failed_step_prints_its_reason(published_demo, capsys):
    raw = published_demo / "raw" / "demo"
    (raw / "epci_composition.csv").write_text("CODGEO;LIBGEO;EPCI_RENAMED;LIBEPCI\n", encoding="utf-8")
    assert main(["--data-dir", str(published_demo), "build"]) == 1
    out = capsys.readouterr().out
    assert "✗ epci_membership" in out and "epci_composition.csv, line 1, field 'EPCI': required column missing" in out


def test_a_second_refresh_of_the_same_folder_is_refused_while_one_runs(tmp_path, capsys):
    from observatory.locking import data_folder_lock

    with data_folder_lock(tmp_path):
        assert main(["--data-dir", str(tmp_path), "build"]) == 1
    assert "another refresh of" in capsys.readouterr().err
    with data_folder_lock(tmp_path):  # released when the first one ends
        pass


def test_a_coverage_warning_without_benchmark_says_unknown(tmp_path):
    from pipelines.checks import register_covers_benchmark

    coverage = pd.DataFrame({"departement_code": ["41"], "register_gps": [0], "register_liberal_gps": [0],
                             "benchmark_liberal_gps": [float("nan")],
                             "coverage": [float("nan")], "benchmark_year": [None], "departement_name": ["Loir-et-Cher"],
                             "register_complete": [False]})
    result = register_covers_benchmark(coverage)
    assert "inconnu" in str(result.metadata["departements"].value) and "nan" not in str(result.metadata["departements"].value)


def test_population_rows_without_a_contour_are_quarantined_not_dropped(tmp_path):
    from observatory.sources.population import read_population

    path = tmp_path / "communes_2A_2B_population.csv"
    path.write_text("insee_com,nom_com,dep,population_2022\n2A001,Afa,2A,3350\n2A004,Ajaccio,2A,76320\n"
                    "2B002,Aghione,2B,259\n", encoding="utf-8")
    staged = read_population(path, ("2A", "2B"), contoured={"2A001", "2A004"})
    assert staged.table["commune_code"].tolist() == ["2A001", "2A004"]
    assert staged.rejects[["line", "reason"]].values.tolist() == [[4, "no contour for this commune in the contour files"]]


def test_a_year_in_a_hand_placed_name_is_a_vintage_only_where_publishers_put_one():
    from observatory.sources.catalog import vintage_from_name

    assert vintage_from_name("v_mvt_commune_2024.csv") == "2024"
    assert vintage_from_name("base-cc-evol-struct-pop-2021.CSV") == "2021"
    assert vintage_from_name("epci_composition_copie_2026_v2.csv") == "unknown"
    assert vintage_from_name("communes_2026_export_mairie_v3.geojson") == "unknown"


@pytest.mark.pipeline
def test_agency_dates_are_judged_against_the_reference_date_not_the_clock(demo_raw, tmp_path):
    """A rebuild on another day reads the same cases: « in the future » means after the
    observatory's reference date (30/06/2024 here), whatever today is."""
    import dagster as dg

    from pipelines.assets.raw import raw_files
    from pipelines.assets.staged import agency_cases
    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path, map_exports=False)
    shutil.copytree(demo_raw["rpps_extract"].parent, settings.raw_dir)
    cases = settings.raw_dir / "agence_dossiers.csv"
    lines = cases.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(";")
    fields[0], fields[1] = "AG-2025-9999", "15/01/2025"  # after the reference date, before today
    cases.write_text("\n".join([*lines, ";".join(fields)]) + "\n", encoding="utf-8")
    result = dg.materialize([raw_files, agency_cases], resources=build_definitions(settings).resources)
    staged = result.output_for_node("agency_cases")
    assert staged.rejects.loc[staged.rejects["line"] == len(lines) + 1, "reason"].tolist() == ["date in the future"]
