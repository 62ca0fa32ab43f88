"""Photos and signatures through Pillow: real type, evidence from EXIF, oriented display copy and thumbnail.

Capture time and GPS are read from EXIF before anything is re-encoded (a re-saved image has no EXIF) and
returned as evidence metadata; the display copy and thumbnail are new JPEGs without any EXIF, so they may
be published. Pixel counts above the configured limit are refused before decoding (decompression bombs).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any, BinaryIO

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from backend.storage.rules import MediaRefused

pillow_heif.register_heif_opener(thumbnails=False)
# Pillow only warns between its limit and twice that; a bomb must be a refusal, never a warning in a log.
warnings.simplefilter("error", Image.DecompressionBombWarning)

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
DISPLAY_PX, THUMB_PX = 1600, 320
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
ORIENTATION, MAKE, MODEL, DATETIME_ORIGINAL, OFFSET_ORIGINAL = 0x0112, 0x010F, 0x0110, 0x9003, 0x9011


def configure(max_pixels: int) -> None:
    """Make Pillow's own bomb check agree with the configured limit (it applies inside Image.open)."""
    Image.MAX_IMAGE_PIXELS = max_pixels


@dataclass(frozen=True)
class Photo:
    """A processed photo: evidence metadata and the EXIF-free display copy and thumbnail (JPEG bytes)."""

    meta: dict[str, Any]
    display: bytes
    thumb: bytes


def _open(data: BinaryIO, max_pixels: int, formats: tuple[str, ...]) -> Image.Image:
    """Open lazily (header only), refusing other formats and too many pixels before any decoding."""
    try:
        img = Image.open(data, formats=list(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaRefused("media.unreadable", "无法读取图像", f"the image cannot be read ({exc})") from None
    if img.width * img.height > max_pixels:
        raise _bomb(max_pixels)
    return img


def _bomb(max_pixels: int) -> MediaRefused:
    return MediaRefused("media.too_many_pixels", f"图像像素超过{max_pixels}上限", f"image exceeds {max_pixels} pixels")


def _decode(img: Image.Image) -> None:
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRefused("media.unreadable", "图像数据损坏", f"the image data is damaged ({exc})") from None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _degrees(dms: Any, ref: Any, limit: float) -> float | None:
    """Degrees/minutes/seconds rationals and an N/S/E/W reference as signed decimal degrees."""
    try:
        d, m, s = (_number(v) for v in dms)
    except (TypeError, ValueError):
        return None
    if d is None or m is None or s is None:
        return None
    value = d + m / 60 + s / 3600
    if str(ref).strip().upper() in ("S", "W"):
        value = -value
    return round(value, 7) if -limit <= value <= limit else None


def _gps(gps: dict) -> dict | None:
    lat, lon = _degrees(gps.get(2), gps.get(1, "N"), 90), _degrees(gps.get(4), gps.get(3, "E"), 180)
    if lat is None or lon is None:
        return None
    point: dict[str, Any] = {"lat": lat, "lon": lon}
    if (alt := _number(gps.get(6))) is not None:
        point["alt"] = round(-alt if gps.get(5) in (1, b"\x01") else alt, 2)
    stamp, day = gps.get(7), gps.get(29)
    if stamp and day and len(stamp) == 3 and None not in (hms := [_number(v) for v in stamp]):
        point["utc"] = f"{str(day).replace(':', '-')}T{int(hms[0]):02d}:{int(hms[1]):02d}:{int(hms[2]):02d}Z"
    return point


def _text(value: Any) -> str | None:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = str(text).strip("\x00 ") if text is not None else ""
    return text[:100] or None


def evidence(img: Image.Image) -> dict[str, Any]:
    """Capture time (as the camera wrote it, with its UTC offset if any), GPS position and camera, from EXIF."""
    exif = img.getexif()
    details, gps = exif.get_ifd(EXIF_IFD), exif.get_ifd(GPS_IFD)
    found: dict[str, Any] = {}
    taken = _text(details.get(DATETIME_ORIGINAL) or exif.get(0x0132))
    if taken and len(taken) >= 19 and taken[4] == ":" and taken[7] == ":":
        found["taken_at"] = taken[:10].replace(":", "-") + "T" + taken[11:19] + (_text(details.get(OFFSET_ORIGINAL))
                                                                                   or "")
    if gps and (point := _gps(gps)):
        found["gps"] = point
    camera = " ".join(t for t in (_text(exif.get(MAKE)), _text(exif.get(MODEL))) if t)
    if camera:
        found["camera"] = camera
    found["orientation"] = img.info.get("original_orientation") or exif.get(ORIENTATION) or 1
    return found


def _jpeg(img: Image.Image, quality: int, icc: bytes | None) -> bytes:
    """A fresh JPEG with no metadata but the colour profile: Pillow writes EXIF only when it is passed."""
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, optimize=True, icc_profile=icc)
    return out.getvalue()


def _rgb(img: Image.Image) -> Image.Image:
    """RGB pixels; transparency composited onto white (signatures, screenshots)."""
    if img.mode in ("RGBA", "LA", "P", "PA"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def process_photo(data: BinaryIO, *, max_pixels: int, display_px: int = DISPLAY_PX,
                  thumb_px: int = THUMB_PX) -> Photo:
    """Evidence metadata plus an oriented display copy (≤ display_px, q82) and thumbnail (≤ thumb_px, q75)."""
    img = _open(data, max_pixels, tuple(FORMATS))
    meta = {"format": FORMATS[img.format], **evidence(img)}
    meta["width"], meta["height"] = _upright(img.size, meta["orientation"], img.format)
    if img.format == "JPEG":
        # decode at the smallest DCT scale still at least display size: ~3× faster on camera JPEGs
        scale = display_px / max(img.size)
        img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))
    _decode(img)
    oriented = ImageOps.exif_transpose(img)
    icc = img.info.get("icc_profile")
    display = _rgb(oriented)
    display.thumbnail((display_px, display_px), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((thumb_px, thumb_px), Image.Resampling.LANCZOS)
    return Photo(meta=meta, display=_jpeg(display, 82, icc), thumb=_jpeg(thumb, 75, icc))


def _upright(size: tuple[int, int], orientation: int, fmt: str) -> tuple[int, int]:
    """The full-resolution size as seen upright (libheif has already turned HEIF pixels)."""
    turned = fmt != "HEIF" and orientation in (5, 6, 7, 8)
    return (size[1], size[0]) if turned else size


def check_signature(data: BinaryIO, *, max_pixels: int) -> dict[str, Any]:
    """A signature must be a PNG that decodes within the pixel limit; returns its size."""
    img = _open(data, max_pixels, ("PNG",))
    _decode(img)
    return {"format": "image/png", "width": img.width, "height": img.height}
