"""Sessions (issue 20, item 4) and the access log (item 3): logout and revocation, expiry on every
token, throttling, equal work for unknown names, password policy, the CLI password prompt, one log
row per søker (bulk reads, runs by every role, user administration, outcome) and the hash chain."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from api.db import Bruker, Tilgangslogg, Token, naa
from tests.api.conftest import vent_paa

ROT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from allokering.cli import app; app()"]
PASSORD = "et langt passord 7"


def _demo(c: Any, h: dict[str, str]) -> int:
    r = c.post("/saker/demo/tvedestrand", headers=h)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _logg(app: Any, **filter_: Any) -> list[Tilgangslogg]:
    with app.state.fabrikk() as s:
        q = select(Tilgangslogg).order_by(Tilgangslogg.id)
        for k, v in filter_.items():
            q = q.where(getattr(Tilgangslogg, k) == v)
        return list(s.scalars(q))


def _logg_inn(c: Any, navn: str, passord: str = PASSORD) -> Any:
    return c.post("/auth/token", data={"username": navn, "password": passord})


# --- sessions ---------------------------------------------------------------------------------------


def test_utlogging_tilbakekaller_tokenet_paa_tjeneren(klient: Any, roller: dict[str, Any]) -> None:
    r = _logg_inn(klient, "test-leder")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert klient.get("/meg", headers=h).status_code == 200
    assert klient.post("/auth/logg-ut", headers=h).json() == {"tilbakekalt": 1}
    assert klient.get("/meg", headers=h).status_code == 401
    assert klient.get("/meg", headers=roller["leder"]).status_code == 200  # other tokens still valid


def test_admin_deaktiverer_konto_og_alle_tokener_faller(klient: Any, roller: dict[str, Any], app: Any) -> None:
    a = roller["admin"]
    ny = klient.post("/brukere", headers=a, json={"navn": "per", "rolle": "saksbehandler", "passord": PASSORD})
    assert ny.status_code == 201 and ny.json()["opprettet_av"] == "test-admin"
    tok = _logg_inn(klient, "per").json()["access_token"]
    h = {"Authorization": f"Bearer {tok}", "X-Formal": "tildelingsm%C3%B8te"}  # percent-encoded æøå
    sak_id = _demo(klient, roller["saksbehandler"])
    assert klient.get(f"/saker/{sak_id}/sokere/S-000001", headers=h).status_code in (200, 403)
    r = klient.post(f"/brukere/{ny.json()['id']}/deaktiver", headers=a)
    assert r.status_code == 200 and r.json()["aktiv"] is False and r.json()["deaktivert_av"] == "test-admin"
    assert klient.get("/meg", headers=h).status_code == 401
    assert _logg_inn(klient, "per").status_code == 401
    # visible in the log: the admin made «per», «per» logged in and read, the admin deactivated «per»
    admin_rader = [x.hva for x in _logg(app, bruker="test-admin", handling="brukeradmin")]
    assert any("opprettet brukeren «per»" in x for x in admin_rader)
    assert any("deaktiverte brukeren «per»" in x for x in admin_rader)
    per = _logg(app, bruker="per")
    assert {x.handling for x in per} >= {"innlogging", "les"}
    # an admin cannot deactivate herself
    meg = klient.get("/brukere", headers=a).json()["elementer"]
    admin_id = next(x["id"] for x in meg if x["navn"] == "test-admin")
    assert klient.post(f"/brukere/{admin_id}/deaktiver", headers=a).status_code == 409


def test_alle_tokener_utloper_ogsaa_fra_kommandolinjen(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    r = subprocess.run(
        [*CLI, "bruker", "opprett", "kari", "--rolle", "planlegger", "--gyldig-dager", "7", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROT,
    )
    assert r.returncode == 0, r.stderr
    from api.db import lag_motor, lag_sesjonsfabrikk

    motor = lag_motor(f"sqlite:///{db}")
    with lag_sesjonsfabrikk(motor)() as s:
        t = s.scalars(select(Token)).one()
        assert t.utloper is not None and timedelta(days=6) < t.utloper - naa() <= timedelta(days=7)
        logg = s.scalars(select(Tilgangslogg)).all()
        assert [x.handling for x in logg] == ["brukeradmin"] and "kari" in logg[0].hva
    motor.dispose()
    from api.auth import MAKS_TOKEN_LEVETID, utsted_token

    with pytest.raises(ValueError):
        utsted_token(None, None, levetid=timedelta(0))  # type: ignore[arg-type]
    assert MAKS_TOKEN_LEVETID == timedelta(days=365)


def test_innlogging_strupes_per_konto_og_per_klient(klient: Any, roller: dict[str, Any], app: Any) -> None:
    for _ in range(5):
        assert _logg_inn(klient, "test-leder", "galt passord her").status_code == 401
    r = _logg_inn(klient, "test-leder")  # the right password, after five wrong ones
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "mislykkede" in r.json()["detail"]
    assert _logg_inn(klient, "test-planlegger").status_code == 200  # another account is not locked
    statuser = [_logg_inn(klient, f"ukjent-{i}", "x").status_code for i in range(20)]
    assert statuser.count(429) >= 5, statuser  # 20 per minute per client address
    assert "adressen" in _logg_inn(klient, "test-admin").json()["detail"]
    nektet = _logg(app, handling="innlogging", utfall="nektet (for mange forsøk)")
    assert len(nektet) >= 6


def test_lik_innsats_for_kjente_og_ukjente_brukernavn(app: Any, roller: dict[str, Any]) -> None:
    from api import auth

    kall: list[int] = []
    ekte = hashlib.scrypt

    def tell(*a: Any, **k: Any) -> bytes:
        kall.append(1)
        return ekte(*a, **k)

    auth.logg_inn(app.state.fabrikk(), "finnes-ikke", "x")  # warm the dummy hash
    tider: dict[str, list[float]] = {}
    with app.state.fabrikk() as s:
        s.execute(update(Bruker).where(Bruker.navn == "test-planlegger").values(aktiv=False))
        for tilfelle, navn, pw in (
            ("riktig", "test-leder", PASSORD),
            ("galt", "test-leder", "galt passord"),
            ("ukjent", "finnes-ikke", "galt passord"),
            ("deaktivert", "test-planlegger", PASSORD),
        ):
            for _ in range(5):
                kall.clear()
                t0 = time.perf_counter()
                auth.logg_inn(s, navn, pw, kdf=tell)
                tider.setdefault(tilfelle, []).append(time.perf_counter() - t0)
                assert len(kall) == 1, (tilfelle, len(kall))
    median = {k: sorted(v)[2] for k, v in tider.items()}
    print({k: f"{v * 1000:.0f} ms" for k, v in median.items()})
    # the times are printed, not asserted: on a shared machine they are noise; the scrypt count above is the guarantee


def test_passordregler(klient: Any, roller: dict[str, Any]) -> None:
    a = roller["admin"]
    for pw, grunn in (
        ("x", "minst 12 tegn"),
        ("kort-pw", "minst 12 tegn"),
        ("olsen-er-best-123", "brukernavnet"),
        ("aaaaaaaaaaaaaaa", "fire forskjellige"),
        ("passord123456", "vanlig"),
    ):
        r = klient.post("/brukere", headers=a, json={"navn": "olsen", "rolle": "leder", "passord": pw})
        assert r.status_code == 422 and grunn in r.json()["feil"][0]["melding"], (pw, r.text)


def test_kommandolinjen_leser_passordet_fra_stdin_aldri_argv(tmp_path: Path) -> None:
    db = str(tmp_path / "pw.sqlite")
    kjor = [*CLI, "bruker", "opprett", "eva", "--rolle", "leder", "--db", db]
    r = subprocess.run([*kjor, "--passord", "hemmelig-passord-1"], capture_output=True, text=True, cwd=ROT)
    assert r.returncode != 0  # a password on the command line is refused
    r = subprocess.run([*kjor, "--passord"], input="kort\n", capture_output=True, text=True, cwd=ROT)
    assert r.returncode == 2 and "minst 12 tegn" in r.stderr
    r = subprocess.run([*kjor, "--passord"], input="et godt langt passord\n", capture_output=True, text=True, cwd=ROT)
    assert r.returncode == 0, r.stderr
    from api.auth import logg_inn
    from api.db import lag_motor, lag_sesjonsfabrikk

    motor = lag_motor(db)
    with lag_sesjonsfabrikk(motor)() as s:
        assert logg_inn(s, "eva", "et godt langt passord") is not None
    motor.dispose()


# --- the access log ---------------------------------------------------------------------------------


def test_en_rad_per_soker_ogsaa_for_masselesing_og_kjoringer(
    klient: Any, roller: dict[str, Any], app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("ALLOKERING_JOBB_FORSINKELSE_S", "0")
    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    versjon = klient.get(f"/saker/{sak_id}/versjoner/1", headers=h).json()
    sokere = {x["id"] for x in versjon["sokere"]}
    rader = _logg(app, sti=f"/saker/{sak_id}/versjoner/1")
    assert {x.soker_id for x in rader} == sokere and len(rader) == len(sokere)
    assert all(x.handling == "les" and x.utfall == "ok" and x.formal == "test av tildeling" for x in rader)
    # a run started by a planlegger: one row per søker processed, handling «kjøring»
    r = klient.post(
        f"/saker/{sak_id}/kjoringer", headers=roller["planlegger"], json={"parametre": {"tidsgrense_s": 20}}
    )
    assert r.status_code == 202, r.text
    kid = r.json()["id"]
    kjoring = _logg(app, bruker="test-planlegger", handling="kjøring", kjoring_id=kid)
    assert {x.soker_id for x in kjoring} == sokere
    assert vent_paa(klient, kid, h, frist=120)["status"] == "done"
    for sti in ("resultat", "eksport?format=csv"):
        assert klient.get(f"/kjoringer/{kid}/{sti}", headers=h).status_code == 200
        rader = _logg(app, sti=f"/kjoringer/{kid}/{sti.split('?')[0]}")
        assert {x.soker_id for x in rader} == sokere, sti
    side = klient.get(f"/kjoringer/{kid}/tildelinger?per_side=3", headers=h).json()
    rader = _logg(app, sti=f"/kjoringer/{kid}/tildelinger")
    assert {x.soker_id for x in rader} == {x["applicant_id"] for x in side["elementer"]}
    # a refused write is logged with its outcome, not as a plain «skriv»
    r = klient.put(
        f"/saker/{sak_id}/beslutninger/S-000001",
        headers=h,
        json={"utfall": "tildelt", "enhet_id": "finnes-ikke", "begrunnelse": "vedtatt i møtet"},
    )
    assert r.status_code == 422
    rad = _logg(app, sti=f"/saker/{sak_id}/beslutninger/S-000001")[-1]
    assert (rad.handling, rad.utfall, rad.soker_id) == ("skriv", "avvist (422)", "S-000001")


def test_hash_kjeden_avslorer_endring_og_sletting(klient: Any, roller: dict[str, Any], app: Any) -> None:
    from api.logg import verifiser

    h = roller["saksbehandler"]
    sak_id = _demo(klient, h)
    for i in range(3):
        klient.get(f"/saker/{sak_id}/sokere/S-00000{i + 1}", headers=h)
    url = str(app.state.motor.url)

    def cli() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, "logg", "verifiser", "--db", url], capture_output=True, text=True, cwd=ROT)

    with app.state.fabrikk() as s:
        v = verifiser(s)
        assert v.ok and v.antall == len(_logg(app)) > 50
    r = cli()
    assert r.returncode == 0 and r.stdout.startswith("OK"), r.stdout + r.stderr
    mål = _logg(app, soker_id="S-000002", hva="En søkers opplysninger")[0].id
    with app.state.fabrikk.begin() as s:
        s.execute(update(Tilgangslogg).where(Tilgangslogg.id == mål).values(formal="noe annet"))
    with app.state.fabrikk() as s:
        v = verifiser(s)
        assert not v.ok and v.brudd_ved_id == mål and "endret" in v.melding
    r = cli()
    assert r.returncode == 1 and "BRUDD" in r.stdout
    with app.state.fabrikk.begin() as s:
        s.execute(delete(Tilgangslogg).where(Tilgangslogg.id == mål))
    with app.state.fabrikk() as s:
        v = verifiser(s)
        assert not v.ok and v.brudd_ved_id == mål and "mangler" in v.melding
    siste = _logg(app)[-1].id
    with app.state.fabrikk.begin() as s:
        s.execute(delete(Tilgangslogg).where(Tilgangslogg.id >= mål - 1))
    with app.state.fabrikk() as s:
        v = verifiser(s)
        assert not v.ok and "hodet" in v.melding, (v, siste)
    assert klient.get("/tilgangslogg/verifiser", headers=roller["admin"]).json()["ok"] is False


def test_formaal_fra_listen_eller_ekte_fritekst(klient: Any, roller: dict[str, Any]) -> None:
    h = {"Authorization": roller["saksbehandler"]["Authorization"]}
    sak_id = _demo(klient, roller["saksbehandler"])
    sti = f"/saker/{sak_id}/sokere/S-000001"
    for formal, kode in (
        ("tildelingsmøte", 200),
        ("tildelingsmøte 27.11", 200),
        ("Klagesak", 200),
        ("abc", 400),
        ("xxxxxxxxxxxxxxxxxxxx", 400),
        ("aaa bbb ccc ddd eee", 400),
        ("forberede klagesaken til fylkesmannen", 200),
    ):
        assert klient.get(sti, params={"formal": formal}, headers=h).status_code == kode, formal


def test_migrering_av_eksisterende_database(tmp_path: Path) -> None:
    """A database at revision 0001 with a never-expiring token and log rows upgrades: the token gets
    an expiry, the log rows are chained and verify."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from api.db import lag_motor, lag_sesjonsfabrikk, migrer
    from api.logg import verifiser

    motor = lag_motor(f"sqlite:///{tmp_path / 'gammel.sqlite'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(ROT / "api" / "migrations"))
    with motor.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with motor.begin() as c:
        c.execute(
            text("INSERT INTO brukere (id, navn, rolle, aktiv, opprettet) VALUES (1, 'kari', 'leder', 1, :t)"),
            {"t": naa()},
        )
        c.execute(
            text("INSERT INTO tokener (bruker_id, token_hash, beskrivelse, opprettet) VALUES (1, 'abc', '', :t)"),
            {"t": naa()},
        )
        for i in (3, 7, 9):
            c.execute(
                text(
                    "INSERT INTO tilgangslogg (id, tidspunkt, bruker, rolle, handling, hva, metode, sti, formal) "
                    "VALUES (:i, :t, 'kari', 'leder', 'nektet', 'x', 'GET', '/x', 'y')"
                ),
                {"i": i, "t": naa()},
            )
    migrer(motor)
    with lag_sesjonsfabrikk(motor)() as s:
        assert s.scalars(select(Token)).one().utloper is not None
        v = verifiser(s)
        assert v.ok and v.antall == 3, v
        assert [x.id for x in s.scalars(select(Tilgangslogg).order_by(Tilgangslogg.id))] == [1, 2, 3]
    motor.dispose()


def test_klientadresse_bak_stolt_proxy() -> None:
    from starlette.requests import Request

    from api.rutere import felles as appmodul

    def req(peer: str, xff: str | None) -> Request:
        hoder = [(b"x-forwarded-for", xff.encode())] if xff else []
        return Request({"type": "http", "client": (peer, 1234), "headers": hoder})

    assert appmodul.klientadresse(req("10.0.0.1", "1.2.3.4")) == "10.0.0.1"  # not trusted: header ignored
    stolte = frozenset({"10.0.0.1"})
    assert appmodul.klientadresse(req("10.0.0.1", "6.6.6.6, 1.2.3.4"), stolte) == "1.2.3.4"  # left part forgeable
    assert appmodul.klientadresse(req("10.0.0.2", "1.2.3.4"), stolte) == "10.0.0.2"
