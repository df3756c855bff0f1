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
    """Every section, group and question in document order, with what each depends on.

    A repeat's entries are computed together, each from its own answers: outside the repeat,
    a read of a question inside it is a read of the repeat, and the repeat depends on what its
    questions read outside it. Inside, a question depends on its siblings in the same entry."""
    owners = form.owners()
    found: list[Node] = []

    def reads_of(item: Section | Question) -> set[str]:
        reads = set(item.relevant.references()) if item.relevant else set()
        if isinstance(item, Question) and (item.kind is Kind.CALCULATE or item.computed):
            reads |= item.calculation.references() if item.calculation else set()
        if isinstance(item, Question):
            for expression in (item.default_expr, item.repeat_count):
                if expression is not None:
                    reads |= expression.references()
        return reads

    def visit(item: Section | Question, parent: str | None, repeat: str | None) -> None:
        reads = reads_of(item)
        if repeat is None:
            reads = {owners.get(name, name) for name in reads}
        if parent:
            reads.add(parent)
        position = len(found)
        found.append(Node(item, parent, frozenset(reads)))
        starts = isinstance(item, Question) and item.kind is Kind.REPEAT
        inner = repeat or (item.name if starts else None)
        for child in item.questions:
            visit(child, item.name, inner)
        if inner is not None and repeat is None:  # the repeat: add what its entries read outside
            outside = {
                owners.get(name, name)
                for node in found[position + 1 :]
                for name in node.depends_on
                if owners.get(name) != item.name and name != item.name
            }
            found[position] = Node(item, parent, frozenset(reads | outside))

    for section in form.sections:
        visit(section, None, None)
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
