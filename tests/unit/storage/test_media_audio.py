"""Audio: real type from the bytes, durations from container headers; the upload rules and plans."""

from __future__ import annotations

import io

import pytest

from backend.storage import audio
from backend.storage.rules import (
    MediaRefused,
    PartPlan,
    canonical_type,
    check_declaration,
    clean_filename,
    part_length,
    plan_parts,
    variant_key,
)
from backend.storage.sniff import sniff
from tests.unit.storage import samples

SHA = "ab" * 32


def test_wav_duration_is_exact():
    assert audio.duration(io.BytesIO(samples.wav(1.5)), "audio/wav") == 1.5
    assert audio.duration(io.BytesIO(samples.wav(61.25, rate=16000)), "audio/wav") == 61.25


def test_webm_duration_from_segment_info():
    assert audio.duration(io.BytesIO(samples.webm(2500.0)), "audio/webm") == 2.5
    assert audio.duration(io.BytesIO(samples.webm(2500.0, scale=1_000_000_0)), "audio/webm") == 25.0


@pytest.mark.parametrize("live", [True, False])
def test_webm_without_duration_ends_at_its_last_block(live):
    """MediaRecorder writes no Duration (and unknown sizes): the last block's start time stands in."""
    assert audio.duration(io.BytesIO(samples.webm(None, live=live)), "audio/webm") == 2.48
    assert audio.duration(io.BytesIO(samples.webm(None, clusters=())), "audio/webm") is None


def test_ogg_opus_duration_from_last_granule():
    assert audio.duration(io.BytesIO(samples.ogg_opus(3.0)), "audio/ogg") == 3.0


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("moov_last", [True, False])
def test_mp4_duration_from_mvhd(version, moov_last):
    data = samples.mp4(4.2, version=version, moov_last=moov_last)
    assert audio.duration(io.BytesIO(data), "audio/mp4") == 4.2


@pytest.mark.parametrize("make,content_type", [(samples.wav, "audio/wav"), (lambda: samples.webm(None), "audio/webm"),
                                               (samples.ogg_opus, "audio/ogg"), (samples.mp4, "audio/mp4"),
                                               (samples.mp3_cbr, "audio/mpeg"),
                                               (lambda: samples.mp3_xing(9), "audio/mpeg")])
def test_truncated_files_never_raise(make, content_type):
    data = make()
    for cut in range(0, len(data), 7):
        found = audio.duration(io.BytesIO(data[:cut]), content_type)
        assert found is None or found >= 0


def test_mp3_duration_from_its_bit_rate_or_its_frame_count():
    exact = 100 * 1152 / 44100  # 2.612 s; the bit rate gives 417-byte frames (2.606 s): padding is not counted
    assert audio.duration(io.BytesIO(samples.mp3_cbr(100)), "audio/mpeg") == pytest.approx(exact, rel=0.01)
    assert audio.duration(io.BytesIO(samples.mp3_cbr(100, id3v1=True)), "audio/mpeg") == pytest.approx(exact, rel=0.01)
    assert audio.duration(io.BytesIO(samples.mp3_xing(500)), "audio/mpeg") == round(500 * 1152 / 44100, 3)
    assert audio.duration(io.BytesIO(samples.mp3_xing(300, vbri=True)), "audio/mpeg") == round(300 * 1152 / 44100, 3)
    mpeg2_mono = b"\xff\xf3\x80\xc4"  # MPEG-2 layer III, 64 kbit/s, 22.05 kHz, mono: 576 samples a frame
    assert audio.duration(io.BytesIO(samples.mp3_xing(1000, header=mpeg2_mono, side=9)), "audio/mpeg") == \
        round(1000 * 576 / 22050, 3)


def test_garbage_has_no_duration():
    assert audio.duration(io.BytesIO(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 400), "audio/mpeg") is None
    for content_type in ("audio/wav", "audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg"):
        assert audio.duration(io.BytesIO(b"\x00" * 10 + b"\xff" * 50), content_type) is None


@pytest.mark.parametrize("make,content_type", [
    (samples.wav, "audio/wav"), (samples.webm, "audio/webm"), (samples.ogg_opus, "audio/ogg"),
    (samples.mp4, "audio/mp4"), (samples.mp3, "audio/mpeg"), (samples.jpeg, "image/jpeg"),
    (samples.png, "image/png")])
def test_sniff_recognises_each_type(make, content_type):
    assert sniff(make()[:64]) == content_type


def test_adts_aac_and_text_are_not_audio():
    assert sniff(b"\xff\xf1\x50\x80" + b"\x00" * 60) is None
    assert sniff(b"<html><script>alert(1)</script>") is None


def test_declarations():
    ok = {"sha256": SHA, "size": 10, "content_type": "audio/webm;codecs=opus", "kind": "audio", "max_bytes": 100}
    assert check_declaration(**ok) == "audio/webm"
    for change, code, status in [({"sha256": "xyz"}, "media.sha256", 422), ({"size": 0}, "media.size", 422),
                                 ({"size": 101}, "media.too_large", 413), ({"kind": "video"}, "media.kind", 422),
                                 ({"content_type": "image/png"}, "media.type", 415),
                                 ({"content_type": "text/html"}, "media.type", 415)]:
        with pytest.raises(MediaRefused) as refused:
            check_declaration(**{**ok, **change})
        assert (refused.value.code, refused.value.status) == (code, status)
    assert canonical_type("Audio/X-M4A") == "audio/mp4" and canonical_type("image/jpg") == "image/jpeg"


def test_signatures_are_png_only():
    with pytest.raises(MediaRefused):
        check_declaration(sha256=SHA, size=1, content_type="image/jpeg", kind="signature", max_bytes=10)


@pytest.mark.parametrize("name,cleaned", [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\x\\..\\photo.jpg", "photo.jpg"), (".hidden", "hidden"),
    ("a\x00b<>.jpg", "a_b__.jpg"), ("照片 1.jpg", "照片 1.jpg"), ("..", None), ("", None), (None, None)])
def test_file_names_are_information_only(name, cleaned):
    assert clean_filename(name) == cleaned


def test_part_plans():
    mib = 1024 * 1024
    assert plan_parts(8 * mib, threshold=8 * mib, part_size=8 * mib) == PartPlan(0, 0)
    plan = plan_parts(20 * mib + 1, threshold=8 * mib, part_size=8 * mib)
    assert plan == PartPlan(8 * mib, 3) and plan.multipart
    assert [part_length(20 * mib + 1, plan, n) for n in (1, 2, 3)] == [8 * mib, 8 * mib, 4 * mib + 1]
    with pytest.raises(MediaRefused):
        part_length(20 * mib + 1, plan, 4)
    huge = plan_parts(200_000 * mib, threshold=8 * mib, part_size=8 * mib)
    assert huge.part_count <= 10_000 and huge.part_size * huge.part_count >= 200_000 * mib


def test_keys_are_content_addressed():
    assert variant_key(SHA, "original") == f"media/ab/{SHA}"
    assert variant_key(SHA, "thumb") == f"thumb/ab/{SHA}.jpg"
