"""Assets by layer: raw files → staged tables → curated indicators → published outputs."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, TableColumn, TableSchema

from observatory import catalogue

# Who answers for the assets in the Dagster UI (a team, as Dagster's "team:" owners).
OWNERS = ["team:observatory"]


def preview(table: pd.DataFrame, *, leave_out: tuple[str, ...] = ()) -> MetadataValue:
    """The first rows of a table for the Dagster UI, as Markdown, without its geometry and
    the columns left out (the callers leave out every figure from non-public data)."""
    shown = pd.DataFrame(table.drop(columns=["geometry", *leave_out], errors="ignore")).head(5)
    return MetadataValue.md(shown.to_markdown(index=False))


def column_schema(table: pd.DataFrame, name: str = "") -> TableSchema:
    """The columns of a table (by default, of the asset being materialised), each described
    from the indicator catalogue (label, unit, definition; « non public » when it derives
    from the roster or the agency's cases)."""
    name = name or AssetExecutionContext.get().assets_def.key.to_user_string()
    columns = []
    for column, dtype in table.dtypes.items():
        entry = catalogue.describe(name, column)
        text = f"{entry.label} ({entry.unit}): {entry.definition}" + (" Non public." if entry.non_public else "") \
            if entry else "not described in the catalogue"
        columns.append(TableColumn(name=column, type=str(dtype), description=text))
    return TableSchema(columns=columns)
