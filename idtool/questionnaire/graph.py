"""Which values depend on which: the order to compute relevance and calculations in, and cycles.

A node is a section, group or question. Its relevance depends on its parent and on the
questions its `relevant` reads; a calculation's value also on the questions it reads.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from idtool.questionnaire.model import Form, Kind, Question, Section


@dataclass(frozen=True)
class Node:
    item: Section | Question
    parent: str | None
    depends_on: frozenset[str]

    @property
    def name(self) -> str:
        return self.item.name


def nodes(form: Form) -> list[Node]:
    """Every section, group and question in document order, with what each depends on."""
    found: list[Node] = []

    def visit(item: Section | Question, parent: str | None) -> None:
        reads = set(item.relevant.references()) if item.relevant else set()
        if isinstance(item, Question) and (item.kind is Kind.CALCULATE or item.computed):
            reads |= item.calculation.references() if item.calculation else set()
        if isinstance(item, Question) and item.default_expr is not None:
            reads |= item.default_expr.references()
        if parent:
            reads.add(parent)
        found.append(Node(item, parent, frozenset(reads)))
        for child in item.questions:
            visit(child, item.name)

    for section in form.sections:
        visit(section, None)
    return found


def evaluation_order(all_nodes: list[Node]) -> tuple[list[Node], list[list[str]]]:
    """Nodes ordered so each comes after what it depends on (document order otherwise), and
    the dependency cycles found; nodes on or behind a cycle are appended in document order."""
    index = {node.name: i for i, node in enumerate(all_nodes)}
    waiting = {
        i: {index[d] for d in node.depends_on if d in index} for i, node in enumerate(all_nodes)
    }
    users: dict[int, list[int]] = {i: [] for i in waiting}
    for i, deps in waiting.items():
        for d in deps:
            users[d].append(i)
    ready = [i for i, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for user in users[i]:
            waiting[user].discard(i)
            if not waiting[user]:
                heapq.heappush(ready, user)
    left = sorted(set(waiting) - set(order))
    cycles = _cycles(left, waiting, all_nodes)
    return [all_nodes[i] for i in order + left], cycles


def _cycles(
    left: list[int], waiting: dict[int, set[int]], all_nodes: list[Node]
) -> list[list[str]]:
    """Each node left over depends on another left-over node, so walking those dependencies
    from any of them must come back to a node already seen: that loop is a cycle."""
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[int]] = set()
    for start in left:
        path: list[int] = []
        position: dict[int, int] = {}
        node = start
        while node not in position:
            position[node] = len(path)
            path.append(node)
            node = min(waiting[node])
        loop = path[position[node] :]
        if frozenset(loop) not in seen_cycles:
            seen_cycles.add(frozenset(loop))
            cycles.append([all_nodes[i].name for i in [*loop, loop[0]]])
    return cycles
