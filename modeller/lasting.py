"""Reading and writing case files with precise, bokmål error messages.

Every error names the file, the row (a JSON path such as ``sokere[3]`` or a CSV line) and
the field. Writing is atomic: a file is written to a temporary name and renamed, so a
failure never leaves half a file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from modeller.minne import faerre_gc_runder
from modeller.sak import Feil, Sak, kryssjekk


class Inndatafeil(Exception):
    """Bad input: carries every error found, each naming file, row and field."""

    def __init__(self, feil: Iterable[Feil]):
        self.feil = list(feil)
        super().__init__(self.tekst())

    def tekst(self, maks: int = 30) -> str:
        linjer = [str(f) for f in self.feil[:maks]]
        if len(self.feil) > maks:
            linjer.append(f"… og {len(self.feil) - maks} feil til")
        return "\n".join(linjer)


_PYDANTIC_NB = {
    "missing": "mangler (påkrevd felt)",
    "extra_forbidden": "ukjent felt",
    "literal_error": "ugyldig verdi",
    "int_parsing": "må være et heltall",
    "int_type": "må være et heltall",
    "bool_parsing": "må være sann/usann",
    "bool_type": "må være sann/usann",
    "date_from_datetime_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "må være en dato (ÅÅÅÅ-MM-DD)",
    "date_type": "må være en dato (ÅÅÅÅ-MM-DD)",
    "enum": "ugyldig verdi",
    "greater_than_equal": "er for liten",
    "less_than_equal": "er for stor",
    "string_too_short": "kan ikke være tom",
    "string_too_long": "er for lang",
    "string_pattern_mismatch": "har ugyldige tegn",
    "string_type": "må være tekst",
    "tuple_type": "må være en liste",
    "model_type": "må være et objekt",
    "model_attributes_type": "må være et objekt",
}


def oversett_valideringsfeil(exc: ValidationError, fil: str, radprefiks: str = "", data: Any = None) -> list[Feil]:
    """Turn a pydantic ValidationError into Feil rows with bokmål messages. With the raw ``data`` each row also
    carries its object's id, so the message reads «søker nr. 2 (id S-2)»."""
    feil = []
    for e in exc.errors():
        loc = [str(x) for x in e["loc"]]
        rad, felt = _del_sti(loc)
        if radprefiks:
            rad = radprefiks + (("." + rad) if rad else "")
        melding = _melding(e)
        feil.append(Feil(fil, rad, felt, melding, None if radprefiks else _id_i_rad(data, loc)))
    return feil


def _del_sti(loc: list[str]) -> tuple[str, str]:
    """Split a pydantic location into the row (``sokere[3]``) and the field (``iplos.spise``)."""
    for i in range(len(loc) - 1, -1, -1):
        if loc[i].isdigit() and i > 0:
            rad = ".".join([*loc[: i - 1], f"{loc[i - 1]}[{loc[i]}]"])
            return rad, ".".join(loc[i + 1 :])
    return "", ".".join(loc)


def _id_i_rad(data: Any, loc: list[str]) -> str | None:
    """The id of the top-level row an error is in, when the raw data is at hand."""
    if not isinstance(data, dict) or len(loc) < 2 or not loc[1].isdigit():
        return None
    liste = data.get(loc[0])
    if not isinstance(liste, list) or int(loc[1]) >= len(liste) or not isinstance(liste[int(loc[1])], dict):
        return None
    verdi = liste[int(loc[1])].get("id")
    return str(verdi) if isinstance(verdi, str | int) else None


_JSON_NB = (
    ("Expecting property name enclosed in double quotes", "forventet et feltnavn i doble anførselstegn"),
    ("Expecting value", "forventet en verdi"),
    ("Expecting ',' delimiter", "forventet komma"),
    ("Expecting ':' delimiter", "forventet kolon"),
    ("Unterminated string starting at", "tekst uten avsluttende anførselstegn"),
    ("Extra data", "mer innhold etter slutten av JSON-objektet"),
    ("Invalid control character at", "ugyldig kontrolltegn"),
    ("Invalid \\escape", "ugyldig escape-sekvens"),
)


def json_melding(msg: str) -> str:
    """The JSON parser's message in bokmål (it reports in English)."""
    for engelsk, norsk in _JSON_NB:
        if msg.startswith(engelsk):
            return norsk
    return "ugyldig JSON-syntaks"


def _eller(tekst: str) -> str:
    """Pydantic lists allowed values as «'a', 'b' or 'c'»: in bokmål «eller»."""
    return tekst.replace(" or ", " eller ")


def _melding(e: Any) -> str:
    typ = e.get("type", "")
    verdi = e.get("input")
    if typ == "value_error":
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        return msg
    if typ == "literal_error":
        forventet = _eller(str(e.get("ctx", {}).get("expected", "")))
        return f"ugyldig verdi {verdi!r}; tillatt: {forventet}"
    if typ == "enum":
        forventet = _eller(str(e.get("ctx", {}).get("expected", "")))
        return f"ugyldig verdi {verdi!r}; tillatt: {forventet}"
    if typ in ("greater_than_equal", "less_than_equal"):
        grense = e.get("ctx", {})
        tekst = _PYDANTIC_NB[typ]
        return f"verdien {verdi!r} {tekst} (grense {next(iter(grense.values()), '')})"
    kjent = _PYDANTIC_NB.get(typ)
    if kjent:
        return kjent if typ == "missing" else f"{kjent} (fikk {verdi!r})"
    return f"ugyldig verdi {verdi!r}"


def sak_fra_data(data: Any, fil: str) -> Sak:
    """Validate a parsed JSON object as a Sak; raise Inndatafeil naming file/row/field."""
    if not isinstance(data, dict):
        raise Inndatafeil([Feil(fil, "", "", "filen må inneholde et JSON-objekt (en sak)")])
    try:
        sak = Sak.model_validate(data, context={"utsett_kryssjekk": True})
    except ValidationError as exc:
        raise Inndatafeil(oversett_valideringsfeil(exc, fil, data=data)) from None
    feil = kryssjekk(sak, fil)
    if feil:
        raise Inndatafeil(feil)
    return sak


def les_sak(sti: str | os.PathLike[str]) -> Sak:
    """Read a case file (JSON). Raises Inndatafeil with every problem found."""
    p = Path(sti)
    fil = str(p)
    if not p.exists():
        raise Inndatafeil([Feil(fil, "", "", "filen finnes ikke")])
    with faerre_gc_runder():
        return sak_fra_bytes(p.read_bytes(), fil)


def json_fra_bytes(innhold: bytes, fil: str) -> Any:
    """The parsed JSON of a file's bytes (UTF-8, with or without BOM); errors in bokmål name ``fil``."""
    try:
        tekst = innhold.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Inndatafeil([Feil(fil, "", "", "innholdet er ikke UTF-8-tekst")]) from None
    try:
        return json.loads(tekst)
    except json.JSONDecodeError as exc:
        raise Inndatafeil(
            [
                Feil(
                    fil,
                    str(exc.lineno),
                    "",
                    f"ugyldig JSON: {json_melding(exc.msg)} (linje {exc.lineno}, kolonne {exc.colno})",
                )
            ]
        ) from None


def sak_fra_bytes(innhold: bytes, fil: str) -> Sak:
    """A case from the bytes of a JSON file (UTF-8, with or without BOM); errors name ``fil``."""
    return sak_fra_data(json_fra_bytes(innhold, fil), fil)


def skriv_atomisk(sti: str | os.PathLike[str], innhold: str | bytes) -> None:
    """Write a file atomically (temp file in the same folder, then rename)."""
    p = Path(sti)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = innhold.encode("utf-8") if isinstance(innhold, str) else innhold
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp creates 0600; give the file the ordinary permissions the umask allows.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sak_til_json(sak: Sak) -> str:
    """Canonical JSON of a case (stable key order, so equal cases give identical files).
    Pydantic's serializer writes exactly what ``json.dumps(model_dump(mode="json"),
    ensure_ascii=False, indent=1)`` would (a test checks), about four times faster."""
    return sak.model_dump_json(indent=1) + "\n"


def skriv_sak(sak: Sak, sti: str | os.PathLike[str]) -> None:
    skriv_atomisk(sti, sak_til_json(sak))
