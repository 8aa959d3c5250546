# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Working Environment category: shapes per the 2.0.6 spec and the seeded fleet's make-up."""
from __future__ import annotations

import pytest

from bluexp_emulator.core.spec import FALLBACK, Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape, error_body

WE_PREFIXES = {"AWS": "VsaWorkingEnvironment-", "AZURE": "AzureVsaWorkingEnvironment-",
               "GCP": "GcpVsaWorkingEnvironment-", "ONPREM": "OnPremWorkingEnvironment-"}
SUBRESOURCES = [
    "/api/v1/working-environment/{workingEnvironmentId}",
    "/api/v1/working-environment/{workingEnvironmentId}/ip-space",
    "/api/v1/working-environment/{workingEnvironmentId}/svm",
    "/api/v2/working-environment/{workingEnvironmentId}/svm",
    "/api/v1/working-environment/{workingEnvironmentId}/volume",
    "/api/v1/working-environment/{workingEnvironmentId}/backup-policy",
]


def test_list_matches_spec_and_mixes_providers(client: Client, spec: Spec) -> None:
    result = client.cbs("/api/v1/working-environment")
    assert result.status == 200
    assert_shape(spec, "GET", PREFIX + "/api/v1/working-environment", result.body)
    wes = result.body["working-environment"]
    assert len(wes) == 24
    assert {we["provider"] for we in wes} == set(WE_PREFIXES)
    for we in wes:
        assert we["id"].startswith(WE_PREFIXES[we["provider"]])
        assert (we["region"] == "") == (we["provider"] == "ONPREM")
        assert we["type"] == ("ON_PREM" if we["provider"] == "ONPREM" else "VSA")
        assert we["ontap-version"] in {"9.10.1", "9.11.1", "9.12.1", "9.13.1", "9.14.1", "9.15.1"}
        assert we["total-volumes-count"].isdigit()


def test_partial_list_omits_volume_count(client: Client) -> None:
    wes = client.cbs("/api/v1/working-environment?partial=true").body["working-environment"]
    assert all("total-volumes-count" not in we for we in wes)


@pytest.mark.parametrize("template", SUBRESOURCES)
def test_working_environment_views_match_spec(client: Client, spec: Spec, template: str) -> None:
    for we in client.state["accounts"][0]["working_environments"][:6]:
        result = client.cbs(template.replace("{workingEnvironmentId}", we["id"]))
        assert result.status == 200
        if template.endswith(("/backup-policy", "/volume")):
            # Policies carry their 4.x "id" (needed by the 4.x DELETE), volumes their 4.x "snaplock-type":
            # valid for 2.0.6, exact for 4.x.
            assert_shape(spec, "GET", PREFIX + template, result.body, closed=False)
            assert_shape(spec, "GET", PREFIX + template, result.body, source=FALLBACK)
        else:
            assert_shape(spec, "GET", PREFIX + template, result.body)


def test_fleet_structure(client: Client) -> None:
    for we in client.state["accounts"][0]["working_environments"]:
        base = f"/api/v1/working-environment/{we['id']}"
        svms = client.cbs(base + "/svm").body["svm"]
        assert 1 <= len(svms) <= 3 and all(svm["aggregate"] for svm in svms)
        assert "Default" in {space["name"] for space in client.cbs(base + "/ip-space").body["ip-space"]}
        volumes = client.cbs(base + "/volume").body["volume"]
        assert 3 <= len(volumes) <= 12
        assert {v["svm"] for v in volumes} <= {svm["name"] for svm in svms}
        assert all(v["type"] in ("rw", "dp") and v["style"] in ("flexvol", "flexgroup") for v in volumes)
    model = client.handle.emulator.working_environments.list_working_environments(client.account)
    volumes = [v for we in model for v in we.volumes]
    assert {v.security_style for v in volumes} == {"unix", "ntfs", "mixed"}
    assert {v.language for v in volumes} == {"c.utf_8", "en_us.utf_8"}
    assert any(v.is_snaplock for v in volumes)


def test_aggregates_v2_carry_sizes(client: Client) -> None:
    we = client.state["accounts"][0]["working_environments"][0]["id"]
    for svm in client.cbs(f"/api/v2/working-environment/{we}/svm").body["svm"]:
        for aggregate in svm["aggregates"]:
            assert aggregate["totalsize"] == aggregate["available"] + aggregate["used"]


def test_backup_policy_archived_filter(client: Client) -> None:
    for we in client.state["accounts"][0]["working_environments"]:
        base = f"/api/v1/working-environment/{we['id']}/backup-policy"
        everything = client.cbs(base).body["backup-policy"]
        archived = client.cbs(base + "?archived=true").body["backup-policy"]
        plain = client.cbs(base + "?archived=false").body["backup-policy"]
        assert len(archived) + len(plain) == len(everything)
        assert all("archive-after-days" in p for p in archived)
        assert all("archive-after-days" not in p for p in plain)


@pytest.mark.parametrize("template", SUBRESOURCES)
def test_unknown_working_environment_is_404(client: Client, template: str) -> None:
    result = client.cbs(template.replace("{workingEnvironmentId}", "VsaWorkingEnvironment-missing0"))
    assert result.status == 404
    assert result.body == error_body(404, "Working environment VsaWorkingEnvironment-missing0 not found")
