# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""StorageGRID rules: reaching a grid, discovering it, and keeping S3 credentials for it.

A grid that is not on the network "cannot be reached" (400, as a connection failure the
connector reports); discovery authenticates with the admin node; credentials are saved for
on-premises working environments only (StorageGRID is a target for on-premises ONTAP) and
for discovered grids only. Secrets count as written and are then forgotten. A discovered grid
shows in the grid list ``listing_delay_s`` after its discovery (emulator time); every other rule
knows it at once.
"""
from __future__ import annotations

from collections.abc import Callable

from bluexp_emulator.core.clock import Clock, SystemClock
from bluexp_emulator.core.errors import BadRequest, Conflict, NotFound
from bluexp_emulator.services.cbs.storagegrid.state import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    StorageGrid,
    StoredCredentials,
    WeCredentials,
    parse_address,
)
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironmentsBackend

ON_PREM = "ON_PREM"


def _required(value: str | None, name: str) -> str:
    if not value:
        raise BadRequest(f"{name} is required")
    return value


def _port(value: str) -> str:
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 65536:
        raise BadRequest(f"port: {value!r} is not a port number (1-65535)")
    return value


class StorageGridBackend:
    def __init__(self, working_environments: WorkingEnvironmentsBackend, clock: Clock | None = None,
                 listing_delay_s: Callable[[], float] = lambda: 0.0) -> None:
        self.working_environments = working_environments
        self.clock = clock or SystemClock()
        self.listing_delay_s = listing_delay_s
        self._grids: dict[str, list[StorageGrid]] = {}

    def load(self, account_id: str, grids: list[StorageGrid]) -> None:
        self._grids[account_id] = grids

    def clear(self) -> None:
        self._grids.clear()

    def grids(self, account_id: str) -> list[StorageGrid]:
        return list(self._grids.get(account_id, []))

    # -- look-ups ----------------------------------------------------------------------------
    def _reachable(self, account_id: str, server: str, field: str = "") -> StorageGrid:
        """The grid whose S3 endpoint ``server`` names (``fqdn``, ``fqdn:port``, ``https://fqdn:port``)."""
        address = parse_address(server)
        grid = next((g for g in self.grids(account_id) if address and g.serves(*address)), None)
        if grid is None:
            raise BadRequest(f"{field}StorageGRID server {server} cannot be reached")
        return grid

    def discovered_grid(self, account_id: str, server: str, field: str) -> StorageGrid:
        """A grid BlueXP knows; 400 naming ``field`` otherwise (also used by backup activation)."""
        grid = self._reachable(account_id, server, f"{field}: ")
        if not grid.discovered:
            raise BadRequest(f"{field}: StorageGRID {grid.name} is not discovered in BlueXP; discover it first")
        return grid

    def _discovered_by_name(self, account_id: str, name: str) -> StorageGrid | None:
        return next((g for g in self.grids(account_id) if g.discovered and g.name.lower() == name.lower()), None)

    # -- 2.0.6 operations --------------------------------------------------------------------
    def version(self, account_id: str, server: str | None) -> str:
        return self._reachable(account_id, _required(server, "storage-server")).version

    def list_discovered(self, account_id: str) -> list[StorageGrid]:
        now = self.clock.now()
        return [grid for grid in self.grids(account_id) if grid.discovered and grid.listed_from <= now]

    def discover(self, account_id: str, admin_host: str | None, username: str | None,
                 password: str | None) -> StorageGrid:
        admin_host = _required(admin_host, "admin-host")
        username = _required(username, "admin-username")
        password = _required(password, "admin-password")
        address = parse_address(admin_host)
        grid = next((g for g in self.grids(account_id) if address and g.administers(*address)), None)
        if grid is None:
            raise BadRequest(f"StorageGRID admin node {admin_host} cannot be reached")
        if username != ADMIN_USERNAME or password != ADMIN_PASSWORD:
            raise BadRequest(f"Authentication with the StorageGRID admin node {admin_host} failed: "
                             "invalid username or password")
        if grid.discovered:
            raise BadRequest(f"StorageGRID {grid.name} is already discovered (id {grid.id})")
        grid.discovered = True
        grid.listed_from = self.clock.now() + self.listing_delay_s()
        return grid

    def save_we_credentials(self, account_id: str, we_id: str, server: str | None, access_key: str | None,
                            secret: str | None) -> None:
        we = self.working_environments.get_working_environment(account_id, we_id)
        if we.type != ON_PREM:
            raise BadRequest(f"Working environment {we_id} is Cloud Volumes ONTAP on {we.provider}; StorageGRID "
                             "backs up on-premises ONTAP clusters only")
        server = _required(server, "storage-server")
        access_key = _required(access_key, "access-key")
        _required(secret, "secret-password")
        grid = self.discovered_grid(account_id, server, "storage-server")
        record = grid.we_credentials.setdefault(we_id, WeCredentials(access_key))
        record.access_key = access_key
        record.updates += 1

    # -- 4.x credential store ----------------------------------------------------------------
    def stored_names(self, account_id: str) -> list[str]:
        return [grid.name for grid in self.grids(account_id) if grid.stored is not None]

    def store_credentials(self, account_id: str, name: str | None, port: str | None, access_key: str | None,
                          secret: str | None) -> None:
        name = _required(name, "storage-server-name")
        port = _port(_required(port, "port"))
        access_key = _required(access_key, "access-key")
        _required(secret, "secret-password")
        grid = self._discovered_by_name(account_id, name)
        if grid is None:
            raise BadRequest(f"storage-server-name: {name} is not a StorageGRID discovered in BlueXP")
        if grid.stored is not None:
            raise Conflict(f"Credentials for StorageGRID {grid.name} already exist; update them with PUT")
        grid.stored = StoredCredentials(port, access_key, updates=1)

    def _stored(self, account_id: str, name: str) -> StorageGrid:
        grid = next((g for g in self.grids(account_id) if g.stored is not None and g.name.lower() == name.lower()),
                    None)
        if grid is None:
            raise NotFound(f"No credentials stored for StorageGRID {name}")
        return grid

    def update_credentials(self, account_id: str, name: str, port: str | None, access_key: str | None,
                           secret: str | None) -> None:
        """Each field given replaces the stored one; ``updates`` counts secret writes only."""
        grid = self._stored(account_id, name)
        for field, value in (("port", port), ("access-key", access_key), ("secret-password", secret)):
            if value is not None and not value:
                raise BadRequest(f"{field} must not be empty")
        stored = grid.stored
        assert stored is not None
        if port is not None:
            stored.port = _port(port)
        if access_key is not None:
            stored.access_key = access_key
        if secret is not None:
            stored.updates += 1

    def delete_credentials(self, account_id: str, name: str) -> None:
        self._stored(account_id, name).stored = None
