"""Retention and deletion (issue 20, item 8): personal data is kept no longer than needed.

* ``slett_sak``: a case with everything under it (versions, locks, runs with their results and
  explanations, decisions, input snapshots, access grants); the access log gets one row per søker
  of the case (handling «sletting»). Not while a run of the case is queued or running.
* ``rydd``: with a retention period of ``dager`` days (``ALLOKERING_OPPBEVARING_DAGER``, standard
  365): cases with no activity (import, run, lock, decision) for that long are deleted as above;
  in the other cases, finished runs older than that are deleted; input snapshots no run uses any
  longer go too; and expired or revoked tokens older than the period. The access log itself is kept
  (it is the evidence; its own retention is a decision for the municipality, outside this tool).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from api.db import Beslutning, Inndatabilde, Kjoring, LaasRad, SakRad, Saksversjon, Token, naa
from api.logg import skriv_logg

STANDARD_DAGER = int(os.environ.get("ALLOKERING_OPPBEVARING_DAGER", "365"))
AKTIVE = ("queued", "running")


class SakIBruk(Exception):
    """The case has a queued or running run."""


def sakens_sokere(s: Session, sak_id: int) -> set[str]:
    ut: set[str] = set()
    for (data,) in s.execute(select(Saksversjon.data).where(Saksversjon.sak_id == sak_id)):
        ut.update(str(x.get("id")) for x in json.loads(data).get("sokere", []) if x.get("id"))
    return ut


def slett_sak(s: Session, sak_id: int, *, bruker: str, rolle: str, grunn: str, sti: str, metode: str) -> int:
    """Delete the case and all under it in the caller's transaction; returns the number of søkere."""
    aktive = s.scalar(
        select(func.count()).select_from(Kjoring).where(Kjoring.sak_id == sak_id, Kjoring.status.in_(AKTIVE))
    )
    if aktive:
        raise SakIBruk(f"saken {sak_id} har {aktive} kjøring(er) i kø eller i gang; stopp dem først")
    sokere = sakens_sokere(s, sak_id)
    skriv_logg(
        s,
        bruker=bruker,
        rolle=rolle,
        handling="sletting",
        hva=f"slettet sak {sak_id} med versjoner, kjøringer og beslutninger: {grunn}",
        metode=metode,
        sti=sti,
        formal="sletting etter oppbevaringsregler",
        utfall="ok",
        sak_id=sak_id,
        sokere=sokere,
    )
    # Runs first (their snapshots are referenced without cascade), then the case (the rest cascades).
    s.execute(delete(Kjoring).where(Kjoring.sak_id == sak_id))
    s.execute(delete(SakRad).where(SakRad.id == sak_id))
    return len(sokere)


@dataclass
class Rapport:
    grense: datetime
    saker: list[int] = field(default_factory=list)
    kjoringer: list[int] = field(default_factory=list)
    inndatabilder: int = 0
    tokener: int = 0
    sokere: int = 0
    hoppet_over: list[str] = field(default_factory=list)


def _siste_aktivitet(s: Session, sak: SakRad) -> datetime:
    tider = [sak.opprettet]
    for kol, hvor in (
        (func.max(Saksversjon.opprettet), Saksversjon.sak_id),
        (func.max(func.coalesce(Kjoring.ferdig, Kjoring.opprettet)), Kjoring.sak_id),
        (func.max(func.coalesce(LaasRad.fjernet, LaasRad.opprettet)), LaasRad.sak_id),
        (func.max(Beslutning.besluttet), Beslutning.sak_id),
    ):
        t = s.scalar(select(kol).where(hvor == sak.id))
        if t is not None:
            tider.append(t)
    return max(tider)


def rydd(s: Session, dager: int = STANDARD_DAGER, *, utfor: bool, bruker: str = "(opprydding)") -> Rapport:
    """Find (and with ``utfor`` delete, in the caller's transaction) what is older than the period."""
    if dager < 1:
        raise ValueError("oppbevaringstiden må være minst én dag")
    grense = naa() - timedelta(days=dager)
    r = Rapport(grense=grense)
    for sak in s.scalars(select(SakRad).order_by(SakRad.id)).all():
        if _siste_aktivitet(s, sak) >= grense:
            continue
        if utfor:
            try:
                r.sokere += slett_sak(
                    s,
                    sak.id,
                    bruker=bruker,
                    rolle="drift",
                    grunn=f"ingen aktivitet på {dager} dager",
                    sti="allokering opprydding",
                    metode="CLI",
                )
            except SakIBruk as exc:
                r.hoppet_over.append(str(exc))
                continue
        else:
            r.sokere += len(sakens_sokere(s, sak.id))
        r.saker.append(sak.id)
    gamle = s.scalars(
        select(Kjoring.id).where(
            Kjoring.status.not_in(AKTIVE),
            Kjoring.ferdig.is_not(None),
            Kjoring.ferdig < grense,
            Kjoring.sak_id.not_in(r.saker),
        )
    ).all()
    r.kjoringer = list(gamle)
    if utfor and r.kjoringer:
        for (sak_id,) in s.execute(select(Kjoring.sak_id).where(Kjoring.id.in_(r.kjoringer)).distinct()).all():
            skriv_logg(
                s,
                bruker=bruker,
                rolle="drift",
                handling="sletting",
                hva=f"slettet kjøringer eldre enn {dager} dager i sak {sak_id}",
                metode="CLI",
                sti="allokering opprydding",
                formal="sletting etter oppbevaringsregler",
                utfall="ok",
                sak_id=sak_id,
                sokere=sakens_sokere(s, sak_id),
            )
            s.execute(delete(Kjoring).where(Kjoring.id.in_(r.kjoringer), Kjoring.sak_id == sak_id))
    brukt = select(Kjoring.inndatabilde_id)
    foreldrelose = select(Inndatabilde.id).where(Inndatabilde.id.not_in(brukt))
    if utfor:
        s.flush()
        r.inndatabilder = len(s.scalars(foreldrelose).all())
        s.execute(delete(Inndatabilde).where(Inndatabilde.id.not_in(brukt)))
    else:
        r.inndatabilder = len(s.scalars(foreldrelose).all())
    gamle_tokener = or_(Token.utloper < grense, Token.tilbakekalt < grense)
    r.tokener = s.scalar(select(func.count()).select_from(Token).where(gamle_tokener)) or 0
    if utfor:
        s.execute(delete(Token).where(gamle_tokener))
    return r
