# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Typed errors raised by the client; only a module's main() turns them into fail_json.

Every error carries an `error_code`: a stable, machine-readable name that playbooks and the
collection's roles branch on (`result.error_code == 'no_backup'`), so that nothing has to
match English message text. Each class has a default code; a raise site may give a more
precise one. The codes a module can return are listed in its RETURN documentation.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

# An API field as a server message names it: kebab-case words joined by dots, list indexes allowed
# (`aws.account-id`, `backup-policy.rule[0].retention`), standing on its own.
_FIELD = re.compile(r"(?<![\w.\[\]-])[a-z][a-z0-9]*(?:(?:\[\d+\])?[.-][a-z0-9]+)+(?:\[\d+\])?(?![\w\[-])")
_INDEX = re.compile(r"\[\d+\]")


class BlueXPError(Exception):
    """Base of every error the client raises on purpose."""

    code = "error"

    def __init__(self, msg: str, code: str | None = None, **details: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        if code:
            self.code = code
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_result(self) -> dict[str, Any]:
        """Keyword arguments for module.fail_json()."""
        result: dict[str, Any] = {"msg": self.msg, "error_code": self.code}
        result.update(self.details)
        return result


class ConfigurationError(BlueXPError):
    """Bad or missing options, or a precondition the options break, found before any write."""

    code = "invalid_option"


class TransportError(BlueXPError):
    """The request got no HTTP response (refused, reset, timed out, TLS failure)."""

    code = "transport_error"


class WriteNotResentError(BlueXPError):
    """A write may have reached the server and is deliberately not sent again."""

    code = "write_not_resent"


class ApiError(BlueXPError):
    """The API answered with an error status.

    The message carries what a person needs at 3 a.m.: the status, the server's own
    message and the request that failed.
    """

    code = "api_error"

    def __init__(self, status: int, method: str, path: str, server_message: str | None = None,
                 error: str | None = None, body: Any = None, job_id: str | None = None,
                 code: str | None = None) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message
        self.error = error
        text = "{0} {1} failed with HTTP {2}".format(method, path, status)
        if error:
            text += " {0}".format(error)
        if server_message:
            text += ": {0}".format(server_message)
        super().__init__(text, code=code, status=status, method=method, path=path, error=error,
                         server_message=server_message, body=body, job_id=job_id)

    @classmethod
    def from_response(cls, status: int, method: str, path: str, raw: bytes) -> "ApiError":
        """Read both documented error bodies: {statusCode, error, message} and {error, message}.

        OAuth2 bodies ({error, error_description}) are understood too, and anything else is
        reported as raw text, shortened.
        """
        body: Any = None
        message = None
        error = None
        text = raw.decode("utf-8", errors="replace") if raw else ""
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = None
        if isinstance(body, dict):
            message = body.get("message") or body.get("error_description")
            error = body.get("error") if isinstance(body.get("error"), str) else None
        elif text:
            message = text[:500]
        return cls(status, method, path, server_message=message, error=error,
                   body=body if body is not None else (text[:500] or None))


def name_options(error: "ApiError", options: Mapping[str, str] | None) -> None:
    """Show, beside each request-body field the server's message names, the option it comes from.

    `options` maps body paths (`aws.account-id`, list indexes left out) to option names; it is built
    where the body is built. Only the failure message changes: `server_message` stays as sent.
    """
    if not options or not error.server_message:
        return

    def annotate(match: "re.Match[str]") -> str:
        option = options.get(_INDEX.sub("", match.group(0)))
        return match.group(0) if option is None else "{0} (option {1})".format(match.group(0), option)

    annotated = _FIELD.sub(annotate, error.server_message)
    if annotated != error.server_message:
        error.msg = error.msg.replace(error.server_message, annotated, 1)


class UnexpectedAnswerError(BlueXPError):
    """A successful answer whose JSON does not have the shape the operation always has.

    A list where an object is, null where the API always sends a list, a number where an ID
    is: acting on it could read "nothing to protect" or "no job" into an answer that said
    nothing of the kind, so the module stops and names the request and what was unexpected.
    """

    code = "unexpected_answer"

    def __init__(self, method: str, path: str, problem: str) -> None:
        self.method = method
        self.path = path
        super().__init__("{0} {1} answered with an unexpected shape: {2}.".format(method, path, problem),
                         method=method, path=path)


class AuthError(ApiError):
    """The token endpoint refused the credential, or the API refused the token."""

    code = "auth_failed"


class NotFoundError(ApiError):
    """HTTP 404: the id or route does not exist."""

    code = "not_found"


class DiscoveryError(BlueXPError):
    """Account or connector discovery found none, or more than one, candidate."""

    code = "discovery_failed"


class JobFailedError(BlueXPError):
    """An asynchronous job ended FAILED."""

    code = "job_failed"


class JobTimeoutError(BlueXPError):
    """A job did not reach a final state within wait_timeout; it goes on at the server."""

    code = "job_timeout"


class PartialFailure(BlueXPError):
    """Some items of one request failed; the others are done (and reported as such)."""

    code = "partial_failure"
