# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""File trees of volumes and backups: deterministic, lazily generated, shared across backups."""
from __future__ import annotations

from backup_flow import Flow, manual
from bluexp_emulator.services.cbs.filetree import (
    DIRECTORY,
    FILE,
    LARGE_DIRECTORY,
    LOG_KEEP,
    Entry,
    Tree,
    has_large_directory,
)

LARGE_TREE = next(f"volume-{n}" for n in range(100) if has_large_directory(f"volume-{n}"))
SMALL_TREE = next(f"volume-{n}" for n in range(100) if not has_large_directory(f"volume-{n}"))


def _names(tree: Tree, path: str) -> list[str]:
    return [entry.name for entry in tree.entries(path) or []]


def test_tree_is_deterministic_and_typed() -> None:
    first, again = Tree(SMALL_TREE, 3), Tree(SMALL_TREE, 3)
    assert first.entries("/") == again.entries("/")
    root = first.entries("/") or []
    assert [e.name for e in root if e.type == DIRECTORY] == ["db", "home", "logs", "projects", "shared"]
    assert any(e.type == FILE for e in root)
    users = _names(first, "/home")
    assert users and set(users) <= {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
    home = first.entries(f"/home/{users[0]}") or []
    assert {"documents", "photos", "notes.md"} <= {e.name for e in home}
    assert all(isinstance(e.inode, int) and e.size > 0 and e.mtime % 1000 == 0 for e in home)
    assert first.entries("/home/nobody") is None and first.entries("/README.txt") is None
    assert Tree("another-volume", 3).entries("/home") != first.entries("/home")


def test_later_generations_share_most_files_and_change_some() -> None:
    older, newer = Tree(SMALL_TREE, 2), Tree(SMALL_TREE, 7)
    old = dict(older.find("*"))
    new = dict(newer.find("*"))
    shared = set(old) & set(new)
    assert len(shared) > 0.8 * len(old)
    changed = {path for path in shared if old[path] != new[path]}
    assert changed and all(old[p].inode == new[p].inode and new[p].mtime > old[p].mtime for p in changed)
    added = set(new) - set(old)
    assert added and all(path.startswith("/logs/app-") for path in added)
    # The log folder keeps the last LOG_KEEP rotated logs.
    assert len([n for n in _names(Tree(SMALL_TREE, 100), "/logs") if n.startswith("app-")]) == LOG_KEEP


def test_some_trees_have_a_folder_of_thousands_of_entries() -> None:
    assert LARGE_DIRECTORY.lstrip("/") in _names(Tree(LARGE_TREE, 0), "/")
    entries = Tree(LARGE_TREE, 0).entries(LARGE_DIRECTORY) or []
    assert 2000 <= len(entries) <= 3500
    assert Tree(SMALL_TREE, 0).entries(LARGE_DIRECTORY) is None


def test_overlay_adds_entries_and_wins_over_generated_ones() -> None:
    readme = Tree(SMALL_TREE, 0).entry("/README.txt")
    assert readme is not None
    overlay = {"/README.txt": Entry(1, "README.txt", FILE, 5, 6), "/restored": Entry(2, "restored", DIRECTORY, 4096, 0),
               "/restored/a.txt": Entry(3, "a.txt", FILE, 7, 8)}
    tree = Tree(SMALL_TREE, 0, overlay)
    assert tree.entry("/README.txt") == overlay["/README.txt"]
    assert "restored" in _names(tree, "/") and _names(tree, "/restored") == ["a.txt"]
    assert [path for path, _entry in tree.find("a.txt")] == ["/restored/a.txt"]


@manual()
def test_backups_capture_the_volume_tree_and_the_volume_moves_on(flow: Flow) -> None:
    we = flow.we("AWS", active=True)
    volume = next(v for v in we.volumes if v.backup is not None and v.backup.snapshots)
    assert volume.backup is not None
    ordered = sorted(volume.backup.snapshots, key=lambda s: s.creation_time_ms)
    assert [s.generation for s in ordered] == list(range(len(ordered)))
    assert volume.generation == len(ordered)
    job = flow.finish(flow.call("POST", "/api/v3/backup/working-environment/{we}/volume/{vol}", {"mode": "AD_HOC"},
                                we=we.id, vol=volume.file_system_id))
    assert job["status"] == "COMPLETED", job
    newest = max(volume.backup.snapshots, key=lambda s: s.creation_time_ms)
    assert newest.generation == len(ordered) and volume.generation == len(ordered) + 1
    assert volume.snapshot_tree(newest).entries("/logs") == Tree(volume.tree_key, newest.generation).entries("/logs")
