# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._discovery import (
    Discovery,
    connector_list_url,
    normalise_connector_id,
    pick_account,
    pick_connector,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import DiscoveryError, NotFoundError
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    API_URL,
    STATIC_TOKEN,
    cbs_path,
    reply,
)

ACCOUNTS_URL = API_URL + "/tenancy/account"
SAAS_LIST = "https://api.services.cloud.netapp.com/occm/list-occms/{0}?excludeStandalone=true&source=saas"


def account(public_id, name="acme"):
    return {"accountPublicId": public_id, "accountName": name, "isSaas": True, "userRole": "Role-1"}


def occm(agent_id=None, occm_agent_id=None, occm_id=None, name="connector-1", status="ready"):
    record = {"account": "account-1", "status": status, "occmName": name}
    if occm_id:
        record["occm"] = occm_id
    if occm_agent_id:
        record["agentId"] = occm_agent_id
    if agent_id:
        record["agent"] = {"agentId": agent_id, "name": name, "provider": "aws"}
    return record


# --- connector id ----------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("abc", "abcclients"),
    ("abcclients", "abcclients"),
    (" abc\n", "abcclients"),
    ("", None),
    (" \n", None),
    (None, None),
])
def test_normalise_connector_id(given, expected):
    assert normalise_connector_id(given) == expected


@pytest.mark.parametrize("api_url, account_id, expected", [
    ("https://api.bluexp.netapp.com", "account-1", SAAS_LIST.format("account-1")),
    ("https://api.bluexp.netapp.com/", "account-1", SAAS_LIST.format("account-1")),
    ("https://cloudmanager.cloud.netapp.com", "account-1", SAAS_LIST.format("account-1")),
    ("http://127.0.0.1:8080", "account-1",
     "http://127.0.0.1:8080/occm/list-occms/account-1?excludeStandalone=true&source=saas"),
    ("https://connector.corp.example/", "account-1",
     "https://connector.corp.example/occm/list-occms/account-1?excludeStandalone=true&source=saas"),
    ("https://api.bluexp.netapp.com", "a/b?c", SAAS_LIST.format("a%2Fb%3Fc")),
], ids=["saas", "saas trailing slash", "legacy saas host", "emulator", "private mode", "quoted account"])
def test_connector_list_url(api_url, account_id, expected):
    assert connector_list_url(api_url, account_id) == expected


# --- account ---------------------------------------------------------------------------------

def test_pick_account_uses_the_only_one():
    assert pick_account([account("account-1")]) == "account-1"


@pytest.mark.parametrize("accounts", [[], None, [{"accountName": "no id"}], ["junk"], {"accounts": []}])
def test_pick_account_none(accounts):
    with pytest.raises(DiscoveryError) as info:
        pick_account(accounts)
    assert "No BlueXP account" in info.value.msg
    assert "account_id" in info.value.msg and "BLUEXP_ACCOUNT_ID" in info.value.msg
    assert info.value.details["accounts"] == []


def test_pick_account_several_lists_them_and_names_the_option():
    with pytest.raises(DiscoveryError) as info:
        pick_account([account("account-1", "prod"), account("account-2", "lab"), {"accountName": "no id"}])
    msg = info.value.msg
    assert "2 BlueXP accounts" in msg
    assert "account-1 (prod)" in msg and "account-2 (lab)" in msg
    assert "account_id" in msg and "BLUEXP_ACCOUNT_ID" in msg
    assert info.value.details["accounts"] == ["account-1", "account-2"]


# --- connector -------------------------------------------------------------------------------

@pytest.mark.parametrize("record, expected", [
    (occm(agent_id="agentAclients", occm_agent_id="other"), "agentAclients"),
    (occm(agent_id="agentA", occm_agent_id="other"), "agentAclients"),
    (occm(occm_agent_id="agentB"), "agentBclients"),
    (occm(occm_id="occmC"), "occmCclients"),
    (occm(occm_agent_id="agentB", occm_id="occmC"), "agentBclients"),
], ids=["agent.agentId", "agent.agentId without suffix", "agentId", "occm", "agentId over occm"])
def test_pick_connector_prefers_agent_agent_id(record, expected):
    assert pick_connector("account-1", {"occms": [record]}) == expected


def test_pick_connector_skips_a_blank_id():
    body = {"occms": [occm(occm_agent_id=" ", name="half made"), occm(occm_agent_id="agentB", name="west")]}
    assert pick_connector("account-1", body) == "agentBclients"


@pytest.mark.parametrize("body", [{"occms": []}, {}, None, [], {"occms": [{"occmName": "no id"}]}])
def test_pick_connector_none(body):
    with pytest.raises(DiscoveryError) as info:
        pick_connector("account-1", body)
    msg = info.value.msg
    assert "account-1 has no Connector" in msg
    assert "connector_id" in msg and "BLUEXP_CONNECTOR_ID" in msg
    assert info.value.details["connectors"] == []


def test_pick_connector_several_lists_them_and_names_the_option():
    body = {"occms": [occm(agent_id="aaaclients", name="east"), occm(occm_agent_id="bbb", name="west", status="failed")]}
    with pytest.raises(DiscoveryError) as info:
        pick_connector("account-1", body)
    msg = info.value.msg
    assert "account-1 has 2 Connectors" in msg
    assert "east [aaaclients] (ready)" in msg and "west [bbbclients] (failed)" in msg
    assert "connector_id" in msg and "BLUEXP_CONNECTOR_ID" in msg
    assert info.value.details["connectors"] == ["aaaclients", "bbbclients"]


# --- lazily, once per client -----------------------------------------------------------------

def test_given_ids_need_no_discovery():
    def refuse(url):
        raise AssertionError("unexpected discovery request " + url)

    discovery = Discovery(API_URL, refuse, "account-9", "conn9")
    assert discovery.account_id == "account-9"
    assert discovery.connector_id == "conn9clients"


def test_blank_connector_id_is_discovered():
    answers = {connector_list_url(API_URL, "account-1"): {"occms": [occm(agent_id="agentAclients")]}}
    discovery = Discovery(API_URL, answers.__getitem__, "account-1", "  ")
    assert discovery.connector_id == "agentAclients", "not the bare suffix `clients`"


def test_discovery_is_lazy_and_happens_once():
    seen = []
    answers = {ACCOUNTS_URL: [account("account-1")],
               connector_list_url(API_URL, "account-1"): {"occms": [occm(agent_id="agentAclients")]}}

    def get_json(url):
        seen.append(url)
        return answers[url]

    discovery = Discovery(API_URL + "/", get_json, None, None)
    assert seen == []
    for dummy in range(3):
        assert discovery.connector_id == "agentAclients"
        assert discovery.account_id == "account-1"
    assert seen == [ACCOUNTS_URL, connector_list_url(API_URL, "account-1")]


def test_client_discovers_account_and_connector_once(make_client, fake):
    list_url = connector_list_url(API_URL, "account-1")
    fake.add("GET", ACCOUNTS_URL, reply(200, [account("account-1")]))
    fake.add("GET", list_url.split("?")[0], reply(200, {"occms": [occm(agent_id="agentAclients")]}))
    fake.add("GET", cbs_path("v1", "job", account="account-1"), reply(200, {"job": []}))
    client = make_client(account_id=None, connector_id=None)
    assert fake.calls == [], "constructing a client sends nothing"
    for dummy in range(3):
        client.cbs("GET", "v1", "job")
    urls = [c.url for c in fake.calls]
    assert urls[:2] == [ACCOUNTS_URL, list_url]
    assert len(fake.sent("GET", ACCOUNTS_URL)) == 1
    assert len(fake.sent("GET", list_url.split("?")[0])) == 1
    for call in fake.calls[:2]:
        assert call.headers["Authorization"] == "Bearer " + STATIC_TOKEN
        assert "x-agent-id" not in call.headers
    for call in fake.calls[2:]:
        assert call.headers["x-agent-id"] == "agentAclients"
        assert call.path == cbs_path("v1", "job", account="account-1")


def test_client_on_saas_lists_connectors_on_the_services_host(make_client, fake):
    fake.add("GET", "https://api.bluexp.netapp.com/tenancy/account", reply(200, [account("account-1")]))
    fake.add("GET", "https://api.services.cloud.netapp.com/occm/list-occms/account-1",
             reply(200, {"occms": [occm(occm_agent_id="agentB")]}))
    client = make_client(api_url="https://api.bluexp.netapp.com", account_id=None, connector_id=None)
    assert client.connector_id == "agentBclients"
    assert fake.calls[1].query == {"excludeStandalone": "true", "source": "saas"}


def test_client_with_account_lists_only_connectors(make_client, fake):
    fake.add("GET", API_URL + "/occm/list-occms/account-7", reply(200, {"occms": [occm(occm_id="c7")]}))
    client = make_client(account_id="account-7", connector_id=None)
    assert client.connector_id == "c7clients"
    assert [c.path for c in fake.calls] == ["/occm/list-occms/account-7"]


def test_client_discovery_error_reaches_the_caller(make_client, fake):
    fake.add("GET", ACCOUNTS_URL, reply(200, [account("account-1"), account("account-2")]))
    client = make_client(account_id=None, connector_id=None)
    with pytest.raises(DiscoveryError) as info:
        client.cbs("GET", "v1", "job")
    assert "account-1" in info.value.msg and "account-2" in info.value.msg
    assert len(fake.calls) == 1


def test_client_discovery_http_error_is_typed(make_client, fake):
    fake.add("GET", ACCOUNTS_URL, reply(404, {"message": "no tenancy here"}))
    client = make_client(account_id=None)
    with pytest.raises(NotFoundError) as info:
        client.cbs("GET", "v1", "job")
    assert info.value.path == "/tenancy/account"


# --- what the credential sees, told on a 403 or a 404 about the Connector (against the emulator) ----

def visible(emulator):
    """The accounts of the credential and the Connectors of the first, as the emulator holds them."""
    accounts = emulator.state()["accounts"]
    return [a["id"] for a in accounts], [c["x-agent-id"] for c in accounts[0]["connectors"]]


def test_403_for_an_account_lists_the_accounts_the_credential_sees(emulator):
    accounts, _connectors = visible(emulator)
    emulator.run_ok("job_info")
    assert "/tenancy/account" not in [p for _m, p in emulator.calls()], "a call that succeeds lists nothing"
    emulator.clear_requests()
    result = emulator.run_fail("job_info", account_id="account-NOTMINE1")
    assert result["status"] == 403 and result["error_code"] == "auth_failed"
    # The original failure stays whole: status, server message and request.
    assert result["server_message"] == "User is not allowed to do operation"
    assert result["msg"].startswith("GET /account/account-NOTMINE1/providers/cloudmanager_cbs/api/v1/job failed "
                                    "with HTTP 403")
    assert "User is not allowed to do operation" in result["msg"]
    assert result["accounts"] == accounts
    for account_id in accounts:
        assert account_id in result["msg"]
    assert "account-NOTMINE1, which is not among them" in result["msg"]
    # One more read, of the account list, on that failure only.
    assert [p for _m, p in emulator.calls()][-1] == "/tenancy/account"


def test_404_about_the_connector_lists_the_connectors_of_the_account(emulator):
    _accounts, connectors = visible(emulator)
    unknown_job = emulator.run_fail("job_info", job_id="5b0e7c1e-0000-4000-8000-000000000000")
    assert "connectors" not in unknown_job and "accounts" not in unknown_job, "a 404 of an ID lists nothing"
    assert all(not p.startswith(("/tenancy", "/occm")) for _m, p in emulator.calls())
    emulator.add_fault(method="GET", path="/api/v1/job", status=404,
                       message="Agent {0}clients was not found".format(emulator.connector_id))
    result = emulator.run_fail("job_info")
    assert result["status"] == 404 and result["error_code"] == "not_found"
    assert result["server_message"] == "Agent {0}clients was not found".format(emulator.connector_id)
    assert result["msg"].startswith("GET {0} failed with HTTP 404".format(emulator.cbs_path("v1", "job")))
    assert result["connectors"] == connectors
    for connector in connectors:
        assert connector in result["msg"]
    assert "connector_id" in result["msg"]


def test_unknown_connector_lists_the_connectors_of_the_account(emulator):
    _accounts, connectors = visible(emulator)
    emulator.add_fault(method="GET", path="/occm/list-occms/", status=400, message="occm down", count=1)
    unread = emulator.run_fail("job_info", connector_id="nosuchagent")
    assert unread["status"] == 403 and "connectors" not in unread, "a listing that cannot be read adds nothing"
    assert unread["msg"].endswith("is not a connector of account {0}".format(emulator.account_id))
    result = emulator.run_fail("job_info", connector_id="nosuchagent")
    assert result["status"] == 403 and "nosuchagentclients" in result["server_message"]
    assert result["connectors"] == connectors
    assert "connector_id is nosuchagentclients, which is not among them" in result["msg"]
