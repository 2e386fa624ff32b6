/* Text contrast from computed styles, run by tests/web/conftest.py (Side.axe) after axe-core. */
(axeUavklart) => {
  // Contrast of every visible text from computed styles (WCAG 2.1 1.4.3): the text colour (with its alpha and the
  // ancestors' opacity) over the backgrounds of the element and its ancestors composited from the page up; a text
  // with a background image under it, or with a translucent element on top of it, cannot be decided and fails.
  const tall = (c) => { const m = /rgba?\(([^)]+)\)/.exec(c || ""); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map((x) => (x.endsWith("%") ? parseFloat(x) / 100 : Number(x)));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (a, b) => [0, 1, 2].map((i) => a[i] * a[3] + b[i] * (1 - a[3])).concat([1]);
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const forhold = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  function bakgrunn(el) {
    const lag = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage && cs.backgroundImage !== "none") return null;
      const c = tall(cs.backgroundColor);
      if (c && c[3] > 0) { lag.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = lag.length - 1; i >= 0; i--) bg = over(lag[i], bg);
    return bg;
  }
  function opasitet(el) { let o = 1; for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; }
  const sjekket = new Set();
  const feil = [];
  let antall = 0, skjult = 0;
  const alle = document.body.querySelectorAll("*");
  for (const el of alle) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TITLE", "OPTION"].includes(el.tagName)) continue;
    const tekstnoder = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
    if (!tekstnoder.length) continue;
    const cs = getComputedStyle(el);
    const r = document.createRange();
    r.selectNodeContents(tekstnoder[0]);
    const boks = r.getBoundingClientRect();
    if (cs.visibility !== "visible" || !el.getClientRects().length || boks.width <= 1 || boks.height <= 1) { skjult++; continue; }
    if (el.closest("[aria-hidden=true]") && !el.closest("svg")) { skjult++; continue; }
    if (el.closest("button:disabled, input:disabled, select:disabled")) { skjult++; continue; }  // inactive: exempt
    const svg = el instanceof SVGElement;
    const farge = tall(svg ? cs.fill : cs.color);
    if (!farge) { feil.push({ tekst: el.textContent.trim().slice(0, 40), grunn: "ukjent tekstfarge " + (svg ? cs.fill : cs.color) }); continue; }
    const o = opasitet(el) * (svg ? Number(cs.fillOpacity || 1) : 1);
    if (o === 0) { skjult++; continue; }
    let bg = bakgrunn(el);
    if (bg && svg) {
      // SVG text (the charts): the filled shapes painted before it (earlier in the document) under its centre, in
      // painting order, over the chart's CSS background
      const cx = boks.left + boks.width / 2, cy = boks.top + boks.height / 2;
      const figur = el.closest(".js-plotly-plot") || el.ownerSVGElement;
      for (const f of figur ? figur.querySelectorAll("rect, path, circle, polygon") : []) {
        if (!(el.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_PRECEDING) || f.contains(el)) continue;
        const fs = getComputedStyle(f);
        const c = tall(fs.fill);
        if (!c || fs.display === "none" || fs.visibility !== "visible") continue;
        const a = c[3] * Number(fs.fillOpacity || 1) * opasitet(f);
        if (a <= 0) continue;
        const rb = f.getBoundingClientRect();
        if (cx < rb.left || cx > rb.right || cy < rb.top || cy > rb.bottom) continue;
        bg = over([c[0], c[1], c[2], a], bg);
      }
    }
    const navn = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""}`;
    if (!bg) { feil.push({ el: navn, tekst: el.textContent.trim().slice(0, 40), grunn: "bakgrunnsbilde" }); continue; }
    // something drawn on top of the text (in the viewport): opaque hides it; translucent cannot be decided
    const x = boks.left + boks.width / 2, y = boks.top + boks.height / 2;
    if (x >= 0 && y >= 0 && x < innerWidth && y < innerHeight) {
      const stabel = document.elementsFromPoint(x, y);
      const i = stabel.findIndex((e) => e === el || el.contains(e));
      const over_ = i < 0 ? [] : stabel.slice(0, i).filter((e) => !e.contains(el));
      const gjennomsiktig = over_.filter((e) => { const c = tall(getComputedStyle(e).backgroundColor); return c && c[3] > 0 && c[3] < 1; });
      if (gjennomsiktig.length) { feil.push({ el: navn, tekst: el.textContent.trim().slice(0, 40), grunn: "gjennomsiktig element over teksten" }); continue; }
      if (i > 0 && over_.some((e) => { const c = tall(getComputedStyle(e).backgroundColor); return c && c[3] >= 1; })) { skjult++; sjekket.add(el); continue; }
    }
    const fg = over([farge[0], farge[1], farge[2], farge[3] * o], bg);
    const px = parseFloat(cs.fontSize), vekt = Number(cs.fontWeight) || 400;
    const stor = px >= 24 || (px >= 18.66 && vekt >= 700);
    const k = forhold(fg, bg);
    antall++;
    sjekket.add(el);
    if (k < (stor ? 3 : 4.5) - 1e-6) feil.push({ el: navn, tekst: el.textContent.trim().slice(0, 40), kontrast: Math.round(k * 100) / 100, krav: stor ? 3 : 4.5, farge: cs.color, bakgrunn: `rgb(${bg.slice(0, 3).map(Math.round).join(",")})` });
  }
  // every element axe could not decide is one this check decided (it, or the texts inside it)
  let uavklartDekket = 0;
  const ikkeDekket = [];
  for (const mål of axeUavklart) {
    const el = document.querySelector(mål);
    if (!el) { ikkeDekket.push(mål + " (finnes ikke)"); continue; }
    if (sjekket.has(el) || [...el.querySelectorAll("*")].some((e) => sjekket.has(e))) uavklartDekket++;
    else ikkeDekket.push(mål);
  }
  return { antall, skjult, feil, uavklartDekket, ikkeDekket };
}
