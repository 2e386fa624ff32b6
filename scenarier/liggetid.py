"""Length-of-stay (liggetid) models per place type, calibrated to ``shared/public-figures.md``.

* **Langtid**: Weibull(k = 0.8534, λ = 672.6 days) — the unique Weibull with mean 730 days (2 years)
  and P(T < 182.5 days) = 0.28 (Helsedirektoratet SAMDATA analysenotat 02/17: mean stay of residents
  who died 2 years, 28 % died within 6 months). The constants and the sampler are reused from
  ``modeller.generator`` (``LOS_WEIBULL_K``, ``langtid_liggetid``, ``langtid_naverende``), so the
  synthetic demo cases and the simulator share one calibration. Tested in
  ``tests/scenarier/test_validering.py``.
* **Korttid**: no national figure offline (KOSTRA defines the indicator only). A configurable discrete
  uniform number of døgn, default 14–28 (2–4 weeks), *modelling choice*.
* **ØHD/KØH (akutt)**: 1–3 døgn (the engine's hard limit, S §4.20 / T §3.19; recommended mean ≤ 3 days).
  Default P(1, 2, 3 døgn) = (0.30, 0.45, 0.25), mean 1.95 døgn (the generator's distribution).
  The national 22.2 bed-days / 6.2 admissions = 3.6 days (*derived*) is above the 3-day limit the
  engine enforces; see ``scenarier.simulering`` for what this means for occupancy.
* **Avlastning**: rolling patterns (``dager`` every ``periode`` days, S §5.3, T §3.8.2) drawn from a
  configurable list; one vedtak lasts ``vedtak_uker`` weeks (default 26, *modelling choice*).
* **Bolig** (omsorgsboliger): a tenancy is open-ended for the engine (no known end, like langtid:
  nobody knows when a tenant dies or moves to a sykehjem); the simulator draws its length at arrival
  from a Weibull with shape ``bolig_weibull_k`` (default 1 = exponential, a constant hazard of
  leaving: the least informative choice when only a mean is assumed) and a mean per housing type,
  ``bolig_middel_aar``. No public figure for tenancy length was available offline
  (public-figures.md has none), so every mean is a labelled *modelling assumption*: senterleilighet
  and trygghetsbolig 5 years (tenants ≈ 80–85 years old; below their remaining life expectancy since
  many move on to a sykehjem), HDO 2.5 years (residents close to langtid residents, whose mean is 2
  years, but admitted a little earlier), omsorgsbolig psykisk helse 4 years, tilrettelagt bolig 8
  years (half of the tenants are adults under 65 with lasting needs), HDOU 15 years (young adults
  with utviklingshemming; such tenancies often last decades). Current tenants at the start are drawn
  from the stationary renewal process (length-biased total, uniform elapsed part), as langtid.
  **Korttidsleilighet** is the exception: it is granted «for en periode» (S §6.4) and the engine
  requires its length, so it is a fixed stay of ``korttidsleilighet_dogn_min``–``_maks`` døgn
  (default 7–42, uniform: the generator's range), known to the engine like korttid.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from modeller.generator import (
    LOS_ANDEL_UNDER_6_MND,
    LOS_MIDDEL_DAGER,
    LOS_WEIBULL_K,
    LOS_WEIBULL_LAMBDA,
    langtid_liggetid,
    langtid_naverende,
)
from modeller.kodeverk import Plasstype

BOLIG_MIDDEL_AAR: dict[Plasstype, float] = {
    Plasstype.HDO: 2.5,
    Plasstype.HDOU: 15.0,
    Plasstype.OMSORGSBOLIG_PSYKISK: 4.0,
    Plasstype.TRYGGHETSBOLIG: 5.0,
    Plasstype.TILRETTELAGT_BOLIG: 8.0,
    Plasstype.SENTERLEILIGHET: 5.0,
}
"""Mean tenancy per open-ended housing type in years (*modelling assumption*, module docstring)."""

__all__ = [
    "BOLIG_MIDDEL_AAR",
    "LOS_ANDEL_UNDER_6_MND",
    "LOS_MIDDEL_DAGER",
    "Liggetidsmodell",
    "langtid_andel_under",
    "langtid_middel",
    "langtid_naverende",
]


class Liggetidsmodell(BaseModel):
    """All LOS parameters of a scenario (YAML section ``liggetid``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    langtid_weibull_k: float = Field(LOS_WEIBULL_K, gt=0, description="Weibull-form for langtid.")
    langtid_weibull_lambda_dager: float = Field(LOS_WEIBULL_LAMBDA, gt=0, description="Weibull-skala i døgn.")
    korttid_dogn_min: int = Field(14, ge=1, le=366)
    korttid_dogn_maks: int = Field(28, ge=1, le=366)
    akutt_dogn_sannsynlighet: tuple[float, float, float] = Field(
        (0.30, 0.45, 0.25), description="P(1, 2, 3 døgn) for ØHD/KØH."
    )
    avlastning_moenstre: tuple[tuple[int, int, float], ...] = Field(
        ((7, 28, 4.0), (14, 42, 3.0), (7, 42, 2.0), (3, 14, 1.0), (10, 56, 1.0), (5, 21, 1.0)),
        description="(dager, periode, vekt): rullerende avlastning, dager hver periode døgn.",
    )
    avlastning_vedtak_uker: int = Field(26, ge=1, le=104, description="Varighet av et avlastningsvedtak.")
    bolig_middel_aar: dict[Plasstype, float] = Field(
        default_factory=lambda: dict(BOLIG_MIDDEL_AAR),
        description="Middel botid i år per boligtype (åpen for motoren); korttidsleilighet har fast lengde.",
    )
    bolig_weibull_k: float = Field(1.0, gt=0, description="Weibull-form for botid i bolig (1 = eksponentiell).")
    korttidsleilighet_dogn_min: int = Field(7, ge=1, le=366)
    korttidsleilighet_dogn_maks: int = Field(42, ge=1, le=366)

    @field_validator("bolig_middel_aar", mode="before")
    @classmethod
    def _bolig_med_standard(cls, v: Any) -> Any:
        """Types given override the defaults; the other types keep theirs."""
        if not isinstance(v, dict):
            return v
        ut: dict[Any, Any] = {pt.value: x for pt, x in BOLIG_MIDDEL_AAR.items()}
        ut.update({str(k.value if isinstance(k, Plasstype) else k): x for k, x in v.items()})
        return ut

    @model_validator(mode="after")
    def _sjekk(self) -> Liggetidsmodell:
        if self.korttid_dogn_min > self.korttid_dogn_maks:
            raise ValueError("korttid_dogn_min kan ikke være større enn korttid_dogn_maks")
        if self.korttidsleilighet_dogn_min > self.korttidsleilighet_dogn_maks:
            raise ValueError("korttidsleilighet_dogn_min kan ikke være større enn korttidsleilighet_dogn_maks")
        for pt, aar in self.bolig_middel_aar.items():
            if not pt.er_bolig or pt is Plasstype.KORTTIDSLEILIGHET:
                raise ValueError(f"bolig_middel_aar: {pt.value} er ikke en boligtype med åpen botid")
            if aar <= 0:
                raise ValueError(f"bolig_middel_aar.{pt.value} må være større enn 0")
        if abs(sum(self.akutt_dogn_sannsynlighet) - 1.0) > 1e-6 or min(self.akutt_dogn_sannsynlighet) < 0:
            raise ValueError("akutt_dogn_sannsynlighet må være ikke-negative og summere til 1")
        return self

    # -- samplers --------------------------------------------------------------------------
    def langtid(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Total langtid stays in whole døgn (≥ 1)."""
        if self.langtid_weibull_k == LOS_WEIBULL_K and self.langtid_weibull_lambda_dager == LOS_WEIBULL_LAMBDA:
            x = langtid_liggetid(rng, n)
        else:
            x = self.langtid_weibull_lambda_dager * rng.weibull(self.langtid_weibull_k, size=n)
        return np.maximum(1, np.ceil(x)).astype(np.int64)

    def korttid(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(self.korttid_dogn_min, self.korttid_dogn_maks + 1, size=n)

    def akutt(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return 1 + rng.choice(3, size=n, p=np.asarray(self.akutt_dogn_sannsynlighet))

    def akutt_middel(self) -> float:
        return float(sum((i + 1) * p for i, p in enumerate(self.akutt_dogn_sannsynlighet)))

    def avlastning(self, rng: np.random.Generator) -> tuple[int, int]:
        w = np.array([m[2] for m in self.avlastning_moenstre], dtype=float)
        i = int(rng.choice(len(w), p=w / w.sum()))
        return self.avlastning_moenstre[i][0], self.avlastning_moenstre[i][1]

    def _bolig_skala(self, tjeneste: str) -> float:
        return self.bolig_middel_aar[Plasstype(tjeneste)] * 365.25 / math.gamma(1.0 + 1.0 / self.bolig_weibull_k)

    def bolig_middel(self, tjeneste: str) -> float:
        """Mean stay (døgn) of a housing type: the tenancy mean, or the korttidsleilighet mean."""
        if tjeneste == Plasstype.KORTTIDSLEILIGHET.value:
            return (self.korttidsleilighet_dogn_min + self.korttidsleilighet_dogn_maks) / 2
        return self.bolig_middel_aar[Plasstype(tjeneste)] * 365.25

    def bolig(self, rng: np.random.Generator, tjeneste: str, n: int) -> np.ndarray:
        """Stay lengths in whole døgn (≥ 1) of ``n`` new tenants of a housing type."""
        if tjeneste == Plasstype.KORTTIDSLEILIGHET.value:
            return rng.integers(self.korttidsleilighet_dogn_min, self.korttidsleilighet_dogn_maks + 1, size=n)
        x = self._bolig_skala(tjeneste) * rng.weibull(self.bolig_weibull_k, size=n)
        return np.maximum(1, np.ceil(x)).astype(np.int64)

    def bolig_naverende(self, rng: np.random.Generator, tjeneste: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(elapsed, remaining) days of ``n`` current tenants in a stationary system (open-ended types):
        length-biased total T*, (T*/λ)^k ~ Gamma(1 + 1/k), elapsed part uniform on [0, T*]."""
        k = self.bolig_weibull_k
        total = self._bolig_skala(tjeneste) * rng.gamma(1.0 + 1.0 / k, size=n) ** (1.0 / k)
        brukt = rng.random(n) * total
        return brukt, total - brukt


def langtid_middel(k: float = LOS_WEIBULL_K, lam: float = LOS_WEIBULL_LAMBDA) -> float:
    """Theoretical mean of the langtid Weibull (days)."""
    return lam * math.gamma(1.0 + 1.0 / k)


def langtid_andel_under(dager: float, k: float = LOS_WEIBULL_K, lam: float = LOS_WEIBULL_LAMBDA) -> float:
    """Theoretical P(T < dager)."""
    return 1.0 - math.exp(-((dager / lam) ** k))
