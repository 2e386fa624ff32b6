"""The meeting page's «Lag vedtaksutkast» button in a real browser: after the meeting's decisions are stored as
final, the button downloads a zip with one Word letter per søker and no draft marker."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from allokering.brev import UTKAST
from tests.web.conftest import Side, Tjener

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_lag_vedtaksutkast_laster_ned_zip(side: Side, tjener: Tjener) -> None:
    s = side.side
    side.logg_inn("saksbehandler")
    s.select_option("#demo", "tvedestrand")
    s.click("#last-demo")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('Demosaken')")
    s.click("#los")
    s.wait_for_function("() => document.body.dataset.analyser", timeout=120_000)
    kid = s.evaluate("document.body.dataset.kjoring")
    s.click("#endelig")
    s.click("#bekreft-ja")
    s.wait_for_function(
        "() => document.getElementById('endelig-status').textContent.includes('som endelige')", timeout=60_000
    )
    with s.expect_download(timeout=120_000) as nedlasting:
        s.click("#vedtaksutkast")
    assert nedlasting.value.suggested_filename == f"vedtaksutkast-kjoring-{kid}.zip"
    z = zipfile.ZipFile(nedlasting.value.path())
    navn = z.namelist()
    assert "samlet.docx" in navn and len(navn) > 10
    for n in navn:
        tekst = "\n".join(p.text for p in Document(io.BytesIO(z.read(n))).paragraphs)
        assert UTKAST not in tekst and f"/K{kid}/" in tekst, n
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('Vedtaksutkastene')")
    assert not side.feil, side.feil
