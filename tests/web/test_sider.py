"""The web pages in a real browser (chromium): the meeting flow, the waiting list, the managers' dashboards
and the scenarios; axe-core on every page, screenshots, no console errors, no søker ids for planners and
managers, and the meeting page's render time with the oslo case (printed, not asserted)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.web.conftest import SOKER_ID, Side, Tjener

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _siste_sak(tjener: Tjener, navn: str) -> int:
    saker = tjener.api("GET", "/saker?per_side=500", "admin")["elementer"]
    return max(s["id"] for s in saker if s["navn"] == navn)


def _vent_kjoring(side: Side, forrige: str | None = None, timeout: float = 120_000) -> str:
    """Wait until the page shows a new run with its analyses (the proposal comes first, ``dataset.kjoring``;
    the analyses' figures after it, ``dataset.analyser``)."""
    side.side.wait_for_function(
        "f => document.body.dataset.kjoring && document.body.dataset.kjoring !== f"
        " && document.body.dataset.analyser === document.body.dataset.kjoring",
        arg=forrige or "",
        timeout=timeout,
    )
    return side.side.evaluate("document.body.dataset.kjoring")


def _ingen_alvorlige(side: Side, navn: str) -> None:
    alvorlige = side.axe(navn)
    assert not alvorlige, [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in alvorlige]


def _sjekk_xlsx(sti: Any, forste_overskrift: str) -> Any:
    """Open a downloaded .xlsx with openpyxl: title in A1, bokmål headers in row 3, and at least one number
    per data row stored as a number (not text) with a number format; percentages as fractions in 0..1."""
    import io

    import openpyxl

    ark = openpyxl.load_workbook(io.BytesIO(open(sti, "rb").read())).active  # Playwright's path has no suffix
    assert ark["A1"].value and ark["A3"].value == forste_overskrift, (ark["A1"].value, ark["A3"].value)
    rader = list(ark.iter_rows(min_row=4))
    assert rader
    for rad in rader:
        tall = [c for c in rad if isinstance(c.value, (int, float))]
        assert tall, [c.value for c in rad]
        assert not [
            c.value for c in rad if isinstance(c.value, str) and re.fullmatch(r"[−-]?[\d\s\u202f,]+%?", c.value)
        ]
        for c in tall:
            assert c.number_format != "General", (c.coordinate, c.value)
            if "%" in c.number_format:
                assert -1 <= c.value <= 1, (c.coordinate, c.value)
    return ark


def _plotly_med_data(side: Side) -> list[int]:
    """Number of plotted points per rendered plotly chart."""
    return side.side.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => (el.data || []).reduce((n, t) =>
             n + (t.z ? t.z.flat().filter(v => v !== null).length : (t.y || []).filter(v => v !== null).length), 0))"""
    )


def test_tildelingsmote_las_los_paa_nytt_endelig(side: Side, tjener: Tjener) -> None:
    s = side.side
    side.logg_inn("saksbehandler")
    assert s.url.endswith("/web/tildelingsmote")
    s.select_option("#demo", "tvedestrand")
    s.click("#last-demo")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('Demosaken')")
    # «Last inn demosak» once more opens the same case (the server keeps one per user and demo case)
    demoer = [x["id"] for x in tjener.api("GET", "/saker?per_side=500", "admin")["elementer"]]
    valgt = s.input_value("#sak")
    s.click("#last-demo")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('var allerede lastet inn')")
    assert [x["id"] for x in tjener.api("GET", "/saker?per_side=500", "admin")["elementer"]] == demoer
    assert s.input_value("#sak") == valgt
    s.click("#los")
    forste = _vent_kjoring(side)
    assert s.locator(".rutenett tbody tr").count() > 5
    assert s.locator("#venteliste tbody tr").count() > 0

    # Explanation of a søker on the waiting list: rules with seed section and lovhjemmel, priority, outranked_by.
    vente_id = s.locator("#venteliste button.sok").first.get_attribute("data-s")
    s.locator("#venteliste button.sok").first.click()
    s.wait_for_function(f"() => document.getElementById('forklaring-tittel').textContent.includes('{vente_id}')")
    tekst = s.inner_text("#forklaring-innhold")
    assert "Lovhjemmel" in tekst and "Kilde" in tekst and "Gikk foran" in tekst
    assert "Prioriteten rangerer søkerne" in tekst and "Prioritetspoeng" not in tekst
    assert re.search(r"[ST] §\d", tekst)
    assert s.evaluate("document.activeElement.id") == "forklaring-tittel"
    side.skjermbilde("tildelingsmote-forklaring")

    # Lock one assigned søker to its unit, override another (ikke_tildel).
    knapper = s.locator(".rutenett button.sok.start")
    ider = list(dict.fromkeys(knapper.evaluate_all("bs => bs.map(b => b.dataset.s)")))
    laast_id, overstyrt_id = ider[0], ider[-1]
    s.locator(f'.rutenett button.sok.start[data-s="{laast_id}"]').first.click()
    s.wait_for_function(f"() => document.getElementById('forklaring-tittel').textContent.includes('{laast_id}')")
    laast_enhet = s.input_value("#laas-enhet")
    assert laast_enhet
    s.select_option("#laas-type", "tildel")
    s.fill("#laas-begrunnelse", "Pårørende bor nær; møtet holder fast ved plassen.")
    s.click("#laas-skjema button[type=submit]")
    s.wait_for_function("() => document.getElementById('laas-melding').textContent.includes('er lagret for')")
    s.locator(f'.rutenett button.sok.start[data-s="{overstyrt_id}"]').first.click()
    s.wait_for_function(f"() => document.getElementById('forklaring-tittel').textContent.includes('{overstyrt_id}')")
    s.select_option("#laas-type", "ikke_tildel")
    s.select_option("#laas-enhet", "")
    s.fill("#laas-begrunnelse", "Søker ønsker å vente på annen plass.")
    s.click("#laas-skjema button[type=submit]")
    s.wait_for_function(
        f"() => document.getElementById('laas-melding').textContent.includes('er lagret for {overstyrt_id}')"
    )
    # the case file's own lock (tvedestrand has one) is listed with the two meeting locks
    assert s.locator("#laaser tbody tr").count() == 3
    assert "Fil nr. 1" in s.inner_text("#laaser")

    # Re-solve: the lock holds, the override holds.
    s.click("#los")
    andre = _vent_kjoring(side, forste)
    assert andre != forste
    # «Endringer siden forrige kjøring»: the overridden søker left, with the override as the reason
    assert s.is_visible("#endringer"), (s.inner_text("#kjoring-info"), s.inner_text("#melding"), s.url)
    endringer = s.inner_text("#endringer")
    assert f"kjøring {forste}" in endringer
    rad_ut = s.locator("#endringer tbody tr", has=s.locator(f'[data-s="{overstyrt_id}"]'))
    assert "Gikk ut" in rad_ut.inner_text() and "overstyrt, skal ikke tildeles" in rad_ut.inner_text()
    # the four objective levels with their values and the change since the previous run, in plain words
    nivaaer = s.inner_text("#nivaaer")
    assert s.locator("#nivaaer tbody tr").count() == 4 and f"Endring siden kjøring {forste}" in nivaaer
    assert "Ektepar" in nivaaer and "Flyttinger" in nivaaer and "Høyere er bedre" in nivaaer
    # each active lock shows its price from the engine
    assert "prioritetspoeng" in s.inner_text("#laaser") or "ingen prioritet" in s.inner_text("#laaser")
    rad = s.locator(".rutenett tbody tr", has=s.locator(f'[data-s="{laast_id}"]'))
    assert rad.count() == 1
    laast_rad = tjener.api("GET", f"/kjoringer/{andre}/tildelinger?per_side=500")["elementer"]
    assert any(a["applicant_id"] == laast_id and a["unit_id"] == laast_enhet for a in laast_rad)
    assert not any(a["applicant_id"] == overstyrt_id for a in laast_rad)
    assert s.locator(f'.rutenett [data-s="{overstyrt_id}"]').count() == 0
    assert "(låst)" in s.locator(f'.rutenett button.sok.start[data-s="{laast_id}"]').first.inner_text()
    side.skjermbilde("tildelingsmote")
    _ingen_alvorlige(side, "tildelingsmøte")

    # Unlock the override (with a reason); it stays in the history as removed.
    s.fill(".fjern input >> nth=1", "Søker trakk ønsket om å vente.")
    s.locator(".fjern button >> nth=1").click()
    s.wait_for_function("() => document.getElementById('laaser-melding').textContent.includes('er fjernet')")
    assert "Fjernet av test-saksbehandler" in s.inner_text("#laaser")

    # Finalise: a summary and a confirmation first, nothing saved before it; then one request.
    sak_id = _siste_sak(tjener, "Demo tvedestrand")
    s.click("#endelig")
    assert s.is_visible("#bekreft")
    antall = len(laast_rad) + tjener.api("GET", f"/kjoringer/{andre}/venteliste?per_side=1")["antall"]
    assert f"kjøring {andre}" in s.inner_text("#bekreft-tekst") and f"{antall} beslutninger" in s.inner_text("#bekreft")
    assert tjener.api("GET", f"/saker/{sak_id}/beslutninger") == []
    foresporsler: list[str] = []
    s.on("request", lambda r: foresporsler.append(r.method + " " + r.url) if r.method != "GET" else None)
    s.click("#bekreft-ja")
    s.wait_for_function(
        "() => document.getElementById('endelig-status').textContent.includes('som endelige')", timeout=60_000
    )
    assert len(foresporsler) == 1 and foresporsler[0].endswith(f"/saker/{sak_id}/ferdigbehandle"), foresporsler
    beslutninger = tjener.api("GET", f"/saker/{sak_id}/beslutninger")
    assert len(beslutninger) == antall
    assert {b["kjoring_id"] for b in beslutninger} == {int(andre)}
    # a second click does nothing; re-solving is replaced by «Gjenåpne»
    assert s.is_disabled("#endelig") and s.is_hidden("#los") and s.is_visible("#gjenapne-skjema")
    s.click("#endelig", force=True)
    assert len(foresporsler) == 1 and s.is_hidden("#bekreft")
    # after a reload the page still says the case is finalised, with the run used
    s.reload()
    s.wait_for_function(
        "() => document.getElementById('saksstatus').textContent.includes('Ferdigbehandlet')", timeout=60_000
    )
    assert f"kjøring {andre}" in s.inner_text("#saksstatus") and s.is_hidden("#los")
    assert _vent_kjoring(side) == andre
    _ingen_alvorlige(side, "tildelingsmøte ferdigbehandlet")
    with s.expect_download() as nedlasting:
        s.click("#eksport")
    assert nedlasting.value.suggested_filename == f"kjoring-{andre}.xlsx"
    # reopening needs a reason and is logged in the case's history; then «Løs på nytt» is back
    s.fill("#gjenapne-begrunnelse", "Ny opplysning fra sykehuset.")
    s.click("#gjenapne-skjema button[type=submit]")
    s.wait_for_function("() => document.getElementById('saksstatus').textContent.includes('Gjenåpnet av')")
    assert s.is_visible("#los") and not s.is_disabled("#endelig")
    historikk = tjener.api("GET", f"/saker/{sak_id}/avslutning")["historikk"]
    assert historikk[0]["handling"] == "gjenåpnet" and historikk[0]["begrunnelse"] == "Ny opplysning fra sykehuset."
    assert not side.feil, side.feil


def test_venteliste_saksbehandler_filtre_og_oppfolging(side: Side, tjener: Tjener, tvedestrand: int) -> None:
    s = side.side
    side.logg_inn("saksbehandler")
    side.gaa_til("venteliste", tvedestrand)
    s.wait_for_function("() => document.body.dataset.klar === '1'")
    assert s.input_value("#sak") == str(tvedestrand)
    prioriteter = [int(re.sub(r"\D", "", x)) for x in s.locator("#liste tbody tr td:nth-child(5)").all_inner_texts()]
    assert prioriteter == sorted(prioriteter, reverse=True)
    kolonner = s.locator("#liste thead th").all_inner_texts()
    assert {"Søknadsdato", "Dager ventet", "Vedtak"} <= {k.rstrip(" ▲▼") for k in kolonner}, kolonner
    vedtak = s.locator("#liste tbody tr td:nth-child(8)").all_inner_texts()
    assert any(v.startswith("Venteliste ") for v in vedtak), vedtak
    assert all(
        re.fullmatch(r"\d{1,2}\. \w+\.?( \d{4})?", d)
        for d in s.locator("#liste tbody td:nth-child(6)").all_inner_texts()
    )
    # the columns fit at 1 366 px (no sideways scrolling inside the table box either)
    s.set_viewport_size({"width": 1366, "height": 900})
    assert s.evaluate(
        "() => { const b = document.querySelector('#liste .tabellrull'); return b.scrollWidth <= b.clientWidth; }"
    )
    # sort by days waited (longest first), then back; search narrows the rows
    s.click('button.sorter[data-kol="ventet"]')
    dager = [int(re.sub(r"\D", "", x)) for x in s.locator("#liste tbody tr td:nth-child(7)").all_inner_texts()]
    assert dager == sorted(dager, reverse=True)
    assert s.get_attribute('#liste th:has(button[data-kol="ventet"])', "aria-sort") == "descending"
    s.click('button.sorter[data-kol="ventet"]')
    dager = [int(re.sub(r"\D", "", x)) for x in s.locator("#liste tbody tr td:nth-child(7)").all_inner_texts()]
    assert dager == sorted(dager)
    forste = s.locator("#liste tbody tr td:nth-child(2)").first.inner_text()
    s.fill("#sok", forste)
    assert s.locator("#liste tbody tr").count() == 1
    s.fill("#sok", "")
    s.click('button.sorter[data-kol="position"]')
    bydel = s.locator("#filter-bydel option").nth(1).get_attribute("value")
    s.select_option("#filter-bydel", bydel)
    assert set(s.locator("#liste tbody tr td:nth-child(4)").all_inner_texts()) == {bydel}
    tjeneste = s.locator("#filter-tjeneste option").nth(1).get_attribute("value")
    s.select_option("#filter-tjeneste", tjeneste)
    side.skjermbilde("venteliste")
    _ingen_alvorlige(side, "venteliste")
    assert not side.feil, side.feil


def _ingen_soker_ider(side: Side) -> None:
    html = side.side.content()
    assert not SOKER_ID.search(html), SOKER_ID.search(html)
    for url, tekst in side.api_tekster():
        assert not SOKER_ID.search(tekst), f"søker-id i {url}"


ENGELSKE_MND = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _plotly_paa_bokmaal(side: Side) -> None:
    """Our plotly locale is used: the modebar's buttons and the date ticks are in bokmål."""
    s = side.side
    titler = s.evaluate(
        "() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title') || '')"
    )
    assert titler and "Last ned diagrammet som PNG-bilde" in titler, titler
    assert not any("Download" in t or "Autoscale" in t for t in titler), titler
    tikker = s.evaluate("() => [...document.querySelectorAll('.xtick text')].map(x => x.textContent).join(' ')")
    assert not ENGELSKE_MND.search(tikker), tikker


def test_ledelse_diagrammer_uten_personidentifikatorer(side: Side, tjener: Tjener, tvedestrand: int) -> None:
    s = side.side
    side.logg_inn("leder")
    assert s.url.endswith("/web/ledelse")
    side.gaa_til("ledelse", tvedestrand)
    s.wait_for_function("() => document.body.dataset.klar === '1'", timeout=60_000)
    s.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 7", timeout=60_000)
    punkter = _plotly_med_data(side)
    # the first four charts (waiting list, occupancy per place type and UKP per week from the decisions, the plan's
    # occupancy per unit) always have data; the waits per service are hidden under five people, and the fairness
    # charts (one per dimension) may have every group hidden by the complementary small-group suppression
    assert len(punkter) >= 8 and all(n > 0 for n in punkter[:4]), punkter
    assert s.locator("details table").count() == len(punkter)
    s.locator("details summary").first.click()
    assert s.locator("details table").first.is_visible()
    assert "Likebehandling etter kjønn" in s.inner_text("#diagrammer")
    # headline figures first, then the charts; the trend is per week from the meeting's decisions
    nokkel = s.inner_text("#nokkeltall")
    for tekst in ("venter på plass nå", "p90", "Belegg per plasstype", "UKP denne måneden", "UKP hittil i år"):
        assert tekst in nokkel, tekst
    assert "Fra møtets vedtak over tid (1 beslutninger" in nokkel  # the fixture's one decision, not the run
    diagrammer = s.inner_text("#diagrammer")
    for tittel in ("Belegg per plasstype per uke", "UKP-døgn og kostnad per uke", "Ventetid per tjeneste"):
        assert tittel in diagrammer, tittel
    # readable axes: per cent, kroner and days; dates as «5. des.»
    akser = s.evaluate("() => [...document.querySelectorAll('.ytick text, .y2tick text')].map(x => x.textContent)")
    assert any(a.endswith("\u00a0%") for a in akser) and any(a.endswith("\u00a0kr") for a in akser), akser
    assert not [a for a in akser if re.search(r"\d,\d{3}|\d\.\d{3}|\dk$", a)], akser  # no «1,000», «1.000», «5k»
    datoer = s.evaluate("() => [...document.querySelectorAll('.xtick text')].map(x => x.textContent)")
    assert any(re.fullmatch(r"\d{1,2}\. (jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|des)\.?", d) for d in datoer), (
        datoer
    )
    # every table can be downloaded as CSV and as a real Excel file
    assert s.locator("#diagrammer button.xlsx").count() == s.locator("#diagrammer table").count() > 0
    with s.expect_download() as nedlasting:
        s.locator("#nokkeltall button.xlsx").nth(1).click()
    ark = _sjekk_xlsx(nedlasting.value.path(), "Plasstype")
    assert [c.value for c in ark[3]] == ["Plasstype", "Plasser", "Belagt", "Belegg"]
    assert s.evaluate("() => document.querySelector('#diagrammer > section').id") == "nokkeltall"
    assert "Ventelisten per uke" in s.inner_text(
        "#diagrammer"
    ) and "Lengden på ventelisten over tid" not in s.inner_text("#diagrammer")
    _plotly_paa_bokmaal(side)
    side.skjermbilde("ledelse")
    _ingen_alvorlige(side, "ledelse")
    _ingen_soker_ider(side)
    assert not side.feil, side.feil


def test_scenarier_sammenligning_og_planleggers_sider(side: Side, tjener: Tjener, tvedestrand: int) -> None:
    s = side.side
    side.logg_inn("planlegger")
    assert s.url.endswith("/web/scenarier")
    s.wait_for_function("() => document.querySelectorAll('#a-eksempel option').length >= 2")
    s.select_option("#a-eksempel", "sandefjord_dagens_kapasitet.yaml")
    s.select_option("#b-eksempel", "sandefjord_skjermet_2029.yaml")
    # the default horizon reaches as far as the page allows toward B's changes, and a warning says they lie beyond
    assert s.input_value("#uker") == "104"
    advarsel = s.inner_text("#horisont-advarsel")
    assert "2029 og 2033" in advarsel and "allokering scenario run" in advarsel
    s.fill("#uker", "8")
    s.fill("#replikasjoner", "2")
    s.click("#kjor")
    s.wait_for_function("() => document.getElementById('fase').textContent.includes('simuleringer')")
    s.wait_for_function("() => document.body.dataset.scenarioKlar", timeout=150_000)
    # Six fan charts (langtid, korttid, UKP and omsorgsboliger as a whole) and two for the chosen housing type.
    punkter = _plotly_med_data(side)
    assert len(punkter) == 8 and all(n > 0 for n in punkter), punkter
    assert s.locator("#diagrammer .js-plotly-plot").count() == 6
    diagrammer = s.inner_text("#diagrammer")
    assert "Venteliste omsorgsboliger (alle boligtyper)" in diagrammer and "Belegg omsorgsboliger" in diagrammer
    assert s.locator("#aarstabeller table").count() == 2
    kolonner = s.locator("#aarstabeller table").first.locator("thead th").all_inner_texts()
    assert {"Venteliste bolig", "Belegg bolig", "p90 ventetid bolig (døgn)"} <= set(kolonner), kolonner

    # Omsorgsboliger per housing type: the selector lists the municipality's types (most flats first).
    assert s.is_visible("#boligtype")
    typer = s.locator("#boligtype option").all_inner_texts()
    assert typer[0] == "Senterleilighet" and set(typer) == {
        "Senterleilighet",
        "Tilrettelagt bolig",
        "Korttidsleilighet",
    }
    assert s.locator("#bolig-diagrammer .js-plotly-plot").count() == 2
    assert s.locator("#bolig-aarstabeller table").count() == 2
    s.select_option("#boligtype", "tilrettelagt_bolig")
    s.wait_for_function("() => document.body.dataset.boligtype === 'tilrettelagt_bolig'")
    assert "Venteliste – Tilrettelagt bolig" in s.inner_text("#bolig-diagrammer")
    assert s.locator("#bolig-diagrammer .js-plotly-plot").count() == 2
    assert "Tilrettelagt bolig" in s.inner_text("#bolig-aar-tittel")
    tabell = s.locator("#bolig-aarstabeller table").first
    assert tabell.locator("thead th").all_inner_texts() == [
        "År",
        "Boliger",
        "Venteliste",
        "Belegg",
        "p90 ventetid (døgn)",
    ]
    boliger = tabell.locator("tbody tr td").first.inner_text()
    assert int(re.sub(r"[\s\u00a0\u202f]", "", boliger)) > 0, boliger
    punkter = _plotly_med_data(side)
    assert len(punkter) == 8 and all(n > 0 for n in punkter), punkter
    with s.expect_download() as nedlasting:
        s.click("#rapport")
    assert nedlasting.value.suggested_filename.endswith(".html")
    assert "Scenariorapport" in open(nedlasting.value.path(), encoding="utf-8").read()
    # plain bokmål, short legends (one entry per scenario), no interval below zero or occupancy above 100 %
    tekst = s.inner_text("#innhold")
    assert not re.search(r"\bKI\b|vifte|replikasjon", tekst, re.IGNORECASE)
    forklaringer = s.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(el => el.querySelectorAll('.legend .traces').length)"
    )
    assert forklaringer and max(forklaringer) <= 2, forklaringer
    tabeller = s.inner_text("#aarstabeller") + s.inner_text("#diagrammer")
    assert not re.search(r"[−-]\d", tabeller), re.search(r".{20}[−-]\d.{10}", tabeller)
    for prosent in re.findall(r"(\d+(?:,\d)?)\u00a0%", tabeller):
        assert float(prosent.replace(",", ".")) <= 100, prosent
    _plotly_paa_bokmaal(side)
    # A and B compared as paired differences with a confidence interval, one row per year
    assert s.is_visible("#forskjeller-seksjon")
    assert (
        s.locator("#forskjeller tbody tr").count() == s.locator("#aarstabeller table").first.locator("tbody tr").count()
    )
    assert "minus" in s.inner_text("#forskjeller")
    # every table can be downloaded as CSV (semicolons, numbers without thin spaces)
    assert s.locator("#resultat button.csv").count() == s.locator("#resultat table").count() > 0
    with s.expect_download() as csv_nedlasting:
        s.locator("#aarstabeller button.csv").first.click()
    assert csv_nedlasting.value.suggested_filename.endswith(".csv")
    innhold = open(csv_nedlasting.value.path(), encoding="utf-8-sig").read().splitlines()
    assert innhold[0].startswith('"År";') and len(innhold) >= 2 and "\u202f" not in innhold[1]
    assert re.match(r"\"\d{4}\";\"[\d,]+\";\"[\d,]+\";\"[\d,]+\";", innhold[1]), innhold[1]
    # … and as a real Excel file: bokmål headers, numbers as numbers with number formats (percent as a fraction)
    assert s.locator("#resultat button.xlsx").count() == s.locator("#resultat table").count()
    with s.expect_download() as xlsx_nedlasting:
        s.locator("#aarstabeller button.xlsx").first.click()
    assert xlsx_nedlasting.value.suggested_filename.endswith(".xlsx")
    _sjekk_xlsx(xlsx_nedlasting.value.path(), "År")
    with s.expect_download() as xlsx_nedlasting:
        s.locator("#forskjeller-seksjon button.xlsx").first.click()
    ark = _sjekk_xlsx(xlsx_nedlasting.value.path(), "År")
    overskrifter = [c.value for c in ark[3]]
    assert any(str(h).endswith(", nedre grense") for h in overskrifter), overskrifter
    side.skjermbilde("scenarier")
    _ingen_alvorlige(side, "scenarier")
    _ingen_soker_ider(side)

    # The planner's other pages: aggregated only, no søker ids in the page or in what it fetched.
    side.gaa_til("venteliste", tvedestrand)
    s.wait_for_function("() => document.body.dataset.klar === '1'")
    assert "bare antall" in s.inner_text("#liste")
    side.skjermbilde("venteliste-planlegger")
    _ingen_alvorlige(side, "venteliste (planlegger)")
    side.gaa_til("ledelse", tvedestrand)
    s.wait_for_function("() => document.body.dataset.klar === '1'", timeout=60_000)
    _ingen_soker_ider(side)
    assert not side.feil, side.feil


def test_innlogging_feil_passord_og_rolle_uten_tilgang(side: Side, tjener: Tjener) -> None:
    s = side.side
    s.goto(tjener.base + "/web/logg-inn")
    s.fill("#brukernavn-felt", "test-leder")
    s.fill("#passord-felt", "feil passord")
    s.click("button[type=submit]")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('Feil brukernavn')")
    side.skjermbilde("logg-inn")
    _ingen_alvorlige(side, "logg inn")
    side.feil.clear()  # the 401 of the failed login is logged by chromium as a resource error
    side.logg_inn("leder")
    side.gaa_til("tildelingsmote")
    s.wait_for_function("() => document.getElementById('melding').textContent.includes('har ikke tilgang')")
    # no form or control outside the role: only the heading and the message are shown
    assert s.locator("main input:visible, main select:visible, main button:visible").count() == 0
    assert not s.locator("#meny a[href='/web/tildelingsmote']").is_visible()
    assert not side.feil, side.feil


def test_oslo_tildelingsmote_gjengivelsestid(side: Side, tjener: Tjener) -> None:
    """The meeting page with the oslo demo case: render time after the data arrive (reported, not asserted)."""
    frist = time.monotonic() + 420
    while tjener.oslo_kjoring is None and tjener.oslo_feil is None and time.monotonic() < frist:
        time.sleep(0.5)
    if tjener.oslo_feil or tjener.oslo_kjoring is None:
        pytest.skip(tjener.oslo_feil or "oslo-kjøringen startet ikke")
    while True:
        st: dict[str, Any] = tjener.api("GET", f"/kjoringer/{tjener.oslo_kjoring}")
        if st["status"] in ("done", "failed", "cancelled"):
            break
        if time.monotonic() > frist:
            pytest.skip(f"oslo-kjøringen ble ikke ferdig i tide (status {st['status']}, {st['fase']})")
        time.sleep(1)
    if st["status"] != "done":
        pytest.skip(f"oslo-kjøringen endte med {st['status']}: {st['feilmelding']}")
    print(f"oslo løst på {st['solve_seconds']} s ({st['losningsstatus']})")
    s = side.side
    side.logg_inn("saksbehandler")
    s.wait_for_function("() => document.querySelectorAll('#sak option').length > 1")
    s.evaluate(f"sessionStorage.setItem('allokering.sak', '{tjener.oslo_sak}')")
    t0 = time.monotonic()
    s.reload()
    s.wait_for_function("() => document.body.dataset.analyser", timeout=120_000)
    totalt = time.monotonic() - t0
    assert s.input_value("#sak") == str(tjener.oslo_sak)
    ms = int(s.evaluate("document.body.dataset.gjengivelseMs"))
    rader = s.locator(".rutenett tbody tr").count()
    celler = s.evaluate("document.querySelectorAll('.rutenett [data-s]').length")
    print(
        f"\nGJENGIVELSE oslo: {ms} ms fra data mottatt til tegnet ({rader} enheter, {celler} søkerceller); "
        f"{totalt:.1f} s fra valg av sak til ferdig side (henting inkludert). Mål: ≤ 2000 ms."
    )
    side.skjermbilde("tildelingsmote-oslo")
    assert rader >= 300
    assert not side.feil, side.feil


def test_api_dokumentasjonen_virker_uten_nett_og_med_streng_csp(side: Side, tjener: Tjener) -> None:
    """/docs (Swagger UI) and /redoc render from the installed package's assets: every request goes to
    this server (none to a CDN), and the strict CSP (no inline script) raises no console error."""
    s = side.side
    foresporsler: list[str] = []
    s.on("request", lambda r: foresporsler.append(r.url))
    s.goto(tjener.base + "/docs")
    s.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
    assert "Allokering" in s.inner_text(".swagger-ui .info .title")
    assert s.locator(".opblock").count() >= 25
    s.goto(tjener.base + "/redoc")
    s.wait_for_selector("h1", timeout=60_000)
    assert "Allokering" in s.inner_text("h1")
    s.wait_for_timeout(2000)
    # ReDoc's footer links a logo on cdn.redoc.ly: the browser starts the request and the CSP blocks it
    # (no response arrives). That is the one foreign request and console message allowed here.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    fremmede = [u for u in foresporsler if not u.startswith((tjener.base, "data:", "blob:")) and u != logo]
    assert not fremmede, fremmede
    assert not [r.url for r in side.svar if not r.url.startswith((tjener.base, "data:", "blob:"))]
    side.feil[:] = [f for f in side.feil if not ("cdn.redoc.ly" in f and "Content Security Policy" in f)]
    assert not side.feil, side.feil


def test_logg_ut_tilbakekaller_tokenet_paa_tjeneren(side: Side, tjener: Tjener) -> None:
    import urllib.error

    from tests.web.conftest import api

    s = side.side
    side.logg_inn("leder")
    token = json.loads(s.evaluate("sessionStorage.getItem('allokering.token')"))["token"]
    assert api(tjener.base, "GET", "/meg", token)["navn"] == "test-leder"
    s.wait_for_load_state("networkidle")  # the page's own calls first: logging out cuts them off with 401
    s.click("#logg-ut")
    s.wait_for_url(re.compile(r"/web/logg-inn"))
    try:
        api(tjener.base, "GET", "/meg", token)
        raise AssertionError("tokenet virker fortsatt etter utlogging")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401
