'use strict';
/* Cut-down plans: the sequence frame size and each clip's Motion Scale/Position, CEP (roughcut.jsx in
 * fake_premiere.js) and UXP (apply_uxp.js in fake_uxp.js). Ordinary plans leave Motion untouched. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { project, plan, loaded, call } = require('./scenarios');

const TF = { d1: { scale: 56.25, position: [700.5, 960], position_norm: [0.64861, 0.5] },
  d2: { scale: 75, position: [540, 900], position_norm: [0.5, 0.46875] } };

function cutdownPlan(moving = false) {
  const p = plan({ markers: [] });
  p.timeline = Object.assign({}, p.timeline, { width: 1080, height: 1920,
    cutdown: { target_seconds: 10, aspect: '9:16', width: 1080, height: 1920 } });
  for (const it of p.items) {
    it.alternates = [];
    it.transform = { premiere: TF[it.id] };
    it.transform_keys = [Object.assign({ frame: it.src_in }, it.transform)];
    if (moving && it.id === 'd1') it.transform_keys.push(Object.assign({ frame: it.src_in + 20 }, it.transform));
  }
  return p;
}

test('CEP: a cut-down plan sets the frame size and each clip\'s Motion (read back)', () => {
  const fake = loaded(project());
  const r = call(fake, 'roughcut_applyPlan', cutdownPlan());
  assert.equal(r.ok, true, r.error);
  const m = fake.motion();
  assert.deepEqual([m.width, m.height], [1080, 1920]);
  assert.deepEqual(m.v1, [{ position: [0.64861, 0.5], scale: 56.25 }, { position: [0.5, 0.46875], scale: 75 }]);
  assert.deepEqual(fake.unknown, []);
  assert.equal(fake.notes.filter((n) => /getSettings/.test(n)).length, 0);
  assert.equal(r.warnings.some((w) => /first framing/.test(w)), false);
});

test('CEP: a moving crop keeps its first framing with a warning naming the clip', () => {
  const fake = loaded(project());
  const r = call(fake, 'roughcut_applyPlan', cutdownPlan(true));
  assert.equal(r.ok, true, r.error);
  assert.ok(r.warnings.some((w) => /1 clip\(s\) keep their first framing.*d1/.test(w)), r.warnings.join('|'));
});

test('CEP: an ordinary plan leaves Motion and the frame size alone', () => {
  const fake = loaded(project());
  const r = call(fake, 'roughcut_applyPlan', plan());
  assert.equal(r.ok, true, r.error);
  const m = fake.motion();
  assert.deepEqual([m.width, m.height], [1920, 1080]);
  assert.equal(m.v1.length, 2);
  for (const c of m.v1) assert.deepEqual(c, { position: [0.5, 0.5], scale: 100 });
  assert.equal(fake.calls.some((c) => c[0] === 'setValue'), false);
});

test('CEP: a bad transform fails the build and removes the new sequence', () => {
  const fake = loaded(project());
  const p = cutdownPlan();
  p.items[1].transform.premiere = { scale: 'big', position_norm: [0.5, 0.5] };
  const before = fake.snapshot().sequences.length;
  const r = call(fake, 'roughcut_applyPlan', p);
  assert.equal(r.ok, false);
  assert.match(r.error, /Scale needs number/);
  assert.equal(fake.snapshot().sequences.length, before);
});

/* ---------------------------------------------------------------- UXP */
const path = require('path');
const { makeUxp } = require('./fake_uxp');
const { applyPlanUxp } = require(path.resolve(__dirname, '..', '..', 'premiere_uxp', 'apply_uxp.js'));

const newest = (uxp) => { const s = uxp.state().sequences; return s[s.length - 1]; };

for (const version of ['26.3', '25.6']) {
  test(`UXP ${version}: a cut-down plan sets the frame size and each clip's Motion inside lockedAccess + one transaction`, async () => {
    const uxp = makeUxp(project(), { version });
    const r = await applyPlanUxp(uxp.ppro, cutdownPlan());
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(uxp.problems(), []);
    assert.deepEqual(uxp.log.notes, []);
    const seq = newest(uxp);
    assert.deepEqual([seq.width, seq.height], [1080, 1920]);
    assert.deepEqual(seq.video[0].map((x) => x.motion), [{ position: [0.64861, 0.5], scale: 56.25 }, { position: [0.5, 0.46875], scale: 75 }]);
    const tx = uxp.log.transactions.filter((t) => t.kinds.includes('SetValue'));
    assert.equal(tx.length, 1);
    assert.equal(tx[0].kinds.filter((k) => k === 'SetValue').length, 4);
    assert.equal(r.warnings.some((w) => /first framing/.test(w)), false);
  });
}

test('UXP: a moving crop keeps its first framing with a warning; an ordinary plan leaves Motion and size alone', async () => {
  let uxp = makeUxp(project());
  let r = await applyPlanUxp(uxp.ppro, cutdownPlan(true));
  assert.equal(r.ok, true, r.error);
  assert.ok(r.warnings.some((w) => /1 clip\(s\) keep their first framing.*d1/.test(w)), r.warnings.join('|'));
  uxp = makeUxp(project());
  r = await applyPlanUxp(uxp.ppro, plan());
  assert.equal(r.ok, true, r.error);
  assert.deepEqual(uxp.problems(), []);
  const seq = newest(uxp);
  assert.deepEqual([seq.width, seq.height], [1920, 1080]);
  for (const x of seq.video[0]) assert.deepEqual(x.motion, { position: [0.5, 0.5], scale: 100 });
  assert.equal(uxp.log.actions.some((a) => /SetValue/.test(a.where)), false);
});

test('UXP: a value Premiere cannot take fails the build and removes the new sequence', async () => {
  const uxp = makeUxp(project());
  const p = cutdownPlan();
  p.items[1].transform.premiere = { scale: 'big', position_norm: [0.5, 0.5] };
  const r = await applyPlanUxp(uxp.ppro, p);
  assert.equal(r.ok, false);
  assert.match(r.error, /Scale: the value is not compatible/);
  assert.equal(uxp.state().sequences.length, 1);
});
