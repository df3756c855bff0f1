"""Criminal-justice statistics: what happened to the cases of identified victims.

For the cases in scope (`facts.Scope`): for each article, the cases opened under it and how many
of them are of identified victims; the share of identified victims whose case is qualified as
trafficking or forced labour; the days from the first decision identifying the person to the
first stage of the criminal case; the cases discontinued, and how many of identified victims.
Published under the same small-cell rules as the other statistics (`suppress`): small counts
and what would give them away are hidden, a share and a median only from enough cases.
"""

from __future__ import annotations

import json
import statistics as pystats
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from idtool import cj_articles, dates, policy_options
from idtool.policy import Action
from idtool.session import Session
from idtool.stats import facts
from idtool.stats.suppress import DEFAULT_THRESHOLD, Suppressed, Table, suppress

COLUMNS = ("cases", "identified")
FIGURES = ("identified", "qualified", "discontinued", "discontinued_identified")


@dataclass
class Justice:
    by_article: Table
    figures: dict[str, int] = field(default_factory=dict)
    days: list[float] = field(default_factory=list)
    articles: dict[str, cj_articles.Article] = field(default_factory=dict)

    def published(self, threshold: int = DEFAULT_THRESHOLD) -> PublishedJustice:
        return PublishedJustice(self, threshold)


class PublishedJustice:
    def __init__(self, justice: Justice, threshold: int) -> None:
        self.justice, self.threshold = justice, threshold
        self.table: Suppressed = suppress(justice.by_article, threshold)
        self.hidden: set[Hashable] = {
            name for name, value in justice.figures.items() if 0 < value < threshold
        }

    def figure(self, name: str) -> int | None:
        return None if name in self.hidden else self.justice.figures[name]

    def text(self, name: str) -> str:
        value = self.figure(name)
        return f"<{self.threshold}" if value is None else str(value)

    @property
    def share_qualified(self) -> float | None:
        """Share of identified victims whose case is qualified as trafficking or forced labour;
        None when either count is hidden or there is none."""
        identified, qualified = self.figure("identified"), self.figure("qualified")
        if not identified or qualified is None:
            return None
        return qualified / identified

    @property
    def median_days(self) -> float | None:
        if len(self.justice.days) < self.threshold:
            return None
        return float(pystats.median(self.justice.days))


def _day(text: str) -> date | None:
    return dates.parse_iso(text[:10])


def compute(session: Session, scope: facts.Scope | None = None) -> Justice:
    session.require(Action.STATISTICS)
    scope = scope or facts.Scope()
    facts.refresh(session.conn)
    pop, args = scope.population()
    numbers = policy_options.get(session.conn).article_numbers()
    articles = {a.id: a for a in cj_articles.articles(numbers)}
    cells: dict[tuple[Hashable, Hashable], int] = {}
    counts = dict.fromkeys(FIGURES, 0)
    days: list[float] = []
    for dec, opened, raw, stage, stage_dates, identified_at in session.conn.execute(
        f"""WITH {pop}
SELECT p.dec, l.opened, l.articles, l.stage, l.stage_dates,
    (SELECT min(d.decided_at) FROM decisions d
     WHERE d.case_uuid = p.case_uuid AND d.decision = 'identified_victim')
FROM pop p LEFT JOIN criminal_links l ON l.case_uuid = p.case_uuid""",
        args,
    ):
        identified = dec == "identified_victim"
        counts["identified"] += identified
        if opened in (None, "none"):
            continue
        ids = [a for a in json.loads(raw) if a in articles]
        for article in ids:
            cells[(article, "cases")] = cells.get((article, "cases"), 0) + 1
            cells[(article, "identified")] = cells.get((article, "identified"), 0) + identified
        if identified and {articles[a].category for a in ids} & cj_articles.SERIOUS:
            counts["qualified"] += 1
        if stage == "discontinued":
            counts["discontinued"] += 1
            counts["discontinued_identified"] += identified
        reached = [d for d in (_day(v) for v in json.loads(stage_dates).values()) if d]
        start = _day(identified_at or "")
        if identified and reached and start:
            days.append(float(max(0, (min(reached) - start).days)))
    rows: list[Hashable] = [a for a in articles if (a, "cases") in cells]
    # The columns overlap (identified cases are among the cases) and a case may be opened
    # under several articles, so no total is published: small cells alone are hidden.
    table = Table(rows, list(COLUMNS), cells, row_totals=False, column_totals=False)
    return Justice(table, counts, days, articles)


def rows(published: PublishedJustice, lang: str | None = None) -> list[list[str]]:
    """[article, cases, identified] per article, as they may be shown."""
    articles = published.justice.articles
    return [
        [
            articles[str(row)].label(lang) if str(row) in articles else str(row),
            *(published.table.text(row, c) for c in COLUMNS),
        ]
        for row in published.justice.by_article.rows
    ]
