/*
 * Read a sequence built by apply_uxp.js back through the UXP API and compare it with the
 * plan's operations (plan_ops.js). Returns one entry per thing missing or wrong:
 * {item, line_ids, problem}; item is the plan item id ("plan" for plan markers), line_ids the
 * screenplay lines the item carries. An empty list means the sequence is as planned.
 *
 * Checked, tick-exactly: each item's video clip on its track at its record position, with the
 * right media, source in point and end; enabled; its audio present ("both"/"audio") or absent
 * ("video"); each alternate on its track and disabled; each marker's start, duration, name and
 * comments. Every track-item getter is awaited (they return Promises, D videocliptrackitem.md).
 */
'use strict';

async function describeTrack(ppro, track) {
  const out = [];
  for (const ti of track.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) {
    out.push({
      start: (await ti.getStartTime()).ticks, end: (await ti.getEndTime()).ticks,
      inPoint: (await ti.getInPoint()).ticks, outPoint: (await ti.getOutPoint()).ticks,
      id: String((await ti.getProjectItem()).getId()), disabled: await ti.isDisabled(),
    });
  }
  return out;
}

async function readBack(ppro, seq, result, plan) {
  const problems = [];
  const lines = new Map((plan.items || []).map((it) => [it.id, it.line_ids || []]));
  const report = (item, problem) => problems.push({ item, line_ids: lines.get(item) || [], problem });
  const tracks = { video: new Map(), audio: new Map() };
  const trackOf = async (kind, i) => {
    if (!tracks[kind].has(i)) {
      const count = kind === 'video' ? await seq.getVideoTrackCount() : await seq.getAudioTrackCount();
      tracks[kind].set(i, i < count ? await describeTrack(ppro, kind === 'video' ? await seq.getVideoTrack(i) : await seq.getAudioTrack(i)) : []);
    }
    return tracks[kind].get(i);
  };
  for (const op of result.ops) {
    if (!op.entry || op.offline) continue;
    const what = op.kind === 'alternate' ? `alternate ${op.rank}` : 'clip';
    const at = (list) => list.find((x) => x.start === op.rec_ticks && x.id === op.entry.id);
    const v = at(await trackOf('video', op.v));
    const a = at(await trackOf('audio', op.a));
    const wantVideo = op.media_type !== 'audio', wantAudio = op.media_type !== 'video';
    if (wantVideo && !v) { report(op.item, `${what} missing: no video of ${op.entry.path} at ${op.rec_ticks} ticks on V${op.v + 1}`); continue; }
    if (!wantVideo && v) report(op.item, `${what}: audio-only item has video on V${op.v + 1}`);
    if (wantAudio && !a) report(op.item, `${what}: no audio of ${op.entry.path} at ${op.rec_ticks} ticks on A${op.a + 1}`);
    if (!wantAudio && a) report(op.item, `${what}: video-only item has audio on A${op.a + 1}`);
    for (const [side, x] of [['video', wantVideo ? v : null], ['audio', wantAudio ? a : null]]) {
      if (!x) continue;
      if (x.inPoint !== op.src_in_ticks) report(op.item, `${what} ${side}: source in ${x.inPoint} ticks, plan ${op.src_in_ticks}`);
      if (x.end !== op.rec_end_ticks) report(op.item, `${what} ${side}: ends at ${x.end} ticks, plan ${op.rec_end_ticks}`);
      if (op.kind === 'clip' && x.disabled) report(op.item, `${what} ${side} is disabled`);
      if (op.kind === 'alternate' && !x.disabled) report(op.item, `${what} ${side} is enabled (alternates must be off)`);
    }
  }
  const list = (await ppro.Markers.getMarkers(seq)).getMarkers();
  for (const mk of result.markers) {
    const item = mk.item || 'plan';
    const m = list.find((x) => x.getName() === mk.name && x.getStart().ticks === mk.ticks);
    if (!m) { report(item, `marker "${mk.name}" missing at ${mk.ticks} ticks`); continue; }
    const dur = BigInt(mk.end_ticks) - BigInt(mk.ticks);
    if (BigInt(m.getDuration().ticks) !== dur) report(item, `marker "${mk.name}": duration ${m.getDuration().ticks} ticks, plan ${dur}`);
    if (m.getComments() !== mk.comments) report(item, `marker "${mk.name}": comments differ from the plan`);
  }
  return problems;
}

module.exports = { readBack };
