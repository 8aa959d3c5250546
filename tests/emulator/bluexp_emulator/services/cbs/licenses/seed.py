# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeded license states: mostly BYOL and PAYGO, and every state at least once in a fleet of
five or more, so that each answer can be tested on the default fleet."""
from __future__ import annotations

from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.licenses.state import (
    BYOL,
    DAY_MS,
    NONE,
    PAYGO,
    STATES,
    TRIAL,
    TRIAL_EXPIRED,
    License,
)
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment


def seed_licenses(fleet: list[WorkingEnvironment], ids: IdGenerator, now_ms: int) -> None:
    rng = ids.rng
    chosen: dict[str, str] = {}
    if len(fleet) >= len(STATES):
        order = rng.sample(fleet, len(fleet))
        # ``none`` goes to a WE without backup when there is one (it never had a license).
        unlicensed = next((we for we in order if we.backup is None), order[0])
        others = [we for we in order if we is not unlicensed]
        chosen = {unlicensed.id: NONE, others[0].id: TRIAL, others[1].id: TRIAL_EXPIRED, others[2].id: BYOL,
                  others[3].id: PAYGO}
    for we in fleet:
        state = chosen.get(we.id) or rng.choices((BYOL, PAYGO), (3, 2))[0]
        trial_end = None
        if state == TRIAL:
            trial_end = now_ms + rng.randint(3, 27) * DAY_MS
        elif state == TRIAL_EXPIRED:
            trial_end = now_ms - rng.randint(5, 90) * DAY_MS
        we.license = License(state, trial_end)
