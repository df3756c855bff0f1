"""The criminal-justice link beyond the case: statistics, the command line, case bundles to the
coordinator, and never in a referral packet."""

from __future__ import annotations

import io

import pypdf

from idtool import cj_link, consent, referrals
from idtool.cli import main
from idtool.consent import Purpose, State
from idtool.decisions import Decision
from idtool.packet.produce import packet_pdf
from idtool.stats import justice
from idtool.sync import export
from idtool.sync.importer import import_bundle
from tests.conftest import SUPERVISOR, SUPERVISOR_PASS
from tests.support.cj import case_with
from tests.support.sync import make_world

TRAFFICKING = {"opened": "criminal", "articles": ("cc_trafficking",), "prosecution": "public"}
MIGRATION = {"opened": "misconduct", "articles": ("cm_illegal_migration",)}


def test_statistics_count_identified_victims_against_articles(session):
    identified = Decision.IDENTIFIED_VICTIM
    for _n in range(6):
        case_with(session, decision=identified, link=dict(TRAFFICKING, stage="investigation"))
    for _n in range(5):
        case_with(session, decision=identified, link=dict(MIGRATION, stage="discontinued"))
    case_with(session, decision=identified, link={"opened": "none"})
    case_with(session, decision=Decision.POSSIBLE_VICTIM, link=MIGRATION)
    pub = justice.compute(session).published(5)
    assert pub.figure("identified") == 12
    assert pub.figure("qualified") == 6 and pub.share_qualified == 0.5
    assert pub.figure("discontinued") == 5 and pub.figure("discontinued_identified") == 5
    assert pub.median_days == 0.0  # the stages were reached the day the person was identified
    shown = {row[0]: row[1:] for row in justice.rows(pub, "en")}
    assert shown["Art. 166 of the Criminal Code: Trafficking in persons"] == ["6", "6"]
    assert shown["Art. 122 of the Code of Misconduct: Organizing illegal migration"] == ["6", "5"]
    # Small counts are hidden, and so is what depends on them.
    small = justice.compute(session).published(7)
    assert small.text("qualified") == "<7" and small.share_qualified is None
    assert small.median_days == 0.0  # 11 identified victims' cases reached a stage
    assert justice.compute(session).published(12).median_days is None


def _cli(data_dir, *args):
    return main(["--data", str(data_dir), "--officer", SUPERVISOR, "--lang", "en", *args])


def test_command_line_link_show_articles_review(session, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("IDTOOL_PASSPHRASE", SUPERVISOR_PASS)
    case = case_with(session)
    assert _cli(data_dir, "case", "articles") == 0
    listed = capsys.readouterr().out
    assert "cm_illegal_migration\tmisconduct\t122\t" in listed
    args = ("case", "link", case.number, "--opened", "misconduct")
    assert (
        _cli(
            data_dir,
            *args,
            "--article",
            "cm_illegal_migration",
            "--stage",
            "investigation",
            "--stage-date",
            "2026-02-03",
            "--role",
            "victim",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "article\tcm_illegal_migration" in out and "stage\tinvestigation\t2026-02-03\t*" in out
    assert _cli(data_dir, "review") == 0
    review = capsys.readouterr().out
    assert f"{case.number}\tmischarging\t" in review
    assert (
        _cli(
            data_dir,
            "case",
            "link",
            case.number,
            "--opened",
            "criminal",
            "--article",
            "cm_illegal_migration",
        )
        != 0
    )
    err = capsys.readouterr().err
    assert "code the case was opened under" in err and "Traceback" not in err
    assert _cli(data_dir, "case", "link", case.number, "--show") == 0
    assert "opened\tmisconduct" in capsys.readouterr().out
    assert _cli(data_dir, "stats-justice", "--threshold", "5") == 0
    assert "Identified victims: 0" in capsys.readouterr().out


def test_the_link_travels_to_the_coordinator(tmp_path):
    w = make_world(tmp_path, 1)
    (post,) = w.devs
    case = case_with(post, link=dict(MIGRATION, role="victim"))
    report = import_bundle(w.sup, export.export_cases(post, w.out))
    assert report.quarantined == 0
    link = cj_link.get(w.sup, case.uuid)
    assert link is not None and link.articles == ("cm_illegal_migration",)
    from idtool import oversight

    kinds = {i.kind for i in oversight.queue(w.sup) if i.case_uuid == case.uuid}
    assert "mischarging" in kinds


def test_the_link_never_goes_into_a_referral_packet(session):
    case = case_with(session, decision=Decision.IDENTIFIED_VICTIM, link=MIGRATION)
    consent.record(session, case.uuid, Purpose.REFERRAL, State.GIVEN, recipient_id="ombudsman")
    consent.record(session, case.uuid, Purpose.LAW_ENFORCEMENT, State.GIVEN)
    made = referrals.make(session, case.uuid, "ombudsman", services=("legal_aid",))
    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(packet_pdf(session, made.uuid, "en"))).pages
    )
    assert "illegal migration" not in text.lower() and "misconduct" not in text.lower()


def test_the_coordinators_article_numbers_reach_the_devices(tmp_path):
    from idtool.certificate import issuing_org
    from tests.support.sync import update_all

    w = make_world(tmp_path, 1)
    (post,) = w.devs
    assert issuing_org.set_option(w.sup, "cj_articles", {"cc_drugs": "283"})
    update_all(w)
    found = {a.id: a for a in cj_link.article_list(post)}["cc_drugs"]
    assert found.number == "283"
