"""docs/import.md, the clerks' guide to ``portal import``, cannot drift from the code.

- Every ``portal import …`` line in the guide's code blocks (commands to type, and the ``$ portal import …``
  lines above pasted output) parses with the real argument parser of ``portal`` (generator.cli.parser).
- The column names the guide lists as understood are exactly the header spellings of
  generator/load/import_vocab.py (COLUMNS), each row naming one field, and "必须有" marks exactly the required
  columns of generator/commands/import_layout.py; the columns it lists as left out are exactly IGNORED; the words it
  lists as marking personal data are exactly PERSONAL.
- Each cell value the guide lists is read as the guide says (the value tables of import_vocab, and
  import_values.parse_progress for 整改进展), and every value spelling the code knows is listed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import parser
from generator.commands import import_layout, import_values
from generator.load import import_vocab as vocab
from generator.models import CHANNEL_LABELS, COMPLAINT_STATUS_LABELS, TASK_STATUS_LABELS

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "import.md"

# the guide's headings over its tables of understood columns → the kind of table
COLUMN_SECTIONS = {"投诉件（信访件）表格能认出的列": "complaints", "整改任务清单能认出的列": "tasks"}
IGNORED_ROWS = {"投诉件": "complaints", "整改任务": "tasks"}  # first cell of the table of columns left out
PERSONAL_SECTION = "含个人信息的列：一律拒绝"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def import_commands(text: str) -> list[str]:
    """Every line of a code block that is a ``portal import`` command (a leading ``$ `` removed)."""
    lines = (line.strip().removeprefix("$ ") for block in code_blocks(text) for line in block.splitlines())
    return [line for line in lines if line.startswith("portal import ")]


def sections(text: str) -> dict[str, str]:
    """### heading → the text under it (up to the next heading)."""
    parts = re.split(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables in ``text``: rows of cells, the header row first, the |---| row left out."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def names(cell: str) -> list[str]:
    return [n.strip() for n in cell.split("、") if n.strip()]


def norm(name: str) -> str:
    return vocab.norm_header(name)


def column_rows(text: str) -> list[tuple[str, list[str], str]]:
    """(kind, header spellings, 是否必须有) for every row of the guide's tables of understood columns."""
    out = []
    for heading, kind in COLUMN_SECTIONS.items():
        section = sections(text).get(heading)
        assert section is not None, f"docs/import.md has no section '### {heading}'"
        (table, *_) = tables(section) or [[]]
        assert table and table[0][:2] == ["内容", "表头写法（任一即可）"], f"no table of columns under '{heading}'"
        out += [(kind, names(row[1]), row[2]) for row in table[1:]]
    return out


def field_of(kind: str, name: str) -> set[str]:
    """The fields whose header spellings (import_vocab.COLUMNS) include ``name`` as the import compares it."""
    return {f for f, spellings in vocab.COLUMNS[kind].items() if norm(name) in {norm(s) for s in spellings}}


# --- commands ---------------------------------------------------------------------------------------

def test_the_guide_shows_import_commands() -> None:
    commands = import_commands(guide())
    assert len(commands) >= 10, commands  # the extraction finds the guide's commands (else nothing is checked below)
    options = {word for c in commands for word in shlex.split(c) if word.startswith("--")}
    assert {"--kind", "--batch", "--forwarded-on", "--id-prefix", "--dry-run", "--force", "--date",
            "--draft-profile", "--profile"} <= options, options


@pytest.mark.parametrize("command", import_commands(GUIDE.read_text(encoding="utf-8")) if GUIDE.exists() else [])
def test_every_import_command_in_the_guide_parses(command: str) -> None:
    argv = shlex.split(command)[1:]
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            args = parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"docs/import.md: `{command}` is refused by portal's argument parser:\n{err.getvalue()}")
    assert args.command == "import"
    assert args.file.endswith((".xlsx", ".csv")), f"`{command}`: the file is a spreadsheet"
    spelled = {word.split("=")[0] for word in argv if word.startswith("--")}
    assert spelled <= import_options(), f"`{command}`: {sorted(spelled - import_options())} is not an option of portal import " \
                                        "as written (argparse would accept an abbreviation; the guide writes options in full)"


def import_options() -> set[str]:
    """The option strings of ``portal import``, as its subparser defines them."""
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices["import"]._option_string_actions)


# --- columns ---------------------------------------------------------------------------------------

def test_every_column_the_guide_lists_is_known_and_each_row_is_one_field() -> None:
    for kind, spellings, _ in column_rows(guide()):
        fields = [field_of(kind, name) for name in spellings]
        unknown = [name for name, f in zip(spellings, fields) if not f]
        assert not unknown, f"docs/import.md lists {unknown} as understood {kind} columns; import_vocab.COLUMNS has no such spelling"
        assert len(set.union(*fields)) == 1, f"docs/import.md lists {spellings} in one row, but they name the fields {fields}"


def test_every_known_column_spelling_is_in_the_guide() -> None:
    listed: dict[str, set[str]] = {"complaints": set(), "tasks": set()}
    for kind, spellings, _ in column_rows(guide()):
        listed[kind] |= {norm(n) for n in spellings}
    for kind, columns in vocab.COLUMNS.items():
        missing = [s for spellings in columns.values() for s in spellings if norm(s) not in listed[kind]]
        assert not missing, f"import_vocab.COLUMNS['{kind}'] knows {missing}; docs/import.md does not list them"


def test_the_guide_marks_exactly_the_required_columns() -> None:
    required = {"complaints": {c.key for c in import_layout.COMPLAINT_COLUMNS if c.required},
                "tasks": {c.key for c in import_layout.TASK_COLUMNS if c.required}}
    marked: dict[str, set[str]] = {"complaints": set(), "tasks": set()}
    for kind, spellings, need in column_rows(guide()):
        if need == "必须有":
            marked[kind] |= field_of(kind, spellings[0])
    assert marked == required


def test_the_columns_left_out_are_exactly_the_ignored_ones() -> None:
    table = next((t for t in tables(guide()) if t[0] == ["表格", "不导入的列"]), None)
    assert table, "docs/import.md has no table | 表格 | 不导入的列 |"
    listed = {IGNORED_ROWS[row[0]]: {norm(n) for n in names(row[1])} for row in table[1:]}
    assert listed == {kind: {norm(n) for n in ignored} for kind, ignored in vocab.IGNORED.items()}


def test_the_personal_data_words_are_exactly_the_refused_ones() -> None:
    section = sections(guide()).get(PERSONAL_SECTION, "")
    line = next((x for x in section.splitlines() if re.fullmatch(r"[^\s，。：`]+(、[^\s，。：`]+){3,}", x.strip())), "")
    assert set(names(line)) == set(vocab.PERSONAL), f"docs/import.md '### {PERSONAL_SECTION}' lists {names(line)}"


# --- values ----------------------------------------------------------------------------------------

def _progress(text: str) -> str:
    (status, on_schedule), why = import_values.parse_progress(text)
    assert not why, why
    return TASK_STATUS_LABELS[status] + {True: "（按序时进度）", False: "（未达到序时进度）", None: ""}[on_schedule]


# column of the guide's value table → (how the import reads a spelling as the label the guide shows, the spellings it knows)
READERS: dict[str, tuple[Callable[[str], str], list[str]]] = {
    "是否属实": (lambda w: vocab.SUBSTANTIATED[w], list(vocab.SUBSTANTIATED)),
    "办结状态": (lambda w: COMPLAINT_STATUS_LABELS[vocab.COMPLAINT_STATUS[w]], list(vocab.COMPLAINT_STATUS)),
    "受理方式": (lambda w: CHANNEL_LABELS[vocab.CHANNELS[w]], list(vocab.CHANNELS)),
    "是否重点件": (lambda w: "是" if vocab.PRIORITY[w] else "否", [w for w in vocab.PRIORITY if w]),
    "污染类型": (lambda w: vocab.POLLUTION_TYPES[w], list(vocab.POLLUTION_TYPES)),
    "整改时限": (lambda w: vocab.DEADLINE_WORDS[re.sub(r"[，,、；;。]", "", w)], list(vocab.DEADLINE_WORDS)),
    "整改进展": (_progress, [words for words, _, _ in vocab.PROGRESS]),
}


def value_rows(text: str) -> list[list[str]]:
    table = next((t for t in tables(text) if t[0] == ["列", "表格中的写法", "导入后"]), None)
    assert table, "docs/import.md has no table | 列 | 表格中的写法 | 导入后 |"
    return table[1:]


def test_every_value_the_guide_lists_is_read_as_it_says() -> None:
    wrong = []
    for column, spellings, result in value_rows(guide()):
        read, _ = READERS[column]
        for w in names(spellings):
            try:
                got = read(w)
            except KeyError:
                got = "（不认识）"
            if got != result:
                wrong.append(f"{column} {w}: the guide says {result}, the import reads {got}")
    assert not wrong, "\n".join(wrong)


def test_every_value_spelling_the_import_knows_is_in_the_guide() -> None:
    listed: dict[str, set[str]] = {}
    for column, spellings, _ in value_rows(guide()):
        listed.setdefault(column, set()).update(re.sub(r"[，,]", "", w) for w in names(spellings))
    for column, (_, known) in READERS.items():
        missing = [w for w in known if w not in listed.get(column, set())]
        assert not missing, f"the import reads {missing} in {column}; docs/import.md does not list them"
