"""The fast paths of ``allokering.kandidater`` give what the straightforward code gives.

``bygg_delproblem`` builds its candidates a block of start days at a time and the indices
(``per_soker``, ``per_klasse_start``, …) along with them; ``_starter`` computes a unit's start
days with shared period tuples and prefix counts; ``Delproblem.dekomponer`` reads only the
chosen columns. Each is compared here with a plain reference on generated cases (locks,
couples, movers) or random input: same values, same order."""

from __future__ import annotations

import dataclasses
import random
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allokering.kandidater import Delproblem, Kandidat, Plassering, _starter, bygg_delproblem, koblede_familier
from allokering.prioritet import placement_value, prioriter_alle
from allokering.regler import kvalifiser_alle
from modeller.generator import generer
from modeller.kodeverk import Familie
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND
from modeller.sak import Sak


def _sak(seed: int) -> Sak:
    """A generated case with locks of every kind, couples and current stays."""
    return generer(
        30_000,
        (SANDEFJORD, TVEDESTRAND)[seed % 2],
        seed=seed,
        antall_sokere=40 + seed % 4 * 10,
        antall_enheter=5 + seed % 5,
        andel_ektepar=0.2,
        andel_laast=0.2,
        horisont_dager=(14, 28, 60, 7)[seed % 4],
    )


def _delproblemer(sak: Sak) -> list[Delproblem]:
    kval = kvalifiser_alle(sak)
    prio = prioriter_alle(sak)
    ut = []
    for gruppe in koblede_familier(sak):
        for aggreger in (True, False):
            ut.append(bygg_delproblem(sak, gruppe, kval, prio, aggreger=aggreger))
    ut.append(bygg_delproblem(sak, tuple(Familie), kval, prio, kandidat_kapasitet=1))
    return ut


def _rekkefolge(d: dict[Any, list[int]]) -> list[tuple[Any, list[int]]]:
    return list(d.items())  # dict equality ignores the order of the keys; this does not


@pytest.mark.parametrize("seed", [3, 17, 40, 101, 555, 902])
def test_indeksene_er_de_indekser_regner_ut(seed: int) -> None:
    """The indices built with the candidates equal ``indekser`` over the finished lists, keys
    in the same order; ids are positions; values follow ``placement_value``."""
    sak = _sak(seed)
    prio = prioriter_alle(sak)
    h = sak.horisont_dager
    sett_klasser = 0
    for dp in _delproblemer(sak):
        fasit = dataclasses.replace(dp, per_soker={}, per_enhet={}, per_klasse_start={})
        fasit.strom_per_enhet, fasit.strom_per_klasse_start = {}, {}
        fasit.indekser()
        assert _rekkefolge(dp.per_soker) == _rekkefolge(fasit.per_soker)
        assert _rekkefolge(dp.per_enhet) == _rekkefolge(fasit.per_enhet)
        assert _rekkefolge(dp.per_klasse_start) == _rekkefolge(fasit.per_klasse_start)
        assert _rekkefolge(dp.strom_per_enhet) == _rekkefolge(fasit.strom_per_enhet)
        assert _rekkefolge(dp.strom_per_klasse_start) == _rekkefolge(fasit.strom_per_klasse_start)
        assert dp.sokere == sorted({p for k in dp.kandidater for p in k.personer})
        assert [k.idx for k in dp.kandidater] == list(range(len(dp.kandidater)))
        assert [z.idx for z in dp.strommer] == list(range(len(dp.strommer)))
        assert all(type(k) is Kandidat and len(k) == len(Kandidat._fields) for k in dp.kandidater)
        for k in dp.kandidater:
            assert k.verdi == sum(placement_value(prio[p].total, k.start, h) for p in k.personer)
            assert k.perioder[0][0] == k.start and k.slutt <= h - 1
        # Every member of a class has one candidate per start of the class, as its flows have.
        for (kl, start), idx in dp.per_klasse_start.items():
            assert {dp.kandidater[i].klasse for i in idx} == {kl}
            assert {dp.kandidater[i].start for i in idx} == {start}
            assert (kl, start) in dp.strom_per_klasse_start
            sett_klasser += 1
    assert sett_klasser > 0  # the cases do have classes


def _starter_referanse(s, e, kv, ledig_u, sufmaks_u, hendelser_u, h, mover_units):  # type: ignore[no-untyped-def]
    """The start days as the module docstring states them, one day at a time."""
    fam = e.plasstype.familie
    frigjor = e.id in mover_units
    if fam == Familie.AKUTT:
        if ledig_u[0] > 0:
            yield 0, ((0, min(h - 1, (kv.lengde_dogn or 1) - 1)),)
        return
    if fam == Familie.AVLASTNING:
        a = s.soknad.avlastning
        for off in range(min(a.periode, h)):
            perioder = []
            d = off
            while d < h:
                perioder.append((d, min(h - 1, d + a.dager - 1)))
                d += a.periode
            if frigjor or all(min(ledig_u[lo : hi + 1]) > 0 for lo, hi in perioder):
                yield off, tuple(perioder)
        return
    if kv.lengde_dogn is not None:
        for d in range(h):
            if frigjor or ledig_u[d] > 0:
                yield d, ((d, min(h - 1, d + kv.lengde_dogn - 1)),)
        return
    for d in hendelser_u:
        if frigjor or sufmaks_u[d] > 0:
            yield d, ((d, h - 1),)


@settings(max_examples=300, deadline=None)
@given(
    familie=st.sampled_from([Familie.AKUTT, Familie.AVLASTNING, Familie.KORTTID, Familie.LANGTID]),
    ledig=st.lists(st.integers(-2, 3), min_size=1, max_size=40),
    lengde=st.one_of(st.none(), st.integers(1, 60)),
    dager=st.integers(1, 10),
    periode=st.integers(1, 50),
    frigjor=st.booleans(),
    frø=st.integers(0, 1000),
)
def test_startdagene_er_referansens(
    familie: Familie, ledig: list[int], lengde: int | None, dager: int, periode: int, frigjor: bool, frø: int
) -> None:
    h = len(ledig)
    if familie == Familie.KORTTID and lengde is None:
        lengde = 14
    e = SimpleNamespace(id="u1", plasstype=SimpleNamespace(familie=familie))
    s = SimpleNamespace(soknad=SimpleNamespace(avlastning=SimpleNamespace(dager=dager, periode=periode)))
    kv = SimpleNamespace(lengde_dogn=None if familie == Familie.LANGTID else lengde)
    sufmaks = [max(ledig[d:]) for d in range(h)]
    hendelser = sorted({0, *random.Random(frø).sample(range(h), min(h, 5))})
    args = (s, e, kv, ledig, sufmaks, hendelser, h, {"u1"} if frigjor else set())
    ny = _starter(*args)
    assert list(zip(ny.dager, ny.perioder, strict=True)) == list(_starter_referanse(*args))


def _dekomponer_referanse(dp: Delproblem, x: list[float]) -> list[Plassering]:
    """Every candidate read in turn; class members matched to their flows' units."""
    n = len(dp.kandidater)
    ut = [Plassering(k, k.enhet) for k in dp.kandidater if k.enhet is not None and x[k.idx] > 0.5]
    rang = dp.rang()
    for (kl, st_), idx in sorted(dp.per_klasse_start.items()):
        valgte = sorted(
            (dp.kandidater[i] for i in idx if x[i] > 0.5), key=lambda k: (rang.get(k.personer[0], 0), k.personer)
        )
        plasser = [
            dp.strommer[j].enhet
            for j in sorted(dp.strom_per_klasse_start.get((kl, st_), []), key=lambda j: dp.strommer[j].enhet)
            for _ in range(round(x[n + j]))
        ]
        ut.extend(Plassering(k, u) for k, u in zip(valgte, plasser, strict=False))
    return ut


@pytest.mark.parametrize("seed", [5, 64, 333])
def test_dekomponer_er_referansens(seed: int) -> None:
    """Random solution vectors (fractional ones too), as an array and as a list."""
    r = random.Random(seed)
    sak = _sak(seed)
    prøvd = 0
    for dp in _delproblemer(sak):
        n, m = len(dp.kandidater), len(dp.strommer)
        for _ in range(5):
            x = [r.choice((0.0, 0.0, 0.0, 1.0, 0.4, 0.6, 1.0)) for _ in range(n)]
            x += [float(r.choice((0, 1, 2, 3))) + r.choice((0.0, 0.3, -0.3)) for _ in range(m)]
            fasit = _dekomponer_referanse(dp, x)
            assert dp.dekomponer(x) == fasit
            assert dp.dekomponer(np.asarray(x)) == fasit
            prøvd += any(p.kandidat.enhet is None for p in fasit)
    assert prøvd > 0  # some vectors did place class members through flows


def _stigninger(rad: list[int]) -> set[int]:
    """Day 0 and every day the free count rises."""
    return {0} | {d for d in range(1, len(rad)) if rad[d] > rad[d - 1]}


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_ekteparenes_felles_leiligheter_er_referansens(seed: int) -> None:
    """A couple's joint candidates start on every event day from which the flat has a free
    place and a free two-room flat some day on (each start checked against the whole rest of
    the horizon)."""
    sak = generer(
        30_000, SANDEFJORD, seed=seed, antall_sokere=200, antall_enheter=20, andel_ektepar=0.5, horisont_dager=28
    )
    kval, prio = kvalifiser_alle(sak), prioriter_alle(sak)
    dp = bygg_delproblem(sak, Familie.BOLIG, kval, prio)
    assert not dp.frigjoringer  # the event days are then those of the free counts alone
    enheter = {e.id: e for e in sak.enheter if e.id in dp.ledig}
    fasit = []
    for par in dp.ektepar:
        for u in sorted(set(kval[par.a].enheter) & set(kval[par.b].enheter)):
            e = enheter.get(u)
            if e is None or e.toroms == 0 or e.plasstype.value != "senterleilighet":
                continue
            ledig, ledig_2r = dp.ledig[u], dp.ledig_toroms[u]
            for d in sorted(_stigninger(ledig) | _stigninger(ledig_2r)):
                if max(ledig[d:]) > 0 and max(ledig_2r[d:]) > 0:
                    fasit.append(((par.a, par.b), u, d, ((d, dp.horisont - 1),)))
    assert [(k.personer, k.enhet, k.start, k.perioder) for k in dp.kandidater if k.toroms] == fasit
    assert fasit  # the cases do have joint candidates
