"""The job system: solve jobs and scenario runs in one bounded process pool, never the event loop.

Two kinds of job (``ARTER``), one system: a solve job is a row in ``kjoringer``, a scenario run a row in
``scenariokjoringer``; both go queued → running → done / failed / cancelled, through the same queue
(the pool), with the same progress and heartbeat columns, the same stopping, the same watchdog and the
same restart recovery. What follows says «job» for both. A scenario run uses one pool worker (which
runs its replications in a small process pool of its own); at most ``maks_arbeidere - 1`` scenario
runs go at once (at least one), so a long simulation never takes every worker from the meeting's solves.

A solve job is a row in ``kjoringer`` (queued → running → done / failed / cancelled). The API process
(``Koordinator``) inserts the row and submits ``kjor_jobb`` to a ``ProcessPoolExecutor`` (spawn,
``ALLOKERING_ARBEIDERE`` workers, default 2). The worker claims the row (queued → running, with its
pid), solves the stored input snapshot, and writes status, progress and best-so-far every second
from a small watcher thread; the result (assignments, explanations) is written in one transaction,
only if the row is still its own and running. So a crash never leaves a half-written result.

Stopping (DELETE): a queued job is cancelled at once; a running one gets ``avbryt_bedt``: the
worker's watcher sees it, stops the CP-SAT search in progress and the job ends as cancelled. A worker
that does not stop within ``AVBRYT_FRIST_S`` is killed.

Two phases (issue 21, latency): a solve job stores its result twice. As soon as the families are solved
(``Fremdrift.forslag_klart``) the proposal (assignments, waiting list, objective, explanations without the
analyses' figures) is stored with ``resultat["analyser_ferdig"] = False`` and the phase ``FASE_ANALYSER``;
the job stays «running» while the analyses (marginal values, couple costs, lock prices) run, and long polls
waiting for the proposal are answered. Then the final result replaces it (``analyser_ferdig`` True, the
explanations rewritten with the analyses' figures) and the job is «done». Stopping or a failure *during the
analyses* does not throw the proposal away: it is valid and validated, so the job ends «done» with the
proposal and ``analyser_ferdig`` False (``analyser_stoppet`` says why, the phase too) — what a saksbehandler
who stops a slow run in the meeting expects. Only the finalising of the meeting needs the job to be «done».

Crash safety: a worker whose parent (the server) dies exits at once (it polls its parent pid). On the
next startup every queued/running row is marked failed (``rydd_ved_oppstart``): one API server process
per database. While running, a watchdog thread marks a job failed when its worker died (kill -9,
out of memory) or stopped giving signs of life, and the pool is rebuilt.

Latency: the pool is started and warmed (engine imported, database engine made) when the server starts
(``varm``), a worker keeps the parsed case of the last input snapshots it solved, and ``vent`` lets a
status request wait for a job to end (long polling) instead of the client sleeping between polls.

Progress, best-so-far and stopping go through the engine's own hooks (``allokering.loser.Fremdrift``):
the engine reports each family and each extra computation, hands over every CP-SAT solver (so the
watcher can stop its search) and asks before each step whether to stop.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from multiprocessing import get_context
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from allokering.resultatformat import Resultat
from api.db import ForklaringRad, Inndatabilde, Kjoring, Scenariokjoring, TildelingRad, lag_motor, naa

log = logging.getLogger("api.jobber")

AKTIVE = ("queued", "running")
LOSING = "losing"
SCENARIO = "scenario"
ARTER: dict[str, Any] = {LOSING: Kjoring, SCENARIO: Scenariokjoring}
"""The kinds of job and their tables (the same job columns: status, fremdrift, fase, avbryt_bedt, pid,
sist_livstegn, instans, startet, ferdig, feilmelding, bestilt_av)."""
TERMINALE = ("done", "failed", "cancelled")
MAKS_ARBEIDERE = int(os.environ.get("ALLOKERING_ARBEIDERE", "2"))
AVBRYT_FRIST_S = 20.0
FORSLAG_SJEKK_S = 0.03
ANALYSETRAADER = max(1, min(2, (os.cpu_count() or 2) - 1))
"""Threads for a solve job's analyses (``Loserparametre.traader``): one core is left to the server and the page."""
LIVSTEGN_FRIST_S = 120.0
MELDING_OMSTART = (
    "Kjøringen ble avbrutt fordi tjenesten stoppet (krasj eller omstart) mens den sto i kø eller pågikk. "
    "Start en ny kjøring."
)
FASE_ANALYSER = "forslag klart, beregner tilleggsanalyser"
"""The phase of a solve job whose proposal is stored while its analyses run."""
FASE_UTEN_ANALYSER_AVBRUTT = "ferdig uten tilleggsanalyser (stoppet på forespørsel)"
FASE_UTEN_ANALYSER_FEIL = "ferdig uten tilleggsanalyser (de feilet)"
MELDING_ARBEIDER_DOD = (
    "Arbeidsprosessen som løste saken stoppet uventet (f.eks. drept eller tom for minne). Start en ny kjøring."
)


class Avbrutt(Exception):
    """The job was asked to stop."""


# --- Worker side ------------------------------------------------------------------------------------


class _Tilstand:
    """What the worker knows about the job it runs (read by its watcher thread)."""

    def __init__(self, antall_familier: int, antall_ekstra: int):
        self.lock = threading.Lock()
        self.solvere: list[Any] = []  # every CP-SAT solver handed over (marginal values run two at a time)
        self.avbryt = False
        self.fremdrift = 0.02
        self.fase = "kvalifisering og prioritering"
        self.beste: dict[str, Any] = {"familier_ferdig": [], "plassering": 0, "grense": 0, "bevist": True}
        self.antall_familier = max(1, antall_familier)
        self.antall_ekstra = max(1, antall_ekstra)
        self.hoved = 0
        self.ekstra = 0
        self.forslag: Resultat | None = None  # the stored proposal (two-phase delivery)

    def verdier(self) -> dict[str, Any]:
        """What the watcher writes to the row every second (under ``lock``)."""
        return {
            "fremdrift": round(self.fremdrift, 3),
            "fase": self.fase,
            "beste_hittil": json.loads(json.dumps(self.beste)),
        }

    def registrer(self, familie: str, bare_nivaa1: bool, status: str, nivaaer: list[Any]) -> None:
        with self.lock:
            if not bare_nivaa1:
                self.hoved += 1
                self.beste["familier_ferdig"].append(familie)
                if nivaaer:
                    self.beste["plassering"] += nivaaer[0].verdi
                    self.beste["grense"] += nivaaer[0].grense
                    self.beste["bevist"] = self.beste["bevist"] and status == "OPTIMAL"
                self.fremdrift = 0.05 + 0.75 * min(1.0, self.hoved / self.antall_familier)
                self.fase = f"løser plassfamilie {self.hoved} av {self.antall_familier} ({familie})"
            else:
                self.ekstra += 1
                self.fremdrift = min(0.97, 0.8 + 0.17 * self.ekstra / self.antall_ekstra)
                self.fase = FASE_ANALYSER if self.forslag is not None else "beregner tilleggsanalyser"


class _Scenariotilstand:
    """What the worker knows about the scenario run it simulates (read by its watcher thread)."""

    def __init__(self, totalt: int):
        self.lock = threading.Lock()
        self.solvere: list[Any] = []
        self.avbryt = False
        self.fremdrift = 0.01
        self.fase = "starter simuleringen"
        self.ferdige = 0
        self.totalt = max(1, totalt)

    def replikasjon(self, n: int, totalt: int) -> None:
        with self.lock:
            self.ferdige = n
            self.fremdrift = round(0.95 * n / max(1, totalt), 3)
            self.fase = f"simulerer: {n} av {totalt} replikasjoner ferdige"
        if self.avbryt:
            raise Avbrutt()

    def verdier(self) -> dict[str, Any]:
        return {"fremdrift": round(self.fremdrift, 3), "fase": self.fase, "ferdige": self.ferdige}


def _lag_fremdrift(t: _Tilstand, lagre_forslag: Any = None) -> Any:
    """The engine's progress hooks (``allokering.loser.Fremdrift``) feeding the job's state. Built
    here, not at import, so the API server process never imports the engine. ``lagre_forslag(res)``:
    stores the proposal when the families are solved (two-phase delivery)."""
    from allokering.kjoring import forslag
    from allokering.loser import Fremdrift

    class JobbFremdrift(Fremdrift):
        """The engine's progress hooks, fed into the job's state (read by the watcher thread)."""

        def __init__(self, t: _Tilstand):
            self.t = t

        def avbryt(self) -> bool:
            return self.t.avbryt

        def cpsat(self, solver: Any) -> None:
            with self.t.lock:
                self.t.solvere = [*self.t.solvere[-7:], solver]

        def familie_ferdig(self, familie: Any, status: str, nivaaer: list[Any]) -> None:
            self.t.registrer(familie.value, False, status, nivaaer)

        def tillegg_startet(self, hva: str) -> None:
            self.t.registrer(hva, True, "", [])

        def forslag_klart(self, losning: Any) -> None:
            if lagre_forslag is None:
                return
            res = forslag(losning)
            with self.t.lock:
                self.t.forslag = res
                self.t.fremdrift = 0.8
                self.t.fase = FASE_ANALYSER
            lagre_forslag(res)

    return JobbFremdrift(t)


_tilstand: _Tilstand | None = None
_motorer: dict[str, Engine] = {}
_forelder: int | None = None
_sperre: Any = None
"""The pool's barrier (``multiprocessing.Barrier`` of ``maks_arbeidere``): each warm-up task waits at it, so the
warm-up tasks run one in each worker."""


def _arbeider_init(sperre: Any = None) -> None:
    """Runs once in each worker process: never outlive the server, busy or idle. A small thread checks
    the parent every half second (an idle worker waits on a queue its siblings keep open, so it would
    not notice otherwise) and exits when the server is gone. (Not PR_SET_PDEATHSIG: Linux sends that
    when the *thread* that started the worker ends, and workers are started from request threads
    that come and go.)"""
    global _forelder, _sperre
    _forelder = os.getppid()
    _sperre = sperre
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_vokt_forelder, args=(_forelder,), name="foreldrevakt", daemon=True).start()


def _varm_arbeider(url: str) -> int:
    """Warm-up task (``Koordinator.varm``): import the engine and the parser and open the database engine,
    so the first job after the server started does not pay for them. Returns the worker's pid."""
    import importlib

    for modul in ("allokering.kjoring", "allokering.loser", "modeller.lasting", "api.web.scenario_api"):
        importlib.import_module(modul)
    with _motor(url).connect():
        pass
    try:  # one small solve (the bundled tvedestrand case, ~0.2 s): the engine's first-call costs are paid here
        from allokering.kjoring import kjor
        from allokering.loser import Loserparametre
        from modeller.generator import last_demo

        kjor(last_demo("tvedestrand"), Loserparametre(tidsgrense_s=5.0))
    except Exception as exc:  # warming is an optimisation only
        log.warning("oppvarming av arbeideren: %s", exc)
    if _sperre is not None:
        try:  # hold this worker until every worker has taken a warm-up task: one each
            _sperre.wait(20)
        except Exception:  # a broken or timed-out barrier: the warm-up is done anyway
            pass
    return os.getpid()


def _vokt_forelder(forelder: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != forelder:
            os._exit(3)


def _motor(url: str) -> Engine:
    if url not in _motorer:
        _motorer[url] = lag_motor(url, nullpool=True)
    return _motorer[url]


def _vakt(motor: Engine, kid: int, pid: int, t: Any, stopp: threading.Event, modell: Any = Kjoring) -> None:
    """Watcher thread in the worker: heartbeat + progress every second, cancel checks 4× a second,
    and exit at once if the server process is gone. ``modell``: the job's table (``ARTER``)."""
    sist_skrevet = 0.0
    while not stopp.wait(0.25):
        if _forelder is not None and os.getppid() != _forelder:
            os._exit(3)  # the server died: never outlive it (its restart marks this job failed)
        try:
            with motor.begin() as c:
                rad = c.execute(select(modell.status, modell.avbryt_bedt, modell.pid).where(modell.id == kid)).one()
                if rad.status != "running" or rad.pid != pid or rad.avbryt_bedt is not None:
                    with t.lock:
                        t.avbryt = True
                        for solver in t.solvere:
                            solver.stop_search()
                if time.monotonic() - sist_skrevet >= 1.0:
                    with t.lock:
                        verdier = {"sist_livstegn": naa(), **t.verdier()}
                    c.execute(
                        update(modell)
                        .where(modell.id == kid, modell.status == "running", modell.pid == pid)
                        .values(**verdier)
                    )
                    sist_skrevet = time.monotonic()
        except Exception as exc:  # a busy database must not kill the solve; try again
            log.warning("vakt for kjøring %s: %s", kid, exc)


def _feilmelding(exc: BaseException) -> str:
    from allokering.kjoring import Valideringsfeil
    from allokering.loser import Laaskonflikt, Ugyldiglaas
    from modeller.lasting import Inndatafeil

    if isinstance(exc, Laaskonflikt | Ugyldiglaas):
        return f"Feil i låsene: {exc}"
    if isinstance(exc, Valideringsfeil):
        return f"Resultatet ble forkastet: {exc}"
    if isinstance(exc, Inndatafeil):
        return f"Ugyldig inndata: {exc.tekst(10)}"
    if isinstance(exc, RuntimeError):
        return str(exc)
    return f"Uventet feil i løseren ({type(exc).__name__}): {exc}"


def _forsinkelse(t: Any) -> None:
    """``ALLOKERING_JOBB_FORSINKELSE_S``: wait this long before solving (tests and demonstrations of
    progress, stopping and crash recovery, independent of how fast the engine is). Stoppable."""
    sekunder = float(os.environ.get("ALLOKERING_JOBB_FORSINKELSE_S", "0") or 0)
    slutt = time.monotonic() + sekunder
    while time.monotonic() < slutt:
        if t.avbryt:
            raise Avbrutt()
        with t.lock:
            t.fase = "venter før løsing (forsinkelse satt i miljøet)"
        time.sleep(0.05)


def _analyseparametre(parametre: dict[str, Any], t: _Tilstand) -> Any:
    """The run's engine parameters. ``ALLOKERING_ANALYSE_FORSINKELSE_S``: the analyses take this much longer
    (tests and demonstrations of the two-phase delivery, independent of how fast the engine is): a wait,
    stoppable, when the marginal values are done, through the engine's timing hook (``Strategi.maaling``)."""
    from dataclasses import replace

    from allokering.loser import Loserparametre
    from allokering.strategi import STANDARD

    # the analyses leave one core to the server and the page fetching the proposal meanwhile (two cores: one
    # thread; the result does not depend on it): measured on Sandefjord with two cores, the proposal was visible
    # sooner and the analyses ended no later than with two threads competing with the page
    parametre = {"traader": ANALYSETRAADER, **parametre}
    sekunder = float(os.environ.get("ALLOKERING_ANALYSE_FORSINKELSE_S", "0") or 0)
    if sekunder <= 0:
        return Loserparametre(**parametre)

    def maaling(steg: str, _sek: float) -> None:
        if steg != "marginalverdier":
            return
        slutt = time.monotonic() + sekunder
        while time.monotonic() < slutt:
            if t.avbryt:
                raise Avbrutt()
            time.sleep(0.05)

    return Loserparametre(**parametre, strategi=replace(STANDARD, maaling=maaling))


def _gjor_krav(c: Any, modell: Any, jid: int, instans: str, pid: int) -> bool:
    """Claim a queued job of this server instance for this worker (queued → running), for solve and scenario
    jobs alike. False when another worker, a cancel or a restart got there first."""
    r = c.execute(
        update(modell)
        .where(modell.id == jid, modell.status == "queued", modell.instans == instans)
        .values(status="running", pid=pid, startet=naa(), sist_livstegn=naa(), fase="starter", fremdrift=0.01)
    )
    return bool(r.rowcount == 1)


def kjor_jobb(url: str, kid: int, instans: str) -> str:
    """Run one job in a worker process. Returns the final status."""
    global _tilstand
    from allokering.kjoring import kjor
    from modeller.lasting import sak_fra_data

    motor = _motor(url)
    pid = os.getpid()
    with motor.begin() as c:
        if not _gjor_krav(c, Kjoring, kid, instans, pid):
            return "hoppet over"
        rad = c.execute(
            select(Inndatabilde.data.label("inndata"), Kjoring.parametre)
            .join(Inndatabilde, Inndatabilde.id == Kjoring.inndatabilde_id)
            .where(Kjoring.id == kid)
        ).one()
    stopp = threading.Event()
    t = _Tilstand(0, 0)
    vakt = threading.Thread(target=_vakt, args=(motor, kid, pid, t, stopp), daemon=True)
    try:
        sak = sak_fra_data(json.loads(rad.inndata), "inndata")
        t = _Tilstand(len({e.plasstype.familie for e in sak.enheter}), len(sak.enheter) + len(sak.sokere) // 10)
        vakt = threading.Thread(target=_vakt, args=(motor, kid, pid, t, stopp), daemon=True)
        _tilstand = t
        vakt.start()
        _forsinkelse(t)
        start = time.perf_counter()

        def lagre_forslag(res: Resultat) -> None:
            res.solve_seconds = round(time.perf_counter() - start, 3)
            if _lagre_resultat(motor, kid, pid, res, endelig=False) != "lagret":
                raise Avbrutt()  # the row is no longer this worker's running job

        resultat = kjor(sak, _analyseparametre(rad.parametre, t), _lag_fremdrift(t, lagre_forslag))
    except BaseException as exc:
        _tilstand = None
        stopp.set()
        if vakt.is_alive():
            vakt.join()
        from allokering.loser import Avbrutt as MotorAvbrutt

        avbrutt = isinstance(exc, Avbrutt | MotorAvbrutt) or t.avbryt
        if t.forslag is not None and isinstance(exc, Exception):
            # stopped or failed during the analyses: the stored proposal stands, the job ends done without them
            if not avbrutt:
                log.warning("tilleggsanalysene for kjøring %s feilet: %s", kid, exc)
            res = {
                **t.forslag.som_json(),
                "analyser_ferdig": False,
                "analyser_stoppet": "avbrutt" if avbrutt else "feilet",
            }
            with motor.begin() as c:
                r = c.execute(
                    update(Kjoring)
                    .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.pid == pid)
                    .values(
                        status="done",
                        fremdrift=1.0,
                        fase=FASE_UTEN_ANALYSER_AVBRUTT if avbrutt else FASE_UTEN_ANALYSER_FEIL,
                        resultat=res,
                        ferdig=naa(),
                    )
                )
            return "done" if r.rowcount == 1 else "foreldet"
        with motor.begin() as c:
            c.execute(
                update(Kjoring)
                .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.pid == pid)
                .values(
                    status="cancelled" if avbrutt else "failed",
                    feilmelding="Avbrutt på forespørsel." if avbrutt else _feilmelding(exc),
                    fase="avbrutt" if avbrutt else "feilet",
                    ferdig=naa(),
                )
            )
        if not isinstance(exc, Exception):
            raise
        return "cancelled" if avbrutt else "failed"
    _tilstand = None
    stopp.set()
    vakt.join()
    return _lagre_resultat(motor, kid, pid, resultat, endelig=True, forslag_lagret=t.forslag is not None)


def _scenariobackend(t: _Scenariotilstand) -> Any:
    """The replications of a scenario run in a small process pool of the worker (as ``ProsessBackend``),
    stoppable: when the run is asked to stop, the pending replications are dropped and the pool's
    processes killed at once. Its processes exit when the worker dies (``_arbeider_init``)."""
    from scenarier.dask_backend import ProsessBackend, kjor_oppgave

    class Avbrytbar(ProsessBackend):
        def kjor(self, oppgaver: Any, fremdrift: Any = None) -> list[Any]:
            ut: dict[int, Any] = {}
            pool = ProcessPoolExecutor(self.arbeidere, mp_context=get_context("spawn"), initializer=_arbeider_init)
            ok = False
            try:
                fut = {pool.submit(kjor_oppgave, o): i for i, o in enumerate(oppgaver)}
                ventende = set(fut)
                while ventende:
                    if t.avbryt:
                        raise Avbrutt()
                    ferdige, ventende = wait(ventende, timeout=0.25, return_when=FIRST_COMPLETED)
                    for f in ferdige:
                        ut[fut[f]] = f.result()
                    if ferdige and fremdrift:
                        fremdrift(len(ut), len(oppgaver))
                ok = True
            finally:
                if not ok:
                    for p in list(getattr(pool, "_processes", {}).values()):
                        try:
                            p.kill()
                        except Exception:  # already gone
                            pass
                pool.shutdown(wait=ok, cancel_futures=not ok)
            return [ut[i] for i in range(len(oppgaver))]

    return Avbrytbar(max(2, min(4, os.cpu_count() or 2)))


def kjor_scenariojobb(url: str, jid: int, instans: str) -> str:
    """Run one scenario run in a worker process (claim, simulate, store result and report), exactly as
    ``kjor_jobb`` runs a solve: the same claim, watcher, stopping and end states. Returns the final status."""
    motor = _motor(url)
    pid = os.getpid()
    with motor.begin() as c:
        if not _gjor_krav(c, Scenariokjoring, jid, instans, pid):
            return "hoppet over"
        rad = c.execute(
            select(Scenariokjoring.bestilling, Scenariokjoring.totalt).where(Scenariokjoring.id == jid)
        ).one()
    t = _Scenariotilstand(rad.totalt)
    stopp = threading.Event()
    vakt = threading.Thread(target=_vakt, args=(motor, jid, pid, t, stopp, Scenariokjoring), daemon=True)
    start = time.perf_counter()
    try:
        from api.web.scenario_api import simuler
        from scenarier.scenariofil import Scenario

        vakt.start()
        _forsinkelse(t)
        scenarier = [Scenario.model_validate(x) for x in rad.bestilling or []]
        if not scenarier:
            raise RuntimeError("Scenariokjøringen mangler bestillingen (scenariene).")
        with t.lock:
            t.fase = "simulerer"
        data, rapport = simuler(scenarier, _scenariobackend(t), t.replikasjon)
    except BaseException as exc:
        stopp.set()
        if vakt.is_alive():
            vakt.join()
        avbrutt = isinstance(exc, Avbrutt) or t.avbryt
        with motor.begin() as c:
            c.execute(
                update(Scenariokjoring)
                .where(Scenariokjoring.id == jid, Scenariokjoring.status == "running", Scenariokjoring.pid == pid)
                .values(
                    status="cancelled" if avbrutt else "failed",
                    feilmelding="Avbrutt på forespørsel." if avbrutt else f"Simuleringen feilet: {exc}",
                    fase="avbrutt" if avbrutt else "feilet",
                    fremdrift=1.0,
                    ferdig=naa(),
                )
            )
        if not isinstance(exc, Exception):
            raise
        return "cancelled" if avbrutt else "failed"
    stopp.set()
    vakt.join()
    with motor.begin() as c:
        r = c.execute(
            update(Scenariokjoring)
            .where(Scenariokjoring.id == jid, Scenariokjoring.status == "running", Scenariokjoring.pid == pid)
            .values(
                status="done",
                fremdrift=1.0,
                fase="ferdig",
                ferdige=rad.totalt,
                resultat=data,
                rapport=rapport,
                sekunder=round(time.perf_counter() - start, 1),
                ferdig=naa(),
            )
        )
    return "done" if r.rowcount == 1 else "foreldet"


JOBBFUNKSJONER = {LOSING: kjor_jobb, SCENARIO: kjor_scenariojobb}


class _Foreldet(Exception):
    pass


def _lagre_resultat(
    motor: Engine, kid: int, pid: int, res: Resultat, endelig: bool = True, forslag_lagret: bool = False
) -> str:
    """Write the result in one transaction, only if the row is still this worker's running job. ``endelig``
    False: the proposal (the job stays running, phase ``FASE_ANALYSER``; returns «lagret»); True: the final
    result (the job is done). ``forslag_lagret``: the proposal's rows are stored already (the assignments are
    the same, the explanations are replaced)."""
    data = {**res.som_json(), "analyser_ferdig": endelig}  # the stored form (``api.resultat.Kjoringsresultat``)
    slutt: dict[str, Any] = (
        {"status": "done", "fremdrift": 1.0, "fase": "ferdig", "ferdig": naa()}
        if endelig
        else {"fremdrift": 0.8, "fase": FASE_ANALYSER, "sist_livstegn": naa()}
    )
    try:
        with motor.begin() as c:
            r = c.execute(
                update(Kjoring)
                .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.pid == pid)
                .values(
                    **slutt,
                    losningsstatus=res.status,
                    objective=data["objective"],
                    best_bound=res.best_bound,
                    gap=res.gap,
                    solve_seconds=res.solve_seconds,
                    ukp_dager=res.ukp.days,
                    ukp_kostnad=res.ukp.cost_nok,
                    resultat=data,
                    beste_hittil={
                        "familier_ferdig": [f.family for f in res.families],
                        "plassering": res.objective["plassering"].value if "plassering" in res.objective else 0,
                        "grense": res.best_bound,
                        "bevist": res.status == "OPTIMAL",
                    },
                )
            )
            if r.rowcount != 1:
                raise _Foreldet()
            if forslag_lagret:
                c.execute(delete(ForklaringRad).where(ForklaringRad.kjoring_id == kid))
            if res.assignments and not forslag_lagret:
                c.execute(
                    insert(TildelingRad),
                    [
                        {
                            "kjoring_id": kid,
                            "soker_id": a.applicant_id,
                            "enhet_id": a.unit_id,
                            "institusjon_id": a.institution_id,
                            "plasstype": a.place_type,
                            "startdato": _dato(a.start_date),
                            "sluttdato": _dato(a.end_date),
                            "apen_slutt": a.open_ended,
                            "flytting": a.move,
                            "prioritet": a.priority,
                        }
                        for a in res.assignments
                    ],
                )
            if res.explanations:
                c.execute(
                    insert(ForklaringRad),
                    [
                        {
                            "kjoring_id": kid,
                            "soker_id": f.applicant_id,
                            "tjeneste": f.service,
                            "utfall": f.outcome,
                            "tekst": f.text_nb,
                            "data": fd,
                        }
                        for f, fd in zip(res.explanations, data["explanations"], strict=True)
                    ],
                )
    except _Foreldet:
        return "foreldet"
    return "done" if endelig else "lagret"


def _dato(s: str) -> Any:
    from datetime import date

    return date.fromisoformat(s)


# --- Server side ------------------------------------------------------------------------------------


def _lever(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


Nokkel = tuple[str, int]
"""A job: (kind, id), e.g. ``("losing", 7)`` or ``("scenario", 3)``."""


class Koordinator:
    """Owns the process pool of one API server and the watchdog of its jobs (every kind in ``ARTER``)."""

    def __init__(self, url: str, fabrikk: sessionmaker, maks_arbeidere: int | None = None):
        self.url = url
        self.fabrikk = fabrikk
        self.maks_arbeidere = max(1, maks_arbeidere or MAKS_ARBEIDERE)
        self.maks_scenarier = max(1, self.maks_arbeidere - 1)
        self.instans = str(uuid4())
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()
        self._futures: dict[Nokkel, Future[str]] = {}
        self._scenariokø: list[int] = []
        self._stopp = threading.Event()
        self._vakt: threading.Thread | None = None
        self._forsok: dict[Nokkel, int] = {}
        self._endret = threading.Condition()
        self._varme: list[Future[int]] = []

    # -- lifecycle

    def rydd_ved_oppstart(self) -> int:
        """Mark every queued or running job (of every kind) of an earlier server process as failed."""
        antall = 0
        with self.fabrikk.begin() as s:
            for modell in ARTER.values():
                r = s.execute(
                    update(modell)
                    .where(modell.status.in_(AKTIVE), modell.instans != self.instans)
                    .values(status="failed", feilmelding=MELDING_OMSTART, fase="feilet", ferdig=naa())
                )
                antall += r.rowcount or 0
        return antall

    def varm(self) -> None:
        """Start the pool's workers now and warm them (``_varm_arbeider``), so the first job after the
        server started waits neither for a process to start nor for the engine to be imported."""
        self._start_vakt()
        with self._lock:
            pool = self._hent_pool()
            self._varme = [pool.submit(_varm_arbeider, self.url) for _ in range(self.maks_arbeidere)]

    def antall_varme(self) -> int:
        """Workers warmed by ``varm`` (distinct processes whose warm-up has finished)."""
        with self._lock:
            varme = list(self._varme)
        return len({f.result() for f in varme if f.done() and not f.cancelled() and f.exception() is None})

    def _start_vakt(self) -> None:
        with self._lock:
            if self._vakt is None or not self._vakt.is_alive():
                self._stopp.clear()
                self._vakt = threading.Thread(target=self._vaktloop, name="jobbvakt", daemon=True)
                self._vakt.start()

    def stopp(self) -> None:
        """Stop the watchdog and the pool; jobs still active are marked failed."""
        self._stopp.set()
        with self._lock:
            pool, self._pool = self._pool, None
            self._futures.clear()
            self._scenariokø.clear()
        if pool is not None:
            for p in list(getattr(pool, "_processes", {}).values()):
                try:
                    p.kill()
                except Exception:  # already gone
                    pass
            pool.shutdown(wait=False, cancel_futures=True)
        try:
            with self.fabrikk.begin() as s:
                for modell in ARTER.values():
                    s.execute(
                        update(modell)
                        .where(modell.status.in_(AKTIVE), modell.instans == self.instans)
                        .values(status="failed", feilmelding=MELDING_OMSTART, fase="feilet", ferdig=naa())
                    )
        except Exception as exc:  # the database may be gone at shutdown
            log.warning("kunne ikke markere aktive jobber ved stopp: %s", exc)
        with self._endret:
            self._endret.notify_all()

    # -- jobs

    def _hent_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self.maks_arbeidere,
                    mp_context=ctx,
                    initializer=_arbeider_init,
                    initargs=(ctx.Barrier(self.maks_arbeidere),),
                )
            return self._pool

    def send_inn(self, kid: int, art: str = LOSING) -> None:
        """Put a stored queued job into the pool's queue. Scenario runs beyond ``maks_scenarier`` wait
        in line (still «queued») until one ends."""
        self._start_vakt()
        nokkel = (art, kid)
        with self._lock:
            if nokkel in self._futures:
                return
            if art == SCENARIO:
                if sum(1 for a, _ in self._futures if a == SCENARIO) >= self.maks_scenarier:
                    if kid not in self._scenariokø:
                        self._scenariokø.append(kid)
                    return
                if kid in self._scenariokø:
                    self._scenariokø.remove(kid)
            pool = self._hent_pool()
            funksjon = JOBBFUNKSJONER[art]
            try:
                fut = pool.submit(funksjon, self.url, kid, self.instans)
            except BrokenProcessPool:
                self._pool = None
                pool = self._hent_pool()
                fut = pool.submit(funksjon, self.url, kid, self.instans)
            self._futures[nokkel] = fut
        fut.add_done_callback(functools.partial(self._ferdig_cb, nokkel, pool))

    def _ferdig_cb(self, nokkel: Nokkel, pool: ProcessPoolExecutor, fut: Future[str]) -> None:
        try:
            self._ferdig(nokkel, pool, fut)
        finally:
            with self._endret:
                self._endret.notify_all()
            if nokkel[0] == SCENARIO:
                self._neste_scenario()

    def _neste_scenario(self) -> None:
        with self._lock:
            neste = self._scenariokø[0] if self._scenariokø and not self._stopp.is_set() else None
        if neste is not None:
            try:
                self.send_inn(neste, SCENARIO)
            except Exception as exc:
                log.error("kunne ikke starte scenariokjøring %s: %s", neste, exc)

    def _ferdig(self, nokkel: Nokkel, pool: ProcessPoolExecutor, fut: Future[str]) -> None:
        art, kid = nokkel
        modell = ARTER[art]
        with self._lock:
            if self._futures.get(nokkel) is fut:
                del self._futures[nokkel]
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is None:
            return
        if isinstance(exc, BrokenProcessPool):
            with self._lock:
                if self._pool is pool:
                    self._pool = None
                    pool.shutdown(wait=False, cancel_futures=False)
        try:
            with self.fabrikk.begin() as s:
                rad = s.get(modell, kid)
                if rad is None or rad.status in TERMINALE:
                    return
                forsok = self._forsok.get(nokkel, 0)
                if (
                    rad.status == "queued"
                    and isinstance(exc, BrokenProcessPool)
                    and not self._stopp.is_set()
                    and forsok < 2
                ):
                    self._forsok[nokkel] = forsok + 1
                    resend = True
                else:
                    resend = False
                    if rad.avbryt_bedt:
                        melding = "Avbrutt på forespørsel."
                    elif isinstance(exc, BrokenProcessPool):
                        melding = MELDING_ARBEIDER_DOD
                    elif art == SCENARIO:
                        melding = f"Simuleringen feilet: {exc}"
                    else:
                        melding = _feilmelding(exc)
                    s.execute(
                        update(modell)
                        .where(modell.id == kid, modell.status.in_(AKTIVE))
                        .values(
                            status="cancelled" if rad.avbryt_bedt else "failed",
                            feilmelding=melding,
                            fase="feilet",
                            ferdig=naa(),
                        )
                    )
            if resend:
                self.send_inn(kid, art)
        except Exception as e:
            log.error("kunne ikke oppdatere jobb %s %s etter feil: %s", art, kid, e)

    def avbryt(self, kid: int, art: str = LOSING) -> str:
        """Stop a job of any kind. A queued one is cancelled at once, a running one is asked to stop (its
        worker stops it; the watchdog kills a worker that does not within ``AVBRYT_FRIST_S``). Returns
        its status after the request."""
        modell = ARTER[art]
        with self.fabrikk.begin() as s:
            r = s.execute(
                update(modell)
                .where(modell.id == kid, modell.status == "queued")
                .values(status="cancelled", feilmelding="Avbrutt på forespørsel.", fase="avbrutt", ferdig=naa())
            )
            if r.rowcount == 1:
                with self._lock:
                    fut = self._futures.get((art, kid))
                    if art == SCENARIO and kid in self._scenariokø:
                        self._scenariokø.remove(kid)
                if fut is not None:
                    fut.cancel()
                return "cancelled"
            s.execute(
                update(modell)
                .where(modell.id == kid, modell.status == "running", modell.avbryt_bedt.is_(None))
                .values(avbryt_bedt=naa())
            )
            rad = s.get(modell, kid)
            return rad.status if rad else "ukjent"

    def vent(self, kid: int, art: str = LOSING, frist: float = 2.0, til_forslag: bool = False) -> None:
        """Wait (at most ``frist`` seconds) until this server's job ends: long polling for the status
        endpoints, so a client learns that its job is done the moment the worker returns, without
        sleeping between polls. A job this server is not running (ended, or another server's) waits
        a quarter of a second at most, so a polling client never spins. ``til_forslag``: also return as
        soon as the solve job's proposal is stored (two-phase delivery; the worker stores it in another
        process, so the row is looked at every ``FORSLAG_SJEKK_S``)."""
        slutt = time.monotonic() + max(0.0, frist)
        nokkel = (art, kid)
        with self._endret:
            if nokkel not in self._futures:
                self._endret.wait(min(0.25, max(0.0, frist)))
                return
            while nokkel in self._futures and not self._stopp.is_set():
                rest = slutt - time.monotonic()
                if rest <= 0:
                    return
                if not til_forslag:
                    self._endret.wait(rest)
                    continue
                self._endret.wait(min(rest, FORSLAG_SJEKK_S))
                if self._har_forslag(kid):
                    return

    def _har_forslag(self, kid: int) -> bool:
        """Whether the solve job's proposal (or its final result) is stored."""
        try:
            with self.fabrikk() as s:
                return s.scalar(select(Kjoring.losningsstatus).where(Kjoring.id == kid)) is not None
        except Exception as exc:  # a busy database: keep waiting
            log.warning("vent på forslaget i kjøring %s: %s", kid, exc)
            return False

    def antall_i_prosess(self) -> int:
        """Jobs submitted by this server and not yet finished (no database access)."""
        with self._lock:
            return len(self._futures) + len(self._scenariokø)

    def antall_aktive(self) -> int:
        with self.fabrikk() as s:
            return sum(
                len(s.scalars(select(modell.id).where(modell.status.in_(AKTIVE))).all()) for modell in ARTER.values()
            )

    def jobber(self, bare_aktive: bool = True, grense: int = 200) -> list[dict[str, Any]]:
        """The jobs of every kind, newest first: kind, id, status, progress, phase, who ordered it and
        when (no personal data)."""
        ut: list[dict[str, Any]] = []
        with self.fabrikk() as s:
            for art, modell in ARTER.items():
                q = select(
                    modell.id,
                    modell.status,
                    modell.fremdrift,
                    modell.fase,
                    modell.avbryt_bedt,
                    modell.bestilt_av,
                    modell.opprettet,
                    modell.startet,
                    modell.ferdig,
                )
                if bare_aktive:
                    q = q.where(modell.status.in_(AKTIVE))
                for r in s.execute(q.order_by(modell.id.desc()).limit(grense)):
                    ut.append(
                        {
                            "art": art,
                            "id": r.id,
                            "status": r.status,
                            "fremdrift": r.fremdrift,
                            "fase": r.fase,
                            "avbryt_bedt": r.avbryt_bedt is not None,
                            "bestilt_av": r.bestilt_av,
                            "opprettet": r.opprettet.isoformat() if r.opprettet else None,
                            "startet": r.startet.isoformat() if r.startet else None,
                            "ferdig": r.ferdig.isoformat() if r.ferdig else None,
                        }
                    )
        ut.sort(key=lambda j: j["opprettet"] or "", reverse=True)
        return ut[:grense]

    # -- watchdog

    def _vaktloop(self) -> None:
        while not self._stopp.wait(1.0):
            try:
                self._vaktrunde()
            except Exception as exc:
                log.warning("jobbvakt: %s", exc)

    def _vaktrunde(self) -> None:
        naa_ = naa()
        for art, modell in ARTER.items():
            with self.fabrikk.begin() as s:
                rader = s.scalars(select(modell).where(modell.status.in_(AKTIVE), modell.instans == self.instans)).all()
                for rad in rader:
                    if rad.status == "running":
                        dod = rad.pid is not None and not _lever(rad.pid)
                        taus = rad.sist_livstegn is not None and naa_ - rad.sist_livstegn > timedelta(
                            seconds=LIVSTEGN_FRIST_S
                        )
                        seint_stopp = rad.avbryt_bedt is not None and naa_ - rad.avbryt_bedt > timedelta(
                            seconds=AVBRYT_FRIST_S
                        )
                        if (taus or seint_stopp) and rad.pid is not None and _lever(rad.pid):
                            try:
                                os.kill(rad.pid, signal.SIGKILL)
                            except OSError:
                                pass
                        if dod or taus or seint_stopp:
                            avbrutt = rad.avbryt_bedt is not None
                            s.execute(
                                update(modell)
                                .where(modell.id == rad.id, modell.status == "running")
                                .values(
                                    status="cancelled" if avbrutt else "failed",
                                    feilmelding="Avbrutt på forespørsel." if avbrutt else MELDING_ARBEIDER_DOD,
                                    fase="avbrutt" if avbrutt else "feilet",
                                    ferdig=naa_,
                                )
                            )
                    elif (
                        rad.status == "queued"
                        and (art, rad.id) not in self._futures
                        and not (art == SCENARIO and rad.id in self._scenariokø)
                        and self._forsok.get((art, rad.id), 0) < 2
                        and naa_ - rad.opprettet > timedelta(seconds=5)
                        and not self._stopp.is_set()
                    ):
                        self.send_inn(rad.id, art)
