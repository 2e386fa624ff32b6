"""What a worker sends back from one replication: its outputs as tables, made where it ran.

A 20-year replication of the Sandefjord-size case holds about 31 000 placements, and building the
tables from Python tuples was the serial tail of a sweep: 100 such replications took 8.9 s to
unpickle and 14.2 s to gather in the client, with a peak of 4.3 GB there (measured 27.11.2026, before
this module). Each worker now makes the tables of its own replication, so that work runs in
parallel, and the client only concatenates them. The daily occupancy per unit and the arrival log
(the tests check capacity day by day and the common random numbers on them) stay with
``simulering.Replikasjon`` in the worker; what is sent is occupancy per unit and year and the
avlastning beds per day, which is all the tables, the report and the CLI use. After: 0.8 s to
unpickle, 0.6 s to gather, 1.2 GB peak (the same 100 replications).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scenarier.simulering import Modell, Plasseringsrad, Replikasjon

PLASSERING_KOLONNER = Plasseringsrad._fields  # the columns of the ``plasseringer`` table, after ``rep``


@dataclass
class Utdrag:
    """The outputs of one replication as tables, each with a ``rep`` column."""

    rep: int
    start: date  # the first day after warm-up (day 0 of the tables)
    enheter: pd.DataFrame  # enhet_id, institusjon_id, navn, plasstype: the same in every replication
    uker: pd.DataFrame
    plasseringer: pd.DataFrame
    belegg_aar: pd.DataFrame  # rep, aar, enhet_id, plasstype, belegg, belagte_dogn, plassdogn
    avlastning_dag: np.ndarray  # occupied avlastning beds per day
    flyt: pd.DataFrame  # rep, fra, til, antall
    motor_sekunder: np.ndarray
    motor_kall: int


def lag_utdrag(m: Modell, r: Replikasjon) -> Utdrag:
    """The tables of replication ``r`` of model ``m`` (dates from the first day after warm-up)."""
    start = m.dato(m.oppvarming_dager)
    uker = pd.DataFrame(r.uker).assign(rep=r.rep)
    pl = pd.DataFrame([(r.rep, *x) for x in r.plasseringer], columns=["rep", *PLASSERING_KOLONNER])
    if len(pl):
        pl["start_dato"] = pd.to_datetime(start) + pd.to_timedelta(pl["start_dag"], unit="D")
        pl["start_aar"] = pl["start_dato"].dt.year
    else:
        pl["start_aar"] = pd.Series(dtype=int)
    # Occupancy per unit and year (the share of its place-days), and the avlastning beds per day.
    typer = {p.id: p.plasstype.value for p in m.enheter}
    ndag = len(next(iter(r.belegg.values()))) if r.belegg else 0
    aar_dag = pd.date_range(start, periods=ndag, freq="D").year.to_numpy()
    aar, fra = np.unique(aar_dag, return_index=True)
    rader = []
    avlastning = np.zeros(ndag)
    for u, b in r.belegg.items():
        if ndag:
            brukt, kap = np.add.reduceat(b, fra), np.add.reduceat(r.kapasitet[u], fra)
            for a, bs, ks in zip(aar.tolist(), brukt.tolist(), kap.tolist(), strict=True):
                rader.append((r.rep, a, u, typer[u], bs / ks if ks else math.nan, bs, ks))
        if typer[u] == "avlastning":
            avlastning += b
    belegg_aar = pd.DataFrame(
        rader, columns=["rep", "aar", "enhet_id", "plasstype", "belegg", "belagte_dogn", "plassdogn"]
    )
    flyt = pd.DataFrame([(r.rep, a, b, n) for (a, b), n in r.flyt.items()], columns=["rep", "fra", "til", "antall"])
    enheter = pd.DataFrame(
        [
            {"enhet_id": p.id, "institusjon_id": p.institusjon, "navn": p.navn, "plasstype": p.plasstype.value}
            for p in m.enheter
        ]
    )
    return Utdrag(
        rep=r.rep,
        start=start,
        enheter=enheter,
        uker=uker,
        plasseringer=pl,
        belegg_aar=belegg_aar,
        avlastning_dag=avlastning,
        flyt=flyt,
        motor_sekunder=np.asarray(r.motor_sekunder, dtype=float),
        motor_kall=r.motor_kall,
    )
