"""Assembly of the static site: pages, data script, downloads and exports; nothing fetched at view time."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import catalogue
from ..beside import Beside
from ..publish import swap_in, write_version
from . import pages, professions, zones
from .downloads import two_shares, write_downloads
from .exports import export_maps
from .inputs import (AgencyInput, EvolutionInput, HomeInput, MethodInput, PrioritiesInput, ScenariosInput,
                     TerritoriesInput, ZonesInput)
from .figures import (OVERLAY_COLUMNS, MapLayer, class_layer, fig_map, for_export, outlines, overlays, plotly_geojson,
                      quantile_layer)
from ..headline import incomplete_register_warning
from .layout import absences, page
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
    maps_by_departement: bool = False  # France's overview and a maps page per département (national scale)

    @functools.cached_property
    def register_vintage(self) -> str:
        """The RPPS extract's vintage as its origin record gives it ("" when unknown; read once:
        every figure's source line says it)."""
        report = self.tables["source_report"]
        rows = report.loc[report["dataset"] == "rpps_activities", "vintage"]
        return str(rows.iloc[0]) if len(rows) and isinstance(rows.iloc[0], str) else ""


def _number(value):
    return None if value is None or pd.isna(value) else round(float(value), 4)


# The fields of a commune or EPCI sheet (the browser's names) and the published column each shows.
SHEET_FIELDS = {"population": "population", "gps": "gps", "densite": "gp_density", "part55": "share_senior",
                "apl": "apl", "apl_officielle": "official_apl", "classe": "desert_class", "departs5": "departures_5y",
                "departs10": "departures_10y", "minutes": "nearest_gp_minutes", "profession": "profession",
                "effectif": "headcount", "densite_profession": "density"}


def sheet_labels() -> dict[str, str]:
    """Each sheet field's label from the catalogue, with its unit where it is a figure."""
    return {name: catalogue.label(column) + ("" if name in ("classe", "profession") else f" ({catalogue.unit(column)})")
            for name, column in SHEET_FIELDS.items()}


SUPPLY_COLUMNS = ["gps", "gp_density", "share_senior", "gps_age_known", "age_suppressed"]


def sheet_frames(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Communes and EPCIs with their accessibility and supply figures side by side, as the
    sheets and the maps show them."""
    communes = tables["accessibility_by_commune"].merge(
        tables["gp_supply_by_commune"][["commune_code", *SUPPLY_COLUMNS]], on="commune_code")
    epcis = tables["accessibility_by_epci"].merge(tables["gp_supply_by_epci"][["epci_code", *SUPPLY_COLUMNS]],
                                                  on="epci_code")
    return communes, epcis


def departement_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Départements with their accessibility and supply figures side by side."""
    return tables["accessibility_by_departement"].merge(
        tables["gp_supply_by_departement"][["departement_code", *SUPPLY_COLUMNS]], on="departement_code")


def territory_data(tables: dict[str, pd.DataFrame]) -> tuple[dict, dict[str, dict]]:
    """What the sheets show, in two parts: an index every page loads (labels, the
    départements' figures, each commune's and EPCI's name, département and population, for
    the search) and, per département, the figures and series of its communes and of the
    EPCIs having a commune in it, loaded by a sheet when opened (France's would be 15 MB)."""
    series = tables["indicators_over_time"].sort_values("snapshot_date")
    points: dict[tuple, list] = {}
    dates = pd.to_datetime(series["snapshot_date"]).dt.strftime("%Y-%m-%d")
    numbers = [series[c].astype("float64").round(4).astype(object).where(series[c].notna(), None) for c in ("gps", "apl")]
    for level, code, day, gps, apl in zip(series["level"], series["code"], dates, *numbers):
        points.setdefault((level, code), []).append([day, gps, apl])
    communes, epcis = sheet_frames(tables)
    members = communes.groupby("epci_code")["commune_code"].apply(list).to_dict()
    main_departement = communes.groupby("epci_code")["departement_code"].agg(lambda codes: codes.mode().iloc[0])
    departements = departement_frame(tables)
    official = tables["apl_agreement_by_commune"].set_index("commune_code")
    staff = {level: professions.sheet_rows(tables[f"profession_supply_by_{level}"], f"{level}_code")
             for level in ("commune", "epci", "departement")}

    def figures(row) -> dict:
        """A sheet's figures; a partial register's are blank in the published tables, and its
        motif says why (« non disponible »)."""
        usable = bool(row.register_complete)
        return {"population": _number(row.population), "gps": _number(row.gps), "densite": _number(row.gp_density),
                "part55": _number(row.share_senior), "apl": _number(row.apl),
                "classe": row.desert_class if isinstance(row.desert_class, str) else None,
                "departs5": _number(row.departures_5y), "departs10": _number(row.departures_10y),
                "absences": absences(row),
                **({} if usable else {"motif": "registre incomplet pour ce département"})}

    sheets = {
        "communes": {row.commune_code: {"nom": row.commune_name, "dep": row.departement_code,
                                        "epci": row.epci_code if isinstance(row.epci_code, str) else None,
                                        "epci_nom": row.epci_name if isinstance(row.epci_name, str) else None,
                                        "minutes": _number(row.nearest_gp_minutes),
                                        **figures(row),
                                        **({"apl_officielle": _number(official.at[row.commune_code, "official_apl"]),
                                            "annee_officielle": int(official.at[row.commune_code, "year"])}
                                           if row.commune_code in official.index else {}),
                                        "serie": points.get(("commune", row.commune_code), []) if row.register_complete
                                        else [], "professions": staff["commune"].get(row.commune_code, [])}
                     for row in _plain(communes).itertuples()},
        "epcis": {row.epci_code: {"nom": row.epci_name, "communes": members.get(row.epci_code, []),
                                  "dep": main_departement.get(row.epci_code), **figures(row),
                                  "serie": points.get(("epci", row.epci_code), []) if row.register_complete else [],
                                  "professions": staff["epci"].get(row.epci_code, [])}
                  for row in _plain(epcis).itertuples() if isinstance(row.epci_code, str)},
    }
    index = {
        "plotly_config": PLOTLY_CONFIG,
        "reperes": pages.references_sentence(tables["gp_density_references"]),
        "libelles": sheet_labels(),
        "classes": catalogue.class_labels(),
        "professions": professions.labels(),
        "departements": {row.departement_code: {"nom": row.departement_name, **figures(row),
                                                "professions": staff["departement"].get(row.departement_code, [])}
                         for row in departements.itertuples()},
        **{kind: {code: {"nom": item["nom"], "dep": item["dep"], "population": item["population"]}
                  for code, item in items.items()} for kind, items in sheets.items()},
    }
    epcis_of = communes.dropna(subset=["epci_code"]).groupby("departement_code")["epci_code"].unique()
    by_departement = {departement: {"communes": {}, "epcis": {code: sheets["epcis"][code]
                                                              for code in epcis_of.get(departement, [])
                                                              if code in sheets["epcis"]}}
                      for departement in index["departements"]}
    for code, item in sheets["communes"].items():
        by_departement[item["dep"]]["communes"][code] = item
    return index, by_departement


TOWNS_LABELLED = 8  # the most populous communes, named on the maps


ABSENCE_COLUMNS = ["gps", "share_senior", "gps_age_known", "age_suppressed", "departures_5y", "departures_10y",
                   "gps_known_departure", "register_complete", "catchment_complete"]  # what ``absences`` reads


def _reasons(table: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Why each unit of a map has no value (secret, no GP, no data), as the sheets say it,
    for each of ``fields`` (columns ``why_<field>``)."""
    def reasons(row) -> list[str]:
        if not row.register_complete:
            return ["registre incomplet"] * len(fields)
        said = absences(row)
        return [said.get(name) or "donnée absente" for name in fields]
    table = table.assign(catchment_complete=table.get("catchment_complete", True))  # communes only
    rows = [reasons(row) for row in _plain(table[ABSENCE_COLUMNS]).itertuples()]
    return pd.DataFrame(rows or None, index=table.index, columns=[f"why_{name}" for name in fields], dtype=object)


COMMUNE_LAYERS = ("densite", "apl", "installer")  # the maps' commune layers drawn from a value
DENSITY_COLUMNS = [f"{kind}density_{profession.key}" for profession in professions.OTHER_PROFESSIONS
                   for kind in ("", "why_")]  # each other profession's layer
# What the maps draw (a hundred pages slice these frames: narrow ones slice fast).
MAP_COMMUNE_COLUMNS = ["commune_code", "commune_name", "departement_code", "epci_code", "population", "gp_density",
                       "apl", "desert_class", "population_out_of_desert", *(f"why_{name}" for name in COMMUNE_LAYERS),
                       *DENSITY_COLUMNS]
MAP_EPCI_COLUMNS = ["epci_code", "epci_name", "share_pct", "why_part55"]
ZONE_LAYERS = ("densite", "apl", "desert")  # each zoning's layers, keys ``zone_<zoning>_<layer>`` (not exported)
ZONE_LAYER = "zone_"
MAP_ZONE_COLUMNS = ["location", "zoning", "zoning_label", "zone_name", "gp_density", "apl", "desert_pct",
                    *(f"why_{name}" for name in ZONE_LAYERS)]


@dataclass
class MapSources:
    """What every map page draws, prepared once for the whole territory: the figures per
    commune and EPCI (a partial register's not drawn as values), the web contours, the points
    where towns and installations are marked."""

    communes: pd.DataFrame
    epcis: pd.DataFrame
    contours: dict[str, dict]
    points: pd.DataFrame
    installations: pd.DataFrame
    structures: pd.DataFrame
    thresholds: tuple[float, float]
    zones: pd.DataFrame  # every zone of every zoning, ``location`` its id on the maps
    zone_members: pd.DataFrame  # each commune's zone (``location``) in each zoning

    @functools.cached_property
    def features(self) -> dict[str, dict[str, dict]]:
        """Each contours' features by code."""
        return {name: {feature["id"]: feature for feature in shapes["features"]} for name, shapes in self.contours.items()}

    def contours_of(self, name: str, codes) -> dict:
        """The contours ``name`` of ``codes`` only."""
        features = self.features[name]
        return {**self.contours[name], "features": [features[code] for code in dict.fromkeys(codes) if code in features]}

    @classmethod
    def of(cls, data: SiteData) -> "MapSources":
        tables = data.tables
        communes, epcis = sheet_frames(tables)
        communes = communes.merge(tables["gp_placement_scores"][["commune_code", "population_out_of_desert"]],
                                  on="commune_code", how="left")
        communes = communes.merge(professions.density_columns(tables["profession_supply_by_commune"], "commune_code"),
                                  on="commune_code", how="left")
        membership = data.boundaries.merge(tables["commune_reference"][["commune_code", "epci_code"]], on="commune_code")
        epci_shapes = membership.dropna(subset=["epci_code"]).dissolve("epci_code", method="coverage").reset_index()
        centres = epci_shapes.set_index("epci_code").geometry.to_crs(2154).representative_point().to_crs(4326)
        points = data.boundaries.set_index("commune_code").geometry.to_crs(2154).representative_point().to_crs(4326)
        epcis = epcis.dropna(subset=["epci_code"]).assign(share_pct=lambda t: t["share_senior"] * 100)
        communes = communes.join(_reasons(communes, COMMUNE_LAYERS))
        epcis = epcis.join(_reasons(epcis, ("part55",)))
        zoned = zones.zone_frame(ZonesInput.of(tables))
        zoned = zoned.assign(location=[zones.location(*key) for key in zip(zoned["zoning"], zoned["zone_code"])],
                             desert_pct=zoned["share_desert"] * 100)
        zoned = zoned.join(_reasons(zoned, ZONE_LAYERS))
        members = tables["commune_zones"].assign(location=lambda t: [zones.location(*key) for key in zip(
            t["zoning"], t["zone_code"])])
        zone_contours = {ZONE_LAYER + zoning: plotly_geojson(
            data.boundaries.merge(rows[["commune_code", "location"]], on="commune_code").dissolve(
                "location", method="coverage").reset_index(), key="location", name=ZONE_LAYER + zoning)
            for zoning, rows in members.groupby("zoning")}
        return cls(communes=_plain(communes[MAP_COMMUNE_COLUMNS]), epcis=_plain(epcis[MAP_EPCI_COLUMNS]),
                   contours={"communes": plotly_geojson(data.boundaries),
                             "epci": plotly_geojson(epci_shapes, key="epci_code", name="epci"), **zone_contours},
                   zones=_plain(zoned[MAP_ZONE_COLUMNS]), zone_members=_plain(members[["commune_code", "location"]]),
                   points=pd.DataFrame({"lon": points.x, "lat": points.y}).rename_axis("commune_code"),
                   installations=_plain(tables["agency_installations_by_epci"].assign(
                       lon=lambda t: t["epci_code"].map(centres.x), lat=lambda t: t["epci_code"].map(centres.y))),
                   structures=_plain(tables["care_structure_locations"]), thresholds=data.desert_thresholds)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python strings: a hundred map pages each take slices of them, which
    Arrow-backed strings make slow (a conversion per slice)."""
    return frame.astype({column: object for column in frame.columns if pd.api.types.is_string_dtype(frame[column])})


@dataclass
class MapPage:
    """One maps page: its title, layers, what is drawn above them, the contours it loads, its
    frame, what a click on it opens and the other maps pages it links to."""

    title: str
    layers: dict[str, MapLayer]
    above: list[dict]
    contours: dict[str, dict]
    bounds: tuple[float, float, float, float]
    clicked: str = "commune"
    links: list[tuple[str, str]] = field(default_factory=list)
    zonings: dict[str, str] = field(default_factory=dict)  # the zonings drawn, by key: their names

    @property
    def levels(self) -> dict[str, str]:
        """Each layer's level, as the selector groups them (« Par commune », « Par EPCI », each zoning)."""
        named = {"age": "Par EPCI"} if self.clicked == "commune" else {}
        named |= {f"{ZONE_LAYER}{zoning}_{layer}": f"Par zone : {label}" for zoning, label in self.zonings.items()
                  for layer in ZONE_LAYERS}
        return {key: named.get(key, "Par commune" if self.clicked == "commune" else "Par département")
                for key in self.layers}


def _bounds(contours: dict) -> tuple[float, float, float, float]:
    """West, south, east, north of the contours' coordinates (lon/lat)."""
    coordinates = np.concatenate([np.asarray(ring, dtype="float64").reshape(-1, 2)
                                  for feature in contours["features"]
                                  for polygon in (feature["geometry"]["coordinates"]
                                                  if feature["geometry"]["type"] == "MultiPolygon"
                                                  else [feature["geometry"]["coordinates"]])
                                  for ring in polygon[:1]])
    return (*coordinates.min(axis=0), *coordinates.max(axis=0))


def commune_map(sources: MapSources, title: str, communes: pd.DataFrame | None = None,
                links: list[tuple[str, str]] | None = None) -> MapPage:
    """The maps page of ``communes`` (rows of ``sources.communes``, all when None): density, APL,
    desert classes, where one more GP would help most, per commune; GPs aged 55 or more per
    EPCI; with EPCI borders, the main towns, care structures and the agency's installations."""
    communes = sources.communes if communes is None else communes
    codes, epci_codes = communes["commune_code"], communes["epci_code"].dropna().unique()
    epcis = sources.epcis[sources.epcis["epci_code"].isin(epci_codes)]
    contours = {"communes": sources.contours_of("communes", codes), "epci": sources.contours_of("epci", epci_codes)}
    towns = communes.nlargest(TOWNS_LABELLED, "population")
    towns = towns.assign(**sources.points.loc[towns["commune_code"]].to_dict("list"))
    structures = sources.structures[sources.structures["commune_code"].isin(codes)]
    installations = sources.installations[sources.installations["epci_code"].isin(epci_codes)]
    layers = {
        "densite": quantile_layer("communes", communes, "gp_density", communes["why_densite"],
                                  title=catalogue.label("gp_density") + " par commune",
                                  unit=catalogue.unit("gp_density"), decimals=1, palette="Blues", group="densite"),
        "apl": quantile_layer("communes", communes, "apl", communes["why_apl"],
                              title=catalogue.label("apl") + " par commune", unit=catalogue.unit("apl"), decimals=2,
                              palette="Blues", group="apl"),
        "classes": class_layer("communes", communes, sources.thresholds, group="classes"),
        "age": quantile_layer("epci", epcis, "share_pct", epcis["why_part55"],
                              title=catalogue.label("share_senior") + ", par EPCI", unit=catalogue.unit("share_senior"),
                              decimals=0, palette="Oranges", group="age", key="epci_code", name="epci_name",
                              columns=("share_senior",)),
        "installer": quantile_layer("communes", communes, "population_out_of_desert", communes["why_installer"],
                                    title=catalogue.label("population_out_of_desert")
                                    + " par un généraliste de plus installé dans la commune",
                                    unit=catalogue.unit("population_out_of_desert"), decimals=0, palette="Greens",
                                    group="installer"),
        **profession_layers("communes", communes, "par commune"),
    }
    zonings = {}
    for zoning, shown in sources.zones[sources.zones["location"].isin(
            sources.zone_members.loc[sources.zone_members["commune_code"].isin(codes), "location"])].groupby("zoning"):
        name = ZONE_LAYER + zoning
        contours[name] = sources.contours_of(name, shown["location"])
        layers.update(zone_layers(name, shown))
        zonings[zoning] = shown["zoning_label"].iloc[0]
    above = [outlines(contours["epci"]), *overlays(structures, installations, towns)]
    return MapPage(title, layers, above, contours, _bounds(contours["communes"]), links=links or [], zonings=zonings)


def zone_layers(contours: str, table: pd.DataFrame) -> dict[str, MapLayer]:
    """One zoning's layers: GP density, APL and the share of people in a desert, per zone
    (a click opens the zone's diagnostic)."""
    per = f"par zone, {table['zoning_label'].iloc[0]}"
    common = {"key": "location", "name": "zone_name"}
    return {
        f"{contours}_densite": quantile_layer(contours, table, "gp_density", table["why_densite"],
                                              title=f"{catalogue.label('gp_density')} {per}",
                                              unit=catalogue.unit("gp_density"), decimals=1, palette="Blues",
                                              group=f"{contours}_densite", **common),
        f"{contours}_apl": quantile_layer(contours, table, "apl", table["why_apl"], title=f"{catalogue.label('apl')} {per}",
                                          unit=catalogue.unit("apl"), decimals=2, palette="Blues",
                                          group=f"{contours}_apl", **common),
        f"{contours}_desert": quantile_layer(contours, table, "desert_pct", table["why_desert"],
                                             title=f"{catalogue.label('share_desert')} {per}",
                                             unit=catalogue.unit("share_desert"), decimals=0, palette="Oranges",
                                             group=f"{contours}_desert", columns=("apl", "share_desert"), **common),
    }


def departement_map(data: SiteData, departements: pd.DataFrame, links: list[tuple[str, str]]) -> MapPage:
    """France's overview, one unit per département (``departement_frame``; a national
    territory's maps page, each département's communes on a page of their own): density, APL,
    share of the population in a desert, GPs aged 55 or more; a click opens the département's page."""
    table = departements.assign(desert_pct=departements["share_desert"] * 100,
                                senior_pct=departements["share_senior"] * 100).merge(
        professions.density_columns(data.tables["profession_supply_by_departement"], "departement_code"),
        on="departement_code", how="left")
    table = table.join(_reasons(table, ("densite", "apl", "desert", "part55")))
    codes = data.tables["commune_reference"].set_index("commune_code")["departement_code"]
    shapes = data.boundaries.assign(departement_code=data.boundaries["commune_code"].map(codes)).dissolve(
        "departement_code", method="coverage").reset_index()
    contours = {"departements": plotly_geojson(shapes, key="departement_code", name="departements",
                                               tolerance=OVERVIEW_SIMPLIFICATION_DEGREES)}
    common = {"key": "departement_code", "name": "departement_name"}
    layers = {
        "densite": quantile_layer("departements", table, "gp_density", table["why_densite"],
                                  title=catalogue.label("gp_density") + " par département",
                                  unit=catalogue.unit("gp_density"), decimals=1, palette="Blues", group="densite",
                                  **common),
        "apl": quantile_layer("departements", table, "apl", table["why_apl"],
                              title=catalogue.label("apl") + " par département", unit=catalogue.unit("apl"),
                              decimals=2, palette="Blues", group="apl", **common),
        "desert": quantile_layer("departements", table, "desert_pct", table["why_desert"],
                                 title=catalogue.label("share_desert") + " par département",
                                 unit=catalogue.unit("share_desert"), decimals=0, palette="Oranges", group="desert",
                                 columns=("apl", "share_desert"), **common),
        "age": quantile_layer("departements", table, "senior_pct", table["why_part55"],
                              title=catalogue.label("share_senior") + " par département",
                              unit=catalogue.unit("share_senior"), decimals=0, palette="Oranges", group="age",
                              columns=("share_senior",), **common),
        **profession_layers("departements", table, "par département", **common),
    }
    return MapPage("Cartes", layers, [], contours, _bounds(contours["departements"]), "departement", links)


PROFESSION_LAYER = "densite_"  # the key of each profession's layer, then the profession's (not exported)


def profession_layers(contours: str, table: pd.DataFrame, per: str, **common) -> dict[str, MapLayer]:
    """A density layer for each profession other than the GPs (``professions.density_columns``)."""
    return {PROFESSION_LAYER + profession.key: quantile_layer(
        contours, table, f"density_{profession.key}", table[f"why_density_{profession.key}"],
        title=f"{profession.label} : {catalogue.label('density').lower()} {per}", unit=catalogue.unit("density"),
        decimals=1, palette="Purples", group=f"densite_{profession.key}", columns=("density",), **common)
        for profession in professions.OTHER_PROFESSIONS}


def map_pages(data: SiteData) -> Iterator[tuple[str, MapPage]]:
    """The maps pages by file, the territory's (``cartes.html``) first: one page up to a
    région's size; above (``maps_by_departement``), France's overview by département and a
    page per département, so that no page carries 35 000 communes' polygons (30 MB, seconds
    to draw). Each page is made when asked for, so that one page's figures are in memory at a
    time (all of them together weighed hundreds of megabytes at national size)."""
    sources = MapSources.of(data)
    if not data.maps_by_departement:
        yield "cartes.html", commune_map(sources, "Cartes")
        return
    departements = departement_frame(data.tables)
    names = departements.set_index("departement_code")["departement_name"].sort_index()
    back = [("cartes.html", "Carte de France par département")]
    yield "cartes.html", departement_map(data, departements, [(f"cartes-{code}.html", f"{name} ({code})")
                                                              for code, name in names.items()])
    for code, communes in sources.communes.groupby("departement_code"):
        if code in names:
            yield f"cartes-{code}.html", commune_map(sources, f"Cartes — {names[code]}", communes, back)


OVERVIEW_SIMPLIFICATION_DEGREES = 0.01  # ≈ 1 km: France's départements on one screen


DICTIONARY = "dictionnaire_des_donnees"  # every published column described, downloadable beside the tables


def write_maps(folder: Path, data: SiteData, common: dict, scripts: tuple[str, ...]) -> None:
    """The maps pages (``map_pages``), their contour scripts and, when asked, the main map's
    PNG/PDF exports: a third of the site's work, done beside the other pages (``Beside``)."""
    exports = {}
    for file, shown in map_pages(data):
        if file == "cartes.html" and data.map_exports:
            captions = {f"carte-{key}": f"{data.territory_name} — "
                                        f"{pages.sources_line(data, layer.columns + OVERLAY_COLUMNS)}"
                        for key, layer in shown.layers.items()}
            exports = export_maps({f"carte-{key}": for_export(fig_map({key: layer}, key, shown.above, shown.bounds),
                                                              shown.contours)
                                   for key, layer in shown.layers.items()
                                   if not key.startswith((PROFESSION_LAYER, ZONE_LAYER))},
                                  folder / "exports", captions)
        script = "data/" + file.replace("cartes", "contours").replace(".html", ".js")
        (folder / script).write_text("window.OBSERVATOIRE_CONTOURS = " + json.dumps(shown.contours, separators=(",", ":"))
                                     + ";\n", encoding="utf-8")
        figure = fig_map(shown.layers, next(iter(shown.layers)), shown.above, shown.bounds, titled=False)
        body = pages.maps(data, figure, shown, exports if file == "cartes.html" else {})
        _write_page(folder, file, shown.title, body, (script, *scripts), common)


def _write_page(folder: Path, file: str, title: str, body: str, scripts: tuple[str, ...], common: dict) -> None:
    """One page of the site in its layout (``page``), with the territory's ``common`` header."""
    (folder / file).write_text(page(file=file, title=title, body=body, scripts=scripts, **common), encoding="utf-8")


def build_site(site_dir: Path, data: SiteData) -> Path:
    """Write the whole site, replacing the previous one only once complete."""
    return swap_in(site_dir, prepare_site(site_dir, data))


def prepare_site(site_dir: Path, data: SiteData) -> Path:
    """Write the whole site as a new version of ``site_dir``, not published yet (``swap_in``)."""
    dictionary = catalogue.data_dictionary(data.tables)
    published = {name: frame for name, frame in data.tables.items() if name != "commune_boundaries"}
    published[DICTIONARY] = dictionary

    def write(folder: Path) -> None:
        folder.mkdir(parents=True)
        write_plotly_bundles(folder / "assets")
        for asset in ("observatoire.js", "observatoire.css"):
            shutil.copy(ASSETS / asset, folder / "assets" / asset)
        scripts = ("data/territoires.js", "assets/observatoire.js")
        common = {"territory": data.territory_name, "reference_date": data.reference_date, "synthetic": data.synthetic,
                  "unavailable": incomplete_register_warning(data.tables["gp_register_coverage"]),
                  "register_vintage": data.register_vintage}
        (folder / "data").mkdir()
        beside, own = two_shares(published)  # half the downloads written beside, half here
        with Beside("drawing the maps", write_maps, folder, data, common, scripts) as drawn, \
                Beside("writing the downloads", write_downloads, folder / "data", beside) as downloads:
            zoned = ZonesInput.of(data.tables)
            zone_files, zone_rows = zones.zone_files(zoned.membership), zones.zone_frame(zoned)
            index, sheets = territory_data(data.tables)
            index["zones"] = zones.zone_index(zoned, zone_files)
            (folder / "data" / "territoires.js").write_text(
                "window.OBSERVATOIRE = " + json.dumps(index, ensure_ascii=False) + ";\n", encoding="utf-8")
            (folder / "data" / "fiches").mkdir()
            for departement, items in sheets.items():
                (folder / "data" / "fiches" / f"{departement}.js").write_text(
                    "window.OBSERVATOIRE_FICHES = window.OBSERVATOIRE_FICHES || {};\n"
                    f"window.OBSERVATOIRE_FICHES[{json.dumps(departement)}] = " + json.dumps(items, ensure_ascii=False)
                    + ";\n", encoding="utf-8")
            written = write_downloads(folder / "data", own)
            written.update(downloads.result())
            files = {name: written[name] for name in published}
            bodies = {
                "index.html": ("Chiffres clés", pages.home(data, HomeInput.of(data.tables)), scripts),
                "evolution.html": ("Évolution", pages.evolution(data, EvolutionInput.of(data.tables)), ()),
                "agence.html": ("Agence d'attractivité", pages.agency(data, AgencyInput.of(data.tables)), ()),
                "territoires.html": ("Communes et EPCI", pages.territories(data, TerritoriesInput.of(data.tables)), scripts),
                "zonages.html": ("Zonages (CPTS, bassins de vie…)", zones.overview(data, zoned, zone_rows, zone_files),
                                 ()),
                "ou-agir.html": ("Où agir", pages.priorities(data, PrioritiesInput.of(data.tables)), scripts),
                "scenarios.html": ("Scénarios", pages.scenarios(data, ScenariosInput.of(data.tables)), scripts),
                "commune.html": ("Commune", pages.territory_page(data, "commune"), scripts),
                "epci.html": ("Intercommunalité", pages.territory_page(data, "epci"), scripts),
                "methode.html": ("Méthode et données", pages.methodology(data, MethodInput.of(data.tables),
                                                                        files, dictionary), ()),
            }
            bodies.update({file: (title, body, ()) for file, (title, body)
                           in zones.diagnostics(data, zoned, zone_rows, zone_files).items()})
            for file, (title, body, extra) in bodies.items():
                _write_page(folder, file, title, body, extra, common)
            drawn.result()

    return write_version(site_dir, write)
