"""Assets by layer: raw files → staged tables → curated indicators → published outputs."""

import pandas as pd
from dagster import MetadataValue

# Who answers for the assets in the Dagster UI (a team, as Dagster's "team:" owners).
OWNERS = ["team:observatory"]


def preview(table: pd.DataFrame, *, leave_out: tuple[str, ...] = ()) -> MetadataValue:
    """The first rows of a table for the Dagster UI, as Markdown, without its geometry and
    the columns left out (the callers leave out every figure from non-public data)."""
    shown = pd.DataFrame(table.drop(columns=["geometry", *leave_out], errors="ignore")).head(5)
    return MetadataValue.md(shown.to_markdown(index=False))
