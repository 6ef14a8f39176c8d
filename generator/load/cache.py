"""Stage 1, load: the models of content files kept between builds, so that a rebuild reads again only the
files that changed (issue 18: a changed batch file re-reads 200 complaints, not every batch).

Each entry is the model built from one file (:class:`generator.incremental.KeptValues`: checked by its SHA-256
when read), named by a SHA-256 of the portal's own code, the model class, the file's name and its bytes: a
changed file, or other code, is a different entry. Only files that loaded without any problem are kept. An
entry that cannot be read, is damaged or holds something else is a miss: a damaged cache only costs time.
``portal build`` keeps the cache in its state folder beside output/ (``.output.state/load/``); after a load,
the entries it did not use are removed.
"""

from __future__ import annotations

import hashlib

from generator.incremental import KeptValues, code_digest


class LoadCache(KeptValues):
    def key(self, cls: type, name: str, raw: bytes) -> str:
        digest = hashlib.sha256()
        for part in (code_digest().encode(), cls.__qualname__.encode(), name.encode("utf-8", "surrogatepass")):
            digest.update(len(part).to_bytes(8, "big") + part)
        digest.update(raw)
        return digest.hexdigest()
