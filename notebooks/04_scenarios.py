# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A custom scenario: what would a maison de santé change?
#
# In the APL (E2SFCA), GPs added in a commune j change only j's ratio of supply to the
# weighted demand around it, D_j. Each commune's APL then rises by exactly
# W(t_ij) × consultations added / D_j, where W is the weight of the travel time from i to j.
# So a scenario needs only published tables: the APL and standardised population of every
# commune, and the travel times. This notebook builds one, compares it with the observatory's
# own plan, and shows which communes leave the desert.

# %%
import duckdb
import numpy as np
import pandas as pd

from observatory.accessibility.e2sfca import pair_positions
from observatory.indicators.deserts import classify
from observatory.scenarios.marginal import Catchments
from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)
communes = connection.table("accessibility_by_commune").df().set_index("commune_code")
pairs = connection.table("commune_travel_times").df()
scores = connection.table("gp_placement_scores").df()
plan = connection.table("gp_placement_plan").df()
low, high = settings.desert_thresholds

# %% [markdown]
# ## The weighted pairs, from the published tables
# (only the territory's communes with an APL, whose register is complete within reach: a partial
# register's APL is no figure)

# %%
communes = communes[communes["catchment_complete"]]
origins, destinations, minutes = pair_positions(pairs, communes.index)
catchments = Catchments.of(origins, destinations, minutes, communes["standardised_population"].to_numpy())
print(f"{len(communes)} communes, {len(catchments.weights)} pairs within reach")

# %% [markdown]
# ## The scenario: a maison de santé of 4 GPs in the best-placed commune of at least 1 000
# inhabitants, and one GP in the best-placed of the others

# %%
large = scores[scores["population"] >= 1_000].iloc[0]
other = scores[scores["commune_code"] != large["commune_code"]].iloc[0]
scenario = {large["commune_code"]: 4, other["commune_code"]: 1}
added = pd.Series(scenario).reindex(communes.index, fill_value=0) * settings.consultations_per_fte
apl_after = communes["apl"] + catchments.apl_change(added.to_numpy())
changed = pd.DataFrame({"commune": communes["commune_name"], "population": communes["population"],
                        "apl_before": communes["apl"], "apl_after": apl_after,
                        "class_before": classify(communes["apl"], (low, high)),
                        "class_after": classify(apl_after, (low, high))})
changed = changed[changed["class_before"] != changed["class_after"]].sort_values("population", ascending=False)
changed

# %% [markdown]
# ## What it changes, beside the observatory's greedy plan of the same number of GPs

# %%
count = sum(scenario.values())
summary = pd.DataFrame({
    "this scenario": [count, int(changed.loc[changed["class_before"] == "desert", "population"].sum())],
    f"the plan's first {count}": [count, int(plan.head(count)["population_out_of_desert"].sum())],
}, index=["GPs added", "people lifted out of deserts"])
summary

# %%
result = {"scenario": scenario, "people_lifted": int(summary.at["people lifted out of deserts", "this scenario"])}
result
