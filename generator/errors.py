"""Problems found in content, and the exception that carries them to the CLI.

Every stage reports problems as :class:`Problem` values (file, line, field, message, hint) and
raises :class:`ContentError` once with all of them, so that a publisher sees every mistake in one run.
Only the command line (``generator.cli``) turns them into text and an exit status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a content file (relative to content/) and a 1-based line."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    location: Location
    field: str
    message: str
    hint: str = ""

    def format(self) -> str:
        text = f"{self.location}: {self.field}: {self.message}" if self.field else f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.file, self.location.line, self.field, self.message)


class PortalError(Exception):
    """Base of every error the portal reports to a user; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ContentError(PortalError):
    """The content has one or more problems; nothing was published."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__(self.format())

    def format(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in content; nothing was published."
        return "\n".join([*(p.format() for p in self.problems), head])


class UsageError(PortalError):
    """A command-line argument or setting is wrong."""

    exit_code = 64


@dataclass
class Problems:
    """A collector: stages add problems as they find them and raise once at the end."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, field_name: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(location, field_name, message, hint))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)


def relative_name(path: Path, root: Path) -> str:
    """The name of a content file as shown in messages: relative to content/'s parent when possible."""
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()
