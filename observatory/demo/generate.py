"""Write the demo territory's raw files, each with its origin record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ..sources.catalog import DEMO_SOURCES, SOURCES_BY_NAME, vintage_from_name, write_origin
from .agency import case_records, plan_budget
from .roads import write_road_network
from .practitioners import build_gps, departed_gps, roster_frame, rpps_extract_lines, snapshot_lines
from .spec import DemoSpec
from .structures import LEGACY_FINESS_EXTRACT, finess_lines
from .territory import build_communes, cpts_zoning

PRODUCER = "observatory demo generator (SYNTHETIC data, not a real territory)"


def _write_text(path: Path, lines: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def _geojson(communes: pd.DataFrame) -> str:
    features = [
        {"type": "Feature", "geometry": json.loads(shapely.to_geojson(row.geometry)),
         "properties": {"code": row.code, "nom": row.name}}
        for row in communes.itertuples()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))


def demo_scenarios(communes: pd.DataFrame, gps: pd.DataFrame) -> pd.DataFrame:
    """Four what-if scenarios in the documented layout: a maison de santé of three GPs in the
    most populous commune without a GP, two GPs in the next two, retirement at 70, and the two
    oldest liberal GPs staying (computed, never published: it would tell whether they leave)."""
    without = communes[~np.isin(np.arange(len(communes)), gps["commune"])].nlargest(3, "population")
    first, *others = without.itertuples()
    rows = [{"scenario": f"MSP de 3 généralistes à {first.name}", "action": "add_msp", "commune_code": first.code,
             "count": 3, "value": "", "comment": "maison de santé pluriprofessionnelle"},
            *({"scenario": "Deux généralistes dans deux communes sans médecin", "action": "add_gps",
               "commune_code": row.code, "count": 1, "value": "", "comment": row.name} for row in others),
            {"scenario": "Départ à la retraite à 70 ans", "action": "retirement_age", "commune_code": "", "count": "",
             "value": 70, "comment": "au lieu de 67"},
            *({"scenario": "Les deux médecins les plus âgés restent", "action": "keep_gp", "rpps_id": rpps,
               "comment": "départ reporté"} for rpps in gps[gps["liberal"]].nsmallest(2, "birth_year")["rpps_id"])]
    return pd.DataFrame(rows, columns=["scenario", "action", "commune_code", "count", "rpps_id", "value", "comment"])


def generate_demo_territory(raw_dir: Path, spec: DemoSpec = DemoSpec()) -> dict[str, Path]:
    """Write every raw file of the demo territory into ``raw_dir``; return their paths.

    The same ``spec`` always writes the same bytes (origin records aside, which carry
    the time of writing).
    """
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    communes = build_communes(rng, spec)
    gps = build_gps(rng, spec, communes)
    paths = {name: raw_dir / SOURCES_BY_NAME[name].filename for name in DEMO_SOURCES}
    paths["care_structures"] = raw_dir / LEGACY_FINESS_EXTRACT
    paths["zonings"] = raw_dir / "zonages" / "cpts.csv"

    history_rng = np.random.default_rng(spec.seed + 1)  # earlier snapshots drawn apart from the current files
    departed = departed_gps(history_rng, spec, communes)
    register = rpps_extract_lines(rng, spec, communes, gps)
    _write_text(paths["rpps_extract"], register)
    roster_frame(rng, spec, gps, departed).to_csv(paths["gp_roster"], sep=";", index=False, lineterminator="\n")
    year = f"P{spec.census_year % 100:02d}"
    population = communes[["code", "population", "pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus"]]
    population.columns = ["CODGEO", f"{year}_POP", f"{year}_POP0014", f"{year}_POP1529", f"{year}_POP3044",
                          f"{year}_POP4559", f"{year}_POP6074", f"{year}_POP75P"]
    population.to_csv(paths["population"], sep=";", index=False, lineterminator="\n")
    paths["commune_contours"].write_text(_geojson(communes), encoding="utf-8")
    epci = pd.DataFrame({"CODGEO": communes["code"], "LIBGEO": communes["name"], "EPCI": communes["epci_code"],
                         "LIBEPCI": communes["epci_name"], "DEP": spec.departement, "REG": "00"})
    epci.to_csv(paths["epci_membership"], sep=";", index=False, lineterminator="\n")
    _write_text(paths["care_structures"], finess_lines(rng, spec, communes), encoding="latin-1")
    cases = case_records(rng, spec, communes, gps)
    cases.to_csv(paths["agency_cases"], sep=";", index=False, lineterminator="\n")
    installed = cases[cases["identifiant_rpps"] != ""]
    arrivals = dict(zip(installed["identifiant_rpps"], pd.to_datetime(installed["date_installation"], format="%d/%m/%Y")))
    for snapshot in spec.snapshot_dates:
        path = raw_dir / "snapshots" / f"PS_LibreAcces_Personne_activite_{snapshot:%Y%m%d}0800.txt"
        path.parent.mkdir(exist_ok=True)
        _write_text(path, snapshot_lines(history_rng, register, departed, communes, arrivals, pd.Timestamp(snapshot)))
        paths[f"rpps_snapshot_{snapshot:%Y%m%d}"] = path

    gps_liberal = int(gps["liberal"].sum())
    nurses_liberal = 850  # the CNAM's count, near the register's (two in three of its 1 150 nurses are liberal)
    benchmark = pd.DataFrame({
        "annee": spec.reference_date.year, "profession_sante": ["Ensemble des médecins généralistes", "Infirmiers"],
        "region": "00", "libelle_region": "Démonstration", "departement": spec.departement,
        "libelle_departement": spec.departement_name, "classe_age": "tout_age", "libelle_classe_age": "Tout âge",
        "libelle_sexe": "tout sexe", "effectif": [gps_liberal + spec.benchmark_extra_gps, nurses_liberal],
        "densite": [round((gps_liberal + spec.benchmark_extra_gps) / spec.population * 100_000, 1),
                    round(nurses_liberal / spec.population * 100_000, 1)],
        "vision_generale_all": "oui", "vision_generale_prescriptions": "oui", "vision_profession_territoire": "oui",
    })
    benchmark.to_csv(paths["gp_benchmark"], index=False, lineterminator="\n")
    plan_budget(spec).to_csv(paths["plan_budget"], sep=";", index=False, lineterminator="\n")
    write_road_network(paths["osm_extract"], communes)
    paths["scenarios"].parent.mkdir(exist_ok=True)
    demo_scenarios(communes, gps).to_csv(paths["scenarios"], sep=";", index=False, lineterminator="\n")
    paths["zonings"].parent.mkdir(exist_ok=True)
    cpts_zoning(communes).to_csv(paths["zonings"], sep=";", index=False, lineterminator="\n")
    for name, path in paths.items():
        vintage = vintage_from_name(path.name) if name.startswith("rpps_snapshot") else spec.reference_date.isoformat()
        write_origin(path, producer=PRODUCER, url="", licence="synthetic data, free to use", vintage=vintage,
                     synthetic=True)
    return paths
