"""Cases: persons, cases, interviews with their answers, assessments, decisions."""

SQL = """
CREATE TABLE persons (
    uuid TEXT PRIMARY KEY,
    full_name TEXT NOT NULL DEFAULT '',
    other_names TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    citizenship TEXT NOT NULL DEFAULT '',
    document_number TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cases (
    uuid TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    person_uuid TEXT NOT NULL REFERENCES persons (uuid),
    status TEXT NOT NULL CHECK (status IN
        ('possible', 'identified', 'not_identified', 'needs_information', 'referred', 'closed')),
    region TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    review INTEGER NOT NULL DEFAULT 0,
    demo INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_opened ON cases (opened_at);
CREATE INDEX cases_person ON cases (person_uuid);

CREATE TABLE interviews (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    language TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
    current_section TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    completed_at TEXT,
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX interviews_case ON interviews (case_uuid);

CREATE TABLE answers (
    interview_uuid TEXT NOT NULL REFERENCES interviews (uuid),
    question TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (interview_uuid, question)
);

CREATE TABLE assessments (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    interview_uuid TEXT NOT NULL REFERENCES interviews (uuid),
    rules_version TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assessments_case ON assessments (case_uuid);

CREATE TABLE decisions (
    uuid TEXT PRIMARY KEY,
    case_uuid TEXT NOT NULL REFERENCES cases (uuid),
    assessment_uuid TEXT REFERENCES assessments (uuid),
    decision TEXT NOT NULL CHECK (decision IN
        ('possible_victim', 'identified_victim', 'not_victim', 'needs_information')),
    recommendation TEXT NOT NULL,
    against_recommendation INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    supersedes TEXT REFERENCES decisions (uuid),
    officer_uuid TEXT NOT NULL REFERENCES officers (uuid),
    decided_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    device_id TEXT NOT NULL,
    base_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_case ON decisions (case_uuid);

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are never edited; record a new one');
END;

CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are never deleted');
END;
"""
