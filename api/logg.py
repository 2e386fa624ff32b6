"""The access log (Normen: every read and write of personal data), tamper-evident.

One row per søker per read or write (bulk reads included), per refused attempt, per login, per user
administration and per run, with who, role, when, what, which søker, purpose and outcome.

Rows are hash-chained: ``hash = SHA-256(previous hash + canonical row)``, the first row chained to
64 zeros, and the head (count and last hash) kept in ``logghode``. Writers take the head row's lock
first (``UPDATE logghode`` before anything else in the transaction), so rows from concurrent
requests, processes or the command line get consecutive ids and an unbroken chain on SQLite and
PostgreSQL alike. ``verifiser`` recomputes the chain: a changed, inserted or deleted row breaks it
at that row; removing rows from the end is caught against the head. (Someone who can rewrite the
whole table *and* the head can rebuild the chain; record the head printed by
``allokering logg verifiser`` outside the database now and then to catch that too.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from api.db import Logghode, Tilgangslogg, naa

START_HASH = "0" * 64

FORMAL = (
    "tildelingsmøte",
    "saksbehandling",
    "vedtak",
    "klagesak",
    "innsyn for søker",
    "retting av opplysninger",
    "kvalitetskontroll",
)
"""Purposes to choose from (optionally followed by a note); anything else must be free text of real
length: ``FRITEKST_MIN`` characters, two words, one of them of four letters or more."""
FRITEKST_MIN = 15


def sjekk_formal(formal: str) -> str | None:
    """Why the purpose is not accepted (bokmål), or None."""
    f = " ".join(formal.split())
    if any(f.casefold() == x or f.casefold().startswith(x + " ") for x in FORMAL):
        return None  # from the list, optionally with a note («tildelingsmøte 27.11»)
    ord_ = [o for o in f.split(" ") if sum(c.isalpha() for c in o) >= 2]
    langt = any(sum(c.isalpha() for c in o) >= 4 for o in ord_)
    if len(f) < FRITEKST_MIN or len(ord_) < 2 or not langt or len(set(f.casefold().replace(" ", ""))) < 8:
        return (
            f"oppgi formålet: ett av {', '.join(f'«{x}»' for x in FORMAL)}, "
            f"eller en beskrivelse med minst {FRITEKST_MIN} tegn og to ord"
        )
    return None


FELT = (
    "id",
    "tidspunkt",
    "bruker",
    "rolle",
    "handling",
    "hva",
    "metode",
    "sti",
    "sak_id",
    "kjoring_id",
    "soker_id",
    "formal",
    "utfall",
)


def _kanonisk(rad: dict[str, Any]) -> bytes:
    verdier = [rad[f].isoformat() if isinstance(rad[f], datetime) else rad[f] for f in FELT]
    return json.dumps(verdier, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def rad_hash(forrige: str, rad: dict[str, Any]) -> str:
    return hashlib.sha256(forrige.encode("ascii") + b"\n" + _kanonisk(rad)).hexdigest()


def _laas_hode(s: Session) -> Logghode:
    """Lock the head (the first write of the transaction) and return it; create it if missing."""
    if s.execute(update(Logghode).where(Logghode.id == 1).values(id=1)).rowcount == 0:  # type: ignore[attr-defined]
        s.add(Logghode(id=1, antall=0, siste_id=0, siste_hash=START_HASH))
        s.flush()
    hode = s.get(Logghode, 1, populate_existing=True)
    assert hode is not None
    return hode


def skriv_logg(
    s: Session,
    *,
    bruker: str,
    rolle: str,
    handling: str,
    hva: str,
    metode: str,
    sti: str,
    formal: str,
    utfall: str,
    sak_id: int | None = None,
    kjoring_id: int | None = None,
    sokere: Iterable[str | None] = (None,),
) -> int:
    """Append rows (one per søker; one with no søker when ``sokere`` is empty) to the chain in the
    caller's transaction. Returns the number of rows."""
    ids: list[str | None] = [*sorted({x for x in sokere if x})] or [None]
    hode = _laas_hode(s)
    tid = naa()
    forrige, neste = hode.siste_hash, hode.siste_id + 1
    rader = []
    for soker in ids:
        rad = {
            "id": neste,
            "tidspunkt": tid,
            "bruker": bruker[:100],
            "rolle": rolle[:20],
            "handling": handling[:20],
            "hva": hva[:300],
            "metode": metode[:10],
            "sti": sti[:500],
            "sak_id": sak_id,
            "kjoring_id": kjoring_id,
            "soker_id": soker[:64] if soker else None,
            "formal": formal[:500],
            "utfall": utfall[:40],
        }
        forrige = rad["hash"] = rad_hash(forrige, rad)
        rader.append(rad)
        neste += 1
    s.execute(insert(Tilgangslogg), rader)
    hode.antall += len(rader)
    hode.siste_id = neste - 1
    hode.siste_hash = forrige
    s.flush()
    return len(rader)


@dataclass
class Verifisering:
    ok: bool
    antall: int
    siste_hash: str
    melding: str
    brudd_ved_id: int | None = None


def verifiser(s: Session) -> Verifisering:
    """Recompute the chain from the first row; the first break is reported (bokmål)."""
    forrige = START_HASH
    antall = 0
    siste_id = 0
    q = select(Tilgangslogg).order_by(Tilgangslogg.id).execution_options(yield_per=5000)
    for r in s.scalars(q):
        rad = {f: getattr(r, f) for f in FELT}
        if r.id != siste_id + 1:
            return Verifisering(
                False, antall, forrige, f"rad {siste_id + 1} mangler (neste rad er {r.id}): slettet?", siste_id + 1
            )
        ventet = rad_hash(forrige, rad)
        if r.hash != ventet:
            return Verifisering(False, antall, forrige, f"rad {r.id} er endret (hashen stemmer ikke)", r.id)
        forrige, siste_id = ventet, r.id
        antall += 1
    hode = s.get(Logghode, 1)
    if hode is None:
        if antall:
            return Verifisering(False, antall, forrige, "loggens hode mangler")
        return Verifisering(True, 0, forrige, "tilgangsloggen er tom")
    if hode.antall != antall or hode.siste_hash != forrige:
        return Verifisering(
            False,
            antall,
            forrige,
            f"loggen har {antall} rader, men hodet sier {hode.antall}: rader er slettet eller lagt til på slutten",
            siste_id + 1,
        )
    return Verifisering(True, antall, forrige, f"kjeden er hel: {antall} rader")


def antall_rader(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Tilgangslogg)) or 0
