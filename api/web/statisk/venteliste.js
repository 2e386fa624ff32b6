/* Venteliste: for saksbehandlere per søker (priority order, place type, district, waiting days, follow-up
 * status from the meeting's locks and decisions); for other roles the aggregated counts only. */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const person = () => A.bruker && A.bruker.rolle === "saksbehandler";
  const tilstand = { rader: [], aggregert: null, sortering: { kol: "position", stigende: true } };
  const formal = () => $("formal").value.trim();

  async function alleSider(sti) {
    const ut = [];
    for (let side = 1; ; side++) {
      const s = await A.hent(`${sti}?per_side=500&side=${side}`, { formal: formal() });
      ut.push(...s.elementer);
      if (ut.length >= s.antall || !s.elementer.length) return ut;
    }
  }

  function oppfolging(v, laaser) {
    const l = laaser.get(v.applicant_id);
    if (!l) return "Ingen lås";
    const kilde = l.kilde === "saksfil" ? " (saksfilen)" : "";
    return (l.type === "tildel" ? "Låst til plass" : "Overstyrt: skal ikke tildeles") + kilde;
  }

  /** The meeting's decision for the søker, and whether the case is finalised. */
  function vedtak(v, beslutninger, avslutning) {
    const b = beslutninger.get(v.applicant_id);
    if (!b) return "Ingen beslutning ennå";
    const hva = A.utfall(b.utfall);
    const endelig = avslutning && avslutning.ferdigbehandlet && avslutning.kjoring_id === b.kjoring_id;
    return `${hva} ${A.dato(b.besluttet)}${endelig ? " (ferdigbehandlet)" : ""}`;
  }

  let generasjon = 0;

  async function last() {
    const g = ++generasjon;
    const sakId = $("sak").value;
    if (!sakId) return;
    sessionStorage.setItem("allokering.sak", sakId);
    const k = await A.sisteKjoring(sakId);
    if (!k) {
      $("liste").innerHTML = "<p>Saken er ikke løst ennå.</p>";
      $("kjoring-info").textContent = "";
      return;
    }
    $("kjoring-info").textContent = `Fra kjøring ${k.id} (${A.dato(k.ferdig || k.opprettet)}).`;
    if (person()) {
      if (formal().length < 3) { A.melding("Oppgi formålet med oppslaget.", true); $("formal").focus(); return; }
      const [vente, laaser, beslutninger, avslutning, sak] = await Promise.all([
        alleSider(`/kjoringer/${k.id}/venteliste`),
        A.hent(`/saker/${sakId}/laaser/oversikt`, { formal: formal() }),
        A.hent(`/saker/${sakId}/beslutninger`, { formal: formal() }),
        A.hent(`/saker/${sakId}/avslutning`, { formal: formal() }),
        A.hent(`/saker/${sakId}`),
      ]);
      if (g !== generasjon) return;
      const lm = new Map(laaser.filter((l) => l.aktiv).map((l) => [l.soker_id, l]));
      const bm = new Map(beslutninger.map((b) => [b.soker_id, b]));
      // the run's first day: the søknad date is that day minus the days waited
      const versjon = sak.versjoner.reduce((a, b) => (b.versjon > a.versjon ? b : a), sak.versjoner[0]);
      const start = new Date(`${versjon.startdato}T00:00:00`);
      const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      tilstand.rader = vente.map((v) => ({
        ...v,
        soknadsdato: iso(new Date(start.getTime() - v.waiting_days * 86400000)),
        vedtak: vedtak(v, bm, avslutning),
        oppfolging: oppfolging(v, lm),
      }));
      fyll("filter-bydel", [...new Set(vente.map((v) => v.district))].sort());
      fyll("filter-tjeneste", [...new Set(vente.map((v) => v.service))].sort(), A.tjeneste);
    } else {
      const [vl, vt] = await Promise.all([A.hent(`/dashbord/venteliste?kjoring_id=${k.id}`), A.hent(`/dashbord/ventetid?kjoring_id=${k.id}`)]);
      if (g !== generasjon) return;
      tilstand.aggregert = { vl, vt };
      fyll("filter-tjeneste", [...new Set(vl.grupper.map((g) => g.tjeneste))].sort(), A.tjeneste);
    }
    vis();
  }

  function fyll(id, verdier, navn = (x) => x) {
    const s = $(id), v = s.value;
    s.innerHTML = '<option value="">Alle</option>' + verdier.map((x) => `<option value="${A.esc(x)}">${A.esc(navn(x))}</option>`).join("");
    if (verdier.includes(v)) s.value = v;
  }

  const KOLONNER = [
    { id: "position", navn: "Nr.", vis: (v) => v.position, sort: (v) => v.position, tall: true },
    { id: "soker", navn: "Søker", vis: (v) => v.applicant_id, sort: (v) => v.applicant_id },
    { id: "tjeneste", navn: "Tjeneste", vis: (v) => A.tjeneste(v.service), sort: (v) => A.tjeneste(v.service) },
    { id: "bydel", navn: "Bydel", vis: (v) => v.district, sort: (v) => v.district },
    { id: "prioritet", navn: "Prioritet", vis: (v) => A.tall(v.priority), sort: (v) => v.priority, tall: true, synkende: true },
    { id: "soknad", navn: "Søknadsdato", vis: (v) => A.dato(v.soknadsdato), sort: (v) => v.soknadsdato },
    { id: "ventet", navn: "Dager ventet", vis: (v) => A.tall(v.waiting_days), sort: (v) => v.waiting_days, tall: true, synkende: true },
    { id: "vedtak", navn: "Vedtak", vis: (v) => v.vedtak, sort: (v) => v.vedtak },
    { id: "oppfolging", navn: "Lås", vis: (v) => v.oppfolging, sort: (v) => v.oppfolging },
  ];

  function vis() {
    const tj = $("filter-tjeneste").value, by = $("filter-bydel").value;
    if (person()) {
      const sok = $("sok").value.trim().toLocaleLowerCase("nb");
      const treff = (v) => !sok || [v.applicant_id, v.district, A.tjeneste(v.service), v.vedtak, v.oppfolging]
        .some((x) => String(x).toLocaleLowerCase("nb").includes(sok));
      const { kol, stigende } = tilstand.sortering;
      const rader = tilstand.rader.filter((v) => (!tj || v.service === tj) && (!by || v.district === by) && treff(v));
      const k = KOLONNER.find((x) => x.id === kol);
      rader.sort((a, b) => {
        const x = k.sort(a), y = k.sort(b);
        const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "nb");
        return (stigende ? c : -c) || a.position - b.position;
      });
      const hode = KOLONNER.map((x) => {
        const aktiv = x.id === kol;
        const aria = aktiv ? ` aria-sort="${stigende ? "ascending" : "descending"}"` : "";
        const pil = aktiv ? (stigende ? " ▲" : " ▼") : "";
        return `<th scope="col"${aria}${x.tall ? ' class="tall"' : ""}><button type="button" class="sorter" data-kol="${x.id}">${A.esc(x.navn)}${pil}</button></th>`;
      }).join("");
      const kropp = rader.map((v) => "<tr>" + KOLONNER.map((x) => `<td${x.tall ? ' class="tall"' : ""}>${A.esc(x.vis(v))}</td>`).join("") + "</tr>").join("");
      $("liste").innerHTML = `<p>${rader.length} av ${tilstand.rader.length} søkere.</p>`
        + `<div class="tabellrull" tabindex="0" role="group" aria-label="Venteliste"><table class="venteliste"><caption>Venteliste etter prioritet (ventetid skiller bare like prioriteter). Trykk på en kolonne for å sortere.</caption>`
        + `<thead><tr>${hode}</tr></thead><tbody>${kropp}</tbody></table></div>`;
      return;
    }
    const { vl, vt } = tilstand.aggregert;
    const grupper = vl.grupper.filter((g) => !tj || g.tjeneste === tj);
    const tider = vt.tjenester.filter((t) => !tj || t.tjeneste === tj);
    $("liste").innerHTML = `<p>Din rolle ser bare antall, ikke enkeltsøkere. Totalt ${vl.totalt} på venteliste.</p>`
      + A.tabell([
        { navn: "Tjeneste", verdi: (g) => A.tjeneste(g.tjeneste) },
        { navn: "Prioritet", verdi: (g) => `${g.prioritet_fra}–${g.prioritet_til}` },
        { navn: "Antall", verdi: (g) => g.antall, tall: true },
      ], grupper, "Antall på venteliste etter tjeneste og prioritet")
      + A.tabell([
        { navn: "Tjeneste", verdi: (t) => A.tjeneste(t.tjeneste) },
        { navn: "Venter nå (antall)", verdi: (t) => t.venter_naa.antall, tall: true },
        { navn: "Dager ventet, snitt", verdi: (t) => A.tall(t.venter_naa.gjennomsnitt, 1), tall: true },
        { navn: "Dager ventet, median", verdi: (t) => A.tall(t.venter_naa.median), tall: true },
        { navn: "Dager ventet, maks", verdi: (t) => A.tall(t.venter_naa.maks), tall: true },
      ], tider, "Ventetid så langt");
  }

  document.addEventListener("DOMContentLoaded", async () => {
    if (!A.bruker || !A.harTilgang()) return;
    if (person()) {
      $("formal-felt").hidden = false;
      $("sok-felt").hidden = false;
      $("formal").value = sessionStorage.getItem("allokering.formal") || `Saksbehandling – venteliste ${new Date().toLocaleDateString("nb-NO")}`;
      $("formal").addEventListener("change", () => { sessionStorage.setItem("allokering.formal", formal()); last(); });
    } else $("bydel-felt").hidden = true;
    $("sak").addEventListener("change", () => last().catch((e) => A.melding(e.message, true)));
    $("filter-tjeneste").addEventListener("change", vis);
    $("filter-bydel").addEventListener("change", vis);
    $("sok").addEventListener("input", vis);
    $("liste").addEventListener("click", (e) => {
      const b = e.target.closest("button.sorter");
      if (!b) return;
      const s = tilstand.sortering;
      if (s.kol === b.dataset.kol) s.stigende = !s.stigende;
      else { s.kol = b.dataset.kol; s.stigende = !KOLONNER.find((x) => x.id === s.kol).synkende; }
      vis();
      document.querySelector(`button.sorter[data-kol="${s.kol}"]`).focus();
    });
    try {
      const liste = await A.saker();
      A.fyllSaker($("sak"), liste, sessionStorage.getItem("allokering.sak"));
      await last();
      document.body.dataset.klar = "1";
    } catch (e) { A.melding(e.message, true); }
  });
})();
