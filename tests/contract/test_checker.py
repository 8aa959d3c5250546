# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The contract checker itself: it must catch a request that breaks the spec."""

from __future__ import annotations

import copy

import pytest

PREFIX = "/account/account-AbCd1234/providers/cloudmanager_cbs"
HEADERS = {"authorization": "Bearer <redacted>", "x-agent-id": "abcdclients"}


def request(method, path, body=None, query=None, headers=None):
    return {"method": method, "path": PREFIX + path, "query": query or {},
            "headers": dict(HEADERS if headers is None else headers), "body": body}


GOOD_ACTIVATION = {
    "provider": "AZURE",
    "backup-policy": {"archive-after-days": "180", "rule": [{"label": "daily", "retention": "30"}]},
    "ip-space": "Default",
    "region": "eastus2",
    "azure": {"resource-group": "rg-backup", "subscription": "3beb4dd0-25d4-464f-9bb0-303d7cf5c0c2"},
}


@pytest.mark.parametrize("good", [
    request("GET", "/api/v1/job/1b34b6f6-8f43-40fb-9a52-485b0dfe893a"),
    request("GET", "/api/v1/job", query={"status": ["FAILED"]}),
    request("GET", "/api/v1/working-environment", query={"partial": ["true"]}),
    request("GET", "/api/v2/working-environment/VsaWorkingEnvironment-99hPYEgk/svm"),
    request("POST", "/api/v3/backup/working-environment/VsaWorkingEnvironment-99hPYEgk", body=GOOD_ACTIVATION),
    {"method": "GET", "path": "/tenancy/account", "query": {}, "headers": {"authorization": "Bearer x"}, "body": None},
])
def test_conforming_requests_pass(contract, good):
    assert contract.violations(good) == []


def _mutated(change):
    bad = request("POST", "/api/v3/backup/working-environment/VsaWorkingEnvironment-99hPYEgk",
                  body=copy.deepcopy(GOOD_ACTIVATION))
    change(bad)
    return bad


@pytest.mark.parametrize("bad, expected", [
    (request("PATCH", "/api/v1/job/abc"), "no such operation"),
    (request("GET", "/api/v1/jobs/abc"), "no such operation"),
    (request("GET", "/api/v1/job/abc", headers={"authorization": "Bearer x"}), "x-agent-id"),
    (request("GET", "/api/v1/job/abc", headers={"x-agent-id": "a"}), "authorization"),
    (request("GET", "/api/v1/license/working-environment/OnPremWorkingEnvironment-pMtZND0M",
             query={"provider": ["DROPBOX"]}), "must be one of"),
    (request("GET", "/api/v1/license/working-environment/OnPremWorkingEnvironment-pMtZND0M"),
     "missing required query parameter 'provider'"),
    (request("GET", "/api/v1/job", query={"limit": ["5"]}), "not declared"),
    (request("GET", "/api/v1/working-environment", query={"partial": ["yes"]}), "true or false"),
    (request("GET", "/api/v1/job", body={"unexpected": True}), "declares none"),
    (_mutated(lambda r: r["body"].update(provider="DROPBOX")), "body.provider"),
    (_mutated(lambda r: r["body"]["backup-policy"]["rule"][0].update(retention=30)), "retention"),
    (_mutated(lambda r: r["body"]["backup-policy"].update({"archive-after-days": 180})), "archive-after-days"),
    (_mutated(lambda r: r["body"].update(azure="rg-backup")), "body.azure"),
])
def test_violations_are_caught(contract, bad, expected):
    problems = contract.violations(bad)
    assert problems, "the checker let a request through that breaks the spec"
    assert any(expected in p for p in problems), problems


def test_a_recorded_request_changed_to_break_the_spec_fails(contract):
    """What the integration run records passes; the same request with one field changed does not."""
    recorded = request("GET", "/api/v1/backup/working-environment/VsaWorkingEnvironment-99hPYEgk/volume")
    assert contract.violations(recorded) == []
    broken = dict(recorded, method="PATCH")
    assert contract.violations(broken)
    wrong_version = dict(recorded, path=recorded["path"].replace("/api/v1/", "/api/v4/"))
    assert contract.violations(wrong_version)


def test_the_contract_has_79_operations_in_ten_categories(contract):
    operations = contract.contract_operations()
    assert len(operations) == 79
    assert len({op.category for op in operations}) == 10
