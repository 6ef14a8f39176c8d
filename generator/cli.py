"""The ``portal`` command. The only place where errors become messages and exit statuses."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import functools
import http.server
import logging
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

from generator import incremental, pipeline
from generator.config import Config
from generator.errors import ContentError, PortalError, UsageError, os_error_message
from generator.publish import preview
from generator.publish import swap as publish


def _settings_file(value: str | None) -> Path | None:
    if value:
        path = Path(value)
        if not path.is_file():
            raise UsageError(f"--settings: {value} 不存在")
        return path
    default = Path("pelicanconf.py")
    return default if default.is_file() else None


def cmd_check(args: argparse.Namespace) -> int:
    as_of = pipeline.parse_as_of(args.as_of)
    if args.fix_pii:
        args.content = _fix_pii(Path(args.content), Path(args.fix_pii))  # then check the masked copy
    content = pipeline.load_and_check(Path(args.content), as_of)
    n_complaints = sum(len(b.complaints) for b in content.batches)
    print(f"检查通过：{len(content.tasks)} 项任务，{len(content.batches)} 个批次共 {n_complaints} 件投诉，"
          f"{len(content.announcements)} 个公示，{len(content.documents)} 份文件；截至 {as_of} 没有发现问题")
    if content.version == 1:
        print("内容是第 1 版格式（site.yaml 中的一次督察）。要在同一门户公开多轮督察（各轮次、回头看、省级督察），"
              "按 docs/content-format.md 的“第 2 版”一节把督察移到 inspections/ 中；第 1 版内容无需改动也能继续使用")
    else:
        rounds = "、".join(i.label for i in content.rounds)
        print(f"第 2 版格式：{len(content.rounds)} 次督察（{rounds}）")
    return 0


def build(args: argparse.Namespace, stats: dict[str, int | float] | None = None) -> Path:
    """``portal build`` (and the build of ``portal serve``): the configuration is made here, from the
    command line, the environment and the settings file (generator/config.py), and passed down."""
    output = Path(args.output)
    as_of = pipeline.parse_as_of(args.as_of)
    settings_file = _settings_file(args.settings)
    if not args.wait >= 0:  # also NaN
        raise UsageError(f"--wait: {args.wait:g} 不是大于或等于 0 的秒数；写等待另一个构建的秒数（0：不等待）")
    with publish.locked(output, args.wait, lambda text: print(text, file=sys.stderr)):  # one build at a time
        publish.recover(output.resolve())  # first repair what an interrupted earlier build left
        _build(Path(args.content), output, as_of, settings_file, {"workers": args.workers}, args.verbose, stats)
    return output


def _build(content: Path, output: Path, as_of: dt.date, settings_file: Path | None, flags: dict[str, Any],
           verbose: bool, stats: dict[str, int | float] | None) -> None:
    with incremental.long_lived():
        _build_held(content, output, as_of, settings_file, flags, verbose, stats)


def _build_held(content: Path, output: Path, as_of: dt.date, settings_file: Path | None, flags: dict[str, Any],
                verbose: bool, stats: dict[str, int | float] | None) -> None:
    started = time.perf_counter()
    # the models of unchanged content files are kept beside output/, with the rest of the build state
    state = incremental.state_folder(output.resolve())
    with incremental.no_collection():  # load and derive: millions of objects that live for the whole build
        portal = pipeline.prepare(content, as_of, state)
    incremental.hold()  # … which the collector's full passes no longer walk
    settings = pipeline.pelican_settings(portal, settings_file)  # after the content: it names the folder
    config = Config.resolve(flags, os.environ, settings)
    figures = stats if stats is not None else {}
    figures["prepare_s"] = time.perf_counter() - started  # load, check, derive
    warnings: list[str] = []
    previous = output.resolve() if output.is_dir() else None  # the published site: unchanged files are reused

    rendered = [0.0]

    def render(tmp: Path) -> None:
        said, report = pipeline.render(portal, tmp, settings, verbose, previous, config, state)
        warnings.extend(said)
        figures.update(report.figures())
        rendered[0] = time.perf_counter()

    damaged = incremental.damaged_digests(previous)
    if damaged:
        warnings.insert(0, damaged)
    try:
        publish.publish(output, render)
    except publish.KeptFileMissing as missing:  # the published site was changed by something else: build it all
        warnings.append(str(missing))
        incremental.forget_state(output.resolve(), output.resolve())
        previous = None
        publish.publish(output, render)
    figures["publish_s"] = time.perf_counter() - rendered[0]  # unchanged times kept, swap, old site removed
    for warning in warnings:
        print(f"警告：{warning}", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stats: dict[str, int | float] = {}  # counts and seconds
    output = build(args, stats)
    files = len(publish.listing(output) or ())
    print(f"已生成 {files} 个文件，写入 {output}/，用时 {time.perf_counter() - started:.1f} 秒")
    if stats:  # pages and feeds rendered or reused (unchanged), workers, seconds for rendering and the search index
        print("  构建统计：" + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                     for k, v in sorted(stats.items())))
    serve = "portal serve" + ("" if args.output == "output" else f" --output {shlex.quote(args.output)}")
    print(f"查看网站：运行 {serve}（在 http://127.0.0.1:8000/ 预览），或用浏览器直接打开 {output / 'index.html'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    output = Path(args.output)
    handler = functools.partial(preview.SiteHandler, directory=str(output.resolve()))  # 404.html for missing pages
    try:  # before building: a port in use is known at once
        server = http.server.ThreadingHTTPServer((args.bind, args.port), handler)
    except OSError as exc:  # the address is what the message must name
        raise OSError(exc.errno, exc.strerror, f"{args.bind}:{args.port}") from None
    except OverflowError:
        raise UsageError(f"--port: {args.port} 不是端口号（0–65535）") from None
    with server:
        build(args)
        print(f"正在 http://{args.bind}:{args.port}/ 预览 {output}/（按 Ctrl-C 停止）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from generator.index import whoosh_index as search_index

    if args.limit < 1:
        raise UsageError("--limit 至少为 1")
    as_of = pipeline.parse_as_of(args.as_of)
    portal = pipeline.prepare(Path(args.content), as_of)
    report = search_index.update(Path(args.index), portal)
    print(report, file=sys.stderr)
    hits = search_index.search(Path(args.index), portal, " ".join(args.query), args.kind, args.region, args.status, args.limit,
                               args.inspection)
    for hit in hits:
        print(f"{hit.item_id}\t{hit.title}\t{hit.status_label}\t{hit.path}")
    if not hits:
        print("no results", file=sys.stderr)
    return 0


def _fix_pii(content: Path, target: Path) -> str:
    from generator.check import pii
    from generator.load import reader as load

    if target.exists():
        raise UsageError(f"--fix-pii: {target} 已存在；请给一个新的文件夹，用来存放遮盖后的副本")
    loaded, _problems = load.read(content)
    if loaded is None:
        raise UsageError(f"--fix-pii: 无法读取 {content}（其中有 site.yaml 吗？）；请先运行 portal check")
    done = pii.write_masked_copy(content, target, pii.scan_content(loaded))
    for file, masked in done:
        print(f"已遮盖 {file} 中的 {masked}", file=sys.stderr)
    print(f"已把 {content}/ 复制到 {target}/，其中遮盖了 {len(done)} 处（{content}/ 没有改动）；下面检查这份副本：",
          file=sys.stderr)
    return str(target)


def cmd_verify(args: argparse.Namespace) -> int:
    from generator.render import manifest

    report = manifest.verify(args.old, args.new)
    print(report.format())
    return 0 if report.ok else 3


def cmd_demo_data(args: argparse.Namespace) -> int:
    from generator.commands import demo

    counts = demo.write(Path(args.output), args.tasks, args.complaints, args.seed, args.provinces)
    print(f"wrote {', '.join(f'{v} {k}' for k, v in counts.items())} into {args.output}/")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.commands import importer

    as_of = pipeline.parse_as_of(args.as_of)
    forwarded_on = pipeline.parse_as_of(args.forwarded_on) if args.forwarded_on else None
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}：文件不存在，未写入任何文件\n    提示：检查文件名和路径（可以把文件拖进终端窗口得到完整路径）")
    if args.draft_profile:
        return _draft_profile(path, args)
    day = pipeline.parse_as_of(args.date) if args.date else None
    result = importer.run(path, args.kind, Path(args.content), as_of, args.batch, forwarded_on, args.id_prefix,
                          args.force, args.overwrite, day, args.dry_run, args.profile, args.inspection, args.plan)
    for line in result.warnings:
        print(line, file=sys.stderr)
    if args.dry_run:
        counts = {a: sum(p.action == a for p in result.plans) for a in ("create", "replace", "update", "unchanged", "refused", "missing")}
        for plan in result.plans:
            print(plan.format(path.name))
        unit = "项" if args.kind == "tasks" else "件"
        replaced = f"替换 {counts['replace']} {unit}，" if counts["replace"] else ""
        verdict = "；导入会被拒绝：先改正上面列出的问题" if result.problems else ""
        print(f"预览（--dry-run，未写入任何文件）：新建 {counts['create']} {unit}，{replaced}更新 {counts['update']} {unit}，"
              f"不变 {counts['unchanged']} {unit}，拒绝 {counts['refused']} {unit}，表格中已没有 {counts['missing']} {unit}"
              f"（保留未动）{verdict}")
        return 2 if result.problems else 0
    if result.skipped_rows:
        print(f"--force：第 {'、'.join(map(str, result.skipped_rows))} 行有问题，未导入", file=sys.stderr)
    encoding = {"xlsx": "xlsx", "utf-8": "CSV，UTF-8", "gb18030": "CSV，GBK"}.get(result.encoding, result.encoding)
    wrote = "、".join(str(p) for p in result.written)
    print(f"已导入 {path.name}（{encoding}）：" + (f"写入 {wrote}" if wrote else "没有需要写入的改动"))
    return 0


def _draft_profile(path: Path, args: argparse.Namespace) -> int:
    """``portal import FILE --draft-profile``: write a starting import profile from the table's header."""
    from generator.commands import import_profile
    from generator.load.profiles import PENDING

    made = import_profile.draft(path, args.kind, Path(args.content), args.profile)
    print(f"已写入导入配置 {made.path}：共 {made.columns} 列，其中 {made.pending} 列“{PENDING}”"
          + ("；把每个“待定”改为字段名、“保留”或“不导入”后，再导入（不用再给 --profile）" if made.pending else
             "；全部列都已识别或按规则不导入，可以直接导入"))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portal", description="Rectification Portal (整改公开): build a static disclosure site.")
    p.add_argument("-v", "--verbose", action="store_true", help="show Pelican's progress messages")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_build_parser, _check_parser, _verify_parser, _serve_parser, _search_parser, _import_parser, _demo_parser):
        add(sub)
    return p


def _common(sp: argparse.ArgumentParser, output: bool = True) -> None:
    sp.add_argument("--content", default="content", help="content folder (default: content)")
    sp.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the data date (default: today in Asia/Shanghai)")
    if output:
        sp.add_argument("--output", default="output", help="output folder (default: output)")
        sp.add_argument("--settings", default=None, help="Pelican settings file (default: ./pelicanconf.py if present)")
        sp.add_argument("--wait", type=float, default=publish.LOCK_WAIT_S, metavar="SECONDS",
                        help="when another build is writing the same output folder, wait this long for it, "
                             f"then give up (default {publish.LOCK_WAIT_S:g})")
        sp.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes that render pages and index search shards (default: PORTAL_WORKERS, "
                             "else up to 2 cores); see docs/configuration.md")


Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _build_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("build", help="check the content and build the site into the output folder")
    _common(sp)
    sp.set_defaults(func=cmd_build)


def _check_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("check", help="load and check the content only; print every problem")
    _common(sp, output=False)
    sp.add_argument("--fix-pii", metavar="DIR", default=None,
                    help="write a copy of the content with personal data masked into the new folder DIR, then check the copy")
    sp.set_defaults(func=cmd_check)


def _verify_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("verify", help="compare two built sites: was published history or a document changed?",
                        description="Compare the integrity manifests of two builds (folders or http(s) URLs of the site root): "
                                    "every published record, event and document file of OLD must be unchanged in NEW "
                                    "(additions are fine), and each manifest must match its own site's data files. "
                                    "Exit 0 when all holds, 3 when not, 1 when a manifest is not a portal manifest.")
    sp.add_argument("old", help="the earlier site (folder or URL)")
    sp.add_argument("new", help="the later site (folder or URL)")
    sp.set_defaults(func=cmd_verify)


def _serve_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("serve", help="build, then preview the site on a local web server")
    _common(sp)
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--bind", default="127.0.0.1")
    sp.set_defaults(func=cmd_serve)


def _search_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("search", help="search tasks, complaints and notices from the command line (Chinese full text)",
                        description="Search tasks, complaints and notices. Prints one tab-separated line per result: "
                                    "id, title, status, page path. The index is kept in --index and updated "
                                    "incrementally from the content before each search.")
    _common(sp, output=False)
    sp.add_argument("query", nargs="+", help="words to find (Chinese is segmented), or a complaint reference number")
    sp.add_argument("--kind", default="", help="task, complaint or notice")
    sp.add_argument("--region", default="", help="region code or name; regions inside it match too")
    sp.add_argument("--status", default="", help="status key (in_progress, done, open …) or its Chinese label (整改中 …)")
    sp.add_argument("--inspection", default="", help="only what answers this inspection: its id (r3) or short name (第三轮)")
    sp.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    sp.add_argument("--index", default=".cache/search-index", help="index folder, outside output/ (default .cache/search-index)")
    sp.set_defaults(func=cmd_search)


def _import_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("import", help="turn a complaint table or task list (.xlsx, .csv) into content files",
                        description="Read a spreadsheet in the column layout provinces publish and write content files. "
                                    "Every problem is listed with row and column and nothing is written, unless --force "
                                    "(then the rows without problems are written). An existing batch or task file is re-imported as history "
                                    "(--overwrite replaces it instead). Step by step, in Chinese: docs/import.md.")
    sp.add_argument("file", help=".xlsx or .csv (UTF-8 or GBK)")
    sp.add_argument("--kind", required=True, choices=["complaints", "tasks"])
    sp.add_argument("--batch", type=int, default=None, help="complaints: the batch number (writes complaints/N.yaml); default: from the table's title (第19批) or its 受理编号 cells")
    sp.add_argument("--forwarded-on", default=None, metavar="YYYY-MM-DD", help="complaints: the date the batch was forwarded; default: from the table's title (2022年10月9日)")
    sp.add_argument("--id-prefix", default="T-", help="tasks: id = prefix + 序号 with two digits (default T-, e.g. T-07)")
    sp.add_argument("--force", action="store_true", help="write the rows without problems and leave out the others")
    sp.add_argument("--overwrite", action="store_true", help="replace files that exist already")
    sp.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                    help="re-importing a batch file that exists records each changed 办结状态 or 处理和整改情况 as an update "
                         "entry of this date; re-importing a task list, each changed 整改进展 as a history entry "
                         "(default: the --as-of date)")
    sp.add_argument("--dry-run", action="store_true", help="print what each row would do (新建, 更新, 不变, 拒绝) and write nothing; "
                                                           "exit 2 when something would be refused")
    sp.add_argument("--profile", default=None, metavar="FILE",
                    help="the import profile (导入配置) to use: a path, or a name in content/import-profiles/; default: the "
                         "profile whose columns all appear in the table's header (the one naming most columns). "
                         "With --draft-profile: the name of the profile to write")
    sp.add_argument("--inspection", default=None, metavar="督察",
                    help="表格属于哪一次督察：督察编号或简称（如 r3 或 第三轮）；内容中有几次督察时必填")
    sp.add_argument("--plan", default=None, metavar="方案",
                    help="tasks：任务属于哪一个整改方案（方案编号）；所属督察有几个整改方案时必填")
    sp.add_argument("--draft-profile", action="store_true",
                    help="write content/import-profiles/<file name>.yaml from the table's header, every column listed and "
                         "those the import cannot place marked 待定; writes nothing else")
    _common(sp, output=False)
    sp.set_defaults(func=cmd_import)


def _demo_parser(sub: Subparsers) -> None:
    sp = sub.add_parser("demo-data", help="write a synthetic content folder of any size (for benchmarks)")
    sp.add_argument("--tasks", type=int, default=60)
    sp.add_argument("--complaints", type=int, default=1000)
    sp.add_argument("--seed", type=int, default=1)
    sp.add_argument("--provinces", type=int, default=0, help="default: 1, or 31 above 50,000 complaints")
    sp.add_argument("--output", required=True, help="a new (or empty) folder")
    sp.set_defaults(func=cmd_demo_data)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(_LevelFormatter())
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler])
    try:
        return int(args.func(args))
    except ContentError as exc:
        print(exc.format(), file=sys.stderr)
        return exc.exit_code
    except PortalError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # an OS error, possibly wrapped (by Pelican, a worker …): one message, exit 1
        os_error = _os_error(exc)
        if os_error is None:
            raise
        print(f"portal: {os_error_message(os_error, _writing(args))}", file=sys.stderr)
        if args.command == "build":
            print(f"portal: 已发布的网站 {args.output}/ 保持原样（构建是先在旁边生成、成功后才整体替换的）。", file=sys.stderr)
        return 1


class _LevelFormatter(logging.Formatter):
    """Log lines as 警告：… (the level in Chinese), as the command's own messages are."""

    LEVELS: ClassVar[dict[str, str]] = {"DEBUG": "调试", "INFO": "信息", "WARNING": "警告", "ERROR": "错误", "CRITICAL": "严重错误"}

    def format(self, record: logging.LogRecord) -> str:
        return f"{self.LEVELS.get(record.levelname, record.levelname)}：{record.getMessage()}"


# the argument naming the folder each command writes: named in a message when the system gives no path
_WRITES = {"build": "output", "serve": "output", "search": "index", "import": "content", "demo-data": "output",
           "check": "fix_pii"}


def _writing(args: argparse.Namespace) -> str | None:
    value = getattr(args, _WRITES.get(args.command, ""), None)
    return os.path.abspath(value) if value else None


def _os_error(exc: BaseException | None) -> OSError | None:
    """``exc`` if it is an OSError, else the first one it was raised from or during (SQLite's errors of
    the disk count as the OS errors they are)."""
    import sqlite3

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        if isinstance(exc, sqlite3.OperationalError):  # the disk or the file system failed SQLite
            code = _SQLITE_ERRNO.get(getattr(exc, "sqlite_errorcode", -1) & 0xFF)
            return OSError(code, f"SQLite: {exc}") if code else OSError(f"SQLite: {exc}")
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


# SQLite's primary result codes that say what the disk did → errno (others, like CANTOPEN, do not say why)
_SQLITE_ERRNO = {13: errno.ENOSPC, 8: errno.EROFS, 10: errno.EIO}  # SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR


if __name__ == "__main__":
    sys.exit(main())
