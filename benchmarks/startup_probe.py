"""Child process for the start-up benchmark: show a window, then quit at once.

python benchmarks/startup_probe.py bare        a bare PySide6 main window (the baseline)
python benchmarks/startup_probe.py app DIR     idtool's real start-up up to the unlock window
"""

from __future__ import annotations

import sys


def main() -> None:
    kind = sys.argv[1]
    if kind == "bare":
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.show()
        QTimer.singleShot(0, app.quit)
        app.exec()
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import ui.app

    QTimer.singleShot(0, QApplication.quit)  # fires once the event loop shows the window
    ui.app.main(["--data", sys.argv[2]])


if __name__ == "__main__":
    main()
