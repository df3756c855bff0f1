"""Keep the gettext catalogs in step with the source.

    python scripts/i18n.py update    extract messages from idtool/ and ui/ and merge them into
                                     resources/locale/{ky,ru,en}/LC_MESSAGES/idtool.po
    python scripts/i18n.py missing   list messages still untranslated (exit 1 if any)

English entries are filled with the source text. Russian and Kyrgyz are written by hand; a
wording that needs a native speaker's review gets a translator comment ("#. review: ..."),
never the fuzzy flag (fuzzy entries are ignored at run time).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "resources" / "locale"
SOURCES = ("idtool", "ui")
KEYWORDS = {"_": None, "N_": None}


def extracted() -> Catalog:
    catalog = Catalog(project="idtool", domain="idtool")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "idtool.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="idtool", domain="idtool")
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def save(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(
            f,
            catalog,
            width=100,
            omit_header=False,
            sort_output=False,
            ignore_obsolete=True,
            include_previous=False,
        )


def update() -> None:
    template = extracted()
    for lang in ("ky", "ru", "en"):
        catalog = load(lang)
        catalog.update(template, no_fuzzy_matching=True)
        if lang == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        save(lang, catalog)


def missing() -> int:
    template = extracted()
    count = 0
    for lang in ("ky", "ru", "en"):
        catalog = load(lang)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            if entry is None or not entry.string or entry.fuzzy:
                print(f"{lang}\t{message.id}")
                count += 1
    return 1 if count else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "missing":
        raise SystemExit(missing())
    else:
        raise SystemExit(__doc__)
