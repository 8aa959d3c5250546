# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import STATIC_TOKEN, run_fail, run_ok


def test_missing_requests_fails_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(_module, "HAS_REQUESTS", False)
    monkeypatch.setattr(_module, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")

    def main():
        _module.create_module({})

    result = run_fail(main, {"token": STATIC_TOKEN})
    assert "requests" in result["msg"]
    assert "exception" in result


def test_modules_support_check_mode_and_get_a_client(module_transport, fake):
    built = {}

    def main():
        module = _module.create_module({"names": {"type": "list", "elements": "str"}})
        built["module"] = module
        built["client"] = _module.new_client(module)
        module.exit_json(changed=False)

    run_ok(main, {"token": STATIC_TOKEN, "names": ["a"], "ca_path": "/etc/ca.pem", "validate_certs": False})
    assert built["module"].supports_check_mode is True
    assert isinstance(built["client"], BlueXPClient)
    [transport_options] = module_transport
    assert transport_options["validate_certs"] is False
    assert transport_options["ca_path"] == "/etc/ca.pem"
    assert transport_options["user_agent"].startswith("bluexp.cloud_backup/")
    assert fake.calls == []


@pytest.mark.parametrize("kwargs, expected", [({}, True), ({"supports_check_mode": False}, False)])
def test_check_mode_support_can_be_overridden(kwargs, expected):
    built = {}

    def main():
        built["module"] = _module.create_module({}, **kwargs)
        built["module"].exit_json(changed=False)

    run_ok(main, {"token": STATIC_TOKEN})
    assert built["module"].supports_check_mode is expected
