/* Tildelingsmøte: proposed placements per unit and day, the waiting list, explanations, locks, re-solve,
 * final decisions and export. Personal data: every call sends the purpose (X-Formal). */
"use strict";
(() => {
  const A = Allokering;
  const $ = (id) => document.getElementById(id);
  const tilstand = { sakId: null, kjoring: null, enheter: [], tildelinger: [], venteliste: [], laaser: [], priser: [], objektiv: null, valgt: null, start: null };

  /** Feedback next to the control that caused it (the element is a role="status" live region). */
  function svar(id, tekst, feil = false) {
    const el = $(id);
    el.textContent = tekst;
    el.classList.toggle("feil", feil);
  }

  const formal = () => $("formal").value.trim();
  const pf = (valg = {}) => ({ ...valg, formal: formal() });

  async function alleSider(sti) {
    const ut = [];
    for (let side = 1; ; side++) {
      const s = await A.hent(`${sti}${sti.includes("?") ? "&" : "?"}per_side=500&side=${side}`, pf());
      ut.push(...s.elementer);
      if (ut.length >= s.antall || !s.elementer.length) return ut;
    }
  }

  function krevFormal() {
    if (formal().length >= 3) return true;
    A.melding("Oppgi formålet med oppslaget før du går videre (velg fra listen eller beskriv det).", true);
    $("formal").focus();
    return false;
  }

  async function lastSaker(valgt) {
    const liste = await A.saker();
    A.fyllSaker($("sak"), liste, valgt || sessionStorage.getItem("allokering.sak"));
    if (!liste.length) { A.melding("Ingen saker ennå. Last inn en demosak for å komme i gang."); return; }
    await velgSak();
  }

  let generasjon = 0; // a newer load makes an older one stale: its data are dropped

  async function velgSak() {
    const g = ++generasjon;
    tilstand.sakId = $("sak").value;
    if (!tilstand.sakId) return;
    sessionStorage.setItem("allokering.sak", tilstand.sakId);
    $("forklaring").hidden = true;
    $("bekreft").hidden = true;
    svar("endelig-status", "");
    const [siste, avs] = await Promise.all([A.sisteKjoring(tilstand.sakId), A.hent(`/saker/${tilstand.sakId}/avslutning`, pf())]);
    if (g !== generasjon) return;
    tilstand.avslutning = avs;
    // a finalised case shows the run its decisions come from, not a later one
    const k = avs.ferdigbehandlet && avs.kjoring_id && (!siste || siste.id !== avs.kjoring_id)
      ? await A.hent(`/kjoringer/${avs.kjoring_id}`) : siste;
    if (g !== generasjon) return;
    visAvslutning();
    $("los").textContent = k ? "Løs på nytt" : "Løs";
    if (k) await visKjoring(k, g);
    else {
      // a case without runs: nothing of another case's run may linger (state, panels, the page's run marker)
      tilstand.kjoring = null;
      tilstand.tildelinger = [];
      tilstand.venteliste = [];
      delete document.body.dataset.kjoring;
      delete document.body.dataset.analyser;
      for (const id of ["resultat", "avslutt", "endringer", "nivaaer", "ekstraplass"]) $(id).hidden = true;
      svar("analyser-status", "");
      $("kjoring-info").textContent = "Saken er ikke løst ennå. Trykk «Løs».";
      await lastLaaser();
    }
    if (g === generasjon && !avs.ferdigbehandlet && aktivJobb === null) {
      // opened (or reloaded) while a run of this case is still going: follow it to its end, as «Løs» would
      const pagar = await A.hent(`/kjoringer?sak_id=${tilstand.sakId}&status=running&per_side=1`);
      const j = pagar.elementer[0];
      if (g === generasjon && aktivJobb === null && j && (!k || j.id > k.id)) fortsett(j);
    }
  }

  /** One idempotency key per user and demo case, kept in localStorage: a second click (or a reload and a click)
   * opens the case the first click created instead of a duplicate; the server enforces it. */
  function demoNokkel(navn) {
    const k = `allokering.demonokkel.${(A.bruker && A.bruker.navn) || ""}.${navn}`;
    let v = localStorage.getItem(k);
    if (!v) {
      const b = new Uint8Array(16);
      crypto.getRandomValues(b);
      v = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
      localStorage.setItem(k, v);
    }
    return v;
  }

  async function lastDemo() {
    if (!krevFormal()) return;
    const navn = $("demo").value;
    const knapp = $("last-demo");
    knapp.disabled = true;
    A.melding("Laster inn demosaken …");
    try {
      const svar = await A.hent(`/saker/demo/${navn}`, pf({ metode: "POST", blob: true, hode: { "Idempotency-Key": demoNokkel(navn) } }));
      const sak = await svar.json();
      await lastSaker(sak.id);
      A.melding(svar.status === 200
        ? `Demosaken «${sak.navn}» var allerede lastet inn som sak ${sak.id}, og er åpnet.`
        : `Demosaken «${sak.navn}» er lastet inn som sak ${sak.id}. Trykk «Løs».`);
    } catch (e) { A.melding(e.message, true); } finally { knapp.disabled = false; }
  }

  let aktivJobb = null;
  async function los() {
    if (!tilstand.sakId) { A.melding("Velg eller last inn en sak først.", true); return; }
    $("los").disabled = true;
    $("fremdrift-boks").hidden = false;
    $("stopp").hidden = false;
    try {
      const k = await A.hent(`/saker/${tilstand.sakId}/kjoringer`, { metode: "POST", kropp: {} });
      A.melding(`Kjøring ${k.id} er startet.`);
      await folg(k);
    } catch (e) { A.melding(e.message, true); }
    finally { $("los").disabled = false; $("stopp").hidden = true; aktivJobb = null; }
  }

  // Follows a run until it ends: the proposal is drawn as soon as it is stored, the analyses when they are done.
  // Used by «Løs» and when the page is opened (or reloaded) while a run of the case is still going.
  async function folg(k, bareForSak = null) {
    aktivJobb = k.id;
    $("fremdrift-boks").hidden = false;
    $("stopp").hidden = false;
    {
      let forslagVist = null; // the generation the proposal was drawn in (two-phase delivery)
      while (!["done", "failed", "cancelled"].includes(k.status)) {
        // a run followed because the page opened on its case is left when the user picks another case
        if (bareForSak !== null && tilstand.sakId !== bareForSak) return;
        if (k.forslag_klart && forslagVist === null) {
          // the proposal is stored while the analyses run: show it now, fill in their figures when they come
          forslagVist = ++generasjon;
          await visKjoring(k, forslagVist);
        }
        $("fremdrift").value = k.fremdrift || 0;
        $("fase").textContent = `${Math.round(100 * (k.fremdrift || 0))} % – ${k.fase || k.status}`;
        // long polling: the server answers the moment the proposal is stored or the job ends, else after 2 s
        k = await A.hent(`/kjoringer/${k.id}?vent=2`);
      }
      $("fremdrift").value = 1;
      $("fase").textContent = k.status === "done" ? "Ferdig" : k.status === "cancelled" ? "Stoppet" : "Feilet";
      if (k.status === "done" && forslagVist !== null) {
        if (forslagVist === generasjon) await visAnalyser(k, forslagVist);
        A.melding(`Kjøring ${k.id} er ferdig${k.analyser_ferdig ? "" : " uten tilleggsanalysene"}. ${k.losningsstatus === "OPTIMAL"
          ? "Ingen annen fordeling gir høyere prioritet totalt."
          : "Fordelingen oppfyller alle vilkår, men tidsgrensen nådde ut før det var vist at ingen annen gir høyere prioritet totalt."}`);
      } else if (k.status === "done") {
        await visKjoring(k, ++generasjon);
        A.melding(`Kjøring ${k.id} er ferdig. ${k.losningsstatus === "OPTIMAL"
          ? "Ingen annen fordeling gir høyere prioritet totalt."
          : "Fordelingen oppfyller alle vilkår, men tidsgrensen nådde ut før det var vist at ingen annen gir høyere prioritet totalt."}`);
      } else A.melding(k.feilmelding || "Kjøringen ble ikke fullført.", true);
    }
  }

  async function fortsett(k) {
    $("los").disabled = true;
    try { await folg(k, tilstand.sakId); } catch (e) { A.melding(e.message, true); }
    finally { $("los").disabled = false; $("stopp").hidden = true; aktivJobb = null; }
  }

  async function stopp() {
    if (aktivJobb) { try { await A.hent(`/kjoringer/${aktivJobb}`, { metode: "DELETE" }); } catch (e) { A.melding(e.message, true); } }
  }

  async function lastLaaser() {
    tilstand.laaser = await A.hent(`/saker/${tilstand.sakId}/laaser/oversikt`, pf());
    visLaaser();
  }

  async function visKjoring(k, g) {
    if (!krevFormal()) return;
    const [belegg, tild, vente, laaser, priser, mv] = await Promise.all([
      A.hent(`/dashbord/belegg?kjoring_id=${k.id}&steg=1`),
      alleSider(`/kjoringer/${k.id}/tildelinger`),
      alleSider(`/kjoringer/${k.id}/venteliste`),
      A.hent(`/saker/${k.sak_id}/laaser/oversikt`, pf()),
      A.hent(`/kjoringer/${k.id}/laaspriser`, pf()),
      k.analyser_ferdig ? A.hent(`/kjoringer/${k.id}/marginalverdier`) : null,
    ]);
    if (g !== generasjon) return;
    const t0 = performance.now();
    const forrige = tilstand.kjoring && tilstand.kjoring.sak_id === k.sak_id && tilstand.kjoring.id !== k.id
      ? { kjoring: tilstand.kjoring, tildelinger: tilstand.tildelinger, venteliste: tilstand.venteliste, priser: tilstand.priser, objektiv: tilstand.objektiv }
      : null;
    tilstand.priser = priser.locks || [];
    tilstand.objektiv = priser.objective || null;
    tilstand.kjoring = k;
    tilstand.forrige = forrige;
    tilstand.marginal = mv ? mv.enheter : [];
    tilstand.enheter = belegg.enheter;
    tilstand.start = belegg.startdato;
    tilstand.horisont = belegg.horisont_dager;
    tilstand.tildelinger = tild;
    tilstand.venteliste = vente;
    tilstand.laaser = laaser;
    if (forrige) visEndringer(forrige);
    else $("endringer").hidden = true;
    visNivaaer(forrige);
    visAnalysestatus();
    fyllFiltre();
    visRutenett();
    visVenteliste();
    visLaaser();
    $("resultat").hidden = false;
    $("avslutt").hidden = false;
    // an open explanation is redrawn for the new run (without moving the focus)
    if (forrige && tilstand.valgt && !$("forklaring").hidden) visForklaring(tilstand.valgt, false);
    $("los").textContent = "Løs på nytt";
    $("kjoring-info").textContent = `Viser kjøring ${k.id} (${A.dato(k.ferdig || k.opprettet)}): ${tild.length} tildelinger, `
      + `${vente.length} på venteliste, UKP-døgn ${A.tall(k.ukp_dogn)} (${A.tall(k.ukp_kostnad_nok)} kr).`;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    document.body.dataset.gjengivelseMs = String(Math.round(performance.now() - t0));
    document.body.dataset.kjoring = String(k.id);
    if (k.analyser_ferdig || k.status === "done") document.body.dataset.analyser = String(k.id);
  }

  /** The analyses of the run shown (value of an extra place, couple costs, lock prices) came after its proposal:
   * fill in their figures (the lock prices, the changes' reasons, an open explanation) without redrawing the rest. */
  async function visAnalyser(k, g) {
    const [priser, mv] = await Promise.all([
      A.hent(`/kjoringer/${k.id}/laaspriser`, pf()),
      A.hent(`/kjoringer/${k.id}/marginalverdier`),
    ]);
    if (g !== generasjon || !tilstand.kjoring || tilstand.kjoring.id !== k.id) return;
    tilstand.kjoring = k;
    tilstand.priser = priser.locks || [];
    tilstand.objektiv = priser.objective || tilstand.objektiv;
    tilstand.marginal = mv.enheter || [];
    visLaaser();
    if (tilstand.forrige) visEndringer(tilstand.forrige);
    visAnalysestatus(true);
    if (tilstand.valgt && !$("forklaring").hidden) await visForklaring(tilstand.valgt, false);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    document.body.dataset.analyser = String(k.id);
  }

  const analyserPaagaar = () => tilstand.kjoring && !tilstand.kjoring.analyser_ferdig && tilstand.kjoring.status === "running";

  /** Where the analyses' figures go: a note (announced) while they are computed, then the value of an extra place. */
  function visAnalysestatus(nyss = false) {
    const k = tilstand.kjoring;
    if (analyserPaagaar()) {
      svar("analyser-status", "Beregner verdien av ekstra plasser og låspriser … Forslaget under er ferdig og endres ikke; «Stopp løsingen» nå stopper bare denne beregningen og beholder forslaget.");
      $("ekstraplass-innhold").innerHTML = "<p>Beregnes …</p>";
    } else if (!k.analyser_ferdig) {
      svar("analyser-status", "Verdien av ekstra plasser og låsprisene ble ikke beregnet (kjøringen ble stoppet under beregningen). Forslaget er gyldig.");
      $("ekstraplass-innhold").innerHTML = "<p>Ikke beregnet.</p>";
    } else {
      svar("analyser-status", nyss ? "Verdien av ekstra plasser og låsprisene er beregnet og fylt inn." : "");
      const rader = (tilstand.marginal || []).filter((e) => e.verdi > 0).sort((x, y) => y.verdi - x.verdi || x.enhet_id.localeCompare(y.enhet_id, "nb")).slice(0, 8);
      $("ekstraplass-innhold").innerHTML = rader.length ? A.tabell([
        { navn: "Enhet", verdi: (r) => enhetsnavn(r.enhet_id), radhode: true },
        { navn: "Prioritetspoeng", verdi: (r) => A.tall(r.verdi), tall: true },
      ], rader, `Enhetene der én ekstra plass gir mest, kjøring ${k.id}`) : "<p>Én ekstra plass på en enhet ville ikke gitt høyere prioritet totalt.</p>";
    }
    $("ekstraplass").hidden = false;
  }

  const NIVAAER = [["plassering", "Prioritet (nivå 1)"], ["ektepar", "Ektepar samlet (nivå 2)"], ["preferanser", "Ønsket institusjon (nivå 3)"], ["flyttinger", "Flyttinger (nivå 4)"]];

  const NIVAAMENING = {
    plassering: "Summen av prioriteten til dem som får plass, vektet med hvor tidlig de får den. Høyere er bedre.",
    ektepar: "Ektepar som ønsker å bo sammen og får plass på samme institusjon. Høyere er bedre.",
    preferanser: "Poeng for plass på søkerens første, andre eller tredje ønskede institusjon (3, 2 og 1). Høyere er bedre.",
    flyttinger: "Nåværende beboere som må flytte for at fordelingen skal gå opp. Lavere er bedre.",
  };

  /** The four levels of the objective, their values, the change since the previous run, in plain words. */
  function visNivaaer(forrige) {
    const o = tilstand.objektiv;
    if (!o) { $("nivaaer").hidden = true; return; }
    const f = forrige && forrige.objektiv;
    const rader = NIVAAER.filter(([k]) => o[k]).map(([k, navn]) => {
      const x = o[k], y = f && f[k];
      const d = y ? x.value - y.value : null;
      return {
        navn, mening: NIVAAMENING[k], verdi: A.tall(x.value),
        endring: d === null ? "–" : d === 0 ? "Uendret" : `${d > 0 ? "+" : "−"}${A.tall(Math.abs(d))} (var ${A.tall(y.value)})`,
        sikker: x.proven ? "Ingen annen fordeling gir mer på dette nivået." : `Tidsgrensen nådde ut; beste mulige er høyst ${A.tall(x.bound)}.`,
      };
    });
    $("nivaaer-innhold").innerHTML = A.tabell([
      { navn: "Nivå", verdi: (r) => r.navn, radhode: true },
      { navn: "Hva det måler", verdi: (r) => r.mening },
      { navn: "Verdi", verdi: (r) => r.verdi, tall: true },
      { navn: f ? `Endring siden kjøring ${forrige.kjoring.id}` : "Endring", verdi: (r) => r.endring, tall: true },
      { navn: "Sikkerhet", verdi: (r) => r.sikker },
    ], rader, `Målfunksjonen i kjøring ${tilstand.kjoring.id}`);
    $("nivaaer").hidden = false;
  }

  /** «Endringer siden forrige kjøring»: who came in, who left, who moved, and why (locks, displaced søkere). */
  function visEndringer(forrige) {
    const for_ = new Map(forrige.tildelinger.map((a) => [a.applicant_id, a]));
    const naa = new Map(tilstand.tildelinger.map((a) => [a.applicant_id, a]));
    const plass = (a) => (a ? `${enhetsnavn(a.unit_id)} fra ${A.dato(a.start_date)}` : "Venteliste");
    const aktiv = (id) => tilstand.laaser.filter((l) => l.aktiv && l.soker_id === id);
    const fjernet = (id) => tilstand.laaser.filter((l) => !l.aktiv && l.soker_id === id && l.fjernet && l.fjernet > (forrige.kjoring.opprettet || ""));
    const hvorfor = (id, hva) => {
      const g = [];
      for (const l of aktiv(id)) g.push(l.type === "tildel" ? `låst til ${enhetsnavn(l.enhet_id)}: «${l.begrunnelse}»` : `overstyrt, skal ikke tildeles: «${l.begrunnelse}»`);
      for (const l of fjernet(id)) g.push(`lås ${l.id} er fjernet: «${l.fjernet_begrunnelse}»`);
      for (const p of tilstand.priser) if ((p.displaced || []).includes(id)) g.push(`fortrengt av låsen for ${p.applicant_id}${p.unit_id ? ` (${enhetsnavn(p.unit_id)})` : ""}`);
      for (const p of forrige.priser || []) {
        if ((p.displaced || []).includes(id) && !tilstand.priser.some((q) => q.applicant_id === p.applicant_id && q.type === p.type && q.unit_id === p.unit_id)) {
          g.push(`låsen for ${p.applicant_id} som holdt søkeren ute, er borte`);
        }
      }
      if (!g.length) {
        g.push(hva === "inn" ? "en plass ble ledig da de andre endringene ble gjort"
          : hva === "ut" ? "plassen gikk til en søker med lås eller høyere prioritet"
            : "flyttet for å gi plass til endringene over; samlet prioritet er den høyeste mulige");
      }
      return g.join("; ");
    };
    const rader = [];
    for (const [id, a] of naa) {
      const b = for_.get(id);
      if (!b) rader.push({ id, hva: "Kom inn", for: "Venteliste", naa: plass(a), hvorfor: hvorfor(id, "inn") });
      else if (b.unit_id !== a.unit_id || b.start_date !== a.start_date) rader.push({ id, hva: "Flyttet", for: plass(b), naa: plass(a), hvorfor: hvorfor(id, "flyttet") });
    }
    for (const [id, b] of for_) if (!naa.has(id)) rader.push({ id, hva: "Gikk ut", for: plass(b), naa: tilstand.venteliste.some((v) => v.applicant_id === id) ? "Venteliste" : "Uten plass", hvorfor: hvorfor(id, "ut") });
    rader.sort((x, y) => x.hva.localeCompare(y.hva, "nb") || x.id.localeCompare(y.id, "nb"));
    const tell = (h) => rader.filter((r) => r.hva === h).length;
    const nivaa = [];
    if (forrige.objektiv && tilstand.objektiv) {
      for (const [k, navn] of NIVAAER) {
        const x = forrige.objektiv[k], y = tilstand.objektiv[k];
        if (x && y && x.value !== y.value) nivaa.push(`${navn}: ${A.tall(x.value)} → ${A.tall(y.value)}`);
      }
    }
    $("endringer-oppsummering").textContent = `Kjøring ${tilstand.kjoring.id} mot kjøring ${forrige.kjoring.id}: ${tell("Kom inn")} kom inn, `
      + `${tell("Gikk ut")} gikk ut, ${tell("Flyttet")} flyttet.` + (nivaa.length ? ` Målfunksjonen: ${nivaa.join(", ")}.` : " Målfunksjonen er uendret.");
    $("endringer-tabell").innerHTML = rader.length ? `<div class="tabellboks" tabindex="0" role="region" aria-label="Endringer (rullbar)">${A.tabell([
      { navn: "Søker", html: (r) => `<button type="button" class="sok" data-s="${A.esc(r.id)}">${A.esc(r.id)}</button>` },
      { navn: "Endring", verdi: (r) => r.hva },
      { navn: "Før", verdi: (r) => r.for },
      { navn: "Nå", verdi: (r) => r.naa },
      { navn: "Hvorfor", verdi: (r) => r.hvorfor },
    ], rader, "Søkere som fikk en annen plass enn i forrige kjøring")}</div>` : "<p>Ingen søkere fikk en annen plass.</p>";
    $("endringer").hidden = false;
  }

  function fyllFiltre() {
    const inst = [...new Set(tilstand.enheter.map((e) => e.institusjon))].sort();
    const typer = [...new Set(tilstand.enheter.map((e) => e.plasstype))].sort();
    const fi = $("filter-institusjon"), fp = $("filter-plasstype");
    const [vi, vp] = [fi.value, fp.value];
    fi.innerHTML = '<option value="">Alle institusjoner</option>' + inst.map((i) => `<option>${A.esc(i)}</option>`).join("");
    fp.innerHTML = '<option value="">Alle plasstyper</option>' + typer.map((t) => `<option value="${A.esc(t)}">${A.esc(t.replaceAll("_", " "))}</option>`).join("");
    if (inst.includes(vi)) fi.value = vi;
    if (typer.includes(vp)) fp.value = vp;
  }

  const laast = () => new Set(tilstand.laaser.filter((l) => l.aktiv).map((l) => l.soker_id));

  function visRutenett() {
    const fi = $("filter-institusjon").value, fp = $("filter-plasstype").value;
    const enheter = tilstand.enheter.filter((e) => (!fi || e.institusjon === fi) && (!fp || e.plasstype === fp));
    const h = tilstand.horisont;
    const per = new Map(enheter.map((e) => [e.enhet_id, Array.from({ length: h }, () => [])]));
    for (const a of tilstand.tildelinger) {
      const rad = per.get(a.unit_id);
      if (!rad) continue;
      for (const p of (a.periods && a.periods.length ? a.periods : [a])) {
        for (let d = Math.max(0, p.start_day); d <= Math.min(h - 1, p.end_day); d++) rad[d].push([a.applicant_id, d === p.start_day, a]);
      }
    }
    const l = laast();
    const start = new Date(tilstand.start + "T00:00:00");
    const dager = Array.from({ length: h }, (_, d) => A.dag(new Date(start.getTime() + d * 86400000)));
    const deler = ['<table class="rutenett"><caption>Søkere per enhet (rader) og dag (kolonner)</caption><thead><tr><th scope="col" class="enhet">Enhet (plasser)</th>'];
    for (const d of dager) deler.push(`<th scope="col">${A.esc(d)}</th>`);
    deler.push("</tr></thead><tbody>");
    for (const e of enheter) {
      deler.push(`<tr><th scope="row" class="enhet">${A.esc(e.navn)} (${e.kapasitet})</th>`);
      const rad = per.get(e.enhet_id);
      for (let d = 0; d < h; d++) {
        const celle = rad[d];
        const full = e.dager[d] && e.dager[d].belagt >= e.kapasitet;
        deler.push(full ? '<td class="full">' : "<td>");
        for (const [id, forst, a] of celle) {
          const merke = l.has(id) ? " (låst)" : "";
          // hover details: place type, priority, period, move and couple (the explanation is one click away)
          const hint = `${id}: ${String(a.place_type || "").replaceAll("_", " ")}, prioritet ${A.tall(a.priority)}, fra ${A.dato(a.start_date)}`
            + `${a.open_ended ? "" : ` til ${A.dato(a.end_date)}`}${a.move ? `, flytter fra ${enhetsnavn(a.move_from_unit)}` : ""}`
            + `${a.together_with ? `, sammen med ektefellen ${a.together_with}` : ""}${merke}. Velg for å se begrunnelsen og låse.`;
          deler.push(forst
            ? `<button type="button" class="sok start" data-s="${A.esc(id)}" title="${A.esc(hint)}">${A.esc(id)}${merke}</button>`
            : `<span class="sok" data-s="${A.esc(id)}" title="${A.esc(hint)}">${A.esc(id)}</span>`);
        }
        deler.push("</td>");
      }
      deler.push("</tr>");
    }
    deler.push("</tbody></table>");
    $("rutenett").innerHTML = enheter.length ? deler.join("") : "<p>Ingen enheter passer filteret.</p>";
  }

  function visVenteliste() {
    const l = laast();
    $("venteliste").innerHTML = tilstand.venteliste.length ? A.tabell([
      { navn: "Nr.", verdi: (v) => v.position, tall: true },
      { navn: "Søker", html: (v) => `<button type="button" class="sok" data-s="${A.esc(v.applicant_id)}">${A.esc(v.applicant_id)}${l.has(v.applicant_id) ? " (låst)" : ""}</button>` },
      { navn: "Tjeneste", verdi: (v) => A.tjeneste(v.service) },
      { navn: "Prioritet", verdi: (v) => v.priority, tall: true },
      { navn: "Ventedager", verdi: (v) => v.waiting_days, tall: true },
    ], tilstand.venteliste, "Kvalifiserte søkere uten plass, etter prioritet") : "<p>Ingen på venteliste.</p>";
  }

  /** The lock form offers only the units the API says the søker can be locked to; the others are explained. */
  function fyllLaasvalg(valg, foreslatt) {
    const s = $("laas-enhet");
    if (valg.feil) {
      s.innerHTML = '<option value="">Ingen bestemt enhet</option>';
      $("laas-enhet-hjelp").innerHTML = `<p class="advarsel">Enhetene søkeren kan låses til, kunne ikke hentes: ${A.esc(valg.feil)}</p>`;
      return;
    }
    s.innerHTML = '<option value="">Ingen bestemt enhet</option>'
      + valg.enheter.map((e) => `<option value="${A.esc(e.enhet_id)}">${A.esc(e.navn)}${e.naverende ? " (nåværende plass)" : ""}</option>`).join("");
    s.value = valg.enheter.some((e) => e.enhet_id === foreslatt) ? foreslatt : "";
    const utelatt = valg.utelatt.filter((u) => u.antall);
    const deler = [valg.enheter.length
      ? `<p>${valg.enheter.length} ${valg.enheter.length === 1 ? "enhet kan" : "enheter kan"} velges: søkeren oppfyller vilkårene, og det er ledig plass minst én dag i planperioden.</p>`
      : "<p>Ingen enhet kan velges for en lås til plass: se hvorfor nedenfor. Du kan fortsatt overstyre (skal ikke tildeles).</p>"];
    if (utelatt.length) {
      deler.push(`<details><summary>Hvorfor mangler ${utelatt.reduce((n, u) => n + u.antall, 0)} enheter?</summary><ul>`
        + utelatt.map((u) => `<li>${A.esc(u.grunn[0].toUpperCase() + u.grunn.slice(1))} (${u.antall}): ${A.esc(u.enheter.join(", "))}</li>`).join("")
        + "</ul></details>");
    }
    for (const h of valg.hindringer) deler.push(`<p class="advarsel">${A.esc(h)}</p>`);
    $("laas-enhet-hjelp").innerHTML = deler.join("");
  }

  const ENHETSLAAS = (l) => (l.enhet_id ? enhetsnavn(l.enhet_id) : "");
  /** The run's record of a lock (price, displaced søkere), matched on søker, type and unit. */
  const prisFor = (l) => tilstand.priser.find((p) => p.applicant_id === l.soker_id && p.type === l.type && (p.unit_id || null) === (l.enhet_id || null));

  function prisTekst(l) {
    if (!l.aktiv) return "–";
    const p = prisFor(l);
    if (!p) return "Beregnes ved neste kjøring";
    if (analyserPaagaar()) return "Beregnes …";
    if (!tilstand.kjoring.analyser_ferdig) return "Ikke beregnet (kjøringen ble stoppet)";
    if (p.price_level1 === null || p.price_level1 === undefined) return "Ikke beregnet innen tidsgrensen";
    if (p.price_level1 === 0) return "0 – låsen koster ingen prioritet (en like god plan)";
    const hvem = (p.displaced || []).length ? `; uten låsen ville ${p.displaced.join(", ")} fått plass` : "";
    return `${A.tall(p.price_level1)} prioritetspoeng${p.price_proven ? "" : " (anslag)"}${hvem}`;
  }

  function laasBeskrivelse(l) {
    const hva = l.type === "tildel" ? `Skal ha plass på ${ENHETSLAAS(l)}` : `Skal ikke tildeles${l.enhet_id ? ` ${ENHETSLAAS(l)}` : ""}`;
    const kilde = l.kilde === "saksfil" ? `fra saksfilen (versjon ${l.versjon}, lås nr. ${l.nr + 1})` : `lås ${l.id} fra møtet`;
    return `${hva} – «${l.begrunnelse || "ingen begrunnelse i saksfilen"}», ${kilde}, satt av ${l.opprettet_av} ${A.dato(l.opprettet)}. Pris: ${prisTekst(l)}.`;
  }

  /** The locks of one søker, and the locks that took a place the søker would otherwise have had. */
  function visSokerLaaser(id) {
    const el = $("forklaring-laaser");
    if (!el) return;
    const mine = tilstand.laaser.filter((l) => l.soker_id === id && l.aktiv);
    const fortrengt = tilstand.priser.filter((p) => (p.displaced || []).includes(id));
    el.innerHTML = (mine.length ? `<ul>${mine.map((l) => `<li>${A.esc(laasBeskrivelse(l))}</li>`).join("")}</ul>` : "<p>Ingen aktive låser for søkeren.</p>")
      + (fortrengt.length ? `<p><strong>Fortrengt av en lås:</strong> ${fortrengt.map((p) => A.esc(`uten låsen for ${p.applicant_id}`
        + `${p.unit_id ? ` (${enhetsnavn(p.unit_id)})` : ""} ville søkeren fått plass; låsen koster ${A.tall(p.price_level1)} prioritetspoeng («${p.reason}»).`)).join(" ")}</p>` : "");
  }

  const REGELSTATUS = { oppfylt: "Oppfylt", ikke_oppfylt: "Ikke oppfylt", mangler: "Mangler opplysninger", mangler_opplysninger: "Mangler opplysninger" };
  const KOMPONENTER = [["nytte", "Nytte"], ["ressurs", "Ressurs"], ["alvorlighet", "Alvorlighet"], ["mestring", "Mestring"]];

  /** One priority scale (the number the waiting list is sorted by) and what it is made of. */
  function prioritetsmening(p) {
    const vent = p.total - 10 * p.poeng;
    const del = p.kombinasjon === "leksikografisk" && (p.forrang || []).length
      ? `Først avgjør ${p.forrang.map((f) => (f.nivaa === "hjelpebehov" ? `hjelpebehovet (${f.verdi})` : f.verdi ? "akutt innleggelse" : "at søkeren er utskrivningsklar")).join(" og ")}; deretter `
      : "";
    return `Prioriteten rangerer søkerne: høyere tall går foran. ${del}${del ? "teller" : "Den er"} 10 × prioritetspoengene fra komponentene (${A.tall(p.poeng)})`
      + (del ? "" : ` pluss ventetiden i hele måneder (${A.tall(vent)}, høyst 9), som bare skiller søkere med like mange poeng`) + ".";
  }

  async function visForklaring(id, fokus = true) {
    if (!tilstand.kjoring || !krevFormal()) return;
    tilstand.valgt = id;
    for (const b of document.querySelectorAll(".sok.valgt")) b.classList.remove("valgt");
    for (const b of document.querySelectorAll(`[data-s="${CSS.escape(id)}"]`)) b.classList.add("valgt");
    let f, valg;
    try {
      [f, valg] = await Promise.all([
        A.hent(`/kjoringer/${tilstand.kjoring.id}/forklaringer/${encodeURIComponent(id)}`, pf()),
        // the explanation is shown even if the lock choices cannot be fetched (e.g. the søker left the case)
        A.hent(`/saker/${tilstand.sakId}/laasvalg/${encodeURIComponent(id)}`, pf()).catch((e) => ({ feil: e.message })),
      ]);
    } catch (e) { A.melding(e.message, true); return; }
    const a = tilstand.tildelinger.find((x) => x.applicant_id === id);
    const regler = f.rules || [];
    const generelle = regler.filter((r) => !r.place_type);
    const enhetsregler = regler.filter((r) => r.place_type);
    const regelKol = [
      { navn: "Status", html: (r) => `<span class="status-${A.esc(r.status)}">${A.esc(REGELSTATUS[r.status] || r.status)}</span>` },
      { navn: "Vurdering", verdi: (r) => r.text_nb },
      { navn: "Kilde", verdi: (r) => r.section },
      { navn: "Lovhjemmel", verdi: (r) => r.legal_basis },
    ];
    const enhetKol = [{ navn: "Plasstype", verdi: (r) => String(r.place_type).replaceAll("_", " ") }, ...regelKol];
    const p = f.priority || {};
    const prio = p.total === undefined ? "" : A.tabell([
      { navn: "Komponent", verdi: (r) => r[0], radhode: true },
      { navn: "Verdi", verdi: (r) => r[1] },
    ], [
      ...KOMPONENTER.map(([k, n]) => [n, p[k] === undefined ? "–" : `${p[k]}${p.kilder && p.kilder[k] ? ` (${p.kilder[k]})` : ""}`]),
      ["Utskrivningsklar (UKP)", p.ukp ? "ja" : "nei"], ["Ventedager", A.tall(p.ventedager)], ["Prioritet", A.tall(p.total)],
    ], "Prioritetskomponenter") + `<p class="hjelp">${A.esc(prioritetsmening(p))}</p>`;
    const forbi = (f.outranked_by || []);
    const kf = f.counterfactual || {};
    const kfTekst = Object.entries(kf).map(([k, v]) => k === "priority_needed_above"
      ? `Med prioritet over ${A.tall(v)} (søkeren har ${A.tall(p.total)}) ville søkeren fått plass.`
      : k === "extra_place_in_unit"
        ? `Med én plass til på ${enhetsnavn(v)} kunne søkeren fått plass.`
        : `Annet som ville gitt plass: ${typeof v === "object" ? JSON.stringify(v) : v}`);
    $("forklaring-tittel").textContent = `Begrunnelse for ${id}`;
    $("forklaring-innhold").innerHTML = `
      <p><strong>Utfall:</strong> ${A.esc(A.utfall(f.outcome))} · <strong>Tjeneste:</strong> ${A.esc(A.tjeneste(f.service))}
      ${a ? ` · <strong>Plass:</strong> ${A.esc(enhetsnavn(a.unit_id))} fra ${A.dato(a.start_date)}${a.open_ended ? "" : ` til ${A.dato(a.end_date)}`}` : ""}</p>
      <p>${A.esc(f.text_nb)}</p>
      <h3>Regler</h3>${generelle.length ? A.tabell(regelKol, generelle, "Vilkår for tjenesten") : "<p>Ingen generelle regler.</p>"}
      ${enhetsregler.length ? `<details><summary>Vilkår per enhet (${enhetsregler.length})</summary><div class="tabellboks" tabindex="0" role="region" aria-label="Vilkår per enhet">${A.tabell(enhetKol, enhetsregler)}</div></details>` : ""}
      <h3>Prioritet</h3>${prio || "<p>Ikke prioritert (ikke kvalifisert).</p>"}
      <h3>Gikk foran søkeren</h3>${forbi.length ? A.tabell([
        { navn: "Søker", html: (o) => `<button type="button" class="sok" data-s="${A.esc(o.applicant_id)}">${A.esc(o.applicant_id)}</button>` },
        { navn: "Enhet", verdi: (o) => enhetsnavn(o.unit_id) },
        { navn: "Prioritet", verdi: (o) => o.priority, tall: true },
      ], forbi) : "<p>Ingen.</p>"}
      <h3>Hva som skulle til</h3><p>${kfTekst.length ? kfTekst.map(A.esc).join("<br>") : analyserPaagaar() ? "Beregnes …" : "Ikke aktuelt."}</p>
      <h3>Låser for søkeren</h3><div id="forklaring-laaser"></div>`;
    visSokerLaaser(id);
    fyllLaasvalg(valg, a ? a.unit_id : "");
    $("laas-type").value = "tildel";
    svar("laas-melding", "");
    $("forklaring").hidden = false;
    if (fokus) $("forklaring-tittel").focus();
  }

  const enhetsnavn = (id) => (tilstand.enheter.find((e) => e.enhet_id === id) || { navn: id }).navn;

  async function lagreLaas(e) {
    e.preventDefault();
    if (!tilstand.valgt || !krevFormal()) return;
    const type = $("laas-type").value, enhet = $("laas-enhet").value, begrunnelse = $("laas-begrunnelse").value.trim();
    if (begrunnelse.length < 3) { svar("laas-melding", "Skriv en begrunnelse (minst 3 tegn).", true); $("laas-begrunnelse").focus(); return; }
    if (type === "tildel" && !enhet) { svar("laas-melding", "Velg enheten søkeren skal låses til.", true); $("laas-enhet").focus(); return; }
    try {
      const l = await A.hent(`/saker/${tilstand.sakId}/laaser`, pf({ metode: "POST", kropp: { soker_id: tilstand.valgt, type, enhet_id: enhet || null, begrunnelse } }));
      $("laas-begrunnelse").value = "";
      await lastLaaser();
      visRutenett();
      visVenteliste();
      visSokerLaaser(l.soker_id);
      svar("laas-melding", `Lås ${l.id} er lagret for ${l.soker_id}. Trykk «Løs på nytt» for å bruke den.`);
    } catch (err) { svar("laas-melding", `Låsen ble ikke lagret: ${err.message}`, true); }
  }

  function visLaaser() {
    $("laaser-seksjon").hidden = false;
    const rader = tilstand.laaser;
    const fil = rader.filter((l) => l.kilde === "saksfil").length;
    $("laaser").innerHTML = rader.length ? `<p class="hjelp">${rader.filter((l) => l.aktiv).length} aktive låser, ${fil} av dem fra saksfilen.</p>
      <div class="tabellboks" tabindex="0" role="region" aria-label="Låser og overstyringer (rullbar)">${A.tabell([
      { navn: "Lås", verdi: (l) => (l.kilde === "saksfil" ? `Fil nr. ${l.nr + 1}` : `Møtet ${l.id}`) },
      { navn: "Søker", html: (l) => `<button type="button" class="sok" data-s="${A.esc(l.soker_id)}">${A.esc(l.soker_id)}</button>` },
      { navn: "Type", verdi: (l) => (l.type === "tildel" ? "Skal ha plass" : "Skal ikke tildeles") },
      { navn: "Enhet", verdi: (l) => (l.enhet_id ? enhetsnavn(l.enhet_id) : "–") },
      { navn: "Begrunnelse", verdi: (l) => l.begrunnelse || "–" },
      { navn: "Satt av", verdi: (l) => `${l.opprettet_av}, ${A.dato(l.opprettet)}` },
      { navn: "Pris (nivå 1)", verdi: prisTekst },
      { navn: "Status", html: (l) => l.kilde === "saksfil"
        ? "Aktiv (fra saksfilen; endres ved ny import)"
        : l.aktiv
          ? `<form class="fjern" data-id="${l.id}"><label for="fjern-${l.id}">Begrunnelse for å fjerne</label> <input id="fjern-${l.id}" required minlength="3"> <button type="submit" class="sekundaer">Fjern</button></form>`
          : `Fjernet av ${A.esc(l.fjernet_av)} ${A.dato(l.fjernet)}: «${A.esc(l.fjernet_begrunnelse)}»` },
    ], rader, "Låser og overstyringer (også fjernede)")}</div>` : "<p>Ingen låser i saken.</p>";
  }

  async function fjernLaas(skjema) {
    const id = skjema.dataset.id;
    const begrunnelse = skjema.querySelector("input").value.trim();
    if (begrunnelse.length < 3) { svar("laaser-melding", "Skriv hvorfor låsen fjernes (minst 3 tegn).", true); skjema.querySelector("input").focus(); return; }
    try {
      const l = await A.hent(`/saker/${tilstand.sakId}/laaser/${id}`, pf({ metode: "DELETE", kropp: { begrunnelse } }));
      await lastLaaser();
      visRutenett();
      visVenteliste();
      if (tilstand.valgt === l.soker_id) visSokerLaaser(l.soker_id);
      svar("laaser-melding", `Lås ${id} er fjernet. Trykk «Løs på nytt» for å bruke endringen.`);
    } catch (err) { svar("laaser-melding", `Låsen ble ikke fjernet: ${err.message}`, true); }
  }

  /** The case's state: finalised (with the run used; re-solving needs «Gjenåpne») or open. */
  function visAvslutning() {
    const a = tilstand.avslutning || { ferdigbehandlet: false, historikk: [] };
    const lukket = a.ferdigbehandlet;
    $("los").hidden = lukket;
    $("gjenapne-skjema").hidden = !lukket;
    $("endelig").disabled = lukket;
    $("endelig").textContent = lukket ? "Møtets beslutninger er endelige" : "Marker møtets beslutninger som endelige";
    const siste = a.historikk[0];
    if (lukket) {
      svar("saksstatus", `Ferdigbehandlet: ${a.antall} beslutninger fra kjøring ${a.kjoring_id} ble lagret av ${a.av} ${A.dato(a.tidspunkt)} («${a.begrunnelse}»). `
        + "For å løse saken på nytt må den gjenåpnes med en begrunnelse.");
    } else if (siste && siste.handling === "gjenåpnet") {
      svar("saksstatus", `Gjenåpnet av ${siste.av} ${A.dato(siste.tidspunkt)}: «${siste.begrunnelse}». Beslutningene fra kjøring ${siste.kjoring_id} står til nye markeres som endelige.`);
    } else svar("saksstatus", "");
  }

  /** First a summary and a confirmation; nothing is saved until the user confirms. */
  function endelig() {
    const k = tilstand.kjoring;
    if (!k || !krevFormal()) return;
    if (tilstand.avslutning && tilstand.avslutning.ferdigbehandlet) return;  // a second click does nothing
    if (analyserPaagaar()) {  // the decisions use the final run: wait for its analyses (the server refuses too)
      svar("endelig-status", "Vent til verdien av ekstra plasser og låsprisene er beregnet (noen sekunder); så kan beslutningene markeres som endelige.", true);
      return;
    }
    const begrunnelse = $("endelig-begrunnelse").value.trim();
    if (begrunnelse.length < 3) { svar("endelig-status", "Skriv en begrunnelse for beslutningene.", true); $("endelig-begrunnelse").focus(); return; }
    const laaser = tilstand.laaser.filter((l) => l.aktiv).length;
    $("bekreft-tekst").textContent = `Forslaget fra kjøring ${k.id} blir møtets endelige beslutninger: ${tilstand.tildelinger.length} søkere får plass `
      + `og ${tilstand.venteliste.length} settes på venteliste (${tilstand.tildelinger.length + tilstand.venteliste.length} beslutninger, ${laaser} aktive låser er med). `
      + "Saken merkes som ferdigbehandlet. For å løse den på nytt må den gjenåpnes med en begrunnelse.";
    svar("endelig-status", "");
    $("bekreft").hidden = false;
    $("bekreft-tittel").focus();
  }

  async function bekreftEndelig() {
    const k = tilstand.kjoring;
    if (!k || !krevFormal() || $("bekreft-ja").disabled) return;
    $("bekreft-ja").disabled = true;
    try {
      const a = await A.hent(`/saker/${tilstand.sakId}/ferdigbehandle`, pf({ metode: "POST", kropp: { kjoring_id: k.id, begrunnelse: $("endelig-begrunnelse").value.trim() } }));
      tilstand.avslutning = a;
      $("bekreft").hidden = true;
      visAvslutning();
      svar("endelig-status", `Endelig: ${a.antall} beslutninger fra kjøring ${a.kjoring_id} er lagret som endelige. Saken er ferdigbehandlet.`);
    } catch (e) { svar("endelig-status", `Beslutningene ble ikke lagret: ${e.message}`, true); }
    finally { $("bekreft-ja").disabled = false; }
  }

  async function gjenapne(e) {
    e.preventDefault();
    if (!krevFormal()) return;
    const begrunnelse = $("gjenapne-begrunnelse").value.trim();
    if (begrunnelse.length < 3) { svar("saksstatus", "Skriv hvorfor saken gjenåpnes (minst 3 tegn).", true); $("gjenapne-begrunnelse").focus(); return; }
    try {
      tilstand.avslutning = await A.hent(`/saker/${tilstand.sakId}/gjenapne`, pf({ metode: "POST", kropp: { begrunnelse } }));
      $("gjenapne-begrunnelse").value = "";
      visAvslutning();
      svar("endelig-status", "");
      $("los").focus();
    } catch (err) { svar("saksstatus", `Saken ble ikke gjenåpnet: ${err.message}`, true); }
  }

  async function eksport() {
    const k = tilstand.kjoring;
    if (!k || !krevFormal()) return;
    try {
      await A.lastNed(`/kjoringer/${k.id}/eksport?format=xlsx`, `kjoring-${k.id}.xlsx`, pf());
      A.melding(`Excel-filen for kjøring ${k.id} er lastet ned.`);
    } catch (e) { A.melding(e.message, true); }
  }

  async function vedtaksutkast() {
    const k = tilstand.kjoring;
    if (!k || !krevFormal()) return;
    $("vedtaksutkast").disabled = true;
    try {
      await A.lastNed(`/kjoringer/${k.id}/vedtaksutkast`, `vedtaksutkast-kjoring-${k.id}.zip`, pf());
      A.melding(`Vedtaksutkastene for kjøring ${k.id} er lastet ned (zip med ett Word-brev per søker).`);
    } catch (e) { A.melding(e.message, true); }
    $("vedtaksutkast").disabled = false;
  }

  document.addEventListener("DOMContentLoaded", async () => {
    if (!A.bruker || !A.harTilgang()) return;
    const idag = new Date().toLocaleDateString("nb-NO");
    $("formal").value = sessionStorage.getItem("allokering.formal") || `Tildelingsmøte ${idag}`;
    $("formal").addEventListener("change", () => sessionStorage.setItem("allokering.formal", formal()));
    $("sak").addEventListener("change", () => velgSak().catch((e) => A.melding(e.message, true)));
    $("last-demo").addEventListener("click", lastDemo);
    $("los").addEventListener("click", los);
    $("stopp").addEventListener("click", stopp);
    $("filter-institusjon").addEventListener("change", visRutenett);
    $("filter-plasstype").addEventListener("change", visRutenett);
    $("laas-skjema").addEventListener("submit", lagreLaas);
    $("endelig").addEventListener("click", endelig);
    $("bekreft-ja").addEventListener("click", bekreftEndelig);
    $("bekreft-nei").addEventListener("click", () => { $("bekreft").hidden = true; svar("endelig-status", "Ingenting er lagret."); $("endelig").focus(); });
    $("gjenapne-skjema").addEventListener("submit", gjenapne);
    $("eksport").addEventListener("click", eksport);
    $("vedtaksutkast").addEventListener("click", vedtaksutkast);
    document.addEventListener("click", (e) => {
      const s = e.target.closest("[data-s]");
      if (s) visForklaring(s.dataset.s);
    });
    $("laaser").addEventListener("submit", (e) => { e.preventDefault(); fjernLaas(e.target); });
    try { await lastSaker(); } catch (e) { A.melding(e.message, true); }
  });
})();
