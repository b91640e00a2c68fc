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
from .sources.catalog import (DEMO_SOURCES, SOURCES, SOURCES_BY_NAME, Origin, RawSource, locate, locate_all,
                              read_origin)
from .sources.download import download
from .sources.errors import SourceFormatError
from .sources.osm_regions import geofabrik_regions


def source_url(source: RawSource, part: str) -> str:
    """The publisher's address (for one part where it has ``{dep}`` or ``{region}``);
    ``OBSERVATORY_URL_<NAME>`` overrides it."""
    override = os.environ.get(f"OBSERVATORY_URL_{source.name.upper()}")
    return (override or source.url).replace("{dep}", part).replace("{region}", part)


def neighbouring_departements(settings: Settings, origins: dict[str, Origin]) -> tuple[list[str], str]:
    """The départements whose communes the border ring may draw from (within its distance of
    the territory's contours, at the DREES's reach), from the contours at hand; or, when
    they are not, no code and why."""
    if not all(name in origins and origins[name].present for name in ("commune_contours", "departement_contours")):
        return [], "the départements around the territory are found from its contours and the départements' contours"
    territory = read_contour_files(origins["commune_contours"].paths, settings.departements).table
    departements = read_departement_contours(origins["departement_contours"].path)
    return departements_around(territory, departements, apl_settings(settings).max_minutes), ""


def _parts(source: RawSource, settings: Settings, origins: dict[str, Origin]) -> tuple[list[str], str]:
    """What a source published in parts is fetched for, and why nothing when nothing."""
    if source.per in {"neighbour", "region"}:
        neighbours, problem = neighbouring_departements(settings, origins)
        if source.per == "neighbour":
            return neighbours, problem
        return geofabrik_regions((*settings.departements, *neighbours)), ""
    return list(settings.departements), ""


def _fetch(source: RawSource, settings: Settings, origins: dict[str, Origin]) -> tuple[list[Path], str]:
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


def ensure_raw_files(settings: Settings) -> dict[str, Origin]:
    """The origin of each source in the territory's raw folder.

    A file already there is used as it is, never fetched again. Otherwise the demo
    territory is generated, or the file is downloaded from its publisher when downloads
    are allowed. A missing required file is an error naming the path to fill; a missing
    optional one is recorded as absent, with why when a download failed.
    """
    raw_dir = settings.raw_dir
    if settings.is_demo and any(locate(raw_dir, SOURCES_BY_NAME[name]) is None for name in DEMO_SOURCES):
        generate_demo_territory(raw_dir, DemoSpec(reference_date=settings.reference_date))
    origins: dict[str, Origin] = {}
    for source in SOURCES:
        paths = files_in(raw_dir, source)
        problem = ""
        if not paths and not settings.is_demo and settings.allow_download and source.url:
            paths, problem = _fetch(source, settings, origins)
        if not paths and source.required:
            raise SourceFormatError(raw_dir / source.filename, None, None,
                                    problem or f"required file missing for territory {settings.territory} "
                                               f"(looked for {', '.join(source.patterns)})")
        origins[source.name] = origin_of(source, paths, problem)
    return origins


def origin_of(source: RawSource, paths: list[Path], problem: str = "") -> Origin:
    """A source's origin from its files' records: its producer as they say (the demo's
    files say they are synthetic), the catalogue's when there is no file."""
    files = tuple(read_origin(path, source) for path in paths)
    producer = ", ".join(dict.fromkeys(file.producer for file in files)) or source.producer
    return Origin(source=source.name, producer=producer, files=files, problem=problem)


def files_in(raw_dir: Path, source: RawSource) -> list[Path]:
    """The files of ``source`` the observatory reads from ``raw_dir``: every one for dated
    snapshots or a source published in parts, else the newest vintage only."""
    paths = locate_all(raw_dir, source)
    return paths if source.per or source.multiple else paths[-1:]


def present_origins(settings: Settings) -> dict[str, Origin]:
    """The origin of each source from the files already there: nothing fetched or generated."""
    return {source.name: origin_of(source, files_in(settings.raw_dir, source)) for source in SOURCES}


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
