"""Browser tests: the app under uvicorn on a free loopback port (SQLite in a temporary folder), Debian's
chromium driven by Playwright, axe-core injected from node_modules. Skipped with a reason when chromium,
Playwright or axe-core is missing (``.ci/run`` installs all three)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKJERMBILDER = Path(os.environ.get("ARTEFAKTER") or ROT / "test-output") / "skjermbilder"
"""Screenshots, kept as test artefacts: ``$ARTEFAKTER/skjermbilder`` (default test-output/, git-ignored)."""
PASSORD = "passord-for-test"
ROLLER = ("saksbehandler", "planlegger", "leder", "admin")
SOKER_ID = re.compile(r"\b(?:S|B|OB)-\d{4,}\b")
"""Søker ids (``S-…``; the scenario simulator's bolig søkere and stays ``B-…``, ``OB-…``): never shown to planners."""
OSLO_TIDSGRENSE_S = 90


KONTRAST_JS = (Path(__file__).parent / "kontrast.js").read_text(encoding="utf-8")
"""Text contrast from computed styles (WCAG 1.4.3) for every visible text; see ``Side.axe``."""


def axe_sti() -> Path | None:
    """axe.min.js: ``$AXE_CORE_JS``, else node_modules in tests/web, else the CI install folder."""
    kandidater = [
        os.environ.get("AXE_CORE_JS", ""),
        str(Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"),
        "/tmp/allokering-axe/node_modules/axe-core/axe.min.js",
    ]
    for k in kandidater:
        if k and Path(k).is_file():
            return Path(k)
    return None


def _hopp_over_uten_verktoy() -> None:
    if not CHROMIUM.exists():
        pytest.skip("nettlesertestene krever /usr/bin/chromium (apt-get install chromium; .ci/run gjør det)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("nettlesertestene krever Playwright (pip install playwright)")
    if axe_sti() is None:
        pytest.skip("nettlesertestene krever axe-core (npm install axe-core@4; sett AXE_CORE_JS eller se .ci/run)")


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, metode: str, sti: str, token: str | None = None, data: bytes | None = None, **hode: str) -> Any:
    h = {"Accept": "application/json", **hode}
    if token:
        h["Authorization"] = f"Bearer {token}"
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(base + sti, data=data, method=metode, headers=h)
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")


class Tjener:
    def __init__(self, base: str, tokener: dict[str, str]):
        self.base = base
        self.tokener = tokener
        self.oslo_sak: int | None = None
        self.oslo_kjoring: int | None = None
        self.oslo_feil: str | None = None
        self.oslo_sekunder: float | None = None

    def api(self, metode: str, sti: str, rolle: str = "saksbehandler", data: bytes | None = None) -> Any:
        return api(self.base, metode, sti, self.tokener[rolle], data, **{"X-Formal": "nettlesertest av sidene"})

    def start_oslo(self) -> None:
        """Import the oslo demo case and start its solve in the app's worker pool (in the background: it takes
        minutes, and runs while the other browser tests do)."""
        from modeller.generator import demo_sti

        try:
            sak = self.api("POST", "/saker?navn=Demo%20oslo", data=Path(demo_sti("oslo")).read_bytes())
            self.oslo_sak = sak["id"]
            # The render time of the big page is measured, not the analyses (lock prices alone take tens of
            # seconds on this case): the run is final as soon as the plan is.
            kropp = {
                "parametre": {
                    "tidsgrense_s": OSLO_TIDSGRENSE_S,
                    "marginalverdier": False,
                    "ektepar_kostnad": False,
                    "laaspriser": False,
                }
            }
            k = self.api("POST", f"/saker/{sak['id']}/kjoringer", data=json.dumps(kropp).encode())
            self.oslo_kjoring = k["id"]
        except Exception as exc:  # reported by the oslo test
            self.oslo_feil = f"kunne ikke starte oslo-kjøringen: {exc}"


@pytest.fixture(scope="session")
def tjener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tjener]:
    _hopp_over_uten_verktoy()
    from api.auth import opprett_bruker, utsted_token
    from api.db import lag_motor, lag_sesjonsfabrikk, migrer

    mappe = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{mappe / 'web.sqlite'}"
    motor = lag_motor(url)
    migrer(motor)
    tokener = {}
    with lag_sesjonsfabrikk(motor).begin() as s:
        for rolle in ROLLER:
            b = opprett_bruker(s, f"test-{rolle}", rolle, PASSORD)
            tokener[rolle] = utsted_token(s, b)
    motor.dispose()
    port = _ledig_port()
    logg = open(mappe / "uvicorn.log", "w")
    env = {**os.environ, "ALLOKERING_WEBTEST_DB": url}
    prosess = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "tests.web.appfabrikk:lag", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=ROT, env=env, stdout=logg, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    frist = time.monotonic() + 60
    while True:
        try:
            api(base, "GET", "/helse")
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if prosess.poll() is not None or time.monotonic() > frist:
                logg.close()
                raise RuntimeError("uvicorn startet ikke:\n" + (mappe / "uvicorn.log").read_text()) from None
            time.sleep(0.2)
    t = Tjener(base, tokener)
    t.oslo_start = time.monotonic()  # type: ignore[attr-defined]
    threading.Thread(target=t.start_oslo, daemon=True).start()
    yield t
    prosess.terminate()
    try:
        prosess.wait(timeout=20)
    except subprocess.TimeoutExpired:
        prosess.kill()
    logg.close()


@pytest.fixture(scope="session")
def tvedestrand(tjener: Tjener) -> int:
    """A solved tvedestrand demo case (through the API) with one final decision; its id."""
    sak = tjener.api("POST", "/saker/demo/tvedestrand")
    k = tjener.api("POST", f"/saker/{sak['id']}/kjoringer", data=b"{}")
    frist = time.monotonic() + 120
    while k["status"] not in ("done", "failed", "cancelled") and time.monotonic() < frist:
        time.sleep(0.2)
        k = tjener.api("GET", f"/kjoringer/{k['id']}")
    assert k["status"] == "done", k
    forste = tjener.api("GET", f"/kjoringer/{k['id']}/venteliste?per_side=1")["elementer"][0]
    kropp = {"utfall": "venteliste", "kjoring_id": k["id"], "begrunnelse": "Vedtatt i tildelingsmøtet."}
    tjener.api("PUT", f"/saker/{sak['id']}/beslutninger/{forste['applicant_id']}", data=json.dumps(kropp).encode())
    return sak["id"]


@pytest.fixture(scope="package")
def nettleser() -> Iterator[Any]:
    """Chromium for the browser tests. Package scope: Playwright's sync API keeps an asyncio loop running in
    this thread while it is open, which would break later tests that call ``asyncio.run`` (tests/api when
    run after tests/web). Independent of the shared server (``tjener``), so a test with a server of its own
    (``test_latens``) does not start it and its background oslo solve."""
    _hopp_over_uten_verktoy()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Side:
    """A page in a fresh context with console errors collected and API responses recorded."""

    def __init__(self, nettleser: Any, tjener: Tjener):
        self.tjener = tjener
        self.kontekst = nettleser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
        self.side = self.kontekst.new_page()
        self.side.set_default_timeout(30_000)
        self.feil: list[str] = []
        self.svar: list[Any] = []
        self.side.on("console", lambda m: self.feil.append(f"konsoll: {m.text}") if m.type == "error" else None)
        self.side.on("pageerror", lambda e: self.feil.append(f"sidefeil: {e}"))
        self.side.on("response", self._svar)

    def _svar(self, r: Any) -> None:
        self.svar.append(r)
        if r.status >= 400:
            self.feil.append(f"http {r.status}: {r.request.method} {r.url}")

    def logg_inn(self, rolle: str) -> None:
        s = self.side
        s.goto(self.tjener.base + "/web/logg-inn")
        s.fill("#brukernavn-felt", f"test-{rolle}")
        s.fill("#passord-felt", PASSORD)
        s.click("button[type=submit]")
        s.wait_for_url(re.compile(r"/web/(?!logg-inn)"))

    def gaa_til(self, side: str, sak: int | None = None) -> None:
        """Open a page; with ``sak`` that case is the one the page opens with."""
        if sak is not None:
            self.side.evaluate(f"sessionStorage.setItem('allokering.sak', '{sak}')")
        self.side.goto(f"{self.tjener.base}/web/{side}")

    def axe(self, navn: str) -> list[dict[str, Any]]:
        """Run axe-core (WCAG 2.0/2.1 A and AA); returns the serious and critical violations."""
        sti = axe_sti()
        assert sti is not None
        # evaluated through the DevTools protocol, not as an inline <script>: the pages' CSP forbids inline code
        self.side.evaluate(sti.read_text(encoding="utf-8"))
        res = self.side.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
        )
        alvorlige = [v for v in res["violations"] if v["impact"] in ("serious", "critical")]
        print(
            f"axe {navn}: {len(res['violations'])} brudd i alt, {len(alvorlige)} alvorlige/kritiske, "
            f"{len(res['passes'])} regler bestått"
        )
        for v in res["violations"]:
            print(f"  - {v['impact']}: {v['id']} ({len(v['nodes'])} noder): {v['help']}")
        uavklarte = [n for v in res.get("incomplete", []) if v["id"] == "color-contrast" for n in v["nodes"]]
        grunner = Counter(
            (d.get("data") or {}).get("messageKey") or "ukjent" for n in uavklarte for d in n.get("any", [])
        )
        print(f"  fargekontrast axe ikke kunne avgjøre: {len(uavklarte)} elementer {dict(grunner)}")
        # our own check of every visible text, which must also cover each element axe left undecided
        maal = [n["target"][0] for n in uavklarte if n.get("target") and isinstance(n["target"][0], str)]
        k = self.side.evaluate(KONTRAST_JS, maal)
        print(
            f"  egen kontrastsjekk: {k['antall']} tekster målt, {k['skjult']} skjulte/dekket, {len(k['feil'])} under "
            f"kravet; {k['uavklartDekket']} av {len(maal)} uavklarte fra axe dekket"
        )
        for f in k["feil"][:10]:
            print(f"  - {f}")
        assert not k["feil"], k["feil"][:10]
        assert not k["ikkeDekket"], k["ikkeDekket"][:10]
        return alvorlige

    def skjermbilde(self, navn: str) -> Path:
        SKJERMBILDER.mkdir(parents=True, exist_ok=True)
        sti = SKJERMBILDER / f"{navn}.png"
        self.side.screenshot(path=str(sti), full_page=True)
        return sti

    def api_tekster(self) -> list[tuple[str, str]]:
        """Bodies of the JSON responses the page fetched."""
        ut = []
        for r in self.svar:
            if "json" in (r.headers.get("content-type") or ""):
                try:
                    ut.append((r.url, r.text()))
                except Exception:  # a body no longer available (redirect, navigation)
                    continue
        return ut

    def lukk(self) -> None:
        self.kontekst.close()


@pytest.fixture
def side(nettleser: Any, tjener: Tjener) -> Iterator[Side]:
    s = Side(nettleser, tjener)
    yield s
    s.lukk()
    assert not s.feil, "feil i nettleserkonsollen:\n" + "\n".join(s.feil)
