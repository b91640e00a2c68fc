"""Every profession the register holds, as the pages show it: a density layer per profession
on the maps, a table per commune, EPCI and département sheet, a table per département on
« Communes et EPCI ». A missing figure says why, in the same words everywhere."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .. import catalogue
from ..professions import GENERAL_PRACTITIONERS, PROFESSIONS
from . import french
from .layout import table

# The GPs have their own layers and rows (density, APL, classes): the others are added.
OTHER_PROFESSIONS = tuple(profession for profession in PROFESSIONS if profession.key != GENERAL_PRACTITIONERS)
NOT_YET = "profession absente du registre à cette date"
PARTIAL = "registre incomplet pour la profession"


def reasons(supply: pd.DataFrame) -> np.ndarray:
    """Why each row of a ``profession_supply_by_*`` table has no figure (None where it has one)."""
    return np.where(~supply["in_register"].astype(bool), NOT_YET,
                    np.where(~supply["register_complete"].astype(bool), PARTIAL,
                             np.where(supply["density"].isna(), "donnée absente", None)))


def density_columns(supply: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per unit (``key``), each other profession's density (``density_<profession>``) and why it
    has none (``why_density_<profession>``): the columns a map's profession layers draw."""
    others = supply[supply["profession"] != GENERAL_PRACTITIONERS]
    wide = others.assign(why=reasons(others)).pivot(index=key, columns="profession", values=["density", "why"])
    wide.columns = [f"{'why_' if kind == 'why' else ''}density_{profession}" for kind, profession in wide.columns]
    return wide.reset_index()


def sheet_rows(supply: pd.DataFrame, key: str) -> dict[str, list]:
    """Per unit (``key``), its rows of a sheet's professions table: ``[profession, headcount,
    density, why]`` in the catalogue's order, the figures None where ``why`` says why."""
    headcount = supply["headcount"].to_numpy(dtype="float64", na_value=np.nan)
    density = supply["density"].to_numpy(dtype="float64", na_value=np.nan).round(4)
    rows: dict[str, list] = {}
    # plain arrays: a national territory has 245 000 rows, which pandas' Arrow strings iterate slowly
    for code, profession, count, value, reason in zip(supply[key].to_numpy(dtype=object),
                                                      supply["profession"].to_numpy(dtype=object),
                                                      headcount.tolist(), density.tolist(), reasons(supply).tolist()):
        if isinstance(code, str):
            rows.setdefault(code, []).append([profession, None if reason else count, None if reason else value,
                                              reason])
    return rows


def labels() -> dict[str, str]:
    """Each profession's French label, for the sheets' script."""
    return {profession.key: profession.label for profession in PROFESSIONS}


def departement_table(supply: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """Per département and profession: headcount, liberal ones, density, the CNAM's liberal
    count and the register's coverage of it; « non disponible » and why where a figure is none."""
    merged = supply.merge(coverage[["departement_code", "profession", "benchmark_liberal", "coverage"]],
                          on=["departement_code", "profession"], how="left")
    rows = []
    for row, reason in zip(merged.itertuples(), reasons(merged)):
        shown = (lambda value, digits=0: french.number(value, digits)) if reason is None else \
            (lambda value, digits=0: f"non disponible ({reason})")
        rows.append([f"{row.departement_name} ({row.departement_code})", row.profession_label,
                     shown(row.headcount), shown(row.headcount_liberal + row.headcount_mixed), shown(row.density, 1),
                     french.number(row.benchmark_liberal), french.percent(row.coverage)])
    return table(["Département", "Profession", catalogue.label("headcount"), "dont libéraux ou mixtes",
                  f"{catalogue.label('density')} ({catalogue.unit('density')})",
                  catalogue.label("benchmark_liberal"), catalogue.label("coverage")], rows, {2, 3, 4, 5, 6})


def section(supply: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """« Professions de santé » : the table per département, and what it counts."""
    return ("<section><h3>Professions de santé</h3>" + departement_table(supply, coverage)
            + '<p class="note">' + html.escape(
                "Professionnels du registre RPPS comptés une fois dans la commune de leur premier exercice libéral "
                "(à défaut, de leur premier exercice). Une profession entrée au RPPS après la date du registre, ou "
                "dont le registre compte moins de 80 % (ou plus de 125 %) des libéraux de l'Assurance maladie, n'a "
                "pas de chiffre. L'APL n'est calculée que pour les médecins généralistes : voir la page Méthode.")
            + "</p></section>")


def apl_note() -> str:
    """Why the other professions have a density and no APL (methodology page)."""
    return ("<p>" + html.escape(
        "Autres professions : la DREES publie aussi une APL aux infirmiers, masseurs-kinésithérapeutes, sages-femmes "
        "et chirurgiens-dentistes, chacune avec ses paramètres (seuils de temps d'accès, activité convertie en "
        "équivalents temps plein à partir des honoraires, demande pondérée selon la consommation de soins par âge, "
        "ou par les femmes pour les sages-femmes). L'observatoire n'a pas ces paramètres sous une forme documentée "
        "et vérifiable, et le registre public ne dit pas l'activité de chaque professionnel : il publie pour ces "
        "professions la densité, non une APL dont il aurait inventé les paramètres.") + "</p>")


def territory_over_time(series: pd.DataFrame) -> pd.DataFrame:
    """``profession_supply_over_time`` for the whole territory: per date and profession, the
    headcount and density over its départements, and why there is none where one of them has none."""
    series = series.assign(why=reasons(series))
    grouped = series.groupby(["snapshot_date", "profession"], sort=False)
    return pd.DataFrame({
        "profession_label": grouped["profession_label"].first(),
        "headcount": grouped["headcount"].sum(min_count=1).where(grouped["why"].count() == 0),
        "population": grouped["population"].sum(),
        "why": grouped["why"].agg(lambda found: next(iter(found.dropna()), None)),
    }).reset_index().assign(density=lambda t: t["headcount"] / t["population"] * 10_000)


def over_time_section(series: pd.DataFrame) -> str:
    """« Professions de santé par date de registre »: each profession's headcount and density
    at each snapshot, « non disponible » and why where there is none; nothing for one date."""
    totals = territory_over_time(series)
    dates = sorted(totals["snapshot_date"].unique())
    if len(dates) < 2:
        return ""
    rows = []
    for profession, rows_of in totals.groupby("profession", sort=False):
        by_date = rows_of.set_index("snapshot_date")
        rows.append([by_date["profession_label"].iloc[0], *(
            f"non disponible ({by_date.at[day, 'why']})" if pd.isna(by_date.at[day, "headcount"]) else
            f"{french.number(by_date.at[day, 'headcount'])} ({french.number(by_date.at[day, 'density'], 1)})"
            for day in dates)])
    return ("<section><h3>Professions de santé par date de registre</h3>"
            + table(["Profession", *(f"{pd.Timestamp(day):%d/%m/%Y}" for day in dates)], rows,
                    set(range(1, len(dates) + 1)))
            + '<p class="note">' + html.escape(f"Effectif au registre (densité pour 10 000 habitants). « {NOT_YET} » : "
                                               "la profession est entrée au RPPS après cette date (infirmiers en 2022, "
                                               "masseurs-kinésithérapeutes en 2017).") + "</p></section>")
