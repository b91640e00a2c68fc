"""How far our APL agrees with the DREES's official one, commune by commune.

Spearman's rank correlation says whether communes are ranked alike (who is worse off),
Pearson's and the mean absolute error whether the values agree, and Cohen's kappa whether
the « APL < threshold » class (the desert) is given to the same communes beyond chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def cohen_kappa(a: pd.Series, b: pd.Series) -> float:
    """Cohen's kappa of two boolean classifications of the same items."""
    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    observed = float((a == b).mean())
    expected = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return (observed - expected) / (1 - expected) if expected < 1 else float("nan")


def agreement_measures(ours: pd.Series, official: pd.Series, threshold: float) -> dict:
    """Spearman, Pearson, mean absolute error, class agreement and kappa over paired values."""
    from scipy.stats import pearsonr, spearmanr  # here: scipy.stats takes 0.6 s of every command's start

    ours, official = ours.astype("float64").to_numpy(), official.astype("float64").to_numpy()
    varied = len(ours) > 2 and np.ptp(ours) > 0 and np.ptp(official) > 0
    return {
        "communes": len(ours),
        "spearman": float(spearmanr(ours, official).statistic) if varied else None,
        "pearson": float(pearsonr(ours, official).statistic) if varied else None,
        "mean_absolute_error": float(np.abs(ours - official).mean()) if len(ours) else None,
        "class_agreement": float(((ours < threshold) == (official < threshold)).mean()) if len(ours) else None,
        "kappa": cohen_kappa(pd.Series(ours < threshold), pd.Series(official < threshold)) if varied else None,
    }


def agreement_by_commune(accessibility: pd.DataFrame, official: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per commune with an official APL: ours, the official one, and both « désert » classes.
    Communes without an APL (a partial register within their reach) are kept with
    ``comparable`` false."""
    table = accessibility[["commune_code", "commune_name", "departement_code", "apl", "catchment_complete"]].merge(
        official[["commune_code", "official_apl", "year"]], on="commune_code")
    return table.assign(desert=(table["apl"] < threshold).astype("boolean").mask(table["apl"].isna()),
                        official_desert=table["official_apl"] < threshold,
                        comparable=table["catchment_complete"].astype(bool)).drop(columns="catchment_complete")


def agreement_by_departement(by_commune: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The measures per département, over its communes with an APL (the register complete within reach)."""
    rows = []
    for code, communes in by_commune.groupby("departement_code", sort=True):
        usable = communes[communes["comparable"]]
        rows.append({"departement_code": code, "year": int(communes["year"].max()),
                     "communes_compared": len(usable), "communes_withheld": int((~communes["comparable"]).sum()),
                     **{k: v for k, v in agreement_measures(usable["apl"], usable["official_apl"], threshold).items()
                        if k != "communes"}})
    columns = ["departement_code", "year", "communes_compared", "communes_withheld", "spearman", "pearson",
               "mean_absolute_error", "class_agreement", "kappa"]
    return pd.DataFrame(rows, columns=columns)
