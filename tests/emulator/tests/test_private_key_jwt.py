# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The private key JWT service account: client assertions checked like Auth0's private_key_jwt."""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bluexp_emulator import ManualClock
from bluexp_emulator.handle import ControlError, start_server
from emulator_client import Client, Result
from jwt_signing import ASSERTION_TYPE, b64url, claims, ec_key, encode, load_private_key, other_key, public_pem, sign

AUDIENCE = "https://api.cloud.netapp.com"
NOW = 1_900_000_000.0  # the wall clock of the tests that move it


class KeyClient:
    """Signs assertions for the emulator's key service account and exchanges them."""

    def __init__(self, client: Client, private_key: rsa.RSAPrivateKey | None = None) -> None:
        self.client = client
        credentials = client.handle.state()["credentials"]
        self.client_id: str = credentials["key_client_id"]
        self.private_key = private_key or load_private_key(credentials["private_key"])
        self.aud = client.handle.url + "/"

    def assertion(self, *, key: rsa.RSAPrivateKey | None = None, alg: str = "RS256",
                  header: dict[str, Any] | None = None, **claim_overrides: Any) -> str:
        payload = claims(self.client_id, claim_overrides.pop("aud", self.aud), **claim_overrides)
        return sign(key or self.private_key, payload, alg=alg, **(header or {}))

    def exchange(self, assertion: str | None = None, *, path: str = "/oauth/token", form: bool = False,
                 **fields: Any) -> Result:
        body = {"grant_type": "client_credentials", "client_id": self.client_id, "audience": AUDIENCE,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion if assertion is not None else self.assertion(), **fields}
        body = {name: value for name, value in body.items() if value is not None}
        if form:
            return self.client.request("POST", path, form=body)
        return self.client.request("POST", path, body=body)


@pytest.fixture
def keyed(client: Client) -> KeyClient:
    return KeyClient(client)


@pytest.fixture
def frozen(keyed: KeyClient) -> KeyClient:
    """Assertion times checked against a wall clock the test holds at NOW."""
    keyed.client.handle.emulator.auth.assertions.wall_clock = lambda: NOW
    return keyed


def invalid_client(description: str) -> dict[str, str]:
    return {"error": "invalid_client", "error_description": description}


def assert_refused(result: Result, description: str) -> None:
    assert (result.status, result.body) == (401, invalid_client(description))


# -- what the state shows ---------------------------------------------------------------------

def test_state_names_the_key_service_account(client: Client) -> None:
    state = client.handle.state()
    credentials = state["credentials"]
    assert credentials["key_client_id"] == "emulator-key-client-id"
    assert credentials["key_id"] == "emulator-key-1"
    assert credentials["key_audience"] == AUDIENCE
    assert credentials["private_key"].startswith("-----BEGIN PRIVATE KEY-----\n")  # PKCS#8, not encrypted
    key = load_private_key(credentials["private_key"])
    assert key.key_size == 2048
    assert "username" not in credentials and "password" not in credentials  # SaaS
    assert state["config"]["deployment"] == "saas"
    assert not {"key_client_id", "key_id", "client_public_key", "username", "password"} & set(state["config"])


# -- exchanges that succeed -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/oauth/token", "/auth/oauth/token"])
@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_assertion_gives_a_service_token(keyed: KeyClient, path: str, form: bool) -> None:
    result = keyed.exchange(path=path, form=form)
    assert result.status == 200
    assert set(result.body) == {"access_token", "scope", "expires_in", "token_type"}
    assert result.body["scope"] == "occm-access" and result.body["token_type"] == "Bearer"
    assert result.body["expires_in"] == 86400


@pytest.mark.parametrize("alg", ["RS256", "RS384", "PS256"])
def test_each_registered_algorithm_is_accepted(keyed: KeyClient, alg: str) -> None:
    assert keyed.exchange(keyed.assertion(alg=alg)).status == 200


@pytest.mark.bluexp_emulator(accounts=2)
def test_the_service_account_sees_the_first_account_only(keyed: KeyClient) -> None:
    token = keyed.exchange().body["access_token"]
    accounts = keyed.client.request("GET", "/tenancy/account", token=token).body
    assert [a["accountPublicId"] for a in accounts] == [keyed.client.state["accounts"][0]["id"]]
    assert keyed.client.cbs("/api/v1/job", token=token).status == 200


def test_client_id_may_be_left_to_the_assertion(keyed: KeyClient) -> None:
    assert keyed.exchange(client_id=None).status == 200


def test_a_kid_must_name_the_registered_key(keyed: KeyClient) -> None:
    assert keyed.exchange(keyed.assertion(header={"kid": "emulator-key-1"})).status == 200
    assert_refused(keyed.exchange(keyed.assertion(header={"kid": "another-key"})),
                   "Invalid kid: another-key is not the key registered for emulator-key-client-id")


@pytest.mark.parametrize("suffix", ["/", "/oauth/token"])
def test_aud_is_the_token_service_url(keyed: KeyClient, suffix: str) -> None:
    assert keyed.exchange(keyed.assertion(aud=keyed.client.handle.url + suffix)).status == 200


def test_aud_may_be_a_list_or_name_the_proxy_path(keyed: KeyClient) -> None:
    url = keyed.client.handle.url
    assert keyed.exchange(keyed.assertion(aud=["https://example.invalid/", url + "/"])).status == 200
    assert keyed.exchange(keyed.assertion(aud=url + "/auth/"), path="/auth/oauth/token").status == 200
    assert keyed.exchange(keyed.assertion(aud=url + "/auth/oauth/token"), path="/auth/oauth/token").status == 200
    assert keyed.exchange(keyed.assertion(aud=url + "/"), path="/auth/oauth/token").status == 200


@pytest.mark.parametrize("aud", ["{url}", "{url}/auth/", "https://netapp-cloud-account.auth0.com/",
                                 "{url}/oauth/token/", "http://other.invalid:1/"])
def test_another_aud_is_refused(keyed: KeyClient, aud: str) -> None:
    result = keyed.exchange(keyed.assertion(aud=aud.format(url=keyed.client.handle.url)))
    assert_refused(result, f"Invalid aud: expected {keyed.client.handle.url}/")


@pytest.mark.bluexp_emulator(tls=True)
def test_aud_follows_the_scheme_the_client_used(keyed: KeyClient) -> None:
    assert keyed.aud.startswith("https://")
    assert keyed.exchange().status == 200
    http_aud = keyed.aud.replace("https://", "http://")
    assert_refused(keyed.exchange(keyed.assertion(aud=http_aud)), f"Invalid aud: expected {keyed.aud}")


@pytest.mark.bluexp_emulator(clock=ManualClock())
def test_times_follow_the_real_clock_not_the_emulator_clock(keyed: KeyClient) -> None:
    keyed.client.handle.clock.advance(10 * 3600)
    assert keyed.exchange().status == 200


# -- the request -----------------------------------------------------------------------------

def test_the_assertion_type_must_be_jwt_bearer(keyed: KeyClient) -> None:
    result = keyed.exchange(client_assertion_type="urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
    assert (result.status, result.body["error"]) == (400, "invalid_request")
    assert result.body["error_description"] == f"client_assertion_type must be {ASSERTION_TYPE}"
    missing = keyed.exchange(client_assertion_type=None)
    assert (missing.status, missing.body["error"]) == (400, "invalid_request")


def test_an_assertion_type_without_assertion_is_invalid_request(keyed: KeyClient) -> None:
    result = keyed.exchange("")
    assert result.status == 400
    assert result.body == {"error": "invalid_request", "error_description": "Missing required parameter: client_assertion"}


def test_secret_and_assertion_together_are_invalid_request(keyed: KeyClient) -> None:
    result = keyed.exchange(client_secret="emulator-client-secret")
    assert result.status == 400
    assert result.body == {"error": "invalid_request",
                           "error_description": "Send either client_secret or client_assertion, not both"}


def test_a_wrong_audience_is_service_not_found(keyed: KeyClient) -> None:
    result = keyed.exchange(audience="https://example.invalid")
    assert result.status == 403
    assert result.body == {"error": "access_denied", "error_description": "Service not found: https://example.invalid"}
    missing = keyed.exchange(audience=None)
    assert (missing.status, missing.body["error"]) == (400, "invalid_request")


@pytest.mark.parametrize("client_id", ["someone-else", "emulator-client-id"])
def test_a_client_without_a_registered_key_is_unknown(keyed: KeyClient, client_id: str) -> None:
    signed = sign(keyed.private_key, claims(client_id, keyed.aud))
    assert_refused(keyed.exchange(signed, client_id=None), f"Unknown client: {client_id} has no registered public key")
    assert_refused(keyed.exchange(signed, client_id=client_id),
                   f"Unknown client: {client_id} has no registered public key")


# -- malformed assertions ----------------------------------------------------------------------

@pytest.mark.parametrize(("assertion", "description"), [
    ("not-a-jwt", "a JWT has three base64url parts separated by dots"),
    ("a.b", "a JWT has three base64url parts separated by dots"),
    ("a.b.c.d", "a JWT has three base64url parts separated by dots"),
    (".e30.c2ln", "a JWT has three base64url parts separated by dots"),
    ("e30.", "a JWT has three base64url parts separated by dots"),
    ("e3+.e30.c2ln", "the header is not base64url-encoded JSON"),
    (f"{b64url(b'not json')}.e30.c2ln", "the header is not base64url-encoded JSON"),
    (f"{encode(['RS256'])}.e30.c2ln", "the header is not a JSON object"),
    (f"{encode({'alg': 'RS256'})}.{b64url(b'{')}.c2ln", "the payload is not base64url-encoded JSON"),
    (f"{encode({'alg': 'RS256'})}.{encode('claims')}.c2ln", "the payload is not a JSON object"),
    (f"{encode({'alg': 'RS256'})}.e30.c2ln=", "the signature is not base64url"),
])
def test_a_malformed_assertion_is_invalid_client(keyed: KeyClient, assertion: str, description: str) -> None:
    assert_refused(keyed.exchange(assertion), f"Malformed client assertion: {description}")


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "ES256", None])
def test_other_algorithms_are_refused(keyed: KeyClient, alg: str | None) -> None:
    header = {"alg": alg, "typ": "JWT"} if alg else {"typ": "JWT"}
    signing_input = f"{encode(header)}.{encode(claims(keyed.client_id, keyed.aud))}"
    # HS256 keyed with the public key: the classic algorithm-confusion forgery.
    public = keyed.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    signature = "" if alg == "none" else b64url(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())
    assert_refused(keyed.exchange(f"{signing_input}.{signature}"),
                   f"Invalid alg: {alg}; the key accepts RS256, RS384, PS256")


def test_a_signature_by_another_key_is_refused(keyed: KeyClient) -> None:
    assert_refused(keyed.exchange(keyed.assertion(key=other_key())), "Invalid signature")


def test_a_changed_payload_breaks_the_signature(keyed: KeyClient) -> None:
    header, _payload, signature = keyed.assertion().split(".")
    forged = encode(claims(keyed.client_id, keyed.aud, exp=int(time.time()) + 3600))
    assert_refused(keyed.exchange(f"{header}.{forged}.{signature}"), "Invalid signature")
    header, payload, _signature = keyed.assertion().split(".")
    assert_refused(keyed.exchange(f"{header}.{payload}."), "Invalid signature")


@pytest.mark.parametrize("claim", ["iss", "sub"])
def test_iss_and_sub_are_the_client_id(keyed: KeyClient, claim: str) -> None:
    assert_refused(keyed.exchange(keyed.assertion(**{claim: "someone-else"})),
                   f"Invalid {claim}: must be the client id emulator-key-client-id")
    assert_refused(keyed.exchange(keyed.assertion(**{claim: None})),
                   f"Invalid {claim}: must be the client id emulator-key-client-id")


def test_the_form_client_id_must_be_the_issuer(keyed: KeyClient) -> None:
    signed = sign(keyed.private_key, claims("someone-else", keyed.aud))
    assert_refused(keyed.exchange(signed), "Invalid iss: must be the client id emulator-key-client-id")


# -- times -----------------------------------------------------------------------------------

def test_an_expired_assertion_is_refused(frozen: KeyClient) -> None:
    assert_refused(frozen.exchange(frozen.assertion(now=NOW - 200, lifetime=160)), "Expired client assertion")
    assert frozen.exchange(frozen.assertion(now=NOW - 200, lifetime=180)).status == 200  # within the 30 s leeway


def test_an_assertion_from_the_future_is_not_yet_valid(frozen: KeyClient) -> None:
    assert_refused(frozen.exchange(frozen.assertion(now=NOW + 60)), "Client assertion not yet valid: iat is in the future")
    assert_refused(frozen.exchange(frozen.assertion(now=NOW, nbf=int(NOW) + 60)),
                   "Client assertion not yet valid: nbf is in the future")
    assert frozen.exchange(frozen.assertion(now=NOW + 20)).status == 200  # within the leeway


def test_the_lifetime_is_five_minutes_at_most(frozen: KeyClient) -> None:
    assert frozen.exchange(frozen.assertion(now=NOW, lifetime=300)).status == 200
    assert_refused(frozen.exchange(frozen.assertion(now=NOW, lifetime=301)),
                   "Client assertion lifetime exceeds 300 seconds")
    # Without iat the lifetime counts from now.
    assert frozen.exchange(frozen.assertion(now=NOW, lifetime=300, iat=None)).status == 200
    assert_refused(frozen.exchange(frozen.assertion(now=NOW, lifetime=3600, iat=None, nbf=None)),
                   "Client assertion lifetime exceeds 300 seconds")


@pytest.mark.parametrize(("overrides", "description"), [
    ({"exp": None}, "Missing claim: exp"),
    ({"jti": None}, "Missing claim: jti"),
    ({"jti": ""}, "Missing claim: jti"),
    ({"exp": "soon"}, "Invalid exp: must be a NumericDate (seconds since the epoch)"),
    ({"iat": True}, "Invalid iat: must be a NumericDate (seconds since the epoch)"),
])
def test_claims_must_be_present_and_well_typed(frozen: KeyClient, overrides: dict[str, Any],
                                               description: str) -> None:
    assert_refused(frozen.exchange(frozen.assertion(now=NOW, **overrides)), description)


def test_a_jti_is_used_once(frozen: KeyClient) -> None:
    assertion = frozen.assertion(now=NOW)
    assert frozen.exchange(assertion).status == 200
    assert_refused(frozen.exchange(assertion), "The jti has already been used")
    again = frozen.assertion(now=NOW + 1, jti=json.loads(_payload(assertion))["jti"])
    assert_refused(frozen.exchange(again), "The jti has already been used")


def test_a_refused_assertion_does_not_use_up_its_jti(frozen: KeyClient) -> None:
    assertion = frozen.assertion(now=NOW, jti="jti-1")
    assert_refused(frozen.exchange(frozen.assertion(now=NOW, jti="jti-1", key=other_key())), "Invalid signature")
    assert frozen.exchange(assertion).status == 200


def test_a_jti_is_forgotten_once_its_assertion_has_expired(frozen: KeyClient) -> None:
    assert frozen.exchange(frozen.assertion(now=NOW, jti="jti-2", lifetime=60)).status == 200
    auth = frozen.client.handle.emulator.auth
    auth.assertions.wall_clock = lambda: NOW + 60 + 31
    assert frozen.exchange(frozen.assertion(now=NOW + 91, jti="jti-2", lifetime=60)).status == 200


def test_used_jtis_survive_a_reset(frozen: KeyClient) -> None:
    assertion = frozen.assertion(now=NOW)
    assert frozen.exchange(assertion).status == 200
    frozen.client.handle.reset()
    assert_refused(frozen.exchange(assertion), "The jti has already been used")


def _payload(assertion: str) -> bytes:
    part = assertion.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# -- registering another key ------------------------------------------------------------------

def _certificate(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "service account")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def test_a_registered_public_key_replaces_the_generated_one(keyed: KeyClient) -> None:
    generated = keyed.private_key
    answer = keyed.client.handle.control("POST", "credentials", {"public_key": public_pem(other_key())})
    assert answer["private_key"] is None and answer["key_id"] == "emulator-key-1"
    assert keyed.client.handle.state()["credentials"]["private_key"] is None
    assert keyed.exchange(keyed.assertion(key=other_key())).status == 200
    assert_refused(keyed.exchange(keyed.assertion(key=generated)), "Invalid signature")


def test_a_certificate_and_a_key_id_can_be_registered(keyed: KeyClient) -> None:
    answer = keyed.client.handle.control("POST", "credentials",
                                         {"public_key": _certificate(other_key()), "key_id": "console-key-2"})
    assert answer["key_id"] == "console-key-2"
    assert keyed.exchange(keyed.assertion(key=other_key(), header={"kid": "console-key-2"})).status == 200
    assert_refused(keyed.exchange(keyed.assertion(key=other_key(), header={"kid": "emulator-key-1"})),
                   "Invalid kid: emulator-key-1 is not the key registered for emulator-key-client-id")


def test_a_registered_key_stays_across_resets_unless_asked(keyed: KeyClient) -> None:
    handle = keyed.client.handle
    handle.control("POST", "credentials", {"public_key": public_pem(other_key())})
    assert handle.reset()["credentials"]["private_key"] is None
    assert keyed.exchange(keyed.assertion(key=other_key())).status == 200
    state = handle.reset(keep_public_key=False)
    assert load_private_key(state["credentials"]["private_key"]).private_numbers() == keyed.private_key.private_numbers()
    assert keyed.exchange().status == 200


@pytest.mark.parametrize(("body", "message"), [
    ({}, "public_key is required: a PEM public key or X.509 certificate"),
    ({"public_key": "not a key"}, "public_key: not a PEM public key nor a PEM X.509 certificate"),
    ({"public_key": 42}, "public_key must be a string"),
    ({"public_key": "-", "kid": "x"}, "unknown fields: kid; allowed: public_key, key_id"),
    ({"public_key": "-", "key_id": ""}, "key_id must not be empty"),
])
def test_registering_a_bad_key_is_400(keyed: KeyClient, body: dict[str, Any], message: str) -> None:
    with pytest.raises(ControlError) as failure:
        keyed.client.handle.control("POST", "credentials", body)
    assert failure.value.status == 400 and failure.value.body["message"] == message


def test_only_rsa_keys_can_be_registered(keyed: KeyClient) -> None:
    with pytest.raises(ControlError) as failure:
        keyed.client.handle.control("POST", "credentials", {"public_key": public_pem(ec_key())})
    assert failure.value.status == 400
    assert failure.value.body["message"].startswith("public_key: not an RSA key (")


def test_a_public_key_can_be_given_at_start(keyed: KeyClient) -> None:
    with start_server(fleet_size=1, spec=None, client_public_key=public_pem(other_key()), key_id="k9") as handle:
        client = Client(handle)
        assert client.credentials["private_key"] is None and client.credentials["key_id"] == "k9"
        signer = KeyClient(client, private_key=other_key())
        assert signer.exchange(signer.assertion(header={"kid": "k9"})).status == 200
        handle.control("POST", "credentials", {"public_key": public_pem(keyed.private_key)})
        assert_refused(signer.exchange(), "Invalid signature")
        assert handle.reset(keep_public_key=False)["credentials"]["private_key"] is None  # the start-up key again
        assert signer.exchange().status == 200


# -- secrets ---------------------------------------------------------------------------------

def test_assertions_and_the_private_key_never_reach_the_request_log(keyed: KeyClient) -> None:
    assertion = keyed.assertion()
    pem = keyed.client.handle.state()["credentials"]["private_key"]
    keyed.exchange(assertion)
    keyed.client.request("POST", f"/oauth/token?copy={assertion}", body={
        "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion,
        "audience": AUDIENCE, "note": pem}, headers={"X-Copy": assertion})
    log = keyed.client.handle.requests()
    text = json.dumps(log)
    assert assertion not in text and assertion.split(".")[2] not in text and pem not in text
    assert log[0]["body"]["client_assertion"] == "<redacted>"
    assert log[0]["body"]["client_assertion_type"] == ASSERTION_TYPE  # the rest stays readable
    assert keyed.client.handle.counters()["token_exchanges_by_grant"] == {"client_credentials": 2}
