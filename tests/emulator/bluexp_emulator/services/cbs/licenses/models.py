# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""License look-ups, trial expiry with time, and license changes from the control API.

``provider`` and ``cloudProviderAccountId`` identify where the real service looks for a
marketplace subscription; the emulator checks them as the spec describes (``provider`` one of
its enum, the account required except for StorageGRID) and answers from the WE's own state.
"""
from __future__ import annotations

from typing import Any

from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.core.params import as_number
from bluexp_emulator.services.cbs.licenses.state import (
    DAY_MS,
    STATES,
    TRIAL,
    TRIAL_EXPIRED,
    TRIAL_STATES,
    License,
)
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment, WorkingEnvironmentsBackend

PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS")
NO_ACCOUNT_PROVIDER = "SGWS"  # StorageGRID has no cloud account
_DEFAULT_DAYS_LEFT = {TRIAL: 30.0, TRIAL_EXPIRED: -1.0}
_SET_FIELDS = ("working_environment_id", "state", "trial_days_left", "snapmirror_license")


class LicenseBackend:
    def __init__(self, working_environments: WorkingEnvironmentsBackend, clock: Clock) -> None:
        self.working_environments = working_environments
        self.clock = clock

    def tick(self) -> None:
        now_ms = self.clock.now_ms()
        for we in self.working_environments.all_working_environments():
            we.license.expire(now_ms)

    def license(self, account_id: str, we_id: str, provider: str | None, cloud_account: str | None) -> License:
        if provider is None:
            raise BadRequest("query parameter 'provider' is required")
        if provider not in PROVIDERS:
            raise BadRequest(f"query parameter 'provider': {provider!r} is not one of {', '.join(PROVIDERS)}")
        if cloud_account is None and provider != NO_ACCOUNT_PROVIDER:
            raise BadRequest(f"query parameter 'cloudProviderAccountId' is required when the provider is {provider}")
        return self.working_environments.get_working_environment(account_id, we_id).license

    def validity(self, account_id: str, we_id: str) -> License:
        return self.working_environments.get_working_environment(account_id, we_id).license

    # -- control API ---------------------------------------------------------------------------
    def _find(self, we_id: str) -> WorkingEnvironment:
        we = next((w for w in self.working_environments.all_working_environments() if w.id == we_id), None)
        if we is None:
            raise NotFound(f"Working environment {we_id} not found")
        return we

    def set_license(self, payload: Any) -> WorkingEnvironment:
        """``{working_environment_id, state, trial_days_left?, snapmirror_license?}``, strictly:
        a trial needs days left > 0 (default 30), an expired trial <= 0 (default -1: ended a day ago)."""
        if not isinstance(payload, dict):
            raise BadRequest("the license must be a JSON object")
        unknown = set(payload) - set(_SET_FIELDS)
        if unknown:
            raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}; allowed: {', '.join(_SET_FIELDS)}")
        we_id = payload.get("working_environment_id")
        if not isinstance(we_id, str) or not we_id:
            raise BadRequest("working_environment_id must be a working environment id")
        state = payload.get("state")
        if state not in STATES:
            raise BadRequest(f"state must be one of {', '.join(STATES)}")
        snapmirror = payload.get("snapmirror_license")
        if snapmirror is not None and not isinstance(snapmirror, bool):
            raise BadRequest("snapmirror_license must be a boolean")
        we = self._find(we_id)
        trial_end = None
        if state in TRIAL_STATES:
            trial_end = self.clock.now_ms() + round(self._days_left(state, payload.get("trial_days_left")) * DAY_MS)
        elif payload.get("trial_days_left") is not None:
            raise BadRequest(f"trial_days_left applies to {' and '.join(TRIAL_STATES)} only")
        we.license = License(state, trial_end,
                             we.license.snapmirror_license if snapmirror is None else snapmirror)
        return we

    @staticmethod
    def _days_left(state: str, raw: Any) -> float:
        if raw is None:
            return _DEFAULT_DAYS_LEFT[state]
        days = as_number(raw)
        if days is None or (state == TRIAL and days <= 0) or (state == TRIAL_EXPIRED and days > 0):
            rule = "> 0" if state == TRIAL else "<= 0"
            raise BadRequest(f"trial_days_left must be a number {rule} for state {state}")
        return float(days)
