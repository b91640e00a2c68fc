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
    rows = supply[supply["profession"] != GENERAL_PRACTITIONERS].assign(why=reasons(supply)[
        (supply["profession"] != GENERAL_PRACTITIONERS).to_numpy()])
    wide = rows.pivot(index=key, columns="profession", values=["density", "why"])
    wide.columns = [f"{'why_' if kind == 'why' else ''}density_{profession}" for kind, profession in wide.columns]
    return wide.reset_index()


def sheet_rows(supply: pd.DataFrame, key: str) -> dict[str, list]:
    """Per unit (``key``), its rows of a sheet's professions table: ``[profession, headcount,
    density, why]`` in the catalogue's order, the figures None where ``why`` says why."""
    why = reasons(supply)
    rows: dict[str, list] = {}
    for code, profession, headcount, density, reason in zip(supply[key], supply["profession"], supply["headcount"],
                                                            supply["density"], why):
        if isinstance(code, str):
            rows.setdefault(code, []).append([profession, None if reason else float(headcount),
                                              None if reason else round(float(density), 4), reason])
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
