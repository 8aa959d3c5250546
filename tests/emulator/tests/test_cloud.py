# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cloud category: seeded AWS, Azure and Google Cloud resources, filters, errors, resource groups."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from bluexp_emulator import Emulator, EmulatorConfig, ManualClock
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.cloud.regions import AWS_REGIONS, AZURE_REGIONS, GCP_REGIONS
from bluexp_emulator.services.cbs.seed import KINDS
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape, error_body

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
AWS_PAIR = "/api/v1/aws/awsAccountId/{awsAccountId}/region/{regionCode}"
SUBSCRIPTION = "/api/v1/azure/subscription/{subscriptionId}"
PROJECT = "/api/v1/gcp/project/{projectId}"
KEY_RINGS = PROJECT + "/region/{locationId}/keyrings"
CRYPTO_KEYS = KEY_RINGS + "/{keyRingId}/cryptokey"


def _get(client: Client, spec: Spec, template: str, **params: str) -> Any:
    """GET a Cloud route, check the answer against the spec, return its body."""
    path = template.split("?")[0]
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    query = template.partition("?")[2]
    result = client.cbs(path + (f"?{query.format(**params)}" if query else ""))
    assert result.status == 200, result.body
    assert_shape(spec, "GET", PREFIX + template.split("?")[0], result.body)
    return result.body


def _fleet_accounts(client: Client, provider: str) -> set[str]:
    """Cloud accounts the seeded WEs and their backups use."""
    wes = client.handle.emulator.working_environments.list_working_environments(client.account)
    return ({we.provider_account_id for we in wes if we.provider == provider}
            | {we.backup.provider_account_id for we in wes if we.backup and we.backup.provider == provider})


def _fleet_regions(client: Client, provider: str) -> set[str]:
    wes = client.handle.emulator.working_environments.list_working_environments(client.account)
    return {we.region for we in wes if we.provider == provider}


# -- AWS -------------------------------------------------------------------------------------
def test_aws_accounts_regions_and_storage_classes(client: Client, spec: Spec) -> None:
    accounts = _get(client, spec, "/api/v1/aws/account")["account"]
    assert len(accounts) >= 3 and all(re.fullmatch(r"\d{12}", account) for account in accounts)
    assert _fleet_accounts(client, "AWS") <= set(accounts)
    listed = client.handle.state()["accounts"][0]["working_environments"]  # as clients of the emulator see them
    assert {we["provider_account_id"] for we in listed if we["provider"] == "AWS"} <= set(accounts)
    regions = _get(client, spec, "/api/v1/aws/region")["region"]
    assert all(AWS_REGIONS[r["code"]] == r["name"] for r in regions)
    assert _fleet_regions(client, "AWS") | set(KINDS["aws"].regions) <= {r["code"] for r in regions}
    storage = _get(client, spec, "/api/v1/aws/archival-storage-class")
    assert storage == {"storage-class": ["GLACIER", "DEEP_ARCHIVE"]}


def test_aws_keys_and_private_links_per_account_and_region(client: Client, spec: Spec) -> None:
    accounts = client.cbs("/api/v1/aws/account").body["account"]
    codes = [r["code"] for r in client.cbs("/api/v1/aws/region").body["region"]]
    origins: set[str] = set()
    link_counts = []
    for account in accounts:
        for code in codes:
            keys = _get(client, spec, AWS_PAIR + "/key", awsAccountId=account, regionCode=code)["key"]
            for key in keys:
                assert key["name"].startswith("alias/")
                assert re.fullmatch(rf"arn:aws:kms:{code}:{account}:key/{UUID}", key["id"]), key
                origins.add(key["origin"])
            links = _get(client, spec, AWS_PAIR + "/privateLink", awsAccountId=account, regionCode=code)
            for link in links["privateLink"]:
                assert link["vpc-id"].startswith("vpc-") and link["private-endpoint-id"].startswith("vpce-")
                assert link["vpc-name"] and link["private-endpoint-name"]
            link_counts.append(len(links["privateLink"]))
    assert origins == {"AWS_KMS", "EXTERNAL"}
    assert 0 in link_counts and any(link_counts)  # some pairs have none


def test_aws_unknown_account_is_404_and_unsubscribed_region_400(client: Client) -> None:
    account = client.cbs("/api/v1/aws/account").body["account"][0]
    subscribed = {r["code"] for r in client.cbs("/api/v1/aws/region").body["region"]}
    unsubscribed = next(code for code in AWS_REGIONS if code not in subscribed)
    for leaf in ("/key", "/privateLink"):
        unknown = client.cbs(f"/api/v1/aws/awsAccountId/000000000000/region/us-east-1{leaf}")
        assert unknown.body == error_body(404, "AWS account 000000000000 not found")
        region = client.cbs(f"/api/v1/aws/awsAccountId/{account}/region/{unsubscribed}{leaf}")
        assert region.body == error_body(400, f"regionCode: AWS region {unsubscribed} is not subscribed")


# -- Azure -----------------------------------------------------------------------------------
def test_azure_subscriptions_and_their_resources(client: Client, spec: Spec) -> None:
    subscriptions = _get(client, spec, "/api/v1/azure/subscription")["subscription"]
    ids = {s["id"] for s in subscriptions}
    assert len(ids) >= 2 and all(re.fullmatch(UUID, s["id"]) and s["name"] for s in subscriptions)
    assert _fleet_accounts(client, "AZURE") <= ids
    for sub in ids:
        regions = {r["code"] for r in _get(client, spec, SUBSCRIPTION + "/region", subscriptionId=sub)["region"]}
        assert regions <= set(AZURE_REGIONS)
        if sub in _fleet_accounts(client, "AZURE"):
            assert set(KINDS["azure"].regions) <= regions
        groups = _get(client, spec, SUBSCRIPTION + "/resource-group", subscriptionId=sub)["resource-group"]
        assert groups and all(g["id"] == f"/subscriptions/{sub}/resourceGroups/{g['name']}" for g in groups)
        assert {g["region"] for g in groups} <= regions
        vaults = _get(client, spec, SUBSCRIPTION + "/vault", subscriptionId=sub)["vault"]
        assert vaults and all(v["region"] in regions for v in vaults)
        for vault in vaults:
            assert re.fullmatch(rf"/subscriptions/{sub}/resourceGroups/[^/]+/providers/Microsoft.KeyVault/vaults/"
                                + re.escape(vault["name"]), vault["id"])
            keys = _get(client, spec, SUBSCRIPTION + "/vault/{vaultName}/key", subscriptionId=sub,
                        vaultName=vault["name"])["key"]
            assert all(k["id"].startswith(f"https://{vault['name']}.vault.azure.net/keys/{k['name']}/") for k in keys)
        assert _get(client, spec, SUBSCRIPTION + "/vault/{vaultName}/key", subscriptionId=sub,
                    vaultName=vaults[0]["name"])["key"]  # the first vault always has keys
        vnets = _get(client, spec, SUBSCRIPTION + "/vnet", subscriptionId=sub)["vnet"]
        for vnet in vnets:
            assert vnet["region"] in regions and vnet["subnet"]
            assert all(s["id"] == f"{vnet['id']}/subnets/{s['name']}" for s in vnet["subnet"])


def test_seeded_azure_backups_have_their_resource_group(client: Client) -> None:
    wes = client.handle.emulator.working_environments.list_working_environments(client.account)
    backups = [we.backup for we in wes if we.backup and we.backup.provider == "AZURE"]
    assert backups
    for config in backups:
        groups = client.cbs(f"/api/v1/azure/subscription/{config.provider_account_id}/resource-group").body
        assert {"name": config.resource_group, "region": config.region,
                "id": f"/subscriptions/{config.provider_account_id}/resourceGroups/{config.resource_group}"} in (
            groups["resource-group"])


def test_region_filters_resource_groups_and_vnets(client: Client) -> None:
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    for leaf, key in (("/resource-group", "resource-group"), ("/vnet", "vnet")):
        everything = client.cbs(f"{SUBSCRIPTION.format(subscriptionId=sub)}{leaf}").body[key]
        region = everything[0]["region"]
        expected = [item for item in everything if item["region"] == region]
        filtered = client.cbs(f"{SUBSCRIPTION.format(subscriptionId=sub)}{leaf}?region={region}").body[key]
        assert filtered == expected and filtered
        by_name = client.cbs(f"{SUBSCRIPTION.format(subscriptionId=sub)}{leaf}?region="
                             + quote(AZURE_REGIONS[region])).body[key]
        assert by_name == expected  # Azure takes a location's display name too
        assert client.cbs(f"{SUBSCRIPTION.format(subscriptionId=sub)}{leaf}?region=nowhere").body[key] == []


def test_unknown_subscription_or_vault_is_404(client: Client) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for leaf in ("/region", "/resource-group", "/vnet", "/vault", "/vault/kv-x/key"):
        result = client.cbs(f"/api/v1/azure/subscription/{unknown}{leaf}")
        assert result.body == error_body(404, f"Azure subscription {unknown} not found")
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    result = client.cbs(f"/api/v1/azure/subscription/{sub}/vault/kv-nope/key")
    assert result.body == error_body(404, f"Key vault kv-nope not found in subscription {sub}")


def _create(client: Client, sub: str, body: Any) -> Any:
    return client.cbs(f"/api/v1/azure/subscription/{sub}/resource-group", method="POST", body=body)


def _groups(client: Client, sub: str) -> list[dict[str, Any]]:
    return client.cbs(f"/api/v1/azure/subscription/{sub}/resource-group").body["resource-group"]  # type: ignore


def test_created_resource_group_is_listed_and_creation_is_idempotent(client: Client, spec: Spec) -> None:
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    region = client.cbs(f"/api/v1/azure/subscription/{sub}/region").body["region"][0]["code"]
    before = _groups(client, sub)
    created = _create(client, sub, {"name": "rg-Backup.Target_(1)", "region": region})
    assert (created.status, created.body) == (200, {"state": "Succeeded"})
    assert_shape(spec, "POST", PREFIX + SUBSCRIPTION + "/resource-group", created.body)
    group = {"name": "rg-Backup.Target_(1)", "id": f"/subscriptions/{sub}/resourceGroups/rg-Backup.Target_(1)",
             "region": region}
    assert _groups(client, sub) == [*before, group]
    again = _create(client, sub, {"name": "RG-BACKUP.TARGET_(1)", "region": region.upper()})
    assert (again.status, again.body) == (200, {"state": "Succeeded"})  # names are case-insensitive
    assert _groups(client, sub) == [*before, group]  # nothing duplicated, nothing renamed


def test_a_created_resource_group_is_listed_after_the_listing_delay(client: Client) -> None:
    client.handle.configure(listing_delay_s=30)
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    region = client.cbs(f"/api/v1/azure/subscription/{sub}/region").body["region"][0]["code"]
    before = _groups(client, sub)
    assert _create(client, sub, {"name": "rg-lagging", "region": region}).status == 200
    assert _groups(client, sub) == before
    again = _create(client, sub, {"name": "rg-lagging", "region": region})
    assert again.status == 200, "the group exists already, whatever the listing shows"
    client.handle.control("POST", "clock", {"advance_s": 29})
    assert _groups(client, sub) == before
    client.handle.control("POST", "clock", {"advance_s": 1})
    assert [g["name"] for g in _groups(client, sub)] == [*(g["name"] for g in before), "rg-lagging"]


def test_resource_group_in_another_region_is_409(client: Client) -> None:
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    existing = _groups(client, sub)[0]
    other = next(r["code"] for r in client.cbs(f"/api/v1/azure/subscription/{sub}/region").body["region"]
                 if r["code"] != existing["region"])
    result = _create(client, sub, {"name": existing["name"].upper(), "region": other})
    assert result.body == error_body(409, f"Invalid resource group location '{other}'. The resource group "
                                          f"{existing['name']} already exists in location '{existing['region']}'.")


def test_resource_group_naming_rules(client: Client) -> None:
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    for name in ("", "rg.", "a" * 91, "rg/slash", "rg name", "rg#1"):
        result = _create(client, sub, {"name": name, "region": "eastus"})
        assert result.status == 400 and result.body["message"].startswith(f"name: {name!r} is not a valid")
    region = client.cbs(f"/api/v1/azure/subscription/{sub}/region").body["region"][0]["name"]  # display name
    assert _create(client, sub, {"name": "r" * 90, "region": region}).status == 200


def test_resource_group_body_rules(client: Client) -> None:
    sub = client.cbs("/api/v1/azure/subscription").body["subscription"][0]["id"]
    offered = {r["code"] for r in client.cbs(f"/api/v1/azure/subscription/{sub}/region").body["region"]}
    foreign = next(code for code in AZURE_REGIONS if code not in offered)
    result = _create(client, sub, {"name": "rg-new", "region": foreign})
    assert result.body == error_body(400, f"region: {foreign!r} is not a region of subscription {sub}")
    for body, field in (({"region": "eastus"}, "name"), ({"name": "rg-new"}, "region")):
        missing = _create(client, sub, body)
        assert missing.status == 400 and field in missing.body["message"]  # the spec's words, or the model's
    unknown = _create(client, "00000000-0000-4000-8000-000000000000", {"name": "rg-new", "region": "eastus"})
    assert unknown.status == 404
    assert all(g["name"] != "rg-new" for g in _groups(client, sub))


# -- Google Cloud ----------------------------------------------------------------------------
def test_gcp_projects_regions_key_rings_and_crypto_keys(client: Client, spec: Spec) -> None:
    projects = _get(client, spec, "/api/v1/gcp/project")["project"]
    ids = [p["id"] for p in projects]
    assert len(ids) >= 2 and all(p["name"] for p in projects)
    assert _fleet_accounts(client, "GCP") <= set(ids)
    rings_seen = 0
    for project in ids:
        regions = {r["code"] for r in _get(client, spec, PROJECT + "/region", projectId=project)["region"]}
        assert regions <= set(GCP_REGIONS)
        if project in _fleet_accounts(client, "GCP"):
            assert set(KINDS["gcp"].regions) <= regions
        for location in sorted(regions):
            rings = _get(client, spec, KEY_RINGS, projectId=project, locationId=location)["keyRings"]
            for ring in rings:
                assert ring["id"] == f"projects/{project}/locations/{location}/keyRings/{ring['name']}"
                keys = _get(client, spec, CRYPTO_KEYS, projectId=project, locationId=location,
                            keyRingId=ring["name"])["cryptoKeys"]
                assert keys and all(k["id"] == f"{ring['id']}/cryptoKeys/{k['name']}" for k in keys)
                rings_seen += 1
    assert rings_seen


def test_crypto_keys_by_key_ring_id(client: Client) -> None:
    project = client.cbs("/api/v1/gcp/project").body["project"][0]["id"]
    location = client.cbs(f"/api/v1/gcp/project/{project}/region").body["region"][0]["code"]
    ring = client.cbs(f"/api/v1/gcp/project/{project}/region/{location}/keyrings").body["keyRings"][0]
    base = f"/api/v1/gcp/project/{project}/region/{location}/keyrings"
    by_name = client.cbs(f"{base}/{ring['name']}/cryptokey").body
    assert client.cbs(f"{base}/{quote(ring['id'], safe='')}/cryptokey").body == by_name


def test_gcp_errors(client: Client) -> None:
    project = client.cbs("/api/v1/gcp/project").body["project"][0]["id"]
    offered = {r["code"] for r in client.cbs(f"/api/v1/gcp/project/{project}/region").body["region"]}
    location = sorted(offered)[0]
    foreign = next(code for code in GCP_REGIONS if code not in offered)
    for path in ("/region", f"/region/{location}/keyrings", f"/region/{location}/keyrings/k/cryptokey"):
        assert client.cbs(f"/api/v1/gcp/project/project-nope{path}").body == error_body(
            404, "Google Cloud project project-nope not found")
    ring = client.cbs(f"/api/v1/gcp/project/{project}/region/{location}/keyrings/nope-keyring/cryptokey")
    assert ring.body == error_body(404, f"Key ring nope-keyring not found in project {project}, location {location}")
    outside = client.cbs(f"/api/v1/gcp/project/{project}/region/{foreign}/keyrings")
    assert outside.body == error_body(400, f"locationId: {foreign} is not a region of project {project}")


# -- determinism -----------------------------------------------------------------------------
def _inventories(seed: int) -> list[str]:
    emulator = Emulator(EmulatorConfig(seed=seed, accounts=2), clock=ManualClock(), spec=None)
    return [repr(emulator.cloud.inventory(account.id)) for account in emulator.tenancy.accounts]


def test_cloud_resources_derive_from_the_seed() -> None:
    first = _inventories(3)
    assert first == _inventories(3)
    assert first[0] != first[1]  # per account
    assert first != _inventories(4)
