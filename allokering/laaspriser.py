"""The price of every lock from the allocation meeting: what it costs at level 1.

For lock L on søker s: the price is the level-1 value of s's family solved without L minus the
value with every lock (the engine's solve). It is proven like any solve (certified bound, CP-SAT
if needed). When the price is above 0, the søkere (other than the lock's own) whom the plan
without the lock places and the plan with it does not are the lock's «fortrengte». A lock that
costs nothing displaces nobody: a plan without it that differs is only another equally good
plan (which one is not fixed unless likebehandling is on).

Scope: the price is taken over the lock's group of families (``kandidater.koblede_familier``):
a lock in langtid that changes which korttid beds are freed is priced with its effect on
korttid (the group is one joint model). No other family can change, so this is the price over
the whole case.
"""

from __future__ import annotations

from functools import partial

from allokering.familieloser import loes_familie
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import Plassering, bygg_delproblem, koblede_familier, saksindeks
from allokering.marginalverdier import _i_deler
from allokering.resultat import Laaspris, Losning, plassert


def laaspriser(losning: Losning, ekstra_ledig: dict[str, list[int]], fremdrift: Fremdrift | None = None) -> None:
    """Fill ``losning.laaspriser``: one ``Laaspris`` per lock, in the order of ``sak.laaser``.
    The locks are re-solved in fixed parts over threads like the marginal values
    (``marginalverdier._i_deler``), so the result does not depend on the thread count."""
    sak = losning.sak
    if not sak.laaser:
        return
    arbeid = partial(_del, losning, ekstra_ledig, fremdrift, plassert(losning))
    p = losning.parametre
    priser = _i_deler(arbeid, list(range(len(sak.laaser))), p.traader, p.strategi.marginal_traader)
    losning.laaspriser.extend(sorted((lp for lp in priser if lp is not None), key=lambda lp: lp.nr))


def _del(
    losning: Losning,
    ekstra_ledig: dict[str, list[int]],
    fremdrift: Fremdrift | None,
    har: dict[str, Plassering],
    nummer: list[int],
) -> list[Laaspris | None]:
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
        uten = {s for pl in fl.plasseringer for s in pl.kandidat.personer}
        fortrengt = tuple(sorted(s for s in uten if s not in har and s != laas.soker_id)) if pris else ()
        bevist = fl.status == "OPTIMAL" and med_bevist
        ut.append(Laaspris(nr, laas.soker_id, pris, bevist, fortrengt))
    return ut
