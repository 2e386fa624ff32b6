"""Solve jobs: a bounded process pool, never the event loop.

A job is a row in ``kjoringer`` (queued → running → done / failed / cancelled). The API process
(``Koordinator``) inserts the row and submits ``kjor_jobb`` to a ``ProcessPoolExecutor`` (spawn,
``ALLOKERING_ARBEIDERE`` workers, default 2). The worker claims the row (queued → running, with its
pid), solves the stored input snapshot, and writes status, progress and best-so-far every second
from a small watcher thread; the result (assignments, explanations) is written in one transaction,
only if the row is still its own and running. So a crash never leaves a half-written result.

Stopping (DELETE): a queued job is cancelled at once; a running one gets ``avbryt_bedt``: the
worker's watcher sees it, stops the CP-SAT search in progress and the job ends as cancelled. A worker
that does not stop within ``AVBRYT_FRIST_S`` is killed.

Crash safety: a worker whose parent (the server) dies exits at once (it polls its parent pid). On the
next startup every queued/running row is marked failed (``rydd_ved_oppstart``): one API server process
per database. While running, a watchdog thread marks a job failed when its worker died (kill -9,
out of memory) or stopped giving signs of life, and the pool is rebuilt.

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
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from multiprocessing import get_context
from typing import Any
from uuid import uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from api.db import ForklaringRad, Inndatabilde, Kjoring, TildelingRad, lag_motor, naa

log = logging.getLogger("api.jobber")

AKTIVE = ("queued", "running")
TERMINALE = ("done", "failed", "cancelled")
MAKS_ARBEIDERE = int(os.environ.get("ALLOKERING_ARBEIDERE", "2"))
AVBRYT_FRIST_S = 20.0
LIVSTEGN_FRIST_S = 120.0
MELDING_OMSTART = (
    "Kjøringen ble avbrutt fordi tjenesten stoppet (krasj eller omstart) mens den sto i kø eller pågikk. "
    "Start en ny kjøring."
)
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
                self.fase = "beregner verdien av ekstra plasser og ektepar"


def _lag_fremdrift(t: _Tilstand) -> Any:
    """The engine's progress hooks (``allokering.loser.Fremdrift``) feeding the job's state. Built
    here, not at import, so the API server process never imports the engine."""
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

    return JobbFremdrift(t)


_tilstand: _Tilstand | None = None
_motorer: dict[str, Engine] = {}
_forelder: int | None = None


def _arbeider_init() -> None:
    """Runs once in each worker process: never outlive the server, busy or idle. On Linux the kernel
    kills the worker when the server dies (PR_SET_PDEATHSIG); everywhere a small thread also checks
    the parent every half second (an idle worker waits on a queue its siblings keep open, so it
    would not notice otherwise)."""
    global _forelder
    _forelder = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _doed_med_forelder()
    threading.Thread(target=_vokt_forelder, args=(_forelder,), name="foreldrevakt", daemon=True).start()


def _doed_med_forelder() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the thread below is enough
        pass
    if os.getppid() != _forelder:  # the parent died before prctl took effect
        os._exit(3)


def _vokt_forelder(forelder: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != forelder:
            os._exit(3)


def _motor(url: str) -> Engine:
    if url not in _motorer:
        _motorer[url] = lag_motor(url, nullpool=True)
    return _motorer[url]


def _vakt(motor: Engine, kid: int, pid: int, t: _Tilstand, stopp: threading.Event) -> None:
    """Watcher thread in the worker: heartbeat + progress every second, cancel checks 4× a second,
    and exit at once if the server process is gone."""
    sist_skrevet = 0.0
    while not stopp.wait(0.25):
        if _forelder is not None and os.getppid() != _forelder:
            os._exit(3)  # the server died: never outlive it (its restart marks this job failed)
        try:
            with motor.begin() as c:
                rad = c.execute(select(Kjoring.status, Kjoring.avbryt_bedt, Kjoring.pid).where(Kjoring.id == kid)).one()
                if rad.status != "running" or rad.pid != pid or rad.avbryt_bedt is not None:
                    with t.lock:
                        t.avbryt = True
                        for solver in t.solvere:
                            solver.stop_search()
                if time.monotonic() - sist_skrevet >= 1.0:
                    with t.lock:
                        verdier = {
                            "sist_livstegn": naa(),
                            "fremdrift": round(t.fremdrift, 3),
                            "fase": t.fase,
                            "beste_hittil": json.loads(json.dumps(t.beste)),
                        }
                    c.execute(
                        update(Kjoring)
                        .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.pid == pid)
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


def _forsinkelse(t: _Tilstand) -> None:
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


def kjor_jobb(url: str, kid: int, instans: str) -> str:
    """Run one job in a worker process. Returns the final status."""
    global _tilstand
    from allokering.kjoring import kjor
    from allokering.loser import Loserparametre
    from modeller.lasting import sak_fra_data

    motor = _motor(url)
    pid = os.getpid()
    with motor.begin() as c:
        r = c.execute(
            update(Kjoring)
            .where(Kjoring.id == kid, Kjoring.status == "queued", Kjoring.instans == instans)
            .values(status="running", pid=pid, startet=naa(), sist_livstegn=naa(), fase="starter", fremdrift=0.01)
        )
        if r.rowcount != 1:
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
        resultat = kjor(sak, Loserparametre(**rad.parametre), _lag_fremdrift(t))
    except BaseException as exc:
        _tilstand = None
        stopp.set()
        if vakt.is_alive():
            vakt.join()
        from allokering.loser import Avbrutt as MotorAvbrutt

        avbrutt = isinstance(exc, Avbrutt | MotorAvbrutt) or t.avbryt
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
    return _lagre_resultat(motor, kid, pid, resultat)


class _Foreldet(Exception):
    pass


def _lagre_resultat(motor: Engine, kid: int, pid: int, res: dict[str, Any]) -> str:
    """Write the result in one transaction, only if the row is still this worker's running job."""
    try:
        with motor.begin() as c:
            r = c.execute(
                update(Kjoring)
                .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.pid == pid)
                .values(
                    status="done",
                    fremdrift=1.0,
                    fase="ferdig",
                    ferdig=naa(),
                    losningsstatus=res["status"],
                    objective=res["objective"],
                    best_bound=res["best_bound"],
                    gap=res["gap"],
                    solve_seconds=res["solve_seconds"],
                    ukp_dager=res["ukp"]["days"],
                    ukp_kostnad=res["ukp"]["cost_nok"],
                    resultat=res,
                    beste_hittil={
                        "familier_ferdig": [f["family"] for f in res["families"]],
                        "plassering": res["objective"].get("plassering", {}).get("value", 0),
                        "grense": res["best_bound"],
                        "bevist": res["status"] == "OPTIMAL",
                    },
                )
            )
            if r.rowcount != 1:
                raise _Foreldet()
            if res["assignments"]:
                c.execute(
                    insert(TildelingRad),
                    [
                        {
                            "kjoring_id": kid,
                            "soker_id": a["applicant_id"],
                            "enhet_id": a["unit_id"],
                            "institusjon_id": a["institution_id"],
                            "plasstype": a["place_type"],
                            "startdato": _dato(a["start_date"]),
                            "sluttdato": _dato(a["end_date"]),
                            "apen_slutt": a["open_ended"],
                            "flytting": a["move"],
                            "prioritet": a["priority"],
                        }
                        for a in res["assignments"]
                    ],
                )
            if res["explanations"]:
                c.execute(
                    insert(ForklaringRad),
                    [
                        {
                            "kjoring_id": kid,
                            "soker_id": f["applicant_id"],
                            "tjeneste": f["service"],
                            "utfall": f["outcome"],
                            "tekst": f["text_nb"],
                            "data": f,
                        }
                        for f in res["explanations"]
                    ],
                )
    except _Foreldet:
        return "foreldet"
    return "done"


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


class Koordinator:
    """Owns the process pool of one API server and the watchdog of its jobs."""

    def __init__(self, url: str, fabrikk: sessionmaker, maks_arbeidere: int | None = None):
        self.url = url
        self.fabrikk = fabrikk
        self.maks_arbeidere = max(1, maks_arbeidere or MAKS_ARBEIDERE)
        self.instans = str(uuid4())
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()
        self._futures: dict[int, Future[str]] = {}
        self._stopp = threading.Event()
        self._vakt: threading.Thread | None = None
        self._forsok: dict[int, int] = {}

    # -- lifecycle

    def rydd_ved_oppstart(self) -> int:
        """Mark every queued or running job of an earlier server process as failed."""
        with self.fabrikk.begin() as s:
            r = s.execute(
                update(Kjoring)
                .where(Kjoring.status.in_(AKTIVE), Kjoring.instans != self.instans)
                .values(status="failed", feilmelding=MELDING_OMSTART, fase="feilet", ferdig=naa())
            )
            return r.rowcount or 0

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
        if pool is not None:
            for p in list(getattr(pool, "_processes", {}).values()):
                try:
                    p.kill()
                except Exception:  # already gone
                    pass
            pool.shutdown(wait=False, cancel_futures=True)
        try:
            with self.fabrikk.begin() as s:
                s.execute(
                    update(Kjoring)
                    .where(Kjoring.status.in_(AKTIVE), Kjoring.instans == self.instans)
                    .values(status="failed", feilmelding=MELDING_OMSTART, fase="feilet", ferdig=naa())
                )
        except Exception as exc:  # the database may be gone at shutdown
            log.warning("kunne ikke markere aktive kjøringer ved stopp: %s", exc)

    # -- jobs

    def _hent_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.maks_arbeidere, mp_context=get_context("spawn"), initializer=_arbeider_init
                )
            return self._pool

    def send_inn(self, kid: int) -> None:
        self._start_vakt()
        with self._lock:
            pool = self._hent_pool()
            try:
                fut = pool.submit(kjor_jobb, self.url, kid, self.instans)
            except BrokenProcessPool:
                self._pool = None
                pool = self._hent_pool()
                fut = pool.submit(kjor_jobb, self.url, kid, self.instans)
            self._futures[kid] = fut
        fut.add_done_callback(functools.partial(self._ferdig_cb, kid, pool))

    def _ferdig_cb(self, kid: int, pool: ProcessPoolExecutor, fut: Future[str]) -> None:
        self._ferdig(kid, pool, fut)

    def _ferdig(self, kid: int, pool: ProcessPoolExecutor, fut: Future[str]) -> None:
        with self._lock:
            if self._futures.get(kid) is fut:
                del self._futures[kid]
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
                rad = s.get(Kjoring, kid)
                if rad is None or rad.status in TERMINALE:
                    return
                forsok = self._forsok.get(kid, 0)
                if (
                    rad.status == "queued"
                    and isinstance(exc, BrokenProcessPool)
                    and not self._stopp.is_set()
                    and forsok < 2
                ):
                    self._forsok[kid] = forsok + 1
                    resend = True
                else:
                    resend = False
                    s.execute(
                        update(Kjoring)
                        .where(Kjoring.id == kid, Kjoring.status.in_(AKTIVE))
                        .values(
                            status="cancelled" if rad.avbryt_bedt else "failed",
                            feilmelding="Avbrutt på forespørsel."
                            if rad.avbryt_bedt
                            else (MELDING_ARBEIDER_DOD if isinstance(exc, BrokenProcessPool) else _feilmelding(exc)),
                            fase="feilet",
                            ferdig=naa(),
                        )
                    )
            if resend:
                self.send_inn(kid)
        except Exception as e:
            log.error("kunne ikke oppdatere kjøring %s etter feil: %s", kid, e)

    def avbryt(self, kid: int) -> str:
        """Stop a job. Returns its status after the request."""
        with self.fabrikk.begin() as s:
            r = s.execute(
                update(Kjoring)
                .where(Kjoring.id == kid, Kjoring.status == "queued")
                .values(status="cancelled", feilmelding="Avbrutt på forespørsel.", fase="avbrutt", ferdig=naa())
            )
            if r.rowcount == 1:
                with self._lock:
                    fut = self._futures.get(kid)
                if fut is not None:
                    fut.cancel()
                return "cancelled"
            s.execute(
                update(Kjoring)
                .where(Kjoring.id == kid, Kjoring.status == "running", Kjoring.avbryt_bedt.is_(None))
                .values(avbryt_bedt=naa())
            )
            rad = s.get(Kjoring, kid)
            return rad.status if rad else "ukjent"

    def antall_i_prosess(self) -> int:
        """Jobs submitted by this server and not yet finished (no database access)."""
        with self._lock:
            return len(self._futures)

    def antall_aktive(self) -> int:
        with self.fabrikk() as s:
            return len(s.scalars(select(Kjoring.id).where(Kjoring.status.in_(AKTIVE))).all())

    # -- watchdog

    def _vaktloop(self) -> None:
        while not self._stopp.wait(1.0):
            try:
                self._vaktrunde()
            except Exception as exc:
                log.warning("jobbvakt: %s", exc)

    def _vaktrunde(self) -> None:
        naa_ = naa()
        with self.fabrikk.begin() as s:
            rader = s.scalars(select(Kjoring).where(Kjoring.status.in_(AKTIVE), Kjoring.instans == self.instans)).all()
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
                            update(Kjoring)
                            .where(Kjoring.id == rad.id, Kjoring.status == "running")
                            .values(
                                status="cancelled" if avbrutt else "failed",
                                feilmelding="Avbrutt på forespørsel." if avbrutt else MELDING_ARBEIDER_DOD,
                                fase="avbrutt" if avbrutt else "feilet",
                                ferdig=naa_,
                            )
                        )
                elif (
                    rad.status == "queued"
                    and rad.id not in self._futures
                    and self._forsok.get(rad.id, 0) < 2
                    and naa_ - rad.opprettet > timedelta(seconds=5)
                    and not self._stopp.is_set()
                ):
                    self.send_inn(rad.id)
