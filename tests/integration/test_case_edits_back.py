"""The coordinator's decisions and edits of a post's cases travel back in its update package and
are applied there; where the post changed the same record meanwhile, the conflict queue
(issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path

from idtool import cases, decisions
from idtool.decisions import Decision
from idtool.sync import conflicts, export, updates
from idtool.sync.importer import import_bundle
from tests.support.cases import assessed_case
from tests.support.sync import make_world, update_all


def _details(session, case_uuid: str, name: str) -> None:
    cases.set_details(
        session,
        case_uuid,
        full_name=name,
        birth_date="",
        document_number="",
        working_name="",
    )


def test_coordinator_decision_and_edit_reach_the_post(tmp_path: Path) -> None:
    w = make_world(tmp_path, 2)
    post, other = w.devs
    case = assessed_case(post, name="Бермет Асанова")
    import_bundle(w.sup, export.export_cases(post, w.out))

    decisions.record(w.sup, case.uuid, Decision.IDENTIFIED_VICTIM)
    _details(w.sup, case.uuid, "Бермет Асановна Токтогулова")

    report = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert report.quarantined == 0 and report.conflicts == 0
    (decision,) = decisions.history(post, case.uuid)
    assert decision.decision == Decision.IDENTIFIED_VICTIM
    here = cases.get_case(post, case.uuid, audit_view=False)
    assert here.person.full_name == "Бермет Асановна Токтогулова"
    assert here.status == cases.Status.IDENTIFIED

    # the same update again changes nothing; another post never receives the case
    again = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert again.conflicts == 0 and again.quarantined == 0
    update_all(w)
    assert other.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0

    # the post's next package does not send the coordinator's records back as its own
    back = import_bundle(w.sup, export.export_cases(post, w.out))
    assert back.conflicts == 0 and back.quarantined == 0


def test_both_changed_goes_to_the_conflict_queue_on_the_post(tmp_path: Path) -> None:
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = assessed_case(post, name="Айдай Мамытова")
    import_bundle(w.sup, export.export_cases(post, w.out))
    _details(w.sup, case.uuid, "Айдай Мамытова (коорд.)")
    _details(post, case.uuid, "Айдай Мамытовна")

    report = import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id]))
    assert report.conflicts == 1
    here = cases.get_case(post, case.uuid, audit_view=False)
    assert here.person.full_name == "Айдай Мамытовна"  # nothing overwritten
    (conflict,) = conflicts.open_conflicts(post)  # a police officer on the post may decide
    conflicts.resolve_conflict(post, conflict.uuid, keep="incoming")
    here = cases.get_case(post, case.uuid, audit_view=False)
    assert here.person.full_name == "Айдай Мамытова (коорд.)"


def test_a_record_not_written_by_the_coordinator_is_refused(tmp_path: Path) -> None:
    """An update may carry back only what the coordinator itself wrote: a row naming the post
    as its writer (a rewrite of the post's own history) is refused."""
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = assessed_case(post, name="Нуриза Бекова")
    row = {
        k: v
        for k, v in zip(
            [d[0] for d in post.conn.execute("SELECT * FROM cases LIMIT 0").description],
            post.conn.execute("SELECT * FROM cases WHERE uuid = ?", (case.uuid,)).fetchone(),
            strict=True,
        )
    }
    forged = {"table": "edit:cases", "row": row | {"status": "closed", "version": 9}}
    import_bundle(post, updates.export_update(w.sup, w.out, [post.device_id], extra=[forged]))
    assert cases.get_case(post, case.uuid, audit_view=False).status != "closed"
    assert post.conn.execute(
        "SELECT reason FROM sync_quarantine WHERE tbl = 'cases'"
    ).fetchall() == [("foreign_origin",)]
