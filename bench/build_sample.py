#!/usr/bin/env python3
"""Time each stage of building a content folder (default: the bundled sample).

    .venv/bin/python bench/build_sample.py [--content content] [--runs 5] [--as-of 2026-11-01]

Prints the best and median seconds of each stage over the runs. Output goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import pipeline
from generator.check.rules import check
from generator.derive.state import derive
from generator.load.reader import load


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--content", default="content")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--as-of", default="2026-11-01")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    times: dict[str, list[float]] = {"load": [], "check": [], "derive": [], "render": [], "total": []}
    files = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        content = load(Path(args.content))
        t1 = time.perf_counter()
        check(content, as_of).raise_if_any()
        t2 = time.perf_counter()
        portal = derive(content, as_of)
        t3 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            pipeline.render(portal, Path(tmp) / "out")
            t4 = time.perf_counter()
            files = sum(1 for p in (Path(tmp) / "out").rglob("*") if p.is_file())
        for name, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            times[name].append(seconds)
    n_complaints = sum(len(b.complaints) for b in content.batches)
    print(f"{args.content}: {len(content.tasks)} tasks, {n_complaints} complaints, {files} files written; {args.runs} runs")
    for name, values in times.items():
        print(f"  {name:7s} best {min(values):6.3f} s   median {statistics.median(values):6.3f} s")


if __name__ == "__main__":
    main()
