"""The progress line both command-line tools show while they work (``allokering solve``/``demo``
and ``allokering scenario``): on stderr, and only when stderr is a terminal, so output that is
piped or logged stays clean."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def lag_fremdriftslinje(gjenstaar: bool = False) -> Progress:
    """A progress line; each task's description is its text. ``gjenstaar`` adds the estimated
    time left (for long runs of equal steps, such as replications)."""
    kolonner = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if gjenstaar:
        kolonner += [TextColumn("igjen"), TimeRemainingColumn()]
    return Progress(*kolonner, console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
