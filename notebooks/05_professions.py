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
# # Every profession of the register
#
# GPs are not the only first-line care: nurses, physiotherapists, pharmacists of officines,
# dentists and midwives too. Their headcount and density per département beside the CNAM's
# count, the communes where several of them are missing at once, and where the agency's
# installations landed against each profession's own density. A figure the register cannot
# support (a profession not yet in the RPPS at its date, or a register partial for it) is
# empty in the published tables, and stays so here.

# %%
import duckdb
import plotly.express as px

from observatory.settings import Settings

settings = Settings.from_env()
connection = duckdb.connect(str(settings.database_path), read_only=True)

# %% [markdown]
# ## Per département: headcount, density, and the CNAM's liberal count

# %%
departements = connection.execute("""
    select s.departement_code, s.profession_label, s.headcount, s.headcount_liberal + s.headcount_mixed as liberal,
           round(s.density, 1) as density_per_10000, c.benchmark_liberal, round(c.coverage, 2) as coverage,
           s.register_complete
    from profession_supply_by_departement s
    left join profession_register_coverage c using (departement_code, profession)
    order by s.departement_code, s.density desc
""").df()
departements

# %%
px.bar(departements.dropna(subset=["density_per_10000"]), x="profession_label", y="density_per_10000",
       color="departement_code", barmode="group",
       labels={"profession_label": "Profession", "density_per_10000": "Professionnels pour 10 000 habitants"})

# %% [markdown]
# ## Communes without first-line care
#
# First line: GPs, nurses, pharmacists of officines, physiotherapists. How many people
# live in a commune with none of the four, with some missing, or with all four?

# %%
FIRST_LINE = ("medecin_generaliste", "infirmier", "pharmacien", "masseur_kinesitherapeute")
present = connection.execute("""
    select commune_code, any_value(commune_name) as commune_name, any_value(population) as population,
           count_if(headcount > 0) as professions_present, count(headcount) as professions_known
    from profession_supply_by_commune where profession in (select unnest($first_line))
    group by commune_code
""", {"first_line": list(FIRST_LINE)}).df()
known = present[present["professions_known"] == len(FIRST_LINE)]  # every figure published
by_count = known.groupby("professions_present")["population"].agg(["count", "sum"]).rename(
    columns={"count": "communes", "sum": "population"})
by_count

# %%
known[known["professions_present"] == 0].nlargest(10, "population")[["commune_code", "commune_name", "population"]]

# %% [markdown]
# ## The agency's installations against each profession's own density
#
# Installations in a commune where the profession is less dense than in its département, as
# dense or more, or unplaced. Counts from the agency's records are protected: a secret one
# is empty.

# %%
connection.execute("select * from agency_installations_by_profession").df()

# %% [markdown]
# ## Summary

# %%
summary = {
    "population_without_first_line": float(known.loc[known["professions_present"] == 0, "population"].sum()),
    "communes_without_first_line": int((known["professions_present"] == 0).sum()),
    "communes_not_known": int(len(present) - len(known)),
}
summary
