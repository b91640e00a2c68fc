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
# ## The retirement outlook: APL counting only GPs aged 65, 62 or 60 or less
# Published for the département only: per commune (and per EPCI) the E2SFCA's linear system
# would give back the supply of GPs past each age, so the age bracket of the GP of a one-GP
# commune. Where the GPs leaving within 5 or 10 years are published (secrecy permitting),
# the EPCI table above shows them.

# %%
outlook = connection.sql("""
    select departement_name, round(apl, 2) as apl, round(apl_65, 2) as apl_65, round(apl_62, 2) as apl_62,
           round(apl_60, 2) as apl_60, departures_5y, departures_10y
    from accessibility_by_departement
""").df()
outlook

# %%
summary = {"population_in_deserts": float(communes.loc[communes["desert_class"] == "desert", "population"].sum()),
           "apl_loss_if_gps_over_60_stopped": float((outlook["apl"] - outlook["apl_60"]).max())}
summary

# %%
assert classes["population"].sum() == communes["population"].sum()
connection.close()
