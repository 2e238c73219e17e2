"""JWT bearer tokens: every service verifies the caller itself with a public key.

Tokens are signed with an asymmetric key (RSA, EC or Ed25519); the accepted
algorithm follows from the key's type, so a token cannot pick a weaker one.
Claims used: `sub` (the user), `roles` (list), `team`, `territory`, `iss`,
`aud`, `exp`.
"""
from __future__ import annotations

import contextvars
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from crm_chassis.access import ADMIN
from crm_chassis.errors import PermissionDenied, Unauthenticated


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the token says."""

    subject: str
    roles: frozenset[str] = frozenset()
    team: str = ""
    territory: str = ""
    token: str = field(default="", repr=False)

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return ADMIN in self.roles or bool(self.roles.intersection(roles))


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("crm_principal", default=None)


def current_principal() -> Principal:
    principal = _current.get()
    if principal is None:
        raise Unauthenticated("no authenticated caller")
    return principal


def set_current_principal(principal: Principal | None) -> contextvars.Token:
    return _current.set(principal)


def reset_current_principal(token: contextvars.Token) -> None:
    _current.reset(token)


def require_any_role(principal: Principal, roles: Iterable[str], action: str) -> None:
    roles = frozenset(roles)
    if not principal.has_any_role(roles):
        raise PermissionDenied(f"{action} needs one of the roles {sorted(roles | {ADMIN})}; caller has {sorted(principal.roles)}")


def _algorithm_for(key) -> str:
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return "RS256"
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[key.curve.name]
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return "EdDSA"
    raise ValueError(f"unsupported key type {type(key).__name__}")


VERIFIED_TOKENS_KEPT = 4096  # distinct tokens remembered as verified, per verifier


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, *, issuer: str, audience: str, leeway: float = 30):
        self._key = serialization.load_pem_public_key(public_key_pem)
        self._algorithm = _algorithm_for(self._key)
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway
        # token → (its principal, when it stops being accepted): a caller sends the same token on every call until
        # it expires, and checking its RS256 signature again cost ~50 µs of CPU a call. Only tokens that
        # passed every check are kept, each no longer than its `exp` (plus the leeway) allows.
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._verified_lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> "TokenVerifier":
        try:
            pem = Path(path).read_bytes()
        except OSError as exc:
            raise RuntimeError(f"cannot read the JWT public key {path}: {exc.strerror}; run `crm keys` or set CRM_JWT_PUBLIC_KEY_FILE") from exc
        return cls(pem, issuer=issuer, audience=audience)

    def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None and time.time() < cached[1]:
            return cached[0]
        principal, accepted_until = self._decode(token)
        with self._verified_lock:
            self._verified[token] = (principal, accepted_until)
            while len(self._verified) > VERIFIED_TOKENS_KEPT:
                del self._verified[next(iter(self._verified))]  # the oldest first
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthenticated("invalid token: claim 'roles' must be a list of strings")
        principal = Principal(
            subject=str(claims["sub"]),
            roles=frozenset(roles),
            team=str(claims.get("team", "")),
            territory=str(claims.get("territory", "")),
            token=token,
        )
        return principal, int(claims["exp"]) + self._leeway  # PyJWT: expired once exp <= now - leeway

    def verify_authorization(self, header: str | None) -> Principal:
        """Verifies an `Authorization: Bearer <token>` value."""
        if not header:
            raise Unauthenticated("missing bearer token (authorization header)")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("authorization header must be 'Bearer <token>'")
        return self.verify(token.strip())


class TokenIssuer:
    def __init__(self, private_key_pem: bytes, *, issuer: str, audience: str):
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self._algorithm = _algorithm_for(self._key)
        self._issuer = issuer
        self._audience = audience

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> "TokenIssuer":
        return cls(Path(path).read_bytes(), issuer=issuer, audience=audience)

    def issue(self, subject: str, roles: Iterable[str], *, team: str = "", territory: str = "", ttl: timedelta = timedelta(hours=8)) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": subject,
            "roles": sorted(set(roles)),
            "team": team,
            "territory": territory,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self._key, algorithm=self._algorithm)


def generate_key_pair(private_path: Path, public_path: Path) -> bool:
    """Writes a new RSA key pair unless one exists; True when it wrote one."""
    if private_path.exists() and public_path.exists():
        return False
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return True
