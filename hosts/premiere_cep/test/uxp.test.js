'use strict';
/*
 * The UXP panel (hosts/premiere_uxp) in node against the strict fake of require("premierepro")
 * (fake_uxp.js): plan_ops.js gives exactly the jsx's operations; applyPlanUxp builds through
 * lockedAccess + executeTransaction with exact TickTimes, restores marks and reads back;
 * readBinUxp reads the selection; the panel flow runs against a real bridge
 * (python -m bridge_server, its own ROUGHCUT_BRIDGE_HOME), end to end on the shared GRID clip
 * when ../shared/media is there.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { plan, project, loaded } = require('./scenarios');
const { makeUxp } = require('./fake_uxp');

const UXP = path.resolve(__dirname, '..', '..', 'premiere_uxp');
const { planOps } = require(path.join(UXP, 'plan_ops.js'));
const { applyPlanUxp } = require(path.join(UXP, 'apply_uxp.js'));
const { readBinUxp } = require(path.join(UXP, 'read_bin_uxp.js'));
const { makeFlow, uxpSupported } = require(path.join(UXP, 'panel_flow.js'));
const TPF = 10594584000n;
const { GRID, PYTHON, startBridge, stopBridge } = require('./bridge');

function variants() {
  const withAudio = plan();
  withAudio.items[0].audio = { src_in: 110, src_out: 311 };
  const pal = plan();
  pal.items[1].media = { path: '/other/PAL.mov', host_id: '000f4250', rate: [25, 1] };
  const videoOnly = plan();
  videoOnly.items[1].media_type = 'video';
  return [plan(), withAudio, pal, videoOnly, plan({ items: [] }), plan({ timeline: { name: 'x', rate: [7, 3] } }),
    plan({ timeline: { name: 'long', rate: [24, 1], start_frame: 0 }, items: [{ ...plan().items[1], rec_in: 10 * 3600 * 24 }] })];
}

test('plan_ops.js and roughcut.jsx give identical operations', () => {
  const fake = loaded();
  for (const p of variants()) {
    const fromJsx = JSON.parse(fake.evalScript(`rc_stringify(rc_planOps(rc_parse(${JSON.stringify(JSON.stringify(p))}), null))`));
    const fromUxp = JSON.parse(JSON.stringify(planOps(p, null)));
    assert.deepEqual(fromUxp, fromJsx);
  }
  assert.match(planOps(variants()[6], null).problems[0], /2\^53/);
});

for (const version of ['25.6', '26.3']) {
  test(`applyPlanUxp (${version}): one label, exact TickTimes, marks restored, markers coloured, zero point, read back clean`, async () => {
    const uxp = makeUxp(project(), { version });
    uxp.world.clips.get('000f4243').marks = { in: 5n * TPF, out: 900n * TPF }; // the editor's marks
    const before = uxp.state();
    const r = await applyPlanUxp(uxp.ppro, plan());
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(uxp.problems(), []); // every Promise awaited, no misuse, every Action run, nothing undocumented
    assert.deepEqual([r.placed, r.alternates, r.markers, r.readback], [2, 1, 5, []]);
    const after = uxp.state();
    assert.deepEqual(after.sequences[0], before.sequences[0]); // the editor's sequence untouched
    assert.deepEqual(after.marks, before.marks); // marks put back exactly
    const seq = after.sequences[1];
    assert.equal(seq.name, 'Rough cut — Sc 12 — v3');
    assert.equal(seq.zero, String(86400n * TPF));
    assert.deepEqual(seq.video[0].map((x) => [x.clip, x.start, x.end, x.in]), [
      ['000f4241', '0', String(191n * TPF), String(120n * TPF)], ['000f4243', String(191n * TPF), String(239n * TPF), String(10n * TPF)]]);
    assert.deepEqual(seq.audio[0].map((x) => x.end), seq.video[0].map((x) => x.end));
    assert.deepEqual([seq.video[1][0].disabled, seq.audio[1][0].disabled, seq.video[1][0].end], [true, true, String(191n * TPF)]);
    assert.deepEqual(seq.markers.map((m) => [m.name, m.start, m.duration, m.color]), [
      ['12-3 ALICE', '0', String(TPF), 5], ['why 12-3', '0', String(TPF), 0], ['12-4 BOB', String(191n * TPF), String(TPF), 0],
      ['why 12-4', String(191n * TPF), String(TPF), 0], ['12-5 ALICE', String(239n * TPF), String(TPF), 1]]);
    assert.equal(seq.markers[0].comments, "We can't stay here.");
    const labels = [...new Set(uxp.log.transactions.map((t) => t.label))];
    assert.deepEqual(labels, ['roughcut: build "Rough cut — Sc 12 — v3"']);
    assert.ok(uxp.log.transactions.every((t) => t.ok && t.inLock));
    assert.ok(!uxp.log.actions.some((a) => /Move/.test(a.where)));
    // a second run gets a unique name
    assert.equal((await applyPlanUxp(uxp.ppro, plan())).sequence.name, 'Rough cut — Sc 12 — v3 (2)');
  });
}

test('applyPlanUxp: video-only loses its audio; a clip of another rate is read back as wrong, with its line', async () => {
  const uxp = makeUxp(project());
  const p = plan();
  p.items[0].media_type = 'video';
  p.items[1].media = { path: '/other/PAL.mov', host_id: '000f4250', rate: [25, 1] };
  const r = await applyPlanUxp(uxp.ppro, p);
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(uxp.problems(), []);
  const seq = uxp.state().sequences[1];
  assert.deepEqual(seq.audio[0].map((x) => x.clip), ['000f4250']); // d1's audio removed, d2's kept
  assert.ok(r.readback.length >= 1);
  assert.deepEqual(r.readback[0].item, 'd2');
  assert.deepEqual(r.readback[0].line_ids, ['12-4']);
  assert.match(r.readback[0].problem, /ends at \d+ ticks, plan \d+/);
});

test('applyPlanUxp: a refused edit rolls back and removes the sequence; offline media builds nothing', async () => {
  const uxp = makeUxp(project());
  const before = uxp.state();
  const p = plan();
  p.items[1].src_out = 5000; // beyond B001C002's 1200 frames: the in/out Action fails at commit
  const r = await applyPlanUxp(uxp.ppro, p);
  assert.equal(r.ok, false);
  assert.match(r.error, /nothing was built \(the new sequence was removed\): Premiere refused the edit/);
  assert.deepEqual(uxp.state(), before);
  const off = plan();
  off.items[1].media = { path: '/other/gone.mov', host_id: '000f4260' };
  const r2 = await applyPlanUxp(uxp.ppro, off);
  assert.match(r2.error, /gone\.mov is offline/);
  assert.deepEqual(uxp.state(), before);
});

test('the UXP fake follows the docs: promises, callbacks, TickTimes, locks', async () => {
  const uxp = makeUxp(project(), { version: '26.3' });
  const { ppro } = uxp;
  const projectP = ppro.Project.getActiveProject();
  assert.equal(projectP.getRootItem, undefined); // a Promise, not a Project
  const proj = await projectP;
  assert.equal(ppro.TrackItemSelection.createEmptySelection(() => {}), true); // boolean, selection via callback
  assert.throws(() => ppro.TrackItemSelection.createEmptySelection(), TypeError);
  assert.throws(() => ppro.TickTime.createWithTicks(5), TypeError); // ticks are a string
  const clip = ppro.ClipProjectItem.cast((await (await proj.getRootItem()).getItems())
    .find((x) => ppro.ClipProjectItem.cast(x)));
  assert.equal(clip.getId, undefined); // ClipProjectItem lists no getId
  const t = ppro.TickTime.createWithTicks('0');
  assert.throws(() => clip.createSetInOutPointsAction(t, t), /inside project.lockedAccess/);
  assert.equal(proj.lockedAccess(() => 42), undefined); // lockedAccess returns void
  let ok;
  proj.lockedAccess(() => { ok = proj.executeTransaction((c) => c.addAction(clip.createSetInOutPointsAction(t, t)), 'x'); });
  assert.equal(ok, false); // out not after in: rolled back
  assert.ok(uxp.problems().some((p) => /undocumented member read: ClipProjectItem.getId/.test(p)));
});

test('readBinUxp: selected bins walked, sequences skipped, rate, start and duration in frames', async () => {
  const uxp = makeUxp(project());
  const r = await readBinUxp(uxp.ppro);
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(r.clips.map((c) => c.host_id).sort(), ['000f4241', '000f4242', '000f4243']);
  const a = r.clips.find((c) => c.host_id === '000f4241');
  assert.deepEqual([a.path, a.rate, a.start_frame, a.duration_frames, a.offline], ['/rushes/A003C012.mov', [24000, 1001], 86400, 2400, false]);
  assert.deepEqual(r.rates, ['24000/1001']);
  assert.deepEqual(r.bins, ['Rushes']);
  assert.deepEqual(uxp.problems(), []);
  assert.match((await readBinUxp(makeUxp(project({ selection: [] })).ppro)).error, /nothing selected/);
  const mixed = makeFlow({ ppro: makeUxp(project({ selection: ['000f4241', '000f4250'] })).ppro });
  await assert.rejects(mixed.readBin(), /mixes frame rates \(23\.976 fps: A003C012\.mov; 25 fps: PAL\.mov\)/);
  const offline = makeFlow({ ppro: makeUxp(project({ selection: ['000f4241', '000f4260'] })).ppro });
  await assert.rejects(offline.readBin(), /Offline media: gone\.mov/);
});

test('version split: 25.6 and later run the UXP panel', () => {
  assert.deepEqual(['25.5.1', '25.6', '25.6.0', '26.3.0', '24.0'].map(uxpSupported), [false, true, true, true, false]);
  const manifest = JSON.parse(fs.readFileSync(path.join(UXP, 'manifest.json'), 'utf8'));
  assert.equal(manifest.host.minVersion, '25.6.0');
  assert.match(fs.readFileSync(path.join(__dirname, '..', 'CSXS', 'manifest.xml'), 'utf8'), /<Host Name="PPRO" Version="\[22\.0,25\.6\)"\/>/);
});

// ------------------------------------------------------------------ the flow against a real bridge
const noBridge = fs.existsSync(PYTHON) ? null : `no Python at ${PYTHON} (set ROUGHCUT_PYTHON)`;
let bridge, bridgeHome;

test.before(async () => { if (!noBridge) ({ proc: bridge, home: bridgeHome } = await startBridge('rc-uxp-bridge-')); });
test.after(async () => { await stopBridge(bridge); });

function flowFor(uxp, home) {
  return makeFlow({ ppro: uxp.ppro, fetch, readTextFile: (p) => fs.promises.readFile(p, 'utf8'),
    platform: 'linux', homedir: '/nonexistent-home', env: { ROUGHCUT_BRIDGE_HOME: home }, pollMs: 200 });
}

test('flow: no bridge running → asks the editor to start it; nothing built', { skip: noBridge || false }, async () => {
  const uxp = makeUxp(project());
  const flow = flowFor(uxp, fs.mkdtempSync(path.join(os.tmpdir(), 'rc-uxp-none-')));
  const { clips } = await flow.readBin();
  await assert.rejects(flow.generate(clips, { scriptPath: '/tmp/scene.fountain' }, () => {}), /bridge is not running\. Start it with `roughcut serve`/);
  await assert.rejects(flow.generate(clips, { scriptPath: '' }, () => {}), /Choose the screenplay/);
  await assert.rejects(flow.generate(clips, { scriptPath: 'x', targetDuration: '-3' }, () => {}), /Target duration must be a number/);
  assert.equal(uxp.state().sequences.length, 1);
});

test('flow: the bridge refuses unusable media, its reason is shown, nothing built', { skip: noBridge || false }, async () => {
  const script = path.join(bridgeHome, 'scene.fountain');
  fs.writeFileSync(script, 'INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n');
  const uxp = makeUxp(project());
  const flow = flowFor(uxp, bridgeHome);
  const { clips } = await flow.readBin();
  await assert.rejects(flow.generate(clips, { scriptPath: script }, () => {}), /bridge answered 400: media not usable: \/rushes\//);
  assert.equal(uxp.state().sequences.length, 1);
});

test('flow end to end: real job on the bridge, progress, sequence built in the UXP fake',
  { skip: noBridge || (fs.existsSync(GRID) ? false : `shared media not available: ${GRID}`), timeout: 240000 }, async () => {
    const script = path.join(bridgeHome, 'grid.fountain');
    fs.writeFileSync(script, 'INT. LAB - DAY\n\nJANE\nBin blue at F two now.\n');
    const uxp = makeUxp({ bins: [{ name: 'GRID', id: 'bin-g' }], selection: ['bin-g'], sequences: [],
      clips: [{ name: 'grid_bbaf2n.mpg', nodeId: 'grid-1', path: GRID, rate: [25, 1], frames: 75, bin: 'bin-g' }] });
    const flow = flowFor(uxp, bridgeHome);
    const bin = await flow.readBin();
    assert.equal(bin.summary, '1 clips, 25 fps (bin GRID)');
    const stages = [];
    const out = await flow.generate(bin.clips, { scriptPath: script, preset: 'coverage', picture: false }, (s) => stages.push(s.stage || s.state));
    assert.match(out.lines[0], /^Built “.+”: 1 clips, 0 alternates \(disabled, tracks above\), \d+ markers\.$/);
    assert.ok(stages[0] === 'Submitting…' && stages.length >= 3, stages.join(' | '));
    assert.deepEqual(out.summary.readback, []);
    assert.deepEqual(uxp.problems(), []);
    const seq = uxp.state().sequences[0];
    assert.equal(seq.tpf, '10160640000'); // 25 fps
    assert.equal(seq.video[0][0].clip, 'grid-1');
    assert.ok(seq.markers[0].name.includes('JANE'), seq.markers[0].name);
  });
