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
  phased in linearly; more avlastning raises avlastning incidence by x %.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from modeller.generator import demens_prevalens
from scenarier.befolkning import BAAND, BAAND_GRENSER, Befolkning

UKER_PER_AAR = 365.25 / 7
TJENESTER = ("langtid", "korttid", "avlastning", "akutt")

_MIDT = [lo + 2 if lo >= 65 else (57 if lo == 50 else 30) for lo in BAAND_GRENSER]
_RR_LANGTID = tuple(round(demens_prevalens(a) if a >= 65 else (0.002 if a >= 50 else 0.0002), 5) for a in _MIDT)
_RR_KORTTID = (0.01, 0.08, 0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 1.6)
_RR_AVLASTNING = (0.05, 0.08, 0.2, 0.3, 0.5, 0.7, 1.0, 1.2, 1.2)
_RR_AKUTT = (0.3, 1.0, 2.0, 2.5, 3.2, 4.0, 5.0, 6.0, 6.0)


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


def vektet(bef: np.ndarray, rr: tuple[float, ...]) -> float:
    return float(np.dot(bef, np.asarray(rr, dtype=float)))


def andel_demens(alder: int, oddsratio: float) -> float:
    p = demens_prevalens(alder) if alder >= 50 else 0.0
    return oddsratio * p / (1.0 - p + oddsratio * p)


def aldersfordeling(bef: np.ndarray, rr: tuple[float, ...]) -> np.ndarray:
    """Probability of each band among arrivals."""
    w = bef * np.asarray(rr, dtype=float)
    return w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))


def trekk_alder(rng: np.random.Generator, p_baand: np.ndarray, n: int) -> np.ndarray:
    b = rng.choice(len(p_baand), size=n, p=p_baand)
    lo = np.asarray(BAAND_GRENSER)[b]
    hi = np.asarray((*BAAND_GRENSER[1:], 105))[b]
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
