"""«Verdien av én ekstra plass» per unit: the whole case's level-1 gain when the unit gets one
more place, re-solved exactly per unit (see ``_marginalverdier``), in fixed parts over threads.
Families coupled by released places (``kandidater.koblede_familier``) are re-solved as one
joint model, so a langtid place that frees a korttid bed is valued with the korttid gain; no
other family changes, so the gain equals a full re-solve of the case at level 1."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import numpy as np

from allokering.familieloser import loes_familie
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import Delproblem, Plassering, bygg_delproblem, koblede_familier
from allokering.lp import Basisforskyvning, Lp, heltall_verdi
from allokering.modell import Matrisemodell, bygg_modell, gjennomforbar
from allokering.resultat import Losning, plassert
from modeller.kodeverk import Familie

T = TypeVar("T")


R = TypeVar("R")


def _i_deler(arbeid: Callable[[list[T]], list[R]], elementer: list[T], traader: int, antall_deler: int) -> list[R]:
    """``arbeid`` on fixed parts of ``elementer`` (every ``antall_deler``-th, in order:
    ``Strategi.marginal_traader``), in up to ``traader`` threads; the results in the order of the
    parts. The parts do not depend on ``traader``, so neither does the result."""
    deler = [elementer[i::antall_deler] for i in range(antall_deler) if elementer[i::antall_deler]]
    if len(deler) <= 1 or traader <= 1:
        return [r for d in deler for r in arbeid(d)]
    with ThreadPoolExecutor(min(len(deler), traader)) as ex:
        return [r for rs in ex.map(arbeid, deler) for r in rs]


def _marginalverdier(losning: Losning, ekstra_ledig: dict[str, list[int]], fremdrift: Fremdrift | None = None) -> None:
    """Value of one more place per unit: the level-1 gain when the unit gets one more place.

    One model per family is built with candidates for one more place everywhere
    (``kandidat_kapasitet=1``) and the real capacities in its rows; each unit's «+1» is then a
    change of that unit's row bounds. Most units' new optimum is read off the optimal basis
    of the real capacities without a re-solve (``lp.Basisforskyvning``: measured 357 of 400
    units on oslo-stress), on large models after a few dual simplex pivots from it if needed
    (the other 43 there, 1–3 pivots each); the rest get a re-solve of the level-1 LP started
    from that basis.
    Either way it is proven by the certified bound like any other solve (CP-SAT when the LP is
    not integral). A unit where nobody could use another place (everyone eligible placed from
    day 0) is worth 0 without a solve. The units are split in ``Strategi.marginal_traader`` parts run in
    threads, each with its own LP."""
    sak = losning.sak
    har = plassert(losning)
    for gruppe in koblede_familier(sak, losning.parametre.strategi.rekkefolge):
        gruppe = tuple(f for f in gruppe if f in losning.delproblemer)
        if not gruppe or not any(losning.delproblemer[f].enheter for f in gruppe):
            continue
        # Families coupled by released places are one model (``koblede``): one more place in
        # langtid that frees a korttid bed is valued in both, as a re-solve of the case would.
        fam: Familie | tuple[Familie, ...] = gruppe[0] if len(gruppe) == 1 else gruppe
        # Candidates as if every unit had one more place: a family whose units are all full
        # has no candidates in the solve (a full KØH/ØHD unit) but may have some here.
        dp = bygg_delproblem(sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, kandidat_kapasitet=1)
        if not dp.sokere:
            for u in dp.enheter:
                losning.marginalverdi[u] = 0
            continue
        mm = bygg_modell(dp)
        # Built once here; the threads only read them.
        mm.csr()
        mm.rad_av()
        mm.grenser()
        base = sum(losning.familier[f].nivaaer[0].verdi for f in gruppe)
        rader: dict[str, list[tuple[int, int]]] = {}
        for r, art in enumerate(mm.art):
            if art.startswith("kapasitet:"):
                _, u, d = art.split(":")
                rader.setdefault(u, []).append((r, int(d)))
        medlemmer: dict[int, set[str]] = defaultdict(set)
        for k in dp.kandidater:
            if k.klasse is not None:
                medlemmer[k.klasse].add(k.personer[0])
        aktuelle: list[str] = []
        for u in dp.enheter:
            brukere = {s for i in dp.per_enhet.get(u, []) for s in dp.kandidater[i].personer}
            for kl in dp.klasser:
                if u in kl.enheter:
                    brukere |= medlemmer[kl.id]
            if any(s not in har or har[s].kandidat.start > 0 for s in brukere):
                aktuelle.append(u)
            else:
                _sjekk_avbrudd(fremdrift)
                if fremdrift is not None:
                    fremdrift.tillegg_startet("marginalverdi")
                losning.marginalverdi[u] = 0

        if not aktuelle:
            continue
        # Every unit's re-solve starts from the optimal basis of the real capacities: it then
        # only has to absorb its own unit's «+1» (measured 8× fewer simplex iterations on
        # Sandefjord than re-solving from the previous unit's basis).
        lp0 = Lp(mm, mm.nivaa[0])
        r0 = lp0.loes()
        basis = lp0.basis() if r0.status == "OPTIMAL" else None
        try:  # most units' «+1» is read off this basis without a re-solve (see Basisforskyvning)
            forskyvning = Basisforskyvning(lp0, r0, basis, dual_fra_rader=losning.parametre.strategi.dual_fra_rader)
        except (ValueError, RuntimeError):  # no integral optimum, or a singular block
            forskyvning = None
        kjor_del = partial(
            _marginal_del,
            losning,
            ekstra_ledig,
            fremdrift,
            fam,
            dp,
            mm,
            rader,
            base=base,
            har=har,
            basis=basis,
            lp0=lp0,
            lp0_for=aktuelle[0],
            forskyvning=forskyvning,
        )
        for u, verdi, nye_pl in sorted(
            _i_deler(kjor_del, aktuelle, losning.parametre.traader, losning.parametre.strategi.marginal_traader),
            key=lambda r: r[0],
        ):
            losning.marginalverdi[u] = verdi
            if nye_pl:
                losning.ekstra_plass_gir[u] = nye_pl


def _marginal_del(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    fam: Familie | tuple[Familie, ...],
    dp: Delproblem,
    mm: Matrisemodell,
    rader: dict[str, list[tuple[int, int]]],
    enheter: list[str],
    base: int,
    har: dict[str, Plassering],
    basis: Any = None,
    lp0: Lp | None = None,
    lp0_for: str | None = None,
    forskyvning: Basisforskyvning | None = None,
) -> list[tuple[str, int, list[str]]]:
    """Marginal values of some units of one family: read off the base basis when it stays
    optimal (``forskyvning``), else re-solved in turn on one LP of their own (``lp0`` for the
    part that starts with unit ``lp0_for``, created when first needed), each from ``basis``.
    Returns (unit, value, the waiting søkere one more place would place) per unit."""
    l1 = mm.nivaa[0]
    lp: Lp | None = lp0 if lp0 is not None and enheter and enheter[0] == lp0_for else None
    nk = len(dp.kandidater)
    ut: list[tuple[str, int, list[str]]] = []
    for u in enheter:
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("marginalverdi")
        rr = np.array([r for r, _ in rader.get(u, [])], dtype=np.int64)
        nye = _hevet_kapasitet(mm, dp, u, rader.get(u, []))
        x = forskyvning.flytt(rr, nye) if forskyvning is not None else None
        if x is None:
            if lp is None:
                lp = Lp(mm, l1)
            gamle = lp.hi[rr].copy()
            if basis is not None:
                lp.sett_basis(basis)
            if rr.size:
                lp.sett_radgrense(rr, nye)
            r1 = lp.loes()
            godtatt = (  # checked against the raised rows, before they are put back
                r1.status == "OPTIMAL"
                and r1.heltallig
                and np.floor(r1.grense + 1e-6) <= heltall_verdi(l1, r1.x)
                and gjennomforbar(mm, r1.x, lo=lp.lo, hi=lp.hi)
            )
            if rr.size:
                lp.sett_radgrense(rr, gamle)
            x = r1.x if godtatt else None
        if x is not None:
            ny_verdi = heltall_verdi(l1, x)
            nye_pl = {s for i in np.flatnonzero(x[:nk] > 0.5) for s in dp.kandidater[i].personer} - set(har)
        else:
            dp1 = bygg_delproblem(
                losning.sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, ekstra_kapasitet={u: 1}
            )
            fl = loes_familie(dp1, losning.parametre, bare_nivaa1=True, fremdrift=fremdrift)
            if fl.status not in ("OPTIMAL", "FEASIBLE"):
                ut.append((u, 0, []))
                continue
            ny_verdi = fl.nivaaer[0].verdi
            nye_pl = {s for p in fl.plasseringer for s in p.kandidat.personer} - set(har)
        ut.append((u, max(0, ny_verdi - base), sorted(nye_pl) if ny_verdi > base else []))
    return ut


def _hevet_kapasitet(mm: Matrisemodell, dp: Delproblem, u: str, rader: list[tuple[int, int]]) -> np.ndarray:
    """Upper bounds of unit u's capacity rows with one more place: as the model builds them
    (``modell.kapasitet_per_enhet_og_dag``) with free places + 1 — the free count itself when
    the row also holds releases (negative terms), else at least 0."""
    if not rader:
        return np.zeros(0)
    indptr, _, data = mm.csr()
    ut = []
    for r, d in rader:
        fri = dp.ledig[u][d] + 1
        ut.append(fri if np.any(data[indptr[r] : indptr[r + 1]] < 0) else max(0, fri))
    return np.asarray(ut, dtype=np.float64)
