# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every request the collection sent during the integration tests conforms to the spec.

The integration session (noxfile.py) records the emulator's request log in
tests/output/contract/requests.json (BLUEXP_CONTRACT_LOG overrides the path).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from checker import is_api_request

LOG = Path(os.environ.get("BLUEXP_CONTRACT_LOG") or
           Path(__file__).resolve().parents[1] / "output" / "contract" / "requests.json")

# Operations no module needs, with the reason. Every other operation of the contract must be
# exercised by the integration tests: an unexercised operation without a reason fails.
_WE = "/api/v1/backup/working-environment/{workingEnvironmentId}"
_NEWER = "superseded: the modules use the newest version of this operation ({0})"
NOT_USED = {
    "POST " + _WE: _NEWER.format("POST api/v3/backup/working-environment/{id}"),
    "POST /api/v2/backup/working-environment/{workingEnvironmentId}": _NEWER.format("v3"),
    "PUT " + _WE: _NEWER.format("PUT api/v2/backup/working-environment/{id}"),
    "POST " + _WE + "/volume": _NEWER.format("POST api/v2/.../volume"),
    "POST " + _WE + "/volume/{volumeId}": _NEWER.format("POST api/v3/.../volume/{volumeId}"),
    "POST /api/v2/backup/working-environment/{workingEnvironmentId}/volume/{volumeId}": _NEWER.format("v3"),
    "PUT /api/v1/working-environment/{workingEnvironmentId}/backup-policy/{policyName}":
        _NEWER.format("PUT api/v2/working-environment/{id}/backup-policy"),
    "GET /api/v1/working-environment/{workingEnvironmentId}/svm": _NEWER.format("GET api/v2/.../svm"),
    "GET " + _WE + "/status": "same fields as GET backup/working-environment/{id}, which the modules read",
    "GET " + _WE + "/volume/{volumeId}": "the volume list of the environment serves every module in one call",
    "POST /api/v1/working-environment/{workingEnvironmentId}/configure-object-store":
        "activation (POST api/v3/backup/working-environment/{id}) configures the object store itself",
    "POST /api/v2/working-environment/{workingEnvironmentId}/configure-object-store":
        "activation (POST api/v3/backup/working-environment/{id}) configures the object store itself",
    "GET /api/v1/working-environment/{workingEnvironmentId}/object-store-config/status":
        "only meaningful after configure-object-store, which no module calls",
    "POST /api/v1/restore": _NEWER.format("POST api/v3/restore"),
    "POST /api/v2/restore": _NEWER.format("POST api/v3/restore"),
    "POST /api/v1/sfr/volume/{volumeId}/file-explore/start":
        _NEWER.format("the working-environment-scoped start, the one the current reference keeps"),
    "POST /api/v2/sfr/volume/{volumeId}/file-explore/start":
        _NEWER.format("the working-environment-scoped start, the one the current reference keeps"),
    "GET /api/v1/sfr/volume/{volumeId}/file-explore/status": _NEWER.format("GET api/v2/.../file-explore/status"),
    "GET /api/v1/sfr/volume/{volumeId}/snapshot/{snapshotId}/file-explore/list":
        _NEWER.format("the working-environment-scoped, paged list"),
    "GET /api/v2/sfr/volume/{volumeId}/snapshot/{snapshotId}/file-explore/list":
        _NEWER.format("the working-environment-scoped, paged list"),
    "POST /api/v1/catalog/working-environments/{workingEnvironmentId}/setup": _NEWER.format("v2 setup"),
    "GET /api/v1/working-environment/{workingEnvironmentId}/volume/{volumeId}/list":
        "browses a live volume, not a backup; the modules browse backups (SFR)",
}


@pytest.fixture(scope="module")
def recorded():
    if not LOG.is_file():
        pytest.fail("No request log at {0}: run the integration tests first (make integration).".format(LOG))
    requests = [r for r in json.loads(LOG.read_text(encoding="utf-8")) if is_api_request(r)]
    assert requests, "the request log holds no API request"
    return requests


def test_every_recorded_request_conforms(contract, recorded):
    problems = [p for request in recorded for p in contract.violations(request)]
    assert not problems, "{0} requests break the spec:\n".format(len(problems)) + "\n".join(problems[:50])


def test_report_contract_coverage(contract, recorded, report):
    used, missing = contract.coverage(recorded)
    total = len(contract.contract_operations())
    assert total == 79
    report.append("{0} of {1} operations of the 2.0.6 spec exercised".format(len(used), total))
    by_category: dict[str, list[str]] = {}
    for operation in missing:
        by_category.setdefault(operation.category, []).append(operation.key.replace(
            "/account/{accountId}/providers/cloudmanager_cbs", ""))
    used_keys = {op.key.replace("/account/{accountId}/providers/cloudmanager_cbs", "") for op in used}
    stale = sorted(key for key in NOT_USED if key in used_keys)
    assert not stale, "operations listed as not used are exercised now: {0}".format(stale)
    for category in sorted(by_category):
        report.append("  not exercised ({0}): {1}".format(category, len(by_category[category])))
        report.extend("    " + key + ("  - " + NOT_USED[key] if key in NOT_USED else "")
                      for key in sorted(by_category[category]))
    assert used, "no operation of the contract was exercised"
    unexplained = sorted(key for keys in by_category.values() for key in keys if key not in NOT_USED)
    assert not unexplained, "operations neither exercised nor listed with a reason: {0}".format(unexplained)


def test_the_emulator_serves_every_operation_of_the_contract(contract, report):
    """The integration tests can only exercise what the emulator serves: all of it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulator"))
    from bluexp_emulator.services.cbs.urls import route_table  # pylint: disable=import-outside-toplevel

    served = set(route_table())
    operations = {(op.method.upper(), op.template) for op in contract.contract_operations()}
    assert sorted(operations - served) == []
    report.append("{0} of {1} operations of the 2.0.6 spec served by the emulator".format(
        len(operations & served), len(operations)))
