"""Functions over the entries of a repeat, as ODK: count(), sum(), indexed-repeat(), position().

A reference to a question inside a repeat is a node-set, one value per entry
(`syntax.Ref.nodes`); anything else is a node-set of one value.
"""

from __future__ import annotations

import math

from idtool.questionnaire import values as v
from idtool.questionnaire.function_api import Args, Context
from idtool.questionnaire.values import Value


def count(ctx: Context, args: Args) -> Value:
    """count(${repeat}): the entries; count(${q}) for q inside a repeat: its values."""
    return float(len(args[0].nodes(ctx)))


def total(ctx: Context, args: Args) -> Value:
    """sum(${q}): the sum of the values of every entry (0 for none; NaN if one is not a
    number, an empty answer included, as XPath)."""
    numbers = [v.to_number(value) for value in args[0].nodes(ctx)]
    return v.NAN if any(math.isnan(n) for n in numbers) else float(sum(numbers))


def indexed_repeat(ctx: Context, args: Args) -> Value:
    """indexed-repeat(${q}, ${repeat}, n): q's value in the n-th entry (1 for the first);
    '' when there is no such entry."""
    found = args[0].nodes(ctx)
    index = v.java_int(v.to_number(args[2].evaluate(ctx)))
    return found[index - 1] if 1 <= index <= len(found) else ""


def position(ctx: Context, args: Args) -> Value:
    """position(..): the place of the current entry (1 for the first); 1 outside a repeat."""
    return float(ctx.position or 1)
