"""A national-size synthetic input in the real formats: RPPS extract, commune contours
(GeoJSON) and a commune table with populations, for benchmarking.

Communes are spread at France's density (about 35 000 over 550 000 km²) over a
rectangle whose area grows with their number, so that the number of commune pairs
within the APL's reach grows in proportion to the communes, as when a region grows
into the whole country. Every column is drawn with numpy: no per-row Python.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint

from observatory.sources.geography import commune_of_arrondissement

from observatory.sources.rpps import HEADER

FRANCE_KM2_PER_COMMUNE = 550_000 / 35_000
FRANCE_POPULATION_PER_COMMUNE = 67_000_000 / 35_000
DEPARTEMENT_CODES = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]
OTHER_PROFESSIONS = (("60", "Infirmier"), ("70", "Masseur-Kinésithérapeute"), ("21", "Pharmacien"),
                     ("40", "Chirurgien-Dentiste"), ("50", "Sage-Femme"), ("10", "Médecin"))


@dataclass(frozen=True)
class NationalSize:
    communes: int = 35_000
    gps: int = 100_000
    register_rows: int = 1_200_000

    def scaled(self, factor: float) -> "NationalSize":
        return NationalSize(int(self.communes * factor), int(self.gps * factor), int(self.register_rows * factor))


def commune_table(size: NationalSize, rng: np.random.Generator) -> pd.DataFrame:
    """Codes, interior points, areas and populations, grouped into départements."""
    n = size.communes
    side_km = np.sqrt(n * FRANCE_KM2_PER_COMMUNE)
    lat0, lon0 = 46.5, 2.5
    lat = lat0 + rng.uniform(-0.5, 0.5, n) * side_km / 111.2
    lon = lon0 + rng.uniform(-0.5, 0.5, n) * side_km / (111.2 * np.cos(np.radians(lat0)))
    order = np.lexsort((lon, np.floor((lat - lat.min()) / (np.ptp(lat) / 10 + 1e-12))))  # bands, then west to east
    departements = np.array(DEPARTEMENT_CODES)[np.minimum(np.arange(n) * len(DEPARTEMENT_CODES) // n,
                                                          len(DEPARTEMENT_CODES) - 1)]
    frame = pd.DataFrame({"lon": lon[order], "lat": lat[order], "insee_dep": departements})
    number = frame.groupby("insee_dep").cumcount() + 1
    codes = frame["insee_dep"] + number.map("{:03d}".format)
    # no code of an arrondissement of Paris, Lyon or Marseille: the register's reader folds
    # those into their commune (75056…), which would gather twenty communes' GPs in one
    arrondissement = (commune_of_arrondissement(codes) != codes).to_numpy()
    renumbered = frame["insee_dep"] + (ARRONDISSEMENT_RENUMBERING + number).map("{:03d}".format)
    frame["insee_com"] = np.where(arrondissement, renumbered, codes)
    population = rng.lognormal(np.log(450), 1.3, n)
    frame["population_2021"] = np.maximum(1, np.round(population / population.mean() * FRANCE_POPULATION_PER_COMMUNE)).astype(int)
    return frame


def contours(communes: pd.DataFrame) -> list:
    """Voronoi cells of the interior points, clipped to their bounding box (WGS84)."""
    points = MultiPoint(np.column_stack([communes["lon"], communes["lat"]]))
    box = shapely.box(*points.bounds).buffer(0.01)
    cells = shapely.voronoi_polygons(points, extend_to=box, ordered=True)
    return shapely.orient_polygons(shapely.set_precision(shapely.intersection(np.array(cells.geoms), box), 1e-5))


REGISTER_NAME = "PS_LibreAcces_Personne_activite.txt"
ARRONDISSEMENT_RENUMBERING = 500  # past any département's count of communes here (about 365)
GP_COMMUNE_FLOOR = 250  # inhabitants: the smallest commune where the generator settles a GP


def register_frame(size: NationalSize, communes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """RPPS activity lines: GPs (some with a second activity), other professions, and
    registered people without a practice address, to ``register_rows`` lines."""
    weights = communes["population_2021"].to_numpy(dtype="float64")
    weights /= weights.sum()
    second = size.gps // 10
    others = size.register_rows - size.gps - second
    gp_ids = rng.choice(np.arange(10_000_000, 99_999_999), size=size.gps, replace=False) if size.gps \
        else np.array([], dtype="int64")
    rows = len(gp_ids) + second + others
    frame = pd.DataFrame({column: "" for column in HEADER}, index=pd.RangeIndex(rows))
    ids = np.concatenate([gp_ids, gp_ids[:second], np.arange(others) + 200_000_000])
    frame["Type d'identifiant PP"] = "8"
    frame["Identifiant PP"] = pd.Series(ids).map("{:011d}".format).to_numpy()
    frame["Nom d'exercice"] = rng.choice(["MARTIN", "BERNARD", "DUBOIS", "LEFÈVRE", "GARÇON"], rows)
    frame["Prénom d'exercice"] = rng.choice(["Hélène", "Jérôme", "Anaïs", "Noël"], rows)
    professions = rng.integers(0, len(OTHER_PROFESSIONS), others)
    gp_rows = size.gps + second
    frame["Code profession"] = np.concatenate([np.full(gp_rows, "10"), [OTHER_PROFESSIONS[p][0] for p in professions]])
    frame["Libellé profession"] = np.concatenate([np.full(gp_rows, "Médecin"),
                                                  [OTHER_PROFESSIONS[p][1] for p in professions]])
    frame.loc[: gp_rows - 1, "Code savoir-faire"] = "SM53"
    frame.loc[: gp_rows - 1, "Libellé savoir-faire"] = "Spécialiste en Médecine Générale"
    frame["Code mode exercice"] = rng.choice(["L", "L", "L", "S"], rows)
    located = rng.choice(len(communes), rows, p=weights)
    # GPs practise in communes of some size, as in France: a GP in a hamlet of 40 would make a
    # density the observatory's plausibility check rightly refuses (over 200 per 10 000)
    population = communes["population_2021"].to_numpy(dtype="float64")
    practice = np.where(population >= GP_COMMUNE_FLOOR, population, 0.0)
    located[:gp_rows] = rng.choice(len(communes), gp_rows, p=practice / practice.sum())
    second_rows = located[size.gps:gp_rows]  # a view: a second activity elsewhere than the first (else a duplicate)
    while (same := second_rows == located[:second]).any():
        second_rows[same] = rng.choice(len(communes), int(same.sum()), p=practice / practice.sum())
    frame["Code commune (coord. structure)"] = communes["insee_com"].to_numpy()[located]
    unlocated = rng.random(rows) < 0.08
    unlocated[:gp_rows] = False
    frame.loc[unlocated, "Code commune (coord. structure)"] = ""
    frame["Identifiant technique de la structure"] = pd.Series(located).map("S{:09d}".format).to_numpy()
    frame.columns = [*HEADER]
    frame[""] = ""  # the extract's trailing separator
    return frame


def national_input(work: Path, scale: float = 1.0, register_factor: int = 1) -> dict[str, Path]:
    """The input at ``scale`` under ``work/scale-<scale>/raw``, generated once and reused by
    every benchmark (the generator is slow at full size); with a ``register_factor``, the
    same communes and GPs with that many times the register's lines (more of the other
    professions: the register of every profession over years), under ``…-register-<factor>``."""
    folder = Path(work) / f"scale-{scale:g}" / "raw"
    paths = {"rpps_extract": folder / REGISTER_NAME, "population": folder / "communes_national_pop.csv",
             "commune_contours": folder / "communes.geojson"}
    if not (folder / "size.json").exists():
        paths = generate(folder, NationalSize().scaled(scale))
    if register_factor == 1:
        return paths
    larger = Path(work) / f"scale-{scale:g}-register-{register_factor}" / "raw"
    if not (larger / "size.json").exists():
        larger.mkdir(parents=True, exist_ok=True)
        for name in ("population", "commune_contours"):
            (larger / paths[name].name).unlink(missing_ok=True)
            (larger / paths[name].name).symlink_to(paths[name])
        write_larger_register(larger / REGISTER_NAME, paths, register_factor)
        (larger / "size.json").write_text(json.dumps({"register_factor": register_factor}))
    return {**paths, "rpps_extract": larger / REGISTER_NAME}


def write_larger_register(path: Path, paths: dict[str, Path], factor: int, seed: int = 9) -> None:
    """The register of ``paths`` followed by ``factor - 1`` times as many lines of other
    professions, written part by part so the generator's memory stays flat. The added lines
    are more activities of the same professionals (each keeps one profession across the
    added parts), as a longer register of France would be: France has about 1.3 million
    health professionals, as many as the input already holds, not ten times more."""
    shutil.copyfile(paths["rpps_extract"], path)
    communes = pd.read_csv(paths["population"], dtype={"insee_com": str, "insee_dep": str})
    rows = json.loads((paths["population"].parent / "size.json").read_text())["register_rows"]
    rng = np.random.default_rng(seed)
    with path.open("a", encoding="utf-8", newline="") as out:
        for part in range(1, factor):
            frame = register_frame(NationalSize(len(communes), 0, rows), communes, rng)
            profession = (frame["Identifiant PP"].astype("int64") % len(OTHER_PROFESSIONS)).to_numpy()
            frame["Code profession"] = np.array([code for code, _ in OTHER_PROFESSIONS])[profession]
            frame["Libellé profession"] = np.array([label for _, label in OTHER_PROFESSIONS])[profession]
            frame.to_csv(out, sep="|", index=False, header=False, quoting=csv.QUOTE_NONE, lineterminator="\n")


def generate(out_dir: Path, size: NationalSize = NationalSize(), seed: int = 8) -> dict[str, Path]:
    """Write the three files into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    communes = commune_table(size, rng)
    paths = {"rpps_extract": out_dir / REGISTER_NAME,
             "population": out_dir / "communes_national_pop.csv", "commune_contours": out_dir / "communes.geojson"}
    register_frame(size, communes, rng).to_csv(paths["rpps_extract"], sep="|", index=False, quoting=csv.QUOTE_NONE,
                                               lineterminator="\n")
    communes[["insee_com", "insee_dep", "lat", "lon", "population_2021"]].rename(columns={"lon": "lng"}).to_csv(
        paths["population"], index=False, lineterminator="\n")
    geometry = contours(communes)
    features = ",".join(
        '{"type":"Feature","properties":{"code":"%s","nom":"Commune %s"},"geometry":%s}' % (code, code, shapely.to_geojson(g))
        for code, g in zip(communes["insee_com"], geometry))
    paths["commune_contours"].write_text('{"type":"FeatureCollection","features":[' + features + "]}", encoding="utf-8")
    (out_dir / "size.json").write_text(json.dumps(size.__dict__))
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size")
    arguments = parser.parse_args()
    generate(Path(arguments.out_dir), NationalSize().scaled(arguments.scale))
