"""Assembly of the static site: pages from figures and tables, nothing fetched at view time."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml

from ..publish import replace_atomically
from . import french
from ..headline import headline_figures
from .figures import fig_commune_map, fig_installations_by_quarter, plotly_geojson
from .offline import GEO_ASSETS_SCRIPT, PLOTLY_CONFIG, write_plotly_bundle

CATALOG = yaml.safe_load((Path(__file__).parent.parent / "indicators.yaml").read_text(encoding="utf-8"))
STAGE_LABELS = {
    "contacted": "Professionnels en contact",
    "accompanied": "Professionnels accompagnés",
    "installed": "Installations réussies",
    "installed_durable": "dont installations durables",
    "installed_replacement": "dont remplacements",
    "abandoned": "Abandons",
}
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1rem}
header h1{margin:1rem 0 .2rem;font-size:1.6rem} header p{margin:0 0 1rem;color:#444}
.synthetic{background:#fff3cd;border:2px solid #b58100;padding:.6rem 1rem;margin:1rem 0;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:.8rem;margin:1rem 0}
.card{background:#fff;border-radius:6px;padding:.8rem 1rem;box-shadow:0 1px 2px #0002}
.card .value{font-size:1.9rem;font-weight:700;color:#00457c} .card .label{font-size:.95rem}
.card .unit{font-size:.8rem;color:#555}
section{background:#fff;border-radius:6px;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px #0002}
table{border-collapse:collapse;width:100%;font-size:.92rem} th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums} .note{font-size:.85rem;color:#444}
"""


@dataclass
class SiteData:
    """Everything the site shows: curated (aggregate) tables only."""

    territory_name: str
    reference_date: date
    synthetic: bool
    boundaries: gpd.GeoDataFrame
    gp_by_commune: pd.DataFrame
    gp_by_departement: pd.DataFrame
    funnel: pd.DataFrame
    installations_by_quarter: pd.DataFrame
    coverage: pd.DataFrame
    outcomes: dict[str, pd.DataFrame]  # agency outcome tables, by curated table name
    vintages: pd.DataFrame
    quarantine: pd.DataFrame
    small_count_threshold: int


def _text(value) -> str:
    """A table cell: empty for missing values."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _cell(value) -> str:
    """A table cell: numbers the French way, « – » for missing or suppressed values."""
    if isinstance(value, str):
        return value
    return french.number(value)


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    return [[_cell(value) for value in row] for row in frame[columns].itertuples(index=False)]


def _card(value: str, key: str) -> str:
    entry = CATALOG[key]
    return (f'<div class="card"><div class="value">{html.escape(value)}</div>'
            f'<div class="label">{html.escape(entry["title"])}</div>'
            f'<div class="unit">{html.escape(entry["unit"])}</div></div>')


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{html.escape(c)}</td>' if i in numeric else f"<td>{html.escape(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _headline(data: SiteData) -> str:
    figures = headline_figures(data.gp_by_departement, data.funnel, data.installations_by_quarter)
    return '<section class="cards" aria-label="Chiffres clés">' + "".join([
        _card(french.number(figures["population"]), "population"),
        _card(french.number(figures["gps"]), "gps"),
        _card(french.number(figures["gp_density"], 1), "gp_density"),
        _card(french.percent(figures["share_senior"]), "share_senior"),
        _card(french.number(figures.get("agency_accompanied")), "agency_accompanied"),
        _card(f'{french.number(figures.get("agency_installed"))} ({french.number(figures.get("agency_installed_durable"))}'
              f' durables + {french.number(figures.get("agency_installed_replacement"))} remplacements)', "agency_installed"),
    ]) + "</section>"


def _coverage(data: SiteData) -> str:
    """The CNAM's count beside ours, and a plain warning when the register looks partial."""
    notes = []
    for row in data.coverage.itertuples():
        if pd.isna(row.benchmark_liberal_gps):
            continue
        text = (f"Assurance maladie ({row.benchmark_year}) : {french.number(row.benchmark_liberal_gps)} médecins "
                f"généralistes libéraux en {row.departement_name} ; le registre RPPS utilisé en compte "
                f"{french.number(row.register_liberal_gps)} ({french.percent(row.coverage)}).")
        partial = row.coverage < 0.8 if pd.notna(row.coverage) else True
        css = "synthetic" if partial else "note"
        prefix = "Attention : registre incomplet. " if partial else ""
        notes.append(f'<p class="{css}">{html.escape(prefix + text)}</p>')
    return "".join(notes)


def _agency(data: SiteData) -> str:
    if not data.funnel["cases"].any():
        return ("<section><h2>Accompagnement par l'agence d'attractivité</h2>"
                "<p>Aucune donnée de l'agence pour ce territoire.</p></section>")
    funnel_rows = [[STAGE_LABELS[stage], french.number(cases)] for stage, cases in zip(data.funnel["stage"], data.funnel["cases"])]
    quarters = data.installations_by_quarter
    quarter_rows = [[p, french.number(n), french.number(d), french.number(r)] for p, n, d, r in
                    zip(quarters["period"], quarters["installations"], quarters["durable"], quarters["replacement"])]
    chart = fig_installations_by_quarter(quarters).to_html(full_html=False, include_plotlyjs=False,
                                                           div_id="installations", config=PLOTLY_CONFIG)
    return (
        "<section><h2>Accompagnement par l'agence d'attractivité</h2>"
        + _table(["Étape", "Dossiers"], funnel_rows, {1})
        + chart
        + "<h3>Installations par trimestre</h3>"
        + _table(["Trimestre", "Installations", "Durables", "Remplacements"], quarter_rows, {1, 2, 3})
        + f'<p class="note">« – » : effectif inférieur à {data.small_count_threshold}, non publié (secret statistique).</p>'
        + "</section>"
    )


CLASS_NAMES = {"desert": "Désert médical", "fragile": "Zone fragile", "adequate": "Hors zone fragile",
               "unclassified": "Non classée (registre incomplet)", "outside the territory": "Hors du territoire"}


def _agency_outcomes(data: SiteData) -> str:
    """What the agency's work changes: where installations land, APL gained, cost, pace."""
    tables = data.outcomes
    if tables["agency_impact_summary"].empty or not tables["agency_impact_summary"]["installations"].iloc[0]:
        return ""
    impact = tables["agency_impact_summary"].iloc[0]
    by_class = tables["agency_installations_by_desert_class"]
    in_deserts = by_class.loc[by_class["desert_class"] == "desert", "share"]
    timing = tables["agency_time_to_installation"].iloc[0]
    plan = tables["plan_budget_outcomes"]
    whole = plan[plan["axis_number"] == 0]
    cards = "".join(
        f'<div class="card"><div class="value">{html.escape(value)}</div><div class="label">{html.escape(label)}</div>'
        f'<div class="unit">{html.escape(unit)}</div></div>'
        for value, label, unit in [
            (french.percent(in_deserts.iloc[0] if len(in_deserts) else None), "des installations en désert médical",
             "part des installations"),
            (french.number(impact["apl_gain"], 2), "APL gagnée grâce aux médecins installés",
             f"consultations / hab. / an ({french.number(impact['gp_installations_with_rpps'])} généralistes)"),
            (french.number(impact["density_gain_per_10000"], 2), "densité gagnée", "médecins pour 10 000 habitants"),
            (french.number(timing["median_days_from_contact"]), "jours du premier contact à l'installation", "médiane"),
            (french.number(whole["spend_per_installation_eur"].iloc[0]) if len(whole) else "–",
             "euros du plan par installation", "budget total / installations"),
        ])
    profession = tables["agency_funnel_by_profession"]
    offer = tables["agency_funnel_by_offer"]
    funnel_headers = ["Contacts", "Accompagnés", "Installés", "Durables", "Remplacements", "Abandons"]
    stage_columns = ["contacted", "accompanied", "installed", "installed_durable", "installed_replacement", "abandoned"]
    budget_rows = [[_text(r.axis_title), _text(r.years), french.number(r.spend_eur), _text(r.offers),
                    french.number(r.installations_attributable), french.number(r.spend_per_installation_eur)]
                   for r in plan.itertuples()]
    sheet = tables["action_sheet_indicators"]
    sheet_rows = [[str(int(r.year)), french.number(r.grants_delivered), french.number(r.grants_amount_eur),
                   french.number(r.interns_accompanied), french.number(r.gps_in_departement)] for r in sheet.itertuples()]
    class_rows = [[CLASS_NAMES.get(r.desert_class, r.desert_class), french.number(r.installations), french.percent(r.share)]
                  for r in by_class.itertuples()]
    return (
        "<section id=\"agence-impact\"><h2>Ce que change l'agence</h2>"
        f'<div class="cards">{cards}</div>'
        "<h3>Où les installations ont eu lieu</h3>"
        + _table(["Classe de la commune", "Installations", "Part"], class_rows, {1, 2})
        + "<h3>Parcours par profession</h3>"
        + _table(["Profession", *funnel_headers], _cells(profession, ["profession", *stage_columns]), set(range(1, 7)))
        + "<h3>Parcours par offre</h3>"
        + _table(["Offre", *funnel_headers], _cells(offer, ["offer", *stage_columns]), set(range(1, 7)))
        + "<h3>Budget du plan et installations</h3>"
        + _table(["Axe", "Années", "Dépense (€)", "Offres rattachées", "Installations", "€ par installation"],
                 budget_rows, {2, 4, 5})
        + "<h3>Indicateurs des fiches-actions</h3>"
        + _table(["Année", "Aides versées", "Montant (€)", "Internes accompagnés", "Généralistes (RPPS)"], sheet_rows,
                 {1, 2, 3, 4})
        + '<p class="note">APL gagnée : APL moyenne pondérée par la population, calculée avec puis sans les '
        "généralistes installés par l'agence (retrouvés dans le RPPS). Les classes sont celles de la date de référence.</p>"
        + "</section>"
    )


def _methodology(data: SiteData) -> str:
    definitions = "".join(
        f"<dt>{html.escape(entry['title'])} ({html.escape(entry['unit'])})</dt><dd>{html.escape(entry['definition'])}</dd>"
        for entry in CATALOG.values()
    )
    sources = _table(
        ["Fichier", "Producteur", "Millésime", "Lignes lues", "Retenues", "En quarantaine", "Empreinte SHA-256"],
        [[_text(v.file) or "(absent)", _text(v.producer), _text(v.vintage) or "–", french.number(v.rows_read),
          french.number(v.rows_accepted), french.number(v.rows_quarantined), _text(v.sha256)[:12]]
         for v in data.vintages.itertuples()],
        {3, 4, 5},
    )
    reasons = data.quarantine.groupby(["dataset", "field"], as_index=False).size()
    quarantine = _table(["Jeu de données", "Champ", "Lignes écartées"],
                        [[r.dataset, r.field, french.number(r.size)] for r in reasons.itertuples()], {2}) \
        if len(reasons) else "<p>Aucune ligne écartée.</p>"
    return (
        '<section id="methode"><h2>Méthode et sources</h2><dl>' + definitions + "</dl>"
        + "<h3>Sources et millésimes</h3>" + sources
        + f"<h3>Lignes mises en quarantaine ({french.number(len(data.quarantine))})</h3>" + quarantine
        + '<p class="note">Les lignes écartées (format invalide, commune inconnue, doublon…) sont conservées '
        "avec leur motif dans la table <code>quarantine</code> de la base de l'observatoire.</p></section>"
    )


def render_index(data: SiteData) -> str:
    """The home page: headline figures, the density map, the agency funnel, the method."""
    geojson = plotly_geojson(data.boundaries)
    density_map = fig_commune_map(
        geojson, data.gp_by_commune, "gp_density", CATALOG["gp_density"]["title"] + " par commune",
        "méd./10 000 hab.",
    ).to_html(full_html=False, include_plotlyjs=False, div_id="carte-densite", config=PLOTLY_CONFIG)
    banner = ('<p class="synthetic" role="note">Données SYNTHÉTIQUES : territoire de démonstration généré '
              "par le logiciel. Ces chiffres ne décrivent aucun territoire réel.</p>") if data.synthetic else ""
    title = f"Observatoire de la démographie médicale — {data.territory_name}"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
<script>{GEO_ASSETS_SCRIPT}</script>
<script src="assets/plotly.min.js"></script>
</head><body>
<header><h1>{html.escape(title)}</h1>
<p>Situation au {data.reference_date.strftime('%d/%m/%Y')}</p>{banner}</header>
<main>
{_headline(data)}
{_coverage(data)}
<section><h2>{html.escape(CATALOG['gp_density']['title'])}</h2>{density_map}
<p class="note"><a href="data/gp_supply_by_commune.csv">Télécharger les données par commune (CSV)</a></p></section>
{_agency(data)}
{_agency_outcomes(data)}
{_methodology(data)}
</main>
<footer><p class="note">Observatoire de la démographie médicale · tableaux agrégés uniquement, aucune donnée personnelle.</p></footer>
</body></html>
"""


def build_site(site_dir: Path, data: SiteData) -> Path:
    """Write the site into ``site_dir``, replacing the previous one only once complete."""

    def write(folder: Path) -> None:
        folder.mkdir(parents=True)
        write_plotly_bundle(folder / "assets")
        (folder / "data").mkdir()
        data.gp_by_commune.to_csv(folder / "data" / "gp_supply_by_commune.csv", index=False, sep=";", decimal=",")
        (folder / "index.html").write_text(render_index(data), encoding="utf-8")

    return replace_atomically(site_dir, write)
