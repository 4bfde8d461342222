/*
 * The UXP panel's flow without the DOM (main.js wires it to the page; tests drive it in node):
 *   selection → readBinUxp → checks (offline, mixed rates) → bridge found (bridge.json) →
 *   POST /v1/jobs {media, script, options, name} → progress (polls GET /v1/jobs/{id}) →
 *   GET /v1/jobs/{id}/plan → applyPlanUxp → summary lines.
 * Every failure is one clear sentence (an Error) and builds nothing.
 *
 * The bridge: `roughcut serve` writes bridge.json {url, token} in the user config folder
 * (platformdirs: macOS ~/Library/Application Support/roughcut, Windows
 * %LOCALAPPDATA%\roughcut\roughcut, Linux $XDG_CONFIG_HOME/roughcut). A UXP plugin cannot
 * start processes, so when no bridge answers the panel asks the editor to start it
 * (`roughcut serve`) instead of starting it the way the CEP panel does.
 *
 * deps: {ppro, fetch, readTextFile(path) → Promise<string>, platform, homedir, env, pollMs}
 */
'use strict';

const { readBinUxp } = require('./read_bin_uxp.js');
const { applyPlanUxp } = require('./apply_uxp.js');

function bridgeFileCandidates({ platform, homedir, env }) {
  const e = env || {}, home = homedir || e.HOME || e.USERPROFILE || '', out = [];
  if (e.ROUGHCUT_BRIDGE_HOME) out.push(`${e.ROUGHCUT_BRIDGE_HOME}/config/bridge.json`);
  if (platform === 'darwin') out.push(`${home}/Library/Application Support/roughcut/bridge.json`);
  else if (platform === 'win32') out.push(`${e.LOCALAPPDATA || `${home}\\AppData\\Local`}\\roughcut\\roughcut\\bridge.json`);
  else out.push(`${e.XDG_CONFIG_HOME || `${home}/.config`}/roughcut/bridge.json`);
  return out;
}

function rateLabel(r) { return !r ? 'unknown rate' : r[1] === 1 ? `${r[0]} fps` : `${(r[0] / r[1]).toFixed(3)} fps`; }

function makeFlow(deps) {
  const { ppro, fetch } = deps;
  const pollMs = deps.pollMs || 500;

  async function readBin() {
    const bin = await readBinUxp(ppro);
    if (!bin.ok) throw new Error(bin.error);
    const offline = bin.clips.filter((c) => c.offline);
    if (offline.length) {
      throw new Error(`Offline media: ${offline.map((c) => c.name).join(', ')}. Relink or remove these clips from the selection, then try again.`);
    }
    if (bin.rates.length > 1) {
      const by = {};
      for (const c of bin.clips) (by[rateLabel(c.rate)] = by[rateLabel(c.rate)] || []).push(c.name);
      throw new Error(`The selection mixes frame rates (${Object.entries(by).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')}). Select clips of one frame rate.`);
    }
    return { clips: bin.clips, summary: `${bin.clips.length} clips, ${rateLabel(bin.clips[0].rate)}${bin.bins.length ? ` (bin ${bin.bins.join(', ')})` : ''}` };
  }

  async function request(bridge, method, path, body) {
    const init = { method, headers: { Authorization: `Bearer ${bridge.token}` } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    let resp;
    try { resp = await fetch(bridge.url + path, init); } catch (e) {
      throw new Error(`the roughcut bridge at ${bridge.url} is not reachable (${e.message})`);
    }
    const text = await resp.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
    if (!resp.ok) {
      let d = data && (data.detail !== undefined ? data.detail : data.error);
      if (Array.isArray(d)) d = d.map((x) => `${(x.loc || []).join('.')}: ${x.msg}`).join('; ');
      else if (d && typeof d === 'object') d = d.error || JSON.stringify(d);
      throw new Error(`bridge answered ${resp.status}${d ? `: ${d}` : ''}`);
    }
    return data;
  }

  async function connect() {
    for (const file of bridgeFileCandidates(deps)) {
      let info;
      try { info = JSON.parse(await deps.readTextFile(file)); } catch (e) { continue; }
      if (!info || !info.url || !info.token) continue;
      const url = String(info.url).replace(/\/+$/, '');
      try { if ((await fetch(`${url}/v1/ping`)).ok) return { url, token: info.token }; } catch (e) { /* stale bridge.json */ }
    }
    throw new Error('The roughcut bridge is not running. Start it with `roughcut serve` (a UXP panel cannot start programs), then click Generate again.');
  }

  function jobRequest(clips, form) {
    const script = String(form.scriptPath || '').trim();
    if (!script) throw new Error('Choose the screenplay (.fountain, .fdx, .pdf or sides .txt) first.');
    const options = { preset: form.preset || 'performance', picture: form.picture !== false };
    if (form.favour && String(form.favour).trim()) options.favour_character = String(form.favour).trim();
    if (form.targetDuration !== undefined && String(form.targetDuration).trim() !== '') {
      const seconds = Number(form.targetDuration);
      if (!(seconds > 0)) throw new Error('Target duration must be a number of seconds above 0.');
      options.target_duration = seconds;
    }
    return { media: clips.map((c) => (c.rate ? { path: c.path, host_id: c.host_id, rate: c.rate } : { path: c.path, host_id: c.host_id })),
      script: { path: script }, options, name: `Premiere ${new Date().toISOString().slice(0, 16).replace('T', ' ')}` };
  }

  async function follow(bridge, id, onProgress) {
    for (;;) {
      const s = await request(bridge, 'GET', `/v1/jobs/${encodeURIComponent(id)}`);
      onProgress(s);
      if (s.state === 'done' || s.state === 'failed' || s.state === 'cancelled') return s;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /* The whole Generate click; resolves with {jobId, summary, lines}; rejects with one sentence. */
  async function generate(clips, form, onProgress, onJob) {
    const body = jobRequest(clips, form);
    const bridge = await connect();
    onProgress({ stage: 'Submitting…', progress: 0 });
    const created = await request(bridge, 'POST', '/v1/jobs', body);
    if (onJob) onJob(created.id, bridge);
    const final = await follow(bridge, created.id, onProgress);
    if (final.state !== 'done') throw new Error(`The job ${final.state}${final.error ? `: ${final.error}` : ''}. Nothing was built.`);
    onProgress({ stage: 'Building the sequence…', progress: 1 });
    const plan = await request(bridge, 'GET', `/v1/jobs/${encodeURIComponent(created.id)}/plan`);
    if (!plan.items || !plan.items.length) {
      throw new Error(`The cut has no usable takes for this screenplay${plan.warnings && plan.warnings.length ? ` (${plan.warnings.slice(0, 3).join('; ')})` : ''}. Nothing was built.`);
    }
    const summary = await applyPlanUxp(ppro, plan);
    if (!summary.ok) {
      throw new Error(summary.error + (summary.problems && summary.problems.length > 1 ? ` (${summary.problems.slice(1, 4).join('; ')})` : ''));
    }
    const lines = [`Built “${summary.sequence.name}”: ${summary.placed} clips, ${summary.alternates} alternates (disabled, tracks above), ${summary.markers} markers.`];
    if (typeof plan.coverage === 'number') lines.push(`Line coverage ${Math.round(plan.coverage * 100)}%.`);
    for (const m of summary.mismatches) lines.push(`Check: ${m}`);
    for (const m of summary.skipped) lines.push(`Skipped: ${m}`);
    for (const m of summary.warnings) lines.push(`Note: ${m}`);
    return { jobId: created.id, summary, lines };
  }

  return { readBin, connect, jobRequest, generate };
}

/* 25.6 and later run this UXP panel; older versions get the CEP panel (hosts/premiere_cep). */
function uxpSupported(version) {
  const [major, minor] = String(version || '0').split('.').map((x) => parseInt(x, 10) || 0);
  return major > 25 || (major === 25 && minor >= 6);
}

module.exports = { makeFlow, bridgeFileCandidates, uxpSupported, rateLabel };
