// Review: proxy player, timeline strip, script with takes; swap / drop regenerate the cut.
"use strict";
const jobId = document.getElementById("review").dataset.job;
const player = document.getElementById("player");
let cut = null, selected = 0, lastAlt = null, proxyVersion = null, pollTimer = null;

const PALETTE = ["#1f5fa8", "#a8431f", "#2e7d32", "#6a3fa0", "#8a6d00", "#00707a", "#a01f5f", "#4d5b00"];
function setupColour(setup) {
  if (!setup || setup === "gap") return "#555";
  let h = 0;
  for (const ch of setup) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function renderStrip() {
  const strip = document.getElementById("strip");
  strip.replaceChildren();
  const total = cut.duration || 1;
  for (const d of cut.strip) {
    const w = Math.max(0.5, (100 * d.duration) / total);
    const item = rc.el("button", { type: "button", class: "clip" + (d.track === 2 ? " cutaway" : "") + (d.gap ? " gap" : ""),
      "data-line": d.line_id || "", title: (d.take_id || "gap") + " · " + (d.setup || ""),
      "aria-label": (d.line_id ? "line " + d.line_id + ", " : "cutaway, ") + (d.take_id || "missing") + ", " + (d.setup || "") +
        " at " + rc.fmtTime(d.start), onclick: () => seek(d.start) });
    item.style.width = w + "%";
    item.style.left = (100 * d.start) / total + "%";
    item.style.background = setupColour(d.setup);
    if (!d.gap && d.track === 1) item.append(rc.el("img", { src: "/app/api/jobs/" + jobId + "/thumb/" + d.id + ".jpg", alt: "", loading: "lazy" }));
    item.append(rc.el("span", { text: d.setup || "gap" }));
    strip.append(item);
  }
}

// Camera-motion and sound-event lanes under the strip, on the same time scale (issue 20).
const LANE_COLOURS = { static: "#3d7a5a", handheld: "#b5482f", complex: "#8a4a78", speech: "#2f6fa0", music: "#6a3fa0",
  laughter: "#8a6d00", applause: "#a8631f", silence: "#555", noise: "#6b5d4f" };
function renderLanes() {
  const strip = document.getElementById("strip");
  let box = document.getElementById("lanes");
  if (!box) {
    box = rc.el("div", { id: "lanes", role: "group", "aria-label": "Camera motion and sound events along the cut" });
    strip.after(box);
  }
  box.replaceChildren();
  const total = cut.duration || 1;
  for (const lane of cut.lanes || []) {
    const row = rc.el("div", { class: "lane", "data-lane": lane.name, title: lane.name });
    row.style.cssText = "position:relative;height:16px;width:640px;margin:2px 0;background:#eee;overflow:hidden";
    for (const sg of lane.segments) {
      const b = rc.el("span", { text: sg.label, title: lane.name + ": " + (sg.detail || sg.label) + " at " + rc.fmtTime(sg.start) });
      b.style.cssText = "position:absolute;top:0;height:16px;font-size:10px;line-height:16px;color:#fff;overflow:hidden;" +
        "white-space:nowrap;border-right:1px solid #fff;padding-left:2px;box-sizing:border-box;background:" +
        (LANE_COLOURS[sg.label] || (/^(pan|tilt|zoom)/.test(sg.label) ? "#00707a" : "#777"));
      b.style.left = (100 * sg.start) / total + "%";
      b.style.width = Math.max(0.3, (100 * sg.duration) / total) + "%";
      row.append(b);
    }
    box.append(rc.el("div", { class: "hint", text: lane.name }), row);
  }
  if ((cut.notes || []).length) {
    box.append(rc.el("ul", { class: "notes" }, ...cut.notes.map((n) =>
      rc.el("li", { text: rc.fmtTime(n.t) + " " + n.name + ": " + n.note }))));
  }
}

function bar(score) {
  const pct = Math.max(0, Math.min(100, Math.round((score || 0) * 100)));
  const b = rc.el("span", { class: "score", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100",
    "aria-valuenow": String(pct), "aria-label": "score " + pct });
  const fill = rc.el("span", { class: "fill" });
  fill.style.width = pct + "%";
  b.append(fill, rc.el("span", { class: "val", text: (score || 0).toFixed(2) }));
  return b;
}

function renderLines() {
  const ol = document.getElementById("lines");
  ol.replaceChildren();
  cut.lines.forEach((l, i) => {
    const li = rc.el("li", { class: "line" + (i === selected ? " selected" : "") + (l.dropped ? " dropped" : "") + (l.missing ? " missing" : ""),
      "data-line": l.id, tabindex: "-1", "aria-current": i === selected ? "true" : null });
    li.addEventListener("click", (ev) => { if (ev.target.closest("button,video,a")) return; select(i, true); });
    const head = rc.el("div", { class: "line-head" },
      rc.el("button", { type: "button", class: "link seek", text: l.id, "aria-label": "play line " + l.id + " in the cut",
        disabled: l.start === null ? true : null, onclick: () => { select(i, false); seek(l.start); } }),
      rc.el("strong", { text: l.character || "" }),
      rc.el("span", { class: "take", text: l.dropped ? "dropped" : (l.take_id ? l.take_id + " · " + (l.setup || "") : "no usable take") }),
      l.score !== null ? bar(l.score) : null);
    li.append(head, rc.el("p", { class: "dialogue", text: l.text }));
    if (l.reasons.length) li.append(rc.el("p", { class: "reasons", text: l.reasons.join("; ") }));
    const sig = Object.entries(l.signals || {}).filter(([k, v]) => typeof v === "number").slice(0, 10)
      .map(([k, v]) => k + " " + (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2))).join(" · ");
    if (sig) li.append(rc.el("p", { class: "signals", text: "signals: " + sig }));
    const alts = rc.el("ol", { class: "alts", "aria-label": "takes for line " + l.id });
    l.alternates.forEach((a, n) => {
      const using = l.current === a.index && !l.dropped;
      alts.append(rc.el("li", { class: "alt" + (using ? " using" : ""), "data-index": String(a.index) },
        rc.el("span", { class: "num", text: String(n + 1) }),
        rc.el("span", { class: "take", text: a.take_id + " · " + (a.setup || "") }), bar(a.score),
        rc.el("button", { type: "button", class: "play-alt", text: "▶ play", "aria-label": "play take " + a.take_id + " for line " + l.id,
          onclick: () => playAlt(i, a.index) }),
        using ? rc.el("span", { class: "badge", text: "in the cut" }) :
          rc.el("button", { type: "button", class: "use-alt", text: "Use this take", "aria-label": "use take " + a.take_id + " for line " + l.id,
            onclick: () => swap(l.id, a.index) }),
        rc.el("span", { class: "why", text: (a.why || []).join("; ") })));
    });
    li.append(alts);
    li.append(rc.el("button", { type: "button", class: "drop", text: l.dropped ? "Restore line" : "Drop line",
      onclick: () => drop(l.id, !l.dropped) }));
    ol.append(li);
  });
}

function renderCoverage() {
  const c = cut.coverage || {}, box = document.getElementById("coverage");
  const items = [
    (c.lines_in_cut ?? "?") + " of " + (c.lines ?? "?") + " lines in the cut",
    "never captured: " + ((c.lines_never_captured || []).join(", ") || "none"),
    "without an acceptable reading: " + ((c.lines_without_acceptable_reading || []).join(", ") || "none"),
    "missing setups: " + ((c.setups_missing || []).join("; ") || "none"),
  ].concat(cut.warnings || []);
  box.replaceChildren(rc.el("ul", {}, ...items.map((t) => rc.el("li", { text: t }))));
}

function show(data, note) {
  cut = data;
  document.getElementById("cut-name").textContent = cut.name;
  renderStrip(); renderLines(); renderCoverage();
  try { renderLanes(); } catch (err) { console.warn("analysis lanes not shown", err); }
  if (note) document.getElementById("regen").textContent = note;
  trackProxy(cut.proxy);
}

function trackProxy(st) {
  const label = document.getElementById("proxy-state");
  clearTimeout(pollTimer);
  if (st.state === "ready") {
    if (proxyVersion !== st.version) {
      const t = player.currentTime || 0;
      proxyVersion = st.version;
      player.src = "/app/api/jobs/" + jobId + "/proxy.mp4?v=" + st.version;
      player.dataset.version = String(st.version);
      player.addEventListener("loadedmetadata", () => { if (t) player.currentTime = Math.min(t, player.duration || t); }, { once: true });
    }
    label.textContent = "Proxy of edit version " + st.version + " ready.";
    return;
  }
  if (st.state === "failed") { label.textContent = "Proxy render failed: " + st.error; return; }
  label.textContent = "Rendering the proxy of edit version " + st.version + "…";
  pollTimer = setTimeout(async () => {
    try { trackProxy(await rc.api("/jobs/" + jobId + "/proxy")); } catch (e) { label.textContent = e.message; }
  }, 700);
}

function seek(t) {
  if (t === null || t === undefined) return;
  if (!player.src) { rc.toast("The proxy is still rendering"); return; }
  player.currentTime = t + 0.01;
  player.play().catch(() => {});
}

function select(i, focus) {
  selected = Math.max(0, Math.min(cut.lines.length - 1, i));
  document.querySelectorAll(".line").forEach((el, n) => {
    el.classList.toggle("selected", n === selected);
    if (n === selected) el.setAttribute("aria-current", "true"); else el.removeAttribute("aria-current");
  });
  const el = document.querySelectorAll(".line")[selected];
  if (el) { el.scrollIntoView({ block: "nearest" }); if (focus) el.focus({ preventScroll: true }); }
}

function playAlt(i, index) {
  const l = cut.lines[i];
  select(i, false);
  lastAlt = { line: l.id, index };
  const li = document.querySelector('.line[data-line="' + CSS.escape(l.id) + '"] .alt[data-index="' + index + '"]');
  document.querySelectorAll("video.inplace").forEach((v) => v.remove());
  player.pause();
  const v = rc.el("video", { class: "inplace", controls: true, autoplay: true, width: "320", height: "180",
    src: "/app/api/jobs/" + jobId + "/alt/" + encodeURIComponent(l.id) + "/" + index + ".mp4",
    "aria-label": "take " + l.alternates[index].take_id + " for line " + l.id });
  v.addEventListener("error", () => rc.toast("This take cannot be played"));
  if (li) li.append(v);
}

async function swap(lineId, index) {
  try {
    const t0 = performance.now();
    const data = await rc.api("/jobs/" + jobId + "/swap", { method: "POST", body: { line_id: lineId, index } });
    show(data, "Cut regenerated in " + data.regen_ms + " ms on the bridge (" + Math.round(performance.now() - t0) + " ms round trip); edit version " + data.version + ".");
    rc.toast("Line " + lineId + " now uses take " + (index + 1));
  } catch (e) { rc.toast(e.message); }
}

async function drop(lineId, dropped) {
  try {
    const data = await rc.api("/jobs/" + jobId + "/drop", { method: "POST", body: { line_id: lineId, dropped } });
    show(data, "Cut regenerated in " + data.regen_ms + " ms; edit version " + data.version + ".");
  } catch (e) { rc.toast(e.message); }
}

document.getElementById("reset-edits").addEventListener("click", async () => {
  try { show(await rc.api("/jobs/" + jobId + "/reset-edits", { method: "POST" }), "All edits undone."); } catch (e) { rc.toast(e.message); }
});

document.addEventListener("keydown", (ev) => {
  if (!cut || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const tag = (ev.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  const k = ev.key.toLowerCase();
  if (k === "k") { player.pause(); }
  else if (k === "l") { if (player.paused) player.play().catch(() => {}); else player.playbackRate = Math.min(4, player.playbackRate * 2); }
  else if (k === "j") { player.playbackRate = 1; player.currentTime = Math.max(0, player.currentTime - 2); }
  else if (ev.key === "ArrowDown") { select(selected + 1, true); const l = cut.lines[selected]; if (l.start !== null && player.src) player.currentTime = l.start + 0.01; }
  else if (ev.key === "ArrowUp") { select(selected - 1, true); const l = cut.lines[selected]; if (l.start !== null && player.src) player.currentTime = l.start + 0.01; }
  else if (/^[1-9]$/.test(ev.key)) { const n = Number(ev.key) - 1; if (n < cut.lines[selected].alternates.length) playAlt(selected, n); }
  else if (k === "s" && lastAlt) { swap(lastAlt.line, lastAlt.index); }
  else if (k === "d") { const l = cut.lines[selected]; drop(l.id, !l.dropped); }
  else return;
  ev.preventDefault();
});

(async () => {
  document.getElementById("proxy-state").textContent = "Loading the cut (the first time takes a few seconds)…";
  try { show(await rc.api("/jobs/" + jobId + "/cut")); } catch (e) { document.getElementById("proxy-state").textContent = e.message; }
})();
