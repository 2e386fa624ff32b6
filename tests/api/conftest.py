"""Fixtures for the persistence and API tests: every test using ``db_url`` runs on SQLite, and also on
PostgreSQL when ``TEST_DATABASE_URL`` is set (each test in its own schema)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

# Most API tests start an app and never run a job: no warm worker pool at startup (``lag_app(varm=...)``).
os.environ.setdefault("ALLOKERING_VARM_POOL", "0")

DATABASER = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=DATABASER)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    from sqlalchemy import create_engine, text

    base = os.environ["TEST_DATABASE_URL"]
    skjema = f"t_{uuid.uuid4().hex[:12]}"
    motor = create_engine(base, isolation_level="AUTOCOMMIT")
    with motor.connect() as c:
        c.execute(text(f"CREATE SCHEMA {skjema}"))
    skille = "&" if "?" in base else "?"
    yield f"{base}{skille}options=-csearch_path%3D{skjema}"
    with motor.connect() as c:
        # A test that failed may leave the app's pooled connections holding locks in the schema; end them first
        # (tests run one at a time, so every other connection to the test database belongs to this test).
        c.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        c.execute(text(f"DROP SCHEMA {skjema} CASCADE"))
    motor.dispose()


@pytest.fixture
def app(db_url: str) -> Any:
    from api.app import lag_app

    return lag_app(db_url)


@pytest.fixture
def roller(app: Any) -> dict[str, dict[str, str]]:
    """Bearer headers per role (saksbehandler also sends a purpose)."""
    from api.auth import opprett_bruker, utsted_token

    ut = {}
    with app.state.fabrikk.begin() as s:
        for rolle in ("saksbehandler", "planlegger", "leder", "admin"):
            b = opprett_bruker(s, f"test-{rolle}", rolle, "et langt passord 7")
            ut[rolle] = {"Authorization": f"Bearer {utsted_token(s, b)}"}
    ut["saksbehandler"]["X-Formal"] = "test av tildeling"
    return ut


@pytest.fixture
def klient(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def vent_paa(
    c: Any, kid: int, h: dict[str, str], frist: float = 60.0, status: tuple[str, ...] = ("done", "failed", "cancelled")
) -> dict[str, Any]:
    slutt = time.monotonic() + frist
    while True:
        st = c.get(f"/kjoringer/{kid}", headers=h).json()
        if st["status"] in status:
            return st
        if time.monotonic() > slutt:
            raise AssertionError(f"kjøring {kid} ble ikke {status} innen {frist} s: {st}")
        time.sleep(0.1)
