"""The indicator catalogue (``catalogue.yaml``): what each published column is, in French,
with its unit, definition, meaning and sources, for every place that shows or describes
a figure. A column from a non-public source is non-public: that is read from its sources,
never declared twice."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


@dataclass(frozen=True)
class Column:
    label: str
    unit: str
    definition: str
    meaning: str
    sources: tuple[str, ...]

    @property
    def non_public(self) -> bool:
        """Whether the figure derives from data that is not public (the roster, the agency's cases)."""
        return any(not _catalogue()["sources"][source]["public"] for source in self.sources)

    @property
    def source_labels(self) -> str:
        return " ; ".join(_catalogue()["sources"][source]["label"] for source in self.sources)


class _UniqueKeys(yaml.SafeLoader):
    """YAML's safe loader refusing a key given twice in a mapping (YAML keeps the last one
    silently: a column's second entry would describe it in every table)."""


def _mapping(loader: _UniqueKeys, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {', '.join(map(str, twice))}",
                                                node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(text: str) -> dict:
    """The catalogue's YAML ``text``, each key given once."""
    return yaml.load(text, Loader=_UniqueKeys)


@cache
def _catalogue() -> dict:
    return load(CATALOGUE_FILE.read_text(encoding="utf-8"))


@cache
def _columns() -> dict[str, Column]:
    return {key: Column(label=entry["label"], unit=str(entry["unit"]), definition=entry["definition"],
                        meaning=entry["meaning"], sources=tuple(entry["sources"]))
            for key, entry in _catalogue()["columns"].items()}


def describe(table: str, column: str) -> Column | None:
    """The entry of ``column`` in ``table``: the table's own (``table.column``), else the
    column's, else the first pattern it matches (``age_*``); None when there is none."""
    columns = _columns()
    for key in (f"{table}.{column}", column):
        if key in columns:
            return columns[key]
    return next((entry for key, entry in columns.items() if "*" in key and fnmatch.fnmatchcase(column, key)), None)


def label(column: str) -> str:
    return _columns()[column].label


def unit(column: str) -> str:
    return _columns()[column].unit


def class_labels() -> dict[str, str]:
    """The desert classes' names: désert médical, zone fragile, hors zone fragile, non classée."""
    return dict(_catalogue()["classes"])


def stage_labels() -> dict[str, str]:
    """The agency's funnel stages in French."""
    return dict(_catalogue()["stages"])


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per published column: table, column and its catalogue entry (a column
    without an entry is an error: nothing is published undescribed)."""
    rows = []
    for table, frame in tables.items():
        for column in frame.columns:
            entry = describe(table, column)
            if entry is None:
                raise KeyError(f"the published column {table}.{column} has no entry in {CATALOGUE_FILE.name}")
            rows.append({"table": table, "colonne": column, "libelle": entry.label, "unite": entry.unit,
                         "definition": entry.definition, "ce_que_cela_signifie": entry.meaning,
                         "sources": entry.source_labels, "donnee_non_publique": entry.non_public})
    return pd.DataFrame(rows)
