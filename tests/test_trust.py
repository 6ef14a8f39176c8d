"""Issue 7, trust: integrity findings, the tamper-evidence manifest and `portal verify`, the
personal-data guard."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build, check, edit, portal, serve, with_counts

AS_OF = "2026-11-01"


def text_of(html_file: Path, as_of: str | None = None) -> str:
    """The page's main text; with ``as_of``, with its day counts as the browser writes them for that date."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    if as_of:
        with_counts(soup, as_of)
    return " ".join(soup.find("main").get_text(" ").split())


# -- integrity findings that stop the build --------------------------------------------------

FINDINGS = [
    ("same-number-other-title", "documents.yaml", "number: 测环函〔2023〕9号\n  title: 关于第1项整改任务验收意见的函",
     "number: 测环〔2021〕1号\n  title: 关于第1项整改任务验收意见的函",
     ["content/documents.yaml:9: number: 文号 '测环〔2021〕1号' 也是文件 'doc-plan'（content/documents.yaml:2）的文号", "两者的 title、issuer、issued_on、sha256 不同"]),
    ("same-number-other-brackets", "documents.yaml", "number: 测环函〔2023〕9号", "number: 测环[2021]1号",
     ["content/documents.yaml:9: number: 文号 '测环[2021]1号' 也是文件 'doc-plan'"]),
    ("document-after-entry", "documents.yaml", "issued_on: 2023-12-01", "issued_on: 2023-12-05",
     ["content/tasks/T-1.yaml:17: history[2].documents: 文件 'doc-accept' 的日期是 2023-12-05，晚于这条记录（2023-12-01）"]),
    ("deadline-before-plan", "tasks/T-2.yaml", "deadline: 2024-06-30", "deadline: 2021-07-31",
     ["content/tasks/T-2.yaml:8: deadline: 整改时限 2021-07-31 早于规定它的整改方案的批准日期（2021-10-20）"]),
    ("rebound", "tasks/T-1.yaml", "status: accepted, note: 验收通过", "status: in_progress, note: 验收未通过",
     [("content/tasks/T-1.yaml:17: history[2].status: 'completed' 不能变为 'in_progress'：已完成的工作又回到整改，"
       "却没有 'reopened' 记录（反弹）"), "添加一条 'reopened' 记录并写明原因"]),
    ("reopened-without-reason", "tasks/T-1.yaml", "status: closed, announcement: N-1}",
     "status: closed, announcement: N-1}\n  - {date: 2024-03-01, status: reopened}",
     ["content/tasks/T-1.yaml:19: history[4].note: 'closed' 之后重新整改（反弹），却没有写明原因"]),
    ("correction-without-reason", "tasks/T-2.yaml", "note: 进度滞后,", "note: 进度滞后, correction: '',",
     ["content/tasks/T-2.yaml:11: history[1].correction: 必须写明理由"]),
]


@pytest.mark.parametrize("file, old, new, expected", [c[1:] for c in FINDINGS], ids=[c[0] for c in FINDINGS])
def test_integrity_errors_stop_the_build(mini: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    assert check(mini).code == 0
    edit(mini, file, old, new)
    result = check(mini)
    assert result.code == 2, result.err
    for fragment in expected:
        assert fragment in result.err, result.err
    assert "Traceback" not in result.err


def test_deadline_before_the_plan_document(mini: Path) -> None:
    edit(mini, "site.yaml", "approved_on: 2021-10-20", "approved_on: 2021-06-01")
    edit(mini, "tasks/T-2.yaml", "deadline: 2024-06-30", "deadline: 2021-07-31")
    result = check(mini)
    assert result.code == 2
    assert "content/tasks/T-2.yaml:8: deadline: 整改时限 2021-07-31 早于整改方案文件 doc-plan" in result.err
    edit(mini, "tasks/T-2.yaml", "deadline: 2021-07-31", "deadline: 2021")  # a bare year: the end of 2021
    assert check(mini).code == 0


def test_reopened_with_reason_and_correction_back_to_work_are_accepted(mini: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "status: closed, announcement: N-1}",
           "status: closed, announcement: N-1}\n  - {date: 2024-03-01, status: reopened, note: 问题反弹}")
    assert check(mini).code == 0
    # finished work back to 整改中 is refused without a reason, accepted as a correction of a wrong entry
    late = "on_schedule: false}"
    edit(mini, "tasks/T-2.yaml", late, late + "\n  - {date: 2024-06-01, status: completed, note: 完成}"
                                              "\n  - {date: 2024-06-10, status: in_progress, note: 继续整改}")
    refused = check(mini)
    assert refused.code == 2 and "'completed' 不能变为 'in_progress'" in refused.err
    edit(mini, "tasks/T-2.yaml", "note: 继续整改}", "note: 继续整改, correction: 6月1日误记为已完成}")
    assert check(mini).code == 0


def test_public_flags_on_task_pages_and_checks_page(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "deadline: 2023-12-31", "deadline: 2023-06-30")  # completed 2023-11-01: late
    output = tmp_path / "output"
    assert build(mini, output).code == 0

    t1, t2 = text_of(output / "tasks/T-1/index.html"), text_of(output / "tasks/T-2/index.html", AS_OF)
    assert "逾期完成" in t1 and "长期未更新" not in t1
    assert "已逾期 854 天" in t2  # due 2024-06-30, still in progress on 2026-11-01
    assert "长期未更新" in t2 and "2024年5月1日" in t2 and "已 914 天未更新" in t2
    static = text_of(output / "tasks/T-2/index.html")  # without JavaScript: what stays true until the state moves
    assert "起 逾期 。" in static and "854" not in static and "已超过 180 天未更新" in static and "914" not in static
    listing = text_of(output / "tasks/index.html")
    assert "长期未更新" in listing

    page = output / "checks/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    def linked(section: str) -> list[str]:
        return [a["href"] for a in soup.find(id=section).find_all("a")]
    assert linked("overdue") == ["../tasks/T-2/"]
    assert linked("late") == ["../tasks/T-1/"]
    assert linked("stale") == ["../tasks/T-2/"]
    assert linked("behind") == ["../tasks/T-2/"]
    assert "逾期未完成（1）" in text_of(page) and "重新整改（反弹）（0）" in text_of(page)
    # linked from every page's footer
    home = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in home.select("footer a")}
    assert links["数据核查"] == "./checks/" and links["更正记录"] == "./corrections/"


def test_stale_counts_from_the_latest_entry_and_not_for_finished_tasks(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-2.yaml", "on_schedule: false}", "on_schedule: false}\n  - {date: 2026-06-01, status: in_progress, note: 继续推进}")
    output = tmp_path / "output"
    assert build(mini, output, "2026-11-28").code == 0  # 180 days after 2026-06-01: not yet
    assert "长期未更新" not in text_of(output / "tasks/T-2/index.html")
    assert build(mini, output, "2026-11-29").code == 0  # 181 days
    assert "已 181 天未更新" in text_of(output / "tasks/T-2/index.html", "2026-11-29")
    assert "长期未更新" not in text_of(output / "tasks/T-1/index.html")  # closed long ago: finished work is not stale


def test_corrections_page_lists_each_correction_with_its_reason(mini: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "status: closed, announcement: N-1}",
           "status: closed, announcement: N-1}\n  - {date: 2024-03-01, status: reopened, note: 抽查发现问题, "
           "correction: 2024年1月20日销号依据的验收资料不完整}")
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    page = output / "corrections/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("table.corrections tbody tr")
    assert len(rows) == 1
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[0] == "2024年3月1日" and "2024年1月20日销号依据的验收资料不完整" in cells[3]
    assert rows[0].find("a")["href"] == "../tasks/T-1/"
    assert "更正： 2024年1月20日销号依据的验收资料不完整" in text_of(output / "tasks/T-1/index.html")


# -- manifest and portal verify --------------------------------------------------------------

def _chain(events: list[dict]) -> str:
    """The chain as docs/trust.md describes it, computed independently."""
    head = "0" * 64
    for e in events:
        head = hashlib.sha256(f"{head}\n{e['key']}\n{e['sha256']}".encode()).hexdigest()
        assert e["chain"] == head
    return head


def test_manifest_covers_records_files_and_events_in_order(mini_site: Path) -> None:
    m = json.loads((mini_site / "integrity/manifest.json").read_text(encoding="utf-8"))
    assert m["as_of"] == AS_OF
    assert set(m["records"]["tasks"]) == {"T-1", "T-2"}
    assert set(m["records"]["complaints"]) == {"D2CS202105110001", "X2CS202105100002"}
    assert set(m["records"]["notices"]) == {"N-1"} and set(m["records"]["documents"]) == {"doc-plan", "doc-accept"}
    published = mini_site / "documents/files/plan.txt"
    assert m["files"] == {"documents/files/plan.txt": {"document": "doc-plan", "sha256": hashlib.sha256(published.read_bytes()).hexdigest()}}
    keys = [e["key"] for e in m["events"]]
    assert "task/T-1/history/0/2022-01-10" in keys and "task/T-1/history/3/2024-01-20" in keys
    assert [e["date"] for e in m["events"]] == sorted(e["date"] for e in m["events"])  # oldest first
    assert _chain(m["events"]) == m["chain_head"]


def test_manifest_is_deterministic(mini: Path, tmp_path: Path) -> None:
    assert build(mini, tmp_path / "a").code == 0
    assert build(mini, tmp_path / "b").code == 0
    assert (tmp_path / "a/integrity/manifest.json").read_bytes() == (tmp_path / "b/integrity/manifest.json").read_bytes()


@pytest.fixture
def old_site(mini: Path, tmp_path: Path) -> Path:
    output = tmp_path / "old"
    assert build(mini, output).code == 0
    return output


def verify(old: Path | str, new: Path | str):  # type: ignore[no-untyped-def]
    return portal("verify", old, new)


def test_verify_clean_when_history_only_grows(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-2.yaml", "on_schedule: false}",
           "on_schedule: false}\n  - {date: 2026-10-01, status: in_progress, correction: 2024年5月1日记录的进度有误, note: 实际进度正常}")
    assert build(mini, tmp_path / "new", "2026-11-15").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 0, result.out
    assert "ok: every published event and document of the old site is unchanged" in result.out


def test_verify_names_a_changed_past_entry(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "note: 处理站投入运行", "note: 处理站提前投入运行")
    assert build(mini, tmp_path / "new").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 3
    assert "event changed: task/T-1/history/1/2023-11-01" in result.out
    assert "FAILED" in result.out


def test_verify_names_removed_and_redated_entries(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-2.yaml", "  - {date: 2024-05-01, status: in_progress, note: 进度滞后, on_schedule: false}\n", "")
    edit(mini, "tasks/T-1.yaml", "date: 2022-01-10", "date: 2022-01-11")
    assert build(mini, tmp_path / "new").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 3
    assert "event removed: task/T-2/history/1/2024-05-01" in result.out
    assert "event removed: task/T-1/history/0/2022-01-10" in result.out


def test_verify_names_a_document_added_to_a_past_entry(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "note: 处理站投入运行}", "note: 处理站投入运行, documents: [doc-plan]}")
    assert build(mini, tmp_path / "new").code == 0
    assert "event changed: task/T-1/history/1/2023-11-01" in verify(old_site, tmp_path / "new").out


def test_verify_names_a_replaced_document_file(mini: Path, old_site: Path, tmp_path: Path) -> None:
    (mini / "documents/plan.txt").write_bytes(b"a different plan\n")
    new_hash = hashlib.sha256(b"a different plan\n").hexdigest()
    edit(mini, "documents.yaml", "sha256: 2d295e5091740958e13f2aefd524fbbf3d1cfb8bb22eb62b81196ed3ebb15f3e", f"sha256: {new_hash}")
    assert build(mini, tmp_path / "new").code == 0
    result = verify(old_site, tmp_path / "new")
    assert result.code == 3
    assert "document doc-plan: file bytes changed (documents/files/plan.txt)" in result.out


def test_verify_detects_edits_after_the_build(old_site: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(old_site, new)
    (new / "documents/files/plan.txt").write_bytes(b"swapped on the server\n")
    manifest = new / "integrity/manifest.json"
    m = json.loads(manifest.read_text(encoding="utf-8"))
    m["events"][0]["sha256"] = "f" * 64
    manifest.write_text(json.dumps(m), encoding="utf-8")
    result = verify(old_site, new)
    assert result.code == 3
    assert "new site: document file documents/files/plan.txt does not match its manifest" in result.out
    assert f"new manifest: hash chain broken at event {m['events'][0]['key']}" in result.out


def test_verify_works_on_served_sites_and_reports_unreadable_ones(mini: Path, old_site: Path, tmp_path: Path) -> None:
    edit(mini, "tasks/T-1.yaml", "note: 处理站投入运行", "note: 改写")
    assert build(mini, tmp_path / "new").code == 0
    with serve(old_site, "old") as old_url, serve(tmp_path / "new", "new") as new_url:
        assert verify(old_url, old_url).code == 0
        result = verify(old_url, new_url)
    assert result.code == 3 and "event changed: task/T-1/history/1/2023-11-01" in result.out
    result = verify(old_site, tmp_path)
    assert result.code == 1 and "cannot read the manifest" in result.err and "Traceback" not in result.err


# -- personal data ---------------------------------------------------------------------------

PII = [
    ("mobile", "13812345678", "138****5678"),
    ("mobile-separated", "+86 139-1234-5678", "+86 139-****-5678"),
    ("landline", "0731-84561234", "0731-****1234"),
    ("landline-parentheses", "(020)87654321", "(020)****4321"),
    ("resident-id", "11010519491231002X", "110105********002X"),
    ("email", "zhang.san@example.com", "z***@example.com"),
    ("bank-card", "6222021234567890128", "***************0128"),
    ("full-width-mobile", "１３８１２３４５６７８", "１３８****５６７８"),
]


@pytest.mark.parametrize("value, masked", [c[1:] for c in PII], ids=[c[0] for c in PII])
def test_personal_data_fails_with_file_line_field(mini: Path, value: str, masked: str) -> None:
    edit(mini, "complaints/1.yaml", "summary: 某河道有污水直排。", f"summary: 某河道有污水直排，举报人{value}。")
    result = check(mini)
    assert result.code == 2
    assert "content/complaints/1.yaml:21: complaints[1].summary: 疑似" in result.err
    assert masked in result.err
    assert value not in result.err  # the message itself leaks nothing
    # masked as the message suggests, it passes
    edit(mini, "complaints/1.yaml", value, masked)
    assert check(mini).code == 0, check(mini).err


def test_a_wrong_check_character_is_still_an_id(mini: Path) -> None:
    # 11010519491231002X is valid (ISO 7064 MOD 11-2); with another check character it is a mistyped ID, still a
    # leak while its birth date (1949-12-31) is plausible; with an impossible birth date it is just a number
    edit(mini, "tasks/T-2.yaml", "note: 开展排查}", "note: 编号110105000012310021}")
    assert check(mini).code == 0
    for value in ("110105194912310021", "11010519491231002X"):
        edit(mini, "tasks/T-2.yaml", "110105000012310021" if value.endswith("21") else "110105194912310021", value)
        result = check(mini)
        assert result.code == 2
        assert "content/tasks/T-2.yaml:10: history[0].note:" in result.err and f"110105********{value[-4:]}" in result.err
        assert value not in result.err


def test_personal_data_in_markdown_is_reported_at_its_line(mini: Path) -> None:
    edit(mini, "pages/about.md", "本站为**测试数据**。", "本站为**测试数据**。\n\n第二段。\n\n联系人手机 13912345678")
    result = check(mini)
    assert result.code == 2
    assert "content/pages/about.md:9: body: 疑似手机号码：139****5678" in result.err


def test_contact_channels_are_allowed(mini: Path) -> None:
    # site.yaml's contact (0999-12345678, zhenggai@example.gov.cn) is published on purpose, also when repeated
    edit(mini, "pages/about.md", "本站为**测试数据**。", "本站为**测试数据**。异议请致电0999-12345678或发邮件至zhenggai@example.gov.cn。")
    edit(mini, "announcements/N-1.yaml", "documents: [doc-accept]", "documents: [doc-accept]\ncontact: {phone: 0999-7654321, email: n1@example.gov.cn}")
    assert check(mini).code == 0
    edit(mini, "pages/about.md", "0999-12345678", "0999-12345679")  # not a contact channel
    assert check(mini).code == 2


def test_fix_pii_writes_a_masked_copy_and_never_touches_the_original(mini: Path, tmp_path: Path) -> None:
    edit(mini, "complaints/1.yaml", "summary: 某河道有污水直排。", "summary: 某河道有污水直排，举报人13812345678，邮箱li@example.com。")
    original = (mini / "complaints/1.yaml").read_bytes()
    masked = tmp_path / "masked"
    result = portal("check", "--content", mini, "--as-of", AS_OF, "--fix-pii", masked)
    assert result.code == 0, result.err
    assert "已遮盖 content/complaints/1.yaml 中的 138****5678" in result.err
    assert (mini / "complaints/1.yaml").read_bytes() == original
    copy = (masked / "complaints/1.yaml").read_text(encoding="utf-8")
    assert "举报人138****5678，邮箱l***@example.com。" in copy and "13812345678" not in copy
    again = portal("check", "--content", mini, "--as-of", AS_OF, "--fix-pii", masked)
    assert again.code == 64 and "已存在" in again.err


@pytest.mark.slow  # scans every text of the whole sample
def test_sample_content_has_no_personal_data() -> None:
    from generator.check import pii
    from generator.load import reader as load

    content = load.load(Path(__file__).resolve().parent.parent / "content")
    assert pii.scan_content(content) == []
    assert content.site.contact.phone == "0999-12345678"  # a contact field: allowed


# -- property-based: the patterns and their masks --------------------------------------------

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import pii

_ID_BODY = st.text("0123456789", min_size=17, max_size=17)


def _id_with_check(body: str) -> str:
    total = sum(int(c) * w for c, w in zip(body, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]))
    return body + "10X98765432"[total % 11]


@settings(max_examples=200, deadline=None)
@given(_ID_BODY, st.sampled_from(["身份证号", "编号：", "", "证件 "]))
def test_every_valid_resident_id_is_found_and_its_mask_is_not(body: str, before: str) -> None:
    value = _id_with_check(body)
    found = pii.find(f"{before}{value}。")
    assert [(m.kind, m.text) for m in found] == [("id", value)]
    assert not pii.find(found[0].masked)
    wrong = body + next(c for c in "0123456789X" if c != value[-1])
    if not pii._plausible_id(wrong):  # a mistyped ID with a plausible birth date is still reported
        assert all(m.kind != "id" for m in pii.find(wrong))


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=15, max_size=18))
def test_every_luhn_valid_card_is_found(body: str) -> None:
    check = next(d for d in "0123456789" if pii.luhn_ok(body + d))
    value = body + check
    found = pii.find(f"卡号{value}")
    assert len(found) == 1 and found[0].kind in ("card", "id") and found[0].text == value
    assert not pii.find(found[0].masked)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.sampled_from(["", "-", " "]))
def test_every_mobile_number_is_found_and_masked(second: str, rest: str, sep: str) -> None:
    value = f"1{second}{rest[0]}{sep}{rest[1:5]}{sep}{rest[5:]}"
    found = pii.find(f"电话{value}，")
    assert [(m.kind, m.text) for m in found] == [("mobile", value)]
    assert found[0].masked.startswith(f"1{second}{rest[0]}") and found[0].masked.endswith(rest[5:])
    assert not pii.find(found[0].masked)
