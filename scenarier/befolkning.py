"""Population by age band and year: readers for SSB Statistikkbanken CSV exports and the bundled
synthetic defaults.

Accepted input (both tables, both layouts Statistikkbanken offers for «CSV» download)
------------------------------------------------------------------------------------
* **07459** «Befolkning, etter region, kjønn, alder og år» (present population, 1 January) and
  **13599** «Framskrevet folkemengde 1. januar, etter region, kjønn, alder, statistikkvariabel og år»
  (projections; one *statistikkvariabel* per alternative, e.g. «Hovedalternativet (MMMM)»).
* Separator ``;`` (Statistikkbanken's default) or ``,``; encoding UTF-8 (with or without BOM) or
  ISO-8859-1. Title lines before the header are skipped: the header is the first line with a column
  named ``alder``.
* **Long layout** (one value per row): columns ``region``, ``alder``, ``år`` (or ``tid``), optionally
  ``kjønn`` and ``statistikkvariabel``; the value is the **last** column (its name is free, e.g.
  «Personer» or «07459: Befolkning, …»).
* **Wide layout** (Statistikkbanken's table layout): dimension columns ``region``, ``alder``,
  optionally ``kjønn`` / ``statistikkvariabel``, then one column per year whose name **ends in the
  four-digit year**, e.g. «Personer 2024» or «Hovedalternativet (MMMM) 2030».
* ``alder``: single years «85 år», «105 år eller eldre», or groups «80-84 år», «90 år eller eldre»
  (a group is spread evenly over its single years, the open group over 5 years).
* ``region``: «3907 Sandefjord» (also «K-3907 …»); with ``kommunenummer`` only matching rows are
  kept. ``kjønn`` rows are summed; a «Begge kjønn» row is used alone when present.
* Missing values «.», «..», «:», «-» count as 0.
* 13599 with several alternatives: choose one with ``alternativ`` (a substring of the
  statistikkvariabel / column label, e.g. ``"MMMM"``).

The bundled files ``scenarier/data/befolkning_<kommune>_syntetisk.csv`` are **synthetic** (written by
``lag_syntetisk_framskriving`` below, in the long 13599 layout with alternatives MMMM, LLML and
HHMH) — not SSB figures. Replace them with real exports: ``les_ssb_csv(sti, kommunenummer="3907")``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BAAND_GRENSER: tuple[int, ...] = (0, 50, 65, 70, 75, 80, 85, 90, 95)
"""Lower edges of the age bands the need model uses (5-year bands from 65: HUNT4 doubling)."""
BAAND: tuple[str, ...] = tuple(
    f"{lo}-{hi - 1}" if hi else f"{lo}+" for lo, hi in zip(BAAND_GRENSER, (*BAAND_GRENSER[1:], None), strict=True)
)
DATAMAPPE = Path(__file__).parent / "data"
SYNTETISKE = {
    "sandefjord": "befolkning_sandefjord_syntetisk.csv",
    "tvedestrand": "befolkning_tvedestrand_syntetisk.csv",
}


class Befolkningsfeil(ValueError):
    """A population file that cannot be read (message in bokmål)."""


@dataclass(frozen=True)
class Befolkning:
    """Inhabitants per year (rows) and age band (columns, ``BAAND``)."""

    aar: tuple[int, ...]
    antall: np.ndarray
    kilde: str
    syntetisk: bool = False

    def for_aar(self, aar: int) -> np.ndarray:
        """The band vector of a year; before the first / after the last year the nearest is used."""
        i = int(np.clip(np.searchsorted(self.aar, aar), 0, len(self.aar) - 1))
        if self.aar[i] != aar and i > 0 and aar < self.aar[i]:
            i -= 1
        return self.antall[i]

    def total(self, aar: int) -> float:
        return float(self.for_aar(aar).sum())

    def som_tabell(self) -> list[dict[str, float | int | str]]:
        return [
            {"aar": a, "aldersgruppe": b, "antall": float(self.antall[i, j])}
            for i, a in enumerate(self.aar)
            for j, b in enumerate(BAAND)
        ]


def _baand_for_alder(alder: int) -> int:
    return int(np.searchsorted(BAAND_GRENSER, alder, side="right") - 1)


_ALDER = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*år?\s*(eller eldre|og eldre|\+)?", re.IGNORECASE)


def _fordel_alder(tekst: str) -> list[tuple[int, float]]:
    """(band, share) of an SSB age label."""
    m = _ALDER.match(tekst.replace("–", "-"))
    if not m:
        raise Befolkningsfeil(f"ukjent aldersverdi «{tekst}»")
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else (lo + 4 if m.group(3) else lo)
    n = hi - lo + 1
    ut: dict[int, float] = {}
    for a in range(lo, hi + 1):
        b = _baand_for_alder(a)
        ut[b] = ut.get(b, 0.0) + 1.0 / n
    return sorted(ut.items())


def _tall(tekst: str) -> float:
    t = tekst.strip().replace("\u00a0", "").replace(" ", "")
    if t in ("", ".", "..", ":", "-", "…"):
        return 0.0
    try:
        return float(t.replace(",", "."))
    except ValueError as exc:
        raise Befolkningsfeil(f"ugyldig tall «{tekst}»") from exc


def _les_tekst(sti: Path) -> str:
    data = sti.read_bytes()
    for enc in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise Befolkningsfeil(f"{sti}: ukjent tegnkoding")  # pragma: no cover - latin-1 decodes anything


def les_tekst(sti: Path) -> str:
    """The text of a population file (UTF-8 with or without BOM, or ISO-8859-1)."""
    return _les_tekst(sti)


def les_ssb_csv(
    sti: str | Path,
    kommunenummer: str | None = None,
    alternativ: str | None = None,
    tekst_inn: str | None = None,
) -> Befolkning:
    """Read an SSB 07459 or 13599 CSV export (see the module docstring for the accepted layouts).
    ``tekst_inn``: the file's text, already read (a worker that cannot see ``sti``); ``sti`` then only
    names it in messages."""
    sti = Path(sti)
    linjer = (_les_tekst(sti) if tekst_inn is None else tekst_inn).splitlines()
    start = next((i for i, lin in enumerate(linjer) if re.search(r"(^|[;,\"])\s*alder\s*(\"|;|,|$)", lin, re.I)), None)
    if start is None:
        raise Befolkningsfeil(f"{sti}: fant ingen overskriftslinje med kolonnen «alder»")
    tekst = "\n".join(linjer[start:])
    skille = ";" if linjer[start].count(";") >= linjer[start].count(",") else ","
    rader = list(csv.reader(io.StringIO(tekst), delimiter=skille))
    hode = [h.strip().lower() for h in rader[0]]
    rader = [r for r in rader[1:] if any(c.strip() for c in r)]

    def kol(*navn: str) -> int | None:
        for n in navn:
            if n in hode:
                return hode.index(n)
        return None

    k_region, k_alder, k_kjonn = kol("region"), kol("alder"), kol("kjønn", "kjonn")
    k_var, k_aar = kol("statistikkvariabel", "contents"), kol("år", "aar", "tid")
    if k_alder is None:
        raise Befolkningsfeil(f"{sti}: mangler kolonnen «alder»")
    # (year, variable label) → column index; long layout: one value column.
    dimensjoner = (k_region, k_alder, k_kjonn, k_var, k_aar)
    aarkolonner = {}
    for i, h in enumerate(hode):
        m = re.search(r"(\d{4})\s*$", h)
        if m and i not in dimensjoner:
            aarkolonner[i] = int(m.group(1))
    lang = k_aar is not None
    if not lang and not aarkolonner:
        raise Befolkningsfeil(f"{sti}: fant verken kolonnen «år» eller kolonner som slutter på et årstall")

    poster: list[tuple[str, int, str, str, float]] = []  # (alternative label, year, sex, age, value)
    for nr, r in enumerate(rader, start=start + 2):
        if len(r) < len(hode):
            raise Befolkningsfeil(f"{sti}, rad {nr}: for få kolonner ({len(r)} av {len(hode)})")
        if kommunenummer and k_region is not None:
            reg = r[k_region].strip().removeprefix("K-")
            if not reg.startswith(kommunenummer):
                continue
        kjonn = r[k_kjonn].strip().lower() if k_kjonn is not None else "begge kjønn"
        var = r[k_var].strip() if k_var is not None else ""
        if lang:
            assert k_aar is not None  # a long layout always has a year column
            try:
                aar = int(str(r[k_aar]).strip()[:4])
            except ValueError as exc:
                raise Befolkningsfeil(f"{sti}, rad {nr}: ugyldig år «{r[k_aar]}»") from exc
            poster.append((var, aar, kjonn, r[k_alder], _tall(r[-1])))
        else:
            for i, aar in aarkolonner.items():
                etikett = f"{var} | {hode[i]}" if var else hode[i]
                poster.append((etikett, aar, kjonn, r[k_alder], _tall(r[i])))
    if not poster:
        raise Befolkningsfeil(f"{sti}: ingen rader" + (f" for kommunenummer {kommunenummer}" if kommunenummer else ""))

    def alt_nokkel(etikett: str) -> str:
        return re.sub(r"\s*\d{4}\s*$", "", etikett).strip()

    alternativer = sorted({alt_nokkel(p[0]) for p in poster})
    if alternativ is not None:
        poster = [p for p in poster if alternativ.lower() in p[0].lower()]
        if not poster:
            raise Befolkningsfeil(f"{sti}: fant ikke alternativet «{alternativ}»; finnes: {', '.join(alternativer)}")
    elif len(alternativer) > 1:
        raise Befolkningsfeil(
            f"{sti}: filen har flere alternativer/statistikkvariabler ({', '.join(alternativer)}); "
            "velg ett med alternativ="
        )
    har_begge = any(p[2] in ("begge kjønn", "i alt", "begge") for p in poster)
    aarene = sorted({p[1] for p in poster})
    antall = np.zeros((len(aarene), len(BAAND)))
    for _, aar, kjonn, alder, verdi in poster:
        if har_begge and kjonn not in ("begge kjønn", "i alt", "begge"):
            continue
        if alder.strip().lower() in ("alle aldre", "i alt", "total"):
            continue
        for b, andel in _fordel_alder(alder):
            antall[aarene.index(aar), b] += verdi * andel
    syntetisk = "syntetisk" in "\n".join(linjer[:start]).lower()
    return Befolkning(tuple(aarene), antall, kilde=str(sti), syntetisk=syntetisk)


def kombiner(naa: Befolkning, framskriving: Befolkning) -> Befolkning:
    """07459 (present) for its years, 13599 for the later years."""
    sist = max(naa.aar)
    aar = list(naa.aar) + [a for a in framskriving.aar if a > sist]
    rader = [naa.for_aar(a) if a <= sist else framskriving.for_aar(a) for a in aar]
    return Befolkning(
        tuple(aar),
        np.vstack(rader),
        kilde=f"{naa.kilde} + {framskriving.kilde}",
        syntetisk=naa.syntetisk or framskriving.syntetisk,
    )


def syntetisk(kommune: str, alternativ: str = "MMMM") -> Befolkning:
    """The bundled synthetic population of ``sandefjord`` or ``tvedestrand``."""
    navn = SYNTETISKE.get(kommune.lower())
    if navn is None:
        raise Befolkningsfeil(f"ingen syntetisk befolkning for «{kommune}»; kjente er {', '.join(SYNTETISKE)}")
    return les_ssb_csv(DATAMAPPE / navn, alternativ=alternativ)


# ------------------------------------------------------------------------------------------
# Writing the synthetic defaults (run ``python -m scenarier.befolkning`` to regenerate)
# ------------------------------------------------------------------------------------------

_ANDEL_2025 = {  # 5-year groups, roughly Norway 2025 (rounded; *synthetic*)
    0: 0.055, 5: 0.058, 10: 0.061, 15: 0.062, 20: 0.064, 25: 0.067, 30: 0.069, 35: 0.068, 40: 0.066,
    45: 0.066, 50: 0.067, 55: 0.066, 60: 0.060, 65: 0.054, 70: 0.049, 75: 0.041, 80: 0.027, 85: 0.014,
    90: 0.0055, 95: 0.0015, 100: 0.0002,
}  # fmt: skip

_KOMMUNER = {
    # total 2025, yearly growth of 80+ per alternative until knekk, after, growth under 65, knekk year
    "sandefjord": ("3907 Sandefjord", 65_000, {"MMMM": 0.036, "LLML": 0.029, "HHMH": 0.043}, 0.015, 0.003, 2045),
    "tvedestrand": ("4213 Tvedestrand", 6_000, {"MMMM": 0.075, "LLML": 0.065, "HHMH": 0.085}, 0.015, -0.002, 2035),
}
_ALT_NAVN = {
    "MMMM": "Hovedalternativet (MMMM)",
    "LLML": "Lav nasjonal vekst (LLML)",
    "HHMH": "Høy nasjonal vekst (HHMH)",
}


def lag_syntetisk_framskriving(kommune: str, fra: int = 2025, til: int = 2050) -> str:
    """The synthetic 13599-style CSV (long layout) of a bundled municipality, as text."""
    region, total, vekst80, vekst80_etter, vekst_ung, knekk = _KOMMUNER[kommune]
    ut = io.StringIO()
    ut.write(
        '"SYNTETISKE TALL – ikke fra SSB. Laget av scenarier.befolkning.lag_syntetisk_framskriving i SSB-tabell '
        f'13599-format for {region} (syntetisk). Erstatt med en ekte eksport fra Statistikkbanken."\n\n'
    )
    w = csv.writer(ut, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    w.writerow(["region", "alder", "statistikkvariabel", "år", "13599: Framskrevet folkemengde 1. januar"])
    for alt, navn in _ALT_NAVN.items():
        for aar in range(fra, til + 1):
            t = aar - fra
            for lo, andel in _ANDEL_2025.items():
                if lo >= 80:
                    f = (1 + vekst80[alt]) ** min(t, knekk - fra) * (1 + vekst80_etter) ** max(0, aar - knekk)
                elif lo >= 65:
                    f = (1 + 0.5 * vekst80[alt]) ** t
                else:
                    f = (1 + vekst_ung) ** t
                etikett = f"{lo} år eller eldre" if lo == 100 else f"{lo}-{lo + 4} år"
                w.writerow([region, etikett, navn, str(aar), round(total * andel * f)])
    return ut.getvalue()


def skriv_syntetiske() -> list[Path]:
    DATAMAPPE.mkdir(parents=True, exist_ok=True)
    ut = []
    for kommune, fil in SYNTETISKE.items():
        sti = DATAMAPPE / fil
        sti.write_text(lag_syntetisk_framskriving(kommune), encoding="utf-8")
        ut.append(sti)
    return ut


if __name__ == "__main__":  # pragma: no cover
    for p in skriv_syntetiske():
        print(f"Skrev {p}")
