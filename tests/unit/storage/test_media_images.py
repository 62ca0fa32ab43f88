"""Photos: EXIF orientation applied, evidence kept in metadata yet absent from the copies, bombs and fakes refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from backend.storage import images
from backend.storage.rules import MediaRefused
from backend.storage.sniff import check_content, sniff
from tests.unit.storage import samples


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def _is_upright(img: Image.Image) -> bool:
    """Red top-left quadrant, blue elsewhere (JPEG-tolerant)."""
    w, h = img.size
    top_left, top_right = img.getpixel((w // 4, h // 4)), img.getpixel((3 * w // 4, h // 4))
    bottom_left = img.getpixel((w // 4, 3 * h // 4))
    return top_left[0] > 180 > top_left[2] and top_right[2] > 180 > top_right[0] and bottom_left[2] > 180


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied(orientation):
    photo = images.process_photo(io.BytesIO(samples.jpeg(orientation)), max_pixels=10**8)
    display, thumb = _open(photo.display), _open(photo.thumb)
    assert display.size == (600, 400) and thumb.size == (320, 213)
    assert _is_upright(display) and _is_upright(thumb)
    assert photo.meta["orientation"] == orientation and (photo.meta["width"], photo.meta["height"]) == (600, 400)


def test_orientation_six_means_turn_clockwise():
    """EXIF: orientation 6 stores the picture turned a quarter counter-clockwise; shown, it is turned back."""
    stored = samples.upright().rotate(90, expand=True)  # Pillow rotates counter-clockwise
    data = samples.encode(stored, "JPEG", quality=95, exif=samples.exif(6))
    assert _is_upright(_open(images.process_photo(io.BytesIO(data), max_pixels=10**8).display))


def test_capture_time_gps_and_camera_are_evidence():
    meta = images.process_photo(io.BytesIO(samples.jpeg(6)), max_pixels=10**8).meta
    assert meta["taken_at"] == "2026-11-23T10:15:00+08:00" and meta["camera"] == "Huawei P60"
    assert meta["gps"] == {"lat": pytest.approx(31.2418056), "lon": pytest.approx(121.4670139), "alt": 12.5,
                           "utc": "2026-11-23T02:15:00Z"}


def test_copies_carry_no_exif_gps_or_time():
    photo = images.process_photo(io.BytesIO(samples.jpeg(3)), max_pixels=10**8)
    for data in (photo.display, photo.thumb):
        img = _open(data)
        assert not img.getexif() and "exif" not in img.info
        assert b"Exif" not in data and b"2026:11:23" not in data and b"Huawei" not in data


def test_southern_western_and_missing_gps():
    data = samples.jpeg()
    img = Image.open(io.BytesIO(data))
    tags = img.getexif()
    tags.get_ifd(0x8825).update({1: "S", 3: "W"})
    meta = images.evidence(Image.open(io.BytesIO(samples.encode(img, "JPEG", exif=tags))))
    assert meta["gps"]["lat"] < 0 and meta["gps"]["lon"] < 0
    assert "gps" not in images.process_photo(io.BytesIO(samples.jpeg(gps=False)), max_pixels=10**8).meta


def test_large_photo_is_scaled_to_display_and_thumbnail_bounds():
    photo = images.process_photo(io.BytesIO(samples.jpeg(8, size=(4000, 3000))), max_pixels=10**8)
    assert _open(photo.display).size == (1600, 1200) and _open(photo.thumb).size == (320, 240)
    assert (photo.meta["width"], photo.meta["height"]) == (4000, 3000) and _is_upright(_open(photo.display))


QUIET_BOMB = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


@QUIET_BOMB
def test_decompression_bomb_is_refused_before_decoding():
    bomb = samples.encode(Image.new("1", (12_000, 10_000)), "PNG")  # 120 MP in a few kilobytes
    assert len(bomb) < 200_000
    with pytest.raises(MediaRefused) as refused:
        images.process_photo(io.BytesIO(bomb), max_pixels=50_000_000)
    assert refused.value.code == "media.too_many_pixels"


@QUIET_BOMB
@pytest.mark.parametrize("size", [(150, 100), (200, 150)])
def test_over_the_configured_limit_is_refused_where_pillow_would_only_warn(size):
    """Pillow warns from its limit to twice that and raises beyond; both are refusals here."""
    previous = Image.MAX_IMAGE_PIXELS
    images.configure(10_000)
    try:
        with pytest.raises(MediaRefused) as refused:
            images.process_photo(io.BytesIO(samples.jpeg(size=size)), max_pixels=10_000)
        assert refused.value.code == "media.too_many_pixels"
    finally:
        images.configure(previous)


def test_heic_is_accepted_upright_with_evidence():
    data = samples.heic(6)
    assert sniff(data[:64]) == "image/heic" and check_content(data[:64], "image/heif") == "image/heic"
    photo = images.process_photo(io.BytesIO(data), max_pixels=10**8)
    assert photo.meta["format"] == "image/heic" and photo.meta["orientation"] == 6
    assert photo.meta["gps"]["lat"] == pytest.approx(31.2418056)
    assert _open(photo.display).size == (400, 600) and b"Exif" not in photo.display


@pytest.mark.parametrize("fmt,content_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_photos(fmt, content_type):
    data = samples.encode(samples.upright(), fmt)
    assert sniff(data[:64]) == content_type
    photo = images.process_photo(io.BytesIO(data), max_pixels=10**8)
    assert photo.meta["format"] == content_type and _is_upright(_open(photo.display))


def test_damaged_or_foreign_bytes_are_refused():
    for data in (samples.jpeg()[:400], b"GIF89a" + b"\x00" * 100, samples.wav()):
        with pytest.raises(MediaRefused):
            images.process_photo(io.BytesIO(data), max_pixels=10**8)


def test_signature_must_be_a_png():
    assert images.check_signature(io.BytesIO(samples.png()), max_pixels=10**8) == {
        "format": "image/png", "width": 300, "height": 120}
    with pytest.raises(MediaRefused):
        images.check_signature(io.BytesIO(samples.jpeg()), max_pixels=10**8)


@pytest.mark.parametrize("declared", ["image/png", "image/webp", "image/heic", "audio/mpeg"])
def test_declared_type_must_match_the_content(declared):
    with pytest.raises(MediaRefused) as refused:
        check_content(samples.jpeg()[:64], declared)
    assert refused.value.code == "media.content_mismatch"
