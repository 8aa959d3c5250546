# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""License validity of backup and recovery per working environment (License category).

`GET api/v1/license/working-environment/{id}` answers for one object-store provider and
cloud account: whether backup is licensed (`eligible`) and when a free trial ends. The
4.x `.../validity` says which license it is (marketplace subscription or BYOL); where a
Connector lacks it, the kind of an eligible license stays unknown.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _answers as answers
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import iso_utc

LICENSE_PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS")
_DAY_MS = 86400 * 1000


def target_of(we: dict[str, Any], backup: dict[str, Any] | None, provider: str | None,
              account: str | None) -> tuple[str | None, str | None, str | None]:
    """(provider, cloud account, reason when unknown) to ask about for one working environment.

    The options win; then the object store backup is activated on; then, for Cloud Volumes
    ONTAP, its own cloud. An on-premises cluster without backup has no provider to ask about.
    """
    backup = backup or {}
    active = backup if backup.get("enabled") else {}
    own_cloud = (we.get("provider") or "").upper()
    provider = provider or active.get("provider") or (own_cloud if own_cloud in LICENSE_PROVIDERS else None)
    if not provider:
        return None, None, "backup is not activated and the working environment runs on no cloud: set provider"
    if provider not in LICENSE_PROVIDERS:
        return provider, None, "the License API answers for {0} only, not for {1}".format(
            ", ".join(LICENSE_PROVIDERS), provider)
    if provider == "SGWS":
        return provider, None, None
    # An account belongs to one provider: only the option, or a record of the same provider, supplies it.
    account = (account or (active.get("provider_account_id") if active.get("provider") == provider else None)
               or (we.get("provider_account_id") if own_cloud == provider else None))
    if not account:
        return provider, None, "no {0} account is known for it: set cloud_provider_account_id".format(provider)
    return provider, account, None


# Flags read as booleans: the text "false" must not read as a valid license.
LICENSE = answers.Fields(optional={"eligible": bool})
VALIDITY = answers.Fields(optional={"marketplace-subscription": bool, "cloud-backup-license": bool,
                                    "snapmirror-license": bool})


def read(client: Any, we_id: str, provider: str, account: str | None, with_validity: bool) -> dict[str, Any]:
    body = answers.read(client, "GET", "v1", "license", "working-environment", we_id,
                        query={"provider": provider, "cloudProviderAccountId": account}).object(LICENSE)
    validity = None
    if with_validity:
        answer = answers.read_if_found(client, "GET", "v1", "license", "working-environment", we_id, "validity")
        validity = answer.object(VALIDITY) if answer else None
    return {"license": body, "validity": validity}


def describe(answer: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """The API's answer as a person reads it: kind, validity, expiry, days left."""
    body = answer["license"]
    validity = answer["validity"]
    eligible = bool(body.get("eligible"))
    trial_end = body.get("free-trial-end")
    trial_end = int(trial_end) if isinstance(trial_end, (int, float)) and trial_end > 0 else None
    if trial_end is not None:
        kind = "free_trial"
    elif validity and validity.get("cloud-backup-license"):
        kind = "byol"
    elif validity and validity.get("marketplace-subscription"):
        kind = "paygo"
    elif eligible:
        kind = "licensed"
    else:
        kind = "none"
    expired = trial_end is not None and trial_end <= now_ms
    result = {
        "eligible": eligible,
        "valid": eligible and not expired,
        "type": kind,
        "free_trial_end": iso_utc(trial_end),
        "days_left": max(0, (trial_end - now_ms) // _DAY_MS) if trial_end is not None else None,
        "validity": None,
    }
    if validity is not None:
        result["validity"] = {"marketplace_subscription": bool(validity.get("marketplace-subscription")),
                              "cloud_backup_license": bool(validity.get("cloud-backup-license")),
                              "snapmirror_license": bool(validity.get("snapmirror-license"))}
    return result
