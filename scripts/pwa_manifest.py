"""The field app's build step: draw its icons (Pillow) and print its versioned precache manifest.

    .venv/bin/python scripts/pwa_manifest.py            # the manifest the server serves as /app/precache.js
    .venv/bin/python scripts/pwa_manifest.py --icons    # (re)draw pwa/icons/*.png, then print the manifest

The server computes the same manifest from the files at start (backend/web/shell.py), so a stale build
can never be served; this script shows it and makes the icons, which are committed (a few KB).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.web.shell import PWA_DIR, precache_manifest, shell_files  # noqa: E402

BLUE, WHITE = (11, 79, 138), (255, 255, 255)
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def draw_icon(size: int, *, maskable: bool) -> "Image.Image":
    """A blue tile with 抽 (or, without a CJK font, a check mark); maskable icons keep a safe margin."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), BLUE if maskable else WHITE)
    draw = ImageDraw.Draw(image)
    inset = 0 if maskable else size // 16
    if not maskable:
        draw.rounded_rectangle((inset, inset, size - inset, size - inset), radius=size // 6, fill=BLUE)
    font_path = next((f for f in FONTS if Path(f).exists()), None)
    if font_path:
        font = ImageFont.truetype(font_path, int(size * (0.42 if maskable else 0.55)))
        draw.text((size / 2, size / 2), "抽", font=font, fill=WHITE, anchor="mm")
    else:
        w = size // 14
        draw.line([(size * 0.3, size * 0.52), (size * 0.45, size * 0.67), (size * 0.72, size * 0.36)], fill=WHITE, width=w)
    return image


def write_icons(folder: Path = PWA_DIR / "icons") -> list[Path]:
    """Draw the manifest's icons into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True)):
        path = folder / name
        draw_icon(size, maskable=maskable).save(path, optimize=True)
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--icons", action="store_true", help="draw pwa/icons/*.png first")
    args = parser.parse_args()
    if args.icons:
        for path in write_icons():
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)", file=sys.stderr)
    print(json.dumps(precache_manifest(shell_files()), indent=1))


if __name__ == "__main__":
    main()
