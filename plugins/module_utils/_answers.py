# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The shape of the API's answers, checked where they are read.

A read says what it uses: an object, a list under a key, and the fields it takes from them
with their JSON types. An answer of another shape fails with UnexpectedAnswerError, naming
the request and what was found, instead of a Python traceback or, worse, a null read as
"nothing" (no working environment to protect, no job to wait for). An empty list is an
answer; a missing one is not.

    VOLUME = Fields(required={"file-system-id": str}, optional={"name": str, "svm": str})
    volumes = read(client, "GET", "v1", "working-environment", we_id, "volume").items("volume", VOLUME)

A shape is written with Python types: str, bool, NUMBER, dict (any object), list (any list),
object (any value), a `Fields` (an object whose named fields are checked in turn) or a
one-item list such as [VOLUME] (a list whose every item has that shape).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Union

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    NotFoundError,
    UnexpectedAnswerError,
)

NUMBER = (int, float)


class Fields:
    """An object and the fields of it that are used: `required` ones must be there and not null,
    `optional` ones may be missing or null. Fields not named are not looked at."""

    def __init__(self, required: Mapping[str, Any] | None = None, optional: Mapping[str, Any] | None = None) -> None:
        self.required = dict(required or {})
        self.optional = dict(optional or {})


class _Mismatch(Exception):
    """What was expected and what was found, at a place in the answer; Answer adds the request."""


def _found(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, NUMBER):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wanted(shape: Any) -> str:
    if isinstance(shape, Fields) or shape is dict:
        return "an object"
    if isinstance(shape, list) or shape is list:
        return "a list"
    return {str: "a string", bool: "a boolean", NUMBER: "a number"}[shape]


def _has_type(value: Any, shape: Any) -> bool:
    if isinstance(shape, Fields):
        return isinstance(value, dict)
    if isinstance(shape, list):
        return isinstance(value, list)
    if shape is NUMBER:
        # JSON true is no number, though Python's bool is an int.
        return isinstance(value, NUMBER) and not isinstance(value, bool)
    return isinstance(value, shape)


def _at(where: str, key: str) -> str:
    return "{0}.{1}".format(where, key) if where else key


def _check(value: Any, shape: Any, where: str) -> Any:
    if not _has_type(value, shape):
        place = " at '{0}'".format(where) if where else ""
        raise _Mismatch("expected {0}{1}, got {2}".format(_wanted(shape), place, _found(value)))
    if isinstance(shape, list):
        for index, item in enumerate(value):
            _check(item, shape[0], "{0}[{1}]".format(where, index))
    elif isinstance(shape, Fields):
        for key, field_shape in shape.required.items():
            if value.get(key) is None:
                raise _Mismatch("expected {0} at '{1}', got {2}".format(
                    _wanted(field_shape), _at(where, key), "null" if key in value else "no such field"))
            _check(value[key], field_shape, _at(where, key))
        for key, field_shape in shape.optional.items():
            if value.get(key) is not None:
                _check(value[key], field_shape, _at(where, key))
    return value


class Answer:
    """The decoded JSON of one successful answer and the request it answers.

    `path` may be a function giving it: a cbs path needs the account, and is only worked
    out when a check fails.
    """

    def __init__(self, method: str, path: Union[str, Callable[[], str]], body: Any) -> None:
        self.method = method
        self._path = path
        self.body = body

    @property
    def path(self) -> str:
        return self._path if isinstance(self._path, str) else self._path()

    def error(self, problem: str) -> UnexpectedAnswerError:
        return UnexpectedAnswerError(self.method, self.path, problem)

    def check(self, shape: Any) -> Any:
        """The body, when it has `shape`."""
        if self.body is None:
            # An empty answer and JSON null both decode to None.
            raise self.error("expected {0}, got an empty answer or null".format(_wanted(shape)))
        try:
            return _check(self.body, shape, "")
        except _Mismatch as mismatch:
            raise self.error(str(mismatch)) from None

    def object(self, shape: Any = dict, empty_ok: bool = False) -> dict[str, Any]:
        """The body, an object (with the fields of a `Fields` shape).

        With `empty_ok`, an empty answer gives {}: what a write that tells nothing answers.
        """
        if empty_ok and self.body is None:
            return {}
        result: dict[str, Any] = self.check(shape)
        return result

    def items(self, key: str, item: Any = dict) -> list[Any]:
        """The list under `key` of the body (an object), every item of shape `item`."""
        if not isinstance(self.body, dict):
            raise self.error("expected an object with a list under '{0}', got {1}".format(
                key, _found(self.body) if self.body is not None else "an empty answer or null"))
        result: list[Any] = self.check(Fields(required={key: [item]}))[key]
        return result

    def objects(self, item: Any = dict) -> list[Any]:
        """The body, a list whose every item has shape `item`."""
        result: list[Any] = self.check([item])
        return result


def _cbs_path(client: Any, version: str, segments: tuple[Any, ...]) -> Callable[[], str]:
    def path() -> str:
        # Imported here: _api imports _discovery, which checks its answers with this module.
        from urllib.parse import urlsplit

        from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import path_of

        return urlsplit(client.cbs_url(version, path_of(*segments))).path

    return path


def read(client: Any, method: str, version: str, *segments: Any, query: Mapping[str, Any] | None = None,
         body: Any = None) -> Answer:
    """Call a cloudmanager_cbs operation whose answer is used: its JSON, ready to be checked."""
    return Answer(method, _cbs_path(client, version, segments),
                  client.cbs(method, version, *segments, query=query, body=body))


def read_if_found(client: Any, method: str, version: str, *segments: Any,
                  query: Mapping[str, Any] | None = None) -> Answer | None:
    """`read`, with None when the API answers 404: how a lookup says "absent".

    Not the client's `not_found_ok`, which also gives None for a 200 with null: that is an
    answer of the wrong shape, not an absence.
    """
    try:
        return read(client, method, version, *segments, query=query)
    except NotFoundError:
        return None
