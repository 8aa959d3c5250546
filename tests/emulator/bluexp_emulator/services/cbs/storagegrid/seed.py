# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeded StorageGRID grids: three per account, the first already discovered in BlueXP."""
from __future__ import annotations

from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.storagegrid.state import CA_SIGNED, SELF_SIGNED, StorageGrid

GRIDS_PER_ACCOUNT = 3
DOMAIN = "storage.example.internal"
_SITES = ("dc1", "dc2", "dc3", "east", "west", "north", "lab", "hq", "dr")
_VERSIONS = ("11.6.0.13", "11.7.0.9", "11.8.0.3", "11.8.0.7", "11.9.0.2")


def seed_grids(ids: IdGenerator, account_index: int) -> list[StorageGrid]:
    rng = ids.rng
    sites = sorted(rng.sample(_SITES, GRIDS_PER_ACCOUNT))
    versions = rng.sample(_VERSIONS, GRIDS_PER_ACCOUNT)
    # Both certificate kinds are present: clients handle them differently.
    certificates = [CA_SIGNED, SELF_SIGNED, rng.choice((CA_SIGNED, SELF_SIGNED))]
    rng.shuffle(certificates)
    grids = []
    for index, site in enumerate(sites):
        grids.append(StorageGrid(
            id=ids.uuid(), name=f"sg-{site}.{DOMAIN}", admin_host=f"sg-{site}-admin.{DOMAIN}",
            admin_ip=f"10.{100 + account_index}.{index + 1}.{rng.randint(10, 250)}", version=versions[index],
            certificate=certificates[index], discovered=index == 0,
        ))
    return grids
