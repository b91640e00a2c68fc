"""Statistical disclosure control: which cells of the published tables stay blank.

Counts that come from non-public data (the département's roster, the agency's cases)
are published only where no one's situation can be read from them. Two steps, as
τ-ARGUS and INSEE's secret rules do:

- primary suppression: a count from 1 to ``threshold`` - 1 is hidden; so are the other
  parts of the same breakdown (a unit's seniors and juniors: the public headcount would
  give one from the other);
- complementary suppression: the tables state linear relations (an EPCI's count is the
  sum of its communes', a funnel stage the sum of its professions'). A hidden cell would
  be recomputed if it were the only unknown of a relation, and a group of hidden cells
  would reveal a small count if the published total minus the published parts were one.
  More cells are hidden, the smallest non-zero first, until neither happens anywhere.

The tests audit the result by linear programming over every published relation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Relation:
    """``total`` = Σ ``parts``, all cells."""

    total: Hashable
    parts: tuple[Hashable, ...]


def small(value: float, threshold: int) -> bool:
    return 0 < value < threshold


def hidden_cells(values: Mapping[Hashable, float], relations: Iterable[Relation], threshold: int,
                 together: Iterable[Iterable[Hashable]] = (), fixed: Iterable[Hashable] = ()) -> set[Hashable]:
    """The cells to leave blank: small counts, the cells ``together`` with a hidden one,
    and the complementary cells that keep every relation from revealing them.

    ``values`` holds every cell's true count (zeros included, they are published),
    ``together`` the groups of cells hidden as one (the parts of a unit's breakdown),
    ``fixed`` the cells known to everyone anyway (never hidden, never counted on).
    """
    fixed = set(fixed)
    relations = [relation for relation in relations if relation.parts]
    groups: dict[Hashable, tuple] = {}
    for group in together:
        group = tuple(group)
        for cell in group:
            groups[cell] = group
    hidden: set[Hashable] = set()

    def hide(cell: Hashable) -> None:
        hidden.update(groups.get(cell, (cell,)))

    for cell, value in values.items():
        if small(value, threshold) and cell not in fixed:
            hide(cell)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            parts_hidden = [part for part in relation.parts if part in hidden]
            total_hidden = relation.total in hidden
            unknowns = len(parts_hidden) + total_hidden
            revealing = unknowns == 1 or (
                not total_hidden and parts_hidden and small(sum(values[p] for p in parts_hidden), threshold))
            if not revealing:
                continue
            candidates = [part for part in relation.parts if part not in hidden and part not in fixed]
            if candidates:  # the smallest non-zero part first: least information lost, most protection gained
                hide(min(candidates, key=lambda part: (values[part] == 0, values[part], str(part))))
            elif relation.total not in hidden and relation.total not in fixed:
                hide(relation.total)
            else:
                continue  # every unknown of the relation is hidden already: it reveals no more
            changed = True
    return hidden


def hierarchy_relations(members: Mapping[Hashable, Iterable[Hashable]], parts: Iterable[str],
                        cell) -> list[Relation]:
    """For each aggregate and each part, aggregate = Σ its members: ``cell(unit, part)``
    names the cells (a commune's seniors, an EPCI's seniors, ...)."""
    parts = list(parts)
    return [Relation(cell(aggregate, part), tuple(cell(member, part) for member in units))
            for aggregate, units in members.items() for part in parts for units in [list(units)]]


def blank(frame: pd.DataFrame, rows: pd.Series, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` emptied on ``rows`` (a boolean mask)."""
    frame = frame.copy()
    for column in columns:
        if column in frame:
            kind = "Float64" if pd.api.types.is_numeric_dtype(frame[column]) else frame[column].dtype
            frame[column] = frame[column].astype(kind).mask(rows.to_numpy())
    return frame
