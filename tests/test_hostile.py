"""Issue 7, hostile and broken input: nothing in any field ever runs in a reader's browser, and
broken files give clear errors, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import MINI, build, portal, serve
from hypothesis import given, settings
from hypothesis import strategies as st

AS_OF = "2026-11-01"

# Each payload tries to run `window.__pwned = 1` and/or open a dialog.
HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<sCrIpT>window.__pwned=1</ScRiPt>",
    "<scr<script>ipt>window.__pwned=1</script>",
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=\"window.__pwned=1;alert(1)\">",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '<svg onload="window.__pwned=1;alert(1)">',
    "<svg><script>window.__pwned=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__pwned=1"><text>x</text></a></svg>',
    "[点击查看](javascript:window.__pwned=1;alert(1))",
    "[点击查看](JaVaScRiPt:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "[a](<javascript:alert(1)>)",
    "[参考][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](x.png)',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>提交</button></form>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>alert(1)</script>`",
    "<style>@import 'javascript:alert(1)';</style>",
    '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    "{{ 7*7 }}{% raw %}{{ config }}",
]
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")


def one_line(payload: str) -> str:
    """The payload as a single-line field can hold it (titles, names: line breaks are refused there)."""
    return " ".join(payload.split("\n"))


def _write_yaml(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def make_hostile_content(target: Path) -> Path:
    """The mini fixture plus one task and one complaint per payload (in every text field), a report
    with every payload as its Markdown body, and a page whose title is a payload."""
    shutil.copytree(MINI, target)
    complaints = []
    for i, payload in enumerate(HOSTILE, 1):
        _write_yaml(target / "tasks" / f"H-{i:02d}.yaml", {
            "id": f"H-{i:02d}", "number": 100 + i, "title": one_line(payload), "problem": payload, "target": payload,
            "measures": [payload], "responsible_units": [one_line(payload)], "supervising_units": [one_line(payload)],
            "acceptance_unit": one_line(payload), "regions": ["990102"], "deadline": "立行立改",
            "history": [{"date": "2022-01-10", "status": "in_progress", "note": payload, "correction": payload}],
        })
        complaints.append({"ref": f"H2CS20210601{i:04d}", "channel": "phone", "region": "990102", "types": ["水"],
                           "summary": payload, "findings": payload, "handling": payload, "accountability": payload,
                           "status": "handling", "updates": [{"date": "2021-07-01", "status": "done", "note": payload}]})
    _write_yaml(target / "complaints" / "2.yaml", {"batch": 2, "forwarded_on": "2021-06-01", "complaints": complaints})
    body = "\n\n".join(HOSTILE)
    (target / "reports" / "hostile.md").write_text(
        "---\n" + yaml.safe_dump({"title": HOSTILE[0], "date": "2022-07-01", "summary": HOSTILE[5]}, allow_unicode=True)
        + "---\n" + body + "\n", encoding="utf-8")
    (target / "pages" / "hostile.md").write_text(
        "---\n" + yaml.safe_dump({"title": HOSTILE[6], "order": 5}, allow_unicode=True) + "---\n" + body + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = make_hostile_content(root / "content")
    result = build(content, root / "output")
    assert result.code == 0, result.err
    return root / "output"


def test_no_markup_from_content_survives(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 80
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        name = page.relative_to(hostile_site).as_posix()
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (name, str(tag)[:200])
            for attr in URL_ATTRS:
                value = re.sub(r"[\s\x00-\x1f]", "", str(tag.get(attr, ""))).lower()
                assert not value.startswith(BAD_SCHEMES), (name, str(tag)[:200])
        # the theme's own charts and QR codes (issue 8): only the shapes the theme draws, then out of the way
        for el in soup.select("svg.chart, svg.qr-code"):
            assert {t.name for t in el.find_all(True)} <= {"title", "desc", "g", "text", "tspan", "rect", "line", "polyline",
                                                           "path", "svg"}, name
            el.decompose()
        for el in soup.select("details.chart-data, details.nav-menu"):  # the theme's own folding (menu on phones)
            el.unwrap()
        for bad in ("iframe", "object", "embed", "base", "svg", "math", "textarea", "details", "style"):
            assert soup.find(bad) is None, (name, bad)
        assert soup.find("meta", attrs={"http-equiv": True}) is None, name
        for script in soup.find_all("script"):
            assert script.get("src") and not script.string, (name, str(script)[:200])
            # the theme's scripts, Pagefind's, and data/as-of.js (the data date alone, made from --as-of, never content)
            assert re.search(r"/(theme/js/[a-z-]+|pagefind/[a-z0-9-]+/[a-z-]+|data/as-of)\.js$", script["src"]), \
                (name, script["src"])


def test_payloads_are_shown_as_text(hostile_site: Path) -> None:
    """Escaping must not lose what the publisher wrote: a plain-text field shows the payload literally."""
    for i, payload in enumerate(HOSTILE, 1):
        soup = BeautifulSoup((hostile_site / f"tasks/H-{i:02d}/index.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.find("h1").get_text() == f"第{100 + i}项 {one_line(payload).strip()}"
    text = (hostile_site / "tasks/H-39/index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in text and ">49<" not in text  # no template injection


def test_no_script_runs_and_no_dialog_opens_in_chromium(hostile_site: Path, browser) -> None:  # type: ignore[no-untyped-def]
    urls = [f"tasks/H-{i:02d}/" for i in range(1, len(HOSTILE) + 1)]
    urls += ["", "corrections/", "checks/", "reports/hostile/", "pages/hostile/", "complaints/batch/2/",
             "complaints/H2CS202106010001/", "complaints/H2CS202106010006/", "complaints/H2CS202106010031/", "tasks/"]
    dialogs: list[str] = []
    with serve(hostile_site, "hostile") as base:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for url in urls:
            page.goto(base + url, wait_until="load")
            page.wait_for_timeout(30)
            assert page.evaluate("window.__pwned") is None, url
            assert page.locator("h1").count() == 1, url
        context.close()
    assert dialogs == []


# -- property-based: Markdown sanitising -------------------------------------------------------

FRAGMENTS = ["<", ">", "\"", "'", "=", "/", ":", "(", ")", "[", "]", "!", "&#", ";", " ", "\n", "`",
             "script", "img", "svg", "a", "href", "src", "onerror", "onload", "javascript", "data", "JaVaScRiPt",
             "alert(1)", "x", "style", "iframe", "#", "*", "<!--", "-->", "\t", "%0a"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_markdown_never_yields_active_content(text: str) -> None:
    from generator.markup import ALLOWED_TAGS, render_markdown

    soup = BeautifulSoup(str(render_markdown(text)), "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS, tag
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        href = re.sub(r"[\s\x00-\x1f]", "", str(tag.get("href", ""))).lower()
        assert not href.startswith(BAD_SCHEMES), tag


# -- broken files ----------------------------------------------------------------------------

def _deep(n: int) -> str:
    return "title: " + "[" * n + "]" * n + "\n"


BROKEN = [
    ("id-escapes-output", "tasks/T-2.yaml", lambda t: t.replace("id: T-2", "id: ../../../etc/x"), "id: '../../../etc/x' 不是有效的编号"),
    ("file-name-escapes", "reports/a..b.md", lambda t: "---\ntitle: x\ndate: 2022-01-01\n---\n", "文件名 'a..b' 不是有效的编号"),
    ("document-path-escapes", "documents.yaml", lambda t: t.replace("file: plan.txt", "file: ../../../etc/passwd"),
     "file: '../../../etc/passwd' 不是单纯的文件名"),
    ("ref-escapes", "complaints/1.yaml", lambda t: t.replace("ref: X2CS202105100002", "ref: ../X2"), "'../X2' 不是有效的编号"),
    ("deeply-nested-flow", "tasks/T-2.yaml", lambda t: _deep(20000), "content/tasks/T-2.yaml:"),
    ("deeply-nested-blocks", "tasks/T-2.yaml", lambda t: "".join("  " * i + f"k{i}:\n" for i in range(3000)) + "  " * 3000 + "v: 1\n",
     "content/tasks/T-2.yaml:"),
    ("huge-field", "tasks/T-2.yaml", lambda t: t.replace("target: 完成园区VOCs综合治理", "target: " + "污" * 150_000),
     "content/tasks/T-2.yaml:5: target:"),
    ("python-tag", "tasks/T-2.yaml", lambda t: t.replace("target: 完成园区VOCs综合治理", "target: !!python/object/apply:os.system ['touch /tmp/pwned']"),
     "content/tasks/T-2.yaml:5:"),
    ("control-characters", "tasks/T-2.yaml", lambda t: t.replace("target: 完成园区VOCs综合治理", "target: a\x1b[31mb\x07"),
     "content/tasks/T-2.yaml:5: YAML 文件中不能有字符 U+001B"),
    ("gbk-page", "pages/about.md", None, "content/pages/about.md:2: 文件不是有效的 UTF-8 编码"),
    ("binary-report", "reports/2022-06.md", lambda t: "\x00\x01\x02PK\x03\x04", "content/reports/2022-06.md: 文件是二进制数据"),
    ("utf16", "tasks/T-2.yaml", None, "content/tasks/T-2.yaml: 文件是二进制数据"),
    ("not-a-mapping", "tasks/T-2.yaml", lambda t: "- just\n- a list\n", "content/tasks/T-2.yaml:"),
    ("merge-key-bomb", "tasks/T-2.yaml", lambda t: "a: &a {x: 1}\n" + "".join(f"b{i}: &b{i} {{<<: [*a, *a, *a]}}\n" for i in range(300)),
     "YAML 别名（*…）超过 200 个"),
]


@pytest.mark.parametrize("file, change, expected", [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_input_gives_a_clear_error(mini: Path, file: str, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = mini / file
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if file == "pages/about.md" and change is None:
        path.write_bytes(old.replace("本站", "本站点").encode("gbk"))
    elif change is None:
        path.write_bytes(old.encode("utf-16"))
    else:
        path.write_text(change(old), encoding="utf-8")
    result = portal("check", "--content", mini, "--as-of", AS_OF)
    assert result.code == 2, result.err
    assert expected in result.err
    assert "Traceback" not in result.err and "未发布任何内容" in result.err
    assert not Path("/tmp/pwned").exists()
