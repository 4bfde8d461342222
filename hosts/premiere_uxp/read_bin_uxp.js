/*
 * The Project panel selection as the bridge's media list, through require("premierepro"):
 * ProjectUtils.getSelection(project) → the selected bins (walked, sub-bins too) and clips;
 * sequences are skipped. Same answer as roughcut.jsx's roughcut_readBin:
 *   {ok: true, clips: [{path, host_id, name, fps, rate, duration_frames, start_frame,
 *                       start_ticks, offline}], rates: ["24000/1001", …], bins: [names]}
 *   {ok: false, error}
 * host_id is ProjectItem.getId() (ClipProjectItem lists no getId, D clipprojectitem.md).
 * Start timecode and duration come from ClipProjectItem.getMedia() (Media.start/duration,
 * TickTimes) divided by the clip's ticks per frame; unknown values are null.
 */
'use strict';

const { rateFromFps, ticksPerFrame } = require('./plan_ops.js');

async function describe(ppro, item, clip) {
  const interp = await clip.getFootageInterpretation();
  const fps = interp ? interp.getFrameRate() : 0;
  const rate = rateFromFps(fps);
  let startTicks = null, start = null, frames = null;
  try {
    const media = await clip.getMedia();
    if (media) {
      const s = await media.start, d = await media.duration;
      if (s) startTicks = String(s.ticks);
      if (rate && s) start = Math.round(Number(s.ticks) / ticksPerFrame(rate));
      if (rate && d) frames = Math.round(Number(d.ticks) / ticksPerFrame(rate));
    }
  } catch (e) { /* no Media on this item: leave start and duration unknown */ }
  return { path: await clip.getMediaFilePath(), host_id: String(item.getId()), name: item.name, fps, rate,
    duration_frames: frames, start_frame: start, start_ticks: startTicks, offline: !!(await clip.isOffline()) };
}

async function walk(ppro, item, out, seen) {
  const folder = ppro.FolderItem.cast(item);
  if (folder) {
    for (const child of await folder.getItems()) await walk(ppro, child, out, seen);
    return;
  }
  const clip = ppro.ClipProjectItem.cast(item);
  if (!clip || (await clip.isSequence())) return;
  const id = String(item.getId());
  if (seen.has(id)) return;
  seen.add(id);
  out.push(await describe(ppro, item, clip));
}

async function readBinUxp(ppro) {
  try {
    const project = await ppro.Project.getActiveProject();
    if (!project) return { ok: false, error: 'no project is open in Premiere Pro' };
    const selection = await ppro.ProjectUtils.getSelection(project);
    const items = selection ? await selection.getItems() : [];
    if (!items || !items.length) return { ok: false, error: 'nothing selected: select a bin (or clips) in the Project panel' };
    const clips = [], bins = [], seen = new Set();
    for (const item of items) {
      if (ppro.FolderItem.cast(item)) bins.push(item.name);
      await walk(ppro, item, clips, seen);
    }
    if (!clips.length) return { ok: false, error: 'the selection holds no media clips (sequences and empty bins are skipped)' };
    const rates = [...new Set(clips.map((c) => (c.rate ? `${c.rate[0]}/${c.rate[1]}` : 'unknown')))];
    return { ok: true, clips, rates, bins };
  } catch (e) {
    return { ok: false, error: `reading the bin failed: ${e.message}` };
  }
}

module.exports = { readBinUxp };
