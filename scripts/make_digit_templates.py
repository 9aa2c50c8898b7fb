"""pipeline/data/thai_digit_shapes.npz: the shapes `pipeline/readers/ocr_digits` matches scanned
Thai digits against.

    python scripts/make_digit_templates.py [--fonts /usr/share/fonts/truetype/tlwg]   # fonts-thai-tlwg

Every upright face of fonts-thai-tlwg (Laksaman is a clone of TH Sarabun New, the government font;
Garuda, Loma, Kinnari, Norasi, Umpush, Waree, Sawasdee, Purisa and the Tlwg faces cover the other
designs Thai documents use) draws the Thai and Arabic digits, `/` and the Thai consonants;
each glyph's ink box is scaled to a 16 x 16 grey square (`ocr_digits.shape_of`) and kept with its
aspect ratio. The consonants are rivals only: a scanned shape nearest to one of them is not read
as a digit. The reader needs no font at run time.

`--check` prints the leave-one-family-out accuracy on the Thai digits (each family's digits,
scaled to 22-36 px high with blur and noise as a 200 dpi scan has them, matched against the
other families only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import ocr_digits  # noqa: E402

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
RIVALS = "0123456789/" + "".join(chr(c) for c in range(0x0E01, 0x0E2F))  # ก..ฮ
SKIP_STYLES = ("Oblique", "Italic", "Light")
PX = 80


def ink(ch: str, font: Path) -> np.ndarray:
    """The character drawn large in `font`, as a boolean ink array."""
    face = ImageFont.truetype(str(font), PX)
    image = Image.new("L", (PX * 3, PX * 3), 255)
    ImageDraw.Draw(image).text((PX // 2, PX // 2), ch, font=face, fill=0)
    return np.asarray(image) < 128


def scanned(dark: np.ndarray, height: int, rng: np.random.Generator) -> np.ndarray:
    """`dark` as a 200 dpi scan shows it: `height` pixels high, blurred, with noise."""
    ys, xs = np.nonzero(dark)
    ink_box = np.where(dark, 0, 255).astype(np.uint8)[ys.min() - 3:ys.max() + 4, xs.min() - 3:xs.max() + 4]
    crop = Image.fromarray(ink_box)
    scale = height / (ys.max() - ys.min() + 1)
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    small = crop.resize(size, Image.Resampling.BILINEAR)
    grey = np.asarray(small.filter(ImageFilter.GaussianBlur(0.5)), np.float32)
    return grey + rng.normal(0, 20, grey.shape) < 128


def faces(folder: Path) -> list[Path]:
    return sorted(f for f in folder.glob("*.ttf") if not any(s in f.name for s in SKIP_STYLES))


def family(font: Path) -> str:
    return font.stem.split("-")[0]


def build(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    shapes, aspects, labels, families = [], [], [], []
    for font in faces(folder):
        for ch in THAI_DIGITS + RIVALS:
            dark = ink(ch, font)
            if not dark.any():
                continue
            shape, aspect = ocr_digits.shape_of(dark)
            shapes.append(shape)
            aspects.append(aspect)
            labels.append(ch)
            families.append(family(font))
    return np.stack(shapes), np.array(aspects, np.float32), np.array(labels), families


def check(folder: Path, shapes: np.ndarray, aspects: np.ndarray, labels: np.ndarray, families: list[str]) -> None:
    rng = np.random.default_rng(1)
    fams = np.array(families)
    right = total = 0
    for font in faces(folder):
        others = fams != family(font)
        for ch in THAI_DIGITS:
            for height in (22, 28, 36):
                label, _ = ocr_digits.nearest(scanned(ink(ch, font), height, rng), shapes[others], aspects[others],
                                              labels[others])
                right += label == ch
                total += 1
    print(f"leave-one-family-out, Thai digits: {right}/{total} = {right / total:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fonts", type=Path, default=Path("/usr/share/fonts/truetype/tlwg"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    shapes, aspects, labels, families = build(args.fonts)
    if args.check:
        check(args.fonts, shapes, aspects, labels, families)
        return
    out = ROOT / "pipeline" / "data" / "thai_digit_shapes.npz"
    np.savez_compressed(out, shapes=np.round(shapes * 127).astype(np.int8), aspects=aspects, labels=labels)
    print(f"{out.relative_to(ROOT)}: {len(labels)} shapes from {len(set(families))} families, "
          f"{out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
