# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""On-premises StorageGRID servers as backup targets (StorageGRID category).

BlueXP knows a grid once it was discovered through its admin node (`POST api/v1/sg`);
it is then listed by the FQDN of its S3 endpoint. S3 credentials are kept per working
environment (`POST api/v1/sg/credentials/working-environment/{id}`) or, from API 4.x on,
in the account's credential store (`/api/v2/sg/credentials`). The API never returns a
secret, so whether one is stored is read from the listings, never by comparing it.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError

DEFAULT_S3_PORT = 10443
# A DNS name or an IPv4 address: no scheme, port or path.
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def check_host(value: str, option: str) -> str:
    if not _HOST.match(value or ""):
        hint = " Give the port with the port option." if ":" in (value or "") and "://" not in value else ""
        raise ConfigurationError("{0}: {1!r} is not a host name (an FQDN or IP address, without scheme, port or "
                                 "path).{2}".format(option, value, hint), option=option)
    return value


def host_of(storage_server: str | None) -> str:
    """The host part of `fqdn`, `fqdn:port` or `https://fqdn:port/`."""
    value = (storage_server or "").strip()
    value = value.split("://", 1)[-1].split("/", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def storage_server(name: str, port: int) -> str:
    """The `fqdn:port` form the credential and activation bodies take."""
    return "{0}:{1}".format(name, port)


# What is read of a grid: the host name it is found by and its ID.
GRID = Fields(required={"name": str}, optional={"id": str})


def list_grids(client: Any) -> list[dict[str, Any]]:
    return read(client, "GET", "v1", "sg").items("sgws", GRID)


def find_grid(grids: list[dict[str, Any]], name: str | None = None, grid_id: str | None = None) -> dict[str, Any] | None:
    """Host names are compared case-insensitively, as DNS does."""
    for grid in grids:
        if grid_id and grid.get("id") == grid_id:
            return grid
        if name and (grid.get("name") or "").lower() == name.lower():
            return grid
    return None


def discover(client: Any, admin_host: str, username: str, password: str) -> dict[str, Any]:
    body = {"admin-host": admin_host, "admin-username": username, "admin-password": password}
    # The grid is discovered whatever its answer says; a missing name is reported by the module.
    answer = read(client, "POST", "v1", "sg", body=body)
    return answer.object(Fields(optional={"name": str, "id": str}), empty_ok=True)


def version(client: Any, server: str) -> str | None:
    answer = read(client, "POST", "v1", "sg", "version", body={"storage-server": server})
    return answer.object(Fields(optional={"version": str})).get("version")


def stored_credential_names(client: Any) -> list[str] | None:
    """Server names in the account's credential store; None where the API predates it."""
    answer = read_if_found(client, "GET", "v2", "sg")
    return answer.items("ids", str) if answer else None


def has_stored_credentials(names: list[str] | None, name: str) -> bool:
    return any(n.lower() == name.lower() for n in names or [])


def store_credentials(client: Any, name: str, port: int, access_key: str, secret: str, update: bool) -> None:
    body = {"port": str(port), "access-key": access_key, "secret-password": secret}
    if update:
        client.cbs("PUT", "v2", "sg", "credentials", name, body=body)
    else:
        client.cbs("POST", "v2", "sg", "credentials", body=dict(body, **{"storage-server-name": name}))


def delete_stored_credentials(client: Any, name: str) -> None:
    client.cbs("DELETE", "v2", "sg", "credentials", name)


def save_we_credentials(client: Any, we_id: str, server: str, access_key: str, secret: str) -> None:
    client.cbs("POST", "v1", "sg", "credentials", "working-environment", we_id,
               body={"storage-server": server, "access-key": access_key, "secret-password": secret})


def backs_up_to(backup: dict[str, Any] | None, grid: dict[str, Any]) -> bool:
    """Whether an activated working environment uses this grid as its object store."""
    if not backup or backup.get("backup-enablement-status") != "ON" or backup.get("provider") != "SGWS":
        return False
    if backup.get("storage-grid-id"):
        return backup["storage-grid-id"] == grid.get("id")
    return host_of(backup.get("storage-server")).lower() == (grid.get("name") or "").lower()
