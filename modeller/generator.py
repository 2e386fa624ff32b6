"""Deterministic, seeded generator of synthetic municipalities (cases) and the bundled demo cases.

Everything here is **synthetic**: no real persons, all ids pseudonymous (``S-000123``,
``E-NYG-1``, ``OPP-000001``, ``P-000004``). Institution names are taken from the two criteria
documents (S = Sandefjord 2022, T = Tvedestrand 2025); capacities, zones (bydel), current stays
and all applicants are invented, calibrated on the public figures in ``shared/public-figures.md``.

Entry points
------------
``generer_sak(navn, seed)``
    One of the named cases: ``tvedestrand`` (≈ 6 000 inhabitants, profile tvedestrand),
    ``sandefjord`` (≈ 65 000, profile sandefjord) and ``oslo`` (≈ 700 000, dozens of
    institutions, profile sandefjord, kommune «Oslo (syntetisk)», 0301).
``generer(befolkning, profil, seed, antall_institusjoner=None, antall_sokere=None, antall_enheter=None, ...)``
    Any size, for benchmarks (e.g. 2 000 søkere × 400 enheter, or 10 000 × 2 000).
``last_demo(navn)`` / ``demo_sti(navn)``
    The demo cases. ``tvedestrand`` and ``sandefjord`` are **bundled** in ``modeller/data/*.json``
    (generated with ``DEMO_FRO`` by this module; a test checks that they equal what the generator
    produces now, so they cannot drift). ``oslo`` is too big to bundle: it is **generated on first
    use** and cached atomically in the user cache directory
    (``$ALLOKERING_CACHE_DIR`` or ``$XDG_CACHE_HOME/allokering`` or ``~/.cache/allokering``) as
    ``oslo-<seed>-g<GENERATORVERSJON>.json``; the generator version in the name means a changed
    generator never serves a stale cache.
``allokering generer NAVN --seed N --ut FIL [--sokere N --enheter N --ektepar 0.05 --laast 0.02]``
    Command line (``generer_kommando``, registered in ``allokering.cli``).

Determinism: all randomness comes from one ``numpy.random.default_rng(seed)``; no global random
state, no iteration over sets. The same arguments give a byte-identical file
(``modeller.lasting.sak_til_json``).

Calibration (sources in public-figures.md; *modelling choice* = ours, configurable, not a published figure)
----------------------------------------------------------------------------------------------------------
* Institution places (langtid + korttid + avlastning) ≈ 0.7 % of the population: about 38 000
  nursing-home residents in Norway (SSB 2023) of ≈ 5.5 M inhabitants (domain.md §6).
  Split langtid somatisk 58 %, skjermet 20 %, korttid 18 %, avlastning 4 % (*modelling choice*).
* ØHD/KØH beds: 688 beds nationally 2022 (Helsedirektoratet) ≈ 0.125 per 1 000 inhabitants
  (*derived*); Sandefjord fixed to the 5 ØHD beds at Sandefjord medisinske senter (S §4.20),
  Tvedestrand to 2 KØH beds at Strannasenteret (T §3.19, "a few": *modelling choice*).
* Housing places per 1 000 inhabitants: *modelling choice* (no national figure offline), see
  ``BOLIG_PER_1000``.
* Ages: three in four nursing-home residents are 80+ (SSB 2023) → langtid applicants drawn with
  P(80+) = 0.75 (``alder_eldre``). Opphold carries no age, so the share is carried by the applicants.
* Dementia: HUNT4 (Gjøra et al. 2021) — 14.6 % of people 70+, prevalence doubling per 5-year
  band → ``demens_prevalens`` (fitted to a reference 70+ age structure), raised for applicant
  groups by an odds ratio per service (*modelling choice*; applicants are a selected group).
* Langtid length of stay (LOS): mean 2 years, 28 % die within 6 months (SAMDATA 02/17) →
  Weibull(k = 0.8534, λ = 672.6 days), the unique Weibull matching both facts (see
  ``LOS_WEIBULL_K``). Current residents are sampled from the stationary renewal process
  (length-biased total stay, uniform elapsed part), so only ≈ 1/730 of beds per day free up.
* Korttid stays 2–4 weeks (no national figure: configurable ``KORTTID_DOGN``), ØHD/KØH stays 1–3
  days (recommended mean ≤ 3 days), national ØHD occupancy ≈ 45 % (*derived*).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import typer

from modeller.institusjon import Enhet, Institusjon, Opphold
from modeller.kodeverk import (
    Familie,
    Innleggende,
    Kjonn,
    Korttidsformal,
    Laastype,
    Oppholdssted,
    Plasstype,
    Romtype,
    Tiltak,
    Tjeneste,
)
from modeller.lasting import les_sak, sak_til_json, skriv_atomisk
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND, Akutttype, Regelprofil
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
    Vurdering,
)

GENERATORVERSJON = "1"
"""Bump when the output for a given seed changes (the bundled files are then regenerated)."""

DEMO_FRO = 0
"""Seed of the bundled demo cases and of ``last_demo``."""

STARTDATO = date(2026, 11, 30)

# --------------------------------------------------------------------------------------------
# Calibration constants
# --------------------------------------------------------------------------------------------

SYKEHJEMSANDEL = 0.007
"""Nursing-home places per inhabitant: ≈ 38 000 residents (SSB 2023) / ≈ 5.5 M (domain.md §6)."""

INSTITUSJON_FORDELING: dict[Plasstype, float] = {
    Plasstype.LANGTID_SOMATISK: 0.58,
    Plasstype.LANGTID_SKJERMET: 0.20,
    Plasstype.KORTTID: 0.18,
    Plasstype.AVLASTNING: 0.04,
}
"""Split of the nursing-home places by place type (*modelling choice*)."""

AKUTT_PER_1000 = 0.125
"""ØHD/KØH beds per 1 000 inhabitants: 688 beds (2022) / ≈ 5.5 M (*derived*, public-figures.md)."""

BOLIG_PER_1000: dict[Plasstype, float] = {
    Plasstype.HDO: 2.0,
    Plasstype.HDOU: 1.5,
    Plasstype.OMSORGSBOLIG_PSYKISK: 1.0,
    Plasstype.TRYGGHETSBOLIG: 4.0,
    Plasstype.TILRETTELAGT_BOLIG: 0.6,
    Plasstype.KORTTIDSLEILIGHET: 0.2,
    Plasstype.SENTERLEILIGHET: 2.5,
}
"""Housing places (flats) per 1 000 inhabitants (*modelling choice*)."""

ENHETSSTORRELSE: dict[Plasstype, int] = {
    Plasstype.LANGTID_SOMATISK: 22,
    Plasstype.LANGTID_SKJERMET: 12,
    Plasstype.KORTTID: 20,
    Plasstype.AVLASTNING: 8,
    Plasstype.OHD: 6,
    Plasstype.KOH: 3,
    Plasstype.HDO: 12,
    Plasstype.HDOU: 6,
    Plasstype.OMSORGSBOLIG_PSYKISK: 8,
    Plasstype.TRYGGHETSBOLIG: 12,
    Plasstype.TILRETTELAGT_BOLIG: 12,
    Plasstype.KORTTIDSLEILIGHET: 10,
    Plasstype.SENTERLEILIGHET: 40,
}
"""Typical places per unit (*modelling choice*)."""

# Langtid LOS: Weibull fitted to mean 730 days and P(T < 182.5 days) = 0.28 (SAMDATA analysenotat
# 02/17: mean stay 2 years, 28 % died within 6 months). Two facts, two parameters: solve
# (0.25·Γ(1 + 1/k))^k = −ln(0.72) for k, then λ = 730 / Γ(1 + 1/k). Gives k = 0.8534,
# λ = 672.6 days; implied median 438 days, P(T > 5 years) ≈ 9.6 %. k < 1 = falling hazard, as
# expected when many are admitted in the last phase of life.
LOS_MIDDEL_DAGER = 730.0
LOS_ANDEL_UNDER_6_MND = 0.28
LOS_WEIBULL_K = 0.8533825853722508
LOS_WEIBULL_LAMBDA = LOS_MIDDEL_DAGER / math.gamma(1.0 + 1.0 / LOS_WEIBULL_K)

KORTTID_DOGN = (14, 28)
"""Korttid stay of current occupants, 2–4 weeks (configurable; no national figure, public-figures.md)."""

LEDIG_LANGTID = 0.015
"""Share of langtid beds empty at day 0 (recently vacated, not yet refilled; *modelling choice*)."""

AKUTT_BELEGG = 0.45
"""National ØHD occupancy ≈ 45 % (*derived*, public-figures.md)."""

# HUNT4: 14.6 % of people 70+ have dementia; prevalence roughly doubles per 5-year band.
# Reference 70+ age structure (Norway ≈ 2020, rounded, approximate; replace by SSB 07459):
_REFERANSE_70PLUSS = {70: 260_000, 75: 185_000, 80: 118_000, 85: 72_000, 90: 35_000, 95: 10_000}
DEMENS_70PLUSS = 0.146
DEMENS_TAK = 0.9


def _demens_grunnverdi() -> float:
    """Solve c so that Σ w_b·min(cap, c·2^b) / Σ w_b = 14.6 % over the reference 70+ bands."""
    tot = sum(_REFERANSE_70PLUSS.values())
    lo, hi = 0.0, 1.0
    for _ in range(80):
        c = (lo + hi) / 2
        snitt = sum(w * min(DEMENS_TAK, c * 2 ** ((a - 70) // 5)) for a, w in _REFERANSE_70PLUSS.items()) / tot
        lo, hi = (c, hi) if snitt < DEMENS_70PLUSS else (lo, c)
    return (lo + hi) / 2


DEMENS_C = _demens_grunnverdi()


def demens_prevalens(alder: int) -> float:
    """Population dementia prevalence at an age: c·2^band, band = ⌊(alder − 70)/5⌋ (HUNT4 fit)."""
    band = (alder - 70) // 5
    return min(DEMENS_TAK, DEMENS_C * 2.0**band)


def _med_oddsratio(p: float, oddsratio: float) -> float:
    """Raise a prevalence by an odds ratio (keeps the order between age bands)."""
    return oddsratio * p / (1.0 - p + oddsratio * p)


DEMENS_OR: dict[Tjeneste, float] = {
    Tjeneste.LANGTID: 12.0,
    Tjeneste.AVLASTNING: 8.0,
    Tjeneste.HDO: 4.0,
    Tjeneste.KORTTID: 2.0,
    Tjeneste.AKUTT: 1.5,
}
"""Odds ratio of dementia in an applicant group vs the population (*modelling choice*)."""

# Age bands for elderly applicants (start, end inclusive, weight). P(80+) is set by the caller.
_UNDER_80 = ((50, 64, 0.16), (65, 69, 0.16), (70, 74, 0.28), (75, 79, 0.40))
_OVER_80 = ((80, 84, 0.2667), (85, 89, 0.3733), (90, 94, 0.2667), (95, 99, 0.08), (100, 104, 0.0133))


def alder_eldre(rng: np.random.Generator, n: int, andel_80: float = 0.75) -> np.ndarray:
    """Ages of elderly applicants with P(age ≥ 80) = ``andel_80``; langtid uses 0.75
    ("three in four nursing-home residents are 80+", SSB 2023)."""
    baand = _UNDER_80 + _OVER_80
    w = np.array([x[2] * (1 - andel_80) for x in _UNDER_80] + [x[2] * andel_80 for x in _OVER_80])
    w = w / w.sum()
    idx = rng.choice(len(baand), size=n, p=w)
    lo = np.array([baand[i][0] for i in idx])
    hi = np.array([baand[i][1] for i in idx])
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(int)


def langtid_liggetid(rng: np.random.Generator, n: int) -> np.ndarray:
    """Total length (days, float) of ``n`` new langtid stays: Weibull(k, λ) fitted above."""
    return LOS_WEIBULL_LAMBDA * rng.weibull(LOS_WEIBULL_K, size=n)


def langtid_naverende(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(elapsed, remaining) days of ``n`` current residents in a stationary system.

    A resident seen at a random day has a length-biased total stay T* (density ∝ t·f(t)); for a
    Weibull, (T*/λ)^k ~ Gamma(1 + 1/k). The elapsed part is uniform on [0, T*]."""
    g = rng.gamma(1.0 + 1.0 / LOS_WEIBULL_K, size=n)
    total = LOS_WEIBULL_LAMBDA * g ** (1.0 / LOS_WEIBULL_K)
    brukt = rng.random(n) * total
    return brukt, total - brukt


# --------------------------------------------------------------------------------------------
# Municipality templates
# --------------------------------------------------------------------------------------------

LT = (Plasstype.LANGTID_SOMATISK, Plasstype.LANGTID_SKJERMET)


@dataclass(frozen=True)
class InstMal:
    """An institution template: code (for ids), name, zone and the place types it hosts."""

    kode: str
    navn: str
    bydel: str
    plasstyper: tuple[Plasstype, ...]


@dataclass(frozen=True)
class Kommunemal:
    navn: str
    nummer: str
    befolkning: int
    profil: Regelprofil
    bydeler: tuple[str, ...]
    institusjoner: tuple[InstMal, ...] | None = None
    faste_plasser: dict[Plasstype, int] = field(default_factory=dict)


# The eight bo- og servicesentre (S §6.2); Engveiensenteret is in Stokke (S, line 737), the
# other zones are a synthetic assignment.
_SENTRE = (
    ("BUG", "Bugårdsenteret", "Sandefjord"),
    ("FRA", "Framnessenteret", "Sandefjord"),
    ("FOR", "Forsmannsenteret", "Sandefjord"),
    ("PAR", "Parkensenteret", "Sandefjord"),
    ("SLV", "Solvangsenteret", "Sandefjord"),
    ("RAN", "Ranviksenteret", "Sandefjord"),
    ("ENG", "Engveiensenteret", "Stokke"),
    ("MOY", "Møylandsenteret", "Sandefjord"),
)

KOMMUNER: dict[str, Kommunemal] = {
    "tvedestrand": Kommunemal(
        navn="Tvedestrand",
        nummer="4213",
        befolkning=6_000,
        profil=TVEDESTRAND,
        bydeler=("Sentrum", "Dypvåg", "Holt"),
        institusjoner=(
            # T §3.14 (HDO at Strannasenteret), §3.17–3.19 (sykehjem, korttid, KØH beside the korttid unit).
            InstMal(
                "STR",
                "Strannasenteret",
                "Sentrum",
                (*LT, Plasstype.KORTTID, Plasstype.AVLASTNING, Plasstype.KOH, Plasstype.HDO),
            ),
            InstMal("OSV", "Olav Sverresvei", "Sentrum", (Plasstype.HDOU,)),  # T §3.14
            InstMal("LYN", "Lyngmyrveien 49", "Sentrum", (Plasstype.HDOU,)),  # T §3.14
            InstMal(
                "PHL", "Boliger psykisk helse og livsmestring (syntetisk)", "Sentrum", (Plasstype.OMSORGSBOLIG_PSYKISK,)
            ),
            InstMal("TRS", "Trygghetsboliger sentrum (syntetisk)", "Sentrum", (Plasstype.TRYGGHETSBOLIG,)),
            InstMal("TRD", "Trygghetsboliger Dypvåg (syntetisk)", "Dypvåg", (Plasstype.TRYGGHETSBOLIG,)),
        ),
        faste_plasser={Plasstype.KOH: 2},
    ),
    "sandefjord": Kommunemal(
        navn="Sandefjord",
        nummer="3907",
        befolkning=65_000,
        profil=SANDEFJORD,
        bydeler=("Sandefjord", "Stokke", "Andebu"),
        institusjoner=(
            # Langtid S §4.22; korttid S §4.21; avlastning S §5.3; ØHD S §4.20; senter S §6.2/§6.4.
            InstMal("NYG", "Nygård bo- og behandlingssenter", "Sandefjord", LT),
            InstMal(
                "SOL", "Soletunet bo- og behandlingssenter", "Stokke", (*LT, Plasstype.KORTTID, Plasstype.AVLASTNING)
            ),
            InstMal("AND", "Andebu bo- og behandlingssenter", "Andebu", (*LT, Plasstype.KORTTID, Plasstype.AVLASTNING)),
            InstMal("KAM", "Kamfjord bo- og behandlingssenter", "Sandefjord", (*LT, Plasstype.KORTTID)),
            InstMal("MOS", "Mosserødhjemmet", "Sandefjord", LT),
            InstMal("SMS", "Sandefjord medisinske senter", "Sandefjord", (Plasstype.KORTTID, Plasstype.OHD)),
            *(
                InstMal(kode, navn, bydel, (Plasstype.SENTERLEILIGHET, Plasstype.KORTTIDSLEILIGHET))
                for kode, navn, bydel in _SENTRE
            ),
            InstMal("BFA", "Bofellesskap A (syntetisk)", "Sandefjord", (Plasstype.TILRETTELAGT_BOLIG,)),
            InstMal("BFB", "Bofellesskap B (syntetisk)", "Stokke", (Plasstype.TILRETTELAGT_BOLIG,)),
            InstMal("BFC", "Bofellesskap C (syntetisk)", "Andebu", (Plasstype.TILRETTELAGT_BOLIG,)),
        ),
        faste_plasser={Plasstype.OHD: 5},
    ),
    "oslo": Kommunemal(
        navn="Oslo (syntetisk)",
        nummer="0301",
        befolkning=700_000,
        profil=SANDEFJORD,
        bydeler=(
            "Gamle Oslo",
            "Grünerløkka",
            "Sagene",
            "St. Hanshaugen",
            "Frogner",
            "Ullern",
            "Vestre Aker",
            "Nordre Aker",
            "Bjerke",
            "Grorud",
            "Stovner",
            "Alna",
            "Østensjø",
            "Nordstrand",
            "Søndre Nordstrand",
        ),
    ),
}


class UkjentKommune(ValueError):
    """A named case that does not exist (message in bokmål)."""


# --------------------------------------------------------------------------------------------
# Institutions and units
# --------------------------------------------------------------------------------------------


def _plasser(befolkning: int, profil: Regelprofil, faste: dict[Plasstype, int]) -> dict[Plasstype, int]:
    """Target number of places per place type of the profile."""
    ut: dict[Plasstype, int] = {}
    sykehjem = befolkning * SYKEHJEMSANDEL
    for pt in profil.plasstyper:
        if pt in faste:
            ut[pt] = faste[pt]
        elif pt in INSTITUSJON_FORDELING:
            ut[pt] = max(1, round(sykehjem * INSTITUSJON_FORDELING[pt]))
        elif pt.familie is Familie.AKUTT:
            ut[pt] = max(1, round(befolkning / 1000 * AKUTT_PER_1000))
        else:
            ut[pt] = max(1, round(befolkning / 1000 * BOLIG_PER_1000.get(pt, 1.0)))
    return ut


def _generiske_institusjoner(
    plasser: dict[Plasstype, int], bydeler: Sequence[str], antall: int | None
) -> tuple[InstMal, ...]:
    """Institutions for a municipality without a template: sykehjem (langtid, avlastning),
    helsehus (korttid, ØHD/KØH) and housing sites (all housing types)."""
    sh_typer = tuple(p for p in plasser if p.familie in (Familie.LANGTID, Familie.AVLASTNING))
    hh_typer = tuple(p for p in plasser if p.familie in (Familie.KORTTID, Familie.AKUTT))
    bo_typer = tuple(p for p in plasser if p.er_bolig)
    sum_ = lambda typer: sum(plasser[p] for p in typer)  # noqa: E731
    naturlig = [
        max(1, round(sum_(sh_typer) / 100)) if sh_typer else 0,
        max(1, round(sum_(hh_typer) / 150)) if hh_typer else 0,
        max(1, round(sum_(bo_typer) / 100)) if bo_typer else 0,
    ]
    if antall is not None:
        naturlig = _fordel(antall, naturlig, minst=1)
    if not sh_typer and not hh_typer and not bo_typer:
        return ()
    bosted = "Bo- og servicesenter" if Plasstype.SENTERLEILIGHET in plasser else "Boliger"
    ut: list[InstMal] = []
    for prefiks, kode, vert_typer, n in (
        ("Sykehjem", "SH", sh_typer, naturlig[0]),
        ("Helsehus", "HH", hh_typer, naturlig[1]),
        (bosted, "BO", bo_typer, naturlig[2]),
    ):
        for i in range(n):
            bydel = bydeler[i % len(bydeler)]
            nr = i // len(bydeler) + 1
            navn = f"{prefiks} {bydel}" + (f" {nr}" if n > len(bydeler) else "") + " (syntetisk)"
            ut.append(InstMal(f"{kode}{i + 1:02d}", navn, bydel, vert_typer))
    return tuple(ut)


def _fordel(total: int, vekter: Sequence[float], minst: int = 0) -> list[int]:
    """Split ``total`` over ``vekter`` by largest remainder; entries with weight > 0 get ≥ ``minst``
    when the total allows."""
    aktive = [i for i, w in enumerate(vekter) if w > 0]
    ut = [0] * len(vekter)
    if not aktive or total <= 0:
        return ut
    grunn = minst if total >= minst * len(aktive) else 0
    for i in aktive:
        ut[i] = grunn
    rest = total - grunn * len(aktive)
    s = sum(vekter[i] for i in aktive)
    andeler = {i: rest * vekter[i] / s for i in aktive}
    for i in aktive:
        ut[i] += math.floor(andeler[i])
    igjen = total - sum(ut)
    for i in sorted(aktive, key=lambda i: (-(andeler[i] - math.floor(andeler[i])), i))[:igjen]:
        ut[i] += 1
    return ut


def _lag_enheter(
    rng: np.random.Generator,
    plasser: dict[Plasstype, int],
    maler: Sequence[InstMal],
    antall_enheter: int | None,
    spre: bool,
) -> list[Enhet]:
    """Units per place type. ``spre``: every host institution of a type gets at least one unit
    (named municipalities, e.g. korttidsleiligheter «i alle bo- og servicesentre», S §6.4)."""
    verter = {pt: [m for m in maler if pt in m.plasstyper] for pt in plasser}
    typer = [pt for pt in plasser if verter[pt]]
    naturlig = []
    for pt in typer:
        n = math.ceil(plasser[pt] / ENHETSSTORRELSE[pt])
        if spre:
            n = max(n, len(verter[pt]))
        naturlig.append(max(1, min(plasser[pt], n)))
    if antall_enheter is not None:
        antall = _fordel(antall_enheter, naturlig, minst=1)
        kapasiteter = {
            pt: [max(1, round(ENHETSSTORRELSE[pt] * rng.uniform(0.75, 1.25))) for _ in range(n)]
            for pt, n in zip(typer, antall, strict=True)
        }
    else:
        kapasiteter = {}
        for pt, n in zip(typer, naturlig, strict=True):
            grunn, rest = divmod(plasser[pt], n)
            ekstra = set(rng.permutation(n)[:rest].tolist())
            kapasiteter[pt] = [grunn + (1 if i in ekstra else 0) for i in range(n)]
    teller: Counter[str] = Counter()
    typeteller: Counter[tuple[str, Plasstype]] = Counter()
    enheter: list[Enhet] = []
    for pt in typer:
        start = int(rng.integers(len(verter[pt])))
        for j, kap in enumerate(kapasiteter[pt]):
            mal = verter[pt][(start + j) % len(verter[pt])] if len(verter[pt]) > 1 else verter[pt][0]
            if len(kapasiteter[pt]) <= len(verter[pt]):
                mal = verter[pt][j]
            teller[mal.kode] += 1
            typeteller[mal.kode, pt] += 1
            dobbeltrom = toroms = 0
            if pt is Plasstype.LANGTID_SOMATISK and kap >= 6 and rng.random() < 0.4:
                dobbeltrom = int(rng.integers(1, 3))  # some double rooms in langtid (S §4.22 ektepar)
            if pt in (Plasstype.SENTERLEILIGHET, Plasstype.TRYGGHETSBOLIG) and kap >= 3:
                andel = 0.15 if pt is Plasstype.SENTERLEILIGHET else 0.1
                toroms = max(1, round(kap * andel * rng.uniform(0.6, 1.4)))  # S §6.2: ektepar to 2-rom
            enheter.append(
                Enhet(
                    id=f"E-{mal.kode}-{teller[mal.kode]}",
                    institusjon_id=f"I-{mal.kode}",
                    navn=f"{mal.navn.removesuffix(' (syntetisk)')} – {_ENHETSNAVN[pt]} {typeteller[mal.kode, pt]}",
                    plasstype=pt,
                    kapasitet=kap,
                    dobbeltrom=dobbeltrom,
                    toroms=toroms,
                )
            )
    return enheter


_ENHETSNAVN = {
    Plasstype.LANGTID_SOMATISK: "langtidsavdeling",
    Plasstype.LANGTID_SKJERMET: "skjermet enhet",
    Plasstype.KORTTID: "korttidsavdeling",
    Plasstype.AVLASTNING: "avlastning",
    Plasstype.OHD: "ØHD",
    Plasstype.KOH: "KØH",
    Plasstype.HDO: "HDO",
    Plasstype.HDOU: "HDOU",
    Plasstype.OMSORGSBOLIG_PSYKISK: "omsorgsboliger psykisk helse",
    Plasstype.TRYGGHETSBOLIG: "trygghetsboliger",
    Plasstype.TILRETTELAGT_BOLIG: "tilrettelagte boliger",
    Plasstype.KORTTIDSLEILIGHET: "korttidsleiligheter",
    Plasstype.SENTERLEILIGHET: "senterleiligheter",
}


# --------------------------------------------------------------------------------------------
# Current stays (opphold)
# --------------------------------------------------------------------------------------------


@dataclass
class _Oppholdsliste:
    opphold: list[Opphold] = field(default_factory=list)
    korttid_ledige_lenker: list[str] = field(default_factory=list)  # korttid stays a søker may be on
    langtid_ledige_lenker: list[str] = field(default_factory=list)  # langtid stays without an end

    def ny(self, **kw: Any) -> Opphold:
        o = Opphold(id=f"OPP-{len(self.opphold) + 1:06d}", **kw)
        self.opphold.append(o)
        return o


def _lag_opphold(rng: np.random.Generator, enheter: Sequence[Enhet], d0: date, horisont: int) -> _Oppholdsliste:
    liste = _Oppholdsliste()

    def dag(x: int) -> date:
        return d0 + timedelta(days=int(x))

    for e in enheter:
        pt, kap = e.plasstype, e.kapasitet
        fam = pt.familie
        if fam is Familie.LANGTID:
            ledig = rng.random(kap) < LEDIG_LANGTID
            forlop, rest = langtid_naverende(rng, kap)
            for i in range(kap):
                if ledig[i]:
                    continue
                if i < 2 * e.dobbeltrom:
                    romtype, rom = Romtype.DOBBELTROM, f"{e.id}-D{i // 2 + 1}"
                else:
                    romtype, rom = Romtype.ENKELTROM, f"{e.id}-R{i - 2 * e.dobbeltrom + 1}"
                slutt_dag = math.floor(rest[i])
                o = liste.ny(
                    enhet_id=e.id,
                    start=dag(-max(1, math.ceil(forlop[i]))),
                    forventet_slutt=dag(slutt_dag) if slutt_dag < horisont else None,
                    romtype=romtype,
                    rom_id=rom,
                )
                if o.forventet_slutt is None:
                    liste.langtid_ledige_lenker.append(o.id)
        elif fam in (Familie.KORTTID, Familie.AVLASTNING, Familie.AKUTT) or pt is Plasstype.KORTTIDSLEILIGHET:
            if fam is Familie.KORTTID:
                belegg, lo, hi = 0.9, *KORTTID_DOGN
            elif fam is Familie.AVLASTNING:
                belegg, lo, hi = 0.55, 3, 14
            elif fam is Familie.AKUTT:
                belegg, lo, hi = AKUTT_BELEGG, 1, 3
            else:
                belegg, lo, hi = 0.7, 7, 42
            for i in range(kap):
                if rng.random() >= belegg:
                    continue
                lengde = int(rng.integers(lo, hi + 1))
                # Elapsed part: akutt may have come in today; the others started at least a day ago.
                brukt = int(rng.integers(0, lengde)) if fam is Familie.AKUTT else int(rng.integers(1, max(2, lengde)))
                start = -brukt
                o = liste.ny(
                    enhet_id=e.id,
                    start=dag(start),
                    forventet_slutt=dag(max(0, start + lengde - 1)),
                    romtype=Romtype.ETTROMS if pt.er_bolig else Romtype.ENKELTROM,
                    rom_id=f"{e.id}-{'L' if pt.er_bolig else 'R'}{i + 1}",
                )
                if fam is Familie.KORTTID:
                    liste.korttid_ledige_lenker.append(o.id)
        else:  # long-term housing
            for i in range(kap):
                if rng.random() >= 0.97:
                    continue
                flytter = rng.random() < 0.025
                liste.ny(
                    enhet_id=e.id,
                    start=dag(-int(rng.integers(30, 3650))),
                    forventet_slutt=dag(int(rng.integers(0, horisont))) if flytter else None,
                    romtype=Romtype.TOROMS if i < e.toroms else Romtype.ETTROMS,
                    rom_id=f"{e.id}-L{i + 1}",
                )
    rng.shuffle(liste.korttid_ledige_lenker)
    rng.shuffle(liste.langtid_ledige_lenker)
    return liste


# --------------------------------------------------------------------------------------------
# Applicants (søkere)
# --------------------------------------------------------------------------------------------

TJENESTEANDEL: dict[Tjeneste, float] = {
    Tjeneste.LANGTID: 0.32,
    Tjeneste.KORTTID: 0.22,
    Tjeneste.AVLASTNING: 0.07,
    Tjeneste.AKUTT: 0.07,
}
"""Weekly applicant mix for the institution services; the rest (0.32) is housing (*modelling choice*)."""

BOLIGANDEL: dict[Tjeneste, float] = {
    Tjeneste.HDO: 0.3,
    Tjeneste.HDOU: 0.1,
    Tjeneste.OMSORGSBOLIG_PSYKISK: 0.15,
    Tjeneste.TRYGGHETSBOLIG: 0.45,
    Tjeneste.TILRETTELAGT_BOLIG: 0.3,
    Tjeneste.KORTTIDSLEILIGHET: 0.2,
    Tjeneste.SENTERLEILIGHET: 0.5,
}

UTFALL_P = {"ok": 0.84, "mangler": 0.075, "nei": 0.085}
"""Share of applicants fully assessed and eligible / with one field missing / clearly not eligible."""


def antall_sokere_for(befolkning: int) -> float:
    """Expected weekly søkere (waiting list + new requests): 30 + 3.2 per 1 000 inhabitants
    (*modelling choice*: ≈ 50 in Tvedestrand, ≈ 240 in Sandefjord, ≈ 2 270 in Oslo)."""
    return 30 + 3.2 * befolkning / 1000


def _tjenester_i_profil(profil: Regelprofil) -> list[Tjeneste]:
    ut: list[Tjeneste] = []
    typer = set(profil.plasstyper)
    if typer & set(LT):
        ut.append(Tjeneste.LANGTID)
    for tj, pt in ((Tjeneste.KORTTID, Plasstype.KORTTID), (Tjeneste.AVLASTNING, Plasstype.AVLASTNING)):
        if pt in typer:
            ut.append(tj)
    if typer & {Plasstype.OHD, Plasstype.KOH}:
        ut.append(Tjeneste.AKUTT)
    ut.extend(Tjeneste(pt.value) for pt in profil.plasstyper if pt.er_bolig)
    return ut


def _tre(*verdier: bool | None) -> bool | None:
    """Three-valued AND: False if any is False, else None if any is None, else True."""
    if any(v is False for v in verdier):
        return False
    if any(v is None for v in verdier):
        return None
    return True


def _eller(*verdier: bool | None) -> bool | None:
    if any(v is True for v in verdier):
        return True
    if any(v is None for v in verdier):
        return None
    return False


def antatt_kvalifisert(
    soker: Soker, profil: Regelprofil, plasstype: Plasstype | None = None, startdato: date = STARTDATO
) -> bool | None:
    """Eligibility by the engine's own rules (``allokering.regler.kvalifisert_for``): True / False / None
    (mangler opplysninger). ``plasstype`` also checks the unit-level rules of a unit of that place type (langtid:
    somatisk/skjermet). There is one source of eligibility: the generator never reads the criteria itself."""
    from allokering.regler import kvalifisert_for  # the rules import modeller; imported here, not at load

    return kvalifisert_for(soker, profil, plasstype, startdato)


_IPLOS_FORSKYVNING = {
    "syn": -1.3,
    "horsel": -1.1,
    "lage_mat": 0.6,
    "alminnelig_husarbeid": 0.7,
    "skaffe_seg_varer_og_tjenester": 0.7,
    "bevege_seg_utendors": 0.4,
    "spise": -0.6,
}
_KOGNITIVE = ("hukommelse", "beslutninger_i_dagliglivet", "styre_atferd", "kommunikasjon")
_IPLOS_FELT = tuple(Iplos.model_fields)


@dataclass
class _Person:
    alder: int
    kjonn: Kjonn
    bydel: str


class _Bygger:
    """Builds søkere one by one; holds the generator state of one case."""

    def __init__(
        self,
        rng: np.random.Generator,
        profil: Regelprofil,
        d0: date,
        bydeler: Sequence[str],
        maler: Sequence[InstMal],
        enheter: Sequence[Enhet],
        opphold: _Oppholdsliste,
    ):
        self.rng = rng
        self.profil = profil
        self.d0 = d0
        self.bydeler = tuple(bydeler)
        self.opphold = opphold
        typer_i_bruk = {e.plasstype for e in enheter}
        self.verter: dict[Tjeneste, list[InstMal]] = {}
        for tj in Tjeneste:
            pts = (
                set(LT)
                if tj is Tjeneste.LANGTID
                else {Plasstype(tj.value)}
                if tj.familie is not Familie.AKUTT
                else set()
            )
            self.verter[tj] = [m for m in maler if set(m.plasstyper) & pts & typer_i_bruk]
        self.omsorgsytere = 0

    # -- small helpers ---------------------------------------------------------------------
    def p(self, x: float) -> bool:
        return bool(self.rng.random() < x)

    def velg(self, seq: Sequence[Any], p: Sequence[float] | None = None) -> Any:
        if p is not None:
            arr = np.asarray(p, dtype=float)
            return seq[int(self.rng.choice(len(seq), p=arr / arr.sum()))]
        return seq[int(self.rng.integers(len(seq)))]

    def dato(self, dager_siden: int) -> date:
        return self.d0 - timedelta(days=int(dager_siden))

    def utfall(self) -> str:
        return str(self.velg(list(UTFALL_P), list(UTFALL_P.values())))

    def person(self, tj: Tjeneste) -> _Person:
        rng = self.rng
        if tj is Tjeneste.HDOU:
            alder = int(rng.integers(18, 61))
        elif tj is Tjeneste.OMSORGSBOLIG_PSYKISK:
            alder = int(rng.integers(20, 66))
        elif tj is Tjeneste.TILRETTELAGT_BOLIG and self.p(0.5):
            alder = int(rng.integers(18, 65))
        elif tj is Tjeneste.AVLASTNING and self.p(0.15):
            alder = int(rng.integers(18, 65))  # younger care receiver cared for by parents
        else:
            andel_80 = {
                Tjeneste.LANGTID: 0.75,  # SSB 2023: three in four nursing-home residents are 80+
                Tjeneste.KORTTID: 0.62,
                Tjeneste.AVLASTNING: 0.6,
                Tjeneste.AKUTT: 0.5,
                Tjeneste.HDO: 0.6,
            }.get(tj, 0.5)
            alder = int(alder_eldre(rng, 1, andel_80)[0])
        # Women are the majority among the oldest (longer life expectancy).
        kvinne = 0.5 if alder < 70 else 0.55 if alder < 80 else 0.67
        return _Person(alder, Kjonn.KVINNE if self.p(kvinne) else Kjonn.MANN, self.velg(self.bydeler))

    def demens(self, alder: int, tj: Tjeneste) -> bool:
        p = demens_prevalens(alder) if alder >= 50 else 0.0
        return self.p(_med_oddsratio(p, DEMENS_OR.get(tj, 1.0)))

    def iplos(self, niva: float, demens: bool, andel_skaaret: float = 1.0) -> Iplos:
        if andel_skaaret < 1.0 and not self.p(andel_skaaret):
            return Iplos()
        rng = self.rng
        verdier: dict[str, int] = {}
        for navn in _IPLOS_FELT:
            x = niva + _IPLOS_FORSKYVNING.get(navn, 0.0) + rng.normal(0.0, 0.7)
            if navn in _KOGNITIVE:
                x += 1.0 if demens else -0.9
            verdier[navn] = int(min(5, max(1, round(x))))
        for navn in ("syn", "horsel"):
            if rng.random() < 0.05:
                verdier[navn] = 9  # not relevant / not assessed
        return Iplos(**verdier)

    def onskede(self, tj: Tjeneste, bydel: str) -> tuple[str, ...]:
        verter = self.verter.get(tj, [])
        if not verter or tj is Tjeneste.AKUTT:
            return ()
        k = int(self.velg([0, 1, 2, 3], [0.3, 0.35, 0.2, 0.15]))
        k = min(k, len(verter))
        if k == 0:
            return ()
        w = np.array([3.0 if m.bydel == bydel else 1.0 for m in verter])
        idx = self.rng.choice(len(verter), size=k, replace=False, p=w / w.sum())
        return tuple(f"I-{verter[int(i)].kode}" for i in idx)

    def tiltak(self, n_lo: int, n_hi: int, ma_ha: Sequence[Tiltak] = ()) -> tuple[Tiltak, ...]:
        alle = [t for t in Tiltak if t not in ma_ha]
        n = int(self.rng.integers(n_lo, n_hi + 1))
        valgt = [alle[int(i)] for i in self.rng.permutation(len(alle))[: max(0, n - len(ma_ha))]]
        return tuple(sorted({*ma_ha, *valgt}, key=list(Tiltak).index))

    def vurdering(self, iplos: Iplos) -> Vurdering:
        """About one in eight has a saksbehandler assessment; the rest is derived by the engine."""
        if not self.p(0.12):
            return Vurdering()
        sk = iplos.skarer()
        snitt = sum(sk.values()) / len(sk) if sk else 3.0
        return Vurdering(
            nytte=int(self.rng.integers(2, 6)) if self.p(0.7) else None,
            ressurs=int(self.rng.integers(2, 5)) if self.p(0.5) else None,
            alvorlighet=int(min(5, max(1, round(snitt + self.rng.normal(0, 0.5))))),
            mestring=None,
        )

    def ukp(self) -> tuple[Oppholdssted, date]:
        """A patient ready for discharge, waiting in hospital: reported 0–7 days before day 0."""
        return Oppholdssted.SYKEHUS_UKP, self.dato(int(self.rng.integers(0, 8)))

    # -- the services ----------------------------------------------------------------------
    def soker(
        self,
        sid: str,
        tj: Tjeneste,
        person: _Person | None = None,
        ektefelle_id: str | None = None,
        onsker_bo_sammen: bool = False,
        onskede: tuple[str, ...] | None = None,
    ) -> Soker:
        person = person or self.person(tj)
        u = self.utfall()
        kw: dict[str, Any] = {
            "id": sid,
            "alder": person.alder,
            "kjonn": person.kjonn,
            "bydel": person.bydel,
            "ektefelle_id": ektefelle_id,
            "onsker_bo_sammen": onsker_bo_sammen,
            "samtykke": True,
            "samtykkekompetent": True,
        }
        onskede = self.onskede(tj, person.bydel) if onskede is None else onskede
        if tj is Tjeneste.LANGTID:
            soknad = self._langtid(kw, u, person)
        elif tj is Tjeneste.KORTTID:
            soknad = self._korttid(kw, u, person)
        elif tj is Tjeneste.AVLASTNING:
            soknad = self._avlastning(kw, u, person)
        elif tj is Tjeneste.AKUTT:
            soknad = self._akutt(kw, u, person)
        else:
            soknad = self._bolig(kw, u, person, tj)
        soknad["onskede_institusjoner"] = onskede
        kw["soknad"] = Soknad(tjeneste=tj, **soknad)
        kw["vurdering"] = self.vurdering(kw["iplos"])
        if kw.get("oppholdssted") is Oppholdssted.SYKEHUS_UKP:
            # The application was sent around the time the hospital reported the patient ready.
            kw["soknad"] = kw["soknad"].model_copy(
                update={"soknadsdato": min(kw["soknad"].soknadsdato, kw["utskrivningsklar_dato"])}
            )
        return Soker(**kw)

    def _diagnoser(self, alder: int, tj: Tjeneste, **kw: Any) -> tuple[bool, dict[str, Any]]:
        demens = self.demens(alder, tj)
        d: dict[str, Any] = {
            "demens": demens,
            "atferd_som_krever_skjerming": False,
            "omfattende_skjermingsbehov_uten_demens": False,
            "utviklingshemming_autisme": False,
            "psykisk_helse_rus": self.p(0.05),
            "lindrende": False,
        }
        d.update(kw)
        return demens, d

    def _langtid(self, kw: dict[str, Any], u: str, person: _Person) -> dict[str, Any]:
        rng = self.rng
        demens, diag = self._diagnoser(person.alder, Tjeneste.LANGTID, lindrende=self.p(0.05))
        if demens and self.p(0.35):
            diag["atferd_som_krever_skjerming"] = True  # candidate for a skjermet unit (T §3.17)
        elif not demens and self.p(0.03):
            diag["omfattende_skjermingsbehov_uten_demens"] = True
        niva = rng.normal(3.9, 0.45) if u != "nei" else rng.normal(3.0, 0.5)
        kw["iplos"] = self.iplos(niva, demens)
        if demens and self.p(0.45):
            # Lacking capacity to consent: placement needs a vedtak under pbrl kap. 4A.
            kw.update(samtykkekompetent=False, samtykke=None, vedtak_4a=True)
        sted = self.velg(
            [
                Oppholdssted.HJEMME,
                Oppholdssted.SYKEHUS_UKP,
                Oppholdssted.KORTTID,
                Oppholdssted.LANGTID,
                Oppholdssted.ANNEN_INSTITUSJON,
            ],
            [0.55, 0.2, 0.2, 0.03, 0.02],
        )
        if sted is Oppholdssted.KORTTID and self.opphold.korttid_ledige_lenker:
            kw["naverende_opphold_id"] = self.opphold.korttid_ledige_lenker.pop()
        elif sted is Oppholdssted.LANGTID and self.opphold.langtid_ledige_lenker:
            kw["naverende_opphold_id"] = self.opphold.langtid_ledige_lenker.pop()
        elif sted in (Oppholdssted.KORTTID, Oppholdssted.LANGTID):
            sted = Oppholdssted.HJEMME
        if sted is Oppholdssted.SYKEHUS_UKP:
            sted, kw["utskrivningsklar_dato"] = self.ukp()
        kw["oppholdssted"] = sted
        detaljer: dict[str, Any] = {
            "varig_ute_av_stand": True,
            "kan_ikke_ivaretas_hjemme": True,
            "behov_heldogns": True,
            "forsvarlig_hjemme_i_ventetiden": self.p(0.8) if sted is Oppholdssted.HJEMME else False,
        }
        trapp: dict[str, Any] = {
            "provde_tiltak": self.tiltak(
                3, 6, (Tiltak.HJEMMESYKEPLEIE,) + ((Tiltak.KORTTIDSOPPHOLD,) if self.p(0.7) else ())
            ),
            "lavere_tiltak_utilstrekkelige": True,
            "helseteknologi_vurdert": self.p(0.85),
        }
        if u == "nei":
            grunn = self.velg(["lavere", "hjemme", "samtykke", "heldogns", "4a"], [0.4, 0.2, 0.15, 0.15, 0.1])
            if grunn == "lavere":
                trapp["lavere_tiltak_utilstrekkelige"] = False
                trapp["provde_tiltak"] = (Tiltak.PRAKTISK_BISTAND,)
            elif grunn == "hjemme":
                detaljer["kan_ikke_ivaretas_hjemme"] = False
            elif grunn == "heldogns":
                detaljer["behov_heldogns"] = False
            elif grunn == "samtykke":
                kw.update(samtykkekompetent=True, samtykke=False, vedtak_4a=False)
            else:
                kw.update(samtykkekompetent=False, samtykke=None, vedtak_4a=False)
        elif u == "mangler":
            felt = self.velg(["behov_heldogns", "varig_ute_av_stand", "lavere", "samtykke", "skjerming"])
            if felt == "lavere":
                trapp["lavere_tiltak_utilstrekkelige"] = None
            elif felt == "samtykke":
                kw.update(samtykkekompetent=None, samtykke=None, vedtak_4a=False)
            elif felt == "skjerming" and diag["atferd_som_krever_skjerming"]:
                diag["atferd_som_krever_skjerming"] = None
            else:
                detaljer["behov_heldogns" if felt == "skjerming" else felt] = None
        kw["diagnoser"] = Diagnoser(**diag)
        kw["innsatstrapp"] = Innsatstrapp(**trapp)
        return {"soknadsdato": self.dato(int(rng.integers(1, 241))), "langtid": LangtidDetaljer(**detaljer)}

    def _korttid(self, kw: dict[str, Any], u: str, person: _Person) -> dict[str, Any]:
        rng = self.rng
        formal = self.velg(list(Korttidsformal), [0.3, 0.25, 0.15, 0.1, 0.2])
        demens, diag = self._diagnoser(person.alder, Tjeneste.KORTTID, lindrende=formal is Korttidsformal.LINDRENDE)
        kw["diagnoser"] = Diagnoser(**diag)
        kw["iplos"] = self.iplos(rng.normal(3.1, 0.6), demens, 0.9)
        kw["innsatstrapp"] = Innsatstrapp(
            provde_tiltak=self.tiltak(1, 3),
            lavere_tiltak_utilstrekkelige=self.p(0.7),
            helseteknologi_vurdert=self.p(0.5),
        )
        if self.p(0.35):
            kw["oppholdssted"], kw["utskrivningsklar_dato"] = self.ukp()
        if formal is Korttidsformal.REHABILITERING:
            lengde = int(rng.integers(14, 29))
        elif formal is Korttidsformal.LINDRENDE:
            lengde = int(rng.integers(7, 22))
        else:
            lengde = int(rng.integers(7, 29))
        brukt = 0
        if self.p(0.25):
            brukt = int(rng.integers(7, 46))
        if self.profil.korttid_maks_dogn_per_aar and self.p(0.05):
            brukt = int(rng.integers(50, 61))  # near the 60-day limit (T §3.18)
        rehab = formal is Korttidsformal.REHABILITERING
        d: dict[str, Any] = {
            "formal": formal,
            "lengde_dogn": lengde,
            "behov_dognbasert_oppfolging": True,
            "motivert_for_rehabilitering": True if rehab else None,
            "rehabilitering_mulig_hjemme": False if rehab else None,
            "dogn_brukt_i_aar": brukt,
            # S §4.21: a stay of up to 14 days may be granted before the vedtak is made.
            "vedtak_fattet": not (self.profil.korttid_maks_dogn_uten_vedtak and self.p(0.15)),
        }
        t_rehab = rehab and self.profil.id == "tvedestrand"
        if u == "nei":
            grunn = self.velg(["behov", "samtykke", "rehab"], [0.6, 0.2, 0.2 if t_rehab else 0.0])
            if grunn == "behov":
                d["behov_dognbasert_oppfolging"] = False
            elif grunn == "samtykke":
                kw["samtykke"] = False
            else:
                d["rehabilitering_mulig_hjemme"] = True
        elif u == "mangler":
            felt = self.velg(["behov", "samtykke", "motivert"], [0.5, 0.2, 0.3 if t_rehab else 0.0])
            if felt == "behov":
                d["behov_dognbasert_oppfolging"] = None
            elif felt == "samtykke":
                kw.update(samtykke=None, samtykkekompetent=None)
            else:
                d["motivert_for_rehabilitering"] = None
        return {"soknadsdato": self.dato(int(rng.integers(0, 22))), "korttid": KorttidDetaljer(**d)}

    def _avlastning(self, kw: dict[str, Any], u: str, person: _Person) -> dict[str, Any]:
        rng = self.rng
        demens, diag = self._diagnoser(person.alder, Tjeneste.AVLASTNING)
        if person.alder < 65:
            diag["utviklingshemming_autisme"] = self.p(0.6)
        kw["diagnoser"] = Diagnoser(**diag)
        kw["iplos"] = self.iplos(rng.normal(3.5, 0.5), demens)
        kw["innsatstrapp"] = Innsatstrapp(
            provde_tiltak=self.tiltak(2, 4, (Tiltak.DAGTILBUD,) if self.p(0.6) else ()),
            lavere_tiltak_utilstrekkelige=True,
            helseteknologi_vurdert=self.p(0.6),
        )
        # Rolling patterns (S §5.3, T §3.8.2): dager every periode days.
        dager, periode = self.velg(
            [(7, 28), (14, 42), (7, 42), (3, 14), (10, 56), (14, 56), (5, 21)], [4, 3, 2, 1, 1, 1, 1]
        )
        self.omsorgsytere += 1
        tung = u != "nei"
        belastning = Omsorgsbelastning(
            nattarbeid=self.p(0.6 if tung else 0.1),
            timer_per_maned=int(rng.integers(80, 400) if tung else rng.integers(10, 60)),
            varighet_maneder=int(rng.integers(6, 121)),
            isolasjon=self.p(0.5 if tung else 0.1),
            flere_omsorgsmottakere=self.p(0.1),
            omsorgsyters_helse_svekket=self.p(0.4 if tung else 0.05),
            lite_nettverk=self.p(0.5 if tung else 0.1),
        )
        d: dict[str, Any] = {
            "omsorgsyter_id": f"P-{self.omsorgsytere:06d}",
            "dager": dager,
            "periode": periode,
            "belastning": belastning,
            "saerlig_tyngende": True,
            "omsorgsyter_onsker": True,
            "omsorgsmottaker_onsker": True,
        }
        if u == "nei":
            if self.p(0.75):
                d["saerlig_tyngende"] = False
            else:
                d["belastning"] = belastning.model_copy(update={"timer_per_maned": int(rng.integers(80, 400))})
                d["omsorgsmottaker_onsker"] = False
        elif u == "mangler":
            felt = self.velg(["saerlig_tyngende", "omsorgsmottaker_onsker"])
            d[felt] = None
            d["belastning"] = belastning.model_copy(update={"timer_per_maned": None})
        return {"soknadsdato": self.dato(int(rng.integers(3, 91))), "avlastning": AvlastningDetaljer(**d)}

    def _akutt(self, kw: dict[str, Any], u: str, person: _Person) -> dict[str, Any]:
        rng = self.rng
        demens, diag = self._diagnoser(person.alder, Tjeneste.AKUTT)
        kw["diagnoser"] = Diagnoser(**diag)
        kw["iplos"] = self.iplos(rng.normal(2.8, 0.6), demens, 0.3)  # acute requests rarely have IPLOS
        kw["innsatstrapp"] = Innsatstrapp(provde_tiltak=self.tiltak(0, 2))
        ohd = self.profil.akutt is Akutttype.OHD
        d: dict[str, Any] = {
            "avgrenset_akutt_problem": True,
            "behandlingsplan_skrevet": True,
            "kan_ikke_ivaretas_av_hjemmesykepleie": True,
            "forventet_hjem_innen_3_dager": True,
            "like_bra_som_sykehus": True,
            "kjent_avklart_tilstand": True,
            "oppdatert_kriseplan": True if diag["psykisk_helse_rus"] else None,
            "innleggende": self.velg([Innleggende.FASTLEGE, Innleggende.LEGEVAKTLEGE], [0.45, 0.55]),
            "lengde_dogn": int(self.velg([1, 2, 3], [0.3, 0.45, 0.25])),
        }
        if not ohd and self.p(0.15):
            # T §3.19: UKP may use a free KØH bed while waiting for korttid; placed by the office.
            kw["oppholdssted"], kw["utskrivningsklar_dato"] = self.ukp()
            d["innleggende"] = Innleggende.TILDELINGSKONTORET
            d["ukp_grunnlag"] = "venter_pa_korttidsplass"
        if u == "nei":
            if ohd:
                grunn = self.velg(["kriterium", "innleggende"], [0.7, 0.3])
                if grunn == "kriterium":  # only four of the five criteria (S §4.20)
                    felt = self.velg(
                        [
                            "forventet_hjem_innen_3_dager",
                            "avgrenset_akutt_problem",
                            "like_bra_som_sykehus",
                            "behandlingsplan_skrevet",
                        ]
                    )
                    d[felt] = False
                else:  # hospital doctors and home nursing cannot admit (S §4.20)
                    d["innleggende"] = self.velg([Innleggende.SYKEHUSLEGE, Innleggende.HJEMMESYKEPLEIE])
            else:
                d["kjent_avklart_tilstand"] = False
        elif u == "mangler":
            felt = "kan_ikke_ivaretas_av_hjemmesykepleie" if ohd else "kjent_avklart_tilstand"
            d[felt] = None
        return {"soknadsdato": self.dato(int(rng.integers(0, 2))), "akutt": AkuttDetaljer(**d)}

    def _bolig(self, kw: dict[str, Any], u: str, person: _Person, tj: Tjeneste) -> dict[str, Any]:
        rng = self.rng
        niva = {
            Tjeneste.HDO: 3.6,
            Tjeneste.HDOU: 3.4,
            Tjeneste.OMSORGSBOLIG_PSYKISK: 2.4,
            Tjeneste.TRYGGHETSBOLIG: 2.2,
            Tjeneste.TILRETTELAGT_BOLIG: 3.3,
            Tjeneste.KORTTIDSLEILIGHET: 2.4,
            Tjeneste.SENTERLEILIGHET: 2.0,
        }[tj]
        ekstra: dict[str, Any] = {}
        if tj is Tjeneste.HDOU:
            ekstra["utviklingshemming_autisme"] = self.p(0.85)
        if tj is Tjeneste.OMSORGSBOLIG_PSYKISK:
            ekstra["psykisk_helse_rus"] = True
        demens, diag = self._diagnoser(person.alder, tj, **ekstra)
        kw["iplos"] = self.iplos(rng.normal(niva, 0.5), demens)
        trapp: dict[str, Any] = {
            "provde_tiltak": self.tiltak(1, 3),
            "lavere_tiltak_utilstrekkelige": True if tj is not Tjeneste.SENTERLEILIGHET else None,
            "helseteknologi_vurdert": True if tj in (Tjeneste.HDO, Tjeneste.TILRETTELAGT_BOLIG) else self.p(0.5),
        }
        b: dict[str, Any] = {}
        sandefjord = self.profil.id == "sandefjord"
        if sandefjord:
            b["bosatt_siste_aar"] = True
        krav: list[str] = []  # required fields (for «mangler» and «nei»)
        if tj is Tjeneste.HDO:
            b.update(omfattende_behov_hele_dognet=True, kan_ikke_bo_i_ordinar_bolig=True)
            krav = ["omfattende_behov_hele_dognet", "kan_ikke_bo_i_ordinar_bolig"]
        elif tj is Tjeneste.HDOU:
            b.update(
                tidlig_ervervet_funksjonsnedsettelse=True,
                omfattende_behov_hele_dognet=True,
                lav_funksjon_hoyt_behov=not diag["utviklingshemming_autisme"],
            )
            krav = ["tidlig_ervervet_funksjonsnedsettelse"]
        elif tj is Tjeneste.OMSORGSBOLIG_PSYKISK:
            b.update(naverende_bolig_uegnet=True, redusert_evne_bo_alene=True, omfattende_behov_hele_dognet=True)
            krav = ["naverende_bolig_uegnet", "redusert_evne_bo_alene"]
        elif tj is Tjeneste.TRYGGHETSBOLIG:
            b.update(tungtveiende_helsegrunner=True, behov_hjemmetjenester=True, kun_onske_om_mindre_bolig=False)
        elif tj is Tjeneste.TILRETTELAGT_BOLIG:
            b.update(onsker_og_samtykker_flytting=True, omfattende_behov_hele_dognet=True)
            krav = ["onsker_og_samtykker_flytting", "omfattende_behov_hele_dognet"]
        elif tj is Tjeneste.KORTTIDSLEILIGHET:
            krit = [
                "utproving_senterleilighet",
                "naverende_bolig_uegnet",
                "midlertidig_etter_sykehus",
                "akutt_skade_pa_bolig",
                "avlastningsbehov",
            ]
            n_sanne = 1 if u == "nei" else int(self.velg([2, 3], [0.7, 0.3]))
            sanne = set(rng.permutation(len(krit))[:n_sanne].tolist())
            b.update({k: (i in sanne) for i, k in enumerate(krit)})
            b["lengde_dogn"] = int(rng.integers(7, 43))
            if "midlertidig_etter_sykehus" in [krit[i] for i in sanne] and self.p(0.5):
                kw["oppholdssted"], kw["utskrivningsklar_dato"] = self.ukp()
        elif tj is Tjeneste.SENTERLEILIGHET:
            uegnet = self.p(0.7)
            b.update(
                naverende_bolig_uegnet=uegnet,
                sosial_isolasjon=(not uegnet) or self.p(0.4),
                forebygge_funksjonsfall=True,
            )
            krav = ["forebygge_funksjonsfall"]
        if u == "nei":
            if sandefjord and (not krav or self.p(0.35)):
                b["bosatt_siste_aar"] = False  # S §6: resident the last year
            elif tj is Tjeneste.TRYGGHETSBOLIG:
                # A wish for a smaller flat or a notice to quit is not enough (T §3.15).
                b.update(tungtveiende_helsegrunner=False, behov_hjemmetjenester=False, kun_onske_om_mindre_bolig=True)
            elif tj is Tjeneste.OMSORGSBOLIG_PSYKISK and self.p(0.5):
                trapp["lavere_tiltak_utilstrekkelige"] = False
            elif tj is Tjeneste.HDO and self.p(0.3):
                trapp["helseteknologi_vurdert"] = False
            elif krav:
                b[self.velg(krav)] = False
        elif u == "mangler":
            if tj is Tjeneste.KORTTIDSLEILIGHET:
                sanne_k = sorted(k for k, v in b.items() if v is True and k != "bosatt_siste_aar")
                if len(sanne_k) == 2:
                    b[self.velg(sanne_k)] = None
                elif sandefjord:
                    b["bosatt_siste_aar"] = None
            elif tj is Tjeneste.TRYGGHETSBOLIG:
                b.update(tungtveiende_helsegrunner=None, behov_hjemmetjenester=None)
            elif krav:
                b[self.velg(krav)] = None
        kw["diagnoser"] = Diagnoser(**diag)
        kw["innsatstrapp"] = Innsatstrapp(**trapp)
        return {"soknadsdato": self.dato(int(rng.integers(7, 401))), "bolig": BoligDetaljer(**b)}


# --------------------------------------------------------------------------------------------
# The case
# --------------------------------------------------------------------------------------------


def _ledige_plasser(enheter: Sequence[Enhet], opphold: Sequence[Opphold], d0: date, horisont: int) -> dict[str, int]:
    """Places of each unit that are free at some day of the horizon (ignoring new admissions)."""
    siste = d0 + timedelta(days=horisont - 1)
    opptatt = Counter(o.enhet_id for o in opphold if o.forventet_slutt is None or o.forventet_slutt >= siste)
    return {e.id: e.kapasitet - opptatt[e.id] for e in enheter}


def _lag_laaser(
    rng: np.random.Generator,
    sokere: Sequence[Soker],
    enheter: Sequence[Enhet],
    opphold: Sequence[Opphold],
    profil: Regelprofil,
    d0: date,
    horisont: int,
    andel: float,
) -> list[Laas]:
    """Locks from the allocation meeting. «tildel» only to a unit of the søker's family and type
    with a place free in the horizon, and only for a søker who meets the hard criteria for it;
    «ikke_tildel» otherwise (not at all, or not in a given unit)."""
    n = round(andel * len(sokere))
    if n <= 0:
        return []
    ledige = _ledige_plasser(enheter, opphold, d0, horisont)
    kandidater = [s for s in sokere if s.ektefelle_id is None]
    laaser: list[Laas] = []
    for i in rng.permutation(len(kandidater))[:n]:
        s = kandidater[int(i)]
        tj = s.soknad.tjeneste
        if tj is Tjeneste.LANGTID:
            skjermet = antatt_kvalifisert(s, profil, Plasstype.LANGTID_SKJERMET, d0) is True
            typer = {Plasstype.LANGTID_SKJERMET if skjermet else Plasstype.LANGTID_SOMATISK}
        elif tj.familie is Familie.BOLIG:
            typer = {Plasstype(tj.value)}
        else:
            typer = {pt for pt in profil.plasstyper if pt.familie is tj.familie}
        passende = [e for e in enheter if e.plasstype in typer]
        med_plass = [e for e in passende if ledige[e.id] > 0]
        kval = antatt_kvalifisert(s, profil, min(typer), d0) is True
        if med_plass and kval and rng.random() < 0.6:
            e = med_plass[int(rng.integers(len(med_plass)))]
            ledige[e.id] -= 1
            laaser.append(
                Laas(
                    soker_id=s.id,
                    type=Laastype.TILDEL,
                    enhet_id=e.id,
                    begrunnelse="Tildelingsmøtet har besluttet plassen (syntetisk eksempel).",
                    laast_av="tildelingsmøtet",
                )
            )
        elif passende and rng.random() < 0.5:
            e = passende[int(rng.integers(len(passende)))]
            laaser.append(
                Laas(
                    soker_id=s.id,
                    type=Laastype.IKKE_TILDEL,
                    enhet_id=e.id,
                    begrunnelse="Søker ønsker ikke denne enheten (syntetisk eksempel).",
                    laast_av="tildelingsmøtet",
                )
            )
        else:
            laaser.append(
                Laas(
                    soker_id=s.id,
                    type=Laastype.IKKE_TILDEL,
                    enhet_id=None,
                    begrunnelse="Venter på avklaring med pårørende (syntetisk eksempel).",
                    laast_av="tildelingsmøtet",
                )
            )
    return laaser


def generer(
    befolkning: int,
    profil: Regelprofil,
    seed: int,
    antall_institusjoner: int | None = None,
    antall_sokere: int | None = None,
    antall_enheter: int | None = None,
    andel_ektepar: float = 0.04,
    andel_laast: float = 0.02,
    startdato: date = STARTDATO,
    horisont_dager: int = 28,
    kommunenavn: str | None = None,
    kommunenummer: str = "9999",
    bydeler: Sequence[str] | None = None,
    _mal: Kommunemal | None = None,
) -> Sak:
    """Generate a synthetic case for a municipality of ``befolkning`` inhabitants.

    ``antall_sokere`` / ``antall_enheter`` override the population-derived numbers (units then
    keep their typical size, so the number of places follows the number of units).
    ``andel_ektepar`` is the share of søkere who are one of a married couple (both apply for
    langtid, or — where the profile has them — both for senterleilighet). ``andel_laast`` is the
    share of søkere with a lock from the allocation meeting."""
    if befolkning < 1:
        raise ValueError("befolkning må være minst 1")
    if not 0.0 <= andel_ektepar <= 1.0 or not 0.0 <= andel_laast <= 1.0:
        raise ValueError("andelene må ligge mellom 0 og 1")
    rng = np.random.default_rng(seed)
    if bydeler is None:
        bydeler = (
            _mal.bydeler if _mal else tuple(f"Sone {i + 1}" for i in range(max(1, min(12, round(befolkning / 25_000)))))
        )
    plasser = _plasser(befolkning, profil, _mal.faste_plasser if _mal else {})
    if _mal is not None and _mal.institusjoner is not None and antall_institusjoner is None:
        maler: tuple[InstMal, ...] = _mal.institusjoner
    else:
        maler = _generiske_institusjoner(plasser, bydeler, antall_institusjoner)
    navngitte = _mal is not None and _mal.institusjoner is not None and antall_institusjoner is None
    enheter = _lag_enheter(rng, plasser, maler, antall_enheter, spre=navngitte)
    brukte = {e.institusjon_id for e in enheter}
    maler = tuple(m for m in maler if f"I-{m.kode}" in brukte)
    opphold = _lag_opphold(rng, enheter, startdato, horisont_dager)

    # The weekly applicant mix.
    tjenester = [tj for tj in _tjenester_i_profil(profil) if any(_passer(tj, e.plasstype) for e in enheter)]
    if antall_sokere is None:
        antall_sokere = round(antall_sokere_for(befolkning) * rng.uniform(0.95, 1.05))
    boligtj = [tj for tj in tjenester if tj.familie is Familie.BOLIG]
    bolig_sum = sum(BOLIGANDEL[tj] for tj in boligtj) or 1.0
    vekter = [TJENESTEANDEL[tj] if tj in TJENESTEANDEL else 0.32 * BOLIGANDEL[tj] / bolig_sum for tj in tjenester]
    antall = dict(zip(tjenester, _fordel(antall_sokere, vekter, minst=1), strict=True))

    # Couples: both apply for langtid (S §4.22) or both for senterleilighet (S §6.2).
    par_tj: list[Tjeneste] = []
    for _ in range(round(andel_ektepar * antall_sokere / 2)):
        tj = (
            Tjeneste.SENTERLEILIGHET if Tjeneste.SENTERLEILIGHET in antall and rng.random() < 0.35 else Tjeneste.LANGTID
        )
        if tj in antall and antall[tj] - 2 * par_tj.count(tj) >= 2:
            par_tj.append(tj)
    plasser_liste: list[tuple[Tjeneste, int | None]] = [(tj, i) for i, tj in enumerate(par_tj) for _ in range(2)]
    for tj in tjenester:
        plasser_liste += [(tj, None)] * (antall[tj] - 2 * par_tj.count(tj))
    rekkefolge = rng.permutation(len(plasser_liste))
    ider: dict[int, list[str]] = {}
    slots: list[tuple[str, Tjeneste, int | None]] = []
    for pos, idx in enumerate(rekkefolge):
        tj, par = plasser_liste[int(idx)]
        sid = f"S-{pos + 1:06d}"
        slots.append((sid, tj, par))
        if par is not None:
            ider.setdefault(par, []).append(sid)

    bygger = _Bygger(rng, profil, startdato, bydeler, maler, enheter, opphold)
    par_info: dict[int, tuple[_Person, bool, tuple[str, ...]]] = {}
    sokere: list[Soker] = []
    for sid, tj, par in slots:
        if par is None:
            sokere.append(bygger.soker(sid, tj))
            continue
        a, b = ider[par]
        ektefelle = b if sid == a else a
        if par not in par_info:
            p1 = bygger.person(tj)
            p1.alder = max(p1.alder, 65)
            par_info[par] = (p1, bool(rng.random() < 0.9), bygger.onskede(tj, p1.bydel))
            sokere.append(bygger.soker(sid, tj, p1, ektefelle, par_info[par][1], par_info[par][2]))
        else:
            p1, sammen, onskede = par_info[par]
            alder = int(min(104, max(60, p1.alder + round(rng.normal(0, 3)))))
            kjonn = p1.kjonn if rng.random() < 0.05 else (Kjonn.MANN if p1.kjonn is Kjonn.KVINNE else Kjonn.KVINNE)
            sokere.append(bygger.soker(sid, tj, _Person(alder, kjonn, p1.bydel), ektefelle, sammen, onskede))

    laaser = _lag_laaser(rng, sokere, enheter, opphold.opphold, profil, startdato, horisont_dager, andel_laast)
    navn = kommunenavn or (_mal.navn if _mal else f"Syntetisk kommune ({befolkning} innbyggere)")
    nummer = _mal.nummer if _mal else kommunenummer
    institusjoner = tuple(Institusjon(id=f"I-{m.kode}", navn=m.navn, bydel=m.bydel) for m in maler)
    return Sak(
        syntetisk=True,
        beskrivelse=(
            f"Syntetisk sak generert av modeller.generator (versjon {GENERATORVERSJON}, frø {seed}): "
            f"{navn}, {befolkning} innbyggere, regelprofil {profil.id}. Ingen ekte personer; kapasiteter, "
            "opphold og søkere er oppdiktet og kalibrert mot offentlige tall (se modulens dokumentasjon)."
        ),
        kommune=Kommune(nummer=nummer, navn=navn, regelprofil=profil),
        startdato=startdato,
        horisont_dager=horisont_dager,
        institusjoner=institusjoner,
        enheter=tuple(enheter),
        opphold=tuple(opphold.opphold),
        sokere=tuple(sokere),
        laaser=tuple(laaser),
    )


def _passer(tj: Tjeneste, pt: Plasstype) -> bool:
    if tj is Tjeneste.LANGTID:
        return pt in LT
    if tj.familie is Familie.BOLIG:
        return pt.value == tj.value
    return pt.familie is tj.familie


def generer_sak(
    navn: str,
    seed: int = 0,
    startdato: date = STARTDATO,
    horisont_dager: int = 28,
    **overstyr: Any,
) -> Sak:
    """One of the named synthetic cases: ``tvedestrand``, ``sandefjord`` or ``oslo``.

    ``overstyr`` passes ``antall_sokere``, ``antall_enheter``, ``antall_institusjoner``,
    ``andel_ektepar`` and ``andel_laast`` on to ``generer``."""
    mal = KOMMUNER.get(navn.strip().lower())
    if mal is None:
        raise UkjentKommune(f"ukjent kommune «{navn}»; kjente er {', '.join(KOMMUNER)}")
    return generer(
        mal.befolkning,
        mal.profil,
        seed,
        startdato=startdato,
        horisont_dager=horisont_dager,
        _mal=mal,
        **overstyr,
    )


# --------------------------------------------------------------------------------------------
# Demo cases: bundled files and the Oslo cache
# --------------------------------------------------------------------------------------------

DATAMAPPE = Path(__file__).parent / "data"
INNEBYGDE = ("tvedestrand", "sandefjord")


def _cachemappe() -> Path:
    if os.environ.get("ALLOKERING_CACHE_DIR"):
        return Path(os.environ["ALLOKERING_CACHE_DIR"])
    basis = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(basis) / "allokering"


def demo_sti(navn: str, seed: int = DEMO_FRO, lag: Callable[[str, int], Sak] | None = None) -> Path:
    """Path of a demo case file. Bundled for tvedestrand/sandefjord; for oslo the cached file,
    generated (and written atomically) on first use. ``lag`` makes a case that is not cached
    (``generer_sak``; tests pass their own to check the cache)."""
    navn = navn.strip().lower()
    if navn in INNEBYGDE:
        return DATAMAPPE / f"{navn}.json"
    if navn not in KOMMUNER:
        raise UkjentKommune(f"ukjent kommune «{navn}»; kjente er {', '.join(KOMMUNER)}")
    sti = _cachemappe() / f"{navn}-{seed}-g{GENERATORVERSJON}.json"
    if not sti.exists():
        skriv_atomisk(sti, sak_til_json((lag or generer_sak)(navn, seed)))
    return sti


def last_demo(navn: str, seed: int = DEMO_FRO, lag: Callable[[str, int], Sak] | None = None) -> Sak:
    """Load a demo case: the bundled file (tvedestrand, sandefjord) or the cached/generated oslo
    (``lag`` as in ``demo_sti``)."""
    lag = lag or generer_sak
    navn = navn.strip().lower()
    if navn in INNEBYGDE and seed == DEMO_FRO:
        return les_sak(demo_sti(navn))
    if navn in INNEBYGDE:
        return lag(navn, seed)
    try:
        return les_sak(demo_sti(navn, seed, lag))
    except OSError:  # read-only home or similar: generate without caching
        return lag(navn, seed)
    except Exception:  # a corrupt cache file: regenerate it
        sti = _cachemappe() / f"{navn}-{seed}-g{GENERATORVERSJON}.json"
        sak = lag(navn, seed)
        try:
            skriv_atomisk(sti, sak_til_json(sak))
        except OSError:
            pass
        return sak


def skriv_innebygde() -> list[Path]:
    """(Re)write the bundled demo files. Run after changing the generator (and bump GENERATORVERSJON)."""
    stier = []
    for navn in INNEBYGDE:
        sti = DATAMAPPE / f"{navn}.json"
        skriv_atomisk(sti, sak_til_json(generer_sak(navn, DEMO_FRO)))
        sti.chmod(0o644)  # mkstemp creates 0600; bundled data must be world-readable
        stier.append(sti)
    return stier


# --------------------------------------------------------------------------------------------
# Summary and command line
# --------------------------------------------------------------------------------------------


def sammendrag(sak: Sak) -> str:
    """A short bokmål summary of a case (counts per place type, share 80+, UKP, ektepar, locks)."""
    d0 = sak.startdato
    ledig_horisont = _ledige_plasser(sak.enheter, sak.opphold, d0, sak.horisont_dager)
    opptatt0 = Counter(
        o.enhet_id for o in sak.opphold if o.start <= d0 and (o.forventet_slutt is None or o.forventet_slutt >= d0)
    )
    linjer = [
        f"Syntetisk sak: {sak.kommune.navn} ({sak.kommune.nummer}), regelprofil {sak.profil.id}, "
        f"startdato {d0.isoformat()}, horisont {sak.horisont_dager} dager.",
        f"  {len(sak.institusjoner)} institusjoner, {len(sak.enheter)} enheter, {len(sak.opphold)} opphold, "
        f"{len(sak.sokere)} søkere, {len(sak.laaser)} låser.",
        f"  {'plasstype':<22}{'enheter':>8}{'plasser':>9}{'ledige dag 0':>14}{'ledig i horisonten':>20}",
    ]
    for pt in sak.profil.plasstyper:
        ee = [e for e in sak.enheter if e.plasstype is pt]
        if not ee:
            continue
        kap = sum(e.kapasitet for e in ee)
        l0 = sum(e.kapasitet - opptatt0[e.id] for e in ee)
        lh = sum(ledig_horisont[e.id] for e in ee)
        linjer.append(f"  {pt.value:<22}{len(ee):>8}{kap:>9}{l0:>14}{lh:>20}")
    per_tj = Counter(s.soknad.tjeneste.value for s in sak.sokere)
    linjer.append("  Søkere per tjeneste: " + ", ".join(f"{k} {v}" for k, v in per_tj.items()) + ".")
    lt = [s for s in sak.sokere if s.soknad.tjeneste is Tjeneste.LANGTID]
    andel_lt = sum(s.alder >= 80 for s in lt) / len(lt) if lt else 0.0
    andel_alle = sum(s.alder >= 80 for s in sak.sokere) / len(sak.sokere) if sak.sokere else 0.0
    linjer.append(f"  Andel 80 år og eldre: {andel_lt:.0%} av langtidssøkerne, {andel_alle:.0%} av alle søkere.")
    ukp = sum(s.oppholdssted is Oppholdssted.SYKEHUS_UKP for s in sak.sokere)
    pa_korttid = sum(s.oppholdssted is Oppholdssted.KORTTID for s in sak.sokere)
    par = sum(s.ektefelle_id is not None for s in sak.sokere) // 2
    utfall = Counter(antatt_kvalifisert(s, sak.profil) for s in sak.sokere)
    linjer.append(
        f"  Utskrivningsklare på sykehus: {ukp}; på korttid nå: {pa_korttid}; ektepar: {par}. "
        f"Oppfyller kriteriene (generatorens lesning): {utfall[True]}, ikke: {utfall[False]}, "
        f"mangler opplysninger: {utfall[None]}."
    )
    return "\n".join(linjer)


def generer_kommando(
    navn: str = typer.Argument(..., help="tvedestrand, sandefjord eller oslo."),
    seed: int = typer.Option(DEMO_FRO, "--seed", help="Frø for tilfeldighetsgeneratoren."),
    ut: Path = typer.Option(..., "--ut", help="Fil saken skrives til (JSON)."),
    sokere: int | None = typer.Option(None, "--sokere", min=1, help="Antall søkere (overstyrer befolkningen)."),
    enheter: int | None = typer.Option(None, "--enheter", min=1, help="Antall enheter (overstyrer befolkningen)."),
    ektepar: float | None = typer.Option(None, "--ektepar", min=0.0, max=1.0, help="Andel søkere som er ektepar."),
    laast: float | None = typer.Option(None, "--laast", min=0.0, max=1.0, help="Andel søkere med lås."),
) -> None:
    """Generer en syntetisk sak (tvedestrand, sandefjord eller oslo) og skriv den atomisk til fil."""
    overstyr: dict[str, Any] = {}
    for nokkel, verdi in (
        ("antall_sokere", sokere),
        ("antall_enheter", enheter),
        ("andel_ektepar", ektepar),
        ("andel_laast", laast),
    ):
        if verdi is not None:
            overstyr[nokkel] = verdi
    try:
        sak = generer_sak(navn, seed, **overstyr)
    except UkjentKommune as exc:
        typer.echo(f"Feil: {exc}.", err=True)
        raise typer.Exit(code=2) from None
    skriv_atomisk(ut, sak_til_json(sak))
    typer.echo(f"Skrev {ut} (frø {seed}).")
    typer.echo(sammendrag(sak))
