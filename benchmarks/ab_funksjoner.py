"""In-process A/B of engine functions: today's code against the same functions at another git revision.

The machine's speed drifts by tens of per cent within minutes, so timings from separate processes
cannot resolve changes under ~10 %. This script loads the *old* source of each named function
(``git show REV:path``), compiles it with the live module as its globals (so it uses today's classes
and helpers, and calls the other swapped functions in whichever version is in place), and swaps old
and new in every loaded module that holds the function, round by round, alternating which goes
first. It prints each round's times and the median ratio old/new.

    python3 benchmarks/ab_funksjoner.py --mot aeb113d \\
        --bytt allokering.kandidater:saksindeks --bytt allokering.referanse:_gradig \\
        --bytt allokering.kandidater:Delproblem.dekomponer --arbeid ukeloop --runder 6

Workloads (``--arbeid``): ``ukeloop`` (the simulator's weekly engine calls, replayed), ``simulator``
(104 simulated weeks; also checks that old and new give the same outcome) and ``sandefjord`` (the
bundled case end to end: solve, marginal values, explanations, validation).
Last line: ``AB arbeid=<name> gammel_s=<median> ny_s=<median> forhold=<median old/new>``.
"""

from __future__ import annotations
import __future__

import argparse
import ast
import hashlib
import importlib
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROT = Path(__file__).resolve().parents[1]


def gammel_funksjon(rev: str, modulnavn: str, navn: str) -> tuple[Any, Any, str]:
    """(owner, old function, attribute name): the function ``navn`` (``Klasse.metode`` for a method)
    of module ``modulnavn`` as it was at git revision ``rev``, compiled in today's module namespace."""
    mod = importlib.import_module(modulnavn)
    fil = Path(mod.__file__ or "").resolve()
    rot = subprocess.run(
        ["git", "-C", str(fil.parent), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
    ).stdout.strip()
    sti = fil.relative_to(rot)
    kilde = subprocess.run(
        ["git", "-C", rot, "show", f"{rev}:{sti.as_posix()}"], capture_output=True, text=True, check=True
    ).stdout
    deler = navn.split(".")
    noder: list[ast.stmt] = ast.parse(kilde).body
    eier: Any = mod
    for klasse in deler[:-1]:
        noder = next(n for n in noder if isinstance(n, ast.ClassDef) and n.name == klasse).body
        eier = getattr(eier, klasse)
    node = next((n for n in noder if isinstance(n, ast.FunctionDef) and n.name == deler[-1]), None)
    if node is None:
        raise SystemExit(f"Fant ikke {navn} i {sti} ved {rev}")
    segment = ast.get_source_segment(kilde, node)
    assert segment is not None
    # Defined with the live module dict as its globals (so it calls whatever is in place, swapped or
    # not), without binding the name in the module; annotations stay unevaluated as in the module.
    rom: dict[str, Any] = {}
    kode = compile(
        textwrap.dedent(segment), f"{rev}:{sti}", "exec", flags=__future__.annotations.compiler_flag, dont_inherit=True
    )
    exec(kode, vars(mod), rom)
    return eier, rom[deler[-1]], deler[-1]


def bytter(rev: str, navn: list[str]) -> Callable[[str], None]:
    """A function that puts every named function's «gammel» or «ny» version in place."""
    plasser: list[tuple[list[tuple[Any, str]], Any, Any]] = []
    for spec in navn:
        modulnavn, _, funksjon = spec.partition(":")
        eier, gammel, attr = gammel_funksjon(rev, modulnavn, funksjon)
        ny = getattr(eier, attr)
        # Every loaded module that imported the function by name holds its own reference.
        steder = [(eier, attr)] + [
            (m, a)
            for m in list(sys.modules.values())
            if m is not None and m is not eier and (m.__name__ or "").split(".")[0] in ("allokering", "scenarier")
            for a, v in list(vars(m).items())
            if v is ny
        ]
        plasser.append((steder, gammel, ny))

    def bruk(hvilken: str) -> None:
        for steder, gammel, ny in plasser:
            for eier, attr in steder:
                setattr(eier, attr, gammel if hvilken == "gammel" else ny)

    return bruk


def arbeid(navn: str) -> tuple[Callable[[], object], int]:
    """(one run of the workload, returning something to compare; how many units it counts)."""
    import allokering.kandidater as K
    import scenarier.simulering as sim
    from allokering.forklaring import lag_tildelinger
    from allokering.loser import loes
    from scenarier.scenariofil import Scenario

    if navn == "sandefjord":
        from allokering.kjoring import kjor
        from modeller.lasting import les_sak

        sak = les_sak(ROT / "modeller" / "data" / "sandefjord.json")

        def ende_til_ende() -> object:
            K._INDEKS.clear()
            kjor(sak)
            return ""  # the result holds timings: no outcome to compare

        return ende_til_ende, 1
    sc = Scenario(navn="ab", kommune="sandefjord", uker=104 if navn == "simulator" else 60, oppvarming_uker=0,
                  replikasjoner=1, seed=1)  # fmt: skip
    modell = sim.bygg_modell(sc)
    if navn == "simulator":

        def simuler() -> object:
            s = sim.Simulator(modell, 0, 12345)
            s.kjor()
            return hashlib.sha256(repr((s.plasseringer, sorted(s.flyt.items()), s.akutt_teller)).encode()).hexdigest()

        return simuler, 1
    fanget: list[Any] = []
    ekte = sim.loes

    def fang(sak: Any, p: Any) -> Any:
        if sak.horisont_dager != 3:
            fanget.append((sak, p))
        return ekte(sak, p)

    sim.Simulator(modell, 0, 123, loeser=fang).kjor()
    uker = fanget[20:]

    def spill() -> object:
        ut = []
        for sak, p in uker:
            K._INDEKS.clear()  # every weekly case is new to the engine in the simulator
            ut.append(lag_tildelinger(loes(sak, p)))
        return hashlib.sha256(repr(ut).encode()).hexdigest()

    return spill, len(uker)


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mot", required=True, help="Git revision of the old functions (e.g. a commit).")
    ap.add_argument("--bytt", action="append", required=True, help="modul:funksjon or modul:Klasse.metode.")
    ap.add_argument("--arbeid", choices=("ukeloop", "simulator", "sandefjord"), default="ukeloop")
    ap.add_argument("--runder", type=int, default=6)
    a = ap.parse_args(argv)
    if a.runder < 1:
        ap.error("--runder må være minst 1")
    bruk = bytter(a.mot, a.bytt)
    kjor_en, antall = arbeid(a.arbeid)
    kjor_en()  # warm-up
    tider: dict[str, list[float]] = {"gammel": [], "ny": []}
    svar: dict[str, set[str]] = {"gammel": set(), "ny": set()}
    for runde in range(a.runder):
        for hvilken in ("gammel", "ny") if runde % 2 == 0 else ("ny", "gammel"):
            bruk(hvilken)
            t = time.perf_counter()
            r = kjor_en()
            tider[hvilken].append((time.perf_counter() - t) / antall)
            svar[hvilken].add(repr(r) if a.arbeid != "sandefjord" else "")
    bruk("ny")
    forhold = [g / n for g, n in zip(tider["gammel"], tider["ny"], strict=True)]
    for hvilken, liste in tider.items():
        print(
            f"{hvilken:>6}: "
            + " ".join(f"{x * 1000:.2f}" for x in liste)
            + f" ms; median {np.median(liste) * 1000:.2f} ms"
        )
    print("gammel/ny per runde: " + " ".join(f"{f:.2f}" for f in forhold))
    if a.arbeid != "sandefjord":
        print("Samme utfall: " + ("ja" if svar["gammel"] == svar["ny"] and len(svar["ny"]) == 1 else "NEI"))
    res = {
        "gammel_s": float(np.median(tider["gammel"])),
        "ny_s": float(np.median(tider["ny"])),
        "forhold": float(np.median(forhold)),
    }
    print(f"AB arbeid={a.arbeid} gammel_s={res['gammel_s']:.6f} ny_s={res['ny_s']:.6f} forhold={res['forhold']:.3f}")
    return res


if __name__ == "__main__":
    main()
