"""Making sure a territory's raw files are in ``data/raw/<territory>/``."""

from __future__ import annotations

from pathlib import Path

from .demo import DemoSpec, generate_demo_territory
from .settings import Settings
from .sources.catalog import RAW_FILES, read_origin
from .sources.errors import SourceFormatError


def ensure_raw_files(settings: Settings) -> dict[str, dict]:
    """Origin record (with ``path``) of each raw file, generating the demo territory if needed.

    Files already present are used as they are, never fetched again. For a real
    territory a missing file is an error that names it.
    """
    paths = {name: settings.raw_dir / filename for name, filename in RAW_FILES.items()}
    missing = [path for path in paths.values() if not path.exists()]
    if missing and settings.is_demo:
        generate_demo_territory(settings.raw_dir, DemoSpec(reference_date=settings.reference_date))
    elif missing:
        raise SourceFormatError(
            missing[0], None, None,
            f"raw file missing for territory {settings.territory}: place the publisher's file there",
        )
    return {name: {**read_origin(path), "path": str(path)} for name, path in paths.items()}


def raw_path(origin: dict) -> Path:
    return Path(origin["path"])
