"""The installed project is whole: every module of the four packages imports and the FastAPI app builds.

This is what a user on a new machine meets first (issue 17): a dependency that ``pyproject.toml`` does not
declare is missing from a clean virtual environment, and the import below then fails with the same
``ModuleNotFoundError`` the user would see. The import runs in a fresh interpreter so that modules other
tests have already imported cannot hide a missing one; a second run blocks ``sqlalchemy`` on purpose and
checks that the test notices.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
PAKKER = ("modeller", "allokering", "scenarier", "api")
# Alembic's env.py runs a migration when imported; it is only ever loaded by Alembic itself (api.db.migrer).
IKKE_IMPORTER = {"api.migrations.env"}

SKRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys, tempfile
    from pathlib import Path

    blokker = set(sys.argv[1:])

    class Blokker(importlib.abc.MetaPathFinder):
        # Acts as if the named distributions were not installed.
        def find_spec(self, navn, path=None, target=None):
            if navn.split(".")[0] in blokker:
                raise ModuleNotFoundError(f"No module named {navn!r}", name=navn)
            return None

    if blokker:
        sys.meta_path.insert(0, Blokker())

    moduler = []
    for pakke in PAKKER:
        mod = importlib.import_module(pakke)
        moduler.append(pakke)
        for info in pkgutil.walk_packages(mod.__path__, prefix=pakke + "."):
            if info.name in IKKE_IMPORTER:
                continue
            importlib.import_module(info.name)
            moduler.append(info.name)

    from fastapi.testclient import TestClient

    from api.app import lag_app

    with tempfile.TemporaryDirectory() as d:
        app = lag_app(f"sqlite:///{Path(d) / 'inst.sqlite'}")
        with TestClient(app) as klient:
            assert klient.get("/openapi.json").status_code == 200
            assert klient.get("/web/logg-inn").status_code == 200
    print("MODULER", len(moduler))
    """
)


def _kjor(*blokker: str) -> subprocess.CompletedProcess[str]:
    kode = f"PAKKER = {PAKKER!r}\nIKKE_IMPORTER = {IKKE_IMPORTER!r}\n" + SKRIPT
    return subprocess.run(
        [sys.executable, "-c", kode, *blokker], cwd=ROT, capture_output=True, text=True, timeout=300, check=False
    )


def test_alle_moduler_importeres_og_appen_bygges() -> None:
    res = _kjor()
    assert res.returncode == 0, res.stderr[-3000:]
    antall = int(res.stdout.split("MODULER")[-1])
    # Every .py file under the four packages except the excluded one is a module that was imported.
    filer = [p for pakke in PAKKER for p in (ROT / pakke).rglob("*.py")]
    assert antall == len(filer) - len(IKKE_IMPORTER)


def test_en_manglende_avhengighet_gir_samme_feil_som_hos_brukeren() -> None:
    """The check can fail: with sqlalchemy hidden, it stops as ``allokering serve`` did on a fresh machine."""
    res = _kjor("sqlalchemy")
    assert res.returncode != 0
    assert "ModuleNotFoundError: No module named 'sqlalchemy" in res.stderr


def test_hver_erklaert_avhengighet_er_installert() -> None:
    """Every runtime requirement in the installed metadata is present (the environment matches pyproject.toml)."""
    krav = importlib.metadata.requires("allokering") or []
    kjerne = [k for k in krav if "extra ==" not in k]
    assert {"sqlalchemy", "alembic", "python-multipart"} <= {
        re.match(r"[A-Za-z0-9_.-]+", k).group(0).lower()  # type: ignore[union-attr]
        for k in kjerne
    }
    for k in kjerne:
        navn = re.match(r"[A-Za-z0-9_.-]+", k).group(0)  # type: ignore[union-attr]
        assert importlib.metadata.version(navn), navn


def test_postgresql_uten_tillegget_gir_en_forklaring_paa_bokmaal() -> None:
    """Without the ``postgres`` extra, ``DATABASE_URL=postgresql+psycopg://…`` says which extra to install."""
    kode = textwrap.dedent(
        """
        import sys
        sys.modules["psycopg"] = None  # as if the extra were not installed
        from api.db import lag_motor
        try:
            lag_motor("postgresql+psycopg://bruker@127.0.0.1:1/db")
        except RuntimeError as feil:
            print("FEIL", feil)
        """
    )
    res = subprocess.run(
        [sys.executable, "-c", kode], cwd=ROT, capture_output=True, text=True, timeout=120, check=False
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert "FEIL PostgreSQL krever tillegget «postgres»" in res.stdout
