"""Families coupled by released places, solved as one: the whole case's optimum, not the
families' optima in an order.

The families share no capacity. They are coupled only where a søker with a current stay in a
unit of another family is placed: the stay ends and frees its place (a søker on a korttid stay
who gets langtid frees the korttid bed from the langtid start day). Solved one family after the
other, langtid would choose among its equally good plans without seeing the korttid beds each
one frees, and even a slightly worse langtid plan can free a bed worth more in korttid.

**The whole case's levels.** Level k of the case is the sum of level k over the families
(level 1 the priority-weighted placements of all families, level 2 couples together, level 3
preferred institutions, level 4 moves), and the case is optimised lexicographically on these
sums: the best level 1 of the whole case, then among those plans the best level 2, and so on.
Families with no release between them (``kandidater.koblede_familier``) are independent, so
the lexicographic optimum of their sum is each one's own optimum, whatever the order.

**Coupled families: exact decomposition with a certificate, joint model as fallback.**
``loes_koblet`` solves a group of coupled families (in release order: the family that frees
places first) and proves the result, or solves the group as one joint model:

1. Each family is solved in turn with the places the earlier ones' plans free (the engine's
   fast per-family routes: flow sifting for langtid and so on).
2. Scarcity check (cheap, made before step 1). A family that receives places and has no room for all even with
   the most places the others could free (the greedy «room for all» test, no LP) depends on
   which places are freed; the certificate below never held on such cases measured, so the
   group goes straight to step 4 (oslo-stress and most of the simulator's weeks). So does a group
   whose receiving family the greedy test cannot judge (couples, locks or movers in it: the
   bundled Sandefjord case, where trying step 1 first cost 0.1 s of a 0.29 s solve).
3. Certificate. Each family that receives places is solved with the *most* places the
   others could free (every søker who holds a place there placed on day 0,
   ``kandidater.mulig_frigjort``). More free places only relax a family, so its levels there
   bound what it can reach under any plan of the others, and the families before it are at
   their own lexicographic optimum. If that plan also fits the places the others' plans
   actually free (checked row by row, ``_passer``), every family reaches its bound, so no joint
   plan is better at any level (the sum of the bounds is reached level by level): the plan is a
   lexicographic optimum of the whole case, at the cost of one solve per family.
4. Otherwise the group is solved as one model (``bygg_delproblem`` with several families): a
   søker's current stay in another family's unit is a release in the capacity rows, exactly
   like a mover's within a family, and every route (LP proof, CP-SAT) solves it as any family
   (whole, without sifting). Its plan is split back into the families, each family's levels
   summed over its own columns. (Re-solving the receiving family with the places actually
   freed could reach the bound by another plan; this is tried only when the bound was proven
   by the cheap greedy route — room for all — since on the scarce cases measured it never
   reached the bound and the joint solve was needed anyway.)

Why not only the joint model: it costs more than the families alone (oslo-stress, where 132
søkere on korttid apply for langtid: the joint LP about 2–3 s against about 1 s for langtid
and 2 s for korttid), and in a week with room for all the certificate is enough. Why not only
the certificate: it fails whenever the places freed matter — on the bundled Sandefjord case the
joint optimum places less in langtid (−6 992) to free korttid beds worth more (+18 050), and on
oslo-stress −25 022 against +86 100 — and then only a joint solve is exact.

The result does not depend on the order of the families (``Strategi.rekkefolge``): groups are
independent, and within a group the order is the release order.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial

import numpy as np

from allokering.familieloser import _enkel, _uten_konkurranse_direkte
from allokering.kandidater import Delproblem, Plassering, bygg_delproblem, frigjort_etter, mulig_frigjort, saksindeks
from allokering.lp import heltall_verdi
from allokering.modell import NIVAER, Matrisemodell, bygg_modell
from allokering.prioritet import Prioritet
from allokering.regler import Kvalifisering, Utfall
from allokering.resultat import Delproblemkilde, Familieloesning, Loserparametre, Nivaaresultat
from modeller.kodeverk import Familie, Laastype
from modeller.sak import Sak

Loeser = Callable[[Delproblem, bool], Familieloesning]
"""Solves one model (a family or a joint group; True: the family's own model, whose LP basis
the couple costs may keep) and raises on infeasible or unknown."""


def loes_koblet(
    sak: Sak,
    gruppe: tuple[Familie, ...],
    kval: dict[str, Kvalifisering],
    prio: dict[str, Prioritet],
    p: Loserparametre,
    loes: Loeser,
) -> tuple[dict[Familie, Delproblemkilde], dict[Familie, Familieloesning], dict[Familie, float], str]:
    """Solve a group of coupled families (see the module docstring). Returns per family its
    model (with the places the final plan frees), its solution and seconds, and the route:
    «rekkefolge» (sequential, certified), «samlet» (joint model)."""
    ekstra: dict[str, list[int]] = {}
    dps: dict[Familie, Delproblemkilde] = {}
    fls: dict[Familie, Familieloesning] = {}
    sek: dict[Familie, float] = {}
    # Step 2 of the module docstring: scarcity first, before any family is solved.
    ix = saksindeks(sak)
    for fam in gruppe:
        maks = _mulig(sak, gruppe, fam, kval)
        if not maks:
            continue
        egne = {so.id for so in ix.sokere.get(fam, [])}
        if any(laas.type == Laastype.TILDEL and laas.soker_id in egne for laas in sak.laaser):
            # A «tildel» lock makes the family not ``_enkel`` (its model's ``laast_til``): known
            # without building the model (Sandefjord korttid: 6 ms).
            return _samlet(sak, gruppe, kval, prio, p, loes)
        with p.strategi.maal("delproblem"):
            dp_maks = bygg_delproblem(sak, fam, kval, prio, maks)
        if not _enkel(dp_maks):
            # The greedy test does not apply (couples, locks, movers): whether the freed places matter is
            # not known cheaply, and the certificate has not held on such groups measured (Sandefjord:
            # langtid and korttid solved one after the other, 0.1 s, before the joint model anyway).
            return _samlet(sak, gruppe, kval, prio, p, loes)
        with p.strategi.maal("gradig"):
            plass_til_alle = _uten_konkurranse_direkte(dp_maks, len(NIVAER))
        if plass_til_alle is None:
            return _samlet(sak, gruppe, kval, prio, p, loes)
    for fam in gruppe:
        t = time.perf_counter()
        maks = _mulig(sak, gruppe, fam, kval)
        dp = None
        if maks and maks != {u: ekstra[u] for u in maks if u in ekstra}:
            # The bound: this family with every place the others could free.
            with p.strategi.maal("delproblem"):
                dp_maks = bygg_delproblem(sak, fam, kval, prio, _pluss(ekstra, maks, fam, sak))
            fl_maks = loes(dp_maks, False)  # its own route (and likebehandling), not the check's plan
            with p.strategi.maal("delproblem"):
                dp = bygg_delproblem(sak, fam, kval, prio, ekstra)
            bevist = all(n.bevist for n in fl_maks.nivaaer)
            if bevist and _passer(dp_maks, fl_maks, dp):
                fl = _flytt(fl_maks)  # the bound's plan fits the places actually freed
            elif bevist and fl_maks.metode == "gradig":
                # Room for all with the most places freed (the greedy proof, cheap): another plan
                # may reach the same levels with the places actually freed, so try it first.
                fl = loes(dp, True)
                if [n.verdi for n in fl.nivaaer] != [n.verdi for n in fl_maks.nivaaer] or not all(
                    n.bevist for n in fl.nivaaer
                ):
                    return _samlet(sak, gruppe, kval, prio, p, loes)
            else:
                # The bound's plan needs places the others' plan does not free. Another plan of
                # this family might still reach the bound, but the joint model is needed whenever
                # none does (Sandefjord, oslo-stress), so it is solved at once.
                return _samlet(sak, gruppe, kval, prio, p, loes)
        else:
            with p.strategi.maal("delproblem"):
                dp = bygg_delproblem(sak, fam, kval, prio, ekstra)
            fl = loes(dp, True)
        dps[fam], fls[fam] = dp, fl
        sek[fam] = time.perf_counter() - t
        _legg_til(ekstra, frigjort_etter(sak, fam, fl.plasseringer), sak.horisont_dager)
    return dps, fls, sek, "rekkefolge"


def _kvalifiserte(sak: Sak, fam: Familie, kval: dict[str, Kvalifisering]) -> list[str]:
    """The søkere of a family who qualify (a superset of those with a candidate)."""
    return [
        so.id
        for so in saksindeks(sak).sokere.get(fam, [])
        if (kv := kval.get(so.id)) is not None and kv.utfall == Utfall.KVALIFISERT
    ]


def _mulig(sak: Sak, gruppe: tuple[Familie, ...], fam: Familie, kval: dict[str, Kvalifisering]) -> dict[str, list[int]]:
    i = gruppe.index(fam)
    return mulig_frigjort(sak, [s for f in gruppe[:i] for s in _kvalifiserte(sak, f, kval)], fam)


def _pluss(ekstra: dict[str, list[int]], maks: dict[str, list[int]], fam: Familie, sak: Sak) -> dict[str, list[int]]:
    """``ekstra`` with the family's own units raised to ``maks`` (the others' places stay)."""
    ut = {u: list(r) for u, r in ekstra.items()}
    for u, rad in maks.items():
        ut[u] = [max(a, b) for a, b in zip(ut.get(u, [0] * sak.horisont_dager), rad, strict=True)]
    return ut


def _legg_til(ekstra: dict[str, list[int]], frigjort: dict[str, list[int]], h: int) -> None:
    for u, rad in frigjort.items():
        eks = ekstra.setdefault(u, [0] * h)
        for d, v in enumerate(rad):
            eks[d] += v


def _belegg(dp: Delproblem, plasseringer: list[Plassering]) -> dict[str, np.ndarray]:
    """New stays minus released current stays per unit and day (the capacity rows' left side)."""
    h = dp.horisont
    ut: dict[str, np.ndarray] = {}
    start = {s: pl.kandidat.start for pl in plasseringer for s in pl.kandidat.personer}
    for pl in plasseringer:
        rad = ut.setdefault(pl.enhet, np.zeros(h, dtype=np.int64))
        for lo, hi in pl.kandidat.perioder:
            rad[lo : hi + 1] += pl.kandidat.bruk
    for f in dp.frigjoringer:
        if f.soker in start and start[f.soker] <= f.til_dag:
            rad = ut.setdefault(f.enhet, np.zeros(h, dtype=np.int64))
            rad[start[f.soker] : f.til_dag + 1] -= 1
    return ut


def _passer(dp_maks: Delproblem, fl_maks: Familieloesning, dp: Delproblem) -> bool:
    """Whether the plan found with the most places freed fits the places actually freed. The two
    models differ only in free places per unit and day (``ledig``; candidates and classes are
    built the same way), so the plan is checked against the capacity rows of ``dp``: new stays
    minus released current stays at most the free places on every day with either (stricter
    than the model on over-occupied days, never looser), and every stay a candidate of ``dp``."""
    for u, rad in _belegg(dp_maks, fl_maks.plasseringer).items():
        fri = np.asarray(dp.ledig[u], dtype=np.int64)
        if np.any(rad > fri):
            # Days with nothing new and nothing released hold whatever the free count is.
            ny = np.zeros_like(rad)
            for pl in fl_maks.plasseringer:
                if pl.enhet == u:
                    for lo, hi in pl.kandidat.perioder:
                        ny[lo : hi + 1] = 1
            if np.any((rad > fri) & ((ny > 0) | (rad != 0))):
                return False
    kjent = {(k.personer, k.enhet, k.start, k.klasse) for k in dp.kandidater}
    return all(
        (pl.kandidat.personer, pl.kandidat.enhet, pl.kandidat.start, pl.kandidat.klasse) in kjent
        for pl in fl_maks.plasseringer
    )


def _flytt(fl_maks: Familieloesning) -> Familieloesning:
    """The bound's plan as the family's solution: its levels and placements (no later step
    reads the solution vector or the model of a coupled family)."""
    return Familieloesning(
        fl_maks.status, fl_maks.nivaaer, fl_maks.plasseringer, fl_maks.metode, kanonisk=fl_maks.kanonisk
    )


def _samlet(
    sak: Sak,
    gruppe: tuple[Familie, ...],
    kval: dict[str, Kvalifisering],
    prio: dict[str, Prioritet],
    p: Loserparametre,
    loes: Loeser,
) -> tuple[dict[Familie, Delproblemkilde], dict[Familie, Familieloesning], dict[Familie, float], str]:
    """The group as one joint model, its plan split back into the families."""
    t = time.perf_counter()
    with p.strategi.maal("delproblem"):
        dpj = bygg_delproblem(sak, gruppe, kval, prio)
    flj = loes(dpj, False)
    mm = flj.mm if flj.mm is not None else (bygg_modell(dpj) if flj.x is not None else None)
    ix = saksindeks(sak)
    fam_av = {s: ix.soker[s].soknad.tjeneste.familie for s in dpj.sokere}
    per_fam = _nivaaer_per_familie(dpj, mm, flj, fam_av, gruppe)
    ekstra: dict[str, list[int]] = {}
    dps: dict[Familie, Delproblemkilde] = {}
    fls: dict[Familie, Familieloesning] = {}
    sek: dict[Familie, float] = {}
    sekunder = time.perf_counter() - t
    antall = Counter(fam_av[k.personer[0]] for k in dpj.kandidater)
    for fam in gruppe:
        pl = [x for x in flj.plasseringer if fam_av[x.kandidat.personer[0]] == fam]
        # The family's own model (with the places the plan frees before it) serves only the
        # explanations and analyses: built when first read (``resultat.Delproblemer``).
        dps[fam] = partial(bygg_delproblem, sak, fam, kval, prio, {u: list(r) for u, r in ekstra.items()})
        fls[fam] = Familieloesning(
            flj.status,
            per_fam[fam],
            pl,
            f"samlet:{flj.metode}",
            kanonisk=flj.kanonisk,
            kandidater=antall[fam],
        )
        sek[fam] = sekunder / len(gruppe)
        _legg_til(ekstra, frigjort_etter(sak, fam, pl), sak.horisont_dager)
    return dps, fls, sek, "samlet"


def _nivaaer_per_familie(
    dp: Delproblem,
    mm: Matrisemodell | None,
    fl: Familieloesning,
    fam_av: dict[str, Familie],
    gruppe: tuple[Familie, ...],
) -> dict[Familie, list[Nivaaresultat]]:
    """Each family's levels in the joint plan: the level coefficients of its own columns
    (candidates of its søkere and indicators of its couples; flows have no coefficients). A
    family's bound is its value when the joint solve is proven; otherwise the joint bound's
    slack is not split and every family reports its value with the joint proof status."""
    if fl.x is None or mm is None:
        return {f: list(fl.nivaaer) for f in gruppe}
    nk = len(dp.kandidater)
    ix_fam = {f: i for i, f in enumerate(gruppe)}
    kol = np.full(mm.n, -1, dtype=np.int64)
    for k in dp.kandidater:
        kol[k.idx] = ix_fam[fam_av[k.personer[0]]]
    for par in dp.ektepar:
        for j in range(nk + len(dp.strommer), mm.n):
            navn = mm.navn[j]
            if navn.startswith((f"sammen_{par.a}_{par.b}_", f"dobbeltrom_{par.a}_{par.b}_")):
                kol[j] = ix_fam[fam_av[par.a]]
    ut: dict[Familie, list[Nivaaresultat]] = {}
    for f, i in ix_fam.items():
        egen = kol == i
        verdier = [heltall_verdi(mm.nivaa[k][egen], fl.x[egen]) for k in range(len(NIVAER))]
        ut[f] = [
            Nivaaresultat(NIVAER[k], verdier[k], verdier[k], fl.nivaaer[k].bevist)
            for k in range(min(len(NIVAER), len(fl.nivaaer)))
        ]
    return ut
