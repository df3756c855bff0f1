"""Entry point of the frozen `idtool` command (packaging/idtool.spec)."""

import sys

from idtool.cli import main

if __name__ == "__main__":
    sys.exit(main())
