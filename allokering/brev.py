"""Vedtaksbrev: one letter per søker from the municipality's own Word templates (docxtpl).

The letter text is built from the *data* of a run (RESULT.json, see docs/resultatformat.md): each rule with its
status, section and lovhjemmel, the priority components, who got the places (only as «søkere med høyere
prioritet»), the counterfactual; never from the flat ``text_nb`` of an explanation. Names of units and
institutions and the details of the søknad come from the case (SAK.json).

Templates and the municipality's own texts (klage, innsyn, egenandel, contact) live in the rule profile's folder:
``modeller/profiler/<profil>/brevmaler/`` (``*.docx`` + ``brevdata.yaml``). A municipality replaces letterhead,
signature and wording there without touching code; ``allokering.brevmaler`` regenerates the bundled templates.

Rules (docs/vedtaksbrev.md):
- every letter is rendered in memory first; a template field the data lacks stops the run with a bokmål error
  naming template and field before any file is written;
- a run counts as finalised only when RESULT.json says so (``"finalised": true``) or the caller says so
  (``ferdigbehandlet=True``, CLI ``--ferdigbehandlet``); otherwise every letter carries «UTKAST – ikke
  ferdigbehandlet»;
- each letter has a unique reference (case, run, søker) and the run's ``input_sha256``.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import typer
import yaml
from pydantic import ValidationError

import modeller
from allokering.forklaring import TJENESTE_NB, lov_fullt
from allokering.resultatformat import EkstraPlass, Forklaring, PrioritetOver, Resultat, Tildeling
from modeller.kodeverk import Korttidsformal, Tjeneste
from modeller.lasting import sak_til_json
from modeller.sak import Sak

PROFILMAPPE = Path(modeller.__file__).resolve().parent / "profiler"
"""Folder with one sub-folder per rule profile; letters live in ``<profil>/brevmaler/``."""

MALER = ("innvilget", "tilbud", "avslag", "venteliste", "akutt_melding", "forelopig_svar")
"""The templates of a profile, one per kind of letter (file ``<navn>.docx``)."""

UTFALL_NB = {
    "innvilget": "innvilget",
    "tilbud": "tilbud",
    "avslag": "avslag",
    "venteliste": "venteliste",
    "akutt_melding": "akutt",
    "forelopig_svar": "foreløpig svar",
}
"""The user-facing name of each letter kind (the CLI filter ``--utfall`` takes these)."""

UTKAST = "UTKAST – ikke ferdigbehandlet"

_NIVAA = {1: "svært lav", 2: "lav", 3: "middels", 4: "høy", 5: "svært høy"}
_RESSURS = {1: "svært mye", 2: "mye", 3: "middels mye", 4: "lite", 5: "svært lite"}


class Brevfeil(Exception):
    """A letter cannot be made; the message is bokmål and names what is wrong."""


# --------------------------------------------------------------------------------------------------- profile data


@dataclass(frozen=True)
class Brevprofil:
    """A profile's letter folder: templates and the municipality's texts."""

    id: str
    mappe: Path
    data: dict[str, Any]

    def mal(self, navn: str) -> Path:
        return self.mappe / f"{navn}.docx"


def brevprofil(profil_id: str, rot: Path | None = None) -> Brevprofil:
    """The letter folder of a profile; a profile without its own folder uses the ``mal`` set."""
    rot = rot or PROFILMAPPE
    mappe = rot / profil_id / "brevmaler"
    if not (mappe / "brevdata.yaml").is_file():
        mappe = rot / "mal" / "brevmaler"
        profil_id = "mal"
    sti = mappe / "brevdata.yaml"
    try:
        data = yaml.safe_load(sti.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise Brevfeil(f"Kan ikke lese brevdataene {sti}: {exc}") from None
    if not isinstance(data, dict):
        raise Brevfeil(f"Brevdataene {sti} er ikke en ordbok (nøkkel: verdi).")
    return Brevprofil(profil_id, mappe, data)


# ----------------------------------------------------------------------------------------------- text helpers


def _del_utenfor_parentes(tekst: str, skille: str) -> list[str]:
    deler, dybde, start = [], 0, 0
    for i, c in enumerate(tekst):
        dybde += c == "("
        dybde -= c == ")"
        if dybde == 0 and tekst.startswith(skille, i):
            deler.append(tekst[start:i])
            start = i + len(skille)
    deler.append(tekst[start:])
    return [d.strip() for d in deler if d.strip()]


def hjemler(lovhjemmel: str, prefiks: str) -> tuple[list[str], bool]:
    """The legal bases of a rule written out in full, without other municipalities' parts and without the
    complaint route (the letter has its own); and whether the service is not statutory («ikke lovpålagt»)."""
    ut: list[str] = []
    ikke_lovpalagt = False
    for del_ in _del_utenfor_parentes(lovhjemmel, ";"):
        for d in _del_utenfor_parentes(del_, ", "):
            if "ikke lovpålagt" in d or "ikke lovfestet" in d:
                ikke_lovpalagt = True
                d = re.sub(r"\s*\(?[^()]*ikke lov(pålagt|festet)[^()]*\)?", "", d).strip(" ,")
                if d.startswith("ikke lov") or not d:
                    continue
            if d.startswith("klage") or not re.search(r"§|forskrift|kapittel|kap\.", d):
                continue
            merke = re.search(r"\(([ST]) §[^)]*\)", d)
            if merke:
                if merke.group(1) != prefiks:
                    continue
                d = d[: merke.start()].strip()
            d = re.sub(r"\s*\(Delavtale[^)]*\)", " og delavtale 4 med helseforetaket", d)
            d = lov_fullt(d)
            if d not in ut:
                ut.append(d)
    return ut, ikke_lovpalagt


def punkt(seksjon: str, prefiks: str) -> str:
    """The profile's own sections of a rule as «punkt 4.22» (empty when the rule cites none of them)."""
    if not prefiks:
        return ""
    nr = [d.split("§", 1)[1].strip() for d in (x.strip() for x in seksjon.split(",")) if d.startswith(prefiks + " §")]
    return ("punkt " + " og ".join(nr)) if nr else ""


_FORMAL_NB = {
    Korttidsformal.INTERMEDIAER.value: "intermediært opphold",
    Korttidsformal.REHABILITERING.value: "rehabilitering",
    Korttidsformal.UTREDNING.value: "utredning og vurdering",
    Korttidsformal.LINDRENDE.value: "lindrende behandling",
    Korttidsformal.ORDINAER.value: "ordinært korttidsopphold",
}

_DU = (
    (re.compile(r"^søkerens behov\b"), "behovet ditt"),
    (re.compile(r"^søkerens funksjonsnedsettelse\b"), "funksjonsnedsettelsen din"),
    (re.compile(r"^søkeren\b"), "du"),
    (re.compile(r"\bom søkeren\b"), "om du"),
    (re.compile(r"^pasienten har\b"), "du har"),
    (re.compile(r"^pasientens tilstand\b"), "tilstanden din"),
    (re.compile(r"\bpasienten forventes\b"), "du forventes"),
    (re.compile(r"\bpasienten har\b"), "du har"),
    (re.compile(r"\bnyttiggjøre seg\b"), "nyttiggjøre deg"),
)


def regeltekst(tekst: str) -> str:
    """A rule's sentence for a letter: no status prefix, no field paths, no code values, addressed to «du»."""
    for prefiks in ("Oppfylt: ", "Ikke oppfylt: ", "Mangler opplysninger: "):
        tekst = tekst.removeprefix(prefiks)
    tekst = re.sub(r"\s*\(felt: [^)]*\)", "", tekst)
    tekst = re.sub(
        r"«([a-z_]+)»", lambda m: "«" + _FORMAL_NB.get(m.group(1), m.group(1).replace("_", " ")) + "»", tekst
    )
    tekst = tekst.strip().rstrip(".")
    for monster, ny in _DU:
        tekst = monster.sub(ny, tekst)
    return tekst[:1].upper() + tekst[1:]


def _dato(iso: str | date) -> str:
    d = date.fromisoformat(iso) if isinstance(iso, str) else iso
    return d.strftime("%d.%m.%Y")


def _tjeneste_nb(service: str, data: dict[str, Any]) -> str:
    if service == "akutt":
        return str(data.get("akutt", {}).get("navn") or TJENESTE_NB[Tjeneste.AKUTT])
    try:
        return TJENESTE_NB[Tjeneste(service)]
    except ValueError:
        return service.replace("_", " ")


# ------------------------------------------------------------------------------------------------ recipients


_FORNAVN = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde", "Randi",
    "Solveig", "Ragnhild", "Gerd", "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein",
    "Hans", "Odd", "Rolf", "Terje", "Tor", "Leif",
)  # fmt: skip
_ETTERNAVN = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
    "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
)  # fmt: skip
_GATER = (
    "Bjørkeveien", "Granlia", "Solbakken", "Furuveien", "Lindeveien", "Eikeveien", "Skogveien", "Rosenlund",
    "Kirkebakken", "Strandveien", "Heiaveien", "Løkkeveien",
)  # fmt: skip


def syntetisk_mottaker(soker_id: str, kommune: str) -> dict[str, str]:
    """A made-up name and address for a søker in a synthetic case (deterministic from the id; no real person)."""
    h = int(hashlib.sha256(soker_id.encode()).hexdigest(), 16)
    return {
        "navn": f"{_FORNAVN[h % len(_FORNAVN)]} {_ETTERNAVN[(h // 97) % len(_ETTERNAVN)]}",
        "adresse": f"{_GATER[(h // 7919) % len(_GATER)]} {1 + (h // 104729) % 60}",
        "poststed": kommune.removesuffix(" kommune"),
    }


def les_adresser(sti: Path) -> dict[str, dict[str, str]]:
    """Names and addresses from a CSV file (``soker_id;navn;adresse;poststed``, comma or semicolon), kept outside
    the case on purpose: the case holds only pseudonymous ids."""
    try:
        tekst = sti.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise Brevfeil(f"Kan ikke lese adressefilen {sti}: {exc.strerror}") from None
    dialekt = csv.Sniffer().sniff(tekst.splitlines()[0] if tekst else ";", delimiters=";,")
    rader = list(csv.DictReader(io.StringIO(tekst), dialect=dialekt))
    ut: dict[str, dict[str, str]] = {}
    for i, r in enumerate(rader, start=2):
        sid = (r.get("soker_id") or "").strip()
        if not sid:
            raise Brevfeil(f"{sti}, rad {i}: kolonnen «soker_id» mangler eller er tom.")
        ut[sid] = {k: (r.get(k) or "").strip() for k in ("navn", "adresse", "poststed")}
    return ut


# ------------------------------------------------------------------------------------------------ the letter


@dataclass
class Brev:
    """One letter: which template, its file name and the template data."""

    soker_id: str
    mal: str
    filnavn: str
    kontekst: dict[str, Any]
    innhold: bytes = field(default=b"", repr=False)


def kjoring_id(resultat: Resultat, run_id: str | None = None) -> str:
    """The run's id: ``run_id`` when the caller has one (the API's runs), else «K» and the first 12 hex digits of
    the SHA-256 of the result's canonical JSON without timings (the same run always gives the same id)."""
    if run_id:
        return run_id
    # Timings differ between two runs of the same case; they are left out so the same run gives the same id.
    json_form = resultat.som_json()
    stabil = {k: v for k, v in json_form.items() if k != "solve_seconds"}
    stabil["families"] = [{k: v for k, v in f.items() if k != "seconds"} for f in json_form["families"]]
    kanonisk = json.dumps(stabil, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "K" + hashlib.sha256(kanonisk.encode("utf-8")).hexdigest()[:12]


def saksnummer(resultat: Resultat, case_id: str | None = None) -> str:
    """The case id: ``case_id`` when the caller has one (the API's cases), else municipality number and start
    date."""
    if case_id:
        return case_id
    return f"{resultat.municipality.number}-{resultat.start_date.replace('-', '')}"


def _plass(t: Tildeling, sak: Sak, soker: Any, varighet: str = "") -> dict[str, Any]:
    enheter = {e.id: e for e in sak.enheter}
    inst = {i.id: i for i in sak.institusjoner}
    e = enheter.get(t.unit_id)
    enhet = e.navn if e else "enheten"
    institusjon = inst[e.institusjon_id].navn if e and e.institusjon_id in inst else ""
    perioder = t.periods
    varig = t.open_ended
    sk = soker.soknad if soker is not None else None
    lengde = ""
    til = ""
    if varig:
        lengde = varighet or "Plassen er varig (uten sluttdato)."
    elif sk is not None and sk.avlastning is not None and len(perioder) > 1:
        a = sk.avlastning
        lengde = f"Avlastningen er rullerende: {a.dager} døgn hver {a.periode}. dag."
        til = _dato(t.end_date)
    else:
        dogn = None
        for d in (sk.korttid, sk.akutt, sk.bolig, sk.avlastning) if sk is not None else ():
            if d is not None and getattr(d, "lengde_dogn", None):
                dogn = d.lengde_dogn
            elif d is not None and getattr(d, "dager", None):
                dogn = d.dager
        start = date.fromisoformat(t.start_date)
        if dogn:
            slutt = start + timedelta(days=dogn - 1)
            til = _dato(slutt)
            lengde = f"Oppholdet varer i {dogn} døgn, til og med {til}."
        else:
            til = _dato(t.end_date)
            lengde = f"Oppholdet varer til og med {til}."
    flytting = ""
    if t.move:
        fra = enheter.get(t.move_from_unit or "")
        flytting = f"Tildelingen innebærer at du flytter fra {fra.navn if fra else 'den plassen du har i dag'}."
    return {
        "enhet": enhet,
        "institusjon": institusjon,
        "fra": _dato(t.start_date),
        "til": til,
        "varig": varig,
        "lengde": lengde,
        "perioder": [f"{_dato(p.start_date)}–{_dato(p.end_date)}" for p in perioder] if len(perioder) > 1 else [],
        "flytting": flytting,
    }


def _prioritering(f: Forklaring, data: dict[str, Any], profil_prefiks: str) -> list[str]:
    """The priority considerations in plain words (T §2.1–2.3, §2.6; the profile's own levels first)."""
    p = f.priority
    kilder = data.get("prioritering_kilder") or {}

    def k(navn: str) -> str:
        return f" ({kilder[navn]})" if kilder.get(navn) else ""

    ut: list[str] = []
    for nivaa in p.forrang:
        if nivaa.nivaa == "hjelpebehov":
            ut.append(
                "Ved ledig plass går den med høyest hjelpebehov foran, uavhengig av ventetid"
                f"{k('hjelpebehov')}. Hjelpebehovet ditt er vurdert til {nivaa.verdi} på en skala fra 1 "
                "(lavest) til 5 (høyest)."
            )
        elif nivaa.nivaa == "akutt_foran_ukp":
            ut.append(
                "Akutte innleggelser går foran pasienter som er meldt utskrivningsklare fra sykehus."
                if nivaa.verdi
                else "Du er meldt utskrivningsklar fra sykehus; akutte innleggelser går foran."
            )
    ut.append(
        f"Den forventede nytten av tjenesten for deg er vurdert som {_NIVAA.get(p.nytte, 'middels')}{k('nytte')}, "
        f"og hvor alvorlig situasjonen din er, er vurdert som {_NIVAA.get(p.alvorlighet, 'middels')}"
        f"{k('alvorlighet')}."
    )
    ut.append(
        f"Tjenesten vil kreve {_RESSURS.get(p.ressurs, 'middels mye')} ressurser{k('ressurs')}, og muligheten "
        f"for at du kan mestre hverdagen med tjenesten er vurdert som {_NIVAA.get(p.mestring, 'middels')}"
        f"{k('mestring')}."
    )
    if p.ukp and not any(n.nivaa == "akutt_foran_ukp" for n in p.forrang):
        ut.append("Du er meldt utskrivningsklar fra sykehus, og det er lagt vekt på at du venter der.")
    kildeverdier = set(p.kilder.model_dump().values())
    if "saksbehandler" in kildeverdier:
        ut.append("Vurderingene bygger på kartleggingen av funksjonsnivået ditt og saksbehandlerens vurdering.")
    else:
        ut.append("Vurderingene bygger på kartleggingen av funksjonsnivået ditt, diagnoser og situasjonen din.")
    if p.ventedager:
        hjelpebehov = any(n.nivaa == "hjelpebehov" for n in p.forrang)
        ut.append(
            f"Du har ventet {p.ventedager} dager. Ventetid skiller bare mellom søkere med lik prioritet"
            + (f"{k('hjelpebehov')}." if hjelpebehov else ".")
        )
    return ut


def _konkurranse(f: Forklaring, sak_dager: int, slutt: str) -> str:
    egen = f.priority.total
    andre = f.outranked_by
    if not andre:
        return "Det var ingen ledig plass du kunne få i perioden."
    hoyere = sum(1 for a in andre if a.priority >= egen)
    lavere = sum(1 for a in andre if a.priority < egen)
    tekst = ""
    if hoyere:
        tekst = (
            f"De plassene du kunne fått i perioden fram til {slutt} ({sak_dager} dager), gikk til søkere med "
            "høyere prioritet."
        )
    if lavere:
        tekst += (
            (" " if tekst else "")
            + "Noen plasser gikk til søkere med lavere prioritet fordi oppholdet deres passet inn i perioder der "
            "ditt opphold ikke kunne få plass (ulik lengde eller starttid)."
        )
    return tekst


def _kontrafaktisk(f: Forklaring, sak: Sak) -> str:
    k = f.counterfactual
    if isinstance(k, EkstraPlass) and k.extra_place_in_unit:
        e = next((x for x in sak.enheter if x.id == k.extra_place_in_unit), None)
        navn = e.navn if e else "en av enhetene du kunne fått"
        return f"Med én plass til på {navn} i perioden ville du fått plass."
    if isinstance(k, PrioritetOver):
        return (
            "Du ville fått plass dersom prioriteten din hadde vært høyere enn for den søkeren med lavest prioritet "
            "som fikk en plass du kunne fått."
        )
    return ""


def _klage(data: dict[str, Any], service: str) -> dict[str, str]:
    k = data.get("klage") or {}
    valgt = (k.get("per_tjeneste") or {}).get(service) or k.get("standard") or {}
    return {n: str(valgt.get(n, "")) for n in ("tekst", "frist", "instans", "sendes_til", "kilde")}


def _regelpunkter(f: Forklaring, prefiks: str, ordbytte: dict[str, str] | None = None) -> dict[str, Any]:
    oppfylt: list[dict[str, str]] = []
    ikke: list[dict[str, str]] = []
    mangler: list[dict[str, str]] = []
    alle_hjemler: list[str] = []
    ikke_lovpalagt = False
    for r in f.rules:
        if r.place_type is not None or r.applies is False:
            continue  # unit-level rules are told per unit; a requirement that does not apply is not a ground
        h, ikke_lp = hjemler(r.legal_basis, prefiks)
        ikke_lovpalagt |= ikke_lp
        for x in h:
            if x not in alle_hjemler:
                alle_hjemler.append(x)
        tekst = regeltekst(r.text_nb)
        for fra, til in (ordbytte or {}).items():
            tekst = tekst.replace(fra, til)
        pkt = {"tekst": tekst, "punkt": punkt(r.section, prefiks), "hjemmel": "; ".join(h)}
        grupper = {"oppfylt": oppfylt, "ikke_oppfylt": ikke, "mangler_opplysninger": mangler}
        grupper.get(r.status, oppfylt).append(pkt)
    # «§ 2-1 e» is dropped when «§ 2-1 e og kapittel 4A» is there too.
    alle_hjemler = [h for h in alle_hjemler if not any(a != h and a.startswith(h + " ") for a in alle_hjemler)]
    return {
        "oppfylt": oppfylt,
        "ikke_oppfylt": ikke,
        "mangler": mangler,
        "hjemler": "; ".join(alle_hjemler),
        "ikke_lovpalagt": ikke_lovpalagt,
    }


def velg_mal(f: Forklaring, tildeling: Tildeling | None, soker: Any) -> str:
    """Which template a søker's letter uses (documented in docs/vedtaksbrev.md)."""
    o = f.outcome
    if f.service == "akutt":
        return "akutt_melding"
    if o == "tildelt":
        onsket = tuple(soker.soknad.onskede_institusjoner) if soker is not None else ()
        if onsket and tildeling is not None and tildeling.institution_id not in onsket:
            return "tilbud"
        return "innvilget"
    if o == "venteliste":
        return "venteliste"
    if o in ("ikke_kvalifisert", "takket_nei"):
        return "avslag"
    if o == "mangler_opplysninger":
        return "forelopig_svar"
    if o == "ingen_ledig_akuttplass":
        return "akutt_melding"
    raise Brevfeil(f"Søker {f.applicant_id}: utfallet «{o}» har ingen brevmal.")


def lag_brevgrunnlag(
    resultat: Resultat,
    sak: Sak,
    *,
    bp: Brevprofil | None = None,
    ferdigbehandlet: bool = False,
    brevdato: date | None = None,
    saksbehandler: str = "",
    adresser: dict[str, dict[str, str]] | None = None,
    utfall: Iterable[str] = (),
    sokere: Iterable[str] = (),
    run_id: str | None = None,
    case_id: str | None = None,
) -> list[Brev]:
    """The template data of every letter (no file is read or written here except the profile's data). ``run_id``
    and ``case_id``: the API's ids of the run and the case (``kjoring_id``, ``saksnummer``)."""
    if sak_hash(sak) != resultat.input_sha256:
        raise Brevfeil(
            "Saken passer ikke til resultatet: sakens SHA-256 er ikke den samme som «input_sha256» i resultatet. "
            "Bruk saksfilen kjøringen ble laget fra."
        )
    profil_id = resultat.municipality.rule_profile
    bp = bp or brevprofil(profil_id)
    d = bp.data
    prefiks = str(d.get("seksjonsprefiks") or "")
    kommune = str(d.get("kommune") or f"{resultat.municipality.name} kommune")
    ferdig = ferdigbehandlet
    brevdato = brevdato or date.today()
    tildelinger = {t.applicant_id: t for t in resultat.assignments}
    venteliste = resultat.waiting_list
    sokere_i_sak = {s.id: s for s in sak.sokere}
    saksnr = saksnummer(resultat, case_id)
    kid = kjoring_id(resultat, run_id)
    horisont_slutt = _dato(sak.dato(sak.horisont_dager - 1))
    filter_utfall = {u.strip().lower().replace("ø", "o").replace(" ", "_") for u in utfall}
    kjente = {v.replace("ø", "o").replace(" ", "_") for v in UTFALL_NB.values()}
    if filter_utfall - kjente:
        raise Brevfeil(
            f"Ukjent utfall «{', '.join(sorted(filter_utfall - kjente))}»; velg blant "
            + ", ".join(UTFALL_NB.values())
            + "."
        )
    filter_sokere = set(sokere)
    ukjente = filter_sokere - {f.applicant_id for f in resultat.explanations}
    if ukjente:
        raise Brevfeil(f"Søkeren {', '.join(sorted(ukjente))} finnes ikke i resultatet.")
    brev: list[Brev] = []
    for f in resultat.explanations:
        sid = f.applicant_id
        if filter_sokere and sid not in filter_sokere:
            continue
        s = sokere_i_sak.get(sid)
        t = tildelinger.get(sid)
        mal = velg_mal(f, t, s)
        if filter_utfall and UTFALL_NB[mal].replace("ø", "o").replace(" ", "_") not in filter_utfall:
            continue
        service = f.service
        if adresser is not None and sid in adresser:
            mottaker = adresser[sid]
        elif resultat.synthetic:
            mottaker = syntetisk_mottaker(sid, kommune)
        else:
            mottaker = {"navn": "Navn hentes fra fagsystemet", "adresse": "", "poststed": ""}
        regler = _regelpunkter(f, prefiks, d.get("ordbytte") or {})
        egen = (d.get("egenandel") or {}).get(service) or {}
        vl = d.get("venteliste") or {}
        vis_plass = (vl.get("vis_plass_per_tjeneste") or {}).get(service, vl.get("vis_plass", True))
        plass_i_ko = ""
        if f.outcome == "venteliste":
            samme = [w for w in venteliste if w.service == service]
            nr = next((i for i, w in enumerate(samme, start=1) if w.applicant_id == sid), None)
            if vis_plass and nr is not None:
                plass_i_ko = (
                    f"Du står som nummer {nr} av {len(samme)} på ventelisten for {_tjeneste_nb(service, d)}. "
                    "Rekkefølgen følger prioriteten og kan endre seg når nye søknader kommer inn eller behovet "
                    "til søkerne endrer seg."
                )
            else:
                plass_i_ko = str((vl.get("uten_plass_tekst") or {}).get(service, ""))
        oppfolging = ""
        if s is not None and s.soknad.langtid is not None:
            oppfolging = str(getattr(s.soknad.langtid, "oppfolging_i_ventetiden", None) or "")
        opphold = (vl.get("oppfolging_per_oppholdssted") or {}).get(s.oppholdssted.value if s is not None else "")
        if not oppfolging and opphold:
            oppfolging = str(opphold)
        if not oppfolging:
            o = vl.get("oppfolging") or ""
            oppfolging = str(o.get(service) or o.get("standard") or "") if isinstance(o, dict) else str(o)
        tilbud = d.get("tilbud") or {}
        takket_nei = (tilbud.get("takket_nei") or {}).get(service, "")
        akutt = d.get("akutt") or {}
        if mal == "akutt_melding":
            akutt_status = {"tildelt": "innlagt", "ikke_kvalifisert": "ikke_oppfylt"}.get(
                f.outcome, "mangler" if f.outcome == "mangler_opplysninger" else "ingen_seng"
            )
        else:
            akutt_status = ""
        avslagsgrunner = [
            x["tekst"] + " (" + "; ".join(y for y in (x["punkt"], x["hjemmel"]) if y) + ")."
            if x["punkt"] or x["hjemmel"]
            else x["tekst"] + "."
            for x in regler["ikke_oppfylt"]
        ]
        if f.outcome == "takket_nei":
            avslagsgrunner.insert(
                0,
                "Du har takket nei til plassen du ble tilbudt. Ønsker du plass senere, må du søke på nytt"
                + (f" ({takket_nei})." if takket_nei else "."),
            )
        merknader = []
        if f.requires_new_vedtak:
            merknader.append("Flytting fra skjermet til somatisk avdeling krever et nytt vedtak.")
        if t is not None and t.together_with:
            merknader.append("Du får bo sammen med ektefellen din ved samme institusjon.")
        if t is not None and t.shares_flat_with:
            merknader.append("Du og ektefellen din deler leilighet.")
        par = next((c for c in resultat.couples if sid in c.applicant_ids), None)
        if par is not None and par.split and s is not None and s.onsker_bo_sammen:
            grunn = (
                "det var ingen ledige plasser til dere begge ved samme institusjon i denne perioden"
                if par.cost_known and par.cost_to_keep_together is None
                else "det ville ført til at søkere med høyere prioritet måtte vente"
            )
            merknader.append(
                f"Dere ønsket å bo sammen, men dere har ikke fått plass ved samme institusjon fordi {grunn}. "
                "Kommunen vurderer dette på nytt når det blir ledig plass."
            )
        kontekst: dict[str, Any] = {
            "kommune": kommune,
            "avsender": str(d.get("avsender") or ""),
            "dokument": str(d.get("dokument") or ""),
            "mottaker": mottaker,
            "referanse": f"{saksnr}/{kid}/{sid}",
            "saksnr": saksnr,
            "kjoring_id": kid,
            "soker_id": sid,
            "input_sha256": resultat.input_sha256,
            "dato": _dato(brevdato),
            "utkast": not ferdig,
            "utkast_tekst": UTKAST,
            "syntetisk": resultat.synthetic,
            "tjeneste": _tjeneste_nb(service, d),
            "soknadsdato": _dato(s.soknad.soknadsdato) if s is not None else "",
            "plass": _plass(t, sak, s, str((d.get("varighet") or {}).get(service) or "")) if t is not None else {},
            "oppfylt": regler["oppfylt"],
            "ikke_oppfylt": regler["ikke_oppfylt"],
            "mangler": regler["mangler"],
            "avslagsgrunner": avslagsgrunner,
            "hjemler": regler["hjemler"],
            "ikke_lovpalagt": regler["ikke_lovpalagt"],
            "prioritering": _prioritering(f, d, prefiks),
            "konkurranse": _konkurranse(f, sak.horisont_dager, horisont_slutt) if f.outcome == "venteliste" else "",
            "kontrafaktisk": _kontrafaktisk(f, sak),
            "plass_i_ko": plass_i_ko,
            "oppfolging": oppfolging,
            "egenandel": str(egen.get("tekst") or ""),
            "klage": _klage(d, service),
            "innsyn": str((d.get("innsyn") or {}).get("tekst") or ""),
            "kontakt": str(d.get("kontakt") or ""),
            "signatur": {"navn": saksbehandler, "tittel": str(d.get("signatur_tittel") or "saksbehandler")},
            "svarfrist": _dato(brevdato + timedelta(days=int(tilbud.get("svarfrist_dager") or 7))),
            "takket_nei": takket_nei,
            "merknader": merknader,
            "akutt": {
                "status": akutt_status,
                "navn": str(akutt.get("navn") or ""),
                "kilde": str(akutt.get("kilde") or ""),
                "annen_hjelp": str(akutt.get("annen_hjelp") or ""),
            },
        }
        filnavn = f"{sid}_{mal}.docx"
        brev.append(Brev(sid, mal, filnavn, kontekst))
    return brev


def sak_hash(sak: Sak) -> str:
    """SHA-256 of the case's canonical JSON (the same as ``input_sha256`` of a run on that case)."""
    return hashlib.sha256(sak_til_json(sak).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------------- rendering


def _jinja_miljo() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def _feltnavn(exc: jinja2.UndefinedError) -> str:
    m = re.search(r"has no attribute '([^']+)'", str(exc)) or re.search(r"'([^']+)' is undefined", str(exc))
    return m.group(1) if m else str(exc)


def fyll_ut(brev: list[Brev], bp: Brevprofil) -> None:
    """Render every letter in memory. A field the data lacks, or a missing template, stops everything with a
    bokmål error naming the template and the field (nothing is written before all letters are rendered)."""
    from docxtpl import DocxTemplate

    miljo = _jinja_miljo()
    for b in brev:
        sti = bp.mal(b.mal)
        if not sti.is_file():
            raise Brevfeil(f"Brevmalen «{sti.name}» finnes ikke i {bp.mappe}.")
        mal = DocxTemplate(str(sti))
        try:
            mal.render(b.kontekst, jinja_env=miljo)
        except jinja2.UndefinedError as exc:
            raise Brevfeil(
                f"Brevmalen «{sti.name}» (profil {bp.id}) bruker feltet «{_feltnavn(exc)}», som brevdataene ikke "
                f"har (første brev: søker {b.soker_id}). Ingen brev er skrevet."
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise Brevfeil(
                f"Brevmalen «{sti.name}» (profil {bp.id}) har en feil i et flettefelt på linje {exc.lineno}. "
                "Ingen brev er skrevet."
            ) from None
        ut = io.BytesIO()
        mal.save(ut)
        b.innhold = ut.getvalue()


def slå_sammen(brev: list[Brev]) -> bytes:
    """All letters in one document, each starting on a new page (the first letter's page setup is kept)."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    if not brev:
        raise Brevfeil("Ingen brev å slå sammen.")
    samlet = Document(io.BytesIO(brev[0].innhold))
    kropp = samlet.element.body
    sect = kropp.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr")
    for b in brev[1:]:
        p = samlet.add_paragraph()
        p.add_run().add_break(WD_BREAK.PAGE)
        if sect is not None:
            kropp.remove(sect)
            kropp.append(sect)
        doc = Document(io.BytesIO(b.innhold))
        for el in list(doc.element.body):
            if el.tag.endswith("}sectPr"):
                continue
            if sect is not None:
                sect.addprevious(copy.deepcopy(el))
            else:
                kropp.append(copy.deepcopy(el))
    # The footer of the first letter would show its reference on every page: the merged document's footer names
    # the run instead (each letter's own reference stays in its body).
    k = brev[0].kontekst
    for seksjon in samlet.sections:
        for p in seksjon.footer.paragraphs:
            for r in p.runs[1:]:
                r.text = ""
            if p.runs:
                p.runs[0].text = (
                    f"Samlet utskrift, {len(brev)} brev · kjøring {k['kjoring_id']} · "
                    f"inndata SHA-256 {k['input_sha256']}"
                )
    ut = io.BytesIO()
    samlet.save(ut)
    return ut.getvalue()


def lag_brev(
    resultat: Resultat,
    sak: Sak,
    ut: Path,
    *,
    samlet: bool = False,
    profilmappe: Path | None = None,
    **valg: Any,
) -> list[Path]:
    """Make the letters of a run and write them to ``ut`` (one .docx per søker, or one merged document)."""
    bp = brevprofil(resultat.municipality.rule_profile, profilmappe)
    brev = lag_brevgrunnlag(resultat, sak, bp=bp, **valg)
    if not brev:
        raise Brevfeil("Ingen søkere passer til utvalget; ingen brev er laget.")
    fyll_ut(brev, bp)
    ut.mkdir(parents=True, exist_ok=True)
    if samlet:
        sti = ut / f"vedtaksbrev_{saksnummer(resultat, valg.get('case_id'))}.docx"
        sti.write_bytes(slå_sammen(brev))
        return [sti]
    skrevet = []
    for b in brev:
        sti = ut / b.filnavn
        sti.write_bytes(b.innhold)
        skrevet.append(sti)
    return skrevet


# ------------------------------------------------------------------------------------------------------- CLI


def brev_kommando(
    resultat: Path = typer.Argument(..., help="Resultatet av en kjøring (RESULT.json)."),
    sak: Path = typer.Option(..., "--sak", help="Saksfilen kjøringen ble laget fra (SAK.json)."),
    ut: Path = typer.Option(..., "--ut", help="Mappen brevene skrives til."),
    samlet: bool = typer.Option(False, "--samlet", help="Skriv alle brevene i ett dokument (hvert brev på ny side)."),
    utfall: list[str] = typer.Option(
        [],
        "--utfall",
        metavar="UTFALL",
        help="Bare brev av denne typen: innvilget, tilbud, avslag, venteliste, akutt, foreløpig svar.",
    ),
    soker: list[str] = typer.Option([], "--soker", metavar="ID", help="Bare brev til denne søkeren (id); kan gjentas."),
    ferdigbehandlet: bool = typer.Option(
        False,
        "--ferdigbehandlet",
        help="Kjøringen er ferdigbehandlet i tildelingsmøtet; uten dette (eller «finalised»: true i resultatet) får "
        "hvert brev merket «UTKAST – ikke ferdigbehandlet».",
    ),
    adresser: Path | None = typer.Option(
        None, "--adresser", help="CSV med soker_id;navn;adresse;poststed (fra fagsystemet; saken har bare id-er)."
    ),
    saksbehandler: str = typer.Option("", "--saksbehandler", help="Navnet i signaturen."),
    dato: str | None = typer.Option(None, "--dato", help="Brevdato ÅÅÅÅ-MM-DD (standard: i dag)."),
) -> None:
    """Lag vedtaksbrev (.docx) per søker fra kommunens brevmaler i regelprofilens mappe."""
    from modeller.lasting import Inndatafeil, les_sak

    try:
        res = json.loads(resultat.read_text(encoding="utf-8"))
    except OSError as exc:
        typer.echo(f"Kan ikke lese {resultat}: {exc.strerror}", err=True)
        raise typer.Exit(code=2) from None
    except json.JSONDecodeError as exc:
        typer.echo(f"{resultat} er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}).", err=True)
        raise typer.Exit(code=2) from None
    if not isinstance(res, dict) or not str(res.get("format", "")).startswith("allokering-resultat/"):
        typer.echo(f"{resultat} er ikke et resultat fra allokering (feltet «format» mangler).", err=True)
        raise typer.Exit(code=2)
    # Fields the file may have beyond the result (docs/vedtaksbrev.md): the meeting's mark and the ids of the case
    # and the run when the result comes from a system that has them.
    finalised = res.pop("finalised", None) is True
    run_id, case_id = (str(v) if (v := res.pop(k, None)) else None for k in ("run_id", "case_id"))
    try:
        lest = Resultat.model_validate(res)
    except ValidationError as exc:
        feil = "; ".join(".".join(str(x) for x in e["loc"]) + ": " + e["msg"] for e in exc.errors()[:5])
        typer.echo(f"{resultat} følger ikke resultatformatet (docs/resultatformat.md): {feil}", err=True)
        raise typer.Exit(code=2) from None
    try:
        s = les_sak(sak)
    except Inndatafeil as exc:
        typer.echo(f"Feil i saksfilen ({len(exc.feil)}):\n{exc.tekst()}", err=True)
        raise typer.Exit(code=2) from None
    try:
        brevdato = date.fromisoformat(dato) if dato else None
    except ValueError:
        typer.echo(f"Ugyldig dato «{dato}»; bruk ÅÅÅÅ-MM-DD.", err=True)
        raise typer.Exit(code=2) from None
    try:
        skrevet = lag_brev(
            lest,
            s,
            ut,
            samlet=samlet,
            ferdigbehandlet=ferdigbehandlet or finalised,
            brevdato=brevdato,
            saksbehandler=saksbehandler,
            adresser=les_adresser(adresser) if adresser else None,
            utfall=utfall,
            sokere=soker,
            run_id=run_id,
            case_id=case_id,
        )
    except Brevfeil as exc:
        typer.echo(f"Feil: {exc}", err=True)
        raise typer.Exit(code=2) from None
    ferdig = ferdigbehandlet or finalised
    if samlet:
        typer.echo(f"Skrev {skrevet[0]}")
    else:
        typer.echo(f"Skrev {len(skrevet)} brev til {ut}")
    if not ferdig:
        typer.echo(f"Merk: kjøringen er ikke ferdigbehandlet; brevene er merket «{UTKAST}».")
