"""The documentation agrees with the code: every content field is documented, README's commands are real."""

from __future__ import annotations

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
