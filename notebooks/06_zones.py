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
# # Zonings: CPTS, bassins de vie, cantons
#
# The zones people work in, each beside its département: GP density, APL, the people in a
# desert, departures to come, every profession, care structures and the agency's
# installations. The zonings are the files of `data/raw/<territory>/zonages/` (the demo's four
# CPTS are synthetic). Counts from non-public data (ages, departures, the agency's
# installations) are protected: a secret one is empty.

# %%
import duckdb
import plotly.express as px

from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)

# %% [markdown]
# ## Each zoning and the communes it leaves out

# %%
connection.execute("select * from zoning_coverage").df()

# %% [markdown]
# ## The zones side by side

# %%
zones = connection.execute("""
    select s.zoning_label, s.zone_code, s.zone_name, s.population, s.gps, round(s.gp_density, 2) as density,
           round(a.apl, 2) as apl, a.population_desert, round(a.share_desert, 3) as share_desert,
           a.departures_5y, a.departures_10y, i.installations, t.maison_de_sante, t.centre_de_sante
    from gp_supply_by_zone s
    join accessibility_by_zone a using (zoning, zone_code)
    join agency_installations_by_zone i using (zoning, zone_code)
    join care_structures_by_zone t using (zoning, zone_code)
    order by s.zoning, a.apl
""").df()
zones

# %%
departement = connection.execute("select round(apl, 2) as apl from accessibility_by_departement").df()
figure = px.bar(zones, x="zone_name", y="apl", color="zoning_label",
                labels={"zone_name": "Zone", "apl": "APL (consultations par habitant standardisé et par an)"})
for value in departement["apl"]:
    figure.add_hline(y=value, line_dash="dot", annotation_text="département")
figure

# %% [markdown]
# ## Every profession per zone

# %%
connection.execute("""
    select zone_name, profession_label, headcount, round(density, 1) as density_per_10000
    from profession_supply_by_zone order by zoning, zone_code, profession
""").df().pivot(index="profession_label", columns="zone_name", values="density_per_10000")

# %% [markdown]
# ## Where to act first
#
# The zone with the most people in a desert, and each zone's share of the territory's people
# in a desert (zones of one zoning do not overlap; the communes it leaves out count in none).

# %%
worst = zones.sort_values("population_desert", ascending=False).iloc[0]
in_desert = connection.execute("select sum(population_desert) from accessibility_by_departement").fetchone()[0]
{"zone_most_in_desert": worst["zone_name"], "population_in_desert": float(worst["population_desert"]),
 "share_of_the_territory_in_desert": round(float(worst["population_desert"]) / in_desert, 4)}
