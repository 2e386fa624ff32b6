"""Bokmål for the command-line framework's own texts (typer and the click it carries).

Typer (≥ 0.29) writes its help panels, usage line and usage errors in English with no message
catalogue: «Usage:», «Options», «Missing argument 'sak'.», «No such option: --x», «Show this message
and exit.», and pydantic's «Input should be a valid number …» when a value cannot be read. ``installer``
translates them where they leave the framework: the panel titles, the usage line, the help option's
text, the type labels in the help (``<int>``) and every usage error's message, by the patterns below. A
text that no pattern matches stays as the framework wrote it; ``tests/allokering/test_cli.py`` runs the
common paths (help, unknown option, missing argument, bad value) and fails on English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

# (pattern, replacement), tried in order on every error message; each one anchors a whole phrase.
MONSTRE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"Missing argument '([^']*)'\.", r"Mangler argumentet «\1»."),
        (r"Missing option '([^']*)'\.", r"Mangler valget «\1»."),
        (r"Missing parameter '([^']*)'\.", r"Mangler parameteren «\1»."),
        (r"Missing parameter: (\S+)", r"Mangler parameteren «\1»"),
        (r"Missing command\.", "Mangler kommando."),
        (r"No such option: (\S+)", r"Ukjent valg: \1"),
        (r"No such command '([^']*)'\.", r"Ukjent kommando «\1»."),
        (r"\(Possible options: ([^)]*)\)", r"(mulige valg: \1)"),
        (r"Did you mean ([^?]*)\?", r"Mente du \1?"),
        (r"Got unexpected extra arguments? \(([^)]*)\)", r"Fikk ekstra argumenter som ikke brukes (\1)"),
        (r"Option '([^']*)' requires an argument\.", r"Valget «\1» krever en verdi."),
        (r"Option '([^']*)' requires (\d+) arguments\.", r"Valget «\1» krever \2 verdier."),
        (r"Option '([^']*)' does not take a value\.", r"Valget «\1» tar ingen verdi."),
        (r"Invalid value for ([^:]*): ", r"Ugyldig verdi for \1: "),
        (r"Invalid value: ", "Ugyldig verdi: "),
        (r"Input should be a valid number, unable to parse string as a number", "verdien må være et tall"),
        (r"Input should be a valid integer, unable to parse string as an integer", "verdien må være et heltall"),
        (r"Input should be a valid integer, got a number with a fractional part", "verdien må være et heltall"),
        (r"Input should be a valid integer", "verdien må være et heltall"),
        (r"Input should be a valid number", "verdien må være et tall"),
        (r"Input should be a valid boolean, unable to interpret input", "verdien må være ja eller nei"),
        (r"Input should be a valid date or datetime, (.*)", r"verdien må være en dato (ÅÅÅÅ-MM-DD)"),
        (r"Input should be a valid date(.*)", r"verdien må være en dato (ÅÅÅÅ-MM-DD)"),
        (r"Input should be (greater|less) than or equal to (\S+)", r"verdien må være \1 enn eller lik \2"),
        (r"Input should be greater than (\S+)", r"verdien må være større enn \1"),
        (r"Input should be less than (\S+)", r"verdien må være mindre enn \1"),
        (r"Input should be (.*)", r"verdien må være \1"),
        (r"verdien må være greater enn eller lik", "verdien må være større enn eller lik"),
        (r"verdien må være less enn eller lik", "verdien må være mindre enn eller lik"),
        (r"'([^']*)' or '([^']*)'", r"«\1» eller «\2»"),
        (r"(File|Directory|Path) '([^']*)' does not exist\.", r"«\2» finnes ikke."),
        (r"(File|Directory|Path) '([^']*)' is a directory\.", r"«\2» er en mappe."),
        (r"(File|Directory|Path) '([^']*)' is a file\.", r"«\2» er en fil."),
        (r"(File|Directory|Path) '([^']*)' is not readable\.", r"«\2» kan ikke leses."),
        (r"(File|Directory|Path) '([^']*)' is not writable\.", r"«\2» kan ikke skrives."),
        (r"Aborted[.!]", "Avbrutt."),
    ]
]

# Type labels typer prints in the help (``<int>``).
TYPER = {
    "str": "tekst",
    "int": "heltall",
    "float": "tall",
    "bool": "",
    "path": "sti",
    "file": "fil",
    "datetime": "dato",
}

_PANELER = {
    "ARGUMENTS_PANEL_TITLE": "Argumenter",
    "OPTIONS_PANEL_TITLE": "Valg",
    "COMMANDS_PANEL_TITLE": "Kommandoer",
    "ERRORS_PANEL_TITLE": "Feil",
    "ABORTED_TEXT": "Avbrutt.",
    "DEFAULT_STRING": "[standard: {}]",
    "ENVVAR_STRING": "[miljøvariabel: {}]",
    "REQUIRED_LONG_STRING": "[påkrevd]",
    "DEPRECATED_STRING": "(utgått) ",
    "RICH_HELP": "Prøv [blue]«{command_path} {help_option}»[/] for hjelp.",
}
HJELPETEKST = "Vis denne hjelpen og avslutt."


def oversett(tekst: str) -> str:
    """The message with every known English phrase of the framework replaced by bokmål."""
    for monster, erstatning in MONSTRE:
        tekst = monster.sub(erstatning, tekst)
    return tekst


def _oversatt_melding(metode: Callable[[Any], str]) -> Callable[[Any], str]:
    @functools.wraps(metode)
    def ny(self: Any) -> str:
        return oversett(metode(self))

    ny.__norsk__ = True  # type: ignore[attr-defined]
    return ny


def installer() -> None:
    """Make typer write its own texts in bokmål (idempotent)."""
    from typer import _click, rich_utils
    from typer import core as typer_core

    for navn, tekst in _PANELER.items():
        if hasattr(rich_utils, navn):
            setattr(rich_utils, navn, tekst)

    # Every usage error's message (the classes override format_message at different levels).
    for objekt in [*vars(_click.exceptions).values(), *_click.exceptions.ClickException.__mro__]:
        if isinstance(objekt, type) and issubclass(objekt, Exception):
            metode = objekt.__dict__.get("format_message")
            if metode is not None and not getattr(metode, "__norsk__", False):
                objekt.format_message = _oversatt_melding(metode)  # type: ignore[attr-defined]

    kommando = _click.core.Command
    if not getattr(kommando.get_usage, "__norsk__", False):
        bruk = kommando.get_usage

        def get_usage(self: Any, ctx: Any) -> str:
            tekst = re.sub(r"^(\s*)Usage: ", r"\1Bruk: ", bruk(self, ctx))
            return tekst.replace("[OPTIONS]", "[VALG]").replace("COMMAND [ARGS]...", "KOMMANDO [ARGUMENTER] …")

        get_usage.__norsk__ = True  # type: ignore[attr-defined]
        kommando.get_usage = get_usage  # type: ignore[method-assign]

        hjelp = kommando.get_help_option

        def get_help_option(self: Any, ctx: Any) -> Any:
            valg = hjelp(self, ctx)
            if valg is not None:
                valg.help = HJELPETEKST
            return valg

        kommando.get_help_option = get_help_option  # type: ignore[method-assign]

    for klasse in vars(typer_core).values():
        metode = getattr(klasse, "display_type", None) if isinstance(klasse, type) else None
        if metode is not None and "display_type" in klasse.__dict__ and not getattr(metode, "__norsk__", False):
            klasse.display_type = _norsk_type(metode)


def _norsk_type(metode: Callable[[Any, Any], str]) -> Callable[[Any, Any], str]:
    @functools.wraps(metode)
    def ny(self: Any, ctx: Any) -> str:
        tekst = metode(self, ctx)
        m = re.fullmatch(r"<([a-z]+)( range)?>", tekst)
        if m and m.group(1) in TYPER:
            navn = TYPER[m.group(1)]
            return f"<{navn} i området>" if m.group(2) and navn else (f"<{navn}>" if navn else "")
        return tekst

    ny.__norsk__ = True  # type: ignore[attr-defined]
    return ny
