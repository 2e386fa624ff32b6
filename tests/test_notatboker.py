"""Every notebook in notebooks/ runs from top to bottom without a cell error (nbclient, kernel python3,
working directory = the repository root).

A notebook that already has its own test elsewhere is listed in ``EGEN_TEST`` and not run twice; any new
notebook is picked up here automatically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parents[1]
NOTATBOKER = ROT / "notebooks"

# Notebook → the test that already executes it (with the environment it needs).
EGEN_TEST = {
    # Runs with SCENARIO_NOTATBOK_HURTIG=1 there.
    "02_kapasitetsplanlegging.ipynb": "tests/scenarier/test_montecarlo.py::test_notatbok_kjorer",
}


def _notatboker() -> list[Path]:
    return sorted(p for p in NOTATBOKER.glob("*.ipynb") if p.name not in EGEN_TEST)


def test_alle_notatboker_er_dekket() -> None:
    navn = {p.name for p in NOTATBOKER.glob("*.ipynb")}
    assert "01_tildelingsmote.ipynb" in navn
    for nb, test in EGEN_TEST.items():
        assert nb in navn, f"{nb} finnes ikke lenger; fjern den fra EGEN_TEST"
        fil, _, funksjon = test.partition("::")
        kilde = (ROT / fil).read_text(encoding="utf-8")
        assert nb in kilde and f"def {funksjon}(" in kilde, f"{test} kjører ikke {nb}"


@pytest.mark.skipif(os.environ.get("HOPP_OVER_NOTATBOK") == "1", reason="notatbok hoppet over")
@pytest.mark.parametrize("sti", _notatboker(), ids=lambda p: p.name)
def test_notatbok_kjorer_uten_feil(sti: Path) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(sti, as_version=4)
    klient = NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROT)}}, allow_errors=False
    )
    try:
        klient.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{sti.name}: en celle feilet:\n{exc}")
    feil = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not feil, f"{sti.name}: celler med feil: {[o.get('ename') for o in feil]}"
