"""How the engine solves a family: the thresholds that choose between its exact routes, in one
object passed in with ``Loserparametre.strategi`` (never module globals), and an optional timing
hook for measurements.

Every route gives a proven optimum with the same level values; the thresholds only choose the
fastest (the measurements behind each default are in its comment). ``vei`` forces one route on
every family — the tests use it to check that the routes agree (``allokering.likebehandling``
makes even the placements agree).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from allokering.kandidater import SOLVE_ORDER
from allokering.lp import Lp
from modeller.kodeverk import Familie

Vei = Literal["cpsat", "lp", "sifting"]


@dataclass(frozen=True)
class Strategi:
    tosteg_fra: int = 300_000
    """Families with more columns than this solve level 1 first, then the later levels on its
    face, without trying the combined objective. Measured on national-stress korttid (624 k
    columns): the combined LP took 84 s and its vertex was fractional, so the two steps came
    after it anyway (149 s in all); the two steps alone took 56 s (level 1 35 s, the face 13 s),
    same optimum. On oslo-stress (korttid 116 k, bolig 30 k columns) the combined LP is integral
    and faster than two steps (medians of 5, alternating: 2.25 against 2.53 s and 0.40 against
    0.48 s)."""

    sikt_fra: int = 20_000
    """Langtid models with more columns than this are solved by sifting (see ``lp.Lp``), from the
    flow's prices at level 1 (``flyt``: oslo-stress langtid 1.4 → 0.43 s for the LP, plus 0.3 s
    for the flow; national-stress 25–30 s, plus 5–7 s for the flow, where an earlier session
    measured 104 s). Sifting from each søker's best columns costs more than it saves on bolig
    and korttid, which are solved whole. The later levels' LP on a face of any model this large
    gets only the columns not fixed at 0 (oslo-stress langtid 0.21 → 0.07 s)."""

    marginal_traader: int = 2
    """Parts the marginal-value and couple-cost re-solves are split into. HiGHS and CP-SAT
    release the GIL while they solve, so two threads use the two cores (measured 1.8× on
    repeated korttid LPs). The units are dealt to the parts in a fixed way (every second unit of
    the family's sorted list), whatever the machine has, so each part re-solves the same units
    in the same order from the same start, and the result depends neither on timing nor on
    ``Loserparametre.traader`` (with 1 the same parts run one after the other)."""

    sikt_andel: float = 0.05
    """Sifting adds this share of the attractive columns per round (the most attractive first),
    at least ``lp.SIKT_MIN``. Measured on the level-1 langtid LP: national-stress (1.05 M
    columns) 79 and 80 s at 5 % against 90 and 95 s at 25 % (10 %: 92 s, 2 %: 111 s), ending
    with 221 k instead of 388 k columns in HiGHS; oslo-stress 1.31 against 1.41 s (medians of
    3). Small rounds let the duals improve before many columns that would never enter are
    added."""

    dual_fra_rader: int = 1000
    """``lp.Basisforskyvning`` tries dual simplex pivots only on models with at least this many
    rows. Below it, HiGHS's re-solve from the base basis costs about what our pivots cost
    (measured on the Sandefjord case: no gain with one thread, 5–10 % slower with two, as the
    pivots are Python that holds the GIL while the other thread's HiGHS would run); above it
    HiGHS's fixed cost per run dominates (oslo-stress)."""

    direkte: bool = True
    """Test «no competition» without building the matrix model in families that have only «one
    place per søker», class-flow and capacity rows (``familieloser._uten_konkurranse_direkte``:
    about a third of the simulator's weekly engine call). False: the same test on the model."""

    likebehandling_til: int = 20_000
    """Likebehandling (level 5, ``allokering.likebehandling``) is applied to families with at
    most this many candidates; a larger family keeps the optimal plan as solved (deterministic,
    but not the unique plan of the rule: ``Familieresultat.kanonisk`` is False). Measured
    (likebehandling alone, 5.12.2026, 2 cores): the bundled Sandefjord case 0.05 s for all five
    families, of which the joint langtid+korttid model (5 478 candidates, ``koblede``) 0.04 s;
    oslo-stress avlastning (7 606) 0.13–0.2 s, bolig (16 121) 0.35 s; the joint langtid+korttid
    model of oslo-stress (149 791) 36 s without finishing every step — too slow to be on by
    default there. The rule's steps are warm LPs on the face of the optimum (CP-SAT only when an
    LP does not prove its step); their number grows with the søkere whose outcome the plan a
    solver returns does not already give them, and each costs about one HiGHS re-solve of the face."""

    likebehandling_lp: bool = True
    """Likebehandling's steps try a warm LP on the face first (CP-SAT when it does not prove its
    step). False: every step by CP-SAT — slower, the same plan; for the tests, which show that the
    two give the same plan (the CP-SAT steps are otherwise seldom reached)."""

    vei: Vei | None = None
    """Force one route on every family: «cpsat» (CP-SAT from the greedy start, no LP proof),
    «lp» (the whole LP, no greedy shortcut, no sifting), «sifting» (sifting from each søker's
    best columns in every family). None: the engine chooses."""

    lp_klasse: type[Lp] = Lp
    """The LP relaxation's class for a family's own solve (``familieloser``). Only tests change
    it (a subclass that reports a chosen outcome, to reach a route that real cases seldom take);
    the proof never rests on it, as every LP answer is checked against the model's rows."""

    rekkefolge: tuple[Familie, ...] = SOLVE_ORDER
    """The order the independent groups of families are solved in (``kandidater.koblede_familier``).
    It changes no result — families coupled by released places are solved together — and is
    here so the tests can show that."""

    maaling: Callable[[str, float], None] | None = None
    """Timing hook: called with (step, seconds) when a measured step ends. Steps of the case:
    «kvalifisering», «prioritet», «delproblem» (per family), «familie:<family>» (the whole
    family solve, after the steps inside it), «marginalverdier», «ektepar_kostnad» (each after
    the family solves inside it). Steps inside a family solve: «modell», «gradig» (the
    no-competition test or the greedy start), «flyt», «sifting_fra_flyt» (sifting started from
    the flow's prices), «lp:samlet» / «lp:nivaa1» (the first LP: combined objective or level
    1), «lp:flate» (the later levels on level 1's face), «rk_fiksering», «cpsat_bygg», «cpsat»,
    «likebehandling». Steps do not nest except inside the family and analysis steps, so an
    observer can attribute the leaf steps to the next enclosing step that ends. For tests and
    benchmarks; None costs nothing."""

    @contextlib.contextmanager
    def maal(self, steg: str) -> Iterator[None]:
        """Time a step through ``maaling`` (nothing when it is None)."""
        if self.maaling is None:
            yield
            return
        t = time.perf_counter()
        try:
            yield
        finally:
            self.maaling(steg, time.perf_counter() - t)


STANDARD = Strategi()
