"""JWT verification: only tokens signed by our key, for our issuer and audience, in date, with list roles."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from crm_chassis import auth, cli
from crm_chassis.auth import Principal, TokenIssuer, TokenVerifier, generate_key_pair
from crm_chassis.errors import PermissionDenied, Unauthenticated


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"sub": "alice", "roles": ["sales"], "iss": "crm", "aud": "crm", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(jwt_keys, **overrides) -> str:
    """A token with arbitrary claims, signed by the real private key."""
    key = serialization.load_pem_private_key(jwt_keys.private_path.read_bytes(), password=None)
    return jwt.encode(_claims(**overrides), key, algorithm="RS256")


def test_valid_token_gives_the_principal(jwt_keys):
    token = jwt_keys.issuer.issue("alice", ["sales", "support"], team="north", territory="FR")
    principal = jwt_keys.verifier.verify(token)
    assert principal == Principal("alice", frozenset({"sales", "support"}), "north", "FR", token)
    assert principal.has_any_role(["support"])
    assert not principal.has_any_role(["manager"])


def test_admin_has_every_role(jwt_keys):
    principal = jwt_keys.verifier.verify(jwt_keys.token("root", roles=["admin"]))
    assert principal.has_any_role(["anything"])


def test_expired_token_is_refused(jwt_keys):
    token = jwt_keys.issuer.issue("alice", ["sales"], ttl=timedelta(minutes=-5))
    with pytest.raises(Unauthenticated, match="expired"):
        jwt_keys.verifier.verify(token)


def test_expiry_within_the_leeway_is_tolerated(jwt_keys):
    token = jwt_keys.issuer.issue("alice", ["sales"], ttl=timedelta(seconds=-5))
    assert jwt_keys.verifier.verify(token).subject == "alice"


def test_a_token_verified_once_is_still_refused_once_it_expires(jwt_keys, monkeypatch):
    token = _signed(jwt_keys, exp=int(time.time()) + 60)
    assert jwt_keys.verifier.verify(token).subject == "alice"
    verified = jwt_keys.verifier.verify(token)  # remembered: no second signature check ...
    assert verified == jwt_keys.verifier.verify(token)
    later = time.time() + 60 + 30  # ... but only until exp plus the 30 s leeway, by our clock and PyJWT's

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(later, tz)

    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    with pytest.raises(Unauthenticated, match="expired"):
        jwt_keys.verifier.verify(token)
    with pytest.raises(Unauthenticated, match="expired"):
        jwt_keys.verifier.verify(token)


def test_a_refused_token_is_not_remembered_and_the_remembered_ones_are_bounded(jwt_keys, monkeypatch):
    bad = _signed(jwt_keys, aud="another-app")
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="invalid token"):
            jwt_keys.verifier.verify(bad)
    monkeypatch.setattr(auth, "VERIFIED_TOKENS_KEPT", 3)
    tokens = [_signed(jwt_keys, sub=f"user{i}") for i in range(5)]
    assert [jwt_keys.verifier.verify(t).subject for t in tokens] == [f"user{i}" for i in range(5)]
    assert list(jwt_keys.verifier._verified) == tokens[2:]


@pytest.mark.parametrize("issuer, audience", [("someone-else", "crm"), ("crm", "another-app")])
def test_wrong_issuer_or_audience_is_refused(jwt_keys, issuer, audience):
    other = TokenIssuer.from_file(jwt_keys.private_path, issuer=issuer, audience=audience)
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify(other.issue("alice", ["sales"]))


def test_token_signed_with_another_key_is_refused(jwt_keys, tmp_path):
    generate_key_pair(tmp_path / "other" / "private.pem", tmp_path / "other" / "public.pem")
    forger = TokenIssuer.from_file(tmp_path / "other" / "private.pem", issuer="crm", audience="crm")
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify(forger.issue("mallory", ["admin"]))


def test_hs256_token_keyed_with_the_public_key_is_refused(jwt_keys):
    """The classic algorithm confusion: the public key is no secret, so HMAC with it proves nothing."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims(sub="mallory", roles=["admin"])).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = _b64(hmac.new(jwt_keys.public_path.read_bytes(), signing_input, hashlib.sha256).digest())
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify(f"{header}.{payload}.{signature}")


def test_unsigned_token_is_refused(jwt_keys):
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims(sub="mallory", roles=["admin"])).encode())
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify(f"{header}.{payload}.")


@pytest.mark.parametrize("missing", ["exp", "sub", "iss", "aud"])
def test_required_claims_must_be_present(jwt_keys, missing):
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify(_signed(jwt_keys, **{missing: None}))


@pytest.mark.parametrize("roles", ["admin", {"admin": True}, [1, 2], ["sales", None]])
def test_roles_claim_must_be_a_list_of_strings(jwt_keys, roles):
    # A string would otherwise become the set of its letters.
    with pytest.raises(Unauthenticated, match="roles"):
        jwt_keys.verifier.verify(_signed(jwt_keys, roles=roles))


def test_missing_roles_claim_means_no_roles(jwt_keys):
    assert jwt_keys.verifier.verify(_signed(jwt_keys, roles=None)).roles == frozenset()


def test_garbage_token_is_refused(jwt_keys):
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify("not.a.jwt")


@pytest.mark.parametrize("header", [None, ""])
def test_missing_authorization_header_is_refused(jwt_keys, header):
    with pytest.raises(Unauthenticated, match="missing"):
        jwt_keys.verifier.verify_authorization(header)


@pytest.mark.parametrize("scheme", ["Basic", "Token", "Bearer:"])
def test_non_bearer_scheme_is_refused(jwt_keys, scheme):
    with pytest.raises(Unauthenticated, match="Bearer"):
        jwt_keys.verifier.verify_authorization(f"{scheme} {jwt_keys.token()}")


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer    "])
def test_bearer_without_token_is_refused(jwt_keys, header):
    with pytest.raises(Unauthenticated):
        jwt_keys.verifier.verify_authorization(header)


def test_bearer_scheme_is_case_insensitive(jwt_keys):
    assert jwt_keys.verifier.verify_authorization(f"bearer {jwt_keys.token('bob')}").subject == "bob"


@pytest.mark.parametrize(
    "private_key, algorithm",
    [
        (ec.generate_private_key(ec.SECP256R1()), "ES256"),
        (ec.generate_private_key(ec.SECP384R1()), "ES384"),
        (ed25519.Ed25519PrivateKey.generate(), "EdDSA"),
    ],
)
def test_ec_and_eddsa_keys_pick_their_own_algorithm(jwt_keys, private_key, algorithm):
    private_pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = private_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    token = TokenIssuer(private_pem, issuer="crm", audience="crm").issue("carol", ["support"])
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    verifier = TokenVerifier(public_pem, issuer="crm", audience="crm")
    assert verifier.verify(token).subject == "carol"
    # An RS256 token is not accepted by a verifier holding an EC or Ed25519 key.
    with pytest.raises(Unauthenticated):
        verifier.verify(jwt_keys.token())


def test_current_principal_is_scoped(jwt_keys):
    with pytest.raises(Unauthenticated):
        auth.current_principal()
    principal = Principal("alice", frozenset({"sales"}))
    token = auth.set_current_principal(principal)
    try:
        assert auth.current_principal() is principal
    finally:
        auth.reset_current_principal(token)
    with pytest.raises(Unauthenticated):
        auth.current_principal()


def test_require_any_role():
    auth.require_any_role(Principal("a", frozenset({"sales"})), ["sales", "manager"], "CreatePerson")
    auth.require_any_role(Principal("a", frozenset({"admin"})), ["manager"], "CreatePerson")
    with pytest.raises(PermissionDenied, match="CreatePerson"):
        auth.require_any_role(Principal("a", frozenset({"support"})), ["manager"], "CreatePerson")


def test_missing_public_key_file_says_how_to_fix_it(tmp_path):
    with pytest.raises(RuntimeError, match="CRM_JWT_PUBLIC_KEY_FILE"):
        TokenVerifier.from_file(tmp_path / "absent.pem", issuer="crm", audience="crm")


def test_key_pair_is_written_once_and_private_key_is_private(tmp_path):
    private, public = tmp_path / "k" / "private.pem", tmp_path / "k" / "public.pem"
    assert generate_key_pair(private, public) is True
    before = private.read_bytes()
    assert generate_key_pair(private, public) is False
    assert private.read_bytes() == before
    assert private.stat().st_mode & 0o777 == 0o600


def test_cli_keys_and_token_issue_a_verifiable_token(tmp_path, capsys):
    private, public = tmp_path / "private.pem", tmp_path / "public.pem"
    assert cli.main(["keys", "--private", str(private), "--public", str(public)]) == 0
    capsys.readouterr()
    assert cli.main(["token", "--user", "dave", "--roles", "sales, support", "--team", "t1", "--private-key", str(private)]) == 0
    token = capsys.readouterr().out.strip()
    principal = TokenVerifier.from_file(public, issuer="crm", audience="crm").verify(token)
    assert (principal.subject, principal.roles, principal.team) == ("dave", frozenset({"sales", "support"}), "t1")


def test_cli_token_without_key_fails_with_advice(tmp_path, capsys):
    assert cli.main(["token", "--user", "dave", "--roles", "sales", "--private-key", str(tmp_path / "none.pem")]) == 2
    assert "crm keys" in capsys.readouterr().err
