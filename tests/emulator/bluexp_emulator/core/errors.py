# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Errors rendered in the wire formats the real services use.

CBS errors use the hapi/Boom body ``{"statusCode", "error", "message"}``: it carries both
fields of the spec's ``Error`` definition (``error``, ``message``) and matches the only
concrete CBS error sample. Token endpoints answer in the OAuth2 ``{error, error_description}``
format instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from bluexp_emulator.core.http import Response


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class EmulatorError(Exception):
    """An API error: raising it anywhere in a handler produces the real error response."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def to_response(self) -> Response:
        body = {"statusCode": self.status, "error": reason_phrase(self.status), "message": self.message}
        return Response(status=self.status, body=body, headers=dict(self.headers))


class BadRequest(EmulatorError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class Unauthorized(EmulatorError):
    def __init__(self, message: str) -> None:
        super().__init__(401, message)


class Forbidden(EmulatorError):
    def __init__(self, message: str) -> None:
        super().__init__(403, message)


class NotFound(EmulatorError):
    def __init__(self, message: str = "Not Found") -> None:
        super().__init__(404, message)


class Conflict(EmulatorError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


class OAuthError(EmulatorError):
    """Failure of a token exchange, in the OAuth2 body format."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(status, description)
        self.error = error

    def to_response(self) -> Response:
        body = {"error": self.error, "error_description": self.message}
        return Response(status=self.status, body=body, headers=dict(self.headers))
