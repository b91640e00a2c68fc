"""Assembly of the static site: pages, data script, downloads and exports; nothing fetched at view time."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import catalogue
from ..publish import replace_atomically
from . import pages
from .downloads import write_downloads
from .exports import export_maps
from .inputs import (AgencyInput, EvolutionInput, HomeInput, MethodInput, PrioritiesInput, ScenariosInput,
                     TerritoriesInput)
from .figures import OVERLAY_COLUMNS, MapLayer, class_layer, epci_outlines, fig_map, overlays, plotly_geojson, quantile_layer
from ..headline import incomplete_register_warning
from .layout import page
from .offline import PLOTLY_CONFIG, write_plotly_bundles

ASSETS = Path(__file__).parent / "assets"


@dataclass
class SiteData:
    """Everything the site shows: the published (aggregate) tables, the contours, settings."""

    territory_name: str
    reference_date: date
    synthetic: bool
    small_count_threshold: int
    desert_thresholds: tuple[float, float]
    boundaries: gpd.GeoDataFrame
    tables: dict[str, pd.DataFrame]
    method: dict = field(default_factory=dict)  # APL bands, rate, travel-time method, retirement age
    map_exports: bool = True

    @property
    def register_vintage(self) -> str:
        """The RPPS extract's vintage as its origin record gives it ("" when unknown)."""
        report = self.tables["source_report"]
        rows = report.loc[report["dataset"] == "rpps_activities", "vintage"]
        return str(rows.iloc[0]) if len(rows) and isinstance(rows.iloc[0], str) else ""


def _number(value):
    return None if value is None or pd.isna(value) else round(float(value), 4)


# The fields of a commune or EPCI sheet (the browser's names) and the published column each shows.
SHEET_FIELDS = {"population": "population", "gps": "gps", "densite": "gp_density", "part55": "share_senior",
                "apl": "apl", "apl_officielle": "official_apl", "classe": "desert_class", "departs5": "departures_5y",
                "departs10": "departures_10y", "minutes": "nearest_gp_minutes"}


def sheet_labels() -> dict[str, str]:
    """Each sheet field's label from the catalogue, with its unit where it is a figure."""
    return {field: catalogue.label(column) + ("" if field == "classe" else f" ({catalogue.unit(column)})")
            for field, column in SHEET_FIELDS.items()}


def absences(row) -> dict[str, str]:
    """Why a sheet's roster figure is missing, when it is: a figure « – » could mean three
    things (secret, no GP, no data), each said in words."""
    def why(known: float, suppressed: bool, unknown: str) -> str:
        if not row.gps > 0:
            return "aucun médecin"
        if not known > 0:
            return unknown
        return "secret statistique" if suppressed else ""

    said = {}
    if pd.isna(row.share_senior):
        said["part55"] = why(row.gps_age_known, bool(row.age_suppressed), "âges inconnus (pas de répertoire)")
    for field, value in (("departs5", row.departures_5y), ("departs10", row.departures_10y)):
        if pd.isna(value):
            said[field] = why(row.gps_known_departure, True, "départs inconnus (pas de répertoire)")
    return {field: text for field, text in said.items() if text}


SUPPLY_COLUMNS = ["gps", "gp_density", "share_senior", "gps_age_known", "age_suppressed"]


def sheet_frames(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Communes and EPCIs with their accessibility and supply figures side by side, as the
    sheets and the maps show them."""
    communes = tables["accessibility_by_commune"].merge(
        tables["gp_supply_by_commune"][["commune_code", *SUPPLY_COLUMNS]], on="commune_code")
    epcis = tables["accessibility_by_epci"].merge(tables["gp_supply_by_epci"][["epci_code", *SUPPLY_COLUMNS]],
                                                  on="epci_code")
    return communes, epcis


def territory_data(tables: dict[str, pd.DataFrame]) -> dict:
    """Per commune and per EPCI: the figures of their pages, and their series over time."""
    series = tables["indicators_over_time"].sort_values("snapshot_date")
    points: dict[tuple, list] = {}
    dates = pd.to_datetime(series["snapshot_date"]).dt.strftime("%Y-%m-%d")
    numbers = [series[c].astype("float64").round(4).astype(object).where(series[c].notna(), None) for c in ("gps", "apl")]
    for level, code, day, gps, apl in zip(series["level"], series["code"], dates, *numbers):
        points.setdefault((level, code), []).append([day, gps, apl])
    communes, epcis = sheet_frames(tables)
    members = communes.groupby("epci_code")["commune_code"].apply(list).to_dict()
    main_departement = communes.groupby("epci_code")["departement_code"].agg(lambda codes: codes.mode().iloc[0])
    departements = tables["accessibility_by_departement"].merge(
        tables["gp_supply_by_departement"][["departement_code", *SUPPLY_COLUMNS]], on="departement_code")
    official = tables["apl_agreement_by_commune"].set_index("commune_code")

    def figures(row) -> dict:
        """A sheet's figures; those of a partial register are not figures (« non disponible »)."""
        usable = bool(row.register_complete)
        shown = (lambda value: _number(value)) if usable else (lambda value: None)
        return {"population": _number(row.population), "gps": shown(row.gps), "densite": shown(row.gp_density),
                "part55": shown(row.share_senior), "apl": shown(row.apl),
                "classe": row.desert_class if isinstance(row.desert_class, str) else None,
                "departs5": shown(row.departures_5y), "departs10": shown(row.departures_10y),
                "absences": absences(row),
                **({} if usable else {"motif": "registre incomplet pour ce département"})}

    return {
        "plotly_config": PLOTLY_CONFIG,
        "reperes": pages.references_sentence(tables["gp_density_references"]),
        "libelles": sheet_labels(),
        "classes": catalogue.class_labels(),
        "departements": {row.departement_code: {"nom": row.departement_name, **figures(row)}
                         for row in departements.itertuples()},
        "communes": {row.commune_code: {"nom": row.commune_name, "dep": row.departement_code,
                                        "epci": row.epci_code if isinstance(row.epci_code, str) else None,
                                        "epci_nom": row.epci_name if isinstance(row.epci_name, str) else None,
                                        "minutes": _number(row.nearest_gp_minutes) if row.register_complete else None,
                                        **figures(row),
                                        **({"apl_officielle": _number(official.at[row.commune_code, "official_apl"]),
                                            "annee_officielle": int(official.at[row.commune_code, "year"])}
                                           if row.commune_code in official.index else {}),
                                        "serie": points.get(("commune", row.commune_code), []) if row.register_complete
                                        else []}
                     for row in communes.itertuples()},
        "epcis": {row.epci_code: {"nom": row.epci_name, "communes": members.get(row.epci_code, []),
                                  "dep": main_departement.get(row.epci_code), **figures(row),
                                  "serie": points.get(("epci", row.epci_code), []) if row.register_complete else []}
                  for row in epcis.itertuples() if isinstance(row.epci_code, str)},
    }


TOWNS_LABELLED = 8  # the most populous communes, named on the maps


def _reasons(table: pd.DataFrame, field: str) -> pd.Series:
    """Why each unit of a map has no value (secret, no GP, no data), as the sheets say it."""
    def reason(row) -> str:
        if not row.register_complete:
            return "registre incomplet"
        return absences(row).get(field) or "donnée absente"
    return pd.Series([reason(row) for row in table.itertuples()], index=table.index, dtype="object")


def map_figures(data: SiteData) -> tuple[dict[str, MapLayer], list, dict]:
    """The maps page's layers (density, APL, desert classes per commune; GPs aged 55 or more
    per EPCI), what every layer shows above it (EPCI borders, the main towns, care
    structures, the agency's installations), and the contours they draw, loaded once."""
    tables = data.tables
    communes, epcis = sheet_frames(tables)
    partial = ~communes["register_complete"].astype(bool)  # a partial register's figures are not drawn as values
    communes.loc[partial, ["gp_density", "apl"]] = np.nan
    geojson = plotly_geojson(data.boundaries)
    membership = data.boundaries.merge(tables["commune_reference"][["commune_code", "epci_code"]], on="commune_code")
    epci_shapes = membership.dropna(subset=["epci_code"]).dissolve("epci_code").reset_index()
    epci_geojson = plotly_geojson(epci_shapes, key="epci_code", name="epci")
    centres = epci_shapes.set_index("epci_code").geometry.to_crs(2154).representative_point().to_crs(4326)
    installations = tables["agency_installations_by_epci"].assign(
        lon=lambda t: t["epci_code"].map(centres.x), lat=lambda t: t["epci_code"].map(centres.y))
    points = data.boundaries.set_index("commune_code").geometry.to_crs(2154).representative_point().to_crs(4326)
    towns = communes.nlargest(TOWNS_LABELLED, "population").assign(
        lon=lambda t: t["commune_code"].map(points.x), lat=lambda t: t["commune_code"].map(points.y))
    epcis = epcis.dropna(subset=["epci_code"]).assign(share_pct=lambda t: t["share_senior"] * 100)
    placement = communes.merge(tables["gp_placement_scores"][["commune_code", "population_out_of_desert"]],
                               on="commune_code", how="left")
    layers = {
        "densite": quantile_layer(geojson, communes, "gp_density", _reasons(communes, "densite"),
                                  title=catalogue.label("gp_density") + " par commune",
                                  unit=catalogue.unit("gp_density"), decimals=1, palette="Blues", group="densite"),
        "apl": quantile_layer(geojson, communes, "apl", _reasons(communes, "apl"),
                              title=catalogue.label("apl") + " par commune", unit=catalogue.unit("apl"), decimals=2,
                              palette="Blues", group="apl"),
        "classes": class_layer(geojson, communes, data.desert_thresholds, group="classes"),
        "age": quantile_layer(epci_geojson, epcis, "share_pct", _reasons(epcis, "part55"),
                              title=catalogue.label("share_senior") + ", par EPCI", unit=catalogue.unit("share_senior"),
                              decimals=0, palette="Oranges", group="age", key="epci_code", name="epci_name",
                              columns=("share_senior",)),
        "installer": quantile_layer(geojson, placement, "population_out_of_desert", _reasons(placement, "installer"),
                                    title=catalogue.label("population_out_of_desert")
                                    + " par un généraliste de plus installé dans la commune",
                                    unit=catalogue.unit("population_out_of_desert"), decimals=0, palette="Greens",
                                    group="installer"),
    }
    above = [epci_outlines(epci_geojson), *overlays(tables["care_structure_locations"], installations, towns)]
    return layers, above, {"communes": geojson, "epci": epci_geojson}


DICTIONARY = "dictionnaire_des_donnees"  # every published column described, downloadable beside the tables


def build_site(site_dir: Path, data: SiteData) -> Path:
    """Write the whole site, replacing the previous one only once complete."""
    dictionary = catalogue.data_dictionary(data.tables)
    published = {name: frame for name, frame in data.tables.items() if name != "commune_boundaries"}
    published[DICTIONARY] = dictionary

    def write(folder: Path) -> None:
        folder.mkdir(parents=True)
        write_plotly_bundles(folder / "assets")
        for asset in ("observatoire.js", "observatoire.css"):
            shutil.copy(ASSETS / asset, folder / "assets" / asset)
        downloads = write_downloads(folder / "data", published)
        (folder / "data" / "territoires.js").write_text(
            "window.OBSERVATOIRE = " + json.dumps(territory_data(data.tables), ensure_ascii=False) + ";\n",
            encoding="utf-8")
        layers, above, contours = map_figures(data)
        (folder / "data" / "contours.js").write_text(
            "window.OBSERVATOIRE_CONTOURS = " + json.dumps(contours, separators=(",", ":")) + ";\n", encoding="utf-8")
        captions = {key: f"{data.territory_name} — {pages.sources_line(data, layer.columns + OVERLAY_COLUMNS)}"
                    for key, layer in layers.items()}
        bounds = tuple(data.boundaries.to_crs(4326).total_bounds)
        the_map = fig_map(layers, "densite", above, bounds, titled=False)
        exports = export_maps({f"carte-{key}": fig_map({key: layer}, key, above, bounds) for key, layer in layers.items()},
                              folder / "exports", {f"carte-{key}": text for key, text in captions.items()}) \
            if data.map_exports else {}
        scripts = ("data/territoires.js", "assets/observatoire.js")
        common = {"territory": data.territory_name, "reference_date": data.reference_date, "synthetic": data.synthetic,
                  "unavailable": incomplete_register_warning(data.tables["gp_register_coverage"]),
                  "register_vintage": data.register_vintage}
        bodies = {
            "index.html": ("Chiffres clés", pages.home(data, HomeInput.of(data.tables)), scripts),
            "cartes.html": ("Cartes", pages.maps(data, the_map, layers, above, exports), ("data/contours.js", *scripts)),
            "evolution.html": ("Évolution", pages.evolution(data, EvolutionInput.of(data.tables)), ()),
            "agence.html": ("Agence d'attractivité", pages.agency(data, AgencyInput.of(data.tables)), ()),
            "territoires.html": ("Communes et EPCI", pages.territories(data, TerritoriesInput.of(data.tables)), scripts),
            "ou-agir.html": ("Où agir", pages.priorities(data, PrioritiesInput.of(data.tables)), scripts),
            "scenarios.html": ("Scénarios", pages.scenarios(data, ScenariosInput.of(data.tables)), scripts),
            "commune.html": ("Commune", pages.territory_page(data, "commune"), scripts),
            "epci.html": ("Intercommunalité", pages.territory_page(data, "epci"), scripts),
            "methode.html": ("Méthode et données", pages.methodology(data, MethodInput.of(data.tables), downloads,
                                                                    dictionary), ()),
        }
        for file, (title, body, extra) in bodies.items():
            (folder / file).write_text(page(file=file, title=title, body=body, scripts=extra, **common), encoding="utf-8")

    return replace_atomically(site_dir, write)
