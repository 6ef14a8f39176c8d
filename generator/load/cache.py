"""Stage 1, load: the models of content files kept between builds, so that a rebuild reads again only the
files that changed (issue 18: a changed batch file re-reads 200 complaints, not every batch).

Each entry is the pickled model built from one file, named by a SHA-256 of the portal's own code, the model
class, the file's name and its bytes: a changed file, or other code, is a different entry. Only files that
loaded without any problem are kept. An entry that cannot be read or unpickled, or holds something else, is
a miss: a damaged cache only costs time. ``portal build`` keeps the cache in its state folder beside output/
(``.output.state/load/``); after a load, the entries it did not use are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from generator.incremental import code_digest


class LoadCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.hits = 0

    def key(self, cls: type, name: str, raw: bytes) -> str:
        digest = hashlib.sha256()
        for part in (code_digest().encode(), cls.__qualname__.encode(), name.encode("utf-8", "surrogatepass")):
            digest.update(len(part).to_bytes(8, "big") + part)
        digest.update(raw)
        return digest.hexdigest()

    def get(self, key: str, cls: type) -> Any:
        """The model kept under ``key``, or None."""
        self.used.add(key)
        try:
            item = pickle.loads((self.folder / key).read_bytes())
        except Exception:  # noqa: BLE001 - missing, unreadable or damaged: a miss
            return None
        if not isinstance(item, cls):
            return None
        self.hits += 1
        return item

    def put(self, key: str, item: Any) -> None:
        """Keep ``item`` (pickled now: later changes to it are not kept); a cache that cannot be written is none."""
        self.used.add(key)
        with contextlib.suppress(OSError, pickle.PicklingError):
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.new"
            temporary.write_bytes(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.folder / key)

    def prune(self) -> None:
        """Remove the entries this load did not use."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
