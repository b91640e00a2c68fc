"""Reader of INSEE population by commune and age band (``base-cc-evol-struct-pop``).

Semicolon-separated, one line per commune (``CODGEO``), columns prefixed by the census
year (``P21_POP`` = 2021). Age-band figures are estimates, so they may carry decimals.
"""

from __future__ import annotations

import re
from pathlib import Path

from .delimited import read_delimited, read_lines
from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable
from .values import parse_decimal

DATASET = "population"
AGE_BANDS = {
    "pop_0_14": "POP0014",
    "pop_15_29": "POP1529",
    "pop_30_44": "POP3044",
    "pop_45_59": "POP4559",
    "pop_60_74": "POP6074",
    "pop_75_plus": "POP75P",
}


def census_prefix(path: Path) -> str:
    """The census-year prefix of the header (``P21``), which is the data's vintage."""
    header = read_lines(path)[0][0].as_py()
    match = re.search(r"(?:^|;)(P\d{2})_POP(?:;|$)", header)
    if not match:
        raise SourceFormatError(path, 1, "Pyy_POP", "no total-population column like P21_POP")
    return match.group(1)


def read_population(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Population and age bands per commune of ``departements``.

    Quarantined: malformed commune codes, missing or negative figures, bands that do not
    add up to the total (beyond rounding), repeated communes.
    """
    path = Path(path)
    prefix = census_prefix(path)
    columns = {"commune_code": "CODGEO", "population": f"{prefix}_POP"}
    columns |= {ours: f"{prefix}_{theirs}" for ours, theirs in AGE_BANDS.items()}
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=columns)
    frame = read.frame
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    out_of_scope = read.rows_read - len(read.rejects) - len(frame)

    figures = {name: parse_decimal(frame[name]) for name in ["population", *AGE_BANDS]}
    frame = frame.assign(**{name: values.astype("float64") for name, values in figures.items()})
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), "CODGEO", "malformed commune code")
    for name, values in figures.items():
        checks.reject(values.isna(), columns[name], "missing or non-numeric figure")
        checks.reject(values < 0, columns[name], "negative population")
    band_sum = sum(figures[name] for name in AGE_BANDS)
    off = (band_sum - figures["population"]).abs() > 1 + 0.005 * figures["population"]
    checks.reject(off, columns["population"], "age bands do not add up to the population")
    checks.reject_duplicates(["commune_code"], "CODGEO", "commune")

    table = checks.accepted()
    table["vintage"] = 2000 + int(prefix[1:])
    return StagedTable(
        table=table,
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=out_of_scope,
        stats={"encoding": read.encoding, "census_year": 2000 + int(prefix[1:])},
    )
