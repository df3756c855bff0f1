"""What an answer records: `indicators` (ids the assessment scores) or `flags` (recorded on the
case, never scored), each read as a mapping of answer -> ids and checked against its own list."""

from __future__ import annotations

from idtool.i18n import _
from idtool.questionnaire.flag_ids import FLAG_IDS
from idtool.questionnaire.indicator_ids import known_indicator_ids
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import RawItem, scalar_text

Rules = tuple[tuple[str, tuple[str, ...]], ...]


def answer_ids(item: RawItem, name: str, key: str, problems: Problems) -> Rules:
    """The `key` ("indicators" or "flags") of a question, every unknown id an error."""
    value = item.values.get(key)
    if value is None:
        return ()
    column = item.column(key)
    flags = key == "flags"
    if not isinstance(value, dict):
        if flags:
            message = _("Write flags as answer: flags, for example {example}")
            example = "detained: np.detained"
        else:
            message = _("Write indicators as answer: ids, for example {example}")
            example = "yes: cd.isolation, cd.threats; no: rv.economic"
        problems.error(item.where, message.format(example=example), name, column)
        return ()
    known = FLAG_IDS if flags else known_indicator_ids()
    rules = []
    for answer, ids in value.items():
        id_list = [ids] if isinstance(ids, str) else ids
        if not isinstance(id_list, list) or not id_list:
            message = (
                _("The flags of {answer} must be a list of flags")
                if flags
                else _("The indicators of {answer} must be a list of ids")
            )
            problems.error(item.where, message.format(answer=scalar_text(answer)), name, column)
            continue
        texts = [scalar_text(i) for i in id_list]
        for unknown in [i for i in texts if i not in known]:
            message = _("Unknown flag {id}") if flags else _("Unknown indicator id {id}")
            problems.error(item.where, message.format(id=unknown), name, column)
        rules.append((scalar_text(answer), tuple(sorted(set(texts)))))
    return tuple(sorted(rules))
