"""Each reader on the demo territory's files, and on the faults it must quarantine."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pytest
import shapely

from observatory.sources.agency import read_agency_cases
from observatory.sources.care_structures import read_care_structures
from observatory.sources.communes import read_commune_contours
from observatory.sources.epci import read_epci_membership
from observatory.sources.errors import SourceFormatError
from observatory.sources.population import read_population
from observatory.sources.roster import read_roster
from observatory.sources.rpps import HEADER, read_rpps_extract

DEMO = ("00",)
TODAY = date(2026, 11, 23)


def test_rpps_reader_keeps_the_territory_drops_names_and_quarantines_the_three_faults(demo_raw):
    contours = read_commune_contours(demo_raw["commune_contours"], DEMO).table
    staged = read_rpps_extract(demo_raw["rpps_extract"], DEMO, set(contours["commune_code"]))
    assert staged.out_of_scope == 500  # 300 practising elsewhere, 200 with no practice address
    assert staged.rows_read == len(staged.table) + len(staged.rejects) + staged.out_of_scope
    reasons = sorted(staged.rejects["reason"])
    assert len(reasons) == 3
    assert any("duplicate activity (first at line 2)" in r for r in reasons)
    assert any("'00999' unknown" in r for r in reasons)
    assert any("expected 53 fields" in r for r in reasons)
    assert not {"Nom d'exercice", "Prénom d'exercice"} & set(staged.table.columns)
    assert staged.table["commune_code"].str.startswith("00").all()


def test_rpps_reader_rejects_a_renamed_column(tmp_path):
    header = [name if name != "Code profession" else "Code_profession" for name in HEADER]
    path = tmp_path / "rpps.txt"
    path.write_text("|".join(header) + "|\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"line 1, field 'Code profession'.*Code_profession"):
        read_rpps_extract(path, DEMO)


def test_population_reader_reads_vintage_and_quarantines_bad_figures(demo_raw, tmp_path, spec):
    staged = read_population(demo_raw["population"], DEMO)
    assert staged.table["population"].sum() == spec.population
    assert staged.stats["census_year"] == 2021 and (staged.table["vintage"] == 2021).all()
    path = tmp_path / "pop.csv"
    path.write_text(
        "CODGEO;P21_POP;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;P21_POP75P\n"
        "00001;100;10;20;30;20;10;10\n"
        "00002;-5;0;0;0;0;0;0\n"
        "00003;100;10;10;10;10;10;10\n"
        "00004;;1;1;1;1;1;1\n"
        "00001;100;10;20;30;20;10;10\n"
        "41001;189;30;30;30;30;30;39\n",
        encoding="utf-8",
    )
    staged = read_population(path, DEMO)
    assert staged.table["commune_code"].tolist() == ["00001"]
    assert dict(zip(staged.rejects["line"], staged.rejects["reason"])) == {
        3: "negative population",
        4: "age bands do not add up to the population",
        5: "missing or non-numeric figure",
        6: "duplicate commune (first at line 2)",
    }
    assert staged.out_of_scope == 1


def test_roster_reader_types_figures_and_quarantines_implausible_ones(demo_raw, tmp_path, spec):
    staged = read_roster(demo_raw["gp_roster"], spec.reference_date)
    assert len(staged.table) == spec.gps + spec.departed_gps and staged.rejects.empty
    assert set(staged.table.columns) == {"rpps_id", "birth_year", "fte", "planned_departure", "yearly_acts",
                                         "installed_on", "line"}
    path = tmp_path / "roster.csv"
    path.write_text(
        "identifiant_rpps;nom;prenom;annee_naissance;etp;date_depart_prevue\n"
        "10000000001;A;B;1965;0,8;2027-01-01\n"
        "10000000002;A;B;2015;1;\n"
        "10000000003;A;B;1970;3;\n"
        "10000000004;A;B;1970;1;demain\n"
        "10000000001;A;B;1965;0,8;\n",
        encoding="utf-8",
    )
    staged = read_roster(path, date(2024, 6, 30))
    assert staged.table["fte"].tolist() == [0.8]
    assert str(staged.table["planned_departure"][0].date()) == "2027-01-01"
    assert staged.rejects["field"].tolist() == ["annee_naissance", "etp", "date_depart_prevue", "identifiant_rpps"]


def test_contours_reader_reprojects_lambert93_and_repairs_or_quarantines_geometry(tmp_path):
    square = shapely.box(600_000, 6_700_000, 610_000, 6_710_000)  # 100 km² in Lambert-93
    bowtie = shapely.Polygon([(0, 0), (10_000, 10_000), (10_000, 0), (0, 10_000), (0, 0)])
    bowtie = shapely.affinity.translate(bowtie, 620_000, 6_700_000)
    line = shapely.LineString([(0, 0), (1, 1)]).buffer(0).boundary  # empty geometry
    frame = gpd.GeoDataFrame({"INSEE_COM": ["41001", "41002", "41003", "41001"], "NOM": ["A", "B", "C", "A"]},
                             geometry=[square, bowtie, line, square], crs=2154)
    path = tmp_path / "communes.geojson"
    frame.to_file(path, driver="GeoJSON")
    staged = read_commune_contours(path, ("41",))
    assert staged.table["commune_code"].tolist() == ["41001", "41002"]
    assert staged.table.crs.to_epsg() == 4326
    assert staged.table["area_km2"].iloc[0] == pytest.approx(100, rel=1e-6)
    assert staged.stats["geometries_repaired"] == 1  # the bow-tie, repaired into two triangles
    assert staged.rejects["reason"].tolist() == ["missing or empty geometry", "duplicate commune (first at line 1)"]


def test_epci_reader(demo_raw, spec):
    staged = read_epci_membership(demo_raw["epci_membership"], DEMO)
    assert len(staged.table) == spec.communes
    assert staged.table["epci_code"].nunique() == spec.epcis


def test_finess_reader_keeps_care_structures_in_wgs84(demo_raw, spec):
    staged = read_care_structures(demo_raw["care_structures"], DEMO)
    assert staged.stats["encoding"] == "latin1"
    assert staged.table["kind"].value_counts().to_dict() == {
        "maison_de_sante": 24, "hopital": 5, "centre_de_sante": 3, "clinique": 2}
    assert staged.out_of_scope == 70  # pharmacies and nursing homes
    assert staged.table["lon"].between(0.4, 2.2).all() and staged.table["lat"].between(47.1, 48.1).all()
    assert any(name.startswith("MAISON DE SANTÉ") for name in staged.table["name"])


def test_agency_reader_pseudonymises_and_drops_personal_columns(demo_raw, spec):
    staged = read_agency_cases(demo_raw["agency_cases"], b"key", TODAY)
    table = staged.table
    assert len(table) == spec.cases_contacted and staged.rejects.empty
    assert not {"nom", "prenom", "email", "telephone", "notes", "case_id"} & set(table.columns)
    assert table["case_key"].str.fullmatch(r"[0-9a-f]{16}").all() and table["case_key"].is_unique
    again = read_agency_cases(demo_raw["agency_cases"], b"key", TODAY).table["case_key"]
    other_key = read_agency_cases(demo_raw["agency_cases"], b"other", TODAY).table["case_key"]
    assert (again == table["case_key"]).all() and not (other_key == table["case_key"]).any()
    assert table["status"].value_counts().to_dict() == {"accompanied": 110, "contacted": 66, "installed": 46, "abandoned": 38}


def test_agency_reader_quarantines_future_dates_and_incomplete_installations(tmp_path):
    header = "id_dossier;date_premier_contact;nom;prenom;email;telephone;profession;offre;statut;" \
             "date_accompagnement;date_installation;type_installation;code_commune_installation;notes\n"
    path = tmp_path / "cases.csv"
    path.write_text(
        header
        + "A1;01/02/2023;X;Y;x@y.fr;06;Infirmier;Jobpack;installé;01/03/2023;01/09/2023;durable;41018;ok\n"
        + "A2;01/02/2030;X;Y;x@y.fr;06;Infirmier;Jobpack;contact;;;;;\n"
        + "A3;01/02/2023;X;Y;x@y.fr;06;Infirmier;Jobpack;installé;01/03/2023;;durable;41018;\n"
        + "A4;01/02/2023;X;Y;x@y.fr;06;Infirmier;Jobpack;perdu de vue;;;;;\n"
        + "A5;01/02/2023;X;Y;x@y.fr;06;Infirmier;Jobpack;Installe;01/03/2023;01/01/2023;remplacement;41018;\n",
        encoding="utf-8",
    )
    staged = read_agency_cases(path, b"k", TODAY)
    assert len(staged.table) == 1
    assert dict(zip(staged.rejects["line"], staged.rejects["reason"])) == {
        3: "date in the future",
        4: "installation without date",
        5: "unknown status (free text not quoted: it may hold personal data)",
        6: "installation before first contact",
    }


def test_readers_name_the_file_when_it_is_not_of_the_expected_kind(tmp_path):
    path = tmp_path / "structures.csv"
    path.write_text("CODE;NOM\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="structures.csv.*not a FINESS etalab extract"):
        read_care_structures(path, DEMO)
    geojson = tmp_path / "c.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": 1}, "geometry": {"type": "Point", "coordinates": [1, 47]}}]}))
    with pytest.raises(SourceFormatError, match="c.geojson.*no commune code property"):
        read_commune_contours(geojson, DEMO)


def test_register_snapshots_are_parsed_once_and_read_back_identical(demo_raw, tmp_path, monkeypatch):
    """The second refresh reads no snapshot again (the cache is keyed on the file's SHA-256
    and the reading's inputs); a changed file or other inputs are read anew; entries no
    refresh uses are removed; an entry whose record was never written is read again."""
    import shutil

    import pandas.testing as pdt

    from observatory.sources import snapshot_cache
    from observatory.sources.rpps import read_rpps_extract

    from observatory.sources.catalog import sha256_of

    paths = sorted((demo_raw["rpps_extract"].parent / "snapshots").glob("*.txt"))
    assert len(paths) >= 2
    given = lambda files: [(path, sha256_of(path)) for path in files]  # noqa: E731 (as the raw layer gives them)
    reads = []
    monkeypatch.setattr(snapshot_cache, "read_rpps_extract",
                        lambda path, *args: reads.append(path.name) or read_rpps_extract(path, *args))
    folder = tmp_path / "cache"
    import pandas as pd

    known = set(pd.read_csv(demo_raw["population"], sep=";", dtype=str)["CODGEO"])
    first = snapshot_cache.read_snapshots(given(paths), ("00",), known, {}, folder)
    assert len(reads) == len(paths) and all(len(staged.table) > 100 for staged in first)
    again = snapshot_cache.read_snapshots(given(paths), ("00",), known, {}, folder)
    assert len(reads) == len(paths)  # nothing read again
    for a, b in zip(first, again):
        pdt.assert_frame_equal(a.table, b.table)
        pdt.assert_frame_equal(a.rejects, b.rejects)
        assert (a.rows_read, a.out_of_scope) == (b.rows_read, b.out_of_scope)
    # a file that changed is read again, the others not; the stale entry goes
    changed = tmp_path / paths[0].name
    shutil.copy(paths[0], changed)
    with open(changed, "a", encoding="utf-8") as handle:
        handle.write("\n")
    snapshot_cache.read_snapshots(given([changed, *paths[1:]]), ("00",), known, {}, folder)
    assert reads[len(paths):] == [changed.name]
    assert len(list(folder.glob("*.json"))) == len(paths)
    # other inputs (a former commune now mapped) make another entry
    snapshot_cache.read_snapshots(given(paths[1:]), ("00",), known, {"00999": "00001"}, folder)
    assert reads[len(paths) + 1:] == [path.name for path in paths[1:]]
    # an entry whose record is missing (a refresh killed while writing it) is read again
    key = snapshot_cache.cache_key(sha256_of(paths[1]), ("00",), known, {"00999": "00001"})
    (folder / f"{key}.json").unlink()
    snapshot_cache.read_snapshots(given(paths[1:]), ("00",), known, {"00999": "00001"}, folder)
    assert reads[-(len(paths) - 1):] == [path.name for path in paths[1:]]
