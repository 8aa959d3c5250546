# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Which Console a task talks to, and with which credential.

Two deployments: the SaaS NetApp Console (formerly BlueXP; API and Auth0 token service at
NetApp) and a Console local deployment (one host, `console_url`, serving both). Five credential
kinds, each named by the option that holds its secret:

    token           a ready access token                       SaaS, local
    refresh_token   a user's refresh token                     SaaS
    client_secret   a service account with a client secret    SaaS, local
    private_key     a service account with a private key JWT   SaaS
    password        a local user (with username)               local

One rule decides which credential is used: the task's options (module_defaults included) first;
only when they hold no credential, the BLUEXP_* environment variables. Within either source two
kinds at once are an error that names both: a forgotten variable must not silently log in as
someone else. The other options of a kind (client_id, username, key_id, ...) come from the task,
else the environment.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, NamedTuple
from urllib.parse import urlsplit

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._assertion import AssertionSigner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._auth import (
    API_AUDIENCE,
    Credential,
    LocalUser,
    PrivateKeyServiceAccount,
    RefreshToken,
    ServiceAccount,
    StaticToken,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError

DEFAULT_API_URL = "https://api.bluexp.netapp.com"
DEFAULT_AUTH_URL = "https://netapp-cloud-account.auth0.com"

SAAS = "SaaS Console"
LOCAL = "Console local deployment"

# Every credential option and the environment variables it is read from, first set wins.
CREDENTIAL_ENV: dict[str, tuple[str, ...]] = {
    "token": ("BLUEXP_TOKEN",),
    "refresh_token": ("BLUEXP_REFRESH_TOKEN",),
    "client_id": ("BLUEXP_CLIENT_ID",),
    "client_secret": ("BLUEXP_CLIENT_SECRET",),
    "private_key": ("BLUEXP_PRIVATE_KEY", "BLUEXP_PRIVATE_KEY_FILE"),
    "private_key_passphrase": ("BLUEXP_PRIVATE_KEY_PASSPHRASE",),
    "key_id": ("BLUEXP_KEY_ID",),
    "audience": ("BLUEXP_AUDIENCE",),
    "username": ("BLUEXP_USERNAME",),
    "password": ("BLUEXP_PASSWORD",),
}
# The options whose values are secrets (no_log in every argument spec).
SECRET_OPTIONS = ("token", "refresh_token", "client_secret", "private_key", "private_key_passphrase", "password")


class Kind(NamedTuple):
    secret: str                   # the option that holds the secret and names the kind
    required: tuple[str, ...]     # further options the kind needs
    optional: tuple[str, ...]     # further options it takes
    deployments: tuple[str, ...]  # where NetApp supports it


KINDS = (
    Kind("token", (), (), (SAAS, LOCAL)),
    Kind("refresh_token", (), (), (SAAS,)),
    Kind("client_secret", ("client_id",), ("audience",), (SAAS, LOCAL)),
    Kind("private_key", ("client_id",), ("key_id", "audience", "private_key_passphrase"), (SAAS,)),
    Kind("password", ("username",), (), (LOCAL,)),
)
_BY_SECRET = {kind.secret: kind for kind in KINDS}
# What to do instead, when a kind is used where NetApp does not support it.
_INSTEAD = {
    LOCAL: "a local deployment takes client_id with client_secret, username with password, or token",
    SAAS: "the SaaS Console takes refresh_token, client_id with client_secret or private_key, or token; "
          "username and password log in to a Console local deployment, named by console_url",
}


class Endpoints(NamedTuple):
    api_url: str
    auth_url: str
    deployment: str


def endpoints(params: Mapping[str, Any]) -> Endpoints:
    """The API and token service URLs: `console_url` for a local deployment, else api_url/auth_url."""
    console_url = params.get("console_url")
    if console_url:
        given = [name for name in ("api_url", "auth_url") if params.get(name)]
        if given:
            raise ConfigurationError(
                "console_url and {0} are both set: console_url names the Console local deployment, whose host "
                "serves both the API and the token service; give console_url alone.".format(" and ".join(given)),
                option="console_url")
        _check_url("console_url", console_url)
        return Endpoints(console_url.rstrip("/"), console_url.rstrip("/"), LOCAL)
    api_url = params.get("api_url") or DEFAULT_API_URL
    auth_url = params.get("auth_url") or DEFAULT_AUTH_URL
    _check_url("api_url", api_url)
    _check_url("auth_url", auth_url)
    return Endpoints(api_url.rstrip("/"), auth_url.rstrip("/"), SAAS)


def _check_url(option: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError("{0} must be an http:// or https:// URL with a host name, got {1!r}."
                                 .format(option, value), option=option)


def environment_values(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The credential options the BLUEXP_* variables set; two variables for one option is an error."""
    environ = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for option, names in CREDENTIAL_ENV.items():
        present = [name for name in names if environ.get(name)]
        if len(present) > 1:
            raise ConfigurationError("{0} are both set; set one.".format(" and ".join(present)), option=option)
        if present:
            found[option] = environ[present[0]]
    return found


def environment_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secret values held by BLUEXP_* variables, for a module to mask like its no_log options."""
    environ = os.environ if environ is None else environ
    return [environ[name] for option in SECRET_OPTIONS for name in CREDENTIAL_ENV[option] if environ.get(name)]


def choose_credential(params: Mapping[str, Any], deployment: str,
                      environ: Mapping[str, str] | None = None) -> Credential:
    """The one credential of the task, or an error naming the options at fault."""
    given = {name: params[name] for name in CREDENTIAL_ENV if params.get(name) not in (None, "")}
    from_env = environment_values(environ)
    kind = _one_kind(given, "") or _one_kind(from_env, "environment")
    if kind is None:
        raise ConfigurationError(_missing_message(given), option=_first_companion(given))
    values = dict(from_env, **given)
    if deployment not in kind.deployments:
        raise ConfigurationError("{0} is not supported by the {1}: {2}.".format(
            kind.secret, deployment, _INSTEAD[deployment]), option=kind.secret)
    missing = [name for name in kind.required if not values.get(name)]
    if missing:
        raise ConfigurationError("{0} is set but {1} is missing (or set {2}).".format(
            kind.secret, missing[0], " or ".join(CREDENTIAL_ENV[missing[0]])), option=missing[0])
    if kind.secret != "token":
        # Options of another kind given to the task are a mistake to report, not to ignore.
        stray = [name for name in given if name != kind.secret and name not in kind.required + kind.optional]
        if stray:
            raise ConfigurationError("{0} is set, but the credential is {1}, which does not take it.".format(
                stray[0], kind.secret), option=stray[0])
    return _credential(kind, values, deployment)


def _one_kind(values: Mapping[str, Any], source: str) -> Kind | None:
    kinds = [kind for kind in KINDS if kind.secret in values]
    if len(kinds) > 1:
        if source:
            names = " and ".join(CREDENTIAL_ENV[kind.secret][0] for kind in kinds)
            raise ConfigurationError(
                "{0} are set: two credentials at once; unset one, or give the task the credential to use "
                "(the task's options come before the environment).".format(names), option=kinds[0].secret)
        raise ConfigurationError("{0} are set: two credentials at once; give one.".format(
            " and ".join(kind.secret for kind in kinds)), option=kinds[0].secret)
    return kinds[0] if kinds else None


def _first_companion(given: Mapping[str, Any]) -> str | None:
    return next(iter(given), None)


def _missing_message(given: Mapping[str, Any]) -> str:
    if "client_id" in given:
        return "client_id is set but neither client_secret nor private_key is (nor BLUEXP_CLIENT_SECRET, " \
               "BLUEXP_PRIVATE_KEY or BLUEXP_PRIVATE_KEY_FILE)."
    if "username" in given:
        return "username is set but password is missing (or set BLUEXP_PASSWORD)."
    return ("No NetApp Console (BlueXP) credential: set one of token, refresh_token, client_id with client_secret "
            "or private_key, or username with password (a local deployment); or one of the environment variables "
            "BLUEXP_TOKEN, BLUEXP_REFRESH_TOKEN, BLUEXP_CLIENT_ID with BLUEXP_CLIENT_SECRET or BLUEXP_PRIVATE_KEY "
            "(or BLUEXP_PRIVATE_KEY_FILE), BLUEXP_USERNAME with BLUEXP_PASSWORD.")


def _credential(kind: Kind, values: Mapping[str, Any], deployment: str) -> Credential:
    if kind.secret == "token":
        return StaticToken(values["token"])
    if kind.secret == "refresh_token":
        return RefreshToken(values["refresh_token"])
    if kind.secret == "password":
        return LocalUser(values["username"], values["password"])
    if kind.secret == "client_secret":
        # NetApp's local deployment documents no audience for its client-credentials grant.
        audience = values.get("audience") or (API_AUDIENCE if deployment == SAAS else None)
        return ServiceAccount(values["client_id"], values["client_secret"], audience)
    signer = AssertionSigner(values["private_key"], values.get("private_key_passphrase"), values.get("key_id"))
    return PrivateKeyServiceAccount(values["client_id"], signer, values.get("audience") or API_AUDIENCE)
