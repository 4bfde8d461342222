// Social cut-downs (issue 19) on the review page: lengths x aspects -> files to download.
// Calls /app/api/jobs/{id}/cutdown (bridge_server/routes_cutdown.py); the cut-down is made from
// the job's generated cut (roughcut.otio), not from edits made on this page.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("cutdown");
  if (!box) return;
  const job = box.dataset.job;
  const state = document.getElementById("cutdown-state");
  const list = document.getElementById("cutdown-files");
  const button = document.getElementById("cutdown-start");
  const labels = { otio: "OTIO", plan: "host plan", srt: "SRT", vtt: "WebVTT", preview: "preview MP4" };

  function show(st) {
    list.replaceChildren();
    if (st.state === "running") state.textContent = "Making the cut-downs…";
    else if (st.state === "failed") state.textContent = "Failed: " + (st.error || "unknown error");
    else if (st.state === "done") state.textContent = st.outputs.length + " cut-down(s) ready.";
    else state.textContent = "";
    for (const o of st.outputs || []) {
      const links = Object.entries(o.urls || {}).map(([k, url]) =>
        rc.el("a", { class: "button", href: url, download: true, text: labels[k] || k }));
      const warn = (o.warnings || []).join("; ");
      list.append(rc.el("li", { class: "cutdown-output" },
        rc.el("strong", { text: o.target_seconds + " s " + o.aspect + " (" + o.seconds.toFixed(1) + " s) " }),
        ...links, warn ? rc.el("span", { class: "hint", text: " " + warn }) : null));
    }
    button.disabled = st.state === "running";
  }

  async function poll() {
    try {
      const st = await rc.api("/jobs/" + job + "/cutdown");
      show(st);
      if (st.state === "running") setTimeout(poll, 1000);
    } catch (e) { if (e.status !== 409) state.textContent = e.message; }
  }

  document.getElementById("cutdown-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const durations = document.getElementById("cd-durations").value.split(/[ ,]+/).filter(Boolean).map(Number);
    const aspects = [...document.querySelectorAll("input[name=cd-aspect]:checked")].map((i) => i.value);
    if (!durations.length || durations.some((d) => !(d >= 1)) || !aspects.length) {
      state.textContent = "Give at least one length in seconds and one aspect.";
      return;
    }
    try {
      await rc.api("/jobs/" + job + "/cutdown", { method: "POST", body: { durations, aspects, preview: true } });
      poll();
    } catch (e) { state.textContent = e.message; }
  });
  poll();
});
