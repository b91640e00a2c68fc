"""The page shell shared by every page (French, offline), and small HTML helpers."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import french
from .offline import GEO_ASSETS_SCRIPT, LOCALE_FILE, bundle_file

PAGES = (
    ("index.html", "Accueil"),
    ("cartes.html", "Cartes"),
    ("evolution.html", "Évolution"),
    ("agence.html", "Agence d'attractivité"),
    ("territoires.html", "Communes et EPCI"),
    ("zonages.html", "Zonages"),
    ("ou-agir.html", "Où agir"),
    ("scenarios.html", "Scénarios"),
    ("methode.html", "Méthode et données"),
)
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(default=True), keep_trailing_newline=True)


def text(value) -> str:
    """A cell's text: empty for missing values."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def cell(value) -> str:
    """Numbers the French way, « – » for missing or suppressed values, text as it is."""
    return value if isinstance(value, str) else french.number(value)


SECRET = "secret"  # a count of non-public data hidden by statistical secrecy (primary or secondary)
NO_FINESS = "non disponible (pas de fichier FINESS pour ce territoire)"  # a count of structures without their source


def count_cell(value) -> str:
    """A count from non-public data: missing means hidden by secrecy, said as « secret »."""
    return SECRET if value is None or pd.isna(value) else french.number(value)


def cells(frame: pd.DataFrame, columns: list[str], counts: bool = False) -> list[list[str]]:
    """Table cells; with ``counts`` the numbers are counts of non-public data (« secret » where hidden)."""
    show = (lambda value: value if isinstance(value, str) else count_cell(value)) if counts else cell
    return [[show(value) for value in row] for row in frame[columns].itertuples(index=False)]


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), caption: str = "") -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{html.escape(c)}</td>' if i in numeric else f"<td>{html.escape(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def card(value: str, label: str, unit: str, available: bool = True, meaning: str = "") -> str:
    """A headline card; an unavailable figure is set apart (its ``unit`` line says why); the
    catalogue's « ce que cela signifie » beneath when there is one."""
    kind = "value" if available else "value na"
    said = f'<div class="meaning">{html.escape(meaning)}</div>' if meaning else ""
    return (f'<div class="card"><div class="{kind}">{html.escape(value)}</div>'
            f'<div class="label">{html.escape(label)}</div><div class="unit">{html.escape(unit)}</div>{said}</div>')


def register_dates(reference_date: date, register_vintage: str) -> str:
    """The header's dates: the reference date of the indicators, and the register's real
    vintage, or that it is unknown."""
    try:
        vintage = "registre RPPS du " + date.fromisoformat(register_vintage).strftime("%d/%m/%Y")
    except ValueError:
        vintage = "millésime du registre inconnu"
    return f"Indicateurs au {reference_date.strftime('%d/%m/%Y')} · {vintage}"


def page(*, file: str, title: str, territory: str, reference_date: date, synthetic: bool, body: str,
         scripts: tuple[str, ...] = (), unavailable: str = "", register_vintage: str = "") -> str:
    """A whole page from the template (every value escaped; ``body`` is the page's own HTML,
    built with its text escaped): the navigation, the synthetic-data banner and, when the
    register is partial (``unavailable`` says why), a warning atop every page. plotly.js is
    loaded only by pages that draw, as the smaller bundle that holds what they draw."""
    draws = "plotly-graph-div" in body or "serie-territoire" in body
    bundle = bundle_file("geo" if "OBSERVATOIRE_CONTOURS" in body else "basic")
    return typeset(TEMPLATES.get_template("page.html").render(
        file=file, title=title, territory=territory, heading=f"Observatoire de la démographie médicale — {territory}",
        dates=register_dates(reference_date, register_vintage), synthetic=synthetic, unavailable=unavailable,
        body=Markup(body), scripts=scripts, draws=draws, bundle=bundle, locale=LOCALE_FILE, geo_assets_script=Markup(GEO_ASSETS_SCRIPT), navigation=PAGES))


# The text between tags, outside scripts and styles (whose content is code, not French).
_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)|([^<]+)", re.DOTALL | re.IGNORECASE)


def typeset(markup: str) -> str:
    """French typography on a page's text (``french.typography``), never inside a tag, a
    script or a style: an attribute or a script keeps its bytes."""
    return _TEXT.sub(lambda m: m.group(1) or french.typography(m.group(2)), markup)


def absences(row) -> dict[str, str]:
    """Why a sheet's figure is missing, when it is: a figure « – » could mean three things
    (secret, no GP, no data), each said in words; an APL, that a register within reach is partial."""
    def why(known: float, suppressed: bool, unknown: str) -> str:
        if not row.gps > 0:
            return "aucun médecin"
        if not known > 0:
            return unknown
        return "secret statistique" if suppressed else ""

    if not row.register_complete:  # nothing is a figure there: the sheet says « non disponible » and why
        return {}
    said = {}
    if not getattr(row, "catchment_complete", True):  # a commune whose own register is complete, not all within reach
        said["apl"] = said["minutes"] = "non disponible (registre incomplet à moins de 20 minutes)"
    if pd.isna(row.share_senior):
        said["part55"] = why(row.gps_age_known, bool(row.age_suppressed), "âges inconnus (pas de répertoire)")
    for name, value in (("departs5", row.departures_5y), ("departs10", row.departures_10y)):
        if pd.isna(value):
            said[name] = why(row.gps_known_departure, True, "départs inconnus (pas de répertoire)")
    return {name: text for name, text in said.items() if text}
