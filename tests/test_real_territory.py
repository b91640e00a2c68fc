"""The whole pipeline on real public files from ../shared/data: Loir-et-Cher (41), whose
register sample holds no GP there (the build must fail loudly), and Corsica (2A, 2B), with
the real GP practice locations of Corse-du-Sud and one contour file per département."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from observatory.settings import Settings


@pytest.fixture(scope="module")
def loir_et_cher(shared_data, tmp_path_factory):
    """data/raw/41/ laid out as an operator would, with links to the real files (no copy)."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("real-41"), territory="41", allow_download=False)
    raw = settings.raw_dir
    (raw / "previous").mkdir(parents=True)
    links = {
        raw / "PS_LibreAcces_Personne_activite_small.txt": shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt",
        raw / "communes_cog2024_centroides_pop_dep41_47.csv": shared_data / "other" / "communes_cog2024_centroides_pop_dep41_47.csv",
        raw / "derived_communes-41_cog2023.geojson": shared_data / "boundaries" / "derived_communes-41_cog2023_from_gregoiredavid2018.geojson",
        raw / "previous" / "communes-41-2018.geojson": shared_data / "boundaries" / "gregoiredavid_communes-41-loir-et-cher.geojson",
        raw / "ameli_demographie_ps_liberaux_2024_departement.csv": shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv",
    }
    for link, target in links.items():
        link.symlink_to(target)
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources,
                            raise_on_error=False)
    return settings, result


@pytest.fixture(scope="module")
def corsica(shared_data, tmp_path_factory):
    """data/raw/2A,2B/ with the real files: GP practice locations of 2A (none in 2B), the
    two départements' contour files as published, legal populations, the CNAM counts."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path_factory.mktemp("real-corse"), territory="2A,2B", allow_download=False,
                        map_exports=False)
    raw = settings.raw_dir
    raw.mkdir(parents=True)
    corse = shared_data / "corse"
    for name in ("PS_LibreAcces_Personne_activite_2A_cnam2021.txt", "communes_2A_2B_population.csv",
                 "gregoiredavid_communes-2A-corse-du-sud.geojson", "gregoiredavid_communes-2B-haute-corse.geojson"):
        (raw / name).symlink_to(corse / name)
    (raw / "ameli_demographie_ps_liberaux_2024_departement.csv").symlink_to(
        shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv")
    (raw / "drees_apl_medecins_generalistes_2022_2023_extrait.xlsx").symlink_to(
        shared_data / "apl" / "drees_apl_medecins_generalistes_2022_2023_extrait.xlsx")
    (raw / "zonages").mkdir()
    arrondissements(shared_data).to_csv(raw / "zonages" / "arrondissements.csv", sep=";", index=False)
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources)
    return settings, result


def arrondissements(shared_data) -> pd.DataFrame:
    """A real zoning: the arrondissement of each commune of Corsica, from the COG as the geo
    API's package gives it (codes only: the zones are named by them)."""
    communes = json.loads((shared_data / "reference" / "communes.json").read_text(encoding="utf-8"))
    return pd.DataFrame([{"code_commune": c["code"], "code_zone": c["arrondissement"]} for c in communes
                         if c.get("departement") in ("2A", "2B") and c["type"] == "commune-actuelle"])


def test_corsica_arrondissements_get_figures_in_2a_and_none_in_2b(corsica, shared_data):
    """A real zoning on real contours: each arrondissement's population is its communes', the
    GPs of Corse-du-Sud's add up to the département's, Haute-Corse's have no figure (its
    register is partial) and their diagnostic says so."""
    from observatory.publish import read_published_tables

    settings, _ = corsica
    tables = read_published_tables(settings.curated_dir)
    assert tables["zoning_coverage"][["zones", "communes_without_zone"]].values.tolist() == [[5, 0]]
    reference = tables["commune_reference"].merge(arrondissements(shared_data), left_on="commune_code",
                                                  right_on="code_commune")
    supply = tables["gp_supply_by_zone"].set_index("zone_code").sort_index()
    assert supply.index.tolist() == ["2A1", "2A4", "2B2", "2B3", "2B5"]
    assert supply["population"].tolist() == reference.groupby("code_zone")["population"].sum().sort_index().tolist()
    south, north = supply.loc[["2A1", "2A4"]], supply.loc[["2B2", "2B3", "2B5"]]
    departement = tables["gp_supply_by_departement"].set_index("departement_code")
    assert south["register_complete"].all() and south["gps"].sum() == departement.at["2A", "gps"] > 100
    assert not north["register_complete"].any() and north["gps"].isna().all() and north["gp_density"].isna().all()
    assert tables["accessibility_by_zone"].set_index("zone_code").loc[["2B2", "2B3", "2B5"], "apl"].isna().all()
    page = next(path for path in settings.site_dir.glob("zone-arrondissements-*.html")
                if "zone 2B2," in path.read_text(encoding="utf-8"))
    text = page.read_text(encoding="utf-8")
    assert "non disponible (registre incomplet)" in text
    # no FINESS file nor agency records for Corsica: their counts are no figure, never 0
    assert text.count("non disponible (pas de fichier FINESS pour ce territoire)") == 8
    assert text.count("non disponible (aucune donnée de l&#x27;agence pour ce territoire)") == 2
    # nor on « Où agir »: each commune ranked there (those whose register is complete within
    # reach) has no count of care structures within 15 minutes, rather than 0
    ranked = int(tables["accessibility_by_commune"]["catchment_complete"].sum())
    priorities = (settings.site_dir / "ou-agir.html").read_text(encoding="utf-8")
    assert ranked > 100 and priorities.count("non disponible (pas de fichier FINESS pour ce territoire)") == ranked


def test_corsica_reads_both_departements_and_withholds_what_its_register_cannot_support(corsica):
    settings, result = corsica
    failed = {c.check_name: c.severity.value for c in result.get_asset_check_evaluations() if not c.passed}
    # Haute-Corse: no GP in the file; 2A's ranking is below 0.7 against the official APL.
    assert failed == {"register_covers_benchmark": "WARN", "apl_agrees_with_the_official_one": "WARN"}
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        per_departement = connection.execute(
            "select departement_code, communes, gps from gp_supply_by_departement order by 1").fetchall()
        classes = dict(connection.execute(
            "select departement_code, count(desert_class) from accessibility_by_commune group by 1").fetchall())
        sources = connection.execute("select file from source_report where dataset = 'commune_contours'").fetchone()[0]
    assert per_departement == [("2A", 124, 131), ("2B", 236, None)]  # 2B: no count, not 0
    # 2B's register is empty: no commune called a desert; nor Palneca (2A), 18 minutes from a
    # commune of 2B (San-Gavino-di-Fiumorbo), whose GPs its APL would miss.
    assert classes == {"2A": 123, "2B": 0}
    assert "2A-corse-du-sud" in sources and "2B-haute-corse" in sources
    index = (settings.site_dir / "index.html").read_text(encoding="utf-8")
    assert "Attention\u00a0: registre incomplet" in index and "Haute-Corse" in index
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        palneca = connection.execute("select register_complete, catchment_complete, apl, nearest_gp_minutes "
                                     "from accessibility_by_commune where commune_code = '2A200'").fetchone()
        near = connection.execute("select minutes from commune_travel_times where origin = '2A200' "
                                  "and destination = '2B365'").fetchone()[0]
        figures = connection.execute(
            "select departement_code, s.register_complete, s.gps, s.gp_density, a.apl, a.population_desert, "
            "a.share_desert, a.mean_minutes_to_gp, a.population_unclassified, a.desert_class "
            "from gp_supply_by_departement s join accessibility_by_departement a using (departement_code) "
            "order by 1").fetchall()
    assert palneca == (True, False, None, None) and near < 20
    corse_du_sud, haute_corse = figures
    assert corse_du_sud[1:3] == (True, 131) and corse_du_sud[4] > 0 and corse_du_sud[8] == 133  # Palneca's 133
    assert haute_corse == ("2B", False, None, None, None, None, None, None, 187_180, None)  # all unclassified
    downloads = settings.site_dir / "data"
    for table in ("gp_supply_by_departement", "accessibility_by_departement"):  # what a policymaker downloads
        row = next(line for line in (downloads / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()
                   if line.startswith("2B;"))
        assert ";0;" not in row and ";0,0" not in row and ";non;" in row, row
    # The register misses Haute-Corse: no territory figure from it is shown as a number.
    assert index.count('<div class="value na">non disponible</div>') == 7  # all but the population
    assert "registre incomplet — Haute-Corse\u00a0: 0 sur 164" in index
    assert index.index("Attention\u00a0: registre incomplet") < index.index('class="cards"')  # the warning comes first
    assert "Aucune donnée de l'agence pour ce territoire." in (settings.site_dir / "agence.html").read_text(encoding="utf-8")
    for page in settings.site_dir.glob("*.html"):  # the warning stands atop every page
        assert "Attention\u00a0: registre incomplet — Haute-Corse\u00a0: 0 sur 164." in page.read_text(encoding="utf-8"), page.name
    evolution = (settings.site_dir / "evolution.html").read_text(encoding="utf-8")
    assert "Évolution non disponible\u00a0: registre incomplet" in evolution and "serie-densite" not in evolution
    # the scenarios count Corse-du-Sud only, and say so where their totals stand
    scenarios = (settings.site_dir / "scenarios.html").read_text(encoding="utf-8")
    assert ("registre est complet, dans leur département et à moins de 20 minutes\u00a0: 237 communes "
            "(registre incomplet) n'y sont pas comptées") in scenarios  # 236 of Haute-Corse, and Palneca




def _staged(settings, name: str) -> pd.DataFrame:
    return pd.read_parquet(settings.staging_dir / "assets" / f"{name}.parquet")


def test_corsica_agreement_with_the_official_apl_is_measured_and_published(corsica):
    """Figures measured on this build (2A: 52 communes in the official extract, 131 GPs in the
    register, estimated travel times with the speed fitted on every other commune)."""
    settings, _ = corsica
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        agreement = connection.table("apl_agreement_by_departement").df().set_index("departement_code")
        calibration = connection.table("travel_time_calibration").df().iloc[0]
        demand = dict(connection.execute(
            "select demand_method, count(*) from accessibility_by_commune group by 1").fetchall())
    assert agreement.loc["2A", ["communes_compared", "communes_withheld"]].tolist() == [52, 0]
    assert agreement.loc["2B", ["communes_compared", "communes_withheld"]].tolist() == [0, 236]  # not compared
    assert agreement.loc["2A", "spearman"] == pytest.approx(0.597, abs=0.001)
    assert agreement.loc["2A", "kappa"] == pytest.approx(0.607, abs=0.001)
    assert calibration["status"] == "calibré" and calibration["speed_fitted_kmh"] == 22.5
    assert (calibration["communes_fit"], calibration["communes_holdout"]) == (26, 26)
    assert calibration["spearman_fit_fitted"] > calibration["spearman_fit_default"]
    assert calibration["spearman_holdout_fitted"] == pytest.approx(0.390, abs=0.001)  # communes the fit never saw
    assert demand == {"official": 288, "population": 72}  # the DREES's standardised population where it gives one
    method = (settings.site_dir / "methode.html").read_text(encoding="utf-8")
    assert "Concordance avec l'APL officielle de la DREES" in method and "temps de trajet estimés" in method
    sheets = (settings.site_dir / "data" / "fiches" / "2A.js").read_text(encoding="utf-8")
    assert '"apl_officielle": 1.782, "annee_officielle": 2023' in sheets  # Afa's commune sheet shows the official APL


def test_a_register_without_any_gp_of_the_territory_fails_loudly_and_publishes_nothing(loir_et_cher):
    settings, result = loir_et_cher
    assert not result.success
    failed = {c.check_name: c.severity.value for c in result.get_asset_check_evaluations() if not c.passed}
    assert failed == {"every_departement_observed": "ERROR", "register_covers_benchmark": "WARN"}
    problem = next(c for c in result.get_asset_check_evaluations() if c.check_name == "every_departement_observed")
    assert problem.metadata["problems"].value == "no GP in the register for the whole territory"
    assert not settings.database_path.exists() and not settings.site_dir.exists()


def test_the_real_loir_et_cher_files_are_read_whole(loir_et_cher):
    """What was staged before the check stopped the build: communes, populations, former codes."""
    settings, _ = loir_et_cher
    reference = _staged(settings, "commune_reference")
    assert (len(reference), reference["population"].sum()) == (267, 328_504)
    coverage = _staged(settings, "gp_register_coverage")
    assert coverage[["benchmark_liberal_gps", "register_liberal_gps"]].values.tolist() == [[211, 0]]
    quarantine = _staged(settings, "quarantine")
    assert quarantine.groupby("dataset").size().to_dict() == {"population": 3}  # the per-postcode repeats
    history = _staged(settings, "commune_code_history")
    assert dict(zip(history["old_code"], history["new_code"])) == {
        "41082": "41059", "41092": "41059", "41170": "41059", "41257": "41059", "41263": "41070"}


def test_e2sfca_matches_pysal_on_the_real_loir_et_cher_geography(loir_et_cher):
    """Real communes, populations and travel times; as supply, one full-time GP in each
    commune of 2 000 inhabitants or more (a test input, never published)."""
    from test_accessibility import pysal_e2sfca

    from observatory.accessibility.e2sfca import e2sfca_frame

    settings, _ = loir_et_cher
    pairs = _staged(settings, "commune_travel_times")
    reference = _staged(settings, "commune_reference").set_index("commune_code")
    locations = pd.DataFrame({"demand": reference["population"],
                              "supply": (reference["population"] >= 2000) * 4900.0}, index=reference.index)
    ours = e2sfca_frame(pairs, locations, "demand", "supply")
    assert abs(ours - pysal_e2sfca(pairs, locations)).max() <= 1e-9
    assert (ours > 0).sum() > 200


@pytest.mark.pipeline
def test_corse_du_sud_alone_computes_its_apl_with_haute_corse_as_border_ring(shared_data, tmp_path):
    """The territory 2A with Haute-Corse's contour file in neighbours/: the ring is used,
    said in the source report, and only 2A's communes are published."""
    import dagster as dg

    from pipelines.definitions import build_definitions

    settings = Settings(data_dir=tmp_path, territory="2A", allow_download=False, map_exports=False)
    raw = settings.raw_dir
    (raw / "neighbours").mkdir(parents=True)
    corse = shared_data / "corse"
    for name in ("PS_LibreAcces_Personne_activite_2A_cnam2021.txt", "communes_2A_2B_population.csv",
                 "gregoiredavid_communes-2A-corse-du-sud.geojson"):
        (raw / name).symlink_to(corse / name)
    (raw / "neighbours" / "gregoiredavid_communes-2B-haute-corse.geojson").symlink_to(
        corse / "gregoiredavid_communes-2B-haute-corse.geojson")
    definitions = build_definitions(settings)
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], resources=definitions.resources)
    assert result.success
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        ring = connection.execute("select file, rows_read, rows_accepted, rows_out_of_scope from source_report "
                                  "where dataset = 'border_ring'").fetchone()
        published = connection.execute("select count(*), count(*) filter (where commune_code like '2B%') "
                                       "from accessibility_by_commune").fetchone()
        ring_register = connection.execute("select departement_code, register_gps, register_complete "
                                           "from ring_register_coverage").fetchall()
        without_apl = {code for (code,) in connection.execute(
            "select commune_code from accessibility_by_commune where apl is null").fetchall()}
        near_2b = {code for (code,) in connection.execute(
            "select distinct origin from commune_travel_times where origin like '2A%' and destination like '2B%'").fetchall()}
    # The register holds no GP of Haute-Corse: the ring's register is partial, said by a warning, and
    # the communes of 2A within 20 minutes of a commune of 2B (Palneca among them) have no APL.
    assert ring_register == [("2B", 0, False)]
    assert without_apl == near_2b and "2A200" in near_2b and 0 < len(near_2b) < 124
    warned = {c.check_name for c in result.get_asset_check_evaluations() if not c.passed}
    assert "ring_register_covers_benchmark" in warned
    assert ring[0] == "gregoiredavid_communes-2B-haute-corse.geojson" and ring[1] == 236
    assert 0 < ring[2] < 236 and ring[2] + ring[3] == 236
    assert published == (124, 0)
    ring_table = pd.read_parquet(settings.staging_dir / "assets" / "border_ring.parquet")
    assert ring_table["population"].notna().all() and set(ring_table["departement_code"]) == {"2B"}


@pytest.mark.browser
def test_corsica_sheets_say_non_disponible_where_the_register_is_partial(corsica, chromium, artifacts):
    """Haute-Corse's register is empty: its commune sheets show no GP count, density or APL
    as a number, and the list of lowest APLs leaves its communes out, saying so."""
    from playwright.sync_api import sync_playwright

    from observatory.dashboard.site import sheet_labels

    settings, _ = corsica
    territories = (settings.site_dir / "territoires.html").read_text(encoding="utf-8")
    assert ("237 communes dont le registre est incomplet (dans leur département ou à moins de 20 minutes) ne sont pas "
            "classées ici") in territories.replace("\u202f", " ")  # Haute-Corse's 236 and Palneca
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((settings.site_dir / "commune.html").as_uri() + "#2B002")
        page.wait_for_selector("#fiche table")
        cells = dict(zip(page.locator("#fiche table.chiffres th").all_inner_texts(),
                         page.locator("#fiche table.chiffres td").all_inner_texts()))
        page.screenshot(path=str(artifacts / "corse-commune-2B002.png"), full_page=True)
        page.goto((settings.site_dir / "commune.html").as_uri() + "#2A200")  # Palneca, 18 minutes from 2B
        page.wait_for_selector("#fiche h3:has-text('Palneca')")
        palneca = dict(zip(page.locator("#fiche table.chiffres th").all_inner_texts(),
                           page.locator("#fiche table.chiffres td").all_inner_texts()))
        browser.close()
    unusable = "non disponible (registre incomplet pour ce département)"
    labels = sheet_labels()
    assert cells[labels["gps"]] == cells[labels["apl"]] == unusable
    assert cells[labels["apl_officielle"] + " – 2023"] == "1,49"  # the official figure stands beside
    # Palneca's own register is complete: its count stands; its APL would miss Haute-Corse's GPs.
    assert palneca[labels["gps"]] == "0" and palneca[labels["population"]] == "133"
    assert palneca[labels["apl"]] == palneca[labels["minutes"]] == "non disponible (registre incomplet à moins de 20 minutes)"


def test_the_catalogue_describes_every_column_published_and_nothing_else(corsica, demo_build):
    """Over the demo and a real build (with the official APL and the calibration), every
    published column has its catalogue entry, and every entry describes a published column."""
    import fnmatch

    from observatory import catalogue
    from observatory.publish import read_published_tables

    settings, _ = corsica
    columns = set()
    for curated in (settings.curated_dir, demo_build.settings.curated_dir):
        tables = read_published_tables(curated)
        catalogue.data_dictionary(tables)  # raises on an undescribed column
        columns |= {(table, column) for table, frame in tables.items() for column in frame.columns}
    for key in catalogue._catalogue()["columns"]:
        table, _, column = key.rpartition(".")
        assert any(fnmatch.fnmatchcase(name, column) and table in ("", owner) for owner, name in columns), key


def test_corsica_home_page_sets_its_figures_beside_its_region_and_france(corsica):
    settings, _ = corsica
    home = (settings.site_dir / "index.html").read_text(encoding="utf-8").replace("\u202f", " ")
    assert ("(2024, médecins pour 100 000 habitants)\u00a0: Corse-du-Sud 91,5 · Haute-Corse 87,5 · Corse 89,4 · "
            "France 81,0.") in home


def test_a_territory_beyond_a_region_maps_france_by_departement_then_each_departement(corsica, chromium, tmp_path,
                                                                                     monkeypatch):
    """Above the largest région (lowered here to one département, so Corsica is « national »):
    the maps page draws one unit per département, a click on one opens the map of its communes,
    a click on a commune there opens its sheet, whose figures come from its département's
    script; no page carries another département's polygons."""
    import json
    import shutil

    import dagster as dg
    from playwright.sync_api import sync_playwright

    from observatory import territories
    from pipelines.definitions import build_definitions

    settings, _ = corsica
    copy = Settings(data_dir=tmp_path / "data", territory="2A,2B", allow_download=False, map_exports=False)
    shutil.copytree(settings.data_dir, copy.data_dir, symlinks=True)
    monkeypatch.setattr(territories, "LARGEST_REGION", 1)
    definitions = build_definitions(copy)
    dg.materialize(definitions.assets, selection=["dashboard_site"], resources=definitions.resources)
    site = copy.site_dir
    assert sorted(path.name for path in site.glob("cartes*.html")) == ["cartes-2A.html", "cartes-2B.html", "cartes.html"]
    overview = json.loads((site / "data" / "contours.js").read_text(encoding="utf-8")
                          .removeprefix("window.OBSERVATOIRE_CONTOURS = ").rstrip().rstrip(";"))
    assert [feature["id"] for feature in overview["departements"]["features"]] == ["2A", "2B"]
    south = (site / "data" / "contours-2A.js").read_text(encoding="utf-8")
    assert '"2A004"' in south and '"2B' not in south  # Ajaccio, and no commune of Haute-Corse
    assert '"coordinates"' not in (site / "cartes.html").read_text(encoding="utf-8")
    assert '"2B002"' not in (site / "data" / "fiches" / "2A.js").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((site / "cartes.html").as_uri())
        page.wait_for_selector("#carte .main-svg", state="attached", timeout=30_000)
        assert page.locator('a[href="cartes-2A.html"]').inner_text() == "Corse-du-Sud (2A)"
        for step, (length, target) in enumerate(((2, "cartes-2A.html"), (5, "commune.html#2A"))):
            if step:
                page.wait_for_selector("#carte .main-svg", state="attached", timeout=30_000)
            boxes = page.evaluate("""(length) => Array.from(document.querySelectorAll('#carte path.choroplethlocation'))
                .filter(p => p.__data__ && typeof p.__data__.loc === 'string' && p.__data__.loc.length === length
                             && p.__data__.loc.startsWith('2A'))
                .map(p => { const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })""",
                                  length)
            for x, y in boxes:
                page.mouse.click(x, y)
                try:
                    page.wait_for_url(f"**/{target}*", timeout=2_000)
                    break
                except Exception:  # the middle of a jagged shape may be its neighbour's: try the next
                    continue
            else:
                raise AssertionError(f"nothing on the map opened {target}")
        page.wait_for_selector("#fiche table")
        assert page.locator("#fiche h3").inner_text().endswith(")") and "2A" in page.url
        browser.close()


def test_corsica_publishes_no_profession_count_its_register_cannot_support(corsica):
    """The real extract holds Corse-du-Sud's GPs only: its 131 GPs are counted; every other
    profession of 2A, and every profession of Haute-Corse (no line at all), has no figure
    (not 0), and says the register is incomplete for it."""
    settings, _ = corsica
    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        table = connection.execute("select departement_code, profession, headcount, density, register_complete "
                                   "from profession_supply_by_departement").df()
    usable = table[table["register_complete"]]
    assert usable[["departement_code", "profession", "headcount"]].values.tolist() == [["2A", "medecin_generaliste", 131]]
    withheld = table[~table["register_complete"]]
    assert len(withheld) == 13 and withheld["headcount"].isna().all() and withheld["density"].isna().all()
