"""Territories by name: France, a région or a list of départements, each with a short folder."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from observatory.settings import Settings
from observatory.sources.departements import DEPARTEMENT_NAMES
from observatory.territories import REGIONS, UnknownTerritory, departements_of, folder_of, name_of
from pipelines.cli import main


def test_france_a_region_and_lists_by_hand():
    france = departements_of("france")
    assert len(france) == 101 == len(set(france))  # 96 metropolitan départements (2A and 2B) and 5 overseas
    assert {"2A", "2B", "971", "976", "75", "41"} <= set(france) and "20" not in france
    assert departements_of("region:24") == ("18", "28", "36", "37", "41", "45")  # Centre-Val de Loire
    assert departements_of("FRANCE") == france and departements_of("Region:94") == ("2A", "2B")
    assert departements_of("41") == ("41",) and departements_of(" 2a , 2B ") == ("2A", "2B")
    assert departements_of("demo") == ("00",)
    assert set(france) == set(DEPARTEMENT_NAMES) - {"00"}  # every département named, none left out


@pytest.mark.parametrize(("territory", "said"), [
    ("region:99", "no région '99'"), ("41,99", "99 is not a département code"), ("20", "20 is not"),
    ("", "nothing is not"), ("Loir-et-Cher", "LOIR-ET-CHER is not")])
def test_an_unknown_territory_is_refused_by_name(territory, said):
    with pytest.raises(UnknownTerritory, match=said):
        departements_of(territory)


def test_folders_are_short_and_stable():
    assert [folder_of(t) for t in ("demo", "france", "France", "region:24", "41", "2A,2B")] == [
        "demo", "france", "france", "region-24", "41", "2A,2B"]
    every = ",".join(departements_of("france"))
    assert len(every) > 255  # as a folder name this failed: the file system's limit
    name = folder_of(every)
    assert name.startswith("departements-") and len(name) == len("departements-") + 12
    assert folder_of(",".join(reversed(departements_of("france")))) == name  # the order does not matter
    assert folder_of(",".join(departements_of("france")[:-1])) != name
    settings = Settings(territory="france")
    assert settings.raw_dir.name == "france" and settings.staging_dir.name == "france"
    assert Settings(territory="region:24").raw_dir.name == "region-24"


def test_the_pages_name_the_territory():
    assert name_of("france", DEPARTEMENT_NAMES) == "France"
    assert name_of("region:24", DEPARTEMENT_NAMES) == "Centre-Val de Loire"
    assert name_of("41,47", DEPARTEMENT_NAMES) == "Loir-et-Cher, Lot-et-Garonne"


def test_the_regions_are_the_public_referentials(shared_data):
    """Each région's départements as the package behind the public geo API lists them."""
    listed = defaultdict(set)
    for departement in json.loads((shared_data / "reference" / "departements.json").read_text(encoding="utf-8")):
        listed[departement["region"]].add(departement["code"])
    for code, (_, departements) in REGIONS.items():
        assert set(departements) == listed[code], code
    assert set(listed) - set(REGIONS) == {"975", "977", "978", "984", "986", "987", "988", "989"}  # the COM


def test_the_command_line_refuses_an_unknown_territory(capsys):
    assert main(["--territory", "region:99", "settings"]) == 2
    assert "no région '99'" in capsys.readouterr().err
    assert main(["--territory", "region:24", "settings"]) == 0
    assert '"territory": "region:24"' in capsys.readouterr().out


def test_map_exports_are_opt_in_above_one_region():
    """Up to the largest région (Occitanie, 13 départements) a build exports its maps; above
    (France: minutes of Chromium), only when asked; asked or refused, the setting wins."""
    assert Settings().exports_maps and Settings(territory="region:76").exports_maps
    assert not Settings(territory="france").exports_maps
    assert not Settings(territory=",".join(departements_of("region:76") + ("41",))).exports_maps
    assert Settings(territory="france", map_exports=True).exports_maps
    assert not Settings(territory="41", map_exports=False).exports_maps
