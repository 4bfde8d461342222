'use strict';
/* roughcut.jsx inside the strict fake ExtendScript DOM (fake_premiere.js). */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const acorn = require('acorn');
const { JSX_PATH, NTSC, project, plan, loaded, call } = require('./scenarios');
const path = require('path');
const { FakePremiere, Time, preprocess } = require('./fake_premiere');
const { RCHost } = require('../js/host.js');

const SRC = fs.readFileSync(JSX_PATH, 'utf8');
const TPF_NTSC = 10594584000n;
const JSX_DIR = path.dirname(JSX_PATH);
const PARTS = fs.readdirSync(JSX_DIR).filter((f) => f.endsWith('.jsx'));

test('roughcut.jsx and its parts parse as ECMAScript 3, each under 600 lines', () => {
  assert.deepEqual(PARTS.sort(), ['roughcut.jsx', 'roughcut_json.jsx', 'roughcut_plan.jsx']);
  for (const f of PARTS) {
    const text = fs.readFileSync(path.join(JSX_DIR, f), 'utf8');
    assert.doesNotThrow(() => acorn.parse(text, { ecmaVersion: 3 }), f);
    assert.ok(text.split('\n').length <= 600, `${f}: ${text.split('\n').length} lines`);
  }
  assert.doesNotThrow(() => acorn.parse(preprocess(JSX_PATH), { ecmaVersion: 3 }));
  assert.throws(() => acorn.parse('var a = [1,].map(x => x);', { ecmaVersion: 3 }));
});

test('the parts come in through //@include: roughcut.jsx alone lacks them', () => {
  const bare = new FakePremiere(project());
  bare.load(SRC);
  assert.equal(bare.evalScript('typeof roughcut_applyPlan + " " + typeof rc_stringify + " " + typeof rc_planOps'),
    'function undefined undefined');
  assert.equal(loaded().evalScript('typeof rc_stringify + " " + typeof rc_planOps'), 'function function');
});

/* The panel's RCHost over CSInterface-like evalScript into a fake; counts $.evalFile calls. */
function hostOver(fake, scriptPath) {
  const seen = [];
  const cep = { evalScript: (s, cb) => { seen.push(s); setImmediate(() => cb(fake.evalScript(s))); } };
  return { host: new RCHost(cep, scriptPath), evalFiles: () => seen.filter((s) => s.includes('$.evalFile')).length };
}

test('panel: when the ScriptPath load failed, roughcut.jsx is loaded by $.evalFile with its path', async () => {
  const empty = new FakePremiere(project());  // nothing loaded, as after a failed ScriptPath load
  const { host, evalFiles } = hostOver(empty, JSX_PATH);
  const bin = await host.call('roughcut_readBin');
  assert.equal(bin.clips.length, 3);
  await host.call('roughcut_readBin');
  assert.equal(evalFiles(), 1);  // loaded once, then reused
  const ready = hostOver(loaded(), JSX_PATH);
  assert.equal((await ready.host.call('roughcut_readBin')).clips.length, 3);
  assert.equal(ready.evalFiles(), 0);  // the ScriptPath load worked: nothing loaded again
  const wrong = hostOver(new FakePremiere(project()), path.join(JSX_DIR, 'missing', 'roughcut.jsx'));
  await assert.rejects(wrong.host.call('roughcut_readBin'), /could not load the roughcut script .*missing.*roughcut\.jsx/);
});

test('the fake context really lacks the ES5 library', () => {
  const fake = loaded();
  assert.equal(fake.evalScript('typeof JSON'), 'undefined');
  assert.equal(fake.evalScript('typeof [].indexOf + typeof [].forEach + typeof "".trim'), 'undefinedundefinedundefined');
  assert.equal(fake.evalScript('[].indexOf(1)'), 'EvalScript error.');
});

test('frames to ticks is exact integer math and refuses past 2^53', () => {
  const fake = loaded();
  const f = (frames, rate) => fake.evalScript(`rc_framesToTicks(${frames}, [${rate}])`);
  assert.equal(f(1, [24000, 1001]), '10594584000');
  assert.equal(f(1, [24, 1]), '10584000000');
  assert.equal(f(1, [30000, 1001]), '8475667200');
  assert.equal(f(86400, [24000, 1001]), (86400n * TPF_NTSC).toString());
  // 9 h at 24 fps is exact; 10 h is past 2^53 ticks
  assert.equal(f(9 * 3600 * 24, [24, 1]), (BigInt(9 * 3600 * 24) * 10584000000n).toString());
  assert.equal(f(10 * 3600 * 24, [24, 1]), 'EvalScript error.');
  assert.match(String(fake.lastError.message), /2\^53/);
  assert.equal(f(1.5, [24, 1]), 'EvalScript error.');
  assert.equal(fake.evalScript('rc_stringify(rc_rateFromFps(23.976023976023978))'), '[24000,1001]');
  assert.equal(fake.evalScript('rc_stringify(rc_rateFromFps(25))'), '[25,1]');
});

test('the bundled JSON reader/writer round-trips and rejects bad input', () => {
  const fake = loaded();
  const value = { a: [1, -2.5e3, true, false, null], s: 'quote " back \\ line\n tab\t é — \u2028', o: {} };
  const out = fake.evalScript(`rc_stringify(rc_parse(${JSON.stringify(JSON.stringify(value))}))`);
  assert.deepEqual(JSON.parse(out), value);
  assert.equal(fake.evalScript('rc_parse("{\\"a\\": 1,}")'), 'EvalScript error.');
  assert.equal(fake.evalScript('rc_parse("alert(1)")'), 'EvalScript error.');
});

test('readBin lists media clips of the selected bin, walking sub-bins, skipping sequences', () => {
  const fake = loaded();
  const r = call(fake, 'roughcut_readBin');
  assert.equal(r.ok, true);
  assert.deepEqual(r.clips.map((c) => c.host_id), ['000f4243', '000f4241', '000f4242']); // project-panel tree order
  const a = r.clips[1];
  assert.equal(a.path, '/rushes/A003C012.mov');
  assert.equal(a.name, 'A003C012.mov');
  assert.deepEqual(a.rate, NTSC);
  assert.equal(a.duration_frames, 2400);
  assert.equal(a.start_frame, 86400);
  assert.equal(a.start_ticks, (86400n * TPF_NTSC).toString());
  assert.equal(a.offline, false);
  assert.deepEqual(r.rates, ['24000/1001']);
});

test('readBin: nothing selected, only a sequence, mixed rates, offline flagged', () => {
  assert.match(call(loaded(project({ selection: [] })), 'roughcut_readBin').error, /nothing selected/);
  const withSeq = loaded();
  withSeq.selection = [withSeq.sequences[0].projectItem];
  assert.match(call(withSeq, 'roughcut_readBin').error, /no media clips/);
  const mixed = call(loaded(project({ selection: ['000f4241', '000f4250', '000f4260'] })), 'roughcut_readBin');
  assert.deepEqual(mixed.rates, ['24000/1001', '25/1']);
  assert.equal(mixed.clips[2].offline, true);
});

test('applyPlan builds a new sequence in exact ticks, restores marks, leaves old sequences alone', () => {
  const fake = loaded();
  // the editor had marks on one clip; they must survive
  fake.items['000f4243'].setInPoint(new Time(105945840000n), 4);
  const before = fake.snapshot();
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(r.mismatches, []);
  assert.equal(r.placed, 2);
  assert.equal(r.alternates, 1);
  assert.equal(r.markers, 5);
  assert.deepEqual(r.readback, []);
  assert.deepEqual(fake.notes, []); // no tick strings where seconds go, no Time assigned to a marker
  assert.deepEqual(fake.unknown, []); // no DOM member the docs do not list
  const after = fake.snapshot();
  // the old sequence is byte-for-byte what it was
  assert.deepEqual(after.sequences[0], before.sequences[0]);
  assert.deepEqual(after.marks, before.marks);
  const seq = after.sequences[1];
  assert.equal(seq.name, 'Rough cut — Sc 12 — v3');
  assert.equal(seq.timebase, '10594584000');
  assert.equal(seq.zeroPoint, (86400n * TPF_NTSC).toString());
  assert.deepEqual(seq.video[0].clips, [
    { clip: '000f4241', start: '0', end: (191n * TPF_NTSC).toString(), in: (120n * TPF_NTSC).toString(), disabled: false, linked: 1 },
    { clip: '000f4243', start: (191n * TPF_NTSC).toString(), end: (239n * TPF_NTSC).toString(), in: (10n * TPF_NTSC).toString(), disabled: false, linked: 1 },
  ]);
  assert.deepEqual(seq.audio[0].clips.map((c) => [c.start, c.end]), seq.video[0].clips.map((c) => [c.start, c.end]));
  // alternate: V2/A2, trimmed to its line's slot, disabled, audio track muted
  assert.deepEqual(seq.video[1].clips, [{ clip: '000f4242', start: '0', end: (191n * TPF_NTSC).toString(), in: (98n * TPF_NTSC).toString(), disabled: true, linked: 1 }]);
  assert.equal(seq.audio[1].clips[0].disabled, true);
  assert.equal(seq.audio[1].muted, 1);
  assert.equal(seq.audio[0].muted, 0);
  assert.deepEqual(seq.markers.map((m) => [m.start, m.end, m.name, m.color]), [
    ['0', TPF_NTSC.toString(), '12-3 ALICE', 6],
    ['0', TPF_NTSC.toString(), 'why 12-3', 0],
    [(191n * TPF_NTSC).toString(), (192n * TPF_NTSC).toString(), '12-4 BOB', 0],
    [(191n * TPF_NTSC).toString(), (192n * TPF_NTSC).toString(), 'why 12-4', 0],
    [(239n * TPF_NTSC).toString(), (240n * TPF_NTSC).toString(), '12-5 ALICE', 1],
  ]);
  // the line marker's comments are exactly the plan's note; the reason has its own marker
  assert.equal(seq.markers[0].comments, "We can't stay here.");
  assert.equal(seq.markers[1].comments, 'why: complete line, sharp focus, ALICE in close-up (score 0.93)');
  const names = after.calls.map((c) => c[0]);
  assert.ok(!names.includes('createNewSequence'));
  // marks were set before every placement and put back after
  const marksSet = after.calls.slice(before.calls.length).filter((c) => c[0] === 'mark' && c[4] === '4');
  assert.equal(marksSet.length, 6);
  assert.equal(r.sequence.timebase, '10594584000');
});

test('a second run gets a unique name; a 25 fps clip in a 23.976 plan is placed and its drift reported', () => {
  const fake = loaded();
  call(fake, 'roughcut_applyPlan', plan());
  const p = plan();
  p.items[1].media = { path: '/other/PAL.mov', host_id: '000f4250', rate: [25, 1] };
  p.items[1].src_in = 0; p.items[1].src_out = 10;
  const r = call(fake, 'roughcut_applyPlan', p);
  assert.equal(r.ok, true, r.error);
  assert.equal(r.sequence.name, 'Rough cut — Sc 12 — v3 (2)');
  assert.equal(r.mismatches.length, 2); // video and audio end snapped to the 23.976 frame grid
  assert.match(r.mismatches[0], /^d2 \(12-4\): clip video: ends at/);
  assert.deepEqual(r.readback[0].line_ids, ['12-4']);
});

function assertNothingBuilt(fake, before) {
  const after = fake.snapshot();
  assert.equal(after.sequences.length, before.sequences.length);
  assert.deepEqual(after.sequences, before.sequences);
  assert.deepEqual(after.marks, before.marks);
}

test('offline or missing media: a clear error and nothing created', () => {
  for (const [media, why] of [[{ path: '/other/gone.mov', host_id: '000f4260' }, /gone\.mov is offline/],
    [{ path: '/nowhere/x.mov', host_id: 'nope' }, /\/nowhere\/x\.mov is not in the project/]]) {
    const fake = loaded();
    const before = fake.snapshot();
    const p = plan();
    p.items[1].media = media;
    const r = call(fake, 'roughcut_applyPlan', p);
    assert.equal(r.ok, false);
    assert.match(r.error, why);
    assertNothingBuilt(fake, before);
  }
});

test('bad plans are refused before anything is built', () => {
  const fake = loaded();
  const before = fake.snapshot();
  assert.match(call(fake, 'roughcut_applyPlan', plan({ items: [] })).error, /no clips/);
  assert.match(call(fake, 'roughcut_applyPlan', { schema: 'other' }).error, /hostplan/);
  assert.match(call(fake, 'roughcut_applyPlan', plan({ timeline: { name: 'x', rate: [25, 1], start_frame: 0 } })).error,
    /no clip in the plan has the timeline rate 25\/1/);
  assert.match(JSON.parse(fake.evalScript('roughcut_applyPlan("{not json")')).error, /not valid JSON/);
  assertNothingBuilt(fake, before);
});

test('a failure mid-build removes the new sequence and restores every mark', () => {
  const fake = loaded(project(), { failOverwriteAt: 1 });
  const before = fake.snapshot();
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.equal(r.ok, false);
  assert.match(r.error, /the new sequence was removed.*refused to place/);
  assertNothingBuilt(fake, before);
  assert.ok(fake.calls.some((c) => c[0] === 'deleteSequence'));
});

test('a sequence whose timebase differs from the plan is removed and reported', () => {
  const fake = loaded(project(), { forceSequenceRate: [24, 1] });
  const before = fake.snapshot();
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.match(r.error, /timebase is 10584000000 ticks per frame, the plan needs 10594584000/);
  assertNothingBuilt(fake, before);
});

test('alternates beyond the available tracks are skipped and reported', () => {
  const fake = loaded(project(), { tracks: { video: 1, audio: 1 } });
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.equal(r.ok, true, r.error);
  assert.equal(r.alternates, 0);
  assert.match(r.skipped[0], /d1 alternate 1: no track V2\/A2/);
});

test('readSequence reports the active sequence for feedback', () => {
  const fake = loaded();
  call(fake, 'roughcut_applyPlan', plan());
  const s = call(fake, 'roughcut_readSequence');
  assert.equal(s.ok, true);
  assert.equal(s.clips.filter((c) => c.kind === 'video').length, 3);
  assert.equal(s.clips[0].host_id, '000f4241');
});

test('video-only and audio-only items: the other side is unlinked and removed, marks put back exactly', () => {
  const fake = loaded();
  fake.items['000f4241'].setInPoint(new Time(50n * TPF_NTSC), 1); // a video-only mark the editor left
  const before = fake.snapshot();
  const p = plan();
  p.items[0].media_type = 'video';
  p.items[1].media_type = 'audio';
  const r = call(fake, 'roughcut_applyPlan', p);
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(r.readback, []);
  const seq = fake.snapshot().sequences[1];
  assert.deepEqual(seq.video[0].clips.map((c) => [c.clip, c.linked]), [['000f4241', 0]]);
  assert.deepEqual(seq.audio[0].clips.map((c) => [c.clip, c.start, c.linked]), [['000f4243', (191n * TPF_NTSC).toString(), 0]]);
  assert.deepEqual(fake.snapshot().marks, before.marks);
  assert.deepEqual(fake.notes, []);
});

test('markers land on float-hostile frames exactly (seconds chosen to convert back to the tick)', () => {
  const fake = loaded();
  const p = plan({ markers: [101, 199, 398, 86399].map((f) => ({ frame: f, color: 'Red', name: `m${f}`, note: '', duration: 1 })) });
  const r = call(fake, 'roughcut_applyPlan', p);
  assert.equal(r.ok, true, r.error);
  const got = fake.snapshot().sequences[1].markers.filter((m) => m.name[0] === 'm').map((m) => m.start);
  assert.deepEqual(got, [101n, 199n, 398n, 86399n].map((f) => (f * TPF_NTSC).toString()));
  // plain division would have lost a frame on at least one of them (what the fake floors)
  const naive = [101n, 199n, 398n, 86399n].filter((f) => {
    const t = f * TPF_NTSC;
    return BigInt(Math.floor(Number(t) / 254016000000 * 254016000000)) < t;
  });
  assert.ok(naive.length > 0, 'the test frames must include a float-hostile one');
});

test('drop-frame media: duration read from a ";" Media Duration', () => {
  const df = project({ clips: [{ name: 'DF.mov', nodeId: '000f4270', path: '/rushes/DF.mov', rate: [30000, 1001], frames: 17982 * 3 + 1802, drop_frame: true, bin: 'bin-rushes' }], sequences: [] });
  const r = call(loaded(df), 'roughcut_readBin');
  assert.equal(r.ok, true, r.error);
  assert.equal(r.clips[0].duration_frames, 17982 * 3 + 1802);
  const fake = loaded();
  assert.equal(fake.evalScript('rc_tcToFrames("00;01;00;02", [30000, 1001])'), '1800');
  assert.equal(fake.evalScript('rc_tcToFrames("00;10;00;00", [30000, 1001])'), '17982');
  assert.equal(fake.evalScript('rc_tcToFrames("00:10:00:00", [30000, 1001])'), '18000');
});

test('the fake follows the docs: tick strings are seconds to setInPoint, a Time assigned to Marker.end is ignored', () => {
  const fake = loaded();
  const clip = fake.items['000f4241'];
  clip.setInPoint('1271350080000', 4); // ticks where seconds go: lands at the media end
  assert.equal(clip.getInPoint(1).ticks, (2400n * TPF_NTSC).toString());
  assert.match(fake.notes.join('\n'), /read as seconds/);
  clip.clearInPoint();
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.equal(r.ok, true, r.error);
  const seq = fake.sequences[1];
  const m = seq.markers.getFirstMarker();
  m.end = new Time(5n * TPF_NTSC);
  assert.equal(m.end.ticks, TPF_NTSC.toString());
  assert.match(fake.notes.join('\n'), /Marker\.end = <Time>: ignored/);
  assert.equal(clip.noSuchMember, undefined);
  assert.deepEqual(fake.unknown, ['ProjectItem.noSuchMember']);
});
