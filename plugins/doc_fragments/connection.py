# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection and credential options shared by every module (plugins/module_utils/_argspec.py).
    DOCUMENTATION = r"""
options:
  refresh_token:
    description:
      - A BlueXP user refresh token, exchanged at O(auth_url) for an access token (grant C(refresh_token)).
      - Generate one at U(https://services.cloud.netapp.com/refresh-token).
      - Used when neither O(token) nor O(client_id)/O(client_secret) is given.
      - If not set, the value of the E(BLUEXP_REFRESH_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - The client ID of a BlueXP service account, exchanged together with O(client_secret) for an
        access token (grant C(client_credentials)).
      - Takes precedence over O(refresh_token).
      - If not set, the value of the E(BLUEXP_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - The client secret of the service account named by O(client_id).
      - If not set, the value of the E(BLUEXP_CLIENT_SECRET) environment variable is used.
    type: str
  token:
    description:
      - A ready BlueXP access token. Takes precedence over every other credential.
      - Obtain it once per play with the P(bluexp.cloud_backup.access_token#lookup) lookup so that a
        play over many working environments exchanges its credential only once.
      - A token cannot be renewed; when it expires the module fails with HTTP 401.
      - If not set, the value of the E(BLUEXP_TOKEN) environment variable is used.
    type: str
  account_id:
    description:
      - The BlueXP account ID, for example C(account-DpTFcxN3).
      - When not set, the accounts visible to the credential are listed and the only one is used;
        the module fails listing them when there are several.
      - If not set, the value of the E(BLUEXP_ACCOUNT_ID) environment variable is used.
    type: str
  connector_id:
    description:
      - The ID of the BlueXP Connector that serves the working environments, sent as the
        C(x-agent-id) header. The C(clients) suffix is appended when missing.
      - When not set, the connectors of the account are listed and the only one is used; the module
        fails listing them when there are several.
      - If not set, the value of the E(BLUEXP_CONNECTOR_ID) environment variable is used.
    type: str
  api_url:
    description:
      - Base URL of the BlueXP API.
      - If not set, the value of the E(BLUEXP_API_URL) environment variable is used.
    type: str
    default: https://api.bluexp.netapp.com
  auth_url:
    description:
      - Base URL of the token service; the token is requested from C({auth_url}/oauth/token).
      - If not set, the value of the E(BLUEXP_AUTH_URL) environment variable is used.
    type: str
    default: https://netapp-cloud-account.auth0.com
  validate_certs:
    description:
      - Whether to verify the TLS certificates of O(api_url) and O(auth_url).
      - Only turn this off against a test endpoint you control.
      - If not set, the value of the E(BLUEXP_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the servers with, instead of the system store.
      - If not set, the value of the E(BLUEXP_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for the server to answer one HTTP request.
      - If not set, the value of the E(BLUEXP_TIMEOUT) environment variable is used.
    type: int
    default: 60
  bypass_cache:
    description:
      - Send the C(x-netapp-cache-control) header so that the Connector reads fresh data from
        BlueXP and ONTAP instead of its cache.
      - If not set, the value of the E(BLUEXP_BYPASS_CACHE) environment variable is used.
    type: bool
    default: false
notes:
  - Credentials are never returned, logged or written to disk by this collection.
  - Numeric options take whole numbers only, given as numbers or as text (V(30) or V("30")). A fraction, an
    exponent such as V(1e3), an infinity or a boolean fails the task naming the option, before any request,
    with every ansible-core version. An option in seconds takes at most 2147483647.
  - Requests that fail with HTTP 429, 502, 503 or 504, or that cannot connect, are retried with
    exponential backoff within a bounded time, honouring C(Retry-After). A write (POST, PUT, DELETE)
    is never sent a second time when it may have reached the server.
requirements:
  - requests >= 2.28
"""

    # Options of modules that start or follow asynchronous jobs.
    WAIT = r"""
options:
  wait:
    description:
      - Wait until the job started by the module (or the jobs given) reaches a final state.
      - With V(false) the module returns as soon as the job is accepted, with its C(job_id).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the job. On timeout the module fails and reports the job ID, which
        M(bluexp.cloud_backup.job_info) can follow later.
    type: int
    default: 1800
"""

    # How stateful modules name their working environment.
    WORKING_ENVIRONMENT = r"""
options:
  working_environment_id:
    description:
      - ID of the working environment, for example C(VsaWorkingEnvironment-99hPYEgk).
      - Exactly one of O(working_environment_id) and O(working_environment_name) is required.
    type: str
  working_environment_name:
    description:
      - Exact name of the working environment. The module fails, listing the IDs, when several
        working environments have that name, and lists close names when none has it.
    type: str
"""

    # Which backup a recovery module works on.
    BACKUP_SELECTION = r"""
options:
  volume:
    description:
      - Name or ID of the backed-up volume (in the working environment named by O(working_environment_id)
        or O(working_environment_name)). A name that does not exist fails with the close names that do.
    type: str
    required: true
  svm:
    description:
      - SVM of the volume, needed when its name exists in several SVMs.
    type: str
  backup:
    description:
      - Name or ID of the backup to use. Without it and O(newest_before), the newest backup is used.
    type: str
  newest_before:
    description:
      - Use the newest backup created before this time, an ISO 8601 time such as V(2026-11-27T22:00:00Z)
        (UTC when no zone is given). For "the last good backup before the incident".
    type: str
"""

    # Credential and endpoint options of the plugins that are not modules (lookup, inventory),
    # read from the same BLUEXP_* variables as the modules' options.
    PLUGIN_CREDENTIALS = r"""
options:
  refresh_token:
    description:
      - A BlueXP user refresh token, exchanged at O(auth_url) for an access token.
      - Keep it in the environment, not in a file.
    type: str
    env:
      - name: BLUEXP_REFRESH_TOKEN
  client_id:
    description:
      - Client ID of a BlueXP service account. Takes precedence over O(refresh_token).
    type: str
    env:
      - name: BLUEXP_CLIENT_ID
  client_secret:
    description:
      - Client secret of the service account named by O(client_id).
    type: str
    env:
      - name: BLUEXP_CLIENT_SECRET
  api_url:
    description:
      - Base URL of the BlueXP API.
    type: str
    default: https://api.bluexp.netapp.com
    env:
      - name: BLUEXP_API_URL
  auth_url:
    description:
      - Base URL of the token service; the token is requested from C({auth_url}/oauth/token).
    type: str
    default: https://netapp-cloud-account.auth0.com
    env:
      - name: BLUEXP_AUTH_URL
  validate_certs:
    description:
      - Whether to verify the TLS certificates of O(api_url) and O(auth_url).
    type: bool
    default: true
    env:
      - name: BLUEXP_VALIDATE_CERTS
  ca_path:
    description:
      - A PEM file of CA certificates to verify the servers with, instead of the system store.
    type: path
    env:
      - name: BLUEXP_CA_PATH
  timeout:
    description:
      - Seconds to wait for the server to answer one HTTP request.
    type: int
    default: 60
    env:
      - name: BLUEXP_TIMEOUT
"""

    # Attributes every module shares.
    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/bluexp.cloud_backup.cloud_backup) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - bluexp.cloud_backup.cloud_backup
"""
