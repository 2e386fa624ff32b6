/* Shared helpers: the bearer token in sessionStorage, API calls, small DOM helpers, charts with table views. */
"use strict";

const Allokering = (() => {
  const NOKKEL = "allokering.token";
  const lagret = () => {
    try { return JSON.parse(sessionStorage.getItem(NOKKEL) || "null"); } catch (_) { return null; }
  };
  const bruker = lagret();

  async function loggUt() {
    // revoke the token on the server too, so a copy of it is worthless; then forget it here
    if (bruker) {
      try {
        await fetch("/auth/logg-ut", { method: "POST", headers: { Authorization: "Bearer " + bruker.token } });
      } catch (_) { /* offline or already invalid: forgetting it locally is all that is left */ }
    }
    sessionStorage.removeItem(NOKKEL);
    window.location.assign("/web/logg-inn");
  }

  function tilInnlogging() {
    sessionStorage.removeItem(NOKKEL);
    window.location.assign("/web/logg-inn?neste=" + encodeURIComponent(window.location.pathname));
  }

  class ApiFeil extends Error {
    constructor(status, tekst) { super(tekst); this.status = status; }
  }

  async function hent(sti, valg = {}) {
    const hode = { Accept: "application/json" };
    if (bruker) hode.Authorization = "Bearer " + bruker.token;
    if (valg.formal) hode["X-Formal"] = encodeURIComponent(valg.formal);  // the API decodes it (æøå)
    if (valg.hode) Object.assign(hode, valg.hode);
    let kropp = valg.kropp;
    if (kropp !== undefined && !(kropp instanceof FormData)) {
      hode["Content-Type"] = "application/json";
      kropp = JSON.stringify(kropp);
    }
    const svar = await fetch(sti, { method: valg.metode || "GET", headers: hode, body: kropp });
    if (svar.status === 401) { tilInnlogging(); throw new ApiFeil(401, "Ikke innlogget."); }
    if (!svar.ok) {
      let tekst = "Feil " + svar.status + ".";
      try {
        const j = await svar.json();
        tekst = j.detail || tekst;
        if (j.feil && j.feil.length) tekst += " " + j.feil.map((f) => `${f.felt}: ${f.melding}`).join("; ");
      } catch (_) { /* not JSON */ }
      throw new ApiFeil(svar.status, tekst);
    }
    if (valg.blob) return svar;
    return svar.status === 204 ? null : svar.json();
  }

  async function lastNed(sti, filnavn, valg = {}) {
    const svar = await hent(sti, { ...valg, blob: true });
    const blob = await svar.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filnavn;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  function melding(tekst, feil = false) {
    const m = document.getElementById("melding");
    if (!m) return;
    m.textContent = tekst;
    m.classList.toggle("feil", feil);
  }

  const esc = (x) => String(x ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  // Numbers: decimal comma and a narrow no-break space between thousands («12 345,6»).
  const tall = (x, des = 0) => (x === null || x === undefined || Number.isNaN(x)) ? "–"
    : Number(x).toLocaleString("nb-NO", { minimumFractionDigits: des, maximumFractionDigits: des }).replace(/[\u00a0 ]/g, "\u202f");
  const prosent = (x) => (x === null || x === undefined) ? "–" : tall(100 * x, 1) + "\u00a0%";
  const MND = ["jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des."];
  const UKEDAG = ["søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."];
  const somDato = (iso) => new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  /** «5. des.» in the current year, «5. des. 2025» otherwise. */
  const dato = (iso) => {
    if (!iso) return "–";
    const d = somDato(iso);
    return `${d.getDate()}. ${MND[d.getMonth()]}` + (d.getFullYear() === new Date().getFullYear() ? "" : ` ${d.getFullYear()}`);
  };
  /** «man. 5. des.» (the grid's day headings). */
  const dag = (d) => `${UKEDAG[d.getDay()]} ${d.getDate()}. ${MND[d.getMonth()]}`;

  const TJENESTER = {
    langtid: "Langtidsopphold", korttid: "Korttidsopphold", avlastning: "Avlastning", akutt: "ØHD/KØH",
    hdo: "HDO", hdou: "HDOU", omsorgsbolig_psykisk: "Omsorgsbolig psykisk helse", trygghetsbolig: "Trygghetsbolig",
    tilrettelagt_bolig: "Tilrettelagt bolig", korttidsleilighet: "Korttidsleilighet", senterleilighet: "Senterleilighet",
  };
  const tjeneste = (t) => TJENESTER[t] || String(t || "").replaceAll("_", " ");
  const UTFALL = {
    tildelt: "Tildelt", venteliste: "Venteliste", ikke_kvalifisert: "Ikke kvalifisert", mangler_opplysninger: "Mangler opplysninger",
    takket_nei: "Takket nei til tilbudet", ingen_ledig_akuttplass: "Ingen ledig akuttplass (ikke vedtak)",
  };
  const utfall = (u) => UTFALL[u] || String(u || "").replaceAll("_", " ");

  /** A table from column specs [{navn, verdi(rad), tall?}] and rows; returns HTML. */
  function tabell(kolonner, rader, tekst = "") {
    const hode = kolonner.map((k) => `<th scope="col"${k.tall ? ' class="tall"' : ""}>${esc(k.navn)}</th>`).join("");
    const kropp = rader.map((r) => "<tr>" + kolonner.map((k, i) => {
      const v = k.html ? k.html(r) : esc(k.verdi(r));
      const tag = i === 0 && k.radhode ? 'th scope="row"' : "td";
      return `<${tag}${k.tall ? ' class="tall"' : ""}>${v}</${tag.split(" ")[0]}>`;
    }).join("") + "</tr>").join("");
    // a wide table scrolls sideways in its own box (keyboard-reachable), never the whole page
    return `<div class="tabellrull" tabindex="0" role="group" aria-label="${esc(tekst || "Tabell")}"><table>${tekst ? `<caption>${esc(tekst)}</caption>` : ""}`
      + `<thead><tr>${hode}</tr></thead><tbody>${kropp}</tbody></table></div>`;
  }

  let diagramNr = 0;
  /** A chart section: heading, description, the plotly chart in a <figure>, and the same data as a table in a
   * <details> (the chart's text alternative). Returns the section element. */
  function diagram(forelder, tittel, beskrivelse, spor, oppsett, tabellHtml) {
    const nr = ++diagramNr;
    const s = document.createElement("section");
    s.className = "kort";
    s.setAttribute("aria-labelledby", `diagram-${nr}-tittel`);
    s.innerHTML = `<h2 id="diagram-${nr}-tittel">${esc(tittel)}</h2>
      <p class="hjelp" id="diagram-${nr}-besk">${esc(beskrivelse)}</p>
      <figure class="figur" aria-labelledby="diagram-${nr}-tittel" aria-describedby="diagram-${nr}-besk"><div class="diagram" id="diagram-${nr}"></div></figure>
      <details><summary>Vis tallene som tabell</summary><div class="tabellboks" tabindex="0" role="region" aria-label="Tabell: ${esc(tittel)}">${tabellHtml}</div></details>`;
    forelder.appendChild(s);
    const el = s.querySelector(".diagram");
    window.Plotly.newPlot(el, spor, {
      margin: { t: 20, r: 20, b: 60, l: 60 }, font: { family: "system-ui, sans-serif", size: 13, color: "#1a1a1a" },
      paper_bgcolor: "#fff", plot_bgcolor: "#fff", separators: ",\u202f", ...oppsett,
    }, { displaylogo: false, responsive: true, locale: "nb" });
    return s;
  }

  const TALL = /^([−-]?\d[\d\u202f\u00a0 ]*(?:,\d+)?)(?:[\u00a0 ](%|kr))?$/;
  const INTERVALL = /^(.+?) \((.+?) – (.+?)\)$/;
  /** A cell's text as {v, f}: a number (with its format: heltall, desimal1–3, prosent as a fraction, kr),
   * empty for «–», or text. */
  function celle(tekst) {
    if (tekst === "" || tekst === "–") return { v: null, f: "tekst" };
    const m = TALL.exec(tekst);
    if (!m) return { v: tekst, f: "tekst" };
    const ren = m[1].replace(/[\u202f\u00a0 ]/g, "").replace("−", "-");
    const des = ren.includes(",") ? ren.split(",")[1].length : 0;
    const v = Number(ren.replace(",", "."));
    if (m[2] === "%") return { v: v / 100, f: "prosent" };
    if (m[2] === "kr") return { v, f: "kr" };
    return { v, f: des === 0 ? "heltall" : `desimal${Math.min(3, des)}` };
  }

  /** A table's headers and cells as data: «value (low – high)» columns become three (value, lower, upper). */
  function tabellData(tab) {
    const tekst = (c) => c.innerText.replace(/[▲▼]/g, "").replace(/\s+/g, " ").trim();
    const [hode, ...kropp] = [...tab.rows].map((r) => [...r.cells].map(tekst));
    const delt = hode.map((_, j) => kropp.length > 0 && kropp.every((r) => r[j] === undefined || r[j] === "–" || INTERVALL.test(r[j])) && kropp.some((r) => INTERVALL.test(r[j] || "")));
    const kolonner = hode.flatMap((h, j) => (delt[j] ? [h, `${h}, nedre grense`, `${h}, øvre grense`] : [h]));
    const NUMMER = /^(år|uke|kjøring|sak)$/i;  // years and numbers that are names: no thousands separator
    const rader = kropp.map((r) => r.flatMap((v, j) => {
      if (!delt[j]) {
        const c = celle(v);
        return [NUMMER.test(hode[j]) && c.f === "heltall" ? { ...c, f: "nummer" } : c];
      }
      const m = INTERVALL.exec(v);
      return m ? [celle(m[1]), celle(m[2]), celle(m[3])] : [celle(v), celle(""), celle("")];
    }));
    return { kolonner, rader };
  }

  function lastNedBlob(blob, filnavn) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filnavn;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  /** «Last ned CSV» and «Last ned Excel» after every table in ``boks``. CSV: semicolon-separated, UTF-8 with BOM,
   * decimal commas, so Excel with Norwegian settings reads the numbers as numbers. Excel: a real .xlsx written by
   * the server from the table's data (numbers as numbers, with percent, kroner and decimal formats). */
  function csvKnapper(boks, prefiks) {
    boks.querySelectorAll("table").forEach((tab, i) => {
      const rull = tab.closest(".tabellrull") || tab;
      if (rull.nextElementSibling && rull.nextElementSibling.classList.contains("nedlasting")) return;
      const tittel = tab.caption ? tab.caption.textContent.trim() : `tabell ${i + 1}`;
      const slug = tittel.toLocaleLowerCase("nb").replace(/[^a-z0-9æøå]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
      const filnavn = `${prefiks}-${slug || i + 1}`;
      const gruppe = document.createElement("div");
      gruppe.className = "nedlasting";
      gruppe.setAttribute("role", "group");
      gruppe.setAttribute("aria-label", `Last ned: ${tittel}`);
      const csv = document.createElement("button");
      csv.type = "button";
      csv.className = "sekundaer csv";
      csv.textContent = "Last ned CSV";
      csv.setAttribute("aria-label", `Last ned CSV: ${tittel}`);
      csv.addEventListener("click", () => {
        const { kolonner, rader } = tabellData(tab);
        const tekst = (c) => (c.v === null ? "" : c.f === "tekst" ? String(c.v)
          : (c.f === "prosent" ? Math.round(c.v * 1e6) / 1e4 : c.v).toString().replace(".", ","));
        const felt = (v) => `"${String(v).replace(/"/g, '""')}"`;
        const ut = [kolonner.map((k, j) => (rader.some((r) => r[j] && r[j].f === "prosent") ? `${k} (%)` : k)).map(felt).join(";"),
          ...rader.map((r) => r.map((c) => felt(tekst(c))).join(";"))];
        lastNedBlob(new Blob(["\ufeff" + ut.join("\r\n")], { type: "text/csv;charset=utf-8" }), `${filnavn}.csv`);
      });
      const xlsx = document.createElement("button");
      xlsx.type = "button";
      xlsx.className = "sekundaer xlsx";
      xlsx.textContent = "Last ned Excel";
      xlsx.setAttribute("aria-label", `Last ned Excel: ${tittel}`);
      const status = document.createElement("span");
      status.className = "hjelp";
      status.setAttribute("role", "status");
      xlsx.addEventListener("click", async () => {
        xlsx.disabled = true;
        status.textContent = "Lager Excel-filen …";
        try {
          const svar = await hent("/eksport/tabell.xlsx", { metode: "POST", kropp: { tittel, ...tabellData(tab) }, blob: true });
          lastNedBlob(await svar.blob(), `${filnavn}.xlsx`);
          status.textContent = "";
        } catch (e) { status.textContent = `Excel-filen kunne ikke lages: ${e.message}`; } finally { xlsx.disabled = false; }
      });
      gruppe.append(csv, xlsx, status);
      if (rull.parentElement && rull.parentElement.classList.contains("side-om-side")) {
        // tables side by side: each keeps its buttons under it
        const par = document.createElement("div");
        rull.replaceWith(par);
        par.append(rull);
      }
      rull.after(gruppe);
    });
  }

  async function saker() {
    const ut = [];
    for (let side = 1; ; side++) {
      const s = await hent(`/saker?per_side=500&side=${side}`);
      ut.push(...s.elementer);
      if (ut.length >= s.antall || !s.elementer.length) return ut;
    }
  }

  async function sisteKjoring(sakId) {
    const k = await hent(`/kjoringer?sak_id=${sakId}&status=done&per_side=1`);
    return k.elementer[0] || null;
  }

  function fyllSaker(select, liste, valgt) {
    select.innerHTML = liste.length ? liste.map((s) =>
      `<option value="${s.id}">${esc(s.navn)} – ${esc(s.kommunenavn)} (sak ${s.id})</option>`).join("")
      : '<option value="">Ingen saker ennå</option>';
    if (valgt && liste.some((s) => String(s.id) === String(valgt))) select.value = String(valgt);
  }

  function oppsett() {
    const side = document.body.dataset.side;
    if (side !== "logg_inn" && !bruker) { tilInnlogging(); return; }
    if (bruker) {
      document.getElementById("brukernavn").textContent = `${bruker.navn} (${bruker.rolle})`;
      document.getElementById("bruker").hidden = false;
      document.getElementById("logg-ut").addEventListener("click", loggUt);
      for (const li of document.querySelectorAll("#meny li")) {
        li.hidden = !li.dataset.roller.split(" ").includes(bruker.rolle);
      }
      const roller = document.body.dataset.roller;
      if (roller && !roller.split(" ").includes(bruker.rolle)) {
        melding(`Rollen «${bruker.rolle}» har ikke tilgang til denne siden.`, true);
        document.body.dataset.ingenTilgang = "1";
        // no forms or controls outside the role: only the heading and the message stay
        for (const el of document.querySelectorAll("main > :not(h1):not(#melding)")) el.hidden = true;
      }
    }
  }

  function lagreBruker(b) { sessionStorage.setItem(NOKKEL, JSON.stringify(b)); }

  document.addEventListener("DOMContentLoaded", oppsett);
  return { bruker, hent, lastNed, melding, esc, tall, prosent, dato, dag, tjeneste, utfall, tabell, diagram, csvKnapper, saker,
    sisteKjoring, fyllSaker, lagreBruker, ApiFeil, harTilgang: () => !document.body.dataset.ingenTilgang };
})();
