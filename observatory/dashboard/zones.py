"""The zonings on the dashboard (CPTS, bassins de vie, cantons…): « Zonages » lists each
zoning's zones, and each zone has a printable diagnostic, its figures beside those of its
département and, where the observatory has them, of its région and France (the CNAM's liberal
GP density). Every figure and every missing one reads as on the other sheets (``absences``)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .. import catalogue
from ..indicators.zones import STRUCTURE_KINDS
from . import french
from .inputs import ZonesInput
from .layout import NO_FINESS, SECRET, absences, count_cell, table, text
from .pages import sourced

SOURCED = ("zone_code", "population", "pop_0_14", "gps", "share_senior", "departures_5y", "apl", "share_desert",
           "headcount", "maison_de_sante", "installations", "density_per_100k")

AGE_BANDS = {"pop_0_14": "0 à 14 ans", "pop_15_29": "15 à 29 ans", "pop_30_44": "30 à 44 ans",
             "pop_45_59": "45 à 59 ans", "pop_60_74": "60 à 74 ans", "pop_75_plus": "75 ans et plus"}
UNUSABLE = "non disponible (registre incomplet)"
NOT_HELD = "non disponible dans l'observatoire"
NO_AGENCY = "non disponible (aucune donnée de l'agence pour ce territoire)"


def location(zoning: str, code: str) -> str:
    """A zone's id on the maps and in the pages' index: codes of two zonings, or a bassin de
    vie's and its main commune's, are alike."""
    return f"{zoning}:{code}"


def zone_files(membership: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Each zone's page, ``zone-<zoning>-<rank>.html``: a zone's code is source text, never
    part of a file name (the zoning's key is letters, digits and _)."""
    zones = membership[["zoning", "zone_code"]].drop_duplicates().sort_values(["zoning", "zone_code"])
    ranks = zones.groupby("zoning").cumcount() + 1
    return {(zoning, code): f"zone-{zoning}-{rank}.html"
            for zoning, code, rank in zip(zones["zoning"], zones["zone_code"], ranks)}


def zone_frame(page: ZonesInput) -> pd.DataFrame:
    """One row per zone: its accessibility, supply, structures, installations and its main
    département (where most of its people live)."""
    keys = ["zoning", "zone_code"]
    supply = page.supply[[*keys, "communes", "gps", "gp_density", "share_senior", "gps_age_known", "age_suppressed"]]
    frame = (page.access.merge(supply, on=keys).merge(page.structures.drop(columns=["zoning_label", "zone_name"]),
                                                      on=keys, how="left")
             .merge(page.agency[[*keys, "installations"]], on=keys, how="left"))
    people = page.membership.merge(page.communes[["commune_code", "departement_code", "population"]], on="commune_code")
    main = (people.groupby([*keys, "departement_code"])["population"].sum().reset_index()
            .sort_values("population", ascending=False).drop_duplicates(keys))
    return frame.merge(main[[*keys, "departement_code"]], on=keys, how="left")


def _ages(communes: pd.DataFrame) -> dict[str, float]:
    """Each age band's share of the people of ``communes`` (NaN where the bands are unknown)."""
    known = communes.dropna(subset=list(AGE_BANDS))
    total = known[list(AGE_BANDS)].to_numpy().sum()
    return {band: float(known[band].sum() / total) if total else np.nan for band in AGE_BANDS}


def _liberal_density(professions: pd.DataFrame, population: float) -> float:
    """Liberal and mixed GPs of the register per 100 000 inhabitants: the CNAM's definition."""
    gps = professions[professions["profession"] == "medecin_generaliste"]
    if gps.empty or gps["headcount"].isna().all():
        return np.nan
    return float((gps["headcount_liberal"] + gps["headcount_mixed"]).sum() / population * 100_000)


def _figure(row, column: str, decimals: int = 0, share: bool = False, why: dict | None = None) -> str:
    """A unit's figure as text, or why it has none."""
    if not bool(row["register_complete"]):
        return UNUSABLE
    value = row[column]
    if value is None or pd.isna(value):
        return (why or {}).get(column, french.MISSING)
    return french.percent(value, decimals) if share else french.number(value, decimals)


def _reasons(row: pd.Series) -> dict[str, str]:
    """Why a zone's or a département's roster figures are missing (secret, no GP, no roster),
    in the sheets' words."""
    said = absences(SimpleNamespace(**row.to_dict()))
    return {"share_senior": said.get("part55", french.MISSING), "departures_5y": said.get("departs5", french.MISSING),
            "departures_10y": said.get("departs10", french.MISSING)}


@dataclass(frozen=True)
class _Compared:
    """A département as the diagnostics of its zones compare with it."""
    row: pd.Series  # its accessibility, supply and structures, as a zone's row
    ages: dict[str, float]
    professions: pd.DataFrame

    @classmethod
    def of(cls, page: ZonesInput, code: str) -> "_Compared":
        row = page.departement_access.set_index("departement_code").loc[code].copy()
        supply = page.departement_supply.set_index("departement_code")
        for column in ("communes", "gps", "gp_density", "share_senior", "gps_age_known", "age_suppressed"):
            row[column] = supply.at[code, column]
        communes = page.communes[page.communes["departement_code"] == code]
        structures = page.structure_locations[page.structure_locations["commune_code"].isin(communes["commune_code"])]
        for kind in STRUCTURE_KINDS:
            row[kind] = int((structures["kind"] == kind).sum())
        return cls(row, _ages(communes),
                   page.departement_professions[page.departement_professions["departement_code"] == code])


def _comparison(rows: list[tuple[str, str, str]], departement: str) -> str:
    return table(["Indicateur", "Zone", f"Département ({departement})"], [list(row) for row in rows], {1, 2})


def diagnostics(data, page: ZonesInput, frame: pd.DataFrame, files: dict[tuple[str, str], str]
                ) -> dict[str, tuple[str, str]]:
    """Every zone's diagnostic page (file: title, body), ``frame`` the zones' rows
    (``zone_frame``): each département compared is prepared once, each zone's communes and
    professions found by one grouping, not by a filter per zone."""
    communes = page.communes.set_index("commune_code", drop=False)
    members = page.membership.groupby(["zoning", "zone_code"])["commune_code"].agg(list)
    professions = dict(list(page.professions.groupby(["zoning", "zone_code"])))
    in_zoning: dict[str, list[tuple[str, str]]] = {}
    for zoning, code, name in zip(frame["zoning"], frame["zone_code"], frame["zone_name"]):
        in_zoning.setdefault(zoning, []).append((files[(zoning, code)], name))
    compared: dict[str, _Compared] = {}
    bodies = {}
    for zone in frame.itertuples(index=False):
        keys, code = (zone.zoning, zone.zone_code), text(zone.departement_code)
        if code not in compared:
            compared[code] = _Compared.of(page, code)
        others = [(file, name) for file, name in in_zoning[zone.zoning] if file != files[keys]]
        bodies[files[keys]] = (f"Diagnostic : {zone.zone_name}", diagnostic(
            data, page, pd.Series(zone._asdict()), communes.loc[members[keys]].sort_index(), professions[keys],
            compared[code], others))
    return bodies


def diagnostic(data, page: ZonesInput, zone: pd.Series, communes: pd.DataFrame, zone_professions: pd.DataFrame,
               compared: _Compared, others: list[tuple[str, str]]) -> str:
    """A zone's printable diagnostic: population and ages, GPs and their ages, departures,
    APL and desert classes, every profession, care structures, the agency's installations;
    each beside the zone's main département (``compared``), with links to the ``others``
    zones of its zoning (file, name)."""
    code, departement = text(zone["departement_code"]), compared.row
    name = text(departement["departement_name"])
    spread = sorted(set(communes["departement_code"]) - {code})
    zone_ages, departement_ages = _ages(communes), compared.ages
    zone_why, departement_why = _reasons(zone), _reasons(departement)

    def both(column: str, decimals: int = 0, share: bool = False) -> tuple[str, str]:
        return (_figure(zone, column, decimals, share, zone_why),
                _figure(departement, column, decimals, share, departement_why))

    label = catalogue.label
    population = [("Population (habitants)", french.number(zone["population"]), french.number(departement["population"])),
                  ("Communes", french.number(zone["communes"]), french.number(departement["communes"])),
                  *((f"Part des {band}", french.percent(zone_ages[column]), french.percent(departement_ages[column]))
                    for column, band in AGE_BANDS.items())]
    departement_professions = compared.professions
    liberal = (_liberal_density(zone_professions, zone["population"]),
               _liberal_density(departement_professions, departement["population"]))
    gps = [(f"{label('gps')} (effectif)", *both("gps")), (f"{label('gp_density')} (pour 10 000 habitants)",
                                                          *both("gp_density", 1)),
           ("Généralistes libéraux et mixtes pour 100 000 habitants (registre)",
            *(french.number(value, 1) if bool(unit["register_complete"]) else UNUSABLE
              for value, unit in zip(liberal, (zone, departement)))),
           (label("share_senior"), *both("share_senior", share=True)),
           (f"{label('departures_5y')} (généralistes)", *both("departures_5y")),
           (f"{label('departures_10y')} (généralistes)", *both("departures_10y"))]
    access = [(f"{label('apl')} ({catalogue.unit('apl')})", *both("apl", 2)),
              (label("share_desert"), *both("share_desert", share=True)),
              (label("share_fragile"), *both("share_fragile", share=True)),
              (label("share_adequate"), *both("share_adequate", share=True)),
              (f"{label('mean_minutes_to_gp')} (minutes)", *both("mean_minutes_to_gp", 1))]
    structures = [(label(kind), *((french.number(zone[kind]), french.number(departement[kind]))
                                  if page.has("care_structures") else (NO_FINESS, NO_FINESS)))
                  for kind in STRUCTURE_KINDS]
    agency = page.has("agency_cases")
    references = page.references
    compared = " · ".join(f"{text(r.level).replace('departement', 'département').capitalize()} {text(r.name)} : "
                          f"{french.number(r.density_per_100k, 1)}" for r in references.itertuples())
    installed = page.funnel.loc[page.funnel["stage"] == "installed", "cases"]
    links = ", ".join(f'<a href="commune.html#{html.escape(text(c))}">{html.escape(text(n))}</a>'
                      for c, n in zip(communes["commune_code"], communes["commune_name"]))
    others = " · ".join(f'<a href="{html.escape(file)}">{html.escape(text(other))}</a>' for file, other in others)
    return (
        f'<section><p><strong>{html.escape(text(zone["zoning_label"]))}</strong> — zone '
        f'{html.escape(text(zone["zone_code"]))}, {french.number(zone["communes"])} communes. Comparée au département '
        f'où vit la plus grande part de sa population : {html.escape(name)} ({html.escape(code)})'
        + (f" ; la zone s'étend aussi sur {html.escape(', '.join(spread))}" if spread else "") + ".</p>"
        '<button type="button" class="print" onclick="window.print()">Imprimer le diagnostic</button></section>'
        + "<section><h3>Population et structure par âge</h3>" + _comparison(population, name)
        + f'<p class="note">Région et France : {NOT_HELD} (pas de population nationale par âge dans ses sources).</p>'
          "</section>"
        + "<section><h3>Médecins généralistes</h3>" + _comparison(gps, name)
        + (f'<p class="note">Densité de généralistes libéraux selon l\'Assurance maladie (pour 100 000 habitants) : '
           f"{html.escape(compared)}. La zone n'a pas de chiffre de l'Assurance maladie : le registre en donne "
           "un de même définition ci-dessus.</p>" if compared else
           f'<p class="note">Région et France : {NOT_HELD} (fichier de l\'Assurance maladie absent).</p>')
        + '<p class="note">Âges et départs : répertoire départemental (non public), publiés sous secret statistique. '
          "Les autres professions n'ont pas d'âge : le registre public ne le donne pas.</p></section>"
        + "<section><h3>Accès aux généralistes (APL) et zones sous-dotées</h3>" + _comparison(access, name) + "</section>"
        + "<section><h3>Professionnels de santé par profession</h3>"
        + _professions_table(zone_professions, departement_professions, name) + "</section>"
        + "<section><h3>Structures de soins</h3>" + _comparison(structures, name) + "</section>"
        + "<section><h3>Installations accompagnées par l'agence</h3>"
        + table(["", "Installations"], [["Dans la zone", count_cell(zone["installations"]) if agency else NO_AGENCY],
                                        ["Dans tout le territoire", (count_cell(installed.iloc[0] if len(installed)
                                                                                else np.nan) if agency else NO_AGENCY)]],
                {1})
        + f'<p class="note">{html.escape(SECRET)} : effectif inférieur à {data.small_count_threshold}, ou masqué pour '
          "qu'il ne puisse pas être retrouvé par différence avec les autres tableaux publiés (EPCI, zones, classes).</p>"
          "</section>"
        + f"<section><h3>Communes de la zone</h3><p>{links}</p>"
        + (f'<p class="note">Autres zones : {others} · <a href="zonages.html">tous les zonages</a></p>' if others else "")
        + "</section>" + sourced(data, SOURCED)
    )


def _professions_table(zone: pd.DataFrame, departement: pd.DataFrame, name: str) -> str:
    shown = departement.set_index("profession")
    rows = []
    for row in zone.itertuples():
        other = shown.loc[row.profession] if row.profession in shown.index else None

        def figures(unit) -> list[str]:
            if unit is None:
                return [french.MISSING] * 2
            if not bool(unit["in_register"]):
                return ["profession absente du registre à cette date"] * 2
            if not bool(unit["register_complete"]):
                return [UNUSABLE] * 2
            return [french.number(unit["headcount"]), french.number(unit["density"], 1)]

        rows.append([text(row.profession_label), *figures(pd.Series(row._asdict())), *figures(other)])
    return table(["Profession", "Zone : effectif", "Zone : pour 10 000 hab.", f"{name} : effectif",
                  f"{name} : pour 10 000 hab."], rows, {1, 2, 3, 4})


def overview(data, page: ZonesInput, zones: pd.DataFrame, files: dict[tuple[str, str], str]) -> str:
    """« Zonages » : each zoning, the communes it leaves out, its zones (``zone_frame``)
    ranked by APL with a link to each diagnostic."""
    if page.coverage.empty:
        return ("<section><p>Aucun zonage fourni. Déposer un fichier par zonage (CPTS, territoires de santé : "
                "colonnes code_commune, code_zone, nom_zone) ou la table d'appartenance géographique des communes "
                "de l'Insee (bassins de vie, cantons, zones d'emploi) dans le dossier zonages/ des données du "
                "territoire.</p></section>")
    sections, agency = [], page.has("agency_cases")
    for coverage in page.coverage.itertuples():
        rows = zones[zones["zoning"] == coverage.zoning].sort_values("apl")
        body = "".join(
            f'<tr><td><a href="{html.escape(files[(r.zoning, r.zone_code)])}">{html.escape(text(r.zone_name))}</a></td>'
            + "".join(f'<td class="n">{html.escape(value)}</td>' for value in (
                french.number(r.population), _figure(r._asdict(), "gps"), _figure(r._asdict(), "gp_density", 1),
                _figure(r._asdict(), "apl", 2), _figure(r._asdict(), "share_desert", share=True),
                count_cell(r.installations) if agency else "non disponible"))
            + "</tr>" for r in rows.itertuples())
        left_out = (f"{french.number(coverage.communes_without_zone)} communes du territoire "
                    f"({french.number(coverage.population_without_zone)} habitants) ne sont dans aucune zone de ce "
                    "zonage : elles ne comptent dans aucune de ses zones." if coverage.communes_without_zone
                    else "Toutes les communes du territoire sont dans une zone de ce zonage.")
        sections.append(
            f"<section><h3>{html.escape(text(coverage.zoning_label))}</h3>"
            f"<p>{french.number(coverage.zones)} zones. {html.escape(left_out)}</p>"
            '<table><thead><tr><th scope="col">Zone</th><th scope="col">Population</th>'
            '<th scope="col">Généralistes</th><th scope="col">Densité (pour 10 000 hab.)</th><th scope="col">APL</th>'
            '<th scope="col">Population en désert</th><th scope="col">Installations accompagnées</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
            '<p class="note">Zones classées de la plus faible APL à la plus forte ; chaque nom ouvre le diagnostic '
            "de la zone, imprimable." + ("" if agency else " Installations accompagnées : aucune donnée de l'agence "
                                         "pour ce territoire.") + "</p></section>")
    return "".join(sections) + sourced(data, ("zone_code", "population", "gps", "apl", "share_desert", "installations"))


def zone_index(page: ZonesInput, files: dict[tuple[str, str], str]) -> dict[str, dict]:
    """The zones in the pages' index: a click on a zone of a map, or its name in the search,
    opens its diagnostic."""
    zones = page.access
    return {location(z, c): {"nom": text(n), "code": text(c), "zonage": text(label), "population": float(people),
                             "page": files[(z, c)]}
            for z, c, n, label, people in zip(zones["zoning"], zones["zone_code"], zones["zone_name"],
                                              zones["zoning_label"], zones["population"].fillna(0))}
