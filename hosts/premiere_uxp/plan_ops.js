/*
 * Host plan (roughcut.hostplan/1) → Premiere operations in ticks, DOM-free.
 *
 * A line-for-line port of rc_planOps in hosts/premiere_cep/jsx/roughcut.jsx (ES3 there, modern
 * JS here); hosts/premiere_cep/test/uxp.test.js checks that both give identical operations
 * for the same plans. Ticks: 254016000000 per second; frames * (254016000000 * den / num),
 * exact as doubles below 2^53 ticks (~9.85 h), refused beyond.
 */
'use strict';

const TICKS_PER_SECOND = 254016000000;
const MAX_EXACT = 9007199254740992;
const MARKER_COLORS = { Green: 0, Red: 1, Purple: 2, Orange: 3, Yellow: 4, White: 5, Blue: 6, Cyan: 7 };

function ticksPerFrame(rate) {
  if (!Array.isArray(rate) || rate.length !== 2) throw new Error('rate must be [num, den]');
  const [num, den] = rate;
  if (!Number.isInteger(num) || !Number.isInteger(den) || num <= 0 || den <= 0) {
    throw new Error(`rate must be two positive integers, got ${JSON.stringify(rate)}`);
  }
  const tpf = TICKS_PER_SECOND * den / num;
  if (!Number.isInteger(tpf)) throw new Error(`rate ${num}/${den} has no whole number of ticks per frame`);
  return tpf;
}

function framesToTicks(frames, rate) {
  const tpf = ticksPerFrame(rate);
  if (!Number.isInteger(frames)) throw new Error(`frame position must be an integer, got ${frames}`);
  const ticks = frames * tpf;
  if (Math.abs(ticks) >= MAX_EXACT) {
    throw new Error(`position ${frames} frames is beyond 2^53 ticks (~9.85 h): not exact in ExtendScript`);
  }
  return String(ticks);
}

function rateFromFps(fps) {
  if (typeof fps !== 'number' || !(fps > 0)) return null;
  for (const n of [24, 30, 48, 60, 120]) if (Math.abs(fps - n * 1000 / 1001) < 0.001) return [n * 1000, 1001];
  const whole = Math.round(fps);
  if (Math.abs(fps - whole) < 0.001) return [whole, 1];
  return [Math.round(fps * 1000), 1000];
}

function markerOp(frame, m, comments, rate) {
  const dur = m.duration && m.duration > 0 ? m.duration : 1;
  return { ticks: framesToTicks(frame, rate), end_ticks: framesToTicks(frame + dur, rate), name: m.name || '',
    comments, color_name: m.color || 'Blue', color: Object.prototype.hasOwnProperty.call(MARKER_COLORS, m.color) ? MARKER_COLORS[m.color] : 6 };
}

function planOps(plan, rateOf) {
  const empty = (problem) => ({ problems: [problem], ops: [], markers: [], warnings: [] });
  if (!plan || plan.schema !== 'roughcut.hostplan/1') return empty('not a roughcut.hostplan/1 document');
  const tl = plan.timeline || {};
  const rate = tl.rate;
  let tpf;
  try { tpf = ticksPerFrame(rate); } catch (e) { return empty(`timeline rate: ${e.message}`); }
  const problems = [], warnings = [], ops = [], markers = [];
  const items = plan.items || [];
  if (items.length === 0) problems.push('the plan has no clips to place');
  items.forEach((it, i) => {
    const media = it.media || {};
    const clipRate = (rateOf && rateOf(media)) || media.rate || it.rate;
    try {
      if (!(it.src_out > it.src_in)) throw new Error('src_out must be after src_in');
      const srcLen = (it.src_out - it.src_in) * ticksPerFrame(clipRate);
      const recEnd = it.rec_in * tpf + srcLen;
      let slotEnd = i + 1 < items.length ? items[i + 1].rec_in * tpf : recEnd;
      if (slotEnd > recEnd) slotEnd = recEnd;
      ops.push({ kind: 'clip', item: it.id, media, src_in_ticks: framesToTicks(it.src_in, clipRate),
        src_out_ticks: framesToTicks(it.src_out, clipRate), rec_ticks: framesToTicks(it.rec_in, rate),
        rec_end_ticks: String(recEnd), v: (it.video_track || 1) - 1, a: (it.audio_track || 1) - 1,
        line: it.line_ids || [], media_type: it.media_type || 'both' });
      if (it.audio && (it.audio.src_in !== it.src_in || it.audio.src_out !== it.src_out)) {
        warnings.push(`${it.id}: split edit (audio ${it.audio.src_in}-${it.audio.src_out}) placed with audio following picture`);
      }
      (it.alternates || []).forEach((alt, j) => {
        const altRate = (rateOf && rateOf(alt.media || {})) || (alt.media || {}).rate || clipRate;
        const altTpf = ticksPerFrame(altRate);
        let altLen = (alt.src_out - alt.src_in) * altTpf;
        // an alternate fills its line's slot at most, so stacked alternates never overlap
        if (it.rec_in * tpf + altLen > slotEnd) altLen = Math.floor((slotEnd - it.rec_in * tpf) / altTpf) * altTpf;
        if (altLen <= 0) return;
        ops.push({ kind: 'alternate', item: it.id, rank: j + 1, media: alt.media || {},
          src_in_ticks: framesToTicks(alt.src_in, altRate), src_out_ticks: String(alt.src_in * altTpf + altLen),
          rec_ticks: framesToTicks(it.rec_in, rate), rec_end_ticks: String(it.rec_in * tpf + altLen),
          v: (it.video_track || 1) - 1 + j + 1, a: (it.audio_track || 1) - 1 + j + 1, why: alt.why || '' });
      });
      // comments are exactly the plan's note; the reason gets its own marker at the cut
      const why = it.why || '';
      for (const m of it.markers || []) markers.push(Object.assign(markerOp(it.rec_in + m.frame, m, m.note || '', rate), { item: it.id }));
      if (why) {
        const name = `why ${(it.line_ids || []).length ? it.line_ids.join(', ') : it.id}`;
        markers.push(Object.assign(markerOp(it.rec_in, { name, color: 'Green', duration: 1 }, `why: ${why} (score ${it.score})`, rate), { item: it.id }));
      }
    } catch (e) {
      problems.push(`item ${it.id}: ${e.message}`);
    }
  });
  for (const m of plan.markers || []) {
    try { markers.push(markerOp(m.frame, m, m.note || '', rate)); } catch (e) { problems.push(`marker ${m.name}: ${e.message}`); }
  }
  return { problems, ops, markers, warnings, rate, ticks_per_frame: String(tpf) };
}

module.exports = { TICKS_PER_SECOND, ticksPerFrame, framesToTicks, rateFromFps, planOps, MARKER_COLORS };
