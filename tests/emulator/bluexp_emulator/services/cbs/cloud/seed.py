# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeded cloud resources of one account.

The cloud accounts are the fleet's own (the AWS accounts, Azure subscriptions and Google
Cloud projects its working environments and backups use) plus one that no WE uses; each
offers every region the fleet uses plus a few more. The resource groups of seeded Azure
backups exist in their subscription. Position guarantees, so tests can rely on them: the
first (AWS account, region) pair has a key of each origin and a private link, the second has
no private link; the first vault of each subscription has keys; the first region of the first
project has key rings.
"""
from __future__ import annotations

from collections.abc import Callable

from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.cloud.regions import AWS_REGIONS, AZURE_REGIONS, GCP_REGIONS
from bluexp_emulator.services.cbs.cloud.state import (
    AwsInventory,
    AzureResource,
    AzureSubscription,
    CloudInventory,
    GcpProject,
    KmsKey,
    NamedId,
    PrivateLink,
    Region,
)
from bluexp_emulator.services.cbs.seed import KINDS
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment

_WORDS = ("prod", "dev", "test", "finance", "shared", "backup", "data", "apps", "lab", "ops", "web", "sec")
_SUBSCRIPTION_NAMES = ("Production", "Development", "Shared Services", "Backup", "Lab", "Data Platform")
_SUBNETS = ("snet-backup", "snet-app", "snet-data")


def seed_cloud(ids: IdGenerator, provider_accounts: dict[str, list[str]],
               fleet: list[WorkingEnvironment]) -> CloudInventory:
    return CloudInventory(aws=_aws(ids, provider_accounts["AWS"]),
                          azure=_azure(ids, provider_accounts["AZURE"], fleet),
                          gcp=_gcp(ids, provider_accounts["GCP"]))


def _regions(ids: IdGenerator, table: dict[str, str], base: tuple[str, ...], extra: tuple[int, int]) -> list[Region]:
    """``base`` plus a few more of ``table``, in the table's order."""
    others = [code for code in table if code not in base]
    chosen = set(base) | set(ids.rng.sample(others, ids.rng.randint(*extra)))
    return [Region(code, name) for code, name in table.items() if code in chosen]


def _with_one_more(known: list[str], make: Callable[[], str]) -> list[str]:
    """The fleet's cloud accounts plus one that no WE uses."""
    accounts = list(dict.fromkeys(known))
    while True:
        new = make()
        if new not in accounts:
            return [*accounts, new]


# -- AWS -------------------------------------------------------------------------------------
def _aws(ids: IdGenerator, known: list[str]) -> AwsInventory:
    rng = ids.rng
    accounts = _with_one_more(known, lambda: ids.digits(12))
    inventory = AwsInventory(accounts, _regions(ids, AWS_REGIONS, KINDS["aws"].regions, (2, 4)))
    pairs = [(account, region.code) for account in accounts for region in inventory.regions]
    for index, (account, code) in enumerate(pairs):
        count = rng.randint(2, 3) if index == 0 else rng.choice((0, 1, 1, 2, 3))
        keys = []
        for number, word in enumerate(rng.sample(_WORDS, count)):
            origin = ("AWS_KMS", "EXTERNAL")[number] if index == 0 and number < 2 else (
                "EXTERNAL" if rng.random() < 0.15 else "AWS_KMS")
            keys.append(KmsKey(f"alias/{word}-backup", f"arn:aws:kms:{code}:{account}:key/{ids.uuid()}", origin))
        inventory.keys[(account, code)] = keys
        links = 1 if index == 0 else 0 if index == 1 else rng.choice((0, 0, 1, 1, 2))
        inventory.private_links[(account, code)] = [
            PrivateLink(f"vpc-{word}", f"vpc-{ids.hex(17)}", f"vpce-{ids.hex(17)}", f"vpc-{word}-s3-endpoint")
            for word in rng.sample(_WORDS, links)]
    return inventory


# -- Azure -----------------------------------------------------------------------------------
def _azure(ids: IdGenerator, known: list[str], fleet: list[WorkingEnvironment]) -> list[AzureSubscription]:
    rng = ids.rng
    ids_ = _with_one_more(known, ids.uuid)
    names = rng.sample(_SUBSCRIPTION_NAMES, len(ids_))
    subscriptions = []
    for sub_id, name in zip(ids_, names, strict=True):
        if sub_id in known:
            regions = _regions(ids, AZURE_REGIONS, KINDS["azure"].regions, (2, 4))
        else:
            regions = _regions(ids, AZURE_REGIONS, (), (4, 7))
        subscription = AzureSubscription(sub_id, f"{name} subscription", regions)
        codes = [region.code for region in regions]
        prefix = f"/subscriptions/{sub_id}/resourceGroups/"
        for word in rng.sample(_WORDS, rng.randint(2, 4)):
            code = rng.choice(codes)
            subscription.resource_groups.append(AzureResource(f"rg-{word}-{code}", prefix + f"rg-{word}-{code}", code))
        for we in fleet:  # the resource groups seeded Azure backups live in
            config = we.backup
            if config and config.provider == "AZURE" and config.provider_account_id == sub_id and config.resource_group:
                subscription.resource_groups.append(
                    AzureResource(config.resource_group, prefix + config.resource_group, config.region))
        groups = [group.name for group in subscription.resource_groups]
        for number, word in enumerate(rng.sample(_WORDS, rng.randint(1, 3))):
            vault = f"kv-{word}-{ids.hex(4)}"
            keys = [NamedId(f"{key}-key", f"https://{vault}.vault.azure.net/keys/{key}-key/{ids.hex(32)}")
                    for key in rng.sample(_WORDS, rng.randint(1, 3) if number == 0 else rng.choice((0, 1, 2, 3)))]
            subscription.vaults.append(AzureResource(
                vault, f"{prefix}{rng.choice(groups)}/providers/Microsoft.KeyVault/vaults/{vault}", rng.choice(codes),
                keys))
        for word in rng.sample(_WORDS, rng.randint(2, 4)):
            code = rng.choice(codes)
            vnet = f"vnet-{word}-{code}"
            vnet_id = f"{prefix}{rng.choice(groups)}/providers/Microsoft.Network/virtualNetworks/{vnet}"
            subnets = ["default", *rng.sample(_SUBNETS, rng.randint(0, 2))]
            subscription.vnets.append(AzureResource(vnet, vnet_id, code,
                                                    [NamedId(s, f"{vnet_id}/subnets/{s}") for s in subnets]))
        subscriptions.append(subscription)
    return subscriptions


# -- Google Cloud ----------------------------------------------------------------------------
def _gcp(ids: IdGenerator, known: list[str]) -> list[GcpProject]:
    rng = ids.rng
    projects = []
    for index, project_id in enumerate(_with_one_more(known, lambda: f"project-{rng.choice(_WORDS)}-{ids.digits(6)}")):
        if project_id in known:
            regions = _regions(ids, GCP_REGIONS, KINDS["gcp"].regions, (2, 4))
        else:
            regions = _regions(ids, GCP_REGIONS, (), (3, 6))
        project = GcpProject(project_id, " ".join(part.capitalize() for part in project_id.split("-")), regions)
        for number, region in enumerate(regions):
            count = rng.randint(1, 2) if index == 0 and number == 0 else rng.choice((0, 0, 1, 2))
            rings = []
            for word in rng.sample(_WORDS, count):
                location = f"projects/{project_id}/locations/{region.code}"
                ring = NamedId(f"{word}-keyring", f"{location}/keyRings/{word}-keyring")
                rings.append(ring)
                project.crypto_keys[ring.id] = [NamedId(f"{key}-key", f"{ring.id}/cryptoKeys/{key}-key")
                                                for key in rng.sample(_WORDS, rng.randint(1, 3))]
            project.key_rings[region.code] = rings
        projects.append(project)
    return projects
