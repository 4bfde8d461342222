"""Facing camera on real faces (issue 13): head yaw from the picture stage against faces labelled by eye.

Contract: :func:`facing_rows(media)` decodes the three real clips of ``../shared/media`` that show
faces in several poses (the OpenMPF handheld selfie and group clips, the Chaplin excerpt), runs
the picture stage's detector, face mesh and :mod:`roughcut_core.picture.pose` on the sampled
frames, and compares ``facing_score >= 0.5`` with :data:`FACES`: faces a person labelled by eye
from contact sheets of the detections (13a, 2026-12-07): *facing* = full face to a mild
three-quarter view, *turned* = strong three-quarter view to profile. Blurred, occluded (hands,
phones) and ambiguous faces, and a second detection of the same face, were left out. A label is
matched to the detection nearest its box centre at its sample time. Each row: clip, time,
label, yaw (degrees), which estimate gave it (mesh / keypoints), ok. :func:`summary(rows)` gives
accuracy overall and per label. Only three *turned* faces exist in the shared media (one film),
so recall on profiles rests on very few faces; GRID is frontal only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

NF = "video_faces_speaking/openmpf_new_face_video-90.mp4"
V1 = "video_faces_speaking/openmpf_video_01.mp4"
CH = "archival_film/moviepy_chaplin.mp4"
SAMPLE_FPS = {NF: 1.0, V1: 2.0, CH: 2.0}  # the rates the contact sheets were sampled at

# (clip, sample time s, labelled box (x, y, w, h) normalised, facing the camera)
FACES = (
    (NF, 0.0, (0.2248, 0.1762, 0.296, 0.3946), True),  # sheet #0
    (NF, 0.968, (0.2622, 0.2294, 0.3315, 0.442), True),  # sheet #1
    (NF, 2.002, (0.3559, 0.3742, 0.3395, 0.4527), True),  # sheet #2
    (NF, 2.97, (0.2933, 0.1789, 0.3476, 0.4635), True),  # sheet #3
    (NF, 4.004, (0.2596, 0.1959, 0.3723, 0.4964), True),  # sheet #4
    (NF, 4.972, (0.3987, 0.2246, 0.2579, 0.3438), True),  # sheet #5
    (NF, 5.973, (0.2842, 0.0, 0.3524, 0.4238), True),  # sheet #6
    (NF, 7.007, (0.3444, 0.0, 0.3584, 0.3975), True),  # sheet #7
    (NF, 8.008, (0.3956, 0.1266, 0.4127, 0.5502), True),  # sheet #8
    (NF, 9.009, (0.7157, 0.3094, 0.2505, 0.334), True),  # sheet #9
    (NF, 9.009, (0.1478, 0.4123, 0.2716, 0.3621), True),  # sheet #10
    (NF, 10.01, (0.3753, 0.2161, 0.2769, 0.3692), True),  # sheet #11
    (NF, 15.015, (0.0535, 0.0, 0.563, 0.7135), True),  # sheet #12
    (V1, 0.0, (0.1339, 0.1882, 0.1017, 0.1356), True),  # sheet #13
    (V1, 0.0, (0.3832, 0.2916, 0.0629, 0.0839), True),  # sheet #14
    (V1, 0.0, (0.6383, 0.3647, 0.0423, 0.0564), True),  # sheet #15
    (V1, 0.501, (0.1387, 0.2514, 0.096, 0.1279), True),  # sheet #20
    (V1, 0.501, (0.3615, 0.333, 0.0604, 0.0805), True),  # sheet #21
    (V1, 1.001, (0.1398, 0.3564, 0.0907, 0.1209), True),  # sheet #24
    (V1, 1.001, (0.3504, 0.4353, 0.0604, 0.0806), True),  # sheet #25
    (V1, 1.001, (0.6036, 0.5026, 0.0404, 0.0539), True),  # sheet #27
    (V1, 1.501, (0.3679, 0.3924, 0.0617, 0.0823), True),  # sheet #29
    (V1, 1.501, (0.1534, 0.3076, 0.0924, 0.1232), True),  # sheet #30
    (V1, 2.002, (0.3729, 0.3828, 0.0602, 0.0803), True),  # sheet #34
    (V1, 2.002, (0.1543, 0.3016, 0.0914, 0.1219), True),  # sheet #35
    (V1, 2.502, (0.1458, 0.2902, 0.0941, 0.1254), True),  # sheet #39
    (V1, 2.502, (0.375, 0.3751, 0.0615, 0.0819), True),  # sheet #40
    (V1, 2.502, (0.6159, 0.4437, 0.042, 0.0559), True),  # sheet #43
    (V1, 2.97, (0.1428, 0.2895, 0.0939, 0.1253), True),  # sheet #45
    (V1, 2.97, (0.3774, 0.3746, 0.0609, 0.0812), True),  # sheet #46
    (CH, 4.96, (0.5645, 0.1222, 0.0558, 0.0991), True),  # sheet #58
    (CH, 6.52, (0.5934, 0.1201, 0.0603, 0.1072), True),  # sheet #60
    (CH, 7.52, (0.5622, 0.1254, 0.0534, 0.0949), True),  # sheet #63
    (CH, 8.04, (0.5486, 0.1292, 0.0668, 0.1188), True),  # sheet #65
    (CH, 8.04, (0.2897, 0.1609, 0.0555, 0.0987), True),  # sheet #66
    (CH, 8.48, (0.2748, 0.1719, 0.0463, 0.0823), True),  # sheet #68
    (CH, 1.0, (0.2948, 0.1454, 0.0734, 0.1305), False),  # sheet #50
    (CH, 2.48, (0.2208, 0.1749, 0.0391, 0.0695), False),  # sheet #52
    (CH, 9.0, (0.5438, 0.1494, 0.0663, 0.1178), False),  # sheet #69
)


def facing_rows(media: Path) -> list[dict]:
    """One row per labelled face (see the module contract); clips that are absent are skipped."""
    import numpy as np

    from ..picture.decode import iter_decoded
    from ..picture.detector import FaceDetector, detect_multiscale
    from ..picture.landmarks import FaceLandmarker
    from ..picture.pose import facing_score, yaw_from_keypoints, yaw_from_mesh

    detector, landmarker = FaceDetector("full", 0.5), FaceLandmarker()
    rows = []
    for clip, fps in SAMPLE_FPS.items():
        path = Path(media) / clip
        want = [f for f in FACES if f[0] == clip]
        if not path.is_file() or not want:
            continue
        for fr in iter_decoded(str(path), fps, max_width=640):
            here = [f for f in want if fr.rgb is not None and abs(f[1] - fr.t) < 0.02]
            if not here:
                continue
            dets = detect_multiscale(detector, fr.rgb)
            for _, t, box, facing in here:
                centre = np.array(box[:2]) + np.array(box[2:]) / 2
                det = min(dets, key=lambda d: float(np.linalg.norm(np.array(d.box[:2]) + np.array(d.box[2:]) / 2
                                                                 - centre)), default=None)
                if det is None:
                    rows.append({"clip": Path(clip).name, "t": t, "facing": facing, "yaw": None, "ok": False})
                    continue
                mesh = landmarker.landmarks(fr.rgb, det)
                yaw: Optional[float] = yaw_from_mesh(mesh.points) if mesh is not None else None
                source = "mesh" if yaw is not None else "keypoints"
                if yaw is None:
                    yaw = yaw_from_keypoints(det.keypoints)
                score = facing_score(yaw)
                rows.append({"clip": Path(clip).name, "t": t, "facing": facing, "source": source,
                             "yaw": None if yaw is None else round(yaw, 1),
                             "ok": score is not None and (score >= 0.5) == facing})
    return rows


def summary(rows: list[dict]) -> dict:
    def acc(rs):
        return round(sum(r["ok"] for r in rs) / len(rs), 3) if rs else None

    facing = [r for r in rows if r["facing"]]
    turned = [r for r in rows if not r["facing"]]
    return {"faces": len(rows), "accuracy": acc(rows), "facing_n": len(facing), "facing_accuracy": acc(facing),
            "turned_n": len(turned), "turned_accuracy": acc(turned)}
