# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small deterministic directory tree per volume, for ``GET .../volume/{volumeId}/list``.

The tree is derived from the volume id and the path alone (no stored state, no use of the
seeded generator), three directory levels deep, so the same call always lists the same entries.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

DIRECTORY = "directory"
FILE = "file"
MAX_DEPTH = 3
_DIRECTORIES = ("projects", "home", "reports", "archive", "config", "logs", "shared", "backup", "media", "data")
_FILES = ("readme.txt", "report.pdf", "data.csv", "notes.md", "image.png", "settings.json", "app.log",
          "archive.tar.gz", "budget.xlsx", "dump.sql")
_MTIME_BASE_MS = 1_672_531_200_000  # 2023-01-01: listings do not move with the clock


@dataclass(frozen=True)
class Entry:
    inode: int
    name: str
    type: str
    size: int
    mtime: int

    def to_dict(self) -> dict[str, Any]:
        return {"inode": self.inode, "name": self.name, "type": self.type, "size": self.size, "mtime": self.mtime}


def normalise(path: str | None) -> str:
    parts = [part for part in (path or "/").split("/") if part and part != "."]
    return "/" + "/".join(parts)


def list_directory(volume_id: str, path: str) -> list[Entry] | None:
    """Entries of ``path`` in the volume, or ``None`` when the path is not a directory there."""
    path = normalise(path)
    parts = [part for part in path.split("/") if part]
    current = "/"
    for part in parts:
        entries = _entries(volume_id, current)
        if not any(e.name == part and e.type == DIRECTORY for e in entries):
            return None
        current = current.rstrip("/") + "/" + part
    return _entries(volume_id, current)


def _entries(volume_id: str, path: str) -> list[Entry]:
    digest = hashlib.sha256(f"{volume_id}:{path}".encode()).digest()
    rng = random.Random(digest)
    depth = len([part for part in path.split("/") if part])
    entries: list[Entry] = []
    if depth < MAX_DEPTH:
        for name in sorted(rng.sample(_DIRECTORIES, rng.randint(2, 4))):
            entries.append(Entry(rng.randint(100, 10**7), name, DIRECTORY, 4096,
                                 _MTIME_BASE_MS + rng.randint(0, 10**10)))
    for name in sorted(rng.sample(_FILES, rng.randint(2, 5))):
        entries.append(Entry(rng.randint(100, 10**7), name, FILE, rng.randint(1, 50 * 1024**2),
                             _MTIME_BASE_MS + rng.randint(0, 10**10)))
    return entries
