/* Venteliste: for saksbehandlere per søker (priority order, place type, district, waiting days, follow-up
 * status from the meeting's locks and decisions); for other roles the aggregated counts only. */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const person = () => A.bruker && A.bruker.rolle === "saksbehandler";
  const tilstand = { rader: [], aggregert: null };
  const formal = () => $("formal").value.trim();

  async function alleSider(sti) {
    const ut = [];
    for (let side = 1; ; side++) {
      const s = await A.hent(`${sti}?per_side=500&side=${side}`, { formal: formal() });
      ut.push(...s.elementer);
      if (ut.length >= s.antall || !s.elementer.length) return ut;
    }
  }

  function oppfolging(v, laaser, beslutninger) {
    const b = beslutninger.get(v.applicant_id);
    const l = laaser.get(v.applicant_id);
    const deler = [];
    if (b) deler.push(`Besluttet: ${b.utfall} (${A.dato(b.besluttet)})`);
    if (l) deler.push(l.type === "tildel" ? "Låst til plass" : "Overstyrt: skal ikke tildeles");
    return deler.length ? deler.join("; ") : "Ikke behandlet i møtet";
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
      const [vente, laaser, beslutninger] = await Promise.all([
        alleSider(`/kjoringer/${k.id}/venteliste`),
        A.hent(`/saker/${sakId}/laaser`, { formal: formal() }),
        A.hent(`/saker/${sakId}/beslutninger`, { formal: formal() }),
      ]);
      if (g !== generasjon) return;
      const lm = new Map(laaser.filter((l) => l.aktiv).map((l) => [l.soker_id, l]));
      const bm = new Map(beslutninger.map((b) => [b.soker_id, b]));
      tilstand.rader = vente.map((v) => ({ ...v, oppfolging: oppfolging(v, lm, bm) }));
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

  function vis() {
    const tj = $("filter-tjeneste").value, by = $("filter-bydel").value;
    if (person()) {
      const rader = tilstand.rader.filter((v) => (!tj || v.service === tj) && (!by || v.district === by));
      $("liste").innerHTML = `<p>${rader.length} av ${tilstand.rader.length} søkere.</p>` + A.tabell([
        { navn: "Nr.", verdi: (v) => v.position, tall: true },
        { navn: "Søker", verdi: (v) => v.applicant_id },
        { navn: "Tjeneste", verdi: (v) => A.tjeneste(v.service) },
        { navn: "Bydel", verdi: (v) => v.district },
        { navn: "Prioritet", verdi: (v) => v.priority, tall: true },
        { navn: "Ventedager", verdi: (v) => v.waiting_days, tall: true },
        { navn: "Oppfølging", verdi: (v) => v.oppfolging },
      ], rader, "Venteliste etter prioritet (ventetid bryter bare likhet)");
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
      $("formal").value = sessionStorage.getItem("allokering.formal") || `Saksbehandling – venteliste ${new Date().toLocaleDateString("nb-NO")}`;
      $("formal").addEventListener("change", () => { sessionStorage.setItem("allokering.formal", formal()); last(); });
    } else $("bydel-felt").hidden = true;
    $("sak").addEventListener("change", () => last().catch((e) => A.melding(e.message, true)));
    $("filter-tjeneste").addEventListener("change", vis);
    $("filter-bydel").addEventListener("change", vis);
    try {
      const liste = await A.saker();
      A.fyllSaker($("sak"), liste, sessionStorage.getItem("allokering.sak"));
      await last();
      document.body.dataset.klar = "1";
    } catch (e) { A.melding(e.message, true); }
  });
})();
