"""The benchmark's national-size generator, at a tiny size: real formats, exact counts."""

from __future__ import annotations

from bench.national_input import DEPARTEMENT_CODES, NationalSize, generate
from observatory.indicators.gp_supply import identify_gps
from observatory.sources.communes import read_commune_contours
from observatory.sources.population import read_population
from observatory.sources.roster import SCHEMA
from observatory.sources.rpps import HEADER, read_rpps_extract
from observatory.sources.staged import StagedTable


def test_generator_writes_readable_files_with_the_sizes_asked_for(tmp_path):
    size = NationalSize(communes=600, gps=1_500, register_rows=20_000)
    paths = generate(tmp_path, size)
    assert paths["rpps_extract"].read_text(encoding="utf-8").splitlines()[0] == "|".join(HEADER) + "|"
    departements = tuple(DEPARTEMENT_CODES)
    contours = read_commune_contours(paths["commune_contours"], departements)
    assert len(contours.table) == size.communes and contours.rejects.empty
    assert contours.table.geometry.is_valid.all()
    population = read_population(paths["population"], departements)
    assert len(population.table) == size.communes and population.rejects.empty
    register = read_rpps_extract(paths["rpps_extract"], departements, set(contours.table["commune_code"]))
    assert register.rows_read == size.register_rows and register.rejects.empty
    assert register.rows_read == len(register.table) + register.out_of_scope  # unlocated people only
    gps = identify_gps(register.table, StagedTable.absent(SCHEMA).table, ("SM53",), 2024)
    assert len(gps) == size.gps
    # GPs only in communes of 250 inhabitants or more: every density passes the plausibility check
    populations = population.table.set_index("commune_code")["population"]
    assert (populations.reindex(gps["commune_code"]) >= 250).all()
    # Communes spread at France's density: about 16 km² each.
    assert 14 < contours.table["area_km2"].mean() < 18


def test_national_communes_are_plausible_for_the_observatorys_checks():
    """At full size: unique codes, none an arrondissement of Paris, Lyon or Marseille (the
    register's reader folds those into their commune, gathering twenty communes' GPs in one)."""
    import numpy as np

    from bench.national_input import commune_table
    from observatory.sources.geography import commune_of_arrondissement

    communes = commune_table(NationalSize(), np.random.default_rng(8))
    codes = communes["insee_com"]
    assert codes.is_unique and len(codes) == 35_000
    assert (commune_of_arrondissement(codes) == codes).all()
    assert {"75101", "69381", "13201"}.isdisjoint(set(codes)) and "75601" in set(codes)  # 75101 renumbered 500 further
