"""The price of every lock from the allocation meeting: what it costs at level 1.

For lock L on søker s: the price is the level-1 value of s's family solved without L minus the
value with every lock (the engine's solve). It is proven like any solve (certified bound, CP-SAT
if needed). When the price is above 0, the søkere (other than the lock's own) whom the plan
without the lock places and the plan with it does not are the lock's «fortrengte». A lock that
costs nothing displaces nobody: a plan without it that differs is only another equally good
plan (which one is not fixed unless likebehandling is on).

Scope, stated plainly: the price is taken over the lock's own family, with the other
families' plans and the places they release held as solved. A lock in langtid or bolig can
change which korttid beds are released, and that effect on korttid is not in the price.
"""

from __future__ import annotations

from functools import partial

from allokering.familieloser import loes_familie
from allokering.fremdrift import Fremdrift, _sjekk_avbrudd
from allokering.kandidater import Plassering, bygg_delproblem, saksindeks
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
        med = losning.familier[fam]
        dp = bygg_delproblem(sak, fam, losning.kvalifisering, losning.prioritet, ekstra_ledig, utelat_laas=nr)
        fl = loes_familie(dp, p, bare_nivaa1=True, fremdrift=fremdrift)
        if fl.status not in ("OPTIMAL", "FEASIBLE") or not fl.nivaaer:
            ut.append(Laaspris(nr, laas.soker_id, None, False, ()))
            continue
        pris = max(0, fl.nivaaer[0].verdi - med.nivaaer[0].verdi)
        uten = {s for pl in fl.plasseringer for s in pl.kandidat.personer}
        fortrengt = tuple(sorted(s for s in uten if s not in har and s != laas.soker_id)) if pris else ()
        bevist = fl.status == "OPTIMAL" and med.nivaaer[0].bevist
        ut.append(Laaspris(nr, laas.soker_id, pris, bevist, fortrengt))
    return ut
