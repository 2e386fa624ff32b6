"""Weekly simulation with the real allocation engine in the loop (one replication).

Each simulated week (day 0 = Monday of the week, the weekly tildelingsmøte):

1. Søkere who arrived during the previous week join the waiting list (langtid, korttid, avlastning and
   every housing type, see *Bolig* below); søkere whose drawn withdrawal day has passed leave it
   (death or another solution: *frafall*).
2. A ``Sak`` is built: units with this week's capacity (capacity plan), current stays as ``Opphold``
   (langtid and bolig tenancies without a known end — the municipality does not know when a resident
   dies or moves; korttid, avlastning, akutt and korttidsleilighet with their planned end), waiting
   søkere and the day-0 akutt requests.
3. ``allokering.loser.loes`` (``marginalverdier=False, ektepar_kostnad=False``) places people;
   placements that start on day 0–6 are realised as stays with the length drawn for the person at
   arrival (langtid Weibull, korttid 2–4 weeks, avlastning rolling periods for the vedtak's weeks,
   bolig tenancies of years, korttidsleilighet 7–42 døgn).
4. **Akutt (ØHD/KØH)**: requests are met at once or refused (loss system, S §4.20 / T §3.19).
   Requests arrive in continuous time; each is decided when it comes by an akutt-only engine call
   (same ``loes``; a bed counts as free on day 0 of that case if no stay is in progress at that
   moment) through ``akutt_ankomst`` — the code path the Erlang-B test exercises
   (``tests/scenarier/test_validering.py``). A stay of L døgn lasts L × 24 hours.
5. Outputs per week: waiting list (time-average per day), placements and their waits, occupancy per
   unit, UKP days and their cost (day fee per year, hol § 11-4), akutt arrivals and refusals, couples
   placed together/split, engine seconds. Per family ``venteliste_*``, ``belegg_*`` and ``plasser_*``
   (langtid, korttid, avlastning, akutt, bolig — bolig = all housing types together) and, for each
   housing type the municipality has units of, the same three per type (``venteliste_senterleilighet``,
   ``belegg_hdo``, ``plasser_trygghetsbolig`` …): planners decide flats type by type.

Bolig (omsorgsboliger: the engine's BOLIG family — HDO, HDOU, omsorgsbolig psykisk helse, trygghetsbolig,
tilrettelagt bolig, korttidsleilighet, senterleilighet). Every housing unit of the synthetic
municipality is in the model and in the capacity plan (a plan line may add or close flats of any
housing type of the rule profile, exactly as for beds). Each housing type is its own service; its
søkere are copies of a prototype that meets that type's criteria (``lag_prototyper``; a test runs
``kvalifiser_alle``), aged ≥ 18, living at home, no UKP. A tenancy is open-ended for the engine (like
langtid) and its length is drawn by the simulator (``scenarier.liggetid``: years); korttidsleilighet
is a fixed-length stay the engine knows (S §6.4). At the start the flats are let as in a stationary
system (long elapsed tenancies) and today's waiting list is present (``scenarier.behov``). Need,
tenancy length and today's waiting list are labelled modelling assumptions (no public figure).
**Couples are left out of bolig**: the engine can place an ektepar in one two-room senterleilighet
(S §6.2), but the simulator generates no bolig couples and counts two-room flats as ordinary flats.
Bolig draws come from their own streams (``bolig`` per week, ``bolig_init`` for the start) and bolig
søkere and stays have their own ids (``B-…``, ``OB-…``): the draws, ids and results of the other
services are exactly those of a run without housing (a test checks it). Closing occupied flats does
not evict anyone: the unit is over-occupied until tenancies end, as for beds.

Plausibility (synthetic Sandefjord, 214 flats: 162 senterleiligheter, 39 tilrettelagte boliger, 13
korttidsleiligheter; default parameters, 2026–2040, 10 replications, seed 2026, measured 27.11.2026):
in 2026 the bolig waiting list averages 27.9 persons (95 % CI 20.3–35.6; senterleilighet 20.9,
tilrettelagt bolig 5.5, korttidsleilighet 1.5 — the calibration target is Q₀ = 24.3 + 5.9), flats are
let 99.8 % of the time (korttidsleiligheter 65 %), and the wait to a senterleilighet has median 154
and 90th percentile 289 days (tilrettelagt bolig 149 / 277; korttidsleilighet 4 / 7; all placements
of the year pooled). With unchanged flats the list grows with the old population: 37.6 in 2030, 50.1
in 2035, 76.2 in 2040 (95 % CI 68.1–84.2; senterleilighet 60.0), the senterleilighet p90 wait 707 days
in 2040. For comparison, an occupancy calibration like langtid (0.97) gives a list of 1–3 persons.

Issue 23 (calibration per place type, ``scenarier.behov``): a søker who needs skjerming has a vedtak on a
skjermet place and the weekly case locks the somatic units for them («ikke_tildel»); the case's langtid
waiting list is present at the start (``_initier_langtidsko``); who may have which place type comes from
``allokering.regler`` (``regelsjekk`` when the model is built, not from the simulator's own idea of the
criteria); ``Scenario.motor.praksis = "manuell"`` replaces the engine by today's manual practice
(``scenarier.manuell``) with everything else equal; every placement is checked against the rules
(``flyt[("kontroll", "mot reglene")]``, 0 expected).

Common random numbers: every random draw belongs to a *person* and is made at arrival from a stream
keyed by (seed, replication, week, stream) via ``numpy.random.SeedSequence``; the length of stay
(tenancy), withdrawal day, korttid→langtid transition, age, dementia etc. are attributes of the
person. Two scenarios that differ only in capacity therefore see exactly the same arrivals, and
policy levers that change a rate thin or add persons without disturbing the others (``ankomster``).

ØHD occupancy (validation, ``test_ohd_belegg_sandefjord``): a 5-bed ØHD unit, 6.2 admissions per
1 000 inhabitants per year, 65 000 inhabitants (1.10 requests/day), stays of 1–3 døgn with the default
P = (0.30, 0.45, 0.25) (mean 1.95 døgn): offered load 2.15 Erlang, Erlang B 4.6 % refusals →
**simulated time-average occupancy ≈ 41 %**, inside the 30–45 % the public figures report. With a
constant 3-døgn stay the same unit lands at ≈ 57 % (Erlang: a = 3.31, B = 13.7 %), and at the national
3.6-day mean (*derived*) it would be ≈ 62 %: the national 45 % comes with the national bed density
(0.125 per 1 000, ≈ 8 beds for 65 000); Sandefjord's 5 ØHD beds (S §4.20) are fewer.

Akutt is simulated in continuous time (Poisson arrivals, stays of exactly L døgn), so each ØHD/KØH
unit is an M/G/c/c loss system and Erlang B holds exactly by insensitivity: the Erlang test checks the
simulated refusal share against B(c, λ·E[L]).

Fast path: the weekly ``Sak`` is made with ``Sak.model_construct`` from objects that were each
validated once (``Soker`` prototypes copied with ``model_copy`` with values of the right type and range,
``Enhet``/``Opphold`` built with validation and cached); the cross-references ``kryssjekk`` would check
(unique ids, ektefelle pairs, ``naverende_opphold_id``) hold by construction, and a test runs
``kryssjekk`` on simulated weeks.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import numpy as np

from allokering.loser import Loserparametre, Losning, loes
from allokering.regler import Utfall, kvalifiser_alle
from modeller.generator import generer_sak
from modeller.institusjon import Enhet, Institusjon, Opphold
from modeller.kodeverk import (
    Familie,
    Innleggende,
    Kjonn,
    Korttidsformal,
    Laastype,
    Oppholdssted,
    Plasstype,
    Tjeneste,
)
from modeller.minne import faerre_gc_runder
from modeller.regelprofil import Regelprofil
from modeller.sak import Kommune, Laas, Sak
from modeller.soker import (
    AkuttDetaljer,
    AvlastningDetaljer,
    BoligDetaljer,
    Diagnoser,
    Innsatstrapp,
    Iplos,
    KorttidDetaljer,
    LangtidDetaljer,
    Omsorgsbelastning,
    Soker,
    Soknad,
)
from scenarier.befolkning import Befolkning, les_ssb_csv, syntetisk
from scenarier.behov import (
    BOLIGTJENESTER,
    UKER_PER_AAR,
    aldersfordeling,
    andel_demens,
    bolig_per_aar,
    bolig_venteliste_start,
    kalibrer_bolig,
    kalibrer_nivaa,
    trekk_alder,
    ukerate,
    ukerate_bolig,
)
from scenarier.liggetid import langtid_naverende
from scenarier.manuell import manuell_tildeling
from scenarier.scenariofil import Scenario
from scenarier.tildeling import Tildeling, tildelinger

UKP_DOGNPRIS: dict[int, int] = {2020: 5036, 2021: 5167, 2022: 5306, 2023: 5508, 2024: 5745}
"""Day fee per UKP day (Helsedirektoratet, public-figures.md); after 2024 2024-kroner × (1 + vekst)^n."""

STROMMER = {
    "init": 0,
    "langtid": 1,
    "korttid": 2,
    "avlastning": 3,
    "akutt": 4,
    "bolig": 5,
    "bolig_init": 6,
    "langtid_init": 7,
    "langtid_ekstra": 8,
    "korttid_ekstra": 9,
    "avlastning_ekstra": 10,
    "akutt_ekstra": 11,
    "bolig_ekstra": 12,
}
INSTITUSJONSFAMILIER = (Familie.LANGTID, Familie.KORTTID, Familie.AVLASTNING, Familie.AKUTT)
SIMULERTE_FAMILIER = (*INSTITUSJONSFAMILIER, Familie.BOLIG)
KORTTIDSLEILIGHET = Plasstype.KORTTIDSLEILIGHET.value
BOLIG_LEDIG_START = 0.03
"""Share of flats empty at the start (the generator's housing occupancy is 97 %); the waiting list
present at the start fills them at the first meeting."""
_BOLIG = frozenset(BOLIGTJENESTER)


def ukp_dognpris(aar: int, vekst: float = 0.0) -> float:
    if aar in UKP_DOGNPRIS:
        return float(UKP_DOGNPRIS[aar])
    if aar < 2020:
        return float(UKP_DOGNPRIS[2020])
    return UKP_DOGNPRIS[2024] * (1.0 + vekst) ** (aar - 2024)


def strom(seed: int, rep: int, uke: int, navn: str) -> np.random.Generator:
    """The random stream of (seed, replication, week, stream): independent of backend and order."""
    ss = np.random.SeedSequence(entropy=seed, spawn_key=(rep, uke + 1_000_000, STROMMER[navn]))
    return np.random.default_rng(ss)


def replikasjonsfro(seed: int, replikasjoner: int) -> list[int]:
    """Per-replication seeds derived with SeedSequence.spawn (the same for every compared scenario)."""
    return [int(s.generate_state(1, np.uint32)[0]) for s in np.random.SeedSequence(seed).spawn(replikasjoner)]


# ------------------------------------------------------------------------------------------------
# Søker prototypes (validated once per profile), copied per person with model_copy
# ------------------------------------------------------------------------------------------------

_DIAG = {"utviklingshemming_autisme": False, "psykisk_helse_rus": False, "lindrende": False}


@dataclass
class Prototyper:
    langtid: Soker
    korttid: Soker
    avlastning: Soker
    akutt: Soker
    iplos: dict[int, Iplos]
    diagnoser: dict[tuple[bool, bool], Diagnoser]
    bolig: dict[str, Soker] = field(default_factory=dict)  # one per housing service (Tjeneste value)


_BOLIGKRITERIER: dict[Tjeneste, dict[str, Any]] = {
    # The criteria of each housing service, all met (S §6, T §3.14–3.16); bosatt_siste_aar for S §6.
    Tjeneste.HDO: {"omfattende_behov_hele_dognet": True, "kan_ikke_bo_i_ordinar_bolig": True},
    Tjeneste.HDOU: {
        "tidlig_ervervet_funksjonsnedsettelse": True,
        "lav_funksjon_hoyt_behov": True,
        "omfattende_behov_hele_dognet": True,
    },
    Tjeneste.OMSORGSBOLIG_PSYKISK: {
        "naverende_bolig_uegnet": True,
        "redusert_evne_bo_alene": True,
        "omfattende_behov_hele_dognet": True,  # T §3.16: «behov for heldøgns omsorg og pleie»
    },
    Tjeneste.TRYGGHETSBOLIG: {
        "tungtveiende_helsegrunner": True,
        "behov_hjemmetjenester": True,
        "kun_onske_om_mindre_bolig": False,
    },
    Tjeneste.TILRETTELAGT_BOLIG: {"onsker_og_samtykker_flytting": True, "omfattende_behov_hele_dognet": True},
    Tjeneste.KORTTIDSLEILIGHET: {"naverende_bolig_uegnet": True, "midlertidig_etter_sykehus": True, "lengde_dogn": 14},
    Tjeneste.SENTERLEILIGHET: {"naverende_bolig_uegnet": True, "forebygge_funksjonsfall": True},
}


def lag_prototyper(profil: Regelprofil, d0: date) -> Prototyper:
    """Fully assessed søkere who meet the hard criteria of each service. They hold no eligibility logic
    of their own: ``regelsjekk`` runs every kind of søker built from them through
    ``allokering.regler`` when the model is built, and the simulator takes the place types each may
    get from there (and stops if one is not kvalifisert). Written here rather than reusing the
    generator's private ``_Bygger``, which deliberately mixes in ineligible and incomplete applications."""
    felles: dict[str, Any] = {
        "alder": 85,
        "kjonn": Kjonn.KVINNE,
        "bydel": "Sentrum",
        "samtykke": True,
        "samtykkekompetent": True,
        "innsatstrapp": Innsatstrapp(
            provde_tiltak=("hjemmesykepleie", "trygghetsalarm", "korttidsopphold"),
            lavere_tiltak_utilstrekkelige=True,
            helseteknologi_vurdert=True,
        ),
        "diagnoser": Diagnoser(
            demens=False, atferd_som_krever_skjerming=False, omfattende_skjermingsbehov_uten_demens=False, **_DIAG
        ),
        "iplos": Iplos(**{k: 4 for k in Iplos.model_fields}),
    }
    lt = Soker(
        id="P-0",
        **felles,
        soknad=Soknad(
            tjeneste=Tjeneste.LANGTID,
            soknadsdato=d0,
            langtid=LangtidDetaljer(
                varig_ute_av_stand=True,
                kan_ikke_ivaretas_hjemme=True,
                behov_heldogns=True,
                forsvarlig_hjemme_i_ventetiden=True,
            ),
        ),
    )
    kt = Soker(
        id="P-0",
        **felles,
        soknad=Soknad(
            tjeneste=Tjeneste.KORTTID,
            soknadsdato=d0,
            korttid=KorttidDetaljer(
                formal=Korttidsformal.INTERMEDIAER,
                lengde_dogn=14,
                behov_dognbasert_oppfolging=True,
                dogn_brukt_siste_aar=0,
                vedtak_fattet=True,
            ),
        ),
    )
    av = Soker(
        id="P-0",
        **felles,
        soknad=Soknad(
            tjeneste=Tjeneste.AVLASTNING,
            soknadsdato=d0,
            avlastning=AvlastningDetaljer(
                omsorgsyter_id="O-0",
                dager=7,
                periode=28,
                belastning=Omsorgsbelastning(nattarbeid=True, timer_per_maned=200, varighet_maneder=24),
                saerlig_tyngende=True,
                omsorgsyter_onsker=True,
                omsorgsmottaker_onsker=True,
            ),
        ),
    )
    ak = Soker(
        id="P-0",
        **felles,
        soknad=Soknad(
            tjeneste=Tjeneste.AKUTT,
            soknadsdato=d0,
            akutt=AkuttDetaljer(
                avgrenset_akutt_problem=True,
                behandlingsplan_skrevet=True,
                kan_ikke_ivaretas_av_hjemmesykepleie=True,
                forventet_hjem_innen_3_dager=True,
                like_bra_som_sykehus=True,
                kjent_avklart_tilstand=True,
                oppdatert_kriseplan=True,
                innleggende=Innleggende.LEGEVAKTLEGE,
                lengde_dogn=2,
            ),
        ),
    )
    iplos = {n: Iplos(**{k: n for k in Iplos.model_fields}) for n in (2, 3, 4, 5)}
    diag = {
        (d, s): Diagnoser(
            demens=d, atferd_som_krever_skjerming=s, omfattende_skjermingsbehov_uten_demens=False, **_DIAG
        )
        for d in (False, True)
        for s in (False, True)
    }
    bolig: dict[str, Soker] = {}
    for tj, krit in _BOLIGKRITERIER.items():
        d = dict(
            _DIAG, utviklingshemming_autisme=tj is Tjeneste.HDOU, psykisk_helse_rus=tj is Tjeneste.OMSORGSBOLIG_PSYKISK
        )
        bolig[tj.value] = Soker(
            id="P-0",
            **{
                **felles,
                "alder": 45 if tj in (Tjeneste.HDOU, Tjeneste.OMSORGSBOLIG_PSYKISK) else 82,
                "diagnoser": Diagnoser(
                    demens=False, atferd_som_krever_skjerming=False, omfattende_skjermingsbehov_uten_demens=False, **d
                ),
            },
            soknad=Soknad(tjeneste=tj, soknadsdato=d0, bolig=BoligDetaljer(bosatt_siste_aar=True, **krit)),
        )
    return Prototyper(lt, kt, av, ak, iplos, diag, bolig)


# ------------------------------------------------------------------------------------------------
# Persons and stays
# ------------------------------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    tjeneste: str  # langtid | korttid | avlastning | akutt | a housing service (senterleilighet, hdo, …)
    ankomst: int  # simulation day the søker joins the list (or the akutt request day)
    alder: int
    kvinne: bool
    iplos: int
    demens: bool
    skjerming: bool
    ukp: bool
    lengde: int  # LOS in døgn (langtid total stay, korttid, akutt, bolig tenancy); avlastning: days per period
    periode: int = 0  # avlastning
    frafall: int = 10**9  # day the søker leaves the list if still waiting
    videre_langtid: bool = False  # korttid → langtid
    ektefelle: str | None = None
    fra: str = "hjemme"  # hjemme | sykehus | korttid
    korttid_opphold: str | None = None  # the korttid stay a langtid søker waits in
    soker: Soker | None = None
    tid: float = 0.0  # akutt: continuous arrival time (days)
    laaser: tuple[Laas, ...] | None = None  # skjerming: «ikke_tildel» on every somatic unit (built once)


@dataclass
class Stay:
    id: str
    enhet: str
    start: int
    slutt: int | None  # last day (inclusive); None = open (korttid waiting for langtid)
    kjent_slutt: bool  # the engine sees the end (forventet_slutt); langtid and bolig (not korttidsleilighet): False
    person: str
    tjeneste: str
    opphold: Opphold | None = None
    t_inn: float | None = None  # akutt: continuous admission / discharge time (days)
    t_ut: float | None = None


@dataclass
class Enhetsplan:
    id: str
    institusjon: str
    navn: str
    plasstype: Plasstype
    kapasitet: list[tuple[int, int]]  # (from day, capacity), sorted

    def kap(self, dag: int) -> int:
        k = 0
        for fra, c in self.kapasitet:
            if dag >= fra:
                k = c
        return k


def soker_for(pr: Prototyper, p: Person, dato: date) -> Soker:
    """The ``Soker`` the engine sees for a simulated person: a copy of the service's prototype with the
    person's own attributes (age, sex, IPLOS level, diagnoses, UKP/korttid, length of stay)."""
    bolig = p.tjeneste in _BOLIG
    proto = pr.bolig[p.tjeneste] if bolig else getattr(pr, p.tjeneste)
    soknad: Any = proto.soknad
    upd_s: dict[str, Any] = {"soknadsdato": dato}
    if p.tjeneste == KORTTIDSLEILIGHET:
        upd_s["bolig"] = soknad.bolig.model_copy(update={"lengde_dogn": p.lengde})
    elif p.tjeneste == "korttid":
        upd_s["korttid"] = soknad.korttid.model_copy(update={"lengde_dogn": p.lengde})
    elif p.tjeneste == "akutt":
        upd_s["akutt"] = soknad.akutt.model_copy(update={"lengde_dogn": p.lengde})
    elif p.tjeneste == "avlastning":
        upd_s["avlastning"] = soknad.avlastning.model_copy(
            update={"dager": p.lengde, "periode": p.periode, "omsorgsyter_id": f"O-{p.id}"}
        )
    upd: dict[str, Any] = {
        "id": p.id,
        "alder": p.alder,
        "kjonn": Kjonn.KVINNE if p.kvinne else Kjonn.MANN,
        "iplos": pr.iplos[p.iplos],
        "soknad": soknad.model_copy(update=upd_s),
    }
    if not bolig:  # a housing prototype keeps its own diagnoses (HDOU, psykisk helse)
        upd["diagnoser"] = pr.diagnoser[(p.demens, p.skjerming)]
    if p.ektefelle is not None:
        upd["ektefelle_id"] = p.ektefelle
        upd["onsker_bo_sammen"] = True
    if p.ukp:
        upd["oppholdssted"] = Oppholdssted.SYKEHUS_UKP
        upd["utskrivningsklar_dato"] = dato
    elif p.korttid_opphold is not None:
        upd["oppholdssted"] = Oppholdssted.KORTTID
        upd["naverende_opphold_id"] = p.korttid_opphold
    return proto.model_copy(update=upd)


Variant = tuple[str, bool, bool, int, bool]
"""(tjeneste, demens, skjerming, IPLOS level, UKP): what makes two simulated søkere differ for the rules."""


def prototypevarianter(profil: Regelprofil) -> list[Variant]:
    """Every kind of søker the simulator makes for a profile: institution services × dementia ×
    skjerming × IPLOS 3–5 × UKP (langtid, korttid), and each housing type of the profile × IPLOS 2–5."""
    ut: list[Variant] = []
    akutt = any(pt.familie is Familie.AKUTT for pt in profil.plasstyper)
    for tj in ("langtid", "korttid", "avlastning", *(("akutt",) if akutt else ())):
        for d, sk in ((False, False), (True, False), (True, True)):
            for n in (3, 4, 5):
                for ukp in (False, True) if tj in ("langtid", "korttid") else (False,):
                    ut.append((tj, d, sk, n, ukp))
    for pt in sorted(profil.plasstyper, key=lambda x: x.value):
        if pt.er_bolig:
            ut.extend((pt.value, False, False, n, False) for n in (2, 3, 4, 5))
    return ut


def regelsjekk(profil: Regelprofil, pr: Prototyper, d0: date) -> dict[Variant, frozenset[Plasstype]]:
    """The place types each kind of simulated søker may get **by the rules** (``allokering.regler``):
    every variant (``prototypevarianter``) is built as the simulator builds it (``soker_for``) and
    judged by ``kvalifiser_alle`` on a case with one unit of every place type of the profile. The
    simulator uses the answer (who is locked out of somatic units) instead of its own idea of the
    criteria, and refuses to run if the rules do not find a simulated søker kvalifisert."""
    varianter = prototypevarianter(profil)
    typer = sorted(profil.plasstyper, key=lambda x: x.value)
    enheter = tuple(
        Enhet(id=f"E{i}", institusjon_id="I", navn=pt.value, plasstype=pt, kapasitet=1) for i, pt in enumerate(typer)
    )
    sokere = tuple(
        soker_for(
            pr, Person(f"V-{i:04d}", tj, 0, 45 if tj in _UNGE else 85, True, n, d, sk, ukp, _LENGDE.get(tj, 14), 28), d0
        )
        for i, (tj, d, sk, n, ukp) in enumerate(varianter)
    )
    sak = Sak(
        kommune=Kommune(nummer="0000", navn="regelsjekk", regelprofil=profil),
        startdato=d0,
        institusjoner=(Institusjon(id="I", navn="regelsjekk"),),
        enheter=enheter,
        sokere=sokere,
    )
    kv = kvalifiser_alle(sak)
    typ = {e.id: e.plasstype for e in enheter}
    ut: dict[Variant, frozenset[Plasstype]] = {}
    for i, v in enumerate(varianter):
        k = kv[f"V-{i:04d}"]
        if k.utfall != Utfall.KVALIFISERT:
            grunner = "; ".join(u.tekst_nb for u in k.regelutfall if u.status.value != "oppfylt")
            raise ValueError(f"simulatorens søker {v} er ikke kvalifisert etter reglene ({profil.id}): {grunner}")
        ut[v] = frozenset(typ[e] for e in k.enheter)
    return ut


_UNGE = frozenset({Tjeneste.HDOU.value, Tjeneste.OMSORGSBOLIG_PSYKISK.value})
_LENGDE = {"akutt": 2, "avlastning": 7}


# ------------------------------------------------------------------------------------------------
# The akutt (loss) step shared by the simulator and the Erlang-B validation
# ------------------------------------------------------------------------------------------------

Beslutning = Callable[[float, list[Any], dict[str, int]], list[tuple[Any, str]]]


def forste_ledige(tid: float, ankomne: list[Any], ledige: dict[str, int]) -> list[tuple[Any, str]]:
    """Admit in arrival order to the first unit with a free bed (what the engine does for akutt when
    every request is eligible: a test checks that the two agree)."""
    igjen = dict(ledige)
    ut = []
    for a in ankomne:
        for u in sorted(igjen):
            if igjen[u] > 0:
                igjen[u] -= 1
                ut.append((a, u))
                break
    return ut


def akutt_ankomst(
    tid: float,
    ankommen: Any,
    aktive_slutt: dict[str, list[float]],
    kapasitet: dict[str, int],
    varighet: Callable[[Any], float],
    beslutt: Beslutning,
) -> str | None:
    """One akutt request at continuous time ``tid`` (days): free beds = capacity − stays in progress;
    ``beslutt`` (the engine in the simulator) admits or not; no waiting (loss system). An admitted stay
    lasts ``varighet`` days (L døgn = L × 24 h). Returns the unit or None (refused)."""
    for u in aktive_slutt:
        aktive_slutt[u] = [s for s in aktive_slutt[u] if s > tid]
    ledige = {u: kapasitet[u] - len(aktive_slutt.get(u, [])) for u in kapasitet}
    valg = beslutt(tid, [ankommen], ledige)
    if not valg:
        return None
    u = valg[0][1]
    if ledige[u] <= 0:
        raise RuntimeError(f"akutt: enhet {u} er full ved tid {tid:.3f}")
    aktive_slutt.setdefault(u, []).append(tid + varighet(ankommen))
    return u


@dataclass
class Tapsresultat:
    ankomster: int
    avvist: int
    sengetid: float
    dager: int
    kapasitet: int
    avvist_per_batch: np.ndarray

    @property
    def blokkering(self) -> float:
        return self.avvist / max(1, self.ankomster)

    @property
    def belegg(self) -> float:
        """Time-average share of beds occupied."""
        return self.sengetid / (self.dager * self.kapasitet)


def simuler_tapsenhet(
    kapasitet: int,
    lam_per_dag: float,
    lengde_p: tuple[float, ...],
    dager: int,
    seed: int,
    batcher: int = 20,
    oppvarming: int = 50,
    beslutt: Beslutning = forste_ledige,
) -> Tapsresultat:
    """A single loss unit (ØHD/KØH): Poisson arrivals (uniform within each day), stays of L døgn with
    P(L = i+1) = lengde_p[i], through ``akutt_ankomst`` — the simulator's akutt path. Refusal share per
    batch of days (for a batch-means CI)."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(lam_per_dag, size=dager + oppvarming)
    los = 1 + rng.choice(len(lengde_p), size=int(n.sum()), p=np.asarray(lengde_p))
    u = rng.random(int(n.sum()))
    aktive: dict[str, list[float]] = {"E": []}
    kap = {"E": kapasitet}
    pos = 0
    ank = avv = 0
    sengetid = 0.0
    per_batch_a = np.zeros(batcher)
    per_batch_v = np.zeros(batcher)
    blen = dager // batcher
    t_lo, t_hi = float(oppvarming), float(oppvarming + dager)
    for d in range(dager + oppvarming):
        k = int(n[d])
        tider = np.sort(d + u[pos : pos + k])
        for j in range(k):
            L = int(los[pos + j])
            t = float(tider[j])
            enhet = akutt_ankomst(t, L, aktive, kap, float, beslutt)
            if d >= oppvarming:
                b = min(batcher - 1, (d - oppvarming) // blen)
                ank += 1
                per_batch_a[b] += 1
                if enhet is None:
                    avv += 1
                    per_batch_v[b] += 1
            if enhet is not None:
                sengetid += max(0.0, min(t + L, t_hi) - max(t, t_lo))
        pos += k
    return Tapsresultat(ank, avv, sengetid, dager, kapasitet, per_batch_v / np.maximum(1, per_batch_a))


# ------------------------------------------------------------------------------------------------
# The model of one scenario (built once per worker process)
# ------------------------------------------------------------------------------------------------


@dataclass
class Modell:
    scenario: Scenario
    profil: Regelprofil
    kommune: Kommune
    institusjoner: tuple[Institusjon, ...]
    enheter: list[Enhetsplan]
    befolkning: Befolkning
    nivaa: dict[str, float]
    proto: Prototyper
    d0: date  # simulation day 0 (after warm-up days are subtracted: day 0 = first warm-up Monday)
    oppvarming_dager: int
    uker: int
    enhet_cache: dict[tuple[str, int], Enhet] = field(default_factory=dict)
    boligtyper: tuple[str, ...] = ()  # housing services with units (today's or planned), sorted
    bolig_nivaa: dict[str, float] = field(default_factory=dict)  # need level per housing type with flats today
    bolig_start: dict[str, tuple[float, float]] = field(default_factory=dict)  # (Q₀, applications/day), start
    langtid_ko_start: int = 0  # langtid søkere waiting at the start (the template case's who qualify)
    regler: dict[Variant, frozenset[Plasstype]] = field(default_factory=dict)  # by allokering.regler
    somatiske: tuple[str, ...] = ()  # the langtid somatisk units (locked for søkere who need skjerming)
    skjermet_finnes: bool = False  # the municipality has skjermet units (else nobody is locked out)

    def dato(self, dag: int) -> date:
        return self.d0 + timedelta(days=dag)

    def aar(self, dag: int) -> int:
        return self.dato(max(dag, self.oppvarming_dager)).year

    def enhet(self, plan: Enhetsplan, kap: int) -> Enhet:
        nokkel = (plan.id, kap)
        e = self.enhet_cache.get(nokkel)
        if e is None:
            e = Enhet(
                id=plan.id, institusjon_id=plan.institusjon, navn=plan.navn, plasstype=plan.plasstype, kapasitet=kap
            )
            self.enhet_cache[nokkel] = e
        return e


def _forste_mandag(aar: int) -> date:
    d = date(aar, 1, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def bygg_modell(sc: Scenario) -> Modell:
    """Municipality (institutions and units from ``modeller.generator``, omsorgsboliger included),
    population, capacity plan and calibrated need levels. Two-room flats and double rooms count as
    ordinary places (couples are kept together in langtid by the engine's institution choice; couples
    are not simulated for bolig)."""
    mal = generer_sak(sc.kommune, seed=0)
    profil = mal.kommune.regelprofil
    inst = {i.id: i for i in mal.institusjoner}
    navn_til_id = {i.navn.lower(): i.id for i in mal.institusjoner}
    start = _forste_mandag(sc.startaar)
    opp = 7 * sc.oppvarming_uker
    d0 = start - timedelta(days=opp)
    enheter = [
        Enhetsplan(e.id, e.institusjon_id, e.navn, e.plasstype, [(-(10**9), e.kapasitet)])
        for e in sorted(mal.enheter, key=lambda e: e.id)
        if e.plasstype.familie in SIMULERTE_FAMILIER
    ]
    nye = 0
    for k in sc.kapasitetsplan:
        iid = k.institusjon if k.institusjon in inst else navn_til_id.get(k.institusjon.lower())
        if iid is None:
            raise ValueError(
                f"kapasitetsplan: ukjent institusjon «{k.institusjon}»; kjente er {', '.join(sorted(inst))}"
            )
        if k.plasstype not in profil.plasstyper:
            raise ValueError(f"kapasitetsplan: plasstypen {k.plasstype.value} finnes ikke i regelprofilen {profil.id}")
        fra = (date(k.fra_aar, 1, 1) - d0).days
        if k.endring >= 0:
            nye += 1
            navn = k.enhetsnavn or f"{inst[iid].navn} – ny enhet ({k.plasstype.value}, {k.fra_aar})"
            enheter.append(Enhetsplan(f"E-NY-{nye}", iid, navn, k.plasstype, [(-(10**9), 0), (fra, k.endring)]))
        else:
            rest = -k.endring
            for plan in enheter:
                if plan.institusjon == iid and plan.plasstype == k.plasstype and rest > 0:
                    c = plan.kap(fra)
                    ned = min(c, rest)
                    plan.kapasitet.append((fra, c - ned))
                    plan.kapasitet.sort()
                    rest -= ned
            if rest > 0:
                raise ValueError(
                    f"kapasitetsplan: {k.institusjon} har ikke {-k.endring} plasser av typen {k.plasstype.value}"
                )
    if sc.befolkningsfil is not None:
        bef = les_ssb_csv(
            sc.befolkningsfil, kommunenummer=sc.kommunenummer, alternativ=sc.demografi, tekst_inn=sc.befolkning_csv
        )
    else:
        bef = syntetisk(sc.kommune, sc.demografi)
    lg = sc.liggetid
    # Calibrate on today's capacity (the template), never on the plan: scenarios that differ only in
    # their capacity plan must see the same arrivals (common random numbers).
    plasser: dict[str, int] = defaultdict(int)
    for e in mal.enheter:
        fam = e.plasstype.familie
        plasser[e.plasstype.value if fam is Familie.LANGTID else fam.value] += e.kapasitet
    avl_pattern = np.array([m[0] / m[1] for m in lg.avlastning_moenstre])
    avl_w = np.array([m[2] for m in lg.avlastning_moenstre])
    avl_beddays_per_vedtak = float((avl_pattern * avl_w).sum() / avl_w.sum()) * 7 * lg.avlastning_vedtak_uker
    middel = {
        "langtid": lg.langtid_weibull_lambda_dager * _gamma1(lg.langtid_weibull_k),
        "korttid": (lg.korttid_dogn_min + lg.korttid_dogn_maks) / 2,
        "avlastning": avl_beddays_per_vedtak,
        "akutt": lg.akutt_middel(),
    }
    nivaa = kalibrer_nivaa(sc.behov, bef, sc.startaar, dict(plasser), middel)
    # Bolig: one need level per housing type with flats today (the template, as above).
    boligplasser: dict[str, int] = defaultdict(int)
    for e in mal.enheter:
        if e.plasstype.er_bolig and e.plasstype in profil.plasstyper:
            boligplasser[e.plasstype.value] += e.kapasitet
    bolig_middel = {tj: lg.bolig_middel(tj) for tj in boligplasser}
    bolig_nivaa = kalibrer_bolig(sc.behov.bolig, bef, sc.startaar, dict(boligplasser), bolig_middel)
    bolig_start = {
        tj: (
            bolig_venteliste_start(sc.behov.bolig, tj, n),
            bolig_per_aar(sc.behov.bolig, tj, n, bolig_middel[tj]) / 365.25,
        )
        for tj, n in sorted(boligplasser.items())
        if n > 0
    }
    proto = lag_prototyper(profil, start)
    return Modell(
        sc,
        profil,
        mal.kommune,
        tuple(i for i in mal.institusjoner if any(p.institusjon == i.id for p in enheter)),
        enheter,
        bef,
        nivaa,
        proto,
        d0,
        opp,
        sc.antall_uker + sc.oppvarming_uker,
        boligtyper=tuple(sorted({p.plasstype.value for p in enheter if p.plasstype.er_bolig})),
        bolig_nivaa={tj: r for tj, r in sorted(bolig_nivaa.items()) if boligplasser[tj] > 0},
        bolig_start=bolig_start,
        langtid_ko_start=_langtidsko(mal),
        regler=regelsjekk(profil, proto, start),
        somatiske=tuple(p.id for p in enheter if p.plasstype is Plasstype.LANGTID_SOMATISK),
        skjermet_finnes=any(p.plasstype is Plasstype.LANGTID_SKJERMET for p in enheter),
    )


def _langtidsko(mal: Sak) -> int:
    """Today's langtid waiting list: the case's langtid søkere who qualify by the rules (the template
    mixes in ineligible and incomplete applications, which would not wait for a place)."""
    kv = kvalifiser_alle(mal)
    return sum(1 for x in mal.sokere if x.soknad.tjeneste is Tjeneste.LANGTID and kv[x.id].utfall == Utfall.KVALIFISERT)


def _gamma1(k: float) -> float:
    import math

    return math.gamma(1.0 + 1.0 / k)


# ------------------------------------------------------------------------------------------------
# One replication
# ------------------------------------------------------------------------------------------------


class Plasseringsrad(NamedTuple):
    """One placement the simulator made (a row of the ``plasseringer`` table, ``scenarier.utdrag``)."""

    uke: int
    soker_id: str
    tjeneste: str
    plasstype: str  # the unit's place type (``Plasstype`` value)
    enhet_id: str
    ankomst_dag: int  # the day the søker joined the list (simulation days; after warm-up in ``Replikasjon``)
    start_dag: int
    vent_dager: int
    ukp: bool
    fra: str
    alder: int


class Ankomst(NamedTuple):
    """One person joining a waiting list (``Replikasjon.ankomster``: the common-random-numbers check)."""

    uke: int  # −1: on the list when the simulation starts
    soker_id: str
    tjeneste: str
    dag: int  # simulation day of the application
    alder: int
    lengde: int  # drawn length of the stay or tenancy (days)
    ukp: bool


class Venteintervall(NamedTuple):
    """A person's time on a waiting list: from the application to a place, withdrawal or the end."""

    tjeneste: str
    fra: int
    til: int
    ukp: bool


@dataclass
class Replikasjon:
    """Raw outputs of one replication (plain lists/arrays: cheap to pickle between processes)."""

    rep: int
    uker: dict[str, list[float]]
    plasseringer: list[Plasseringsrad]
    belegg: dict[str, np.ndarray]  # unit → occupied beds per day
    kapasitet: dict[str, np.ndarray]
    flyt: dict[tuple[str, str], int]
    ankomster: list[Ankomst]  # the common-random-numbers check
    motor_sekunder: list[float]
    motor_kall: int


class Simulator:
    """Runs one replication of a scenario."""

    def __init__(
        self,
        modell: Modell,
        rep: int,
        rep_seed: int,
        ved_sak: Callable[[Sak], None] | None = None,
        loeser: Callable[[Sak, Loserparametre], Losning] | None = None,
    ):
        """``ved_sak`` is called with every case the engine is given (tests read them); ``loeser`` is the
        engine call (default ``allokering.loser.loes``; the benchmarks pass a timed wrapper)."""
        self.ved_sak = ved_sak
        self.loeser = loeser or loes
        self.m = modell
        self.sc = modell.scenario
        self.rep = rep
        self.seed = rep_seed
        # One thread: the weekly cases are small (threads cost more than they give) and the
        # replications already run in one process per core.
        self.p = Loserparametre(
            tidsgrense_s=self.sc.motor.tidsgrense_s,
            marginalverdier=False,
            ektepar_kostnad=False,
            laaspriser=False,
            traader=1,
        )
        self.H = self.sc.motor.horisont_dager
        self.personer: dict[str, Person] = {}
        self.venter: dict[str, Person] = {}  # waiting list (non-akutt)
        self.planlagt: list[Person] = []  # korttid → langtid applications registered later
        self.opphold: dict[str, Stay] = {}  # active or future stays
        self.ferdige: list[Stay] = []
        self.akutt_aktive: dict[str, list[float]] = {}
        self.n_person = 0
        self.n_ekstra = 0
        self.n_opphold = 0
        self.n_bolig = 0  # bolig søkere and stays have their own ids (B-…, OB-…): the others' ids are
        self.n_bolig_opphold = 0  # the same with and without bolig
        self.n_bolig_ekstra = 0  # bolig søkere the bolig_okning lever adds (BX-…)
        self.plasseringer: list[Plasseringsrad] = []
        self.intervaller: list[Venteintervall] = []
        self.flyt: dict[tuple[str, str], int] = defaultdict(int)
        self.ankomstlogg: list[Ankomst] = []
        self.motor_s: list[float] = []
        self.motor_kall = 0
        self.plassert_inst: dict[str, str] = {}
        self.ektepar = {"sammen": 0, "splittet": 0}
        self.akutt_teller = {"ankomster": [0] * modell.uker, "avvist": [0] * modell.uker}
        self.avlastning_opphold = 0
        self.motor_uke: list[float] = []
        self.tilgang_langtid = [0] * (modell.uker + 1)  # persons joining the langtid list per week (Little)
        self._akutt_obj: dict[str, Stay] = {}
        self.familie_av = {p.id: p.plasstype.familie for p in modell.enheter}

    # -- ids -----------------------------------------------------------------------------------
    def _ny_person_id(self) -> str:
        self.n_person += 1
        return f"S-{self.n_person:07d}"

    def _ny_ekstra_id(self) -> str:
        """Persons a lever adds (``ankomster``): their own ids, so the others keep theirs."""
        self.n_ekstra += 1
        return f"X-{self.n_ekstra:07d}"

    def _ny_opphold(self, enhet: str, start: int, slutt: int | None, kjent: bool, person: str, tj: str) -> Stay:
        if tj in _BOLIG:
            self.n_bolig_opphold += 1
            sid = f"OB-{self.n_bolig_opphold:07d}"
        else:
            self.n_opphold += 1
            sid = f"O-{self.n_opphold:07d}"
        s = Stay(sid, enhet, start, slutt, kjent, person, tj)
        self.opphold[s.id] = s
        return s

    def _opphold_obj(self, s: Stay) -> Opphold:
        if s.opphold is None:
            slutt = self.m.dato(s.slutt) if (s.kjent_slutt and s.slutt is not None) else None
            s.opphold = Opphold(id=s.id, enhet_id=s.enhet, start=self.m.dato(s.start), forventet_slutt=slutt)
        return s.opphold

    # -- initial state -------------------------------------------------------------------------
    def initier(self) -> None:
        rng = strom(self.seed, self.rep, -1, "init")
        lg = self.sc.liggetid
        for plan in self.m.enheter:
            kap = plan.kap(0)
            fam = plan.plasstype.familie
            if fam is Familie.LANGTID:
                brukt, rest = langtid_naverende(rng, kap)
                opptatt = rng.random(kap) >= 0.015
                for i in range(kap):
                    if opptatt[i]:
                        start = -max(1, int(np.ceil(brukt[i])))
                        self._ny_opphold(plan.id, start, int(np.floor(rest[i])), False, "init", "langtid")
            elif fam is Familie.KORTTID:
                for _ in range(kap):
                    if rng.random() < 0.85:
                        L = int(lg.korttid(rng, 1)[0])
                        b = int(rng.integers(1, L + 1))
                        self._ny_opphold(plan.id, -b, L - b - 1 if L - b - 1 >= 0 else 0, True, "init", "korttid")
            elif fam is Familie.AVLASTNING:
                for _ in range(kap):
                    if rng.random() < 0.5:
                        self._ny_opphold(plan.id, -1, int(rng.integers(0, 7)), True, "init", "avlastning")
        self._initier_bolig()
        self._initier_langtidsko()

    def _initier_langtidsko(self) -> None:
        """Today's langtid waiting list, as many as in the case (``Modell.langtid_ko_start``: the langtid
        søkere of the template case who qualify by the rules; Sandefjord 62, Tvedestrand 12), from their
        own stream: drawn as langtid arrivals (age, dementia,
        skjerming, IPLOS, UKP, length of stay), applied Exp(30) days ago, withdraw after Exp(mean
        frafall) days from now. Without it a small municipality starts with an empty list and its
        beds drain before the first arrivals come (Tvedestrand: 89 % in the start year instead of
        98.5 %)."""
        n = self.m.langtid_ko_start
        if n <= 0:
            return
        rng = strom(self.seed, self.rep, -1, "langtid_init")
        b = self.sc.behov
        bef = self.m.befolkning.for_aar(self.m.aar(0))
        alder = np.maximum(18, trekk_alder(rng, aldersfordeling(bef, b.relativ_risiko["langtid"]), n))
        dag = -(1 + np.floor(rng.exponential(30.0, size=n)).astype(int))
        ukp = rng.random(n) < b.andel_ukp.get("langtid", 0.0)
        iplos = 3 + rng.choice(3, size=n, p=np.asarray(b.iplos_nivaa_sannsynlighet))
        kvinne = rng.random(n) < np.where(alder >= 80, 0.67, 0.55)
        u_dem, u_skj = rng.random(n), rng.random(n)
        frafall = rng.exponential(b.frafall_middel_dager["langtid"], size=n)
        lengde = self.sc.liggetid.langtid(rng, n)
        for i in range(n):
            dem = bool(u_dem[i] < andel_demens(int(alder[i]), self.m.nivaa["demens_or"]))
            p = Person(
                id=self._ny_person_id(),
                tjeneste="langtid",
                ankomst=int(dag[i]),
                alder=int(alder[i]),
                kvinne=bool(kvinne[i]),
                iplos=int(iplos[i]),
                demens=dem,
                skjerming=dem and bool(u_skj[i] < self.m.nivaa["p_skjerming_demens"]),
                ukp=bool(ukp[i]),
                lengde=int(lengde[i]),
                frafall=int(frafall[i]),
                fra="sykehus" if ukp[i] else "hjemme",
            )
            self.venter[p.id] = p
            self.personer[p.id] = p
            self.ankomstlogg.append(Ankomst(-1, p.id, "langtid", p.ankomst, p.alder, p.lengde, p.ukp))

    def _initier_bolig(self) -> None:
        """Current tenants of the housing units and today's bolig waiting list, from their own stream
        (the draws of the institution units above are the same with and without bolig).

        A flat is let with probability 1 − ``BOLIG_LEDIG_START``; open-ended tenancies come from the
        stationary renewal process (long stays: years); korttidsleiligheter are let with probability
        ``korttidsleilighet_belegg_start`` with a uniform elapsed part of a 7–42-døgn stay. The waiting
        list: Poisson(Q₀) søkere per housing type (Q₀ of the calibration, ``scenarier.behov``) who
        applied Exp(Q₀/λ) days ago (Little's law: mean time on the list) and withdraw after Exp(mean
        frafall) days from now (memoryless)."""
        rng = strom(self.seed, self.rep, -1, "bolig_init")
        lg = self.sc.liggetid
        bb = self.sc.behov.bolig
        for plan in self.m.enheter:
            if plan.plasstype.familie is not Familie.BOLIG:
                continue
            kap = plan.kap(0)
            tj = plan.plasstype.value
            if tj == KORTTIDSLEILIGHET:
                opptatt = rng.random(kap) < bb.korttidsleilighet_belegg_start
                lengde = lg.bolig(rng, tj, kap)
                brukt = 1 + np.floor(rng.random(kap) * lengde).astype(int)
                for i in np.flatnonzero(opptatt):
                    L, b = int(lengde[i]), int(brukt[i])
                    self._ny_opphold(plan.id, -b, max(0, L - b - 1), True, "init", tj)
            else:
                opptatt = rng.random(kap) >= BOLIG_LEDIG_START
                forlop, rest = lg.bolig_naverende(rng, tj, kap)
                for i in np.flatnonzero(opptatt):
                    start = -max(1, int(np.ceil(forlop[i])))
                    self._ny_opphold(plan.id, start, int(np.floor(rest[i])), False, "init", tj)
        bef = self.m.befolkning.for_aar(self.m.aar(0))
        for tj, (q0, per_dag) in self.m.bolig_start.items():
            n = int(rng.poisson(q0))
            if n == 0:
                continue
            dag = -np.sort(1 + np.floor(rng.exponential(q0 / per_dag, size=n)).astype(int))
            for p in self._boligsokere(rng, tj, dag, bef, 0, -1):
                self.venter[p.id] = p
                self.personer[p.id] = p

    def _boligsokere(
        self,
        rng: np.random.Generator,
        tj: str,
        dag: np.ndarray,
        bef: np.ndarray,
        frafall_fra: int,
        uke: int,
        behold: float = 1.0,
        ekstra: bool = False,
    ) -> list[Person]:
        """Bolig søkere of one housing type who applied on ``dag``: age, IPLOS level, sex, withdrawal
        (``frafall_fra`` + Exp(mean frafall)), tenancy length and — drawn last — whether the
        ``bolig_okning`` lever keeps the person (probability ``behold``), in this order from ``rng``.
        Every person uses the same draws and an id whether kept or not, so a lever that lowers the need
        removes persons without changing anyone else (common random numbers, as ``ankomster``);
        persons a raising lever adds (``ekstra``) come from their own stream with ids ``BX-…``."""
        bb = self.sc.behov.bolig
        pt = Plasstype(tj)
        n = len(dag)
        alder = trekk_alder(rng, aldersfordeling(bef, bb.relativ_risiko[pt]), n, minst=18)  # S §6, T §3.14
        iplos = np.clip(np.rint(rng.normal(bb.iplos_middel[pt], 0.5, size=n)), 2, 5).astype(int)
        kvinne = rng.random(n) < np.where(alder >= 80, 0.67, np.where(alder >= 70, 0.55, 0.5))
        frafall = rng.exponential(bb.frafall_middel_dager[pt], size=n)
        lengde = self.sc.liggetid.bolig(rng, tj, n)
        beholdt = rng.random(n) < behold
        ut = []
        for i in range(n):
            if ekstra:
                self.n_bolig_ekstra += 1
                pid = f"BX-{self.n_bolig_ekstra:07d}"
            else:
                self.n_bolig += 1
                pid = f"B-{self.n_bolig:07d}"
            if not beholdt[i]:
                continue
            p = Person(
                id=pid,
                tjeneste=tj,
                ankomst=int(dag[i]),
                alder=int(alder[i]),
                kvinne=bool(kvinne[i]),
                iplos=int(iplos[i]),
                demens=False,
                skjerming=False,
                ukp=False,
                lengde=int(lengde[i]),
                frafall=int(max(dag[i], frafall_fra) + frafall[i]),
            )
            ut.append(p)
            self.ankomstlogg.append(Ankomst(uke, p.id, tj, p.ankomst, p.alder, p.lengde, False))
        return ut

    # -- arrivals --------------------------------------------------------------------------------
    def _faktor(self, aar: int) -> dict[str, float]:
        t = self.sc.tiltak
        f: dict[str, float] = {}
        fra = t.leon_fra_aar or self.sc.startaar
        if t.leon_reduksjon_langtid and aar >= fra:
            andel = 1.0 if t.leon_innfasing_aar == 0 else min(1.0, (aar - fra + 1) / t.leon_innfasing_aar)
            f["langtid"] = 1.0 - t.leon_reduksjon_langtid * andel
        if t.avlastning_okning and aar >= (t.avlastning_fra_aar or self.sc.startaar):
            f["avlastning"] = 1.0 + t.avlastning_okning
        if t.bolig_okning and aar >= (t.bolig_fra_aar or self.sc.startaar):
            f["bolig"] = 1.0 + t.bolig_okning
        return f

    def ankomster(self, uke: int) -> list[Person]:
        """Arrivals of week ``uke``: langtid/korttid/avlastning on days t0−7 … t0−1 (they are on the list
        at the meeting on t0); akutt on days t0 … t0+6. All draws from this week's streams.

        Policy levers keep common random numbers: the week's persons are drawn at the rate *without*
        the lever; a lever that lowers a rate (LEON) then keeps each person with probability f (a
        uniform drawn last, so every other draw is the same), and one that raises it (more avlastning)
        adds Poisson((f − 1)·rate) persons from their own stream (``<tjeneste>_ekstra``, ids
        ``X-…``). Both give Poisson(f·rate) arrivals, and scenario B sees A's persons except the ones
        the lever removes or adds — so A/B differences are paired (issue 23)."""
        t0 = 7 * uke
        aar = self.m.aar(t0)
        bef = self.m.befolkning.for_aar(aar)
        faktor = self._faktor(aar)
        rate = ukerate(self.sc.behov, self.m.nivaa, bef, {})
        ut: list[Person] = []
        for tj in ("langtid", "korttid", "avlastning", "akutt"):
            f = faktor.get(tj, 1.0)
            ut.extend(self._trekk(tj, strom(self.seed, self.rep, uke, tj), rate[tj], min(1.0, f), uke, bef, "S"))
            if f > 1.0:
                rng = strom(self.seed, self.rep, uke, f"{tj}_ekstra")
                ut.extend(self._trekk(tj, rng, rate[tj] * (f - 1.0), 1.0, uke, bef, "X"))
        if self.m.bolig_nivaa:
            ut.extend(self._boligankomster(uke, bef, self._faktor(aar).get("bolig", 1.0)))
        return ut

    def _trekk(
        self, tj: str, rng: np.random.Generator, lam: float, behold: float, uke: int, bef: np.ndarray, prefiks: str
    ) -> list[Person]:
        """The persons of one service and week from ``rng`` (Poisson(lam), each kept with probability
        ``behold``; see ``ankomster``)."""
        t0 = 7 * uke
        b = self.sc.behov
        lg = self.sc.liggetid
        or_lt = self.m.nivaa["demens_or"]
        p_skj = self.m.nivaa["p_skjerming_demens"]
        ut: list[Person] = []
        n = int(rng.poisson(lam))
        p_baand = aldersfordeling(bef, b.relativ_risiko[tj])
        if n == 0:
            return ut
        alder = trekk_alder(rng, p_baand, n)
        if tj == "akutt":
            tid = np.sort(t0 + 7 * rng.random(n))
            dag = np.floor(tid).astype(int)
        else:
            dag = np.sort(t0 - 7 + rng.integers(0, 7, size=n))
        ukp = rng.random(n) < b.andel_ukp.get(tj, 0.0)
        iplos = 3 + rng.choice(3, size=n, p=np.asarray(b.iplos_nivaa_sannsynlighet))
        kvinne = rng.random(n) < np.where(alder >= 80, 0.67, 0.55)
        u_dem = rng.random(n)
        u_skj = rng.random(n)
        frafall_mid = b.frafall_middel_dager.get(tj)
        frafall = rng.exponential(frafall_mid, size=n) if frafall_mid else np.full(n, 1e9)
        if tj == "langtid":
            lengde = lg.langtid(rng, n)
        elif tj == "korttid":
            lengde = lg.korttid(rng, n)
        elif tj == "akutt":
            lengde = lg.akutt(rng, n)
        else:
            lengde = np.zeros(n, dtype=int)
        videre = rng.random(n) < self.m.nivaa.get("p_korttid_til_langtid", 0.0)
        lt_lengde = lg.langtid(rng, n)
        par = rng.random(n) < b.andel_ektepar_langtid / 2
        avl = [lg.avlastning(rng) for _ in range(n)] if tj == "avlastning" else []
        beholdt = rng.random(n) < behold  # the lever's thinning: drawn last (see ``ankomster``)
        ny_id = self._ny_person_id if prefiks == "S" else self._ny_ekstra_id
        for i in range(n):
            a = max(18, int(alder[i]))  # adults only (KØH: T §3.19)
            # Langtid applicants (also those who come through korttid) get the calibrated odds
            # ratio (four of five with dementia); korttid patients who go home the korttid one.
            til_langtid = tj == "langtid" or (tj == "korttid" and bool(videre[i]))
            dem = bool(u_dem[i] < andel_demens(a, or_lt if til_langtid else b.demens_oddsratio_korttid))
            p = Person(
                id=ny_id(),
                tjeneste=tj,
                ankomst=int(dag[i]),
                alder=a,
                kvinne=bool(kvinne[i]),
                iplos=int(iplos[i]),
                demens=dem,
                skjerming=dem and bool(u_skj[i] < p_skj),
                ukp=bool(ukp[i]) and tj in ("langtid", "korttid"),
                lengde=int(lengde[i]),
                frafall=int(dag[i] + frafall[i]),
            )
            if tj == "avlastning":
                p.lengde, p.periode = avl[i]
            if tj == "akutt":
                p.tid = float(tid[i])
            if tj == "korttid" and videre[i]:
                p.videre_langtid = True
                p.periode = int(lt_lengde[i])  # the langtid stay length of the later application
            p.fra = "sykehus" if p.ukp else "hjemme"
            nye = [p]
            if tj == "langtid" and par[i]:
                # An ektepar: the spouse applies the same day and both wish to live together (S §4.22).
                q = Person(
                    id=ny_id(),
                    tjeneste=tj,
                    ankomst=p.ankomst,
                    alder=max(65, min(104, a + int(rng.integers(-4, 5)))),
                    kvinne=not p.kvinne,
                    iplos=p.iplos,
                    demens=False,
                    skjerming=False,
                    ukp=False,
                    lengde=int(lt_lengde[i]),
                    frafall=p.frafall,
                    ektefelle=p.id,
                )
                p.ektefelle = q.id
                nye.append(q)
            if beholdt[i]:  # a removed person still used its ids and draws: the others stay the same
                ut.extend(nye)
                self.ankomstlogg.extend(Ankomst(uke, x.id, tj, x.ankomst, x.alder, x.lengde, x.ukp) for x in nye)
        return ut

    def _boligankomster(self, uke: int, bef: np.ndarray, faktor: float) -> list[Person]:
        """Bolig applications of week ``uke`` (days t0−7 … t0−1), all from the week's own ``bolig``
        stream, housing type by housing type in sorted order: the draws of the other services are
        untouched. No UKP, no couples; the tenancy length is drawn now (open-ended for the engine).

        The ``bolig_okning`` lever keeps common random numbers as the other levers do (``ankomster``):
        the persons are drawn at the rate without the lever; a lower need keeps each with probability
        ``faktor`` (a uniform drawn last), a higher need adds Poisson((faktor − 1)·rate) persons per
        type from the week's ``bolig_ekstra`` stream (ids ``BX-…``). Before this, the lever changed
        the Poisson counts and with them every later bolig draw, so A/B differences were unpaired."""
        t0 = 7 * uke
        rng = strom(self.seed, self.rep, uke, "bolig")
        ut: list[Person] = []
        rater = ukerate_bolig(self.sc.behov.bolig, self.m.bolig_nivaa, bef, 1.0)
        for tj, lam in rater.items():
            n = int(rng.poisson(lam))
            if n:
                dag = np.sort(t0 - 7 + rng.integers(0, 7, size=n))
                ut.extend(self._boligsokere(rng, tj, dag, bef, t0 - 7, uke, behold=min(1.0, faktor)))
        if faktor > 1.0:
            rng_x = strom(self.seed, self.rep, uke, "bolig_ekstra")
            for tj, lam in rater.items():
                n = int(rng_x.poisson(lam * (faktor - 1.0)))
                if n:
                    dag = np.sort(t0 - 7 + rng_x.integers(0, 7, size=n))
                    ut.extend(self._boligsokere(rng_x, tj, dag, bef, t0 - 7, uke, ekstra=True))
        return ut

    # -- søker objects -------------------------------------------------------------------------
    def _soker(self, p: Person) -> Soker:
        if p.soker is None:
            p.soker = soker_for(self.m.proto, p, self.m.dato(p.ankomst))
        return p.soker

    # -- the week ----------------------------------------------------------------------------------
    def _losning(self, sak: Sak) -> list[Tildeling]:
        if self.ved_sak is not None:
            self.ved_sak(sak)
        t = time.perf_counter()
        if self.sc.motor.praksis == "manuell":
            ut = manuell_tildeling(sak)
        else:
            ut = tildelinger(self.loeser(sak, self.p))
        self.motor_s.append(time.perf_counter() - t)
        self.motor_kall += 1
        return ut

    def _kan_skjermet(self, p: Person) -> bool:
        """The rules (``Modell.regler``) let this kind of søker have a skjermet place."""
        return Plasstype.LANGTID_SKJERMET in self.m.regler[(p.tjeneste, p.demens, p.skjerming, p.iplos, p.ukp)]

    def _laaser(self, p: Person) -> tuple[Laas, ...]:
        """A søker who needs skjerming has a vedtak on a skjermet place (T §3.17, S §4.22: «tilrettelagte
        plasser for personer med kognitiv svikt»): the meeting does not place them in a somatic unit."""
        if p.laaser is None:
            p.laaser = tuple(
                Laas(soker_id=p.id, type=Laastype.IKKE_TILDEL, enhet_id=u, begrunnelse="vedtak på skjermet plass")
                for u in self.m.somatiske
            )
        return p.laaser

    def _sak(
        self,
        t0: int,
        enheter: list[Enhet],
        opphold: list[Opphold],
        sokere: list[Soker],
        h: int,
        laaser: tuple[Laas, ...] = (),
    ) -> Sak:
        # Fast path (see the module docstring): every piece was validated when it was built.
        return Sak.model_construct(
            formatversjon="1",
            syntetisk=True,
            beskrivelse="",
            kommune=self.m.kommune,
            startdato=self.m.dato(t0),
            horisont_dager=h,
            institusjoner=self.m.institusjoner,
            enheter=tuple(enheter),
            opphold=tuple(opphold),
            sokere=tuple(sokere),
            laaser=laaser,
        )

    def _avslutt(self, p: Person, dag: int, grunn: str) -> None:
        self.venter.pop(p.id, None)
        self.intervaller.append(Venteintervall(p.tjeneste, p.ankomst, dag, p.ukp))
        self.flyt[(p.fra, f"{grunn} bolig" if p.tjeneste in _BOLIG else grunn)] += 1
        if p.korttid_opphold and p.korttid_opphold in self.opphold:
            s = self.opphold[p.korttid_opphold]
            s.slutt = max(s.start, dag - 1)

    def uke(self, uke: int) -> dict[str, float]:
        m = self.m
        t0 = 7 * uke
        H = self.H
        nye = self.ankomster(uke)
        akutt: list[Person] = []
        for p in nye:
            self.personer[p.id] = p
            if p.tjeneste == "akutt":
                akutt.append(p)
            else:
                self.venter[p.id] = p
                self.tilgang_langtid[uke] += p.tjeneste == "langtid"
        # Korttid patients whose langtid application is due.
        for p in [q for q in self.planlagt if q.ankomst < t0]:
            self.planlagt.remove(p)
            self.venter[p.id] = p
            self.tilgang_langtid[uke] += 1
            self.personer[p.id] = p
            s = self.opphold.get(p.korttid_opphold or "")
            if s is not None:  # the korttid bed is held until a langtid place (no known end)
                s.slutt, s.kjent_slutt, s.opphold = None, False, None
        # Withdrawals while waiting.
        for p in [q for q in self.venter.values() if q.frafall < t0]:
            self._avslutt(p, p.frafall, "frafall")
        # Ended stays.
        for s in [s for s in self.opphold.values() if s.slutt is not None and s.slutt < t0]:
            del self.opphold[s.id]
            self.ferdige.append(s)
            if s.tjeneste == "langtid":
                self.flyt[("langtid", "død")] += 1
            elif s.tjeneste == "korttid" and s.person != "init":
                pers = self.personer.get(s.person)
                if pers is not None and not pers.videre_langtid:
                    self.flyt[("korttid", "hjem")] += 1
            elif s.tjeneste == KORTTIDSLEILIGHET:
                if s.person != "init":
                    self.flyt[(KORTTIDSLEILIGHET, "hjem")] += 1
            elif s.tjeneste in _BOLIG:  # the tenancy ends: death, a sykehjem or another home
                self.flyt[(s.tjeneste, "flyttet ut")] += 1

        kap = {plan.id: plan.kap(t0) for plan in m.enheter}
        enheter = [m.enhet(plan, kap[plan.id]) for plan in m.enheter]
        ukeenheter = [e for e in enheter if e.plasstype.familie is not Familie.AKUTT]
        slutt_h = t0 + H - 1
        opphold = [self._opphold_obj(s) for s in self.opphold.values() if s.start <= slutt_h]
        motor_for = sum(self.motor_s)
        laaser = tuple(
            x
            for p in self.venter.values()
            if p.skjerming and p.tjeneste == "langtid" and self.m.skjermet_finnes and self._kan_skjermet(p)
            for x in self._laaser(p)
        )
        sak = self._sak(t0, ukeenheter, opphold, [self._soker(p) for p in self.venter.values()], H, laaser)
        for t in self._losning(sak):
            if t.start_dag <= 6:
                self._realiser(self.personer[t.soker_id], t, t0 + t.start_dag, uke)

        # Akutt: each request when it comes (continuous time), decided by an akutt-only engine call.
        akutt_enheter = [e for e in enheter if e.plasstype.familie is Familie.AKUTT]
        akap = {e.id: e.kapasitet for e in akutt_enheter}
        beslutt = self._akutt_motor(akutt_enheter)
        for p in akutt:
            u = akutt_ankomst(p.tid, p, self.akutt_aktive, akap, lambda q: float(q.lengde), beslutt)
            if u is None:
                self.flyt[("hjemme", "akutt avvist")] += 1
                self.akutt_teller["avvist"][uke] += 1
            else:
                t_ut = p.tid + p.lengde
                s = Stay(f"A-{p.id}", u, p.ankomst, int(np.ceil(t_ut)) - 1, True, p.id, "akutt", None, p.tid, t_ut)
                self.ferdige.append(s)
                self._akutt_obj[s.id] = s
                self.flyt[("hjemme", "akutt")] += 1
            self.akutt_teller["ankomster"][uke] += 1
        self._akutt_obj = {k: s for k, s in self._akutt_obj.items() if (s.t_ut or 0) > t0 + 7}
        self.motor_uke.append(sum(self.motor_s) - motor_for)
        return {"t0": t0}

    def _akutt_motor(self, akutt_enheter: list[Enhet]) -> Beslutning:
        def beslutt(tid: float, ankomne: list[Person], ledige: dict[str, int]) -> list[tuple[Person, str]]:
            # Stays in progress at ``tid`` occupy day 0 of the case (their calendar end is ≥ that day);
            # stays that ended earlier the same day are left out, so the engine sees the beds free now.
            dag = int(np.floor(tid))
            opphold = [self._opphold_obj(s) for s in self._akutt_obj.values() if (s.t_inn or 0) <= tid < (s.t_ut or 0)]
            sak = self._sak(dag, akutt_enheter, opphold, [self._soker(p) for p in ankomne], 3)
            return [(self.personer[t.soker_id], t.enhet_id) for t in self._losning(sak) if t.start_dag == 0]

        return beslutt

    def _realiser(self, p: Person, t: Tildeling, start: int, uke: int) -> None:
        u = t.enhet_id
        self.venter.pop(p.id, None)
        self.intervaller.append(Venteintervall(p.tjeneste, p.ankomst, start, p.ukp))
        plasstype = t.plasstype
        # Placements against the rules (should be 0 for the engine and for manual practice): a place
        # type the rules do not give this søker, or a somatic place for one locked to skjermet.
        lovlig = self.m.regler.get((p.tjeneste, p.demens, p.skjerming, p.iplos, p.ukp), frozenset())
        laast = p.tjeneste == "langtid" and p.laaser is not None and u in self.m.somatiske and bool(p.laaser)
        if plasstype not in lovlig or laast:
            self.flyt[("kontroll", "mot reglene")] += 1
        self.plasseringer.append(
            Plasseringsrad(
                uke, p.id, p.tjeneste, plasstype.value, u, p.ankomst, start, start - p.ankomst, p.ukp, p.fra, p.alder
            )
        )
        self.flyt[(p.fra, p.tjeneste)] += 1
        if p.tjeneste == "langtid":
            self._ny_opphold(u, start, start + p.lengde - 1, False, p.id, "langtid")
            if p.korttid_opphold and p.korttid_opphold in self.opphold:
                s = self.opphold[p.korttid_opphold]
                s.slutt, s.kjent_slutt, s.opphold = max(s.start, start - 1), True, None
            inst = t.institusjon_id
            self.plassert_inst[p.id] = inst
            if p.ektefelle and p.ektefelle in self.plassert_inst:
                self.ektepar["sammen" if self.plassert_inst[p.ektefelle] == inst else "splittet"] += 1
        elif p.tjeneste == "korttid":
            s = self._ny_opphold(u, start, start + p.lengde - 1, True, p.id, "korttid")
            if p.videre_langtid:
                q = Person(
                    id=f"K-{p.id[2:]}",  # own namespace: outside arrivals keep their ids in every scenario
                    tjeneste="langtid",
                    ankomst=start + p.lengde // 2,
                    alder=p.alder,
                    kvinne=p.kvinne,
                    iplos=min(5, p.iplos + 1),
                    demens=p.demens,
                    skjerming=p.skjerming,
                    ukp=False,
                    lengde=p.periode,
                    frafall=10**9,
                    fra="korttid",
                    korttid_opphold=s.id,
                )
                self.planlagt.append(q)
        elif p.tjeneste == "avlastning":
            slutt_vedtak = start + 7 * self.sc.liggetid.avlastning_vedtak_uker
            d = start
            while d < slutt_vedtak:
                self._ny_opphold(u, d, d + p.lengde - 1, True, p.id, "avlastning")
                self.avlastning_opphold += 1
                d += p.periode
        elif p.tjeneste in _BOLIG:
            # Open-ended for the engine (the drawn end is the simulator's secret), except the
            # korttidsleilighet, whose length the engine knows (S §6.4).
            kjent = p.tjeneste == KORTTIDSLEILIGHET
            self._ny_opphold(u, start, start + p.lengde - 1, kjent, p.id, p.tjeneste)

    # -- run -----------------------------------------------------------------------------------------
    def kjor(self, fremdrift: Callable[[int], None] | None = None) -> Replikasjon:
        self.initier()
        n = self.m.uker
        # A simulated week creates tens of thousands of short-lived objects next to a large,
        # slowly growing set of long-lived ones: measured ~10 % less wall time on 104 weeks.
        with faerre_gc_runder():
            for w in range(n):
                self.uke(w)
                if fremdrift is not None:
                    fremdrift(w)
        # Those who arrive during the last week are on the list at its end (not placed).
        for p in self.ankomster(n):
            if p.tjeneste != "akutt":
                self.venter[p.id] = p
        return self._resultat()

    def _resultat(self) -> Replikasjon:
        m = self.m
        n = m.uker
        ndager = 7 * n
        slutt = ndager
        for p in self.venter.values():
            self.intervaller.append(Venteintervall(p.tjeneste, p.ankomst, slutt, p.ukp))
        # Waiting per day and UKP days per day (difference arrays over intervals).
        vent = {tj: np.zeros(ndager + 1) for tj in ("langtid", "korttid", "avlastning", *m.boligtyper)}
        ukp = np.zeros(ndager + 1)
        for tj, fra, til, er_ukp in self.intervaller:
            fra_c, til_c = max(0, fra), min(ndager, til)
            if til_c <= fra_c:
                continue
            vent[tj][fra_c] += 1
            vent[tj][til_c] -= 1
            if er_ukp:
                ukp[fra_c] += 1
                ukp[til_c] -= 1
        vent_dag = {tj: np.cumsum(v)[:ndager] for tj, v in vent.items()}
        ukp_dag = np.cumsum(ukp)[:ndager]
        # Occupancy per unit and day.
        belegg = {plan.id: np.zeros(ndager + 1) for plan in m.enheter}
        for s in list(self.ferdige) + list(self.opphold.values()):
            if s.t_inn is not None and s.t_ut is not None:  # akutt: time-weighted per day
                d = int(np.floor(s.t_inn))
                while d < s.t_ut and d < ndager:
                    if d >= 0:
                        x = min(s.t_ut, d + 1) - max(s.t_inn, d)
                        belegg[s.enhet][d] += x
                        belegg[s.enhet][d + 1] -= x
                    d += 1
                continue
            a = max(0, s.start)
            b = ndager - 1 if s.slutt is None else min(ndager - 1, s.slutt)
            if b < a:
                continue
            belegg[s.enhet][a] += 1
            belegg[s.enhet][b + 1] -= 1
        belegg_dag = {u: np.cumsum(v)[:ndager] for u, v in belegg.items()}
        kap_dag = {plan.id: np.array([plan.kap(d) for d in range(0, ndager, 7)]).repeat(7) for plan in m.enheter}
        # Occupancy and places per family, and per housing type (bolig is planned type by type).
        grupper = {
            fam: [p.id for p in m.enheter if p.plasstype.familie.value == fam]
            for fam in ("langtid", "korttid", "avlastning", "akutt", "bolig")
        }
        grupper.update({tj: [p.id for p in m.enheter if p.plasstype.value == tj] for tj in m.boligtyper})
        uker: dict[str, list[Any]] = defaultdict(list)
        opp = m.oppvarming_dager // 7
        for w in range(opp, n):
            a, b = 7 * w, 7 * w + 7
            aar = m.aar(a)
            uker["uke"].append(w - opp)
            uker["dato"].append(m.dato(a).isoformat())
            uker["aar"].append(aar)
            for tj in vent_dag:
                uker[f"venteliste_{tj}"].append(float(vent_dag[tj][a:b].mean()))
            uker["venteliste_bolig"].append(sum(float(vent_dag[tj][a:b].mean()) for tj in m.boligtyper))
            ukpd = float(ukp_dag[a:b].sum())
            uker["ukp_dogn"].append(ukpd)
            uker["ukp_kostnad_nok"].append(ukpd * ukp_dognpris(aar, self.sc.ukp_prisvekst))
            uker["akutt_ankomster"].append(float(self.akutt_teller["ankomster"][w]))
            uker["akutt_avvist"].append(float(self.akutt_teller["avvist"][w]))
            for gruppe, ids in grupper.items():
                brukt = sum(float(belegg_dag[u][a:b].sum()) for u in ids)
                kapsum = sum(float(kap_dag[u][a:b].sum()) for u in ids)
                uker[f"belegg_{gruppe}"].append(brukt / kapsum if kapsum else float("nan"))
                uker[f"plasser_{gruppe}"].append(kapsum / 7)
            uker["motor_sekunder"].append(self.motor_uke[w])
            uker["tilgang_langtid"].append(float(self.tilgang_langtid[w]))
        od = m.oppvarming_dager
        plasseringer = [
            x._replace(ankomst_dag=x.ankomst_dag - od, start_dag=x.start_dag - od)
            for x in self.plasseringer
            if x.start_dag >= od
        ]
        flyt = dict(self.flyt)
        flyt[("ektepar", "sammen")] = self.ektepar["sammen"]
        flyt[("ektepar", "splittet")] = self.ektepar["splittet"]
        return Replikasjon(
            rep=self.rep,
            uker=dict(uker),
            plasseringer=plasseringer,
            belegg={u: v[od:] for u, v in belegg_dag.items()},
            kapasitet={u: v[od:] for u, v in kap_dag.items()},
            flyt=flyt,
            ankomster=self.ankomstlogg,
            motor_sekunder=self.motor_s,
            motor_kall=self.motor_kall,
        )


def kjor_replikasjon(
    sc: Scenario, rep: int, rep_seed: int, fremdrift: Callable[[int], None] | None = None
) -> Replikasjon:
    """One replication of a scenario (builds the model; cached per process in ``montecarlo``)."""
    return Simulator(bygg_modell(sc), rep, rep_seed).kjor(fremdrift)


__all__ = [
    "UKER_PER_AAR",
    "Ankomst",
    "Modell",
    "Plasseringsrad",
    "Replikasjon",
    "Simulator",
    "Venteintervall",
    "akutt_ankomst",
    "bygg_modell",
    "forste_ledige",
    "kjor_replikasjon",
    "replikasjonsfro",
    "simuler_tapsenhet",
    "ukp_dognpris",
]
