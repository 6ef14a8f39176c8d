"""`portal demo-data`: deterministic, valid synthetic content of any size, national included, in content format
version 2 (several rounds, one plan per province and round, follows and repeats across rounds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import portal, tree_digest

PROVINCES = 31


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _started(inspection: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(inspection["stay"]["start"])


@pytest.mark.slow  # writes and checks the demo content of a whole country, twice
def test_national_demo_data_is_valid_and_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for target in (first, second):
        result = portal("demo-data", "--tasks", "300", "--complaints", "3000", "--seed", "3", "--provinces",
                        str(PROVINCES), "--output", target)
        assert result.code == 0, result.err
    assert tree_digest(first) == tree_digest(second)

    regions = _load(first / "regions.yaml")
    names = [r["name"] for r in regions]
    assert len(regions) == PROVINCES * (1 + 8 + 8 * 6)  # provinces, their cities and counties
    assert len(set(names)) == len(names)  # unique, so that the search filters by name stay unambiguous
    provinces = {r["code"] for r in regions if "parent" not in r}
    parent = {r["code"]: r.get("parent", "") for r in regions}

    def province(code: str) -> str:
        while parent[code]:
            code = parent[code]
        return code

    checked = portal("check", "--content", first, "--as-of", "2026-11-01")
    assert checked.code == 0, checked.out + checked.err

    # every round has one plan per province, bound to it, approved after the round's feedback, each on its day
    inspections = {p.stem: _load(p) for p in sorted((first / "inspections").glob("*.yaml"))}
    assert len(inspections) >= 3
    plans: dict[tuple[str, str], dict[str, Any]] = {}
    for iid, inspection in inspections.items():
        assert len(inspection["plans"]) == PROVINCES
        assert {p["region"] for p in inspection["plans"]} == provinces
        for p in inspection["plans"]:
            plans[iid, p["id"]] = p
            assert p["approved_on"] > inspection["feedback_on"] >= inspection["stay"]["end"]
        assert len({p["approved_on"] for p in inspection["plans"]}) > 1
    assert len(plans) == PROVINCES * len(inspections)

    # every task names its inspection and a plan of it that binds its province, numbered within the plan
    tasks = {p.stem: _load(p) for p in sorted((first / "tasks").glob("*.yaml"))}
    assert len(tasks) == 300
    numbers: dict[tuple[str, str], list[int]] = {}
    for task in tasks.values():
        plan = plans[task["inspection"], task["plan"]]
        assert {province(code) for code in task["regions"]} == {plan["region"]}
        numbers.setdefault((task["inspection"], task["plan"]), []).append(task["number"])
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())

    # about 10% of round 2's tasks take up a closed task of round 1 of the same province; some of round 3 of round 2
    by_round: dict[str, list[dict[str, Any]]] = {}
    for task in tasks.values():
        by_round.setdefault(task["inspection"], []).append(task)
    order = sorted(inspections, key=lambda i: _started(inspections[i]))
    second_round = [i for i in order if inspections[i]["kind"] == "central"][1]
    taking_up = [t for t in by_round[second_round] if t.get("follows")]
    assert 0.04 < len(taking_up) / len(by_round[second_round]) < 0.2
    for task in (t for t in tasks.values() if t.get("follows")):
        for earlier_id in task["follows"]:
            earlier = tasks[earlier_id]
            assert order.index(earlier["inspection"]) < order.index(task["inspection"])
            assert earlier["history"][-1]["status"] == "closed"  # closed out before it was pointed out again
            assert earlier["history"][-1]["date"] < inspections[task["inspection"]]["feedback_on"]
            assert plans[earlier["inspection"], earlier["plan"]]["region"] == plans[task["inspection"], task["plan"]][
                "region"]
    assert {tasks[e]["inspection"] for t in tasks.values() for e in t.get("follows", ())} >= {order[0], second_round}

    # each round's batches in complaints/<inspection>/; reference numbers unique across rounds and prefixed by round
    refs: dict[str, str] = {}
    forwarded: dict[str, str] = {}
    repeats: list[tuple[str, str]] = []
    for iid in inspections:
        files = sorted((first / "complaints" / iid).glob("*.yaml"), key=lambda p: int(p.stem))
        assert files, iid
        for path in files:
            batch = _load(path)
            assert batch["batch"] == int(path.stem)
            assert inspections[iid]["stay"]["start"] <= batch["forwarded_on"] <= inspections[iid]["stay"]["end"]
            for c in batch["complaints"]:
                assert c["ref"] not in refs
                refs[c["ref"]] = iid
                forwarded[c["ref"]] = batch["forwarded_on"]
                repeats += [(c["ref"], r) for r in c.get("repeats", ())]
    assert len(refs) == 3000
    digits = {iid: {ref[1] for ref, i in refs.items() if i == iid} for iid in inspections}
    assert all(len(d) == 1 for d in digits.values())  # one round digit per inspection: D1…, D2…, D3…
    central = [i for i in order if inspections[i]["kind"] == "central"]
    assert [digits[i].pop() for i in central] == ["1", "2", "3"]
    assert repeats and all(order.index(refs[e]) < order.index(refs[r]) and forwarded[e] < forwarded[r]
                           for r, e in repeats)

    complaints = [c for path in sorted((first / "complaints").rglob("*.yaml"))
                  for c in _load(path)["complaints"]]
    done = sum(c["status"] == "done" for c in complaints)
    substantiated = sum(c.get("substantiated") in ("属实", "基本属实", "部分属实") for c in complaints)
    assert done > len(complaints) * 0.7 and 0.6 < substantiated / len(complaints) < 0.8
    batches = len(list((first / "complaints").rglob("*.yaml")))
    assert f"300 项任务，{batches} 个批次共 3000 件投诉" in checked.out
