# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import licenses as lic
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

DAY_MS = 86400 * 1000
LICENSE = cbs_path("v1", "license", "working-environment", "we-1")
VALIDITY = LICENSE + "/validity"


def ms(iso):
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


NOW = ms("2027-01-15T12:00:00Z")


def we(provider="AWS", account="111122223333"):
    return {"id": "we-1", "name": "cvo", "provider": provider, "provider_account_id": account}


def backup(provider="AWS", account="555566667777", enabled=True):
    return {"enabled": enabled, "provider": provider, "provider_account_id": account}


# --- what to ask about -------------------------------------------------------------------------------

@pytest.mark.parametrize("record, activated, provider, account, expected", [
    (we(), backup(), None, None, ("AWS", "555566667777", None)),
    (we(), None, None, None, ("AWS", "111122223333", None)),
    (we("aws"), None, None, None, ("AWS", "111122223333", None)),
    (we("Azure", "sub-1"), None, None, None, ("AZURE", "sub-1", None)),
    (we("GCP", "proj-1"), None, None, None, ("GCP", "proj-1", None)),
    (we("ONPREM", None), backup("SGWS", None), None, None, ("SGWS", None, None)),
    (we("ONPREM", None), None, "SGWS", None, ("SGWS", None, None)),
    (we("ONPREM", None), None, "AWS", "123456789012", ("AWS", "123456789012", None)),
    (we(), backup(), "AWS", "999988887777", ("AWS", "999988887777", None)),
    (we(), backup("SGWS", None), None, None, ("SGWS", None, None)),
    (we("AWS", None), backup("AWS", None), None, None,
     ("AWS", None, "no AWS account is known for it: set cloud_provider_account_id")),
], ids=["activated backup", "cvo cloud", "lower-case cloud", "azure cvo", "gcp cvo", "storagegrid backup",
        "provider option", "provider and account options", "account option wins", "cvo backing up to a grid",
        "no account"])
def test_target_of(record, activated, provider, account, expected):
    assert lic.target_of(record, activated, provider, account) == expected


@pytest.mark.parametrize("record, activated", [
    (we("ONPREM", None), None),
    (we("ONPREM", None), backup("AWS", "555566667777", enabled=False)),
    ({"id": "we-1"}, {}),
], ids=["on-premises", "on-premises with backup off", "nothing known"])
def test_target_of_without_a_provider_is_unknown(record, activated):
    provider, account, reason = lic.target_of(record, activated, None, None)
    assert (provider, account) == (None, None)
    assert "set provider" in reason


def test_target_of_does_not_pair_a_provider_with_the_account_of_another():
    provider, account, _reason = lic.target_of(we("AWS", "111122223333"), backup("AWS", "555566667777"), "AZURE", None)
    assert provider == "AZURE"
    assert account not in ("111122223333", "555566667777")


# --- reading -------------------------------------------------------------------------------------------

def test_read_asks_with_provider_and_account_then_validity(make_client, fake):
    fake.add("GET", LICENSE, reply(200, {"eligible": True}))
    fake.add("GET", VALIDITY, reply(200, {"cloud-backup-license": True}))
    answer = lic.read(make_client(), "we-1", "AWS", "123456789012", True)
    assert answer == {"license": {"eligible": True}, "validity": {"cloud-backup-license": True}}
    assert [c.path for c in fake.api_calls] == [LICENSE, VALIDITY]
    assert fake.api_calls[0].query == {"provider": "AWS", "cloudProviderAccountId": "123456789012"}
    assert fake.api_calls[1].query == {}


def test_read_without_account_sends_only_the_provider(make_client, fake):
    fake.add("GET", LICENSE, reply(200, {"eligible": False}))
    lic.read(make_client(), "we-1", "SGWS", None, False)
    assert [c.query for c in fake.api_calls] == [{"provider": "SGWS"}]


def test_read_without_validity_makes_one_call(make_client, fake):
    fake.add("GET", LICENSE, reply(200, {"eligible": True}))
    assert lic.read(make_client(), "we-1", "AWS", "1", False)["validity"] is None
    assert len(fake.api_calls) == 1


def test_read_takes_a_missing_validity_operation_for_none(make_client, fake):
    fake.add("GET", LICENSE, reply(200, {"eligible": True}))
    fake.add("GET", VALIDITY, reply(404, {"message": "Cannot GET"}))
    assert lic.read(make_client(), "we-1", "AWS", "1", True)["validity"] is None


def test_read_raises_when_the_license_is_refused(make_client, fake):
    fake.add("GET", LICENSE, reply(400, {"message": "provider is required"}))
    with pytest.raises(ApiError):
        lic.read(make_client(), "we-1", "AWS", "1", True)


# --- describing ----------------------------------------------------------------------------------------

def validity(market=False, byol=False, snapmirror=False):
    return {"marketplace-subscription": market, "cloud-backup-license": byol, "snapmirror-license": snapmirror}


@pytest.mark.parametrize("license_body, validity_body, kind, eligible, valid", [
    ({"eligible": True}, validity(byol=True, snapmirror=True), "byol", True, True),
    ({"eligible": True}, validity(market=True), "paygo", True, True),
    ({"eligible": True}, validity(market=True, byol=True), "byol", True, True),
    ({"eligible": True}, None, "licensed", True, True),
    ({"eligible": True}, validity(), "licensed", True, True),
    ({"eligible": False}, validity(), "none", False, False),
    ({"eligible": False}, None, "none", False, False),
    ({}, None, "none", False, False),
], ids=["byol", "paygo", "both", "no validity", "no flag", "none", "none no validity", "empty"])
def test_describe_type(license_body, validity_body, kind, eligible, valid):
    described = lic.describe({"license": license_body, "validity": validity_body}, NOW)
    assert (described["type"], described["eligible"], described["valid"]) == (kind, eligible, valid)
    assert described["free_trial_end"] is None and described["days_left"] is None


def test_describe_maps_the_validity_flags():
    described = lic.describe({"license": {"eligible": True}, "validity": validity(market=True, snapmirror=True)}, NOW)
    assert described["validity"] == {"marketplace_subscription": True, "cloud_backup_license": False,
                                     "snapmirror_license": True}
    assert lic.describe({"license": {"eligible": True}, "validity": None}, NOW)["validity"] is None


@pytest.mark.parametrize("end, days, valid", [
    ("2027-01-25T12:00:00Z", 10, True),
    ("2027-01-25T11:59:59Z", 9, True),
    ("2027-01-15T12:00:01Z", 0, True),
    ("2027-01-15T12:00:00Z", 0, False),
    ("2026-12-01T00:00:00Z", 0, False),
])
def test_describe_free_trial(end, days, valid):
    described = lic.describe({"license": {"eligible": True, "free-trial-end": ms(end)}, "validity": None}, NOW)
    assert described["type"] == "free_trial"
    assert described["free_trial_end"] == end
    assert described["days_left"] == days
    assert described["valid"] is valid


def test_describe_an_ended_trial_that_is_not_eligible():
    described = lic.describe({"license": {"eligible": False, "free-trial-end": NOW - DAY_MS}, "validity": None}, NOW)
    assert (described["type"], described["valid"], described["days_left"]) == ("free_trial", False, 0)


@pytest.mark.parametrize("trial_end", [0, -5, None])
def test_describe_ignores_a_trial_end_that_is_no_time(trial_end):
    described = lic.describe({"license": {"eligible": True, "free-trial-end": trial_end}, "validity": None}, NOW)
    assert described["free_trial_end"] is None and described["days_left"] is None
    assert described["type"] == "licensed"


def test_describe_accepts_a_float_trial_end():
    end = ms("2027-02-01T00:00:00Z")
    described = lic.describe({"license": {"eligible": True, "free-trial-end": float(end)}, "validity": None}, NOW)
    assert described["free_trial_end"] == "2027-02-01T00:00:00Z"
