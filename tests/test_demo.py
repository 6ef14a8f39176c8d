"""`portal demo-data` (issue 6): deterministic, valid synthetic content of any size, national included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import portal, tree_digest


@pytest.mark.slow  # writes and checks the demo content of a whole country, twice
def test_national_demo_data_is_valid_and_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for target in (first, second):
        result = portal("demo-data", "--tasks", "62", "--complaints", "620", "--seed", "3", "--provinces", "31",
                        "--output", target)
        assert result.code == 0, result.err
    assert tree_digest(first) == tree_digest(second)

    regions = yaml.safe_load((first / "regions.yaml").read_text(encoding="utf-8"))
    names = [r["name"] for r in regions]
    assert len(regions) == 31 * (1 + 8 + 8 * 6)  # provinces, their cities and counties
    assert len(set(names)) == len(names)  # unique, so that the search filters by name stay unambiguous

    checked = portal("check", "--content", first, "--as-of", "2026-11-01")
    assert checked.code == 0, checked.out + checked.err
    assert "62 项任务，4 个批次共 620 件投诉" in checked.out

    complaints = [c for path in sorted((first / "complaints").glob("*.yaml"))
                  for c in yaml.safe_load(path.read_text(encoding="utf-8"))["complaints"]]
    done = sum(c["status"] == "done" for c in complaints)
    substantiated = sum(c.get("substantiated") in ("属实", "基本属实", "部分属实") for c in complaints)
    assert done > len(complaints) * 0.7 and 0.6 < substantiated / len(complaints) < 0.8
