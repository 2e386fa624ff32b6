"""Two-phase delivery (issue 21): the engine hands over the proposal when the families are solved, before the
analyses, without a second solve, and the final result has the same proposal."""

from __future__ import annotations

from typing import Any

from allokering.kjoring import forslag, kjor
from allokering.loser import Fremdrift, Loserparametre
from allokering.resultatformat import Resultat
from modeller.generator import last_demo


class _Forslag(Fremdrift):
    def __init__(self) -> None:
        self.hendelser: list[str] = []
        self.forslag: Resultat | None = None

    def familie_ferdig(self, familie, status, nivaaer):  # type: ignore[no-untyped-def]
        self.hendelser.append(f"familie:{familie.value}")

    def tillegg_startet(self, hva: str) -> None:
        self.hendelser.append(f"tillegg:{hva}")

    def forslag_klart(self, losning: Any) -> None:
        self.hendelser.append("forslag")
        assert not losning.marginalverdi and not losning.ektepar_kostnad and not losning.laaspriser
        self.forslag = forslag(losning)


def test_forslaget_kommer_etter_familiene_og_foer_analysene_og_er_det_endelige() -> None:
    sak = last_demo("tvedestrand")
    f = _Forslag()
    p = Loserparametre(tidsgrense_s=10.0)
    endelig = kjor(sak, p, f)
    hendelser = f.hendelser
    assert hendelser.count("forslag") == 1
    i = hendelser.index("forslag")
    assert all(h.startswith("familie:") for h in hendelser[:i]) and i > 0
    assert hendelser[i + 1 :] and all(h.startswith("tillegg:") for h in hendelser[i + 1 :])
    foreloepig = f.forslag
    assert foreloepig is not None and foreloepig.validation is not None and foreloepig.validation.ok
    # the same proposal: no second solve changed it; only the analyses' figures differ
    for felt in ("assignments", "waiting_list", "objective", "status", "best_bound", "ukp"):
        assert getattr(foreloepig, felt) == getattr(endelig, felt), felt
    assert [x.outcome for x in foreloepig.explanations] == [x.outcome for x in endelig.explanations]
    assert foreloepig.unit_marginal_value == {} and endelig.unit_marginal_value
    assert all(x.price_level1 is None for x in foreloepig.locks)
    # without the hook (the CLI, the simulator) the result is what it always was
    assert _uten_tider(kjor(sak, p).som_json()) == _uten_tider(endelig.som_json())


def _uten_tider(x: Any) -> Any:
    """The result without its timings (``solve_seconds``, each family's ``seconds``)."""
    if isinstance(x, dict):
        return {k: _uten_tider(v) for k, v in x.items() if k not in ("seconds", "solve_seconds")}
    if isinstance(x, list):
        return [_uten_tider(v) for v in x]
    return x
