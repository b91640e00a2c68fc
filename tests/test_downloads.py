"""Downloads against a stand-in publisher on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
import zipfile

import pytest

from observatory.raw_files import ensure_raw_files
from observatory.settings import Settings
from observatory.sources.catalog import SOURCES_BY_NAME, locate
from observatory.sources.download import download
from observatory.sources.errors import SourceFormatError


class Publisher(http.server.BaseHTTPRequestHandler):
    """Serves ``routes[path]`` = (body, announced length or None, seconds between bytes)."""

    routes: dict = {}
    requests: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        body, announced, pause = self.routes.get(self.path, (b"", None, 0))
        self.send_response(200 if self.path in self.routes else 404)
        self.send_header("Content-Length", str(len(body) if announced is None else announced))
        self.end_headers()
        try:
            if pause:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pause)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_HEAD(self):  # noqa: N802
        self.send_response(200 if self.path in self.routes else 404)
        self.send_header("Last-Modified", "Mon, 01 Jul 2024 08:00:00 GMT")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def publisher():
    Publisher.routes, Publisher.requests = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", Publisher.routes
    server.shutdown()


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


EMPTY_GEOJSON = '{"type":"FeatureCollection","features":[]}'


def _leftovers(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_a_member_named_like_another_source_never_replaces_it(tmp_path, publisher):
    base, routes = publisher
    agency = tmp_path / "agence_dossiers.csv"
    agency.write_text("the agency's export, which cannot be downloaded again\n")
    routes["/finess"] = (_zip({"agence_dossiers.csv": b"overwritten\n"}), None, 0)
    with pytest.raises(SourceFormatError, match="holds no file named like care_structures"):
        download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", tmp_path)
    assert agency.read_text() == "the agency's export, which cannot be downloaded again\n"
    assert _leftovers(tmp_path) == []


def test_an_existing_file_is_never_replaced(tmp_path, publisher):
    base, routes = publisher
    (tmp_path / "finess-structures.json").write_text("mine\n")
    routes["/finess"] = (b"theirs\n", None, 0)
    with pytest.raises(SourceFormatError, match="would replace this file"):
        download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", tmp_path)
    assert (tmp_path / "finess-structures.json").read_text() == "mine\n"


def test_a_body_shorter_than_announced_is_not_cached(tmp_path, publisher):
    base, routes = publisher
    routes["/finess"] = (b"x" * 500, 1000, 0)
    with pytest.raises(SourceFormatError, match="cut short|could not download"):
        download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", tmp_path, timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_an_archive_unpacking_beyond_the_limit_is_refused(tmp_path, publisher):
    base, routes = publisher
    routes["/insee"] = (_zip({"base-cc-evol-struct-pop-2021.CSV": b"0" * 5_000_000}), None, 0)
    assert len(routes["/insee"][0]) < 20_000  # a small archive that unpacks to 5 MB
    with pytest.raises(SourceFormatError, match="unpacks to"):
        download(SOURCES_BY_NAME["population"], f"{base}/insee", tmp_path, max_unpacked_bytes=1_000_000)
    assert list(tmp_path.iterdir()) == []


def test_a_trickling_server_meets_the_deadline(tmp_path, publisher):
    base, routes = publisher
    routes["/slow"] = (b"a;b\n" * 50, None, 0.2)
    started = time.monotonic()
    with pytest.raises(SourceFormatError, match="deadline"):
        download(SOURCES_BY_NAME["care_structures"], f"{base}/slow", tmp_path, timeout=5, deadline=1.0)
    assert time.monotonic() - started < 5
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("member", ["..", "../../etalab-cs1100507-stock.csv", "/", "nested/"])
def test_member_names_that_are_paths_are_refused_cleanly(tmp_path, publisher, member):
    base, routes = publisher
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(member), b"data\n")
    routes["/finess"] = (buffer.getvalue(), None, 0)
    folder = tmp_path / "raw"
    if member.startswith("../"):  # a member whose base name fits is unpacked inside raw_dir, never above
        path = download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", folder)
        assert path == folder / "etalab-cs1100507-stock.csv" and not (tmp_path / "etalab-cs1100507-stock.csv").exists()
    else:
        with pytest.raises(SourceFormatError, match="holds no file named like care_structures"):
            download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", folder)
    assert _leftovers(folder) == []


def _territory(tmp_path, monkeypatch, territory: str, files: dict[str, str], **addresses) -> Settings:
    """A raw folder holding ``files``; the sources given ``addresses`` download from them,
    the other downloadable ones from nowhere."""
    settings = Settings(data_dir=tmp_path, territory=territory)
    settings.raw_dir.mkdir(parents=True)
    for name, text in files.items():
        (settings.raw_dir / name).write_text(text)
    for name in ("commune_history", "care_structures", "population", "commune_contours", "rpps_extract"):
        monkeypatch.setenv(f"OBSERVATORY_URL_{name.upper()}", addresses.get(name, "http://127.0.0.1:9/unreachable"))
    return settings


def test_an_upper_case_member_is_found_again_without_downloading(tmp_path, publisher, monkeypatch):
    base, routes = publisher
    routes["/insee"] = (_zip({"base-cc-evol-struct-pop-2021.CSV": b"CODGEO;P21_POP\n41018;45000\n",
                              "meta_base-cc-evol-struct-pop-2021.CSV": b"notes\n"}), None, 0)
    settings = _territory(tmp_path, monkeypatch, "41", {"PS_LibreAcces_Personne_activite.txt": "x\n",
                                                        "communes-41.geojson": EMPTY_GEOJSON},
                          population=f"{base}/insee")
    raw = settings.raw_dir
    origins = ensure_raw_files(settings)
    assert origins["population"].names == "base-cc-evol-struct-pop-2021.CSV"
    assert locate(raw, SOURCES_BY_NAME["population"]) == raw / "base-cc-evol-struct-pop-2021.CSV"
    ensure_raw_files(settings)
    assert Publisher.requests.count("/insee") == 1


def test_a_pattern_source_is_saved_under_a_real_name(tmp_path, publisher):
    base, routes = publisher
    routes["/mvt"] = (b"MOD,DATE_EFF\n", None, 0)
    path = download(SOURCES_BY_NAME["commune_history"], f"{base}/mvt", tmp_path)
    assert path.name == "v_mvt_commune.csv" and "*" not in path.name
    assert locate(tmp_path, SOURCES_BY_NAME["commune_history"]) == path


def test_contours_are_downloaded_for_every_departement(tmp_path, publisher, monkeypatch):
    base, routes = publisher
    for code in ("2A", "2B"):
        routes[f"/departements/{code}/communes"] = (EMPTY_GEOJSON.encode(), None, 0)
    settings = _territory(tmp_path, monkeypatch, "2A,2B", {"PS_LibreAcces_Personne_activite.txt": "x\n",
                                                           "communes_2A_2B_population.csv": "insee_com;population_2022\n"},
                          commune_contours=f"{base}/departements/{{dep}}/communes")
    origins = ensure_raw_files(settings)
    assert [path.name for path in origins["commune_contours"].paths] == [
        "communes-2A.geojson", "communes-2B.geojson"]
    assert sorted(Publisher.requests) == ["/departements/2A/communes", "/departements/2B/communes"]


def insee_epci_workbook(rows: list[tuple]) -> bytes:
    """An XLSX laid out as INSEE's: title rows, the header on row 6, then one row per commune."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "EPCI"
    sheet = book.create_sheet("Composition_communale")
    sheet["A1"] = "Composition communale des EPCI au 1er janvier 2026"
    sheet["A3"] = "Source : Insee, BANATIC"
    for column, name in enumerate(("CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG"), start=1):
        sheet.cell(row=6, column=column, value=name)
    for number, row in enumerate(rows, start=7):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def finess_plus_json(establishments: list[dict], generated: str = "2026-11-20T03:12:44.615611300Z") -> bytes:
    """A FINESS+ « structures » file as the ANS publishes it (schema v1, Jackson's pretty
    printing, groups before the legal entities): one legal entity per establishment given as
    ``dict(finess, name, category, commune, lat, lon, state, closed)``; ``lat=None`` leaves the
    address without coordinates."""
    import json

    entities = []
    for number, ege in enumerate(establishments, start=1):
        address = {"usageAdresse": "03", "numeroVoie": "2", "typeVoie": "R", "libelleVoie": "DE LA MAIRIE",
                   "cogCommune": ege["commune"], "ligneAcheminement": "COMMUNE", "codePostal": ege["commune"][:2] + "000"}
        if ege.get("lat") is not None:
            address["coordonneesGeographique"] = {"coordonneeX": "6589480.53", "coordonneeY": "941342.52",
                                                  "directionLatitude": str(ege["lat"]),
                                                  "directionLongitude": str(ege["lon"]),
                                                  "cleInInteropBAN": ege["commune"] + "_0515_00002", "scoreBAN": "0.97"}
        general = {"egeId": str(number), "dateOuverture": "2019-09-01", "datePremiereAutorisation": "2019-09-01",
                   "nomEgeCourt": ege["name"][:24], "nomEgeLong": ege["name"] + "   ", "numFinessEge": ege["finess"],
                   "espic": ["0"]}
        if ege.get("closed"):
            general["dateFermeture"] = ege["closed"]
        entities.append({
            "informationsGeneralesPMEJ": {"pmSmsseId": str(number), "codeApe": "86.21Z", "dateCreation": "2019-01-01",
                                          "denominationLonguePmSmsse": "SISA " + ege["name"],
                                          "denominationPm": "SISA", "numFinessPm": ege["finess"][:2] + "0000000",
                                          "statutJuridique": "73", "typePersonneMorale": "01"},
            "adresse": [{**address, "usageAdresse": "02"}],
            "contact": [{"typeContact": {"roleContact": "01"}, "telecom": {"telephone": "0254000000"}}],
            "engagement": [], "evenement": [],
            "ege": [{"informationsGeneralesEGE": general, "categorieentiteGeographiqueExercice": ege["category"],
                     "modefixationtarifaire": "99", "typeBudget": ["01"], "adresse": [address], "contact": [],
                     "engagement": [], "evenement": [], "roleEge": [], "etatObjet": ege.get("state", "A"),
                     "dateDerniereMaj": "2025-10-21 19:19:05"}],
            "etatObjet": ege.get("state", "A"), "dateDerniereMaj": "2025-10-21 19:19:05"})
    document = {"schemaVersion": "v1.0.0", "generatedAt": generated,
                "gcc": [{"gccId": "1", "nomGcc": "41 Loir-et-Cher", "typeGcc": "001", "gccIdentifiantExterne": "27103",
                         "engagement": [], "evenement": [], "pmejDuGcc": [], "egeDuGcc": [], "etatObjet": "A",
                         "dateDerniereMaj": "2025-10-21 19:19:05"}],
                "gco": [{"pmSmsseId": "403", "typeGco": "003", "pmejDuGco": [], "egeDuGco": []}],
                "pmej": entities}
    return json.dumps(document, ensure_ascii=False, indent=2).replace('": ', '" : ').encode("utf-8")


def _square(west: float, south: float, east: float, north: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def _features(*features: tuple[dict, dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": geometry} for properties, geometry in features]}
    ).encode()


# Loir-et-Cher's Blois, and départements drawn as boxes: the Loiret (45) and the Sarthe (72)
# lie within the ring's 87 km of Blois, Corse-du-Sud (2A) does not.
BLOIS = ({"code": "41018", "nom": "Blois"}, _square(1.30, 47.56, 1.36, 47.62))
DEPARTEMENTS = _features(({"code": "41", "nom": "Loir-et-Cher"}, _square(0.6, 47.2, 2.2, 48.1)),
                         ({"code": "45", "nom": "Loiret"}, _square(2.2, 47.5, 3.1, 48.3)),
                         ({"code": "72", "nom": "Sarthe"}, _square(-0.4, 47.6, 0.6, 48.5)),
                         ({"code": "2A", "nom": "Corse-du-Sud"}, _square(8.5, 41.3, 9.6, 42.4)))


def _publisher_payloads() -> dict[str, tuple[str, dict[str, bytes]]]:
    """Per downloadable source: the address (``{dep}``, ``{region}`` for a source published
    in parts) and the bodies the publisher serves, by path, in its layout."""
    import openpyxl

    from observatory.sources.rpps import HEADER

    register = ("|".join(HEADER) + "|\n" + "|".join(["8", "10100000001"] + [""] * (len(HEADER) - 2)) + "|\n")
    base_cc = "CODGEO;P22_POP;P22_POP0014;P22_POP1529;P22_POP3044;P22_POP4559;P22_POP6074;P22_POP75P\n" \
              "41018;100;10;20;20;20;20;10\n"
    book = openpyxl.Workbook()
    book.active.title = "APL 2024"
    buffer = io.BytesIO()
    book.save(buffer)
    payloads = {
        "rpps_extract": ("/api/1/datasets/r/fffda7e9", register.encode("utf-8-sig")),
        "population": ("/fichier/8581696/base-cc-evol-struct-pop-2022_csv.zip", _zip({
            "base-cc-evol-struct-pop-2022.CSV": base_cc.encode("latin-1"),
            "meta_base-cc-evol-struct-pop-2022.CSV": b"COD_VAR;LIB_VAR\n"})),
        "population_by_age": ("/fichier/8202264/TD_POP1B_2021_csv.zip", _zip({
            "TD_POP1B_2021.csv": b"NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB\nCOM;41018;Blois;1;30;12.5\n"})),
        "commune_history": ("/fichier/8740222/v_mvt_commune_2026.csv",
                            b"MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,TYPECOM_AP,COM_AP,"
                            b"TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP\n"),
        "care_structures": ("/api/1/datasets/r/cd493959", finess_plus_json([
            {"finess": "410010557", "name": "MSP DE MONTOIRE", "category": "603", "commune": "41149",
             "lat": 47.7523, "lon": 0.8651}])),
        "official_apl": ("/attachments/indicateur_d_apl_aux_medecins_generalistes_xlsx", buffer.getvalue()),
        "epci_membership": ("/fichier/2510634/epci_au_01-01-2026.zip", _zip({"EPCI_au_01-01-2026.xlsx": insee_epci_workbook(
            [("41018", "Blois", "244100582", "CA de Blois « Agglopolys »", "41", "24")])})),
        "gp_benchmark": ("/demographie-effectifs-et-les-densites/exports/csv",
                         "annee;profession_sante;region;libelle_region;departement;libelle_departement;classe_age;"
                         "libelle_classe_age;libelle_sexe;effectif;densite\n2024;Ensemble des médecins "
                         "généralistes;24;Centre-Val de Loire;41;Loir-et-Cher;tout_age;Tout âge;tout sexe;211;64,4\n"
                         .encode("utf-8")),
        "departement_contours": ("/contours-administratifs/2025/geojson/departements-1000m.geojson", DEPARTEMENTS),
        "national_communes": ("/communes", json.dumps([{"nom": "Blois", "code": "41018", "codeDepartement": "41",
                                                         "population": 47219}]).encode()),
    }
    served = {name: (path, {path: body}) for name, (path, body) in payloads.items()}
    served["commune_contours"] = ("/departements/{dep}/communes", {"/departements/41/communes": _features(BLOIS)})
    served["neighbour_contours"] = ("/departements/{dep}/communes", {
        f"/departements/{code}/communes": _features(({"code": f"{code}001", "nom": "Bourg"}, _square(*box)))
        for code, box in (("45", (2.3, 47.6, 2.35, 47.65)), ("72", (0.3, 47.9, 0.35, 47.95)))})
    served["osm_extract"] = ("/europe/france/{region}-latest.osm.pbf", {
        f"/europe/france/{region}-latest.osm.pbf": b"an extract" for region in ("centre", "pays-de-la-loire")})
    return served


def test_every_downloadable_source_is_fetched_once_and_found_again(tmp_path, publisher, monkeypatch):
    from observatory.sources.care_structures import read_care_structures
    from observatory.sources.catalog import SOURCES
    from observatory.sources.epci import read_epci_membership
    from observatory.sources.gp_benchmark import read_gp_benchmark
    from observatory.sources.national_communes import read_national_populations
    from observatory.sources.population import read_population

    base, routes = publisher
    payloads = _publisher_payloads()
    downloadable = {source.name for source in SOURCES if source.url}
    assert downloadable == set(payloads)  # every address in the catalogue is exercised here
    for name, (address, bodies) in payloads.items():
        routes.update({path: (body, None, 0) for path, body in bodies.items()})
        monkeypatch.setenv(f"OBSERVATORY_URL_{name.upper()}", base + address)
    settings = Settings(data_dir=tmp_path, territory="41")
    origins = ensure_raw_files(settings)
    assert {name: origins[name].present for name in payloads} == {name: True for name in payloads}
    files = {name: origins[name].names for name in payloads}
    assert files == {
        "rpps_extract": "PS_LibreAcces_Personne_activite.txt", "population": "base-cc-evol-struct-pop-2022.CSV",
        "population_by_age": "TD_POP1B_2021.csv", "commune_contours": "communes-41.geojson",
        "commune_history": "v_mvt_commune_2026.csv", "care_structures": "finess-structures.json",
        "official_apl": "indicateur_apl_medecins_generalistes.xlsx", "epci_membership": "EPCI_au_01-01-2026.xlsx",
        "gp_benchmark": "ameli_demographie_ps_liberaux_departement.csv",
        "departement_contours": "departements-1000m.geojson", "national_communes": "communes.json",
        "neighbour_contours": "communes-45.geojson, communes-72.geojson",  # not Corse-du-Sud: beyond the ring
        "osm_extract": "centre-latest.osm.pbf, pays-de-la-loire-latest.osm.pbf"}
    assert origins["commune_history"].vintage == ""  # no Last-Modified here: the name's year is read on
    assert sorted(Publisher.requests) == sorted(path for _, bodies in payloads.values() for path in bodies)
    requests = len(Publisher.requests)
    again = ensure_raw_files(settings)
    assert len(Publisher.requests) == requests  # found again, whatever the case of their names
    assert {name: again[name].names for name in payloads} == files
    raw = settings.raw_dir
    assert read_population(raw / files["population"], ("41",)).table["population"].tolist() == [100.0]
    assert read_gp_benchmark(raw / files["gp_benchmark"], ("41",)).table["headcount"].tolist() == [211]  # « ; »
    assert read_national_populations(raw / "reference" / "communes.json").values.tolist() == [["41018", 47219.0]]
    structures = read_care_structures(raw / files["care_structures"], ("41",)).table
    assert structures[["finess_id", "kind", "commune_code", "lat"]].values.tolist() == [
        ["410010557", "maison_de_sante", "41149", 47.7523]]
    epcis = read_epci_membership(raw / files["epci_membership"], ("41",)).table
    assert epcis[["commune_code", "epci_code", "line"]].values.tolist() == [["41018", "244100582", 7]]


def test_sources_check_says_what_answers_and_what_is_newer(tmp_path, publisher, monkeypatch, capsys):
    from pipelines.cli import main

    base, routes = publisher
    routes["/mvt"] = (b"", None, 0)
    raw = tmp_path / "raw" / "41"
    raw.mkdir(parents=True)
    (raw / "v_mvt_commune_2024.csv").write_text("MOD\n")
    for source in ("rpps_extract", "population", "population_by_age", "commune_contours", "care_structures",
                   "official_apl", "gp_benchmark", "epci_membership"):
        monkeypatch.setenv(f"OBSERVATORY_URL_{source.upper()}", "http://127.0.0.1:9/unreachable")
    monkeypatch.setenv("OBSERVATORY_URL_COMMUNE_HISTORY", f"{base}/mvt")
    assert main(["--territory", "41", "--data-dir", str(tmp_path), "sources", "--check"]) == 0
    out = capsys.readouterr().out
    history = next(line for line in out.splitlines() if line.startswith("commune_history"))
    assert "v_mvt_commune_2024.csv" in history and "vintage 2024" in history
    assert "answers (published 2024-07-01, NEWER than the file here)" in history
    assert "unreachable" in next(line for line in out.splitlines() if line.startswith("rpps_extract"))
    assert "(none: placed by hand)" in next(line for line in out.splitlines() if line.startswith("gp_roster"))
