"""Scenarios: the closed form of an added GP's effect against a full E2SFCA recomputation."""

from __future__ import annotations

import numpy as np
import pytest

from observatory.accessibility.e2sfca import e2sfca
from observatory.scenarios.marginal import Catchments, greedy_plan, score_candidates

THRESHOLDS = (2.5, 4.0)


def _territory(seed: int, n: int = 60):
    """Random communes and pairs within 25 minutes (some beyond the last band), with self pairs."""
    rng = np.random.default_rng(seed)
    origins = np.repeat(np.arange(n), n)
    destinations = np.tile(np.arange(n), n)
    minutes = rng.uniform(0, 25, n * n)
    keep = (rng.random(n * n) < 0.3) | (origins == destinations)
    demand = rng.uniform(0, 5_000, n)
    demand[rng.choice(n, 3, replace=False)] = 0.0  # a few communes with nobody
    supply = np.where(rng.random(n) < 0.4, rng.uniform(0, 30_000, n), 0.0)
    return origins[keep], destinations[keep], minutes[keep], demand, supply


@pytest.mark.parametrize("seed", range(5))
def test_the_closed_form_is_the_full_recomputation(seed):
    origins, destinations, minutes, demand, supply = _territory(seed)
    base = e2sfca(origins, destinations, minutes, demand, supply)
    catchments = Catchments.of(origins, destinations, minutes, demand)
    rng = np.random.default_rng(100 + seed)
    for candidate in rng.choice(len(demand), 8, replace=False):
        added = np.zeros(len(demand))
        added[candidate] = 4_900.0
        full = e2sfca(origins, destinations, minutes, demand, supply + added) - base
        assert np.allclose(catchments.apl_change(added), full, rtol=0, atol=1e-9)
    # several GPs at several communes at once: the changes add up
    added = np.where(rng.random(len(demand)) < 0.2, 4_900.0 * rng.integers(1, 4, len(demand)), 0.0)
    full = e2sfca(origins, destinations, minutes, demand, supply + added) - base
    assert np.allclose(catchments.apl_change(added), full, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_each_candidates_score_is_what_a_recomputation_shows(seed):
    origins, destinations, minutes, demand, supply = _territory(seed)
    population = np.round(demand * 0.9)
    base = e2sfca(origins, destinations, minutes, demand, supply)
    scores = score_candidates(Catchments.of(origins, destinations, minutes, demand), base, population,
                              THRESHOLDS, 4_900.0)
    for candidate in range(len(demand)):
        added = np.zeros(len(demand))
        added[candidate] = 4_900.0
        after = e2sfca(origins, destinations, minutes, demand, supply + added)
        lifted = population[(base < 2.5) & (after >= 2.5)].sum()
        assert scores.at[candidate, "population_out_of_desert"] == pytest.approx(lifted, abs=1e-6)
        assert scores.at[candidate, "population_out_of_fragile"] == pytest.approx(
            population[(base < 4) & (after >= 4)].sum(), abs=1e-6)
        assert scores.at[candidate, "weighted_apl_gain"] == pytest.approx(
            (population * (after - base)).sum() / population.sum(), abs=1e-9)
        assert scores.at[candidate, "desert_gap_closed"] == pytest.approx(
            (population * np.clip(np.minimum(after, 2.5) - base, 0, None)).sum(), abs=1e-6)


def test_added_supply_is_conserved_wherever_it_settles():
    """Σ_i P*_i·ΔA_i = ΔS for any commune with demand in reach: the APL shares supply out
    without losing any, which is why the population-weighted gain cannot rank candidates."""
    origins, destinations, minutes, demand, _ = _territory(11)
    catchments = Catchments.of(origins, destinations, minutes, demand)
    for candidate in np.flatnonzero(catchments.weighted_demand > 0)[:20]:
        added = np.zeros(len(demand))
        added[candidate] = 4_900.0
        assert (demand * catchments.apl_change(added)).sum() == pytest.approx(4_900.0, rel=1e-12)


def test_a_hand_computed_plan_of_two_gps():
    """Three communes in a row, 5 min to themselves, 12 min to a neighbour (weight 2/3), out of
    reach at the ends. Demand and population 1 000, 3 000, 1 000; APL 2.0 everywhere.
    D = [1000 + 2/3·3000, 3000 + 2/3·2000, 1000 + 2/3·3000] = [3000, 4333.3, 3000].
    One GP (4 900 consultations a year) at the middle: ΔA = [0.754, 1.131, 0.754], everyone
    crosses 2.5 (5 000 people); at an end: ΔA = [1.633, 1.089, 0], 4 000 people.
    The first GP goes to the middle. Then APL = [2.754, 3.131, 2.754], nobody is in a desert;
    a second GP at an end lifts 4 000 people out of the fragile zone (4.387 and 4.220 ≥ 4),
    at the middle only 3 000 (4.262; the ends reach 3.508)."""
    origins = np.array([0, 0, 1, 1, 1, 2, 2])
    destinations = np.array([0, 1, 0, 1, 2, 1, 2])
    minutes = np.array([5.0, 12.0, 12.0, 5.0, 12.0, 12.0, 5.0])
    demand = np.array([1_000.0, 3_000.0, 1_000.0])
    catchments = Catchments.of(origins, destinations, minutes, demand)
    assert np.allclose(catchments.weighted_demand, [3_000, 13_000 / 3, 3_000])
    assert np.allclose(catchments.apl_change(np.array([0.0, 4_900.0, 0.0])), [0.75385, 1.13077, 0.75385], atol=1e-5)
    apl = np.array([2.0, 2.0, 2.0])
    scores = score_candidates(catchments, apl, demand, THRESHOLDS, 4_900.0)
    assert list(scores["population_out_of_desert"]) == [4_000, 5_000, 4_000]
    # the gap to 2.5 closed: everyone below gains at least 0.5 but counts 0.5 (the end: nobody at 2)
    assert np.allclose(scores["desert_gap_closed"], [0.5 * 4_000, 0.5 * 5_000, 0.5 * 4_000])
    plan = greedy_plan(catchments, apl, demand, THRESHOLDS, 4_900.0, count=2)
    assert plan.at[0, "position"] == 1 and plan.at[0, "population_out_of_desert"] == 5_000
    assert plan.at[1, "position"] in (0, 2) and plan.at[1, "population_out_of_fragile"] == 4_000
    assert list(plan["population_in_desert_after"]) == [0, 0]
    # restricted to the ends, the first GP goes to an end and lifts 4 000; 1 000 stay in a desert
    ends = greedy_plan(catchments, apl, demand, THRESHOLDS, 4_900.0, count=1, candidates=[True, False, True])
    assert ends.at[0, "position"] in (0, 2) and ends.at[0, "population_out_of_desert"] == 4_000
    assert ends.at[0, "population_in_desert_after"] == 1_000
    # no candidate at all (every register partial): no placement, and the plan keeps its columns
    nowhere = greedy_plan(catchments, apl, demand, THRESHOLDS, 4_900.0, count=2, candidates=[False, False, False])
    assert nowhere.empty and nowhere.columns.tolist() == plan.columns.tolist()


def test_the_greedy_plan_re_scores_after_each_placement():
    """Its cumulative effect is that of all its GPs added at once, recomputed in full."""
    origins, destinations, minutes, demand, supply = _territory(7)
    population = np.round(demand)
    base = e2sfca(origins, destinations, minutes, demand, supply)
    plan = greedy_plan(Catchments.of(origins, destinations, minutes, demand), base, population, THRESHOLDS,
                       4_900.0, count=10)
    added = np.bincount(plan["position"].to_numpy(), minlength=len(demand)) * 4_900.0
    after = e2sfca(origins, destinations, minutes, demand, supply + added)
    assert plan["population_in_desert_after"].iloc[-1] == pytest.approx(population[after < 2.5].sum())
    lifted = plan["population_out_of_desert"].to_numpy()
    assert lifted.sum() == pytest.approx(population[base < 2.5].sum() - population[after < 2.5].sum())
    assert (np.diff(plan["population_in_desert_after"]) <= 0).all()


def test_the_published_scores_are_what_a_full_recomputation_of_the_demo_gives(demo_build):
    """On the demo build: for the five best candidates, the APL recomputed from the staged
    supply, demand and travel times with one more GP (4 900 consultations) in the commune
    lifts exactly the published population out of deserts; the plan's first placement is the
    best candidate; the horizons only worsen without replacements."""
    from observatory.accessibility.e2sfca import pair_positions
    from observatory.publish import read_published_tables
    from pipelines.resources import read_staged

    staged = demo_build.settings.staging_dir / "assets"
    area = read_staged(staged / "apl_over_area").set_index("commune_code")
    pairs = read_staged(staged / "commune_travel_times")
    published = read_published_tables(demo_build.settings.curated_dir)
    scores, plan, horizons = (published[name] for name in ("gp_placement_scores", "gp_placement_plan", "apl_horizons"))
    communes = published["accessibility_by_commune"].set_index("commune_code")
    origins, destinations, minutes = pair_positions(pairs, area.index)
    demand, supply = area["standardised_population"].to_numpy(), area["gp_consultations"].to_numpy()
    base = e2sfca(origins, destinations, minutes, demand, supply)
    assert np.allclose(base, area["apl"].to_numpy(), atol=1e-9)
    population = communes["population"].reindex(area.index).fillna(0).to_numpy()
    for row in scores.head(5).itertuples():
        added = np.where(area.index == row.commune_code, 4_900.0, 0.0)
        after = e2sfca(origins, destinations, minutes, demand, supply + added)
        assert row.population_out_of_desert == pytest.approx(population[(base < 2.5) & (after >= 2.5)].sum())
    assert scores["rank"].tolist() == list(range(1, 271))
    assert len(plan) == demo_build.settings.placement_count == 10
    assert plan.at[0, "commune_code"] == scores.at[0, "commune_code"]
    assert (plan["population_in_desert_after"].diff().dropna() <= 0).all()
    desert = horizons.set_index("years")["population_desert"]
    assert list(horizons["years"]) == [0, 5, 10] and desert[0] <= desert[5] <= desert[10]
    assert desert[0] == pytest.approx(communes.loc[communes["desert_class"] == "desert", "population"].sum())
    needed = horizons.set_index("years")["installations_to_hold_today"]
    assert needed[0] == 0 and 0 < needed[5] <= needed[10]


def test_a_faulty_scenario_line_is_quarantined_by_file_line_and_field_and_drops_its_scenario(tmp_path):
    from observatory.sources.scenarios import read_scenarios

    path = tmp_path / "scenarios.csv"
    path.write_text(
        "scenario;action;commune_code;count;rpps_id;value;comment\n"
        "Bon;add_gps;41018;2;;;\n"                       # 2: accepted
        "Bon;add_msp;41269;3;;;MSP\n"                    # 3: accepted
        "Action inconnue;add_doctor;41018;1;;;\n"        # 4: action
        "Hors territoire;add_gps;45234;1;;;\n"           # 5: commune_code
        "Zéro;add_gps;41018;0;;;\n"                      # 6: count
        "En lettres;add_gps;41018;deux;;;\n"             # 7: count
        "RPPS;keep_gp;;;1000123;;\n"                     # 8: rpps_id (not 11 digits)
        "Âge;retirement_age;;;;90;\n"                    # 9: value
        ";add_gps;41018;1;;;\n"                          # 10: scenario
        "Bon aussi;retirement_age;;;;70;\n"              # 11: accepted
        "Bon aussi;keep_gp;;;10001234567;;\n"            # 12: accepted
        "Trop;add_gps;41018;1;;;;;\n",                   # 13: malformed (drops every scenario of the file)
        encoding="utf-8")
    staged = read_scenarios([path], {"41018", "41269"})
    rejects = staged.rejects.sort_values("line")
    assert list(zip(rejects["line"], rejects["field"])) == [
        (4, "action"), (5, "commune_code"), (6, "count"), (7, "count"), (8, "rpps_id"), (9, "value"), (10, "scenario"),
        (13, "(line)")]
    assert set(rejects["file"]) == {"scenarios.csv"}
    assert not rejects["reason"].str.contains("1000123|10001234567").any()  # no RPPS number quoted
    # the malformed line cannot name its scenario: every scenario of its file is dropped
    assert staged.table.empty and "Bon" in staged.stats["dropped"]
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    staged = read_scenarios([path], {"41018", "41269"})
    assert sorted(set(staged.table["scenario"])) == ["Bon", "Bon aussi"]
    assert list(staged.table["count"].fillna(0)) == [2, 3, 0, 0] and staged.table.at[2, "value"] == 70
    assert staged.rows_read == 11 and len(staged.table) + len(staged.rejects) == 11


def test_the_demo_scenarios_against_a_full_recomputation(demo_build):
    """The baseline is the horizons' table; a maison de santé of 3 GPs today lifts exactly
    the people a full recomputation with 3 × 4 900 more consultations in its commune lifts;
    retiring at 70 leaves fewer people in deserts at 5 years than at 67; the scenario naming
    two GPs is computed but not published, and keeping them never worsens anything."""
    from observatory.accessibility.e2sfca import pair_positions
    from observatory.publish import read_published_tables
    from observatory.scenarios.whatif import scenario_outcomes
    from observatory.accessibility.apl import AplSettings
    from pipelines.resources import read_staged

    published = read_published_tables(demo_build.settings.curated_dir)
    outcomes = published["scenario_outcomes"].set_index(["scenario", "years"])
    horizons = published["apl_horizons"].set_index("years")
    for years in (0, 5, 10):
        assert outcomes.at[("Sans action", years), "population_desert"] == horizons.at[years, "population_desert"]
    assert "Les deux médecins les plus âgés restent" not in outcomes.index.get_level_values(0)

    staged = demo_build.settings.staging_dir / "assets"
    area = read_staged(staged / "apl_over_area").set_index("commune_code")
    pairs = read_staged(staged / "commune_travel_times")
    lines = read_staged(staged / "scenarios").table
    msp = lines[lines["action"] == "add_msp"].iloc[0]
    origins, destinations, minutes = pair_positions(pairs, area.index)
    demand, supply = area["standardised_population"].to_numpy(), area["gp_consultations"].to_numpy()
    after = e2sfca(origins, destinations, minutes, demand,
                   supply + np.where(area.index == msp["commune_code"], 3 * 4_900.0, 0.0))
    population = published["accessibility_by_commune"].set_index("commune_code")["population"].reindex(area.index)
    assert outcomes.at[(msp["scenario"], 0), "population_desert"] == pytest.approx(population[after < 2.5].sum())
    assert outcomes.at[(msp["scenario"], 0), "gps_added"] == 3
    assert (outcomes.at[("Départ à la retraite à 70 ans", 5), "population_desert"]
            < outcomes.at[("Sans action", 5), "population_desert"])

    from pipelines.assets.curated import _area, _everyone

    whole = _area(read_staged(staged / "commune_reference"), read_staged(staged / "border_ring"),
                  read_staged(staged / "official_apl"))
    gps = _everyone(read_staged(staged / "general_practitioners"), read_staged(staged / "ring_practitioners"))
    kept = scenario_outcomes(whole, gps, pairs, published["accessibility_by_commune"],
                             lines[lines["action"] == "keep_gp"], AplSettings(), demo_build.settings.reference_date,
                             67, (2.5, 4.0)).set_index(["scenario", "years"])
    name = "Les deux médecins les plus âgés restent"
    assert kept.at[(name, 10), "apl"] > kept.at[("Sans action", 10), "apl"]
    assert kept.at[(name, 10), "population_desert"] <= kept.at[("Sans action", 10), "population_desert"]
