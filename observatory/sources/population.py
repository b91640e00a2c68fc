"""Readers of commune populations, in the three formats the publishers use.

- INSEE ``base-cc-evol-struct-pop`` (semicolon, ``CODGEO``, ``P21_POP`` and age bands
  ``P21_POP0014`` … ``P21_POP75P``; the prefix is the census year);
- INSEE legal populations ``donnees_communes.csv`` (``DEP``, ``CODCOM``, ``PMUN``);
- commune reference tables (comma, ``insee_com``, ``population_2021``, …).

The last two carry no age bands: the bands are then unknown (empty), never invented.
Codes of former communes are mapped to current ones and their figures summed.
"""

from __future__ import annotations

import re
from pathlib import Path


from .commune_history import modernise
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
FIGURES = ["population", *AGE_BANDS]


def _layout(path: Path) -> tuple[str, dict[str, str], int]:
    """Delimiter, columns to read and census year, from the header line."""
    header = read_lines(path)[0][0].as_py()
    base_cc = re.search(r"(?:^|;)P(\d{2})_POP(?:;|$)", header)
    if base_cc and "CODGEO" in header:
        prefix = f"P{base_cc.group(1)}"
        columns = {"commune_code": "CODGEO", "population": f"{prefix}_POP"}
        return ";", columns | {ours: f"{prefix}_{theirs}" for ours, theirs in AGE_BANDS.items()}, 2000 + int(base_cc.group(1))
    if {"DEP", "CODCOM", "PMUN"} <= set(header.split(";")):
        return ";", {"departement": "DEP", "commune": "CODCOM", "population": "PMUN"}, 0
    years = re.findall(r"population_(\d{4})", header)
    if "insee_com" in header and years:
        year = max(years)
        return ",", {"commune_code": "insee_com", "population": f"population_{year}"}, int(year)
    raise SourceFormatError(path, 1, None, "not a known population layout (INSEE base-cc, INSEE legal "
                                           "populations, or a commune table with insee_com and population_YYYY)")


def read_population(path: Path, departements: tuple[str, ...], history: dict[str, str] | None = None,
                    contoured: set[str] | None = None) -> StagedTable:
    """Population (and age bands when the file has them) per current commune of ``departements``.

    Quarantined: malformed commune codes, missing or negative figures, bands that do not
    add up to the total (beyond rounding), repeated communes, and (given the ``contoured``
    communes) communes without a contour, which no figure could hold.
    """
    path = Path(path)
    delimiter, columns, year = _layout(path)
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, columns=columns, quoted=delimiter == ",")
    frame = read.frame
    if "commune" in frame:  # legal populations: département + 3-digit code
        frame = frame.assign(commune_code=frame["departement"] + frame["commune"].str.zfill(3))
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    out_of_scope = read.rows_read - len(read.rejects) - len(frame)

    present = [name for name in FIGURES if name in frame]
    figures = {name: parse_decimal(frame[name]) for name in present}
    frame = frame.assign(**{name: values.astype("float64") for name, values in figures.items()})
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), columns["commune_code"] if "commune_code" in columns else "CODCOM",
                  "malformed commune code")
    for name, values in figures.items():
        checks.reject(values.isna(), columns[name], "missing or non-numeric figure")
        checks.reject(values < 0, columns[name], "negative population")
    if len(present) == len(FIGURES):
        band_sum = sum(figures[name] for name in AGE_BANDS)
        off = (band_sum - figures["population"]).abs() > 1 + 0.005 * figures["population"]
        checks.reject(off, columns["population"], "age bands do not add up to the population")
    checks.reject_duplicates(["commune_code"], columns.get("commune_code", "CODCOM"), "commune")
    if contoured is not None:  # a population with no commune to hold it would vanish from every figure
        uncontoured = ~modernise(frame["commune_code"], history or {}).isin(contoured)
        checks.reject(uncontoured, columns.get("commune_code", "CODCOM"), "no contour for this commune in the contour files")

    accepted = checks.accepted()
    current = modernise(accepted["commune_code"], history or {})
    mapped = int((current != accepted["commune_code"]).sum())
    table = (accepted.assign(commune_code=current)
             .groupby("commune_code", as_index=False)
             .agg(**{name: (name, "sum") for name in present}, line=("line", "min")))
    for name in FIGURES:
        if name not in table:
            table[name] = float("nan")
    table = table[["commune_code", *FIGURES, "line"]]
    table["vintage"] = year or None
    return StagedTable(
        table=table,
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=out_of_scope,
        stats={"rows_accepted": len(accepted), "encoding": read.encoding, "census_year": year or None, "age_bands": len(present) == len(FIGURES),
               "former_codes_mapped": mapped, "rows_merged_into_current_communes": len(accepted) - len(table)},
    )
