"""Builds the bundled Word templates for vedtaksbrev (``modeller/profiler/<profil>/brevmaler/*.docx``).

The templates are plain python-docx documents with docxtpl fields (Jinja2: ``{{ felt }}``, ``{%p if … %}``),
so the bundled set is reproducible: ``python -m allokering.brevmaler`` writes them again. A municipality edits
its copy in Word (letterhead, signature block, wording) and keeps the field names; ``allokering brev`` stops with
the template and field named if a template asks for a field the letter data does not have.

The fields a template can use are listed in docs/vedtaksbrev.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as Dokument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

PROFILER = ("sandefjord", "tvedestrand", "mal")
_FAST_TID = datetime(2026, 1, 1, tzinfo=UTC)


def _p(doc: Dokument, tekst: str, stil: str | None = None, fet: bool = False) -> None:
    p = doc.add_paragraph(style=stil)
    run = p.add_run(tekst)  # one run per paragraph: docxtpl needs each field inside one run
    run.bold = fet


def _hode(doc: Dokument, tittel: str) -> None:
    st = doc.styles["Normal"]
    st.font.name = "Calibri"
    st.font.size = Pt(11)
    seksjon = doc.sections[0]
    hode = seksjon.header.paragraphs[0]
    hode.text = "{{ kommune }} – {{ avsender }}"
    fot = seksjon.footer.paragraphs[0]
    fot.text = "Referanse {{ referanse }} · Inndata SHA-256 {{ input_sha256 }}"
    fot.runs[0].font.size = Pt(7)
    _p(doc, "{%p if utkast %}")
    p = doc.add_paragraph()
    r = p.add_run("{{ utkast_tekst }}")
    r.bold = True
    r.font.size = Pt(16)
    r.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if syntetisk %}")
    _p(doc, "Syntetiske data – brevet gjelder ingen ekte person.")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ mottaker.navn }}")
    _p(doc, "{%p if mottaker.adresse %}")
    _p(doc, "{{ mottaker.adresse }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if mottaker.poststed %}")
    _p(doc, "{{ mottaker.poststed }}")
    _p(doc, "{%p endif %}")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run("Vår referanse: {{ referanse }}\nDato: {{ dato }}")
    doc.add_heading(tittel, level=1)


def _liste(doc: Dokument, variabel: str, felt: str) -> None:
    _p(doc, f"{{%p for x in {variabel} %}}")
    _p(doc, felt, stil="List Bullet")
    _p(doc, "{%p endfor %}")


def _vilkar_oppfylt(doc: Dokument, innledning: str) -> None:
    _p(doc, "{%p if oppfylt %}")
    _p(doc, innledning)
    _liste(doc, "oppfylt", "{{ x.tekst }}{% if x.punkt %} ({{ x.punkt }}){% endif %}.")
    _p(doc, "{%p endif %}")


def _hjemmel(doc: Dokument) -> None:
    _p(doc, "Vi har vurdert søknaden etter {{ dokument }}.")
    _p(doc, "{%p if hjemler %}")
    _p(doc, "Vedtaket er gjort etter {{ hjemler }}.")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if ikke_lovpalagt %}")
    _p(doc, "Tjenesten er ikke lovpålagt; kommunen tildeler den etter egne kriterier.")
    _p(doc, "{%p endif %}")


def _prioritet(doc: Dokument) -> None:
    doc.add_heading("Prioritering", level=2)
    _liste(doc, "prioritering", "{{ x }}")


def _egenandel(doc: Dokument) -> None:
    _p(doc, "{%p if egenandel %}")
    doc.add_heading("Hva tjenesten koster", level=2)
    _p(doc, "{{ egenandel }}")
    _p(doc, "{%p endif %}")


def _slutt(doc: Dokument, klage: bool = True) -> None:
    if klage:
        doc.add_heading("Du kan klage", level=2)
        _p(doc, "{{ klage.tekst }}")
        _p(doc, "Klagefrist: {{ klage.frist }}.")
        _p(doc, "Klagen sendes til: {{ klage.sendes_til }}.")
        _p(doc, "Klageinstans: {{ klage.instans }}.")
        _p(doc, "Skriv hvilket vedtak du klager på, hva du mener er feil, og hvilken endring du ønsker.")
    doc.add_heading("Du kan se dokumentene i saken", level=2)
    _p(doc, "{{ innsyn }}")
    doc.add_heading("Kontakt", level=2)
    _p(doc, "{{ kontakt }}")
    _p(doc, "Med vennlig hilsen")
    _p(doc, "{%p if signatur.navn %}")
    _p(doc, "{{ signatur.navn }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ signatur.tittel }}")
    _p(doc, "{{ kommune }}")
    p = doc.add_paragraph()
    r = p.add_run("Sporing: referanse {{ referanse }}, kjøring {{ kjoring_id }}, inndata SHA-256 {{ input_sha256 }}.")
    r.font.size = Pt(7)


def _merknader(doc: Dokument) -> None:
    _p(doc, "{%p for x in merknader %}")
    _p(doc, "{{ x }}")
    _p(doc, "{%p endfor %}")


def innvilget(doc: Dokument) -> None:
    _hode(doc, "Vedtak om {{ tjeneste }}")
    doc.add_heading("Vedtak", level=2)
    _p(doc, "Søknaden din om {{ tjeneste }}, mottatt {{ soknadsdato }}, innvilges.", fet=True)
    _p(
        doc,
        "Du får plass ved {{ plass.enhet }}{% if plass.institusjon %}, {{ plass.institusjon "
        + "}}{% endif %}, fra {{ plass.fra }}.",
    )
    _p(doc, "{{ plass.lengde }}")
    _p(doc, "{%p if plass.perioder %}")
    _p(doc, "Oppholdene i perioden:")
    _liste(doc, "plass.perioder", "{{ x }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if plass.flytting %}")
    _p(doc, "{{ plass.flytting }}")
    _p(doc, "{%p endif %}")
    _merknader(doc)
    _p(doc, "{%p if takket_nei %}")
    _p(doc, "Takker du nei til plassen, må du søke på nytt dersom du senere ønsker {{ tjeneste }} ({{ takket_nei }}).")
    _p(doc, "{%p endif %}")
    doc.add_heading("Begrunnelse", level=2)
    _hjemmel(doc)
    _vilkar_oppfylt(doc, "Du oppfyller vilkårene for tjenesten:")
    _prioritet(doc)
    _egenandel(doc)
    _slutt(doc)


def tilbud(doc: Dokument) -> None:
    _hode(doc, "Tilbud om {{ tjeneste }}")
    doc.add_heading("Vedtak", level=2)
    _p(doc, "Søknaden din om {{ tjeneste }}, mottatt {{ soknadsdato }}, innvilges, og vi tilbyr deg plass.", fet=True)
    _p(
        doc,
        "Plassen er ved {{ plass.enhet }}{% if plass.institusjon %}, {{ plass.institusjon "
        + "}}{% endif %}, fra {{ plass.fra }}. Det er ikke et av stedene du ønsket, men det er "
        + "den plassen som kan gis nå.",
    )
    _p(doc, "{{ plass.lengde }}")
    _p(doc, "{%p if plass.flytting %}")
    _p(doc, "{{ plass.flytting }}")
    _p(doc, "{%p endif %}")
    _merknader(doc)
    doc.add_heading("Svar på tilbudet", level=2)
    _p(doc, "Gi oss svar innen {{ svarfrist }} om du tar imot plassen. Du kan takke nei til tilbudet.")
    _p(doc, "{%p if takket_nei %}")
    _p(doc, "Takker du nei, må du søke på nytt dersom du senere ønsker {{ tjeneste }} ({{ takket_nei }}).")
    _p(doc, "{%p else %}")
    _p(doc, "Takker du nei, vurderer vi søknaden din på nytt ut fra behovet ditt.")
    _p(doc, "{%p endif %}")
    doc.add_heading("Begrunnelse", level=2)
    _hjemmel(doc)
    _vilkar_oppfylt(doc, "Du oppfyller vilkårene for tjenesten:")
    _prioritet(doc)
    _egenandel(doc)
    _slutt(doc)


def avslag(doc: Dokument) -> None:
    _hode(doc, "Vedtak om {{ tjeneste }}")
    doc.add_heading("Vedtak", level=2)
    _p(doc, "Søknaden din om {{ tjeneste }}, mottatt {{ soknadsdato }}, avslås.", fet=True)
    doc.add_heading("Begrunnelse", level=2)
    _hjemmel(doc)
    _p(doc, "Vilkår som ikke er oppfylt:")
    _liste(doc, "avslagsgrunner", "{{ x }}")
    _vilkar_oppfylt(doc, "Vilkår som er oppfylt:")
    _p(doc, "Endrer situasjonen din seg, kan du søke på nytt.")
    _slutt(doc)


def venteliste(doc: Dokument) -> None:
    _hode(doc, "Vedtak om {{ tjeneste }} – venteliste")
    doc.add_heading("Vedtak", level=2)
    _p(
        doc,
        "Du oppfyller vilkårene for {{ tjeneste }}, og søknaden din, mottatt {{ soknadsdato "
        + "}}, innvilges. Det er ingen ledig plass til deg nå, og du settes på venteliste.",
        fet=True,
    )
    _p(doc, "{%p if plass_i_ko %}")
    _p(doc, "{{ plass_i_ko }}")
    _p(doc, "{%p endif %}")
    _merknader(doc)
    doc.add_heading("Oppfølging mens du venter", level=2)
    _p(doc, "{{ oppfolging }}")
    doc.add_heading("Begrunnelse", level=2)
    _hjemmel(doc)
    _vilkar_oppfylt(doc, "Du oppfyller vilkårene for tjenesten:")
    _prioritet(doc)
    doc.add_heading("Hvorfor du ikke har fått plass nå", level=2)
    _p(doc, "{{ konkurranse }}")
    _p(doc, "{%p if kontrafaktisk %}")
    _p(doc, "{{ kontrafaktisk }}")
    _p(doc, "{%p endif %}")
    _egenandel(doc)
    _slutt(doc)


def akutt_melding(doc: Dokument) -> None:
    _hode(doc, "Melding om {{ akutt.navn }}")
    _p(
        doc,
        "Dette er en melding, ikke et vedtak. Innleggelse i {{ akutt.navn }} avgjøres av lege "
        + "og saksbehandles ikke{% if akutt.kilde %} ({{ akutt.kilde }}){% endif %}. Meldingen "
        + "kan derfor ikke påklages.",
        fet=True,
    )
    _p(doc, "{%p if akutt.status == 'innlagt' %}")
    _p(
        doc,
        "Du er lagt inn ved {{ plass.enhet }}{% if plass.institusjon %}, {{ plass.institusjon "
        + "}}{% endif %}, fra {{ plass.fra }}. {{ plass.lengde }}",
    )
    _p(doc, "{%p elif akutt.status == 'ingen_seng' %}")
    _p(
        doc,
        "Du oppfyller kriteriene for {{ akutt.navn }}, men det er ingen ledig seng nå. Det "
        + "settes ikke opp venteliste for dette tilbudet.",
    )
    _p(doc, "{{ akutt.annen_hjelp }}")
    _p(doc, "{%p elif akutt.status == 'ikke_oppfylt' %}")
    _p(doc, "Kriteriene for {{ akutt.navn }} er ikke oppfylt:")
    _liste(doc, "avslagsgrunner", "{{ x }}")
    _p(doc, "{{ akutt.annen_hjelp }}")
    _p(doc, "{%p else %}")
    _p(doc, "Det mangler opplysninger for å vurdere kriteriene:")
    _liste(doc, "mangler", "{{ x.tekst }}{% if x.punkt %} ({{ x.punkt }}){% endif %}.")
    _p(doc, "{{ akutt.annen_hjelp }}")
    _p(doc, "{%p endif %}")
    _egenandel(doc)
    _slutt(doc, klage=False)


def forelopig_svar(doc: Dokument) -> None:
    _hode(doc, "Foreløpig svar på søknad om {{ tjeneste }}")
    _p(
        doc,
        "Vi har mottatt søknaden din om {{ tjeneste }}, datert {{ soknadsdato }}. Før vi kan "
        + "avgjøre søknaden, må vi kartlegge dette:",
        fet=True,
    )
    _liste(doc, "mangler", "{{ x.tekst }}{% if x.punkt %} ({{ x.punkt }}){% endif %}.")
    _p(doc, "Vi tar kontakt med deg for å kartlegge dette. Når kartleggingen er gjort, får du et vedtak.")
    _p(doc, "{%p if oppfylt %}")
    _p(doc, "Dette er allerede vurdert som oppfylt:")
    _liste(doc, "oppfylt", "{{ x.tekst }}{% if x.punkt %} ({{ x.punkt }}){% endif %}.")
    _p(doc, "{%p endif %}")
    _p(doc, "Vi har vurdert søknaden etter {{ dokument }}.")
    _slutt(doc, klage=False)


BYGGERE: dict[str, Callable[[Dokument], None]] = {
    "innvilget": innvilget,
    "tilbud": tilbud,
    "avslag": avslag,
    "venteliste": venteliste,
    "akutt_melding": akutt_melding,
    "forelopig_svar": forelopig_svar,
}


def lag_maler(mappe: Path) -> list[Path]:
    """Write every template into ``mappe`` (existing files are replaced)."""
    mappe.mkdir(parents=True, exist_ok=True)
    skrevet = []
    for navn, bygg in BYGGERE.items():
        doc = Document()
        doc.core_properties.author = "allokering"
        doc.core_properties.title = navn
        doc.core_properties.created = _FAST_TID
        doc.core_properties.modified = _FAST_TID
        doc.core_properties.last_modified_by = "allokering"
        bygg(doc)
        sti = mappe / f"{navn}.docx"
        doc.save(str(sti))
        skrevet.append(sti)
    return skrevet


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - maintenance script
    from allokering.brev import PROFILMAPPE

    for profil in argv or PROFILER:
        for sti in lag_maler(PROFILMAPPE / profil / "brevmaler"):
            print(f"Skrev {sti}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
