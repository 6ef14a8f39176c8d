#!/usr/bin/env python3
"""The scale benchmark (issue 6): full and incremental builds of synthetic content at two sizes.

    .venv/bin/python bench/run.py                      # both sizes
    .venv/bin/python bench/run.py --sizes provincial   # one size
    .venv/bin/python bench/run.py --no-search-index national
    .venv/bin/python bench/run.py --sizes national --scale 0.1   # the national shape at a tenth of its size

For each size it writes synthetic content with `portal demo-data` (content format version 2: four rounds,
one plan per province and round; written once, kept in bench/data/, which git ignores), copies it to a
scratch folder and runs `portal build` five times in fresh processes: cold (no previous output), warm
(nothing changed), the next day with nothing changed (`--as-of` one day later: the daily cron job), after one
task's status changed, and after a batch of 200 complaints was added to the latest round (both on that next
day). Each row also counts the files the build rewrote: published files whose inode or modification time
changed, plus new ones (what rsync or an object-store sync uploads). It prints a Markdown table: wall time and its parts (prepare =
load, check, derive; render = pages, feeds, data files; search index = Pagefind shards; publish),
render jobs run/reused and their rate, Pagefind shards indexed/reused, peak memory (the sum of the
PSS of the build and every process it started, sampled every 0.2 s) and the largest single
process's peak RSS, output size and file count; then the bytes a browser downloads for a first
query, in the default search scope and in the biggest region's scope.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

SIZES = {"provincial": (60, 30_000, 1), "national": (2_200, 150_000, 31)}  # tasks, complaints, provinces
AS_OF = "2026-11-01"
NEXT_DAY = "2026-11-02"


def _stamps(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(folder, name))
            out[os.path.join(folder, name)] = (st.st_ino, st.st_mtime_ns)
    return out


def _tree_memory(root: int) -> int:
    """Bytes of memory the process ``root`` and its descendants use now: the sum of their PSS (forked
    workers share pages, which PSS splits between them instead of counting them twice)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration, ValueError):
            pass
    return total


def build(content: Path, output: Path, env: dict[str, str], as_of: str = AS_OF) -> dict[str, object]:
    before = _stamps(output) if output.is_dir() else {}
    log = output.parent / "build.log"
    started = time.perf_counter()
    peak = [0]
    with log.open("w+", encoding="utf-8") as sink:  # a file, not a pipe: a full pipe would stall the build
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                                 str(output), "--as-of", as_of], cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], _tree_memory(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        sink.seek(0)
        out = err = sink.read()
    if status != 0:
        raise SystemExit(f"build failed:\n{err[-3000:]}")
    line = next((x for x in out.splitlines() if "构建统计：" in x), "")  # portal build's figures line
    stats = dict(re.findall(r"([a-z_]+) ([\d.]+)", line))
    files = [p for p in output.rglob("*") if p.is_file()]
    after = _stamps(output)
    rewritten = sum(1 for name, stamp in after.items() if before.get(name) != stamp)
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "tree_mb": peak[0] / 2**20, "files": len(files),
            "rewritten": rewritten,
            "size_mb": sum(p.stat().st_size for p in files) / 1e6, **stats}


def change_one_task(content: Path) -> str:
    for path in sorted((content / "tasks").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if text.rstrip().splitlines()[-1].strip().startswith(("note:", "on_schedule:")) and "status: in_progress" in text \
                and "status: completed" not in text:
            path.write_text(text + "- date: '2026-10-30'\n  status: completed\n  note: 整改完成（基准测试）\n", encoding="utf-8")
            return path.stem
    raise SystemExit("no in-progress task to change")


def add_one_batch(content: Path) -> int:
    """A copy of the latest round's last batch as its next one, with reference numbers of their own."""
    from generator.commands import demo

    latest = demo.ROUNDS[-1]
    folder = content / "complaints" / latest.id
    last = max(folder.glob("*.yaml"), key=lambda p: int(p.stem))
    number = int(last.stem) + 1
    text = last.read_text(encoding="utf-8").replace(f"batch: {last.stem}\n", f"batch: {number}\n", 1)
    text = re.sub(rf"ref: ([DXW]){latest.digit}", r"ref: \g<1>9", text)  # new reference numbers (repeats unchanged)
    (folder / f"{number}.yaml").write_text(text, encoding="utf-8")
    return number


def scaled(name: str, scale: float) -> tuple[int, int, int]:
    """The tasks, complaints and provinces of a size at ``scale`` (the provinces kept)."""
    tasks, complaints, provinces = SIZES[name]
    return max(1, round(tasks * scale)), round(complaints * scale), provinces


def run_size(name: str, data: Path, search_index: bool, query: str,
             scale: float = 1.0) -> list[tuple[str, dict[str, object]]]:
    from generator.commands import demo

    tasks, complaints, provinces = scaled(name, scale)
    folder = data / (name if scale == 1 else f"{name}-x{scale:g}")
    source = folder / "content"
    if not (source / "inspections").is_dir():  # none yet, or demo data of content format version 1
        shutil.rmtree(source, ignore_errors=True)
        started = time.perf_counter()
        demo.write(source, tasks, complaints, seed=1, provinces=provinces)
        print(f"[{name}] demo-data written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    work = folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work / "content")
    content, output = work / "content", work / "output"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if not search_index:
        env["PORTAL_PAGEFIND"] = "0"
    rows = []
    for label, prepare, as_of in [("full build, cold", None, AS_OF), ("full build, warm (nothing changed)", None, AS_OF),
                                  ("the next day, nothing changed", None, NEXT_DAY),
                                  ("one task's status changed (next day)", change_one_task, NEXT_DAY),
                                  ("one batch of 200 complaints added (next day)", add_one_batch, NEXT_DAY)]:
        if prepare:
            prepare(content)
        row = build(content, output, env, as_of)
        print(f"[{name}] {label}: {row}", file=sys.stderr)
        rows.append((label, row))
    if search_index:
        from search import first_query_bytes

        listing = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
        scopes = [("", "default scope")]
        regional = [shard for shard in listing["shards"] if shard["id"] not in ("all", "overview", "none")]
        if regional:
            biggest = max(regional, key=lambda shard: shard["count"])
            scopes.append((biggest["id"], f"scope {biggest['label']} ({biggest['count']:,} items)"))
        for scope, label in scopes:
            page, bundle, results, zipped = first_query_bytes(output, query, scope)
            rows.append((f"first query 「{query}」, {label}: {results} results",
                         {"kib": (page + bundle) / 1024, "bundle_kib": bundle / 1024, "gz_kib": zipped / 1024}))
    return rows


def main() -> None:
    from generator.commands import demo

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--no-search-index", nargs="*", default=[], metavar="SIZE", help="sizes to build without Pagefind")
    ap.add_argument("--data", default=str(REPO / "bench" / "data"))
    ap.add_argument("--query", default="垃圾填埋场")
    ap.add_argument("--scale", type=float, default=1.0, help="tasks and complaints of each size times this (provinces kept)")
    args = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()
    print(f"commit {commit}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    for name in args.sizes:
        tasks, complaints, provinces = scaled(name, args.scale)
        rows = run_size(name, Path(args.data), name not in args.no_search_index, args.query, args.scale)
        print(f"### {name}: {tasks:,} tasks, {complaints:,} complaints, {provinces} province(s), {len(demo.ROUNDS)} rounds "
              f"({provinces * len(demo.ROUNDS)} plans)\n")
        print("| build | wall (s) | prepare (s) | jobs run / reused | jobs/s | render (s) | search index (s) | shards indexed / reused "
              "| publish (s) | peak memory (MB) | largest process (MB) | files | files rewritten | output (MB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for label, r in rows:
            if "kib" in r:
                print(f"| {label} | | | | | | | | | | | | | {r['kib']:.0f} KiB downloaded ({r['bundle_kib']:.0f} KiB Pagefind); "
                      f"{r['gz_kib']:.0f} KiB with gzip |")
                continue
            ran, render = float(r.get("rendered", 0)), float(r.get("render_s", 0) or 0)
            rate = f"{ran / render:,.0f}" if render and ran else "–"
            search = f"{float(r['search_index_s']):.1f}" if "search_index_s" in r else "skipped"
            shards = f"{r['shards_indexed']} / {r['shards_reused']}" if "shards_indexed" in r else "–"
            print(f"| {label} | {r['wall']:.1f} | {float(r.get('prepare_s', 0)):.1f} | {int(ran):,} / "
                  f"{int(float(r.get('reused', 0))):,} | {rate} | {render:.1f} | {search} | {shards} | "
                  f"{float(r.get('publish_s', 0)):.1f} | {r['tree_mb']:,.0f} | {r['rss_mb']:,.0f} | {r['files']:,} | "
                  f"{r['rewritten']:,} ({100 * int(r['rewritten']) / max(1, int(r['files'])):.1f}%) | {r['size_mb']:,.0f} |")
        print()


if __name__ == "__main__":
    main()
