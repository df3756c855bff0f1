"""The spellings of XLSForm question types as authors still write them.

pyxform (the reference converter) accepts old and long spellings: `select one from L`,
`select all that apply from L`, `gps`, `photo`, `get today`, `add integer prompt`... This is our
own table of them, each mapped to the type the engine knows (or to the unsupported type it
stands for, which is then reported by that name). The words are matched case-insensitively;
the choice list's name after them keeps its case.
"""

from __future__ import annotations

_SELECT_ONE = """select one from | select one using | select one | add select one prompt using |
q select1 | select1 | select_one"""
_SELECT_MULTIPLE = """select all that apply from | select all that apply | select multiple from |
select multiple using | select multiple | add select multiple prompt using | q select |
select_multiple"""
_SPELLINGS = {
    "select_one": _SELECT_ONE,
    "select_multiple": _SELECT_MULTIPLE,
    "select_one_from_file": "select one from file",
    "select_multiple_from_file": "select multiple from file",
    "select_one_external": "select one external",
    "text": "add text prompt | q string | string",
    "integer": """add integer prompt | q int | int | number of days in last month |
number of days in last six months | number of days in last year | percentage""",
    "decimal": "add decimal prompt | q decimal",
    "date": "add date prompt | q date",
    "note": "add note prompt | q note",
    "calculate": "add calculate prompt | q calculate",
    "geopoint": "gps | location | q location | add location prompt | q geopoint",
    "geotrace": "q geotrace",
    "geoshape": "q geoshape",
    "image": "photo | q picture | q image | add image prompt | add photo prompt",
    "audio": "add audio prompt | q audio",
    "video": "add video prompt | q video",
    "file": "add file prompt",
    "barcode": "add barcode prompt | q barcode",
    "acknowledge": "add acknowledge prompt | q acknowledge",
    "datetime": "add date time prompt | q date time | date time | add datetime prompt | q datetime",
    "today": "get today",
    "start": "get start time | start time",
    "end": "get end time | end time",
    "deviceid": "get device id | device id | imei | uri:deviceid",
    "phonenumber": "get phone number | uri:phonenumber",
    "simserial": "get sim id | sim id | uri:simserial",
    "subscriberid": "get subscriber id | subscriber id | uri:subscriberid",
    "username": "uri:username",
    "email": "uri:email",
    "repeat": "begin lgroup | begin looped group | begin repeat | begin_repeat | begin loop",
}
REPEAT_ENDS = frozenset({"end repeat", "end_repeat", "end lgroup", "end looped group", "end loop"})
GROUP_BEGINS = frozenset({"begin group", "begin_group"})
GROUP_ENDS = frozenset({"end group", "end_group"})
# "phone number" (two words) was a text question in pyxform's old type list
_SPELLINGS["text"] += " | phone number"

ALIASES: dict[str, str] = {
    " ".join(spelling.split()): canonical
    for canonical, spellings in _SPELLINGS.items()
    for spelling in spellings.split("|")
}
_LONGEST = max(len(spelling.split()) for spelling in ALIASES)


def type_words(text: str) -> list[str]:
    """`select one from Regions` -> ['select_one', 'Regions']; other words as written."""
    words = text.split()
    lowered = [word.lower() for word in words]
    for count in range(min(_LONGEST, len(words)), 0, -1):
        canonical = ALIASES.get(" ".join(lowered[:count]))
        if canonical is not None:
            return [canonical, *words[count:]]
    return words
