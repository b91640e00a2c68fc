"""Assets by layer: raw files → staged tables → curated indicators → published outputs."""

# Who answers for the assets in the Dagster UI (a team, as Dagster's "team:" owners).
OWNERS = ["team:observatory"]
