# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The backup license of one working environment and the views derived from it.

States (emulator names): ``byol`` (a NetApp backup license), ``paygo`` (a cloud marketplace
subscription), ``trial`` (the free trial, running), ``trial_expired`` (the free trial, over;
a running trial becomes this when its end passes) and ``none``. The three answers about a
license (the 2.0.6 ``{free-trial-end, eligible}``, the backup view's ``license`` and the 4.x
``validity`` booleans) all come from this one state, so they never disagree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BYOL = "byol"
PAYGO = "paygo"
TRIAL = "trial"
TRIAL_EXPIRED = "trial_expired"
NONE = "none"
STATES = (BYOL, PAYGO, TRIAL, TRIAL_EXPIRED, NONE)
ELIGIBLE_STATES = (BYOL, PAYGO, TRIAL)
TRIAL_STATES = (TRIAL, TRIAL_EXPIRED)
DAY_MS = 86_400_000


@dataclass
class License:
    state: str = BYOL
    free_trial_end_ms: int | None = None  # trial states only
    snapmirror_license: bool = True  # the ONTAP side: independent of the backup license

    @property
    def eligible(self) -> bool:
        return self.state in ELIGIBLE_STATES

    def expire(self, now_ms: int) -> None:
        """A trial whose end has passed is over."""
        if self.state == TRIAL and self.free_trial_end_ms is not None and self.free_trial_end_ms <= now_ms:
            self.state = TRIAL_EXPIRED

    def to_dict(self) -> dict[str, Any]:
        """``{free-trial-end?, eligible}``: the trial end only when there is a trial."""
        data: dict[str, Any] = {}
        if self.state in TRIAL_STATES and self.free_trial_end_ms is not None:
            data["free-trial-end"] = self.free_trial_end_ms
        data["eligible"] = self.eligible
        return data

    def validity_dict(self) -> dict[str, bool]:
        """4.x validity: a marketplace subscription is PAYGO, a backup license is BYOL; a
        trial has neither."""
        return {"marketplace-subscription": self.state == PAYGO, "cloud-backup-license": self.state == BYOL,
                "snapmirror-license": self.snapmirror_license}

    def trial_days_left(self, now_ms: int) -> int | None:
        """Whole days, rounded up (negative once over): the same right after every reset."""
        if self.free_trial_end_ms is None:
            return None
        return math.ceil((self.free_trial_end_ms - now_ms) / DAY_MS)

    def summary(self, now_ms: int) -> dict[str, Any]:
        """The fields ``GET /_emulator/state`` adds to each WE."""
        return {"license_state": self.state, "trial_days_left": self.trial_days_left(now_ms),
                "snapmirror_license": self.snapmirror_license}
