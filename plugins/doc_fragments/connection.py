# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection and credential options shared by every module (plugins/module_utils/_argspec.py).
    DOCUMENTATION = r"""
options:
  token:
    description:
      - A ready access token of the NetApp Console (formerly BlueXP).
      - Obtain it once per play with the P(bluexp.cloud_backup.access_token#lookup) lookup so that a
        play over many working environments exchanges its credential only once.
      - A token cannot be renewed; when it expires the module fails with HTTP 401.
      - If not set, the value of the E(BLUEXP_TOKEN) environment variable is used (see the notes for the order).
    type: str
  refresh_token:
    description:
      - A user refresh token of the SaaS Console, exchanged at O(auth_url) for an access token
        (grant C(refresh_token)).
      - Generate one at U(https://services.cloud.netapp.com/refresh-token).
      - If not set, the value of the E(BLUEXP_REFRESH_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - The client ID of a service account, used with O(client_secret) or O(private_key)
        (grant C(client_credentials)).
      - If not set, the value of the E(BLUEXP_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - The client secret of the service account named by O(client_id), on the SaaS Console or a Console
        local deployment.
      - If not set, the value of the E(BLUEXP_CLIENT_SECRET) environment variable is used.
    type: str
  private_key:
    description:
      - The RSA private key of a service account that uses private key JWT authentication (SaaS Console
        only), as PEM text or as the path of a PEM file (PKCS#8 or PKCS#1).
      - Each token exchange sends a new client assertion signed with this key, valid for five minutes from
        the clock of the host the module runs on, with a unique C(jti). The key never leaves that host.
      - Needs the Python library C(cryptography).
      - If not set, the value of the E(BLUEXP_PRIVATE_KEY) (PEM text or path) or E(BLUEXP_PRIVATE_KEY_FILE)
        (path) environment variable is used; setting both fails.
    type: str
    version_added: 0.2.0
  private_key_passphrase:
    description:
      - The passphrase of an encrypted O(private_key).
      - If not set, the value of the E(BLUEXP_PRIVATE_KEY_PASSPHRASE) environment variable is used.
    type: str
    version_added: 0.2.0
  key_id:
    description:
      - The key ID the Console shows for the registered public key, sent as the assertion's C(kid) header.
      - Only with O(private_key).
      - If not set, the value of the E(BLUEXP_KEY_ID) environment variable is used.
    type: str
    version_added: 0.2.0
  audience:
    description:
      - The audience of the service account's tokens, as the Console shows it when the service account is
        registered. Only with O(client_secret) or O(private_key).
      - Defaults to V(https://api.cloud.netapp.com) on the SaaS Console; a local deployment sends none.
      - If not set, the value of the E(BLUEXP_AUDIENCE) environment variable is used.
    type: str
    version_added: 0.2.0
  username:
    description:
      - A user of a Console local deployment (O(console_url)), logging in with O(password)
        (grant C(password)). The SaaS Console has no password login; use O(refresh_token) there.
      - If not set, the value of the E(BLUEXP_USERNAME) environment variable is used.
    type: str
    version_added: 0.2.0
  password:
    description:
      - The password of O(username) on the Console local deployment.
      - If not set, the value of the E(BLUEXP_PASSWORD) environment variable is used.
    type: str
    version_added: 0.2.0
  account_id:
    description:
      - The Console account ID, for example C(account-DpTFcxN3).
      - When not set, the accounts visible to the credential are listed and the only one is used;
        the module fails listing them when there are several.
      - If not set, the value of the E(BLUEXP_ACCOUNT_ID) environment variable is used.
    type: str
  connector_id:
    description:
      - The ID of the Console agent (formerly the BlueXP Connector) that serves the working environments,
        sent as the C(x-agent-id) header. The C(clients) suffix is appended when missing.
      - When not set, the agents of the account are listed and the only one is used; the module
        fails listing them when there are several.
      - If not set, the value of the E(BLUEXP_CONNECTOR_ID) or E(BLUEXP_AGENT_ID) environment variable is used.
      - In C(module_defaults), prefer the name O(connector_id). The collection's roles and playbooks pass
        O(connector_id) per inventory host, and when a task has both names ansible-core uses the alias.
    type: str
    aliases: [agent_id]
  console_url:
    description:
      - The address of a NetApp Console local deployment, for example V(https://console.example.com).
        Its host serves both the API and the token service (C({console_url}/oauth/token)), so this sets
        O(api_url) and O(auth_url); giving them too fails.
      - A local deployment takes O(username) with O(password), O(client_id) with O(client_secret), or O(token).
      - Its certificate often comes from a private CA; see O(ca_path).
      - If not set, the value of the E(BLUEXP_CONSOLE_URL) environment variable is used.
    type: str
    version_added: 0.2.0
  api_url:
    description:
      - Base URL of the SaaS Console API. V(https://api.bluexp.netapp.com) when not set.
      - If not set, the value of the E(BLUEXP_API_URL) environment variable is used.
    type: str
  auth_url:
    description:
      - Base URL of the token service; the token is requested from C({auth_url}/oauth/token).
        V(https://netapp-cloud-account.auth0.com) when not set.
      - If not set, the value of the E(BLUEXP_AUTH_URL) environment variable is used.
    type: str
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
  - "Credentials: give one of O(token); O(refresh_token); O(client_id) with O(client_secret); O(client_id) with
    O(private_key); O(username) with O(password). The task's options (C(module_defaults) included) come first; only
    when they hold no credential are the E(BLUEXP_*) environment variables read. Two credentials in the same
    place (two options, or two variables) fail the task naming both."
  - Credentials are never returned, logged or written to disk by this collection.
  - Numeric options take whole numbers only, given as numbers or as text (V(30) or V("30")). A fraction, an
    exponent such as V(1e3), an infinity or a boolean fails the task naming the option, before any request,
    with every ansible-core version. An option in seconds takes at most 2147483647.
  - Requests that fail with HTTP 429, 502, 503 or 504, or that cannot connect, are retried with
    exponential backoff within a bounded time, honouring C(Retry-After). A write (POST, PUT, DELETE)
    is never sent a second time when it may have reached the server.
requirements:
  - requests >= 2.28
  - cryptography >= 3.4 (for private_key only)
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
      - A user refresh token of the SaaS Console (formerly BlueXP), exchanged at O(auth_url) for an access token.
      - When no credential option is set, the E(BLUEXP_REFRESH_TOKEN) environment variable is read, as for the
        modules (see the notes). Keep it in the environment, not in a file.
    type: str
  client_id:
    description:
      - Client ID of a service account, used with O(client_secret) or O(private_key).
      - When not set, the E(BLUEXP_CLIENT_ID) environment variable is read.
    type: str
  client_secret:
    description:
      - Client secret of the service account named by O(client_id).
      - When no credential option is set, the E(BLUEXP_CLIENT_SECRET) environment variable is read.
    type: str
  private_key:
    description:
      - RSA private key of a service account with private key JWT authentication (SaaS Console only), as PEM
        text or the path of a PEM file. Needs the Python library C(cryptography) on the controller.
      - When no credential option is set, the E(BLUEXP_PRIVATE_KEY) or E(BLUEXP_PRIVATE_KEY_FILE) environment
        variable is read.
    type: str
    version_added: 0.2.0
  private_key_passphrase:
    description:
      - Passphrase of an encrypted O(private_key).
      - When not set, the E(BLUEXP_PRIVATE_KEY_PASSPHRASE) environment variable is read.
    type: str
    version_added: 0.2.0
  key_id:
    description:
      - Key ID of the registered public key, sent as the assertion's C(kid) header. Only with O(private_key).
      - When not set, the E(BLUEXP_KEY_ID) environment variable is read.
    type: str
    version_added: 0.2.0
  audience:
    description:
      - Audience of the service account's tokens, as the Console shows it; V(https://api.cloud.netapp.com)
        on the SaaS Console when not set.
      - When not set, the E(BLUEXP_AUDIENCE) environment variable is read.
    type: str
    version_added: 0.2.0
  username:
    description:
      - A user of a Console local deployment (O(console_url)), logging in with O(password).
      - When not set, the E(BLUEXP_USERNAME) environment variable is read.
    type: str
    version_added: 0.2.0
  password:
    description:
      - Password of O(username) on the Console local deployment.
      - When no credential option is set, the E(BLUEXP_PASSWORD) environment variable is read.
    type: str
    version_added: 0.2.0
  console_url:
    description:
      - Address of a NetApp Console local deployment, whose host serves the API and the token service; sets
        O(api_url) and O(auth_url), and giving them too fails.
    type: str
    version_added: 0.2.0
    env:
      - name: BLUEXP_CONSOLE_URL
  api_url:
    description:
      - Base URL of the SaaS Console API. V(https://api.bluexp.netapp.com) when not set.
    type: str
    env:
      - name: BLUEXP_API_URL
  auth_url:
    description:
      - Base URL of the token service; the token is requested from C({auth_url}/oauth/token).
        V(https://netapp-cloud-account.auth0.com) when not set.
    type: str
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
notes:
  - "Credentials: one of O(refresh_token); O(client_id) with O(client_secret); O(client_id) with O(private_key);
    O(username) with O(password) (a local deployment). The plugin's options come first; only when they hold no
    credential are the E(BLUEXP_*) environment variables read. Two credentials in the same place fail naming both."
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
