"""Our interchange files compared element by element with files written by the NLEs themselves
(../shared/media/interchange: Premiere and Hiero FCP7 XML, Final Cut Pro FCPXML, Avid/Premiere
EDLs, Avid AAF, OTIO JSON). Structure, nesting and order, not values."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from roughcut_core.interchange import export
from roughcut_core.interchange.edl import write_edl
from roughcut_core.interchange.fcp7 import write_fcp7
from roughcut_core.interchange.fcpxml import write_fcpxml
from roughcut_core.interchange.model import from_otio
from roughcut_core.interchange.samples import sample_timeline

REF = Path(__file__).resolve().parents[2] / "shared" / "media" / "interchange"
pytestmark = pytest.mark.skipif(not REF.is_dir(), reason=f"{REF} is absent (real NLE reference files)")


def _seq(rate="29.97DF"):
    return from_otio(sample_timeline(rate))


def _children(root, tag):
    return [[c.tag for c in el] for el in root.iter(tag)]


def _order(lists):
    """First-appearance order of child tags over many elements."""
    order: list[str] = []
    for lst in lists:
        for t in lst:
            if t not in order:
                order.append(t)
    return order


FCP7_TAGS = ("sequence", "clipitem", "file", "timecode", "rate", "link", "sourcetrack", "marker", "track",
             "media", "video", "audio", "format", "samplecharacteristics")


def test_fcp7_elements_and_order_match_premiere():
    ours = ET.fromstring(write_fcp7(_seq()))
    refs = [ET.parse(REF / "fcp7_xml" / n).getroot() for n in ("premiere_example.xml", "hiero_xml_export.xml")]
    for tag in FCP7_TAGS:
        ref_lists = [lst for r in refs for lst in _children(r, tag)]
        our_lists = _children(ours, tag)
        assert our_lists, f"we write no <{tag}>"
        known = set(_order(ref_lists))
        unknown = {t for lst in our_lists for t in lst} - known
        assert not unknown, f"<{tag}> children the NLEs never write: {unknown}"
        before = {(a, b) for lst in ref_lists for i, a in enumerate(lst) for b in lst[i + 1:] if a != b}
        for lst in our_lists:
            for i, a in enumerate(lst):
                for b in lst[i + 1:]:
                    assert a == b or (b, a) not in before or (a, b) in before, \
                        f"<{tag}>: the NLEs write <{b}> before <{a}>; ours: {lst}"
    # what every Premiere clipitem carries, ours carry too
    premiere = refs[0]
    common = set.intersection(*[set(lst) for lst in _children(premiere, "clipitem") if "file" in lst])
    core = {"masterclipid", "name", "enabled", "duration", "rate", "start", "end", "in", "out", "file"}
    assert core <= common
    for lst in _children(ours, "clipitem"):
        assert core <= set(lst) and "link" in lst
    # sound items name their source track as Premiere's do
    ref_audio = premiere.findall(".//audio/track/clipitem")
    assert sum(ci.find("sourcetrack") is not None for ci in ref_audio) > len(ref_audio) // 2
    assert all(ci.find("sourcetrack") is not None for ci in ours.findall(".//audio/track/clipitem"))
    assert ours.tag == premiere.tag == "xmeml" and ours.get("version") == premiere.get("version") == "4"
    # the same URL form as Premiere's
    assert all(p.text.startswith("file://localhost/") for p in premiere.iter("pathurl"))
    assert all(p.text.startswith("file://localhost/") for p in ours.iter("pathurl"))


STORY = {"asset-clip", "clip", "ref-clip", "sync-clip", "mc-clip", "gap", "video", "audio", "title"}


def _pairs(root):
    """(parent, child) tag pairs, story elements (clips of any kind, gaps) folded into one."""
    fold = lambda t: "story" if t in STORY else t  # noqa: E731
    return {(fold(parent.tag), fold(child.tag)) for parent in root.iter() for child in parent}


def test_fcpxml_nesting_matches_final_cut():
    ours = ET.fromstring(write_fcpxml(_seq("23.976")))
    ref = ET.parse(REF / "fcpxml" / "fcpx_example.fcpxml").getroot()
    # 1.9+ moved an asset's file URL from asset@src into <media-rep>: the only pair FCP 1.8 lacks
    extra = _pairs(ours) - _pairs(ref) - {("asset", "media-rep")}
    assert not extra, f"nesting Final Cut does not write: {extra}"
    for path in ("resources/format", "resources/asset", "library/event/project/sequence/spine/asset-clip",
                 "library/event/project/sequence/spine/gap"):
        assert ref.find(path) is not None and ours.find(path) is not None, path
    for tag in ("format", "sequence", "asset-clip", "gap", "marker"):
        ref_attrs = {k for el in ref.iter(tag) for k in el.attrib}
        our_attrs = {k for el in ours.iter(tag) for k in el.attrib}
        # attributes FCP writes on every such element, we write too
        needed = {"format": {"id", "frameDuration", "width", "height"}, "sequence": {"format", "duration", "tcStart",
                  "tcFormat"}, "asset-clip": {"ref", "offset", "duration", "name"}, "gap": {"offset", "duration"},
                  "marker": {"start", "duration", "value"}}[tag]
        assert needed <= ref_attrs and needed <= our_attrs, (tag, needed - our_attrs)


_EDL_EVENT = re.compile(r"^\d{3}  \S+\s+\S+\s+C\s+")


def _tc_columns(line):
    return [m.start() for m in re.finditer(r"\d\d[:;]\d\d[:;]\d\d[:;]\d\d", line)]


def test_edl_event_layout_matches_reference_lists():
    refs = [p.read_text(errors="replace").splitlines() for p in sorted((REF / "edl").glob("*.edl"))]
    ref_cols = {tuple(_tc_columns(ln)) for lines in refs for ln in lines if _EDL_EVENT.match(ln)
                and len(ln.split()[1]) <= 8 and len(_tc_columns(ln)) == 4 and "  " in ln[3:5]}
    ours = write_edl(_seq("25"))[""].decode().splitlines()
    events = [ln for ln in ours if _EDL_EVENT.match(ln)]
    assert events
    for ln in events:
        assert tuple(_tc_columns(ln)) in ref_cols, f"columns {tuple(_tc_columns(ln))} not in {ref_cols}: {ln!r}"
    ref_comments = {ln.split(":")[0] for lines in refs for ln in lines if ln.startswith("* ")}
    our_comments = {ln.split(":")[0] for ln in ours if ln.startswith("* ")}
    assert {"* FROM CLIP NAME", "* FROM CLIP", "* SOURCE FILE", "* LOC"} <= ref_comments
    assert our_comments <= ref_comments | {"* SOURCE RATE"}
    assert ours[0].startswith("TITLE:") and ours[1] in ("FCM: NON-DROP FRAME", "FCM: DROP FRAME")


def _chain(mob, slot_id):
    import aaf2

    out = []
    while mob is not None:
        slot = mob.slot_at(slot_id)
        d = getattr(mob, "descriptor", None)
        out.append((type(mob).__name__, type(d).__name__ if d is not None else None))
        seg = slot.segment
        if not isinstance(seg, aaf2.components.SourceClip) or seg.mob is None:
            break
        mob, slot_id = seg.mob, seg.slot_id
    return out


def _aaf_structure(path):
    import aaf2

    with aaf2.open(str(path), "r") as f:
        comp = next(iter(f.content.toplevel()))
        chains, kinds = set(), set()
        for s in comp.slots:
            kinds.add((type(s).__name__, s.segment.media_kind))
            comps = getattr(s.segment, "components", [])
            for c in comps:
                if isinstance(c, aaf2.components.SourceClip) and c.mob is not None:
                    chains.add(tuple(_chain(c.mob, c.slot_id)))
        markers = [set(p.name for p in c.properties()) for s in comp.slots
                   if isinstance(s, aaf2.mobslots.EventMobSlot) for c in s.segment.components]
        return chains, kinds, markers


def test_aaf_mob_chain_and_markers_match_avid(tmp_path):
    (ours,) = export(sample_timeline("24"), tmp_path / "cut.aaf")
    our_chains, our_kinds, our_markers = _aaf_structure(ours)
    ref_chains, _, _ = _aaf_structure(REF / "aaf" / "simple.aaf")
    _, ref_kinds, ref_markers = _aaf_structure(REF / "aaf" / "marker-over-transition.aaf")
    # master mob → file source mob (CDCI picture) → import source mob, as Media Composer links a file
    picture_ref = {c for c in ref_chains if c[1][1] == "CDCIDescriptor"}
    picture_ours = {c for c in our_chains if c[1][1] == "CDCIDescriptor"}
    assert picture_ref and picture_ours and picture_ours <= picture_ref
    assert ("TimelineMobSlot", "Picture") in our_kinds & ref_kinds
    assert ("TimelineMobSlot", "Timecode") in our_kinds & ref_kinds
    assert ("EventMobSlot", "DescriptiveMetadata") in our_kinds or ("EventMobSlot", "Descriptive Metadata") in our_kinds
    needed = {"Comment", "Position", "CommentMarkerColor", "DescribedSlots"}
    assert ref_markers and all(needed <= m for m in ref_markers)
    assert our_markers and all(needed <= m for m in our_markers)


def test_otio_schema_versions_and_urls_match_the_reference(tmp_path):
    import json

    (out,) = export(sample_timeline("25"), tmp_path / "cut.otio")
    ours = out.read_text()
    ref = (REF / "otio" / "premiere_example.otio").read_text()
    schemas = lambda t: set(re.findall(r'"OTIO_SCHEMA": "([^".]+)\.\d+"', t))  # noqa: E731
    for s in ("Timeline", "Stack", "Track", "Clip", "ExternalReference", "Marker"):
        assert s in schemas(ref) and s in schemas(ours), s
    urls = re.findall(r'"target_url": "([^"]+)"', ours)
    assert urls and all(u.startswith("file:///") for u in urls)
    assert all(u.startswith("file://") for u in re.findall(r'"target_url": "([^"]+)"', ref))
    comments = [m.get("comment") for m in _markers(json.loads(ours))]
    assert comments and all(comments)


def _markers(node):
    if isinstance(node, dict):
        if str(node.get("OTIO_SCHEMA", "")).startswith("Marker"):
            yield node
        for v in node.values():
            yield from _markers(v)
    elif isinstance(node, list):
        for v in node:
            yield from _markers(v)
