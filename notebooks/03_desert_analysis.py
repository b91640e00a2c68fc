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
# # Medical deserts: where, who, and what comes next
#
# Communes are classed by their APL to GPs (consultations per standardised inhabitant
# per year): below 2.5 a medical desert, from 2.5 to 4 a fragile zone. This notebook
# looks at who lives there, how far they are from a GP, and how the outlook changes
# when only GPs aged 60 or less are counted (those not about to retire).

# %%
import duckdb
import plotly.express as px

from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)
communes = connection.table("accessibility_by_commune").df()

# %% [markdown]
# ## Population per class

# %%
classes = (communes.groupby("desert_class", dropna=False)
           .agg(communes=("commune_code", "count"), population=("population", "sum"))
           .assign(share=lambda t: t["population"] / t["population"].sum()))
classes

# %% [markdown]
# ## The APL distribution

# %%
px.histogram(communes, x="apl", nbins=40, color="desert_class",
             labels={"apl": "APL (consultations / hab. standardisé / an)"},
             title="Distribution de l'APL par commune").show()

# %% [markdown]
# ## EPCIs ranked by the share of their population in deserts

# %%
connection.sql("""
    select epci_name, population, round(apl, 2) as apl, desert_class,
           round(share_desert, 3) as share_desert, departures_5y, departures_10y
    from accessibility_by_epci order by share_desert desc
""").df()

# %% [markdown]
# ## The retirement outlook: APL counting only GPs aged 60 or less
# Communes that would fall below the desert threshold if the GPs over 60 stopped.

# %%
threshold = settings.desert_thresholds[0]
at_risk = communes[(communes["apl"] >= threshold) & (communes["apl_60"] < threshold)]
at_risk[["commune_name", "population", "apl", "apl_60", "nearest_gp_minutes"]].sort_values("population", ascending=False)

# %%
px.scatter(communes, x="apl", y="apl_60", size="population", color="desert_class", hover_name="commune_name",
           labels={"apl": "APL, tous les généralistes", "apl_60": "APL, généralistes de 60 ans ou moins"},
           title="Ce que les départs en retraite changeraient").show()

# %%
summary = {"population_in_deserts": float(communes.loc[communes["desert_class"] == "desert", "population"].sum()),
           "population_at_risk": float(at_risk["population"].sum())}
summary

# %%
assert classes["population"].sum() == communes["population"].sum()
connection.close()
