"""Read a questionnaire YAML file into raw items, keeping YAML paths and line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import yaml

from idtool.i18n import _
from idtool.questionnaire.problems import Problems
from idtool.questionnaire.raw import QUESTION_KEYS, RawChoiceList, RawForm, RawItem
from idtool.questionnaire.type_names import type_words

MAX_BYTES = 1_000_000  # the largest shipped form is 155 kB; PyYAML reads ~4 µs per byte
SETTING_KEYS = ("form_id", "version", "kind", "default_language", "languages", "title")
TOP_KEYS = (*SETTING_KEYS, "assessment", "sections", "choices")
SECTION_KEYS = ("name", "label", "hint", "relevant", "questions")
ASSESSMENT_KEYS = ("child", "exploitation")
MAX_NESTING = 12  # groups inside groups
MAX_ITEMS = 10_000  # sections, groups and questions in one file
# Values (scalars, lists, mappings) in the document with every alias (`*name`) counted as a
# copy of what it names: one group aliased 8 times at each of 6 levels is an 800-byte file that
# unfolds into 262,144 questions. The shipped forms unfold to about 6,000.
MAX_VALUES = 250_000
MERGE_TAG = "tag:yaml.org,2002:merge"


class RefusedYaml(yaml.MarkedYAMLError):
    """Valid YAML that a questionnaire may not use; `problem` is the translated message."""


class _LineDict(dict[Any, Any]):
    """A mapping that remembers the line it started on."""

    line = 0


# First character (None: any) -> (tag, pattern) of the plain scalars that get the tag.
_Resolvers = dict[str | None, list[tuple[str, re.Pattern[str]]]]


class FormYamlLoader(yaml.SafeLoader):
    """YAML 1.2 scalars: only true/false are booleans (so `yes`/`no` stay strings), no
    base-60 numbers; duplicate keys are recorded rather than silently overwritten."""

    # A class attribute in PyYAML, which its stubs declare as an instance one.
    yaml_implicit_resolvers: ClassVar[_Resolvers] = {  # type: ignore[misc]
        first: [
            (tag, rx)
            for tag, rx in resolvers
            if tag
            not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str, _LineDict]] = []

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


def _check_expansion(root: yaml.Node) -> None:
    """Refuse aliases that unfold into more than MAX_VALUES values, or into themselves.

    Aliases make the composed nodes a graph that may share and even contain itself; each
    node's unfolded size is counted once (memoised), without recursion.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if finished:
            on_path.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_VALUES + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:  # an alias inside the value it names
            raise RefusedYaml(
                problem=_("A YAML alias refers to a value that contains it"),
                problem_mark=node.start_mark,
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children) if id(child) not in sizes)
    if sizes[id(root)] > MAX_VALUES:
        raise RefusedYaml(
            problem=_(
                "The file has more than {count} values, counting each use of a YAML alias "
                "(*name) as a copy"
            ).format(count=MAX_VALUES),
            problem_mark=root.start_mark,
        )


FormYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
FormYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
FormYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _construct_int(loader: FormYamlLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node))  # decimal only: "012" is 12, as in YAML 1.2


def _construct_map(loader: FormYamlLoader, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    seen: set[object] = set()
    for key_node, _value_node in node.value:
        if key_node.tag == MERGE_TAG:
            raise RefusedYaml(
                problem=_("YAML merge keys (<<) are not allowed in a questionnaire"),
                problem_mark=key_node.start_mark,
            )
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            continue
        if key in seen:
            loader.duplicates.append((key_node.start_mark.line + 1, str(key), data))
        seen.add(key)
    data.update(loader.construct_mapping(node, deep=True))


FormYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
FormYamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _where(path: str, node: object) -> str:
    line = getattr(node, "line", 0)
    if not line:
        return path
    return (
        _("{path} (line {line})").format(path=path, line=line)
        if path
        else _("line {line}").format(line=line)
    )


def read_yaml(path: Path, problems: Problems) -> RawForm | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.error("", _("Cannot read the file: {error}").format(error=error.strerror))
        return None
    if len(data) > MAX_BYTES:
        problems.error("", _("The file is too large"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.error(
            _("byte {offset}").format(offset=error.start), _("The file is not UTF-8 text")
        )
        return None
    loader: FormYamlLoader | None = None
    try:
        loader = FormYamlLoader(text)
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = (
            _("line {line}, column {column}").format(line=mark.line + 1, column=mark.column + 1)
            if mark
            else ""
        )
        if isinstance(error, RefusedYaml):
            problems.error(where, error.problem or "")
        else:
            problems.error(where, _("Invalid YAML: {problem}").format(problem=error.problem or ""))
        return None
    except yaml.reader.ReaderError as error:
        where = _("character {offset}").format(offset=error.position + 1)
        problems.error(where, _("Invalid YAML: {problem}").format(problem=error.reason))
        return None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as error:
        problems.error("", _("Invalid YAML: {problem}").format(problem=type(error).__name__))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(document, dict):
        problems.error("", _("The file must be a mapping with form_id, sections and choices"))
        return None
    if _count_items(document.get("sections")) > MAX_ITEMS:
        problems.error(
            _where("", document),
            _("The questionnaire has more than {count} questions and groups").format(
                count=MAX_ITEMS
            ),
            column="sections",
        )
        return None
    paths: dict[int, tuple[str, str]] = {}  # id(mapping) -> (YAML path, question name)
    form = _form(document, problems, paths)
    for line, key, node in loader.duplicates:
        yaml_path, question = paths.get(id(node), ("", ""))
        where = (
            _("{path} (line {line})").format(path=yaml_path, line=line)
            if yaml_path
            else _("line {line}").format(line=line)
        )
        problems.error(where, _("Duplicate key {key}").format(key=key), question, key)
    return form


def _unknown_keys(
    node: dict[Any, Any], known: tuple[str, ...], where: str, problems: Problems, question: str = ""
) -> None:
    for key in node:
        if key not in known:
            problems.warn(
                where,
                _("Unknown key {key} is ignored").format(key=key),
                question=question,
                column=str(key),
            )


def _form(doc: dict[Any, Any], problems: Problems, paths: dict[int, tuple[str, str]]) -> RawForm:
    _unknown_keys(doc, TOP_KEYS, _where("", doc), problems)
    settings = RawItem(_where("", doc), {k: doc[k] for k in SETTING_KEYS if k in doc})
    assessment = doc.get("assessment")
    if isinstance(assessment, dict):
        _unknown_keys(assessment, ASSESSMENT_KEYS, _where("assessment", assessment), problems)
        for key in ASSESSMENT_KEYS:
            if key in assessment:
                settings.values[key] = assessment[key]
                settings.columns[key] = f"assessment.{key}"
    elif assessment is not None:
        problems.error(_where("", doc), _("Must be a mapping"), column="assessment")
    form = RawForm(settings)
    for index, section in enumerate(_items(doc, "sections", "", problems)):
        form.sections.append(
            _item(section, f"sections[{index}]", problems, SECTION_KEYS, True, paths)
        )
    choices = doc.get("choices", {})
    if not isinstance(choices, dict):
        problems.error(_where("", doc), _("Must be a mapping"), column="choices")
        choices = {}
    for list_name, entries in choices.items():
        path = f"choices.{list_name}"
        raw_list = RawChoiceList(str(list_name), _where(path, choices))
        if not isinstance(entries, list):
            problems.error(raw_list.where, _("Must be a list"), column=str(list_name))
            entries = []
        for index, entry in enumerate(entries):
            where = _where(f"{path}[{index}]", entry)
            if not isinstance(entry, dict):
                problems.error(where, _("Must be a mapping"))
                continue
            raw_list.choices.append(RawItem(where, dict(entry)))
        form.choice_lists.append(raw_list)
    return form


def _count_items(sections: object) -> int:
    """Sections, groups and questions, counted up to just past MAX_ITEMS (no recursion)."""
    count = 0
    stack = [sections]
    while stack and count <= MAX_ITEMS:
        value = stack.pop()
        if not isinstance(value, list):
            continue
        for item in value:
            if isinstance(item, dict):
                count += 1
                stack.append(item.get("questions"))
    return count


def _items(node: dict[Any, Any], key: str, path: str, problems: Problems) -> list[dict[Any, Any]]:
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        problems.error(_where(path, node), _("Must be a list of mappings"), column=key)
        return []
    return value


def _item(
    node: dict[Any, Any],
    path: str,
    problems: Problems,
    known: tuple[str, ...],
    is_group: bool,
    paths: dict[int, tuple[str, str]],
    depth: int = 0,
) -> RawItem:
    where = _where(path, node)
    name = node.get("name")
    paths[id(node)] = (path, name if isinstance(name, str) else "")
    _unknown_keys(node, known, where, problems, name if isinstance(name, str) else "")
    values = {key: node[key] for key in known if key in node and key != "questions"}
    kind = values.get("type")
    is_group = is_group or kind == "group" or (isinstance(kind, str) and _is_repeat(kind))
    item = RawItem(where, values, is_group=is_group)
    if "questions" in node and not is_group:
        problems.error(
            where, _("Only a group may contain questions"), question=item.name(), column="questions"
        )
    if depth > MAX_NESTING:
        problems.error(where, _("Groups are nested too deeply"), question=item.name())
        return item
    for index, child in enumerate(_items(node, "questions", path, problems)):
        child_path = f"{path}.questions[{index}]"
        item.children.append(
            _item(
                child, child_path, problems, (*QUESTION_KEYS, "questions"), False, paths, depth + 1
            )
        )
    return item


def _is_repeat(kind: str) -> bool:
    """`repeat`, or `repeat over L` (a loop over the choices of L)."""
    return type_words(kind)[:1] == ["repeat"]
