"""Fill catalogs from a TSV file: msgid<TAB>ru<TAB>ky[<TAB>review note].

    python scripts/apply_translations.py FILE.tsv

Only entries present in the catalogs are filled (run `scripts/i18n.py update` first). A fourth
column becomes a translator comment asking for native review.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import i18n


def main(path: str) -> int:
    rows = {}
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            print(f"{path}:{n}: expected msgid, ru, ky", file=sys.stderr)
            return 1
        rows[parts[0]] = parts[1:]
    for col, lang in enumerate(("ru", "ky")):
        catalog = i18n.load(lang)
        for msgid, values in rows.items():
            entry = catalog.get(msgid)
            if entry is None:
                continue
            entry.string = values[col]
            if len(values) > 2 and values[2].strip():
                note = f"review: {values[2].strip()}"
                if note not in entry.user_comments:
                    entry.user_comments.append(note)
        i18n.save(lang, catalog)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
