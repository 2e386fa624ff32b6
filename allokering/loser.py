"""Solve a case: eligibility → priority → one model per place family → lexicographic levels →
result with status, objective per level, best bound and gap.

Modules: ``familieloser`` (one family: routes and likebehandling), ``marginalverdier``,
``ektepar_kostnad``, ``laaser`` (locks against the rules, conflicting locks), ``fremdrift``
(observer and stop), ``resultat`` (parameters and results), ``strategi`` (thresholds between
the exact routes). This module runs a case through them.

Families are independent except for places freed by placements in another family (a korttid
bed left for langtid): such families are one group, solved to the whole case's lexicographic
optimum (``koblede``: in release order with a certificate, else one joint model), so no order
of the families changes the result. A level with no terms (no couples, preferences, movers)
reports 0.


Determinism: with ``deterministisk=True`` (the default) CP-SAT runs one worker with a fixed
seed, HiGHS runs single-threaded with a fixed seed, and the input is put in canonical order
(søkere and units sorted by id), so the same input and seed give the same result on the same
machine whatever the order of the input rows. With several CP-SAT workers the *objective* of a
proven optimum is the same, but which of several equally good solutions is returned may vary.
The marginal values and couple costs are re-solved in ``Loserparametre.traader`` threads over a
fixed split of the units and couples (``_i_deler``), so the thread count changes nothing.
"""

from __future__ import annotations

import time

from allokering.ektepar_kostnad import _ektepar_kostnad
from allokering.familieloser import loes_familie
from allokering.fremdrift import Avbrutt, Fremdrift, _sjekk_avbrudd
from allokering.kandidater import SOLVE_ORDER, Delproblem, bygg_delproblem, koblede_familier
from allokering.koblede import loes_koblet
from allokering.laaser import Laaskonflikt, Ugyldiglaas, _diagnoser_laaser, _sjekk_laaser_mot_regler
from allokering.laaspriser import laaspriser
from allokering.marginalverdier import _marginalverdier
from allokering.modell import gjennomforbar
from allokering.prioritet import prioriter_alle
from allokering.regler import kvalifiser_alle
from allokering.resultat import (
    Delproblemer,
    Delproblemkilde,
    Familieloesning,
    Familieresultat,
    Loserparametre,
    Losning,
    Lpgrunnlag,
    Nivaaresultat,
    plassert,
)
from allokering.strategi import Strategi
from modeller.kodeverk import Familie
from modeller.minne import faerre_gc_runder
from modeller.sak import Sak

__all__ = [
    "Avbrutt",
    "Familieloesning",
    "Familieresultat",
    "Fremdrift",
    "Laaskonflikt",
    "Loserparametre",
    "Losning",
    "Lpgrunnlag",
    "Nivaaresultat",
    "Strategi",
    "Ugyldiglaas",
    "gjennomforbar",
    "loes",
    "loes_familie",
    "plassert",
]


def loes(sak: Sak, parametre: Loserparametre | None = None, fremdrift: Fremdrift | None = None) -> Losning:
    """Solve a case. Raises Laaskonflikt or Ugyldiglaas when the locks cannot hold, and
    Avbrutt when ``fremdrift`` asks to stop."""
    with faerre_gc_runder():
        return _loes(sak, parametre, fremdrift)


def _loes(sak: Sak, parametre: Loserparametre | None, fremdrift: Fremdrift | None) -> Losning:
    p = parametre or Loserparametre()
    t0 = time.perf_counter()
    with p.strategi.maal("kvalifisering"):
        kval = kvalifiser_alle(sak)
    with p.strategi.maal("prioritet"):
        prio = prioriter_alle(sak)
    _sjekk_laaser_mot_regler(sak, kval)
    familier: dict[Familie, Familieresultat] = {}
    delproblemer = Delproblemer()
    grunnlag: dict[Familie, Lpgrunnlag] = {}

    def loes_en(dp: Delproblem, egen: bool) -> Familieloesning:
        """One family's (or a joint group's) model, solved; its LP basis kept for the couple
        costs when it is the family's own model. Raises when the locks cannot hold."""
        _sjekk_avbrudd(fremdrift)
        fam = dp.familie
        fangst: list[Lpgrunnlag] | None = [] if egen and p.ektepar_kostnad and dp.ektepar else None
        with p.strategi.maal(f"familie:{fam.value}"):
            fl = loes_familie(dp, p, fremdrift=fremdrift, fangst=fangst)
        if fangst:
            grunnlag[fam] = fangst[-1]
        if fl.status == "INFEASIBLE":
            konflikt = _diagnoser_laaser(dp, p)
            tekst = ", ".join(f"«{s}» → «{u}»" for s, u in konflikt)
            raise Laaskonflikt(
                fam,
                konflikt,
                f"Låsene for {fam.value} kan ikke oppfylles samtidig (for få ledige plasser): {tekst}",
            )
        if fl.status == "UNKNOWN":
            raise RuntimeError(f"Fant ingen løsning for {fam.value} innen tidsgrensen på {p.tidsgrense_s} s")
        return fl

    # Groups of families coupled by released places (``koblede``); groups share nothing.
    for gruppe in koblede_familier(sak, p.strategi.rekkefolge):
        if len(gruppe) == 1:
            fam = gruppe[0]
            t = time.perf_counter()
            with p.strategi.maal("delproblem"):
                dp = bygg_delproblem(sak, fam, kval, prio)
            dps: dict[Familie, Delproblemkilde] = {fam: dp}
            fls, sek = {fam: loes_en(dp, True)}, {fam: time.perf_counter() - t}
        else:
            dps, fls, sek, _ = loes_koblet(sak, gruppe, kval, prio, p, loes_en)
            for fam in gruppe:
                if fls[fam].metode.startswith("samlet") or fls[fam].x is None:
                    grunnlag.pop(fam, None)  # the basis kept is not of this family's own model
        for fam in gruppe:
            fl = fls[fam]
            delproblemer.sett(fam, dps[fam])
            familier[fam] = Familieresultat(
                fam,
                fl.status,
                fl.nivaaer,
                sek[fam],
                fl.kandidater if fl.kandidater is not None else len(delproblemer[fam].kandidater),
                fl.plasseringer,
                fl.metode,
                fl.kanonisk,
            )
            if fremdrift is not None:
                fremdrift.familie_ferdig(fam, fl.status, fl.nivaaer)
    # In the canonical order, whatever order the groups were solved in.
    familier = {f: familier[f] for f in SOLVE_ORDER if f in familier}
    delproblemer = delproblemer.ordnet(SOLVE_ORDER)
    ekstra_ledig: dict[str, list[int]] = {}  # no group frees places in another
    losning = Losning(sak, p, kval, prio, delproblemer, familier, 0.0, grunnlag=grunnlag)
    if fremdrift is not None:  # the proposal is final here; the analyses below only add figures
        fremdrift.forslag_klart(losning)
    if p.marginalverdier:
        with p.strategi.maal("marginalverdier"):
            _marginalverdier(losning, ekstra_ledig, fremdrift)
    if p.ektepar_kostnad:
        with p.strategi.maal("ektepar_kostnad"):
            _ektepar_kostnad(losning, fremdrift)
    if p.laaspriser:
        with p.strategi.maal("laaspriser"):
            laaspriser(losning, ekstra_ledig, fremdrift)
    losning.grunnlag = {}  # the models are not needed any more
    losning.sekunder = time.perf_counter() - t0
    return losning
