"""Screenshots for the user guide, taken from the real program on fictional demo data.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/guide/make_screenshots.py [--lang ky ru en]

For each language the script builds a throw-away world in a temporary folder (deleted at the
end): a regional coordinator's database with generated demo cases (`idtool.demo`), and a post
computer set up through the real set-up page, whose police officer enrols with the coordinator
and exports an exchange package. It then opens the real windows and dialogs of `ui/` offscreen
and saves what they show with `QWidget.grab()` into `docs/guide/img/<lang>/<name>.png`.

Every person shown is invented (family names made of the words for "example", "sample",
"test", as in `idtool.demo`); the fast key derivation (IDTOOL_KDF=fast) is used because
nothing here is real. Only the file dialogs, which are native windows, are answered by the
script.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QGroupBox,
    QMessageBox,
)
from screenshot_tools import (
    Shooter,
    answer_file_dialogs,
    log,
    open_menu,
    open_submenu,
    scroll_to,
    settle,
    wait_until,
)

from idtool import (
    case_assessments,
    cases,
    consent,
    database,
    decisions,
    demo,
    interviews,
    kdf,
    officers,
    referrals,
)
from idtool import settings as settings_mod
from idtool.certificate import issuance, ledger
from idtool.i18n import _, set_language
from idtool.packet import make_and_render
from idtool.questionnaire.flow import Flow
from idtool.questionnaire.registry import load_shipped
from idtool.session import Session
from idtool.sync import devices, enrol, export, updates
from idtool.sync.importer import import_bundle
from idtool.sync.labels import field_name
from idtool.vault import Vault
from ui.cases.case_view import TABS
from ui.cases.new_case_dialog import NewCaseDialog
from ui.documents.confirm_dialog import ConfirmIssueDialog
from ui.documents.consent_dialog import ConsentDialog
from ui.documents.referral_dialog import ReferralDialog
from ui.documents.verify_dialog import VerifyDialog
from ui.help.window import show_for as show_help_for
from ui.issuing_dialog import IssuingDialog
from ui.main_window import MainWindow
from ui.officers_dialog import OfficersDialog
from ui.oversight_dialog import OversightDialog
from ui.recovery_code_dialog import RecoveryCodeDialog
from ui.stats.dialog import StatsDialog
from ui.sync.conflicts_dialog import ConflictsDialog
from ui.sync.enrol_dialogs import JoinDialog
from ui.sync.import_flow import ImportFlow
from ui.sync.resend_dialog import ResendDialog
from ui.sync.write_flows import ExportFlow

HERE = Path(__file__).resolve().parent
IMG = HERE / "img"
LANGS = ("ky", "ru", "en")
WINDOW_SIZE = (1280, 800)
PASSPHRASE = "demo guide passphrase"  # fast KDF, throw-away data: nothing here is secret

# Invented names only, in the demo module's style.
POST_SUPERVISOR = "Демо Жетекчи"
POST_OFFICER = "Демо Кызматкер"
LEFT_OFFICER = "Демо Практикант"  # added and removed again: the new recovery code
COORDINATOR = "Демо Координатор"
# Given names outside the demo module's lists, so that no two invented people look alike.
CERT_PERSON = ("Айжан Сынамаева", "female", "1999-04-12")
INTERVIEW_PERSON = ("Назира Мисалбекова", "female", "2001-09-03")
NEW_CASE_PERSON = ("Динара Үлгүбаева", "female", "2003-02-17")
# Other people met at the post: (person, answer profile, decision: "follow", "differ" or "").
POST_PEOPLE = (
    (("Канат Тестов", "male", "1990-06-21"), "strong", "follow"),
    (("Мээрим Үлгүбаева", "female", "1996-11-30"), "weak", "differ"),
    (("Тимур Демоев", "male", "1987-01-15"), "none", ""),
    (("Гүлзат Мисалова", "female", "2004-05-09"), "strong", "follow"),
)
POST_ORGANISATION = "mvd-anti-trafficking"  # a police unit: it may issue certificates
CRISIS_CENTRE = "crisis-centre-bishkek"
LOCAL_ADMINISTRATION = "local-administration"  # receives no "sensitive" answers

# Text the "officer" types, in each language.
TYPED = {
    "office": {
        "ky": "Бишкек: УКБМ координатору (демо)",
        "ru": "Бишкек: координатор НМП (демо)",
        "en": "Bishkek: NRM coordinator (demo)",
    },
    "post": {
        "ky": "Ош: чек ара посту №1 (демо)",
        "ru": "Ош: пограничный пост №1 (демо)",
        "en": "Osh: border post No. 1 (demo)",
    },
    "reason": {
        "ky": "Демо негиздеме: адам кошумча маалымат берди (ойдон чыгарылган).",
        "ru": "Демо-обоснование: человек сообщил дополнительные сведения (вымышлено).",
        "en": "Demo reason: the person gave more information (fictional).",
    },
    "referral": {
        "ky": "Демо: убактылуу баш калкалоочу жай жана психолог керек.",
        "ru": "Демо: нужны временное жильё и психолог.",
        "en": "Demo: needs a safe place to stay and a psychologist.",
    },
}


# -- the fictional world -------------------------------------------------------------------------
def interviewed_case(
    session: Session,
    person: tuple[str, str, str],
    lang: str,
    seed: int,
    *,
    complete: bool,
    stop_after: int | None = None,
    profile: str = "strong",
    want: str | None = None,
) -> tuple[str, str]:
    """Open a case for an invented person and run the identification questionnaire with
    answers drawn by the demo picker; returns (case uuid, interview uuid).

    The person has no identity document (no document number to compare between posts);
    with `want`, answers are drawn (in memory) until the assessment would recommend that."""
    name, sex, birth = person
    age = date.today().year - int(birth[:4]) - 1
    form = load_shipped("nrm-identification")
    known: dict[str, object] = {
        "full_name": name,
        "sex": sex,
        "date_of_birth": birth,
        "age_now": age,
        "age_at_exploitation": age - 1,
        "age_basis": "stated",
        "possibly_under_18": "no",
        "document_type": "none",
        "citizenship": "kyrgyzstan",
        "consent_interview": "given",
        "consent_referral": "given",
    }
    for attempt in range(200):
        pick = demo.AnswerPicker(random.Random(seed + attempt), profile, known)
        answers = demo.fill(
            lambda a: Flow(form, a, lang), form, pick, lambda _q, _v: None, stop_after
        )
        if stop_after is None:
            flow = Flow(form, answers, lang)
            if flow.validate():
                continue
            if want is not None and case_assessments.evaluate(flow).recommendation != want:
                continue
        break
    else:
        raise RuntimeError("the demo picker gave no suitable interview")
    case = cases.open_case(session, full_name=name, region="chuy", sex=sex, birth_date=birth)
    interview = interviews.start(session, case.uuid, form, lang)
    worked_out = interviews.computed(session, interview)  # the age, from the date of birth
    for question, value in answers.items():
        if question not in worked_out:
            interviews.save_answer(session, interview, question, value)
    if complete:
        interviews.complete(session, interview)
    return case.uuid, interview.uuid


def recommendation(session: Session, case_uuid: str) -> str:
    latest = case_assessments.latest(session, case_uuid)
    if latest is None:
        raise RuntimeError("no assessment")
    return latest.recommendation


@dataclass
class World:
    root: Path
    lang: str
    usb: Path
    coordinator: Session | None = None
    post_vault: Vault | None = None
    officer: Session | None = None  # the police officer, on its own connection
    enrolment_file: Path | None = None
    cert_case: str = ""
    interview_uuid: str = ""
    exported: list[Path] = field(default_factory=list)

    def sup(self) -> Session:
        assert self.coordinator is not None
        return self.coordinator


def build_coordinator(world: World) -> None:
    vault = Vault(world.root / "coordinator", kdf_params=kdf.FAST_PARAMS)
    world.coordinator, _code = vault.create(COORDINATOR, "supervisor", PASSPHRASE)
    demo.generate(world.coordinator, 40)


def prepare_post(world: World) -> None:
    """The police officer's cases, enrolment with the coordinator and a first exchange."""
    assert world.post_vault is not None
    dev = world.officer = world.post_vault.unlock(POST_OFFICER, PASSPHRASE)
    sup = world.sup()
    first_case = ""
    for n, (person, profile, decide) in enumerate(POST_PEOPLE):
        case_uuid, _interview = interviewed_case(
            dev, person, world.lang, 500 + 37 * n, complete=True, profile=profile
        )
        first_case = first_case or case_uuid
        follow = decisions.MATCHING_DECISION[recommendation(dev, case_uuid)]
        if decide == "follow":
            decisions.record(dev, case_uuid, follow)
        elif decide == "differ":
            other = next(d for d in decisions.Decision if d != follow)
            decisions.record(dev, case_uuid, other, TYPED["reason"][world.lang])
    world.cert_case, _interview = interviewed_case(
        dev, CERT_PERSON, world.lang, 100, complete=True, want="presumed_victim"
    )
    _case, world.interview_uuid = interviewed_case(
        dev, INTERVIEW_PERSON, world.lang, 300, complete=False, stop_after=4
    )
    interviews.save_answer(dev, interviews.get(dev, world.interview_uuid), "recruited", "yes")
    # Enrolment: the coordinator's file, the post's request, the coordinator's approval and
    # its first update package, imported on the post.
    data = enrol.create_enrolment(sup, TYPED["office"][world.lang])
    world.enrolment_file = world.usb / "enrolment.idte"
    world.enrolment_file.write_bytes(data)
    request = enrol.accept_enrolment(dev, data, TYPED["post"][world.lang])
    import_bundle(dev, enrol.approve(sup, request, world.root / "first-update"))
    # The coordinator names the post's organisation (it may issue certificates).
    devices.set_organisation(sup, dev.device_id, POST_ORGANISATION)
    (world.root / "org-update").mkdir(exist_ok=True)
    import_bundle(dev, updates.export_update(sup, world.root / "org-update", [dev.device_id]))
    # A first case package, imported by the coordinator before the screenshots.
    import_bundle(sup, export.export_cases(dev, world.root / "first-export"))
    # Both sides then change the same case: the next package brings a conflict.
    with database.transaction(sup.conn):
        cases.set_status(sup, first_case, cases.Status.CLOSED)
    with database.transaction(dev.conn):
        cases.set_status(dev, first_case, cases.Status.REFERRED)
    # The same invented person as one of the coordinator's demo cases: a possible duplicate.
    person = sup.conn.execute(
        "SELECT p.full_name, p.sex, p.birth_date, c.region FROM cases c JOIN persons p"
        " ON p.uuid = c.person_uuid WHERE c.demo = 1 ORDER BY c.rowid LIMIT 1"
    ).fetchone()
    cases.open_case(
        dev, full_name=person[0], sex=person[1], birth_date=person[2], region=person[3], demo=True
    )


def decide_and_issue(world: World, session: Session) -> ledger.Certificate:
    """Identified victim (as recommended), the certificate (the post's supervisor confirms it:
    two officers who may issue work there) and one copy, the consents, and a referral to the
    crisis centre, accepted."""
    case = world.cert_case
    decisions.record(session, case, decisions.Decision.IDENTIFIED_VICTIM)
    issuance.issue(session, case, world.lang, confirmer=(POST_SUPERVISOR, PASSPHRASE))
    printed = issuance.reprint(session, case)
    given = consent.State.GIVEN
    for purpose in (consent.Purpose.INTERVIEW, consent.Purpose.STATISTICS):
        consent.record(session, case, purpose, given)
    for org in (CRISIS_CENTRE, LOCAL_ADMINISTRATION):
        consent.record(session, case, consent.Purpose.REFERRAL, given, recipient_id=org)
    consent.record(session, case, consent.Purpose.LAW_ENFORCEMENT, consent.State.REFUSED, told=())
    packet = make_and_render(
        session,
        case,
        CRISIS_CENTRE,
        services=("shelter", "psychological"),
        urgency="urgent",
        reason=TYPED["referral"][world.lang],
        lang=world.lang,
    )
    referrals.set_status(session, packet.referral.uuid, referrals.RefStatus.ACCEPTED)
    return printed.certificate


# -- the screens ---------------------------------------------------------------------------------
def new_window(vault: Vault, lang: str, config: Path) -> MainWindow:
    window = MainWindow(vault, settings_mod.Settings(language=lang), config_dir=config, demo=True)
    window.resize(*WINDOW_SIZE)
    window.show()
    window.activateWindow()
    settle()
    return window


def session_of(window: MainWindow) -> Session:
    assert window.session is not None
    return window.session


def shoot_setup(world: World, shot: Shooter) -> MainWindow:
    """Chapter 1: the set-up page, the recovery code, officers, the new recovery code after a
    removal, the certificate-issuing settings and the language menu."""
    world.post_vault = Vault(world.root / "post", kdf_params=kdf.FAST_PARAMS)
    window = new_window(world.post_vault, world.lang, world.root / "config")
    page = window.page
    page.name.setText(POST_SUPERVISOR)  # type: ignore[attr-defined]
    page.passphrase.setText(PASSPHRASE)  # type: ignore[attr-defined]
    page.repeat.setText(PASSPHRASE)  # type: ignore[attr-defined]
    organisation = page.organisation  # type: ignore[attr-defined]
    organisation.setCurrentIndex(organisation.findData(POST_ORGANISATION))
    shot.save(window, "setup")
    page.create.click()  # type: ignore[attr-defined]
    wait_until(lambda: page.stack.currentIndex() == 1, "the recovery code")  # type: ignore[attr-defined]
    shot.save(window, "recovery-code")
    page.findChild(QCheckBox, "confirm_code").setChecked(True)
    page.cont.click()  # type: ignore[attr-defined]
    wait_until(lambda: window.is_unlocked, "the workspace")

    officers.add_officer(session_of(window), POST_OFFICER, "police", PASSPHRASE)
    dialog = OfficersDialog(session_of(window), window)
    dialog.show()
    shot.save(dialog, "officers")
    dialog.close()
    # An officer who leaves: the removal replaces the recovery code, shown once.
    officers.add_officer(session_of(window), LEFT_OFFICER, "border_guard", PASSPHRASE)
    code = officers.remove_officer(session_of(window), LEFT_OFFICER)
    new_code = RecoveryCodeDialog(code, window)
    new_code.show()
    shot.save(new_code, "new-recovery-code")
    new_code.confirm.setChecked(True)
    new_code.accept()
    # Administration > Certificate issuing… (the computer is not enrolled yet: all editable).
    issuing = IssuingDialog(session_of(window), window)
    issuing.show()
    shot.save(issuing, "certificate-issuing")
    issuing.reject()
    settings_menu = open_menu(window, title=_("&Settings"))
    language_menu = open_submenu(settings_menu, _("&Language"))
    shot.save_with_menus(window, [settings_menu, language_menu], "menu-settings")
    language_menu.hide()
    settings_menu.hide()
    return window


def shoot_officer(world: World, window: MainWindow, shot: Shooter) -> None:
    """Chapters 2-6 and 8 as the police officer: the unlock page and its Forgotten
    passphrase… dialog, cases, interview, decision, documents, export, lost packages written
    again, and the wait after wrong passphrases."""
    window.lock()
    unlock = window.page
    # 8. Forgotten passphrase…, opened from the unlock page before anything is typed.
    unlock.forgot.click()  # type: ignore[attr-defined]
    reset = unlock.reset_dialog  # type: ignore[attr-defined]
    wait_until(reset.isVisible, "the forgotten-passphrase dialog")
    shot.save(reset, "forgotten-passphrase")
    reset.reject()
    settle()
    unlock.name.setText(POST_OFFICER)  # type: ignore[attr-defined]
    shot.save(window, "unlock")
    unlock.passphrase.setText(PASSPHRASE)  # type: ignore[attr-defined]
    unlock.button.click()  # type: ignore[attr-defined]
    wait_until(lambda: window.is_unlocked, "unlock")
    session = session_of(window)
    workspace = window.page
    shot.save(window, "cases")
    exchange = open_menu(window, object_name="menu_exchange")
    shot.save_with_menus(window, [exchange], "menu-exchange")
    exchange.hide()

    # 2. A new case (cancelled), and an interview resumed at "Recruitment".
    new_case = NewCaseDialog(session, workspace)
    new_case.full_name.setText(NEW_CASE_PERSON[0])
    new_case.full_name.deselect()
    new_case.sex.setCurrentIndex(new_case.sex.findData(NEW_CASE_PERSON[1]))
    new_case.birth_date.setText(NEW_CASE_PERSON[2])
    new_case.region.setCurrentIndex(new_case.region.findData("osh_city"))
    new_case.show()
    shot.save(new_case, "new-case")
    new_case.reject()

    interviews.set_section(session, interviews.get(session, world.interview_uuid), "recruitment")
    workspace.show_interview(world.interview_uuid)  # type: ignore[attr-defined]
    wizard = workspace.current  # type: ignore[attr-defined]
    settle()
    target = wizard.pages["recruitment"].blocks["recruiter"].input.focus_widgets()[0]
    target.setFocus()
    settle()
    if not wizard.guidance.question_title.text():  # no focus change seen offscreen
        wizard._focus_changed(None, target)
    wizard.pages["recruitment"].verticalScrollBar().setValue(0)
    shot.save(window, "interview")

    # 3. Review and decision: a decision against the recommendation needs a reason.
    workspace.show_review(world.cert_case)  # type: ignore[attr-defined]
    review = workspace.current  # type: ignore[attr-defined]
    review.radios[decisions.Decision.POSSIBLE_VICTIM].setChecked(True)
    review.reason.setPlainText(TYPED["reason"][world.lang])
    scroll_to(review, review.findChild(QGroupBox, "review_assessment_box"))
    shot.save(window, "review")

    # 4. The second officer's confirmation (two officers who may issue work on this post),
    # then the certificate (issued once, one copy printed), and its verification.
    confirm = ConfirmIssueDialog(window)
    confirm.name.setText(POST_SUPERVISOR)
    confirm.passphrase.setText(PASSPHRASE)
    confirm.show()
    settle()
    confirm.name.deselect()  # the focus selected it
    shot.save(confirm, "confirm-issue")
    confirm.reject()
    certificate = decide_and_issue(world, session)
    workspace.show_case(world.cert_case)  # type: ignore[attr-defined]
    case_view = workspace.current  # type: ignore[attr-defined]
    scroll_to(case_view, case_view.certificate_section)
    shot.save(window, "case-certificate")
    for tab in TABS:  # the case view's tabs, each from its top
        case_view.show_tab(tab)
        case_view.scroll_area.verticalScrollBar().setValue(0)
        shot.save(window, f"case-{tab}")
    # Help > User guide (F1) on the case view's last tab: the guide at its section.
    case_view.show_tab("summary")
    guide = show_help_for(window)
    guide.resize(1100, 720)
    guide.go_to(guide.section)
    shot.save(guide, "help")
    guide.close()

    verify = VerifyDialog(session, window)
    verify.code.setPlainText(certificate.code)
    verify.name.setText(CERT_PERSON[0])
    verify.birth_date.setText(CERT_PERSON[2])
    verify.show()
    verify.run()
    wait_until(
        lambda: verify.result_value is not None or verify.error.isVisible(), "the verification"
    )
    shot.save(verify, "verify")
    verify.close()

    # 5. Consent and referral, with the preview of exactly what is sent.
    consent_dialog = ConsentDialog(
        session,
        world.cert_case,
        window,
        purpose=consent.Purpose.REFERRAL,
        recipient_id=CRISIS_CENTRE,
    )
    for box in consent_dialog.told.values():
        box.setChecked(True)
    consent_dialog.state_buttons[consent.State.GIVEN].setChecked(True)
    consent_dialog.show()
    shot.save(consent_dialog, "consent")
    consent_dialog.reject()

    referral = ReferralDialog(session, world.cert_case, window)
    referral.resize(1000, 780)
    referral.choose(LOCAL_ADMINISTRATION)
    referral.set_services(("social_benefits", "documents"))
    referral.show()
    settle()
    fields = list(referral.preview.fields) if referral.preview is not None else []
    withheld = [n for n, f in enumerate(fields) if not f.included]
    if withheld:  # show where the withheld answers begin
        referral.view.scrollTo(
            referral.model.index(max(0, withheld[0] - 2), 0),
            QAbstractItemView.ScrollHint.PositionAtTop,
        )
    shot.save(referral, "referral")
    referral.reject()

    # 6. Enrolment (the fingerprint to compare aloud) and the export to the USB stick.
    assert world.enrolment_file is not None
    answer_file_dialogs(open_file=world.enrolment_file)
    join = JoinDialog(session, window)
    join.show()
    join.open_file()
    join.label_edit.setText(TYPED["post"][world.lang])
    shot.save(join, "join")
    join.reject()

    # The stick is chosen as the folder "USB" (a relative path keeps the message short).
    answer_file_dialogs(folder=Path(world.usb.name))
    QMessageBox.question = staticmethod(  # type: ignore[method-assign]
        lambda *a, **k: QMessageBox.StandardButton.Yes
    )
    here = Path.cwd()
    os.chdir(world.usb.parent)
    try:
        flow = ExportFlow(session, window)
        flow.start()
        wait_until(lambda: flow.message is not None, "the export")
    finally:
        os.chdir(here)
    assert flow.message is not None
    shot.save(flow.message, "export")
    flow.message.close()
    if flow.result is None:
        raise RuntimeError(f"the export failed: {flow.error}")
    world.exported.append(world.usb / flow.result.name)

    # 6.6 A lost stick: a third package follows (a new case); then the stick with package 2
    # is "lost", and the officer chooses to write the packages again from 2. The extra
    # packages are never imported: the coordinator's pictures show package 2 arriving.
    cases.open_case(
        session,
        full_name=NEW_CASE_PERSON[0],
        sex=NEW_CASE_PERSON[1],
        birth_date=NEW_CASE_PERSON[2],
        region="osh_city",
    )
    later = world.root / "later-export"
    later.mkdir()
    export.export_cases(session, later)
    resend = ResendDialog(session, window)
    resend.first.setValue(2)
    resend.show()
    shot.save(resend, "write-lost-packages")
    resend.reject()

    # 8. Too many wrong passphrases: the unlock page makes the officer wait.
    window.lock()
    unlock = window.page
    for _attempt in range(4):
        unlock.name.setText(POST_OFFICER)  # type: ignore[attr-defined]
        unlock.passphrase.setText("not the passphrase")  # type: ignore[attr-defined]
        unlock.attempt()  # type: ignore[attr-defined]
        wait_until(
            lambda: unlock.error.isVisible() and not unlock.busy.isVisible(),  # type: ignore[attr-defined]
            "a refused unlock",
        )
    shot.save(window, "unlock-wait")
    window.close()


def shoot_coordinator(world: World, shot: Shooter) -> None:
    """Chapter 7: the coordinator imports, reviews and counts."""
    sup = world.sup()
    window = new_window(sup.vault, world.lang, world.root / "config")
    window.start_unlocked(sup)
    settle()
    admin = open_menu(window, title=_("&Administration"))
    shot.save_with_menus(window, [admin], "menu-administration")
    admin.hide()

    answer_file_dialogs(open_files=world.exported)
    flow = ImportFlow(sup, window)
    flow.start()
    wait_until(lambda: flow.report_dialog is not None, "the import report")
    assert flow.report_dialog is not None
    shot.save(flow.report_dialog, "import-report")
    flow.report_dialog.close()

    queue = OversightDialog(sup, lambda _uuid: None, window)
    # Wider than its default 980 pixels, as the coordinator would drag it: one line per item,
    # and the details (decision and recommendation) are cut short at the default width.
    queue.resize(1260, 520)
    queue.show()
    shot.save(queue, "review-queue")
    queue.close()

    exchange = ConflictsDialog(sup, window)
    exchange.show()
    settle()
    names = [row[0] for row in exchange.diff.rows]  # field names, in the program's language
    if field_name("status") in names:
        exchange.diff_view.scrollTo(exchange.diff.index(names.index(field_name("status")), 0))
    shot.save(exchange, "exchange-conflicts")
    exchange.tabs.setCurrentIndex(1)
    # Wider, as the coordinator would drag it: each person's summary (name, date of birth,
    # document number, device) then fits in its column.
    exchange.resize(1200, 600)
    shot.save(exchange, "exchange-duplicates")
    exchange.close()

    stats = StatsDialog(sup, window, demo=True)
    stats.resize(900, 760)
    stats.show()
    stats.compute_button.click()
    wait_until(lambda: stats.published is not None or stats.error.isVisible(), "the statistics")
    if stats.error.isVisible():
        raise RuntimeError(f"statistics: {stats.error.text()}")
    shot.save(stats, "statistics")
    stats.tabs.setCurrentIndex(stats.tabs.count() - 2)  # Region: small counts suppressed
    shot.save(stats, "statistics-region")
    stats.close()
    window.close()
    settle()


def shoot_language(lang: str, tmp: Path) -> dict[str, int]:
    log(f"{lang}:")
    set_language(lang)
    root = tmp / lang
    usb = root / "USB"
    for folder in (usb, root / "first-update", root / "first-export"):
        folder.mkdir(parents=True)
    world = World(root, lang, usb)
    shot = Shooter(lang, IMG / lang)
    try:
        build_coordinator(world)
        window = shoot_setup(world, shot)
        prepare_post(world)
        shoot_officer(world, window, shot)
        shoot_coordinator(world, shot)
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)
        for session in (world.officer, world.coordinator):
            if session is not None:
                session.close()
    return shot.sizes


def quiet_qt_messages() -> None:
    """The offscreen platform says what it cannot do (raise windows...): not our concern."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind: object, _context: object, message: str) -> None:
        if "This plugin does not support" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["IDTOOL_KDF"] = "fast"  # throw-away data only
    tmp = Path(tempfile.mkdtemp(prefix="idtool-guide-"))
    os.environ["IDTOOL_DATA"] = str(tmp / "data")
    os.environ["IDTOOL_CONFIG"] = str(tmp / "config")
    os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
    try:
        quiet_qt_messages()
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setStyle("Fusion")  # type: ignore[attr-defined]
        sizes: dict[str, int] = {}
        for lang in args.lang:
            for name, size in shoot_language(lang, tmp).items():
                sizes[f"{lang}/{name}"] = size
        log(
            f"{len(sizes)} images, {sum(sizes.values()) // 1024} KB in all, largest "
            f"{max(sizes.values()) // 1024} KB"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
