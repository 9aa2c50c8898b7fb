"""The producer test corpus: the same reports as PDFs from the producers agencies use.

    python scripts/make_pdf_variants.py [--out bench/variants] [--only lo-laksaman,chromium,...] [--limit N]

Sources: samples/*.txt (the five seeds) and ../shared/eval/dev/real/*.txt (20 real reports). Each
becomes, under OUT/<producer>/<stem>.pdf (git-ignored, rebuilt at will):

- lo-<font>: a .docx (as scripts/make_samples.py makes it) converted by LibreOffice headless, in
  five Thai fonts (Laksaman, Garuda, Loma, Kinnari, Sawasdee) and three text widths (margins);
- chromium: the HTML page (make_samples.make_html) printed to PDF by headless Chromium (Skia:
  subset fonts, Thai marks placed as glyphs of their own, no /ActualText);
- gs: the Laksaman PDF re-distilled by Ghostscript pdfwrite (a "print to PDF" driver);
- scan: the Laksaman PDF rendered at 200 dpi, turned by ~1 degree, speckled with noise and
  wrapped back into an image-only PDF (Pillow);
- junk: the same scan under an invisible Latin text layer (Tesseract's `eng` model run on a Thai
  page, which is how a scanner's OCR makes `rttnartunuragiruaul`).

Missing tools (libreoffice-writer, chromium, ghostscript, tesseract-ocr, fonts-thai-tlwg) are installed
with apt-get when the script runs as root. The test suite needs none of them: a few small files
from here are copied under tests/data/producers/ as `<producer>-<stem>.pdf`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import make_samples  # noqa: E402

REAL = ROOT.parent / "shared" / "eval" / "dev" / "real"
FONTS = ("Laksaman", "Garuda", "Loma", "Kinnari", "Sawasdee")
# left/right margins in cm: the text width changes where lines wrap and how tables break
WIDTHS = {"Laksaman": 2.5, "Garuda": 1.5, "Loma": 3.5, "Kinnari": 2.0, "Sawasdee": 3.0}
TOOLS = {"soffice": "libreoffice-writer", "chromium": "chromium", "gs": "ghostscript",
         "tesseract": "tesseract-ocr"}
PRODUCERS = (*(f"lo-{f.lower()}" for f in FONTS), "chromium", "gs", "scan", "junk")


def ensure_tools(names: list[str]) -> None:
    """apt-get install what is missing (as root); otherwise say which package to install."""
    missing = [TOOLS[n] for n in names if shutil.which(n) is None]
    if not Path("/usr/share/fonts/truetype/tlwg").is_dir():
        missing.append("fonts-thai-tlwg")
    if not missing:
        return
    if shutil.which("apt-get") and Path("/proc/self").stat().st_uid == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True)
    else:
        sys.exit(f"missing: {' '.join(missing)} (apt-get install them)")


def sources() -> list[Path]:
    return sorted((ROOT / "samples").glob("*.txt")) + sorted(REAL.glob("*.txt"))


def make_docx(src: Path, font: str, out: Path) -> None:
    from docx.shared import Cm

    make_samples.FONT = font  # the module reads it when it sets the Normal style's fonts
    make_samples.make_docx(src.read_text("utf-8").splitlines(), out)
    from docx import Document

    doc = Document(str(out))
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(WIDTHS[font])
    doc.save(str(out))


def libreoffice(srcs: list[Path], font: str, outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        docs = []
        for src in srcs:
            d = Path(tmp) / f"{src.stem}.docx"
            make_docx(src, font, d)
            docs.append(str(d))
        subprocess.run([shutil.which("soffice"), "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "pdf", "--outdir", str(outdir), *docs],
                       check=True, capture_output=True, timeout=1200)


_PRINT_CSS = ("@media print { #loader, header, nav, aside, footer { display: none; } }"
              " table.report { border-collapse: collapse; } table.report td { border: 1px solid #444; }")


def chromium(srcs: list[Path], outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for src in srcs:
            lines = src.read_text("utf-8").splitlines()
            title = next((ln.strip() for ln in lines if ln.strip()), src.stem)
            page = Path(tmp) / f"{src.stem}.html"
            # the site's print style sheet leaves the chrome (menus, widgets, footer) off paper;
            # its tables have cell borders, as monitoring systems' report tables do
            html = make_samples.make_html(lines, title).replace("</style>", _PRINT_CSS + "</style>")
            page.write_text(html, "utf-8")
            subprocess.run([shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--no-pdf-header-footer",
                            f"--user-data-dir={tmp}/profile", f"--print-to-pdf={outdir / (src.stem + '.pdf')}",
                            page.as_uri()], check=True, capture_output=True, timeout=120)


def ghostscript(pdfs: list[Path], outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
                        f"-sOutputFile={outdir / pdf.name}", str(pdf)], check=True, capture_output=True, timeout=300)


def scan_images(pdf: Path, dpi: int = 200, seed: int = 0) -> list:
    """Each page as a grey image of a slightly turned, noisy scan (PIL images)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(f"{pdf.stem}-{seed}")
    out = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            img = img.rotate(rng.uniform(-1.2, 1.2), resample=Image.BILINEAR, expand=False, fillcolor=255)
            a = np.asarray(img, dtype=np.int16)
            noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 12, a.shape)
            out.append(Image.fromarray(np.clip(a + noise, 0, 255).astype(np.uint8)))
    finally:
        doc.close()
    return out


def scans(pdfs: list[Path], outdir: Path, dpi: int = 200) -> None:
    """Pillow wraps the pages into an image-only PDF (JPEG, as most scanners write)."""
    outdir.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        pages = scan_images(pdf, dpi)
        pages[0].save(outdir / pdf.name, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)


def junk_layers(pdfs: list[Path], outdir: Path) -> None:
    """The scan with Tesseract's English model's reading as its invisible text layer."""
    import pypdfium2 as pdfium

    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            parts = []
            for k, page in enumerate(scan_images(pdf, seed=1)):
                img = Path(tmp) / f"p{k}.png"
                page.save(img, dpi=(200, 200))
                subprocess.run(["tesseract", str(img), str(Path(tmp) / f"p{k}"), "-l", "eng", "pdf"],
                               check=True, capture_output=True, timeout=300)
                parts.append(Path(tmp) / f"p{k}.pdf")
            merged = pdfium.PdfDocument.new()
            for part in parts:
                src = pdfium.PdfDocument(str(part))
                merged.import_pages(src)
                src.close()
            merged.save(str(outdir / pdf.name))
            merged.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "variants")
    ap.add_argument("--only", default=",".join(PRODUCERS), help="comma-separated producers")
    ap.add_argument("--limit", type=int, default=0, help="first N sources only (0: all)")
    ap.add_argument("--scan-limit", type=int, default=0,
                    help="scan/junk of the first N sources only (OCR is slow to measure; 0: all)")
    args = ap.parse_args(argv)
    only = [p for p in args.only.split(",") if p]
    srcs = sources()[: args.limit or None]
    need = {"soffice"} if any(p.startswith("lo-") or p in ("gs", "scan", "junk") for p in only) else set()
    need |= {"chromium"} if "chromium" in only else set()
    need |= {"gs"} if "gs" in only else set()
    need |= {"tesseract"} if "junk" in only else set()
    ensure_tools(sorted(need))
    for font in FONTS:
        name = f"lo-{font.lower()}"
        if name in only or (font == "Laksaman" and {"gs", "scan", "junk"} & set(only)):
            libreoffice(srcs, font, args.out / name)
            print(f"{name}: {len(srcs)} PDFs")
    base = [args.out / "lo-laksaman" / f"{s.stem}.pdf" for s in srcs]
    if "chromium" in only:
        chromium(srcs, args.out / "chromium")
        print(f"chromium: {len(srcs)} PDFs")
    if "gs" in only:
        ghostscript(base, args.out / "gs")
        print(f"gs: {len(base)} PDFs")
    scan_base = base[: args.scan_limit or None]
    if "scan" in only:
        scans(scan_base, args.out / "scan")
        print(f"scan: {len(scan_base)} PDFs")
    if "junk" in only:
        junk_layers(scan_base, args.out / "junk")
        print(f"junk: {len(scan_base)} PDFs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
