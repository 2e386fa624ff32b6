"""Benchmark: 20 years × 100 replications of the Sandefjord-size case with the engine in the loop.

Prints the per-call and per-week engine time, the measured wall time of a Dask LocalCluster sweep with
1 and with 2 workers (same tasks, same seeds) in ``--runder`` alternating rounds with the speed-up as the
median of the rounds' ratios, and the wall time of the full 20 y × 100 r run. The full run takes hours
with today's engine; by default it is **estimated** from the median 2-worker throughput (weeks per
second) and labelled so; ``--full`` runs it for real.

Last line: ``RESULT case=scenario-sandefjord-20y-100r seconds=<x> workers1_s=<x> workers2_s=<x>`` (the
1- and 2-worker times are medians over the rounds).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from scenarier.dask_backend import DaskBackend
from scenarier.montecarlo import kjor
from scenarier.scenariofil import Scenario


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    # 8 × 52: long enough that the cluster's fixed costs (task shipping, the first model build
    # per worker) do not hide the scaling; 4 × 26 measured 1.39×, 8 × 52 1.92× on 2 cores.
    ap.add_argument("--uker", type=int, default=52, help="Weeks per replication in the 1-vs-2-worker sweep.")
    ap.add_argument("--replikasjoner", type=int, default=8, help="Replications in the sweep.")
    ap.add_argument("--full", action="store_true", help="Run the full 20 y × 100 r (hours with today's engine).")
    ap.add_argument(
        "--runder", type=int, default=3, help="Rounds of (1 worker, 2 workers), alternating; medians are reported."
    )
    a = ap.parse_args(argv)
    if a.runder < 1:
        ap.error("--runder må være minst 1")
    sweep = Scenario(
        navn="bench", kommune="sandefjord", uker=a.uker, oppvarming_uker=0, replikasjoner=a.replikasjoner, seed=1
    )
    # The machine's speed drifts by tens of per cent within minutes: the 1- and 2-worker runs
    # alternate, and the speed-up is the median of each round's own ratio.
    maalt: dict[int, list[float]] = {1: [], 2: []}
    motor: list[float] = []
    uke_motor = np.zeros(0)
    for runde in range(a.runder):
        for n in (1, 2):
            b = DaskBackend(arbeidere=n)
            try:
                kjor([sweep.model_copy(update={"replikasjoner": 1, "uker": 1})], b)  # warm the workers (imports)
                t = time.perf_counter()
                res = kjor([sweep], b)[0]
                maalt[n].append(time.perf_counter() - t)
                if n == 1 and runde == 0:  # engine time measured without a second worker competing for the cores
                    motor = res.motor_sekunder
                    uke_motor = res.uker["motor_sekunder"].to_numpy()
            finally:
                b.lukk()
            print(
                f"Runde {runde + 1}: Dask LocalCluster {n} arbeider(e): {maalt[n][-1]:.1f} s "
                f"for {a.replikasjoner} × {a.uker} uker"
            )
    tider = {n: float(np.median(v)) for n, v in maalt.items()}
    forhold = [t1 / t2 for t1, t2 in zip(maalt[1], maalt[2], strict=True)]
    uker_totalt = a.replikasjoner * a.uker
    print(
        f"Motor: {len(motor)} kall, {1000 * np.mean(motor):.1f} ms per kall; "
        f"{1000 * uke_motor.mean():.1f} ms motortid per uke"
    )
    print(
        f"Veggtid per uke (1 arbeider, runde 1): {1000 * maalt[1][0] / uker_totalt:.1f} ms; "
        f"andel motor {uke_motor.sum() / maalt[1][0]:.0%}"
    )
    print(
        f"Speedup 2 vs 1 arbeider: median {float(np.median(forhold)):.2f}× over {a.runder} runder "
        f"(hver runde: {', '.join(f'{f:.2f}×' for f in forhold)}); medianer {tider[1]:.1f} s og {tider[2]:.1f} s"
    )
    full = Scenario(navn="bench", kommune="sandefjord", startaar=2026, sluttaar=2045, replikasjoner=100, seed=1)
    if a.full:
        b = DaskBackend(arbeidere=2)
        try:
            t = time.perf_counter()
            kjor([full], b)
            sek = time.perf_counter() - t
        finally:
            b.lukk()
        print(f"Full kjøring 20 år × 100 replikasjoner (målt): {sek:.0f} s")
    else:
        n_uker = 100 * (full.antall_uker + full.oppvarming_uker)
        sek = tider[2] / uker_totalt * n_uker
        print(
            f"Full kjøring 20 år × 100 replikasjoner: ESTIMERT {sek:.0f} s fra målt 2-arbeider-gjennomstrømning "
            f"({n_uker} uker; kjør med --full for å måle; køene vokser over 20 år, så estimatet er nedre grense)"
        )
    print(
        f"RESULT case=scenario-sandefjord-20y-100r seconds={sek:.1f} "
        f"workers1_s={tider[1]:.1f} workers2_s={tider[2]:.1f}"
    )


if __name__ == "__main__":
    main()
