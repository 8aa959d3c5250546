# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The same seed always yields the same state; reset restores it."""
from __future__ import annotations

import json
from typing import Any

from bluexp_emulator import Emulator, EmulatorConfig, ManualClock
from bluexp_emulator.services.cbs.backup.models import backed_up_volume_dict, working_environment_backup_dict
from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD, ADMIN_USERNAME


def _dump(emulator: Emulator) -> str:
    """Everything observable through the API, serialised."""
    now = emulator.clock.now()
    data: dict[str, Any] = {"summary": emulator.summary(), "fleets": {}, "jobs": {}, "cloud": {}, "storage_grids": {}}
    for account in emulator.tenancy.accounts:
        wes = emulator.working_environments.list_working_environments(account.id)
        data["fleets"][account.id] = [{
            "we": we.to_dict(), "backup": working_environment_backup_dict(we),
            "svms": [svm.to_v2_dict() for svm in we.svms], "volumes": [v.to_dict() for v in we.volumes],
            "backed_up": [backed_up_volume_dict(we, v) for v in we.volumes if v.backup],
            "snapshots": [s.to_dict() for v in we.volumes if v.backup for s in v.backup.snapshots],
            "policies": [p.to_dict(we.attached_volumes(p.name)) for p in we.policies],
            "license": we.license.to_dict(), "validity": we.license.validity_dict(),
        } for we in wes]
        data["cloud"][account.id] = repr(emulator.cloud.inventory(account.id))
        data["storage_grids"][account.id] = repr(emulator.storage_grids.grids(account.id))
        data["jobs"][account.id] = [job.to_dict(now) for job in emulator.jobs.list_jobs(account.id)]
    return json.dumps(data, sort_keys=True)


def _emulator(**options: Any) -> Emulator:
    return Emulator(EmulatorConfig(**options), clock=ManualClock(), spec=None)


def test_same_seed_gives_the_same_state() -> None:
    assert _dump(_emulator(seed=5, accounts=2, connectors=2)) == _dump(_emulator(seed=5, accounts=2, connectors=2))


def test_different_seeds_give_different_states() -> None:
    assert _dump(_emulator(seed=1)) != _dump(_emulator(seed=2))


def test_reset_restores_the_seeded_state() -> None:
    emulator = _emulator(seed=9)
    before = _dump(emulator)
    emulator.jobs.create(emulator.tenancy.accounts[0].id, "x", "backup-volume")
    emulator.reset(seed=3)
    assert _dump(emulator) != before
    emulator.reset()
    assert _dump(emulator) == before


def test_reset_restores_cloud_resources_grids_and_licenses() -> None:
    emulator = _emulator(seed=9)
    before = _dump(emulator)
    account = emulator.tenancy.accounts[0].id
    subscription = emulator.cloud.azure_subscriptions(account)[0]
    emulator.cloud.create_resource_group(account, subscription.id, "rg-extra", subscription.regions[0].code)
    grid = emulator.storage_grids.grids(account)[1]
    emulator.storage_grids.discover(account, grid.admin_ip, ADMIN_USERNAME, ADMIN_PASSWORD)
    we = emulator.working_environments.list_working_environments(account)[0]
    emulator.licenses.set_license({"working_environment_id": we.id, "state": "none"})
    assert _dump(emulator) != before
    emulator.reset()
    assert _dump(emulator) == before


def test_reset_through_the_control_api(bluexp_emulator: Any) -> None:
    state = bluexp_emulator.reset(seed=11, fleet_size=5, accounts=2, connectors=3)
    assert [len(a["working_environments"]) for a in state["accounts"]] == [5, 5]
    assert [len(a["connectors"]) for a in state["accounts"]] == [3, 3]
    assert all(c["x-agent-id"].endswith("clients") for a in state["accounts"] for c in a["connectors"])
    again = bluexp_emulator.reset(seed=11, fleet_size=5, accounts=2, connectors=3)
    assert again["accounts"] == state["accounts"]
