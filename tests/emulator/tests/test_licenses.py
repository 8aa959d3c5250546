# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""License category: seeded states, the 2.0.6 answer, 4.x validity, query rules, time and control."""
from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bluexp_emulator import ControlError, Emulator, EmulatorConfig, ManualClock
from bluexp_emulator.core.spec import FALLBACK, Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape, error_body

LICENSE = "/api/v1/license/working-environment/{workingEnvironmentId}"
VALIDITY = LICENSE + "/validity"
DAY_S = 86_400
VALIDITY_BY_STATE = {  # marketplace subscription, backup license
    "byol": (False, True), "paygo": (True, False), "trial": (False, False), "trial_expired": (False, False),
    "none": (False, False),
}
pytestmark = pytest.mark.bluexp_emulator(clock=ManualClock())


def _query(we: dict[str, Any]) -> str:
    provider = "SGWS" if we["provider"] == "ONPREM" else we["provider"]
    return f"?provider={provider}" + ("" if provider == "SGWS" else "&cloudProviderAccountId=123456789012")


def _license(client: Client, we: dict[str, Any]) -> Any:
    result = client.cbs(LICENSE.format(workingEnvironmentId=we["id"]) + _query(we))
    assert result.status == 200, result.body
    return result.body


def _validity(client: Client, we_id: str) -> Any:
    result = client.cbs(VALIDITY.format(workingEnvironmentId=we_id))
    assert result.status == 200, result.body
    return result.body


def test_seeded_fleet_has_every_state_mostly_byol_and_paygo(client: Client) -> None:
    states = Counter(we["license_state"] for we in client.state["accounts"][0]["working_environments"])
    assert set(states) == {"byol", "paygo", "trial", "trial_expired", "none"}
    assert states["byol"] + states["paygo"] > 2 * (states["trial"] + states["trial_expired"] + states["none"])


def test_answers_follow_the_state(client: Client, spec: Spec) -> None:
    now = client.handle.clock.now_ms()
    for we in client.state["accounts"][0]["working_environments"]:
        state = we["license_state"]
        body = _license(client, we)
        assert_shape(spec, "GET", PREFIX + LICENSE, body)
        if state in ("byol", "paygo"):
            assert body == {"eligible": True}
        elif state == "trial":
            assert body["eligible"] is True and body["free-trial-end"] > now
            assert we["trial_days_left"] > 0
        elif state == "trial_expired":
            assert body["eligible"] is False and body["free-trial-end"] < now
            assert we["trial_days_left"] <= 0
        else:
            assert body == {"eligible": False}
        validity = _validity(client, we["id"])
        assert_shape(spec, "GET", PREFIX + VALIDITY, validity, source=FALLBACK)
        marketplace, backup_license = VALIDITY_BY_STATE[state]
        assert validity == {"marketplace-subscription": marketplace, "cloud-backup-license": backup_license,
                            "snapmirror-license": True}


def test_backup_view_carries_the_same_license(client: Client) -> None:
    wes = [we for we in client.state["accounts"][0]["working_environments"] if we["backup_enabled"]]
    assert {we["license_state"] for we in wes} >= {"byol", "paygo"}
    for we in wes:
        view = client.cbs(f"/api/v1/backup/working-environment/{we['id']}").body
        assert view["license"] == _license(client, we)


def test_query_rules(client: Client) -> None:
    we = client.state["accounts"][0]["working_environments"][0]
    path = LICENSE.format(workingEnvironmentId=we["id"])
    missing = client.cbs(path)
    assert missing.status == 400 and "'provider'" in missing.body["message"]
    wrong = client.cbs(path + "?provider=DROPBOX&cloudProviderAccountId=1")
    assert wrong.status == 400 and "DROPBOX" in wrong.body["message"]
    for provider in ("AWS", "AZURE", "GCP"):
        no_account = client.cbs(path + f"?provider={provider}")
        assert no_account.body == error_body(
            400, f"query parameter 'cloudProviderAccountId' is required when the provider is {provider}")
    assert client.cbs(path + "?provider=SGWS").status == 200  # StorageGRID has no cloud account
    unknown = client.cbs(LICENSE.format(workingEnvironmentId="OnPremWorkingEnvironment-nope") + "?provider=SGWS")
    assert unknown.body == error_body(404, "Working environment OnPremWorkingEnvironment-nope not found")
    assert client.cbs(VALIDITY.format(workingEnvironmentId="nope")).status == 404


def test_trial_expires_when_its_end_passes(client: Client) -> None:
    we = client.state["accounts"][0]["working_environments"][1]
    changed = client.handle.set_license(working_environment_id=we["id"], state="trial", trial_days_left=0.5)
    end = client.handle.clock.now_ms() + DAY_S * 500
    assert changed == {"working_environment_id": we["id"], "license_state": "trial", "trial_days_left": 1,
                       "snapmirror_license": True, "free_trial_end": end}
    assert _license(client, we) == {"free-trial-end": end, "eligible": True}
    client.handle.clock.advance(DAY_S / 2 - 1)
    assert _license(client, we)["eligible"] is True
    client.handle.clock.advance(1)
    assert _license(client, we) == {"free-trial-end": end, "eligible": False}
    state = next(w for w in client.handle.state()["accounts"][0]["working_environments"] if w["id"] == we["id"])
    assert (state["license_state"], state["trial_days_left"], state["snapmirror_license"]) == ("trial_expired", 0, True)


def test_control_api_sets_the_state(client: Client) -> None:
    we = client.state["accounts"][0]["working_environments"][2]
    now = client.handle.clock.now_ms()
    for state, days, body in (
        ("byol", None, {"eligible": True}),
        ("paygo", None, {"eligible": True}),
        ("none", None, {"eligible": False}),
        ("trial", None, {"free-trial-end": now + 30 * DAY_S * 1000, "eligible": True}),
        ("trial_expired", -3, {"free-trial-end": now - 3 * DAY_S * 1000, "eligible": False}),
        ("trial_expired", None, {"free-trial-end": now - DAY_S * 1000, "eligible": False}),
    ):
        options = {} if days is None else {"trial_days_left": days}
        client.handle.set_license(working_environment_id=we["id"], state=state, **options)
        assert _license(client, we) == body, state
        marketplace, backup_license = VALIDITY_BY_STATE[state]
        validity = _validity(client, we["id"])
        assert (validity["marketplace-subscription"], validity["cloud-backup-license"]) == (marketplace, backup_license)
        listed = next(w for w in client.handle.state()["accounts"][0]["working_environments"] if w["id"] == we["id"])
        assert listed["license_state"] == state


def test_control_api_sets_the_snapmirror_license(client: Client) -> None:
    we = client.state["accounts"][0]["working_environments"][0]
    client.handle.set_license(working_environment_id=we["id"], state="byol", snapmirror_license=False)
    assert _validity(client, we["id"]) == {"marketplace-subscription": False, "cloud-backup-license": True,
                                           "snapmirror-license": False}
    client.handle.set_license(working_environment_id=we["id"], state="paygo")  # kept when not sent
    assert _validity(client, we["id"])["snapmirror-license"] is False


def test_control_api_rejects_bad_input(client: Client) -> None:
    we = {"working_environment_id": client.state["accounts"][0]["working_environments"][0]["id"]}
    for payload, status, message in (
        ({"state": "byol"}, 400, "working_environment_id must be a working environment id"),
        ({"working_environment_id": "nope", "state": "byol"}, 404, "Working environment nope not found"),
        ({**we, "state": "gold"}, 400, "state must be one of byol, paygo, trial, trial_expired, none"),
        ({**we, "state": "trial", "trial_days_left": 0}, 400, "trial_days_left must be a number > 0 for state trial"),
        ({**we, "state": "trial_expired", "trial_days_left": 2}, 400, "trial_days_left must be a number <= 0"),
        ({**we, "state": "byol", "trial_days_left": 2}, 400, "trial_days_left applies to trial and trial_expired"),
        ({**we, "state": "byol", "snapmirror_license": "yes"}, 400, "snapmirror_license must be a boolean"),
        ({**we, "state": "byol", "days": 2}, 400, "unknown fields: days"),
    ):
        with pytest.raises(ControlError) as error:
            client.handle.set_license(**payload)
        assert error.value.status == status and message in error.value.body["message"], payload


def test_license_states_derive_from_the_seed() -> None:
    def states(seed: int) -> list[tuple[str, Any]]:
        emulator = Emulator(EmulatorConfig(seed=seed), clock=ManualClock(), spec=None)
        return [(we.id, we.license) for we in emulator.working_environments.all_working_environments()]

    assert states(8) == states(8)
    assert [license_.state for _id, license_ in states(8)] != [license_.state for _id, license_ in states(9)]
