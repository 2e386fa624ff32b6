"""The API's dependencies, written once: the database session, the logged-in user, the role check,
and ``tilgangskontroll`` — role, purpose and case access (tjenstlig behov) for every request that
touches personal data or starts a run, with one access-log row per søker afterwards (outcome
included). Also the helpers that fetch a case or a run with those checks. Everything reads the app's
state (``request.app.state.fabrikk``), so routers anywhere can use them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import ADMIN, AGGREGERT, KJORE, PERSONOPPLYSNINGER, Rolle, bruker_for_token
from api.db import Bruker, Kjoring, SakRad, Sakstilgang, naa
from api.grenser import MAKS_ID
from api.logg import FORMAL, FRITEKST_MIN, sjekk_formal, skriv_logg
from modeller.lasting import Inndatafeil

MAKS_PER_SIDE = 500
Id = Annotated[int, Path(ge=1, le=MAKS_ID, description="Id (heltall).")]
SokerId = Annotated[str, Path(min_length=1, max_length=64, description="Søkerens id, f.eks. S-000014.")]


class Tilgang:
    """What a personal-data request touched: the endpoint adds the søkere it read or wrote, so the
    access log gets one row per søker (bulk reads included)."""

    def __init__(self, bruker: Bruker, formal: str):
        self.bruker = bruker
        self.navn = bruker.navn
        self.formal = formal
        self.sokere: set[str] = set()
        self.sak_id: int | None = None
        self.kjoring_id: int | None = None
        self.via_tilgang: int | None = None
        """The Sakstilgang that let a saksbehandler outside the case's team in (marked in the log)."""

    def rorte(self, sokere: Iterable[Any]) -> None:
        self.sokere.update(str(x) for x in sokere if x)


def sesjon(request: Request) -> Iterator[Session]:
    with request.app.state.fabrikk() as s:
        yield s


Ses = Annotated[Session, Depends(sesjon)]
oauth2 = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)


def innlogget(s: Ses, token: Annotated[str | None, Depends(oauth2)]) -> Bruker:
    b = bruker_for_token(s, token) if token else None
    if b is None:
        raise HTTPException(401, "Ikke innlogget eller ugyldig token.", headers={"WWW-Authenticate": "Bearer"})
    return b


def rolle(roller: frozenset[Rolle]) -> Any:
    def sjekk(b: Annotated[Bruker, Depends(innlogget)]) -> Bruker:
        if b.rolle not in roller:
            raise HTTPException(403, f"Rollen «{b.rolle}» har ikke tilgang til dette.")
        return b

    return sjekk


def heltall(x: Any) -> int | None:
    try:
        v = int(x)
    except (TypeError, ValueError):
        return None
    return v if 0 < v <= MAKS_ID else None


def logg(
    request: Request,
    b: Bruker | None,
    handling: str,
    formal: str,
    utfall: str,
    sokere: Iterable[str | None] = (),
    *,
    hva: str | None = None,
    brukernavn: str | None = None,
    sak_id: int | None = None,
    kjoring_id: int | None = None,
) -> None:
    """Rows in the access log, in a transaction of their own (see ``api.logg``)."""
    route = request.scope.get("route")
    pp = request.path_params
    sti_soker = str(pp["soker_id"])[:64] if pp.get("soker_id") else None
    with request.app.state.fabrikk.begin() as ls:
        skriv_logg(
            ls,
            bruker=b.navn if b is not None else (brukernavn or "(ukjent)"),
            rolle=b.rolle if b is not None else "",
            handling=handling,
            hva=hva or getattr(route, "summary", None) or request.url.path,
            metode=request.method,
            sti=request.url.path,
            sak_id=sak_id if sak_id is not None else heltall(pp.get("sak_id")),
            kjoring_id=kjoring_id if kjoring_id is not None else heltall(pp.get("kjoring_id")),
            sokere=[*sokere, sti_soker],
            formal=formal,
            utfall=utfall,
        )


def _utfall(exc: BaseException) -> str:
    if isinstance(exc, StarletteHTTPException):
        return f"avvist ({exc.status_code})"
    if isinstance(exc, (Inndatafeil, RequestValidationError)):
        return "avvist (422)"
    return "feil"


def tilgangskontroll(roller: frozenset[Rolle], personopplysninger: bool, standardformal: str = "") -> Any:
    """The one dependency for logged access: role check, purpose check (required for personal
    data), and after the endpoint one access-log row per søker it touched, with the outcome.
    Refused attempts are logged too."""

    def kontroll(
        request: Request,
        b: Annotated[Bruker, Depends(innlogget)],
        formal: Annotated[
            str | None,
            Query(
                max_length=500,
                description=(
                    "Formålet med å lese eller skrive personopplysninger (påkrevd der personopplysninger "
                    "leses eller skrives): ett av "
                    + ", ".join(f"«{x}»" for x in FORMAL)
                    + f", eller en beskrivelse med minst {FRITEKST_MIN} tegn."
                ),
                examples=["tildelingsmøte"],
            ),
        ] = None,
        x_formal: Annotated[
            str | None,
            Header(
                alias="X-Formal",
                max_length=500,
                description="Formål (alternativ til `formal`); æøå prosentkodet, f.eks. `tildelingsm%C3%B8te`.",
            ),
        ] = None,
    ) -> Iterator[Tilgang]:
        hvorfor = " ".join((formal or unquote(x_formal or "")).split())
        handling = "skriv" if request.method in ("POST", "PUT", "PATCH", "DELETE") else "les"
        if not personopplysninger:
            handling = "kjøring"
        if b.rolle not in roller:
            logg(request, b, handling, hvorfor, "nektet (rolle)")
            if personopplysninger:
                raise HTTPException(
                    403,
                    f"Rollen «{b.rolle}» har ikke tilgang til personopplysninger; bruk de aggregerte dashbordene.",
                )
            raise HTTPException(403, f"Rollen «{b.rolle}» har ikke tilgang til dette.")
        if not hvorfor and not personopplysninger:
            hvorfor = standardformal
        grunn = sjekk_formal(hvorfor) if hvorfor != standardformal or personopplysninger else None
        if grunn:
            logg(request, b, handling, hvorfor, "nektet (formål)")
            hvor = " (spørreparameteren «formal» eller hodet «X-Formal»)."
            raise HTTPException(400, grunn[0].upper() + grunn[1:] + hvor)
        t = Tilgang(b, hvorfor)
        utfall = "ok"
        try:
            yield t
        except BaseException as exc:
            utfall = _utfall(exc)
            raise
        finally:
            if utfall == "ok" and t.via_tilgang is not None:
                utfall = f"ok (sakstilgang {t.via_tilgang})"
            logg(request, b, handling, hvorfor, utfall, t.sokere, sak_id=t.sak_id, kjoring_id=t.kjoring_id)

    return kontroll


Person = Annotated[Tilgang, Depends(tilgangskontroll(PERSONOPPLYSNINGER, True))]
Aggregert = Annotated[Bruker, Depends(rolle(AGGREGERT))]
Kjorer = Annotated[Tilgang, Depends(tilgangskontroll(KJORE, False, "kjøring av tildelingsmodellen"))]
Admin = Annotated[Bruker, Depends(rolle(ADMIN))]
Side = Annotated[int, Query(ge=1, le=1_000_000, description="Sidenummer (fra 1).")]
PerSide = Annotated[int, Query(ge=1, le=MAKS_PER_SIDE, description=f"Rader per side (høyst {MAKS_PER_SIDE}).")]


def side_ut(elementer: list[Any], antall: int, side: int, per_side: int) -> dict[str, Any]:
    return {"antall": antall, "side": side, "per_side": per_side, "elementer": elementer}


def sakstilgang(s: Session, sak: SakRad, b: Bruker) -> tuple[bool, int | None]:
    """(may the user work on the case's personal data, the Sakstilgang used if any). Tjenstlig
    behov: a saksbehandler works on the cases of her own team, or of another team with a
    time-limited access given by an admin."""
    if b.rolle != Rolle.SAKSBEHANDLER:
        return False, None
    if sak.team == b.team:
        return True, None
    g = s.scalar(
        select(Sakstilgang)
        .where(
            Sakstilgang.sak_id == sak.id,
            Sakstilgang.bruker_id == b.id,
            Sakstilgang.tilbakekalt.is_(None),
            Sakstilgang.utloper > naa(),
        )
        .order_by(Sakstilgang.id)
        .limit(1)
    )
    return (True, g.id) if g is not None else (False, None)


def krev_sakstilgang(s: Session, sak: SakRad, t: Tilgang) -> None:
    if t.bruker.rolle != Rolle.SAKSBEHANDLER:
        return  # other roles reach only run endpoints without personal data (checked by the role)
    ok, via = sakstilgang(s, sak, t.bruker)
    if not ok:
        raise HTTPException(
            403,
            f"Saken {sak.id} hører til teamet «{sak.team}», og du er i «{t.bruker.team}». "
            "Be en administrator om tilgang til saken (tjenstlig behov).",
        )
    t.via_tilgang = via


def hent_sak(s: Session, sak_id: Id, t: Tilgang | None = None) -> SakRad:
    rad = s.get(SakRad, sak_id)
    if rad is None:
        raise HTTPException(404, f"Saken {sak_id} finnes ikke.")
    if t is not None:
        t.sak_id = sak_id
        krev_sakstilgang(s, rad, t)
    return rad


def hent_kjoring(s: Session, kjoring_id: Id, t: Tilgang | None = None) -> Kjoring:
    rad = s.get(Kjoring, kjoring_id)
    if rad is None:
        raise HTTPException(404, f"Kjøringen {kjoring_id} finnes ikke.")
    if t is not None:
        t.sak_id, t.kjoring_id = rad.sak_id, rad.id
        sak = s.get(SakRad, rad.sak_id)
        assert sak is not None
        krev_sakstilgang(s, sak, t)
    return rad


def ferdig_kjoring(s: Session, kjoring_id: Id, t: Tilgang | None = None, forslag: bool = False) -> Kjoring:
    """A run with a result. ``forslag``: a running run whose proposal is stored while its analyses run
    (``analyser_ferdig`` False in the result) is accepted too; otherwise only a done run."""
    k = hent_kjoring(s, kjoring_id, t)
    if k.resultat is not None and k.status == "running" and not forslag:
        raise HTTPException(
            409,
            f"Kjøringen {kjoring_id} beregner fortsatt verdien av ekstra plasser og låspriser; forslaget kan vises, "
            "men dette krever den ferdige kjøringen. Prøv igjen om litt.",
        )
    if k.resultat is None or not (k.status == "done" or (forslag and k.status == "running")):
        raise HTTPException(409, f"Kjøringen {kjoring_id} har ikke noe resultat (status «{k.status}»).")
    return k
