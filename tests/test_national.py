"""A national portal (several provinces, several rounds) as a reader sees it: the regions page lists every
province's plans, and each province's page its own, each plan with its round, approval date and the figures of
its tasks. The content is `portal demo-data` for 3 provinces; the expected figures are worked out here from the
YAML it wrote, by the rules of docs/content-format.md (done = completed, accepted or closed; overdue = a dated
deadline before the data date and the work not done)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import AS_OF, build, portal

pytestmark = pytest.mark.slow  # one real build of a small national demo

DONE = {"completed", "accepted", "closed"}
Row = tuple[str, str, str, int, int, int, int]  # round, plan title, approval day, tasks, done, closed, overdue


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, site): demo data for 3 provinces, built as of AS_OF."""
    root = tmp_path_factory.mktemp("national")
    content, site = root / "content", root / "site"
    written = portal("demo-data", "--tasks", "48", "--complaints", "400", "--provinces", "3", "--seed", "5",
                     "--output", content)
    assert written.code == 0, written.err
    result = build(content, site)
    assert result.code == 0, result.err
    return content, site


def expected(content: Path) -> dict[str, tuple[str, list[Row]]]:
    """province code → (its name, its plans' rows, latest round first), from the content's YAML."""
    as_of = dt.date.fromisoformat(AS_OF)
    provinces = {r["code"]: r["name"] for r in _load(content / "regions.yaml") if not r.get("parent")}
    inspections = sorted((_load(p) for p in (content / "inspections").glob("*.yaml")),
                         key=lambda i: str(i["stay"]["start"]), reverse=True)
    tasks = [_load(p) for p in (content / "tasks").glob("*.yaml")]
    out: dict[str, tuple[str, list[Row]]] = {code: (name, []) for code, name in provinces.items()}
    for inspection in inspections:
        for plan in inspection["plans"]:
            mine = [t for t in tasks if t["inspection"] == inspection["id"] and t["plan"] == plan["id"]]
            status = [t["history"][-1]["status"] for t in mine]
            overdue = sum(t["deadline"] != "长期坚持" and dt.date.fromisoformat(str(t["deadline"])) < as_of
                          and t["history"][-1]["status"] not in DONE for t in mine)
            out[plan["region"]][1].append((inspection["short"], f"《{plan['title']}》", str(plan["approved_on"]),
                                           len(mine), sum(s in DONE for s in status), status.count("closed"), overdue))
    return out


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def rows(soup: BeautifulSoup) -> list[tuple[str, Row]]:
    """(province or "", row) of every row of the page's table of plans."""
    out = []
    for tr in soup.select("main table.plans tbody tr"):
        cell = {c["data-label"]: c for c in tr.find_all(["td", "th"])}
        time = cell["批准日期"].find("time")
        figures = [int(cell[k].get_text(strip=True)) for k in ("整改任务", "已完成", "已销号", "逾期未完成")]
        out.append((cell["省份"].get_text(strip=True) if "省份" in cell else "",
                    (cell["轮次"].get_text(strip=True), cell["整改方案"].get_text(strip=True), time["datetime"],
                     figures[0], figures[1], figures[2], figures[3])))
    return out


def test_each_province_page_names_its_plans_with_their_figures(national: tuple[Path, Path]) -> None:
    content, site = national
    plans = expected(content)
    assert len(plans) == 3
    for code, (_, mine) in plans.items():
        assert len(mine) == 4  # one plan per round
        assert sum(r[3] for r in mine) > 0
        assert rows(page(site, f"regions/{code}")) == [("", r) for r in mine]


def test_the_regions_page_lists_every_province_s_plans(national: tuple[Path, Path]) -> None:
    content, site = national
    plans = expected(content)
    listed = rows(page(site, "regions"))
    assert sorted(listed) == sorted((name, r) for name, mine in plans.values() for r in mine)
    assert sum(r[3] for _, r in listed) == 48  # every task is in one plan
    # the round links to the inspection's page
    first = page(site, "regions").select_one('main table.plans td[data-label="轮次"] a')
    assert first is not None and first["href"].rstrip("/").endswith("inspections/r3")


def test_a_city_page_has_no_table_of_plans(national: tuple[Path, Path]) -> None:
    content, site = national
    city = next(r["code"] for r in _load(content / "regions.yaml") if r.get("parent") and r["code"].endswith("00"))
    assert page(site, f"regions/{city}").select("main table.plans") == []
