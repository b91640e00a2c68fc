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
# # A tour of the curated tables
#
# The observatory publishes every table twice: in one DuckDB file
# (`data/curated/observatory.duckdb`) and as Parquet files (`data/curated/parquet/`).
# Both hold aggregates only. This notebook opens them with SQL and with pandas.
# Set `OBSERVATORY_DATA_DIR` to read another data folder.

# %%
import duckdb
import pandas as pd

from observatory.publish import load_spatial
from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)
load_spatial(connection)  # ST_* functions, loaded from the pinned package: no download

# %% [markdown]
# ## What is there

# %%
tables = connection.execute(
    "select table_name, estimated_size as rows, column_count from duckdb_tables() order by table_name"
).df()
tables

# %% [markdown]
# ## Where the figures come from
# Every source file with its vintage, checksum and what happened to its rows.

# %%
connection.sql("""
    select dataset, file, vintage, rows_read, rows_accepted, rows_quarantined, rows_out_of_scope
    from source_report order by dataset
""").df()

# %% [markdown]
# ## The département at a glance (SQL)

# %%
connection.sql("""
    select s.departement_name, s.population, s.gps, round(s.gp_density, 2) as gp_density,
           round(s.share_senior, 3) as share_senior, round(a.apl, 2) as apl,
           round(a.share_desert, 3) as share_population_in_deserts
    from gp_supply_by_departement s join accessibility_by_departement a using (departement_code)
""").df()

# %% [markdown]
# ## The same tables with pandas, from Parquet

# %%
epci = pd.read_parquet(settings.curated_dir / "parquet" / "accessibility_by_epci.parquet")
epci.sort_values("apl")[["epci_name", "population", "apl", "desert_class", "share_desert"]]

# %% [markdown]
# ## Spatial SQL on the commune contours

# %%
connection.sql("""
    select c.commune_name, round(ST_Area_Spheroid(ST_FlipCoordinates(b.geometry)) / 1e6, 1) as area_km2,
           round(c.apl, 2) as apl
    from accessibility_by_commune c join commune_boundaries b using (commune_code)
    order by area_km2 desc limit 5
""").df()

# %%
assert tables["rows"].sum() > 0
connection.close()
