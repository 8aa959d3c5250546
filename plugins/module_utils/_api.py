# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The BlueXP backup and recovery API client shared by every module and plugin.

    client = BlueXPClient.from_params(module.params)
    body = client.cbs("GET", "v1", "job", job_id)

builds `{api_url}/account/{account}/providers/cloudmanager_cbs/api/v1/job/{job_id}`,
sends it with the bearer token, the Connector header and the retry policy, and returns
the decoded JSON or raises a typed error from _errors.
"""

from __future__ import annotations

import copy
import json
import platform
from typing import Any, Callable, Mapping
from urllib.parse import quote, urlencode, urlsplit

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._auth import TokenProvider
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._discovery import Discovery
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConfigurationError,
    NotFoundError,
    WriteNotResentError,
    name_options,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._ids import segment_problem
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import choose_credential, endpoints
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import (
    ConnectionFailure,
    HttpResponse,
    HttpTransport,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._retry import WRITE_SAFE_STATUS, RetryPolicy
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._version import (
    COLLECTION_NAME,
    COLLECTION_VERSION,
)

CBS_PREFIX = "/account/{account}/providers/cloudmanager_cbs/api/{version}"
CACHE_CONTROL_HEADER = "x-netapp-cache-control"
# The value is not documented; "no-cache" states the intent the header name describes.
CACHE_CONTROL_VALUE = "no-cache"
API_VERSIONS = ("v1", "v2", "v3")


def user_agent() -> str:
    try:
        from ansible.module_utils.ansible_release import __version__ as ansible_version
    except ImportError:  # pragma: no cover - always present under Ansible
        ansible_version = "unknown"
    return "{0}/{1} ansible-core/{2} python/{3}".format(
        COLLECTION_NAME, COLLECTION_VERSION, ansible_version, platform.python_version())


def validate_connection_params(params: Mapping[str, Any]) -> None:
    """Reject bad connection options before anything is sent, naming the option."""
    timeout = params.get("timeout")
    if timeout is not None and timeout <= 0:
        raise ConfigurationError("timeout must be a positive number of seconds, got {0}.".format(timeout),
                                 option="timeout")
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout < 0:
        raise ConfigurationError("wait_timeout must not be negative, got {0}.".format(wait_timeout),
                                 option="wait_timeout")


def path_of(*segments: Any) -> str:
    """Join path segments, quoting each so that ids cannot change the route.

    A segment that would change the route even quoted (empty, `.`, `..`) is refused, whether
    it came from an option or from an earlier answer: nothing is sent.
    """
    for position, segment in enumerate(segments):
        problem = segment_problem(str(segment)) if segment is not None else "is missing"
        if problem:
            shown = "/".join("{?}" if i == position else str(s) for i, s in enumerate(segments))
            raise ConfigurationError("A path segment {0} ({1!r} in {2}); the request was not sent.".format(
                problem, segment, shown), code="invalid_id")
    return "/".join(quote(str(s), safe="") for s in segments)


class BlueXPClient:
    """One per module run: one HTTP session, one token, one discovery."""

    def __init__(self, params: Mapping[str, Any], transport: Any = None,
                 retry: RetryPolicy | None = None) -> None:
        validate_connection_params(params)
        where = endpoints(params)
        self.api_url = where.api_url
        self.timeout = params.get("timeout") or 60
        self.bypass_cache = bool(params.get("bypass_cache"))
        self.transport = transport or HttpTransport(validate_certs=params.get("validate_certs", True),
                                                    ca_path=params.get("ca_path"), user_agent=user_agent())
        self.retry = retry or RetryPolicy()
        # The credential is read (a private key loaded and checked) before any request is sent.
        self.tokens = TokenProvider(choose_credential(params, where.deployment), where.auth_url, self._post_token)
        self.discovery = Discovery(self.api_url, self._get_platform_json,
                                   params.get("account_id"), params.get("connector_id"))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "BlueXPClient":
        return cls(params)

    def scoped(self, account_id: str, connector_id: str) -> "BlueXPClient":
        """A client for another account and Connector that shares this one's token and HTTP session.

        For a plugin that reads several Connectors in one run: the credential is still exchanged
        once, and no account or Connector is discovered for the new client.
        """
        other = copy.copy(self)
        other.discovery = Discovery(self.api_url, other._get_platform_json, account_id, connector_id)
        return other

    def get_platform_json(self, url: str) -> Any:
        """GET a URL outside the cbs prefix (the account and Connector lists) with the bearer token."""
        return self._get_platform_json(url)

    # --- public helpers -------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        return self.discovery.account_id

    @property
    def connector_id(self) -> str:
        return self.discovery.connector_id

    def token(self) -> str:
        """The access token this client sends, exchanging the credential first if needed.

        For the access_token lookup: one exchange per play, then every task sends this token.
        """
        return self.tokens.token()

    def close(self) -> None:
        """Release the HTTP session; a plugin that keeps running after its calls closes it."""
        self.transport.close()

    def cbs_url(self, version: str, path: str) -> str:
        if version not in API_VERSIONS:
            raise ValueError("unknown API version " + version)
        prefix = CBS_PREFIX.format(account=quote(self.account_id, safe=""), version=version)
        return self.api_url + prefix + "/" + path.lstrip("/")

    def cbs(self, method: str, version: str, *segments: Any, query: Mapping[str, Any] | None = None,
            body: Any = None, not_found_ok: bool = False, options: Mapping[str, str] | None = None) -> Any:
        """Call a cloudmanager_cbs operation and return its JSON body (None when empty).

        With `not_found_ok`, a 404 returns None instead of raising: that is how a lookup
        says "absent" without hiding any other failure. `options` maps the body's fields
        (`aws.account-id`) to the options they come from, for a server message that names one.
        A 403, or a 404 about the Connector, says what the credential does see (`Discovery.explain`).
        """
        url = self.cbs_url(version, path_of(*segments))
        if query:
            pairs = {k: _query_value(v) for k, v in query.items() if v is not None}
            if pairs:
                url += "?" + urlencode(pairs)
        headers = {"x-agent-id": self.connector_id}
        if self.bypass_cache:
            headers[CACHE_CONTROL_HEADER] = CACHE_CONTROL_VALUE
        try:
            response = self.request(method, url, headers=headers, body=body)
        except ApiError as error:
            if not_found_ok and isinstance(error, NotFoundError):
                return None
            if error.path == _path(url):  # not the token exchange's or discovery's own failure
                name_options(error, options)
                self.discovery.explain(error)
            raise
        return _decode(method, response)

    def request(self, method: str, url: str, headers: Mapping[str, str] | None = None,
                body: Any = None) -> HttpResponse:
        """Send with the bearer token; renew it once on 401 when the credential allows."""
        method = method.upper()
        renewed = False
        while True:
            token = self.tokens.token()
            all_headers = {"Accept": "application/json", "Authorization": "Bearer " + token}
            if body is not None:
                all_headers["Content-Type"] = "application/json"
            all_headers.update(headers or {})
            response = self._send_with_retries(method, url, all_headers, body)
            if response.status == 401 and not renewed and self.tokens.renew(token):
                renewed = True
                continue
            if response.status >= 400:
                error = _error_for(method, url, response)
                if response.status == 401:
                    _append_hint(error, "The access token was refused after one renewal." if renewed else
                                 "The token option cannot be renewed: obtain a new access token.")
                raise error
            return response

    # --- internals ------------------------------------------------------------------------

    def _send_with_retries(self, method: str, url: str, headers: Mapping[str, str], body: Any) -> HttpResponse:
        budget = self.retry.start()
        while True:
            try:
                response = self.transport.send(method, url, headers=headers, json_body=body, timeout=self.timeout)
            except ConnectionFailure as failure:
                if failure.permanent:
                    raise
                if not self.retry.failure_is_retryable(method, failure.maybe_sent):
                    raise WriteNotResentError(
                        "{0} {1} may have reached the server ({2}); it was not sent again so that the "
                        "work is not done twice. Check bluexp.cloud_backup.job_info for a job started "
                        "by it.".format(method, _path(url), failure.msg),
                        method=method, path=_path(url)) from None
                if budget.wait_before_next():
                    continue
                raise
            if budget.retry_status(method, response.status, response.headers):
                continue
            return response

    def _post_token(self, url: str, body: Callable[[], Mapping[str, Any]]) -> tuple[int, bytes]:
        """The token exchange changes nothing on the server, so it is retried like a read; each attempt
        sends a new `body()` (a client assertion must not be sent twice)."""
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        budget = self.retry.start()
        while True:
            try:
                response = self.transport.send("POST", url, headers=headers, json_body=dict(body()),
                                               timeout=self.timeout)
            except ConnectionFailure as failure:
                if not failure.permanent and budget.wait_before_next():
                    continue
                raise
            if response.status in (429, 502, 503, 504) and budget.wait_before_next(response.headers):
                continue
            return response.status, response.content

    def _get_platform_json(self, url: str) -> Any:
        """GET outside the cbs prefix (tenancy, Connector list): bearer token only."""
        return _decode("GET", self.request("GET", url))


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path(url: str) -> str:
    return urlsplit(url).path


def _decode(method: str, response: HttpResponse) -> Any:
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        raise ApiError(response.status, method, _path(response.url),
                       server_message="the response is not JSON: {0!r}".format(response.content[:200])) from None


def _append_hint(error: ApiError, hint: str) -> None:
    error.msg = error.msg.rstrip(". ") + ". " + hint


def _error_for(method: str, url: str, response: HttpResponse) -> ApiError:
    error = ApiError.from_response(response.status, method, _path(url), response.content)
    kind = {401: AuthError, 403: AuthError, 404: NotFoundError}.get(response.status, ApiError)
    if kind is not ApiError:
        error = kind(error.status, error.method, error.path, server_message=error.server_message,
                     error=error.error, body=error.details.get("body"))
    # 503 means the gateway refused the write, which was retried; other 5xx may hide work done.
    if method != "GET" and response.status >= 500 and response.status not in WRITE_SAFE_STATUS:
        job_id = error.details.get("body", {}).get("job-id") if isinstance(error.details.get("body"), dict) else None
        _append_hint(error, "The request may have been carried out; it was not sent again. Check "
                     "bluexp.cloud_backup.job_info for a job it started.")
        if job_id:
            error.details["job_id"] = job_id
    return error
