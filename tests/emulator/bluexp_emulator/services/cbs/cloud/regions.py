# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Region codes and display names per cloud: a real subset that holds every region seeded
working environments use."""
from __future__ import annotations

AWS_REGIONS = {
    "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)", "eu-central-1": "Europe (Frankfurt)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "us-west-1": "US West (N. California)", "ca-central-1": "Canada (Central)", "eu-west-2": "Europe (London)",
    "eu-north-1": "Europe (Stockholm)", "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-northeast-1": "Asia Pacific (Tokyo)", "sa-east-1": "South America (Sao Paulo)",
}
AZURE_REGIONS = {
    "eastus": "East US", "eastus2": "East US 2", "westus2": "West US 2", "westeurope": "West Europe",
    "northeurope": "North Europe", "southeastasia": "Southeast Asia",
    "centralus": "Central US", "westus": "West US", "uksouth": "UK South", "francecentral": "France Central",
    "japaneast": "Japan East", "australiaeast": "Australia East", "canadacentral": "Canada Central",
}
GCP_REGIONS = {
    "us-central1": "Iowa", "us-east4": "Northern Virginia", "europe-west1": "Belgium",
    "europe-west4": "Netherlands", "asia-southeast1": "Singapore",
    "us-east1": "South Carolina", "us-west1": "Oregon", "europe-west2": "London", "europe-west3": "Frankfurt",
    "asia-northeast1": "Tokyo", "australia-southeast1": "Sydney",
}
