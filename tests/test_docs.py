"""The documentation agrees with the code: every content field is documented, README's commands are real."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import REPO

from generator import models

DOC = (REPO / "docs" / "content-format.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")

MODELS = [cls for cls in vars(models).values()
          if isinstance(cls, type) and issubclass(cls, models.Node) and cls is not models.Node]


def section(heading: str) -> str:
    """The field table under '### <heading>' or '### <heading> (…)'."""
    match = re.search(rf"^### {heading}(?: \([^\n]*\))?\n\n(\| field \|.*?)\n\n", DOC + "\n\n", re.MULTILINE | re.DOTALL)
    assert match, f"docs/content-format.md has no field table under '### {heading}'"
    return match.group(1)


def test_all_models_are_covered() -> None:
    names = {cls.__name__ for cls in MODELS}
    assert {"Site", "Task", "HistoryEntry", "Complaint", "Announcement", "Report", "Page"} <= names


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_field_is_documented_with_its_table_row(cls: type) -> None:
    text = section(cls.__name__)
    missing = [f.name for f in models.content_fields(cls) if f"| `{f.name}` |" not in text]
    assert missing == [], f"{cls.__name__}: fields missing from docs/content-format.md: {missing}"


def test_every_documented_field_exists() -> None:
    for cls in MODELS:
        documented = set(re.findall(r"^\| `([a-z_]+)` \|", section(cls.__name__), re.MULTILINE))
        assert documented <= {f.name for f in models.content_fields(cls)}, cls.__name__


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert len(commands) >= 2
    build_cmd, test_cmd = commands[0], commands[1]
    assert README.index(build_cmd) < 600  # at the top
    assert "portal build" in build_cmd and "pytest" in test_cmd
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


# --- docs/configuration.md: every option, setting, environment variable, command-line option and exit status

CONFIG_DOC = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
SOURCES = sorted((REPO / "generator").rglob("*.py")) + [REPO / "pelicanconf.py", REPO / "publishconf.py"]


def config_section(heading: str) -> str:
    """The text under '## heading' or '### heading', up to the next heading of that level or above."""
    match = re.search(rf"^(#+) {re.escape(heading)}\n", CONFIG_DOC, re.MULTILINE)
    assert match, f"docs/configuration.md has no section '{heading}'"
    rest = CONFIG_DOC[match.end():]
    end = re.search(rf"^#{{1,{len(match.group(1))}}} ", rest, re.MULTILINE)
    return rest[: end.start() if end else len(rest)]


def table_keys(text: str) -> set[str]:
    """The first cells of a Markdown table's rows, without their backquotes."""
    return {m.strip("`") for m in re.findall(r"^\| (`[^`|]+`|\d+) \|", text, re.MULTILINE)}


def settings_read() -> set[str]:
    """Names the code reads from Pelican's settings or context (``….get("NAME")`` on a name ending in
    settings or context), and every PORTAL_… name it mentions."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"PORTAL_[A-Z_]+", node.value):
                found.add(node.value)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                owner = node.func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
                if name.endswith(("settings", "context")) and node.args[0].value.isupper():
                    found.add(node.args[0].value)
    return found


def environment_read() -> set[str]:
    """Environment variables the code reads by name (os.environ.get/[], os.getenv)."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            key = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                if node.func.attr == "getenv" or (node.func.attr == "get" and ast.unparse(node.func.value) == "os.environ"):
                    key = node.args[0]
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                key = node.slice
            if isinstance(key, ast.Constant):
                found.add(str(key.value))
    return found


def test_every_build_option_is_documented_with_its_flag() -> None:
    from generator.config import OPTIONS

    text = config_section("Build options")
    assert table_keys(text) == {o.name for o in OPTIONS}
    for o in OPTIONS:
        row = re.search(rf"^\| `{o.name}` \| ([^|]+) \|", text, re.MULTILINE)
        assert row and row.group(1).strip().strip("`").split(" ")[0] == (o.flag or "—"), o.name


def test_every_setting_and_environment_variable_the_code_reads_is_documented() -> None:
    from generator.config import OPTIONS

    documented = table_keys(config_section("Build options")) | table_keys(config_section("Pelican settings the portal reads"))
    read = settings_read() | environment_read()
    assert read - documented == set(), "read by the code but not in docs/configuration.md"
    assert documented - read - {o.name for o in OPTIONS} == set(), "documented but never read"
    assert environment_read() == set(), "only the edge reads the environment, and only as a whole (Config.resolve)"


def test_the_scanners_find_what_they_look_for(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The two scanners above, on code written to be found: they cannot pass by finding nothing."""
    global SOURCES
    probe = tmp_path / "probe.py"
    probe.write_text('import os\nx = os.environ.get("A_VAR")\ny = os.getenv("B_VAR")\nz = os.environ["C_VAR"]\n'
                     'w = self.settings.get("SOME_SETTING")\nv = "PORTAL_THING"\nu = other.get("NOT_A_SETTING")\n')
    saved, SOURCES = SOURCES, [probe]
    try:
        assert environment_read() == {"A_VAR", "B_VAR", "C_VAR"}
        assert settings_read() == {"SOME_SETTING", "PORTAL_THING"}
    finally:
        SOURCES = saved


def cli_options() -> dict[str, set[str]]:
    import argparse

    from generator.cli import parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {name: {s for a in sp._actions for s in a.option_strings if s.startswith("--") and s != "--help"}
            for name, sp in sub.choices.items()}


def test_every_command_line_option_is_documented_and_every_documented_one_exists() -> None:
    for command, options in cli_options().items():
        text = config_section(f"portal {command}")
        documented = set(re.findall(r"`(--[a-z-]+)`", text))
        assert options - documented == set(), f"portal {command}: options missing from docs/configuration.md"
        assert documented - options == set(), f"portal {command}: documented options it does not have"


def exit_statuses() -> set[int]:
    """Every status the CLI can exit with: the integers its functions return, and every error's exit_code."""
    found: set[int] = set()
    cli = ast.parse((REPO / "generator" / "cli.py").read_text(encoding="utf-8"))
    for node in ast.walk(cli):
        if isinstance(node, ast.Return) and node.value is not None:
            found |= {n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and type(n.value) is int}
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["exit_code"]
                    and isinstance(node.value, ast.Constant)):
                found.add(node.value.value)
    return found


def test_every_exit_status_is_documented_and_every_documented_one_occurs() -> None:
    found = exit_statuses()
    assert {0, 1, 2, 64} <= found  # success, refused by the system, content problems, usage: the scanner works
    assert table_keys(config_section("Exit statuses")) == {str(n) for n in found}


def test_readme_links_the_configuration_page() -> None:
    assert "docs/configuration.md" in README
