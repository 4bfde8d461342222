/*
 * Cut-down crops in Premiere's UXP API: the sequence frame size and each clip's Motion effect.
 *
 * Contract (only for a plan whose timeline carries `cutdown`; ordinary plans are untouched):
 *   - transformsOf(plan) -> Map(item id -> {premiere: {scale, position_norm}, moves}) from each item's
 *     `transform.premiere` (roughcut_core/cutdown/transforms.py); `moves` when it has several keys;
 *   - setFrameSize(seq, w, h): Sequence.getSettings() -> SequenceSettings.getVideoFrameRect() (RectF,
 *     width/height writable) -> setVideoFrameRect -> Sequence.setSettings, checked with getFrameSize()
 *     (D sequence.md, sequencesettings.md, rectf.md); throws when it does not read back;
 *   - motionParams(project, videoTrackItem) -> {position, scale} ComponentParams of the component whose
 *     match name ends "ADBE Motion" (D videocliptrackitem.md getComponentChain, videocomponentchain.md,
 *     component.md: chain/param reads are sync and done inside lockedAccess, getMatchName is a Promise
 *     awaited outside it), or null;
 *   - motionActions(ppro, params, tf): called inside lockedAccess: createKeyframe(value) then
 *     createSetValueAction(keyframe, true) (D componentparam.md) for Scale (percent of the source's
 *     pixels) and Position (new ppro.PointF(x, y), a fraction of the frame: position_norm).
 * The first framing only: a moving crop keeps its first key (keyframes: left out, see the report).
 */
'use strict';

const MOTION = /ADBE Motion$/;

function transformsOf(plan) {
  const out = new Map();
  if (!plan || !plan.timeline || !plan.timeline.cutdown) return out;
  for (const it of plan.items || []) {
    if (it.transform && it.transform.premiere) out.set(it.id, { premiere: it.transform.premiere, moves: (it.transform_keys || []).length > 1 });
  }
  return out;
}

async function setFrameSize(seq, width, height) {
  const settings = await seq.getSettings();
  const rect = await settings.getVideoFrameRect();
  rect.width = width;
  rect.height = height;
  if ((await settings.setVideoFrameRect(rect)) === false || (await seq.setSettings(settings)) === false) {
    throw new Error(`Premiere refused the frame size ${width}x${height}`);
  }
  const size = await seq.getFrameSize();
  if (size.width !== width || size.height !== height) {
    throw new Error(`the sequence frame size reads back as ${size.width}x${size.height}, not ${width}x${height}`);
  }
}

async function motionParams(project, trackItem) {
  const chain = await trackItem.getComponentChain();
  const comps = [];
  project.lockedAccess(() => {
    const n = chain.getComponentCount();
    for (let i = 0; i < n; i++) comps.push(chain.getComponentAtIndex(i));
  });
  for (const c of comps) {
    if (!MOTION.test(await c.getMatchName())) continue;
    const found = {};
    project.lockedAccess(() => {
      const n = c.getParamCount();
      for (let j = 0; j < n; j++) {
        const p = c.getParam(j);
        if (p.displayName === 'Position') found.position = p;
        else if (p.displayName === 'Scale') found.scale = p;
      }
    });
    if (found.position && found.scale) return found;
  }
  return null;
}

function motionActions(ppro, params, tf) {
  const point = new ppro.PointF(tf.position_norm[0], tf.position_norm[1]);
  return [params.scale.createSetValueAction(params.scale.createKeyframe(tf.scale), true),
    params.position.createSetValueAction(params.position.createKeyframe(point), true)];
}

module.exports = { transformsOf, setFrameSize, motionParams, motionActions };
