"""What a solve returns: per level, per family and for the whole case, and the solver parameters."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from allokering.kandidater import Delproblem, Plassering
from allokering.lp import Flate
from allokering.modell import Matrisemodell
from allokering.prioritet import Prioritet
from allokering.regler import Kvalifisering
from allokering.strategi import STANDARD, Strategi
from modeller.kodeverk import Familie
from modeller.sak import Sak


@dataclass(frozen=True)
class Loserparametre:
    """Solver parameters: explicit arguments, never hidden globals."""

    tidsgrense_s: float = 30.0  # per family
    arbeidere: int = 1
    frø: int = 0
    deterministisk: bool = True
    marginalverdier: bool = True
    ektepar_kostnad: bool = True
    traader: int = 2  # threads for the marginal-value re-solves; the result is the same for any value
    strategi: Strategi = STANDARD  # thresholds between the exact routes, timing hook (``allokering.strategi``)
    laaspriser: bool = True  # the price of every lock at level 1 (``allokering.laaspriser``)
    likebehandling: bool = (
        True  # level 5: the unique plan of ``allokering.likebehandling`` (``Strategi.likebehandling_til``)
    )


@dataclass
class Nivaaresultat:
    navn: str
    verdi: int
    grense: int
    bevist: bool


@dataclass
class Familieresultat:
    familie: Familie
    status: str
    nivaaer: list[Nivaaresultat]
    sekunder: float
    kandidater: int
    plasseringer: list[Plassering]
    metode: str = "lp"
    kanonisk: bool = False  # the unique plan of likebehandling (level 5, ``allokering.likebehandling``)


@dataclass(frozen=True)
class Laaspris:
    """What one lock from the meeting costs at level 1 (``allokering.laaspriser``)."""

    nr: int  # the lock's index in ``sak.laaser``
    soker: str
    pris: int | None  # level 1 without the lock minus with it (None: not computed within the time)
    bevist: bool
    fortrengt: tuple[str, ...]  # placed by the plan without the lock, not by the plan with it (price > 0)
    # ``fortrengt`` is unique: read from the canonical plan without the lock (the engine's own plan for
    # the case without it, by the rule of ``allokering.likebehandling``), or empty as the price is 0.
    # False: from one optimal plan without the lock, which another equally good plan could replace,
    # or no price (``allokering.laaspriser``).
    kanonisk: bool = False


Delproblemkilde = Delproblem | Callable[[], Delproblem]
"""A family's model, or a function that builds it (``Delproblemer``)."""


class Delproblemer(Mapping[Familie, Delproblem]):
    """The families' own models, in the order they were given. A model may be given as a function
    that builds it on first use: a family solved in a joint model (``koblede``) needs its own
    model only for the explanations and the analyses, not for the plan (Sandefjord: 12 ms of a
    0,13 s solve, and the simulator's weekly call never reads it). Safe to read from threads."""

    def __init__(self, modeller: Iterable[tuple[Familie, Delproblemkilde]] = ()):
        self._laas = threading.Lock()
        self._ferdig: dict[Familie, Delproblem] = {}
        self._bygg: dict[Familie, Callable[[], Delproblem]] = {}
        self._orden: list[Familie] = []
        for fam, dp in modeller:
            self.sett(fam, dp)

    def sett(self, fam: Familie, dp: Delproblemkilde) -> None:
        if fam not in self._ferdig and fam not in self._bygg:
            self._orden.append(fam)
        self._ferdig.pop(fam, None)
        self._bygg.pop(fam, None)
        if isinstance(dp, Delproblem):
            self._ferdig[fam] = dp
        else:
            self._bygg[fam] = dp

    def ordnet(self, orden: Iterable[Familie]) -> Delproblemer:
        """The same models (built or not) in ``orden`` (families not in it are left out)."""
        ny = Delproblemer()
        for fam in orden:
            if fam in self._ferdig:
                ny.sett(fam, self._ferdig[fam])
            elif fam in self._bygg:
                ny.sett(fam, self._bygg[fam])
        return ny

    def er_bygget(self, fam: Familie) -> bool:
        """Whether the family's model exists yet (False while it waits for its first read)."""
        return fam in self._ferdig

    def __getitem__(self, fam: Familie) -> Delproblem:
        dp = self._ferdig.get(fam)
        if dp is not None:
            return dp
        with self._laas:
            if fam not in self._ferdig:
                self._ferdig[fam] = self._bygg.pop(fam)()  # KeyError when the family is not here
            return self._ferdig[fam]

    def __iter__(self) -> Iterator[Familie]:
        return iter(self._orden)

    def __len__(self) -> int:
        return len(self._orden)


@dataclass
class Losning:
    """Raw result of solving a case (before explanations)."""

    sak: Sak
    parametre: Loserparametre
    kvalifisering: dict[str, Kvalifisering]
    prioritet: dict[str, Prioritet]
    delproblemer: Mapping[Familie, Delproblem]  # ``Delproblemer`` from ``loes``
    familier: dict[Familie, Familieresultat]
    sekunder: float
    marginalverdi: dict[str, int] = field(default_factory=dict)
    ekstra_plass_gir: dict[str, list[str]] = field(default_factory=dict)  # unit → waiting søkere it would place
    ektepar_kostnad: dict[tuple[str, str], int | None] = field(default_factory=dict)
    laaspriser: list[Laaspris] = field(default_factory=list)  # per lock (``allokering.laaspriser``)
    grunnlag: dict[Familie, Lpgrunnlag] = field(default_factory=dict)  # while the couple costs run

    @property
    def status(self) -> str:
        statuser = {f.status for f in self.familier.values()}
        if not statuser or statuser == {"OPTIMAL"}:
            return "OPTIMAL"
        return "FEASIBLE"


@dataclass
class Familieloesning:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    nivaaer: list[Nivaaresultat]
    plasseringer: list[Plassering]
    # "gradig" (greedy reaches the no-competition bound) | "lp" (certified LP bound) | "cp-sat";
    # "samlet:<one of them>" for a family solved in a joint model with others (``koblede``)
    metode: str
    x: np.ndarray | None = None  # the solution vector (candidates, flows, helper columns)
    mm: Matrisemodell | None = None
    flate: Flate | None = None  # the face of the optimum the certified bound proves, if any
    kanonisk: bool = False  # the plan of likebehandling (level 5, ``allokering.likebehandling``)
    kandidater: int | None = None  # candidates of this family in the model solved (None: its own model's)


@dataclass
class Lpgrunnlag:
    """A family's model and the simplex basis its first LP ended in (HiGHS statuses per column
    and row), kept so the couple costs reuse the model and start their LP from that basis
    instead of building and solving from scratch (measured on oslo-stress: 2.7 → 0.6 s).
    Not for the marginal values: their model has more candidates, and a basis carried over
    to it proved far more degenerate than a fresh solve's — the «+1» shifts then failed and
    the dual simplex wandered (measured 3× slower in all)."""

    mm: Matrisemodell
    kol: np.ndarray
    rad: np.ndarray


def plassert(losning: Losning) -> dict[str, Plassering]:
    """Every placed søker and the placement."""
    return {s: p for fr in losning.familier.values() for p in fr.plasseringer for s in p.kandidat.personer}
