"""Issue 13, faults of the environment: a full disk, read-only folders, a path through a file, names too
long, a file size limit, a port in use. Real environments, no mocks: small tmpfs mounts
(remounted read-only), resource limits in a child process. (/dev/full is not used: the one file a
command writes into an existing path, an imported batch, is read first, and reading /dev/full never ends.) Every command reports one Chinese
message naming the path and what to do, exits non-zero, prints no traceback, and a published output/
stays byte-identical."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, MINI, REPO, Result, build, portal, tree_digest

PORTAL = REPO / ".venv" / "bin" / "portal"
IMPORTS = Path(__file__).resolve().parent / "fixtures" / "import"
LATER = "2026-11-02"  # a rebuild that would change the site


def _mount(target: Path, size_kb: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(target)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): needs root in a container that allows mount")


@contextlib.contextmanager
def tmpfs(where: Path, size_kb: int = 3000) -> Iterator[Path]:
    """A real, small file system of its own at ``where``."""
    _mount(where, size_kb)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _read_only(mount: Path) -> None:
    done = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")


def _fill(mount: Path, leave_kb: int) -> None:
    """Fill the file system until only about ``leave_kb`` are free."""
    filler = mount / f"filler-{uuid.uuid4().hex[:6]}"
    free = shutil.disk_usage(mount).free
    with contextlib.suppress(OSError), filler.open("wb") as f:
        f.write(b"\0" * max(0, free - leave_kb * 1024))


def _refused(result: Result, *words: str) -> None:
    """Failed with one clear message: non-zero, Chinese, naming what it must, no traceback."""
    assert result.code != 0, result.out
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert "portal: " in result.err, result.err
    assert "提示：" in result.err, result.err
    for word in words:
        assert word in result.err, f"{word!r} not in: {result.err}"


def _run(*args: str, limits: dict[int, int] | None = None, **kwargs) -> Result:  # type: ignore[no-untyped-def]
    """The real `portal` command in a child process (needed for resource limits and other users)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over RLIMIT_FSIZE fails with EFBIG, not a signal
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    done = subprocess.run([str(PORTAL), *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          preexec_fn=apply, check=False, **kwargs)
    return Result(done.returncode, done.stdout, done.stderr)


# ---------------------------------------------------------------- portal build

@pytest.mark.parametrize("leave_kb", [0, 40, 200, 450])
def test_a_full_disk_keeps_the_published_site(tmp_path: Path, leave_kb: int) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        output = disk / "site" / "output"
        assert build(MINI, output).code == 0
        before = tree_digest(output)
        _fill(disk, leave_kb)
        result = build(MINI, output, LATER)
        _refused(result, "磁盘空间不足", str(output.parent), "腾出磁盘空间", "保持原样")
        assert tree_digest(output) == before
        assert sorted(p.name for p in output.parent.iterdir()) in ([".output.spare", ".output.state", "output"],
                                                                         [".output.state", "output"])
        # once there is room again, the same build publishes
        for filler in disk.glob("filler-*"):
            filler.unlink()
        assert build(MINI, output, LATER).code == 0


def test_a_full_disk_on_the_first_build(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", 300) as disk:
        result = build(MINI, disk / "output")
        _refused(result, "磁盘空间不足", str(disk / "output"))
        assert not (disk / "output").exists()


def test_a_read_only_folder_keeps_the_published_site(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        output = disk / "output"
        assert build(MINI, output).code == 0
        before = tree_digest(output)
        _read_only(disk)
        result = build(MINI, output, LATER)
        _refused(result, "只读", str(disk), "可写的文件夹")
        assert tree_digest(output) == before


def test_a_read_only_parent_of_a_new_output(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        _read_only(disk)
        _refused(build(MINI, disk / "new" / "output"), "只读", str(disk / "new"))


def test_a_file_size_limit(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output).code == 0
    before = tree_digest(output)
    result = _run("build", "--content", MINI, "--output", output, "--as-of", LATER, limits={resource.RLIMIT_FSIZE: 3000})
    _refused(result, "文件超过了允许的大小", str(output.parent), "ulimit -f")
    assert tree_digest(output) == before


@pytest.mark.parametrize("through", ["afile/output", "afile/deeper/output"])
def test_an_output_path_through_a_file(tmp_path: Path, through: str) -> None:
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    result = build(MINI, tmp_path / through)
    _refused(result, "路径中有一段是文件而不是文件夹", str(tmp_path / "afile"))
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "not a folder"


def test_an_output_name_too_long(tmp_path: Path) -> None:
    result = build(MINI, tmp_path / ("站" * 90))  # 270 bytes in UTF-8
    _refused(result, "太长", "255 字节", str(tmp_path))


def test_an_output_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "output").write_text("a file", encoding="utf-8")
    result = build(MINI, tmp_path / "output")
    assert result.code != 0 and "Traceback" not in result.err
    assert str(tmp_path / "output") in result.err
    assert (tmp_path / "output").read_text(encoding="utf-8") == "a file"


def test_a_folder_another_user_cannot_write(tmp_path: Path) -> None:
    nobody = 65534
    try:
        probe = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-c", "import generator.cli"], cwd="/",
                               user=nobody, group=nobody, capture_output=True, text=True, check=False).returncode
    except PermissionError:
        probe = -1
    if probe != 0:
        pytest.skip("the portal's Python cannot run as another user here (its files are private to root)")
    root = Path(f"/tmp/portal-eacces-{uuid.uuid4().hex[:8]}")
    try:
        (root / "locked").mkdir(parents=True)
        shutil.copytree(MINI, root / "content")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        result = _run("build", "--content", root / "content", "--output", root / "locked" / "output",
                      user=nobody, group=nobody)
        _refused(result, "没有读写权限", str(root / "locked"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_a_content_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "content").write_text("", encoding="utf-8")
    for command in ("build", "check"):
        args = [command, "--content", tmp_path / "content"] + (["--output", tmp_path / "out"] if command == "build" else [])
        result = portal(*args)
        assert result.code != 0 and "Traceback" not in result.err
        assert str(tmp_path / "content") in result.err


# ---------------------------------------------------------------- the other commands

def test_serve_on_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = portal("serve", "--content", MINI, "--output", tmp_path / "output", "--as-of", AS_OF, "--port", port)
    _refused(result, "端口已被占用", f"127.0.0.1:{port}", "--port")
    assert not (tmp_path / "output").exists()  # refused before building


@pytest.mark.slow  # runs `portal search` (whoosh and jieba)
def test_search_with_an_unwritable_index(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        _read_only(disk)
        result = portal("search", "--content", MINI, "--as-of", AS_OF, "--index", disk / "index", "整改")
        _refused(result, "只读", str(disk))


@pytest.mark.slow  # writes a whoosh index until the disk is full
def test_search_with_a_full_disk(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", 400) as disk:
        _fill(disk, 0)
        result = portal("search", "--content", MINI, "--as-of", AS_OF, "--index", disk / "index", "整改")
        _refused(result, "磁盘空间不足", str(disk / "index"))


def test_import_into_read_only_content(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        shutil.copytree(MINI, disk / "content")
        before = tree_digest(disk / "content")
        _read_only(disk)
        result = portal("import", IMPORTS / "complaints.xlsx", "--content", disk / "content", "--as-of", AS_OF,
                        "--kind", "complaints", "--batch", "2", "--forwarded-on", "2021-06-15")
        _refused(result, "只读", str(disk / "content"))
        assert tree_digest(disk / "content") == before


@pytest.mark.parametrize("way", ["read-only", "full"])
def test_demo_data_into_an_unwritable_folder(tmp_path: Path, way: str) -> None:
    with tmpfs(tmp_path / "disk", 200) as disk:
        if way == "read-only":
            _read_only(disk)
        else:
            _fill(disk, 0)
        result = portal("demo-data", "--output", disk / "demo", "--tasks", "5", "--complaints", "20")
        _refused(result, "只读" if way == "read-only" else "磁盘空间不足", str(disk / "demo") if way == "full" else str(disk))


def test_check_fix_pii_into_a_read_only_folder(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        _read_only(disk)
        result = portal("check", "--content", MINI, "--as-of", AS_OF, "--fix-pii", disk / "masked")
        _refused(result, "只读", str(disk))


def test_verify_a_path_through_a_file(tmp_path: Path, mini_site: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = portal("verify", tmp_path / "afile" / "site", mini_site)
    assert result.code != 0 and "Traceback" not in result.err
    assert str(tmp_path / "afile") in result.err


def test_the_messages_come_from_one_table() -> None:
    """Every errno the table explains has a Chinese explanation and hint (and nothing else raises)."""
    import errno

    from generator.errors import _OS_ERRORS, os_error_message

    for code in [*_OS_ERRORS, errno.EPIPE, 0]:
        text = os_error_message(OSError(code, os.strerror(code), "/some/path"), "/some")
        assert "/some/path" in text and "提示：" in text
    assert "写入 /out 时" in os_error_message(OSError(28, "No space left on device"), "/out")
