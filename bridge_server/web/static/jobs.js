// Projects and jobs: folder browser, job form, live job list (Server-Sent Events).
"use strict";
const folderInput = document.getElementById("folder");
const scriptPath = document.getElementById("script-path");

async function browse(path) {
  const list = document.getElementById("browse-list");
  const info = document.getElementById("browse-info");
  let data;
  try {
    data = await rc.api("/browse" + (path ? "?path=" + encodeURIComponent(path) : ""));
  } catch (e) { info.textContent = e.message; return; }
  list.replaceChildren();
  if (data.path) folderInput.value = data.path;
  const up = data.parent || (data.path ? "" : null);
  if (up !== null) list.append(rc.el("li", {}, rc.el("button", { type: "button", class: "link", text: "⬑ up",
    onclick: () => browse(up) })));
  for (const f of data.folders) {
    list.append(rc.el("li", {}, rc.el("button", { type: "button", class: "link folder", "data-path": f.path,
      text: "▸ " + f.name, onclick: () => browse(f.path) })));
  }
  for (const s of data.scripts) {
    list.append(rc.el("li", {}, rc.el("button", { type: "button", class: "link script", "data-path": s.path,
      text: "≡ " + s.name + " (use as screenplay)", onclick: () => { scriptPath.value = s.path; rc.toast("Screenplay: " + s.name); } })));
  }
  info.textContent = data.path ? data.media.length + " media file(s) here" + (data.media.length ? ": " +
    data.media.slice(0, 8).map((m) => m.name).join(", ") + (data.media.length > 8 ? "…" : "") : "") : "Pick a folder.";
}

function readFile(file) {
  return new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => ok(r.result);
    r.onerror = () => fail(new Error(file.name + ": cannot be read"));
    r.readAsText(file);
  });
}

document.getElementById("job-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target, errBox = document.getElementById("form-error");
  errBox.textContent = "";
  const options = {
    preset: f.preset.value, favour_character: f.favour_character.value.trim() || null,
    target_duration: f.target_duration.value ? Number(f.target_duration.value) : null,
    asr_model: f.asr_model.value.trim() || "tiny.en", split_edits: f.split_edits.value || null,
    reaction_shots: f.reaction_shots.checked, show: f.show.value.trim() || null,
  };
  let script = null;
  const file = f.script_file.files[0];
  try {
    if (file) {
      const ext = file.name.split(".").pop().toLowerCase();
      script = { text: await readFile(file), format: ext === "fdx" ? "fdx" : (ext === "txt" ? "sides" : "fountain") };
    } else if (f.script_path.value.trim()) {
      script = { path: f.script_path.value.trim() };
    }
    const r = await rc.api("/jobs", { method: "POST", body: { name: f.name.value.trim() || null,
      folder: f.folder.value.trim() || null, script, options } });
    rc.toast("Job started (" + r.id.slice(0, 6) + ")");
  } catch (e) {
    errBox.textContent = e.message;
    f.folder.focus();
  }
});

function jobCard(j) {
  const pct = Math.round(j.progress * 100);
  const li = rc.el("li", { class: "job state-" + j.state, "data-id": j.id, "data-state": j.state });
  li.append(rc.el("div", { class: "job-head" },
    rc.el("strong", { text: j.name }),
    rc.el("span", { class: "badge", text: j.state }),
    rc.el("span", { class: "stage", text: j.stage + (j.eta_s ? " · about " + Math.round(j.eta_s) + " s left" : "") })));
  li.append(rc.el("progress", { max: "100", value: String(pct), "aria-label": j.name + " progress " + pct + "%" }));
  li.append(rc.el("p", { class: "msg", text: j.error ? j.error : j.message }));
  const files = rc.el("ul", { class: "files" });
  for (const a of j.assets) {
    files.append(rc.el("li", { class: "file fstate-" + a.state },
      rc.el("span", { class: "fname", text: a.name }), " ",
      rc.el("span", { class: "fstate", text: a.state + (a.seconds ? " (" + a.seconds.toFixed(1) + " s)" : "") }),
      a.error ? rc.el("span", { class: "ferror", text: " — " + a.error }) : null));
  }
  li.append(files);
  const actions = rc.el("div", { class: "actions" });
  if (j.state === "done") actions.append(rc.el("a", { class: "button primary open-review", href: "/app/jobs/" + j.id, text: "Review the cut" }));
  if (j.state === "queued" || j.state === "running") actions.append(rc.el("button", { type: "button", class: "cancel", text: "Cancel",
    onclick: async () => { try { await rc.api("/jobs/" + j.id + "/cancel", { method: "POST" }); } catch (e) { rc.toast(e.message); } } }));
  if (j.state === "failed" || j.state === "cancelled") actions.append(rc.el("button", { type: "button", class: "retry", text: "Retry",
    onclick: async () => { try { await rc.api("/jobs/" + j.id + "/retry", { method: "POST" }); rc.toast("Retrying"); } catch (e) { rc.toast(e.message); } } }));
  li.append(actions);
  return li;
}

function render(jobs) {
  const ol = document.getElementById("jobs");
  const focused = document.activeElement && document.activeElement.closest(".job");
  const keep = focused ? [focused.dataset.id, document.activeElement.className] : null;
  ol.replaceChildren(...(jobs.length ? jobs.map(jobCard) : [rc.el("li", { text: "No jobs yet." })]));
  if (keep) {
    const again = ol.querySelector('.job[data-id="' + keep[0] + '"] .' + keep[1].split(" ").join("."));
    if (again) again.focus();
  }
}

function connect() {
  const live = document.getElementById("live");
  const es = new EventSource("/app/api/events");
  es.addEventListener("jobs", (ev) => { live.textContent = "Live"; render(JSON.parse(ev.data)); });
  es.onerror = () => { live.textContent = "Reconnecting…"; };
}

browse(null);
connect();
