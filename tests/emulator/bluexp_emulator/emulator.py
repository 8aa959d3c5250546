# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's state root: configuration, clock, backends, faults and the request log.

Everything a request can touch hangs off one ``Emulator`` object, and every API or control
call runs under its lock, so state changes are atomic per request.
"""
from __future__ import annotations

import threading
import traceback
from dataclasses import replace
from typing import Any

from bluexp_emulator.config import LOCAL, EmulatorConfig
from bluexp_emulator.control.urls import ROUTES as CONTROL_ROUTES
from bluexp_emulator.core.clock import Clock, SystemClock
from bluexp_emulator.core.errors import BadRequest, EmulatorError
from bluexp_emulator.core.faults import FaultRegistry
from bluexp_emulator.core.http import Request, Response
from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.core.requestlog import Redactor, RequestLog
from bluexp_emulator.core.router import Route, Router
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.auth import urls as auth_urls
from bluexp_emulator.services.auth.keys import KeyRegistry
from bluexp_emulator.services.auth.models import AUDIENCE, PUBLIC_CLIENT_ID, AuthBackend, Credentials
from bluexp_emulator.services.cbs import urls as cbs_urls
from bluexp_emulator.services.cbs.backup.models import BackupBackend
from bluexp_emulator.services.cbs.catalog.models import CatalogBackend
from bluexp_emulator.services.cbs.cloud.models import CloudBackend
from bluexp_emulator.services.cbs.cloud.seed import seed_cloud
from bluexp_emulator.services.cbs.filetree import has_large_directory
from bluexp_emulator.services.cbs.jobs.models import JobsBackend
from bluexp_emulator.services.cbs.licenses.models import LicenseBackend
from bluexp_emulator.services.cbs.licenses.seed import seed_licenses
from bluexp_emulator.services.cbs.ransomware.models import RansomwareBackend
from bluexp_emulator.services.cbs.restore.models import RestoreBackend
from bluexp_emulator.services.cbs.sfr.models import SfrBackend
from bluexp_emulator.services.cbs.seed import FleetBuilder, seed_jobs
from bluexp_emulator.services.cbs.storagegrid.models import StorageGridBackend
from bluexp_emulator.services.cbs.storagegrid.seed import seed_grids
from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironmentsBackend
from bluexp_emulator.services.occm import urls as occm_urls
from bluexp_emulator.services.tenancy import urls as tenancy_urls
from bluexp_emulator.services.tenancy.models import TenancyBackend

API_ROUTES: list[Route] = [*auth_urls.ROUTES, *tenancy_urls.ROUTES, *occm_urls.ROUTES, *cbs_urls.ROUTES]
_AUTO = object()


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None, clock: Clock | None = None,
                 spec: Spec | object | None = _AUTO) -> None:
        self.lock = threading.RLock()
        self.initial_config = replace(config) if config else EmulatorConfig()
        self.config = replace(self.initial_config)
        self.clock = clock or SystemClock()
        self.spec: Spec | None = Spec.load() if spec is _AUTO else spec  # type: ignore[assignment]
        self.ids = IdGenerator(self.config.seed)
        self.tenancy = TenancyBackend()
        self.auth = AuthBackend(self.clock, self.tenancy, self._credentials(), self.config.token_ttl_s,
                                KeyRegistry(self.config.client_public_key, self.config.key_id),
                                self.config.deployment)
        self.jobs = JobsBackend(self.clock, self.ids, lambda: self.config.job_duration_s)
        self.working_environments = WorkingEnvironmentsBackend(self.jobs)
        self.storage_grids = StorageGridBackend(self.working_environments, self.clock,
                                                lambda: self.config.listing_delay_s)
        self.cloud = CloudBackend(self.clock, lambda: self.config.listing_delay_s)
        self.licenses = LicenseBackend(self.working_environments, self.clock)
        self.backup = BackupBackend(self.working_environments, self.jobs, self.clock, lambda: self.ids,
                                    lambda: self.config.backup_interval_s, self.storage_grids)
        self.ransomware = RansomwareBackend(self.backup, self.jobs, self.clock)
        self.restore = RestoreBackend(self.working_environments, self.backup, self.ransomware, self.jobs, self.clock,
                                      lambda: self.ids)
        self.sfr = SfrBackend(self.working_environments, self.jobs, self.clock)
        self.catalog = CatalogBackend(self.working_environments, self.jobs)
        self.faults = FaultRegistry(self.config.seed)
        self.requests = RequestLog(Redactor(self._secret_values))
        self.router = Router(API_ROUTES)
        self.control_router = Router(CONTROL_ROUTES)
        self.reset()

    def _secret_values(self) -> list[str]:
        """Everything the request log must never contain: tokens, configured secrets, the
        generated private key."""
        return [*self.auth.secret_values(), ADMIN_PASSWORD]

    def _credentials(self) -> Credentials:
        config = self.config
        return Credentials(config.refresh_token, config.client_id, config.client_secret, config.key_client_id,
                           config.username, config.password)

    # -- state ----------------------------------------------------------------------------
    def reset(self, keep_public_key: bool = True, **overrides: Any) -> None:
        """Fresh deterministic state: start-up config plus ``overrides``; faults, tokens,
        jobs and the request log are cleared too. A public key registered through the control
        API stays unless ``keep_public_key`` is false."""
        with self.lock:
            self.config = replace(self.initial_config, **overrides)
            self.ids = IdGenerator(self.config.seed)
            self.auth.credentials = self._credentials()
            self.auth.ttl_s = self.config.token_ttl_s
            self.auth.deployment = self.config.deployment
            self.auth.keys.configure(self.config.client_public_key, self.config.key_id)
            if not keep_public_key:
                self.auth.keys.forget_registered()
            self.auth.reset()
            self.faults.reset(self.config.seed)
            self.requests.clear()
            self.requests.clear_counters()
            self.jobs.reset(self.ids)
            self.sfr.reset()
            self.ransomware.reset()
            self.working_environments.clear()
            self.cloud.clear()
            self.storage_grids.clear()
            now_ms = self.clock.now_ms()
            seed = self.config.seed
            self.tenancy.seed(self.ids, self.config.accounts, self.config.connectors, now_ms)
            for index, account in enumerate(self.tenancy.accounts):
                builder = FleetBuilder(self.ids, now_ms)
                connectors = account.connectors
                fleet, activated = builder.build(self.config.fleet_size, [c.client_id for c in connectors],
                                                 [c.provider for c in connectors])
                self.working_environments.load(account.id, fleet)
                seed_jobs(self.jobs, account.id, fleet, activated, self.ids, now_ms)
                # Each kind below draws from its own stream, so the fleet above never changes with it.
                seed_licenses(fleet, IdGenerator.derived(seed, account.id, "licenses"), now_ms)
                self.cloud.load(account.id, seed_cloud(IdGenerator.derived(seed, account.id, "cloud"),
                                                       builder.provider_accounts, fleet))
                self.storage_grids.load(account.id, seed_grids(IdGenerator.derived(seed, account.id, "storagegrid"),
                                                               index))
            self.backup.scheduler.touch()

    def configure(self, **changes: Any) -> None:
        with self.lock:
            self.tick()  # what was due at the old pace happens at the old pace
            self.config = replace(self.config, **changes)
            self.auth.ttl_s = self.config.token_ttl_s
            if "backup_interval_s" in changes:
                self.backup.restart_schedules()

    def tick(self) -> None:
        """Apply everything that became due with time: job completions, then scheduled backups."""
        with self.lock:
            self.jobs.tick()
            self.backup.tick()
            self.licenses.tick()

    def summary(self) -> dict[str, Any]:
        with self.lock:
            self.tick()
            accounts = []
            now_ms = self.clock.now_ms()
            for account in self.tenancy.accounts:
                wes = self.working_environments.list_working_environments(account.id)
                accounts.append({
                    "id": account.id,
                    "name": account.name,
                    # "agent_id" repeats the x-agent-id value under the API's own name (agentId).
                    "connectors": [{"x-agent-id": c.x_agent_id, "agent_id": c.x_agent_id,
                                    "client_id": c.client_id, "name": c.name} for c in account.connectors],
                    "working_environments": [{
                        "id": we.id, "name": we.name, "provider": we.provider, "type": we.type,
                        "connector_id": we.connector_id, "backup_enabled": we.backup is not None,
                        "provider_account_id": we.provider_account_id, **we.license.summary(now_ms),
                        "catalog_indexed": we.backup is not None and we.backup.catalog_indexed,
                        "volumes": len(we.volumes),
                        "protected_volumes": sum(1 for v in we.volumes if v.backup is not None),
                        # Enough to pick a volume for a test (e.g. a SnapLock or a DP one).
                        "volume_list": [{
                            "id": v.file_system_id, "name": v.name, "svm": v.svm, "type": v.type,
                            "snaplock": v.is_snaplock, "backup_status": v.backup.status if v.backup else None,
                            "backups": len(v.backup.snapshots) if v.backup else 0,
                            # Whether its file tree has a folder of thousands of entries (paging).
                            "large_directory": has_large_directory(v.tree_key),
                        } for v in we.volumes],
                    } for we in wes],
                    # Grids with what BlueXP keeps for them (never a secret: ``updates`` counts writes).
                    "storagegrids": [grid.summary() for grid in self.storage_grids.grids(account.id)],
                    "cloud": self.cloud.inventory(account.id).summary(),
                })
            return {
                "seed": self.config.seed,
                "config": self.config.public(),
                "now": self.clock.now_ms(),
                "credentials": self.credentials(),
                "accounts": accounts,
                "tokens_issued": self.auth.issued_count(),
                "jobs": len(self.jobs.all_jobs()),
                "spec_validation": self.spec is not None,
            }

    def credentials(self) -> dict[str, Any]:
        """What a client needs to log in, by credential kind (the state's ``credentials``)."""
        config = self.config
        key = self.auth.keys.current()  # generates the key pair the first time
        credentials = {
            "refresh_token": config.refresh_token,
            "refresh_client_id": PUBLIC_CLIENT_ID,
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "audience": AUDIENCE,
            "key_client_id": config.key_client_id,
            "private_key": key.private_pem if key else None,
            "key_id": key.key_id if key else config.key_id,
            "key_audience": AUDIENCE,
        }
        if config.deployment == LOCAL:
            credentials.update(username=config.username, password=config.password)
        return credentials

    # -- request handling -----------------------------------------------------------------
    def dispatch(self, request: Request, match: tuple[Route, dict[str, str]] | None = None) -> Response:
        """Serve one API call: route -> access rules -> spec validation -> handler."""
        try:
            route, params = match or self.router.resolve(request.method, request.path)
            request.route, request.params = route, params
            with self.lock:
                self.tick()
                if route.guard is not None:
                    route.guard(self, request)
                if request.body_error and route.kind != "token":
                    raise BadRequest(request.body_error)
                if route.validate and self.spec is not None:
                    self.spec.validate_request(route.method, route.template, request.query,
                                               request.headers, request.body)
                try:
                    with self.working_environments.served_by(request.connector):
                        return route.handler(self, request)
                finally:
                    if request.method != "GET" and route.kind == "api":
                        self.backup.scheduler.touch()  # a write may have changed any schedule
        except EmulatorError as exc:
            return exc.to_response()
        except Exception:  # noqa: BLE001 - a bug must still produce a well-formed 500
            traceback.print_exc()
            return EmulatorError(500, "An internal server error occurred").to_response()

    def control(self, request: Request) -> Response:
        """Serve one control call (no auth, no faults, not logged)."""
        try:
            route, params = self.control_router.resolve(request.method, request.path)
            request.route, request.params = route, params
            if request.body_error:
                raise BadRequest(request.body_error)
            with self.lock:
                return route.handler(self, request)
        except EmulatorError as exc:
            return exc.to_response()
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            return EmulatorError(500, "An internal server error occurred").to_response()
