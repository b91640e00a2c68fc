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
# # A commune, in depth
#
# One commune's GPs, accessibility and outlook, set against its EPCI and its
# département, with the communes within 20 minutes. Choose the commune with
# `OBSERVATORY_COMMUNE` (an INSEE code); by default, the commune of more than 1 000
# inhabitants with the lowest APL.

# %%
import os

import duckdb
import plotly.express as px

from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)
commune = os.environ.get("OBSERVATORY_COMMUNE") or connection.execute(
    "select commune_code from accessibility_by_commune where population > 1000 and apl is not null "
    "order by apl limit 1").fetchone()[0]
commune

# %% [markdown]
# ## The commune against its EPCI and département

# %%
comparison = connection.execute("""
    select 'commune' as level, c.commune_name as name, c.population, s.gps, s.gp_density, c.apl, c.desert_class,
           c.nearest_gp_minutes as minutes_to_gp
    from accessibility_by_commune c join gp_supply_by_commune s using (commune_code) where commune_code = $code
    union all
    select 'epci', e.epci_name, e.population, s.gps, s.gp_density, e.apl, e.desert_class, e.mean_minutes_to_gp
    from accessibility_by_epci e join gp_supply_by_epci s using (epci_code)
    where epci_code = (select epci_code from commune_reference where commune_code = $code)
    union all
    select 'département', d.departement_name, d.population, s.gps, s.gp_density, d.apl, d.desert_class,
           d.mean_minutes_to_gp
    from accessibility_by_departement d join gp_supply_by_departement s using (departement_code)
    where departement_code = (select departement_code from commune_reference where commune_code = $code)
""", {"code": commune}).df()
comparison

# %% [markdown]
# ## Its neighbourhood: communes within reach

# %%
neighbours = connection.execute("""
    select t.destination as commune_code, r.commune_name, round(t.minutes, 1) as minutes, s.gps,
           round(a.apl, 2) as apl
    from commune_travel_times t
    join commune_reference r on r.commune_code = t.destination
    join gp_supply_by_commune s on s.commune_code = t.destination
    join accessibility_by_commune a on a.commune_code = t.destination
    where t.origin = $code order by t.minutes
""", {"code": commune}).df()
neighbours

# %%
figure = px.bar(neighbours, x="commune_name", y="gps", color="minutes", color_continuous_scale="Cividis",
                labels={"commune_name": "Commune", "gps": "Médecins généralistes", "minutes": "Minutes"},
                title="Médecins généralistes à moins de 20 minutes")
figure.show()

# %% [markdown]
# ## Over time

# %%
connection.execute("""
    select snapshot_date, gps, round(gp_density, 2) as gp_density, round(apl, 3) as apl
    from indicators_over_time where level = 'commune' and code = $code order by snapshot_date
""", {"code": commune}).df()

# %%
assert len(comparison) == 3 and len(neighbours) >= 1
connection.close()
