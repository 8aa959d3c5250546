# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Find the account and the Connector when the user did not name them.

Exactly one candidate is used; none or several is an error that lists what was
found and names the option to set, because guessing would act on the wrong fleet.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote, urlsplit

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Answer, Fields
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError, DiscoveryError

CONNECTOR_SUFFIX = "clients"

# The SaaS lists Connectors on a separate host; anywhere else (a private-mode
# Connector, an emulator) serves the same path itself.
_CONNECTOR_LIST_HOSTS = {
    "api.bluexp.netapp.com": "https://api.services.cloud.netapp.com",
    "cloudmanager.cloud.netapp.com": "https://api.services.cloud.netapp.com",
}
# What is read of an account (GET /tenancy/account, a bare list) and of a Connector list.
ACCOUNT = Fields(optional={"accountPublicId": str, "accountName": str})
CONNECTOR_LIST = Fields(required={"occms": [Fields(optional={
    "agentId": str, "occm": str, "occmName": str, "status": str, "accountName": str,
    "agent": Fields(optional={"agentId": str, "name": str})})]})


def normalise_connector_id(connector_id: str | None) -> str | None:
    """The x-agent-id value: the Connector id with the literal `clients` suffix."""
    connector_id = (connector_id or "").strip()
    if not connector_id:
        return None
    return connector_id if connector_id.endswith(CONNECTOR_SUFFIX) else connector_id + CONNECTOR_SUFFIX


def connector_list_url(api_url: str, account_id: str) -> str:
    base = _CONNECTOR_LIST_HOSTS.get(urlsplit(api_url).hostname or "", api_url.rstrip("/"))
    return "{0}/occm/list-occms/{1}?excludeStandalone=true&source=saas".format(base, quote(account_id, safe=""))


def pick_account(accounts: Any) -> str:
    """`accounts` is the bare array returned by GET /tenancy/account."""
    found = [a for a in (accounts or []) if isinstance(a, dict) and a.get("accountPublicId")]
    if len(found) == 1:
        return found[0]["accountPublicId"]
    if not found:
        raise DiscoveryError("No BlueXP account is visible to this credential. Set account_id "
                             "(or BLUEXP_ACCOUNT_ID) to the account to use.", accounts=[])
    listing = ["{0} ({1})".format(a["accountPublicId"], a.get("accountName", "")) for a in found]
    raise DiscoveryError("The credential sees {0} BlueXP accounts: {1}. Set account_id (or "
                         "BLUEXP_ACCOUNT_ID) to the one to use.".format(len(found), ", ".join(listing)),
                         accounts=[a["accountPublicId"] for a in found])


def accounts_of(accounts: Any) -> list[dict[str, Any]]:
    """`[{id, name}]` of the bare array returned by GET /tenancy/account."""
    return [{"id": a["accountPublicId"], "name": a.get("accountName")}
            for a in (accounts or []) if isinstance(a, dict) and a.get("accountPublicId")]


def connectors_of(body: Any) -> list[dict[str, Any]]:
    """`[{id, name, status}]` of {"occms": [...]} from /occm/list-occms/{account}; `id` is the x-agent-id value."""
    occms = body.get("occms") if isinstance(body, dict) else None
    found = []
    for occm in occms or []:
        if not isinstance(occm, dict):
            continue
        agent = occm.get("agent") or {}
        connector_id = normalise_connector_id(agent.get("agentId") or occm.get("agentId") or occm.get("occm"))
        if connector_id:
            found.append({"id": connector_id, "name": occm.get("occmName") or agent.get("name") or "",
                          "status": occm.get("status", ""), "account_name": occm.get("accountName")})
    return found


def pick_connector(account_id: str, body: Any) -> str:
    """`body` is {"occms": [...]} from /occm/list-occms/{account}."""
    found = [(c["id"], c["name"], c["status"]) for c in connectors_of(body)]
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise DiscoveryError("Account {0} has no Connector. Deploy one, or set connector_id (or "
                             "BLUEXP_CONNECTOR_ID).".format(account_id), connectors=[])
    listing = ["{1} [{0}] ({2})".format(*f) for f in found]
    raise DiscoveryError("Account {0} has {1} Connectors: {2}. Set connector_id (or BLUEXP_CONNECTOR_ID) "
                         "to the one that manages the working environments.".format(
                             account_id, len(found), ", ".join(listing)),
                         connectors=[f[0] for f in found])


def is_about_connector(error: ApiError, connector_id: str | None) -> bool:
    """Whether the server's message for a refused or unknown route speaks of the Connector."""
    text = (error.server_message or "").lower()
    plain = (connector_id or "")[:-len(CONNECTOR_SUFFIX)].lower() if connector_id else ""
    return any(word in text for word in ("x-agent-id", "connector", "agent")) or bool(plain and plain in text)


def accounts_hint(account_id: str, accounts: list[dict[str, Any]]) -> str:
    listing = ", ".join("{0} ({1})".format(a["id"], a.get("name") or "") for a in accounts) or "none"
    known = any(a["id"] == account_id for a in accounts)
    return "The credential sees account(s) {0}; account_id is {1}{2}.".format(
        listing, account_id, "" if known else ", which is not among them")


def connectors_hint(account_id: str, connector_id: str | None, connectors: list[dict[str, Any]]) -> str:
    listing = ", ".join("{0} [{1}] ({2})".format(c["name"], c["id"], c["status"]) for c in connectors) or "none"
    known = any(c["id"] == connector_id for c in connectors)
    return "Account {0} has the Connector(s) {1}; connector_id is {2}{3}.".format(
        account_id, listing, connector_id, "" if known else ", which is not among them")


def accounts_url(api_url: str) -> str:
    return api_url.rstrip("/") + "/tenancy/account"


def read_accounts(get_json: Callable[[str], Any], api_url: str) -> list[dict[str, Any]]:
    """The accounts the credential sees, as GET /tenancy/account lists them."""
    url = accounts_url(api_url)
    return Answer("GET", urlsplit(url).path, get_json(url)).objects(ACCOUNT)


def read_connectors(get_json: Callable[[str], Any], api_url: str, account_id: str) -> dict[str, Any]:
    """{"occms": [...]}, the account's Connectors."""
    url = connector_list_url(api_url, account_id)
    return Answer("GET", urlsplit(url).path, get_json(url)).object(CONNECTOR_LIST)


class Discovery:
    """Resolves account and Connector lazily, at most once per run."""

    def __init__(self, api_url: str, get_json: Callable[[str], Any],
                 account_id: str | None, connector_id: str | None) -> None:
        self._api_url = api_url
        self._get_json = get_json
        self._account_id = account_id or None
        self._connector_id = normalise_connector_id(connector_id)

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = pick_account(read_accounts(self._get_json, self._api_url))
        return self._account_id

    @property
    def connector_id(self) -> str:
        if self._connector_id is None:
            account = self.account_id
            try:
                connectors = read_connectors(self._get_json, self._api_url, account)
            except ApiError as error:
                self.explain(error)
                raise
            self._connector_id = pick_connector(account, connectors)
        return self._connector_id

    def explain(self, error: ApiError) -> None:
        """Add to a 403 or 404 answered for the account or the Connector what the credential does see.

        One more read, only on that failure: the accounts for a 403, the account's Connectors when
        the server speaks of the Connector. The error keeps its status, server message and request;
        when the listing cannot be read, the error is left as it was.
        """
        if error.status not in (403, 404):
            return
        about_connector = self._connector_id is not None and is_about_connector(error, self._connector_id)
        if error.status == 404 and not about_connector:
            return
        try:
            if about_connector:
                account = self.account_id
                found = connectors_of(read_connectors(self._get_json, self._api_url, account))
                hint = connectors_hint(account, self._connector_id, found)
                listed = {"connectors": [c["id"] for c in found]}
            else:
                found = accounts_of(read_accounts(self._get_json, self._api_url))
                hint = accounts_hint(self._account_id or "not set", found)
                listed = {"accounts": [a["id"] for a in found]}
        except Exception:  # pylint: disable=broad-exception-caught
            # Whatever stops the listing, the failure the caller reports is the original one.
            return
        error.msg = error.msg.rstrip(". ") + ". " + hint
        error.details.update(listed)
