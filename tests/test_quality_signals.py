"""`bench quality` cuts readings carrying the signals `roughcut cut` gives them (issue 14): the
picture's on/off camera and lip sync, and the face's, beside the performance signals; before,
the bench's readings had only the sound's, so its cut was not the one a user gets."""
from roughcut_core.bench import quality
from roughcut_core.pipeline import PipelineOptions, RoughCutPipeline


def test_bench_readings_carry_the_picture_and_face_signals_of_the_cut(tmp_path, grid_clip):
    script_path = tmp_path / "grid.fountain"
    script_path.write_text("INT. STUDIO - DAY\n\nTALKER\nBin blue at F two now.\n", encoding="utf-8")
    pipeline = RoughCutPipeline(PipelineOptions(cache_dir=str(tmp_path / "cache")))
    script, analyses = quality._analyse([grid_clip], script_path, pipeline)
    readings = quality._with_performance(pipeline, script, analyses, None)
    assert readings, "the line was not found in the clip"
    sig = readings[0].signals
    # the picture's (add_picture_signals over the scene's cast binding) ...
    assert sig.get("speaker_in_frame") == 1.0 and sig.get("on_camera", 0.0) >= 0.5
    # ... the face's (perform.performance_signals with picture) and the sound's
    assert "face_size" in sig and "eyes_open_in" in sig
    assert "snr_db" in sig or "level_rel_db" in sig or "pitch_range_st" in sig
