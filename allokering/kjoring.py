"""One allocation run end to end (load → solve → validate → explain), its outputs (JSON,
Excel) and the readable summary the CLI prints. Used by ``allokering solve`` and ``allokering demo``."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from allokering.forklaring import lag_resultat
from allokering.loser import Fremdrift, Loserparametre, Losning, loes
from allokering.resultatformat import Familienivaa, Laaskostnad, Resultat, Validering
from allokering.validator import Brudd, valider
from modeller.lasting import skriv_atomisk
from modeller.minne import faerre_gc_runder
from modeller.sak import Sak


class Valideringsfeil(Exception):
    """The independent validator found violations in a result (a bug in the engine)."""

    def __init__(self, brudd: list[Brudd]):
        self.brudd = brudd
        super().__init__("Uavhengig kontroll fant brudd:\n" + "\n".join(str(b) for b in brudd[:20]))


def kjor(sak: Sak, parametre: Loserparametre | None = None, fremdrift: Fremdrift | None = None) -> Resultat:
    """Solve, explain and validate a case. Raises Valideringsfeil if the result breaks a rule
    (and ``loser.Avbrutt`` when ``fremdrift`` stops it)."""
    with faerre_gc_runder():  # explanations and validation allocate as much as the solve
        losning = loes(sak, parametre, fremdrift)
        resultat = lag_resultat(losning)
        legg_til_laaspriser(resultat, losning)
        brudd = valider(sak, resultat.som_json(), losning.kvalifisering)
    resultat.validation = Validering(violations=[str(b) for b in brudd], ok=not brudd)
    if brudd:
        raise Valideringsfeil(brudd)
    return resultat


def forslag(losning: Losning) -> Resultat:
    """The proposal as a result, from a solution whose families are solved but whose analyses are not done yet
    (``Fremdrift.forslag_klart``): assignments, waiting list, objective and explanations, validated as in
    ``kjor``, without the analyses' figures (``unit_marginal_value`` empty, no couple costs, every lock's price
    None). The API shows it while the analyses run. Raises Valideringsfeil as ``kjor`` does."""
    with faerre_gc_runder():
        resultat = lag_resultat(losning)
        legg_til_laaspriser(resultat, losning)
        brudd = valider(losning.sak, resultat.som_json(), losning.kvalifisering)
    resultat.validation = Validering(violations=[str(b) for b in brudd], ok=not brudd)
    if brudd:
        raise Valideringsfeil(brudd)
    return resultat


def legg_til_laaspriser(resultat: Resultat, losning: Losning) -> None:
    """Put each lock's price (``allokering.laaspriser``) in ``locks[]`` and in the explanation
    of every søker the lock displaces (the meeting needs it to judge an override)."""
    priser = {lp.nr: lp for lp in losning.laaspriser}
    paavirket: dict[str, list[Laaskostnad]] = {}
    for nr, laas in enumerate(resultat.locks):
        lp = priser.get(nr)
        laas.price_level1 = None if lp is None else lp.pris
        laas.price_proven = lp is not None and lp.bevist
        laas.price_scope = "sak"
        laas.displaced = [] if lp is None else list(lp.fortrengt)
        laas.displaced_canonical = lp is not None and lp.kanonisk
        if lp is None or not lp.pris:
            continue
        for s in lp.fortrengt:
            paavirket.setdefault(s, []).append(
                Laaskostnad(applicant_id=laas.applicant_id, unit_id=laas.unit_id, type=laas.type, price_level1=lp.pris)
            )
    enhetsnavn = {e.id: e.navn for e in losning.sak.enheter}
    for f in resultat.explanations:
        kost = paavirket.get(f.applicant_id, [])
        f.lock_costs = kost
        if not kost:
            continue
        setninger = []
        for k in kost:
            hvor = f" på {enhetsnavn.get(k.unit_id, 'enheten')}" if k.unit_id else ""
            setninger.append(
                f"Uten låsen tildelingsmøtet satte for søker {k.applicant_id}{hvor} ville søkeren ha fått "
                f"plass; låsen koster {_tall(k.price_level1)} prioritetspoeng i saken som helhet."
            )
        f.text_nb = (f.text_nb + " " + " ".join(setninger)).strip()


def skriv_json(resultat: Resultat, sti: Path) -> None:
    skriv_atomisk(sti, json.dumps(resultat.som_json(), ensure_ascii=False, indent=1) + "\n")


def skriv_excel(resultat: Resultat, sti: Path) -> None:
    """Excel export for the meeting: Tildelinger, Venteliste, Forklaringer, Enheter."""
    import pandas as pd

    tild = pd.DataFrame(
        [
            {
                "søker": t.applicant_id,
                "enhet": t.unit_id,
                "institusjon": t.institution_id,
                "plasstype": t.place_type,
                "fra": t.start_date,
                "til": "" if t.open_ended else t.end_date,
                "perioder": "; ".join(f"{p.start_date}–{p.end_date}" for p in t.periods),
                "ektefelle sammen": t.together_with or "",
                "flytting": "ja" if t.move else "nei",
                "prioritet": t.priority,
            }
            for t in resultat.assignments
        ]
    )
    vente = pd.DataFrame(
        [
            {
                "plass": v.position,
                "søker": v.applicant_id,
                "tjeneste": v.service,
                "prioritet": v.priority,
                "ventedager": v.waiting_days,
                "bydel": v.district,
            }
            for v in resultat.waiting_list
        ]
    )
    forkl = pd.DataFrame(
        [{"søker": f.applicant_id, "utfall": f.outcome, "begrunnelse": f.text_nb} for f in resultat.explanations]
    )
    enh = pd.DataFrame([{"enhet": u, "verdi av én ekstra plass": v} for u, v in resultat.unit_marginal_value.items()])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        tild.to_excel(w, sheet_name="Tildelinger", index=False)
        vente.to_excel(w, sheet_name="Venteliste", index=False)
        forkl.to_excel(w, sheet_name="Forklaringer", index=False)
        enh.to_excel(w, sheet_name="Enheter", index=False)
    skriv_atomisk(sti, buf.getvalue())


VEKT_NB = {
    "nytte": "nytte",
    "ressurs": "ressurs",
    "alvorlighet": "alvorlighet",
    "mestring": "mestring",
    "ukp_per_dogn_kostnad": "utskrivningsklar pasient",
    "ventetid_tiebreak_maks": "ventetid (bare ved likhet)",
}
"""The weights' names in the summary."""


STATUS_NB = {
    "OPTIMAL": "optimal (bevist)",
    "FEASIBLE": "gyldig, ikke bevist optimal",
    "INFEASIBLE": "ingen gyldig fordeling",
    "UNKNOWN": "ingen løsning innen tidsgrensen",
}


def _tall(n: Any) -> str:
    """A whole number with spaces between thousands (bokmål), as in the UKP cost line."""
    return f"{n:,}".replace(",", " ") if isinstance(n, int) else str(n)


def sammendrag(sak: Sak, resultat: Resultat) -> str:
    """A readable summary table (bokmål) of one run."""
    from rich.console import Console
    from rich.table import Table

    from modeller.kodeverk import Familie, Tjeneste, navn_nb

    utfall: Counter[tuple[str, str]] = Counter((f.service, f.outcome) for f in resultat.explanations)
    tjenester = sorted({f.service for f in resultat.explanations})
    kolonner = [
        ("tildelt", "Tildelt"),
        ("venteliste", "Venteliste"),
        ("ikke_kvalifisert", "Ikke kvalifisert"),
        ("mangler_opplysninger", "Mangler opplysninger"),
        ("takket_nei", "Takket nei"),
        ("ingen_ledig_akuttplass", "Ingen ledig akuttplass"),
    ]
    # the last two only when they occur; an outcome the table does not know gets its own column too
    kjente = {u for u, _ in kolonner}
    kolonner = [
        (u, n)
        for u, n in kolonner
        if u in kjente - {"takket_nei", "ingen_ledig_akuttplass"} or any(x == u for _, x in utfall)
    ]
    kolonner += [(u, u.replace("_", " ").capitalize()) for u in sorted({x for _, x in utfall} - kjente)]
    tab = Table(title=f"Tildeling {sak.kommune.navn} fra {sak.startdato:%d.%m.%Y} ({sak.horisont_dager} dager)")
    tab.add_column("Tjeneste", justify="left")
    for _, navn in kolonner:
        tab.add_column(navn, justify="right")
    for t in tjenester:
        tab.add_row(navn_nb(Tjeneste(t)).capitalize(), *(str(utfall[(t, u)]) for u, _ in kolonner))
    fam = Table(title="Løsning per plassfamilie")
    for kol in (
        "Familie",
        "Status",
        "Nivå 1 (plassering)",
        "Beste grense",
        "Ektepar",
        "Preferanser",
        "Flyttinger",
        "Sek",
    ):
        fam.add_column(kol)
    for f in resultat.families:
        lv = {n.name: n for n in f.levels}

        def v(navn: str, lv: dict[str, Familienivaa] = lv) -> str:
            n = lv.get(navn)
            return "–" if n is None else f"{_tall(n.value)}{'' if n.proven else ' (ikke bevist)'}"

        fam.add_row(
            navn_nb(Familie(f.family)).capitalize(),
            STATUS_NB.get(f.status, f.status),
            v("plassering"),
            _tall(lv["plassering"].bound) if "plassering" in lv else "–",
            v("ektepar"),
            v("preferanser"),
            v("flyttinger"),
            f"{f.seconds:.3f}".replace(".", ","),
        )
    con = Console(file=io.StringIO(), width=120, force_terminal=False)
    con.print(tab)
    con.print(fam)
    delt = [c for c in resultat.couples if c.split]
    kontroll = resultat.validation
    linjer = [
        f"Status: {'optimal, bevist' if resultat.status == 'OPTIMAL' else STATUS_NB.get(resultat.status, '–')}; "
        f"løsetid {str(round(resultat.solve_seconds, 3)).replace('.', ',')} s; uavhengig kontroll: "
        f"{'ikke kjørt' if kontroll is None else 'ingen brudd' if kontroll.ok else 'BRUDD'}.",
        f"Ektepar: {sum(c.together for c in resultat.couples)} sammen, {len(delt)} delt.",
        f"UKP-døgn i planperioden: {resultat.ukp.days} (kostnad {resultat.ukp.cost_nok:,} kr).".replace(",", " "),
        "Vekter: "
        + ", ".join(f"{VEKT_NB.get(k, k.replace('_', ' '))} {v}" for k, v in resultat.weights.model_dump().items()),
        "Prioritering: " + "; ".join(r.text_nb for r in resultat.priority_rules) + ".",
    ]
    beste = sorted(resultat.unit_marginal_value.items(), key=lambda kv: -kv[1])[:3]
    if beste and beste[0][1] > 0:
        enhetsnavn = {e.id: e.navn for e in sak.enheter}
        linjer.append(
            "Størst verdi av én ekstra plass: "
            + ", ".join(f"{enhetsnavn.get(u, u)} ({format(v, ',').replace(',', ' ')})" for u, v in beste if v > 0)
        )
    if sak.syntetisk:
        linjer.append("Merk: syntetiske data – ingen ekte personer.")
    return con.file.getvalue() + "\n".join(linjer)  # type: ignore[attr-defined]
