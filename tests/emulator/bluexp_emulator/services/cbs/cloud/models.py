# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cloud look-ups and the one write (creating an Azure resource group).

Unknown cloud accounts, subscriptions, projects, vaults and key rings are 404s; a region
the account does not offer is a 400 naming it. Resource groups follow Azure: names are
case-insensitive, creating an existing group in its own region succeeds and changes nothing
(ARM's create-or-update), and in another region is a conflict (409). A new group shows in the
listing ``listing_delay_s`` after its creation (emulator time), as ARM's listings lag.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from bluexp_emulator.core.clock import Clock, SystemClock
from bluexp_emulator.core.errors import BadRequest, Conflict, NotFound
from bluexp_emulator.services.cbs.cloud.state import (
    AzureResource,
    AzureSubscription,
    CloudInventory,
    GcpProject,
    KmsKey,
    NamedId,
    PrivateLink,
    Region,
)

ARCHIVE_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
SUCCEEDED = "Succeeded"  # ARM's provisioning state
# Azure: 1-90 letters, digits, underscores, parentheses, hyphens and periods, not ending with a period.
_RESOURCE_GROUP_NAME = re.compile(r"[-\w.()]{0,89}[-\w()]")


def _filtered(resources: list[AzureResource], region: str | None) -> list[AzureResource]:
    if region is None:
        return list(resources)
    wanted = region.replace(" ", "").lower()
    return [resource for resource in resources if resource.region == wanted]


class CloudBackend:
    def __init__(self, clock: Clock | None = None, listing_delay_s: Callable[[], float] = lambda: 0.0) -> None:
        self._inventories: dict[str, CloudInventory] = {}
        self.clock = clock or SystemClock()
        self.listing_delay_s = listing_delay_s

    def load(self, account_id: str, inventory: CloudInventory) -> None:
        self._inventories[account_id] = inventory

    def clear(self) -> None:
        self._inventories.clear()

    def inventory(self, account_id: str) -> CloudInventory:
        return self._inventories.setdefault(account_id, CloudInventory())

    # -- AWS ---------------------------------------------------------------------------------
    def aws_accounts(self, account_id: str) -> list[str]:
        return list(self.inventory(account_id).aws.accounts)

    def aws_regions(self, account_id: str) -> list[Region]:
        return list(self.inventory(account_id).aws.regions)

    def _aws_pair(self, account_id: str, aws_account: str, region: str) -> tuple[str, str]:
        aws = self.inventory(account_id).aws
        if aws_account not in aws.accounts:
            raise NotFound(f"AWS account {aws_account} not found")
        if not any(r.code == region for r in aws.regions):
            raise BadRequest(f"regionCode: AWS region {region} is not subscribed")
        return aws_account, region

    def aws_keys(self, account_id: str, aws_account: str, region: str) -> list[KmsKey]:
        pair = self._aws_pair(account_id, aws_account, region)
        return list(self.inventory(account_id).aws.keys.get(pair, []))

    def aws_private_links(self, account_id: str, aws_account: str, region: str) -> list[PrivateLink]:
        pair = self._aws_pair(account_id, aws_account, region)
        return list(self.inventory(account_id).aws.private_links.get(pair, []))

    # -- Azure -------------------------------------------------------------------------------
    def azure_subscriptions(self, account_id: str) -> list[AzureSubscription]:
        return list(self.inventory(account_id).azure)

    def subscription(self, account_id: str, subscription_id: str) -> AzureSubscription:
        wanted = subscription_id.lower()  # GUIDs: any case
        found = next((s for s in self.inventory(account_id).azure if s.id.lower() == wanted), None)
        if found is None:
            raise NotFound(f"Azure subscription {subscription_id} not found")
        return found

    def resource_groups(self, account_id: str, subscription_id: str, region: str | None) -> list[AzureResource]:
        now = self.clock.now()
        groups = self.subscription(account_id, subscription_id).resource_groups
        return _filtered([group for group in groups if group.listed_from <= now], region)

    def vnets(self, account_id: str, subscription_id: str, region: str | None) -> list[AzureResource]:
        return _filtered(self.subscription(account_id, subscription_id).vnets, region)

    def vaults(self, account_id: str, subscription_id: str) -> list[AzureResource]:
        return list(self.subscription(account_id, subscription_id).vaults)

    def vault_keys(self, account_id: str, subscription_id: str, vault_name: str) -> list[NamedId]:
        subscription = self.subscription(account_id, subscription_id)
        vault = next((v for v in subscription.vaults if v.name.lower() == vault_name.lower()), None)
        if vault is None:
            raise NotFound(f"Key vault {vault_name} not found in subscription {subscription.id}")
        return list(vault.children)

    def create_resource_group(self, account_id: str, subscription_id: str, name: str | None,
                              region: str | None) -> str:
        subscription = self.subscription(account_id, subscription_id)
        if name is None or not _RESOURCE_GROUP_NAME.fullmatch(name):
            raise BadRequest(f"name: {name!r} is not a valid resource group name (1-90 letters, digits, '_', '(', "
                             "')', '-', '.'; not ending with '.')")
        if not region:
            raise BadRequest("region is required")
        location = subscription.region(region)
        if location is None:
            raise BadRequest(f"region: {region!r} is not a region of subscription {subscription.id}")
        existing = next((g for g in subscription.resource_groups if g.name.lower() == name.lower()), None)
        if existing is not None:
            if existing.region != location.code:
                raise Conflict(f"Invalid resource group location '{location.code}'. The resource group {existing.name} "
                               f"already exists in location '{existing.region}'.")
            return SUCCEEDED
        subscription.resource_groups.append(
            AzureResource(name, f"/subscriptions/{subscription.id}/resourceGroups/{name}", location.code,
                          listed_from=self.clock.now() + self.listing_delay_s()))
        return SUCCEEDED

    # -- Google Cloud ------------------------------------------------------------------------
    def gcp_projects(self, account_id: str) -> list[GcpProject]:
        return list(self.inventory(account_id).gcp)

    def project(self, account_id: str, project_id: str) -> GcpProject:
        found = next((p for p in self.inventory(account_id).gcp if p.id == project_id), None)
        if found is None:
            raise NotFound(f"Google Cloud project {project_id} not found")
        return found

    def key_rings(self, account_id: str, project_id: str, location: str) -> list[NamedId]:
        project = self.project(account_id, project_id)
        if not any(r.code == location for r in project.regions):
            raise BadRequest(f"locationId: {location} is not a region of project {project.id}")
        return list(project.key_rings.get(location, []))

    def crypto_keys(self, account_id: str, project_id: str, location: str, key_ring: str) -> list[NamedId]:
        """``key_ring`` is the ring's name or its full id."""
        rings = self.key_rings(account_id, project_id, location)
        ring = next((r for r in rings if key_ring in (r.name, r.id)), None)
        if ring is None:
            raise NotFound(f"Key ring {key_ring} not found in project {project_id}, location {location}")
        return list(self.project(account_id, project_id).crypto_keys.get(ring.id, []))
