"""Authentication and roles.

Passwords are hashed with scrypt (hashlib, random salt) and must follow ``passordregler``. Tokens are
random bearer tokens; only their SHA-256 is stored, every token expires (12 hours from a login, at
most 365 days from ``allokering bruker opprett``), and a token can be revoked on the server (logout,
deactivation). ``POST /auth/token`` is the OAuth2 password flow, throttled per account and per client
(``Innloggingsvakt``); an unknown user name costs the same scrypt work as a known one.

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
import time
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db import STANDARD_TEAM, Bruker, Token, naa


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
MAKS_TOKEN_LEVETID = timedelta(days=365)
PASSORD_MIN = 12
VANLIGE_PASSORD = frozenset(
    {
        "passord123456",
        "passordpassord",
        "123456789012",
        "qwertyuiopå",
        "sommeren2026",
        "vinteren2026",
        "velkommen123",
        "hemmelig1234",
        "password1234",
        "administrator",
    }
)


def passordregler(passord: str, navn: str = "") -> str | None:
    """Why the password is not good enough (bokmål), or None. At least 12 characters, at most 200,
    not the user name, not one character repeated, not a well-known password."""
    if len(passord) < PASSORD_MIN:
        return f"passordet må ha minst {PASSORD_MIN} tegn"
    if len(passord) > 200:
        return "passordet kan ha høyst 200 tegn"
    enkel = passord.casefold()
    if navn and navn.casefold() in enkel:
        return "passordet kan ikke inneholde brukernavnet"
    if len(set(passord)) < 4:
        return "passordet må ha minst fire forskjellige tegn"
    if enkel in VANLIGE_PASSORD or enkel.rstrip("0123456789!") in {"passord", "password", "qwerty", "sommer"}:
        return "passordet er for vanlig"
    return None


def hash_passord(passord: str) -> str:
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(passord.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    s64, h64 = base64.b64encode(salt).decode(), base64.b64encode(h).decode()
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${s64}${h64}"


def sjekk_passord(passord: str, lagret: str | None, kdf: Callable[..., bytes] = hashlib.scrypt) -> bool:
    """Whether ``passord`` matches the stored hash; ``kdf`` is the key derivation (scrypt; a test
    passes a counting wrapper to prove the work is the same for every login)."""
    if not lagret:
        return False
    try:
        art, n, r, p, salt, h = lagret.split("$")
        if art != "scrypt":
            return False
        ny = kdf(passord.encode("utf-8"), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(ny, base64.b64decode(h))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def opprett_bruker(
    s: Session, navn: str, rolle: Rolle | str, passord: str | None = None, team: str = STANDARD_TEAM
) -> Bruker:
    """Create a user (raises ValueError in bokmål if the name is taken, the role unknown or the
    password too weak). ``team``: the tildelingskontor whose cases a saksbehandler works on."""
    try:
        rolle = Rolle(rolle)
    except ValueError:
        raise ValueError(f"ukjent rolle «{rolle}»; kjente er {', '.join(r.value for r in Rolle)}") from None
    navn = navn.strip()
    if not navn or len(navn) > 100:
        raise ValueError("brukernavnet må ha 1–100 tegn")
    if s.scalar(select(Bruker).where(Bruker.navn == navn)) is not None:
        raise ValueError(f"brukeren «{navn}» finnes allerede")
    if passord is not None and (grunn := passordregler(passord, navn)):
        raise ValueError(grunn)
    team = " ".join(team.split())
    if not team or len(team) > 100:
        raise ValueError("teamet må ha 1–100 tegn")
    b = Bruker(
        navn=navn, rolle=rolle.value, passord_hash=hash_passord(passord) if passord else None, aktiv=True, team=team
    )
    s.add(b)
    s.flush()
    return b


def utsted_token(s: Session, bruker: Bruker, levetid: timedelta = TOKEN_LEVETID, beskrivelse: str = "") -> str:
    """Issue a bearer token (returned once, stored hashed). Every token expires: ``levetid`` is
    capped at ``MAKS_TOKEN_LEVETID``."""
    if levetid <= timedelta(0):
        raise ValueError("tokenets levetid må være positiv")
    levetid = min(levetid, MAKS_TOKEN_LEVETID)
    token = secrets.token_urlsafe(32)
    s.add(
        Token(
            bruker_id=bruker.id,
            token_hash=_token_hash(token),
            beskrivelse=beskrivelse,
            utloper=naa() + levetid,
        )
    )
    s.flush()
    return token


def token_rad(s: Session, token: str) -> Token | None:
    """The token's row when it is valid: known, not expired, not revoked."""
    rad = s.scalar(select(Token).where(Token.token_hash == _token_hash(token)))
    if rad is None or rad.tilbakekalt is not None or rad.utloper is None or rad.utloper < naa():
        return None
    return rad


def bruker_for_token(s: Session, token: str) -> Bruker | None:
    rad = token_rad(s, token)
    if rad is None:
        return None
    b = s.get(Bruker, rad.bruker_id)
    return b if b is not None and b.aktiv else None


def tilbakekall(s: Session, bruker_id: int, token: str | None = None) -> int:
    """Revoke one token (``token``) or every valid token of the user; returns how many."""
    q = update(Token).where(Token.bruker_id == bruker_id, Token.tilbakekalt.is_(None))
    if token is not None:
        q = q.where(Token.token_hash == _token_hash(token))
    return s.execute(q.values(tilbakekalt=naa())).rowcount or 0  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _blindhash() -> str:
    return hash_passord(secrets.token_urlsafe(16))


def logg_inn(s: Session, navn: str, passord: str, kdf: Callable[..., bytes] = hashlib.scrypt) -> Bruker | None:
    """The user when name and password match an active account. Exactly one scrypt computation in
    every case (unknown name, deactivated, no password, wrong or right password), so the time taken
    does not tell whether a user name exists (``kdf``: see ``sjekk_passord``)."""
    b = s.scalar(select(Bruker).where(Bruker.navn == navn))
    lagret = b.passord_hash if b is not None and b.passord_hash else _blindhash()
    ok = sjekk_passord(passord, lagret, kdf)
    if b is None or not b.aktiv or not b.passord_hash:
        return None
    return b if ok else None


class Innloggingsvakt:
    """Login throttling (the ``limits`` library, in memory: one server process per database).

    * per client address: ``KLIENT`` attempts (default 20 per minute), right or wrong;
    * per account name: ``KONTO`` failed attempts (default 5 per 15 minutes); after that even the
      right password is refused until the window has passed. Unknown names are counted the same way,
      so the reply does not tell whether the name exists.
    """

    def __init__(self, klient: str = "20/minute", konto: str = "5/15 minutes"):
        from limits import parse, storage, strategies

        self._begr = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self.klient = parse(klient)
        self.konto = parse(konto)

    def _vent(self, grense: Any, *nokler: str) -> int:
        tilbake = self._begr.get_window_stats(grense, *nokler).reset_time
        return max(1, int(tilbake - time.time()) + 1)

    def slipp_inn(self, adresse: str, navn: str) -> tuple[bool, str, int]:
        """(allowed, reason in bokmål, seconds to wait). Counts the attempt for the client."""
        if not self._begr.hit(self.klient, "klient", adresse):
            return False, "For mange innloggingsforsøk fra denne adressen.", self._vent(self.klient, "klient", adresse)
        if not self._begr.test(self.konto, "konto", navn.casefold()):
            return (
                False,
                "For mange mislykkede innlogginger for denne brukeren.",
                self._vent(self.konto, "konto", navn.casefold()),
            )
        return True, "", 0

    def mislykket(self, navn: str) -> None:
        self._begr.hit(self.konto, "konto", navn.casefold())
