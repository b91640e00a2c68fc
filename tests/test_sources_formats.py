"""Readers of the other publishers' layouts, on small files written in those layouts."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile

import pytest

from observatory.settings import Settings
from observatory.sources.catalog import SOURCES_BY_NAME, read_origin, sha256_of
from observatory.sources.commune_history import read_insee_movements, resolve
from observatory.sources.population import read_population


def test_insee_legal_populations_layout(tmp_path):
    path = tmp_path / "donnees_communes.csv"
    path.write_text("REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"
                    "24;Centre-Val de Loire;41;411;4104;18;Blois;46813;1011;47824\n"
                    "24;Centre-Val de Loire;41;413;4110;269;Vendôme;15747;460;16207\n"
                    "75;Nouvelle-Aquitaine;47;471;4701;1;Agen;32485;700;33185\n", encoding="utf-8")
    staged = read_population(path, ("41",))
    assert dict(zip(staged.table["commune_code"], staged.table["population"])) == {"41018": 46813, "41269": 15747}
    assert staged.out_of_scope == 1 and staged.stats["census_year"] is None


def test_former_codes_are_summed_into_the_current_commune(tmp_path):
    path = tmp_path / "base-cc.csv"
    path.write_text("CODGEO;P20_POP;P20_POP0014;P20_POP1529;P20_POP3044;P20_POP4559;P20_POP6074;P20_POP75P\n"
                    "41059;4000;600;500;700;800;800;600\n41082;600;100;100;100;100;100;100\n", encoding="utf-8")
    staged = read_population(path, ("41",), history={"41082": "41059"})
    assert staged.table["commune_code"].tolist() == ["41059"]
    assert staged.table["population"].tolist() == [4600] and staged.table["pop_0_14"].tolist() == [700]
    assert staged.stats["former_codes_mapped"] == 1 and staged.stats["census_year"] == 2020


def test_insee_movements_are_resolved_through_chains(tmp_path):
    path = tmp_path / "v_mvt_commune_2024.csv"
    path.write_text(
        "MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP\n"
        "32,2016-01-01,COM,41082,0,FEINGS,Feings,Feings,COM,41059,0,CONTROIS,Controis,Le Controis\n"
        "32,2016-01-01,COM,41082,0,FEINGS,Feings,Feings,COMD,41082,0,FEINGS,Feings,Feings\n"
        "41,2019-01-01,COM,41059,0,CONTROIS,Controis,Le Controis,COM,41999,0,X,X,X\n", encoding="utf-8")
    moves, malformed = read_insee_movements(path)
    assert malformed.empty
    assert sorted(zip(moves["old_code"], moves["new_code"])) == [("41059", "41999"), ("41082", "41059")]
    assert resolve(moves) == {"41082": "41999", "41059": "41999"}


class _Publisher(http.server.BaseHTTPRequestHandler):
    """A stand-in publisher on 127.0.0.1 serving a ZIP archive, counting its requests."""

    requests = 0
    payload = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Last-Modified", "Mon, 01 Jul 2024 08:00:00 GMT")
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def publisher():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("PS_LibreAcces_Dipl_AutExerc_202407010800.txt", "other file\n")
        handle.writestr("PS_LibreAcces_Personne_activite_202407010800.txt", "header|\nline|\n")
    _Publisher.payload, _Publisher.requests = archive.getvalue(), 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/extraction"
    server.shutdown()


def test_download_unpacks_records_origin_and_happens_once(tmp_path, publisher, monkeypatch):
    from observatory.raw_files import ensure_raw_files

    settings = Settings(data_dir=tmp_path, territory="41")
    raw = settings.raw_dir
    raw.mkdir(parents=True)
    (raw / "communes.geojson").write_text('{"type":"FeatureCollection","features":[]}')
    (raw / "base-cc-evol-struct-pop.csv").write_text("CODGEO;P21_POP\n")
    for name in ("commune_history", "care_structures", "commune_contours", "population"):
        monkeypatch.setenv(f"OBSERVATORY_URL_{name.upper()}", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("OBSERVATORY_URL_RPPS_EXTRACT", publisher)

    origins = ensure_raw_files(settings)
    extract = raw / "PS_LibreAcces_Personne_activite_202407010800.txt"
    assert extract.read_text() == "header|\nline|\n"
    assert origins["rpps_extract"].path == extract
    record = read_origin(extract, SOURCES_BY_NAME["rpps_extract"])
    assert record.url == publisher and record.vintage == "2024-07-01"
    assert record.sha256 == sha256_of(extract) and not record.changed_since_record
    assert not origins["care_structures"].present and "could not download" in origins["care_structures"].problem
    assert sorted(p.name for p in raw.iterdir() if p.name.startswith(".")) == []  # no partial files left

    ensure_raw_files(settings)
    assert _Publisher.requests == 1  # the cached file is used, never fetched again
    extract.write_text("edited by hand\n")
    assert read_origin(extract).changed_since_record


def test_vintage_of_a_file_placed_by_hand_comes_from_its_name():
    from observatory.sources.catalog import vintage_from_name

    assert vintage_from_name("PS_LibreAcces_Personne_activite_202407010800.txt") == "2024-07-01"
    assert vintage_from_name("derived_communes-41_cog2023_from_gregoiredavid2018.geojson") == "2023"
    assert vintage_from_name("PS_LibreAcces_Personne_activite_small.txt") == "unknown"


def test_ars_zoning_reader_finds_its_columns_and_quarantines_unknown_zones(tmp_path):
    from observatory.sources.ars_zoning import read_ars_zoning

    path = tmp_path / "zonage_medecins_centre_val_de_loire.csv"
    path.write_text("Code commune;Libellé;Zonage médecins\n41018;Blois;ZAC\n41059;Le Controis-en-Sologne;ZIP\n"
                    "41070;Vallée-de-Ronsard;Hors vivier\n41269;Vendôme;ZX\n45234;Orléans;ZAC\n", encoding="latin-1")
    staged = read_ars_zoning(path, ("41",))
    assert dict(zip(staged.table["commune_code"], staged.table["ars_zone"])) == {
        "41018": "ZAC", "41059": "ZIP", "41070": "hors zonage"}
    assert staged.rejects["reason"].tolist() == ["unknown zone 'ZX' (expected ZIP, ZAC or outside)"]
    assert staged.out_of_scope == 1


def test_arrondissements_of_paris_lyon_and_marseille_are_their_commune(tmp_path):
    from observatory.sources.rpps import HEADER, read_rpps_extract

    def line(identifier: str, commune: str) -> str:
        fields = dict.fromkeys(HEADER, "") | {"Type d'identifiant PP": "8", "Identifiant PP": identifier,
                                              "Code profession": "10", "Code mode exercice": "L",
                                              "Code commune (coord. structure)": commune}
        return "|".join(fields[name] for name in HEADER) + "|"

    path = tmp_path / "PS_LibreAcces_Personne_activite.txt"
    path.write_text("\n".join(["|".join(HEADER) + "|", line("1", "75108"), line("2", "69383"), line("3", "13216"),
                               line("4", "75121")]) + "\n", encoding="utf-8")
    staged = read_rpps_extract(path, ("75", "69", "13"), {"75056", "69123", "13055"})
    assert list(zip(staged.table["commune_code"], staged.table["commune_code_source"])) == [
        ("75056", "75108"), ("69123", "69383"), ("13055", "13216")]
    assert staged.rejects["line"].tolist() == [5]  # 75121 is no arrondissement: unknown, quarantined
    assert staged.stats["arrondissements_mapped"] == 3


def test_the_insee_epci_workbook_is_read_as_published(tmp_path):
    from test_downloads import insee_epci_workbook

    from observatory.sources.epci import read_epci_membership

    path = tmp_path / "EPCI_au_01-01-2026.xlsx"
    path.write_bytes(insee_epci_workbook([("41018", "Blois", "244100582", "CA de Blois", "41", "24"),
                                          ("41269", "Vendôme", "200072049", "CA Territoires Vendômois", "41", "24"),
                                          ("41018", "Blois", "200072049", "CA Territoires Vendômois", "41", "24"),
                                          ("41999", "X", "12", "Bad", "41", "24"),
                                          ("45234", "Orléans", "244500468", "Orléans Métropole", "45", "24")]))
    staged = read_epci_membership(path, ("41",))
    assert staged.table[["commune_code", "epci_code", "line"]].values.tolist() == [
        ["41018", "244100582", 7], ["41269", "200072049", 8]]
    assert staged.rejects[["line", "field"]].values.tolist() == [[10, "EPCI"], [9, "CODGEO"]]
    assert staged.out_of_scope == 1 and staged.rows_read == 5


def test_the_finess_plus_json_is_read_as_published(tmp_path):
    from test_downloads import finess_plus_json

    from observatory.sources.care_structures import read_care_structures

    path = tmp_path / "finess-structures.json"
    path.write_bytes(finess_plus_json([
        {"finess": "410010557", "name": "MSP DE MONTOIRE", "category": "603", "commune": "41149", "lat": 47.7523,
         "lon": 0.8651},
        {"finess": "410000087", "name": "CENTRE HOSPITALIER DE BLOIS", "category": "355", "commune": "41018",
         "lat": None},
        {"finess": "410000095", "name": "PHARMACIE DU CENTRE", "category": "620", "commune": "41018", "lat": 47.59,
         "lon": 1.33},  # a pharmacy: out of scope
        {"finess": "410000103", "name": "CLINIQUE FERMEE", "category": "365", "commune": "41018", "lat": 47.59,
         "lon": 1.33, "state": "I", "closed": "2024-03-31"},  # closed: out of scope
        {"finess": "450000088", "name": "CHR D'ORLEANS", "category": "101", "commune": "45234", "lat": 47.9,
         "lon": 1.9},  # another département: out of scope
        {"finess": "41001055X", "name": "MSP MAL NUMEROTEE", "category": "603", "commune": "41269", "lat": 47.79,
         "lon": 1.07},
        {"finess": "410010557", "name": "MSP DE MONTOIRE (SITE 2)", "category": "603", "commune": "41149",
         "lat": 47.75, "lon": 0.87},
        {"finess": "970400016", "name": "CH DE SAINT-DENIS", "category": "355", "commune": "97411", "lat": -20.88,
         "lon": 55.45},
    ]))
    staged = read_care_structures(path, ("41", "974"))
    assert staged.table[["finess_id", "name", "kind", "category_label", "commune_code", "lon", "lat", "line"]
                        ].astype(object).where(staged.table.notna(), None).values.tolist() == [
        ["410010557", "MSP DE MONTOIRE", "maison_de_sante", "Maison de santé (L.6223-3)", "41149", 0.8651, 47.7523, 1],
        ["410000087", "CENTRE HOSPITALIER DE BLOIS", "hopital", "Centre Hospitalier (C.H.)", "41018", None, None, 2],
        ["970400016", "CH DE SAINT-DENIS", "hopital", "Centre Hospitalier (C.H.)", "97411", 55.45, -20.88, 8]]
    assert staged.rejects[["line", "field", "reason"]].values.tolist() == [
        [6, "nofinesset", "malformed FINESS number"], [7, "nofinesset", "duplicate establishment (first at line 1)"]]
    assert (staged.rows_read, staged.out_of_scope) == (8, 3)
    assert staged.stats["generated"] == "2026-11-20" and staged.stats["without_coordinates"] == 1


def test_a_finess_plus_file_cut_short_names_the_file_and_how_far_it_got(tmp_path):
    from test_downloads import finess_plus_json

    from observatory.sources.care_structures import read_care_structures
    from observatory.sources.errors import SourceFormatError

    body = finess_plus_json([{"finess": f"41001055{n}", "name": "MSP", "category": "603", "commune": "41149",
                              "lat": 47.7, "lon": 0.8} for n in range(3)])
    path = tmp_path / "finess-structures.json"
    path.write_bytes(body[: int(len(body) * 0.8)])
    with pytest.raises(SourceFormatError, match=r"finess-structures.json.*not readable as JSON after 2 establishments"):
        read_care_structures(path, ("41",))
    path.write_bytes(b'{"type": "FeatureCollection", "features": []}')
    with pytest.raises(SourceFormatError, match="not a FINESS\\+ structures file"):
        read_care_structures(path, ("41",))
