"""The demo generator: deterministic, real formats, and the figures it promises."""

from __future__ import annotations

import json

import pandas as pd

from observatory.demo import generate_demo_territory
from observatory.sources.catalog import DEMO_SOURCES, sha256_of
from observatory.sources.rpps import HEADER


def test_same_spec_gives_byte_identical_files(tmp_path, demo_raw, spec):
    again = generate_demo_territory(tmp_path, spec)
    for name in DEMO_SOURCES:
        assert sha256_of(again[name]) == sha256_of(demo_raw[name]), name


def test_every_file_has_an_origin_record_marked_synthetic(demo_raw):
    for name, path in demo_raw.items():
        origin = json.loads(path.with_name(path.name + ".origin.json").read_text(encoding="utf-8"))
        assert origin["synthetic"] is True
        assert origin["sha256"] == sha256_of(path)
        assert "SYNTHETIC" in origin["producer"]


def test_rpps_header_is_the_real_one(demo_raw, shared_data):
    real = (shared_data / "rpps" / "PS_LibreAcces_Personne_activite_small.txt").read_text(encoding="utf-8")
    generated = demo_raw["rpps_extract"].read_text(encoding="utf-8")
    assert generated.splitlines()[0] == real.splitlines()[0]
    assert generated.splitlines()[0] == "|".join(HEADER) + "|"


def test_population_and_communes_match_the_spec(demo_raw, spec):
    population = pd.read_csv(demo_raw["population"], sep=";", dtype={"CODGEO": str})
    assert len(population) == spec.communes
    assert population["P21_POP"].sum() == spec.population
    bands = population.filter(regex=r"P21_POP\d").sum(axis=1)
    assert (bands == population["P21_POP"]).all()
    contours = json.loads(demo_raw["commune_contours"].read_text(encoding="utf-8"))
    assert {f["properties"]["code"] for f in contours["features"]} == set(population["CODGEO"])


def test_agency_records_reproduce_the_agency_figures(demo_raw, spec):
    cases = pd.read_csv(demo_raw["agency_cases"], sep=";", dtype=str, keep_default_na=False)
    assert len(cases) == spec.cases_contacted
    assert cases["statut"].isin(["accompagnement", "installé", "abandon"]).sum() == 194
    installed = cases[cases["statut"] == "installé"]
    assert len(installed) == 46
    assert (installed["type_installation"] == "durable").sum() == 35
    assert (installed["type_installation"] == "remplacement").sum() == 11
    dates = pd.to_datetime(installed["date_installation"], format="%d/%m/%Y")
    assert ((dates >= "2024-01-01") & (dates <= "2024-03-31")).sum() == 15
