"""What the engine is worth in the municipality's own numbers (issue 23): the same scenario run twice
with common random numbers — once with the engine in the weekly loop, once with today's manual
practice (``scenarier.manuell``: highest priority first, greedy, the same rules) — and the paired
differences engine − manual with 95 % intervals.

Moves («flyttinger»): the simulator has no langtid residents who apply to move (every langtid søker
comes from home, hospital or korttid), so no policy can move anyone and the row is 0 for both by
construction; it is shown so that nobody reads its absence as a hidden cost. Placements against the
rules are counted by the simulator for every placement (``Simulator._realiser``: a place type the rules
do not give the søker, or a somatic place for a søker locked to skjermet) and must be 0 for both.

Our question is not the one of the published anchor: JAMDA 2022 («Reduced Waiting Times by
Preference-Based Allocation of Patients to Nursing Homes», doi 10.1016/j.jamda.2022.04.012) simulated
preference-based allocation in Rotterdam and Twente (waits 166 → 80 and 178 → 82 days). Here both
policies use the same Norwegian criteria and priorities; they differ only in how the weekly list is
worked (an optimal plan over all places and the coming days against one søker at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scenarier.dask_backend import Backend
from scenarier.montecarlo import Nokkelfeil, Nokkeltall, Resultat, ki, parvis, sammenlign
from scenarier.rapport import tall
from scenarier.scenariofil import Scenario

NOKKELTALL = (
    ("p90_vent", "langtid"),
    ("snitt_vent", "langtid"),
    ("p90_vent", "korttid"),
    ("snitt_vent", "korttid"),
    ("p90_vent", "avlastning"),
    ("snitt_vent", "avlastning"),
    ("p90_vent", "bolig"),
    ("snitt_vent", "bolig"),
    ("ukp_dogn", None),
    ("ukp_kostnad_nok", None),
    ("ektepar_splittet", None),
)


@dataclass
class Praksisrad:
    tekst: str
    motor: float
    manuell: float
    diff: tuple[float, float, float]  # engine − manual, paired
    enhet: str


def kjor_praksis(sc: Scenario, backend: Backend | None = None) -> tuple[Resultat, Resultat]:
    """The scenario with the engine and with manual practice (same seeds)."""
    motor = sc.model_copy(
        update={"navn": f"{sc.navn} – motoren", "motor": sc.motor.model_copy(update={"praksis": "motor"})}
    )
    manuell = sc.model_copy(
        update={
            "navn": f"{sc.navn} – manuell praksis",
            "motor": sc.motor.model_copy(update={"praksis": "manuell"}),
        }
    )
    ra, rb = sammenlign([motor, manuell], backend)
    return ra, rb


def _antall(res: Resultat, fra: str, til: str) -> pd.Series:
    reps = pd.Index(sorted(res.uker["rep"].unique()), name="rep")
    f = res.flyt[(res.flyt["fra"] == fra) & (res.flyt["til"] == til)]
    return f.groupby("rep")["antall"].sum().reindex(reps).fillna(0.0)


def praksistabell(motor: Resultat, manuell: Resultat, aar: int) -> list[Praksisrad]:
    rader = []
    for navn, tj in NOKKELTALL:
        n = Nokkeltall(navn, tj, aar)
        try:
            p = parvis(manuell, motor, n)  # B − A = engine − manual
        except Nokkelfeil:
            continue
        rader.append(Praksisrad(n.tekst, p.b[0], p.a[0], p.diff, "kr" if navn == "ukp_kostnad_nok" else ""))
    for tekst, fra, til in (
        ("flyttinger av langtidsbeboere (hele perioden)", "langtid", "flytting"),
        ("plasseringer mot reglene (hele perioden)", "kontroll", "mot reglene"),
    ):
        a, b = _antall(motor, fra, til), _antall(manuell, fra, til)
        rader.append(Praksisrad(tekst, float(a.mean()), float(b.mean()), ki((a - b).to_numpy()), ""))
    return rader


def markdown(rader: list[Praksisrad], motor: Resultat, aar: int) -> str:
    """The table for the README (bokmål, Norwegian numbers)."""
    n = motor.uker["rep"].nunique()
    linjer = [
        f"| {aar}, snitt over {n} replikasjoner | motoren | manuell praksis | motoren − manuell (95 % KI, parvis) |",
        "|---|---:|---:|---:|",
    ]
    for r in rader:
        des = 0 if r.enhet == "kr" else 1
        m, lo, hi = r.diff
        linjer.append(
            f"| {r.tekst} | {tall(r.motor, des)} | {tall(r.manuell, des)} | "
            f"{tall(m, des)} ({tall(lo, des)} til {tall(hi, des)}) |"
        )
    return "\n".join(linjer)
