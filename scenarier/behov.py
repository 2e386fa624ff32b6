"""Need and arrival model per age band and service (*modelling choices*, documented and configurable).

Arrivals of søkere per week are Poisson with rate ``Σ_b N_b(år) · r_tj · RR_tj[b] / 52.18`` where
``N_b`` is the population of age band b (``scenarier.befolkning.BAAND``), ``RR_tj`` a relative risk per
band and ``r_tj`` a level calibrated in the start year:

* **Langtid**: RR ∝ population dementia prevalence, which roughly doubles per 5-year band from 70
  (HUNT4, Gjøra et al. 2021; ``modeller.generator.demens_prevalens``). With a Norway-like age structure
  this puts ≈ 70 % of langtid applicants at 80+ (SSB 2023: three in four residents are 80+).
  Level: in the start year expected langtid occupancy equals ``belegg_start["langtid"]`` of the
  langtid places, i.e. λ·E[LOS] = places·belegg (status quo is balanced at the start and demand grows
  with the population). A share ``andel_langtid_via_korttid`` of these admissions comes from a korttid
  stay (the korttid patient applies half-way and keeps the korttid bed until a langtid place is found);
  the probability that a korttid patient goes on to langtid is set from it in the start year.
* **Korttid / avlastning**: flatter gradients (doubling per 10 years; avlastning also for younger care
  receivers), calibrated the same way.
* **Akutt (ØHD/KØH)**: 6.2 admissions per 1 000 inhabitants per year (Helsedirektoratet 2022) in the start
  year, with a mild age gradient so that ageing raises it.
* **Skjermet**: P(dementia | langtid applicant) = population prevalence raised by an odds ratio
  (default 12, as the generator), and P(behaviour needing skjerming | dementia) = 0.35 (T §3.17).
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

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from modeller.generator import demens_prevalens
from modeller.kodeverk import Familie, Plasstype, Tjeneste
from scenarier.befolkning import BAAND, BAAND_GRENSER, Befolkning

UKER_PER_AAR = 365.25 / 7
TJENESTER = ("langtid", "korttid", "avlastning", "akutt")
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
        default_factory=lambda: {"langtid": 0.97, "korttid": 0.85, "avlastning": 0.6},
        description="Kalibrering: forventet belegg i startåret ved dagens kapasitet.",
    )
    akutt_per_1000: float = Field(6.2, ge=0, description="ØHD/KØH-innleggelser per 1 000 innbyggere per år.")
    andel_ukp: dict[str, float] = Field(
        default_factory=lambda: {"langtid": 0.2, "korttid": 0.35},
        description="Andel søkere som er utskrivningsklare pasienter på sykehus.",
    )
    andel_langtid_via_korttid: float = Field(
        0.4, ge=0, le=1, description="Andel langtidsinnleggelser som kommer fra et korttidsopphold (startåret)."
    )
    andel_ektepar_langtid: float = Field(0.03, ge=0, le=1, description="Andel langtidssøkere som kommer som ektepar.")
    demens_oddsratio_langtid: float = Field(12.0, gt=0)
    andel_skjerming_blant_demente: float = Field(0.35, ge=0, le=1)
    frafall_middel_dager: dict[str, float] = Field(
        default_factory=lambda: {"langtid": 365.0, "korttid": 60.0, "avlastning": 180.0},
        description="Middel tid til frafall (død, annen løsning) mens søkeren venter.",
    )
    iplos_nivaa_sannsynlighet: tuple[float, float, float] = Field(
        (0.3, 0.5, 0.2), description="P(IPLOS-nivå 3, 4, 5) for søkere til institusjon."
    )
    bolig: Boligbehov = Field(default_factory=Boligbehov, description="Behov for omsorgsboliger per boligtype.")


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


def kalibrer_nivaa(
    modell: Behovsmodell,
    befolkning: Befolkning,
    startaar: int,
    plasser: dict[str, int],
    middel_liggetid: dict[str, float],
) -> dict[str, float]:
    """Level r_tj per tjeneste (arrivals per year per unit of weighted population) so that in the
    start year expected occupancy = ``belegg_start`` × places (akutt: 6.2 per 1 000)."""
    bef = befolkning.for_aar(startaar)
    rr = modell.relativ_risiko
    ut: dict[str, float] = {}
    per_aar: dict[str, float] = {}
    for tj in ("korttid", "avlastning"):
        per_aar[tj] = plasser.get(tj, 0) * modell.belegg_start[tj] * 365.25 / middel_liggetid[tj]
    lt_totalt = plasser.get("langtid", 0) * modell.belegg_start["langtid"] * 365.25 / middel_liggetid["langtid"]
    via_korttid = modell.andel_langtid_via_korttid * lt_totalt
    p_videre = min(1.0, via_korttid / per_aar["korttid"]) if per_aar["korttid"] > 0 else 0.0
    per_aar["langtid"] = max(0.0, lt_totalt - p_videre * per_aar["korttid"])
    ut["p_korttid_til_langtid"] = p_videre
    per_aar["akutt"] = modell.akutt_per_1000 * bef.sum() / 1000.0
    for tj in TJENESTER:
        w = vektet(bef, rr[tj])
        ut[tj] = per_aar[tj] / w if w > 0 else 0.0
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
