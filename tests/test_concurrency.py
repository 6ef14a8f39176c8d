"""Issue 13, two builds at once: builds into one output/ (cron and a person) never publish an incomplete
site, and a build that cannot get the output's lock in time refuses with a message instead."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import MINI, REPO, build, portal, tree_digest

from generator import incremental
from generator.publish import swap as publish

PORTAL = REPO / ".venv" / "bin" / "portal"
EARLY, LATE, OLDER = "2026-11-01", "2026-11-02", "2026-10-20"


def _start(output: Path, as_of: str) -> subprocess.Popen:
    return subprocess.Popen([str(PORTAL), "build", "--content", str(MINI), "--output", str(output), "--as-of", as_of],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_both(procs: list[subprocess.Popen]) -> list[tuple[int, str, float]]:
    """Wait for every process; (exit code, stderr, the time it ended) of each."""
    ended: dict[int, float] = {}
    while len(ended) < len(procs):
        for k, proc in enumerate(procs):
            if k not in ended and proc.poll() is not None:
                ended[k] = time.monotonic()
        time.sleep(0.01)
    return [(proc.returncode, proc.communicate()[1], ended[k]) for k, proc in enumerate(procs)]


def _site(root: Path) -> dict[str, str]:
    """The tree digest of the published site (its build state, which holds a hash of the portal's own code, is
    kept beside it, not in it)."""
    digest = tree_digest(root)
    assert incremental.MANIFEST not in digest
    return digest


def _assert_complete(output: Path) -> None:
    listed = publish.listing(output)
    assert listed, f"{output} has no {publish.FILES}"
    missing = sorted(name for name in listed if not (output / name).is_file())
    assert missing == [], f"files listed but missing: {missing[:10]}"
    assert (output / "index.html").is_file()


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """A clean build of each data date the racing builds use."""
    root = tmp_path_factory.mktemp("references")
    digests = {}
    for as_of in (EARLY, LATE, OLDER):
        assert build(MINI, root / as_of, as_of).code == 0
        digests[as_of] = _site(root / as_of)
    assert len({str(sorted(d.items())) for d in digests.values()}) == 3  # the three sites differ
    return digests


def _staging(output: Path) -> Path | None:
    return next((p for p in output.parent.glob(".output.building-*") if p.is_dir()), None)


# Where the first build is when the second starts. The first is stopped there (SIGSTOP, its whole process
# group) while the second runs for a while, then continued: the second's start-up (and recovery) falls
# exactly into that stage of the first. "now" starts both together without stopping.
STAGES = {
    "now": None,
    "starting": lambda output: True,  # still importing, or preparing (load, check, derive)
    "rendering": lambda output: _staging(output) is not None,
    "rendered-home-page": lambda output: (s := _staging(output)) is not None and (s / "index.html").is_file(),
    "indexing": lambda output: (s := _staging(output)) is not None and (s / "pagefind").is_dir(),
}


def _race(output: Path, first: str, second: str, stage: str) -> tuple[list[tuple[int, str, float]], bool]:
    """Run the two builds; the results and whether the first was caught in ``stage``."""
    procs = [_start(output, first)]
    caught = stage == "now"
    ready = STAGES[stage]
    if ready is not None:
        deadline = time.monotonic() + 20
        while procs[0].poll() is None and time.monotonic() < deadline and not ready(output):
            time.sleep(0.002)
        if procs[0].poll() is None:
            os.killpg(procs[0].pid, signal.SIGSTOP)
            caught = True
    procs.append(_start(output, second))
    if ready is not None and caught:
        time.sleep(1.2)  # the second build gets as far as it can: without a lock, through its recovery
        os.killpg(procs[0].pid, signal.SIGCONT)
    return _wait_both(procs), caught


@pytest.mark.parametrize("existing", [False, True], ids=["first-build", "rebuild"])
def test_two_builds_at_once_leave_a_complete_site(tmp_path: Path, references: dict[str, dict[str, str]],
                                                   existing: bool) -> None:
    caught = 0
    for k, stage in enumerate(STAGES):
        output = tmp_path / stage / "output"
        if existing:
            assert build(MINI, output, OLDER).code == 0
        first, second = (EARLY, LATE) if k % 2 == 0 else (LATE, EARLY)
        results, in_stage = _race(output, first, second, stage)
        caught += in_stage
        for (code, err, _), as_of in zip(results, (first, second)):
            assert code == 0, f"{stage}: the build as of {as_of} failed: {err[-2000:]}"
            assert "Traceback" not in err
        _assert_complete(output)
        last = max(range(2), key=lambda i: results[i][2])
        assert _site(output) == references[(first, second)[last]], \
            f"{stage}: output/ is not the site of the build that published last"
        leftovers = {p.name for p in output.parent.iterdir()}
        assert leftovers in ({".output.spare", ".output.state", "output"}, {".output.state", "output"}), f"working folders or lock left: {leftovers}"
    assert caught >= len(STAGES) - 1  # the first build was found in (nearly) every stage


def test_a_build_that_cannot_get_the_lock_refuses(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, EARLY).code == 0
    before = tree_digest(output)
    with publish.locked(output):  # another build is running
        started = time.monotonic()
        done = subprocess.run([str(PORTAL), "build", "--content", str(MINI), "--output", str(output), "--as-of", LATE,
                               "--wait", "1"], cwd=REPO, capture_output=True, text=True, check=False)
        waited = time.monotonic() - started
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert str(tmp_path / ".output.lock") in done.stderr
    assert f"进程 {os.getpid()}" in done.stderr  # the build holding the lock
    assert "另一个构建" in done.stderr
    assert waited >= 1
    assert tree_digest(output) == before
    # once the other build has ended, the lock is free again
    result = build(MINI, output, LATE)
    assert result.code == 0, result.err


def test_a_second_build_waits_for_the_first(tmp_path: Path, references: dict[str, dict[str, str]]) -> None:
    output = tmp_path / "output"
    with publish.locked(output):
        proc = _start(output, LATE)
        time.sleep(2.5)  # far longer than a build of the fixture: it must be waiting
        assert proc.poll() is None
        assert not output.exists()
    code, err, _ = _wait_both([proc])[0]
    assert code == 0, err
    assert _site(output) == references[LATE]


def test_a_missing_list_of_kept_files_fails_the_build(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, EARLY).code == 0
    before = tree_digest(output)

    def render_that_loses_its_list(staged: Path) -> None:
        (staged / "index.html").write_text("<p>a new home page</p>", encoding="utf-8")
        incremental.keep(staged, sorted(name for name in before if name != "index.html"))
        (staged / incremental.KEPT).unlink()  # e.g. removed by another program while the build ran

    with pytest.raises(publish.PortalError) as caught:
        publish.publish(output, render_that_loses_its_list)
    assert incremental.KEPT in str(caught.value)
    assert tree_digest(output) == before


def test_an_unreadable_list_of_kept_files_fails_the_build(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, EARLY).code == 0
    before = tree_digest(output)

    def render_with_a_folder_for_a_list(staged: Path) -> None:
        (staged / "index.html").write_text("<p>a new home page</p>", encoding="utf-8")
        (staged / incremental.KEPT).unlink(missing_ok=True)
        (staged / incremental.KEPT).mkdir()

    with pytest.raises(publish.PortalError):
        publish.publish(output, render_with_a_folder_for_a_list)
    assert tree_digest(output) == before


@pytest.mark.parametrize("damage", [b"", b"{", b"\xff\xfe", b"[1, 2]", b'{"index.html": 5}', b"null",
                                    b"# portal job digests 2\n" + b"g" * 32 + b"\n",  # not hex
                                    b"# portal job digests 2\n0123abcd\n",  # a line cut short
                                    b"# portal job digests 2\n" + b"0" * 32])  # the file cut short
def test_a_damaged_digest_file_renders_everything_with_a_warning(tmp_path: Path, references: dict[str, dict[str, str]],
                                                                 damage: bytes) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, EARLY).code == 0
    kept = sorted(incremental.state_folder(output).glob("*.digests"))  # the published site's, beside it
    assert len(kept) == 1
    kept[0].write_bytes(damage)
    result = build(MINI, output, LATE)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert kept[0].name in result.err and "全部重新生成" in result.err
    assert _site(output) == references[LATE]


def test_wait_must_not_be_negative(tmp_path: Path) -> None:
    result = portal("build", "--content", MINI, "--output", tmp_path / "output", "--wait", "-1")
    assert result.code == 64
    assert "--wait" in result.err
