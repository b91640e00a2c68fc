"""Indicators over time on two communes close enough that every GP is in full reach of
everyone: the APL is then the consultations offered over the (here unstandardised)
population, 4 900 per full-time GP, a figure computed by hand for each snapshot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from observatory.accessibility.apl import AplSettings
from observatory.indicators.time_series import indicators_by_snapshot, snapshot_date
from observatory.sources.errors import SourceFormatError

REFERENCE = pd.DataFrame({
    "commune_code": ["41001", "41002"], "commune_name": ["Alpha", "Bêta"], "epci_code": ["E1", "E1"],
    "epci_name": ["CC Un", "CC Un"], "departement_code": ["41", "41"], "departement_name": ["Loir-et-Cher"] * 2,
    "population": [1000, 3000],
})
PAIRS = pd.DataFrame({"origin": ["41001", "41001", "41002", "41002"], "destination": ["41001", "41002", "41002", "41001"],
                      "minutes": [3.0, 8.0, 2.0, 8.0]})  # all within 10 minutes: weight 1


def _gps(snapshot: str, communes: list[str], ages: list[int | None]) -> pd.DataFrame:
    return pd.DataFrame({"snapshot_date": pd.Timestamp(snapshot), "commune_code": communes,
                         "age": pd.array(ages, dtype="Int64"), "fte": 1.0})


def test_each_snapshot_counts_its_gps_and_their_apl_at_every_level():
    gps = pd.concat([_gps("2022-06-30", ["41001"], [60]), _gps("2023-06-30", ["41001", "41002"], [61, None])])
    dates = [date(2023, 6, 30), date(2021, 6, 30), date(2022, 6, 30)]  # in any order; 2021 has no GP
    table = indicators_by_snapshot(gps, dates, REFERENCE, PAIRS, AplSettings(), senior_age=55)
    assert table.columns.tolist() == ["snapshot_date", "level", "code", "name", "population", "gps", "gp_density",
                                      "gps_age_known", "gps_senior", "share_senior", "apl"]
    departement = table[table["level"] == "departement"].set_index("snapshot_date")
    assert departement.index.tolist() == [pd.Timestamp("2021-06-30"), pd.Timestamp("2022-06-30"),
                                          pd.Timestamp("2023-06-30")]
    assert departement["gps"].tolist() == [0, 1, 2]
    assert departement["gp_density"].tolist() == [0.0, 2.5, 5.0]  # per 10 000 of 4 000 inhabitants
    assert departement["apl"].tolist() == pytest.approx([0.0, 4900 / 4000, 9800 / 4000])
    assert departement["gps_age_known"].tolist() == [0, 1, 1] and departement["share_senior"].iloc[1:].tolist() == [1, 1]
    assert pd.isna(departement["share_senior"].iloc[0])
    communes = table[(table["level"] == "commune") & (table["snapshot_date"] == "2023-06-30")]
    assert communes["code"].tolist() == ["41001", "41002"] and communes["name"].tolist() == ["Alpha", "Bêta"]
    assert communes["apl"].tolist() == pytest.approx([9800 / 4000] * 2)
    epci = table[table["level"] == "epci"]
    assert epci["code"].unique().tolist() == ["E1"] and epci["apl"].tolist() == pytest.approx(departement["apl"].tolist())
    assert len(table) == 3 * (2 + 1 + 1)


def test_the_ring_adds_its_gps_to_the_apl_but_not_to_the_territorys_counts():
    ring = REFERENCE.iloc[[0]].assign(commune_code="45001", commune_name="Anneau", departement_code="45",
                                      population=0)
    area = pd.concat([REFERENCE, ring], ignore_index=True)
    pairs = pd.concat([PAIRS, pd.DataFrame({"origin": ["41001", "41002"], "destination": ["45001", "45001"],
                                            "minutes": [5.0, 9.0]})], ignore_index=True)
    ring_gps = pd.DataFrame({"commune_code": ["45001"], "age": pd.array([50], dtype="Int64"), "fte": 1.0})
    table = indicators_by_snapshot(_gps("2022-06-30", ["41001"], [60]), [date(2022, 6, 30)], REFERENCE, pairs,
                                   AplSettings(), 55, area=area, ring_gps=ring_gps)
    departement = table[table["level"] == "departement"].iloc[0]
    assert departement["gps"] == 1 and departement["apl"] == pytest.approx(9800 / 4000)


def test_no_snapshot_gives_an_empty_series_with_its_columns():
    table = indicators_by_snapshot(_gps("2022-06-30", [], []), [], REFERENCE, PAIRS, AplSettings(), 55)
    assert table.empty and "apl" in table.columns and "snapshot_date" in table.columns


def test_a_snapshot_is_dated_by_its_vintage_or_refused_naming_its_file():
    assert snapshot_date("2023-06-30", "PS_LibreAcces_Personne_activite_202306300800.txt") == date(2023, 6, 30)
    with pytest.raises(SourceFormatError, match=r"(?s)PS_LibreAcces_2023\.txt.*must carry its date"):
        snapshot_date("", "PS_LibreAcces_2023.txt")
    with pytest.raises(SourceFormatError, match="must carry its date"):
        snapshot_date(None, "snapshot.txt")
