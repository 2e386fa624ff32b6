"""Authentication and roles.

Passwords are hashed with scrypt (hashlib, random salt). Tokens are random bearer tokens; only their
SHA-256 is stored. ``POST /auth/token`` is the OAuth2 password flow; ``allokering bruker opprett``
creates users and prints a long-lived API token.

Roles (Normen, GDPR art. 9: least privilege):

* ``saksbehandler`` — personal data for allocation work (cases, results per søker, locks, decisions).
* ``planlegger`` and ``leder`` — aggregated data only (dashboards, run status), never personal identifiers.
* ``admin`` — users and the access log; aggregated data; no personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import Bruker, Token, naa


class Rolle(StrEnum):
    SAKSBEHANDLER = "saksbehandler"
    PLANLEGGER = "planlegger"
    LEDER = "leder"
    ADMIN = "admin"


PERSONOPPLYSNINGER = frozenset({Rolle.SAKSBEHANDLER})
"""Roles that may read or write personal data."""
AGGREGERT = frozenset(Rolle)
"""Roles that may see aggregated data (everyone)."""
KJORE = frozenset({Rolle.SAKSBEHANDLER, Rolle.PLANLEGGER})
"""Roles that may start and stop solve jobs."""
ADMIN = frozenset({Rolle.ADMIN})

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
TOKEN_LEVETID = timedelta(hours=12)


def hash_passord(passord: str) -> str:
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(passord.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    s64, h64 = base64.b64encode(salt).decode(), base64.b64encode(h).decode()
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${s64}${h64}"


def sjekk_passord(passord: str, lagret: str | None) -> bool:
    if not lagret:
        return False
    try:
        art, n, r, p, salt, h = lagret.split("$")
        if art != "scrypt":
            return False
        ny = hashlib.scrypt(
            passord.encode("utf-8"), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(ny, base64.b64decode(h))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def opprett_bruker(s: Session, navn: str, rolle: Rolle | str, passord: str | None = None) -> Bruker:
    """Create a user (raises ValueError in bokmål if the name is taken or the role unknown)."""
    try:
        rolle = Rolle(rolle)
    except ValueError:
        raise ValueError(f"ukjent rolle «{rolle}»; kjente er {', '.join(r.value for r in Rolle)}") from None
    navn = navn.strip()
    if not navn or len(navn) > 100:
        raise ValueError("brukernavnet må ha 1–100 tegn")
    if s.scalar(select(Bruker).where(Bruker.navn == navn)) is not None:
        raise ValueError(f"brukeren «{navn}» finnes allerede")
    b = Bruker(navn=navn, rolle=rolle.value, passord_hash=hash_passord(passord) if passord else None, aktiv=True)
    s.add(b)
    s.flush()
    return b


def utsted_token(s: Session, bruker: Bruker, levetid: timedelta | None = TOKEN_LEVETID, beskrivelse: str = "") -> str:
    """Issue a bearer token (returned once, stored hashed). ``levetid=None``: does not expire."""
    token = secrets.token_urlsafe(32)
    s.add(
        Token(
            bruker_id=bruker.id,
            token_hash=_token_hash(token),
            beskrivelse=beskrivelse,
            utloper=None if levetid is None else naa() + levetid,
        )
    )
    s.flush()
    return token


def bruker_for_token(s: Session, token: str) -> Bruker | None:
    rad = s.scalar(select(Token).where(Token.token_hash == _token_hash(token)))
    if rad is None or (rad.utloper is not None and rad.utloper < naa()):
        return None
    b = s.get(Bruker, rad.bruker_id)
    return b if b is not None and b.aktiv else None


def logg_inn(s: Session, navn: str, passord: str) -> Bruker | None:
    b = s.scalar(select(Bruker).where(Bruker.navn == navn))
    if b is None or not b.aktiv:
        sjekk_passord(passord, hash_passord("x"))  # same work whether or not the user exists
        return None
    return b if sjekk_passord(passord, b.passord_hash) else None
