# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Cloud resources BlueXP sees through the Connector, for choosing backup targets (Cloud category).

Each subset is one GET; the table below says which path it takes, which options fill the
path, and which key of the answer holds the list. The paths are those of the 2.0.6 spec.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, NamedTuple

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys


class Subset(NamedTuple):
    path: tuple[str, ...]  # "{option}" segments are filled from module options
    answer_key: str
    query: tuple[tuple[str, str], ...] = ()  # (API query parameter, option), sent when set


SUBSETS = {
    "aws_accounts": Subset(("aws", "account"), "account"),
    "aws_regions": Subset(("aws", "region"), "region"),
    "aws_archive_storage_classes": Subset(("aws", "archival-storage-class"), "storage-class"),
    "aws_kms_keys": Subset(("aws", "awsAccountId", "{aws_account_id}", "region", "{aws_region}", "key"), "key"),
    "aws_private_links": Subset(("aws", "awsAccountId", "{aws_account_id}", "region", "{aws_region}",
                                 "privateLink"), "privateLink"),
    "azure_subscriptions": Subset(("azure", "subscription"), "subscription"),
    "azure_regions": Subset(("azure", "subscription", "{azure_subscription}", "region"), "region"),
    "azure_resource_groups": Subset(("azure", "subscription", "{azure_subscription}", "resource-group"),
                                    "resource-group", (("region", "azure_region"),)),
    "azure_vaults": Subset(("azure", "subscription", "{azure_subscription}", "vault"), "vault"),
    "azure_vault_keys": Subset(("azure", "subscription", "{azure_subscription}", "vault", "{azure_vault}", "key"),
                               "key"),
    "azure_vnets": Subset(("azure", "subscription", "{azure_subscription}", "vnet"), "vnet",
                          (("region", "azure_region"),)),
    "gcp_projects": Subset(("gcp", "project"), "project"),
    "gcp_regions": Subset(("gcp", "project", "{gcp_project}", "region"), "region"),
    "gcp_key_rings": Subset(("gcp", "project", "{gcp_project}", "region", "{gcp_region}", "keyrings"), "keyRings"),
    "gcp_crypto_keys": Subset(("gcp", "project", "{gcp_project}", "region", "{gcp_region}", "keyrings",
                               "{gcp_key_ring}", "cryptokey"), "cryptoKeys"),
}
DEFAULT_SUBSETS = ("aws_accounts", "azure_subscriptions", "gcp_projects")

# Shapes checked before any call, so that a typo fails with the option's name instead of a 404.
_FORMATS = {
    "aws_account_id": (re.compile(r"^\d{12}$"), "a 12-digit AWS account ID"),
    "aws_region": (re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$"), "an AWS region code such as us-east-1"),
    "azure_subscription": (re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"),
                           "an Azure subscription ID (a UUID)"),
    "azure_vault": (re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$"), "an Azure key vault name (3-24 characters)"),
    "gcp_project": (re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$"), "a Google Cloud project ID"),
    "gcp_region": (re.compile(r"^[a-z0-9-]+$"), "a Google Cloud location such as us-east1"),
    "gcp_key_ring": (re.compile(r"^[A-Za-z0-9_-]{1,63}$"), "a key ring name or its full resource name"),
}
_KEY_RING_ID = re.compile(r"^projects/[^/]+/locations/[^/]+/keyRings/([^/]+)$")


def options_of(subset: str) -> list[str]:
    return [segment[1:-1] for segment in SUBSETS[subset].path if segment.startswith("{")]


def normalise(params: dict[str, Any]) -> dict[str, Any]:
    """Option values ready for the path; a key ring's full resource name becomes its name."""
    values = dict(params)
    ring = values.get("gcp_key_ring")
    match = _KEY_RING_ID.match(ring or "")
    if match:
        values["gcp_key_ring"] = match.group(1)
    return values


def validate(subsets: list[str], params: dict[str, Any]) -> None:
    """Every subset's path options present and well formed, before the first call."""
    for subset in subsets:
        missing = [o for o in options_of(subset) if not params.get(o)]
        if missing:
            raise ConfigurationError("{0}: required by gather_subset {1}.".format(", ".join(missing), subset),
                                     option=missing[0])
    for option, (pattern, what) in _FORMATS.items():
        value = params.get(option)
        if value and not pattern.match(value):
            raise ConfigurationError("{0}: {1!r} is not {2}.".format(option, value, what), option=option)


def gather(client: Any, subset: str, params: dict[str, Any], item: Any = object) -> list[Any]:
    """The subset's list; `item` is the shape of its items when they are used (some lists hold text)."""
    spec = SUBSETS[subset]
    segments = [params[s[1:-1]] if s.startswith("{") else s for s in spec.path]
    query = {api: params.get(option) for api, option in spec.query}
    answer = read(client, "GET", "v1", *segments, query=query or None)
    return snake_keys(answer.items(spec.answer_key, item))


# Azure's rule for resource group names: 1-90 letters, digits, _ ( ) - . and not ending with a period.
_GROUP_NAME = re.compile(r"^[-\w().]{0,89}[-\w()]$")


def check_resource_group_name(name: str) -> str:
    if not _GROUP_NAME.match(name or ""):
        raise ConfigurationError("name: {0!r} is not an Azure resource group name (1-90 letters, digits, "
                                 "_ ( ) - . and not ending with a period).".format(name), option="name")
    return name


def resource_groups(client: Any, subscription: str) -> list[Any]:
    """The resource groups of a subscription, in every region."""
    return gather(client, "azure_resource_groups", {"azure_subscription": subscription},
                  item=Fields(optional={"name": str}))


def resource_group(client: Any, subscription: str, name: str) -> dict[str, Any] | None:
    """A resource group by name, compared case-insensitively as Azure does; None when there is none."""
    return next((g for g in resource_groups(client, subscription)
                 if (g.get("name") or "").casefold() == name.casefold()), None)


def check_azure_region(client: Any, subscription: str, region: str, option: str = "region") -> str:
    """A region code of the subscription, as Azure spells it (compared case-insensitively)."""
    regions = gather(client, "azure_regions", {"azure_subscription": subscription}, item=Fields(optional={"code": str}))
    codes = [r.get("code") or "" for r in regions]
    found = next((code for code in codes if code.casefold() == region.casefold()), None)
    if found is None:
        close = difflib.get_close_matches(region, codes, n=5)
        raise ConfigurationError("{0}: {1!r} is not a region of subscription {2}{3}.".format(
            option, region, subscription, "; close codes: " + ", ".join(close) if close else ""),
            option=option, code="region_not_found")
    return found


def create_resource_group(client: Any, subscription: str, name: str, region: str) -> Any:
    """Create a resource group through the Connector's Azure credentials; answers with its `state`."""
    return read(client, "POST", "v1", "azure", "subscription", subscription, "resource-group",
                body={"name": name, "region": region}).object(Fields(optional={"state": str}), empty_ok=True)
