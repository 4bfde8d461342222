/*
 * Build a host plan with Premiere's UXP API (require("premierepro"), 25.6+), the successor
 * of roughcut.jsx. Same contract and the same operations (plan_ops.js, parity-tested with the
 * jsx): a new sequence from one clip at the plan rate, its seed clip removed, every item
 * overwritten at exact TickTimes with the clip's in/out set before and restored after,
 * alternates on the tracks above and disabled, markers with line text and reason.
 *
 * UXP rules followed (HOST_API.md B1): every Action is created inside project.lockedAccess()
 * (required since 26.3) and run inside project.executeTransaction(), one undo step per item,
 * so a failure leaves no half-edited item; on failure the new sequence is deleted.
 *
 * Not yet run against a real Premiere 25.6+: tested against a recording fake of the calls
 * (hosts/premiere_cep/test/uxp.test.js) that enforces the lockedAccess/transaction rules.
 */
'use strict';

const { planOps, rateFromFps } = require('./plan_ops.js');

async function collectClips(ppro, folder, out) {
  for (const item of await folder.getItems()) {
    const sub = ppro.FolderItem.cast(item);
    if (sub) { await collectClips(ppro, sub, out); continue; }
    const clip = ppro.ClipProjectItem.cast(item);
    if (clip && !(await clip.isSequence())) out.push(clip);
  }
  return out;
}

async function indexProject(ppro, project) {
  const clips = await collectClips(ppro, await project.getRootItem(), []);
  const byPath = new Map(), byId = new Map(), rates = new Map();
  for (const clip of clips) {
    const path = await clip.getMediaFilePath();
    if (!byPath.has(path)) byPath.set(path, clip);
    if (clip.getId) byId.set(String(clip.getId()), clip);
    const interp = await clip.getFootageInterpretation();
    rates.set(clip, rateFromFps(interp ? interp.getFrameRate() : 0));
  }
  const find = (media) => byPath.get(media.path) || byId.get(String(media.host_id)) || null;
  return { find, rateOf: (clip) => rates.get(clip) || null };
}

function transact(project, label, build) {
  // Actions must be created under lockedAccess and executed inside one transaction
  return project.lockedAccess(() => project.executeTransaction((compound) => {
    for (const action of build()) compound.addAction(action);
  }, label));
}

async function applyPlanUxp(ppro, plan) {
  const project = await ppro.Project.getActiveProject();
  if (!project) return { ok: false, error: 'no project is open in Premiere Pro', problems: [] };
  const index = await indexProject(ppro, project);
  const result = planOps(plan, (media) => { const c = index.find(media); return c ? index.rateOf(c) : null; });
  const problems = result.problems.slice();
  const skipped = [];
  let seed = null;
  for (const op of result.ops) {
    op.clip = index.find(op.media);
    const offline = op.clip ? await op.clip.isOffline() : false;
    if (op.kind === 'alternate') {
      if (!op.clip || offline) skipped.push(`${op.item} alternate ${op.rank}: media ${op.clip ? 'offline' : 'not in project'}`);
      continue;
    }
    if (!op.clip) problems.push(`${op.item}: ${op.media.path || op.media.host_id} is not in the project`);
    else if (offline) problems.push(`${op.item}: ${op.media.path} is offline`);
    else if (!seed) {
      const r = index.rateOf(op.clip);
      if (r && r[0] * result.rate[1] === result.rate[0] * r[1]) seed = op.clip;
    }
  }
  if (!problems.length && !seed) problems.push(`no clip in the plan has the timeline rate ${result.rate[0]}/${result.rate[1]}`);
  if (problems.length) return { ok: false, error: `nothing was built: ${problems[0]}`, problems };

  const root = await project.getRootItem();
  const seq = await project.createSequenceFromMedia(plan.timeline.name || 'Rough cut', [seed], root);
  if (!seq) return { ok: false, error: 'Premiere could not create the sequence', problems: [] };
  const TickTime = ppro.TickTime;
  const mismatches = [];
  let placed = 0, alternates = 0, markers = 0;
  try {
    const timebase = String(await seq.getTimebase());
    if (timebase !== result.ticks_per_frame) {
      throw new Error(`the new sequence's timebase is ${timebase} ticks per frame, the plan needs ${result.ticks_per_frame}`);
    }
    const editor = ppro.SequenceEditor.getEditor(seq);
    const seedItems = [];
    for (const track of [await seq.getVideoTrack(0), await seq.getAudioTrack(0)]) {
      for (const ti of track.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) seedItems.push(ti);
    }
    const selection = await ppro.TrackItemSelection.createEmptySelection();
    for (const ti of seedItems) selection.addItem(ti);
    await transact(project, 'roughcut: clear seed', () => [
      editor.createRemoveItemsAction(selection, false, ppro.Constants.MediaType.ANY, false)]);
    for (const op of result.ops) {
      if (!op.clip || (await op.clip.isOffline())) continue;
      const nV = await seq.getVideoTrackCount(), nA = await seq.getAudioTrackCount();
      if (op.v >= nV || op.a >= nA) {
        const why = `${op.item}${op.kind === 'alternate' ? ` alternate ${op.rank}` : ''}: no track V${op.v + 1}/A${op.a + 1}`;
        if (op.kind === 'clip') throw new Error(why);
        skipped.push(why);
        continue;
      }
      const marks = { in: await op.clip.getInPoint(ppro.Constants.MediaType.ANY), out: await op.clip.getOutPoint(ppro.Constants.MediaType.ANY) };
      await transact(project, `roughcut: ${op.item}`, () => [
        op.clip.createSetInOutPointsAction(TickTime.createWithTicks(op.src_in_ticks), TickTime.createWithTicks(op.src_out_ticks)),
        editor.createOverwriteItemAction(op.clip, TickTime.createWithTicks(op.rec_ticks), op.v, op.a),
        op.clip.createSetInOutPointsAction(marks.in, marks.out),
      ]);
      const vItem = (await seq.getVideoTrack(op.v)).getTrackItems(ppro.Constants.TrackItemType.CLIP, false)
        .find((ti) => String(ti.getStartTime().ticks) === op.rec_ticks);
      if (!vItem) mismatches.push(`${op.item}: no video clip at ${op.rec_ticks} ticks`);
      else if (String(vItem.getEndTime().ticks) !== op.rec_end_ticks) {
        mismatches.push(`${op.item} video: ends at ${vItem.getEndTime().ticks} ticks, plan ${op.rec_end_ticks}`);
      }
      if (op.kind === 'clip') { placed++; continue; }
      alternates++;
      const aItem = (await seq.getAudioTrack(op.a)).getTrackItems(ppro.Constants.TrackItemType.CLIP, false)
        .find((ti) => String(ti.getStartTime().ticks) === op.rec_ticks);
      await transact(project, `roughcut: disable ${op.item} alternate`, () => [vItem, aItem].filter(Boolean)
        .map((ti) => ti.createSetDisabledAction(true)));
    }
    const seqMarkers = await ppro.Markers.getMarkers(seq);
    await transact(project, 'roughcut: markers', () => result.markers.map((mk) => {
      markers++;
      const duration = TickTime.createWithTicks(String(Number(mk.end_ticks) - Number(mk.ticks)));
      return seqMarkers.createAddMarkerAction(mk.name, 'Comment', TickTime.createWithTicks(mk.ticks), duration, mk.comments);
    }));
  } catch (e) {
    await project.deleteSequence(seq);
    return { ok: false, error: `nothing was built (the new sequence was removed): ${e.message}`, problems: [] };
  }
  return { ok: true, sequence: { name: seq.name, timebase: result.ticks_per_frame }, placed, alternates, markers,
    skipped, mismatches, warnings: result.warnings.concat(plan.warnings || []) };
}

module.exports = { applyPlanUxp };
