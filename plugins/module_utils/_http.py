# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""One HTTP session per module run, and the one place that knows about `requests`.

Failures without an HTTP response are reported as TransportError with `maybe_sent`:
False when the request certainly never reached the server (connection refused, DNS,
TLS handshake, connect timeout), True when it may have (read timeout, connection
dropped after the request was written). The retry policy depends on that difference.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import TransportError

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
    from requests import exceptions as _rexc
    from urllib3 import exceptions as _u3exc
except ImportError:  # pragma: no cover - exercised by the sanity import test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


@dataclass
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    content: bytes = b""
    url: str = ""
    elapsed: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class ConnectionFailure(TransportError):
    """No HTTP response; `maybe_sent` tells whether the server may have seen the request, and
    `permanent` that trying again cannot help (a certificate the client does not trust)."""

    def __init__(self, msg: str, maybe_sent: bool, method: str, url: str, permanent: bool = False) -> None:
        super().__init__(msg, method=method, url=url)
        self.maybe_sent = maybe_sent
        self.permanent = permanent


def _never_sent(exc: Exception) -> bool:
    """True when the failure happened before the request could reach the server."""
    if isinstance(exc, (_rexc.ConnectTimeout, _rexc.SSLError, _rexc.InvalidURL,
                        _rexc.MissingSchema, _rexc.InvalidSchema)):
        return True
    reason = exc.args[0] if exc.args else None
    # requests wraps urllib3's MaxRetryError, whose `reason` is the real cause.
    inner = getattr(reason, "reason", reason)
    # NewConnectionError covers refused connections and failed name resolution.
    return isinstance(inner, (_u3exc.NewConnectionError, _u3exc.ConnectTimeoutError))


class HttpTransport:
    """Sends requests over one pooled session with TLS settings applied once."""

    def __init__(self, validate_certs: bool = True, ca_path: str | None = None,
                 user_agent: str = "") -> None:
        self._session = requests.Session()
        # Retries are decided by our own policy, never silently by urllib3.
        adapter = requests.adapters.HTTPAdapter(max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        # Passed with every request: a session-level `verify` loses to REQUESTS_CA_BUNDLE
        # and CURL_CA_BUNDLE in the environment, and validate_certs must not.
        self._verify = (ca_path or True) if validate_certs else False
        self._session.verify = self._verify
        # Proxies and CA bundles come from the environment (HTTPS_PROXY, REQUESTS_CA_BUNDLE).
        self._session.trust_env = True
        if user_agent:
            self._session.headers["User-Agent"] = user_agent

    def send(self, method: str, url: str, headers: Mapping[str, str] | None = None,
             json_body: Any = None, timeout: float = 60) -> HttpResponse:
        kwargs: dict[str, Any] = {"headers": dict(headers or {}), "timeout": timeout}
        if self._verify is not True:
            kwargs["verify"] = self._verify
        if json_body is not None:
            kwargs["json"] = json_body
        try:
            resp = self._session.request(method, url, **kwargs)
        except _rexc.RequestException as exc:
            maybe_sent = not _never_sent(exc)
            raise ConnectionFailure(
                "{0} {1}: {2}".format(method, _strip_query(url), _describe(exc)),
                maybe_sent=maybe_sent, method=method, url=_strip_query(url),
                permanent=isinstance(exc, (_rexc.SSLError, _rexc.InvalidURL, _rexc.MissingSchema,
                                           _rexc.InvalidSchema))) from None
        return HttpResponse(status=resp.status_code, headers=resp.headers, content=resp.content,
                            url=url, elapsed=resp.elapsed.total_seconds())

    def close(self) -> None:
        self._session.close()


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def _describe(exc: Exception) -> str:
    """A one-line cause without the noisy urllib3 object reprs."""
    if isinstance(exc, _rexc.SSLError):
        cause = str(exc.args[0] if exc.args else exc)
        if "CERTIFICATE_VERIFY_FAILED" in cause or "certificate verify failed" in cause:
            return ("TLS certificate verification failed: the server's certificate is not signed by a CA this "
                    "host trusts. Set ca_path to the PEM bundle of the CA that signed it (validate_certs=false only "
                    "for a test system); not retried")
        return "TLS handshake failed (see validate_certs and ca_path); not retried"
    if isinstance(exc, _rexc.ConnectTimeout):
        return "timed out while connecting"
    if isinstance(exc, _rexc.ReadTimeout):
        return "no answer within the timeout"
    if _never_sent(exc):
        return "could not connect (connection refused or host not found)"
    return "connection dropped before the server answered"
