"""Settings needed before unlock: UI language, data folder, lock timeout.

They live in a small unencrypted JSON file in the platform's config folder and never hold
personal data or secrets. Unknown or damaged values fall back to the defaults.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from idtool.atomic import write_atomic
from idtool.i18n import DEFAULT_LANGUAGE, LANGUAGES
from idtool.paths import default_config_dir

FILE_NAME = "settings.json"
LOCK_MINUTES_CHOICES = (1, 2, 5, 10, 15, 30)
BACKUP_REMINDER_CHOICES = (0, 1, 3, 7, 14, 30)  # days; 0: no reminder


@dataclass(frozen=True)
class Settings:
    language: str = DEFAULT_LANGUAGE
    lock_minutes: int = 5
    data_dir: str = ""  # empty: the platform's user data folder
    backup_reminder_days: int = 7  # remind when the last backup is older; 0: never

    def validated(self) -> Settings:
        s = self
        if s.language not in LANGUAGES:
            s = replace(s, language=DEFAULT_LANGUAGE)
        if not isinstance(s.lock_minutes, int) or not 1 <= s.lock_minutes <= 240:
            s = replace(s, lock_minutes=5)
        reminder: object = s.backup_reminder_days
        if type(reminder) is not int or not 0 <= reminder <= 365:
            s = replace(s, backup_reminder_days=7)
        data_dir: object = s.data_dir  # read from JSON: may be of any type
        if not isinstance(data_dir, str):
            s = replace(s, data_dir="")
        return s


def settings_path(config_dir: Path | None = None) -> Path:
    return (config_dir or default_config_dir()) / FILE_NAME


def load(config_dir: Path | None = None) -> Settings:
    try:
        raw = json.loads(settings_path(config_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    try:
        return Settings(**values).validated()
    except TypeError:
        return Settings()


def save(settings: Settings, config_dir: Path | None = None) -> None:
    path = settings_path(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(asdict(settings), indent=1).encode("utf-8"))


def chosen_language(config_dir: Path | None = None) -> str | None:
    """The language the settings file names, or None when it names none (or one we do not
    have): then the user's environment, and after it the default, decide."""
    try:
        raw = json.loads(settings_path(config_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    lang = raw.get("language") if isinstance(raw, dict) else None
    return lang if isinstance(lang, str) and lang in LANGUAGES else None
