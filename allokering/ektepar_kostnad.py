"""What keeping a split couple together would have cost others at level 1, per couple."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from allokering.familieloser import _sikt, loes_familie
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import Delproblem, Ektepar, bygg_delproblem, koblede_familier
from allokering.lp import Lp, heltall_verdi, lag_basis
from allokering.marginalverdier import _i_deler
from allokering.modell import INF, Matrisemodell, bygg_modell, gjennomforbar
from allokering.resultat import Losning, plassert


def _ektepar_kostnad(losning: Losning, fremdrift: Fremdrift | None = None) -> None:
    """For every couple split although both qualify and wish to live together: what keeping
    them together would have cost others at level 1 (None: impossible). One level-1 LP per
    family; each couple switches on its «together» row and re-solves warm, proven by the
    certified bound like any solve (CP-SAT with the couple forced when the LP is fractional).
    The couples are re-solved in threads like the marginal values (``_i_deler``)."""
    har = plassert(losning)
    for fam, dp in losning.delproblemer.items():
        delt = []
        for par in dp.ektepar:
            pa, pb = har.get(par.a), har.get(par.b)
            if pa is None and pb is None:
                continue
            if pa is not None and pb is not None and dp.institusjon[pa.enhet] == dp.institusjon[pb.enhet]:
                continue
            delt.append(par)
        if not delt:
            continue
        gruppe = next(g for g in koblede_familier(losning.sak, losning.parametre.strategi.rekkefolge) if fam in g)
        g = losning.grunnlag.get(fam) if len(gruppe) == 1 else None
        base = sum(losning.familier[f].nivaaer[0].verdi for f in gruppe)
        if len(gruppe) > 1:
            # Coupled families (``koblede``): the cost over the group's joint model, as over the
            # whole case (keeping a couple together may free other korttid beds).
            dp = bygg_delproblem(losning.sak, gruppe, losning.kvalifisering, losning.prioritet)
        # The family's own model (no couple forced) when the solve kept it, with its LP basis.
        mm = g.mm if g is not None else bygg_modell(dp)
        # Built once here; the threads only read them.
        mm.csr()
        mm.rad_av()
        mm.grenser()
        start = lag_basis(g.kol, g.rad) if g is not None else None
        arbeid = partial(_ektepar_del, losning, fremdrift, dp, mm, base, start)
        kost = dict(_i_deler(arbeid, delt, losning.parametre.traader, losning.parametre.strategi.marginal_traader))
        for par in delt:
            losning.ektepar_kostnad[(par.a, par.b)] = kost[par]


def _ektepar_del(
    losning: Losning,
    fremdrift: Fremdrift | None,
    dp: Delproblem,
    mm: Matrisemodell,
    base: int,
    start: Any,
    delt: list[Ektepar],
) -> list[tuple[Ektepar, int | None]]:
    """Couple costs of some split couples of one family, re-solved in turn on one LP of their
    own. With ``start`` (the basis of the family's solve) the LP is solved whole from it first,
    and every couple's re-solve starts from that optimum; without, by sifting from scratch and
    each from the previous couple's basis."""
    l1 = mm.nivaa[0]
    lp = Lp(
        mm,
        l1,
        startkolonner=None if start is not None else _sikt(mm, losning.parametre),
        sikt_andel=losning.parametre.strategi.sikt_andel,
    )
    basis = None
    if start is not None:
        lp.sett_basis(start)
        if lp.loes().status == "OPTIMAL":
            basis = lp.basis()
    ut: list[tuple[Ektepar, int | None]] = []
    for par in delt:
        if basis is not None:
            lp.sett_basis(basis)
        _sjekk_avbrudd(fremdrift)
        if fremdrift is not None:
            fremdrift.tillegg_startet("ektepar")
        rad = mm.tving_rad[(par.a, par.b)]
        lp.sett_rad(rad, 1, 1)
        r = lp.loes()
        godtatt = (  # checked with the couple's row forced, before it is released
            r.status == "OPTIMAL"
            and r.heltallig
            and np.floor(r.grense + 1e-6) <= heltall_verdi(l1, r.x)
            and gjennomforbar(mm, r.x, lo=lp.lo, hi=lp.hi)
        )
        lp.sett_rad(rad, -INF, INF)
        if r.status == "INFEASIBLE":
            ut.append((par, None))
        elif godtatt:
            ut.append((par, base - heltall_verdi(l1, r.x)))
        else:
            fl = loes_familie(
                dp, losning.parametre, tving_sammen=frozenset({(par.a, par.b)}), bare_nivaa1=True, fremdrift=fremdrift
            )
            ok = fl.status in ("OPTIMAL", "FEASIBLE") and fl.nivaaer
            ut.append((par, base - fl.nivaaer[0].verdi if ok else None))
    return ut
