"""Vedtaksutkast from the meeting page: ``GET /kjoringer/{kjoring_id}/vedtaksutkast`` gives a zip with one Word
letter per søker of a finished run (and all letters in one document), from the rule profile's templates
(``allokering.brev``, docs/vedtaksbrev.md).

Personal data: saksbehandler only, with a purpose (``formal`` or ``X-Formal``) and access to the case's team (or a
time-limited access given by an admin), like the API's other personal-data reads; every søker whose letter is made
gets a row in the access log («les», «Vedtaksutkast …»), and refused attempts are logged too.

The run counts as finalised («ferdigbehandlet») when the meeting's current decisions (``Beslutning``, stored by
«Marker møtets beslutninger som endelige») name this run for every søker it assigns or puts on the waiting list;
otherwise every letter is marked «UTKAST – ikke ferdigbehandlet».
"""

from __future__ import annotations

import io
import zipfile
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from allokering.brev import Brevfeil, brevprofil, fyll_ut, lag_brevgrunnlag, saksnummer, slå_sammen
from api.auth import PERSONOPPLYSNINGER, bruker_for_token
from api.db import Beslutning, Bruker, Kjoring, SakRad, Sakstilgang, naa
from api.grenser import MAKS_ID
from api.logg import sjekk_formal, skriv_logg
from api.schemas import FEILSVAR
from modeller.sak import Sak

ruter = APIRouter(tags=["kjøringer"])
_oauth2 = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)
_HVA = "Vedtaksutkast (Word) for kjøring"


def _logg(
    request: Request,
    b: Bruker | None,
    formal: str,
    utfall: str,
    *,
    sak_id: int | None = None,
    kjoring_id: int | None = None,
    sokere: list[str] | None = None,
) -> None:
    with request.app.state.fabrikk.begin() as ls:
        skriv_logg(
            ls,
            bruker=b.navn if b is not None else "(ukjent)",
            rolle=b.rolle if b is not None else "",
            handling="les",
            hva=f"{_HVA} {kjoring_id}" if kjoring_id else _HVA,
            metode=request.method,
            sti=request.url.path,
            formal=formal,
            utfall=utfall,
            sak_id=sak_id,
            kjoring_id=kjoring_id,
            sokere=sokere or (None,),
        )


def _har_sakstilgang(s: Session, sak: SakRad, b: Bruker) -> bool:
    """The case's team, or a time-limited access given by an admin (the API's rule for tjenstlig behov)."""
    if sak.team == b.team:
        return True
    g = s.scalar(
        select(Sakstilgang.id).where(
            Sakstilgang.sak_id == sak.id,
            Sakstilgang.bruker_id == b.id,
            Sakstilgang.tilbakekalt.is_(None),
            Sakstilgang.utloper > naa(),
        )
    )
    return g is not None


def ferdigbehandlet(s: Session, k: Kjoring) -> bool:
    """Every søker the run assigns or puts on the waiting list has a current decision naming this run."""
    res = k.resultat or {}
    sokere = {a["applicant_id"] for a in res.get("assignments", [])}
    sokere |= {w["applicant_id"] for w in res.get("waiting_list", [])}
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
def vedtaksutkast(
    request: Request,
    kjoring_id: Annotated[int, Path(ge=1, le=MAKS_ID, description="Id (heltall).")],
    token: Annotated[str | None, Depends(_oauth2)],
    formal: Annotated[str | None, Query(max_length=500, description="Formålet, f.eks. «vedtak».")] = None,
    x_formal: Annotated[str | None, Header(alias="X-Formal", max_length=500)] = None,
) -> Response:
    hvorfor = " ".join((formal or unquote(x_formal or "")).split())
    with request.app.state.fabrikk() as s:
        b = bruker_for_token(s, token) if token else None
        if b is None:
            raise HTTPException(401, "Ikke innlogget eller ugyldig token.", headers={"WWW-Authenticate": "Bearer"})
        if b.rolle not in PERSONOPPLYSNINGER:
            _logg(request, b, hvorfor, "nektet (rolle)", kjoring_id=kjoring_id)
            raise HTTPException(
                403, f"Rollen «{b.rolle}» har ikke tilgang til personopplysninger; bruk de aggregerte dashbordene."
            )
        grunn = sjekk_formal(hvorfor)
        if grunn:
            _logg(request, b, hvorfor, "nektet (formål)", kjoring_id=kjoring_id)
            hvor = " (spørreparameteren «formal» eller hodet «X-Formal»)."
            raise HTTPException(400, grunn[0].upper() + grunn[1:] + hvor)
        k = s.get(Kjoring, kjoring_id)
        if k is None:
            _logg(request, b, hvorfor, "avvist (404)", kjoring_id=kjoring_id)
            raise HTTPException(404, f"Kjøringen {kjoring_id} finnes ikke.")
        sak_rad = s.get(SakRad, k.sak_id)
        if sak_rad is None or not _har_sakstilgang(s, sak_rad, b):
            _logg(request, b, hvorfor, "avvist (403)", sak_id=k.sak_id, kjoring_id=k.id)
            raise HTTPException(
                403,
                f"Saken {k.sak_id} hører til et annet team. Be en administrator om tilgang til saken "
                "(tjenstlig behov).",
            )
        if k.status != "done" or k.resultat is None:
            _logg(request, b, hvorfor, "avvist (409)", sak_id=k.sak_id, kjoring_id=k.id)
            raise HTTPException(409, f"Kjøringen {kjoring_id} har ikke noe resultat (status «{k.status}»).")
        res: dict[str, Any] = {**k.resultat, "run_id": f"K{k.id}", "case_id": f"SAK{k.sak_id}"}
        ferdig = ferdigbehandlet(s, k)
        sak = Sak.model_validate_json(k.inndata)
        sak_id, kid = k.sak_id, k.id
    try:
        bp = brevprofil(res["municipality"]["rule_profile"])
        brev = lag_brevgrunnlag(res, sak, bp=bp, ferdigbehandlet=ferdig, saksbehandler=b.navn)
        fyll_ut(brev, bp)
    except Brevfeil as exc:
        _logg(request, b, hvorfor, "feil", sak_id=sak_id, kjoring_id=kid)
        raise HTTPException(422, str(exc)) from None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for x in brev:
            z.writestr(x.filnavn, x.innhold)
        z.writestr("samlet.docx", slå_sammen(brev))
    _logg(request, b, hvorfor, "ok", sak_id=sak_id, kjoring_id=kid, sokere=[x.soker_id for x in brev])
    navn = f"vedtaksutkast_{saksnummer(res)}_K{kid}.zip"
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{navn}"', "X-Ferdigbehandlet": str(ferdig).lower()},
    )
