# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cloud resources of one BlueXP account, in the shapes the Cloud category answers with."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Region:
    code: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code}


@dataclass
class NamedId:
    """The many ``{name, id}`` resources (Azure keys, subnets, GCP key rings and keys)."""

    name: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id}


@dataclass
class KmsKey:
    name: str  # alias/...
    id: str  # key ARN
    origin: str  # AWS_KMS | EXTERNAL

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "origin": self.origin}


@dataclass
class PrivateLink:
    vpc_name: str
    vpc_id: str
    endpoint_id: str
    endpoint_name: str

    def to_dict(self) -> dict[str, Any]:
        return {"vpc-name": self.vpc_name, "vpc-id": self.vpc_id, "private-endpoint-id": self.endpoint_id,
                "private-endpoint-name": self.endpoint_name}


@dataclass
class AwsInventory:
    """AWS accounts of the BlueXP credentials; regions are subscribed per BlueXP account."""

    accounts: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    keys: dict[tuple[str, str], list[KmsKey]] = field(default_factory=dict)  # (account, region)
    private_links: dict[tuple[str, str], list[PrivateLink]] = field(default_factory=dict)


@dataclass
class AzureResource:
    """A resource group, key vault or virtual network: ``{name, id, region}``."""

    name: str
    id: str
    region: str
    children: list[NamedId] = field(default_factory=list)  # vault keys / subnets
    listed_from: float = 0.0  # emulator time (epoch s) from which listings show it

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "region": self.region}


@dataclass
class AzureSubscription:
    id: str
    name: str
    regions: list[Region] = field(default_factory=list)
    resource_groups: list[AzureResource] = field(default_factory=list)
    vaults: list[AzureResource] = field(default_factory=list)
    vnets: list[AzureResource] = field(default_factory=list)

    def region(self, code: str) -> Region | None:
        """Azure accepts a location by code or display name, in any case (``East US`` = ``eastus``)."""
        wanted = code.replace(" ", "").lower()
        return next((r for r in self.regions if r.code == wanted), None)


@dataclass
class GcpProject:
    id: str
    name: str
    regions: list[Region] = field(default_factory=list)
    key_rings: dict[str, list[NamedId]] = field(default_factory=dict)  # location -> rings
    crypto_keys: dict[str, list[NamedId]] = field(default_factory=dict)  # ring id -> keys


@dataclass
class CloudInventory:
    aws: AwsInventory = field(default_factory=AwsInventory)
    azure: list[AzureSubscription] = field(default_factory=list)
    gcp: list[GcpProject] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"aws_accounts": list(self.aws.accounts), "aws_regions": [r.code for r in self.aws.regions],
                "azure_subscriptions": [s.id for s in self.azure], "gcp_projects": [p.id for p in self.gcp]}
