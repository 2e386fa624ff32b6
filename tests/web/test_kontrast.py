"""The computed-style contrast check (tests/web/kontrast.js, run after axe on every page) can fail: low contrast,
text under a translucent sticky element, SVG text on a dark shape, alpha text; and it passes a solid sticky header."""

from __future__ import annotations

import pytest

from tests.web.conftest import KONTRAST_JS, Side, Tjener

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PROVE = (
    """
<div id="prove" style="background:#fff; padding:8px">
  <p id="graa" style="color:#999">grå tekst på hvitt (2,8:1)</p>
  <p id="alfa" style="color:rgba(0,0,0,0.3)">svart med 30 % dekkevne</p>
  <p id="stor" style="color:#888; font-size:24px">stor tekst 3,5:1 holder</p>
  <p id="god" style="color:#1a1a1a">god kontrast</p>
  <div id="rull" style="height:60px; overflow:auto">
    <table><thead><tr><th style="position:sticky; top:0; background:#e9ecf0; color:#1a1a1a">fast overskrift</th></tr>
    </thead><tbody>"""
    + "".join(f"<tr><td>rad {i}</td></tr>" for i in range(8))
    + """</tbody></table>
  </div>
  <div style="position:relative"><p style="color:#1a1a1a">tekst under en gjennomsiktig</p>
    <div style="position:absolute; top:0; left:0; width:100%; height:100%; background:rgba(0,0,0,0.5)"></div></div>
  <svg width="200" height="40"><rect x="0" y="0" width="200" height="40" fill="#0b4f8a"></rect>
    <text id="svgtekst" x="10" y="25" style="fill:#083a66">mørk på mørk</text></svg>
</div>
"""
)


def test_kontrastsjekken_finner_lav_kontrast(side: Side, tjener: Tjener) -> None:
    s = side.side
    s.goto(tjener.base + "/web/logg-inn")
    s.evaluate("html => document.querySelector('main').insertAdjacentHTML('afterbegin', html)", PROVE)
    s.evaluate("document.getElementById('rull').scrollTop = 30")  # rows under the solid sticky header: hidden, fine
    k = s.evaluate(KONTRAST_JS, ["#god", "#graa"])
    tekster = {f["tekst"][:12]: f for f in k["feil"]}
    assert "grå tekst på" in tekster and tekster["grå tekst på"]["kontrast"] < 4.5
    assert "svart med 30" in tekster
    assert "mørk på mørk" in tekster  # SVG text over the dark rectangle drawn before it
    assert [f["tekst"] for f in k["feil"] if f.get("grunn") == "gjennomsiktig element over teksten"] == [
        "tekst under en gjennomsiktig"
    ], k["feil"]
    assert not [f for f in k["feil"] if f["tekst"].startswith(("stor tekst", "god kontrast", "fast overskrift", "rad"))]
    assert len(k["feil"]) == 4, k["feil"]
    assert k["uavklartDekket"] == 2 and not k["ikkeDekket"]
    assert s.evaluate(KONTRAST_JS, ["#finnes-ikke"])["ikkeDekket"] == ["#finnes-ikke (finnes ikke)"]
