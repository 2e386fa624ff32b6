"""Vedtaksutkast from the meeting page: ``GET /kjoringer/{kjoring_id}/vedtaksutkast`` gives a zip with one Word
letter per søker of a finished run (and all letters in one document), from the rule profile's templates
(``allokering.brev``, docs/vedtaksbrev.md).

Personal data: the API's own ``tilgangskontroll`` (api/dependencies.py): saksbehandler only, with a purpose
(``formal`` or ``X-Formal``) and access to the case's team (or a time-limited access given by an admin); every søker
whose letter is made gets a row in the access log («les», «Vedtaksutkast (zip med Word-brev)»), and refused attempts
are logged too.

The run counts as finalised («ferdigbehandlet») when the meeting's current decisions (``Beslutning``, stored by
«Marker møtets beslutninger som endelige») name this run for every søker it assigns or puts on the waiting list;
otherwise every letter is marked «UTKAST – ikke ferdigbehandlet».
"""

from __future__ import annotations

import io
import zipfile

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from allokering.brev import Brevfeil, brevprofil, fyll_ut, lag_brevgrunnlag, saksnummer, slå_sammen
from api.db import Beslutning, Kjoring
from api.dependencies import Id, Person, Ses, ferdig_kjoring
from api.resultat import les_resultat
from api.schemas import FEILSVAR
from modeller.sak import Sak

ruter = APIRouter(tags=["kjøringer"])


def ferdigbehandlet(s: Session, k: Kjoring) -> bool:
    """Every søker the run assigns or puts on the waiting list has a current decision naming this run."""
    res = les_resultat(k)
    if res is None:
        return False
    sokere = {a.applicant_id for a in res.assignments}
    sokere |= {w.applicant_id for w in res.waiting_list}
    if not sokere:
        return False
    besluttet = set(
        s.scalars(
            select(Beslutning.soker_id).where(
                Beslutning.sak_id == k.sak_id, Beslutning.kjoring_id == k.id, Beslutning.gjeldende.is_(True)
            )
        )
    )
    return sokere <= besluttet


@ruter.get(
    "/kjoringer/{kjoring_id}/vedtaksutkast",
    summary="Vedtaksutkast (zip med Word-brev)",
    description=(
        "Ett brev per søker fra regelprofilens brevmaler, og alle brevene i ett dokument (`samlet.docx`), i en "
        "zip-fil. Brevene merkes «UTKAST – ikke ferdigbehandlet» til møtets beslutninger er lagret for kjøringen. "
        "Saksbehandler, med formål; hver søker logges i tilgangsloggen."
    ),
    response_class=Response,
    responses={
        200: {
            "content": {"application/zip": {"example": "(binær zip-fil med .docx-filer)"}},
            "description": "Zip med ett Word-brev per søker og samlet.docx.",
        },
        **FEILSVAR,
    },
)
def vedtaksutkast(s: Ses, t: Person, kjoring_id: Id) -> Response:
    k = ferdig_kjoring(s, kjoring_id, t)
    res = les_resultat(k)
    if res is None:  # ferdig_kjoring refuses a run without a result
        raise HTTPException(409, f"Kjøringen {kjoring_id} har ikke noe resultat (status «{k.status}»).")
    run_id, case_id = f"K{k.id}", f"SAK{k.sak_id}"
    ferdig = ferdigbehandlet(s, k)
    sak = Sak.model_validate_json(k.inndata)
    try:
        bp = brevprofil(res.municipality.rule_profile)
        brev = lag_brevgrunnlag(
            res, sak, bp=bp, ferdigbehandlet=ferdig, saksbehandler=t.navn, run_id=run_id, case_id=case_id
        )
        fyll_ut(brev, bp)
    except Brevfeil as exc:
        raise HTTPException(422, str(exc)) from None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for x in brev:
            z.writestr(x.filnavn, x.innhold)
        z.writestr("samlet.docx", slå_sammen(brev))
    t.rorte(x.soker_id for x in brev)
    navn = f"vedtaksutkast_{saksnummer(res, case_id)}_K{k.id}.zip"
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{navn}"', "X-Ferdigbehandlet": str(ferdig).lower()},
    )
