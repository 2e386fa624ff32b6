"""docs/kriterier.md and the rule table cannot drift: every rule is in the criteria table, and every rule id the
table names exists."""

from __future__ import annotations

import re
from pathlib import Path

from allokering.regler import REGLER

DOK = Path(__file__).resolve().parents[2] / "docs" / "kriterier.md"


def test_hver_regel_staar_i_kriterietabellen_og_omvendt():
    tekst = DOK.read_text(encoding="utf-8")
    nevnt = set(re.findall(r"`((?:ST|S|T)-[0-9][0-9.-]*[a-z][a-z0-9-]*)`", tekst))
    kjente = {r.id for r in REGLER}
    assert nevnt - kjente == set(), "ukjente regel-id-er i docs/kriterier.md"
    assert kjente - nevnt == set(), "regler som mangler i docs/kriterier.md"
