"""Entry point of the frozen `idtool-gui` program (packaging/idtool.spec)."""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
