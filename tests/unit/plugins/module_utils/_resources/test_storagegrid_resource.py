# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import storagegrid as sg
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

SG = cbs_path("v1", "sg")
NAME = "sg-dc1.storage.example.com"


# --- addresses --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["sg-dc1.storage.example.com", "10.20.0.10", "sg", "SG-1.Example.COM",
                                   "a" * 63 + ".example.com", "xn--bcher-kva.example"])
def test_check_host_accepts_names_and_addresses(value):
    assert sg.check_host(value, "name") == value


@pytest.mark.parametrize("value", ["", None, "https://sg.example.com", "sg.example.com:10443", "sg.example.com/s3",
                                   "-sg.example.com", "sg-.example.com", "sg..example.com", "sg_1.example.com",
                                   "a" * 64 + ".example.com", ("a" * 62 + ".") * 4 + "com", "sg example.com",
                                   "sg.example.com."])
def test_check_host_refuses_anything_else_naming_the_option(value):
    with pytest.raises(ConfigurationError) as info:
        sg.check_host(value, "admin_host")
    assert info.value.details["option"] == "admin_host"
    assert info.value.msg.startswith("admin_host: {0!r} is not a host name".format(value))


@pytest.mark.parametrize("value, hinted", [("sg.example.com:10443", True), ("https://sg.example.com", False),
                                           ("sg.example.com/x", False)])
def test_check_host_hints_at_the_port_option_only_for_a_port(value, hinted):
    with pytest.raises(ConfigurationError) as info:
        sg.check_host(value, "name")
    assert ("port option" in info.value.msg) is hinted


@pytest.mark.parametrize("value, host", [
    ("sg.example.com", "sg.example.com"),
    ("sg.example.com:10443", "sg.example.com"),
    ("https://sg.example.com:10443/", "sg.example.com"),
    ("https://sg.example.com/bucket/key", "sg.example.com"),
    ("  sg.example.com:8082 ", "sg.example.com"),
    ("10.0.0.5:10443", "10.0.0.5"),
    ("", ""),
    (None, ""),
])
def test_host_of(value, host):
    assert sg.host_of(value) == host


def test_storage_server_is_fqdn_colon_port():
    assert sg.storage_server(NAME, 8082) == NAME + ":8082"
    assert sg.storage_server(NAME, sg.DEFAULT_S3_PORT) == NAME + ":10443"


# --- grids --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, grids", [
    ({"sgws": [{"name": NAME, "id": "sg-1"}]}, [{"name": NAME, "id": "sg-1"}]),
    ({"sgws": []}, []),
])
def test_list_grids(make_client, fake, body, grids):
    fake.add("GET", SG, reply(200, body))
    assert sg.list_grids(make_client()) == grids
    assert [(c.method, c.path) for c in fake.api_calls] == [("GET", SG)]


@pytest.mark.parametrize("body", [{}, None, [], {"sgws": None}, {"sgws": [{"id": "sg-1"}]}, {"sgws": [NAME]}])
def test_a_grid_list_of_another_shape_is_no_empty_list(make_client, fake, body):
    fake.add("GET", SG, reply(200, body))
    with pytest.raises(UnexpectedAnswerError, match="GET {0} answered with an unexpected shape".format(SG)):
        sg.list_grids(make_client())


GRIDS = [{"name": "sg-a.example.com", "id": "sg-1"}, {"name": None, "id": "sg-9"},
         {"name": "SG-B.Example.com", "id": "sg-2"}]


@pytest.mark.parametrize("name, grid_id, found", [
    ("sg-a.example.com", None, "sg-1"),
    ("SG-A.EXAMPLE.COM", None, "sg-1"),
    ("sg-b.example.com", None, "sg-2"),
    (None, "sg-2", "sg-2"),
    (None, "sg-9", "sg-9"),
    ("sg-c.example.com", None, None),
    (None, "sg-404", None),
    (None, None, None),
])
def test_find_grid(name, grid_id, found):
    grid = sg.find_grid(GRIDS, name=name, grid_id=grid_id)
    assert (grid or {}).get("id") == found


def test_discover_sends_the_admin_node_and_returns_the_grid(make_client, fake):
    fake.add("POST", SG, reply(200, {"name": NAME, "id": "sg-1"}))
    assert sg.discover(make_client(), "10.20.0.10", "root", "pw-SECRET") == {"name": NAME, "id": "sg-1"}
    [call] = fake.api_calls
    assert call.body == {"admin-host": "10.20.0.10", "admin-username": "root", "admin-password": "pw-SECRET"}


def test_discover_with_an_empty_answer(make_client, fake):
    fake.add("POST", SG, reply(200))
    assert sg.discover(make_client(), "10.20.0.10", "root", "pw") == {}


@pytest.mark.parametrize("body", ["sg-1", [NAME], {"name": 10443}])
def test_discover_with_an_answer_of_another_shape(make_client, fake, body):
    fake.add("POST", SG, reply(200, body))
    with pytest.raises(UnexpectedAnswerError, match="POST {0} answered with an unexpected shape".format(SG)):
        sg.discover(make_client(), "10.20.0.10", "root", "pw")


@pytest.mark.parametrize("body, version", [({"version": "11.8.0"}, "11.8.0"), ({}, None)])
def test_version(make_client, fake, body, version):
    fake.add("POST", cbs_path("v1", "sg", "version"), reply(200, body))
    assert sg.version(make_client(), NAME + ":10443") == version
    assert fake.api_calls[0].body == {"storage-server": NAME + ":10443"}


@pytest.mark.parametrize("body", [None, "11.8.0", {"version": 11.8}])
def test_version_of_another_shape(make_client, fake, body):
    fake.add("POST", cbs_path("v1", "sg", "version"), reply(200, body))
    with pytest.raises(UnexpectedAnswerError, match="sg/version answered with an unexpected shape"):
        sg.version(make_client(), NAME + ":10443")


# --- the credential store --------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, names", [
    (reply(200, {"ids": [NAME, "sg-b"]}), [NAME, "sg-b"]),
    (reply(200, {"ids": []}), []),
    (reply(404, {"message": "Cannot GET"}), None),
])
def test_stored_credential_names(make_client, fake, answer, names):
    fake.add("GET", cbs_path("v2", "sg"), answer)
    assert sg.stored_credential_names(make_client()) == names


@pytest.mark.parametrize("answer", [reply(200, {}), reply(200), reply(200, {"ids": [{"name": NAME}]})])
def test_stored_credential_names_of_another_shape_are_no_store(make_client, fake, answer):
    fake.add("GET", cbs_path("v2", "sg"), answer)
    with pytest.raises(UnexpectedAnswerError, match="expected "):
        sg.stored_credential_names(make_client())


def test_stored_credential_names_raises_other_errors(make_client, fake):
    fake.add("GET", cbs_path("v2", "sg"), reply(403, {"message": "forbidden"}))
    with pytest.raises(ApiError) as info:
        sg.stored_credential_names(make_client())
    assert info.value.status == 403


@pytest.mark.parametrize("names, name, stored", [
    ([NAME], NAME, True), ([NAME.upper()], NAME, True), ([NAME], NAME.upper(), True),
    (["sg-b"], NAME, False), ([], NAME, False), (None, NAME, False),
])
def test_has_stored_credentials(names, name, stored):
    assert sg.has_stored_credentials(names, name) is stored


def test_store_credentials_creates_with_the_server_name(make_client, fake):
    fake.add("POST", cbs_path("v2", "sg", "credentials"), reply(200))
    sg.store_credentials(make_client(), NAME, 10443, "KEY", "SECRET", update=False)
    [call] = fake.api_calls
    assert call.body == {"storage-server-name": NAME, "port": "10443", "access-key": "KEY",
                         "secret-password": "SECRET"}


def test_store_credentials_updates_by_name(make_client, fake):
    fake.add("PUT", cbs_path("v2", "sg", "credentials", NAME), reply(200))
    sg.store_credentials(make_client(), NAME, 8082, "KEY", "SECRET", update=True)
    [call] = fake.api_calls
    assert call.method == "PUT" and call.body == {"port": "8082", "access-key": "KEY", "secret-password": "SECRET"}


def test_delete_stored_credentials(make_client, fake):
    fake.add("DELETE", cbs_path("v2", "sg", "credentials", NAME), reply(204))
    sg.delete_stored_credentials(make_client(), NAME)
    assert [(c.method, c.path, c.body) for c in fake.api_calls] == [
        ("DELETE", cbs_path("v2", "sg", "credentials", NAME), None)]


def test_save_we_credentials(make_client, fake):
    path = cbs_path("v1", "sg", "credentials", "working-environment", "we-1")
    fake.add("POST", path, reply(200))
    sg.save_we_credentials(make_client(), "we-1", NAME + ":10443", "KEY", "SECRET")
    [call] = fake.api_calls
    assert call.body == {"storage-server": NAME + ":10443", "access-key": "KEY", "secret-password": "SECRET"}


# --- which grid an environment backs up to -----------------------------------------------------------------

GRID = {"name": NAME, "id": "sg-1"}


def backup(**fields):
    record = {"backup-enablement-status": "ON", "provider": "SGWS", "storage-grid-id": "sg-1",
              "storage-server": NAME + ":10443"}
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


@pytest.mark.parametrize("record, uses", [
    (backup(), True),
    (backup(**{"storage-server": "elsewhere:10443"}), True),
    (backup(**{"storage-grid-id": "sg-2"}), False),
    (backup(**{"storage-grid-id": None}), True),
    (backup(**{"storage-grid-id": None, "storage-server": NAME.upper()}), True),
    (backup(**{"storage-grid-id": None, "storage-server": "https://{0}:10443/".format(NAME)}), True),
    (backup(**{"storage-grid-id": None, "storage-server": "sg-b.example.com:10443"}), False),
    (backup(**{"storage-grid-id": None, "storage-server": None}), False),
    (backup(**{"backup-enablement-status": "OFF"}), False),
    (backup(provider="AWS"), False),
    ({}, False),
    (None, False),
])
def test_backs_up_to(record, uses):
    assert sg.backs_up_to(record, GRID) is uses
