"""Stage 5, index (browser): run Pagefind over the rendered site.

Pagefind (``pagefind[extended]`` from PyPI, whose binary ships inside the package and segments
Chinese) indexes only the parts of pages marked ``data-pagefind-body`` — tasks, complaints and
notices — with the filters and title the theme puts there (see base.html), and writes its bundle to
``pagefind/`` in the site. The search page loads it with relative URLs.

Pagefind 1.5 writes its filter indexes in hash-map order, which differs from run to run
(Pagefind/pagefind#638), so :func:`stabilize` rewrites them in sorted order, names them by the hash
of their content, and updates the files that refer to them: the same site gives a byte-identical
bundle.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import cbor2

from .errors import PortalError

BUNDLE = "pagefind"
MAGIC = b"pagefind_dcd"  # what Pagefind puts before the CBOR in its gzipped index files


def index_site(site_dir: Path) -> None:
    """Index ``site_dir`` in place; raise :class:`PortalError` if Pagefind fails."""
    try:
        from pagefind.service import _must_get_executable  # the binary inside the pip package
    except ImportError:
        raise PortalError("Pagefind is not installed: pip install 'pagefind[extended]'") from None
    binary = str(_must_get_executable())
    done = subprocess.run(
        [binary, "--site", str(site_dir), "--output-subdir", BUNDLE, "--silent"],
        capture_output=True, text=True, timeout=1800,
    )
    if done.returncode != 0:
        raise PortalError(f"Pagefind failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")
    stabilize(Path(site_dir) / BUNDLE)


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise PortalError(f"Pagefind wrote {path.name} in a format this portal does not know")
    return cbor2.loads(raw[len(MAGIC):])


def _write(folder: Path, prefix: str, digits: int, suffix: str, data: Any) -> str:
    """Write ``data`` as a Pagefind index file named by the hash of its content; return the name's hash part."""
    raw = MAGIC + cbor2.dumps(data, canonical=True)
    name = f"{prefix}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return name


def stabilize(bundle: Path) -> None:
    """Rewrite the filter indexes and the metadata file of each language in a canonical order."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, old in meta[3]:
            old_path = bundle / "filter" / f"{old}.pf_filter"
            data = _read(old_path)
            data[1] = sorted(data[1], key=lambda value: value[0])
            old_path.unlink()
            filters.append([name, _write(bundle / "filter", language, 7, ".pf_filter", data)])
        meta[3] = sorted(filters)
        meta_path.unlink()
        info["hash"] = _write(bundle, f"pagefind.{language}", 13, ".pf_meta", meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
