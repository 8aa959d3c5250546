# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the restore, SFR, catalog and ransomware tests share: a backed-up source and request bodies."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backup_flow import Flow
from bluexp_emulator.services.cbs.backup.state import CloudSnapshot
from bluexp_emulator.services.cbs.filetree import has_large_directory
from bluexp_emulator.services.cbs.urls import PREFIX
from bluexp_emulator.services.cbs.working_environments.models import Volume, WorkingEnvironment

RESTORE = "/api/{version}/restore"


def template(path: str) -> str:
    """A test path written with {we}/{vol}/{snap} placeholders, as the spec writes it."""
    return PREFIX + (path.replace("{we}", "{workingEnvironmentId}").replace("{vol}", "{volumeId}")
                     .replace("{snap}", "{snapshotId}"))


@dataclass
class Source:
    we: WorkingEnvironment
    volume: Volume
    snapshot: CloudSnapshot  # the newest backup

    def block(self, snapshot: CloudSnapshot | None = None) -> dict[str, Any]:
        assert self.we.backup is not None
        return {"working-environment-id": self.we.id, "working-environment-name": self.we.name,
                "bucket": self.we.backup.bucket, "volume-name": self.volume.name,
                "volume-id": self.volume.file_system_id, "snapshot": (snapshot or self.snapshot).id}

    def file(self, path: str, snapshot: CloudSnapshot | None = None) -> dict[str, Any]:
        """A ``file[]`` entry for a path of the backup, as a client copies it from a listing."""
        entry = self.volume.snapshot_tree(snapshot or self.snapshot).entry(path)
        assert entry is not None, path
        return {"inode": entry.inode, "path": path, "type": entry.type, "size": entry.size, "mtime": entry.mtime}

    def backup_files(self, directory: str) -> list[str]:
        listing = self.volume.snapshot_tree(self.snapshot).items(directory) or []
        return [path for path, entry in listing if not entry.is_dir]


def source(flow: Flow, provider: str = "AWS") -> Source:
    """The account's WE of that provider with backup active, and a volume with backups."""
    we = flow.we(provider, active=True)
    volume = next(v for v in we.volumes if v.backup is not None and v.backup.snapshots)
    assert volume.backup is not None
    return Source(we, volume, max(volume.backup.snapshots, key=lambda s: s.creation_time_ms))


def target(we: WorkingEnvironment, volume_name: str, svm: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"working-environment-id": we.id, "working-environment-name": we.name, "svm": svm or we.svms[0].name,
            "volume-name": volume_name, **extra}


def body(kind: str, source_block: dict[str, Any], target_block: dict[str, Any],
         files: list[dict[str, Any]] | None = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A restore request; ``options`` are further fields of ``restore`` (flags, priority)."""
    restore: dict[str, Any] = {"type": kind, "source": source_block, "target": target_block, **(options or {})}
    if files is not None:
        restore["file"] = files
    return {"restore": restore}


def restore(flow: Flow, payload: dict[str, Any], version: str = "v3") -> Any:
    return flow.call("POST", RESTORE.format(version=version), payload)


def with_large_directory(src: Source) -> Source:
    """Give the source volume a tree that has a folder of thousands of entries."""
    src.volume.tree_id = next(f"tree-{n}" for n in range(100) if has_large_directory(f"tree-{n}"))
    return src
