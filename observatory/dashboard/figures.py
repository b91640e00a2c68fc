"""Figure builders: pure functions from curated tables to Plotly figures (French labels,
colour-blind-safe scales, units in every legend)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import shapely
from plotly.colors import sample_colorscale

from .. import catalogue
from .french import PLOTLY_SEPARATORS, number, quarter

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"  # local fonts only
# Told apart with every common colour-vision deficiency and in greyscale: each class has its
# own lightness (dark brown, grey, orange, pale blue), from the desert to the well served.
CLASS_COLOURS = {"desert": "#8E2A00", "unclassified": "#8C8C8C", "fragile": "#E69F00", "adequate": "#CDE9F8"}
CLASS_NAMES = {**catalogue.class_labels(), "outside the territory": "Hors du territoire"}
STRUCTURE_STYLES = {  # kind: (label, marker symbol, colour)
    "maison_de_sante": ("Maison de santé", "circle", "#009E73"),
    "centre_de_sante": ("Centre de santé", "square", "#56B4E9"),
    "hopital": ("Hôpital", "cross", "#CC79A7"),
    "clinique": ("Clinique", "diamond", "#000000"),
}


# Contours for the web: simplified as one coverage (neighbours keep their shared borders)
# by about 0.001° (≈ 100 m, invisible at a département's scale), coordinates to 1 m.
WEB_SIMPLIFICATION_DEGREES = 0.001
WEB_DECIMALS = 5  # of a degree: about 1 m


def plotly_geojson(boundaries: gpd.GeoDataFrame, key: str = "commune_code", name: str = "communes",
                   tolerance: float = WEB_SIMPLIFICATION_DEGREES) -> dict:
    """GeoJSON for ``go.Choropleth`` named ``name`` (the pages share it between maps), its
    contours simplified for the web with their topology kept. Plotly's geo projection wants
    clockwise exterior rings (the reverse of RFC 7946): standard rings would be drawn
    inverted, filling the frame."""
    shapes = shapely.coverage_simplify(boundaries.geometry.to_crs(4326).values, tolerance)
    shapes = shapely.transform(shapes, lambda xy: np.round(xy, WEB_DECIMALS))  # 50 times set_precision's speed
    rewound = shapely.orient_polygons(shapes, exterior_cw=True)
    geometries = json.loads("[" + ",".join(shapely.to_geojson(rewound)) + "]")  # one parse, not one per unit
    features = [{"type": "Feature", "id": code, "properties": {"code": code}, "geometry": geometry}
                for code, geometry in zip(boundaries[key], geometries)]
    return {"type": "FeatureCollection", "name": name, "features": features}


def for_export(figure: dict, contours: dict[str, dict]) -> go.Figure:
    """A map of the pages (traces naming their contours) as a figure to export: each
    choropleth given the features it draws only, so the file holds every polygon once."""
    def drawn(trace: dict) -> dict:
        if not isinstance(trace.get("geojson"), str):
            return trace
        wanted = set(trace["locations"])
        shapes = contours[trace["geojson"]]
        return {**trace, "geojson": {"type": "FeatureCollection", "name": shapes["name"],
                                     "features": [f for f in shapes["features"] if f["id"] in wanted]}}
    return go.Figure({"data": [drawn(trace) for trace in figure["data"]], "layout": figure["layout"]})


# The grey of a unit with no value, one shade per reason, so that the three read apart.
MISSING_COLOURS = {"secret statistique": "#6F6F6F", "aucun médecin": "#F4F4F4"}
MISSING_DEFAULT = "#C4C4C4"  # no data (a partial register, unknown ages)
# The overlays' columns, part of every map's sources: care structures, the agency's installations.
OVERLAY_COLUMNS = ("kind", "installations")
HALO = "0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff"  # town names legible over any fill
OUTLINE = {"line": {"color": "white", "width": 0.3}}


@dataclass
class MapLayer:
    """One indicator of the maps page: its title, the published columns it draws (for its
    sources) and its traces (one per class, so each class has a legend entry). Traces are
    Plotly's JSON, not ``graph_objects``, which validate and deep-copy every polygon (two
    thirds of a national site's build went to copying)."""

    title: str
    columns: tuple[str, ...]
    traces: list = field(default_factory=list)


def quantile_classes(values: pd.Series, decimals: int, count: int = 5) -> tuple[pd.Series, list[str]]:
    """Each value's class (missing where the value is) and the classes' labels (« 0 »,
    « 2,4 à 7,1 »…): limits at the quantiles of the positive values, fewer classes where
    values repeat, since a linear scale paints most communes one colour when a few towns have
    high values; zeros (no GP at all, most rural communes) a class of their own."""
    known = values.to_numpy(dtype="float64", na_value=np.nan)  # plain arrays: a hundred pages, ten layers each
    positive = known[known > 0]
    edges = (np.unique(np.quantile(positive, np.linspace(0, 1, count + 1), method="lower")) if len(positive)
             else np.array([]))  # limits are values: no class is empty
    labels = [f"{number(low, decimals)} à {number(high, decimals)}" for low, high in zip(edges[:-1], edges[1:])]
    labels = labels or [number(value, decimals) for value in edges]
    index = np.clip(np.searchsorted(edges, known, side="right") - 1, 0, max(len(labels) - 1, 0))
    if (known == 0).any():
        labels, index = ["0", *labels], np.where(known > 0, index + 1, 0)
    return pd.Series(np.where(np.isnan(known), np.nan, index), index=values.index), labels


def _fill(contours: str, columns: dict[str, np.ndarray], drawn: np.ndarray, colour: str, label: str, group: str,
          key: str, hover: str, customdata: list[str]) -> dict:
    """One colour's units (``drawn``, a mask over ``columns``), drawn from the ``contours`` the
    page loads once (named, not copied). Each unit's hover data is a tuple, which JSON writes
    as the list Plotly reads."""
    return {"type": "choropleth", "geojson": contours, "featureidkey": "properties.code",
            "locations": columns[key][drawn].tolist(), "z": [1] * int(drawn.sum()),
            "colorscale": [[0, colour], [1, colour]], "showscale": False, "name": label, "legendgroup": group,
            "showlegend": True, "customdata": list(zip(*(columns[name][drawn].tolist() for name in customdata))),
            "hovertemplate": hover, "marker": OUTLINE}


def _plain_columns(frame: pd.DataFrame, names) -> dict[str, np.ndarray]:
    """``frame``'s columns ``names`` as arrays of Python values, a missing one as None (as JSON
    writes it): a page's traces are slices of them, which pandas makes slow (a hundred map
    pages, five layers, five classes each)."""
    columns = {}
    for name in dict.fromkeys(names):
        values = frame[name].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        columns[name] = values
    return columns


def _missing_traces(contours: str, columns: dict[str, np.ndarray], reasons: pd.Series, group: str, key: str,
                    name: str) -> list:
    """The units without a value, one grey per reason (secret, no GP, no data)."""
    reasons = reasons.to_numpy(dtype=object)
    return [_fill(contours, columns, reasons == reason, MISSING_COLOURS.get(reason, MISSING_DEFAULT), reason, group,
                  key, "<b>%{customdata[0]}</b><br>" + reason + "<extra></extra>", [name])
            for reason in sorted(set(reasons[pd.notna(reasons)]))]


def quantile_layer(contours: str, table: pd.DataFrame, column: str, reasons: pd.Series, *, title: str, unit: str,
                   decimals: int, palette: str, group: str, key: str = "commune_code",
                   name: str = "commune_name", columns: tuple[str, ...] = ()) -> MapLayer:
    """``column`` per unit in quantile classes of one sequential palette (lightness rising with
    the value, so the classes also read in greyscale); units without a value by reason.
    ``columns`` name the published columns drawn, for the sources, when ``column`` is derived."""
    values = table[column].astype("float64")
    classes, labels = quantile_classes(values, decimals)
    layer = MapLayer(f"{title} ({unit})", columns or (column,))
    plain = {**_plain_columns(table, [key, name]), **_plain_columns(values.to_frame("_value"), ["_value"])}
    layer.traces = _missing_traces(contours, plain, reasons.where(values.isna()), group, key, name)
    colours = _colours(palette, len(labels))
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]:." + str(decimals) + "f} " + unit + "<extra></extra>"
    classes = classes.to_numpy()
    for index in np.unique(classes[~np.isnan(classes)]).astype(int):  # limits are values: no class is empty
        layer.traces.append(_fill(contours, plain, classes == index, colours[index], labels[index], group, key, hover,
                                  [name, "_value"]))
    return layer


@functools.cache
def _colours(palette: str, count: int) -> list[str]:
    """``count`` colours of a sequential ``palette``, from light (0.2) to exactly its darkest."""
    return sample_colorscale(palette, np.linspace(0.2, 1.0, count).tolist())


def class_layer(contours: str, table: pd.DataFrame, thresholds: tuple[float, float], group: str) -> MapLayer:
    """Desert classes per commune, one colour per class, with the APL in the hover."""
    classes = table["desert_class"].fillna("unclassified")
    low, high = (f"{value:g}".replace(".", ",") for value in thresholds)
    labels = dict(CLASS_NAMES, desert=f"{CLASS_NAMES['desert']} (APL < {low})",
                  fragile=f"{CLASS_NAMES['fragile']} ({low} à {high})", adequate=f"{CLASS_NAMES['adequate']} (APL ≥ {high})")
    layer = MapLayer(f"{catalogue.label('desert_class')} des communes selon l'APL", ("apl", "desert_class"))
    plain = _plain_columns(table, ["commune_code", "commune_name", "apl"])
    for kind, colour in CLASS_COLOURS.items():
        drawn = (classes == kind).to_numpy()
        if drawn.any():
            layer.traces.append(_fill(contours, plain, drawn, colour, labels[kind], group, "commune_code",
                                      "<b>%{customdata[0]}</b><br>" + labels[kind] + "<br>APL %{customdata[1]:.2f}"
                                      "<extra></extra>", ["commune_name", "apl"]))
    return layer


def overlays(structures: pd.DataFrame, installations: pd.DataFrame, towns: pd.DataFrame) -> list[dict]:
    """What every map shows above its layer: the main towns named, care structures (one
    symbol per kind) and the agency's installations per EPCI (circles sized by count, only
    EPCIs at or above the secrecy threshold)."""
    traces = [{"type": "scattergeo", "lon": towns["lon"].tolist(), "lat": towns["lat"].tolist(),
               "mode": "markers+text", "text": towns["commune_name"].tolist(), "textposition": "top center",
               "name": "Villes principales", "textfont": {"size": 12, "color": "#111", "shadow": HALO},
               "marker": {"size": 5, "color": "#111"}, "hovertemplate": "%{text}<extra></extra>"}]
    for kind, (label, symbol, colour) in STRUCTURE_STYLES.items():
        part = structures[(structures["kind"] == kind) & structures["lon"].notna()]
        if len(part):
            traces.append({"type": "scattergeo", "lon": part["lon"].tolist(), "lat": part["lat"].tolist(),
                           "mode": "markers", "name": label, "text": part["name"].tolist(),
                           "marker": {"symbol": symbol, "size": 9, "color": colour,
                                      "line": {"width": 1, "color": "white"}},
                           "hovertemplate": "%{text}<extra>" + label + "</extra>"})
    if len(installations):
        counts = installations["installations"].astype("float64")
        plain = _plain_columns(installations, ["installations", "epci_name"])
        traces.append({"type": "scattergeo", "lon": installations["lon"].tolist(), "lat": installations["lat"].tolist(),
                       "mode": "markers+text", "name": "Installations accompagnées (par EPCI)",
                       "text": plain["installations"].tolist(), "textfont": {"color": "white", "size": 11},
                       "customdata": [[name] for name in plain["epci_name"].tolist()],
                       "marker": {"size": (14 + 2 * counts ** 0.5 * 3).tolist(), "color": "#332288", "opacity": 0.85,
                                  "line": {"width": 1, "color": "white"}},
                       "hovertemplate": "%{customdata[0]}<br>%{text} installations<extra></extra>"})
    return traces


def outlines(contours: dict, name: str = "Limites des EPCI") -> dict:
    """The borders of ``contours`` (EPCIs) drawn over any layer, transparent inside and deaf to
    the pointer (the commune beneath keeps its hover and its click)."""
    codes = [feature["id"] for feature in contours["features"]]
    return {"type": "choropleth", "geojson": contours["name"], "featureidkey": "properties.code", "locations": codes,
            "z": [0] * len(codes), "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], "showscale": False,
            "marker": {"line": {"color": "#222", "width": 1.2}}, "hoverinfo": "skip", "name": name,
            "showlegend": True}


def frame(bounds: tuple[float, float, float, float], margin: float = 0.08) -> dict:
    """The geo frame on the territory's bounds (lon/lat, with a margin): Plotly then shapes the
    frame like the territory, where ``fitbounds`` keeps a square frame and a small drawing."""
    west, south, east, north = bounds
    pad_x, pad_y = (east - west) * margin, (north - south) * margin
    return {"lonaxis": {"range": [west - pad_x, east + pad_x]}, "lataxis": {"range": [south - pad_y, north + pad_y]},
            "center": {"lon": (west + east) / 2, "lat": (south + north) / 2}}


def fig_map(layers: dict[str, MapLayer], shown: str, above: list[dict], bounds: tuple[float, float, float, float],
            height: int = 720, titled: bool = True) -> dict:
    """One large map holding every layer, ``shown`` visible (the page's selector switches
    them), with ``above`` (outlines, towns, structures) over all of them, as Plotly's JSON. A
    page's map is not ``titled``: its title is the page's heading, which wraps on a phone
    where Plotly's is cut."""
    data = [{**trace, "visible": key == shown} for key, layer in layers.items() for trace in layer.traces]
    layout = {"template": _template(), "geo": {"visible": False, "projection": {"type": "mercator"}, **frame(bounds)},
              "title": {"text": layers[shown].title if titled else ""}, "separators": PLOTLY_SEPARATORS,
              "font": {"family": FONT}, "height": height, "margin": {"l": 0, "r": 0, "t": 50 if titled else 10, "b": 0},
              "legend": {"orientation": "h", "y": -0.02, "x": 0}}
    return {"data": [*data, *above], "layout": layout}


@functools.cache
def _template() -> dict:
    """Plotly's default template, as the charts built with ``graph_objects`` carry it."""
    return pio.templates[pio.templates.default].to_plotly_json()


def layer_visibility(layers: dict[str, MapLayer], above: list) -> dict[str, list[bool]]:
    """For each layer, the ``visible`` of every trace of ``fig_map`` when it is the one shown."""
    counts = {key: len(layer.traces) for key, layer in layers.items()}
    return {key: [other == key for other, count in counts.items() for _ in range(count)] + [True] * len(above)
            for key in layers}


def fig_series(series: pd.DataFrame, columns: dict[str, str], title: str, unit: str) -> go.Figure:
    """Lines over the register snapshots, one per column (label → column), the axis from zero."""
    figure = go.Figure()
    for label, column in columns.items():
        figure.add_scatter(x=series["snapshot_date"], y=series[column].astype("float64"), mode="lines+markers",
                           name=label, hovertemplate="%{x|%d/%m/%Y} : %{y:.2f} " + unit + "<extra>" + label + "</extra>")
    figure.update_layout(title={"text": title}, yaxis_title=unit, separators=PLOTLY_SEPARATORS, font_family=FONT,
                         height=340, margin={"l": 60, "r": 10, "t": 50, "b": 40}, xaxis={"tickformat": "%m/%Y"},
                         yaxis={"rangemode": "tozero"}, legend={"orientation": "h", "y": -0.25})
    return figure


SECRET = "secret"  # a count hidden by statistical secrecy, where its bar would stand


def fig_funnel_by_quarter(table: pd.DataFrame) -> go.Figure:
    """New contacts, accompaniments and installations per quarter (« T1 2022 »); a count
    hidden by secrecy says « secret » where its bar would stand, never reads as zero."""
    figure = go.Figure()
    quarters = [quarter(year, number) for year, number in zip(table["year"], table["quarter"])]
    for column, label, colour in (("new_contacts", "Premiers contacts", "#56B4E9"),
                                  ("new_accompanied", "Accompagnements", "#0072B2"),
                                  ("installations", "Installations", "#D55E00")):
        values = table[column].astype("float64")
        hidden = values.isna()
        figure.add_bar(x=quarters, y=values.fillna(0), name=label, marker_color=colour,
                       text=[SECRET if secret else "" for secret in hidden], textposition="outside",
                       textangle=-90, cliponaxis=False,
                       customdata=[SECRET if secret else f"{value:.0f}" for secret, value in zip(hidden, values)],
                       hovertemplate="%{x} : %{customdata} (" + label.lower() + ")<extra></extra>")
    figure.update_layout(barmode="group", title={"text": "Activité de l'agence par trimestre"}, yaxis_title="dossiers",
                         separators=PLOTLY_SEPARATORS, font_family=FONT, height=380, yaxis={"rangemode": "tozero"},
                         legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": 50, "b": 40})
    return figure
