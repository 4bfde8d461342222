'use strict';
/*
 * Applies one host plan (a search-results plan from roughcut_core.search.hostplan) with our
 * Premiere adapters inside the strict shared fakes (../shared/hosts), and reads the result back
 * tick-exactly. Used by tests/test_search_premiere.py.
 *
 * usage: node premiere_search_plan.js PLAN.json MEDIA.json (jsx|uxp) [NODE_MODULES_DIR]
 *   MEDIA.json: [{path, rate: [num, den], frames, start_frame, video: bool}]
 * stdout: one JSON object {ok, problems: [...], items, markers, sequence, notes}; `problems`
 * lists every difference from the plan (item position, in/out points, duration, audio/video
 * kind, markers) and every call the fake flagged (unknown members, protocol misuse, dialogs).
 */
const fs = require('fs');
const path = require('path');
const Module = require('module');

const ROOT = path.resolve(__dirname, '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'hosts');

function checkSequence(seq, plan, tpfOf, problems) {
  const tpf = tpfOf(plan.timeline.rate);
  if (seq.name !== plan.timeline.name) problems.push(`sequence named ${JSON.stringify(seq.name)}, want ${JSON.stringify(plan.timeline.name)}`);
  if (seq.timebase !== tpf.toString()) problems.push(`sequence timebase ${seq.timebase}, want ${tpf}`);
  const placed = { video: 0, audio: 0 };
  for (const it of plan.items) {
    const kind = it.media_type || 'both';
    const start = (BigInt(it.rec_in) * tpf).toString();
    const st = tpfOf(it.rate);
    const len = BigInt(it.src_out - it.src_in);
    const want = { inPoint: (BigInt(it.src_in) * st).toString(), outPoint: (BigInt(it.src_out) * st).toString() };
    const find = (tracks, idx) => ((tracks[idx - 1] || { items: [] }).items).find((x) => x.start === start && x.mediaPath === it.media.path);
    const video = find(seq.video, it.video_track || 1);
    const audio = find(seq.audio, it.audio_track || 1);
    const main = kind === 'audio' ? audio : video;
    if (!main) { problems.push(`${it.id}: no ${kind === 'audio' ? 'audio' : 'video'} item of ${path.basename(it.media.path)} at frame ${it.rec_in}`); continue; }
    for (const [k, v] of Object.entries(want)) if (main[k] !== v) problems.push(`${it.id}: ${k} ${main[k]}, want ${v}`);
    if (BigInt(main.end) - BigInt(main.start) !== len * tpf) problems.push(`${it.id}: duration ${BigInt(main.end) - BigInt(main.start)} ticks, want ${len * tpf}`);
    if (kind === 'both' && !(audio && audio.inPoint === main.inPoint && audio.outPoint === main.outPoint)) problems.push(`${it.id}: audio item missing or not the video's range`);
    if (kind === 'audio' && video) problems.push(`${it.id}: a video item for a sound-only file`);
    if (video) placed.video += 1;
    if (audio) placed.audio += 1;
    for (const mk of it.markers || []) {
      const at = (BigInt(it.rec_in + mk.frame) * tpf).toString();
      const ok = seq.markers.some((m) => m.start === at && m.name === mk.name && m.comments === mk.note);
      if (!ok) problems.push(`${it.id}: no marker ${JSON.stringify(mk.name)} / ${JSON.stringify(mk.note)} at frame ${it.rec_in + mk.frame}; have ${JSON.stringify(seq.markers.map((m) => [m.start, m.name, m.comments]))}`);
    }
  }
  const total = (tracks) => tracks.reduce((n, t) => n + t.items.length, 0);
  if (total(seq.video) !== placed.video || total(seq.audio) !== placed.audio) problems.push(`unexpected items: ${total(seq.video)} video / ${total(seq.audio)} audio in the sequence, ${placed.video} / ${placed.audio} expected`);
  return { items: total(seq.video) + total(seq.audio), markers: seq.markers.map((m) => [Number(BigInt(m.start) / tpf), m.name, m.comments]) };
}

function runJsx(plan, media, nodeModules) {
  const fp = require(path.join(SHARED, 'fake_premiere.js'));
  if (!fp.loadAcorn(nodeModules ? [nodeModules] : [])) return { ok: false, problems: [fp.acornInstallHint()] };
  const fake = fp.makePremiere({
    media: media.map((m) => ({ path: m.path, fps: m.rate, frames: m.frames, start_tc: fp.framesToTc(m.start_frame, fp.toRate(m.rate)),
                               width: 1920, height: 1080, audio_ch: 2, audio_only: !m.video })),
    selection: 'bin',
  });
  const problems = [];
  const load = fake.loadJsx(path.join(ROOT, 'hosts', 'premiere_cep', 'jsx', 'roughcut.jsx'));
  if (!load.ok) return { ok: false, problems: ['roughcut.jsx does not load: ' + String(load.error)] };
  const before = fake.dump();
  fake.resetLogs();
  const literal = JSON.stringify(JSON.stringify(plan)).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const out = fake.evalScript('roughcut_applyPlan(' + literal + ')');
  let summary = null;
  try { summary = JSON.parse(out); } catch (e) { problems.push('roughcut_applyPlan: ' + out + ' ' + fp.describeError(fake.lastError)); }
  const after = fake.dump();
  const known = new Set(before.sequences.map((s) => s.sequenceID));
  const fresh = after.sequences.filter((s) => !known.has(s.sequenceID));
  if (fresh.length !== 1) return { ok: false, problems: problems.concat([`${fresh.length} new sequences`]), summary };
  const tpfOf = (r) => fp.ticksPerFrame(fp.toRate(r));
  const counts = checkSequence(fresh[0], plan, tpfOf, problems);
  for (const u of fake.log.unknown) problems.push(`unknown DOM member ${u.object}.${u.member} (${u.how})`);
  for (const p of fake.log.protocol) problems.push(`protocol: ${p}`);
  for (const d of fake.log.dialogs) problems.push(`dialog: ${d}`);
  return { ok: !problems.length, problems, summary, sequence: fresh[0].name, notes: fake.log.notes.slice(0, 10), ...counts };
}

async function runUxp(plan, media) {
  const fpu = require(path.join(SHARED, 'fake_premiere_uxp.js'));
  const fake = fpu.makePremiereUxp({ version: '26.3', rate: plan.timeline.rate,
                                     media: media.map((m) => ({ path: m.path, frames: m.frames, rate: m.rate, video: !!m.video })) });
  // require("premierepro") / require("uxp") inside the plugin resolve to the fake (as the shared checker does)
  const shims = { premierepro: fake.ppro, uxp: { storage: { localFileSystem: {} }, entrypoints: { setup() {} }, host: { name: 'premierepro', version: '26.3.0' } } };
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (Object.prototype.hasOwnProperty.call(shims, request)) return `/__shim__/${request}.js`;
    return orig.call(this, request, parent, ...rest);
  };
  for (const [name, exp] of Object.entries(shims)) {
    const m = new Module(`/__shim__/${name}.js`, null);
    m.filename = `/__shim__/${name}.js`; m.loaded = true; m.exports = exp;
    require.cache[m.filename] = m;
  }
  const { applyPlanUxp } = require(path.join(ROOT, 'hosts', 'premiere_uxp', 'apply_uxp.js'));
  const before = fake.dump();
  fake.resetLogs();
  const problems = [];
  let result;
  try { result = await applyPlanUxp(fake.ppro, plan); } catch (e) { problems.push('applyPlanUxp threw: ' + String(e && e.stack || e).split('\n')[0]); }
  if (result && result.ok === false) problems.push('applyPlanUxp: ' + JSON.stringify(result).slice(0, 400));
  const after = fake.dump();
  const known = new Set(before.sequences.map((s) => s.guid));
  const fresh = after.sequences.filter((s) => !known.has(s.guid));
  if (fresh.length !== 1) return { ok: false, problems: problems.concat([`${fresh.length} new sequences`]) };
  const counts = checkSequence(fresh[0], plan, (r) => fpu.tpfOfRate(r), problems);
  for (const u of fake.log.unknown) problems.push(`unknown member ${JSON.stringify(u)}`);
  for (const p of fake.log.protocol) problems.push(`protocol: ${p}`);
  for (const p of fake.log.misuse) problems.push(`misuse: ${p}`);
  return { ok: !problems.length, problems, sequence: fresh[0].name, notes: fake.log.notes.slice(0, 10), ...counts };
}

async function main() {
  const [planPath, mediaPath, mode, nodeModules] = process.argv.slice(2);
  const plan = JSON.parse(fs.readFileSync(planPath, 'utf8'));
  const media = JSON.parse(fs.readFileSync(mediaPath, 'utf8'));
  const out = mode === 'uxp' ? await runUxp(plan, media) : runJsx(plan, media, nodeModules);
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => { process.stdout.write(JSON.stringify({ ok: false, problems: ['driver: ' + String(e && e.stack || e)] }) + '\n'); });
