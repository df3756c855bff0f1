"""The wording of the printed documents: Jinja2 templates per language under
`resources/templates/<folder>/<lang>.j2`, one block per piece of text."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2

from idtool.paths import resources_dir


@cache
def environment(folder: str) -> Any:
    """The (autoescaping, strict) Jinja2 environment of one template folder."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources_dir() / "templates" / folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )


def blocks(folder: str, lang: str) -> frozenset[str]:
    """The names of the blocks of a language's template."""
    return frozenset(environment(folder).get_template(f"{lang}.j2").blocks)


def render(
    folder: str, lang: str, values: dict[str, object], names: Iterable[str] | None = None
) -> dict[str, str]:
    """The blocks (`names`, or all) of a language's template rendered with `values`, each with
    its whitespace collapsed to single spaces."""
    template = environment(folder).get_template(f"{lang}.j2")
    context = template.new_context(dict(values))
    wanted = template.blocks if names is None else {n: template.blocks[n] for n in names}
    return {name: " ".join("".join(block(context)).split()) for name, block in wanted.items()}
