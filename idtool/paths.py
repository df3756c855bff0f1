"""Where the program finds its shipped data and keeps its own files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "idtool"


def project_root() -> Path:
    """The folder holding `resources/` and `questionnaires/` (the source tree or a frozen build)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def guide_dir() -> Path:
    """The user guide (`<lang>.md` and `img/<lang>/`), shipped in the build as in the source."""
    return project_root() / "docs" / "guide"


def questionnaires_dir() -> Path:
    return project_root() / "questionnaires"


def locale_dir() -> Path:
    return resources_dir() / "locale"


def default_data_dir() -> Path:
    """The officer's data folder: IDTOOL_DATA if set, else the platform's user data folder."""
    env = os.environ.get("IDTOOL_DATA")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    env = os.environ.get("IDTOOL_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
