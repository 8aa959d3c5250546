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
  - Makes every working environment (Cloud Volumes ONTAP system or on-premises ONTAP cluster) of a BlueXP
    account an inventory host, with its backup and recovery status as host variables.
  - One run exchanges the credential once and sends two API calls, C(GET /api/v1/working-environment) and
    C(GET /api/v1/backup/working-environment), plus the account and Connector discovery calls when
    O(account_id) or O(connector_id) is not set. With O(cache=true) and a fresh cache it sends none.
  - The source file must be named C(bluexp.yml), C(bluexp.yaml), or end with C(.bluexp.yml) or C(.bluexp.yaml).
  - Every host gets C(ansible_connection=local), so that its tasks run on the controller and talk to the BlueXP API,
    never to the cluster itself. Plays over these hosts should set C(ansible_python_interpreter) to
    C({{ ansible_playbook_python }}), as the collection's playbooks do, so that the modules run with the Python that
    has their requirements.
  - 'Host variables: C(bluexp_id), C(bluexp_name), C(bluexp_provider) (V(AWS), V(AZURE), V(GCP) or V(ONPREM)),
    C(bluexp_region) (empty for on-premises clusters), C(bluexp_ontap_version), C(bluexp_type), C(bluexp_status),
    C(bluexp_cluster_uuid), C(bluexp_provider_account_id), C(bluexp_backup_enabled) (a boolean),
    C(bluexp_backup_status) (the API''s C(backup-enablement-status), null when the API does not report one),
    C(bluexp_object_store) (the C(provider), C(bucket) and C(region) backups go to; null while backup is off),
    C(bluexp_volume_count), C(bluexp_backed_up_volume_count) and C(bluexp_failed_backup_volume_count) (integers).'
  - 'Groups made for every host: C(bluexp_provider_aws), C(bluexp_provider_azure), C(bluexp_provider_gcp) or
    C(bluexp_provider_onprem) after its provider, and C(bluexp_backup_on) or C(bluexp_backup_off) after whether
    backup and recovery is active. O(keyed_groups), O(groups) and O(compose) add more.'
  - Host names are working environment names (see O(hostname)). When several working environments of the account
    share a name, each of them is named C(<name>_<id>) instead, with a warning, so that none hides another.
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
  token:
    description:
      - A ready BlueXP access token. Takes precedence over every other credential; it cannot be renewed.
    type: str
    env:
      - name: BLUEXP_TOKEN
  account_id:
    description:
      - The BlueXP account ID, for example C(account-DpTFcxN3).
      - When not set, the only account the credential sees is used; the source fails listing them when
        there are several.
    type: str
    env:
      - name: BLUEXP_ACCOUNT_ID
  connector_id:
    description:
      - The ID of the Connector that serves the working environments.
      - When not set, the only Connector of the account is used; the source fails listing them when there
        are several.
    type: str
    env:
      - name: BLUEXP_CONNECTOR_ID
notes:
  - Credentials and access tokens are never logged, set as host variables or written to the inventory cache,
    which holds only the two API answers.
  - The cache is kept per source file, API URL, account and Connector. C(ansible-inventory --flush-cache),
    C(ansible-playbook --flush-cache) and the C(refresh_inventory) meta task read the API again.
  - A source that fails (for example HTTP 401) is only a warning to Ansible by default, and the play then
    runs on no host. Set E(ANSIBLE_INVENTORY_UNPARSED_FAILED) to V(true) to make it fatal.
requirements:
  - requests >= 2.28
seealso:
  - module: bluexp.cloud_backup.working_environment_info
  - plugin: bluexp.cloud_backup.access_token
    plugin_type: lookup
"""

EXAMPLES = r"""
---
# fleet.bluexp.yml: every working environment, credentials from BLUEXP_REFRESH_TOKEN
# (or BLUEXP_CLIENT_ID and BLUEXP_CLIENT_SECRET), account and Connector from the environment
# or discovered.
plugin: bluexp.cloud_backup.working_environments

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

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _http
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

NAME = "bluexp.cloud_backup.working_environments"
SOURCE_NAMES = ("bluexp.yml", "bluexp.yaml")
SOURCE_SUFFIXES = (".bluexp.yml", ".bluexp.yaml")
CONNECTION_OPTIONS = ("refresh_token", "client_id", "client_secret", "token", "account_id", "connector_id",
                      "api_url", "auth_url", "validate_certs", "ca_path", "timeout")
# What a cached entry holds; an entry of another shape is ignored and the API read again.
CACHE_FORMAT = 1


def host_vars(record, backup):
    """The host variables of one working environment; `backup` is its backup view or None."""
    backup = backup or {}
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
        # Tasks talk to the BlueXP API from the controller, never to the cluster.
        "ansible_connection": "local",
    }


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

    # --- data: the cache or the API ---------------------------------------------------------

    def _fleet(self, path, cache):
        """The two API answers, from the cache when it is on, allowed and fresh."""
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
        # Another account or API behind the same source file must not be served from this entry.
        scope = "|".join(str(self.get_option(name) or "") for name in ("api_url", "account_id", "connector_id"))
        return "{0}_{1}".format(self.get_cache_key(path), hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8])

    def _fetch(self):
        # The client imports without requests (_http guards that import); it only fails once used.
        if not _http.HAS_REQUESTS:
            raise AnsibleParserError("{0} needs the Python library requests on the controller's Python ({1})."
                                     .format(NAME, sys.executable))
        params = {name: self.get_option(name) for name in CONNECTION_OPTIONS}
        try:
            client = BlueXPClient(params)
            try:
                records = wes.list_working_environments(client)
                backup = wes.backup_status_by_id(client, [r["id"] for r in records], listing=True) if records else {}
            finally:
                client.close()
        except BlueXPError as exc:
            # The message names the request, the status and the server's answer; never a credential.
            raise AnsibleParserError("{0}: {1}".format(NAME, exc.msg)) from None
        self.display.vvv("{0}: {1} working environments from {2}".format(NAME, len(records), client.api_url))
        return {"format": CACHE_FORMAT, "working_environments": records, "backup": backup}

    # --- hosts and groups -------------------------------------------------------------------

    def _populate(self, fleet):
        everyone = fleet["working_environments"]
        records = wes.select(everyone, self.get_option("names"), self.get_option("providers"))
        names = host_names(records, everyone, self.get_option("hostname"))
        self._warn_about_shared_names(records, names)
        strict = self.get_option("strict")
        for record, host in zip(records, names):
            variables = host_vars(record, fleet["backup"].get(record["id"]))
            self.inventory.add_host(host)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, wrap_var(value))
            self._add_default_groups(host, variables)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)

    def _add_default_groups(self, host, variables):
        groups = ["bluexp_backup_on" if variables["bluexp_backup_enabled"] else "bluexp_backup_off"]
        if variables["bluexp_provider"]:
            groups.insert(0, self._sanitize_group_name("bluexp_provider_" + variables["bluexp_provider"].lower()))
        for group in groups:
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


def _well_formed(cached):
    return (isinstance(cached, dict) and cached.get("format") == CACHE_FORMAT
            and isinstance(cached.get("working_environments"), list) and isinstance(cached.get("backup"), dict))
