"""Synthetic FINESS extract (the legacy etalab layout, so that the demo keeps that reader
at work): health centres, hospitals, clinics, and out-of-scope establishments (pharmacies,
nursing homes) that the reader must skip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj

from ..sources.care_structures import STRUCTURE_FIELDS
from .spec import DemoSpec

LEGACY_FINESS_EXTRACT = "etalab-cs1100507-stock.csv"

# (category, label, how many, placed in towns only)
CATEGORIES = (
    ("603", "Maison de santé (L.6223-3)", 24, False),
    ("124", "Centre de Santé", 3, True),
    ("355", "Centre Hospitalier (C.H.)", 3, True),
    ("106", "Centre hospitalier, ex Hôpital local", 2, False),
    ("365", "Etablissement de Soins Pluridisciplinaire", 2, True),
    ("620", "Pharmacie d'Officine", 40, False),
    ("500", "Etablissement d'hébergement pour personnes âgées dépendantes", 30, False),
)


def finess_lines(rng: np.random.Generator, spec: DemoSpec, communes: pd.DataFrame) -> list[str]:
    to_lambert = pyproj.Transformer.from_crs(4326, 2154, always_xy=True)
    lines = [f"finess;etalab;95;{spec.reference_date.isoformat()}"]
    locations = []
    number = 0
    towns = communes[communes["town"]]
    villages = communes[communes["population"] > 800]
    for category, label, count, in_towns in CATEGORIES:
        pool = towns if in_towns else villages
        for _ in range(count):
            number += 1
            commune = pool.iloc[rng.integers(len(pool))]
            finess = f"{spec.departement}{number:07d}"
            kind = label.split(" (")[0].upper()
            values = dict.fromkeys(STRUCTURE_FIELDS, "")
            values |= {"structureet": "structureet", "nofinesset": finess, "nofinessej": f"{spec.departement}{number + 5000:07d}",
                       "rs": f"{kind} DE {commune['name'].upper()}", "commune": commune["code"][2:],
                       "departement": spec.departement, "libdepartement": spec.departement_name.upper(),
                       "ligneacheminement": f"{commune['code'][:4]}0 {commune['name'].upper()}",
                       "categetab": category, "libcategetab": label, "dateouv": f"{rng.integers(1975, 2024)}-09-01",
                       "datemaj": spec.reference_date.isoformat()}
            lines.append(";".join(values[f] for f in STRUCTURE_FIELDS))
            x, y = to_lambert.transform(commune["lon"] + rng.normal(0, 0.004), commune["lat"] + rng.normal(0, 0.003))
            locations.append(";".join(["geolocalisation", finess, f"{x:.1f}", f"{y:.1f}",
                                       "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", spec.reference_date.isoformat()]))
    return lines + locations
