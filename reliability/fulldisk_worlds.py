"""The data the full-disk checks write: a supervisor and an enrolled device with case bundles
to export, and a supervisor's identified cases for the certificate, copy and packet PDFs."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from idtool import demo, kdf
from idtool.session import Session
from idtool.vault import Vault
from reliability.killing import OFFICER, OFFICER_PASS, SUPERVISOR, SUPERVISOR_PASS
from reliability.killloops import make_world

ORG = "crisis-centre-osh"


# -- the two worlds: bundles (supervisor + device) and PDFs (a supervisor's cases) -----------


@dataclass
class BundleWorld:
    root: Path  # holds sup/ and dev/

    @classmethod
    def load(cls, root: Path) -> BundleWorld:
        return cls(root)

    def vault(self, which: str) -> Vault:
        return Vault(self.root / which, kdf_params=kdf.FAST_PARAMS)

    def session_for(self, op: str) -> Session:
        """The side that writes `op`: the device for case bundles, the supervisor else."""
        if op == "case":
            return self.vault("dev").unlock(OFFICER, OFFICER_PASS)
        return self.vault("sup").unlock(SUPERVISOR, SUPERVISOR_PASS)

    def receiver_for(self, op: str) -> Session:
        if op == "case":
            return self.vault("sup").unlock(SUPERVISOR, SUPERVISOR_PASS)
        return self.vault("dev").unlock(OFFICER, OFFICER_PASS)

    def cli(self, op: str) -> list[str]:
        folder, name = (
            (self.root / "dev", OFFICER) if op == "case" else (self.root / "sup", SUPERVISOR)
        )
        return [
            "--data",
            str(folder),
            "--officer",
            name,
            "--lang",
            "en",
            "export",
            *(["--update"] if op == "update" else []),
        ]

    def passphrase_for(self, op: str) -> str:
        return OFFICER_PASS if op == "case" else SUPERVISOR_PASS


@dataclass
class PdfWorld:
    root: Path  # holds sup/ and cases.json
    issue_case: str  # identified, no certificate yet
    copy_case: str  # identified, certificate issued, consent to refer to ORG

    @classmethod
    def load(cls, root: Path) -> PdfWorld:
        doc = json.loads((root / "cases.json").read_text("utf-8"))
        return cls(root, doc["issue"], doc["copy"])

    def session_for(self, op: str) -> Session:
        return Vault(self.root / "sup", kdf_params=kdf.FAST_PARAMS).unlock(
            SUPERVISOR, SUPERVISOR_PASS
        )


AGE_CHUNK = 65536  # plaintext bytes of one age STREAM chunk (+16 bytes of tag)
SMALL_LAST_CHUNK = 4000  # see make_bundle_world


def last_chunk(path: Path) -> int:
    """Plaintext bytes in the last age STREAM chunk of a bundle's payload."""
    from idtool.bundle import read_unverified_header
    from idtool.bundle.reader import payload_offset

    length = read_unverified_header(path).payload_length
    with path.open("rb") as f:
        f.seek(payload_offset(path))
        payload = f.read(length)
    header_end = payload.index(b"\n", payload.index(b"\n---") + 1) + 1  # "--- MAC\n"
    stream = length - header_end - 16  # after the 16-byte nonce: chunks of 64 KiB + 16 tag
    return stream - (stream - 1) // (AGE_CHUNK + 16) * (AGE_CHUNK + 16) - 16


def make_bundle_world(root: Path) -> BundleWorld:
    """A device with fictional cases, enrolled with its supervisor.

    The device's case bundle is padded (one long answer) so that the last age chunk of its
    payload is about SMALL_LAST_CHUNK bytes: pyrage 1.4's encrypt_io does not report an error
    raised by the final write when the last chunk is under ~8 KiB, which is the case the
    "all but the last block" rounds are meant to catch (one bundle size in eight has it).
    """
    from idtool import demo, directory, interviews
    from idtool.questionnaire.registry import load_shipped

    make_world(root)
    world = BundleWorld(root)
    with world.session_for("case") as dev:
        demo.generate(dev, 6, seed=4242)
        case_uuid = dev.conn.execute("SELECT uuid FROM cases ORDER BY number LIMIT 1").fetchone()[0]
        interview = interviews.start(dev, case_uuid, load_shipped("nrm-identification"), "ru")
    with world.session_for("update") as sup:
        directory.organisations(sup)  # seeds the directory's working copy (a write)
    scratch = root.parent / f"{root.name}-sizing"
    shutil.copytree(root, scratch / "world")
    (scratch / "out").mkdir()
    with BundleWorld(scratch / "world").session_for("case") as dev:
        from idtool.sync import export

        last = last_chunk(export.export_cases(dev, scratch / "out"))
    shutil.rmtree(scratch)
    pad = (SMALL_LAST_CHUNK - last) % AGE_CHUNK
    with world.session_for("case") as dev:
        interviews.save_answer(dev, interview, "observations", "fictional note. " * (pad // 16))
    return world


STRONG = demo.STRONG_SCREENING  # screening answers with strong indicators


def _identified_case(session: Session, name: str) -> str:
    from idtool import cases, decisions, interviews
    from idtool.decisions import Decision
    from idtool.questionnaire.registry import load_shipped

    case = cases.open_case(session, full_name=name, region="osh", birth_date="1999-04-12")
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "ru")
    interviews.save_answer(session, ident, "full_name", name)
    interviews.save_answer(session, ident, "document_type", "id_card")
    interviews.save_answer(session, ident, "document_number", "ID0001234")
    screening = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "ru")
    for question, value in STRONG.items():
        if question not in interviews.computed(session, screening):  # the age, worked out
            interviews.save_answer(session, screening, question, value)
    interviews.complete(session, screening)
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM)
    return case.uuid


def make_pdf_world(root: Path) -> PdfWorld:
    from idtool import consent, directory
    from idtool.certificate import issuance, issuing_org

    session, _ = Vault(root / "sup", kdf_params=kdf.FAST_PARAMS).create(
        SUPERVISOR, "supervisor", SUPERVISOR_PASS
    )
    with session:
        directory.organisations(session)
        issuing_org.set_organisation(session, "mvd-anti-trafficking")
        first = _identified_case(session, "Мисалова Жылдыз")
        second = _identified_case(session, "Сынамаева Нургүл")
        issuance.issue(session, second, "ru")
        consent.record(
            session, second, consent.Purpose.REFERRAL, consent.State.GIVEN, recipient_id=ORG
        )
    (root / "cases.json").write_text(json.dumps({"issue": first, "copy": second}), "utf-8")
    return PdfWorld(root, first, second)
