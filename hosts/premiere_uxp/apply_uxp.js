/*
 * Build a host plan (roughcut.hostplan/1) as ONE new sequence with Premiere's UXP API,
 * require("premierepro") 25.6 – 26.x. The operations come from plan_ops.js, which gives the
 * same operations as roughcut.jsx (parity-tested).
 *
 * Contract (HOST_API.md "Premiere UXP" U1–U6):
 *   - every create*Action is made inside project.lockedAccess() (required from 26.3) and run by
 *     project.executeTransaction() inside the same lock; all transactions carry one undo label
 *     ('roughcut: build "<sequence>"'); a transaction that returns false, or any error, deletes
 *     the new sequence, so a failed build leaves the project as it was;
 *   - every time argument is a TickTime made from integer tick strings (no float seconds);
 *   - the sequence is made from one clip at the plan rate (createSequenceFromMedia takes its
 *     settings from that clip), gets a unique name, and its seed clip is removed;
 *   - each item is placed ONCE at its final position with createOverwriteItemAction after its
 *     source in/out are set with createSetInOutPointsAction; the editor's marks are put back
 *     exactly as read (getInPoint/getOutPoint) in the same transaction; no createMoveAction;
 *   - media_type "video" items lose their audio (createRemoveItemsAction on that audio item);
 *   - alternates sit on the video tracks above their primary, disabled (video and audio);
 *   - markers carry name, comments (note + why) and duration; colours are set afterwards on the
 *     Marker objects (createSetColorByIndexAction with Constants.MarkerColor);
 *   - the zero point is the plan's start timecode (createSetZeroPointAction);
 *   - afterwards the sequence is read back (readback_uxp.js) and every item that is missing or
 *     wrong is reported with its plan item id and line ids.
 * Returns {ok, sequence, placed, alternates, markers, skipped, readback, warnings} or
 * {ok: false, error, problems}. Never throws for host or plan problems.
 */
'use strict';

const { planOps, rateFromFps, framesToTicks } = require('./plan_ops.js');
const { readBack } = require('./readback_uxp.js');
const { transformsOf, setFrameSize, motionParams, motionActions } = require('./motion_uxp.js');

const UXP_MARKER_COLOR = { Green: 'GREEN', Red: 'RED', Purple: 'MAGNETA', Magenta: 'MAGNETA', Pink: 'MAGNETA',
  Fuchsia: 'MAGNETA', Rose: 'MAGNETA', Orange: 'ORANGE', Yellow: 'YELLOW', Lemon: 'YELLOW', Blue: 'BLUE',
  Sky: 'CYAN', Cyan: 'CYAN', Mint: 'GREEN' };

/* Every media clip under a folder: [{clip: ClipProjectItem, id, path, fps}] (sequences skipped). */
async function collectClips(ppro, folder, out) {
  for (const item of await folder.getItems()) {
    const sub = ppro.FolderItem.cast(item);
    if (sub) { await collectClips(ppro, sub, out); continue; }
    const clip = ppro.ClipProjectItem.cast(item);
    if (!clip || (await clip.isSequence())) continue;
    const interp = await clip.getFootageInterpretation();
    out.push({ clip, id: String(item.getId()), path: await clip.getMediaFilePath(), fps: interp ? interp.getFrameRate() : 0 });
  }
  return out;
}

async function indexProject(ppro, project) {
  const entries = await collectClips(ppro, await project.getRootItem(), []);
  const byPath = new Map(), byId = new Map();
  for (const e of entries) {
    e.rate = rateFromFps(e.fps);
    if (!byPath.has(e.path)) byPath.set(e.path, e);
    byId.set(e.id, e);
  }
  return { find: (media) => byPath.get(media.path) || byId.get(String(media.host_id)) || null };
}

/* Create the actions inside lockedAccess and commit them in one executeTransaction; true when
 * it committed. lockedAccess returns void (D project.md), so the result comes out by closure. */
function transact(project, label, build) {
  let ok = false;
  project.lockedAccess(() => {
    const actions = build();
    if (!actions.length) { ok = true; return; }
    ok = project.executeTransaction((compound) => { for (const a of actions) compound.addAction(a); }, label) === true;
  });
  return ok;
}

function emptySelection(ppro) {
  // D trackitemselection.md: createEmptySelection(callback) hands the selection to the callback, returns boolean
  let selection = null;
  const made = ppro.TrackItemSelection.createEmptySelection((s) => { selection = s; });
  if (!made || !selection) throw new Error('Premiere could not create a track item selection');
  return selection;
}

async function uniqueName(project, base) {
  const names = new Set((await project.getSequences()).map((s) => s.name));
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base} (${n})`)) return `${base} (${n})`;
}

function colourIndex(ppro, name) {
  const key = UXP_MARKER_COLOR[name] || 'BLUE';
  const c = ppro.Constants.MarkerColor || {};
  return c[key] !== undefined ? c[key] : 0;
}

/* The media's length in ticks (ClipProjectItem.getMedia().duration), or null when unknown. */
async function mediaDuration(clip) {
  try {
    const media = await clip.getMedia();
    const d = media ? await media.duration : null;
    return d ? String(d.ticks) : null;
  } catch (e) {
    return null;
  }
}

async function clipItemsAt(ppro, track, ticks) {
  const found = [];
  for (const ti of track.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) {
    if ((await ti.getStartTime()).ticks === ticks) found.push(ti);
  }
  return found;
}

/* Check the plan against the project; returns {ops result, problems, seed entry}. */
async function prepare(ppro, plan, index) {
  const result = planOps(plan, (media) => { const e = index.find(media); return e ? e.rate : null; });
  const problems = result.problems.slice();
  const skipped = [];
  let seed = null;
  for (const op of result.ops) {
    op.entry = index.find(op.media);
    op.offline = op.entry ? await op.entry.clip.isOffline() : false;
    if (op.kind === 'alternate') {
      if (!op.entry || op.offline) skipped.push(`${op.item} alternate ${op.rank}: media ${op.entry ? 'offline' : 'not in the project'}`);
      continue;
    }
    if (!op.entry) problems.push(`${op.item}: ${op.media.path || op.media.host_id} is not in the project`);
    else if (op.offline) problems.push(`${op.item}: ${op.media.path} is offline`);
    else if (!seed && op.entry.rate && op.entry.rate[0] * result.rate[1] === result.rate[0] * op.entry.rate[1]) seed = op.entry;
  }
  if (!problems.length && result.ops.length && !seed) {
    problems.push(`no clip in the plan has the timeline rate ${result.rate[0]}/${result.rate[1]}`);
  }
  return { result, problems, skipped, seed };
}

async function applyPlanUxp(ppro, plan) {
  const project = await ppro.Project.getActiveProject();
  if (!project) return { ok: false, error: 'no project is open in Premiere Pro', problems: [] };
  const index = await indexProject(ppro, project);
  const { result, problems, skipped, seed } = await prepare(ppro, plan, index);
  if (problems.length) return { ok: false, error: `nothing was built: ${problems[0]}`, problems };

  const TickTime = ppro.TickTime, MT = ppro.Constants.MediaType;
  const name = await uniqueName(project, (plan.timeline && plan.timeline.name) || 'Rough cut');
  const label = `roughcut: build "${name}"`;
  const seq = await project.createSequenceFromMedia(name, [seed.clip], await project.getRootItem());
  if (!seq) return { ok: false, error: 'Premiere could not create the sequence', problems: [] };
  let placed = 0, alternates = 0;
  const moving = [];
  try {
    const timebase = String(await seq.getTimebase());
    if (timebase !== result.ticks_per_frame) {
      throw new Error(`the new sequence's timebase is ${timebase} ticks per frame, the plan needs ${result.ticks_per_frame}`);
    }
    const tfs = transformsOf(plan), tl = plan.timeline || {};
    if (tfs.size && tl.width && tl.height) await setFrameSize(seq, tl.width, tl.height);
    const editor = ppro.SequenceEditor.getEditor(seq);
    const nV = await seq.getVideoTrackCount(), nA = await seq.getAudioTrackCount();
    const seedSel = emptySelection(ppro);
    for (const track of [await seq.getVideoTrack(0), await seq.getAudioTrack(0)]) {
      for (const ti of track.getTrackItems(ppro.Constants.TrackItemType.CLIP, false)) seedSel.addItem(ti);
    }
    const todo = [];
    for (const op of result.ops) {
      if (!op.entry || op.offline) continue;
      if (op.v >= nV || op.a >= nA) {
        const why = `${op.item}${op.kind === 'alternate' ? ` alternate ${op.rank}` : ''}: the sequence has no track V${op.v + 1}/A${op.a + 1}`;
        if (op.kind === 'clip') throw new Error(why);
        skipped.push(why);
        continue;
      }
      todo.push(op);
    }
    // the editor's marks, read once per clip before anything changes, put back at the end
    const marks = new Map();
    for (const op of todo) {
      if (!marks.has(op.entry)) {
        marks.set(op.entry, { in: await op.entry.clip.getInPoint(MT.ANY), out: await op.entry.clip.getOutPoint(MT.ANY),
          full: await mediaDuration(op.entry.clip) });
      }
    }
    const seqMarkers = await ppro.Markers.getMarkers(seq);
    const zero = framesToTicks((plan.timeline && plan.timeline.start_frame) || 0, result.rate);
    const built = transact(project, label, () => {
      const actions = [editor.createRemoveItemsAction(seedSel, false, MT.ANY, false)];
      for (const op of todo) {
        actions.push(op.entry.clip.createSetInOutPointsAction(TickTime.createWithTicks(op.src_in_ticks), TickTime.createWithTicks(op.src_out_ticks)));
        actions.push(editor.createOverwriteItemAction(op.entry.clip, TickTime.createWithTicks(op.rec_ticks), op.v, op.a));
      }
      for (const [entry, m] of marks) {
        // no marks read back as 0 and the media end: clear them again rather than setting them
        const unmarked = m.in.ticks === '0' && m.full !== null && m.out.ticks === m.full;
        actions.push(unmarked ? entry.clip.createClearInOutPointsAction() : entry.clip.createSetInOutPointsAction(m.in, m.out));
      }
      for (const mk of result.markers) {
        const duration = TickTime.createWithTicks(String(BigInt(mk.end_ticks) - BigInt(mk.ticks)));
        actions.push(seqMarkers.createAddMarkerAction(mk.name, 'Comment', TickTime.createWithTicks(mk.ticks), duration, mk.comments));
      }
      actions.push(seq.createSetZeroPointAction(TickTime.createWithTicks(zero)));
      return actions;
    });
    if (!built) throw new Error('Premiere refused the edit (the transaction was rolled back)');

    // second step, same undo label: things that need the placed items and markers
    const toDisable = [], audioToRemove = [], motion = [];
    for (const op of todo) {
      const isMine = async (ti) => String((await ti.getProjectItem()).getId()) === op.entry.id;
      const vItems = [], aItems = [];
      for (const ti of await clipItemsAt(ppro, await seq.getVideoTrack(op.v), op.rec_ticks)) if (await isMine(ti)) vItems.push(ti);
      for (const ti of await clipItemsAt(ppro, await seq.getAudioTrack(op.a), op.rec_ticks)) if (await isMine(ti)) aItems.push(ti);
      if (op.kind === 'alternate') { alternates++; toDisable.push(...vItems, ...aItems); continue; }
      placed++;
      const tf = tfs.get(op.item);
      if (tf) {
        const params = vItems.length ? await motionParams(project, vItems[0]) : null;
        if (!params) throw new Error(`${op.item}: the placed clip has no Motion Position/Scale`);
        motion.push([params, tf.premiere]);
        if (tf.moves) moving.push(op.item);
      }
      if (op.media_type === 'video') audioToRemove.push(...aItems);
      else if (op.media_type === 'audio') audioToRemove.push(...vItems);
    }
    const colourFor = [];
    const used = new Set();
    const list = seqMarkers.getMarkers();
    for (const mk of result.markers) {
      const m = list.find((x) => !used.has(x) && x.getName() === mk.name && x.getStart().ticks === mk.ticks);
      if (m) { used.add(m); colourFor.push([m, colourIndex(ppro, mk.color_name)]); }
    }
    let removeSel = null;
    if (audioToRemove.length) { removeSel = emptySelection(ppro); for (const ti of audioToRemove) removeSel.addItem(ti); }
    const finished = transact(project, label, () => [
      ...toDisable.map((ti) => ti.createSetDisabledAction(true)),
      ...colourFor.map(([m, i]) => m.createSetColorByIndexAction(i)),
      ...(removeSel ? [editor.createRemoveItemsAction(removeSel, false, MT.ANY, false)] : []),
      ...motion.flatMap(([params, tf]) => motionActions(ppro, params, tf)),
    ]);
    if (!finished) throw new Error('Premiere refused to disable alternates, colour markers, drop audio or set Motion (rolled back)');
  } catch (e) {
    await project.deleteSequence(seq);
    return { ok: false, error: `nothing was built (the new sequence was removed): ${e.message}`, problems: [] };
  }
  const readback = await readBack(ppro, seq, result, plan);
  return { ok: true, sequence: { name, timebase: result.ticks_per_frame }, placed, alternates, markers: result.markers.length,
    skipped, readback, mismatches: readback.map((r) => `${r.item}${r.line_ids.length ? ` (${r.line_ids.join(', ')})` : ''}: ${r.problem}`),
    warnings: result.warnings.concat(plan.warnings || [], moving.length ? [`${moving.length} clip(s) keep their first framing: the crop moves but keyframes are not set (${moving.join(', ')})`] : []) };
}

module.exports = { applyPlanUxp, transact, emptySelection, collectClips };
