"""Plaintext scan: after a scripted end-to-end workflow, no personal data outside the database.

The workflow runs the real command line (and the core API where there is no command) in
subprocesses with their own data, config, home and temporary folders, all under the work
folder: a supervisor and a device database, enrolment, a case with distinctive fictional marker
data (a name, free-text answers, a document number, a birth date, a phone number), interviews,
the assessment, the decision "identified victim", the certificate PDF, consent, the referral
packet PDF (both saved to the officer's chosen folder), a case bundle to a "USB" folder, its
import at the supervisor, the statistics CSV/PDF and the HTCDS export, an update bundle back.
One step keeps a session open while the device's data folder is scanned (WAL and SHM alive).

Then every file produced (except the two PDFs the officer saved) is scanned for every marker in
several forms: UTF-8, UTF-16-LE/BE, lower and upper case, the Latin search key
(`idtool.translit`) and a plain transliteration, base64 of the UTF-8 (all three alignments),
and fragments (the surname alone, ...). Each (file, marker form) pair is a round; a hit is a
failure naming the file and the form, never the surrounding bytes. Database files must not
start with the plain SQLite header. New files in the system temporary folder are scanned too.
As a check of the scanner itself, the two saved PDFs must show the markers (raw, after
inflating their streams, or as extracted text: the report says which).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from idtool import demo
from reliability.common import ROOT, Check, Result

SUPERVISOR = "Айгүл Өмүрбекова"
OFFICER = "Бакыт Садыров"
PASSPHRASE = "plaintext-pass-2026"
ORG = "crisis-centre-osh"

NAME = "Жаркынай Маркерова-Сынак"
FREE = "Чычканбекмаркер"  # the second marker, only in free-text answers and notes
DOCUMENT = "ZX9081726354"
BIRTH = "1993-07-29"
PHONE = "+996 555 123 987"
STORY = (
    f"Ал {FREE} деген кишиге ишенип, Москвага барган. Телефону {PHONE}. "
    f"Паспорту {DOCUMENT} тартылып алынган."
)
STRONG = {  # the age now is worked out from the date of birth, not answered
    **{q: v for q, v in demo.STRONG_SCREENING.items() if q != "age_now"},
    "referral_notes": f"{FREE}: жатакана керек. {STORY}",
}
IDENTIFICATION = {
    "full_name": NAME,
    "other_names": f"{FREE} Жаркын",
    "sex": "female",
    "date_of_birth": BIRTH,
    "document_type": "id_card",
    "document_number": DOCUMENT,
    "contact": PHONE,
    "promised_work": f"Ашкана, {FREE}",
    "recruitment_story": STORY,
    "observations": f"{NAME} коркуп турат; {FREE}.",
}

# -- every subprocess logs the paths it opens for writing (Python's audit hooks, PEP 578) -----
BOOT = """
import os, sys
def _writes_hook():
    fd = os.open(os.environ["RELIABILITY_WRITE_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                 0o600)
    needles = [bytes.fromhex(h) for h in os.environ["RELIABILITY_MARKERS"].split(",")]
    busy = []

    def log(kind, path, extra=b""):
        os.write(fd, kind + b" " + os.fsencode(os.path.abspath(os.fsdecode(path))) + extra
                 + b"\\n")

    def scan_before_removal(path, dir_fd):
        # a file deleted before the final scan is scanned now; only the finding is logged
        if dir_fd is not None and dir_fd < 0:  # the audit event gives -1 for "no dir_fd"
            dir_fd = None
        try:
            f = os.open(path, os.O_RDONLY, dir_fd=dir_fd)
        except OSError:
            return
        try:
            data = os.read(f, 64 << 20)
        finally:
            os.close(f)
        where = path if dir_fd is None else os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"),
                                                         os.fsdecode(path))
        log(b"D", where)
        for i, needle in enumerate(needles):
            if needle in data:
                log(b"H", where, b"\\t%d" % i)

    def hook(event, args):
        if busy:
            return
        busy.append(1)
        try:
            if event == "open" and len(args) >= 3 and not isinstance(args[0], int):
                mode, flags = args[1], args[2]
                if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                        isinstance(flags, int)
                        and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
                    log(b"W", args[0])
            elif event in ("os.rename", "os.replace", "os.link", "os.symlink",
                           "shutil.copyfile", "shutil.copytree", "shutil.move"):
                log(b"W", args[1])
            elif event in ("os.mkdir", "tempfile.mkstemp", "tempfile.mkdtemp"):
                log(b"W", args[0])
            elif event == "os.remove" and not isinstance(args[0], int):
                scan_before_removal(args[0], args[1] if len(args) > 1 else None)
        except Exception:
            pass
        finally:
            busy.clear()
    return hook
sys.addaudithook(_writes_hook())
"""
CLI = (
    BOOT
    + """
import runpy
sys.argv[0] = "idtool"
runpy.run_module("idtool", run_name="__main__", alter_sys=True)
"""
)

# -- the core API, for the steps the command line does not have ------------------------------
_UNLOCK = (
    BOOT
    + """
import json
from idtool.paths import default_data_dir
from idtool.vault import Vault
session = Vault(default_data_dir()).unlock(os.environ["IDTOOL_OFFICER"],
                                           os.environ["IDTOOL_PASSPHRASE"])
m = json.loads(sys.argv[1])
"""
)
CASE_SCRIPT = (
    _UNLOCK
    + """
from idtool import cases, decisions, interviews
from idtool.decisions import Decision
from idtool.questionnaire.registry import load_shipped
with session:
    case = cases.open_case(session, full_name=m["name"], region="osh", birth_date=m["birth"])
    ident = interviews.start(session, case.uuid, load_shipped("nrm-identification"), "ky")
    for q, v in m["identification"].items():
        interviews.save_answer(session, ident, q, v)
    screening = interviews.start(session, case.uuid, load_shipped("nrm-screening"), "ky")
    for q, v in m["screening"].items():
        interviews.save_answer(session, screening, q, v)
    interviews.complete(session, screening)
    decisions.record(session, case.uuid, Decision.IDENTIFIED_VICTIM, reason=m["reason"])
    print(case.number)
"""
)
LIVE_SCRIPT = (
    _UNLOCK
    + """
from idtool import interviews
from idtool.certificate import issuance, ledger
with session:
    case_uuid = ledger.case_uuid_for_number(session, m["case"])
    open_ones = [i for i in interviews.for_case(session, case_uuid) if i.in_progress]
    interviews.save_answer(session, open_ones[0], "needs_details", m["text"])
    print("READY", flush=True)
    sys.stdin.readline()
"""
)
BUNDLE_SCRIPT = (
    _UNLOCK
    + """
from idtool.bundle import read_bundle
from idtool.sync import devices
with session:
    trusted = devices.trusted(session.conn, devices.DeviceRole.DEVICE)
    _header, payload = read_bundle(m["path"], trusted, devices.own_identity(session.conn))
print(json.dumps({k: v.encode() in payload for k, v in m["markers"].items()}))
"""
)

# -- marker forms -----------------------------------------------------------------------------
_READABLE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "ы": "y",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}


def readable_latin(text: str) -> str:
    """A conventional transliteration ("Zharkynay Markerova-Synak"), as a clerk might type."""
    out = []
    for ch in text:
        latin = _READABLE.get(ch.lower(), ch)
        out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)


def _b64_forms(data: bytes) -> list[bytes]:
    """The base64 text of `data` at each of the three alignments, trimmed to the stable part."""
    out = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data)
        start = (shift * 4 + 2) // 3 + (1 if shift else 0)
        end = len(encoded) - 4
        if end - start >= 8:
            out.append(encoded[start:end])
    return out


@functools.cache
def marker_forms() -> dict[str, bytes]:
    """label -> bytes to look for."""
    from idtool.names import identity_key
    from idtool.translit import search_key

    texts = {
        "name": NAME,
        "surname": "Маркерова",
        "second surname": "Сынак",
        "first name": "Жаркынай",
        "free-text marker": FREE,
        "document number": DOCUMENT,
        "birth date": BIRTH,
        "birth date (dd.mm.yyyy)": ".".join(reversed(BIRTH.split("-"))),
        "phone": PHONE,
        "phone digits": "".join(c for c in PHONE if c.isdigit()),
    }
    forms: dict[str, bytes] = {}
    for label, text in texts.items():
        variants = {"": text, " lower": text.lower(), " upper": text.upper()}
        if any(ord(c) > 127 for c in text):
            variants[" search key"] = search_key(text)
            variants[" identity key"] = identity_key(text)  # what persons.name_key holds
            variants[" latin"] = readable_latin(text)
            variants[" latin lower"] = readable_latin(text).lower()
        for how, variant in variants.items():
            if len(variant) < 5:
                continue
            for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                forms.setdefault(f"{label}{how} {enc}", variant.encode(enc))
        for i, chunk in enumerate(_b64_forms(text.encode("utf-8"))):
            forms[f"{label} base64/{i}"] = chunk
    unique: dict[bytes, str] = {}
    for label, data in forms.items():
        unique.setdefault(data, label)
    return {label: data for data, label in unique.items()}


# -- running the workflow ---------------------------------------------------------------------
@dataclass
class World:
    work: Path
    result: Result
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (step, stdout + stderr)
    steps: int = 0

    def folder(self, *parts: str) -> Path:
        path = self.work.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def env(self, who: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IDTOOL_", "XDG_"))}
        home = self.folder(who, "home")
        tmp = str(self.folder("tmp"))
        env.update(
            {
                "IDTOOL_KDF": "fast",
                "IDTOOL_DATA": str(self.folder(who, "data")),
                "IDTOOL_CONFIG": str(self.folder(who, "config")),
                "HOME": str(home),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "XDG_STATE_HOME": str(home / ".local" / "state"),
                "TMPDIR": tmp,
                "TEMP": tmp,
                "TMP": tmp,
                "PYTHONDONTWRITEBYTECODE": "1",
                "IDTOOL_OFFICER": SUPERVISOR if who == "sup" else OFFICER,
                "IDTOOL_PASSPHRASE": PASSPHRASE,
                "IDTOOL_NEW_PASSPHRASE": PASSPHRASE,
                "RELIABILITY_WRITE_LOG": str(self.folder("meta") / "writes.log"),
                "RELIABILITY_MARKERS": ",".join(v.hex() for v in marker_forms().values()),
            }
        )
        return env

    def _args(self, command: list[str]) -> list[str]:
        return [sys.executable, "-c", CLI, "--lang", "en", *command]

    def run(
        self, step: str, who: str, command: list[str], script: str = "", data: object = None
    ) -> str:
        """Run one step; a failure is recorded (first line of its stderr, markers masked)."""
        args = (
            [sys.executable, "-c", script, json.dumps(data, ensure_ascii=False)]
            if script
            else self._args(command)
        )
        proc = subprocess.run(
            args,
            capture_output=True,
            text=True,
            env=self.env(who),
            cwd=self.folder("cwd"),
            timeout=300,
        )
        self.steps += 1
        self.outputs.append((step, proc.stdout + proc.stderr))
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["(no message)"])[-1][:160]
            for marker in (NAME, FREE, DOCUMENT, BIRTH, PHONE, "Маркерова"):
                first = first.replace(marker, "<marker>")
            self.result.fail(f"step '{step}' failed (exit {proc.returncode}): {first}")
            raise StepFailed(step)
        return proc.stdout

    def live(self, step: str, data: object, scan: callable) -> None:  # type: ignore[valid-type]
        """Run LIVE_SCRIPT and call `scan()` while its session is still open."""
        proc = subprocess.Popen(
            [sys.executable, "-c", LIVE_SCRIPT, json.dumps(data, ensure_ascii=False)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env("dev"),
            cwd=self.folder("cwd"),
        )
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            if line.strip() != "READY":
                self.result.fail(f"step '{step}' did not start")
                raise StepFailed(step)
            scan()
        finally:
            out, err = proc.communicate("\n", timeout=60)
            self.steps += 1
            self.outputs.append((step, line + out + err))


class StepFailed(Exception):
    pass


def workflow(w: World, live_scan: callable) -> str:  # type: ignore[valid-type]
    """The whole scripted workflow; returns a short note of what the sanity checks saw."""
    usb, chosen = w.folder("usb"), w.folder("chosen")
    w.run("supervisor init", "sup", ["init", "--officer", SUPERVISOR, "--role", "supervisor"])
    w.run(
        "device init",
        "dev",
        [
            "init",
            "--officer",
            OFFICER,
            "--role",
            "police",
            "--organisation",
            "mvd-anti-trafficking",
        ],
    )
    w.run("enrol create", "sup", ["enrol", "create", "--out", str(usb / "enrol.json")])
    w.run(
        "enrol join",
        "dev",
        ["enrol", "join", str(usb / "enrol.json"), "--out", str(usb / "request.json"), "--yes"],
    )
    w.run(
        "enrol approve",
        "sup",
        [
            "enrol",
            "approve",
            str(usb / "request.json"),
            "--out",
            str(usb / "enrol-update.idtb"),
            "--yes",
        ],
    )
    w.run("import enrolment update", "dev", ["import", str(usb / "enrol-update.idtb")])
    case = w.run(
        "case, interviews, assessment, decision",
        "dev",
        [],
        CASE_SCRIPT,
        {
            "name": NAME,
            "birth": BIRTH,
            "identification": IDENTIFICATION,
            "screening": STRONG,
            "reason": f"Далилдер жетиштүү ({FREE}).",
        },
    ).strip()
    w.run(
        "certificate issue",
        "dev",
        ["certificate", "issue", case, "--out", str(chosen / "certificate.pdf")],
    )
    w.run(
        "consent record",
        "dev",
        [
            "consent",
            "record",
            case,
            "--purpose",
            "referral",
            "--state",
            "given",
            "--to",
            ORG,
            "--told",
            "purpose,use,retention,withdrawal",
        ],
    )
    w.run(
        "referral make",
        "dev",
        [
            "referral",
            "make",
            case,
            "--to",
            ORG,
            "--out",
            str(chosen / "referral.pdf"),
            "--reason",
            f"Баш калкалоочу жай керек ({FREE})",
            "--risks",
            f"{FREE} издеп жүрөт",
        ],
    )
    w.live("open session (WAL alive)", {"case": case, "text": f"{FREE}: {STORY}"}, live_scan)
    bundle = Path(w.run("export case bundle", "dev", ["export", "--out", str(usb)]).strip())
    seen = json.loads(
        w.run(
            "decrypt the case bundle in memory",
            "sup",
            [],
            BUNDLE_SCRIPT,
            {"path": str(bundle), "markers": {"name": NAME, "free": FREE, "document": DOCUMENT}},
        )
    )
    w.run("import case bundle", "sup", ["import", str(bundle)])
    found = w.run("case list --search", "sup", ["case", "list", "--search", "Markerova"])
    w.run(
        "stats",
        "sup",
        ["stats", "--csv", str(chosen / "stats.csv"), "--pdf", str(chosen / "stats.pdf")],
    )
    w.run("export-htcds", "sup", ["export-htcds", "--out", str(chosen / "htcds.csv")])
    update = Path(
        w.run("export update bundle", "sup", ["export", "--update", "--out", str(usb)]).strip()
    )
    w.run("import update bundle", "dev", ["import", str(update)])
    w.run("audit verify (device)", "dev", ["audit", "verify"])
    w.run("audit verify (supervisor)", "sup", ["audit", "verify"])
    carried = ", ".join(k for k, v in seen.items() if v) or "nothing"
    return f"the case bundle carries {carried}" + (
        "; the supervisor finds the case"
        if case in found
        else "; the supervisor does NOT find the case"
    )


# -- scanning ---------------------------------------------------------------------------------
CHUNK = 16 << 20


def scan_file(path: Path, forms: dict[str, bytes]) -> list[tuple[str, int]]:
    """(form label, offset) of each form found in the file (its bytes and its name)."""
    hits: dict[str, int] = {}
    overlap = max(len(v) for v in forms.values())
    name = str(path).encode("utf-8", "surrogateescape")
    for label, needle in forms.items():
        if needle in name:
            hits[label] = -1  # in the file's name
    try:
        with open(path, "rb") as f:
            offset, tail = 0, b""
            while chunk := f.read(CHUNK):
                data = tail + chunk
                for label, needle in forms.items():
                    if label not in hits and (at := data.find(needle)) >= 0:
                        hits[label] = offset - len(tail) + at
                tail = data[-overlap:]
                offset += len(chunk)
    except OSError:
        pass
    return sorted(hits.items())


def pdf_layers(path: Path) -> dict[str, bytes]:
    """A PDF as raw bytes, with its streams inflated, and as extracted text (UTF-8)."""
    import pypdf

    raw = path.read_bytes()
    layers = {"raw": raw}
    inflated = [raw]
    reader = pypdf.PdfReader(path)
    for number in range(1, int(reader.trailer.get("/Size", 0))):
        try:
            obj = reader.get_object(number)
            if isinstance(obj, pypdf.generic.StreamObject):
                inflated.append(obj.get_data())
        except Exception:  # a free or damaged object: nothing to inflate
            continue
    info = reader.metadata or {}
    inflated.append(
        json.dumps({str(k): str(v) for k, v in info.items()}, ensure_ascii=False).encode()
    )
    layers["inflated streams"] = b"\n".join(inflated)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    layers["extracted text"] = " ".join(text.split()).encode("utf-8")
    return layers


def _tree(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _tmp_entries() -> set[Path]:
    """The top-level entries of the system temporary folder."""
    out: set[Path] = set()
    for root in {Path("/tmp"), Path(tempfile.gettempdir())}:
        try:
            out.update(root / name for name in os.listdir(root))
        except OSError:
            continue
    return out


def new_tmp_files(before: set[Path], exclude: Path) -> list[Path]:
    """Files under entries of /tmp that appeared during the workflow: a file or a folder a
    program made there. (Writes into folders that were there before are left out: they belong
    to other programs; the write log covers what our own processes wrote anywhere.)"""
    out: list[Path] = []
    for entry in sorted(_tmp_entries() - before):
        if entry == exclude or entry.name.startswith(("idtool-reliability-", "pytest-of-")):
            continue
        if entry.is_file() and not entry.is_symlink():
            out.append(entry)
        elif entry.is_dir() and not entry.is_symlink():
            out += _tree(entry)
    return out


def write_log(work: Path) -> tuple[set[Path], set[Path], list[tuple[Path, int]]]:
    """What the audit hooks logged: (written paths, removed files, markers in removed files)."""
    log = work / "meta" / "writes.log"
    written: set[Path] = set()
    removed: set[Path] = set()
    hits: list[tuple[Path, int]] = []
    if not log.exists():
        return written, removed, hits
    for line in log.read_bytes().splitlines():
        kind, _, rest = line.partition(b" ")
        if kind == b"W":
            written.add(Path(os.fsdecode(rest)))
        elif kind == b"D":
            removed.add(Path(os.fsdecode(rest)))
        elif kind == b"H":
            path, _, index = rest.rpartition(b"\t")
            hits.append((Path(os.fsdecode(path)), int(index)))
    return written, removed, hits


def outside(work: Path, paths: set[Path]) -> list[Path]:
    ignored = (Path("/dev"), Path("/proc"))
    return sorted(
        p
        for p in paths
        if work not in p.parents and p != work and not any(i in p.parents for i in ignored)
    )


class Scanner:
    def __init__(self, work: Path, result: Result) -> None:
        self.work, self.result = work, result
        self.forms = marker_forms()
        self.files = 0
        self.labels: list[str] = []

    def scan(self, path: Path, label: str | None = None) -> None:
        label = label or str(path.relative_to(self.work))
        self.files += 1
        self.labels.append(label)
        self.result.rounds += len(self.forms)
        for form, offset in scan_file(path, self.forms):
            where = "in its name" if offset < 0 else f"at byte {offset}"
            self.result.fail(f"{label}: marker found ({form}, {where})")
        try:
            with open(path, "rb") as f:
                head = f.read(16)
        except OSError:
            return
        self.result.rounds += 1
        if head.startswith(b"SQLite format 3"):
            self.result.fail(f"{label}: an unencrypted SQLite database")

    def self_test(self) -> None:
        """The scanner finds every form in a file made for it (not counted as rounds)."""
        probe = self.work / "scanner-self-test.bin"
        for label, needle in self.forms.items():
            probe.write_bytes(b"\x00padding " + needle + b" padding\xff")
            if not any(f == label for f, _ in scan_file(probe, {label: needle})):
                self.result.fail(f"scanner self-test: {label} not found")
        probe.unlink()


def run(work: Path, scale: float) -> Result:
    result = Result("plaintext scan")
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    scanner = Scanner(work, result)
    scanner.self_test()
    suite_root = work.parent
    before = _tmp_entries()
    w = World(work, result)
    started = time.monotonic()

    def live_scan() -> None:
        for path in _tree(w.folder("dev", "data")):
            scanner.scan(path, f"{path.relative_to(work)} (session open)")

    note = ""
    try:
        note = workflow(w, live_scan)
    except StepFailed:
        note = "workflow stopped early"
    except subprocess.TimeoutExpired as e:
        result.fail(f"a step timed out: {e.cmd[2] if len(e.cmd) > 2 else e.cmd}")
    elapsed = time.monotonic() - started
    saved = {work / "chosen" / "certificate.pdf", work / "chosen" / "referral.pdf"}
    for path in _tree(work):
        if path in saved:
            continue
        scanner.scan(path)
        if path.suffix == ".pdf":  # the statistics report: its text must not hold names either
            for layer, data in pdf_layers(path).items():
                if layer == "raw":
                    continue
                result.rounds += len(scanner.forms)
                for form, needle in scanner.forms.items():
                    if needle in data:
                        result.fail(f"{path.relative_to(work)} ({layer}): marker found ({form})")
    for step, output in w.outputs:  # what the commands printed goes to terminals and logs
        result.rounds += len(scanner.forms)
        data = output.encode("utf-8")
        for form, needle in scanner.forms.items():
            if needle in data:
                result.fail(f"output of step '{step}': marker found ({form})")
    new_tmp = new_tmp_files(before, suite_root)
    for path in new_tmp:
        scanner.scan(path, f"new in the system temporary folder: {path}")
    written, removed, removed_hits = write_log(work)
    if not written:
        result.fail("no write log: the audit hook did not run")
    elsewhere = outside(work, written)
    for path in elsewhere:
        result.fail(f"a step wrote outside the work folder: {path}")
        if path.is_file():
            scanner.scan(path, f"written outside the work folder: {path}")
    labels = list(scanner.forms)
    result.rounds += len(removed) * len(labels)
    for path, index in removed_hits:
        shown = path.relative_to(work) if work in path.parents else path
        result.fail(f"{shown} (scanned as it was deleted): marker found ({labels[index]})")
    sanity = []
    for path in sorted(saved):
        if not path.exists():
            continue
        layers = {
            layer: sorted(f for f, needle in scanner.forms.items() if needle in data)
            for layer, data in pdf_layers(path).items()
        }
        where = [layer for layer, found in layers.items() if "name utf-8" in found]
        counts = ", ".join(f"{layer} {len(found)}" for layer, found in layers.items())
        sanity.append(
            f"{path.name}: name {'in ' + where[0] if where else 'NOT FOUND'}"
            f" (forms found: {counts})"
        )
        if not where:
            result.fail(f"sanity: the name was not found in {path.name} (scanner blind?)")
    result.worst = (
        f"{scanner.files} files + {len(removed)} deleted x {len(scanner.forms)}"
        f" marker forms; {len(new_tmp)} new in /tmp; {len(elsewhere)} of"
        f" {len(written)} written paths outside; the saved PDFs show the name"
    )
    if any("NOT FOUND" in line for line in sanity):
        result.worst = "the saved PDFs do NOT show the name: the scanner proves nothing"
    print(f"    plaintext: {w.steps} steps in {elapsed:.0f} s; {note}", file=sys.stderr)
    for line in sanity:
        print(f"      sanity: {line}", file=sys.stderr)
    print(f"      scanned: {', '.join(scanner.labels)}", file=sys.stderr)
    shown = sorted(str(p.relative_to(work)) if work in p.parents else str(p) for p in removed)
    print(f"      scanned as they were deleted: {', '.join(shown)}", file=sys.stderr)
    counts = {
        str(d.relative_to(work)): len(_tree(d)) for d in sorted(work.glob("*/*")) if d.is_dir()
    } | {d.name: len(_tree(d)) for d in (work / "tmp", work / "cwd")}
    print(
        "      files per folder: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
        file=sys.stderr,
    )
    return result


def checks() -> list[Check]:
    return [Check("plaintext scan", run)]


if __name__ == "__main__":  # a look at the marker forms
    for label, data in marker_forms().items():
        print(f"{label:40} {data[:40]!r}")
    print(ROOT)
