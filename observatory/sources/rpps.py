"""Reader of the RPPS open extract (Annuaire Santé, ``PS_LibreAcces_Personne_activite``).

One line per activity of a health professional, pipe-separated with a trailing pipe,
UTF-8 (older copies latin-1). Names are dropped here: the staged table keeps the public
professional identifier and the activity, never the person's name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .commune_history import modernise
from .delimited import read_delimited
from .geography import commune_of_arrondissement, departement_codes, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "rpps_activities"

# The real header, in order (the file ends every line with one more '|').
HEADER = (
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité",
    "Libellé civilité", "Nom d'exercice", "Prénom d'exercice", "Code profession",
    "Libellé profession", "Code catégorie professionnelle",
    "Libellé catégorie professionnelle", "Code type savoir-faire",
    "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site",
    "Numéro SIREN site", "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)", "Code commune (coord. structure)",
    "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens",
)

COLUMNS = {
    "id_type": "Type d'identifiant PP",
    "rpps_id": "Identifiant PP",
    "profession_code": "Code profession",
    "profession_label": "Libellé profession",
    "savoir_faire_type": "Code type savoir-faire",
    "savoir_faire_code": "Code savoir-faire",
    "savoir_faire_label": "Libellé savoir-faire",
    "mode_code": "Code mode exercice",
    "mode_label": "Libellé mode exercice",
    "siret": "Numéro SIRET site",
    "finess_site": "Numéro FINESS site",
    "structure_id": "Identifiant technique de la structure",
    "postcode": "Code postal (coord. structure)",
    "commune_code": "Code commune (coord. structure)",
    "sector_code": "Code secteur d'activité",
    "sector_label": "Libellé secteur d'activité",
}

# Read where the extract has it: the Ordre des pharmaciens' section tells an officine's pharmacist.
OPTIONAL_COLUMNS = {"pharmacy_section_label": "Libellé section tableau pharmaciens"}
# Codes and labels from the register's vocabularies: a few dozen values over millions of lines.
VOCABULARY_COLUMNS = ("id_type", "profession_code", "profession_label", "savoir_faire_type", "savoir_faire_code",
                      "savoir_faire_label", "mode_code", "mode_label", "sector_code", "sector_label",
                      *OPTIONAL_COLUMNS)

# Two lines describe the same activity when all of these agree.
ACTIVITY_KEY = [
    "rpps_id", "profession_code", "savoir_faire_code", "mode_code", "structure_id",
    "siret", "commune_code",
]


def _mapped(positions: np.ndarray, codes: pd.Series, communes: pd.Series, current: pd.Series) -> dict:
    """How many lines had an arrondissement's code (``communes``: each distinct code's commune),
    and how many a former commune's (``current``: its current commune)."""
    lines = np.bincount(positions, minlength=len(codes))
    return {"former_codes_mapped": int(lines[(current != communes).to_numpy(dtype=bool, na_value=False)].sum()),
            "arrondissements_mapped": int(lines[(communes != codes).to_numpy(dtype=bool, na_value=False)].sum())}


def read_rpps_extract(
    path: Path, departements: tuple[str, ...], known_communes: set[str] | None = None,
    history: dict[str, str] | None = None,
) -> StagedTable:
    """Activities located in ``departements``, one row per activity line.

    Lines located elsewhere or nowhere (no commune: e.g. not practising) are out of
    scope. Codes of former communes are replaced by current ones through ``history``, and
    the arrondissements of Paris, Lyon and Marseille by their commune (the original stays in
    ``commune_code_source``, a detail kept in staging). In scope, a line is quarantined when
    its identifier is empty, its commune code is malformed or unknown to
    ``known_communes`` even after that mapping, or it repeats an earlier activity.
    """
    path = Path(path)
    wanted = pa.array(departements, pa.string())
    read = read_delimited(path, dataset=DATASET, delimiter="|", columns=COLUMNS, optional=OPTIONAL_COLUMNS,
                          encoded=VOCABULARY_COLUMNS,
                          keep=lambda rows: pc.is_in(departement_codes(rows["commune_code"]), value_set=wanted))
    frame = read.frame
    out_of_scope = read.rows_read - len(read.rejects) - len(frame)
    positions, codes = pd.factorize(frame["commune_code"])  # a few thousand codes over millions of lines
    codes = pd.Series(codes, dtype="string")
    communes = commune_of_arrondissement(codes)
    current = modernise(communes, history or {})
    frame = frame.assign(commune_code_source=frame["commune_code"],
                         commune_code=pd.Series(current.array.take(positions), index=frame.index))

    checks = RowChecks(DATASET, path.name, frame)
    commune = "Code commune (coord. structure)"
    checks.reject(frame["rpps_id"].eq(""), "Identifiant PP", "empty professional identifier")
    checks.reject(
        pd.Series(~is_commune_code(current).to_numpy()[positions], index=frame.index),
        commune,
        lambda rows: "malformed commune code '" + rows["commune_code"] + "'",
    )
    if known_communes is not None:
        checks.reject(
            pd.Series(~current.isin(known_communes).to_numpy()[positions], index=frame.index),
            commune,
            lambda rows: "commune code '" + rows["commune_code"] + "' unknown to the commune reference and its history",
        )
    checks.reject_duplicates(ACTIVITY_KEY, "Identifiant PP", "activity")
    return StagedTable(
        table=checks.accepted(),
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=out_of_scope,
        stats={"encoding": read.encoding, **_mapped(positions, codes, communes, current)},
    )
