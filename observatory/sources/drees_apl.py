"""Reader of the DREES workbook « Indicateur d'accessibilité potentielle localisée (APL) aux
médecins généralistes »: its ``Paramètres`` sheet (the method) and its ``APL YYYY`` sheets
(the official APL per commune).

Layout as published (2022/2023 edition; later editions add ≤62 and ≤60 columns): title
rows 1–8, header on row 9, units on row 10, data from row 11. The ``Paramètres`` sheet lists
the activity caps, the distance weights (one row per travel-time band) and one weight per
5-year age band and year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..accessibility.parameters import DreesParameters
from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "official_apl"
HEADER_ROW = 8  # 0-based: row 9 of the sheet
FIRST_DATA_ROW = 10  # row 11
SCHEMA = {"commune_code": "string", "commune_name": "string", "official_apl": "float64",
          "official_apl_65": "float64", "official_standardised_population": "float64",
          "official_population": "float64", "year": "int64", "line": "int64"}
COLUMNS = {  # our name: how the header cell starts (folded to lower case)
    "commune_code": "code commune",
    "commune_name": "commune",
    "official_apl": "apl aux médecins généralistes",
    "official_apl_65": "apl aux médecins généralistes de moins de 65 ans",
    "official_standardised_population": "population standardisée",
    "official_population": "population totale",
}


def _numbers(text: str) -> list[float]:
    return [float(n.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
            for n in re.findall(r"\d[\d \u202f\xa0]*(?:,\d+)?", str(text))]


def _age_band(label: str) -> tuple[int, int | None]:
    numbers = [int(n) for n in _numbers(label)]
    text = label.lower()
    if text.startswith("moins"):
        return 0, numbers[0] - 1
    if text.startswith("plus"):
        return numbers[0], None
    return numbers[0], numbers[1]


def read_drees_parameters(path: Path) -> DreesParameters:
    """The latest year's parameters from the ``Paramètres`` sheet."""
    path = Path(path)
    try:
        sheet = pd.read_excel(path, sheet_name="Paramètres", header=None, dtype=object)
    except (ValueError, OSError) as error:
        raise SourceFormatError(path, None, "Paramètres", f"no readable 'Paramètres' sheet: {error}") from error
    labels = sheet[0].astype("string").fillna("")

    def row_of(prefix: str) -> int:
        found = labels.index[labels.str.lower().str.startswith(prefix.lower())]
        if not len(found):
            raise SourceFormatError(path, None, "Paramètres", f"no row starting with « {prefix} »")
        return int(found[0])

    def block(first: int, column: int = 1) -> pd.DataFrame:
        """The rows from ``first`` on whose ``column`` holds a number (a table's body)."""
        rows = sheet.iloc[first:]
        numeric = pd.to_numeric(rows[column], errors="coerce").notna()
        end = rows.index[~numeric.to_numpy()]
        return rows.loc[: end[0] - 1] if len(end) else rows

    distances = []  # (upper bound, weight); the band « plus de 20 minutes » (weight 0) is implied
    for label, weight in block(row_of("Temps de trajet") + 1)[[0, 1]].itertuples(index=False):
        if not str(label).lower().startswith("plus"):
            distances.append((_numbers(label)[-1], float(weight)))
    header = sheet.iloc[row_of("Tranche d'âge")]
    years = {int(_numbers(cell)[-1]): column for column, cell in header.items() if column and isinstance(cell, str)}
    year = max(years)
    ages = [(*_age_band(str(label)), float(weight))
            for label, weight in block(row_of("Tranche d'âge") + 1, years[year])[[0, years[year]]].itertuples(index=False)]
    floor = _numbers(labels[row_of("Moins de 250")])[0]
    low = float(sheet.iat[row_of("Entre 251"), 1])
    high = float(sheet.iat[row_of("Plus de 6"), 1])
    imputed = _numbers(labels[row_of("Exceptions")].split(";")[0])[-1]
    return DreesParameters(year=year, distance_weights=tuple(distances), age_weights=tuple(ages),
                           activity_floor=floor, activity_low=low, activity_high=high, newly_installed=imputed,
                           source=f"DREES, {path.name}, feuille Paramètres ({year})")


def _latest_sheet(path: Path) -> tuple[str, int]:
    names = pd.ExcelFile(path).sheet_names
    dated = {int(match.group(1)): name for name in names if (match := re.fullmatch(r"APL (\d{4})", name.strip()))}
    if not dated:
        raise SourceFormatError(path, None, None, f"no 'APL YYYY' sheet (sheets: {', '.join(names)})")
    year = max(dated)
    return dated[year], year


def read_official_apl(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """The official APL of the latest year per commune of ``departements``, with the
    standardised population the DREES used. Quarantined: malformed codes, APL or
    populations that are not numbers, repeated communes."""
    path = Path(path)
    sheet_name, year = _latest_sheet(path)
    sheet = pd.read_excel(path, sheet_name=sheet_name, header=None, dtype=object)
    header = [str(cell).strip().lower() if pd.notna(cell) else "" for cell in sheet.iloc[HEADER_ROW]]
    columns = {}
    for ours, start in sorted(COLUMNS.items(), key=lambda item: -len(item[1])):  # the longest prefix first
        matches = [i for i, cell in enumerate(header) if cell.startswith(start) and i not in columns.values()]
        if matches:
            columns[ours] = matches[0]
    missing = [ours for ours in COLUMNS if ours not in columns]
    if missing:
        raise SourceFormatError(path, HEADER_ROW + 1, COLUMNS[missing[0]],
                                f"column missing from sheet '{sheet_name}' (the header is on row 9)")
    body = sheet.iloc[FIRST_DATA_ROW:].dropna(how="all")
    frame = pd.DataFrame({ours: body[index].to_numpy() for ours, index in columns.items()})
    frame["line"] = (body.index + 1).to_numpy()
    frame["commune_code"] = frame["commune_code"].astype("string").str.strip().str.zfill(5)
    rows_read = len(frame)
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    numbers = [name for name in SCHEMA if name.startswith("official_")]
    frame = frame.assign(**{name: pd.to_numeric(frame[name], errors="coerce") for name in numbers})
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), COLUMNS["commune_code"], "malformed commune code")
    for name in ("official_apl", "official_standardised_population"):
        checks.reject(frame[name].isna() | (frame[name] < 0), COLUMNS[name], "missing, non-numeric or negative")
    checks.reject_duplicates(["commune_code"], COLUMNS["commune_code"], "commune")
    table = checks.accepted().assign(year=year, commune_name=lambda t: t["commune_name"].astype("string"))
    return StagedTable(table=table[list(SCHEMA)].astype(SCHEMA), rejects=checks.rejects(), rows_read=rows_read,
                       out_of_scope=rows_read - len(frame), stats={"sheet": sheet_name, "year": year})
