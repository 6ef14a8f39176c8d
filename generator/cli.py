"""The ``portal`` command. The only place where errors become messages and exit statuses."""

from __future__ import annotations

import argparse
import functools
import http.server
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

from . import pipeline, publish
from .errors import ContentError, PortalError, UsageError


def _settings_file(value: str | None) -> Path | None:
    if value:
        path = Path(value)
        if not path.is_file():
            raise UsageError(f"--settings: {value} does not exist")
        return path
    default = Path("pelicanconf.py")
    return default if default.is_file() else None


def cmd_check(args: argparse.Namespace) -> int:
    as_of = pipeline.parse_as_of(args.as_of)
    content = pipeline.load_and_check(Path(args.content), as_of)
    n_complaints = sum(len(b.complaints) for b in content.batches)
    print(f"ok: {len(content.tasks)} tasks, {n_complaints} complaints in {len(content.batches)} batches, "
          f"{len(content.announcements)} notices, {len(content.documents)} documents; no problems as of {as_of}")
    return 0


def build(content: Path, output: Path, as_of_text: str | None, settings: str | None, verbose: bool = False) -> Path:
    as_of = pipeline.parse_as_of(as_of_text)
    settings_file = _settings_file(settings)
    publish.recover(output.resolve())  # first repair what an interrupted earlier build left
    portal = pipeline.prepare(content, as_of)
    warnings: list[str] = []
    publish.publish(output, lambda tmp: warnings.extend(pipeline.render(portal, tmp, settings_file, verbose)))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return output


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    output = build(Path(args.content), Path(args.output), args.as_of, args.settings, args.verbose)
    files = sum(1 for p in output.rglob("*") if p.is_file())
    print(f"built {files} files into {output}/ in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    output = build(Path(args.content), Path(args.output), args.as_of, args.settings, args.verbose)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    with http.server.ThreadingHTTPServer((args.bind, args.port), handler) as server:
        print(f"serving {output}/ at http://{args.bind}:{args.port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from . import search_index

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    as_of = pipeline.parse_as_of(args.as_of)
    portal = pipeline.prepare(Path(args.content), as_of)
    report = search_index.update(Path(args.index), portal)
    print(report, file=sys.stderr)
    hits = search_index.search(Path(args.index), portal, " ".join(args.query), args.kind, args.region, args.status, args.limit)
    for hit in hits:
        print(f"{hit.item_id}\t{hit.title}\t{hit.status_label}\t{hit.path}")
    if not hits:
        print("no results", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portal", description="Rectification Portal (整改公开): build a static disclosure site.")
    p.add_argument("-v", "--verbose", action="store_true", help="show Pelican's progress messages")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser, output: bool = True) -> None:
        sp.add_argument("--content", default="content", help="content folder (default: content)")
        sp.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="the data date (default: today in Asia/Shanghai)")
        if output:
            sp.add_argument("--output", default="output", help="output folder (default: output)")
            sp.add_argument("--settings", default=None, help="Pelican settings file (default: ./pelicanconf.py if present)")

    sp = sub.add_parser("build", help="check the content and build the site into the output folder")
    common(sp)
    sp.set_defaults(func=cmd_build)
    sp = sub.add_parser("check", help="load and check the content only; print every problem")
    common(sp, output=False)
    sp.set_defaults(func=cmd_check)
    sp = sub.add_parser("serve", help="build, then preview the site on a local web server")
    common(sp)
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--bind", default="127.0.0.1")
    sp.set_defaults(func=cmd_serve)
    sp = sub.add_parser("search", help="search tasks, complaints and notices from the command line (Chinese full text)",
                        description="Search tasks, complaints and notices. Prints one tab-separated line per result: "
                                    "id, title, status, page path. The index is kept in --index and updated "
                                    "incrementally from the content before each search.")
    common(sp, output=False)
    sp.add_argument("query", nargs="+", help="words to find (Chinese is segmented), or a complaint reference number")
    sp.add_argument("--kind", default="", help="task, complaint or notice")
    sp.add_argument("--region", default="", help="region code or name; regions inside it match too")
    sp.add_argument("--status", default="", help="status key (in_progress, done, open …) or its Chinese label (整改中 …)")
    sp.add_argument("--limit", type=int, default=20, help="at most this many results (default 20)")
    sp.add_argument("--index", default=".cache/search-index", help="index folder, outside output/ (default .cache/search-index)")
    sp.set_defaults(func=cmd_search)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return int(args.func(args))
    except ContentError as exc:
        print(exc.format(), file=sys.stderr)
        return exc.exit_code
    except PortalError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
