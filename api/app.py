"""The REST API (FastAPI). ``lag_app(db_url=None)`` builds an app on a database (see ``api.db``),
applies the migrations and marks jobs left over by a crashed server as failed.

Personal-data endpoints (role ``saksbehandler`` only) require a purpose: the query parameter
``formal`` or the header ``X-Formal``; each such request writes a row in the access log (who, role,
what, when, why), refused attempts too. All user-facing text is bokmål.
"""

import json
import os
import re
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import Body, Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import tjenester
from api.auth import (
    TOKEN_LEVETID,
    Innloggingsvakt,
    Rolle,
    bruker_for_token,
    logg_inn,
    opprett_bruker,
    passordregler,
    tilbakekall,
    utsted_token,
)
from api.db import (
    Beslutning,
    Bruker,
    ForklaringRad,
    Inndatabilde,
    Kjoring,
    LaasRad,
    SakRad,
    Sakstilgang,
    Saksversjon,
    Tilgangslogg,
    db_url,
    lag_motor,
    lag_sesjonsfabrikk,
    migrer,
    naa,
)
from api.dependencies import (
    Admin,
    Aggregert,
    Id,
    Kjorer,
    PerSide,
    Person,
    Ses,
    Side,
    SokerId,
    Tilgang,
    ferdig_kjoring,
    hent_kjoring,
    hent_sak,
    innlogget,
    logg,
    oauth2,
    side_ut,
)
from api.grenser import MAKS_FEIL, ForDyp, norsk_melding, skann
from api.jobber import MELDING_ARBEIDER_DOD, MELDING_OMSTART, TERMINALE, Koordinator
from api.logg import verifiser
from api.oppbevaring import SakIBruk, slett_sak
from api.schemas import (
    FEILSVAR,
    Belegg,
    BeslutningInn,
    BeslutningUt,
    BrukerInn,
    BrukerUt,
    Feilsvar,
    Helse,
    KjoringBestilling,
    Kjoringsfeil,
    KjoringUt,
    LaasFjern,
    LaasInn,
    LaasUt,
    LoggRad,
    Marginalverdier,
    Meg,
    Objekt,
    Resultat,
    SakstilgangInn,
    SakUt,
    Slettet,
    TeamInn,
    TilgangUt,
    TokenUt,
    TryggTekst,
    Ukp,
    Utlogget,
    VentelisteGrupper,
    Ventetider,
    VerifiseringUt,
    eks,
)
from api.schemas import Side as SideUt
from api.sikkerhet import Sikkerhetshoder, monter_dokumentasjon
from modeller.lasting import Inndatafeil
from modeller.sak import Feil

MAKS_FORESPORSEL_BYTES = int(float(os.environ.get("ALLOKERING_MAKS_FORESPORSEL_MB", "20")) * 1024 * 1024)
MAKS_I_KO = int(os.environ.get("ALLOKERING_MAKS_I_KO", "200"))

# --- Schemas ----------------------------------------------------------------------------------------


_STANDARD_NB = {
    400: "Ugyldig forespørsel.",
    401: "Ikke innlogget.",
    403: "Ingen tilgang.",
    404: "Finnes ikke.",
    405: "Metoden er ikke tillatt for denne adressen.",
    406: "Formatet støttes ikke.",
    413: "Forespørselen er for stor.",
    415: "Innholdstypen støttes ikke.",
    500: "Intern feil i tjenesten.",
}

_ENGELSK = {
    "Not Found": "",
    "Method Not Allowed": "",
    "Unauthorized": "",
    "Forbidden": "",
    "Not authenticated": "Ikke innlogget.",
    "There was an error parsing the body": "Innholdet i forespørselen kunne ikke leses (ugyldig JSON eller skjema).",
}
"""Starlette's and FastAPI's own English details → bokmål ("" = the standard text for the status)."""

_FELT_NB = {
    "missing": "mangler (påkrevd)",
    "extra_forbidden": "ukjent felt",
    "int_parsing": "må være et heltall",
    "int_type": "må være et heltall",
    "int_from_float": "må være et heltall",
    "float_parsing": "må være et tall",
    "float_type": "må være et tall",
    "bool_parsing": "må være sann/usann",
    "bool_type": "må være sann/usann",
    "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "må være en dato (ÅÅÅÅ-MM-DD)",
    "string_too_short": "er for kort",
    "string_too_long": "er for lang",
    "string_type": "må være tekst",
    "literal_error": "ugyldig verdi",
    "enum": "ugyldig verdi",
    "greater_than": "er for liten",
    "greater_than_equal": "er for liten",
    "less_than": "er for stor",
    "less_than_equal": "er for stor",
    "model_attributes_type": "må være et objekt",
    "dict_type": "må være et objekt",
    "json_invalid": "ugyldig JSON",
    "list_type": "må være en liste",
    "value_error": "ugyldig verdi",
}


def _feilsvar(
    kode: int, detail: str, feil: list[Feil] | None = None, hode: dict[str, str] | None = None, totalt: int = 0
) -> JSONResponse:
    """The error reply: at most ``MAKS_FEIL`` errors listed, ``flere_feil`` counts the rest."""
    feil = feil or []
    flere = max(totalt, len(feil)) - min(len(feil), MAKS_FEIL)
    innhold = {"detail": detail, "feil": [f.__dict__ for f in feil[:MAKS_FEIL]], "flere_feil": flere}
    return JSONResponse(innhold, status_code=kode, headers=hode or None)


def _forespørselsfeil(exc: RequestValidationError) -> list[Feil]:
    ut = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        sted = loc[0] if loc else ""
        felt = ".".join(loc[1:]) if len(loc) > 1 else sted
        tekst = _FELT_NB.get(e.get("type", "")) or norsk_melding(str(e.get("msg", "")))
        ctx = e.get("ctx") or {}
        if ctx and e.get("type", "").startswith(("greater", "less", "string_too")):
            tekst += f" (grense {next(iter(ctx.values()))})"
        if e.get("type") == "literal_error" and "expected" in ctx:
            tekst += f"; tillatt: {ctx['expected']}"
        ut.append(Feil("forespørsel", sted, felt, tekst))
    return ut


class Storrelsesgrense:
    """ASGI middleware: refuse request bodies over the limit with 413 (also without Content-Length),
    and JSON bodies nested deeper than ``MAKS_DYBDE`` with 422, before any endpoint parses them."""

    def __init__(self, app: Any, maks: int):
        self.app = app
        self.maks = maks

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        er_json = False
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    lengde = int(v)
                except ValueError:
                    lengde = self.maks + 1
                if lengde > self.maks:
                    await self._avvis(send)
                    return
            elif k == b"content-type":
                er_json = b"json" in v.lower()
        if er_json:
            await self._json(scope, receive, send)
            return
        mottatt = 0

        async def tell() -> Any:
            nonlocal mottatt
            melding = await receive()
            if melding["type"] == "http.request":
                mottatt += len(melding.get("body", b""))
                if mottatt > self.maks:
                    raise _ForStor()
            return melding

        try:
            await self.app(scope, tell, send)
        except _ForStor:
            await self._avvis(send)

    async def _json(self, scope: Any, receive: Any, send: Any) -> None:
        deler: list[bytes] = []
        mottatt = 0
        while True:
            melding = await receive()
            if melding["type"] != "http.request":
                return  # the client went away
            del_ = melding.get("body", b"")
            mottatt += len(del_)
            if mottatt > self.maks:
                await self._avvis(send)
                return
            deler.append(del_)
            if not melding.get("more_body", False):
                break
        kropp = b"".join(deler)
        del deler
        try:
            skann(kropp)
        except ForDyp as exc:
            await self._svar(send, 422, {"detail": f"Ugyldig forespørsel: {exc}.", "feil": [], "flere_feil": 0})
            return
        levert = False

        async def spill_av() -> Any:
            nonlocal levert
            if not levert:
                levert = True
                return {"type": "http.request", "body": kropp, "more_body": False}
            return await receive()

        await self.app(scope, spill_av, send)

    async def _avvis(self, send: Any) -> None:
        mb = self.maks / 1024 / 1024
        await self._svar(send, 413, {"detail": f"Forespørselen er for stor (grense {mb:.0f} MB).", "feil": []})

    @staticmethod
    async def _svar(send: Any, kode: int, innhold: dict[str, Any]) -> None:
        kropp = json.dumps(innhold, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": kode,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(kropp)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": kropp})


class _ForStor(Exception):
    pass


# --- The app ----------------------------------------------------------------------------------------

BESKRIVELSE = """
Tildeling av knappe kommunale helse- og omsorgsplasser (langtid, korttid, avlastning, ØHD/KØH,
omsorgsboliger). Lagrede saker (versjonerte importer), kjøringer som asynkrone jobber med
inndata-øyeblikksbilde, låser og overstyringer fra tildelingsmøtet, møtets endelige beslutninger,
eksport og dashborddata.

**Innlogging:** `POST /auth/token` (OAuth2 passord) eller et API-token fra
`allokering bruker opprett NAVN --rolle ROLLE`; send `Authorization: Bearer TOKEN`.

**Roller:** `saksbehandler` ser personopplysninger til tildelingsarbeid; `planlegger` og `leder` ser bare
aggregerte tall; `admin` forvalter brukere og tilgangsloggen.

**Formål:** endepunkter med personopplysninger krever formål (`formal` i spørringen eller
`X-Formal`-hodet). Hver lesing og skriving logges i tilgangsloggen.
"""

TAGGER = [
    {"name": "drift", "description": "Helsesjekk."},
    {"name": "innlogging", "description": "Innlogging og brukere."},
    {"name": "saker", "description": "Saker og importer (JSON, CSV, Excel)."},
    {"name": "låser", "description": "Låser og overstyringer fra tildelingsmøtet."},
    {"name": "kjøringer", "description": "Løsejobber, status, resultater og eksport."},
    {"name": "beslutninger", "description": "Tildelingsmøtets endelige beslutning per søker."},
    {"name": "dashbord", "description": "Aggregerte tall uten personidentifikatorer."},
    {"name": "tilgangslogg", "description": "Tilgangsloggen (admin)."},
]


@lru_cache(maxsize=1)
def eksempel_sak() -> dict[str, Any]:
    """A small valid case (two søkere from the synthetic Tvedestrand demo) for the OpenAPI examples."""
    from modeller.generator import last_demo
    from modeller.lasting import sak_til_json

    d = json.loads(sak_til_json(last_demo("tvedestrand")))
    d["sokere"] = [x for x in d["sokere"] if not x["ektefelle_id"] and not x["naverende_opphold_id"]][:2]
    d["laaser"] = []
    d["opphold"] = d["opphold"][:2]
    return d


def _iso(t: datetime | date | None) -> str | None:
    return None if t is None else t.isoformat()


_OFFENTLIGE_FEIL = (MELDING_OMSTART, MELDING_ARBEIDER_DOD, "Avbrutt på forespørsel.")
_FEILTYPER = ("Feil i låsene", "Resultatet ble forkastet", "Ugyldig inndata", "Uventet feil i løseren")


def offentlig_feilmelding(k: Kjoring) -> str | None:
    """The run's error without personal data. The full text (which may name søkere and their health,
    e.g. why a lock cannot hold) is only at ``GET /kjoringer/{id}/feil``: saksbehandler with access
    to the case, with purpose, logged."""
    m = k.feilmelding
    if m is None or m in _OFFENTLIGE_FEIL:
        return m
    art = next((x for x in _FEILTYPER if m.startswith(x)), "Kjøringen feilet")
    return (
        f"{art}. Detaljene kan inneholde personopplysninger og vises for saksbehandler med tilgang til saken "
        f"(GET /kjoringer/{k.id}/feil)."
    )


def _kjoring_ut(k: Kjoring) -> dict[str, Any]:
    """A run without personal data (status, progress, best-so-far, metadata; the error redacted)."""
    return {
        "id": k.id,
        "sak_id": k.sak_id,
        "saksversjon_id": k.saksversjon_id,
        "art": k.art,
        "foreldre_id": k.foreldre_id,
        "status": k.status,
        "fremdrift": k.fremdrift,
        "fase": k.fase,
        "beste_hittil": k.beste_hittil,
        "avbryt_bedt": k.avbryt_bedt is not None,
        "input_sha256": k.input_sha256,
        "regelprofil": k.regelprofil,
        "vekter": k.vekter,
        "parametre": k.parametre,
        "motorversjon": k.motorversjon,
        "losningsstatus": k.losningsstatus,
        "objective": k.objective,
        "best_bound": k.best_bound,
        "gap": k.gap,
        "solve_seconds": k.solve_seconds,
        "ukp_dogn": k.ukp_dager,
        "ukp_kostnad_nok": k.ukp_kostnad,
        "feilmelding": offentlig_feilmelding(k),
        "advarsler": k.advarsler or [],
        "opprettet": _iso(k.opprettet),
        "startet": _iso(k.startet),
        "ferdig": _iso(k.ferdig),
        "bestilt_av": k.bestilt_av,
    }


KJORING_EKS = {
    "id": 7,
    "sak_id": 1,
    "saksversjon_id": 1,
    "art": "ny",
    "foreldre_id": None,
    "status": "running",
    "fremdrift": 0.45,
    "fase": "løser plassfamilie 2 av 5 (korttid)",
    "beste_hittil": {"familier_ferdig": ["langtid"], "plassering": 381265, "grense": 381265, "bevist": True},
    "avbryt_bedt": False,
    "input_sha256": "9f2c…",
    "regelprofil": "tvedestrand",
    "vekter": {"alvorlighet": 4},
    "parametre": {"tidsgrense_s": 30.0, "arbeidere": 1, "frø": 0, "deterministisk": True},
    "motorversjon": "0.1.0",
    "losningsstatus": None,
    "objective": None,
    "best_bound": None,
    "gap": None,
    "solve_seconds": None,
    "ukp_dogn": None,
    "ukp_kostnad_nok": None,
    "feilmelding": None,
    "advarsler": [],
    "opprettet": "2026-11-27T09:00:00",
    "startet": "2026-11-27T09:00:01",
    "ferdig": None,
    "bestilt_av": "kari",
}


STOLTE_PROXYER = frozenset(x.strip() for x in os.environ.get("ALLOKERING_STOLTE_PROXYER", "").split(",") if x.strip())
"""Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses). Without it every
client behind one proxy would share one login limit."""


def klientadresse(request: Request) -> str:
    """The client's address for login throttling: the socket peer, or, when that is a trusted proxy,
    the right-most X-Forwarded-For hop that is not itself a trusted proxy."""
    adresse = request.client.host if request.client else "ukjent"
    if adresse in STOLTE_PROXYER:
        for hopp in reversed(request.headers.get("x-forwarded-for", "").split(",")):
            hopp = hopp.strip()
            if hopp and hopp not in STOLTE_PROXYER:
                return hopp[:64]
    return adresse


def resultatets_sokere(res: dict[str, Any]) -> set[str]:
    """Every søker id a RESULT.json names (explanations, assignments, waiting list, couples)."""
    ut: set[str] = set()
    for felt in ("explanations", "assignments", "waiting_list"):
        ut.update(str(x["applicant_id"]) for x in res.get(felt, []) if x.get("applicant_id"))
    return ut


def lag_app(db_url_inn: str | None = None, *, maks_arbeidere: int | None = None) -> FastAPI:
    """Build the API on a database (default: ``DATABASE_URL`` or the SQLite file)."""
    url = db_url(db_url_inn)
    motor = lag_motor(url)
    migrer(motor)
    fabrikk = lag_sesjonsfabrikk(motor)
    koordinator = Koordinator(url, fabrikk, maks_arbeidere)
    koordinator.rydd_ved_oppstart()
    vakt = Innloggingsvakt()

    @asynccontextmanager
    async def levetid(app: FastAPI) -> Any:
        yield
        koordinator.stopp()
        motor.dispose()

    app = FastAPI(
        title="Allokering – tildeling av kommunale omsorgsplasser",
        version=__import__("allokering").__version__,
        description=BESKRIVELSE,
        openapi_tags=TAGGER,
        lifespan=levetid,
        docs_url=None,
        redoc_url=None,
    )
    app.state.koordinator = koordinator
    app.state.innloggingsvakt = vakt
    app.state.fabrikk = fabrikk
    app.state.motor = motor
    app.add_middleware(Storrelsesgrense, maks=MAKS_FORESPORSEL_BYTES)
    app.add_middleware(Sikkerhetshoder)
    monter_dokumentasjon(app)

    @app.exception_handler(Inndatafeil)
    async def _inndatafeil(_r: Request, exc: Inndatafeil) -> JSONResponse:
        totalt = getattr(exc, "totalt", len(exc.feil))
        feil = [Feil(f.fil, f.rad, f.felt, norsk_melding(f.melding)) for f in exc.feil[:MAKS_FEIL]]
        return _feilsvar(422, f"Ugyldig inndata: {totalt} feil. Ingenting er lagret.", feil, totalt=totalt)

    @app.exception_handler(RequestValidationError)
    async def _valideringsfeil(_r: Request, exc: RequestValidationError) -> JSONResponse:
        feil = _forespørselsfeil(exc)
        return _feilsvar(422, f"Ugyldig forespørsel: {len(feil)} feil.", feil)

    @app.exception_handler(StarletteHTTPException)
    async def _httpfeil(_r: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if not isinstance(detail, str) or detail in _ENGELSK:
            detail = _ENGELSK.get(detail) or _STANDARD_NB.get(exc.status_code, "Feil.")
        return _feilsvar(exc.status_code, detail, hode=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _uventet(_r: Request, exc: Exception) -> JSONResponse:
        return _feilsvar(500, "Intern feil i tjenesten. Feilen er logget.")

    # --- drift

    @app.get(
        "/helse",
        response_model=Helse,
        response_model_exclude_unset=True,
        tags=["drift"],
        summary="Helsesjekk",
        description=(
            'Svarer straks, også mens løsejobber går. Uten innlogging bare `{"status": "ok"}`; '
            "en innlogget bruker ser også databasetype og antall aktive jobber."
        ),
        responses=eks({"status": "ok", "database": "sqlite", "aktive_jobber": 1}),
    )
    def helse(s: Ses, token: Annotated[str | None, Depends(oauth2)]) -> dict[str, Any]:
        if not token or bruker_for_token(s, token) is None:
            return {"status": "ok"}
        return {"status": "ok", "database": motor.dialect.name, "aktive_jobber": koordinator.antall_i_prosess()}

    # --- innlogging

    @app.post(
        "/auth/token",
        response_model=TokenUt,
        tags=["innlogging"],
        summary="Logg inn (OAuth2 passord)",
        description=(
            "Gir et bearer-token (gyldig i 12 timer) for brukernavn og passord. Begrenset: 20 forsøk i minuttet "
            "per klientadresse og 5 mislykkede forsøk per bruker i 15 minutter (deretter 429, også med riktig "
            "passord). Hvert forsøk logges."
        ),
        responses=eks(
            {"access_token": "q8…", "token_type": "bearer", "rolle": "saksbehandler", "utloper": "2026-11-27T21:00:00"},
            ekstra={429: {"model": Feilsvar, "description": "For mange forsøk; se Retry-After."}},
        ),
    )
    def token(
        request: Request, s: Ses, skjema: Annotated[OAuth2PasswordRequestForm, Depends()], response: Response
    ) -> dict[str, Any]:
        navn = skjema.username[:100]
        adresse = klientadresse(request)
        slipp, grunn, vent = vakt.slipp_inn(adresse, navn)
        if not slipp:
            logg(request, None, "innlogging", "innlogging", "nektet (for mange forsøk)", brukernavn=navn, hva=grunn)
            raise HTTPException(429, f"{grunn} Prøv igjen om {vent} sekunder.", headers={"Retry-After": str(vent)})
        b = logg_inn(s, navn, skjema.password)
        if b is None:
            vakt.mislykket(navn)
            logg(request, None, "innlogging", "innlogging", "avvist (401)", brukernavn=navn, hva="Logg inn")
            raise HTTPException(401, "Feil brukernavn eller passord.", headers={"WWW-Authenticate": "Bearer"})
        tok = utsted_token(s, b, beskrivelse=f"innlogging fra {adresse}"[:200])
        s.commit()
        logg(request, b, "innlogging", "innlogging", "ok", hva="Logg inn")
        response.headers["Cache-Control"] = "no-store"
        utloper = naa() + TOKEN_LEVETID
        return {"access_token": tok, "token_type": "bearer", "rolle": b.rolle, "utloper": _iso(utloper)}

    @app.post(
        "/auth/logg-ut",
        response_model=Utlogget,
        tags=["innlogging"],
        summary="Logg ut",
        description="Tilbakekaller tokenet som sendes med, på tjeneren. Det kan ikke brukes igjen.",
        responses=eks({"tilbakekalt": 1}),
    )
    def logg_ut(
        request: Request, s: Ses, b: Annotated[Bruker, Depends(innlogget)], tok: Annotated[str | None, Depends(oauth2)]
    ) -> dict[str, Any]:
        n = tilbakekall(s, b.id, tok or "")
        s.commit()
        logg(request, b, "innlogging", "utlogging", "ok", hva="Logg ut")
        return {"tilbakekalt": n}

    @app.get(
        "/meg",
        response_model=Meg,
        tags=["innlogging"],
        summary="Hvem er jeg",
        description="Brukernavn og rolle for tokenet.",
        responses=eks({"navn": "kari", "rolle": "saksbehandler"}),
    )
    def meg(b: Annotated[Bruker, Depends(innlogget)]) -> dict[str, Any]:
        return {"navn": b.navn, "rolle": b.rolle}

    BRUKER_EKS = {
        "id": 3,
        "navn": "kari",
        "rolle": "saksbehandler",
        "team": "felles",
        "aktiv": False,
        "opprettet": "2026-11-27T09:00:00",
        "opprettet_av": "ola",
        "deaktivert": "2026-11-28T09:00:00",
        "deaktivert_av": "ola",
    }

    @app.post(
        "/brukere",
        response_model=BrukerUt,
        tags=["innlogging"],
        status_code=201,
        summary="Opprett bruker (admin)",
        description="Oppretter en bruker med rolle og passord.",
        responses=eks({**BRUKER_EKS, "aktiv": True, "deaktivert": None, "deaktivert_av": None}, "Opprettet", 201),
    )
    def ny_bruker(request: Request, s: Ses, a: Admin, inn: BrukerInn) -> dict[str, Any]:
        grunn = passordregler(inn.passord, inn.navn.strip())
        if grunn:
            logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (422)", hva=f"opprett «{inn.navn}»")
            raise Inndatafeil([Feil("forespørsel", "body", "passord", grunn)])
        try:
            b = opprett_bruker(s, inn.navn, inn.rolle, inn.passord, team=inn.team)
        except ValueError as exc:
            logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (409)", hva=f"opprett «{inn.navn}»")
            raise HTTPException(409, str(exc).capitalize() + ".") from None
        b.opprettet_av = a.navn
        s.commit()
        hva = f"opprettet brukeren «{b.navn}» (id {b.id}) med rollen {b.rolle} i teamet «{b.team}»"
        logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
        return bruker_ut(b)

    def bruker_ut(b: Bruker) -> dict[str, Any]:
        return {
            "id": b.id,
            "navn": b.navn,
            "rolle": b.rolle,
            "team": b.team,
            "aktiv": b.aktiv,
            "opprettet": _iso(b.opprettet),
            "opprettet_av": b.opprettet_av,
            "deaktivert": _iso(b.deaktivert),
            "deaktivert_av": b.deaktivert_av,
        }

    def sett_aktiv(request: Request, s: Session, a: Bruker, bruker_id: int, aktiv: bool) -> dict[str, Any]:
        b = s.get(Bruker, bruker_id)
        hva = f"{'aktiver' if aktiv else 'deaktiver'} bruker {bruker_id}"
        if b is None:
            logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (404)", hva=hva)
            raise HTTPException(404, f"Brukeren {bruker_id} finnes ikke.")
        if b.id == a.id and not aktiv:
            logg(request, a, "brukeradmin", "brukeradministrasjon", "avvist (409)", hva=hva)
            raise HTTPException(409, "Du kan ikke deaktivere deg selv.")
        b.aktiv = aktiv
        if aktiv:
            b.deaktivert, b.deaktivert_av = None, None
        else:
            b.deaktivert, b.deaktivert_av = naa(), a.navn
            tilbakekall(s, b.id)
        s.commit()
        hva = f"{'aktiverte' if aktiv else 'deaktiverte'} brukeren «{b.navn}» (id {b.id}, {b.rolle})"
        logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
        return bruker_ut(b)

    @app.post(
        "/brukere/{bruker_id}/deaktiver",
        response_model=BrukerUt,
        tags=["innlogging"],
        summary="Deaktiver bruker (admin)",
        description="Brukeren kan ikke logge inn, og alle tokenene hennes tilbakekalles straks. Logges.",
        responses=eks(BRUKER_EKS),
    )
    def deaktiver(request: Request, s: Ses, a: Admin, bruker_id: Id) -> dict[str, Any]:
        return sett_aktiv(request, s, a, bruker_id, False)

    @app.post(
        "/brukere/{bruker_id}/aktiver",
        response_model=BrukerUt,
        tags=["innlogging"],
        summary="Aktiver bruker igjen (admin)",
        description="Brukeren kan logge inn igjen (gamle tokener forblir tilbakekalt). Logges.",
        responses=eks(BRUKER_EKS | {"aktiv": True, "deaktivert": None, "deaktivert_av": None}),
    )
    def aktiver(request: Request, s: Ses, a: Admin, bruker_id: Id) -> dict[str, Any]:
        return sett_aktiv(request, s, a, bruker_id, True)

    @app.put(
        "/brukere/{bruker_id}/team",
        response_model=BrukerUt,
        tags=["innlogging"],
        summary="Flytt bruker til et annet team (admin)",
        description="Setter tildelingskontoret (teamet) brukeren arbeider i. Logges.",
        responses=eks(BRUKER_EKS | {"team": "Tildelingskontoret nord"}),
    )
    def bruker_team(request: Request, s: Ses, a: Admin, bruker_id: Id, inn: TeamInn) -> dict[str, Any]:
        b = s.get(Bruker, bruker_id)
        if b is None:
            raise HTTPException(404, f"Brukeren {bruker_id} finnes ikke.")
        gammelt, b.team = b.team, " ".join(inn.team.split())
        s.commit()
        hva = f"flyttet brukeren «{b.navn}» fra teamet «{gammelt}» til «{b.team}»"
        logg(request, a, "brukeradmin", "brukeradministrasjon", "ok", hva=hva)
        return bruker_ut(b)

    @app.get(
        "/brukere",
        response_model=SideUt[BrukerUt],
        tags=["innlogging"],
        summary="List brukere (admin)",
        description="Alle brukere med rolle og status.",
        responses=eks(
            {
                "antall": 1,
                "side": 1,
                "per_side": 100,
                "elementer": [{"id": 1, "navn": "kari", "rolle": "saksbehandler", "aktiv": True}],
            }
        ),
    )
    def brukere(s: Ses, _a: Admin, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
        antall = s.scalar(select(func.count()).select_from(Bruker)) or 0
        rader = s.scalars(select(Bruker).order_by(Bruker.id).offset((side - 1) * per_side).limit(per_side))
        return side_ut([bruker_ut(b) for b in rader], antall, side, per_side)

    # --- saker

    def sak_ut(s: Session, rad: SakRad) -> dict[str, Any]:
        versjoner = s.scalars(
            select(Saksversjon).where(Saksversjon.sak_id == rad.id).order_by(Saksversjon.versjon)
        ).all()
        return {
            "id": rad.id,
            "navn": rad.navn,
            "kommunenummer": rad.kommunenummer,
            "kommunenavn": rad.kommunenavn,
            "regelprofil": rad.regelprofil,
            "syntetisk": rad.syntetisk,
            "opprettet": _iso(rad.opprettet),
            "opprettet_av": rad.opprettet_av,
            "team": rad.team,
            "versjoner": [
                {
                    "versjon": v.versjon,
                    "kilde": v.kilde,
                    "filnavn": v.filnavn,
                    "sha256": v.sha256,
                    "startdato": _iso(v.startdato),
                    "horisont_dager": v.horisont_dager,
                    "antall_sokere": v.antall_sokere,
                    "antall_enheter": v.antall_enheter,
                    "opprettet": _iso(v.opprettet),
                    "opprettet_av": v.opprettet_av,
                }
                for v in versjoner
            ],
        }

    SAK_EKS = {
        "id": 1,
        "navn": "Tvedestrand uke 48",
        "kommunenummer": "4213",
        "kommunenavn": "Tvedestrand",
        "regelprofil": "tvedestrand",
        "syntetisk": True,
        "opprettet": "2026-11-27T09:00:00",
        "opprettet_av": "kari",
        "team": "felles",
        "versjoner": [
            {
                "versjon": 1,
                "kilde": "json",
                "filnavn": "tvedestrand.json",
                "sha256": "3b1f…",
                "startdato": "2026-11-30",
                "horisont_dager": 28,
                "antall_sokere": 49,
                "antall_enheter": 12,
                "opprettet": "2026-11-27T09:00:00",
                "opprettet_av": "kari",
            }
        ],
    }
    NavnQ = Annotated[str, Query(max_length=200, description="Navn på saken (ny sak).")]
    SakIdQ = Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Eksisterende sak: importen blir en ny versjon av den.")
    ]

    @app.get(
        "/saker",
        response_model=SideUt[SakUt],
        tags=["saker"],
        summary="List saker",
        description="Saker med kommune og versjoner (ingen personopplysninger). Alle roller.",
        responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [SAK_EKS]}),
    )
    def saker(s: Ses, _b: Aggregert, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
        antall = s.scalar(select(func.count()).select_from(SakRad)) or 0
        rader = s.scalars(select(SakRad).order_by(SakRad.id).offset((side - 1) * per_side).limit(per_side)).all()
        return side_ut([sak_ut(s, r) for r in rader], antall, side, per_side)

    @app.post(
        "/saker",
        response_model=SakUt,
        tags=["saker"],
        status_code=201,
        summary="Importer sak (JSON)",
        description=(
            "Importerer en sak i prosjektets JSON-format (se `allokering schema`). Alt eller ingenting: ved feil "
            "lagres ingenting, og svaret (422) lister hver feil med fil, rad (JSON-sti) og felt. Med `sak_id` blir "
            "importen en ny versjon av en eksisterende sak."
        ),
        responses=eks(SAK_EKS, "Opprettet", 201),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}, "example": eksempel_sak()}},
                "description": "Saken som JSON-objekt.",
            }
        },
    )
    async def importer_json(request: Request, b: Person, navn: NavnQ = "", sak_id: SakIdQ = None) -> JSONResponse:
        innhold = await request.body()
        return await run_in_threadpool(_importer_json, innhold, b, navn, sak_id)

    def _importer_json(innhold: bytes, b: Tilgang, navn: str, sak_id: Id | None) -> JSONResponse:
        sak = tjenester.les_json_sak(innhold, "forespørsel")
        b.rorte(x.id for x in sak.sokere)
        with fabrikk.begin() as s:
            if sak_id is not None:
                hent_sak(s, sak_id, b)
            try:
                v = tjenester.lagre_sak(
                    s, sak, navn=navn, kilde="json", filnavn="", bruker=b.navn, sak_id=sak_id, team=b.bruker.team
                )
            except LookupError as exc:
                raise HTTPException(404, str(exc).capitalize() + ".") from None
            b.sak_id = v.sak_id
            ut = sak_ut(s, s.get(SakRad, v.sak_id))  # type: ignore[arg-type]
        return JSONResponse(ut, status_code=201)

    @app.post(
        "/saker/import",
        response_model=SakUt,
        tags=["saker"],
        status_code=201,
        summary="Importer sak fra CSV/Excel (malene)",
        description=(
            "Importerer søkere og enheter fra malene (`allokering importer --maler MAPPE`): enten `sokere` og "
            "`enheter` (CSV UTF-8 eller .xlsx) og valgfritt `opphold`, eller én `arbeidsbok` (.xlsx med arkene "
            "«sokere» og «enheter»). Alt eller ingenting; feil (422) oppgir fil, rad, kolonne og melding."
        ),
        responses=eks(SAK_EKS, "Opprettet", 201),
    )
    def importer_tabeller(
        b: Person,
        profil: Annotated[
            str, Form(max_length=50, description="Regelprofil: sandefjord eller tvedestrand.", examples=["tvedestrand"])
        ],
        startdato: Annotated[
            str, Form(max_length=10, description="Dag 0 i horisonten (ÅÅÅÅ-MM-DD).", examples=["2026-11-30"])
        ],
        horisont_dager: Annotated[int, Form(ge=1, le=366)] = 28,
        kommunenummer: Annotated[str | None, Form(max_length=4)] = None,
        kommunenavn: Annotated[str | None, Form(max_length=100)] = None,
        syntetisk: Annotated[bool, Form()] = False,
        navn: Annotated[str, Form(max_length=200)] = "",
        sak_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
        sokere: Annotated[UploadFile | None, File(description="Søkertabell (.csv/.xlsx).")] = None,
        enheter: Annotated[UploadFile | None, File(description="Enhetstabell (.csv/.xlsx).")] = None,
        opphold: Annotated[UploadFile | None, File(description="Valgfri tabell over nåværende opphold.")] = None,
        arbeidsbok: Annotated[
            UploadFile | None, File(description="Excel-malen med arkene «sokere» og «enheter».")
        ] = None,
    ) -> JSONResponse:
        filer: dict[str, tuple[str, bytes]] = {}
        for felt, f in (("sokere", sokere), ("enheter", enheter), ("opphold", opphold), ("arbeidsbok", arbeidsbok)):
            if f is not None and f.filename is not None:
                filer[felt] = (f.filename, f.file.read())
        if "arbeidsbok" not in filer and not ("sokere" in filer and "enheter" in filer):
            raise Inndatafeil(
                [
                    Feil(
                        "forespørsel",
                        "",
                        "sokere/enheter",
                        "last opp både «sokere» og «enheter», eller én «arbeidsbok»",
                    )
                ]
            )
        sak = tjenester.les_tabeller(
            filer,
            profil=profil,
            kommunenummer=kommunenummer,
            kommunenavn=kommunenavn,
            startdato=startdato,
            horisont_dager=horisont_dager,
            syntetisk=syntetisk,
        )
        b.rorte(x.id for x in sak.sokere)
        kilde = "xlsx" if any(n.lower().endswith((".xlsx", ".xlsm")) for n, _ in filer.values()) else "csv"
        with fabrikk.begin() as s:
            if sak_id is not None:
                hent_sak(s, sak_id, b)
            try:
                v = tjenester.lagre_sak(
                    s,
                    sak,
                    navn=navn,
                    kilde=kilde,
                    filnavn=", ".join(n for n, _ in filer.values()),
                    bruker=b.navn,
                    sak_id=sak_id,
                    team=b.bruker.team,
                )
            except LookupError as exc:
                raise HTTPException(404, str(exc).capitalize() + ".") from None
            b.sak_id = v.sak_id
            ut = sak_ut(s, s.get(SakRad, v.sak_id))  # type: ignore[arg-type]
        return JSONResponse(ut, status_code=201)

    @app.post(
        "/saker/demo/{navn}",
        response_model=SakUt,
        tags=["saker"],
        status_code=201,
        summary="Last inn en demosak",
        description="Lagrer en av de syntetiske demosakene (tvedestrand eller sandefjord) som en ny sak.",
        responses=eks(SAK_EKS, "Opprettet", 201),
    )
    def demo(b: Person, navn: Literal["tvedestrand", "sandefjord"]) -> JSONResponse:
        from modeller.generator import last_demo

        sak = last_demo(navn)
        b.rorte(x.id for x in sak.sokere)
        with fabrikk.begin() as s:
            v = tjenester.lagre_sak(
                s,
                sak,
                navn=f"Demo {navn}",
                kilde="demo",
                filnavn=f"{navn}.json",
                bruker=b.navn,
                sak_id=None,
                team=b.bruker.team,
            )
            b.sak_id = v.sak_id
            ut = sak_ut(s, s.get(SakRad, v.sak_id))  # type: ignore[arg-type]
        return JSONResponse(ut, status_code=201)

    @app.get(
        "/saker/{sak_id}",
        response_model=SakUt,
        tags=["saker"],
        summary="Sak med versjoner",
        description="Metadata om saken og hver importert versjon (ingen personopplysninger). Alle roller.",
        responses=eks(SAK_EKS),
    )
    def sak(s: Ses, _b: Aggregert, sak_id: Id) -> dict[str, Any]:
        return sak_ut(s, hent_sak(s, sak_id))

    @app.get(
        "/saker/{sak_id}/versjoner/{versjon}",
        response_model=Objekt,
        tags=["saker"],
        summary="Innholdet i en saksversjon",
        description="Hele saken som importert (JSON), med personopplysninger. Saksbehandler, med formål.",
        responses=eks(eksempel_sak()),
    )
    def saksversjon(s: Ses, b: Person, sak_id: Id, versjon: Id) -> Response:
        hent_sak(s, sak_id, b)
        v = s.scalar(select(Saksversjon).where(Saksversjon.sak_id == sak_id, Saksversjon.versjon == versjon))
        if v is None:
            raise HTTPException(404, f"Versjon {versjon} av sak {sak_id} finnes ikke.")
        b.rorte(x.get("id") for x in json.loads(v.data).get("sokere", []))
        return Response(v.data, media_type="application/json")

    @app.get(
        "/saker/{sak_id}/sokere/{soker_id}",
        response_model=Objekt,
        tags=["saker"],
        summary="En søkers opplysninger",
        description="Søkerens registrerte opplysninger i nyeste saksversjon. Saksbehandler, med formål.",
        responses=eks(eksempel_sak()["sokere"][0]),
    )
    def soker(s: Ses, b: Person, sak_id: Id, soker_id: SokerId) -> dict[str, Any]:
        hent_sak(s, sak_id, b)
        v = tjenester.siste_versjon(s, sak_id)
        data = json.loads(v.data) if v else {}
        for x in data.get("sokere", []):
            if x["id"] == soker_id:
                return x
        raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i sak {sak_id}.")

    def tilgang_ut(g: Sakstilgang) -> dict[str, Any]:
        return {
            "id": g.id,
            "sak_id": g.sak_id,
            "bruker_id": g.bruker_id,
            "begrunnelse": g.begrunnelse,
            "gitt_av": g.gitt_av,
            "gitt": _iso(g.gitt),
            "utloper": _iso(g.utloper),
            "tilbakekalt": _iso(g.tilbakekalt),
            "tilbakekalt_av": g.tilbakekalt_av,
        }

    TILGANG_EKS = {
        "id": 1,
        "sak_id": 1,
        "bruker_id": 4,
        "begrunnelse": "Vikar for Kari i tildelingsmøtet uke 49.",
        "gitt_av": "ola",
        "gitt": "2026-11-27T09:00:00",
        "utloper": "2026-12-04T09:00:00",
        "tilbakekalt": None,
        "tilbakekalt_av": None,
    }

    @app.delete(
        "/saker/{sak_id}",
        response_model=Slettet,
        tags=["saker"],
        summary="Slett en sak med alt under den (admin)",
        description=(
            "Sletter saken med versjoner, låser, kjøringer (resultater og forklaringer), beslutninger og "
            "inndata-øyeblikksbilder. Begrunnelse er påkrevd; tilgangsloggen får én rad per søker i saken. "
            "Ikke mens en kjøring av saken står i kø eller går (409)."
        ),
        responses=eks(
            {"sak_id": 1, "slettet": True, "sokere": 49},
            ekstra={409: {"model": Feilsvar, "description": "Kjøring i gang."}},
        ),
    )
    def slett(
        request: Request,
        s: Ses,
        a: Admin,
        sak_id: Id,
        begrunnelse: Annotated[TryggTekst, Query(min_length=10, max_length=500, description="Hvorfor saken slettes.")],
    ) -> dict[str, Any]:
        hent_sak(s, sak_id)
        try:
            n = slett_sak(
                s, sak_id, bruker=a.navn, rolle=a.rolle, grunn=begrunnelse, sti=request.url.path, metode="DELETE"
            )
        except SakIBruk as exc:
            raise HTTPException(409, str(exc).capitalize() + ".") from None
        s.commit()
        return {"sak_id": sak_id, "slettet": True, "sokere": n}

    @app.put(
        "/saker/{sak_id}/team",
        response_model=SakUt,
        tags=["saker"],
        summary="Flytt en sak til et annet team (admin)",
        description=(
            "Bare saksbehandlere i teamet (eller med tidsbegrenset tilgang) kan lese sakens personopplysninger."
        ),
        responses=eks(SAK_EKS | {"team": "Tildelingskontoret nord"}),
    )
    def sak_team(request: Request, s: Ses, a: Admin, sak_id: Id, inn: TeamInn) -> dict[str, Any]:
        rad = hent_sak(s, sak_id)
        gammelt, rad.team = rad.team, " ".join(inn.team.split())
        s.commit()
        hva = f"flyttet sak {sak_id} fra teamet «{gammelt}» til «{rad.team}»"
        logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=hva, sak_id=sak_id)
        return sak_ut(s, rad)

    @app.post(
        "/saker/{sak_id}/tilganger",
        response_model=TilgangUt,
        tags=["saker"],
        status_code=201,
        summary="Gi en saksbehandler utenfor teamet tilgang til saken (admin)",
        description="Tidsbegrenset (høyst 90 dager), med begrunnelse (det tjenstlige behovet). Logges, og hver "
        "lesing gjennom tilgangen merkes i tilgangsloggen.",
        responses=eks(TILGANG_EKS, "Opprettet", 201),
    )
    def gi_tilgang(request: Request, s: Ses, a: Admin, sak_id: Id, inn: SakstilgangInn) -> JSONResponse:
        hent_sak(s, sak_id)
        b = s.get(Bruker, inn.bruker_id)
        if b is None or b.rolle != Rolle.SAKSBEHANDLER:
            raise HTTPException(404, f"Fant ingen saksbehandler med id {inn.bruker_id}.")
        g = Sakstilgang(
            sak_id=sak_id,
            bruker_id=b.id,
            begrunnelse=inn.begrunnelse,
            gitt_av=a.navn,
            utloper=naa() + timedelta(days=inn.dager),
        )
        s.add(g)
        s.commit()
        hva = f"ga «{b.navn}» tilgang {g.id} til sak {sak_id} i {inn.dager} dager: {inn.begrunnelse}"
        logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=hva, sak_id=sak_id)
        return JSONResponse(tilgang_ut(g), status_code=201)

    @app.get(
        "/saker/{sak_id}/tilganger",
        response_model=list[TilgangUt],
        tags=["saker"],
        summary="Tilganger til saken utenfor teamet (admin)",
        description="Alle tilganger som er gitt, også utløpte og tilbakekalte.",
        responses=eks([TILGANG_EKS]),
    )
    def tilganger(s: Ses, _a: Admin, sak_id: Id) -> list[dict[str, Any]]:
        hent_sak(s, sak_id)
        q = select(Sakstilgang).where(Sakstilgang.sak_id == sak_id).order_by(Sakstilgang.id)
        return [tilgang_ut(g) for g in s.scalars(q)]

    @app.delete(
        "/saker/{sak_id}/tilganger/{tilgang_id}",
        response_model=TilgangUt,
        tags=["saker"],
        summary="Tilbakekall en tilgang (admin)",
        description="Tilgangen slutter å gjelde straks. Logges.",
        responses=eks(TILGANG_EKS | {"tilbakekalt": "2026-11-28T09:00:00", "tilbakekalt_av": "ola"}),
    )
    def tilbakekall_tilgang(request: Request, s: Ses, a: Admin, sak_id: Id, tilgang_id: Id) -> dict[str, Any]:
        g = s.get(Sakstilgang, tilgang_id)
        if g is None or g.sak_id != sak_id:
            raise HTTPException(404, f"Tilgangen {tilgang_id} finnes ikke i sak {sak_id}.")
        if g.tilbakekalt is None:
            g.tilbakekalt, g.tilbakekalt_av = naa(), a.navn
            s.commit()
            logg(request, a, "brukeradmin", "tilgangsstyring", "ok", hva=f"tilbakekalte tilgang {g.id}", sak_id=sak_id)
        return tilgang_ut(g)

    # --- låser

    def laas_ut(r: LaasRad) -> dict[str, Any]:
        return {
            "id": r.id,
            "sak_id": r.sak_id,
            "soker_id": r.soker_id,
            "type": r.type,
            "enhet_id": r.enhet_id,
            "begrunnelse": r.begrunnelse,
            "opprettet_av": r.opprettet_av,
            "opprettet": _iso(r.opprettet),
            "aktiv": r.aktiv,
            "fjernet_av": r.fjernet_av,
            "fjernet": _iso(r.fjernet),
            "fjernet_begrunnelse": r.fjernet_begrunnelse,
        }

    LAAS_EKS = {
        "id": 1,
        "sak_id": 1,
        "soker_id": "S-000014",
        "type": "tildel",
        "enhet_id": "E-STR-1",
        "begrunnelse": "Tildelingsmøtet 27.11.",
        "opprettet_av": "kari",
        "opprettet": "2026-11-27T10:00:00",
        "aktiv": True,
        "fjernet_av": None,
        "fjernet": None,
        "fjernet_begrunnelse": None,
    }

    @app.get(
        "/saker/{sak_id}/laaser",
        response_model=list[LaasUt],
        tags=["låser"],
        summary="List låser og overstyringer",
        description="Alle låser for saken, også fjernede (hvem, når, hvorfor). Saksbehandler, med formål.",
        responses=eks([LAAS_EKS]),
    )
    def laaser(s: Ses, b: Person, sak_id: Id) -> list[dict[str, Any]]:
        hent_sak(s, sak_id, b)
        rader = s.scalars(select(LaasRad).where(LaasRad.sak_id == sak_id).order_by(LaasRad.id)).all()
        b.rorte(r.soker_id for r in rader)
        return [laas_ut(r) for r in rader]

    @app.post(
        "/saker/{sak_id}/laaser",
        response_model=LaasUt,
        tags=["låser"],
        status_code=201,
        summary="Sett lås eller overstyring",
        description=(
            "`tildel`: søkeren skal ha plass på enheten; `ikke_tildel`: søkeren skal ikke ha plass (på enheten, "
            "eller i det hele tatt uten `enhet_id`). Kontrolleres mot nyeste saksversjon og de andre låsene; "
            "brukes ved neste kjøring. Begrunnelse er påkrevd."
        ),
        responses=eks(LAAS_EKS, "Opprettet", 201),
    )
    def ny_laas(s: Ses, b: Person, sak_id: Id, inn: LaasInn) -> JSONResponse:
        hent_sak(s, sak_id, b)
        b.rorte([inn.soker_id])
        v = tjenester.siste_versjon(s, sak_id)
        if v is None:
            raise HTTPException(404, f"Saken {sak_id} har ingen versjoner.")
        laas = {
            "soker_id": inn.soker_id,
            "type": inn.type,
            "enhet_id": inn.enhet_id,
            "begrunnelse": inn.begrunnelse,
            "laast_av": b.navn[:100],
        }
        tjenester.effektiv_sak(s, v, ekstra_laas=laas)
        r = LaasRad(
            sak_id=sak_id,
            soker_id=inn.soker_id,
            type=inn.type,
            enhet_id=inn.enhet_id,
            begrunnelse=inn.begrunnelse,
            opprettet_av=b.navn,
        )
        s.add(r)
        s.commit()
        return JSONResponse(laas_ut(r), status_code=201)

    @app.delete(
        "/saker/{sak_id}/laaser/{laas_id}",
        response_model=LaasUt,
        tags=["låser"],
        summary="Fjern lås",
        description="Setter låsen inaktiv (raden beholdes med hvem, når og hvorfor den ble fjernet).",
        responses=eks(
            {
                **LAAS_EKS,
                "aktiv": False,
                "fjernet_av": "kari",
                "fjernet": "2026-11-27T11:00:00",
                "fjernet_begrunnelse": "Søker trakk ønsket.",
            }
        ),
    )
    def fjern_laas(s: Ses, b: Person, sak_id: Id, laas_id: Id, inn: Annotated[LaasFjern, Body()]) -> dict[str, Any]:
        hent_sak(s, sak_id, b)
        r = s.get(LaasRad, laas_id)
        if r is None or r.sak_id != sak_id:
            raise HTTPException(404, f"Låsen {laas_id} finnes ikke i sak {sak_id}.")
        b.rorte([r.soker_id])
        if r.aktiv:
            r.aktiv, r.fjernet_av, r.fjernet, r.fjernet_begrunnelse = False, b.navn, naa(), inn.begrunnelse
            s.commit()
        return laas_ut(r)

    # --- kjøringer

    def opprett_kjoring(
        s: Session,
        b: Tilgang,
        sak_id: Id,
        versjon: Saksversjon,
        inndata: str,
        sha: str,
        parametre: dict[str, Any],
        art: str,
        foreldre: int | None,
        advarsler: list[str] | None = None,
    ) -> Kjoring:
        from allokering import __version__
        from modeller.sak import Sak

        aktive = s.scalar(select(func.count()).select_from(Kjoring).where(Kjoring.status == "queued")) or 0
        if aktive >= MAKS_I_KO:
            raise HTTPException(429, f"For mange kjøringer i kø ({aktive}); prøv igjen senere.")
        sak_ = Sak.model_validate_json(inndata, context={"utsett_kryssjekk": True})
        bilde = s.scalar(select(Inndatabilde).where(Inndatabilde.sak_id == sak_id, Inndatabilde.sha256 == sha))
        if bilde is None:  # stored once per case and content: a new version or new locks
            try:
                with s.begin_nested():
                    bilde = Inndatabilde(sak_id=sak_id, sha256=sha, data=inndata)
                    s.add(bilde)
            except IntegrityError:  # stored by a concurrent request in the meantime
                bilde = s.scalar(select(Inndatabilde).where(Inndatabilde.sak_id == sak_id, Inndatabilde.sha256 == sha))
                assert bilde is not None
        k = Kjoring(
            sak_id=sak_id,
            saksversjon_id=versjon.id,
            foreldre_id=foreldre,
            art=art,
            status="queued",
            fremdrift=0.0,
            fase="i kø",
            input_sha256=sha,
            inndatabilde_id=bilde.id,
            advarsler=advarsler or None,
            regelprofil=sak_.profil.id,
            vekter=sak_.profil.vekter.model_dump(mode="json"),
            parametre=parametre,
            motorversjon=__version__,
            instans=koordinator.instans,
            bestilt_av=b.navn,
        )
        s.add(k)
        s.commit()
        b.sak_id, b.kjoring_id = sak_id, k.id
        b.rorte(x.id for x in sak_.sokere)
        koordinator.send_inn(k.id)
        return k

    @app.post(
        "/saker/{sak_id}/kjoringer",
        response_model=KjoringUt,
        tags=["kjøringer"],
        status_code=202,
        summary="Start en kjøring (løsejobb)",
        description=(
            "Lager et øyeblikksbilde av saksversjonen med møtets aktive låser, og starter løsingen som en jobb i "
            "prosessbassenget. Svarer straks med jobbens id; følg den med `GET /kjoringer/{id}`. Samme endepunkt "
            "brukes for å løse på nytt etter nye låser. Saksbehandler eller planlegger."
        ),
        responses=eks(KJORING_EKS | {"status": "queued"}, "Startet", 202),
    )
    def start_kjoring(
        s: Ses, b: Kjorer, sak_id: Id, bestilling: Annotated[KjoringBestilling | None, Body()] = None
    ) -> JSONResponse:
        bestilling = bestilling or KjoringBestilling()
        hent_sak(s, sak_id, b)
        if bestilling.versjon is None:
            v = tjenester.siste_versjon(s, sak_id)
        else:
            v = s.scalar(
                select(Saksversjon).where(Saksversjon.sak_id == sak_id, Saksversjon.versjon == bestilling.versjon)
            )
        if v is None:
            raise HTTPException(404, f"Fant ikke saksversjonen for sak {sak_id}.")
        sak_, advarsler = tjenester.effektiv_sak_med_advarsler(s, v)
        inndata, sha = tjenester.snapshot(sak_)
        k = opprett_kjoring(s, b, sak_id, v, inndata, sha, bestilling.parametre.model_dump(), "ny", None, advarsler)
        return JSONResponse(_kjoring_ut(k), status_code=202)

    @app.post(
        "/kjoringer/{kjoring_id}/reproduser",
        response_model=KjoringUt,
        tags=["kjøringer"],
        status_code=202,
        summary="Reproduser en kjøring",
        description=(
            "Starter en ny jobb med nøyaktig det lagrede øyeblikksbildet og de lagrede parametrene (uten dagens "
            "låser). Med deterministiske parametre gir den samme tildelinger og målverdier."
        ),
        responses=eks(KJORING_EKS | {"status": "queued", "art": "reproduksjon", "foreldre_id": 7}, "Startet", 202),
    )
    def reproduser(s: Ses, b: Kjorer, kjoring_id: Id) -> JSONResponse:
        gammel = hent_kjoring(s, kjoring_id, b)
        v = s.get(Saksversjon, gammel.saksversjon_id)
        assert v is not None
        k = opprett_kjoring(
            s,
            b,
            gammel.sak_id,
            v,
            gammel.inndata,
            gammel.input_sha256,
            dict(gammel.parametre),
            "reproduksjon",
            gammel.id,
        )
        return JSONResponse(_kjoring_ut(k), status_code=202)

    @app.get(
        "/kjoringer",
        response_model=SideUt[KjoringUt],
        tags=["kjøringer"],
        summary="List kjøringer",
        description="Kjøringer med status og målverdier (ingen personopplysninger). Filtrer på sak og status.",
        responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [KJORING_EKS]}),
    )
    def kjoringer(
        s: Ses,
        _b: Aggregert,
        sak_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        status: Annotated[Literal["queued", "running", "done", "failed", "cancelled"] | None, Query()] = None,
        side: Side = 1,
        per_side: PerSide = 100,
    ) -> dict[str, Any]:
        q = select(Kjoring)
        if sak_id is not None:
            q = q.where(Kjoring.sak_id == sak_id)
        if status is not None:
            q = q.where(Kjoring.status == status)
        antall = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rader = s.scalars(q.order_by(Kjoring.id.desc()).offset((side - 1) * per_side).limit(per_side))
        return side_ut([_kjoring_ut(k) for k in rader], antall, side, per_side)

    @app.get(
        "/kjoringer/{kjoring_id}",
        response_model=KjoringUt,
        tags=["kjøringer"],
        summary="Status for en kjøring",
        description=(
            "Status (queued/running/done/failed/cancelled), fremdrift 0–1, "
            "fase, beste løsning hittil, målverdier og tider."
        ),
        responses=eks(KJORING_EKS),
    )
    def kjoring(s: Ses, _b: Aggregert, kjoring_id: Id) -> dict[str, Any]:
        return _kjoring_ut(hent_kjoring(s, kjoring_id))

    @app.get(
        "/kjoringer/{kjoring_id}/feil",
        response_model=Kjoringsfeil,
        tags=["kjøringer"],
        summary="Hele feilmeldingen for en kjøring",
        description=(
            "Feilmeldingen slik løseren skrev den (kan nevne søkere, f.eks. hvorfor en lås ikke kan holde). "
            "Saksbehandler med tilgang til saken, med formål; søkerne som nevnes, logges."
        ),
        responses=eks({"kjoring_id": 7, "status": "failed", "feilmelding": "Feil i låsene: …"}),
    )
    def kjoringsfeil(s: Ses, b: Person, kjoring_id: Id) -> dict[str, Any]:
        k = hent_kjoring(s, kjoring_id, b)
        if k.feilmelding:
            b.rorte(re.findall(r"\b[A-ZÆØÅ]{1,3}-\d{3,}\b", k.feilmelding))
        return {"kjoring_id": k.id, "status": k.status, "feilmelding": k.feilmelding}

    @app.delete(
        "/kjoringer/{kjoring_id}",
        response_model=KjoringUt,
        tags=["kjøringer"],
        status_code=202,
        summary="Stopp en kjøring",
        description=(
            "En kjøring i kø avbrytes straks; en som går, stoppes (status blir «cancelled» i løpet av kort tid)."
        ),
        responses=eks(KJORING_EKS | {"status": "running", "avbryt_bedt": True}, "Stopp bestilt", 202),
    )
    def stopp_kjoring(s: Ses, b: Kjorer, kjoring_id: Id) -> JSONResponse:
        k = hent_kjoring(s, kjoring_id, b)
        if b.bruker.rolle != Rolle.SAKSBEHANDLER and k.bestilt_av != b.navn:
            raise HTTPException(
                403, f"Kjøringen {kjoring_id} ble bestilt av en annen; en planlegger kan bare stoppe sine egne."
            )
        if k.status in TERMINALE:
            raise HTTPException(409, f"Kjøringen {kjoring_id} er allerede avsluttet (status «{k.status}»).")
        koordinator.avbryt(kjoring_id)
        s.expire_all()
        return JSONResponse(_kjoring_ut(hent_kjoring(s, kjoring_id)), status_code=202)

    RESULTAT_EKS: dict[str, Any] = {
        "kjoring_id": 7,
        "status": "OPTIMAL",
        "input_sha256": "9f2c…",
        "objective": {"plassering": {"value": 381265, "bound": 381265, "proven": True}},
        "assignments": [
            {"applicant_id": "S-000028", "unit_id": "E-OSV-1", "start_date": "2026-11-30", "end_date": "2026-12-27"}
        ],
        "waiting_list": [
            {"position": 1, "applicant_id": "S-000014", "service": "langtid", "priority": 470, "waiting_days": 21}
        ],
        "unit_marginal_value": {"E-STR-1": 520},
        "ukp": {"days": 69, "cost_nok": 396405},
    }

    @app.get(
        "/kjoringer/{kjoring_id}/resultat",
        response_model=Resultat,
        tags=["kjøringer"],
        summary="Hele resultatet",
        description=(
            "RESULT.json for kjøringen: tildelinger, venteliste, forklaringer, "
            "marginalverdier, ektepar, UKP. Saksbehandler, med formål."
        ),
        responses=eks(RESULTAT_EKS),
    )
    def resultat(s: Ses, b: Person, kjoring_id: Id) -> dict[str, Any]:
        k = ferdig_kjoring(s, kjoring_id, b)
        b.rorte(resultatets_sokere(k.resultat or {}))
        return {"kjoring_id": k.id, **(k.resultat or {})}

    @app.get(
        "/kjoringer/{kjoring_id}/tildelinger",
        response_model=SideUt[Objekt],
        tags=["kjøringer"],
        summary="Tildelinger",
        description="Foreslåtte tildelinger (søker, enhet, datoer, prioritet), sidevis. Saksbehandler, med formål.",
        responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": [RESULTAT_EKS["assignments"][0]]}),
    )
    def tildelinger(s: Ses, b: Person, kjoring_id: Id, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
        k = ferdig_kjoring(s, kjoring_id, b)
        alle = (k.resultat or {}).get("assignments", [])
        b.rorte(x.get("applicant_id") for x in alle[(side - 1) * per_side : side * per_side])
        return side_ut(alle[(side - 1) * per_side : side * per_side], len(alle), side, per_side)

    @app.get(
        "/kjoringer/{kjoring_id}/venteliste",
        response_model=SideUt[Objekt],
        tags=["kjøringer"],
        summary="Venteliste",
        description=(
            "Kvalifiserte søkere uten plass, etter prioritet (ventetid bryter bare likhet). Saksbehandler, med formål."
        ),
        responses=eks({"antall": 1, "side": 1, "per_side": 100, "elementer": RESULTAT_EKS["waiting_list"]}),
    )
    def venteliste(s: Ses, b: Person, kjoring_id: Id, side: Side = 1, per_side: PerSide = 100) -> dict[str, Any]:
        k = ferdig_kjoring(s, kjoring_id, b)
        alle = (k.resultat or {}).get("waiting_list", [])
        b.rorte(x.get("applicant_id") for x in alle[(side - 1) * per_side : side * per_side])
        return side_ut(alle[(side - 1) * per_side : side * per_side], len(alle), side, per_side)

    @app.get(
        "/kjoringer/{kjoring_id}/forklaringer/{soker_id}",
        response_model=Objekt,
        tags=["kjøringer"],
        summary="Forklaring for én søker",
        description=(
            "Utfall, hver regel med status, kildeseksjon og lovhjemmel, prioritet og "
            "begrunnelse til vedtaket. Saksbehandler, med formål."
        ),
        responses=eks(
            {
                "applicant_id": "S-000014",
                "service": "langtid",
                "outcome": "venteliste",
                "text_nb": "Søkeren fyller vilkårene …",
                "rules": [],
            }
        ),
    )
    def forklaring(s: Ses, b: Person, kjoring_id: Id, soker_id: SokerId) -> dict[str, Any]:
        ferdig_kjoring(s, kjoring_id, b)
        r = s.scalar(
            select(ForklaringRad).where(ForklaringRad.kjoring_id == kjoring_id, ForklaringRad.soker_id == soker_id)
        )
        if r is None:
            raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i kjøring {kjoring_id}.")
        return r.data

    @app.get(
        "/kjoringer/{kjoring_id}/marginalverdier",
        response_model=Marginalverdier,
        tags=["kjøringer"],
        summary="Verdien av én ekstra plass per enhet",
        description=(
            "Hvor mye målfunksjonen (nivå 1) ville økt med én ekstra plass på hver enhet. Aggregert; alle roller."
        ),
        responses=eks({"kjoring_id": 7, "enheter": [{"enhet_id": "E-STR-1", "verdi": 520}]}),
    )
    def marginalverdier(s: Ses, _b: Aggregert, kjoring_id: Id) -> dict[str, Any]:
        k = ferdig_kjoring(s, kjoring_id)
        mv = (k.resultat or {}).get("unit_marginal_value", {})
        return {"kjoring_id": k.id, "enheter": [{"enhet_id": u, "verdi": v} for u, v in mv.items()]}

    @app.get(
        "/kjoringer/{kjoring_id}/eksport",
        tags=["kjøringer"],
        summary="Eksporter resultatet (Excel eller CSV)",
        description=(
            "`format=xlsx`: arkene Tildelinger, Venteliste, Forklaringer, Enheter. "
            "`format=csv`: én rad per søker (semikolon, UTF-8). Saksbehandler, med formål."
        ),
        responses={
            200: {
                "description": "Filen",
                "content": {
                    "text/csv": {
                        "example": "søker;tjeneste;utfall;enhet;institusjon;fra;til;prioritet;venteplass;begrunnelse\n"
                    },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "example": "(binær Excel-fil)"
                    },
                },
            },
            **FEILSVAR,
        },
    )
    def eksport(
        s: Ses, b: Person, kjoring_id: Id, format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx"
    ) -> Response:
        k = ferdig_kjoring(s, kjoring_id, b)
        b.rorte(resultatets_sokere(k.resultat or {}))
        if format == "csv":
            return Response(
                tjenester.eksport_csv(k.resultat or {}),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="kjoring-{k.id}.csv"'},
            )
        return Response(
            tjenester.eksport_xlsx(k.resultat or {}),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="kjoring-{k.id}.xlsx"'},
        )

    # --- beslutninger

    def beslutning_ut(r: Beslutning) -> dict[str, Any]:
        return {
            "id": r.id,
            "sak_id": r.sak_id,
            "soker_id": r.soker_id,
            "kjoring_id": r.kjoring_id,
            "utfall": r.utfall,
            "enhet_id": r.enhet_id,
            "startdato": _iso(r.startdato),
            "begrunnelse": r.begrunnelse,
            "besluttet_av": r.besluttet_av,
            "besluttet": _iso(r.besluttet),
            "gjeldende": r.gjeldende,
        }

    BESLUTNING_EKS = {
        "id": 1,
        "sak_id": 1,
        "soker_id": "S-000014",
        "kjoring_id": 7,
        "utfall": "tildelt",
        "enhet_id": "E-STR-1",
        "startdato": "2026-12-01",
        "begrunnelse": "Vedtatt i tildelingsmøtet.",
        "besluttet_av": "kari",
        "besluttet": "2026-11-27T11:00:00",
        "gjeldende": True,
    }

    @app.put(
        "/saker/{sak_id}/beslutninger/{soker_id}",
        response_model=BeslutningUt,
        tags=["beslutninger"],
        summary="Registrer møtets beslutning for en søker",
        description=(
            "Lagrer tildelingsmøtets endelige beslutning (hvem, når, hvorfor). En ny "
            "beslutning erstatter den forrige, som beholdes i historikken."
        ),
        responses=eks(BESLUTNING_EKS),
    )
    def beslutt(s: Ses, b: Person, sak_id: Id, soker_id: SokerId, inn: BeslutningInn) -> dict[str, Any]:
        hent_sak(s, sak_id, b)
        v = tjenester.siste_versjon(s, sak_id)
        data = json.loads(v.data) if v else {}
        if soker_id not in {x["id"] for x in data.get("sokere", [])}:
            raise HTTPException(404, f"Søkeren «{soker_id}» finnes ikke i sak {sak_id}.")
        if inn.utfall == "tildelt" and not inn.enhet_id:
            raise Inndatafeil([Feil("forespørsel", "", "enhet_id", "en beslutning om tildeling må oppgi enhet_id")])
        if inn.enhet_id and inn.enhet_id not in {e["id"] for e in data.get("enheter", [])}:
            raise Inndatafeil([Feil("forespørsel", "", "enhet_id", f"ukjent enhet «{inn.enhet_id}»")])
        if inn.kjoring_id is not None:
            k = s.get(Kjoring, inn.kjoring_id)
            if k is None or k.sak_id != sak_id:
                raise Inndatafeil(
                    [Feil("forespørsel", "", "kjoring_id", f"kjøringen {inn.kjoring_id} hører ikke til sak {sak_id}")]
                )
        s.execute(
            update(Beslutning)
            .where(Beslutning.sak_id == sak_id, Beslutning.soker_id == soker_id)
            .values(gjeldende=False)
        )
        r = Beslutning(
            sak_id=sak_id,
            soker_id=soker_id,
            kjoring_id=inn.kjoring_id,
            utfall=inn.utfall,
            enhet_id=inn.enhet_id,
            startdato=inn.startdato,
            begrunnelse=inn.begrunnelse,
            besluttet_av=b.navn,
            gjeldende=True,
        )
        s.add(r)
        s.commit()
        return beslutning_ut(r)

    @app.get(
        "/saker/{sak_id}/beslutninger",
        response_model=list[BeslutningUt],
        tags=["beslutninger"],
        summary="Møtets beslutninger",
        description="Gjeldende beslutning per søker (med `historikk=true` også tidligere). Saksbehandler, med formål.",
        responses=eks([BESLUTNING_EKS]),
    )
    def beslutninger(s: Ses, b: Person, sak_id: Id, historikk: bool = False) -> list[dict[str, Any]]:
        hent_sak(s, sak_id, b)
        q = select(Beslutning).where(Beslutning.sak_id == sak_id)
        if not historikk:
            q = q.where(Beslutning.gjeldende.is_(True))
        rader = s.scalars(q.order_by(Beslutning.soker_id, Beslutning.id)).all()
        b.rorte(r.soker_id for r in rader)
        return [beslutning_ut(r) for r in rader]

    # --- dashbord

    KjoringQ = Annotated[int, Query(ge=1, le=2**31 - 1, description="Kjøringen tallene gjelder.")]

    @app.get(
        "/dashbord/belegg",
        response_model=Belegg,
        tags=["dashbord"],
        summary="Belegg per enhet over tid",
        description=(
            "Belagte plasser og beleggsprosent per enhet per dag i horisonten "
            "(nåværende opphold + foreslåtte tildelinger). Aggregert."
        ),
        responses=eks(
            {
                "kjoring_id": 7,
                "startdato": "2026-11-30",
                "horisont_dager": 28,
                "steg_dager": 7,
                "enheter": [
                    {
                        "enhet_id": "E-STR-1",
                        "navn": "Strannasenteret – langtidsavdeling 1",
                        "institusjon": "Strannasenteret",
                        "plasstype": "langtid_somatisk",
                        "kapasitet": 12,
                        "dager": [{"dato": "2026-11-30", "belagt": 12, "belegg": 1.0}],
                    }
                ],
            }
        ),
    )
    def dash_belegg(
        s: Ses, _b: Aggregert, kjoring_id: KjoringQ, steg: Annotated[int, Query(ge=1, le=366)] = 1
    ) -> dict[str, Any]:
        return tjenester.belegg(ferdig_kjoring(s, kjoring_id), steg)

    @app.get(
        "/dashbord/venteliste",
        response_model=VentelisteGrupper,
        tags=["dashbord"],
        summary="Venteliste etter prioritet",
        description="Antall på venteliste per tjeneste og prioritetsintervall. Aggregert.",
        responses=eks(
            {
                "kjoring_id": 7,
                "prioritetsintervall": 100,
                "totalt": 3,
                "grupper": [{"tjeneste": "langtid", "prioritet_fra": 400, "prioritet_til": 499, "antall": 2}],
            }
        ),
    )
    def dash_venteliste(
        s: Ses, _b: Aggregert, kjoring_id: KjoringQ, intervall: Annotated[int, Query(ge=1, le=100000)] = 100
    ) -> dict[str, Any]:
        return tjenester.venteliste_etter_prioritet(ferdig_kjoring(s, kjoring_id), intervall)

    @app.get(
        "/dashbord/ventetid",
        response_model=Ventetider,
        tags=["dashbord"],
        summary="Ventetider",
        description=(
            "Per tjeneste: dager ventet så langt for dem på venteliste, og dager "
            "fra søknad til plass for dem som får plass. Aggregert."
        ),
        responses=eks(
            {
                "kjoring_id": 7,
                "tjenester": [
                    {
                        "tjeneste": "langtid",
                        "venter_naa": {"antall": 3, "gjennomsnitt": 30.3, "median": 21, "maks": 48},
                        "tid_til_plass": {"antall": 4, "gjennomsnitt": 40.0, "median": 38, "maks": 70},
                    }
                ],
            }
        ),
    )
    def dash_ventetid(s: Ses, _b: Aggregert, kjoring_id: KjoringQ) -> dict[str, Any]:
        return tjenester.ventetider(ferdig_kjoring(s, kjoring_id))

    @app.get(
        "/dashbord/ukp",
        response_model=Ukp,
        tags=["dashbord"],
        summary="UKP-døgn og kostnad",
        description=(
            "Utskrivningsklare pasienter: døgn i sykehus i planperioden og "
            "kostnaden, per fullført kjøring av saken. Aggregert."
        ),
        responses=eks(
            {
                "sak_id": 1,
                "kjoringer": [
                    {"kjoring_id": 7, "tidspunkt": "2026-11-27T09:00:00", "ukp_dogn": 69, "kostnad_nok": 396405}
                ],
            }
        ),
    )
    def dash_ukp(s: Ses, _b: Aggregert, sak_id: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> dict[str, Any]:
        hent_sak(s, sak_id)
        return tjenester.ukp(s, sak_id)

    # --- tilgangslogg

    @app.get(
        "/tilgangslogg",
        response_model=SideUt[LoggRad],
        tags=["tilgangslogg"],
        summary="Søk i tilgangsloggen (admin)",
        description=(
            "Hvem leste eller skrev personopplysninger, med rolle, hva, når og "
            "formål. Filtrer på bruker, søker, sak og tidsrom."
        ),
        responses=eks(
            {
                "antall": 1,
                "side": 1,
                "per_side": 100,
                "elementer": [
                    {
                        "id": 1,
                        "tidspunkt": "2026-11-27T10:00:00",
                        "bruker": "kari",
                        "rolle": "saksbehandler",
                        "handling": "les",
                        "hva": "En søkers opplysninger",
                        "metode": "GET",
                        "sti": "/saker/1/sokere/S-000014",
                        "sak_id": 1,
                        "kjoring_id": None,
                        "soker_id": "S-000014",
                        "formal": "tildelingsmøte",
                        "utfall": "ok",
                        "hash": "5e0c…",
                    }
                ],
            }
        ),
    )
    def tilgangslogg(
        s: Ses,
        _a: Admin,
        bruker: Annotated[str | None, Query(max_length=100)] = None,
        handling: Annotated[
            str | None, Query(max_length=20, description="les, skriv, kjøring, innlogging, brukeradmin …")
        ] = None,
        soker_id: Annotated[str | None, Query(max_length=64)] = None,
        sak_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        fra: datetime | None = None,
        til: datetime | None = None,
        side: Side = 1,
        per_side: PerSide = 100,
    ) -> dict[str, Any]:
        q = select(Tilgangslogg)
        if bruker:
            q = q.where(Tilgangslogg.bruker == bruker)
        if handling:
            q = q.where(Tilgangslogg.handling == handling)
        if soker_id:
            q = q.where(Tilgangslogg.soker_id == soker_id)
        if sak_id is not None:
            q = q.where(Tilgangslogg.sak_id == sak_id)
        if fra is not None:
            q = q.where(Tilgangslogg.tidspunkt >= fra.replace(tzinfo=None))
        if til is not None:
            q = q.where(Tilgangslogg.tidspunkt <= til.replace(tzinfo=None))
        antall = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rader = s.scalars(q.order_by(Tilgangslogg.id.desc()).offset((side - 1) * per_side).limit(per_side))
        return side_ut(
            [
                {
                    "id": r.id,
                    "tidspunkt": _iso(r.tidspunkt),
                    "bruker": r.bruker,
                    "rolle": r.rolle,
                    "handling": r.handling,
                    "hva": r.hva,
                    "metode": r.metode,
                    "sti": r.sti,
                    "sak_id": r.sak_id,
                    "kjoring_id": r.kjoring_id,
                    "soker_id": r.soker_id,
                    "formal": r.formal,
                    "utfall": r.utfall,
                    "hash": r.hash,
                }
                for r in rader
            ],
            antall,
            side,
            per_side,
        )

    @app.get(
        "/tilgangslogg/verifiser",
        response_model=VerifiseringUt,
        tags=["tilgangslogg"],
        summary="Kontroller hash-kjeden (admin)",
        description=(
            "Regner kjeden av hasher over hele tilgangsloggen på nytt. En endret, innsatt eller slettet rad "
            "bryter kjeden ved den raden. Noter `siste_hash` utenfor databasen for å kunne avsløre at hele "
            "loggen er skrevet om."
        ),
        responses=eks({"ok": True, "antall": 1200, "siste_hash": "5e0c…", "melding": "kjeden er hel: 1200 rader"}),
    )
    def verifiser_logg(s: Ses, _a: Admin) -> dict[str, Any]:
        v = verifiser(s)
        return {
            "ok": v.ok,
            "antall": v.antall,
            "siste_hash": v.siste_hash,
            "melding": v.melding,
            "brudd_ved_id": v.brudd_ved_id,
        }

    __import__("api.web.sider", fromlist=["monter"]).monter(app)  # the web pages (api/web)
    return app


def _app_fra_miljo() -> FastAPI:  # pragma: no cover - for `uvicorn --factory api.app:_app_fra_miljo`
    return lag_app()
