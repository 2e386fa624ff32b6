"""Where replications run: in this process, on a local process pool (default) or on Dask.

Every task is ``(scenario as JSON, scenario index, replication, replication seed)`` and its result
depends on nothing else (no global random state, streams keyed by seed/replication/week), so the same
seeds give the same results on every backend and in any order. ``DaskBackend`` connects to a scheduler
when given an address (``tcp://host:8786``) and otherwise starts a ``LocalCluster`` with one thread
per worker process (CP-SAT runs single-threaded and deterministic per solve).
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from scenarier.scenariofil import Scenario
from scenarier.simulering import Modell, Simulator, bygg_modell
from scenarier.utdrag import Utdrag, lag_utdrag


@dataclass(frozen=True)
class Oppgave:
    scenario_json: str
    scenario_nr: int
    rep: int
    rep_seed: int


_MODELLER: dict[str, Modell] = {}


def _modell(scenario_json: str) -> Modell:
    key = hashlib.sha256(scenario_json.encode()).hexdigest()
    m = _MODELLER.get(key)
    if m is None:
        m = bygg_modell(Scenario.model_validate_json(scenario_json))
        _MODELLER.clear()  # one scenario at a time per process is enough
        _MODELLER[key] = m
    return m


def varm(scenario_json: str) -> None:
    """Build (and keep) a scenario's model in this process and simulate one week of it (discarded):
    run on every worker before a timed run (``client.run(varm, …)``), so no replication pays for the
    model, the imports or the engine's first solves (loading OR-Tools: measured as a 6× slower first
    task on a cold worker, benchmarks/README.md)."""
    m = _modell(scenario_json)
    sim = Simulator(m, 0, 0)
    sim.initier()
    sim.uke(0)


def kjor_oppgave(oppgave: Oppgave) -> tuple[int, Utdrag]:
    """Run one replication and make its tables where it ran (top level: picklable for process
    pools and Dask)."""
    m = _modell(oppgave.scenario_json)
    return oppgave.scenario_nr, lag_utdrag(m, Simulator(m, oppgave.rep, oppgave.rep_seed).kjor())


Fremdrift = Callable[[int, int], None]  # (done, total)


class Backend:
    navn = "serie"

    def kjor(self, oppgaver: Sequence[Oppgave], fremdrift: Fremdrift | None = None) -> list[tuple[int, Utdrag]]:
        ut = []
        for i, o in enumerate(oppgaver):
            ut.append(kjor_oppgave(o))
            if fremdrift:
                fremdrift(i + 1, len(oppgaver))
        return ut

    def lukk(self) -> None:
        pass


class ProsessBackend(Backend):
    """A local process pool (``spawn``: no inherited solver state)."""

    navn = "prosesspool"

    def __init__(self, arbeidere: int | None = None):
        self.arbeidere = arbeidere or max(1, mp.cpu_count())

    def kjor(self, oppgaver: Sequence[Oppgave], fremdrift: Fremdrift | None = None) -> list[tuple[int, Utdrag]]:
        if self.arbeidere == 1:
            return super().kjor(oppgaver, fremdrift)
        ut: dict[int, tuple[int, Utdrag]] = {}
        with ProcessPoolExecutor(self.arbeidere, mp_context=mp.get_context("spawn")) as pool:
            fut = {pool.submit(kjor_oppgave, o): i for i, o in enumerate(oppgaver)}
            for f in as_completed(fut):
                ut[fut[f]] = f.result()
                if fremdrift:
                    fremdrift(len(ut), len(oppgaver))
        return [ut[i] for i in range(len(oppgaver))]


class DaskBackend(Backend):
    """Dask distributed: an existing scheduler (``adresse``; with ``arbeidere`` it waits until that many
    workers have joined) or a LocalCluster of ``arbeidere`` processes. Each task carries the scenario
    with its population file's text (``montecarlo.reisefast``): a worker needs no file of the client."""

    navn = "dask"

    def __init__(self, adresse: str | None = None, arbeidere: int | None = None):
        from dask.distributed import Client, LocalCluster

        self._cluster: Any = None
        self.kun_arbeidere: list[str] | None = None  # run only on these workers (the benchmark's 1-worker run)
        if adresse:
            self.klient = Client(adresse)
            if arbeidere:
                # Join an existing cluster: wait for the workers asked for (never silently fewer).
                try:
                    self.klient.wait_for_workers(arbeidere, timeout=120)
                except TimeoutError as exc:
                    n = len(self.klient.scheduler_info()["workers"])
                    self.klient.close()
                    raise RuntimeError(
                        f"scheduleren {adresse} har {n} arbeider(e) etter 120 s, ikke {arbeidere} som bedt om"
                    ) from exc
        else:
            self._cluster = LocalCluster(
                n_workers=arbeidere or max(1, mp.cpu_count()),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.klient = Client(self._cluster)

    def kjor(self, oppgaver: Sequence[Oppgave], fremdrift: Fremdrift | None = None) -> list[tuple[int, Utdrag]]:
        from dask.distributed import as_completed as dask_as_completed

        futures = self.klient.map(kjor_oppgave, list(oppgaver), pure=False, workers=self.kun_arbeidere)
        indeks = {f.key: i for i, f in enumerate(futures)}
        ut: dict[int, tuple[int, Utdrag]] = {}
        for f in dask_as_completed(futures):
            ut[indeks[f.key]] = f.result()
            if fremdrift:
                fremdrift(len(ut), len(oppgaver))
        return [ut[i] for i in range(len(oppgaver))]

    def lukk(self) -> None:
        self.klient.close()
        if self._cluster is not None:
            self._cluster.close()


def lag_backend(scheduler: str | None = None, arbeidere: int | None = None, dask: bool = False) -> Backend:
    """Dask when a scheduler address is given (or ``dask=True``), else a local process pool."""
    if scheduler or dask:
        return DaskBackend(scheduler, arbeidere)
    return ProsessBackend(arbeidere)
