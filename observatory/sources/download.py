"""Fetching a raw file from its publisher, once: cached in data/raw/, checksummed, dated."""

from __future__ import annotations

import fnmatch
import shutil
import tempfile
import urllib.request
import zipfile
from email.utils import parsedate_to_datetime
from pathlib import Path

from .catalog import RawSource, write_origin
from .errors import SourceFormatError


def download(source: RawSource, url: str, raw_dir: Path, timeout: float = 120) -> Path:
    """Download ``url`` into ``raw_dir`` under the publisher's file name and record its origin.

    The file is written aside and renamed into place only when complete, so an interrupted
    download never leaves a partial file that a later run would take as cached. A ZIP
    archive is unpacked to its member matching ``source.archive_member``. The vintage is
    the server's ``Last-Modified`` date when it sends one.
    """
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    target = raw_dir / source.filename
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, \
                tempfile.NamedTemporaryFile(dir=raw_dir, prefix=".download-", delete=False) as handle:
            shutil.copyfileobj(response, handle)
            modified = response.headers.get("Last-Modified")
            partial = Path(handle.name)
    except OSError as error:
        raise SourceFormatError(target, None, None,
                                f"could not download {source.name} from {url} ({error}); "
                                f"place the publisher's file at this path instead") from error
    try:
        if zipfile.is_zipfile(partial):
            with zipfile.ZipFile(partial) as archive:
                members = [name for name in archive.namelist()
                           if fnmatch.fnmatch(Path(name).name, source.archive_member or "*")]
                if not members:
                    raise SourceFormatError(target, None, source.archive_member,
                                            f"the archive from {url} holds no file like {source.archive_member}")
                target = raw_dir / Path(members[0]).name
                with archive.open(members[0]) as member, open(partial.with_suffix(".member"), "wb") as out:
                    shutil.copyfileobj(member, out)
            partial.unlink()
            partial = partial.with_suffix(".member")
        partial.rename(target)
    finally:
        for leftover in (partial, partial.with_suffix(".member")):
            leftover.unlink(missing_ok=True)
    vintage = parsedate_to_datetime(modified).date().isoformat() if modified else ""
    write_origin(target, producer=source.producer, url=url, licence=source.licence, vintage=vintage, synthetic=False)
    return target
