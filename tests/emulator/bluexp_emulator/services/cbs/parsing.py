# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Body parsing shared by the cbs categories (no rules: values are read as sent)."""
from __future__ import annotations

from typing import Any

from bluexp_emulator.core.params import Body
from bluexp_emulator.services.cbs.working_environments.policies import PolicyInput

SECRET = "secret-password"


def scrub(value: Any) -> Any:
    """Secrets only count as given: their values are not kept, not even inside a job."""
    if isinstance(value, dict):
        return {key: (True if key == SECRET and item else scrub(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def parse_policy(body: Body | None) -> PolicyInput | None:
    """A backup policy object (inline ``backup-policy``, or a policy endpoint's whole body)."""
    if body is None:
        return None
    archival = body.raw("sgws-archival")
    return PolicyInput(name=body.text("name"), rules=body.array("rule"),
                       archive_after_days=body.raw("archive-after-days"), object_lock=body.text("object-lock"),
                       sgws_archival=scrub(archival) if archival else None, field=body.prefix)
