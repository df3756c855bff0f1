"""What the benchmark modules share."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def run_module() -> Any:
    """benchmarks/run.py (for Row, median_time and print_table).

    When run.py is the program itself, its own module is used, so that one Row class is shared;
    otherwise it is loaded once by path."""
    main = sys.modules.get("__main__")
    if main is not None and hasattr(main, "Row") and hasattr(main, "median_time"):
        return main
    loaded = sys.modules.get("idtool_benchmarks_run")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("idtool_benchmarks_run", HERE / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
