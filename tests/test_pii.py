"""Issue 13, personal data: the guard normalises before matching, scans everything that can reach the
site, lets legitimate long numbers through, shows and writes only masked values, and asks a person to
acknowledge names and house addresses (content/pii-reviewed.yaml)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from pathlib import Path

import pytest
from conftest import AS_OF, check, edit, portal
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import pii

SUMMARY = "summary: 某河道有污水直排。"
SUMMARY_LINE = "content/complaints/1.yaml:21: complaints[1].summary:"


def squeezed(text: str) -> str:
    """``text`` normalised, Chinese numerals as digits, and only letters and digits kept: what a
    reader could put together from it."""
    norm = pii.normalise(text).text.translate(str.maketrans(pii.NUMERALS))
    return "".join(c for c in norm if c.isascii() and c.isalnum())


# -- what must be found: (name, as written, kind, the secret that the mask must hide) ----------------

LEAKS = [
    ("mobile", "13812345678", "mobile", "13812345678"),
    ("mobile-dots", "138.1234.5678", "mobile", "13812345678"),
    ("mobile-hyphen-u2010", "138‐1234‐5678", "mobile", "13812345678"),
    ("mobile-non-breaking-hyphen", "138‑1234‑5678", "mobile", "13812345678"),
    ("mobile-figure-dash", "138‒1234‒5678", "mobile", "13812345678"),
    ("mobile-en-dash", "138–1234–5678", "mobile", "13812345678"),
    ("mobile-em-dash", "138—1234—5678", "mobile", "13812345678"),
    ("mobile-bar", "138―1234―5678", "mobile", "13812345678"),
    ("mobile-minus", "138−1234−5678", "mobile", "13812345678"),
    ("mobile-small-hyphen", "138﹣1234﹣5678", "mobile", "13812345678"),
    ("mobile-full-width-hyphen", "138－1234－5678", "mobile", "13812345678"),
    ("mobile-slashes", "138/1234/5678", "mobile", "13812345678"),
    ("mobile-odd-grouping", "13 812 345 678", "mobile", "13812345678"),
    ("mobile-several-spaces", "138   1234   5678", "mobile", "13812345678"),
    ("mobile-no-break-spaces", "138\u00a01234\u00a05678", "mobile", "13812345678"),
    ("mobile-ideographic-spaces", "138\u30001234\u30005678", "mobile", "13812345678"),
    ("mobile-zero-width", "138\u200b1234\u200d5678", "mobile", "13812345678"),
    ("mobile-word-joiner", "1\u20603812345678", "mobile", "13812345678"),
    ("mobile-full-width", "１３８１２３４５６７８", "mobile", "13812345678"),
    ("mobile-mixed-width", "13８1234５６７8", "mobile", "13812345678"),
    ("mobile-digit-by-digit", "1 3 8 1 2 3 4 5 6 7 8", "mobile", "13812345678"),
    ("mobile-chinese-numerals", "一三八一二三四五六七八", "mobile", "13812345678"),
    ("mobile-yao", "幺三八幺二三四五六七八", "mobile", "13812345678"),
    ("mobile-ling", "一三九零零零零一二三四", "mobile", "13900001234"),
    ("mobile-capital-numerals", "壹叁捌壹贰叁肆伍陆柒捌", "mobile", "13812345678"),
    ("mobile-mixed-numerals", "138一二三四5678", "mobile", "13812345678"),
    ("mobile-circled", "①③⑧①②③④⑤⑥⑦⑧", "mobile", "13812345678"),
    ("mobile-plus86", "+86 139-1234-5678", "mobile", "13912345678"),
    ("mobile-0086", "0086 13912345678", "mobile", "13912345678"),
    ("mobile-86-brackets", "(+86)13912345678", "mobile", "13912345678"),
    ("landline-area-code", "0731-84561234", "landline", "84561234"),
    ("landline-no-separator", "073184561234", "landline", "84561234"),
    ("landline-brackets", "(020)87654321", "landline", "87654321"),
    ("landline-full-width-brackets", "（０２０）８７６５４３２１", "landline", "87654321"),
    ("landline-spaces", "0751 1234567", "landline", "1234567"),
    ("landline-plus86", "+86 20 8765 4321", "landline", "87654321"),
    ("landline-extension", "0751-8123456-123", "landline", "8123456"),
    ("landline-without-area-code", "电话87654321", "landline", "87654321"),
    ("landline-seven-digits-after-座机", "座机 8765432", "landline", "8765432"),
    ("id", "11010519491231002X", "id", "19491231"),
    ("id-lower-x", "11010519491231002x", "id", "19491231"),
    ("id-spaces", "110105 19491231 002X", "id", "19491231"),
    ("id-wrong-check-digit", "110105194912310021", "id", "19491231"),
    ("id-full-width", "１１０１０５１９４９１２３１００２Ｘ", "id", "19491231"),
    ("id-old-15", "110105491231002", "id", "491231"),
    ("card", "6222021234567890128", "card", "622202123456789"),
    ("card-grouped", "6222 0212 3456 7890 128", "card", "622202123456789"),
    ("card-dashes", "6222-0212-3456-7890-128", "card", "622202123456789"),
    ("email", "zhang.san@example.com", "email", "hangsan"),
    ("email-full-width-at", "zhangsan＠example．com", "email", "hangsan"),
    ("email-ideographic-stop", "zhangsan@example。com", "email", "hangsan"),
    ("email-at-brackets", "zhangsan(at)example(dot)com", "email", "hangsan"),
    ("email-at-square", "zhangsan[at]example.com", "email", "hangsan"),
    ("email-aite-dian", "zhangsan艾特qq点com", "email", "hangsan"),
    ("email-spaced-at", "zhangsan at example dot com", "email", "hangsan"),
    ("wechat-id", "微信号 zhang_san88", "wechat", "hangsan88"),
    ("wechat-colon", "微信：wxid_abc123", "wechat", "xidabc123"),
    ("wechat-wx", "wx:lisi2024", "wechat", "isi2024"),
    ("qq-number", "QQ号 12345678", "qq", "3456"),
    ("qq-colon", "QQ：2234567", "qq", "345"),
    ("plate", "粤A12345", "plate", "A12345"),
    ("plate-dot", "粤A·12345", "plate", "A12345"),
    ("plate-new-energy", "粤AD12345", "plate", "AD12345"),
]


@pytest.mark.parametrize("written, kind, secret", [c[1:] for c in LEAKS], ids=[c[0] for c in LEAKS])
def test_each_writing_is_found_and_its_mask_hides_it(written: str, kind: str, secret: str) -> None:
    text = f"群众反映：{written}，请核实。"
    found = pii.find(text)
    assert [m.kind for m in found] == [kind], found
    m = found[0]
    assert text[m.start: m.end] == m.text
    assert secret not in squeezed(m.masked)
    masked_text = text[: m.start] + m.masked + text[m.end:]
    assert pii.find(masked_text) == []
    assert secret not in squeezed(masked_text)


LEGITIMATE = [
    "总投资13800000000元",
    "总投资 138 0000 0000 元",
    "项目投资1.38亿元",
    "罚款13800000000万元",
    "年产18600000000吨",
    "处理18600000000 吨",
    "土方13800000000立方米",
    "面积18600000000平方米",
    "回收13912345678千克",
    "收集13912345678公斤",
    "流转13912345678亩",
    "造林13912345678公顷",
    "浓度0.0512345678mg/L",
    "浓度为0.05123456789 mg/m3",
    "读数13812345678.5",
    "测得 0.5 1.2 3.4 5.6 7.8 9.0",
    "测环罚〔2023〕12345678号",
    "粤环罚〔2024〕1380012345号",
    "〔2023〕13812345678号",
    "案件编号：13812345678",
    "决定书编号 6222021234567890128",
    "文号：0731845612345",
    "2023年5月12日",
    "20230512",
    "2021.10.12-2023.12.31",
    "2021-10-12至2023-12-31",
    "联系时间：2023-05-12",
    "D3SX202505280018",
    "X3SX202505280018",
    "BCD2022092601",
    "D53250020230620035",
    "D2CS202105110001",
    "执行新GB3838-2002标准",
    "王某某反映",
    "首先生产线改造",
    "某企业办公室",
    "建设3栋厂房",
    "已公开的举报电话12369",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_numbers_and_words_pass(text: str) -> None:
    assert pii.find(f"经查，{text}，已整改。") == []


def test_two_numbers_side_by_side_are_two_matches() -> None:
    found = pii.find("电话138 1234 5678 13912345678")
    assert [(m.kind, m.masked) for m in found] == [("mobile", "138 **** 5678"), ("mobile", "139****5678")]


# -- through the command line: messages masked, --fix-pii masks every kind --------------------------

CLI = [c for c in LEAKS if c[0] in {
    "mobile-dots", "mobile-em-dash", "mobile-no-break-spaces", "mobile-digit-by-digit", "mobile-chinese-numerals",
    "mobile-full-width", "landline-no-separator", "landline-brackets", "landline-plus86", "landline-without-area-code",
    "id-spaces", "id-wrong-check-digit", "id-old-15", "card-grouped", "email-at-brackets", "email-aite-dian",
    "wechat-id", "qq-number", "plate-new-energy"}]


@pytest.mark.parametrize("written, kind, secret", [c[1:] for c in CLI], ids=[c[0] for c in CLI])
def test_message_is_masked_and_fix_pii_copy_passes(mini: Path, tmp_path: Path, written: str, kind: str,
                                                   secret: str) -> None:
    edit(mini, "complaints/1.yaml", SUMMARY, f"summary: 某河道有污水直排，举报人{written}。")
    result = check(mini)
    assert result.code == 2
    assert SUMMARY_LINE in result.err and "Traceback" not in result.err
    assert secret not in squeezed(result.err)  # the message leaks nothing, however it was written
    copy = tmp_path / "masked"
    fixed = portal("check", "--content", mini, "--as-of", AS_OF, "--fix-pii", copy)
    assert fixed.code == 0, fixed.err
    assert secret not in squeezed(fixed.err)
    line = next(x for x in (copy / "complaints/1.yaml").read_text(encoding="utf-8").splitlines() if "举报人" in x)
    assert secret not in squeezed(line)
    assert line.startswith("    summary: 某河道有污水直排，举报人") and line.endswith("。")  # the rest is kept


def test_a_landline_without_separators_is_never_printed_in_full(mini: Path) -> None:
    # the defect class: a mask that kept every digit it could not split; every message now masks
    edit(mini, "complaints/1.yaml", SUMMARY, "summary: 某河道有污水直排，电话075187654321。")
    result = check(mini)
    assert result.code == 2 and "0751****4321" in result.err and "87654321" not in result.err


# -- everything that reaches the site is scanned -------------------------------------------------------

def test_reference_numbers_are_scanned(mini: Path) -> None:
    assert check(mini).code == 0  # D2CS202105110001 and X2CS202105100002: ordinary refs pass
    edit(mini, "complaints/1.yaml", "ref: X2CS202105100002", "ref: X13812345678")
    result = check(mini)
    assert result.code == 2 and "complaints[1].ref: 疑似手机号码：138****5678" in result.err
    edit(mini, "complaints/1.yaml", "ref: X13812345678", "ref: JB11010519491231002X")
    result = check(mini)
    assert result.code == 2 and "complaints[1].ref: 疑似身份证号：110105********002X" in result.err


def test_inspections_are_scanned(tmp_path: Path) -> None:
    """An inspection's fields (its title, team and the paragraph on its page) are published like any other."""
    import shutil

    from conftest import ROUNDS

    content = tmp_path / "content"
    shutil.copytree(ROUNDS, content)
    assert check(content).code == 0
    edit(content, "inspections/r3.yaml", "short: 第三轮", "short: 第三轮\ndescription: 群众来电反映，联系人手机13812345678。")
    result = check(content)
    assert result.code == 2 and "13812345678" not in result.err
    assert "inspections/r3.yaml" in result.err and "description: 疑似手机号码：138****5678" in result.err


def test_page_file_names_are_scanned(mini: Path) -> None:
    (mini / "pages/about.md").rename(mini / "pages/13812345678.md")
    result = check(mini)
    assert result.code == 2
    assert "13812345678" not in result.err  # not even in the location
    assert "content/pages/138****5678.md: 文件名: 疑似手机号码：138****5678" in result.err


def _register(content: Path, name: str, data: bytes) -> None:
    (content / "documents" / name).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    with open(content / "documents.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"- id: doc-x\n  number: 测环函〔2023〕99号\n  title: 附件\n  file: {name}\n  sha256: {digest}\n")


def test_text_document_bytes_are_scanned(mini: Path) -> None:
    _register(mini, "annex.txt", "第一行\n第二行\n举报人 138 1234 5678\n".encode())
    result = check(mini)
    assert result.code == 2
    assert "content/documents/annex.txt:3: 文件内容: 疑似手机号码：138 **** 5678" in result.err


def test_a_document_linked_inside_content_is_scanned(mini: Path) -> None:
    """A symbolic link that stays inside content/ is published (the load stage allows it), so its target is scanned."""
    data = "第一行\n联系人 139-1234-5678\n".encode()
    (mini / "documents" / "real").mkdir()
    (mini / "documents" / "real" / "annex.txt").write_bytes(data)
    (mini / "documents" / "annex.txt").symlink_to(Path("real") / "annex.txt")
    with open(mini / "documents.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"- id: doc-x\n  number: 测环函〔2023〕99号\n  title: 附件\n  file: annex.txt\n"
                 f"  sha256: {hashlib.sha256(data).hexdigest()}\n")
    result = check(mini)
    assert result.code == 2
    assert "content/documents/annex.txt:2: 文件内容: 疑似手机号码：139-****-5678" in result.err


def test_document_file_names_are_scanned(mini: Path) -> None:
    _register(mini, "zhang-13812345678.txt", b"ok")
    result = check(mini)
    assert result.code == 2 and "文件名: 疑似手机号码：138****5678" in result.err


def _pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says ``text`` (Helvetica, ASCII)."""
    stream = f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 100]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
               b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_is_scanned(mini: Path) -> None:
    _register(mini, "annex.pdf", _pdf("Complainant: zhangsan(at)example.com, tel 139-1234-5678"))
    result = check(mini)
    assert result.code == 2
    assert "content/documents/annex.pdf: 文件内容（第1页）: 疑似手机号码：139-****-5678" in result.err
    assert "疑似电子邮箱地址：z***(at)example.com" in result.err


def test_a_pdf_that_cannot_be_parsed_is_a_warning_not_a_crash(mini: Path, caplog: pytest.LogCaptureFixture) -> None:
    _register(mini, "broken.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8)
    with caplog.at_level(logging.WARNING, logger="generator.check.pii"):
        result = check(mini)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert any("content/documents/broken.pdf" in r.getMessage() and "未能检查个人信息" in r.getMessage()
               for r in caplog.records)


def test_only_regular_files_are_read(mini: Path) -> None:
    # a FIFO would hang a reader that opened it; it is skipped without being opened (the load stage refuses it)
    fifo = mini / "documents" / "pipe.txt"
    os.mkfifo(fifo)
    scan = pii.Scan()
    assert pii._document_text(mini, fifo, pii.Location("x"), scan) is None
    assert scan.unscanned == []


# -- names and house addresses: acknowledged in content/pii-reviewed.yaml --------------------------------

REVIEW = [
    ("name-xiansheng", "张先生", "name"),
    ("name-nvshi", "李女士", "name"),
    ("name-laoshi", "王老师", "name"),
    ("name-shifu", "刘师傅", "name"),
    ("address-room", "人民路12号401室", "address"),
    ("address-building", "阳光小区3栋2单元501室", "address"),
    ("address-chinese-numerals", "三栋二单元五零一室", "address"),
    ("address-doorplate", "门牌号12", "address"),
]


@pytest.mark.parametrize("written, kind", [c[1:] for c in REVIEW], ids=[c[0] for c in REVIEW])
def test_names_and_addresses_stop_the_build_until_acknowledged(mini: Path, tmp_path: Path, written: str, kind: str) -> None:
    edit(mini, "complaints/1.yaml", SUMMARY, f"summary: 某河道有污水直排，{written}反映。")
    result = check(mini)
    assert result.code == 2 and SUMMARY_LINE in result.err
    assert "须人工确认" in result.err and "pii-reviewed.yaml" in result.err
    digest = re.search(r"sha256: ([0-9a-f]{64})", result.err).group(1)  # type: ignore[union-attr]
    assert any(hashlib.sha256(written[a:b].encode("utf-8")).hexdigest() == digest
               for a in range(len(written)) for b in range(a + 1, len(written) + 1))  # of the text as written
    fixed = portal("check", "--content", mini, "--as-of", AS_OF, "--fix-pii", tmp_path / "masked")
    assert fixed.code == 0, fixed.err
    (mini / "pii-reviewed.yaml").write_text(
        f"- file: complaints/1.yaml\n  field: complaints[1].summary\n  sha256: {digest}\n"
        "  reviewed_by: 审核员甲\n  reason: 企业负责人，已在企业信息公示中公开\n", encoding="utf-8")
    assert check(mini).code == 0, check(mini).err


def test_an_acknowledgement_by_text_and_a_stale_one(mini: Path) -> None:
    edit(mini, "complaints/1.yaml", SUMMARY, "summary: 某河道有污水直排，张先生反映。")
    reviewed = mini / "pii-reviewed.yaml"
    reviewed.write_text("- {file: content/complaints/1.yaml, field: 'complaints[1].summary', text: 张先生, "
                        "reviewed_by: 甲, reason: 同意公开}\n", encoding="utf-8")
    assert check(mini).code == 0
    edit(mini, "complaints/1.yaml", "张先生", "某群众")
    result = check(mini)
    assert result.code == 2
    assert "content/pii-reviewed.yaml:1: 这一条（content/complaints/1.yaml 的 complaints[1].summary）已不对应任何待确认的内容" in result.err


@pytest.mark.parametrize("text, message", [
    ("- {file: a.yaml}\n", "缺少 field、reviewed_by、reason、text 或 sha256"),
    ("just: a mapping\n", "应为一个列表"),
    ("- [1, 2]\n", "应为一个映射"),
    ("- {file: a, field: b, sha256: xyz, reviewed_by: c, reason: d}\n", "不是 64 位十六进制的 SHA-256 摘要"),
    ("- {file: a, field: b, text: c, reviewed_by: c, reason: d, extra: 1}\n", "未知的键：extra"),
    ("- {file: a\n", "YAML"),
])
def test_a_bad_reviewed_file_is_a_message(mini: Path, text: str, message: str) -> None:
    (mini / "pii-reviewed.yaml").write_text(text, encoding="utf-8")
    result = check(mini)
    assert result.code == 2 and "content/pii-reviewed.yaml" in result.err and message in result.err
    assert "Traceback" not in result.err


# -- property-based: generated values in generated writings ---------------------------------------------

_SEPARATORS = st.sampled_from(["", " ", "  ", "-", ".", "/", "\u00a0", "\u3000", "\u200b", "\u2060", "‐", "–", "—",
                               "−", "﹣", "－", "·", " - "])
_CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(lambda c: c not in pii.NUMERALS),
               max_size=6)
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_CHINESE = str.maketrans("0123456789", "〇一二三四五六七八九")


def _written(digits: str, data: st.DataObject) -> str:
    """``digits`` written the way a clerk might: grouped with separators, some digits full-width or Chinese."""
    out = []
    i = 0
    style = data.draw(st.sampled_from(["ascii", "full", "chinese", "mixed"]))
    sep = data.draw(_SEPARATORS)
    dotted = sep.strip() in (".", "·")  # one dot reads as a decimal point (130.00000000): dotted numbers have groups
    while i < len(digits):
        size = data.draw(st.integers(3, 5)) if dotted or data.draw(st.booleans()) else len(digits)
        part = digits[i: i + size]
        if style == "full" or (style == "mixed" and data.draw(st.booleans())):
            part = part.translate(_FULL)
        elif style == "chinese":
            part = part.translate(_CHINESE)
        out.append(part)
        i += size
    if dotted and len(out) < 3:
        return "".join(out)
    return sep.join(out)


def _surrounded(value: str, data: st.DataObject) -> str:
    return data.draw(_CJK) + "：" + value + "。" + data.draw(_CJK)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.data())
def test_generated_mobiles_are_found_and_hidden(second: str, rest: str, data: st.DataObject) -> None:
    digits = f"1{second}{rest}"
    text = _surrounded(_written(digits, data), data)
    found = pii.find(text)
    assert [m.kind for m in found] == ["mobile"], (text, found)
    masked = pii.mask_text(text, found)
    assert pii.find(masked) == []
    assert digits not in squeezed(masked)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["110105", "440106", "320102", "510104"]), st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)),
       st.text("0123456789", min_size=3, max_size=3), st.booleans(), st.data())
def test_generated_ids_are_found_and_hidden(region: str, born: dt.date, seq: str, right_check: bool, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    body = f"{region}{born:%Y%m%d}{seq}"
    check_char = "10X98765432"[sum(int(c) * w for c, w in zip(body, pii.ID_WEIGHTS)) % 11]
    if not right_check:
        check_char = next(c for c in "0123456789" if c != check_char)
    value = body + check_char
    text = _surrounded(_written(value, data) if value[-1] != "X" else _written(body, data) + "X", data)
    found = pii.find(text)
    assert [m.kind for m in found] == ["id"], (text, found)
    masked = pii.mask_text(text, found)
    assert pii.find(masked) == []
    assert f"{born:%Y%m%d}" not in squeezed(masked)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["6222", "6217", "6228", "4367", "5187"]), st.integers(12, 15), st.data())
def test_generated_cards_are_found_and_hidden(bin_: str, rest_length: int, data: st.DataObject) -> None:
    body = bin_ + data.draw(st.text("0123456789", min_size=rest_length - 1, max_size=rest_length - 1))
    digits = body + next(d for d in "0123456789" if pii.luhn_ok(body + d))
    grouped = " ".join(digits[i: i + 4] for i in range(0, len(digits), 4)) if data.draw(st.booleans()) else digits
    text = _surrounded(grouped, data)
    found = pii.find(text)
    assert len(found) == 1 and found[0].kind in ("card", "id"), (text, found)
    masked = pii.mask_text(text, found)
    assert pii.find(masked) == [] and digits[:-4] not in squeezed(masked)


_LOCAL = st.from_regex(r"[a-z][a-z0-9]{3,10}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(_LOCAL, st.sampled_from(["163", "qq", "example", "mail-box"]), st.sampled_from(["com", "cn", "net"]),
       st.sampled_from(["@", "＠", "(at)", "[at]", "（at）", " at ", "艾特"]), st.sampled_from([".", "．", "。", "(dot)", "点", " dot "]),
       st.data())
def test_generated_emails_are_found_and_hidden(local: str, domain: str, tld: str, at: str, dot: str, data: st.DataObject) -> None:
    text = _surrounded(f"{local}{at}{domain}{dot}{tld}", data)
    found = pii.find(text)
    assert [m.kind for m in found] == ["email"], (text, found)
    masked = pii.mask_text(text, found)
    assert pii.find(masked) == [] and local[1:] not in masked


_UNITS = ["元", "万元", "亿元", "吨", "万吨", "立方米", "平方米", "千克", "公斤", "亩", "公顷", "mg/L", "mg/m3", "kg", "米", "户", "人次"]


@settings(max_examples=300, deadline=None)
@given(st.integers(10**6, 10**19), st.sampled_from(_UNITS), st.sampled_from(["", " "]), _CJK)
def test_generated_quantities_with_units_pass(number: int, unit: str, space: str, before: str) -> None:
    assert pii.find(f"{before}共{number}{space}{unit}，") == []


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999), st.text("0123456789", min_size=6, max_size=12), st.sampled_from(_UNITS + [""]))
def test_generated_decimals_pass(whole: int, fraction: str, unit: str) -> None:
    assert pii.find(f"检测值为{whole}.{fraction}{unit}，") == []


@settings(max_examples=200, deadline=None)
@given(st.integers(2000, 2030), st.integers(1, 10**12), st.sampled_from(["〔{y}〕{n}号", "[{y}]{n}号", "（{y}）{n}号"]),
       st.sampled_from(["测环罚", "粤环罚", "某环函", ""]))
def test_generated_document_numbers_pass(year: int, number: int, form: str, prefix: str) -> None:
    assert pii.find(f"依据{prefix}{form.format(y=year, n=number)}文件") == []


# -- speed: the pre-filter keeps ordinary text cheap ------------------------------------------------------

@pytest.mark.parametrize("text, worth", [
    ("某厂夜间生产噪声扰民，2021年5月12日群众反映，废气异味明显（已整改）。", False),
    ("经查，该企业已于2023年底完成整改。", False),
    ("电话１３８ １２３４ ５６７８", True),
    ("电话1\u200b3\u200b8\u200b1234 5678", True),
    ("一三八一二三四五六七八", True),
    ("2021-05-12", True),
    ("邮箱 a(at)b.com", True),
    ("张先生", True),
    ("车牌粤A12345", True),
])
def test_the_pre_filter_skips_only_text_without_candidates(text: str, worth: bool) -> None:
    assert pii._worth_scanning(text) is worth


_FUZZ_ALPHABET = ("0123456789０１２３一三八零幺两 -.·/()（）〔〕+@＠atdoXx微信号QQwx:：粤A元吨号张先生路栋单元室"
                  "\u200b\u00a0\u3000—")


@settings(max_examples=1000, deadline=None)
@given(st.text(_FUZZ_ALPHABET, max_size=60))
def test_masking_what_was_found_leaves_nothing_to_find(text: str) -> None:
    found = pii.find(text)
    assert pii.find(pii.mask_text(text, found)) == []
