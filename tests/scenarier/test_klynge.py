"""The scenario and all its inputs travel with the tasks (issue 23): a worker that cannot see the
client's population file still runs the replications, with the same results."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scenarier.befolkning import DATAMAPPE, SYNTETISKE
from scenarier.dask_backend import ProsessBackend, lag_backend
from scenarier.montecarlo import kjor, reisefast
from scenarier.scenariofil import Scenario
from scenarier.simulering import bygg_modell


def _sc(fil: Path) -> Scenario:
    return Scenario(
        navn="fil", kommune="tvedestrand", uker=6, oppvarming_uker=1, replikasjoner=2, seed=4, befolkningsfil=fil
    )


def test_arbeider_uten_klientens_filer(tmp_path: Path) -> None:
    fil = tmp_path / "klient" / "befolkning.csv"
    fil.parent.mkdir()
    shutil.copy(DATAMAPPE / SYNTETISKE["tvedestrand"], fil)
    sc = _sc(fil)
    fasit = kjor([sc], ProsessBackend(1))[0]
    sendt = reisefast(sc)  # what the client puts in every task: the file's text
    assert sendt.befolkning_csv is not None and "alder" in sendt.befolkning_csv.lower()
    shutil.rmtree(fil.parent)  # from now on nobody can open the client's path
    with pytest.raises(FileNotFoundError):
        bygg_modell(sc)  # the old way: a worker opening the client's path
    res = kjor([sendt], ProsessBackend(2))[0]  # spawned worker processes, the file is gone
    assert res.uker.drop(columns="motor_sekunder").equals(fasit.uker.drop(columns="motor_sekunder"))
    assert res.plasseringer.equals(fasit.plasseringer)


def test_scheduler_og_arbeidere_og_localcluster() -> None:
    b = lag_backend(None, 1, dask=True)  # --arbeidere 1 --dask: a LocalCluster with one worker process
    try:
        assert b.navn == "dask" and len(b.klient.scheduler_info()["workers"]) == 1  # type: ignore[attr-defined]
    finally:
        b.lukk()
