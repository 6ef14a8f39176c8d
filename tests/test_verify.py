"""Issue 13, `portal verify`: every published record kind is compared and a rewrite is named; each
manifest is checked against its own site's data files; the untrusted manifest can make verify read
nothing outside the two sites it was given; and no manifest, however odd, gives a traceback."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import MINI, build, edit, portal, serve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MANIFEST = "integrity/manifest.json"
REF = "D2CS202105110001"
OUTSIDE = "manifest names a file outside the site"
NOT_A_MANIFEST = "not a portal manifest"



def verify(old: Path | str, new: Path | str):  # type: ignore[no-untyped-def]
    return portal("verify", old, new)


def _manifest(site: Path) -> dict[str, Any]:
    return json.loads((site / MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(site: Path, m: Any) -> None:
    (site / MANIFEST).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def old_site(mini: Path, tmp_path: Path) -> Path:
    output = tmp_path / "old"
    assert build(mini, output).code == 0
    return output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture built once (copy it before changing it)."""
    output = tmp_path_factory.mktemp("verify") / "site"
    assert build(MINI, output).code == 0
    return output


def _copy(site: Path, target: Path) -> Path:
    shutil.copytree(site, target)
    return target


# -- every record kind: a rewrite fails and is named -------------------------------------------

REWRITES = [
    # (content file, text, replacement, what the report names)
    ("complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: 0.5", f"信访举报（complaint）{REF}：已公开的字段 fines_wan_yuan 被改写"),
    ("complaints/1.yaml", "findings: 经查，该厂未落实降噪措施。", "findings: 经查，该厂已落实降噪措施。", f"信访举报（complaint）{REF}：已公开的字段 findings 被改写"),
    ("complaints/1.yaml", "handling: 责令停产整改，立案处罚。", "handling: 责令整改。", f"信访举报（complaint）{REF}：已公开的字段 handling 被改写"),
    ("complaints/1.yaml", "substantiated: 属实", "substantiated: 不属实", f"信访举报（complaint）{REF}：已公开的字段 substantiated 被改写"),
    ("complaints/1.yaml", "    penalties: {orders: 1, fines_wan_yuan: 5.0, cases: 1}\n", "", f"信访举报（complaint）{REF}：已公开的字段 cases 被改写"),
    ("tasks/T-1.yaml", "target: 2023年底前渗滤液全部达标处理", "target: 2023年底前渗滤液基本达标处理", "整改任务（task）T-1：已公开的字段 target 被改写"),
    ("tasks/T-1.yaml", "deadline: 2023-12-31", "deadline: 2024-06-30", "整改任务（task）T-1：已公开的字段 deadline 被改写"),
    ("tasks/T-1.yaml", "  - 新建渗滤液处理站一座", "  - 新建渗滤液处理站两座", "整改任务（task）T-1：已公开的字段 measures 被改写"),
    ("announcements/N-1.yaml", "summary: 新建处理站已投运。", "summary: 新建处理站已调试。", "销号公示（notice）N-1：已公开的字段 summary 被改写"),
    ("announcements/N-1.yaml", "opinion: 同意验收", "opinion: 原则同意验收", "销号公示（notice）N-1：已公开的字段 acceptance_opinion 被改写"),
    ("documents.yaml", "  title: 关于第1项整改任务验收意见的函", "  title: 关于第1项整改任务验收的函", "文件登记（document）doc-accept：已公开的字段 title 被改写"),
    ("regions.yaml", "name: 乙市", "name: 丙市", "地区（region）990200：已公开的字段 name 被改写"),
    ("reports/2022-06.md", "已完成0项", "已完成2项", "进展报告（report）2022-06：已公开的字段 body 被改写"),
    ("reports/2022-06.md", "summary: 2项整改任务全部推进", "summary: 2项整改任务全部完成", "进展报告（report）2022-06：已公开的字段 summary 被改写"),
]


def _rewrite_id(rewrite: tuple[str, str, str, str]) -> str:
    kind = rewrite[3].split("（")[1].split("）")[0]
    return f"{kind}-{rewrite[3].split('字段 ')[1].split(' ')[0]}"


@pytest.mark.parametrize("file,old,new,named", REWRITES, ids=[_rewrite_id(r) for r in REWRITES])
def test_a_rewritten_published_field_fails_and_is_named(mini: Path, old_site: Path, tmp_path: Path,
                                                        file: str, old: str, new: str, named: str) -> None:
    edit(mini, file, old, new)
    result = build(mini, tmp_path / "new")
    assert result.code == 0, result.err
    result = verify(old_site, tmp_path / "new")
    assert result.code == 3, result.out
    assert named in result.out
    assert "FAILED" in result.out and "Traceback" not in result.out + result.err


def test_a_removed_record_fails(mini: Path, old_site: Path, tmp_path: Path) -> None:
    (mini / "reports/2022-06.md").unlink()
    edit(mini, "regions.yaml", '- {code: "990102", name: 甲市东区, parent: "990100"}', '- {code: "990103", name: 甲市东区, parent: "990100"}')
    for file in ("tasks/T-1.yaml", "complaints/1.yaml"):
        edit(mini, file, '"990102"', '"990103"')
    assert build(mini, tmp_path / "new").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 3
    assert "进展报告（report）2022-06：已公开的记录不再发布（removed）" in result.out
    assert "地区（region）990102：已公开的记录不再发布（removed）" in result.out


def test_additions_and_page_edits_are_not_rewrites(mini: Path, old_site: Path, tmp_path: Path) -> None:
    """Written for the first time (accountability), appended (a measure, a related task), history
    growing (a complaint update, a task entry): not rewrites. An edited page is a note."""
    edit(mini, "complaints/1.yaml", "    handling: 责令停产整改，立案处罚。\n",
           "    handling: 责令停产整改，立案处罚。\n    accountability: 约谈厂长。\n")
    edit(mini, "complaints/1.yaml", "      - {date: 2021-09-30, status: done, note: 整改完成}",
           "      - {date: 2021-09-30, status: done, note: 整改完成}\n      - {date: 2026-11-10, status: done, note: 回访}")
    edit(mini, "tasks/T-1.yaml", "  - 新建渗滤液处理站一座\n", "  - 新建渗滤液处理站一座\n  - 开展回头看\n")
    edit(mini, "pages/about.md", "本站为**测试数据**。", "本站为**测试数据**，每月更新。")
    assert build(mini, tmp_path / "new", "2026-11-15").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 0, result.out
    assert "页面（page）about：已公开的字段 body 被改写" in result.out  # a note
    assert "accountability" not in result.out and "measures" not in result.out


# -- each manifest against its own site's files -------------------------------------------------

def _tamper_csv(site: Path) -> None:
    path = site / "data/complaints.csv"
    path.write_bytes(path.read_bytes().replace(b",5.0,", b",0.5,"))


def _tamper_item(site: Path) -> None:
    path = site / f"data/complaints/{REF}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fines_wan_yuan"] = 0.5
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _tamper_bytes(rel: str):  # type: ignore[no-untyped-def]
    def tamper(site: Path) -> None:
        path = site / rel
        raw = path.read_bytes()
        path.write_bytes(raw[:-2] + bytes([raw[-2] ^ 1]) + raw[-1:])
    return tamper


TAMPERED = {
    "data/complaints.csv": _tamper_csv,
    f"data/complaints/{REF}.json": _tamper_item,
    "data/portal.json": _tamper_bytes("data/portal.json"),
    "data/portal.sqlite": _tamper_bytes("data/portal.sqlite"),
    "data/tasks/T-1.json": _tamper_bytes("data/tasks/T-1.json"),
    "data/events.csv": _tamper_bytes("data/events.csv"),
}


@pytest.mark.parametrize("rel", sorted(TAMPERED))
def test_a_data_file_edited_after_the_build_fails(built: Path, tmp_path: Path, rel: str) -> None:
    new = _copy(built, tmp_path / "new")
    assert (new / rel).read_bytes() == (built / rel).read_bytes()
    TAMPERED[rel](new)
    assert (new / rel).read_bytes() != (built / rel).read_bytes()
    result = verify(built, new)
    assert result.code == 3, result.out
    assert f"new site: data file {rel} does not match its manifest" in result.out


def test_an_old_manifest_republished_over_a_rewritten_site_fails(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: 0.5")
    new = tmp_path / "new"
    assert build(mini, new).code == 0
    shutil.copyfile(old_site / MANIFEST, new / MANIFEST)  # history rewritten, the old manifest kept
    result = verify(old_site, new)
    assert result.code == 3, result.out
    for rel in ("data/complaints.csv", f"data/complaints/{REF}.json", "data/portal.json", "data/portal.sqlite"):
        assert f"new site: data file {rel} does not match its manifest" in result.out


def test_a_manifest_whose_records_do_not_describe_its_files_fails(mini: Path, old_site: Path, tmp_path: Path) -> None:
    """A hand-made manifest: the old records (nothing "changed"), the new site's own data hashes and
    chain (everything "matches"). The published item files still show the rewrite."""
    edit(mini, "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: 0.5")
    edit(mini, "tasks/T-1.yaml", "target: 2023年底前渗滤液全部达标处理", "target: 2023年底前渗滤液基本达标处理")
    new = tmp_path / "new"
    assert build(mini, new).code == 0
    m = _manifest(new)
    m["records"] = _manifest(old_site)["records"]
    _write_manifest(new, m)
    result = verify(old_site, new)
    assert result.code == 3, result.out
    for named in (f"信访举报（complaint）{REF}：已公开的字段 fines_wan_yuan 被改写（rewritten，见 data/complaints/{REF}.json）",
                  "整改任务（task）T-1：已公开的字段 target 被改写（rewritten，见 data/tasks/T-1.json）"):
        assert named in result.out  # the files show the rewrite ...
    assert result.out.count("清单中这条记录的哈希没有变化：清单与发布的文件不符") == 2  # ... the records hide it


def test_a_manifest_stripped_of_its_data_hashes_or_downgraded_fails(built: Path, tmp_path: Path) -> None:
    new = _copy(built, tmp_path / "new")
    m = _manifest(new)
    del m["data"][f"data/complaints/{REF}.json"]
    _write_manifest(new, m)
    result = verify(built, new)
    assert result.code == 3 and f"没有记录数据文件 data/complaints/{REF}.json 的哈希" in result.out
    m = _manifest(built)
    m["format"] = 1
    del m["data"]
    m["records"] = {"tasks": {key: {"sha256": r["sha256"], "fields": {"title": "0" * 64}}
                              for key, r in m["records"]["tasks"].items()}, "complaints": {}, "notices": {}, "documents": {}}
    _write_manifest(new, m)
    result = verify(built, new)
    assert result.code == 3 and "new manifest: 格式 1 比旧站点的格式 2 旧" in result.out


def test_a_fresh_build_verifies_against_itself_with_an_absolute_site_url(mini: Path, tmp_path: Path) -> None:
    """The data hashes are those of the files written, also when links in them are absolute."""
    edit(mini, "site.yaml", "title:", "site_url: https://zhenggai.example.org/x/\ntitle:")
    assert build(mini, tmp_path / "site").code == 0
    result = verify(tmp_path / "site", tmp_path / "site")
    assert result.code == 0, result.out
    # 5 CSV and their 5 Chinese-header copies, events.json, portal.json, portal.sqlite, 5 items
    assert len(_manifest(tmp_path / "site")["data"]) == 18


# -- reading only inside the two sites -------------------------------------------------------------

def _secret(tmp_path: Path) -> tuple[Path, str]:
    """A file outside both sites; its hash is put into the manifest, so that a verify that read it
    would find it "unchanged" and say nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not part of any site\n")
    return secret, hashlib.sha256(secret.read_bytes()).hexdigest()


def _traversal_entries(secret: Path, site: Path, url: str = "") -> list[str]:
    depth = "../" * (len(site.parts) + 2)
    return [f"documents/files/{depth}{secret.as_posix().lstrip('/')}", f"{depth}{secret.as_posix().lstrip('/')}",
            secret.as_posix(), f"file://{secret.as_posix()}", "data/../../secret.txt", "documents/files/..\\..\\x",
            *([url] if url else [])]


@pytest.mark.parametrize("section", ["files", "data"])
def test_paths_outside_a_folder_site_are_refused_not_read(built: Path, tmp_path: Path, section: str) -> None:
    new = _copy(built, tmp_path / "new")
    secret, sha = _secret(tmp_path)
    m = _manifest(new)
    entries = _traversal_entries(secret, new)
    for rel in entries:
        m[section][rel] = {"document": "doc-plan", "sha256": sha} if section == "files" else sha
    _write_manifest(new, m)
    result = verify(built, new)
    assert result.code == 3, result.out
    for rel in entries:
        assert f"new site: 清单列出了站点之外的文件（{OUTSIDE}），未读取：{rel}" in result.out


def test_a_symlink_out_of_a_folder_site_is_refused(built: Path, tmp_path: Path) -> None:
    new = _copy(built, tmp_path / "new")
    outside = tmp_path / "elsewhere.txt"
    shutil.copyfile(new / "documents/files/plan.txt", outside)  # same bytes: only the link is wrong
    (new / "documents/files/plan.txt").unlink()
    os.symlink(outside, new / "documents/files/plan.txt")
    result = verify(built, new)
    assert result.code == 3 and f"{OUTSIDE}），未读取：documents/files/plan.txt" in result.out


class _Logged(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, logs every request path, and redirects /site/data/redirect-*.json."""

    log: list[str]
    redirects: ClassVar[dict[str, str]] = {}
    streams: ClassVar[dict[str, str]] = {}  # path → "endless" (bytes without end) or "drip" (a byte now and then)

    def do_GET(self) -> None:
        self.log.append(self.path)
        stream = self.streams.get(self.path)
        if stream:
            self._stream(stream)
            return
        target = self.redirects.get(self.path)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def _stream(self, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the body ends when the server closes
        try:
            for _ in range(100_000):
                self.wfile.write(b" " * 65536 if kind == "endless" else b" ")
                self.wfile.flush()
                if kind == "drip":
                    time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _server(root: Path, redirects: dict[str, str] | None = None,
            streams: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    log: list[str] = []
    handler = type("Handler", (_Logged,), {"log": log, "redirects": redirects or {}, "streams": streams or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_urls_outside_a_served_site_are_never_requested(built: Path, tmp_path: Path) -> None:
    """Two servers: the site under /site/ (with the secret one level up, at /secret.txt) and an
    "internal" one on another port. verify may request /site/… only, and follows no redirect out."""
    www = tmp_path / "www"
    _copy(built, www / "site")
    (www / "secret.txt").write_bytes(b"not part of any site\n")
    sha = hashlib.sha256(b"not part of any site\n").hexdigest()
    internal_root = tmp_path / "internal"
    internal_root.mkdir()
    (internal_root / "secret.txt").write_bytes(b"not part of any site\n")
    with _server(internal_root) as (internal, internal_log):
        redirects = {"/site/data/redirect-out.json": f"{internal}/secret.txt",
                     "/site/data/redirect-up.json": "/secret.txt",
                     "/site/data/redirect-file.json": "file:///etc/passwd"}
        with _server(www, redirects) as (host, log):
            m = _manifest(www / "site")
            outside = ["../secret.txt", "data/../../secret.txt", "data/%2e%2e/%2e%2e/secret.txt", "/secret.txt",
                       f"{internal}/secret.txt", f"{host}/secret.txt", "file:///etc/passwd", "//127.0.0.1/secret.txt"]
            for rel in outside:
                m["data"][rel] = sha
            for rel in redirects:
                m["data"][rel.removeprefix("/site/")] = sha
            _write_manifest(www / "site", m)
            result = verify(f"{host}/site/", f"{host}/site/")
    assert result.code == 3, result.out
    assert internal_log == []
    assert log and all(p.startswith("/site/") and ".." not in p for p in log), log
    for rel in outside:
        if "%2e" not in rel:
            assert f"清单列出了站点之外的文件（{OUTSIDE}），未读取：{rel}" in result.out
    # the encoded dots are a literal file name inside the site: requested there, quoted, and missing
    assert "data file data/%2e%2e/%2e%2e/secret.txt is listed in its manifest but missing" in result.out
    for target in (f"{internal}/secret.txt", f"{host}/secret.txt", "file:///etc/passwd"):
        assert f"（重定向到 {target}）" in result.out


def test_a_manifest_redirected_out_of_the_site_is_not_followed(built: Path, tmp_path: Path) -> None:
    with (
        _server(tmp_path) as (internal, internal_log),
        _server(tmp_path, {"/site/integrity/manifest.json": f"{internal}/anything"}) as (host, _log),
    ):
        result = verify(built, f"{host}/site/")
    assert result.code == 1 and "被重定向到站点之外" in result.err and internal_log == []


def test_endless_and_dripping_responses_are_cut_off(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import manifest

    monkeypatch.setattr(manifest, "DEADLINE", 2)
    _copy(built, tmp_path / "www/site")
    streams = {"/site/data/tasks/T-1.json": "endless", "/site/data/tasks/T-2.json": "drip"}
    with _server(tmp_path / "www", streams=streams) as (host, _log):
        started = time.monotonic()
        result = verify(built, f"{host}/site/")
    assert time.monotonic() - started < 60
    assert result.code == 3, result.out
    assert "data file data/tasks/T-1.json is listed in its manifest but missing" in result.out and "超过上限" in result.out
    assert "data file data/tasks/T-2.json is listed in its manifest but missing" in result.out and "超过 2 秒仍未读完" in result.out


def test_a_served_site_still_verifies(mini: Path, old_site: Path, tmp_path: Path) -> None:
    """Reading through the confined opener, a served rewritten complaint is named as from a folder."""
    edit(mini, "complaints/1.yaml", "fines_wan_yuan: 5.0", "fines_wan_yuan: 0.5")
    assert build(mini, tmp_path / "new").code == 0
    with serve(old_site, "old") as old_url, serve(tmp_path / "new", "new") as new_url:
        assert verify(old_url, old_url).code == 0
        result = verify(old_url, new_url)
    assert result.code == 3 and f"信访举报（complaint）{REF}：已公开的字段 fines_wan_yuan 被改写" in result.out


# -- odd manifests: "not a portal manifest", never a traceback ----------------------------------

def _real(built: Path) -> dict[str, Any]:
    return _manifest(built)


MALFORMED: dict[str, Any] = {
    "a list": b"[1, 2, 3]",
    "a string": b'"manifest"',
    "null": b"null",
    "format as text": lambda m: {**m, "format": "2"},
    "format true": lambda m: {**m, "format": True},
    "no events": lambda m: {k: v for k, v in m.items() if k != "events"},
    "events of numbers": lambda m: {**m, "events": [1, 2]},
    "event without key": lambda m: {**m, "events": [{k: v for k, v in e.items() if k != "key"} for e in m["events"]]},
    "event date a number": lambda m: {**m, "events": [{**e, "date": 20240101} for e in m["events"]]},
    "records a list": lambda m: {**m, "records": []},
    "complaint hash a number": lambda m: {**m, "records": {**m["records"], "complaints": {REF: 5}}},
    "fields a string": lambda m: {**m, "records": {**m["records"], "tasks": {"T-1": {"sha256": "0" * 64, "fields": "x"}}}},
    "files a list": lambda m: {**m, "files": ["documents/files/plan.txt"]},
    "file info a string": lambda m: {**m, "files": {"documents/files/plan.txt": "abc"}},
    "data hash a dict": lambda m: {**m, "data": {"data/tasks.csv": {}}},
    "no data": lambda m: {k: v for k, v in m.items() if k != "data"},
    "as_of not a date": lambda m: {**m, "as_of": "2026-13-45"},
    "a lone surrogate key": "lone-surrogate",
    "deep nesting": b"[" * 200_000 + b"]" * 200_000,
    "nested in a field": lambda m: {**m, "chain_head": json.loads("[" * 500 + "]" * 500)},
    "not UTF-8": b'{"format": 2, "as_of": "\xff\xfe"}',
    "NaN": b'{"format": NaN}',
    "truncated": b'{"format": 2, "events": [',
}


def _malformed(built: Path, name: str) -> bytes:
    value = MALFORMED[name]
    if isinstance(value, bytes):
        return value
    m = _real(built)
    if value == "lone-surrogate":
        text = json.dumps(m)
        return text.replace('"T-1": {', '"T-1\\ud800": {', 1).encode("ascii")
    return json.dumps(value(m)).encode("utf-8")


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_an_odd_manifest_is_not_a_portal_manifest(built: Path, tmp_path: Path, name: str) -> None:
    new = _copy(built, tmp_path / "new")
    (new / MANIFEST).write_bytes(_malformed(built, name))
    for old, other in ((built, new), (new, built)):
        result = verify(old, other)
        assert result.code == 1, result.out
        assert NOT_A_MANIFEST in result.err and "不是整改公开网站的完整性清单" in result.err
        assert "Traceback" not in result.err and len(result.err) < 3000


def test_a_huge_manifest_is_refused_without_reading_it(built: Path, tmp_path: Path) -> None:
    new = _copy(built, tmp_path / "new")
    with open(new / MANIFEST, "r+b") as f:
        f.truncate(1 << 30)  # 1 GiB, sparse
    result = verify(built, new)
    assert result.code == 1 and NOT_A_MANIFEST in result.err and "超过上限" in result.err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from(["0" * 64, "2026-11-01", "documents/files/plan.txt", "../x", "data/tasks.csv"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _paths(value: Any, here: tuple = ()) -> Iterator[tuple]:
    yield here
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*here, i))


def _mutate(m: Any, path: tuple, op: str, value: Any) -> Any:
    if not path:
        return value
    parent = m
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "rename" and isinstance(parent, dict):
        parent[str(value)[:50]] = parent.pop(last)
    else:
        parent[last] = value
    return m


@pytest.fixture(scope="module")
def scratch(built: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield _copy(built, Path(folder) / "site")


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert result.code in (0, 1, 3)
    assert "Traceback" not in result.out + result.err
    if result.code == 1:
        assert NOT_A_MANIFEST in result.err, result.err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_value_gives_a_clean_report(built: Path, scratch: Path, value: Any) -> None:
    (scratch / MANIFEST).write_text(json.dumps(value), encoding="utf-8")
    _clean(verify(built, scratch))
    _clean(verify(scratch, built))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_real_manifest_gives_a_clean_report(built: Path, scratch: Path, data: st.DataObject) -> None:
    m = _real(built)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(m))
        path = data.draw(st.sampled_from(paths))
        m = _mutate(m, path, data.draw(st.sampled_from(["replace", "delete", "rename"])) if path else "replace",
                    data.draw(json_values))
    (scratch / MANIFEST).write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    _clean(verify(built, scratch))
    _clean(verify(scratch, built))


def test_the_manifest_has_a_line_per_record_and_per_event(built: Path) -> None:
    """Two days' manifests compare line by line: each record and each event on a line of its own."""
    data = _manifest(built)
    lines = (built / MANIFEST).read_text(encoding="utf-8").splitlines()
    records = sum(len(ids) for ids in data["records"].values())
    assert records > 10 and data["events"]
    for kind, ids in data["records"].items():
        for key, entry in ids.items():
            line = f"   {json.dumps(key, ensure_ascii=False)}: {json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(',', ':'))}"
            assert line in lines or line + "," in lines, (kind, key)
    for event in data["events"]:
        line = "  " + json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert line in lines or line + "," in lines, event["key"]
