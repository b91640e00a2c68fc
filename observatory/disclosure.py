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
  More cells are hidden, the smallest non-zero first, until neither happens anywhere;
  then the relations are solved together (``pinned_cells``, linear programming: hierarchies
  that cross, such as EPCIs and CPTS, give counts by chains of differences no relation
  shows alone), and a complement is hidden beside each small count they still pin down.

The tests audit the result by linear programming over every published relation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog


@dataclass(frozen=True)
class Relation:
    """``total`` = Σ ``parts``, all cells."""

    total: Hashable
    parts: tuple[Hashable, ...]


def small(value: float, threshold: int) -> bool:
    return 0 < value < threshold


def hidden_cells(values: Mapping[Hashable, float], relations: Iterable[Relation], threshold: int,
                 together: Iterable[Iterable[Hashable]] = (), fixed: Iterable[Hashable] = (),
                 unpublished: Iterable[Hashable] = (), jointly: bool = True) -> set[Hashable]:
    """The cells to leave blank: small counts, the cells ``together`` with a hidden one,
    and the complementary cells that keep every relation from revealing them.

    ``values`` holds every cell's true count (zeros included, they are published),
    ``together`` the groups of cells hidden as one (the parts of a unit's breakdown),
    ``fixed`` the cells known to everyone anyway (never hidden, never counted on),
    ``unpublished`` cells no table shows but that published ones add up (the agency's
    installations where an EPCI, a zone and a desert class meet): unknowns from the start,
    and, read relation by relation, no secret of their own; the joint solution
    (``pinned_cells``) protects those of them holding a small count. ``jointly`` is for
    hierarchies that cross (a zoning beside the EPCIs, the agency's areas): nested ones
    (commune ⊂ EPCI ⊂ département) are protected relation by relation, as the audit of the
    published demo checks, and solving France's communes jointly takes minutes.
    """
    fixed, unpublished = set(fixed), set(unpublished)
    relations = [relation for relation in relations if relation.parts]
    alone = [relation for relation in relations if not unpublished & {relation.total, *relation.parts}]
    groups: dict[Hashable, tuple] = {}
    for group in together:
        group = tuple(group)
        for cell in group:
            groups[cell] = group
    hidden: set[Hashable] = set(unpublished)

    def hide(cell: Hashable) -> None:
        hidden.update(groups.get(cell, (cell,)))

    for cell, value in values.items():
        if small(value, threshold) and cell not in fixed:
            hide(cell)
    while True:
        _complete_relation_by_relation(values, alone, threshold, hidden, fixed, hide)
        exposed = pinned_cells(values, relations, hidden, threshold, groups.values()) if jointly else []
        complements = {_complement(cell, values, relations, hidden, fixed) for cell in exposed} - {None}
        if not complements:
            return hidden
        for cell in complements:
            hide(cell)


def _complement(cell: Hashable, values, relations, hidden: set, fixed: set) -> Hashable | None:
    """The smallest non-zero published cell sharing a relation with ``cell``."""
    candidates = {other for relation in relations if cell == relation.total or cell in relation.parts
                  for other in (relation.total, *relation.parts) if other not in hidden and other not in fixed}
    return min(candidates, key=lambda other: (values[other] == 0, values[other], str(other)), default=None)


def _complete_relation_by_relation(values, relations, threshold, hidden, fixed, hide) -> None:
    """Hide cells until no relation, read alone, gives a hidden cell or a small sum of them."""
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


def pinned_cells(values: Mapping[Hashable, float], relations: Iterable[Relation], hidden: set, threshold: int,
                 groups: Iterable[Iterable[Hashable]] = ()) -> list[Hashable]:
    """The hidden cells holding a small count that the published cells determine, read
    together: relations solved jointly (a département minus an EPCI gives a third commune,
    which a zone then subtracts), each ``groups`` adding up to its public total (a unit's
    seniors and juniors to its GPs of known age), every count at least 0. Each small cell's
    least and greatest possible values are found by linear programming, over the hidden
    cells its equations connect it to."""
    cells = sorted(hidden, key=str)
    position = {cell: index for index, cell in enumerate(cells)}
    rows: list[tuple[dict[int, float], float]] = []
    for relation in relations:
        terms = [(relation.total, 1.0), *((part, -1.0) for part in relation.parts)]
        unknown = {position[cell]: sign for cell, sign in terms if cell in position}
        if unknown:
            rows.append((unknown, -sum(sign * values[cell] for cell, sign in terms if cell not in position)))
    for group in {tuple(group) for group in groups}:
        if all(cell in position for cell in group):
            rows.append(({position[cell]: 1.0 for cell in group}, float(sum(values[cell] for cell in group))))
    component = _components(len(cells), rows)
    members: dict[int, list[int]] = {}
    equations: dict[int, list] = {}
    for index, label in enumerate(component):
        members.setdefault(label, []).append(index)
    for row in rows:
        equations.setdefault(component[next(iter(row[0]))], []).append(row)
    truth = np.array([values[cell] for cell in cells], dtype="float64")
    targets: dict[int, list[int]] = {}
    for cell in cells:
        if small(values[cell], threshold):
            targets.setdefault(component[position[cell]], []).append(position[cell])
    exposed = []
    for label, indices in targets.items():
        free = _movable(indices, members[label], equations.get(label, []), truth)
        for index in indices:
            if index not in free:
                low, high = _range(index, members[label], equations.get(label, []))
                if high - low < 0.5:
                    exposed.append(cells[index])
    return sorted(exposed, key=str)


def _movable(targets: list[int], members: list[int], rows, truth: np.ndarray) -> set[int]:
    """The ``targets`` that the true counts show to be free by at least half a unit each way,
    without linear programming: moving along a direction that keeps every equation and leaves
    the zero counts at zero (the null space's projection of the cell) changes the cell while
    every other count stays at least 0 for a step the true counts bound."""
    if not rows:
        return set(targets)
    column = {index: place for place, index in enumerate(members)}
    zeros = [place for place, index in enumerate(members) if truth[index] == 0]
    matrix = np.zeros((len(rows) + len(zeros), len(members)))
    for line, (terms, _) in enumerate(rows):
        for index, coefficient in terms.items():
            matrix[line, column[index]] = coefficient
    for line, place in enumerate(zeros, start=len(rows)):
        matrix[line, place] = 1.0
    _, singular, basis = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(singular.max(initial=0.0), 1.0)).sum())
    null = basis[rank:].T  # members × directions keeping every equation and every zero
    values = truth[members]
    free = set()
    for index in targets:
        direction = null @ null[column[index]]  # the cell's own direction: its projection on the null space
        change = abs(direction[column[index]])
        if change < 1e-9:
            continue
        moved = np.abs(direction) > 1e-12
        step = float(np.min(values[moved] / np.abs(direction[moved])))
        if 2 * step * change >= 0.5:
            free.add(index)
    return free


def _components(count: int, rows) -> list[int]:
    """The connected components of the unknowns, linked by the equations they share."""
    parent = list(range(count))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for terms, _ in rows:
        first, *others = terms
        for other in others:
            parent[root(other)] = root(first)
    return [root(index) for index in range(count)]


def _range(target: int, members: list[int], rows) -> tuple[float, float]:
    """The least and greatest value of unknown ``target`` under ``rows`` (over ``members``)."""
    if not rows:
        return 0.0, float("inf")
    column = {index: place for place, index in enumerate(members)}
    matrix = np.zeros((len(rows), len(members)))
    for line, (terms, _) in enumerate(rows):
        for index, coefficient in terms.items():
            matrix[line, column[index]] = coefficient
    rhs = np.array([value for _, value in rows])
    found = []
    for sign in (1.0, -1.0):
        objective = np.zeros(len(members))
        objective[column[target]] = sign
        solution = linprog(objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
        found.append(sign * solution.fun if solution.status == 0 else (0.0 if sign > 0 else float("inf")))
    return found[0], found[1]


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
