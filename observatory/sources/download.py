"""Fetching a raw file from its publisher, once: cached in data/raw/, checksummed, dated.

A publisher's server is trusted for its content, not for its behaviour: the body must be
as long as announced, arrive before a deadline, unpack to a bounded size, and land under
a name of the source it was fetched for, never over another file.
"""

from __future__ import annotations

import http.client
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

from .catalog import RawSource, write_origin
from .errors import SourceFormatError

DEADLINE_SECONDS = 30 * 60  # the whole download, however slowly the server sends
MAX_UNPACKED_BYTES = 8 << 30  # the national RPPS extract unpacks to about 1 GB
CHUNK = 1 << 20


def _receive(response, handle, deadline: float, url: str, target: Path) -> int:
    """Copy the body to ``handle`` by whatever each read brings (``read1``), so that a
    server trickling bytes meets the deadline; return the bytes received."""
    received = 0
    while True:
        if time.monotonic() > deadline:
            raise SourceFormatError(target, None, None, f"download from {url} did not finish before its deadline")
        block = response.read1(CHUNK)
        if not block:
            return received
        handle.write(block)
        received += len(block)


def _member(archive: zipfile.ZipFile, source: RawSource, url: str, target: Path) -> zipfile.ZipInfo:
    """The archive member this source wants: a plain file name of the source's own (its
    ``archive_member`` pattern when it has one), never a path, ``..`` or another source's name."""
    pattern = RawSource(source.name, (source.archive_member,), False, "") if source.archive_member else source
    for info in archive.infolist():
        name = PurePosixPath(info.filename).name
        if info.is_dir() or name in {"", ".", ".."}:
            continue
        if pattern.matches(name) and source.matches(name):
            return info
    raise SourceFormatError(target, None, source.archive_member or None,
                            f"the archive from {url} holds no file named like {source.name} "
                            f"({', '.join(source.patterns)})")


def _unpack(archive_path: Path, source: RawSource, url: str, raw_dir: Path, max_bytes: int) -> tuple[Path, Path]:
    """Unpack the source's member beside the archive; return (unpacked file, its final name)."""
    with zipfile.ZipFile(archive_path) as archive:
        info = _member(archive, source, url, raw_dir / source.filename)
        target = raw_dir / PurePosixPath(info.filename).name
        if info.file_size > max_bytes:
            raise SourceFormatError(target, None, None, f"the archive from {url} unpacks to {info.file_size} bytes, "
                                                        f"over the {max_bytes} allowed")
        unpacked = archive_path.with_suffix(".member")
        written = 0
        with archive.open(info) as member, open(unpacked, "wb") as out:
            for block in iter(lambda: member.read(CHUNK), b""):
                written += len(block)
                if written > max_bytes:  # the declared size can lie
                    raise SourceFormatError(target, None, None, f"the archive from {url} unpacks to more than "
                                                                f"the {max_bytes} bytes allowed")
                out.write(block)
    return unpacked, target


def download(source: RawSource, url: str, raw_dir: Path, timeout: float = 120, *, name: str = "",
             deadline: float = DEADLINE_SECONDS, max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> Path:
    """Download ``url`` into ``raw_dir`` under the publisher's file name and record its origin.

    The body is written aside (a hidden ``.download-*`` file, removed whatever happens)
    and renamed into place only when complete: as long as ``Content-Length`` says, within
    ``deadline`` seconds. A ZIP archive is unpacked to its member of this source, within
    ``max_unpacked_bytes``. An existing file is never replaced. A plain (not zipped) body
    is saved as ``name``, else under the address's own file name when it is one of the
    source's (``v_mvt_commune_2026.csv``: its vintage stays in the name), else under the
    source's file name. The vintage is the server's ``Last-Modified`` date when it sends one.
    """
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    published = PurePosixPath(urllib.parse.urlparse(url).path).name
    target = raw_dir / (name or (published if source.matches(published) else source.filename))
    leftovers: list[Path] = []
    try:
        with tempfile.NamedTemporaryFile(dir=raw_dir, prefix=".download-", delete=False) as handle:
            partial = Path(handle.name)
            leftovers += [partial, partial.with_suffix(".member")]
            with urllib.request.urlopen(url, timeout=min(timeout, deadline)) as response:
                received = _receive(response, handle, time.monotonic() + deadline, url, target)
                announced = response.headers.get("Content-Length")
                modified = response.headers.get("Last-Modified")
        if announced is not None and received != int(announced):
            raise SourceFormatError(target, None, None, f"download from {url} was cut short: {received} of "
                                                        f"{announced} bytes")
        if zipfile.is_zipfile(partial) and not source.filename.lower().endswith(".xlsx"):  # an XLSX is a ZIP too
            partial, target = _unpack(partial, source, url, raw_dir, max_unpacked_bytes)
        if target.exists():
            raise SourceFormatError(target, None, None, f"a download for {source.name} would replace this file: "
                                                        "kept as it is")
        target.parent.mkdir(parents=True, exist_ok=True)  # a source kept in a subfolder (neighbours/, reference/)
        partial.rename(target)
    except (OSError, http.client.HTTPException, zipfile.BadZipFile) as error:
        raise SourceFormatError(target, None, None,
                                f"could not download {source.name} from {url} ({error}); "
                                f"place the publisher's file at this path instead") from error
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
    vintage = parsedate_to_datetime(modified).date().isoformat() if modified else ""
    write_origin(target, producer=source.producer, url=url, licence=source.licence, vintage=vintage, synthetic=False)
    return target

