"""Figure builders: pure functions from curated tables to Plotly figures (French labels,
colour-blind-safe scales, units in every legend)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import shapely

from .. import catalogue
from .french import PLOTLY_SEPARATORS

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
WEB_GRID_DEGREES = 1e-5


def plotly_geojson(boundaries: gpd.GeoDataFrame, key: str = "commune_code", name: str = "communes") -> dict:
    """GeoJSON for ``go.Choropleth`` named ``name`` (the pages share it between maps), its
    contours simplified for the web with their topology kept. Plotly's geo projection wants
    clockwise exterior rings (the reverse of RFC 7946): standard rings would be drawn
    inverted, filling the frame."""
    shapes = shapely.coverage_simplify(boundaries.geometry.to_crs(4326).values, WEB_SIMPLIFICATION_DEGREES)
    shapes = shapely.set_precision(shapes, WEB_GRID_DEGREES)
    rewound = shapely.orient_polygons(shapes, exterior_cw=True)
    features = [
        {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": json.loads(shapely.to_geojson(geometry))}
        for code, geometry in zip(boundaries[key], rewound)
    ]
    return {"type": "FeatureCollection", "name": name, "features": features}


def _subset(geojson: dict, codes) -> dict:
    """The features of ``codes`` only, under the contours' name: an exported map holds every
    polygon once however many layers (classes, suppressed values) it draws; the pages swap
    each for the contours they load once (``shared_contours_html``)."""
    wanted = set(codes)
    return {"type": "FeatureCollection", "name": geojson["name"],
            "features": [f for f in geojson["features"] if f["id"] in wanted]}


def _map_layout(figure: go.Figure, title: str, height: int = 560) -> go.Figure:
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    figure.update_layout(title={"text": title}, separators=PLOTLY_SEPARATORS, font_family=FONT, height=height,
                         margin={"l": 0, "r": 0, "t": 50, "b": 0},
                         legend={"orientation": "h", "y": -0.02, "x": 0})
    return figure


def fig_commune_map(geojson: dict, table: pd.DataFrame, column: str, title: str, unit: str,
                    hover_format: str = ".1f", colorscale: str = "Cividis", reverse: bool = False,
                    key: str = "commune_code", name: str = "commune_name") -> go.Figure:
    """Choropleth of ``column`` per territory (commune by default); suppressed values grey."""
    values = table[column].astype("float64")
    figure = go.Figure()
    hidden = table[values.isna()]
    if len(hidden):
        figure.add_choropleth(geojson=_subset(geojson, hidden[key]), featureidkey="properties.code",
                              locations=hidden[key], z=[0] * len(hidden), colorscale=[[0, "#DDDDDD"], [1, "#DDDDDD"]], showscale=False,
                              customdata=hidden[[name]], marker_line_color="white", marker_line_width=0.3,
                              name="non publié ou inconnu", showlegend=True,
                              hovertemplate="<b>%{customdata[0]}</b><br>non publié ou inconnu<extra></extra>")
    shown = table[values.notna()]
    figure.add_choropleth(
        geojson=_subset(geojson, shown[key]), featureidkey="properties.code", locations=shown[key],
        z=values[values.notna()],
        customdata=shown[[name]], colorscale=colorscale, reversescale=reverse, marker_line_color="white",
        marker_line_width=0.3, colorbar={"title": {"text": unit}, "tickformat": hover_format},
        hovertemplate="<b>%{customdata[0]}</b><br>%{z:" + hover_format + "} " + unit + "<extra></extra>",
    )
    return _map_layout(figure, title)


def fig_class_map(geojson: dict, table: pd.DataFrame, thresholds: tuple[float, float]) -> go.Figure:
    """Desert classes per commune, one colour per class, with the APL in the hover."""
    figure = go.Figure()
    classes = table["desert_class"].fillna("unclassified")
    low, high = (f"{value:g}".replace(".", ",") for value in thresholds)
    labels = dict(CLASS_NAMES, desert=f"{CLASS_NAMES['desert']} (APL < {low})",
                  fragile=f"{CLASS_NAMES['fragile']} ({low} à {high})", adequate=f"{CLASS_NAMES['adequate']} (APL ≥ {high})")
    for kind, colour in CLASS_COLOURS.items():
        part = table[classes == kind]
        if part.empty:
            continue
        figure.add_choropleth(geojson=_subset(geojson, part["commune_code"]), featureidkey="properties.code",
                              locations=part["commune_code"], z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                              name=labels[kind], showlegend=True, customdata=part[["commune_name", "apl"]],
                              marker_line_color="white", marker_line_width=0.3,
                              hovertemplate="<b>%{customdata[0]}</b><br>" + labels[kind]
                                            + "<br>APL %{customdata[1]:.2f}<extra></extra>")
    return _map_layout(figure, "Classement des communes selon l'APL")


def with_overlays(figure: go.Figure, structures: pd.DataFrame, installations: pd.DataFrame) -> go.Figure:
    """Care structures (one symbol per kind) and the agency's installations per EPCI
    (circles sized by count, only EPCIs at or above the secrecy threshold)."""
    for kind, (label, symbol, colour) in STRUCTURE_STYLES.items():
        part = structures[(structures["kind"] == kind) & structures["lon"].notna()]
        if part.empty:
            continue
        figure.add_scattergeo(lon=part["lon"], lat=part["lat"], mode="markers", name=label, text=part["name"],
                              marker={"symbol": symbol, "size": 9, "color": colour, "line": {"width": 1, "color": "white"}},
                              hovertemplate="%{text}<extra>" + label + "</extra>")
    if len(installations):
        figure.add_scattergeo(lon=installations["lon"], lat=installations["lat"], mode="markers+text",
                              name="Installations accompagnées (par EPCI)", text=installations["installations"],
                              textfont={"color": "white", "size": 11}, customdata=installations[["epci_name"]],
                              marker={"size": 14 + 2 * installations["installations"] ** 0.5 * 3, "color": "#332288",
                                      "opacity": 0.85, "line": {"width": 1, "color": "white"}},
                              hovertemplate="%{customdata[0]}<br>%{text} installations<extra></extra>")
    return figure


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
    quarters = "T" + table["quarter"].astype("Int64").astype("string") + " " + table["year"].astype("Int64").astype("string")
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
