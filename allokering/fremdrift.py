"""How an observer follows the engine and stops it (the API's jobs use it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modeller.kodeverk import Familie

if TYPE_CHECKING:
    from allokering.resultat import Losning, Nivaaresultat


class Avbrutt(Exception):
    """The solve was stopped on request (``Fremdrift.avbryt``)."""


class Fremdrift:
    """What the engine tells an observer while it works, and how the observer stops it.

    Subclass and override what you need (the API's jobs do: progress, best-so-far, stop). The
    engine calls ``avbryt`` before each family and each extra computation and raises
    ``Avbrutt`` when it returns True; ``cpsat`` hands over each CP-SAT solver before it
    searches, so another thread can call its ``stop_search()``. Methods run in the solving
    thread and must be quick."""

    def avbryt(self) -> bool:
        return False

    def cpsat(self, solver: cp_model.CpSolver) -> None:
        """A CP-SAT solver is about to search."""

    def familie_ferdig(self, familie: Familie, status: str, nivaaer: list[Nivaaresultat]) -> None:
        """A place family of the main solve is done."""

    def forslag_klart(self, losning: Losning) -> None:
        """Every family is solved: the assignments, the waiting list and the objective in ``losning`` are
        final. Called once, before the analyses (marginal values, couple costs, lock prices), which only
        fill in ``losning.marginalverdi``, ``ektepar_kostnad`` and ``laaspriser``; there is no second solve.
        The API's jobs store and show the proposal here (``allokering.kjoring.forslag``)."""

    def tillegg_startet(self, hva: str) -> None:
        """One extra computation begins: «marginalverdi» (one unit) or «ektepar» (one split couple)."""


def _sjekk_avbrudd(fremdrift: Fremdrift | None) -> None:
    if fremdrift is not None and fremdrift.avbryt():
        raise Avbrutt("Løsingen ble avbrutt på forespørsel.")
