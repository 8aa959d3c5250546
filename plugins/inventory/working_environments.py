# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: working_environments
short_description: BlueXP working environments as inventory hosts
version_added: 0.1.0
description:
  - Makes every working environment (Cloud Volumes ONTAP system or on-premises ONTAP cluster) that the credential
    can reach an inventory host, with its backup and recovery status, its account and its Connector (Console agent)
    as host variables.
  - It covers every BlueXP account the credential sees and every Connector of each account, since each Connector
    serves only the working environments it manages. O(accounts) and O(connectors) restrict that.
  - 'One run exchanges the credential once and sends: C(GET /tenancy/account) (unless the accounts are given),
    C(GET /occm/list-occms/{account}) per account (unless one account and its Connectors are given), and per
    Connector C(GET /api/v1/working-environment) and C(GET /api/v1/backup/working-environment). The Connectors are
    read side by side over one connection pool. With O(cache=true) and a fresh cache it sends none.'
  - The source file must be named C(bluexp.yml), C(bluexp.yaml), or end with C(.bluexp.yml) or C(.bluexp.yaml).
  - Every host gets C(ansible_connection=local), so that its tasks run on the controller and talk to the BlueXP API,
    never to the cluster itself, and C(ansible_python_interpreter) set to the controller's Python (see
    O(python_interpreter)), so that the modules run with the Python that has their requirements.
  - Every host carries C(bluexp_account_id) and C(bluexp_connector_id), the account and Connector that serve it.
    Pass them to the modules as C(account_id) and C(connector_id), for example in C(module_defaults), as the
    collection's playbooks and roles do, so that no module run discovers them.
  - 'Host variables: C(bluexp_id), C(bluexp_name), C(bluexp_provider) (V(AWS), V(AZURE), V(GCP) or V(ONPREM)),
    C(bluexp_region) (empty for on-premises clusters), C(bluexp_ontap_version), C(bluexp_type), C(bluexp_status),
    C(bluexp_cluster_uuid), C(bluexp_provider_account_id), C(bluexp_backup_enabled) (a boolean),
    C(bluexp_backup_status) (the API''s C(backup-enablement-status), null when the API does not report one),
    C(bluexp_object_store) (the C(provider), C(bucket) and C(region) backups go to; null while backup is off),
    C(bluexp_volume_count), C(bluexp_backed_up_volume_count) and C(bluexp_failed_backup_volume_count) (integers),
    C(bluexp_account_id), C(bluexp_account_name), C(bluexp_connector_id) (the C(x-agent-id) value, with the
    C(clients) suffix) and C(bluexp_connector_name) (the names are null when the run did not list them).'
  - 'Groups made for every host: C(bluexp_provider_aws), C(bluexp_provider_azure), C(bluexp_provider_gcp) or
    C(bluexp_provider_onprem) after its provider, C(bluexp_backup_on) or C(bluexp_backup_off) after whether
    backup and recovery is active, C(bluexp_account_<ID>) after its account (the account ID without its
    C(account-) prefix, for example C(bluexp_account_DpTFcxN3)) and C(bluexp_connector_<ID>) after its Connector
    (the Connector ID without the C(clients) suffix). O(keyed_groups), O(groups) and O(compose) add more.'
  - Host names are working environment names (see O(hostname)). When several working environments share a name
    (in one account or across accounts), each of them is named C(<name>_<id>) instead, with a warning, so that
    none hides another.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - bluexp.cloud_backup.connection.PLUGIN_CREDENTIALS
options:
  plugin:
    description:
      - Marks the file as a source for this plugin.
    type: str
    required: true
    choices: [bluexp.cloud_backup.working_environments]
  accounts:
    description:
      - Only read these BlueXP accounts (IDs such as C(account-DpTFcxN3)). The account list is then not read.
      - When empty, every account the credential sees is read (or the one of O(account_id) when it is set).
    type: list
    elements: str
    default: []
  connectors:
    description:
      - Only read these Connectors (Console agents), by ID, with or without the C(clients) suffix.
      - A Connector that none of the accounts read has fails the source, listing the Connectors found.
      - When empty, every Connector of each account is read (or the one of O(connector_id) when it is set).
    type: list
    elements: str
    default: []
  names:
    description:
      - Only make hosts of the working environments with these names. Shell-style patterns such as C(prod-*)
        are allowed; the comparison is case-sensitive.
    type: list
    elements: str
    default: []
  providers:
    description:
      - Only make hosts of the working environments of these providers, compared case-insensitively with
        C(bluexp_provider) (V(AWS), V(AZURE), V(GCP) or V(ONPREM)).
    type: list
    elements: str
    default: []
  hostname:
    description:
      - What names the hosts. V(name) is the working environment's name, V(id) its ID (always unique).
    type: str
    choices: [name, id]
    default: name
  python_interpreter:
    description:
      - The C(ansible_python_interpreter) of every host.
      - When not set, the Python that runs this plugin, that is the controller's Python that runs
        C(ansible-playbook) (C(ansible_playbook_python)), which has the modules' requirements.
      - Set it to a path, or to a template such as C({{ my_python }}) that is resolved when a task runs.
      - Variables of C(group_vars) and C(host_vars) files and of the play override it as usual.
    type: str
  token:
    description:
      - A ready access token of the Console; it cannot be renewed.
      - When no credential option is set, the E(BLUEXP_TOKEN) environment variable is read.
    type: str
  account_id:
    description:
      - One BlueXP account to read, for example C(account-DpTFcxN3), as O(accounts=[account_id]).
      - Ignored when O(accounts) is set.
    type: str
    env:
      - name: BLUEXP_ACCOUNT_ID
  connector_id:
    description:
      - One Console agent (Connector) to read, as O(connectors=[connector_id]).
      - Ignored when O(connectors) is set.
    type: str
    aliases: [agent_id]
    env:
      - name: BLUEXP_CONNECTOR_ID
      - name: BLUEXP_AGENT_ID
notes:
  - Credentials and access tokens are never logged, set as host variables or written to the inventory cache,
    which holds only the API answers.
  - The cache is kept per source file, API URL, accounts and Connectors. C(ansible-inventory --flush-cache),
    C(ansible-playbook --flush-cache) and the C(refresh_inventory) meta task read the API again.
  - The source fails when it cannot list the fleet (a refused credential, or a listing that failed after the
    client's retries), naming the request, the status, the server's message and the account and Connector.
    Credential values are masked in it, also when the server's answer repeats them.
  - A source that fails is only a warning to Ansible by default, and the play then runs on no host. Set
    E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED) to V(true) (C(any_unparsed_is_failed) in the C([inventory])
    section of C(ansible.cfg)) to make it stop the run. The collection's C(ansible.cfg), at its root, sets it
    for the playbooks run from there.
requirements:
  - requests >= 2.28
seealso:
  - module: bluexp.cloud_backup.working_environment_info
  - plugin: bluexp.cloud_backup.access_token
    plugin_type: lookup
"""

EXAMPLES = r"""
---
# fleet.bluexp.yml: every working environment of every account and Connector the credential
# reaches; credentials from BLUEXP_REFRESH_TOKEN (or BLUEXP_CLIENT_ID and BLUEXP_CLIENT_SECRET).
plugin: bluexp.cloud_backup.working_environments

---
# emea.bluexp.yml: two of the accounts, with groups after the names of the accounts and
# Connectors (such as account_Production and connector_cm_frankfurt) besides the default ones.
plugin: bluexp.cloud_backup.working_environments
accounts: [account-DpTFcxN3, account-i6vJXvZW]
keyed_groups:
  - key: bluexp_account_name
    prefix: account
  - key: bluexp_connector_name
    prefix: connector

---
# prod.bluexp.yml: production clusters in the cloud, grouped by provider, region and backup status.
# Gives groups such as provider_aws, region_us_east_1 and backup_status_off.
plugin: bluexp.cloud_backup.working_environments
names: ["prod-*"]
providers: [AWS, AZURE, GCP]
keyed_groups:
  - key: bluexp_provider | lower
    prefix: provider
  - key: bluexp_region
    prefix: region
    default_value: on_premises
  - key: bluexp_backup_status | default('unknown', true) | lower
    prefix: backup_status
groups:
  # Backup is on but some volume's last backup failed.
  backup_failing: bluexp_backup_enabled and bluexp_failed_backup_volume_count > 0
compose:
  unprotected_volume_count: bluexp_volume_count - bluexp_backed_up_volume_count

---
# cached.bluexp.yml: read the API at most once an hour; the cache holds the API answers only.
plugin: bluexp.cloud_backup.working_environments
hostname: id
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/bluexp-inventory
cache_timeout: 3600
"""

import collections
import hashlib
import os
import sys

from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _discovery, _http
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._secrets import mask_secrets

NAME = "bluexp.cloud_backup.working_environments"
SOURCE_NAMES = ("bluexp.yml", "bluexp.yaml")
SOURCE_SUFFIXES = (".bluexp.yml", ".bluexp.yaml")
CONNECTION_OPTIONS = ("token", "refresh_token", "client_id", "client_secret", "private_key", "private_key_passphrase",
                      "key_id", "audience", "username", "password", "console_url", "api_url", "auth_url",
                      "validate_certs", "ca_path", "timeout")
# What a cached entry holds; an entry of another shape is ignored and the API read again.
CACHE_FORMAT = 2
ACCOUNT_PREFIX = "account-"


def host_vars(record, backup, scope=None):
    """The host variables of one working environment; `backup` is its backup view or None,
    `scope` the account and Connector that serve it."""
    backup = backup or {}
    scope = scope or {}
    enabled = bool(backup.get("enabled"))
    object_store = None
    if enabled:
        object_store = {"provider": backup.get("provider"), "bucket": backup.get("bucket"),
                        "region": backup.get("region")}
    volume_count = record.get("total_volumes_count")
    if volume_count is None:
        volume_count = backup.get("total_volumes_count")
    return {
        "bluexp_id": record.get("id"),
        "bluexp_name": record.get("name"),
        "bluexp_provider": record.get("provider"),
        "bluexp_region": record.get("region"),
        "bluexp_ontap_version": record.get("ontap_version"),
        "bluexp_type": record.get("type"),
        "bluexp_status": record.get("status"),
        "bluexp_cluster_uuid": record.get("cluster_uuid"),
        "bluexp_provider_account_id": record.get("provider_account_id"),
        "bluexp_backup_enabled": enabled,
        "bluexp_backup_status": backup.get("backup_enablement_status"),
        "bluexp_object_store": object_store,
        "bluexp_volume_count": volume_count or 0,
        "bluexp_backed_up_volume_count": backup.get("backed_up_volume_count") or 0,
        "bluexp_failed_backup_volume_count": backup.get("failed_backup_volume_count") or 0,
        "bluexp_account_id": scope.get("account_id"),
        "bluexp_account_name": scope.get("account_name"),
        "bluexp_connector_id": scope.get("connector_id"),
        "bluexp_connector_name": scope.get("connector_name"),
        # Tasks talk to the BlueXP API from the controller, never to the cluster.
        "ansible_connection": "local",
    }


def account_group(account_id):
    """`bluexp_account_<ID>`, the ID without its `account-` prefix (the caller sanitises it)."""
    short = account_id[len(ACCOUNT_PREFIX):] if account_id.startswith(ACCOUNT_PREFIX) else account_id
    return "bluexp_account_" + short


def connector_group(connector_id):
    """`bluexp_connector_<ID>`, the ID without its `clients` suffix (the caller sanitises it)."""
    suffix = _discovery.CONNECTOR_SUFFIX
    return "bluexp_connector_" + (connector_id[:-len(suffix)] if connector_id.endswith(suffix) else connector_id)


def host_names(records, everyone, by):
    """Host name per record; a name several environments of `everyone` share gets the ID appended."""
    if by == "id":
        return [r["id"] for r in records]
    counts = collections.Counter(r.get("name") for r in everyone)
    names = []
    for record in records:
        name = record.get("name")
        if not name:
            names.append(record["id"])
        elif counts[name] > 1:
            names.append("{0}_{1}".format(name, record["id"]))
        else:
            names.append(name)
    return names


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = NAME

    def verify_file(self, path):
        if not super().verify_file(path):
            return False
        base = os.path.basename(path)
        return base in SOURCE_NAMES or base.endswith(SOURCE_SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        self._populate(self._fleet(path, cache))

    # --- what to read -----------------------------------------------------------------------

    def _wanted_accounts(self):
        wanted = list(self.get_option("accounts") or []) or [a for a in [self.get_option("account_id")] if a]
        # Plain strings: option values carry their origin, which has no place in the cache.
        return [str(a).strip() for a in wanted if str(a).strip()]

    def _wanted_connectors(self):
        wanted = list(self.get_option("connectors") or []) or [c for c in [self.get_option("connector_id")] if c]
        return [_discovery.normalise_connector_id(c) for c in wanted if (c or "").strip()]

    # --- data: the cache or the API ---------------------------------------------------------

    def _fleet(self, path, cache):
        """The API answers per account and Connector, from the cache when it is on, allowed and fresh."""
        use_cache = self.get_option("cache")
        key = self._cache_key(path)
        if use_cache and cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if _well_formed(cached):
                self.display.vvv("{0}: working environments from the inventory cache".format(NAME))
                return cached
        fleet = self._fetch()
        if use_cache:
            self._cache[key] = fleet
        return fleet

    def _cache_key(self, path):
        # Other accounts, Connectors or another API behind the same source file must not be served from this entry.
        scope = "|".join([str(self.get_option("console_url") or self.get_option("api_url") or ""),
                          ",".join(self._wanted_accounts()),
                          ",".join(self._wanted_connectors())])
        return "{0}_{1}".format(self.get_cache_key(path), hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8])

    def _fetch(self):
        # The client imports without requests (_http guards that import); it only fails once used.
        if not _http.HAS_REQUESTS:
            raise AnsibleParserError("{0} needs the Python library requests on the controller's Python ({1})."
                                     .format(NAME, sys.executable))
        params = {name: self.get_option(name) for name in CONNECTION_OPTIONS}
        client = None
        try:
            client = BlueXPClient(params)
            try:
                scopes = self._scopes(client)
                if scopes:
                    client.token()  # exchanged once, before the Connectors are read side by side
                read = map_concurrently(lambda scope: _read_scope(client, scope), scopes)
            finally:
                client.close()
        except ScopeFailed as failed:
            raise AnsibleParserError(not_listed(failed.error, params, client, failed.scope)) from None
        except BlueXPError as exc:
            raise AnsibleParserError(not_listed(exc, params, client)) from None
        self.display.vvv("{0}: {1} working environments of {2} Connectors from {3}".format(
            NAME, sum(len(s["working_environments"]) for s in read), len(read), client.api_url))
        return {"format": CACHE_FORMAT, "scopes": read}

    def _scopes(self, client):
        """Every (account, Connector) to read: listed, unless the source names them."""
        wanted_accounts = self._wanted_accounts()
        wanted_connectors = self._wanted_connectors()
        if wanted_accounts:
            accounts = [{"id": a, "name": None} for a in dict.fromkeys(wanted_accounts)]
        else:
            accounts = _discovery.accounts_of(_discovery.read_accounts(client.get_platform_json, client.api_url))
            if not accounts:
                raise AnsibleParserError("{0}: no BlueXP account is visible to this credential.".format(NAME))
        if len(accounts) == 1 and wanted_connectors:
            # One account and its Connectors named: nothing to list.
            return [_scope(accounts[0], {"id": c, "name": None}) for c in dict.fromkeys(wanted_connectors)]
        scopes = []
        found = []
        for account in accounts:
            connectors = _discovery.connectors_of(
                _discovery.read_connectors(client.get_platform_json, client.api_url, account["id"]))
            named = account
            if account["name"] is None and connectors:
                named = dict(account, name=connectors[0].get("account_name"))
            found.extend(c["id"] for c in connectors)
            chosen = [c for c in connectors if not wanted_connectors or c["id"] in wanted_connectors]
            if not connectors:
                self.display.warning("{0}: account {1} has no Connector; it has no host.".format(NAME, account["id"]))
            scopes.extend(_scope(named, c) for c in chosen)
        missing = [c for c in wanted_connectors if c not in found]
        if missing:
            raise AnsibleParserError("{0}: connectors: {1} is no Connector of account {2}; found: {3}.".format(
                NAME, ", ".join(missing), ", ".join(a["id"] for a in accounts), ", ".join(found) or "none"))
        return scopes

    # --- hosts and groups -------------------------------------------------------------------

    def _populate(self, fleet):
        everyone = []
        owner = {}
        backups = {}
        for scope in fleet["scopes"]:
            for record in scope["working_environments"]:
                everyone.append(record)
                owner[record["id"]] = scope
            backups.update(scope["backup"])
        records = wes.select(everyone, self.get_option("names"), self.get_option("providers"))
        names = host_names(records, everyone, self.get_option("hostname"))
        self._warn_about_shared_names(records, names)
        strict = self.get_option("strict")
        interpreter = self.get_option("python_interpreter") or sys.executable
        for record, host in zip(records, names):
            variables = host_vars(record, backups.get(record["id"]), owner[record["id"]])
            self.inventory.add_host(host)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, wrap_var(value))
            # Not wrapped: a template given as python_interpreter is resolved when a task runs.
            self.inventory.set_variable(host, "ansible_python_interpreter", interpreter)
            self._add_default_groups(host, variables)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)

    def _add_default_groups(self, host, variables):
        groups = ["bluexp_backup_on" if variables["bluexp_backup_enabled"] else "bluexp_backup_off"]
        if variables["bluexp_provider"]:
            groups.insert(0, "bluexp_provider_" + variables["bluexp_provider"].lower())
        if variables["bluexp_account_id"]:
            groups.append(account_group(variables["bluexp_account_id"]))
        if variables["bluexp_connector_id"]:
            groups.append(connector_group(variables["bluexp_connector_id"]))
        for name in groups:
            group = self._sanitize_group_name(name)
            self.inventory.add_group(group)
            self.inventory.add_child(group, host)

    def _warn_about_shared_names(self, records, names):
        renamed = collections.defaultdict(list)
        for record, host in zip(records, names):
            if record.get("name") and host not in (record["name"], record["id"]):
                renamed[record["name"]].append(host)
        for name, hosts in renamed.items():
            self.display.warning("{0}: several working environments are named {1!r}; their hosts are {2}."
                                 .format(NAME, name, ", ".join(hosts)))


class ScopeFailed(Exception):
    """The listings of one account and Connector failed: which ones, and the error."""

    def __init__(self, scope, error):
        super().__init__(error.msg)
        self.scope = scope
        self.error = error


def not_listed(error, params, client=None, scope=None):
    """The message of a source whose fleet could not be read: the request, the status and the server's
    answer (with every secret masked, since a server may echo the credential), then what it means."""
    held = [client.tokens.current()] if client is not None else []
    text = "{0}: {1}".format(NAME, mask_secrets(error.msg, params, held).rstrip("."))
    if scope:
        text += ". The working environments of account {0} through Connector {1} could not be listed".format(
            scope["account_id"], scope["connector_id"])
    else:
        text += ". The working environments could not be listed"
    text += ", so this source has no host."
    if not C.INVENTORY_ANY_UNPARSED_IS_FAILED:
        # Ansible only warns about a source that fails, and the play then runs on no host.
        text += " Set ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true to stop the run instead."
    return text


def _scope(account, connector):
    return {"account_id": account["id"], "account_name": account.get("name"),
            "connector_id": connector["id"], "connector_name": connector.get("name")}


def _read_scope(client, scope):
    """The two listings of one Connector of one account, over the shared session and token."""
    scoped = client.scoped(scope["account_id"], scope["connector_id"])
    try:
        records = wes.list_working_environments(scoped)
        backup = wes.backup_status_by_id(scoped, [r["id"] for r in records], listing=True) if records else {}
    except BlueXPError as exc:
        raise ScopeFailed(scope, exc) from None
    return dict(scope, working_environments=records, backup=backup)


def _well_formed(cached):
    return (isinstance(cached, dict) and cached.get("format") == CACHE_FORMAT
            and isinstance(cached.get("scopes"), list)
            and all(isinstance(s, dict) and isinstance(s.get("working_environments"), list)
                    and isinstance(s.get("backup"), dict) for s in cached["scopes"]))
