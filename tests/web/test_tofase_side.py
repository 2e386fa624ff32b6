"""Two-phase delivery on the meeting page (issue 21): the proposal (grid, waiting list, objective panel, changes since
the previous run) is shown while the analyses run, with an announced note where their figures go; the figures are
filled in when the run is done. Finalising waits for the final run. The analyses are made slow on a server of this
module's own (``ALLOKERING_ANALYSE_FORSINKELSE_S``, through the engine's timing hook in the worker)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import Side, Tjener
from tests.web.test_latens import start_egen_tjener
from tests.web.test_sider import _ingen_alvorlige

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FORSINKELSE_S = 10


@pytest.fixture(scope="module")
def treg_tjener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    miljo = {"ALLOKERING_ANALYSE_FORSINKELSE_S": str(FORSINKELSE_S)}
    with start_egen_tjener(tmp_path_factory.mktemp("tofase"), miljo) as t:
        yield t


def _forslag_uten_analyser(s: Any, forrige: str) -> str:
    s.wait_for_function(
        "f => document.body.dataset.kjoring && document.body.dataset.kjoring !== f", arg=forrige, timeout=120_000
    )
    kid = str(s.evaluate("document.body.dataset.kjoring"))
    assert s.evaluate("document.body.dataset.analyser") != kid
    return kid


def test_forslaget_vises_foer_analysene_som_fylles_inn_etterpaa(nettleser: Any, treg_tjener: Tjener) -> None:
    side = Side(nettleser, treg_tjener)
    s = side.side
    try:
        side.logg_inn("saksbehandler")
        s.select_option("#demo", "sandefjord")
        s.click("#last-demo")
        s.wait_for_function("() => document.getElementById('melding').textContent.includes('Demosaken')")
        sak_id = int(s.input_value("#sak"))
        s.click("#los")
        kid = _forslag_uten_analyser(s, "")
        # the proposal is on the page, the note says what is still computed (a live region)
        assert s.is_visible("#resultat") and s.locator(".rutenett [data-s]").count() > 0
        assert s.locator("#venteliste [data-s]").count() > 0 and s.is_visible("#nivaaer")
        merknad = s.locator("#analyser-status")
        assert merknad.get_attribute("role") == "status"
        assert "Beregner verdien av ekstra plasser og låspriser" in merknad.inner_text()
        assert "Beregnes" in s.inner_text("#ekstraplass-innhold")
        assert "Beregnes …" in s.inner_text("#laaser")  # the case file's five locks: prices follow
        assert treg_tjener.api("GET", f"/kjoringer/{kid}")["status"] == "running"
        # finalising waits for the final run
        s.click("#endelig")
        assert "Vent til" in s.inner_text("#endelig-status") and s.is_hidden("#bekreft")
        _ingen_alvorlige(side, "tildelingsmøtet, forslag uten tilleggsanalyser")
        assert treg_tjener.api("GET", f"/kjoringer/{kid}")["status"] == "running"  # all of the above while it ran
        # then the analyses' figures are filled in
        s.wait_for_function("k => document.body.dataset.analyser === k", arg=kid, timeout=60_000)
        assert "er beregnet" in merknad.inner_text()
        assert "Beregnes" not in s.inner_text("#ekstraplass-innhold") and "Beregnes …" not in s.inner_text("#laaser")
        assert s.locator("#ekstraplass-innhold table tbody tr").count() > 0
        assert treg_tjener.api("GET", f"/kjoringer/{kid}")["status"] == "done"

        # a re-solve after a lock: the changes panel comes with the proposal, before the analyses
        tild = treg_tjener.api("GET", f"/kjoringer/{kid}/tildelinger?per_side=500")["elementer"]
        kropp = {"soker_id": tild[0]["applicant_id"], "type": "ikke_tildel", "begrunnelse": "Tofase: holdes."}
        treg_tjener.api("POST", f"/saker/{sak_id}/laaser", data=json.dumps(kropp).encode())
        s.click("#los")
        ny = _forslag_uten_analyser(s, kid)
        assert s.is_visible("#endringer") and f"Kjøring {ny} mot kjøring {kid}" in s.inner_text("#endringer")
        assert "Beregner verdien av ekstra plasser" in merknad.inner_text()
        s.wait_for_function("k => document.body.dataset.analyser === k", arg=ny, timeout=60_000)
        assert s.is_visible("#endringer") and "er beregnet" in merknad.inner_text()
        _ingen_alvorlige(side, "tildelingsmøtet, med tilleggsanalyser")
        assert not side.feil, side.feil
    finally:
        side.lukk()


def test_siden_lastet_paa_nytt_under_analysene_viser_forslaget_og_folger_kjoringen(
    nettleser: Any, treg_tjener: Tjener
) -> None:
    """Reloading the page while the analyses run shows the running run's proposal (not the previous finished run)
    and follows it to the end, as «Løs» would."""
    side = Side(nettleser, treg_tjener)
    s = side.side
    try:
        side.logg_inn("saksbehandler")
        s.select_option("#demo", "tvedestrand")
        s.click("#last-demo")
        s.wait_for_function("() => document.getElementById('melding').textContent.includes('Demosaken')")
        s.click("#los")
        kid = _forslag_uten_analyser(s, "")
        assert treg_tjener.api("GET", f"/kjoringer/{kid}")["status"] == "running"
        s.reload()
        s.wait_for_function("k => document.body.dataset.kjoring === k", arg=kid, timeout=60_000)
        assert treg_tjener.api("GET", f"/kjoringer/{kid}")["status"] == "running"  # shown while it still ran
        assert s.locator(".rutenett [data-s]").count() > 0
        assert "Beregner verdien av ekstra plasser" in s.inner_text("#analyser-status")
        assert s.is_visible("#stopp")
        s.wait_for_function("k => document.body.dataset.analyser === k", arg=kid, timeout=60_000)
        assert "er beregnet" in s.inner_text("#analyser-status") and s.is_hidden("#stopp")
        assert not side.feil, side.feil
    finally:
        side.lukk()
