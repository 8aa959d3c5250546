# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic, browsable file trees of volumes and of their cloud backups.

A tree is derived from a tree id (the volume id; a restored volume inherits its source's)
and a generation. The live volume is at ``Volume.generation``; every backup freezes the
generation it captured and the volume moves on to the next one. Most of the tree is the
same in every generation: some files change every few generations (new size and mtime) and
``/logs`` gains one file per generation (keeping the last 30), so later backups share most
of the tree with some files changed or added. Restored files live in an overlay (absolute
path -> entry) that backups copy.

Directories are generated lazily from a hash of (tree id, path) and memoised; nothing
depends on the clock or on the emulator's seeded generator, so the same backup always
lists the same entries.
"""
from __future__ import annotations

import fnmatch
import functools
import hashlib
import random
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

DIRECTORY = "directory"
FILE = "file"
DIRECTORY_SIZE = 4096
LARGE_DIRECTORY = "/scans"  # a few thousand entries, on about one volume in five
LOG_DIRECTORY = "/logs"
LOG_KEEP = 30  # rotated logs kept per generation
_DAY_MS = 86_400_000
_MTIME_BASE_MS = 1_672_531_200_000  # 2023-01-01: generated content does not move with the clock
_MTIME_SPAN_S = 240 * 86_400

_USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
_PROJECTS = ("apollo", "borealis", "cygnus", "delta", "ember", "falcon")
_DOCUMENTS = ("report-2023.pdf", "budget.xlsx", "cv.docx", "presentation.pptx", "contract.pdf", "minutes.docx",
              "invoice-0042.pdf", "plan.xlsx", "roadmap.pptx", "letter.docx")
_SOURCES = ("main.py", "util.py", "config.yaml", "models.py", "api.py", "cli.py", "test_main.py", "schema.sql",
            "index.ts", "Dockerfile")
_DESIGN_DOCS = ("design.md", "api.md", "changelog.md", "install.md", "faq.md")
_SHARED = ("handbook.pdf", "policies.docx", "logo.png", "team.csv", "holidays.xlsx")
_TEMPLATES = ("letter.dotx", "invoice.xlsx", "slides.potx")


@dataclass(frozen=True)
class Entry:
    """One file or directory as the listings show it (``mtime`` in epoch ms)."""

    inode: int
    name: str
    type: str
    size: int
    mtime: int

    @property
    def is_dir(self) -> bool:
        return self.type == DIRECTORY

    def to_dict(self, path: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"inode": self.inode, "name": self.name, "type": self.type, "size": self.size,
                                "mtime": self.mtime}
        if path is not None:
            data["path"] = path
        return data


@dataclass(frozen=True)
class _Node:
    """A generated entry over all generations: it exists from ``born`` until ``died`` and
    gets a new version (size, mtime) every ``period`` generations (0: never changes)."""

    name: str
    type: str
    inode: int
    size: int
    mtime: int
    period: int = 0
    born: int = 0
    died: int | None = None

    def at(self, generation: int) -> Entry | None:
        if generation < self.born or (self.died is not None and generation >= self.died):
            return None
        version = (generation - self.born) // self.period if self.period else 0
        size = self.size + version * (self.inode % 65_536 + 512) if self.type == FILE else self.size
        return Entry(self.inode, self.name, self.type, size, self.mtime + version * _DAY_MS)


# -- paths -------------------------------------------------------------------------------------
def normalise(path: str | None) -> str:
    parts = [part for part in (path or "/").split("/") if part and part != "."]
    return "/" + "/".join(parts)


def join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def parent_of(path: str) -> str:
    return normalise(path).rsplit("/", 1)[0] or "/"


def name_of(path: str) -> str:
    return normalise(path).rsplit("/", 1)[1]


def _parts(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


# -- generation ---------------------------------------------------------------------------------
def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\0".join(parts).encode()).digest()


def inode_of(tree_id: str, path: str) -> int:
    """Stable per path, so a file keeps its inode in every backup."""
    return int.from_bytes(_digest("inode", tree_id, path)[:6], "big") + 64


def has_large_directory(tree_id: str) -> bool:
    return _digest("large", tree_id)[0] % 5 == 0


def _mtime(rng: random.Random) -> int:
    return _MTIME_BASE_MS + rng.randint(0, _MTIME_SPAN_S) * 1000  # whole seconds, as file systems keep them


def _file(tree_id: str, directory: str, name: str, rng: random.Random, size: int, period: int = 0) -> _Node:
    return _Node(name, FILE, inode_of(tree_id, join(directory, name)), size,
                 _mtime(rng), period)


def _layout(tree_id: str, parts: list[str], rng: random.Random) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Sub-directories and (name, size, change period) of the files of one directory."""
    kib, mib = 1024, 1024**2
    head, depth = (parts[0] if parts else ""), len(parts)
    if depth == 0:
        dirs = ["db", "home", "logs", "projects", "shared"] + (["scans"] if has_large_directory(tree_id) else [])
        return dirs, [("README.txt", rng.randint(200, 4 * kib), 0)]
    if head == "home":
        if depth == 1:
            return rng.sample(_USERS, rng.randint(2, 4)), []
        if depth == 2:
            return ["documents", "photos"], [(".bashrc", rng.randint(200, 4 * kib), 0),
                                             ("notes.md", rng.randint(kib, 64 * kib), 3),
                                             ("todo.txt", rng.randint(100, 8 * kib), 2)]
        if parts[2] == "documents":
            return [], [(name, rng.randint(20 * kib, 20 * mib), rng.choice((0, 0, 0, 4)))
                        for name in rng.sample(_DOCUMENTS, rng.randint(3, 7))]
        return [], [(f"IMG_{number:04d}.jpg", rng.randint(mib, 12 * mib), 0)
                    for number in rng.sample(range(1, 9999), rng.randint(3, 12))]
    if head == "projects":
        if depth == 1:
            return rng.sample(_PROJECTS, rng.randint(2, 4)), []
        if depth == 2:
            return ["docs", "src"], [("Makefile", rng.randint(kib, 16 * kib), 0),
                                     ("README.md", rng.randint(kib, 32 * kib), 5),
                                     ("build.log", rng.randint(10 * kib, 4 * mib), 1)]
        if parts[2] == "src":
            return [], [(name, rng.randint(kib, 256 * kib), rng.choice((0, 0, 2, 3)))
                        for name in rng.sample(_SOURCES, rng.randint(3, 8))]
        return [], [(name, rng.randint(kib, 64 * kib), 0) for name in rng.sample(_DESIGN_DOCS, rng.randint(2, 4))]
    if head == "db":
        if depth == 1:
            return ["wal"], [("orders.db", rng.randint(64 * mib, 2048 * mib), 1),
                             ("customers.db", rng.randint(16 * mib, 512 * mib), 2),
                             ("inventory.db", rng.randint(8 * mib, 256 * mib), 0),
                             ("dump.sql", rng.randint(mib, 512 * mib), 0)]
        return [], [(f"{segment:024X}", 16 * mib, 1) for segment in range(1, rng.randint(3, 6) + 1)]
    if head == "logs":
        return [], [("current.log", rng.randint(kib, 64 * mib), 1)]
    if head == "shared":
        if depth == 1:
            return ["templates"], [(name, rng.randint(10 * kib, 8 * mib), 0)
                                   for name in rng.sample(_SHARED, rng.randint(2, 5))]
        return [], [(name, rng.randint(10 * kib, mib), 0) for name in _TEMPLATES]
    if head == "scans":
        return [], [(f"scan-{number:05d}.tif", rng.randint(100 * kib, 8 * mib), 0)
                    for number in range(1, rng.randint(2000, 3500) + 1)]
    return [], []


@functools.lru_cache(maxsize=4096)
def _static(tree_id: str, path: str) -> tuple[_Node, ...]:
    """The generation-independent entries of a directory known to exist (sorted)."""
    rng = random.Random(_digest("dir", tree_id, path))
    dirs, files = _layout(tree_id, _parts(path), rng)
    nodes = [_Node(name, DIRECTORY, inode_of(tree_id, join(path, name)), DIRECTORY_SIZE,
                   _mtime(rng)) for name in sorted(dirs)]
    nodes += [_file(tree_id, path, name, rng, size, period) for name, size, period in sorted(files)]
    return tuple(nodes)


@functools.lru_cache(maxsize=4096)
def _static_by_name(tree_id: str, path: str) -> dict[str, _Node]:
    return {node.name: node for node in _static(tree_id, path)}


@functools.lru_cache(maxsize=8192)
def _log(tree_id: str, generation: int) -> _Node:
    rng = random.Random(_digest("log", tree_id, str(generation)))
    name = f"app-{generation:05d}.log"
    return _Node(name, FILE, inode_of(tree_id, join(LOG_DIRECTORY, name)), rng.randint(1024, 32 * 1024**2),
                 _MTIME_BASE_MS + _MTIME_SPAN_S * 1000 + generation * 3_600_000, born=generation,
                 died=generation + LOG_KEEP)


def _dynamic(tree_id: str, path: str, generation: int) -> list[_Node]:
    if path != LOG_DIRECTORY:
        return []
    return [_log(tree_id, g) for g in range(max(0, generation - LOG_KEEP + 1), generation + 1)]


@functools.lru_cache(maxsize=16384)
def _generated_dir(tree_id: str, path: str) -> bool:
    """Directories exist in every generation, so this does not depend on one."""
    if path == "/":
        return True
    parent = parent_of(path)
    name = name_of(path)
    return _generated_dir(tree_id, parent) and any(n.name == name and n.type == DIRECTORY
                                                   for n in _static(tree_id, parent))


@functools.lru_cache(maxsize=512)
def _flat(tree_id: str) -> tuple[tuple[str, _Node], ...]:
    """Every generated entry of the tree with its path (for searches)."""
    found: list[tuple[str, _Node]] = []
    pending = ["/"]
    while pending:
        directory = pending.pop()
        for node in _static(tree_id, directory):
            path = join(directory, node.name)
            found.append((path, node))
            if node.type == DIRECTORY:
                pending.append(path)
    return tuple(found)


@functools.lru_cache(maxsize=1024)
def _matching(tree_id: str, pattern: str) -> tuple[tuple[str, _Node], ...]:
    return tuple(item for item in _flat(tree_id) if fnmatch.fnmatchcase(item[1].name.lower(), pattern))


# -- views --------------------------------------------------------------------------------------
def _order(item: tuple[str, Entry]) -> tuple[bool, str]:
    return (not item[1].is_dir, item[1].name)


class Tree:
    """A volume's file system at one generation, with its overlay of restored entries."""

    def __init__(self, tree_id: str, generation: int, overlay: Mapping[str, Entry] | None = None) -> None:
        self.tree_id = tree_id
        self.generation = generation
        self.overlay: Mapping[str, Entry] = overlay if overlay is not None else {}
        self._children: dict[str, dict[str, Entry]] | None = None

    def _overlay_children(self) -> dict[str, dict[str, Entry]]:
        if self._children is None:
            index: dict[str, dict[str, Entry]] = {}
            for path, entry in self.overlay.items():
                index.setdefault(parent_of(path), {})[entry.name] = entry
            self._children = index
        return self._children

    def is_dir(self, path: str) -> bool:
        path = normalise(path)
        if path in self.overlay:
            return self.overlay[path].is_dir
        return _generated_dir(self.tree_id, path)

    def entries(self, path: str | None) -> list[Entry] | None:
        """Entries of a directory (directories first, then files, by name), or ``None``
        when the path is not a directory."""
        items = self.items(path)
        return None if items is None else [entry for _path, entry in items]

    def items(self, path: str | None) -> list[tuple[str, Entry]] | None:
        path = normalise(path)
        if not self.is_dir(path):
            return None
        merged: dict[str, Entry] = {}
        if _generated_dir(self.tree_id, path):
            for node in (*_static(self.tree_id, path), *_dynamic(self.tree_id, path, self.generation)):
                entry = node.at(self.generation)
                if entry is not None:
                    merged[entry.name] = entry
        merged.update(self._overlay_children().get(path, {}))
        return sorted(((join(path, name), entry) for name, entry in merged.items()), key=_order)

    def entry(self, path: str) -> Entry | None:
        path = normalise(path)
        if path == "/":
            return Entry(inode_of(self.tree_id, "/"), "/", DIRECTORY, DIRECTORY_SIZE, _MTIME_BASE_MS)
        if path in self.overlay:
            return self.overlay[path]
        parent, name = parent_of(path), name_of(path)
        if not _generated_dir(self.tree_id, parent):
            return None
        node = _static_by_name(self.tree_id, parent).get(name)
        if node is None:
            node = next((n for n in _dynamic(self.tree_id, parent, self.generation) if n.name == name), None)
        return None if node is None else node.at(self.generation)

    def put(self, path: str, entry: Entry) -> None:
        """Add or replace an overlay entry (a restored file or folder) of a live volume."""
        if not isinstance(self.overlay, MutableMapping):
            raise TypeError("this tree is read-only (a backup)")
        path = normalise(path)
        self.overlay[path] = entry
        if self._children is not None:
            self._children.setdefault(parent_of(path), {})[entry.name] = entry

    def walk(self, path: str) -> Iterator[tuple[str, Entry]]:
        """Every entry below a directory (depth first, parents before children)."""
        for child_path, entry in self.items(path) or []:
            yield child_path, entry
            if entry.is_dir:
                yield from self.walk(child_path)

    def find(self, pattern: str) -> Iterator[tuple[str, Entry]]:
        """Every entry whose lower-case name matches a lower-case glob (the generated part
        is matched once per tree and pattern, then only versioned per generation)."""
        for path, node in _matching(self.tree_id, pattern):
            if path not in self.overlay:
                entry = node.at(self.generation)
                if entry is not None:
                    yield path, entry
        for node in _dynamic(self.tree_id, LOG_DIRECTORY, self.generation):
            path = join(LOG_DIRECTORY, node.name)
            entry = node.at(self.generation)
            if entry is not None and path not in self.overlay and fnmatch.fnmatchcase(node.name.lower(), pattern):
                yield path, entry
        for path, entry in self.overlay.items():
            if fnmatch.fnmatchcase(entry.name.lower(), pattern):
                yield path, entry
