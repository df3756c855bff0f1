"""Fixtures for the widget tests; what drives the widgets is in tests/ui/drive.py."""

from __future__ import annotations

import pytest

from idtool import settings as settings_mod
from ui.interview import InterviewWizard
from ui.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make(vault, lock_timeout_ms=None, language="en"):
        settings = settings_mod.Settings(language=language)
        window = MainWindow(
            vault, settings, config_dir=tmp_path / "config", lock_timeout_ms=lock_timeout_ms
        )
        qtbot.addWidget(window)
        window.show()
        return window

    return make


@pytest.fixture
def make_wizard(qtbot):
    def make(session, interview_uuid: str) -> InterviewWizard:
        wizard = InterviewWizard(session, interview_uuid)
        qtbot.addWidget(wizard)
        wizard.resize(1100, 760)
        with qtbot.waitExposed(wizard):
            wizard.show()
        wizard.activateWindow()
        qtbot.waitUntil(wizard.isActiveWindow)
        return wizard

    return make
