"""Making sure a territory's raw files are in ``data/raw/<territory>/``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .accessibility.border_ring import departements_around
from .accessibility.providers import apl_settings
from .demo import DemoSpec, generate_demo_territory
from .settings import Settings
from .sources.communes import read_contour_files, read_departement_contours
from .sources.catalog import DEMO_SOURCES, SOURCES, SOURCES_BY_NAME, RawSource, locate, locate_all, read_origin
from .sources.download import download
from .sources.errors import SourceFormatError
from .sources.osm_regions import geofabrik_regions


def source_url(source: RawSource, part: str) -> str:
    """The publisher's address (for one part where it has ``{dep}`` or ``{region}``);
    ``OBSERVATORY_URL_<NAME>`` overrides it."""
    override = os.environ.get(f"OBSERVATORY_URL_{source.name.upper()}")
    return (override or source.url).replace("{dep}", part).replace("{region}", part)


def neighbouring_departements(settings: Settings, origins: dict[str, dict]) -> tuple[list[str], str]:
    """The départements whose communes the border ring may draw from (within its distance of
    the territory's contours, at the DREES's reach), from the contours at hand; or, when
    they are not, no code and why."""
    if not (origins.get("commune_contours", {}).get("present") and origins.get("departement_contours", {}).get("present")):
        return [], "the départements around the territory are found from its contours and the départements' contours"
    territory = read_contour_files(raw_paths(origins["commune_contours"]), settings.departements).table
    departements = read_departement_contours(raw_path(origins["departement_contours"]))
    return departements_around(territory, departements, apl_settings(settings).max_minutes), ""


def _parts(source: RawSource, settings: Settings, origins: dict[str, dict]) -> tuple[list[str], str]:
    """What a source published in parts is fetched for, and why nothing when nothing."""
    if source.per in {"neighbour", "region"}:
        neighbours, problem = neighbouring_departements(settings, origins)
        if source.per == "neighbour":
            return neighbours, problem
        return geofabrik_regions((*settings.departements, *neighbours)), ""
    return list(settings.departements), ""


def _fetch(source: RawSource, settings: Settings, origins: dict[str, dict]) -> tuple[list[Path], str]:
    """Download a missing source: once, or once per part for a source published in parts
    (each under its own name). Returns the files and, on failure, why."""
    raw_dir = settings.raw_dir
    parts, problem = _parts(source, settings, origins) if source.per else ([settings.departements[0]], "")
    try:
        if source.per in {"departement", "neighbour"}:
            stem, suffix = source.filename.rsplit(".", 1)
            return [download(source, source_url(source, part), raw_dir, name=f"{stem}-{part}.{suffix}")
                    for part in parts], problem
        return [download(source, source_url(source, part), raw_dir) for part in parts], problem
    except SourceFormatError as error:
        return [], str(error)


def ensure_raw_files(settings: Settings) -> dict[str, dict]:
    """Origin record of each source: ``present``, and ``path`` when present.

    A file already in the territory's raw folder is used as it is, never fetched again.
    Otherwise the demo territory is generated, or the file is downloaded from its
    publisher when downloads are allowed. A missing required file is an error naming
    the path to fill; a missing optional one is recorded as absent.
    """
    raw_dir = settings.raw_dir
    if settings.is_demo and any(locate(raw_dir, SOURCES_BY_NAME[name]) is None for name in DEMO_SOURCES):
        generate_demo_territory(raw_dir, DemoSpec(reference_date=settings.reference_date))
    origins: dict[str, dict] = {}
    for source in SOURCES:
        if source.multiple:
            files = [{**read_origin(path, source), "path": str(path)} for path in locate_all(raw_dir, source)]
            origins[source.name] = {"present": bool(files), "file": "", "producer": source.producer, "files": files}
            continue
        paths = locate_all(raw_dir, source)
        paths = paths if source.per else paths[-1:]  # else the newest vintage only
        problem = ""
        if not paths and not settings.is_demo and settings.allow_download and source.url:
            paths, problem = _fetch(source, settings, origins)
        if not paths and source.required:
            raise SourceFormatError(raw_dir / source.filename, None, None,
                                    problem or f"required file missing for territory {settings.territory} "
                                               f"(looked for {', '.join(source.patterns)})")
        if not paths:
            origins[source.name] = {"present": False, "file": "", "producer": source.producer, "problem": problem}
        else:
            records = [read_origin(path, source) for path in paths]
            origins[source.name] = {**records[0], "present": True, "path": str(paths[0]),
                                    "paths": [str(path) for path in paths],
                                    "file": ", ".join(record["file"] for record in records),
                                    "vintage": ", ".join(sorted({str(record["vintage"]) for record in records}))}
    return origins


def raw_fingerprint(raw_dir: Path) -> tuple[str, list[str]]:
    """A digest of the raw folder's files (name, size, modification time), and their
    names: it changes when a file lands, is replaced or removed. Origin records and
    partial downloads are left out: they are not data."""
    entries = []
    for path in sorted(Path(raw_dir).rglob("*")):
        if path.is_file() and not path.name.endswith(".origin.json") and not path.name.startswith("."):
            stat = path.stat()
            entries.append(f"{path.relative_to(raw_dir)}|{stat.st_size}|{stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(entries).encode()).hexdigest()[:16]
    return digest, [entry.split("|")[0] for entry in entries]


def raw_path(origin: dict) -> Path:
    return Path(origin["path"])


def raw_paths(origin: dict) -> list[Path]:
    """Every file of a source (several for a source published in parts); none when absent."""
    if not origin["present"]:
        return []
    return [Path(path) for path in origin.get("paths", [origin["path"]])]
