"""Demo data: synthetic, clearly fictional cases for training and for exploring the program.

Names are made up from the words for "example", "sample" and "test" (Мисалова, Үлгүбаев,
Сынамаева) so no demo record can be taken for a real person. Answers are drawn so that they
satisfy the questionnaires' own relevance and constraint rules, with a profile per case that
makes some cases strong, some weak and some without indications.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from idtool import case_assessments, cases, database, dates, decisions, interviews
from idtool.cases import Status
from idtool.decisions import Decision
from idtool.policy import Role
from idtool.questionnaire.flow import Flow, is_empty
from idtool.questionnaire.model import Form, Kind, Question
from idtool.questionnaire.registry import load_shipped
from idtool.regions import REGIONS
from idtool.session import Officer, Session

GIVEN_F = ["Айгүл", "Жылдыз", "Чолпон", "Нургүл", "Бермет", "Асел", "Гүлнара", "Айпери"]
GIVEN_M = ["Бакыт", "Нурлан", "Эрлан", "Азамат", "Тилек", "Марат", "Улан", "Дастан"]
FAMILY = ["Мисалов", "Үлгүбаев", "Сынамаев", "Демоев", "Тестов", "Мисалбеков"]

DEMO_OFFICERS = {
    Role.POLICE: "Демо милиция кызматкери",
    Role.SOCIAL_WORKER: "Демо социалдык кызматкер",
    Role.BORDER_GUARD: "Демо чек арачы",
}

# How likely a case is to tick an answer that carries indicators.
PROFILES = {"strong": 0.75, "weak": 0.3, "none": 0.0}
# Screening answers (`nrm-screening`) of a fictional adult whose signs lead to "presumed victim":
# the one such set for tests, benchmarks, the reliability suite and examples.
STRONG_SCREENING: Mapping[str, object] = MappingProxyType(
    {
        "urgent_medical": "no",
        "safe_place": "no",
        "fear_someone": "yes",
        "documents_taken": "yes",
        "debt": "yes",
        "not_free": "yes",
        "deceived_job": "yes",
        "violence_threats": "both",
        "unpaid_wages": "not_paid",
        "excessive_hours": "yes",
        "sex": "female",
        "age_now": 24,
        "under_18_at_exploitation": "no",
        "exploitation_type": ["forced_labour"],
        "exploitation_country": "russia",
        "information_given": ["purpose", "data_use", "retention", "withdrawal", "voluntary"],
        "consent_referral": "given",
    }
)


@dataclass
class DemoReport:
    cases: int = 0
    interviews_in_progress: int = 0
    decided: int = 0
    against_recommendation: int = 0


def fictional_name(rng: random.Random, sex: str) -> str:
    family = rng.choice(FAMILY)
    if sex == "female":
        return f"{rng.choice(GIVEN_F)} {family}а"
    return f"{rng.choice(GIVEN_M)} {family}"


def _demo_officer(session: Session, role: Role) -> Session:
    """A session acting as a demo officer of `role` (no key slot: nobody can log in as it)."""
    name = DEMO_OFFICERS[role]
    row = session.conn.execute("SELECT uuid FROM officers WHERE name = ?", (name,)).fetchone()
    if row is None:
        officer_uuid = str(uuid.uuid4())
        with database.transaction(session.conn):
            session.conn.execute(
                "INSERT INTO officers (uuid, name, name_key, role, slot_id, active, created_at,"
                " device_id) VALUES (?, ?, ?, ?, NULL, 0, ?, ?)",
                (
                    officer_uuid,
                    name,
                    f"demo:{role.value}",
                    role.value,
                    cases.now_iso(),
                    session.device_id,
                ),
            )
            session.audit("officer.add", officer_uuid, {"role": role.value, "demo": True})
    else:
        officer_uuid = row[0]
    officer = Officer(officer_uuid, name, role.value, True)
    return Session(session.vault, session.conn, officer, session.device_id, session.db_key)


class AnswerPicker:
    """Draws a valid answer for a question, given the answers so far."""

    def __init__(self, rng: random.Random, profile: str, person: dict[str, object]) -> None:
        self.rng = rng
        self.weight = PROFILES[profile]
        self.person = person

    def __call__(self, flow: Flow, q: Question) -> object:
        rng = self.rng
        if q.name in self.person:
            return self.person[q.name]
        if q.kind is Kind.SELECT_ONE:
            choices = [c.name for c in flow.choices_for(q)]
            flagged = [c for c in choices if q.indicators_for(c)]
            if flagged and rng.random() < self.weight:
                return rng.choice(flagged)
            plain = [c for c in choices if c not in flagged] or choices
            return rng.choice(plain) if plain else None
        if q.kind is Kind.SELECT_MULTIPLE:
            choices = [c.name for c in flow.choices_for(q)]
            flagged = [c for c in choices if q.indicators_for(c)]
            if flagged and rng.random() < self.weight:
                return sorted(rng.sample(flagged, k=min(len(flagged), rng.randint(1, 3))))
            plain = [c for c in choices if c not in flagged] or choices
            return [rng.choice(plain)] if plain else []
        if q.kind is Kind.INTEGER:
            return rng.randint(0, 40)
        if q.kind is Kind.DECIMAL:
            return round(rng.uniform(0, 100), 1)
        if q.kind is Kind.DATE:
            return (date.today() - timedelta(days=rng.randint(30, 900))).isoformat()
        if q.kind is Kind.TEXT:
            return "Демо жооп (ойдон чыгарылган)"
        return None


def fill(
    flow_for: Callable[[dict[str, object]], Flow],
    form: Form,
    pick: AnswerPicker,
    save: Callable[[str, object], None],
    stop_after: int | None = None,
) -> dict[str, object]:
    """Answer the form section by section as an officer would; returns the answers."""
    answers: dict[str, object] = {}
    flow = flow_for(answers)
    section = flow.first_section()
    pages = 0
    while section is not None:
        if stop_after is not None and pages >= stop_after:
            break
        tried: set[str] = set()
        # Answers can make more questions of the page relevant: go over it until none is new.
        while True:
            todo = [
                q for q in flow.questions(section) if q.kind.takes_answer and q.name not in tried
            ]
            if not todo:
                break
            for q in todo:
                tried.add(q.name)
                if flow.is_relevant(q.name):
                    flow = _answer(flow_for, flow, q, pick, answers, save)
        flow = flow_for(answers)
        section = flow.next_section(section)
        pages += 1
    return answers


def _answer(
    flow_for: Callable[[dict[str, object]], Flow],
    flow: Flow,
    q: Question,
    pick: AnswerPicker,
    answers: dict[str, object],
    save: Callable[[str, object], None],
) -> Flow:
    for _attempt in range(8):
        value = pick(flow, q)
        if is_empty(value):
            return flow
        answers[q.name] = value
        candidate = flow_for(answers)
        if candidate.validate_question(q) is None:
            save(q.name, value)
            return candidate
        del answers[q.name]
    return flow_for(answers)


def generate(
    session: Session,
    count: int,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> DemoReport:
    """Add `count` demo cases to the open database (any role may do this)."""
    rng = random.Random(seed)
    report = DemoReport()
    deciders = [_demo_officer(session, Role.POLICE), _demo_officer(session, Role.SOCIAL_WORKER)]
    guard = _demo_officer(session, Role.BORDER_GUARD)
    ident = load_shipped("nrm-identification")
    screen = load_shipped("nrm-screening")
    for n in range(count):
        officer = rng.choice(deciders)
        sex = rng.choice(["female", "female", "male"])
        age_now = rng.choice([15, 16, 17, 19, 22, 25, 29, 34, 41, 48])
        birth = date.today().replace(day=1) - timedelta(days=365 * age_now + rng.randint(0, 300))
        age_now = dates.full_years(birth, date.today())  # as the interview works it out
        name = fictional_name(rng, sex)
        case = cases.open_case(
            officer,
            full_name=name,
            region=rng.choice(list(REGIONS)),
            sex=sex,
            birth_date=birth.isoformat(),
            demo=True,
        )
        person = {
            "full_name": name,
            "sex": sex,
            "date_of_birth": birth.isoformat(),
            "interview_date": date.today().isoformat(),  # the age now is worked out on it
            "age_now": age_now,
            "age_at_exploitation": max(age_now - rng.randint(0, 3), 10),
            "consent_interview": "given",
            "consent_referral": "given",
            # Each fictional person their own (the case number is unique to the post),
            # so demo data from two posts does not flood the duplicate queue.
            "document_number": f"DEMO-{case.number}",
        }
        profile = rng.choice(["strong", "strong", "weak", "none"])
        pick = AnswerPicker(rng, profile, person)
        if rng.random() < 0.3:  # a border post screened first
            _interview(guard, case.uuid, screen, pick, complete=True)
        in_progress = rng.random() < 0.15
        _interview(
            officer,
            case.uuid,
            ident,
            pick,
            complete=not in_progress,
            stop_after=rng.randint(1, 6) if in_progress else None,
        )
        report.cases += 1
        if in_progress:
            report.interviews_in_progress += 1
        elif rng.random() < 0.85:
            _decide(officer, case.uuid, rng, report)
        if progress:
            progress(n + 1, count)
    return report


def _interview(
    session: Session,
    case_uuid: str,
    form: Form,
    pick: AnswerPicker,
    complete: bool,
    stop_after: int | None = None,
) -> None:
    interview = interviews.start(session, case_uuid, form, "ru")

    def flow_for(answers: dict[str, object]) -> Flow:
        return Flow(form, answers, "ru")

    def save(question: str, value: object) -> None:
        if question not in interviews.computed(session, interview):  # worked out, not asked
            interviews.save_answer(session, interview, question, value)

    fill(flow_for, form, pick, save, stop_after)
    if complete and not interviews.flow(session, interview).validate():
        interviews.complete(session, interview)


def _decide(session: Session, case_uuid: str, rng: random.Random, report: DemoReport) -> None:
    latest = case_assessments.latest(session, case_uuid)
    if latest is None:
        return
    follow = decisions.MATCHING_DECISION[latest.recommendation]
    if rng.random() < 0.2:  # some officers depart from the recommendation
        other = [d for d in Decision if d != follow]
        choice = rng.choice(other)
        decisions.record(
            session,
            case_uuid,
            choice,
            "Демо негиздеме: кошумча маалымат эске алынды (ойдон чыгарылган).",
        )
        report.against_recommendation += 1
    else:
        decisions.record(session, case_uuid, follow)
    report.decided += 1
    if follow == Decision.IDENTIFIED_VICTIM and rng.random() < 0.4:
        later = rng.choice([Status.REFERRED, Status.CLOSED])
        with database.transaction(session.conn):
            cases.set_status(session, case_uuid, later)
            session.audit("case.status", case_uuid, {"status": later.value, "demo": True})
