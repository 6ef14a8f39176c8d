"""The complaint look-up in Chromium on a phone (390 × 844): with its index files blocked, opened from disk,
without JavaScript, and on the pages where people look for it (信访举报, its listings, the 404 page).

Expected references and addresses are read from the sample's content files (content/complaints/<round>/<n>.yaml)
and the documented layout: a complaint at complaints/<ref>/, a batch at complaints/batch/<round>/<n>/, a region's
complaints at complaints/region/<code>/, the site's absolute address in site.yaml's site_url.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import yaml
from conftest import SAMPLE, local_page, serve

PHONE = {"width": 390, "height": 844}
BATCH_FILE = SAMPLE / "complaints" / "r3" / "1.yaml"
BATCH = yaml.safe_load(BATCH_FILE.read_text(encoding="utf-8"))
COMPLAINT = BATCH["complaints"][1]  # D3JC202505260009
REF = COMPLAINT["ref"]
COMPLAINT_URL = f"complaints/{REF}/"
BATCH_URL = f"complaints/batch/r3/{BATCH['batch']}/"
REGION_URL = f"complaints/region/{COMPLAINT['region']}/"
SITE_PATH = urlsplit(yaml.safe_load((SAMPLE / "site.yaml").read_text(encoding="utf-8"))["site_url"]).path
MISSING = REF[:-4] + "9999"  # well-formed, in no content file
assert all(MISSING != c["ref"] for f in (SAMPLE / "complaints").rglob("*.yaml")
           for c in yaml.safe_load(f.read_text(encoding="utf-8"))["complaints"])


@pytest.fixture(scope="module")
def phone(browser, served):  # type: ignore[no-untyped-def]
    """One phone-sized context for the module, allowed to load only from the served site."""
    context, page, errors, foreign = local_page(browser, served, locale="zh-CN", viewport=PHONE)
    yield context, page
    context.close()
    assert not errors, errors
    assert not foreign, foreign


def look_up(page, field: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    page.fill(field, typed)
    page.press(field, "Enter")


def test_with_the_lookup_files_blocked_a_number_still_lands_on_its_page(phone, served) -> None:  # type: ignore[no-untyped-def]
    context, page = phone
    blocked: list[str] = []

    def block(route) -> None:  # type: ignore[no-untyped-def]
        blocked.append(route.request.url)
        route.abort()

    context.route("**/lookup/*.json", block)
    try:
        page.goto(served + "search/")
        look_up(page, "#ref-search", " " + REF.lower() + " ")
        page.wait_for_url(served + COMPLAINT_URL, timeout=15000)
        assert REF in page.locator("h1").inner_text()
        assert blocked == [served + f"lookup/{REF[-2:].lower()}.json"]
    finally:
        context.unroute("**/lookup/*.json", block)


def test_a_real_miss_says_not_found_and_stays(phone, served) -> None:  # type: ignore[no-untyped-def]
    _, page = phone
    page.goto(served + "complaints/")
    look_up(page, "#ref-complaints", MISSING)
    message = page.locator("#ref-complaints ~ .lookup-message")
    message.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('.lookup-message').innerText.includes('没有找到')")
    assert f"没有找到受理编号为「{MISSING}」的信访举报" in message.inner_text()
    assert page.url == served + "complaints/"


def test_the_lookup_box_is_on_the_complaint_section_and_its_listings(phone, served) -> None:  # type: ignore[no-untyped-def]
    _, page = phone
    for url, field in (("complaints/", "#ref-complaints"), (BATCH_URL, "#ref-list"), (REGION_URL, "#ref-list")):
        page.goto(served + url)
        box = page.locator(field).bounding_box()
        assert box and box["width"] >= 150 and box["height"] >= 30, (url, box)  # a box a thumb can use
        help_text = page.locator(f"{field}-help").inner_text()
        assert all(s in help_text for s in ("D（来电）", "X（来信）", "W（网络）")), help_text
        assert page.locator(field).get_attribute("inputmode") == "text"
    page.goto(served + BATCH_URL)
    look_up(page, "#ref-list", REF)
    page.wait_for_url(served + COMPLAINT_URL)


def test_a_missing_address_deep_in_the_site_shows_a_styled_404_page_with_the_lookup(browser, sample_site) -> None:  # type: ignore[no-untyped-def]
    with serve(sample_site, SITE_PATH.strip("/"), not_found=True) as site:
        context, page, errors, foreign = local_page(browser, site, locale="zh-CN", viewport=PHONE)
        try:
            response = page.goto(site + "complaints/batch/r3/no-such-page/")
            assert response is not None and response.status == 404
            assert "找不到这个页面" in page.locator("h1").inner_text()
            # the style sheet loaded at that depth: the label sits left of the box, on its row
            label, field = page.locator("label[for=ref-notfound]").bounding_box(), page.locator("#ref-notfound").bounding_box()
            assert label and field and field["width"] >= 150, (label, field)
            assert label["x"] + label["width"] <= field["x"] and field["y"] <= label["y"] <= field["y"] + field["height"]
            look_up(page, "#ref-notfound", REF)
            page.wait_for_url(site + COMPLAINT_URL)
            page.goto(site + "complaints/batch/r3/no-such-page/")
            page.locator("main a", has_text="信访举报").click()
            page.wait_for_url(site + "complaints/")
        finally:
            context.close()
        assert not errors, errors
        assert not foreign, foreign


def test_opened_from_disk_the_lookup_lands_and_search_says_why_it_cannot(browser, sample_site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto((sample_site / "search" / "index.html").as_uri())
        note = page.locator(".search-offline")
        note.wait_for(state="visible")
        assert "从本地磁盘打开" in note.inner_text() and "按受理编号查询" in note.inner_text()
        page.fill("#search input[type=search]", "垃圾")
        page.wait_for_function("() => !document.querySelector('.search-message').innerText.includes('正在搜索')",
                               timeout=15000)
        look_up(page, "#ref-search", REF)
        page.wait_for_url((sample_site / "complaints" / REF / "index.html").as_uri())
        assert REF in page.locator("h1").inner_text()
    finally:
        context.close()


def test_without_javascript_the_form_leads_to_a_page_that_links_the_complaint(browser, served) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(served + "complaints/")
        look_up(page, "#ref-complaints", REF)
        page.wait_for_url(served + "lookup/?ref=" + REF)
        assert "逐级点击" in page.locator("main").inner_text()
        # as a person would: follow the group whose beginning matches the number, until the number is listed
        for _ in range(len(REF)):
            link = page.locator("main a.ref", has_text=REF)
            if link.count():
                break
            groups = page.locator(".lookup-groups a")
            prefixes = [g.inner_text().removeprefix("以").removesuffix("开头").strip() for g in groups.all()]
            matching = [i for i, p in enumerate(prefixes) if REF.startswith(p)]
            assert len(matching) == 1, (page.url, prefixes)
            groups.nth(matching[0]).click()
            page.wait_for_load_state()
        link.click()
        page.wait_for_url(served + COMPLAINT_URL)
        assert REF in page.locator("h1").inner_text()
    finally:
        context.close()


def test_the_sample_needs_more_than_one_lookup_page() -> None:
    """The walk above goes through groups only if the sample has more references than one page lists."""
    from generator.render.pages import LOOKUP_PAGE_MAX

    refs = [c["ref"] for f in (SAMPLE / "complaints").rglob("*.yaml")
            for c in yaml.safe_load(f.read_text(encoding="utf-8"))["complaints"]]
    assert len(refs) > LOOKUP_PAGE_MAX


def full_width(text: str) -> str:
    """``text`` as typed with a full-width (全角) input method: ASCII letters and digits at U+FF01–U+FF5E."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(("where", "typed"), [
    ("search/", REF.lower()),  # a phone's keyboard starts in lower case
    ("search/", full_width(REF.lower())),  # ｄ３ｊｃ… from a Chinese input method in full-width mode
    ("complaints/", "\u3000" + full_width(REF[:4]) + " " + REF[4:].lower() + "\u3000"),  # ideographic spaces, mixed
    ("zh-hant/search/", full_width(REF)),  # the 繁體 reading: its own page, under zh-hant/
])
def test_blocked_lookup_files_still_lead_from_any_typing_to_the_page_the_build_named(phone, served, where: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Without lookup/*.json the page is found by its number alone: the build names a complaint's page by its
    ref as written in content (complaints/<ref>/), which for the sample's refs is the normal form (NFKC, no
    spaces, upper case: generator/markup.normalize_ref), so every way of typing it must land there."""
    context, page = phone
    assert REF == REF.upper() and REF.isascii()  # the sample writes refs in the normal form
    expected = served + ("zh-hant/" if where.startswith("zh-hant/") else "") + COMPLAINT_URL
    context.route("**/lookup/*.json", lambda route: route.abort())
    try:
        page.goto(served + where)
        field = page.locator("form.ref-lookup input[name=ref]").first
        field.fill(typed)
        field.press("Enter")
        page.wait_for_url(expected, timeout=15000)
        assert REF in page.locator("h1").inner_text()
    finally:
        context.unroute("**/lookup/*.json")


def test_the_404_page_has_a_hant_copy_that_the_simplified_one_links_and_its_lookup_works(browser, sample_site) -> None:  # type: ignore[no-untyped-def]
    with serve(sample_site, SITE_PATH.strip("/"), not_found=True) as site:
        context, page, errors, foreign = local_page(browser, site, locale="zh-TW", viewport=PHONE)
        try:
            response = page.goto(site + "complaints/no-such-page/")
            assert response is not None and response.status == 404
            page.locator("a.lang-switch").click()
            page.wait_for_url(site + "zh-hant/404.html")
            assert page.evaluate("document.documentElement.lang") == "zh-Hant"
            assert page.locator("h1").inner_text() == "找不到這個頁面"
            # its style sheet loaded (path-absolute from site_url's path): the label sits left of the box
            label, field = page.locator("label[for=ref-notfound]").bounding_box(), page.locator("#ref-notfound").bounding_box()
            assert label and field and label["x"] + label["width"] <= field["x"]
            # its links lead to the 繁體 pages, its switch back to the Simplified 404
            assert page.locator("main a", has_text="信訪舉報").get_attribute("href") == SITE_PATH + "zh-hant/complaints/"
            assert page.locator("a.lang-switch").get_attribute("href") == SITE_PATH + "404.html"
            look_up(page, "#ref-notfound", "ｎｏ")  # well-formed, but no complaint is numbered so
            message = page.locator("#ref-notfound ~ .lookup-message")
            page.wait_for_function("() => document.querySelector('.lookup-message').innerText.includes('沒有找到')")
            assert "沒有找到受理編號為「NO」的信訪舉報" in message.inner_text()
            look_up(page, "#ref-notfound", REF.lower())
            page.wait_for_url(site + "zh-hant/" + COMPLAINT_URL)
            assert page.evaluate("document.documentElement.lang") == "zh-Hant"
            page.go_back()
            page.locator("main a", has_text="信訪舉報").click()
            page.wait_for_url(site + "zh-hant/complaints/")
        finally:
            context.close()
        assert not errors, errors
        assert not foreign, foreign
