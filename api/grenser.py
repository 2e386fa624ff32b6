"""Limits that keep one request from exhausting the server (issue 20, item 5).

* ``MAKS_SOKERE`` / ``MAKS_ENHETER`` per case (``ALLOKERING_MAKS_SOKERE``, ``ALLOKERING_MAKS_ENHETER``;
  standard 50 000 / 10 000), checked on the raw JSON *before* it is turned into Python objects, so a
  body of a million empty søkere is refused in well under a second and without building them;
* ``MAKS_DYBDE`` (32) nesting levels in any JSON body;
* ``MAKS_FEIL`` (50) errors in one reply; the rest are counted, not listed;
* ``MAKS_ID`` (2³¹−1): every integer that ends up in an id or integer column.

The pre-scan works on the bytes with vectorised operations only (numpy), so brackets inside
strings do not count and no Python object is made per element.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from modeller.lasting import Inndatafeil, json_fra_bytes, oversett_valideringsfeil, sak_fra_data
from modeller.sak import Feil, Sak

MAKS_SOKERE = int(os.environ.get("ALLOKERING_MAKS_SOKERE", "50000"))
MAKS_ENHETER = int(os.environ.get("ALLOKERING_MAKS_ENHETER", "10000"))
MAKS_DYBDE = 32
MAKS_FEIL = 50
MAKS_ID = 2**31 - 1

# A søker in the project's JSON format has at most a handful of nested objects and lists (søknad,
# vurdering, ønsker, …); the demo cases have about 4 per søker. 12 per søker or unit plus a fixed
# slack is generous for real data and still bounds the objects a body can make json.loads build.
OBJEKTER_PER_RAD = 12
_FARLIGE_TEGN = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
_FARLIGE_I_JSON = re.compile(r"[\x00\u202a-\u202e\u2066-\u2069]|(?<!\\)\\u(?:0000|202[a-eA-E]|206[6-9])")
"""NUL and the bidirectional override/isolate characters (they make text display differently from
what is stored, e.g. a file name or a justification that reads backwards)."""


GRENSER = {
    "sokere": MAKS_SOKERE,
    "enheter": MAKS_ENHETER,
    "institusjoner": MAKS_ENHETER,
    "opphold": MAKS_SOKERE,
    "laaser": MAKS_SOKERE,
}
"""Rows per list in a case."""


def maks_objekter() -> int:
    return OBJEKTER_PER_RAD * (MAKS_SOKERE + MAKS_ENHETER) + 10_000


class ForDyp(ValueError):
    pass


_SKANNBIT = 1 << 20


def skann(innhold: bytes, maks_dybde: int = MAKS_DYBDE) -> tuple[int, int]:
    """(objects and lists, nesting depth) of a JSON text, without parsing it; raises ``ForDyp`` when
    the depth exceeds ``maks_dybde``. Vectorised (numpy) in slices of 1 MiB: escaped characters are
    blanked, a running count of quotes marks what is inside strings, and the running sum of opening
    minus closing brackets outside strings is the depth. Memory: one copy of the body plus about
    15 MB. Invalid JSON gives some answer; the parser reports it afterwards."""
    renset = innhold.replace(b"\\\\", b"__").replace(b'\\"', b"__")
    alle = np.frombuffer(renset, dtype=np.uint8)
    antall = dybde = niva = 0
    paritet = 0
    for start in range(0, len(alle), _SKANNBIT):
        a = alle[start : start + _SKANNBIT]
        anf = a == ord('"')
        i_streng = (np.cumsum(anf, dtype=np.int32) + paritet) & 1
        paritet = (paritet + int(np.count_nonzero(anf))) & 1
        ute = i_streng == 0
        apne = ((a == ord("{")) | (a == ord("["))) & ute
        lukke = ((a == ord("}")) | (a == ord("]"))) & ute
        n = int(np.count_nonzero(apne))
        if n == 0 and not lukke.any():
            continue
        antall += n
        niva_her = np.cumsum(apne.astype(np.int32) - lukke.astype(np.int32), dtype=np.int32) + niva
        dybde = max(dybde, int(niva_her.max()))
        niva = int(niva_her[-1])
        if dybde > maks_dybde:
            raise ForDyp(f"JSON-innholdet er nestet dypere enn {maks_dybde} nivåer")
    return antall, dybde


def les_json_sak(innhold: bytes, fil: str) -> Sak:
    """A case from a JSON body, with the limits above checked before the objects are built."""
    try:
        antall, _ = skann(innhold)
    except ForDyp as exc:
        raise Inndatafeil([Feil(fil, "", "", str(exc))]) from None
    if antall > maks_objekter():
        raise Inndatafeil(
            [
                Feil(
                    fil,
                    "",
                    "",
                    f"saken har for mange objekter og lister ({antall:,}); grensen er {maks_objekter():,} "
                    f"(høyst {MAKS_SOKERE:,} søkere og {MAKS_ENHETER:,} enheter)".replace(",", " "),
                )
            ]
        )
    try:
        data = json_fra_bytes(innhold, fil)
    except RecursionError:
        raise Inndatafeil([Feil(fil, "", "", f"JSON-innholdet er nestet dypere enn {MAKS_DYBDE} nivåer")]) from None
    tekst = innhold.decode("utf-8-sig")  # valid UTF-8: json_fra_bytes has read it
    sjekk_antall(data, fil)
    rader = sum(len(x) for f in GRENSER if isinstance(x := data.get(f), list)) if isinstance(data, dict) else 0
    if antall > OBJEKTER_PER_RAD * rader + 1000:
        raise Inndatafeil(
            [
                Feil(
                    fil,
                    "",
                    "",
                    f"saken har {antall} objekter og lister for {rader} rader; høyst {OBJEKTER_PER_RAD} per rad",
                )
            ]
        )
    feil = farlige_tegn(tekst, fil)
    if feil:
        raise Inndatafeil(feil)
    del tekst
    return valider_sak(data, fil)


MAKS_TELLING = 10_000
"""Errors counted before validation stops: beyond this the reply says «over N» (a body of 50 000 empty
søkere would otherwise cost 250 000 error objects just to count them)."""


class ForMangeFeil(Inndatafeil):
    """Inndatafeil with only the first ``MAKS_FEIL`` errors listed; ``totalt`` counts all of them (or,
    with ``avbrutt``, those found before the count stopped at ``MAKS_TELLING``)."""

    def __init__(self, feil: list[Feil], totalt: int, avbrutt: bool = False):
        super().__init__(feil[:MAKS_FEIL])
        self.totalt = totalt
        self.avbrutt = avbrutt


_RAD = re.compile(r"^(\w+)\[(\d+)\]")
_BIT = 500
"""Rows validated per call: bounds the errors pydantic builds at once (a row has at most ~40 fields)."""


@lru_cache(maxsize=1)
def _adaptere() -> dict[str, TypeAdapter[Any]]:
    from modeller.institusjon import Enhet, Institusjon, Opphold
    from modeller.sak import Laas
    from modeller.soker import Soker

    modeller: dict[str, Any] = {
        "institusjoner": Institusjon,
        "enheter": Enhet,
        "opphold": Opphold,
        "sokere": Soker,
        "laaser": Laas,
    }
    return {felt: TypeAdapter(dict[str, list[m]]) for felt, m in modeller.items()}  # type: ignore[valid-type]


def valider_sak(data: Any, fil: str) -> Sak:
    """``sak_fra_data`` with bounded errors: the row lists are validated in slices of ``_BIT`` rows;
    the first ``MAKS_FEIL`` errors are kept and the rest only counted, so a body of 50 000 empty
    søkere costs a count, not 250 000 error objects. Valid rows are passed on as model instances,
    which pydantic does not validate again."""
    if not isinstance(data, dict):
        return sak_fra_data(data, fil)
    feil: list[Feil] = []
    totalt = 0
    ferdig: dict[str, list[Any]] = {}
    for felt, adapter in _adaptere().items():
        rader = data.get(felt)
        if not isinstance(rader, list):
            continue
        ut: list[Any] = []
        for start in range(0, len(rader), _BIT):
            try:
                ut.extend(adapter.validate_python({felt: rader[start : start + _BIT]})[felt])
            except ValidationError as exc:
                if len(feil) < MAKS_FEIL:
                    for f in oversett_valideringsfeil(exc, fil)[: MAKS_FEIL - len(feil)]:
                        m = _RAD.match(f.rad)
                        rad = f"{m.group(1)}[{int(m.group(2)) + start}]{f.rad[m.end() :]}" if m else f.rad
                        feil.append(Feil(f.fil, rad, f.felt, f.melding))
                totalt += exc.error_count()
                if totalt >= MAKS_TELLING:
                    raise ForMangeFeil(feil, totalt, avbrutt=True) from None
        ferdig[felt] = ut
    if totalt:
        raise ForMangeFeil(feil, totalt)
    try:
        return sak_fra_data({**data, **ferdig}, fil)
    except Inndatafeil as exc:
        if len(exc.feil) > MAKS_FEIL:
            raise ForMangeFeil(exc.feil, len(exc.feil)) from None
        raise


def sjekk_antall(data: Any, fil: str) -> None:
    if not isinstance(data, dict):
        return
    feil = []
    for felt, maks in GRENSER.items():
        x = data.get(felt)
        if isinstance(x, list) and len(x) > maks:
            feil.append(Feil(fil, "", felt, f"for mange ({len(x):,}); høyst {maks:,} per sak".replace(",", " ")))
    if feil:
        raise Inndatafeil(feil)


def farlige_tegn(tekst: str, fil: str) -> list[Feil]:
    """NUL and bidirectional override characters in a JSON text, typed or escaped (``\\u202e``)."""
    ut: list[Feil] = []
    for m in _FARLIGE_I_JSON.finditer(tekst):
        linje = tekst.count("\n", 0, m.start()) + 1
        ut.append(Feil(fil, str(linje), "", "inneholder NUL eller tegn som snur skriveretningen"))
        if len(ut) >= MAKS_FEIL:
            break
    return ut


def trygg_tekst(verdi: str) -> str:
    """Pydantic validator for free text: no NUL or bidirectional override characters."""
    if _FARLIGE_TEGN.search(verdi):
        raise ValueError("teksten inneholder NUL eller tegn som snur skriveretningen")
    return verdi


_ENGELSK_PYDANTIC: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required$"), "mangler (påkrevd)"),
    (re.compile(r"^Extra inputs are not permitted$"), "ukjent felt"),
    (re.compile(r"^Input should be a valid integer.*"), "må være et heltall"),
    (re.compile(r"^Input should be a finite number.*"), "må være et endelig tall"),
    (re.compile(r"^Input should be a valid number.*"), "må være et tall"),
    (re.compile(r"^Input should be a valid string.*"), "må være tekst"),
    (re.compile(r"^Input should be a valid boolean.*"), "må være sann/usann"),
    (re.compile(r"^Input should be a valid date.*"), "må være en dato (ÅÅÅÅ-MM-DD)"),
    (re.compile(r"^Input should be a valid (list|tuple|array).*"), "må være en liste"),
    (re.compile(r"^Input should be a valid dictionary.*|^Input should be an object.*"), "må være et objekt"),
    (re.compile(r"^Input should be greater than or equal to (.+)$"), r"må være minst \1"),
    (re.compile(r"^Input should be greater than (.+)$"), r"må være større enn \1"),
    (re.compile(r"^Input should be less than or equal to (.+)$"), r"må være høyst \1"),
    (re.compile(r"^Input should be less than (.+)$"), r"må være mindre enn \1"),
    (re.compile(r"^String should have at least (\d+) characters?$"), r"må ha minst \1 tegn"),
    (re.compile(r"^String should have at most (\d+) characters?$"), r"kan ha høyst \1 tegn"),
    (re.compile(r"^(List|Tuple) should have at least (\d+) items?.*"), r"må ha minst \2 elementer"),
    (re.compile(r"^(List|Tuple) should have at most (\d+) items?.*"), r"kan ha høyst \2 elementer"),
    (re.compile(r"^Input should be (.+)$"), r"må være \1"),
    (re.compile(r"^Invalid JSON.*"), "ugyldig JSON"),
    (re.compile(r"^Value error, (.*)$", re.DOTALL), r"\1"),
    (re.compile(r"^Assertion failed, (.*)$", re.DOTALL), r"\1"),
]
_ENGELSK_I_PARENTES = re.compile(r"^(.*) \(([A-Z][^()]*)\)$", re.DOTALL)


def norsk_melding(melding: str) -> str:
    """A pydantic (English) message in bokmål. Bokmål text is returned as is; a message ending in an
    English parenthesis (the engine's fallback «ugyldig verdi X (Input should be …)») gets the
    parenthesis translated; unknown English becomes «ugyldig verdi»."""
    m = _ENGELSK_I_PARENTES.match(melding)
    if m and _er_engelsk(m.group(2)):
        return f"{m.group(1)} ({norsk_melding(m.group(2))})"
    if not _er_engelsk(melding):
        return melding
    for monster, erstatning in _ENGELSK_PYDANTIC:
        if monster.match(melding):
            return monster.sub(erstatning, melding).replace(" or ", " eller ")
    return "ugyldig verdi"


_ENGELSKE_ORD = re.compile(r"\b(Input|should|Field|required|Extra|permitted|String|Value error|Invalid|valid)\b")


def _er_engelsk(tekst: str) -> bool:
    return bool(_ENGELSKE_ORD.search(tekst))
