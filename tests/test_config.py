"""The build's configuration: one precedence (flag, environment, Pelican setting, default), wrong values
named at once in Chinese, and the options really reaching the build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import MINI, REPO, portal

from generator.config import OPTIONS, Config
from generator.errors import UsageError


def test_every_config_field_is_an_option_and_back() -> None:
    assert {o.field for o in OPTIONS} == {f.name for f in dataclasses.fields(Config)}
    assert len({o.name for o in OPTIONS}) == len(OPTIONS)


def test_nothing_given_gives_the_defaults() -> None:
    assert Config.resolve() == Config()
    assert Config().search_shard_max == 8000 and Config().pagefind is True and 1 <= Config().workers <= 2


@pytest.mark.parametrize(("flag", "env", "setting", "expected"), [
    (3, "5", 7, 3),  # the command line wins over everything
    (None, "5", 7, 5),  # then the environment
    (None, None, 7, 7),  # then the Pelican setting
    (None, "", 7, 7),  # an empty variable is not given
    (None, None, "4", 4),  # a setting written as text is read like the environment
])
def test_the_first_that_gives_a_value_wins(flag: int | None, env: str | None, setting: object, expected: int) -> None:
    environ = {} if env is None else {"PORTAL_WORKERS": env}
    assert Config.resolve({"workers": flag}, environ, {"PORTAL_WORKERS": setting}).workers == expected


def test_switches_read_from_text_and_from_python_bools() -> None:
    for text, value in (("0", False), ("1", True), ("off", False), ("Yes", True)):
        assert Config.resolve(environ={"PORTAL_PAGEFIND": text}).pagefind is value
    assert Config.resolve(settings={"PORTAL_PAGEFIND": False}).pagefind is False
    # the environment overrides a setting in either direction
    assert Config.resolve(environ={"PORTAL_PAGEFIND": "1"}, settings={"PORTAL_PAGEFIND": False}).pagefind is True


def test_every_wrong_value_is_named_at_once_with_where_it_came_from() -> None:
    with pytest.raises(UsageError) as caught:
        Config.resolve({"workers": 0}, {"PORTAL_SEARCH_SHARD_MAX": "many", "PORTAL_PAGEFIND": "maybe"},
                       {"PORTAL_PARALLEL_MIN": True})
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert "命令行选项 --workers" in lines[0] and "'0'" in lines[0] and "正整数" in lines[0]
    assert "Pelican 设置 PORTAL_PARALLEL_MIN" in lines[1]  # a bool is not a number
    assert "环境变量 PORTAL_SEARCH_SHARD_MAX" in lines[2] and "'many'" in lines[2]
    assert "环境变量 PORTAL_PAGEFIND" in lines[3] and "写 1" in lines[3]
    assert caught.value.exit_code == 64


def test_a_wrong_variable_stops_the_build_before_anything_is_written(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_WORKERS", "two")
    result = portal("build", "--content", MINI, "--output", tmp_path / "out", "--as-of", "2026-11-01")
    assert result.code == 64
    assert "环境变量 PORTAL_WORKERS 的值 'two' 无效" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_the_options_reach_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--workers 1 (over PORTAL_WORKERS=2 in the environment) renders in one process, and PORTAL_PAGEFIND=0
    from a settings file leaves the browser search index out: the summary line and the files say so."""
    settings = tmp_path / "conf.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *\nPORTAL_PAGEFIND = False\n",
                        encoding="utf-8")
    monkeypatch.setenv("PORTAL_WORKERS", "2")
    out = tmp_path / "out"
    result = portal("build", "--content", MINI, "--output", out, "--as-of", "2026-11-01", "--settings", settings,
                    "--workers", "1")
    assert result.code == 0, result.err
    assert "workers 1" in result.out and "shards_indexed" not in result.out
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()
