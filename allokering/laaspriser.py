"""The price of every lock from the allocation meeting: what it costs at level 1.

For lock L on søker s: the price is the level-1 value of s's group of families solved without L
minus the value with every lock (the engine's solve). It is proven like any solve (certified bound, CP-SAT
if needed). When the price is above 0, the søkere (other than the lock's own) whom the plan
without the lock places and the plan with it does not are the lock's «fortrengte». A lock that
costs nothing displaces nobody: a plan without it that differs is only another equally good
plan.

**Which plan without the lock.** The price is unique, but several plans without the lock are often
equally good, and each may leave out other søkere. The list is therefore read from the canonical
plan without the lock (``_kanonisk_uten``): the plan the engine itself gives the case without this
lock — the same routes as ``loes`` (one family: ``familieloser.loes_familie``; coupled families:
``koblede.loes_koblet``), all four levels, then the unique plan of likebehandling
(``likebehandling.kanoniser`` through ``loes_familie``). So the fortrengte are exactly the søkere
a saksbehandler would see placed after removing the lock and solving again, and they do not
depend on the LP route, the candidate order or the input order (``Laaspris.kanonisk`` is True,
as it is for a lock that costs nothing).
That costs one more solve of the group per lock with a price above 0, made only where the
engine's own plan is canonical (every family of the group within ``Strategi.likebehandling_til``,
likebehandling on). Elsewhere (oslo-stress size) the list comes from the level-1 optimal plan the
price was proven with (``Laaspris.kanonisk`` is False): these søkere are placed by *one* plan that
is best on level 1 without the lock, which is deterministic for the same case and version, but
another equally good plan without the lock could displace other søkere instead.

Fewer solves than locks, with the same prices (``_varmt``). Per group of families (one family,
or the joint model of coupled families), one model is built
without any of its locks, with the locked søkere given one candidate per unit. Each lock is then a
set of column bounds (candidates outside a «tildel» unit or in an «ikke_tildel» unit at 0) and,
for «tildel», a row «placed exactly once» — the same restrictions the model built with the lock
has. The level-1 LP of that model is solved once with every lock, which must give the engine's
value, and then once per lock with the bounds of the other locks, each warm-started in HiGHS from
the basis before (a few dual simplex pivots instead of building and solving a model). A price
counts only when that LP's vertex is integral, satisfies every row and bound, and the certified
bound (``lp``) is within 1 of it: then it is the level-1 optimum without the lock, exactly as a
re-solve would give. Any other lock is re-solved as before (``_del``). A test compares every
price with a full re-solve of the case without the lock.

Scope: the price is taken over the lock's group of families (``kandidater.koblede_familier``):
a lock in langtid that changes which korttid beds are freed is priced with its effect on
korttid (the group is one joint model). No other family can change, so this is the price over
the whole case.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from allokering.familieloser import loes_familie
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import SOLVE_ORDER, Delproblem, Plassering, bygg_delproblem, koblede_familier, saksindeks
from allokering.koblede import loes_koblet
from allokering.lp import INF, Lp, heltall_verdi
from allokering.marginalverdier import _i_deler
from allokering.modell import bygg_modell, gjennomforbar
from allokering.resultat import Familieloesning, Laaspris, Losning, plassert
from modeller.kodeverk import Familie, Laastype
from modeller.sak import Laas


def laaspriser(losning: Losning, ekstra_ledig: dict[str, list[int]], fremdrift: Fremdrift | None = None) -> None:
    """Fill ``losning.laaspriser``: one ``Laaspris`` per lock, in the order of ``sak.laaser``.
    The groups of families, then the locks left, are split in fixed parts over threads like the
    marginal values (``marginalverdier._i_deler``), so the result does not depend on the thread count."""
    sak = losning.sak
    if not sak.laaser:
        return
    ix = saksindeks(sak)
    p = losning.parametre
    grupper = koblede_familier(sak, p.strategi.rekkefolge)
    per_gruppe: dict[tuple[Familie, ...], list[int]] = {}
    for nr, laas in enumerate(sak.laaser):
        soker = ix.soker.get(laas.soker_id)
        fam = soker.soknad.tjeneste.familie if soker is not None else None
        if fam is not None and fam in losning.familier and losning.familier[fam].nivaaer:
            per_gruppe.setdefault(next(g for g in grupper if fam in g), []).append(nr)
    har = plassert(losning)
    rekke = sorted(per_gruppe, key=lambda g: SOLVE_ORDER.index(g[0]))
    varme = partial(_varmt, losning, ekstra_ledig, fremdrift, per_gruppe, har)
    priser = [lp for lp in _i_deler(varme, rekke, p.traader, p.strategi.marginal_traader) if lp.pris is not None]
    ferdig = {lp.nr for lp in priser}
    igjen = [nr for g in rekke for nr in per_gruppe[g] if nr not in ferdig]
    if igjen:
        arbeid = partial(_del, losning, ekstra_ledig, fremdrift, har)
        priser.extend(lp for lp in _i_deler(arbeid, igjen, p.traader, p.strategi.marginal_traader) if lp is not None)
    losning.laaspriser.extend(sorted(priser, key=lambda lp: lp.nr))
    saksindeks(sak)  # the case's own index back in the one-entry cache (``_kanonisk_uten`` may replace it)


def _varmt(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    per_gruppe: dict[tuple[Familie, ...], list[int]],
    har: dict[str, Plassering],
    grupper: list[tuple[Familie, ...]],
) -> list[Laaspris]:
    """The prices proven by the warm-started LP of each group of families (one family, or the
    joint model of coupled families; see the module docstring); a lock missing from the answer
    is re-solved by ``_del``."""
    sak = losning.sak
    ut: list[Laaspris] = []
    for gruppe in grupper:
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("laaspris")
        med_verdi = sum(losning.familier[f].nivaaer[0].verdi for f in gruppe if losning.familier[f].nivaaer)
        if not all(losning.familier[f].nivaaer[0].bevist for f in gruppe if losning.familier[f].nivaaer):
            continue
        nrs = per_gruppe[gruppe]
        laaser = {nr: sak.laaser[nr] for nr in nrs}
        sokere = sorted({la.soker_id for la in laaser.values()})
        dp = bygg_delproblem(
            sak,
            gruppe if len(gruppe) > 1 else gruppe[0],
            losning.kvalifisering,
            losning.prioritet,
            ekstra_ledig,
            utelat_laas=frozenset(nrs),
            eksplisitte=frozenset(sokere),
        )
        lm = _Laasmodell(dp, laaser)
        alle = lm.los(nrs)
        if alle is None or alle[0] != med_verdi:
            continue  # not the engine's value: these locks are re-solved one by one
        for nr in nrs:
            _sjekk_avbrudd(fremdrift)
            uten = lm.los([n for n in nrs if n != nr])
            if uten is not None and uten[0] >= med_verdi:
                pris = uten[0] - med_verdi
                kanonisk = _kanonisk_uten(losning, ekstra_ledig, fremdrift, gruppe, nr, uten[0]) if pris else None
                plan = kanonisk if kanonisk is not None else dp.dekomponer(uten[1])
                ut.append(_pris(nr, laaser[nr], pris, True, plan, har, kanonisk is not None))
    return ut


def _kanonisk_uten(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    gruppe: tuple[Familie, ...],
    nr: int,
    verdi_uten: int,
) -> list[Plassering] | None:
    """The canonical plan of the lock's group of families without lock ``nr`` (module docstring):
    the engine's own plan for the case without the lock, by the routes of ``loes``. None when
    likebehandling is off, when the engine's plan of the group is not canonical (a family above
    ``Strategi.likebehandling_til``: the plan without the lock would not be either, and the solve is
    not made), or when the plan found is not canonical in every family or not at level 1
    ``verdi_uten`` (the proven value without the lock; e.g. a time limit)."""
    p = losning.parametre
    if not p.likebehandling or not all(losning.familier[f].kanonisk for f in gruppe if f in losning.familier):
        return None
    sak = losning.sak
    kval, prio = losning.kvalifisering, losning.prioritet

    def loes_en(dp: Delproblem, _egen: bool) -> Familieloesning:
        return loes_familie(dp, p, fremdrift=fremdrift)

    if len(gruppe) == 1:
        dp = bygg_delproblem(sak, gruppe[0], kval, prio, ekstra_ledig, utelat_laas=nr)
        fls = [loes_en(dp, True)]
    else:
        # The coupled families by the engine's own route (certificate or joint model), on the case
        # without the lock.
        uten = sak.model_copy(update={"laaser": sak.laaser[:nr] + sak.laaser[nr + 1 :]})
        fls = list(loes_koblet(uten, gruppe, kval, prio, p, loes_en)[1].values())
    if not all(fl.status == "OPTIMAL" and fl.kanonisk and fl.nivaaer for fl in fls):
        return None
    if sum(fl.nivaaer[0].verdi for fl in fls) != verdi_uten:
        return None
    return [pl for fl in fls for pl in fl.plasseringer]


class _Laasmodell:
    """A family's model without its locks (the locked søkere with one candidate per unit) and its
    level-1 LP in HiGHS, in which any subset of the locks is set as bounds."""

    def __init__(self, dp: Delproblem, laaser: dict[int, Laas]):
        self.dp = dp
        self.laaser = laaser
        self.sokere = sorted({la.soker_id for la in laaser.values()})
        self.mm = mm = bygg_modell(dp)
        # A søker's own candidates (a couple's joint candidate is not restricted by a lock, as in
        # ``bygg_delproblem``), and a row «placed at most once», raised to «exactly once» by «tildel».
        self.enkle = {
            s: np.asarray([j for j in dp.per_soker.get(s, []) if dp.kandidater[j].personer == (s,)], dtype=np.int64)
            for s in self.sokere
        }
        self.rad = {}
        for s in self.sokere:
            idx = dp.per_soker.get(s, [])
            self.rad[s] = mm.rad(idx, [1] * len(idx), -INF, 1, f"laas:{s}")
        self.lp = Lp(mm, mm.nivaa[0].astype(np.float64))
        self.xl0, self.xu0 = self.lp.xl.copy(), self.lp.xu.copy()

    def sett(self, aktive: list[int]) -> None:
        """The bounds of the locks ``aktive`` (numbers in ``sak.laaser``), and no other."""
        for s in self.sokere:
            egne = [self.laaser[nr] for nr in aktive if self.laaser[nr].soker_id == s]
            tildel = [la.enhet_id for la in egne if la.type == Laastype.TILDEL]
            ikke = {la.enhet_id for la in egne if la.type == Laastype.IKKE_TILDEL}
            kol = self.enkle[s]
            xu = self.xu0[kol].copy()
            for i, j in enumerate(kol):
                u = self.dp.kandidater[j].enhet
                if None in ikke or u in ikke or (tildel and u != tildel[-1]):
                    xu[i] = 0.0
            self.lp.sett_kolonner(kol, self.xl0[kol], xu)
            self.lp.sett_rad(self.rad[s], 1.0 if tildel else -INF, 1.0)

    def los(self, aktive: list[int]) -> tuple[int, np.ndarray] | None:
        """The proven level-1 optimum and plan with the locks ``aktive``, or None when the LP does
        not prove it (integral vertex within every row and bound, certified bound within 1)."""
        self.sett(aktive)
        lp = self.lp
        r = lp.loes()
        if r.status != "OPTIMAL" or not r.heltallig:
            return None
        x = r.x
        if np.any(x < lp.xl - 1e-9) or np.any(x > lp.xu + 1e-9) or not gjennomforbar(self.mm, x, lp.lo, lp.hi):
            return None
        v = heltall_verdi(self.mm.nivaa[0], x)
        return (v, x) if np.floor(r.grense + 1e-6) <= v else None


def _holder(laas: Laas, plan: dict[str, Plassering]) -> bool:
    """Whether a plan (søker → placement) keeps the lock."""
    pl = plan.get(laas.soker_id)
    if laas.type == Laastype.TILDEL:
        return pl is not None and pl.enhet == laas.enhet_id
    if laas.enhet_id is None:
        return pl is None
    return pl is None or pl.enhet != laas.enhet_id


def _pris(
    nr: int,
    laas: Laas,
    pris: int,
    bevist: bool,
    uten: list[Plassering],
    har: dict[str, Plassering],
    kanonisk: bool = False,
) -> Laaspris:
    """The lock's price, with the søkere the plan ``uten`` (without the lock) places and the
    engine's plan does not (only when the price is above 0); ``kanonisk``: ``uten`` is the
    canonical plan without the lock (``_kanonisk_uten``)."""
    if not pris:  # a lock that costs nothing displaces nobody: the list is the same for every plan
        return Laaspris(nr, laas.soker_id, pris, bevist, (), True)
    plassert_uten = {s for pl in uten for s in pl.kandidat.personer}
    fortrengt = tuple(sorted(s for s in plassert_uten if s not in har and s != laas.soker_id))
    return Laaspris(nr, laas.soker_id, pris, bevist, fortrengt, kanonisk)


def _del(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    har: dict[str, Plassering],
    nummer: list[int],
) -> list[Laaspris | None]:
    """The locks whose price needs a solve of their family without that lock alone."""
    sak = losning.sak
    ix = saksindeks(sak)
    p = losning.parametre
    ut: list[Laaspris | None] = []
    for nr in nummer:
        laas = sak.laaser[nr]
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("laaspris")
        soker = ix.soker.get(laas.soker_id)
        fam = soker.soknad.tjeneste.familie if soker is not None else None
        if fam is None or fam not in losning.familier or not losning.familier[fam].nivaaer:
            ut.append(None)
            continue
        gruppe = next(g for g in koblede_familier(sak, p.strategi.rekkefolge) if fam in g)
        med_verdi = sum(losning.familier[f].nivaaer[0].verdi for f in gruppe)
        med_bevist = all(losning.familier[f].nivaaer[0].bevist for f in gruppe)
        hva = gruppe if len(gruppe) > 1 else fam
        dp = bygg_delproblem(sak, hva, losning.kvalifisering, losning.prioritet, ekstra_ledig, utelat_laas=nr)
        fl = loes_familie(dp, p, bare_nivaa1=True, fremdrift=fremdrift)
        if fl.status not in ("OPTIMAL", "FEASIBLE") or not fl.nivaaer:
            ut.append(Laaspris(nr, laas.soker_id, None, False, ()))
            continue
        pris = max(0, fl.nivaaer[0].verdi - med_verdi)
        bevist = fl.status == "OPTIMAL" and med_bevist
        kanonisk = (
            _kanonisk_uten(losning, ekstra_ledig, fremdrift, gruppe, nr, fl.nivaaer[0].verdi)
            if pris and bevist
            else None
        )
        plan = kanonisk if kanonisk is not None else fl.plasseringer
        ut.append(_pris(nr, laas, pris, bevist, plan, har, kanonisk is not None))
    return ut
