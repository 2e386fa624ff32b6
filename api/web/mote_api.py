"""What the meeting page needs beyond the core API (all personal data: saksbehandler with a purpose, logged):

* ``GET /saker/{sak_id}/laaser/oversikt``: every lock of the case, whatever its source — the locks stored in the
  case file (newest version; who set them and why as far as the file says, when = when the version was imported)
  and the meeting's own locks (active and removed, with who, when and why).
* ``GET /saker/{sak_id}/laasvalg/{soker_id}``: the units a lock «skal ha plass på enheten» can name for the søker:
  the søker is eligible for the unit and the unit has a free place on at least one day of the horizon (after the
  case's other «tildel» locks to it); the units left out are counted per reason, in plain words.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from allokering.kandidater import kapasitetsprofil, saksindeks
from allokering.regler import kvalifiser
from allokering.resultatformat import Laas, Maalverdi
from api import tjenester
from api.db import Beslutning, LaasRad, Moteavslutning
from api.dependencies import Id, Person, Ses, SokerId, ferdig_kjoring, hent_sak
from api.resultat import les_resultat
from api.rutere.felles import analyser_ferdig
from api.schemas import eks
from modeller.kodeverk import Laastype
from modeller.lasting import Inndatafeil

ruter = APIRouter(tags=["låser"])


class LaasOversikt(BaseModel):
    kilde: str
    id: int | None
    nr: int | None
    soker_id: str
    type: str
    enhet_id: str | None
    begrunnelse: str
    opprettet_av: str
    opprettet: str | None
    aktiv: bool
    fjernet_av: str | None = None
    fjernet: str | None = None
    fjernet_begrunnelse: str | None = None
    versjon: int | None = None


class LaasEnhet(BaseModel):
    enhet_id: str
    navn: str
    plasstype: str
    ledige_dager: int
    naverende: bool


class Utelatt(BaseModel):
    grunn: str
    antall: int
    enheter: list[str]


class Laasvalg(BaseModel):
    soker_id: str
    tjeneste: str
    kvalifisert: bool
    enheter: list[LaasEnhet]
    utelatt: list[Utelatt]
    hindringer: list[str]


def _iso(x: Any) -> str | None:
    return None if x is None else x.isoformat(timespec="seconds")


@ruter.get(
    "/saker/{sak_id}/laaser/oversikt",
    response_model=list[LaasOversikt],
    summary="Alle låser i saken, fra saksfilen og fra møtet",
    description=(
        "Låsene i saksfilen (nyeste versjon; `kilde` = `saksfil`, `nr` = plass i filens liste) og møtets låser "
        "(`kilde` = `møtet`, også fjernede), med hvem, hvorfor og når. Saksbehandler, med formål."
    ),
    responses=eks(
        [
            {
                "kilde": "saksfil",
                "id": None,
                "nr": 0,
                "soker_id": "S-000227",
                "type": "ikke_tildel",
                "enhet_id": None,
                "begrunnelse": "Søker ønsker å vente.",
                "opprettet_av": "tildelingsmøtet",
                "opprettet": "2026-12-04T10:00:00",
                "aktiv": True,
                "versjon": 1,
            }
        ]
    ),
)
def laaser_oversikt(s: Ses, b: Person, sak_id: Id) -> list[dict[str, Any]]:
    hent_sak(s, sak_id, b)
    ut: list[dict[str, Any]] = []
    v = tjenester.siste_versjon(s, sak_id)
    if v is not None:
        for nr, laas in enumerate(json.loads(v.data).get("laaser", [])):
            ut.append(
                {
                    "kilde": "saksfil",
                    "id": None,
                    "nr": nr,
                    "soker_id": str(laas.get("soker_id", "")),
                    "type": str(laas.get("type", "")),
                    "enhet_id": laas.get("enhet_id"),
                    "begrunnelse": str(laas.get("begrunnelse") or ""),
                    "opprettet_av": str(laas.get("laast_av") or f"saksfilen (importert av {v.opprettet_av})"),
                    "opprettet": _iso(v.opprettet),
                    "aktiv": True,
                    "versjon": v.versjon,
                }
            )
    for r in s.scalars(select(LaasRad).where(LaasRad.sak_id == sak_id).order_by(LaasRad.id)):
        ut.append(
            {
                "kilde": "møtet",
                "id": r.id,
                "nr": None,
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
        )
    b.rorte(x["soker_id"] for x in ut)
    return ut


@ruter.get(
    "/saker/{sak_id}/laasvalg/{soker_id}",
    response_model=Laasvalg,
    summary="Enheter søkeren kan låses til",
    description=(
        "Enhetene der søkeren oppfyller vilkårene og det er ledig plass minst én dag i planperioden (etter "
        "sakens andre låser til enheten), og hvorfor de andre enhetene mangler. Saksbehandler, med formål."
    ),
    responses=eks(
        {
            "soker_id": "S-000014",
            "tjeneste": "langtid",
            "kvalifisert": True,
            "enheter": [
                {
                    "enhet_id": "E-STR-1",
                    "navn": "Strandhjemmet 1",
                    "plasstype": "langtid_somatisk",
                    "ledige_dager": 12,
                    "naverende": False,
                }
            ],
            "utelatt": [
                {"grunn": "ingen ledig plass noen dag i planperioden", "antall": 1, "enheter": ["Strandhjemmet 2"]}
            ],
            "hindringer": [],
        }
    ),
)
def laasvalg(s: Ses, b: Person, sak_id: Id, soker_id: SokerId) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    b.rorte([soker_id])
    v = tjenester.siste_versjon(s, sak_id)
    if v is None:
        raise HTTPException(404, f"Saken {sak_id} har ingen versjoner.")
    try:
        sak, _ = tjenester.effektiv_sak_med_advarsler(s, v)
    except Inndatafeil as exc:
        raise HTTPException(409, f"Saken kan ikke leses med låsene: {exc}") from None
    ix = saksindeks(sak)
    soker = ix.soker.get(soker_id)
    if soker is None:
        raise HTTPException(404, f"Søkeren {soker_id} finnes ikke i saken.")
    familie = soker.soknad.tjeneste.familie
    kv = kvalifiser(soker, sak)
    familiens = ix.enheter.get(familie, [])
    ledig, _, _ = kapasitetsprofil(sak, familiens)
    naverende_enhet = None
    if soker.naverende_opphold_id is not None and soker.naverende_opphold_id in ix.opphold:
        naverende_enhet = ix.opphold[soker.naverende_opphold_id].enhet_id
    andre_laaser = Counter(str(x.enhet_id) for x in sak.laaser if x.type == Laastype.TILDEL and x.soker_id != soker_id)
    navn = {e.id: e.navn for e in sak.enheter}
    utelatt: dict[str, list[str]] = {}
    enheter: list[dict[str, Any]] = []
    godkjent = set(kv.enheter)
    for e in familiens:
        if e.id not in godkjent:
            grunn = (
                "søkeren er ikke kvalifisert for tjenesten ennå"
                if not kv.enheter
                else "søkeren oppfyller ikke vilkårene for denne plasstypen"
            )
            utelatt.setdefault(grunn, []).append(e.navn)
            continue
        naverende = e.id == naverende_enhet
        dager = sum(1 for x in ledig[e.id] if x - andre_laaser[e.id] > 0)
        if dager == 0 and not naverende:
            grunn = (
                "full hele planperioden når møtets andre låser til enheten er regnet med"
                if andre_laaser[e.id]
                else "ingen ledig plass noen dag i planperioden"
            )
            utelatt.setdefault(grunn, []).append(e.navn)
            continue
        enheter.append(
            {
                "enhet_id": e.id,
                "navn": e.navn,
                "plasstype": e.plasstype.value,
                "ledige_dager": dager,
                "naverende": naverende,
            }
        )
    i_familien = {e.id for e in familiens}
    andre = [e.navn for e in sak.enheter if e.id not in i_familien]
    if andre:
        utelatt["enheten gir en annen tjeneste enn søkeren har søkt om"] = andre
    hindringer = []
    for nr, laas in enumerate(json.loads(v.data).get("laaser", [])):
        if laas.get("soker_id") == soker_id:
            hva = "skal ha plass på " + navn.get(laas.get("enhet_id"), str(laas.get("enhet_id")))
            if laas.get("type") == "ikke_tildel":
                hva = "skal ikke tildeles" + (
                    f" {navn.get(laas.get('enhet_id'), laas.get('enhet_id'))}" if laas.get("enhet_id") else ""
                )
            hindringer.append(
                f"Saksfilen har allerede en lås for søkeren ({hva}, lås nr. {nr + 1} i filen). En lås her som "
                "strider mot den blir avvist; endre saksfilen og importer den på nytt for å fjerne den."
            )
    return {
        "soker_id": soker_id,
        "tjeneste": soker.soknad.tjeneste.value,
        "kvalifisert": bool(kv.enheter),
        "enheter": sorted(enheter, key=lambda x: (x["navn"], x["enhet_id"])),
        "utelatt": [{"grunn": g, "antall": len(n), "enheter": sorted(n)} for g, n in utelatt.items()],
        "hindringer": hindringer,
    }


class Laaspriser(BaseModel):
    kjoring_id: int
    analyser_ferdig: bool = Field(description="False: prisene beregnes fortsatt (`price_level1` er null så lenge).")
    locks: list[Laas]
    objective: dict[str, Maalverdi]


@ruter.get(
    "/kjoringer/{kjoring_id}/laaspriser",
    response_model=Laaspriser,
    tags=["kjøringer"],
    summary="Låsene i kjøringen med prisen og hvem de fortrengte",
    description=(
        "Resultatets `locks[]` (med `price_level1` og `displaced`) og `objective` (målfunksjonen per nivå), uten "
        "resten av resultatet. Saksbehandler, med formål."
    ),
    responses=eks(
        {
            "kjoring_id": 7,
            "analyser_ferdig": True,
            "locks": [
                {
                    "applicant_id": "S-000014",
                    "type": "tildel",
                    "unit_id": "E-STR-1",
                    "reason": "Møtet 27.11.",
                    "locked_by": "kari",
                    "price_level1": 120,
                    "price_proven": True,
                    "price_scope": "sak",
                    "displaced_canonical": True,
                    "displaced": ["S-000020"],
                }
            ],
            "objective": {"plassering": {"value": 381265, "bound": 381265, "proven": True}},
        }
    ),
)
def laaspriser(s: Ses, b: Person, kjoring_id: Id) -> Laaspriser:
    k = ferdig_kjoring(s, kjoring_id, b, forslag=True)
    res = les_resultat(k)
    if res is None:  # ferdig_kjoring refuses a run without a result
        raise HTTPException(409, f"Kjøringen {kjoring_id} har ikke noe resultat (status «{k.status}»).")
    b.rorte({x.applicant_id for x in res.locks} | {d for x in res.locks for d in x.displaced})
    return Laaspriser(
        kjoring_id=k.id, analyser_ferdig=analyser_ferdig(k, res), locks=res.locks, objective=res.objective
    )


# --- finalising the meeting: one request, a state the page can show after a reload, and a logged reopening


class Avslutning(BaseModel):
    ferdigbehandlet: bool
    kjoring_id: int | None = None
    antall: int = 0
    av: str | None = None
    tidspunkt: str | None = None
    begrunnelse: str | None = None
    historikk: list[dict[str, Any]] = []


class AvslutningInn(BaseModel):
    kjoring_id: int = Field(ge=1)
    begrunnelse: str = Field(min_length=3, max_length=2000)


class GjenapneInn(BaseModel):
    begrunnelse: str = Field(min_length=3, max_length=2000)


def siste_avslutning(s: Session, sak_id: int) -> Moteavslutning | None:
    return s.scalar(
        select(Moteavslutning).where(Moteavslutning.sak_id == sak_id).order_by(Moteavslutning.id.desc()).limit(1)
    )


def er_ferdigbehandlet(s: Session, sak_id: int) -> Moteavslutning | None:
    """The row that closed the case, when its latest state is «ferdigbehandlet» (re-solving then needs
    «gjenåpne»)."""
    r = siste_avslutning(s, sak_id)
    return r if r is not None and r.handling == "ferdigbehandlet" else None


def _avslutning_ut(s: Session, sak_id: int) -> dict[str, Any]:
    rader = s.scalars(
        select(Moteavslutning).where(Moteavslutning.sak_id == sak_id).order_by(Moteavslutning.id.desc())
    ).all()
    hist = [
        {
            "handling": r.handling,
            "kjoring_id": r.kjoring_id,
            "antall": r.antall,
            "av": r.av,
            "tidspunkt": _iso(r.tidspunkt),
            "begrunnelse": r.begrunnelse,
        }
        for r in rader
    ]
    if not rader or rader[0].handling != "ferdigbehandlet":
        return {"ferdigbehandlet": False, "historikk": hist}
    return {"ferdigbehandlet": True, **{k: v for k, v in hist[0].items() if k != "handling"}, "historikk": hist}


AVSLUTNING_EKS = {
    "ferdigbehandlet": True,
    "kjoring_id": 7,
    "antall": 49,
    "av": "kari",
    "tidspunkt": "2026-12-04T11:00:00",
    "begrunnelse": "Vedtatt i tildelingsmøtet.",
    "historikk": [],
}


@ruter.get(
    "/saker/{sak_id}/avslutning",
    response_model=Avslutning,
    tags=["beslutninger"],
    summary="Er saken ferdigbehandlet i møtet?",
    description="Sakens tilstand (ferdigbehandlet med kjøringen, eller åpen) og historikken med gjenåpninger.",
    responses=eks(AVSLUTNING_EKS),
)
def avslutning(s: Ses, b: Person, sak_id: Id) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    return _avslutning_ut(s, sak_id)


@ruter.post(
    "/saker/{sak_id}/ferdigbehandle",
    response_model=Avslutning,
    tags=["beslutninger"],
    summary="Marker møtets beslutninger som endelige (én forespørsel)",
    description=(
        "Lagrer beslutningen for hver søker kjøringen tildeler eller setter på venteliste, i én transaksjon, og "
        "markerer saken som ferdigbehandlet med kjøringen. Er saken allerede ferdigbehandlet med samme kjøring, "
        "skjer ingenting (samme svar); med en annen kjøring svarer den 409 (gjenåpne først)."
    ),
    responses=eks(AVSLUTNING_EKS),
)
def ferdigbehandle(s: Ses, b: Person, sak_id: Id, inn: AvslutningInn) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    lukket = er_ferdigbehandlet(s, sak_id)
    if lukket is not None:
        if lukket.kjoring_id == inn.kjoring_id:
            return _avslutning_ut(s, sak_id)
        raise HTTPException(
            409, f"Saken er allerede ferdigbehandlet med kjøring {lukket.kjoring_id}. Gjenåpne saken først."
        )
    k = ferdig_kjoring(s, inn.kjoring_id, b, forslag=True)
    if k.status != "done":  # the decisions use the final run, with the analyses the meeting judged by
        raise HTTPException(
            409,
            f"Kjøring {k.id} beregner fortsatt verdien av ekstra plasser og låspriser. Vent til den er ferdig "
            "før beslutningene markeres som endelige.",
        )
    if k.sak_id != sak_id:
        raise HTTPException(409, f"Kjøringen {inn.kjoring_id} hører ikke til sak {sak_id}.")
    res = les_resultat(k)
    rader: list[Beslutning] = []
    for a in [] if res is None else res.assignments:
        rader.append(
            Beslutning(
                sak_id=sak_id,
                soker_id=a.applicant_id,
                kjoring_id=k.id,
                utfall="tildelt",
                enhet_id=a.unit_id,
                startdato=date.fromisoformat(a.start_date),
                begrunnelse=inn.begrunnelse,
                besluttet_av=b.navn,
                gjeldende=True,
            )
        )
    for w in [] if res is None else res.waiting_list:
        rader.append(
            Beslutning(
                sak_id=sak_id,
                soker_id=w.applicant_id,
                kjoring_id=k.id,
                utfall="venteliste",
                begrunnelse=inn.begrunnelse,
                besluttet_av=b.navn,
                gjeldende=True,
            )
        )
    sokere = [r.soker_id for r in rader]
    if sokere:
        s.execute(
            update(Beslutning)
            .where(Beslutning.sak_id == sak_id, Beslutning.soker_id.in_(sokere))
            .values(gjeldende=False)
        )
    s.add_all(rader)
    s.add(
        Moteavslutning(
            sak_id=sak_id,
            kjoring_id=k.id,
            handling="ferdigbehandlet",
            antall=len(rader),
            begrunnelse=inn.begrunnelse,
            av=b.navn,
        )
    )
    s.commit()
    b.rorte(sokere)
    return _avslutning_ut(s, sak_id)


@ruter.post(
    "/saker/{sak_id}/gjenapne",
    response_model=Avslutning,
    tags=["beslutninger"],
    summary="Gjenåpne en ferdigbehandlet sak",
    description=(
        "Gjør det mulig å løse saken på nytt. Hvem, når og hvorfor lagres i sakens historikk (og tilgangsloggen). "
        "Beslutningene som er lagret, står til møtet markerer nye som endelige."
    ),
    responses=eks(AVSLUTNING_EKS),
)
def gjenapne(s: Ses, b: Person, sak_id: Id, inn: GjenapneInn) -> dict[str, Any]:
    hent_sak(s, sak_id, b)
    lukket = er_ferdigbehandlet(s, sak_id)
    if lukket is None:
        raise HTTPException(409, f"Saken {sak_id} er ikke ferdigbehandlet; det er ingenting å gjenåpne.")
    s.add(
        Moteavslutning(
            sak_id=sak_id,
            kjoring_id=lukket.kjoring_id,
            handling="gjenåpnet",
            antall=0,
            begrunnelse=inn.begrunnelse,
            av=b.navn,
        )
    )
    s.commit()
    return _avslutning_ut(s, sak_id)
