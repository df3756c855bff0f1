"""The coordinator's review of a post's decision against the recommendation travels back in the
post's update package: the post's case loses its review mark and shows who reviewed it; a
resolution of another post's case, or one the coordinator did not write, is never applied
(issue 16, item 3)."""

from __future__ import annotations

import uuid
from pathlib import Path

from idtool import cases, database, decisions, oversight
from idtool.decisions import Decision
from idtool.sync import export, review_back, updates
from idtool.sync.importer import import_bundle
from tests.support.cases import decided_case
from tests.support.sync import make_world, quarantine_reasons


def _resolve_against(sup, case_uuid: str) -> oversight.ReviewItem:
    (item,) = [
        i
        for i in oversight.queue(sup)
        if i.kind == oversight.Kind.AGAINST_RECOMMENDATION and i.case_uuid == case_uuid
    ]
    oversight.resolve(sup, item, "Checked with the post: the decision stands.")
    return item


def test_the_coordinators_review_reaches_the_post(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    post, other = w.devs
    case = decided_case(post, Decision.NOT_VICTIM, name="Бермет Асанова")
    assert cases.get_case(post, case.uuid, audit_view=False).review
    import_bundle(w.sup, export.export_cases(post, w.out))
    item = _resolve_against(w.sup, case.uuid)

    # one package for both posts: only the post whose case it is stores the resolution
    path = updates.export_update_all(w.sup, w.out)
    report = import_bundle(post, path)
    assert report.quarantined == 0
    assert not cases.get_case(post, case.uuid, audit_view=False).review
    (seen,) = review_back.reviewed(post, case.uuid)
    assert seen.kind == "against_recommendation"
    # the coordinator's note (free text) stays there: the package is readable by every post
    assert post.conn.execute("SELECT note FROM review_resolutions").fetchall() == [("",)]
    (audited,) = post.conn.execute(
        "SELECT target, details FROM audit WHERE action = 'sync.review_resolved'"
    ).fetchall()
    assert audited[0] == case.uuid and item.target in audited[1]
    import_bundle(other, path)
    assert other.conn.execute("SELECT count(*) FROM review_resolutions").fetchone()[0] == 0

    # the next update changes nothing; the post's next package goes through cleanly
    again = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert again.quarantined == 0
    assert post.conn.execute("SELECT count(*) FROM review_resolutions").fetchone()[0] == 1
    back = import_bundle(w.sup, export.export_cases(post, w.out))
    assert back.conflicts == 0 and back.quarantined == 0


def test_a_newer_decision_against_the_recommendation_keeps_its_mark(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = decided_case(post, Decision.NOT_VICTIM, name="Айдай Мамытова")
    import_bundle(w.sup, export.export_cases(post, w.out))
    _resolve_against(w.sup, case.uuid)
    decisions.record(post, case.uuid, Decision.NEEDS_INFORMATION, "the employer did not answer")
    import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert cases.get_case(post, case.uuid, audit_view=False).review  # the new one: not reviewed


def _resolution(sup, target: str, *, writer: str) -> dict[str, object]:
    return {
        "table": review_back.TABLE,
        "row": {
            "uuid": str(uuid.uuid4()),
            "kind": "no_decision",
            "target": target,
            "officer_uuid": sup.officer.uuid,
            "resolved_at": "2026-01-01T00:00:00+00:00",
            "device_id": writer,
        },
    }


def test_resolutions_of_other_cases_or_writers_are_refused(tmp_path: Path) -> None:
    """Attack: an update carries a resolution of a case this post did not make (a case it holds
    from another device) and one naming the post itself as writer: neither is stored."""
    w = make_world(tmp_path, 2)
    post, other = w.devs
    mine = decided_case(post, Decision.NOT_VICTIM, name="Нуриза Бекова")
    theirs = decided_case(other, Decision.NOT_VICTIM, name="Жыпар Токтогулова")
    # the post holds a case another device made (as an import would leave it)
    with database.transaction(post.conn):
        post.conn.execute(
            "INSERT INTO sync_owners (tbl, record_key, device_id) VALUES ('cases', ?, ?)",
            (mine.uuid, other.device_id),
        )
    forged = [
        _resolution(w.sup, mine.uuid, writer=w.sup.device_id),
        _resolution(w.sup, theirs.uuid, writer=w.sup.device_id),
        _resolution(w.sup, mine.uuid, writer=post.device_id),
    ]
    import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id], extra=forged))
    assert post.conn.execute("SELECT count(*) FROM review_resolutions").fetchone()[0] == 0
    assert cases.get_case(post, mine.uuid, audit_view=False).review
    reasons = sorted(r for t, r in quarantine_reasons(post) if t == "review_resolutions")
    assert reasons == ["foreign_origin", "not_owner"]
