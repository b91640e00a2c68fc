"""The raw files of a territory and the origin record kept beside each of them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

RAW_FILES = {
    "rpps_extract": "PS_LibreAcces_Personne_activite.txt",
    "gp_roster": "repertoire_medecins_departement.csv",
    "population": "base-cc-evol-struct-pop.csv",
    "commune_contours": "communes.geojson",
    "epci_membership": "epci_composition.csv",
    "care_structures": "etalab-cs1100507-stock.csv",
    "agency_cases": "agence_dossiers.csv",
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def origin_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".origin.json")


def write_origin(path: Path, *, producer: str, url: str, licence: str, vintage: str, synthetic: bool) -> dict:
    """Record where a raw file came from (producer, URL, licence, vintage, checksum)."""
    record = {
        "file": Path(path).name,
        "producer": producer,
        "url": url,
        "licence": licence,
        "vintage": vintage,
        "synthetic": synthetic,
        "accessed": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sha256": sha256_of(path),
        "bytes": Path(path).stat().st_size,
    }
    origin_path(path).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record


def read_origin(path: Path) -> dict:
    """The origin record of a raw file; a file dropped in by hand gets a minimal one."""
    record_path = origin_path(path)
    if record_path.exists():
        return json.loads(record_path.read_text(encoding="utf-8"))
    return {"file": Path(path).name, "producer": "unknown (file placed by hand)", "sha256": sha256_of(path)}
