"""Every profession of the register: recognised by its RPPS code, counted like the GPs, absent
(not zero) before the RPPS held it, checked against the CNAM's liberal count."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from observatory.professions import BY_KEY, PROFESSIONS, in_register, profession_of

GP_SKILLS = ("SM26", "SM53", "SM54")


def test_each_profession_is_recognised_by_its_code_and_doctors_by_their_savoir_faire():
    activities = pd.DataFrame({
        "profession_code": ["10", "10", "10", "40", "50", "21", "60", "70", "28", "10"],
        "savoir_faire_code": ["SM53", "SM20", "", "", "", "", "", "", "", "SM26"],
        "pharmacy_section_label": [""] * 5 + ["Pharmaciens titulaires d'officine"] + [""] * 4})
    assert profession_of(activities, GP_SKILLS).tolist() == [
        "medecin_generaliste", "medecin_specialiste", "medecin_specialiste", "chirurgien_dentiste", "sage_femme",
        "pharmacien", "infirmier", "masseur_kinesitherapeute", pd.NA, "medecin_generaliste"]


def test_a_pharmacist_counts_in_an_officine_only():
    """Titulaires and adjoints d'officine (section's label, any case or accent), or an activity
    whose sector is an officine; not hospital, biology or industry pharmacists, nor one the
    register says nothing of."""
    from observatory.indicators.professions import practitioners

    activities = pd.DataFrame({
        "rpps_id": ["T", "ADJ", "SECT", "H", "BIO", "NONE", "BOTH", "BOTH"],
        "profession_code": "21", "savoir_faire_code": "",
        "pharmacy_section_label": ["Pharmaciens titulaires d'officine", "PHARMACIENS ADJOINTS D'OFFICINE", "",
                                   "Pharmaciens des établissements de santé", "Pharmaciens biologistes", None,
                                   "Pharmaciens des établissements de santé", "Pharmaciens adjoints d'officine"],
        "sector_label": ["", "", "Pharmacie d'Officine", "Etablissement Public de santé", "Laboratoire", None, "", ""],
        "commune_code": ["41001"] * 6 + ["41002", "41003"], "mode_code": ["L", "S", "L", "S", "S", "L", "S", "S"],
        "line": range(2, 10)})
    assert profession_of(activities, GP_SKILLS).tolist() == ["pharmacien"] * 3 + [pd.NA] * 3 + [pd.NA, "pharmacien"]
    people = practitioners(activities, GP_SKILLS).set_index("rpps_id")
    assert sorted(people.index) == ["ADJ", "BOTH", "SECT", "T"]
    assert people.loc["BOTH", "commune_code"] == "41003"  # where they work in an officine, not at the hospital
    # a register without the section column: the sector alone decides
    assert profession_of(activities.drop(columns="pharmacy_section_label"), GP_SKILLS).tolist()[:3] == [
        pd.NA, pd.NA, "pharmacien"]


def test_an_extract_without_the_pharmacists_section_column_is_read_and_counted(tmp_path):
    """The section column is optional: an extract without it is read, and its officine
    pharmacists are told by their sector (it once came through as a column of floats, which
    the profession rule could not read)."""
    from observatory.indicators.professions import practitioners
    from observatory.sources.rpps import HEADER, read_rpps_extract

    header = [name for name in HEADER if "section tableau pharmaciens" not in name]
    values = dict.fromkeys(header, "") | {"Identifiant PP": "10000000001", "Code profession": "21",
                                          "Code commune (coord. structure)": "41001", "Code mode exercice": "L",
                                          "Libellé secteur d'activité": "Pharmacie d'officine"}
    path = tmp_path / "PS_LibreAcces_Personne_activite.txt"
    path.write_text("|".join(header) + "|\n" + "|".join(values[name] for name in header) + "|\n", encoding="utf-8")
    activities = read_rpps_extract(path, ("41",)).table
    assert "pharmacy_section_label" not in activities.columns
    assert practitioners(activities, GP_SKILLS)[["rpps_id", "profession"]].values.tolist() == [
        ["10000000001", "pharmacien"]]


def test_a_register_older_than_a_professions_entry_does_not_hold_it():
    """DREES: doctors, dentists, pharmacists, midwives since 2012; physiotherapists 2017; nurses 2022."""
    assert not in_register("infirmier", date(2021, 12, 31)) and in_register("infirmier", date(2022, 1, 1))
    assert not in_register("masseur_kinesitherapeute", date(2016, 6, 30))
    assert in_register("masseur_kinesitherapeute", date(2017, 6, 30))
    assert all(in_register(key, date(2012, 6, 30)) for key in ("medecin_generaliste", "chirurgien_dentiste",
                                                               "sage_femme", "pharmacien"))
    assert not in_register("sage_femme", date(2011, 12, 31))


def test_the_demo_counts_every_profession_it_generated(demo_build):
    """The demo writes 1 150 nurses, 260 physiotherapists, 240 pharmacists (200 in an officine,
    one in six in a hospital: not counted), 150 dentists, 70 midwives and 40 other doctors (25
    gynaecologists, 15 without speciality), each once, in the territory; the faulty nurse and
    physiotherapist are quarantined, not counted. The GPs are those the GP indicators count."""
    from observatory.demo.practitioners import HOSPITAL_PHARMACISTS, OTHER_PROFESSIONS

    database = demo_build.settings.database_path
    with duckdb.connect(str(database), read_only=True) as connection:
        table = connection.execute("select * from profession_supply_by_departement").df().set_index("profession")
        gps = connection.execute("select gps, population from gp_supply_by_departement").fetchone()
        epci_total = connection.execute(
            "select profession, sum(headcount) from profession_supply_by_epci group by all").df()
    expected = {"infirmier": 1150, "masseur_kinesitherapeute": 260, "pharmacien": 200, "chirurgien_dentiste": 150,
                "sage_femme": 70, "medecin_specialiste": 40, "medecin_generaliste": gps[0]}
    hospital = 240 // HOSPITAL_PHARMACISTS
    assert sum(count for *_, count in OTHER_PROFESSIONS) - hospital == sum(expected.values()) - gps[0]
    assert table["headcount"].to_dict() == expected
    assert table.loc["infirmier", "density"] == pytest.approx(1150 / gps[1] * 10_000)
    modes = table[["headcount_liberal", "headcount_salaried", "headcount_mixed"]].sum(axis=1)
    assert (modes == table["headcount"]).all()  # every one libéral, salarié or mixte
    assert table["in_register"].all()
    assert dict(zip(epci_total["profession"], epci_total.iloc[:, 1])) == expected  # the same people, by EPCI


def test_a_snapshot_before_the_nurses_entry_says_unknown_not_zero():
    from observatory.indicators.professions import practitioners, profession_coverage, supply_by_profession

    reference = pd.DataFrame({"commune_code": ["00001", "00002"], "commune_name": ["A", "B"],
                              "epci_code": ["E", "E"], "epci_name": ["E", "E"], "departement_code": ["00", "00"],
                              "departement_name": ["D", "D"], "population": [3000.0, 1000.0]})
    activities = pd.DataFrame({"rpps_id": ["1", "1", "2", "3"], "profession_code": ["60", "60", "60", "70"],
                               "savoir_faire_code": "", "commune_code": ["00001", "00002", "00002", "00001"],
                               "mode_code": ["S", "L", "S", "L"], "line": [2, 3, 4, 5]})
    people = practitioners(activities, GP_SKILLS)
    # nurse 1: liberal in 00002 (the liberal activity decides), mixed; nurse 2: salaried in 00002
    assert people.set_index("rpps_id")[["commune_code", "practice_mode"]].to_dict("index") == {
        "1": {"commune_code": "00002", "practice_mode": "mixte"},
        "2": {"commune_code": "00002", "practice_mode": "salarié"},
        "3": {"commune_code": "00001", "practice_mode": "libéral"}}
    no_cnam = pd.DataFrame(columns=["year", "profession", "level", "departement_code", "age_class", "headcount",
                                    "density_per_100k"])
    coverage = profession_coverage(people, reference, no_cnam)
    now = supply_by_profession(people, reference, "commune", date(2024, 6, 30), coverage)
    now = now.set_index(["profession", "commune_code"])
    assert now.loc[("infirmier", "00002"), ["headcount", "density", "headcount_mixed", "headcount_salaried"]].tolist() \
        == [2.0, 20.0, 1.0, 1.0]
    assert now.loc[("infirmier", "00001"), "headcount"] == 0  # none there, in a département whose register holds nurses
    before = supply_by_profession(people, reference, "departement", date(2020, 6, 30), coverage).set_index("profession")
    assert pd.isna(before.loc["infirmier", "headcount"]) and not before.loc["infirmier", "in_register"]
    assert before.loc["masseur_kinesitherapeute", "headcount"] == 1
    # a register holding no pharmacist in the département cannot say there is none
    assert pd.isna(before.loc["pharmacien", "headcount"]) and not before.loc["pharmacien", "register_complete"]


def test_each_profession_is_checked_against_its_own_cnam_count():
    from observatory.indicators.professions import practitioners, profession_coverage

    reference = pd.DataFrame({"commune_code": ["00001"], "commune_name": ["A"], "epci_code": ["E"], "epci_name": ["E"],
                              "departement_code": ["00"], "departement_name": ["D"], "population": [3000.0]})
    activities = pd.DataFrame({"rpps_id": ["1", "2", "3"], "profession_code": ["60", "60", "70"],
                               "savoir_faire_code": "", "commune_code": "00001", "mode_code": ["L", "L", "L"],
                               "line": [2, 3, 4]})
    people = practitioners(activities, GP_SKILLS)  # two liberal nurses, one liberal physiotherapist
    cnam = pd.DataFrame({"year": 2024, "level": "departement", "departement_code": "00", "age_class": "tout_age",
                         "profession": ["Infirmiers", "Masseurs-kinésithérapeutes"], "headcount": [4, 1],
                         "density_per_100k": [133.3, 33.3]})
    coverage = profession_coverage(people, reference, cnam).set_index("profession")
    assert coverage.loc["infirmier", ["register_liberal", "benchmark_liberal", "coverage"]].tolist() == [2, 4, 0.5]
    assert coverage.loc["masseur_kinesitherapeute", ["benchmark_liberal", "coverage"]].tolist() == [1, 1.0]
    assert not coverage.loc["infirmier", "register_complete"]  # half the CNAM's nurses: partial
    assert coverage.loc["masseur_kinesitherapeute", "register_complete"]
    assert coverage.loc["infirmier", "profession_label"] == "Infirmiers"
    assert pd.isna(coverage.loc["pharmacien", "benchmark_liberal"])  # the CNAM file has no pharmacists' count
    assert coverage.index.tolist() == ["medecin_generaliste", "medecin_specialiste", "chirurgien_dentiste",
                                       "sage_femme", "pharmacien", "infirmier", "masseur_kinesitherapeute"]


def test_the_cnam_count_checks_each_profession(demo_build, shared_data):
    """The demo's CNAM file counts 850 liberal nurses; the real CNAM file gives every
    profession of Loir-et-Cher (211 liberal GPs, 363 nurses, 232 physiotherapists in 2024).
    The register is complete for a profession it holds, within 80 % to 125 % of the CNAM's
    count where there is one."""
    from observatory.sources.gp_benchmark import read_benchmark

    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        coverage = connection.execute("select * from profession_register_coverage").df().set_index("profession")
        gps = connection.execute("select coverage from gp_register_coverage").fetchone()[0]
    assert coverage.loc["infirmier", "benchmark_liberal"] == 850
    assert coverage.loc["infirmier", "coverage"] == pytest.approx(coverage.loc["infirmier", "register_liberal"] / 850)
    assert coverage.loc["medecin_generaliste", "coverage"] == pytest.approx(gps)  # the GPs' own rule
    assert pd.isna(coverage.loc["pharmacien", "coverage"])  # the CNAM's file has no liberal pharmacists
    assert coverage["register_complete"].all()  # every profession held, nurses at 788 / 850
    labels = tuple(profession.cnam_label for profession in PROFESSIONS if profession.cnam_label)
    real = read_benchmark(shared_data / "other" / "ameli_demographie_ps_liberaux_2024_departement.csv", ("41",), labels)
    counts = real.table.query("level == 'departement' and age_class == 'tout_age'").set_index("profession")["headcount"]
    assert counts[BY_KEY["medecin_generaliste"].cnam_label] == 211
    assert counts[BY_KEY["infirmier"].cnam_label] == 363
    assert counts[BY_KEY["masseur_kinesitherapeute"].cnam_label] == 232
    assert set(counts.index) == set(labels)


def test_the_real_registers_professions(shared_data):
    """The real extract's first lines hold one doctor of the professions counted (the others
    are opticians, occupational therapists…: not counted); Corse-du-Sud's real GP locations
    make 131 GPs, as the GP count does."""
    from observatory.indicators.gp_supply import identify_gps
    from observatory.indicators.professions import practitioners
    from observatory.sources.delimited import read_delimited
    from observatory.sources.rpps import COLUMNS, read_rpps_extract

    sample = read_delimited(shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt", dataset="rpps",
                            delimiter="|", columns=COLUMNS).frame
    found = profession_of(sample, GP_SKILLS)
    assert found.notna().sum() == (sample["profession_code"] == "10").sum() == 1
    corse = read_rpps_extract(shared_data / "corse" / "PS_LibreAcces_Personne_activite_2A_cnam2021.txt", ("2A",)).table
    people = practitioners(corse, GP_SKILLS)
    gps = identify_gps(corse, pd.DataFrame(columns=["rpps_id"]), GP_SKILLS, 2024)
    assert people["profession"].value_counts().to_dict() == {"medecin_generaliste": 131} == {"medecin_generaliste": len(gps)}
    assert sorted(people["rpps_id"]) == sorted(gps["rpps_id"])


def test_a_snapshot_before_a_professions_entry_into_the_rpps_says_so():
    """Two départements; snapshots of 2021 and 2023. Nurses entered the RPPS in 2022: in 2021
    they have no figure (not 0), in 2023 they have theirs; a département whose 2023 register
    holds no physiotherapist has no figure for them, and neither has the territory."""
    from observatory.dashboard.professions import NOT_YET, PARTIAL, territory_over_time
    from observatory.indicators.professions import profession_coverage, supply_by_profession, supply_over_time

    reference = pd.DataFrame({"commune_code": ["41001", "45001"], "commune_name": ["A", "B"],
                              "departement_code": ["41", "45"], "departement_name": ["Loir-et-Cher", "Loiret"],
                              "population": [10_000.0, 30_000.0]})
    people = pd.DataFrame({  # K2, a physiotherapist of 2021, had left by 2023
        "rpps_id": ["N1", "N2", "K1", "K2", "N1", "N2", "N3", "K1"],
        "profession": ["infirmier", "infirmier"] + ["masseur_kinesitherapeute"] * 2 + ["infirmier"] * 3
        + ["masseur_kinesitherapeute"],
        "commune_code": ["41001", "45001", "41001", "41001", "41001", "45001", "45001", "41001"],
        "practice_mode": "libéral",
        "snapshot_date": pd.to_datetime(["2021-06-30"] * 4 + ["2023-06-30"] * 4)})
    benchmark = pd.DataFrame(columns=["year", "profession", "level", "departement_code", "age_class", "headcount",
                                      "density_per_100k"])
    now = people[people["snapshot_date"] == "2023-06-30"]
    today = supply_by_profession(now, reference, "departement", date(2023, 6, 30),
                                 profession_coverage(now, reference, benchmark))
    series = supply_over_time(today, date(2023, 6, 30), people, ["2023-06-30", "2021-06-30"], reference, benchmark)
    assert series["snapshot_date"].drop_duplicates().tolist() == [pd.Timestamp("2021-06-30"), pd.Timestamp("2023-06-30")]
    nurses = series[series["profession"] == "infirmier"].set_index(["snapshot_date", "departement_code"])
    assert nurses.loc[(pd.Timestamp("2021-06-30"), "41"), ["headcount", "density"]].isna().all()
    assert not nurses.loc[(pd.Timestamp("2021-06-30"), "41"), "in_register"]
    physios = series[series["profession"] == "masseur_kinesitherapeute"].set_index(["snapshot_date", "departement_code"])
    assert physios.loc[(pd.Timestamp("2021-06-30"), "41"), "headcount"] == 2  # each date its own practitioners
    assert physios.loc[(pd.Timestamp("2023-06-30"), "41"), "headcount"] == 1
    assert nurses.loc[(pd.Timestamp("2023-06-30"), "45"), "headcount"] == 2
    assert nurses.loc[(pd.Timestamp("2023-06-30"), "45"), "density"] == pytest.approx(2 / 30_000 * 10_000)
    totals = territory_over_time(series).set_index(["snapshot_date", "profession"])
    assert totals.loc[(pd.Timestamp("2023-06-30"), "infirmier"), "headcount"] == 3
    assert totals.loc[(pd.Timestamp("2023-06-30"), "infirmier"), "density"] == pytest.approx(3 / 40_000 * 10_000)
    assert totals.loc[(pd.Timestamp("2021-06-30"), "infirmier"), "why"] == NOT_YET
    physiotherapists = totals.loc[(pd.Timestamp("2023-06-30"), "masseur_kinesitherapeute")]
    assert pd.isna(physiotherapists["headcount"]) and physiotherapists["why"] == PARTIAL  # Loiret holds none
