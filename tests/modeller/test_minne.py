"""``modeller.minne.faerre_gc_runder``: the collector's thresholds are raised while the engine runs and put back
after the last nested or concurrent block."""

from __future__ import annotations

import gc
import threading

from modeller.minne import GC_TERSKEL, faerre_gc_runder


def test_terskelen_heves_og_settes_tilbake_ogsaa_naar_blokkene_er_nestet():
    gammel = gc.get_threshold()
    try:
        gc.set_threshold(900, 11, 12)
        with faerre_gc_runder():
            assert gc.get_threshold() == (GC_TERSKEL, 11, 12)
            with faerre_gc_runder():
                assert gc.get_threshold()[0] == GC_TERSKEL
            assert gc.get_threshold()[0] == GC_TERSKEL  # the outer block still runs
        assert gc.get_threshold() == (900, 11, 12)
    finally:
        gc.set_threshold(*gammel)


def test_samtidige_blokker_i_traader_setter_terskelen_tilbake():
    gammel = gc.get_threshold()
    inne = threading.Barrier(2, timeout=10)
    ut = threading.Barrier(2, timeout=10)
    sett: list[int] = []

    def arbeid(vent_ut: bool) -> None:
        with faerre_gc_runder():
            inne.wait()
            if vent_ut:
                ut.wait()
        if not vent_ut:
            sett.append(gc.get_threshold()[0])  # the other thread's block still runs
            ut.wait()

    traader = [threading.Thread(target=arbeid, args=(v,)) for v in (True, False)]
    for t in traader:
        t.start()
    for t in traader:
        t.join()
    assert sett == [GC_TERSKEL]
    assert gc.get_threshold() == gammel
