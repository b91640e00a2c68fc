"""Making sure a territory's raw files are in ``data/raw/<territory>/``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .demo import DemoSpec, generate_demo_territory
from .settings import Settings
from .sources.catalog import DEMO_SOURCES, SOURCES, SOURCES_BY_NAME, RawSource, locate, locate_all, read_origin
from .sources.download import download
from .sources.errors import SourceFormatError


def source_url(source: RawSource, settings: Settings) -> str:
    """The publisher's address for this territory; ``OBSERVATORY_URL_<NAME>`` overrides it."""
    override = os.environ.get(f"OBSERVATORY_URL_{source.name.upper()}")
    return (override or source.url).replace("{dep}", settings.departements[0])


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
        path = locate(raw_dir, source)
        problem = ""
        if path is None and not settings.is_demo and settings.allow_download and source.url:
            try:
                path = download(source, source_url(source, settings), raw_dir)
            except SourceFormatError as error:
                problem = str(error)
        if path is None and source.required:
            raise SourceFormatError(raw_dir / source.filename, None, None,
                                    problem or f"required file missing for territory {settings.territory} "
                                               f"(looked for {', '.join(source.patterns)})")
        if path is None:
            origins[source.name] = {"present": False, "file": "", "producer": source.producer, "problem": problem}
        else:
            origins[source.name] = {**read_origin(path, source), "present": True, "path": str(path)}
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
