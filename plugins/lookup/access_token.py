# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: access_token
short_description: Exchange a BlueXP credential for an access token once per play
version_added: 0.1.0
description:
  - Exchanges a NetApp Console (formerly BlueXP) credential for an access token on the controller, and returns
    it. Every credential kind of the modules is taken - a refresh token, a service account with a client
    secret or a private key, a user of a Console local deployment - with the same options and
    E(BLUEXP_*) variables.
  - Store the result once with M(ansible.builtin.set_fact) and C(no_log=true), and pass it to the modules
    as their O(bluexp.cloud_backup.working_environment_info#module:token) option through
    C(module_defaults). Every task then uses the same token, instead of every task exchanging the credential
    again. Do not put the lookup itself into C(module_defaults) or C(vars), where it would run once per task.
  - Access tokens last 24 hours; the modules fail with HTTP 401 when a token has expired.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection.PLUGIN_CREDENTIALS
notes:
  - The token is a secret. Always set C(no_log=true) on the task that stores it.
seealso:
  - module: bluexp.cloud_backup.working_environment_info
"""

EXAMPLES = r"""
---
- name: Protect a fleet with one token exchange
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Exchange the refresh token from BLUEXP_REFRESH_TOKEN once
      ansible.builtin.set_fact:
        bluexp_token: "{{ lookup('bluexp.cloud_backup.access_token') }}"
      no_log: true

    - name: Every task of the block reuses it
      module_defaults:
        group/bluexp.cloud_backup.cloud_backup:
          token: "{{ bluexp_token }}"
          account_id: "{{ bluexp_account_id }}"
          connector_id: "{{ bluexp_connector_id }}"
      block:
        - name: List the fleet
          bluexp.cloud_backup.working_environment_info:
          register: fleet
"""

RETURN = r"""
_raw:
  description: The access token, as a one-element list.
  type: list
  elements: str
"""

import sys

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _http
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._secrets import mask_secrets


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        # The client imports without requests (_http guards that import); it only fails once used.
        if not _http.HAS_REQUESTS:
            raise AnsibleLookupError("The access_token lookup needs the Python library requests on the "
                                     "controller's Python ({0}).".format(sys.executable))
        params = {name: self.get_option(name) for name in (
            "refresh_token", "client_id", "client_secret", "private_key", "private_key_passphrase", "key_id",
            "audience", "username", "password", "console_url", "auth_url", "api_url",
            "validate_certs", "ca_path", "timeout")}
        try:
            client = BlueXPClient(params)
            try:
                token = client.token()
            finally:
                client.close()
        except BlueXPError as exc:
            # The message names the option and the server's answer, which may echo the credential.
            raise AnsibleLookupError("access_token: {0}".format(mask_secrets(exc.msg, params))) from None
        return [token]
