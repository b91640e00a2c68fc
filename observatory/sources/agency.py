"""Reader of the attractiveness agency's case records (its CRM export).

The export holds names, contact details and free-text notes: they are never read into
the staged table. Each case is keyed by a keyed hash of the agency's file number.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..privacy import pseudonymise
from .delimited import read_delimited
from .geography import is_commune_code
from .staged import RowChecks, StagedTable
from .values import parse_date, parse_decimal
from .vocabularies import OFFERS, OTHER, PROFESSIONS, fold, vocabulary_label

DATASET = "agency_cases"
SCHEMA = {"case_key": "string", "first_contact": "datetime64[s]", "profession": "string", "offer": "string",
          "status": "string", "accompanied_on": "datetime64[s]", "installed_on": "datetime64[s]",
          "installation_type": "string", "installation_commune_code": "string", "rpps_id": "string",
          "aid_eur": "float64", "line": "int64"}
COLUMNS = {
    "case_id": "id_dossier",
    "first_contact": "date_premier_contact",
    "profession": "profession",
    "offer": "offre",
    "status": "statut",
    "accompanied_on": "date_accompagnement",
    "installed_on": "date_installation",
    "installation_type": "type_installation",
    "installation_commune_code": "code_commune_installation",
}
OPTIONAL = {"rpps_id": "identifiant_rpps", "aid_eur": "montant_aide_eur"}
PERSONAL_COLUMNS = ("nom", "prenom", "email", "telephone", "notes")

STATUSES = {
    "contact": "contacted",
    "accompagnement": "accompanied",
    "installe": "installed",
    "abandon": "abandoned",
}
INSTALLATION_TYPES = {"durable": "durable", "remplacement": "replacement"}
FREE_TEXT = "free text not quoted: it may hold personal data"


def _normalised(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower().map(fold, na_action="ignore").astype("string")


def read_agency_cases(path: Path, key: bytes, today: date) -> StagedTable:
    """One row per case, pseudonymised, with the funnel stage it reached.

    Quarantined: empty or repeated file numbers, unreadable or future dates, unknown
    statuses, installations without a date, a type or a valid commune, installations
    dated before the first contact.
    """
    path = Path(path)
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS, optional=OPTIONAL, quoted=True)
    raw = read.frame
    frame = raw.assign(
        first_contact=parse_date(raw["first_contact"]),
        accompanied_on=parse_date(raw["accompanied_on"]),
        installed_on=parse_date(raw["installed_on"]),
        status=_normalised(raw["status"]).map(STATUSES).astype("string"),
        installation_type=_normalised(raw["installation_type"]).map(INSTALLATION_TYPES).astype("string"),
        aid_eur=parse_decimal(raw["aid_eur"]).astype("float64") if "aid_eur" in raw else float("nan"),
        profession=vocabulary_label(raw["profession"], PROFESSIONS),
        offer=vocabulary_label(raw["offer"], OFFERS),
    )
    if "rpps_id" not in frame:
        frame["rpps_id"] = pd.Series("", index=frame.index, dtype="string")

    limit = pd.Timestamp(today)
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(raw["case_id"].eq(""), "id_dossier", "empty case number")
    checks.reject(frame["first_contact"].isna(), "date_premier_contact", "missing or unreadable date")
    checks.reject(frame["status"].isna(), "statut", f"unknown status ({FREE_TEXT})")
    for column, source in (("first_contact", "date_premier_contact"), ("accompanied_on", "date_accompagnement"),
                           ("installed_on", "date_installation")):
        checks.reject(frame[column] > limit, source, "date in the future")
        checks.reject(frame[column].isna() & raw[column].ne(""), source, "unreadable date")
    reached = frame["status"].isin(["accompanied", "installed", "abandoned"])
    checks.reject(reached & frame["accompanied_on"].isna(), "date_accompagnement", "accompanied case without date")
    installed = frame["status"].eq("installed")
    checks.reject(installed & frame["installed_on"].isna(), "date_installation", "installation without date")
    checks.reject(installed & frame["installation_type"].isna(), "type_installation", "installation without a known type")
    checks.reject(
        installed & ~is_commune_code(frame["installation_commune_code"]),
        "code_commune_installation",
        "installation without a valid commune code",
    )
    checks.reject(frame["installed_on"] < frame["first_contact"], "date_installation", "installation before first contact")
    checks.reject_duplicates(["case_id"], "id_dossier", "case")

    table = checks.accepted()
    table.insert(0, "case_key", pseudonymise(table.pop("case_id"), key))
    return StagedTable(
        table=table,
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        stats={"encoding": read.encoding, "professions_as_autre": int((table["profession"] == OTHER).sum()),
               "offers_as_autre": int((table["offer"] == OTHER).sum())},
    )
