# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Cloud category (every operation of the 2.0.6 spec)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.cloud import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

_AWS_PAIR = "/api/v1/aws/awsAccountId/{awsAccountId}/region/{regionCode}"
_SUBSCRIPTION = "/api/v1/azure/subscription/{subscriptionId}"
_PROJECT = "/api/v1/gcp/project/{projectId}"

ROUTES = [
    cbs_route("GET", "/api/v1/aws/account", r.aws_accounts),
    cbs_route("GET", "/api/v1/aws/region", r.aws_regions),
    cbs_route("GET", _AWS_PAIR + "/key", r.aws_keys),
    cbs_route("GET", _AWS_PAIR + "/privateLink", r.aws_private_links),
    cbs_route("GET", "/api/v1/aws/archival-storage-class", r.aws_archival_storage_classes),
    cbs_route("GET", "/api/v1/azure/subscription", r.azure_subscriptions),
    cbs_route("GET", _SUBSCRIPTION + "/region", r.azure_regions),
    cbs_route("GET", _SUBSCRIPTION + "/resource-group", r.azure_resource_groups),
    cbs_route("POST", _SUBSCRIPTION + "/resource-group", r.create_resource_group),
    cbs_route("GET", _SUBSCRIPTION + "/vnet", r.azure_vnets),
    cbs_route("GET", _SUBSCRIPTION + "/vault", r.azure_vaults),
    cbs_route("GET", _SUBSCRIPTION + "/vault/{vaultName}/key", r.azure_vault_keys),
    cbs_route("GET", "/api/v1/gcp/project", r.gcp_projects),
    cbs_route("GET", _PROJECT + "/region", r.gcp_regions),
    cbs_route("GET", _PROJECT + "/region/{locationId}/keyrings", r.gcp_key_rings),
    cbs_route("GET", _PROJECT + "/region/{locationId}/keyrings/{keyRingId}/cryptokey", r.gcp_crypto_keys),
]
