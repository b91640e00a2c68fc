"""Downloads against a stand-in publisher on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import http.server
import io
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
    (tmp_path / "etalab-cs1100507-stock.csv").write_text("mine\n")
    routes["/finess"] = (b"theirs\n", None, 0)
    with pytest.raises(SourceFormatError, match="would replace this file"):
        download(SOURCES_BY_NAME["care_structures"], f"{base}/finess", tmp_path)
    assert (tmp_path / "etalab-cs1100507-stock.csv").read_text() == "mine\n"


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
    assert origins["population"]["file"] == "base-cc-evol-struct-pop-2021.CSV"
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
    assert [path.rsplit("/", 1)[1] for path in origins["commune_contours"]["paths"]] == [
        "communes-2A.geojson", "communes-2B.geojson"]
    assert sorted(Publisher.requests) == ["/departements/2A/communes", "/departements/2B/communes"]
