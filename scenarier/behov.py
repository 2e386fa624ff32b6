"""Need and arrival model per age band and service (*modelling choices*, documented and configurable).

Arrivals of søkere per week are Poisson with rate ``Σ_b N_b(år) · r_tj · RR_tj[b] / 52.18`` where
``N_b`` is the population of age band b (``scenarier.befolkning.BAAND``), ``RR_tj`` a relative risk per
band and ``r_tj`` a level calibrated in the start year:

* **Level — per place type, on the case's own occupancy** (``kalibrer_nivaa``). In the start year
  the offered load of each place type equals its occupancy in the case: λ_type·E[LOS] = places ×
  ``belegg_start[type]``. The default occupancies are those the bundled synthetic case is built
  with (``BELEGG_SAK``; ``modeller.generator``: langtid 98.5 % = 1 − ``LEDIG_LANGTID``, korttid 90 %, avlastning
  55 %, ØHD/KØH 45 % = ``AKUTT_BELEGG``, the national figure, *derived* in public-figures.md); a
  municipality replaces them with its own (KOSTRA 12003 / its own count). Langtid somatisk and
  skjermet are calibrated **separately** (until issue 23 only their sum was, and skjermet units stood
  70–81 % full while somatic units queued). Langtid demand is set ``somatisk_overskudd`` /
  ``skjerming_overskudd`` (10 % each) above the places, so status quo has a waiting list that
  withdrawals balance, and the case's langtid søkere are on the list at the start
  (``simulering.Simulator._initier_langtidsko``); korttid applications are raised by
  ``korttid_tapskorreksjon`` (1.04) for those who withdraw while waiting. Both are *modelling
  choices*, tuned once so that the start year meets the case's occupancy within 5 percentage points.
* **Langtid**: RR ∝ population dementia prevalence, which roughly doubles per 5-year band from 70
  (HUNT4, Gjøra et al. 2021; ``modeller.generator.demens_prevalens``). With a Norway-like age structure
  this puts ≈ 70 % of langtid applicants at 80+ (SSB 2023: three in four residents are 80+).
  A share ``andel_langtid_via_korttid`` of the admissions comes from a korttid stay (the korttid
  patient applies half-way and keeps the korttid bed until a langtid place is found); the probability
  that a korttid patient goes on to langtid is set from it in the start year.
* **Dementia and skjerming (public figures).** «Four of five patients in Norwegian nursing homes have
  severe problems with memory and orientation, but only 20 % of nursing-home places are adapted for
  people with dementia» (public-figures.md, Bergens Tidende survey). So P(dementia | langtid
  applicant) = ``andel_demens_langtid`` = 0.8 on average in the start year, with HUNT4's age gradient:
  P(a) = OR·p(a)/(1 − p(a) + OR·p(a)), p = HUNT4 population prevalence, OR solved so that the mean
  over the start year's langtid applicants is 0.8 (OR ≈ 27 for both bundled municipalities). Every langtid
  applicant — from home, from hospital **and from a korttid stay** — gets this probability (before
  issue 23 those coming from korttid got a hard-coded odds ratio of 2.0); korttid patients who go
  home keep ``demens_oddsratio_korttid`` (2.0, *modelling choice*). Skjerming: the need for a
  skjermet place (dementia with behaviour that needs skjerming, T §3.17 / S §4.22) is calibrated so
  that the offered load of skjerming applicants is ``skjerming_overskudd`` (default 10 %,
  *modelling choice*: the public figure says far more residents have dementia than there are
  adapted places, so those units run full with a queue; the size of the excess is ours) above the
  skjermet places × their occupancy; P(skjerming | dementia) follows (Sandefjord 0.32, Tvedestrand 0.31). A søker
  with that need has a vedtak on a skjermet place: the simulator locks the somatic units for them
  (``Laas`` «ikke_tildel»), as the allocation meeting would, so they wait for a skjermet place and
  never take a somatic one. Dementia without that behaviour lives in somatic units (the figure:
  most residents with dementia do).
* **UKP** (utskrivningsklare pasienter, hol § 11-4): a share ``andel_ukp`` of korttid applicants
  wait in hospital for their korttid place; their UKP days are the days until they get it (the weekly
  meeting and the free beds decide). National level: 71 800 UKP days in 2022 (Helsedirektoratet,
  public-figures.md) / ≈ 5.5 M inhabitants = **13.1 UKP days per 1 000 inhabitants per year**
  (*derived*). How long a UKP waits, nationally (Helsedirektoratet, SAMDATA spesialisthelsetjenesten,
  «Utskrivningsklare pasienter etter bosted – somatikk», 2021): about 82 500 UKP patients, 80 % of
  them discharged without a single overliggerdøgn; about 18 000 stays with overliggerdøgn, 63 700
  overliggerdøgn, **3.5 døgn on average** per such stay — nobody waits months in hospital.
  **Langtid søkere are not UKP by default** (``andel_ukp["langtid"] = 0``): a patient who is ready
  for discharge and needs langtid is received into a korttid place and applies for langtid from
  there (``andel_langtid_via_korttid``: the korttid → langtid path, where the korttid søker carries
  the korttid UKP share). Before this (issue 23), 13 % of langtid applicants waited in hospital for
  a langtid bed: in Tvedestrand (32 langtid beds, about 0.3 free per week, highest need first) one or
  two a year waited 62–343 days in hospital, 10–48 UKP days per 1 000 inhabitants on their own
  (measured 4.12.2026, 3 replications of 2026) — the cause of its 32.6 per 1 000, 2.5 times the
  national level. The korttid share 0.13 (*modelling choice*, one share for both municipalities,
  tuned once on the bundled cases against the 13.1 above) gives 2.6 (Sandefjord) and 2.7
  (Tvedestrand) UKP søkere per 1 000 inhabitants a year who wait at all, against SAMDATA's
  18 000 / 5.4 M ≈ 3.3 stays with overliggerdøgn per 1 000 (2021, *derived*), and the start-year
  UKP days in ``benchmarks/README.md`` (test ``tests/scenarier/test_kalibrering.py``: within 25 %
  of 13.1 for both municipalities). A municipality with its own figures sets ``andel_ukp``.
* **Korttid / avlastning**: flatter gradients (doubling per 10 years; avlastning also for younger care
  receivers), calibrated on occupancy as above.
* **Akutt (ØHD/KØH)**: a loss system, so the level is set by Erlang B: the arrival rate λ such that
  the expected occupancy λ·E[L]·(1 − B(c, λ·E[L]))/c equals ``belegg_start["akutt"]`` with today's c
  beds; with a mild age gradient so that ageing raises it. ``akutt_per_1000`` (per 1 000 inhabitants
  per year) overrides it; the national figure is 6.2 (Helsedirektoratet 2022). Sandefjord's 5 ØHD
  beds at 45 % imply 6.7 per 1 000 (close to national); Tvedestrand's 2 KØH beds at 45 % imply
  36 per 1 000 — six times the national rate — because 2 beds for ≈ 6 000 inhabitants is 2.7
  times the national bed density: the case's 45 % is the generator's national figure applied to a
  small unit, which Erlang B says a small unit does not reach at national demand (public-figures.md:
  small units ≈ 30 % used). A planner with real admissions gives them directly
  (``ankomster_per_dag``).
* **Direct arrival rates**: ``ankomster_per_dag`` (per service, in the start year) replaces the
  calibration of that service's level; later years still grow with the population of the age bands.
* **Couples**: a share of langtid arrivals come as an ektepar who both apply and wish to live together
  (S §4.22).
* Policy levers: LEON shift (venstreforskyvning, T §1 and §2.5) lowers langtid incidence by x %,
  phased in linearly; more avlastning raises avlastning incidence by x %; ``bolig_okning`` raises the
  need for every bolig type by x %.

Bolig (omsorgsboliger, section ``behov.bolig``; class ``Boligbehov``)
---------------------------------------------------------------------
Each housing type is its own service (``modeller.kodeverk.Tjeneste``: hdo, hdou, omsorgsbolig_psykisk,
trygghetsbolig, tilrettelagt_bolig, korttidsleilighet, senterleilighet); the simulator runs the types
that the municipality has units of (Sandefjord: tilrettelagt bolig, korttidsleilighet, senterleilighet;
Tvedestrand: HDO, HDOU, omsorgsbolig psykisk helse, trygghetsbolig). Arrivals of type t per week are
Poisson with rate ``Σ_b N_b(år) · r_t · RR_t[b] / 52.18``, as above. **Every bolig number below is a
labelled modelling assumption**: ``shared/public-figures.md`` has no figure for housing (no arrivals,
tenancy lengths or waiting lists for omsorgsboliger), and the generator's housing capacities
(``modeller.generator.BOLIG_PER_1000``) are modelling choices too.

* **Level — flow balance on today's waiting list** (calibrated on today's flats, the template, never the
  capacity plan). Omsorgsboliger are usually all let with a waiting list, so an occupancy target (as
  for langtid) says little: with 0.97 the simulated list stays at 1–3 persons for 200 flats. Instead
  the start-year waiting list Q₀ = ``venteliste_per_bolig[t]`` × flats is the calibration target, and
  the start year's applications follow from flow balance when every flat is let: every flat turns
  over once per mean tenancy and the list loses its withdrawals, so
  λ_t = flats_t / E[LOS_t] + Q₀ / E[frafall_t] (``bolig_per_aar``). Default 0.15 per flat (15 waiting
  per 100 flats: ≈ 30 for Sandefjord-size, ≈ 8 for Tvedestrand-size), *modelling assumption*; a
  municipality replaces it with its own list (the tildelingskontor knows it). The list Q₀ is also
  present at the start (``scenarier.simulering``), so the start year is not an empty-list transient.
  Korttidsleilighet (fixed stays, short waits) is calibrated like korttid on occupancy:
  ``korttidsleilighet_belegg_start`` = 0.7 (the generator's initial occupancy of those flats). Demand
  then grows with the population of each age band, so waiting lists grow where the number of old
  people grows and the flats do not. A housing type with no flats today gets no applications (there
  is nothing to calibrate on): flats of a new type in the capacity plan stay empty.
* **Relative risk per age band** (``relativ_risiko``; *modelling choice*): elderly types
  (senterleilighet, trygghetsbolig, korttidsleilighet, HDO) give ≈ 72 % of arrivals at 80+ and ≈ 2 %
  under 65 with the 2026 synthetic Sandefjord population — about the 74 % of residents aged 67+ who
  were 80+ in SSB's count of residents of pleie- og omsorgsboliger (SSB, «Pleie- og omsorgstenestene»,
  tabell 3, 2008: 51 462 residents, 19 688 under 67, 8 191 aged 67–79, 23 583 aged 80+;
  ssb.no/a/kortnavn/pleie/arkiv/tab-2009-07-02-03.html; *not* in
  public-figures.md). Tilrettelagt bolig (S §6.3 bofellesskap): ≈ 48 % under 65, as the generator's
  applicants (half 18–64). HDOU (T §3.14, utviklingshemming/autisme) and omsorgsbolig psykisk helse
  (T §3.16): adults under 65 (≈ 96–99 %). Ages are drawn within the band and never below 18 (S §6,
  T §3.14).
* **Withdrawal while waiting** (``frafall_middel_dager``): 730 days for senterleilighet, trygghetsbolig,
  tilrettelagt bolig and omsorgsbolig psykisk helse (applicants live at home with services and are
  less frail than langtid applicants, whose mean is 365 days), 365 for HDO (as langtid), 1 460 for
  HDOU (young adults wait long), 60 for korttidsleilighet (as korttid).
* **IPLOS level**: ``round(N(iplos_middel[t], 0.5))`` clipped to 2–5 with the generator's means per
  type (``modeller.generator._Bygger._bolig``: HDO 3.6, HDOU 3.4, tilrettelagt 3.3, psykisk 2.4,
  korttidsleilighet 2.4, trygghetsbolig 2.2, senterleilighet 2.0).
* **Couples are left out** of bolig (S §6.2 gives ektepar two-room flats; the simulator treats every
  flat as a one-person flat and two-room flats as ordinary flats).
* **Plausibility of the resulting waiting list**: the simulated Sandefjord figures (waiting list,
  waits, occupancy, growth towards 2040) are in ``scenarier.simulering``'s docstring. For comparison
  (not a calibration target, not in public-figures.md): Helsedirektoratet, «Kommunale helse- og
  omsorgstjenester 2022», kap. 3.9 (helsedirektoratet.no/rapporter/kommunale-helse-og-omsorgstjenester-2022),
  reports 3 028 persons nationally on a waiting list for langtid *or* a bolig særskilt tilrettelagt for
  heldøgnstjenester (≈ 0.55 per 1 000 inhabitants, ≈ 36 for 65 000; *derived*, and Helsedirektoratet
  asks for caution with the figure); the bundled synthetic Sandefjord case has 79 housing søkere at one
  meeting (the generator's mix, a modelling choice).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from modeller.generator import AKUTT_BELEGG, LEDIG_LANGTID, demens_prevalens
from modeller.kodeverk import Familie, Plasstype, Tjeneste
from scenarier.befolkning import BAAND, BAAND_GRENSER, Befolkning

UKER_PER_AAR = 365.25 / 7
TJENESTER = ("langtid", "korttid", "avlastning", "akutt")
PLASSTYPER_KALIBRERT = ("langtid_somatisk", "langtid_skjermet", "korttid", "avlastning", "akutt")
BOLIGTJENESTER: tuple[str, ...] = tuple(t.value for t in Tjeneste if t.familie is Familie.BOLIG)
"""The housing services (one per bolig place type: the Tjeneste value equals the Plasstype value)."""

_MIDT = [lo + 2 if lo >= 65 else (57 if lo == 50 else 30) for lo in BAAND_GRENSER]
_RR_LANGTID = tuple(round(demens_prevalens(a) if a >= 65 else (0.002 if a >= 50 else 0.0002), 5) for a in _MIDT)
_RR_KORTTID = (0.01, 0.08, 0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 1.6)
_RR_AVLASTNING = (0.05, 0.08, 0.2, 0.3, 0.5, 0.7, 1.0, 1.2, 1.2)
_RR_AKUTT = (0.3, 1.0, 2.0, 2.5, 3.2, 4.0, 5.0, 6.0, 6.0)
_RR_BOLIG_ELDRE = (0.0003, 0.005, 0.03, 0.08, 0.2, 0.5, 1.0, 1.3, 1.3)
_RR_BOLIG_TILRETTELAGT = (0.025, 0.03, 0.03, 0.05, 0.1, 0.2, 0.4, 0.5, 0.5)
_RR_BOLIG_HDOU = (1.0, 0.5, 0.1, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0)
_RR_BOLIG_PSYKISK = (1.0, 0.8, 0.3, 0.15, 0.1, 0.05, 0.05, 0.05, 0.05)


BOLIG_RR: dict[Plasstype, tuple[float, ...]] = {
    Plasstype.HDO: _RR_BOLIG_ELDRE,
    Plasstype.HDOU: _RR_BOLIG_HDOU,
    Plasstype.OMSORGSBOLIG_PSYKISK: _RR_BOLIG_PSYKISK,
    Plasstype.TRYGGHETSBOLIG: _RR_BOLIG_ELDRE,
    Plasstype.TILRETTELAGT_BOLIG: _RR_BOLIG_TILRETTELAGT,
    Plasstype.KORTTIDSLEILIGHET: _RR_BOLIG_ELDRE,
    Plasstype.SENTERLEILIGHET: _RR_BOLIG_ELDRE,
}
BOLIG_VENTELISTE: dict[Plasstype, float] = {pt: 0.15 for pt in Plasstype if pt.er_bolig}
del BOLIG_VENTELISTE[Plasstype.KORTTIDSLEILIGHET]  # fixed-length stays: calibrated on occupancy instead
BOLIG_FRAFALL: dict[Plasstype, float] = {
    Plasstype.HDO: 365.0,
    Plasstype.HDOU: 1460.0,
    Plasstype.OMSORGSBOLIG_PSYKISK: 730.0,
    Plasstype.TRYGGHETSBOLIG: 730.0,
    Plasstype.TILRETTELAGT_BOLIG: 730.0,
    Plasstype.KORTTIDSLEILIGHET: 60.0,
    Plasstype.SENTERLEILIGHET: 730.0,
}
BOLIG_IPLOS: dict[Plasstype, float] = {
    Plasstype.HDO: 3.6,
    Plasstype.HDOU: 3.4,
    Plasstype.OMSORGSBOLIG_PSYKISK: 2.4,
    Plasstype.TRYGGHETSBOLIG: 2.2,
    Plasstype.TILRETTELAGT_BOLIG: 3.3,
    Plasstype.KORTTIDSLEILIGHET: 2.4,
    Plasstype.SENTERLEILIGHET: 2.0,
}
_BOLIG_STANDARD: dict[str, dict[Plasstype, Any]] = {
    "relativ_risiko": BOLIG_RR,
    "venteliste_per_bolig": BOLIG_VENTELISTE,
    "frafall_middel_dager": BOLIG_FRAFALL,
    "iplos_middel": BOLIG_IPLOS,
}


class Boligbehov(BaseModel):
    """YAML section ``behov.bolig``: need for each housing type. Keys are place types (e.g.
    ``senterleilighet``); a type left out keeps its default, so a file may set only what it
    changes. Every default is a labelled *modelling assumption* (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relativ_risiko: dict[Plasstype, tuple[float, ...]] = Field(
        default_factory=lambda: dict(BOLIG_RR),
        description=f"Relativ risiko per boligtype og aldersgruppe ({', '.join(BAAND)}).",
    )
    venteliste_per_bolig: dict[Plasstype, float] = Field(
        default_factory=lambda: dict(BOLIG_VENTELISTE),
        description=(
            "Kalibrering: venteliste i startåret per leilighet av typen (0,15 = 15 søkere per 100 boliger); "
            "gjelder boligtyper med åpen botid."
        ),
    )
    korttidsleilighet_belegg_start: float = Field(
        0.7, ge=0, le=1, description="Kalibrering: forventet belegg i korttidsleiligheter i startåret."
    )
    frafall_middel_dager: dict[Plasstype, float] = Field(
        default_factory=lambda: dict(BOLIG_FRAFALL),
        description="Middel tid til frafall (død, sykehjem, annen løsning) mens søkeren venter på bolig.",
    )
    iplos_middel: dict[Plasstype, float] = Field(
        default_factory=lambda: dict(BOLIG_IPLOS),
        description="Middel IPLOS-nivå per boligtype (trekkes som avrundet normalfordeling, 2–5).",
    )

    @field_validator("relativ_risiko", "venteliste_per_bolig", "frafall_middel_dager", "iplos_middel", mode="before")
    @classmethod
    def _med_standard(cls, v: Any, info: ValidationInfo) -> Any:
        """Keys given override the defaults; the other types keep theirs."""
        if not isinstance(v, dict):
            return v
        ut: dict[Any, Any] = {pt.value: x for pt, x in _BOLIG_STANDARD[str(info.field_name)].items()}
        ut.update({str(k.value if isinstance(k, Plasstype) else k): x for k, x in v.items()})
        return ut

    @model_validator(mode="after")
    def _sjekk(self) -> Boligbehov:
        for navn in _BOLIG_STANDARD:
            for pt in getattr(self, navn):
                if not pt.er_bolig:
                    raise ValueError(f"{navn}: {pt.value} er ikke en boligtype")
        for pt, rr in self.relativ_risiko.items():
            if len(rr) != len(BAAND) or min(rr) < 0:
                raise ValueError(f"relativ_risiko.{pt.value}: {len(BAAND)} ikke-negative tall ({', '.join(BAAND)})")
        for pt, q in self.venteliste_per_bolig.items():
            if pt is Plasstype.KORTTIDSLEILIGHET:
                raise ValueError(
                    "venteliste_per_bolig: korttidsleilighet kalibreres med korttidsleilighet_belegg_start"
                )
            if not 0 <= q <= 10:
                raise ValueError(f"venteliste_per_bolig.{pt.value} må være mellom 0 og 10")
        for pt, f in self.frafall_middel_dager.items():
            if f <= 0:
                raise ValueError(f"frafall_middel_dager.{pt.value} må være større enn 0")
        return self


class Behovsmodell(BaseModel):
    """YAML section ``behov``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relativ_risiko: dict[str, tuple[float, ...]] = Field(
        default_factory=lambda: {
            "langtid": _RR_LANGTID,
            "korttid": _RR_KORTTID,
            "avlastning": _RR_AVLASTNING,
            "akutt": _RR_AKUTT,
        },
        description=f"Relativ risiko per aldersgruppe ({', '.join(BAAND)}).",
    )
    belegg_start: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Kalibrering: belegg i startåret per plasstype med dagens kapasitet (langtid_somatisk, langtid_skjermet, "
            "korttid, avlastning, akutt; «langtid» gjelder begge langtidstypene). Typer som ikke er oppgitt, får "
            "tallet kommunens sak er laget med (BELEGG_SAK)."
        ),
    )
    akutt_per_1000: float | None = Field(
        None, ge=0, description="ØHD/KØH-innleggelser per 1 000 innbyggere per år (tom = kalibrert på belegget)."
    )
    ankomster_per_dag: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Ankomstrate per døgn i startåret, oppgitt direkte (langtid, korttid, avlastning, akutt); erstatter "
            "kalibreringen for tjenesten. Senere år vokser med befolkningen i aldersgruppene."
        ),
    )
    andel_ukp: dict[str, float] = Field(
        default_factory=lambda: {"langtid": 0.0, "korttid": 0.13},
        description=(
            "Andel søkere som venter som utskrivningsklare pasienter på sykehus (langtid 0: de tas imot på "
            "korttidsplass og søker langtid derfra)."
        ),
    )
    andel_langtid_via_korttid: float = Field(
        0.4, ge=0, le=1, description="Andel langtidsinnleggelser som kommer fra et korttidsopphold (startåret)."
    )
    andel_ektepar_langtid: float = Field(0.03, ge=0, le=1, description="Andel langtidssøkere som kommer som ektepar.")
    andel_demens_langtid: float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Andel langtidssøkere med demens i startåret (fire av fem beboere, offentlig tall).",
    )
    demens_oddsratio_langtid: float | None = Field(
        None, gt=0, description="Oddsratio mot befolkningens demensforekomst (tom = løst fra andel_demens_langtid)."
    )
    demens_oddsratio_korttid: float = Field(2.0, gt=0, description="Oddsratio for korttidspasienter som går hjem.")
    andel_skjerming_blant_demente: float | None = Field(
        None, ge=0, le=1, description="P(atferd som krever skjerming | demens); tom = kalibrert på skjermede plasser."
    )
    skjerming_overskudd: float = Field(
        0.10,
        ge=0,
        le=2,
        description="Hvor mye behovet for skjermet plass overstiger de skjermede plassene i startåret.",
    )
    somatisk_overskudd: float = Field(
        0.10, ge=0, le=2, description="Hvor mye behovet for somatisk langtidsplass overstiger plassene i startåret."
    )
    korttid_tapskorreksjon: float = Field(
        1.04,
        ge=1,
        le=2,
        description="Korttidssøknader per plass ganges med dette: noen trekker seg mens de venter (frafall).",
    )
    frafall_middel_dager: dict[str, float] = Field(
        default_factory=lambda: {"langtid": 365.0, "korttid": 60.0, "avlastning": 180.0},
        description="Middel tid til frafall (død, annen løsning) mens søkeren venter.",
    )
    iplos_nivaa_sannsynlighet: tuple[float, float, float] = Field(
        (0.3, 0.5, 0.2), description="P(IPLOS-nivå 3, 4, 5) for søkere til institusjon."
    )
    bolig: Boligbehov = Field(default_factory=Boligbehov, description="Behov for omsorgsboliger per boligtype.")

    @model_validator(mode="after")
    def _sjekk_nokler(self) -> Behovsmodell:
        for k, v in self.belegg_start.items():
            if k not in ("langtid", *PLASSTYPER_KALIBRERT):
                raise ValueError(
                    f"belegg_start: ukjent plasstype «{k}» (kjente: langtid, {', '.join(PLASSTYPER_KALIBRERT)})"
                )
            if not 0 < v <= 1.5:
                raise ValueError(f"belegg_start.{k} må være større enn 0 og høyst 1,5")
        for k, v in self.ankomster_per_dag.items():
            if k not in TJENESTER:
                raise ValueError(f"ankomster_per_dag: ukjent tjeneste «{k}» (kjente: {', '.join(TJENESTER)})")
            if v < 0:
                raise ValueError(f"ankomster_per_dag.{k} kan ikke være negativ")
        return self


def vektet(bef: np.ndarray, rr: tuple[float, ...]) -> float:
    return float(np.dot(bef, np.asarray(rr, dtype=float)))


def andel_demens(alder: int, oddsratio: float) -> float:
    p = demens_prevalens(alder) if alder >= 50 else 0.0
    return oddsratio * p / (1.0 - p + oddsratio * p)


def aldersfordeling(bef: np.ndarray, rr: tuple[float, ...]) -> np.ndarray:
    """Probability of each band among arrivals."""
    w = bef * np.asarray(rr, dtype=float)
    return w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))


def trekk_alder(rng: np.random.Generator, p_baand: np.ndarray, n: int, minst: int = 0) -> np.ndarray:
    """Ages: a band by ``p_baand``, then uniform within the band, never below ``minst`` (the lower
    edge of a band is raised to it; the draws are the same whatever ``minst`` is)."""
    b = rng.choice(len(p_baand), size=n, p=p_baand)
    lo = np.maximum(np.asarray(BAAND_GRENSER)[b], minst)
    hi = np.maximum(np.asarray((*BAAND_GRENSER[1:], 105))[b], lo + 1)
    return lo + np.floor(rng.random(n) * (hi - lo)).astype(int)


BELEGG_SAK: dict[str, float] = {
    "langtid_somatisk": 1.0 - LEDIG_LANGTID,
    "langtid_skjermet": 1.0 - LEDIG_LANGTID,
    "korttid": 0.90,
    "avlastning": 0.55,
    "akutt": AKUTT_BELEGG,
}
"""Occupancy per place type the bundled synthetic case is built with (``modeller.generator``: the share
of langtid beds empty at day 0 is ``LEDIG_LANGTID``; korttid and avlastning beds are occupied with
probability 0.90 and 0.55 in ``_opphold``; ØHD/KØH ``AKUTT_BELEGG`` = the national 45 %, *derived*).
A test checks these against the generated cases (``tests/scenarier/test_kalibrering.py``)."""


def belegg_mal(modell: Behovsmodell) -> dict[str, float]:
    """The start-year occupancy target per place type: the case's (``BELEGG_SAK``) with the scenario's
    overrides (``langtid`` sets both langtid types)."""
    ut = dict(BELEGG_SAK)
    if "langtid" in modell.belegg_start:
        ut["langtid_somatisk"] = ut["langtid_skjermet"] = modell.belegg_start["langtid"]
    ut.update({k: v for k, v in modell.belegg_start.items() if k != "langtid"})
    return ut


def erlang_b(c: int, a: float) -> float:
    """Erlang's loss formula B(c, a) (the recursion B_k = a·B_{k−1} / (k + a·B_{k−1}))."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_belegg(c: int, a: float) -> float:
    """Expected occupancy of a c-bed loss unit with offered load a (carried load / c)."""
    return a * (1.0 - erlang_b(c, a)) / c if c > 0 else 0.0


def erlang_last_for_belegg(c: int, belegg: float) -> float:
    """The offered load a at which a c-bed loss unit is ``belegg`` occupied (bisection; ∞ if ≥ 1)."""
    if c <= 0 or belegg <= 0:
        return 0.0
    if belegg >= 1.0:
        return math.inf
    lo, hi = 0.0, 1.0
    while erlang_belegg(c, hi) < belegg:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if erlang_belegg(c, mid) < belegg else (lo, mid)
    return (lo + hi) / 2


def demens_andel_snitt(bef: np.ndarray, rr: tuple[float, ...], oddsratio: float) -> float:
    """Mean P(dementia) over arrivals with band weights ``bef·rr`` and ages uniform within each band
    (as ``trekk_alder``; adults only)."""
    p = aldersfordeling(bef, rr)
    hoyre = (*BAAND_GRENSER[1:], 105)
    snitt = 0.0
    for b, (lo, hi) in enumerate(zip(BAAND_GRENSER, hoyre, strict=True)):
        if p[b] > 0:
            snitt += p[b] * float(np.mean([andel_demens(max(18, a), oddsratio) for a in range(lo, hi)]))
    return snitt


def demens_oddsratio(bef: np.ndarray, rr: tuple[float, ...], maal: float) -> float:
    """The odds ratio that gives a mean P(dementia) of ``maal`` among arrivals (bisection on log OR)."""
    lo, hi = math.log(1e-3), math.log(1e6)
    if demens_andel_snitt(bef, rr, math.exp(hi)) < maal:
        raise ValueError(f"andel_demens_langtid = {maal:.2f} kan ikke nås med aldersfordelingen til langtidssøkerne")
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if demens_andel_snitt(bef, rr, math.exp(mid)) < maal else (lo, mid)
    return math.exp((lo + hi) / 2)


def kalibrer_nivaa(
    modell: Behovsmodell,
    befolkning: Befolkning,
    startaar: int,
    plasser: dict[str, int],
    middel_liggetid: dict[str, float],
) -> dict[str, float]:
    """Level r_tj per tjeneste (arrivals per year per unit of weighted population) so that in the
    start year each place type's offered load equals places × its occupancy (``belegg_mal``; akutt by
    Erlang B), or the direct rate ``ankomster_per_dag``. ``plasser`` is keyed by place type
    (langtid_somatisk, langtid_skjermet, korttid, avlastning, akutt = all ØHD/KØH beds). Also returns
    ``p_korttid_til_langtid``, ``demens_or`` (langtid), ``p_skjerming_demens`` and, for the record,
    ``per_aar_<tjeneste>`` (arrivals per year in the start year)."""
    bef = befolkning.for_aar(startaar)
    rr = modell.relativ_risiko
    mal = belegg_mal(modell)
    direkte = {tj: v * 365.25 for tj, v in modell.ankomster_per_dag.items()}
    ut: dict[str, float] = {}
    per_aar: dict[str, float] = {}
    for tj in ("korttid", "avlastning"):
        per_aar[tj] = direkte.get(tj, plasser.get(tj, 0) * mal[tj] * 365.25 / middel_liggetid[tj])
    if "korttid" not in direkte:
        per_aar["korttid"] *= modell.korttid_tapskorreksjon
    lt = {
        pt: plasser.get(pt, 0) * mal[pt] * 365.25 / middel_liggetid["langtid"]
        for pt in ("langtid_somatisk", "langtid_skjermet")
    }
    lt["langtid_skjermet"] *= 1.0 + modell.skjerming_overskudd
    lt["langtid_somatisk"] *= 1.0 + modell.somatisk_overskudd
    lt_totalt = direkte.get("langtid", lt["langtid_somatisk"] + lt["langtid_skjermet"])
    via_korttid = modell.andel_langtid_via_korttid * lt_totalt
    p_videre = min(1.0, via_korttid / per_aar["korttid"]) if per_aar["korttid"] > 0 else 0.0
    per_aar["langtid"] = max(0.0, lt_totalt - p_videre * per_aar["korttid"])
    ut["p_korttid_til_langtid"] = p_videre
    # Dementia (four of five) and skjerming (the skjermet share of the langtid load) among all langtid
    # applicants: direct ones and those from korttid have the same age distribution in the model.
    or_lt = modell.demens_oddsratio_langtid or demens_oddsratio(bef, rr["langtid"], modell.andel_demens_langtid)
    ut["demens_or"] = or_lt
    p_dem = demens_andel_snitt(bef, rr["langtid"], or_lt)
    if modell.andel_skjerming_blant_demente is not None:
        ut["p_skjerming_demens"] = modell.andel_skjerming_blant_demente
    else:
        tot = lt["langtid_somatisk"] + lt["langtid_skjermet"]
        andel = lt["langtid_skjermet"] / tot if tot > 0 else 0.0
        if andel > p_dem:
            raise ValueError(
                f"behovet for skjermet plass ({andel:.0%} av langtidssøkerne) er større enn andelen med demens "
                f"({p_dem:.0%}); senk skjerming_overskudd eller øk andel_demens_langtid"
            )
        ut["p_skjerming_demens"] = andel / p_dem if p_dem > 0 else 0.0
    if "akutt" in direkte:
        per_aar["akutt"] = direkte["akutt"]
    elif modell.akutt_per_1000 is not None:
        per_aar["akutt"] = modell.akutt_per_1000 * bef.sum() / 1000.0
    else:
        a = erlang_last_for_belegg(plasser.get("akutt", 0), mal["akutt"])
        if not math.isfinite(a):
            raise ValueError("belegg_start.akutt må være under 1 (et tapssystem kan ikke være fullt hele tiden)")
        per_aar["akutt"] = a / middel_liggetid["akutt"] * 365.25
    for tj in TJENESTER:
        w = vektet(bef, rr[tj])
        ut[tj] = per_aar[tj] / w if w > 0 else 0.0
        ut[f"per_aar_{tj}"] = per_aar[tj]
    return ut


def ukerate(
    modell: Behovsmodell, nivaa: dict[str, float], bef: np.ndarray, faktor: dict[str, float]
) -> dict[str, float]:
    """Expected arrivals per week per tjeneste, with policy factors applied."""
    return {
        tj: nivaa[tj] * vektet(bef, modell.relativ_risiko[tj]) * faktor.get(tj, 1.0) / UKER_PER_AAR for tj in TJENESTER
    }


def bolig_venteliste_start(modell: Boligbehov, tjeneste: str, flater: int) -> float:
    """Expected waiting list of a housing type in the start year (0 for korttidsleilighet)."""
    return modell.venteliste_per_bolig.get(Plasstype(tjeneste), 0.0) * flater


def bolig_per_aar(modell: Boligbehov, tjeneste: str, flater: int, middel_liggetid: float) -> float:
    """Applications per year in the start year by flow balance (module docstring): open-ended types
    λ = flats / E[LOS] + Q₀ / E[frafall] (every flat turns over, and the waiting list Q₀ loses its
    withdrawals); korttidsleilighet λ = belegg × flats / E[LOS]."""
    pt = Plasstype(tjeneste)
    if pt is Plasstype.KORTTIDSLEILIGHET:
        return flater * modell.korttidsleilighet_belegg_start * 365.25 / middel_liggetid
    q0 = bolig_venteliste_start(modell, tjeneste, flater)
    return 365.25 * (flater / middel_liggetid + q0 / modell.frafall_middel_dager[pt])


def kalibrer_bolig(
    modell: Boligbehov,
    befolkning: Befolkning,
    startaar: int,
    plasser: dict[str, int],
    middel_liggetid: dict[str, float],
) -> dict[str, float]:
    """Level r_t per housing type t in ``plasser`` (flats of today's units) so that the start year has
    ``bolig_per_aar`` applications (see the module docstring)."""
    bef = befolkning.for_aar(startaar)
    ut: dict[str, float] = {}
    for tj, n in sorted(plasser.items()):
        per_aar = bolig_per_aar(modell, tj, n, middel_liggetid[tj])
        w = vektet(bef, modell.relativ_risiko[Plasstype(tj)])
        ut[tj] = per_aar / w if w > 0 else 0.0
    return ut


def ukerate_bolig(modell: Boligbehov, nivaa: dict[str, float], bef: np.ndarray, faktor: float) -> dict[str, float]:
    """Expected bolig applications per week per housing type (``faktor``: the ``bolig_okning`` lever)."""
    return {
        tj: r * vektet(bef, modell.relativ_risiko[Plasstype(tj)]) * faktor / UKER_PER_AAR
        for tj, r in sorted(nivaa.items())
    }
