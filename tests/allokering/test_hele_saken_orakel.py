"""The whole case's level values against an oracle: every family of a generated case as ONE
mixed-integer programme, solved lexicographically by HiGHS.

The oracle is written from the case and the rules alone, like the validator: it reads the
eligibility and priority (``regler``, ``prioritet``: what the rules say, not how the engine
models them) and builds its own variables — one 0/1 column per søker, eligible unit and *every*
start day (no event-day reduction, no classes, no flows) — and its own rows: one place per
søker, and per unit and day new stays minus the current stays released by their holders'
placements at most the free places. A søker's current stay in a unit of any family is released
from the day the søker's new stay starts (a korttid bed left for langtid). On a day a unit is
over-occupied (more current stays than places) the over-occupancy stands and a new stay comes only
where releases make room: new ≤ max(0, free + released), one 0/1 column per such unit and day
(``orakel``). Levels: 1 priority
value of the placements, 2 couples (the cases have none), 3 preferred institutions (3/2/1),
4 moves of langtid residents within langtid (minimised). None of the engine's model code
(``kandidater``, ``modell``, ``lp``) is used.

Also: the order of the families (``Strategi.rekkefolge``) changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import highspy
import numpy as np
import pytest

from allokering.loser import Loserparametre, loes
from allokering.prioritet import placement_value, prioriter_alle
from allokering.regler import Utfall, kvalifiser_alle
from allokering.strategi import Strategi
from modeller.generator import generer
from modeller.kodeverk import Familie, Oppholdssted
from modeller.regelprofil import SANDEFJORD, TVEDESTRAND
from modeller.sak import Sak

UTEN = Loserparametre(marginalverdier=False, ektepar_kostnad=False, laaspriser=False)


def _sak(seed: int) -> Sak:
    profil = SANDEFJORD if seed % 2 else TVEDESTRAND
    return generer(
        40_000,
        profil,
        seed=seed,
        antall_sokere=70,
        antall_enheter=12,
        andel_ektepar=0.0,
        andel_laast=0.0,
        horisont_dager=14,
    )


def _perioder(fam: Familie, sak: Sak, s, kv, h: int) -> list[tuple[int, tuple[tuple[int, int], ...]]]:  # type: ignore[no-untyped-def]
    """Every (start, occupied days) a stay of this søker can have within the horizon."""
    if fam == Familie.AKUTT:  # met on day 0 or not at all
        return [(0, ((0, min(h - 1, (kv.lengde_dogn or 1) - 1)),))]
    a = s.soknad.avlastning
    if fam == Familie.AVLASTNING and a is not None:
        ut = []
        for off in range(min(a.periode, h)):
            pp = []
            st = off
            while st < h:
                pp.append((st, min(h - 1, st + a.dager - 1)))
                st += a.periode
            ut.append((off, tuple(pp)))
        return ut
    if kv.lengde_dogn is not None:
        return [(st, ((st, min(h - 1, st + kv.lengde_dogn - 1)),)) for st in range(h)]
    return [(st, ((st, h - 1),)) for st in range(h)]


def orakel(sak: Sak) -> list[int]:
    """The whole case's four level values, lexicographically optimal, by HiGHS."""
    kval = kvalifiser_alle(sak)
    prio = prioriter_alle(sak)
    h = sak.horisont_dager
    enheter = {e.id: e for e in sak.enheter}
    opphold = {o.id: o for o in sak.opphold}
    brukt = {u: np.zeros(h, dtype=np.int64) for u in enheter}
    for o in sak.opphold:
        if o.enhet_id not in brukt:
            continue
        lo = max(0, sak.dag(o.start))
        hi = h - 1 if o.forventet_slutt is None else min(h - 1, sak.dag(o.forventet_slutt))
        if lo <= hi:
            brukt[o.enhet_id][lo : hi + 1] += 1
    # Columns.
    kol: list[tuple[str, str, int, tuple[tuple[int, int], ...]]] = []
    nivaa: list[list[int]] = [[], [], [], []]
    frigjor: dict[str, tuple[str, int]] = {}  # søker → (unit of the current stay, its last day)
    familie: dict[str, Familie] = {}
    for s in sorted(sak.sokere, key=lambda s: s.id):
        kv = kval.get(s.id)
        if kv is None or kv.utfall != Utfall.KVALIFISERT:
            continue
        fam = familie[s.id] = s.soknad.tjeneste.familie
        naa = opphold.get(s.naverende_opphold_id) if s.naverende_opphold_id else None
        naa_enhet = naa.enhet_id if naa is not None and naa.enhet_id in enheter else None
        if naa is not None and naa_enhet is not None:
            slutt = h - 1 if naa.forventet_slutt is None else min(h - 1, sak.dag(naa.forventet_slutt))
            if max(0, sak.dag(naa.start)) <= slutt:
                frigjor[s.id] = (naa_enhet, slutt)
        flytter = int(
            s.oppholdssted == Oppholdssted.LANGTID
            and s.id in frigjor
            and enheter[frigjor[s.id][0]].plasstype.familie == fam
        )
        onsker = list(s.soknad.onskede_institusjoner)
        for u in kv.enheter:
            e = enheter.get(u)
            if e is None or e.plasstype.familie != fam or (naa_enhet == u):
                continue
            pref = (3, 2, 1)[onsker.index(e.institusjon_id)] if e.institusjon_id in onsker[:3] else 0
            for st, pp in _perioder(fam, sak, s, kv, h):
                kol.append((s.id, u, st, pp))
                nivaa[0].append(placement_value(prio[s.id].total, st, h))
                nivaa[1].append(0)
                nivaa[2].append(pref)
                nivaa[3].append(-flytter)
    n = len(kol)
    hs = highspy.Highs()
    hs.setOptionValue("output_flag", False)
    hs.setOptionValue("mip_rel_gap", 0.0)
    hs.setOptionValue("mip_abs_gap", 0.5)
    hs.setOptionValue("random_seed", 0)
    inf = highspy.kHighsInf
    hs.addVars(n, np.zeros(n), np.ones(n))
    hs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    per_soker: dict[str, list[int]] = defaultdict(list)
    dekker: dict[tuple[str, int], list[int]] = defaultdict(list)
    for j, (sid, u, _st, pp) in enumerate(kol):
        per_soker[sid].append(j)
        for lo, hi in pp:
            for d in range(lo, hi + 1):
                dekker[(u, d)].append(j)
    for idx in per_soker.values():
        hs.addRow(-inf, 1, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
    aapen = 0  # 0/1 columns «unit u admits new stays on over-occupied day d», added after the others
    for u, e in sorted(enheter.items()):
        for d in range(h):
            ny = dekker.get((u, d), [])
            fri = int(e.kapasitet - brukt[u][d])
            rel = [
                j
                for sid, (v, slutt) in frigjor.items()
                if v == u and d <= slutt
                for j in per_soker[sid]
                if kol[j][2] <= d
            ]
            if not ny:
                continue
            koef = [1.0] * len(ny) + [-1.0] * len(rel)
            if fri >= 0 or not rel:
                idx = np.array(ny + rel, dtype=np.int32)
                hs.addRow(-inf, max(fri, 0) if not rel else fri, len(idx), idx, np.array(koef))
                continue
            # Over-occupied: new ≤ max(0, free + released). With y = 1 new − released ≤ free;
            # with y = 0 nothing new (and no release is forced).
            y = n + aapen
            aapen += 1
            hs.addVar(0, 1)
            hs.changeColIntegrality(y, highspy.HighsVarType.kInteger)
            idx = np.array([*ny, y], dtype=np.int32)
            hs.addRow(-inf, 0, len(idx), idx, np.array([1.0] * len(ny) + [-float(len(ny))]))
            idx = np.array(ny + rel + [y], dtype=np.int32)
            hs.addRow(-inf, 0, len(idx), idx, np.array([*koef, float(-fri)]))
    nivaa = [rad + [0] * aapen for rad in nivaa]
    n += aapen
    verdier: list[int] = []
    alle = np.arange(n, dtype=np.int32)
    for k in range(4):
        c = np.array(nivaa[k], dtype=np.float64)
        hs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        hs.changeColsCost(n, alle, c)
        hs.run()
        assert hs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        x = np.rint(np.array(hs.getSolution().col_value))
        v = round(float(c @ x))
        verdier.append(v if k < 3 else -v)
        # Hold this level at its optimum for the later ones.
        nz = np.flatnonzero(c)
        if nz.size:
            hs.addRow(v, inf, nz.size, nz.astype(np.int32), c[nz])
    return verdier


def _nivaaer(sak: Sak, p: Loserparametre = UTEN) -> list[int]:
    losning = loes(sak, p)
    assert losning.status == "OPTIMAL"
    return [sum(f.nivaaer[k].verdi for f in losning.familier.values()) for k in range(4)]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_hele_sakens_nivaaer_er_orakelets(seed: int) -> None:
    sak = _sak(seed)
    assert _nivaaer(sak) == orakel(sak)


def test_orakelet_ser_koblingen() -> None:
    """The oracle is not blind to the coupling: some generated case has søkere on korttid who
    apply for langtid, the case the sequential solve got wrong."""
    koblet = 0
    for seed in (1, 2, 3, 4):
        sak = _sak(seed)
        opphold = {o.id: o for o in sak.opphold}
        enheter = {e.id: e for e in sak.enheter}
        for s in sak.sokere:
            o = opphold.get(s.naverende_opphold_id) if s.naverende_opphold_id else None
            if o is not None and o.enhet_id in enheter:
                koblet += enheter[o.enhet_id].plasstype.familie != s.soknad.tjeneste.familie
    assert koblet > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_familienes_rekkefolge_endrer_ingenting(seed: int) -> None:
    sak = _sak(seed)
    a = loes(sak, UTEN)
    rekkefolge = tuple(reversed(UTEN.strategi.rekkefolge))
    b = loes(sak, replace(UTEN, strategi=Strategi(rekkefolge=rekkefolge)))
    for fam in a.familier:
        assert [n.verdi for n in a.familier[fam].nivaaer] == [n.verdi for n in b.familier[fam].nivaaer]
        pa = sorted((pl.kandidat.personer, pl.enhet, pl.kandidat.start) for pl in a.familier[fam].plasseringer)
        pb = sorted((pl.kandidat.personer, pl.enhet, pl.kandidat.start) for pl in b.familier[fam].plasseringer)
        assert pa == pb
