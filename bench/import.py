#!/usr/bin/env python3
"""Import benchmark: `portal import` of one large complaint batch, as an agency would run it.

    .venv/bin/python bench/import.py [--rows 5000] [--changed 50] [--runs 3] [--format xlsx|csv] [--content content]

Writes a table of --rows complaints (a title row with the batch and date, the round-3 column names,
region names of the content's regions.yaml) into a temporary folder, then times the whole command
`portal import FILE --kind complaints` into a fresh copy of the content folder, and a re-import of the
same table a week later with --changed rows given a new 办结状态 and handling text (which become update
entries), --runs times each, and prints the best and the median wall seconds. Each import includes its
check of the result in a copy of the content folder. The tables are generated data (never committed).
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
HEAD = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "是否属实", "处理和整改情况",
        "责任追究情况", "办结状态", "责令整改（家次）", "罚款金额（万元）"]
TYPES = ["大气", "水", "噪声", "固废", "土壤"]
STATUS = ["已办结", "阶段性办结", "正在办理"]


def table(rows: int, regions: list[str], batch: int) -> list[list[object]]:
    out: list[list[object]] = [[f"江川省第{batch}批群众信访举报转办和边督边改公开情况一览表"], ["（2025年6月1日）"], HEAD]
    for i in range(1, rows + 1):
        out.append([i, f"D3JC2025060{i:05d}"[:16], f"反映{regions[i % len(regions)]}某企业第{i}号排放问题。",
                    regions[i % len(regions)], TYPES[i % len(TYPES)], f"经核查，第{i}号问题属实。", "属实",
                    f"责令整改，第{i}号。", "", STATUS[i % len(STATUS)], i % 3, f"{(i % 7) * 0.5:.1f}"])
    return out


def write(rows: list[list[object]], path: Path) -> Path:
    if path.suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buffer.getvalue().encode("gbk"))
        return path
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--changed", type=int, default=50, help="rows changed for the re-import")
    ap.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    ap.add_argument("--content", default=str(REPO / "content"))
    args = ap.parse_args()
    content = Path(args.content)
    regions = [r["name"] for r in yaml.safe_load((content / "regions.yaml").read_text(encoding="utf-8")) if r.get("parent")]
    batch = 1 + max(int(p.stem) for p in (content / "complaints").glob("*.yaml"))
    portal = str(Path(sys.executable).with_name("portal"))
    first, again = [], []
    with tempfile.TemporaryDirectory(prefix="portal-bench-import-") as tmp:
        rows = table(args.rows, regions, batch)
        sheet = write(rows, Path(tmp) / f"batch.{args.format}")
        changed = [list(r) for r in rows]
        step = max(1, args.rows // max(args.changed, 1))
        for r in changed[3::step][:args.changed]:  # spread over the table, after the title and header rows
            r[9] = "已办结"  # the new 办结 value (unchanged for rows already 已办结)
            r[7] = f"{r[7]}已整改到位。"  # and a new handling text
        update = write(changed, Path(tmp) / f"batch-week2.{args.format}")
        for run in range(args.runs):
            target = Path(tmp) / f"content-{run}"
            shutil.copytree(content, target)
            first.append(_timed([portal, "import", str(sheet), "--kind", "complaints", "--content", str(target),
                                 "--as-of", "2026-11-01"]))
            again.append(_timed([portal, "import", str(update), "--kind", "complaints", "--content", str(target),
                                 "--as-of", "2026-11-08"]))
    print(f"portal import of {args.rows} complaints ({args.format}, batch {batch}): "
          f"best {min(first):.2f} s, median {statistics.median(first):.2f} s over {args.runs} runs")
    print(f"re-import of the same batch a week later with {args.changed} rows changed: "
          f"best {min(again):.2f} s, median {statistics.median(again):.2f} s over {args.runs} runs")


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[1:3])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
