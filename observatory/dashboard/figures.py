"""Figure builders: pure functions from curated tables to Plotly figures."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import shapely

from .french import PLOTLY_SEPARATORS

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"  # local fonts only


def plotly_geojson(boundaries: gpd.GeoDataFrame) -> dict:
    """GeoJSON for ``go.Choropleth``, whose geo projection wants clockwise exterior rings
    (the reverse of RFC 7946): standard rings would be drawn inverted, filling the frame."""
    rewound = shapely.orient_polygons(boundaries.geometry.to_crs(4326).values, exterior_cw=True)
    features = [
        {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": json.loads(shapely.to_geojson(geometry))}
        for code, geometry in zip(boundaries["commune_code"], rewound)
    ]
    return {"type": "FeatureCollection", "features": features}


def fig_commune_map(geojson: dict, table: pd.DataFrame, column: str, title: str, unit: str,
                    hover_format: str = ".1f", colorscale: str = "Cividis", reverse: bool = False) -> go.Figure:
    """Choropleth of ``column`` per commune, with a colour-blind-safe scale and French hover."""
    figure = go.Figure(
        go.Choropleth(
            geojson=geojson,
            featureidkey="properties.code",
            locations=table["commune_code"],
            z=table[column].astype("float64"),
            customdata=table[["commune_name"]],
            colorscale=colorscale,
            reversescale=reverse,
            marker_line_color="white",
            marker_line_width=0.3,
            colorbar={"title": {"text": unit}, "tickformat": hover_format},
            hovertemplate="<b>%{customdata[0]}</b><br>%{z:" + hover_format + "} " + unit + "<extra></extra>",
        )
    )
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    figure.update_layout(
        title={"text": title}, separators=PLOTLY_SEPARATORS, font_family=FONT,
        margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=560,
    )
    return figure


def fig_installations_by_quarter(table: pd.DataFrame) -> go.Figure:
    """Stacked bars of the agency's installations per quarter (suppressed quarters left blank)."""
    figure = go.Figure()
    for column, label, colour in (("durable", "Installations durables", "#0072B2"),
                                  ("replacement", "Remplacements", "#E69F00")):
        figure.add_bar(x=table["period"], y=table[column].astype("float64"), name=label, marker_color=colour,
                       hovertemplate="%{x} : %{y:d} " + label.lower() + "<extra></extra>")
    figure.update_layout(
        barmode="stack", title={"text": "Installations accompagnées par trimestre"},
        yaxis_title="installations", separators=PLOTLY_SEPARATORS, font_family=FONT, height=380,
        legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": 50, "b": 40},
    )
    return figure
