"""``lp.heltall_verdi``: the exact integer objective, also where int64 arithmetic would overflow
(the proofs compare it with the certified bound, so a wrapped sum would «prove» a wrong optimum)."""

from __future__ import annotations

import numpy as np

from allokering.lp import heltall_verdi


def _python(c: np.ndarray, x: np.ndarray) -> int:
    return sum(int(a) * int(b) for a, b in zip(c.tolist(), np.rint(x).astype(np.int64).tolist(), strict=True))


def test_heltall_verdi_er_eksakt_ogsaa_naer_int64_grensen():
    rng = np.random.default_rng(7)
    for _ in range(500):
        n = int(rng.integers(1, 120))
        c = rng.integers(-(2**40), 2**40, n) * int(rng.choice([1, 2**20]))
        x = rng.integers(0, 4, n).astype(np.float64)
        assert heltall_verdi(c, x) == _python(c, x)
        # As the LP gives them: float coefficients (exact below 2⁵³) and a vertex with noise.
        if np.abs(c).max() < 2**53:
            stoy = x + rng.uniform(-1e-9, 1e-9, n)
            assert heltall_verdi(c.astype(np.float64), stoy) == _python(c, x)
    # A sum that overflows int64 (2 · 2⁶² = 2⁶³) must still come out exactly.
    for n, v in ((2, 2**62), (40, 2**58)):  # sums of 2⁶³ and 40 · 2⁵⁸ > 2⁶³
        c = np.full(n, v, dtype=np.int64)
        assert heltall_verdi(c, np.ones(n)) == n * v
        assert heltall_verdi(c, np.zeros(n)) == 0
