"""The meeting page with the Sandefjord case: every lock of the case is shown (the case file's five too), a søker's
explanation shows the case-file lock that holds them back, the lock form offers only units the søker can use (and
says why the others are missing), and the feedback lands next to the form in a live region."""

from __future__ import annotations

import math
import statistics
import time

import pytest

from tests.web.conftest import Side, Tjener
from tests.web.test_sider import _ingen_alvorlige, _vent_kjoring

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_sandefjord_laaser_fra_saksfilen_og_laasvalg(side: Side, tjener: Tjener) -> None:
    s = side.side
    side.logg_inn("saksbehandler")
    s.select_option("#demo", "sandefjord")
    s.click("#last-demo")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('Demosaken')")
    t0 = time.perf_counter()
    s.click("#los")
    forste = _vent_kjoring(side)
    forste_s = time.perf_counter() - t0

    # all five locks of the case file are listed, with who set them and when
    laaser = s.inner_text("#laaser")
    assert "Ingen låser i saken" not in laaser
    assert s.locator("#laaser tbody tr", has_text="Fil nr.").count() == 5
    assert "tildelingsmøtet" in laaser and "5 aktive låser, 5 av dem fra saksfilen" in laaser

    # S-000227 is held back by the file's ikke_tildel lock: the explanation says so
    s.locator('#laaser button.sok[data-s="S-000227"]').click()
    s.wait_for_function("() => document.getElementById('forklaring-tittel').textContent.includes('S-000227')")
    egne = s.inner_text("#forklaring-laaser")
    assert "Skal ikke tildeles" in egne and "fra saksfilen" in egne
    assert "Ingen aktive låser" not in egne
    # the form explains the conflict before the user tries
    assert "Saksfilen har allerede en lås" in s.inner_text("#laas-enhet-hjelp")

    # a placed søker: the form offers only eligible units with room; the rest are explained
    sok = s.locator(".rutenett button.sok.start").first
    sid = sok.get_attribute("data-s")
    assert "prioritet" in (sok.get_attribute("title") or "") and "fra " in (sok.get_attribute("title") or "")
    sok.click()
    s.wait_for_function(f"() => document.getElementById('forklaring-tittel').textContent.includes('{sid}')")
    tilbudt = s.locator("#laas-enhet option").count() - 1
    assert 0 < tilbudt < 49
    hjelp = s.inner_text("#laas-enhet-hjelp")
    assert f"{tilbudt} enhet" in hjelp and "Hvorfor mangler" in hjelp
    s.click("#laas-enhet-hjelp summary")
    assert "annen tjeneste" in s.inner_text("#laas-enhet-hjelp")

    # feedback lands next to the form (live region), not only in the banner at the top
    s.select_option("#laas-enhet", "")
    s.fill("#laas-begrunnelse", "Møtet holder fast ved denne enheten.")
    s.click("#laas-skjema button[type=submit]")
    assert s.get_attribute("#laas-melding", "role") == "status"
    assert "Velg enheten" in s.inner_text("#laas-melding")
    s.select_option("#laas-enhet", index=1)
    s.fill("#laas-begrunnelse", "Møtet holder fast ved denne enheten.")
    s.click("#laas-skjema button[type=submit]")
    s.wait_for_function("() => document.getElementById('laas-melding').textContent.includes('er lagret for')")
    # the open explanation shows the new lock at once
    assert "fra møtet" in s.inner_text("#forklaring-laaser")
    laas = s.locator("#laas-melding").bounding_box()
    knapp = s.locator("#laas-skjema button[type=submit]").bounding_box()
    assert laas and knapp and 0 <= laas["y"] - knapp["y"] < 200

    # latency, printed and not asserted: lock → re-solve → the new proposal is visible on the page
    tider = []
    t0 = time.perf_counter()
    s.click("#los")
    andre = _vent_kjoring(side, forste)
    tider.append(time.perf_counter() - t0)
    assert andre != forste
    assert s.is_visible("#endringer")
    siste = andre
    for _ in range(4):
        t0 = time.perf_counter()
        s.click("#los")
        siste = _vent_kjoring(side, siste)
        tider.append(time.perf_counter() - t0)
    tider.sort()
    p95 = tider[min(len(tider) - 1, math.ceil(0.95 * len(tider)) - 1)]
    print(
        f"\nLatens Sandefjord: første løsing i testen {forste_s:.2f} s; løs på nytt (klikk til nytt forslag vist), "
        f"{len(tider)} ganger: median {statistics.median(tider):.2f} s, p95 {p95:.2f} s, "
        f"alle {', '.join(f'{x:.2f}' for x in tider)} s"
    )
    side.skjermbilde("tildelingsmote-sandefjord-laaser")
    _ingen_alvorlige(side, "tildelingsmøte sandefjord")
    assert not side.feil, side.feil


@pytest.mark.parametrize("bredde", [390, 768])
def test_tildelingsmote_paa_telefon_og_nettbrett(side: Side, tjener: Tjener, tvedestrand: int, bredde: int) -> None:
    """No sideways page scrolling on a phone or tablet: wide tables and the grid scroll in their own box."""
    s = side.side
    side.logg_inn("saksbehandler")
    side.gaa_til("tildelingsmote", tvedestrand)
    _vent_kjoring(side)
    s.locator("#venteliste button.sok").first.click()
    s.wait_for_function("() => !document.getElementById('forklaring').hidden")
    s.set_viewport_size({"width": bredde, "height": 800})
    s.wait_for_timeout(200)
    sidebredde = s.evaluate("() => document.documentElement.scrollWidth")
    assert sidebredde <= bredde, f"siden er {sidebredde} px bred på en skjerm på {bredde} px"
    # the grid is wider than the screen, but scrolls inside its own (keyboard-reachable) box
    boks = s.evaluate("() => { const b = document.getElementById('rutenett'); return [b.scrollWidth, b.clientWidth]; }")
    assert boks[0] > boks[1] and s.get_attribute("#rutenett", "tabindex") == "0"
    side.skjermbilde(f"tildelingsmote-{bredde}px")
    _ingen_alvorlige(side, f"tildelingsmøte {bredde} px")
    assert not side.feil, side.feil
