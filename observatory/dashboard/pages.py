"""The pages of the dashboard, each a function of the site's data returning its body HTML."""

from __future__ import annotations

import html
import json
import re
from functools import partial

import pandas as pd
from plotly.utils import PlotlyJSONEncoder

from .. import catalogue
from ..indicators.agency_funnel import STAGES
from ..indicators.agency_outcomes import PLACES
from . import french, professions
from .figures import CLASS_NAMES, OVERLAY_COLUMNS, fig_funnel_by_quarter, fig_series, layer_visibility
from .inputs import (AgencyInput, EvolutionInput, HomeInput, MethodInput, PrioritiesInput, ScenariosInput,
                     TerritoriesInput)
from .targeting import (MAX_COMMUNES, REACH_MINUTES, commune_priorities, complete_register_communes,
                        epci_priorities)
from .layout import NO_FINESS, SECRET, card, cell, cells, count_cell, register_dates, table, text
from .offline import PLOTLY_CONFIG

STAGE_LABELS = catalogue.stage_labels()
# The indicators the methodology page defines first, in this order (the data dictionary has every column).
KEY_INDICATORS = ("population", "gps", "gp_density", "share_senior", "apl", "desert_class", "share_desert",
                  "departures_5y", "nearest_gp_minutes", "accompanied", "installed")


def plot(figure, div_id: str, data, columns: tuple[str, ...], title: str = "") -> str:
    """A chart for every reader: an image with a text summary for screen readers (``title``,
    else the figure's), and its sources (from the catalogue entries of the ``columns`` it
    draws) and dates beneath. ``figure`` is a chart (``graph_objects``) or a map (Plotly's
    JSON, ``figures.fig_map``)."""
    if isinstance(figure, dict):
        drawn, heading = shared_contours_html(figure, div_id), figure["layout"]["title"]["text"]
    else:
        drawn = figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG,
                               validate=False)  # validated when built
        heading = figure.layout.title.text or ""
    title = title or re.sub(r"<[^>]+>", " ", heading).strip()
    summary = (f"{title}. Graphique ; les valeurs sont dans les tableaux téléchargeables "
               "(page Méthode et données) et sur les fiches des communes et EPCI.")
    return (f'<figure class="chart"><div role="img" aria-label="{html.escape(summary)}">{drawn}</div>'
            f"<figcaption>{html.escape(sources_line(data, columns))}</figcaption></figure>")


def inline_json(value) -> str:
    """JSON safe inside a page's <script>: a name holding « </script> » from a source file
    cannot close the script (every <, > and & written as a JavaScript escape)."""
    try:  # the maps are plain JSON already; Plotly's encoder parses its output again to clean it
        text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):  # numpy values, NaN: Plotly's encoder writes them as JSON does
        text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def shared_contours_html(figure: dict, div_id: str) -> str:
    """A map whose contours are not written into the page: each trace names the contours it
    draws, swapped on load for those of the page's contours script (loaded once for every
    layer), so the page carries its polygons once, not once per layer."""
    payload = inline_json({"data": figure["data"], "layout": figure["layout"]})
    config = json.dumps(PLOTLY_CONFIG)
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:{figure["layout"]["height"]}px;width:100%">'
            f'</div><script>(function () {{ var figure = {payload}; figure.data.forEach(function (trace) {{'
            " if (typeof trace.geojson === 'string') { trace.geojson = window.OBSERVATOIRE_CONTOURS[trace.geojson]; } });"
            f' window.Plotly.newPlot("{div_id}", figure.data, figure.layout, {config}); }})();</script>')


def sources_line(data, columns: tuple[str, ...]) -> str:
    """« Source : … · Indicateurs au … · registre RPPS du … » for a figure drawing ``columns``
    (their catalogue entries' sources), saying « données synthétiques » for the demo."""
    sources = dict.fromkeys(label for column in columns
                            for label in catalogue.describe("", column).source_labels.split(" ; "))
    return french.typography(f"Source : {' ; '.join(sources)} · "
                             f"{register_dates(data.reference_date, data.register_vintage)}"
                             + (" · données synthétiques" if data.synthetic else ""))


def sourced(data, columns: tuple[str, ...]) -> str:
    """The sources and dates of what a section shows (the catalogue's sources of ``columns``)."""
    return f'<p class="note source">{html.escape(sources_line(data, columns))}</p>'


def catalog_card(value: str, column: str) -> str:
    entry = catalogue.describe("", column)
    return card(value, entry.label, entry.unit, meaning=entry.meaning)


def references_sentence(references: pd.DataFrame) -> str:
    """« Densité de généralistes libéraux selon l'Assurance maladie (2024, médecins pour
    100 000 habitants) : Loir-et-Cher 66,0 · Centre-Val de Loire 71,2 · France 84,5. »: one
    source and one definition for the département, its région and France, so they compare."""
    if references.empty:
        return ""
    entry = catalogue.describe("gp_density_references", "density_per_100k")
    items = " · ".join(f"{text(r.name)} {french.number(r.density_per_100k, 1)}" for r in references.itertuples())
    return french.typography(f"{entry.label} ({int(references['year'].max())}, {entry.unit}) : {items}.")


def references_note(references: pd.DataFrame) -> str:
    """The CNAM's liberal GP density of the territory's départements, their régions and France."""
    if references.empty:
        return ""
    entry = catalogue.describe("gp_density_references", "density_per_100k")
    return (f'<section aria-label="Repères"><h3>Repères</h3><p>{html.escape(references_sentence(references))}</p>'
            f'<p class="note">{html.escape(entry.meaning)} Source : {html.escape(entry.source_labels)}.</p></section>')


def search_box(label: str = "Rechercher une commune, un EPCI ou une zone (CPTS…)") -> str:
    """A search field over every commune and EPCI (the list comes with data/territoires.js)."""
    return (f'<p><label for="recherche">{html.escape(label)}</label><br>'
            '<input type="search" id="recherche" list="liste-territoires" autocomplete="off" '
            'placeholder="Nom, partie du nom ou code INSEE">'
            '<datalist id="liste-territoires"></datalist></p><p id="recherche-message" class="note" role="status"></p>')


def coverage_notes(coverage: pd.DataFrame) -> str:
    """The CNAM's count beside ours, and a plain warning when the register looks partial."""
    notes = []
    for row in coverage.itertuples():
        if pd.isna(row.benchmark_liberal_gps):
            continue
        text_ = (f"Assurance maladie ({row.benchmark_year}) : {french.number(row.benchmark_liberal_gps)} médecins "
                 f"généralistes libéraux en {row.departement_name} ; le registre RPPS utilisé en compte "
                 f"{french.number(row.register_liberal_gps)} ({french.percent(row.coverage)}).")
        partial = not row.register_complete
        notes.append(f'<p class="{"synthetic" if partial else "note"}">'
                     f'{html.escape(("Attention : registre incomplet ou discordant. " if partial else "") + text_)}</p>')
    return "".join(notes)


def _figure_card(value: str | None, key_or_label: str, unit: str = "", reason: str = "") -> str:
    """A headline card; a figure that cannot be used says « non disponible » and why."""
    entry = catalogue.describe("", key_or_label)
    label, unit, meaning = (entry.label, entry.unit, entry.meaning) if entry else (key_or_label, unit, "")
    if value is None:
        return card("non disponible", label, reason, available=False, meaning=meaning)
    return card(value, label, unit, meaning=meaning)


def home(data, page: HomeInput) -> str:
    figures = page.figures
    why = figures["unavailable"]
    usable = not why
    series = page.series
    agency = figures["agency_present"]
    no_agency = "aucune donnée de l'agence pour ce territoire"
    cards = "".join([
        catalog_card(french.number(figures["population"]), "population"),
        _figure_card(french.number(figures["gps"]) if usable else None, "gps", reason=why),
        _figure_card(french.number(figures["gp_density"], 1) if usable else None, "gp_density", reason=why),
        _figure_card(french.percent(figures["share_senior"]) if usable else None, "share_senior", reason=why),
        _figure_card(french.number(figures["apl"], 2) if usable else None, "apl", reason=why),
        _figure_card(french.percent(figures["share_desert"]) if usable else None, "de la population en désert médical",
                     f"{french.number(figures['population_desert'])} habitants", why),
        _figure_card(french.number(figures.get("agency_accompanied")) if agency else None, "accompanied",
                     reason=no_agency),
        _figure_card(f'{french.number(figures.get("agency_installed"))} '
                     f'({french.number(figures.get("agency_installed_durable"))} + '
                     f'{french.number(figures.get("agency_installed_replacement"))})' if agency else None,
                     "installed", reason=no_agency),
    ])
    evolution = ""
    if usable and len(series) > 1:  # a series of a partial register would show a false trend
        first, last = series.iloc[0], series.iloc[-1]
        evolution = (
            "<section><h3>Évolution depuis le "
            f"{pd.Timestamp(first['snapshot_date']):%d/%m/%Y}</h3>"
            + table(["Indicateur", f"{pd.Timestamp(first['snapshot_date']):%m/%Y}",
                     f"{pd.Timestamp(last['snapshot_date']):%m/%Y}", "Évolution"],
                    [["Médecins généralistes", cell(first["gps"]), cell(last["gps"]),
                      french.signed(last["gps"] - first["gps"])],
                     ["APL", french.number(first["apl"], 2), french.number(last["apl"], 2),
                      french.signed(last["apl"] - first["apl"], 2)]], {1, 2, 3})
            + plot(fig_series(series, {"Médecins généralistes": "gps"}, "Médecins généralistes", "médecins"), "serie-accueil",
                   data, ("gps",))
            + '<p><a href="evolution.html">Toutes les évolutions</a></p></section>')
    return (coverage_notes(page.coverage) + f'<section class="cards" aria-label="Chiffres clés">{cards}</section>'
            + sourced(data, ("population", "gps", "share_senior", "apl", "accompanied"))
            + references_note(page.references) + evolution
            + f'<section>{search_box()}<p><a href="cartes.html">Voir les cartes</a> · '
              '<a href="territoires.html">Toutes les communes et EPCI</a></p></section>')


CLICKED = {  # what a click on a map's unit opens, as its note says it
    "commune": "Cliquer sur une commune (ou un EPCI) ouvre sa fiche. Traits noirs : limites des EPCI ; "
               "symboles : établissements de santé (FINESS) et installations accompagnées par l'agence, regroupées "
               "par EPCI (seuls les EPCI comptant au moins {threshold} installations sont montrés). ",
    "departement": "Cliquer sur un département ouvre la carte de ses communes. ",
}


def maps(data, figure: dict, shown, exports: dict[str, list[str]]) -> str:
    """One large map and a selector of its indicator (a real <select>, used from the
    keyboard); the same values in tables for whoever cannot use the map; every layer's
    exports for reports; links to the other maps pages (``shown`` is a ``site.MapPage``)."""
    layers = shown.layers
    first = next(iter(layers))
    visibility = layer_visibility(layers, shown.above)
    switch = {key: {"titre": layer.title, "visible": visibility[key],
                    "source": sources_line(data, layer.columns + OVERLAY_COLUMNS)} for key, layer in layers.items()}
    levels = shown.levels
    options = "".join(
        f'<optgroup label="{html.escape(level)}">' + "".join(
            f'<option value="{html.escape(key)}">{html.escape(layer.title)}</option>'
            for key, layer in layers.items() if levels[key] == level) + "</optgroup>"
        for level in dict.fromkeys(levels.values()))
    links = " · ".join(
        f"{html.escape(layers[key].title)} (" + ", ".join(
            f'<a href="exports/{html.escape(file)}">{file.rsplit(".", 1)[1].upper()}</a>'
            for file in exports[f"carte-{key}"]) + ")"
        for key in layers if exports.get(f"carte-{key}"))
    others = " · ".join(f'<a href="{html.escape(target)}">{html.escape(label)}</a>' for target, label in shown.links)
    return (
        f'<section class="carte"><p><label for="choix-carte">Indicateur affiché</label><br>'
        f"<select id=\"choix-carte\" data-carte=\"carte\" data-calques=\"{html.escape(json.dumps(switch))}\">"
        f"{options}</select></p>"
        f'<h3 id="titre-carte" aria-live="polite">{html.escape(layers[first].title)}</h3>'
        + plot(figure, "carte", data, layers[first].columns + OVERLAY_COLUMNS, title=layers[first].title)
        + '<p class="note">' + html.escape(CLICKED[shown.clicked].format(threshold=data.small_count_threshold))
        + "Classes de quantiles : chaque classe regroupe à peu près autant d'unités. Gris : pas de valeur, "
          "la légende dit pourquoi (secret statistique, aucun médecin, registre incomplet)."
        + (" Cartes par zone : un clic ouvre le diagnostic de la zone ; en blanc, les communes qu'aucune zone du "
           "zonage ne contient." if shown.zonings else "") + "</p>"
          '<p class="note">Les mêmes valeurs, en tableaux utilisables au clavier : '
          '<a href="territoires.html">communes et EPCI</a>, <a href="ou-agir.html">où agir</a> ; la recherche '
          "de la page d'accueil ouvre la fiche d'une commune.</p>"
        + (f'<nav class="note" aria-label="Autres cartes"><p>Cartes par commune : {others}</p></nav>'
           if shown.clicked == "departement" else f'<p class="note">{others}</p>' if others else "")
        + (f'<p class="note">Exports pour les rapports : {links}</p>' if links
           else '<p class="note">Export image indisponible sur cette machine.</p>' if data.map_exports
           else '<p class="note">Exports image non produits pour un territoire de cette taille '
                "(OBSERVATORY_MAP_EXPORTS=1 les demande).</p>")
        + "</section>")


def evolution(data, page: EvolutionInput) -> str:
    series = page.series
    density = series.assign(gp_density=series["gps"] / series["population"] * 10_000)
    epci = page.epci_series
    dates = sorted(epci["snapshot_date"].unique())
    epci_rows = []
    if dates:
        names = epci.drop_duplicates("code").set_index("code")["name"]
        wide = epci.pivot_table(index="code", columns="snapshot_date", values="apl", dropna=False)
        epci_rows = [[text(names.get(code)), *[french.number(value, 2) for value in values]]
                     for code, values in zip(wide.index, wide[dates].to_numpy())]
    funnel = page.agency_by_quarter
    why = page.unavailable
    if why or len(series) < 2:  # a partial register's trend, or a « trend » of one date, is not a figure
        reason = why or "une seule date de registre : déposez des extraits datés pour suivre l'évolution"
        return (f'<section><p class="note">Évolution non disponible : {html.escape(reason)}.</p></section>'
                + professions.over_time_section(page.professions)
                + ("<section>" + plot(fig_funnel_by_quarter(funnel), "agence-trimestres", data, ("installations",)) + "</section>"
                   if len(funnel) else ""))
    return (
        "<section>" + plot(fig_series(density, {"Densité": "gp_density"}, "Densité de médecins généralistes",
                                      "méd. / 10 000 hab."), "serie-densite", data, ("gp_density",)) + "</section>"
        + "<section>" + plot(fig_series(series, {"APL": "apl"}, "Accessibilité potentielle localisée",
                                        "consultations / hab. / an"), "serie-apl", data, ("apl",)) + "</section>"
        + "<section>" + plot(fig_series(series.assign(share=series["share_senior"] * 100), {"55 ans ou plus": "share"},
                                        "Part des généralistes de 55 ans ou plus", "%"), "serie-age", data,
                             ("share_senior",)) + "</section>"
        + "<section><h3>APL par EPCI et par date de registre</h3>"
        + table(["EPCI", *[f"{pd.Timestamp(d):%d/%m/%Y}" for d in dates]], epci_rows, set(range(1, len(dates) + 1)))
        + "</section>"
        + professions.over_time_section(page.professions)
        + ("<section>" + plot(fig_funnel_by_quarter(funnel), "agence-trimestres", data, ("installations",)) + "</section>" if len(funnel) else "")
    )


def agency(data, page: AgencyInput) -> str:
    funnel = page.funnel
    if not funnel["cases"].fillna(1).any():
        return "<section><p>Aucune donnée de l'agence pour ce territoire.</p></section>"
    funnel_rows = [[STAGE_LABELS[stage], count_cell(cases)] for stage, cases in zip(funnel["stage"], funnel["cases"])]
    quarters = page.installations_by_quarter
    quarter_rows = [[french.quarter(year, number), *row] for year, number, row in
                    zip(quarters["year"], quarters["quarter"],
                        cells(quarters, ["installations", "durable", "replacement"], counts=True))]
    return (
        "<section><h3>Parcours des professionnels</h3>" + table(["Étape", "Dossiers"], funnel_rows, {1})
        + "<h3>Installations par trimestre</h3>"
        + table(["Trimestre", "Installations", "Durables", "Remplacements"], quarter_rows, {1, 2, 3})
        + f'<p class="note">{secret_note(data.small_count_threshold)}</p></section>'
        + agency_outcomes(page)
        + sourced(data, ("cases", "installations", "spend_eur"))
    )


def agency_outcomes(page: AgencyInput) -> str:
    """What the agency's work changes: where installations land, APL gained, cost, pace."""
    impact = page.impact
    if impact.empty or not impact["installations"].iloc[0]:
        return ""
    impact = impact.iloc[0]
    by_class = page.by_desert_class
    in_deserts = by_class.loc[by_class["desert_class"] == "desert", "share"]
    timing = page.time_to_installation.iloc[0]
    plan = page.budget
    whole = plan[plan["axis_number"] == 0]
    cards = "".join([
        card(french.percent(in_deserts.iloc[0] if len(in_deserts) else None), "des installations en désert médical",
             "part des installations"),
        card(french.number(impact["apl_gain"], 2), "APL gagnée grâce aux médecins installés",
             f"consultations / hab. / an ({french.number(impact['gp_installations_in_register'])} généralistes)"),
        card(french.number(impact["density_gain_per_10000"], 2), "densité gagnée", "médecins pour 10 000 habitants"),
        card(french.number(timing["median_days_from_contact"]), "jours du premier contact à l'installation", "médiane"),
        card(french.number(whole["spend_per_installation_eur"].iloc[0]) if len(whole) else "–",
             "euros du plan par installation", "budget total / installations"),
    ])
    headers = ["Contacts", "Accompagnés", "Installés", "Durables", "Remplacements", "Abandons"]
    class_rows = [[CLASS_NAMES.get(r.desert_class, r.desert_class), count_cell(r.installations),
                   french.percent(r.share) if pd.notna(r.installations) else SECRET]
                  for r in by_class.itertuples()]
    budget_rows = [[text(r.axis_title), text(r.years), french.number(r.spend_eur), text(r.offers),
                    french.number(r.installations_attributable), french.number(r.spend_per_installation_eur)]
                   for r in plan.itertuples()]
    sheet_rows = [[str(int(r.year)), french.number(r.grants_delivered), french.number(r.grants_amount_eur),
                   french.number(r.interns_accompanied), french.number(r.gps_in_departement)]
                  for r in page.action_sheet.itertuples()]
    return (
        '<section id="agence-impact"><h3>Ce que change l\'agence</h3>'
        f'<div class="cards">{cards}</div>'
        "<h3>Où les installations ont eu lieu</h3>"
        + table(["Classe de la commune", "Installations", "Part"], class_rows, {1, 2})
        + "<h3>Parcours par profession</h3>"
        + table(["Profession", *headers], cells(page.by_profession, ["profession", *STAGES], counts=True),
                set(range(1, 7)))
        + "<h3>Installations par profession, selon la densité de la profession</h3>"
        + table(["Profession", catalogue.label("installations"), *(catalogue.label(place) for place in PLACES)],
                cells(page.placed_by_profession, ["profession", "installations", *PLACES], counts=True), {1, 2, 3, 4})
        + '<p class="note">Densité de la profession dans la commune d\'installation, comparée à celle de son '
        "département, à la date de référence (registre RPPS).</p>"
        + "<h3>Parcours par offre</h3>"
        + table(["Offre", *headers], cells(page.by_offer, ["offer", *STAGES], counts=True), set(range(1, 7)))
        + "<h3>Budget du plan et installations</h3>"
        + table(["Axe", "Années", "Dépense (€)", "Offres rattachées", "Installations", "€ par installation"],
                budget_rows, {2, 4, 5})
        + "<h3>Indicateurs des fiches-actions</h3>"
        + table(["Année", "Aides versées", "Montant (€)", "Internes accompagnés", "Généralistes (RPPS)"], sheet_rows,
                {1, 2, 3, 4})
        + '<p class="note">APL gagnée : APL moyenne pondérée par la population, calculée avec puis sans les '
        "généralistes installés par l'agence (retrouvés dans le RPPS). Les classes sont celles de la date de "
        "référence.</p></section>"
    )


def territories(data, page: TerritoriesInput) -> str:
    epci = page.epcis
    unusable = "non disponible (registre incomplet)"
    epci_rows = [[f'{text(r.epci_name) or "(sans EPCI)"}', french.number(r.population),
                  french.number(r.gps) if r.register_complete else unusable,
                  french.number(r.apl, 2) if r.register_complete else unusable,
                  CLASS_NAMES[text(r.desert_class) or "unclassified"] if r.register_complete else unusable]
                 for r in epci.itertuples()]
    links = "".join(f'<li>{sheet_link("epci.html", r.epci_code, r.epci_name)}</li>'
                    for r in epci.itertuples() if text(r.epci_code))
    usable, withheld = complete_register_communes(page.communes)
    worst = usable.dropna(subset=["apl"]).sort_values("apl").head(25)
    worst_rows = "".join(
        f'<tr><td>{sheet_link("commune.html", r.commune_code, r.commune_name)}</td>'
        f'<td class="n">{french.number(r.population)}</td><td class="n">{french.number(r.apl, 2)}</td>'
        f'<td class="n">{french.number(r.nearest_gp_minutes, 0)}</td></tr>' for r in worst.itertuples())
    return (
        f"<section>{search_box()}</section>"
        + "<section><h3>Intercommunalités</h3>"
        + table(["EPCI", "Population", "Généralistes", "APL", "Classe"], epci_rows, {1, 2, 3})
        + f"<ul>{links}</ul></section>"
        + "<section><h3>Les 25 communes à l'APL la plus faible</h3><table><thead><tr><th>Commune</th>"
          "<th>Population</th><th>APL</th><th>Minutes jusqu'au généraliste le plus proche</th></tr></thead>"
          f"<tbody>{worst_rows}</tbody></table>"
        + withheld_note(withheld) + "</section>"
        + professions.section(page.professions, page.profession_coverage)
        + sourced(data, ("population", "gps", "apl", "nearest_gp_minutes", "headcount", "benchmark_liberal"))
    )


def secret_note(threshold: int) -> str:
    """What « secret » means where it stands in a table."""
    return (f"« secret » : effectif inférieur à {threshold}, ou masqué pour qu'il ne puisse pas être retrouvé "
            "par différence avec les totaux publiés.")


def withheld_note(withheld: int) -> str:
    """Says how many communes a ranking leaves out for a partial register, if any."""
    return (f'<p class="note">{french.number(withheld)} communes dont le registre est incomplet (dans leur département '
            "ou à moins de 20 minutes) ne sont pas classées ici : leur APL n'est pas un chiffre utilisable.</p>"
            ) if withheld else ""


def _ranked_table(table_id: str, columns: list[tuple[str, str, bool]], rows: list[tuple[dict, list[str]]]) -> str:
    """A table the page's script sorts and filters: ``columns`` are (label, key, numeric);
    each row gives its sort values by key (data attributes) and its cells' HTML."""
    head = "".join(f'<th scope="col" aria-sort="none"><button type="button" data-key="{key}">{html.escape(label)}'
                   "</button></th>" if key else f'<th scope="col">{html.escape(label)}</th>'
                   for label, key, _ in columns)
    body = "".join(
        "<tr " + " ".join(f'data-{key}="{html.escape(str(value))}"' for key, value in values.items()) + ">"
        + "".join(f'<td class="n">{cell_html}</td>' if numeric else f"<td>{cell_html}</td>"
                  for (_, _, numeric), cell_html in zip(columns, cells_html)) + "</tr>"
        for values, cells_html in rows)
    return f'<table class="classement" id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def sheet_link(sheet: str, code, name) -> str:
    """A link to the sheet of a commune or an EPCI (``commune.html#<code>``), its text escaped."""
    return f'<a href="{sheet}#{html.escape(text(code))}">{html.escape(text(name))}</a>'


def html_number(value, digits: int = 0) -> str:
    """A number written the French way, ready to stand in HTML."""
    return html.escape(french.number(value, digits))


def _sort_value(value) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}"


def priorities(data, page: PrioritiesInput) -> str:
    """« Où agir » : EPCIs and communes ranked by the people in deserts and fragile zones, with
    the departures to come, the time to the nearest GP and the structures within 15 minutes."""
    communes, withheld = commune_priorities(page.communes, page.travel_times, page.structures)
    finess = page.has("care_structures")  # without the file, 0 structures would be no figure
    epcis = epci_priorities(page.epcis)
    number, link = html_number, sheet_link

    def departures(value, known) -> str:
        """Departures come from the roster: hidden by secrecy, or unknown without a roster."""
        if pd.notna(value):
            return number(value)
        return SECRET if known > 0 else "inconnu"

    epci_rows = [({"population": _sort_value(r.population), "atteindre": _sort_value(r.population_to_act),
                   "departs": _sort_value(r.departures_5y), "minutes": _sort_value(r.mean_minutes_to_gp)},
                  [link("epci.html", r.epci_code, r.epci_name), number(r.population), number(r.population_desert),
                   number(r.population_fragile), departures(r.departures_5y, r.gps_known_departure),
                   number(r.mean_minutes_to_gp, 1)])
                 for r in epcis.itertuples()]
    commune_rows = [({"population": _sort_value(r.population), "classe": text(r.desert_class), "apl": _sort_value(r.apl),
                      "departs": _sort_value(r.departures_5y), "minutes": _sort_value(r.nearest_gp_minutes),
                      "structures": _sort_value(r.structures_15min if finess else None)},
                     [link("commune.html", r.commune_code, r.commune_name), html.escape(text(r.epci_name)),
                      number(r.population), html.escape(CLASS_NAMES[text(r.desert_class) or "unclassified"]), number(r.apl, 2),
                      departures(r.departures_5y, r.gps_known_departure), number(r.nearest_gp_minutes),
                      number(r.structures_15min) if finess else NO_FINESS])
                    for r in communes.itertuples()]
    label = catalogue.label
    classes = "".join(f'<option value="{key}">{html.escape(CLASS_NAMES[key])}</option>'
                      for key in ("desert", "fragile", "adequate"))
    return (
        '<section><p>Où un recrutement changerait le plus : les territoires où vivent le plus d\'habitants en '
        "désert médical ou en zone fragile, où des départs s'annoncent, loin d'un généraliste et de toute "
        f"structure de soins. Cliquez un titre de colonne pour trier.</p>{search_box()}</section>"
        + "<section><h3>Intercommunalités</h3>"
        + _ranked_table("classement-epci", [("EPCI", "", False), (label("population"), "population", True),
                                            (label("population_desert"), "atteindre", True),
                                            (label("population_fragile"), "", True),
                                            (label("departures_5y"), "departs", True),
                                            (label("mean_minutes_to_gp") + " (min)", "minutes", True)], epci_rows)
        + "</section><section><h3>Communes</h3>"
        + '<form class="filtres" onsubmit="return false"><label for="filtre-population">Population minimale</label> '
          '<input type="number" id="filtre-population" min="0" step="100" value="0"> '
          f'<label for="filtre-classe">Classe</label> <select id="filtre-classe"><option value="">toutes</option>'
          f"{classes}</select></form>"
          '<p id="compte-communes" class="note" role="status"></p>'
        + _ranked_table("classement-communes", [
            ("Commune", "", False), ("EPCI", "", False), (label("population"), "population", True),
            (label("desert_class"), "", False), ("APL", "apl", True), (label("departures_5y"), "departs", True),
            ("Minutes jusqu'au généraliste le plus proche", "minutes", True),
            (f"Structures de soins à moins de {REACH_MINUTES} min", "structures", True)], commune_rows)
        + withheld_note(withheld)
        + (f'<p class="note">Les {french.number(MAX_COMMUNES)} premières communes du classement sont listées.</p>'
           if len(communes) == MAX_COMMUNES else "")
        + f'<p class="note">{secret_note(data.small_count_threshold)} « inconnu » : pas de répertoire des '
          "médecins donnant les départs prévus. « – » : donnée absente.</p></section>"
        + sourced(data, ("population_desert", "departures_5y", "nearest_gp_minutes", "kind"))
    )


CANDIDATES_LISTED = 50  # the candidate communes a page lists, best first (the CSV has them all)


def scenarios(data, page: ScenariosInput) -> str:
    """« Scénarios » : what inaction costs (departures unreplaced at 5 and 10 years) and where
    the next GPs would lift the most people out of deserts (greedy plan, every candidate)."""
    label = catalogue.label
    plan, scores, horizons = page.plan, page.scores, page.horizons
    if scores.empty:
        return ('<section><p>Scénarios non disponibles : le registre de ce territoire est incomplet, son APL n\'est '
                "pas un chiffre sur lequel placer des installations.</p></section>")

    number, link = html_number, partial(sheet_link, "commune.html")
    _, withheld = complete_register_communes(page.communes)
    partial_note = (f'<p class="synthetic">Totaux, plan et classement calculés sur les seules communes dont le '
                    f"registre est complet, dans leur département et à moins de 20 minutes : {french.number(withheld)} "
                    "communes (registre incomplet) n'y sont pas comptées.</p>") if withheld else ""

    horizon_rows = [["Aujourd'hui" if r.years == 0 else f"Dans {int(r.years)}\u00a0ans", french.number(r.population_desert),
                     french.number(r.population_fragile), french.number(r.communes_desert),
                     french.number(r.communes_changing_class),
                     "sans objet" if r.years == 0 else ("plus de 200" if pd.isna(r.installations_to_hold_today)
                                               else french.number(r.installations_to_hold_today))]
                    for r in horizons.itertuples()]
    before = plan["population_in_desert_before"].iloc[0] if len(plan) else None
    after = plan["population_in_desert_after"].iloc[-1] if len(plan) else None
    plan_rows = "".join(
        f'<tr><td class="n">{int(r.rank)}</td><td>{link(r.commune_code, r.commune_name)}</td>'
        f'<td class="n">{number(r.population_out_of_desert)}</td><td class="n">{number(r.population_out_of_fragile)}</td>'
        f'<td class="n">{number(r.population_in_desert_after)}</td></tr>' for r in plan.itertuples())
    candidates = scores.head(CANDIDATES_LISTED)
    candidate_rows = [({"rang": _sort_value(r.rank), "population": _sort_value(r.population),
                        "desert": _sort_value(r.population_out_of_desert),
                        "fragile": _sort_value(r.population_out_of_fragile), "gain": _sort_value(r.apl_gain_in_commune)},
                       [number(r.rank), link(r.commune_code, r.commune_name), html.escape(text(r.epci_name)),
                        number(r.population), html.escape(CLASS_NAMES[text(r.desert_class) or "unclassified"]),
                        number(r.population_out_of_desert), number(r.population_out_of_fragile),
                        number(r.apl_gain_in_commune, 2)])
                      for r in candidates.itertuples()]
    return (
        partial_note
        + "<section><h3>Si les départs ne sont pas remplacés</h3>"
        "<p>Les généralistes qui atteignent l'âge de départ (ou ont déclaré un départ) partent sans être remplacés, "
        "personne ne s'installe : voici ce que coûterait l'inaction, et combien d'installations il faudrait pour "
        "garder la population en désert médical à son niveau d'aujourd'hui.</p>"
        + table(["Horizon", label("population_desert"), label("population_fragile"), label("communes_desert"),
                 label("communes_changing_class"), label("installations_to_hold_today")], horizon_rows,
                {1, 2, 3, 4, 5})
        + '<p class="note">Totaux du territoire seulement : l\'APL d\'une commune à l\'horizon permettrait de retrouver, '
          "par le calcul, les départs du répertoire départemental (donnée non publique) commune par commune ; elle "
          "n'est donc pas publiée. Départs : âge de départ réglable (réglage retirement_age), départs déclarés ; les "
          "généralistes dont l'âge est inconnu restent.</p></section>"
        + f"<section><h3>Où installer les {len(plan)} prochains généralistes</h3>"
        + (f"<p>Placés un à un là où chacun sort le plus d'habitants du désert médical (puis de la zone fragile), "
           f"en recalculant après chaque installation, ces {len(plan)} généralistes à temps plein ramèneraient la "
           f"population en désert médical de {french.number(before)} à {french.number(after)} habitants.</p>"
           if len(plan) else "")
        + '<table><thead><tr><th scope="col">Rang</th><th scope="col">Commune</th>'
          f'<th scope="col">{html.escape(label("population_out_of_desert"))}</th>'
          f'<th scope="col">{html.escape(label("population_out_of_fragile"))}</th>'
          f'<th scope="col">{html.escape(label("population_in_desert_after"))}</th></tr></thead>'
          f"<tbody>{plan_rows}</tbody></table>"
        + '<p class="note">Un généraliste à temps plein compte pour ' + french.number(data.method.get(
            "consultations_per_fte", 4900)) + " consultations par an dans l'APL. L'effet est calculé exactement : "
          "seule l'offre de la commune d'installation change, donc l'APL de chaque commune voisine augmente de "
          "poids du trajet × offre ajoutée / demande pondérée de la commune d'installation.</p></section>"
        + scenario_files_section(page)
        + "<section><h3>Un généraliste de plus dans chaque commune</h3>"
        + f"<p>Les {french.number(len(candidates))} communes où un seul généraliste supplémentaire sortirait le plus "
          "d'habitants du désert médical. Cliquez un titre de colonne pour trier ; toutes les communes sont dans "
          "le tableau téléchargeable gp_placement_scores.</p>"
        + _ranked_table("classement-candidats", [
            ("Rang", "rang", True), ("Commune", "", False), ("EPCI", "", False),
            (label("population"), "population", True), (label("desert_class"), "", False),
            (label("population_out_of_desert"), "desert", True), (label("population_out_of_fragile"), "fragile", True),
            (label("apl_gain_in_commune"), "gain", True)], candidate_rows)
        + f'<p class="note">{html.escape(sources_line(data, ("population_out_of_desert", "installations_to_hold_today")))}'
          "</p></section>")


def scenario_files_section(page: ScenariosInput) -> str:
    """The analysts' scenarios (files in ``scenarios/``) beside the baseline, per horizon, and
    the lines set aside with why (each drops its whole scenario)."""
    outcomes = page.outcomes
    label = catalogue.label
    rejected = page.rejected_lines
    said = ("" if rejected.empty else
            f'<p class="synthetic">{french.number(len(rejected))} ligne(s) des fichiers de scénarios écartée(s) ; '
            "le scénario de chacune n'est pas calculé :</p>"
            + table(["Fichier", "Ligne", "Champ", "Motif"],
                    [[text(r.file), french.number(r.line), text(r.field), text(r.reason)] for r in rejected.itertuples()],
                    {1}))
    if outcomes["scenario"].nunique() <= 1:
        return ("<section><h3>Scénarios des analystes</h3><p>Aucun scénario : déposez un fichier CSV dans "
                "<code>data/raw/&lt;territoire&gt;/scenarios/</code>, une ligne par action, colonnes scenario, "
                "action (add_gps, add_msp, keep_gp, retirement_age), commune_code, count, rpps_id, value.</p>"
                + said + "</section>")
    rows = [[text(r.scenario), "Aujourd'hui" if r.years == 0 else f"Dans {int(r.years)}\u00a0ans", french.number(r.gps_added),
             french.number(r.population_desert), french.number(r.population_fragile), french.number(r.communes_desert),
             french.number(r.apl, 2)] for r in outcomes.itertuples()]
    return ("<section><h3>Scénarios des analystes</h3><p>Chaque scénario des fichiers du dossier scenarios/ "
            "(généralistes ou maison de santé ajoutés, départs retardés, autre âge de départ), à côté de la référence "
            "« Sans action », aujourd'hui et à 5 et 10 ans.</p>"
            + table(["Scénario", "Horizon", label("gps_added"), label("population_desert"), label("population_fragile"),
                     label("communes_desert"), "APL moyenne"], rows, {2, 3, 4, 5, 6})
            + '<p class="note">Un scénario qui garde un médecin nommé (action keep_gp) n\'est pas publié : son écart '
              "avec la référence dirait si ce médecin part.</p>" + said + "</section>")


def territory_page(data, kind: str) -> str:
    """The body of commune.html / epci.html: filled in by assets/observatoire.js from the URL's #code."""
    charts = "".join(
        f'<figure class="chart"><div role="img" aria-label="{html.escape(label)} selon les registres successifs ; '
        f'les valeurs sont dans le tableau ci-dessus."><div id="{div_id}"></div></div>'
        f"<figcaption>{html.escape(sources_line(data, columns))}</figcaption></figure>"
        for div_id, label, columns in (("serie-territoire", "Médecins généralistes", ("gps",)),
                                       ("serie-territoire-apl", "APL", ("apl",))))
    return (f'<section>{search_box()}</section>'
            f'<section id="fiche" data-kind="{kind}"><p>Choisissez un territoire dans la recherche.</p></section>'
            + sourced(data, ("population", "gps", "share_senior", "apl", "departures_5y", "nearest_gp_minutes"))
            + '<button type="button" class="print" onclick="window.print()">Imprimer la fiche</button>'
            f'<section id="series">{charts}</section>')


DEMAND_LABELS = {"official": "population standardisée publiée par la DREES",
                 "five_year_bands": "calculée à partir des tranches d'âge quinquennales de l'Insee (TD_POP1B)",
                 "age_bands": "calculée à partir des grandes tranches d'âge de l'Insee",
                 "population": "population municipale non standardisée (âges inconnus)"}


def border_ring_note(report: pd.DataFrame) -> str:
    """Whether the APL counted the communes across the border, and which."""
    ring = report[report["dataset"] == "border_ring"]
    if ring.empty or not bool(ring["present"].iloc[0]):
        return ("<p>Couronne frontalière : aucune (contours des départements voisins absents) ; près des limites "
                "du territoire, l'APL ignore les médecins et les habitants d'à côté.</p>")
    row = ring.iloc[0]
    return (f"<p>Couronne frontalière : {french.number(row['rows_accepted'])} communes voisines ({html.escape(text(row['file']))})"
            ", à moins de deux fois la portée de l'APL, comptées avec leurs habitants et leurs médecins ; seules les "
            "communes du territoire sont publiées.</p>")


def agreement_section(agreement: pd.DataFrame, calibration: pd.DataFrame) -> str:
    """Our APL against the DREES's official one, per département, in plain words."""
    if agreement.empty:
        return ("<h3>Concordance avec l'APL officielle</h3><p>Le classeur de l'APL de la DREES n'est pas dans les "
                "données du territoire : la concordance ne peut pas être mesurée.</p>")
    rows = [[text(row.departement_code), text(row.year), french.number(row.communes_compared),
             french.number(row.communes_withheld), french.number(row.spearman, 2), french.number(row.pearson, 2),
             french.number(row.mean_absolute_error, 2), french.percent(row.class_agreement), french.number(row.kappa, 2)]
            for row in agreement.itertuples()]
    return ("<h3>Concordance avec l'APL officielle de la DREES</h3>"
            + table(["Département", "Année de l'APL officielle", "Communes comparées", "Communes non comparées "
                     "(registre incomplet)", "Corrélation des rangs (Spearman)", "Corrélation (Pearson)",
                     "Écart absolu moyen", "Même classe « désert »", "Kappa de Cohen"], rows, set(range(2, 9)))
            + '<p class="note">Une corrélation des rangs de 1 classerait les communes exactement comme la DREES ; '
              "un kappa de 0 ne ferait pas mieux que le hasard pour désigner les déserts.</p>"
            + calibration_note(calibration))


def calibration_note(calibration: pd.DataFrame) -> str:
    """The speed fitted to the official APL, and what it changes on communes it never saw."""
    if calibration.empty:
        return ""
    row = calibration.iloc[0]
    if row["status"] != "calibré":
        return f"<p>Temps de trajet : {html.escape(text(row['status']))}.</p>"
    return (f"<p>Temps de trajet estimés, sans réseau routier : la vitesse a été ajustée sur l'APL officielle de "
            f"{french.number(row['communes_fit'])} communes (une sur deux) : {french.number(row['speed_fitted_kmh'], 1)} "
            f"km/h au lieu de {french.number(row['speed_default_kmh'])}. Sur les {french.number(row['communes_holdout'])} "
            f"autres communes, la corrélation des rangs passe de {french.number(row['spearman_holdout_default'], 2)} à "
            f"{french.number(row['spearman_holdout_fitted'], 2)}, le kappa de {french.number(row['kappa_holdout_default'], 2)}"
            f" à {french.number(row['kappa_holdout_fitted'], 2)}, l'écart absolu moyen de "
            f"{french.number(row['mean_absolute_error_holdout_default'], 2)} à "
            f"{french.number(row['mean_absolute_error_holdout_fitted'], 2)}.</p>")


def data_dictionary_section(dictionary: pd.DataFrame) -> str:
    """Every published column, table by table, as the catalogue describes it."""
    parts = []
    for name, columns in dictionary.groupby("table", sort=False):
        rows = [[r.colonne, r.libelle, r.unite, r.definition, "oui" if r.donnee_non_publique else "non"]
                for r in columns.itertuples()]
        parts.append(f"<details><summary><code>{html.escape(name)}</code> ({len(rows)} colonnes)</summary>"
                     + table(["Colonne", "Libellé", "Unité", "Définition", "Donnée non publique"], rows) + "</details>")
    return ("<section><h3>Dictionnaire des données</h3><p>Chaque colonne publiée, son unité, sa définition, ce "
            "qu'elle signifie et sa source sont aussi dans le fichier <code>dictionnaire_des_donnees</code> "
            "ci-dessous.</p>" + "".join(parts) + "</section>")


def methodology(data, page: MethodInput, downloads: dict[str, list[str]], dictionary: pd.DataFrame) -> str:
    definitions = "".join(
        f"<dt>{html.escape(entry.label)} ({html.escape(entry.unit)})</dt><dd>{html.escape(entry.definition)} "
        f"<em>Ce que cela signifie : {html.escape(entry.meaning)}</em> Source : {html.escape(entry.source_labels)}.</dd>"
        for entry in map(lambda column: catalogue.describe("", column), KEY_INDICATORS))
    method = data.method
    parameters = method["parameters"]
    bands = " ; ".join(f"jusqu'à {french.number(bound)} min : {french.fraction(weight)}"
                       for bound, weight in parameters.distance_weights)
    ages = " ; ".join(f"{french.age_band(first, last)} : {french.number(weight, 2)}"
                      for first, last, weight in parameters.age_weights)
    demand = page.communes["demand_method"].value_counts() \
        if "demand_method" in page.communes else pd.Series(dtype="int64")
    demand_text = ", ".join(f"{DEMAND_LABELS[name]} pour {french.number(count)} communes"
                            for name, count in demand.items())
    apl = (
        "<h3>Accessibilité potentielle localisée (APL)</h3>"
        "<p>Méthode de la DREES (aire flottante à deux étapes améliorée, E2SFCA) : "
        "APL<sub>i</sub> = Σ<sub>j</sub> W(t<sub>ij</sub>) · S<sub>j</sub> / Σ<sub>k</sub> W(t<sub>kj</sub>) · "
        "P*<sub>k</sub>. Paramètres : " + html.escape(parameters.source) + ".</p><ul>"
        "<li>S<sub>j</sub>, l'offre de la commune j en consultations et visites par an : l'activité de chaque "
        f"généraliste bornée comme le fait la DREES (moins de {french.number(parameters.activity_floor)} : 0 ; "
        f"jusqu'à {french.number(parameters.activity_low)} : {french.number(parameters.activity_low)} ; au-delà de "
        f"{french.number(parameters.activity_high)} : {french.number(parameters.activity_high)}) quand le répertoire "
        f"la donne ; {french.number(parameters.newly_installed)} pour un médecin installé dans l'année ; sinon ETP × "
        f"{french.number(method['consultations_per_fte'])}.</li>"
        "<li>P*<sub>k</sub>, la population standardisée selon la consommation de soins de médecine générale par "
        f"âge : {html.escape(demand_text or 'aucune commune')}. Poids des tranches d'âge : {html.escape(ages)} ; "
        "appliqués aux grandes tranches de la source de population par leur moyenne (parts nationales supposées "
        "égales à l'intérieur d'une grande tranche).</li>"
        f"<li>W, le poids du temps de trajet t : {html.escape(bands)} ; au-delà : 0. Temps de trajet : "
        f"{html.escape(method['travel_times'])}.</li></ul>"
        + border_ring_note(page.sources) +
        f"<p>Désert médical : APL &lt; {french.number(data.desert_thresholds[0], 1)} ; zone fragile : jusqu'à "
        f"{french.number(data.desert_thresholds[1], 1)}. Départs : âge de {method['retirement_age']} ans atteint, "
        "ou départ déclaré.</p>" + professions.apl_note() + agreement_section(page.agreement, page.calibration))
    vintages = page.sources
    sources = table(
        ["Jeu de données", "Fichier", "Producteur", "Millésime", "Lignes lues", "Retenues", "En quarantaine"],
        [[text(v.dataset), text(v.file) or "(absent)", text(v.producer), text(v.vintage) or "–",
          french.number(v.rows_read), french.number(v.rows_accepted), french.number(v.rows_quarantined)]
         for v in vintages.itertuples()], {4, 5, 6})
    quarantine = page.quarantine
    reasons = quarantine.groupby(["dataset", "field"], as_index=False).size()
    quarantine_table = table(["Jeu de données", "Champ", "Lignes écartées"],
                             [[r.dataset, r.field, french.number(r.size)] for r in reasons.itertuples()], {2}) \
        if len(reasons) else "<p>Aucune ligne écartée.</p>"
    download_rows = "".join(
        f"<li>{html.escape(name)} : " + " · ".join(f'<a href="data/{file}">{file.rsplit(".", 1)[1].upper()}</a>'
                                                  for file in files) + "</li>"
        for name, files in downloads.items())
    return (
        f"<section><h3>Définitions</h3><dl>{definitions}</dl>{apl}"
        f"<h3>Secret statistique</h3><p>Les effectifs issus de données non publiques (âges et départs du "
        f"répertoire départemental, dossiers de l'agence) compris entre 1 et {data.small_count_threshold - 1} ne "
        "sont pas publiés (secret primaire), ni les autres parts de la même ventilation. D'autres cases sont "
        "masquées en complément (secret secondaire) partout où une case masquée pourrait se retrouver par "
        "différence : commune, EPCI et département ; profession, offre, trimestre, classe, année et axe du plan "
        "face aux totaux de l'agence. Ne sont pas publiées non plus, par commune, l'APL ne comptant que les "
        "généralistes de 65, 62 ou 60 ans au plus ni l'APL avec et sans les installations de l'agence : le "
        "système linéaire de l'APL permettrait d'en déduire l'âge ou l'installation d'un médecin nommé. "
        "Les effectifs du RPPS, public, sont publiés tels quels.</p></section>"
        f"<section><h3>Sources et millésimes</h3>{sources}"
        f"<h3>Lignes mises en quarantaine ({french.number(len(quarantine))})</h3>{quarantine_table}"
        '<p class="note">Chaque ligne écartée est conservée avec son fichier, sa ligne, son champ et son motif '
        "dans la table <code>quarantine</code>.</p></section>"
        + data_dictionary_section(dictionary)
        + f"<section><h3>Télécharger les tableaux (CSV ; et XLSX)</h3><ul>{download_rows}</ul></section>"
    )
