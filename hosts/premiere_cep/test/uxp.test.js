'use strict';
/* The UXP port: plan_ops.js gives exactly the jsx's operations; apply_uxp.js builds through
 * lockedAccess + executeTransaction in a recording fake of require("premierepro"). */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { plan, project, loaded } = require('./scenarios');
const { makeUxp } = require('./fake_uxp');

const UXP = path.resolve(__dirname, '..', '..', 'premiere_uxp');
const { planOps } = require(path.join(UXP, 'plan_ops.js'));
const { applyPlanUxp } = require(path.join(UXP, 'apply_uxp.js'));
const TPF = 10594584000n;

function variants() {
  const withAudio = plan();
  withAudio.items[0].audio = { src_in: 110, src_out: 311 };
  const pal = plan();
  pal.items[1].media = { path: '/other/PAL.mov', host_id: '000f4250', rate: [25, 1] };
  return [plan(), withAudio, pal, plan({ items: [] }), plan({ timeline: { name: 'x', rate: [7, 3] } }),
    plan({ timeline: { name: 'long', rate: [24, 1], start_frame: 0 }, items: [{ ...plan().items[1], rec_in: 10 * 3600 * 24 }] })];
}

test('plan_ops.js and roughcut.jsx give identical operations', () => {
  const fake = loaded();
  for (const p of variants()) {
    const fromJsx = JSON.parse(fake.evalScript(`rc_stringify(rc_planOps(rc_parse(${JSON.stringify(JSON.stringify(p))}), null))`));
    const fromUxp = JSON.parse(JSON.stringify(planOps(p, null)));
    assert.deepEqual(fromUxp, fromJsx);
  }
  assert.match(planOps(variants()[5], null).problems[0], /2\^53/);
});

test('applyPlanUxp builds inside transactions with exact TickTimes and restores marks', async () => {
  const uxp = makeUxp(project());
  const r = await applyPlanUxp(uxp.ppro, plan());
  assert.equal(r.ok, true, r.error);
  assert.deepEqual([r.placed, r.alternates, r.markers, r.mismatches], [2, 1, 3, []]);
  const seq = uxp.sequences[0];
  assert.deepEqual(seq._v[0].items.map((x) => [x.clip.getId(), x._s, x._e, x._in]),
    [['000f4241', 0n, 191n * TPF, 120n * TPF], ['000f4243', 191n * TPF, 239n * TPF, 10n * TPF]]);
  assert.equal(seq._v[1].items[0].disabled, true);
  assert.equal(seq._a[1].items[0].disabled, true);
  assert.deepEqual(seq._markers.map((m) => [m.name, m.start, m.duration]),
    [['12-3 ALICE', '0', String(TPF)], ['12-4 BOB', String(191n * TPF), String(TPF)], ['12-5 ALICE', String(239n * TPF), String(TPF)]]);
  for (const clip of uxp.clips) assert.equal(clip._in, 0n, `${clip.name} in point restored`);
  const tx = uxp.log.filter((e) => e[0] === 'transaction');
  assert.deepEqual(tx[1][2], ['setInOut', 'overwrite', 'setInOut']); // one undo step per item
  assert.equal(tx[0][2][0], 'remove');
});

test('applyPlanUxp: offline media builds nothing; actions outside lockedAccess are refused', async () => {
  const uxp = makeUxp(project());
  const p = plan();
  p.items[1].media = { path: '/other/gone.mov', host_id: '000f4260' };
  const r = await applyPlanUxp(uxp.ppro, p);
  assert.equal(r.ok, false);
  assert.match(r.error, /gone\.mov is offline/);
  assert.equal(uxp.sequences.length, 0);
  assert.throws(() => uxp.clips[0].createSetInOutPointsAction(uxp.ppro.TickTime.createWithTicks('0'),
    uxp.ppro.TickTime.createWithTicks('1')), /outside lockedAccess/);
});
