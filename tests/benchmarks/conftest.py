"""Loads the scripts under ``benchmarks/`` (not a package) as modules for the smoke tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def last_skript(navn: str) -> ModuleType:
    """``benchmarks/<navn>.py`` as the module ``navn`` (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(navn, BENCHMARKS / f"{navn}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[navn] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def motor_bench() -> ModuleType:
    return last_skript("motor_bench")


@pytest.fixture(scope="module")
def scenario_bench() -> ModuleType:
    return last_skript("scenario_bench")


@pytest.fixture(scope="module")
def ab_funksjoner() -> ModuleType:
    return last_skript("ab_funksjoner")
