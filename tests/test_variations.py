"""The variation suite: reports written from the documented forms (tests/variations/generate.py),
extracted in every format and scored with ../shared/eval/score.py against their exact values.

TXT, DOCX and HTML are written at test time (python-docx, no LibreOffice). The PDFs are
LibreOffice conversions of the same DOCX, committed under tests/variations/pdf/ with the digest
of the text each was made from, so CI needs no LibreOffice; a change to the generator that
would change a report fails `test_committed_pdfs_are_current` until they are made again.
"""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED, need_shared

sys.path.insert(0, str(ROOT / "tests" / "variations"))
import generate

from pipeline.run import run_document

PDF_DIR = ROOT / "tests" / "variations" / "pdf"
# PDF: the same reports score 1.000 as txt/docx/html; what the PDFs lose is reading (README,
# "Known gaps": full stops and below-line marks read as lines of their own on some pages, ใ/ไ/ำ
# moved off their line, table rows either side of a page break joined, a label line joined to the
# line above), so this figure moves with the PDF reader: 0.980 measured; the guard leaves a point.
TARGET = {"txt": 0.98, "docx": 0.98, "html": 0.98, "pdf": 0.97}


@pytest.fixture(scope="module")
def reports():
    return generate.build()


@pytest.fixture(scope="module")
def written(tmp_path_factory, reports):
    out = tmp_path_factory.mktemp("variations")
    generate.write(reports, out, ["txt", "docx", "html"])
    return out


def _score(gold, files, pred):
    with pred.open("w", encoding="utf-8") as f:
        for path in files:
            f.write(json.dumps(run_document(path, with_text=True), ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(need_shared(SHARED / "eval" / "score.py")), "--gold", str(gold),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


@pytest.mark.parametrize("fmt", ["txt", "docx", "html", "pdf"])
def test_variation_suite_score(fmt, written, reports):
    folder = PDF_DIR if fmt == "pdf" else written
    files = sorted(folder.glob(f"*.{fmt}"))
    assert [f.stem for f in files] == [r.id for r in reports]
    res = _score(written / "gold.jsonl", files, written / f"pred_{fmt}.jsonl")
    figures = {k: round(res[k]["f1"], 3) for k in ("dates", "budgets", "indicators")}
    figures |= {k: round(res[k]["accuracy"], 3) for k in ("budget_role_accuracy", "outcome_accuracy",
                                                          "fiscal_year_accuracy", "period_accuracy")}
    print(f"\nvariation suite ({fmt}, {len(files)} reports; {res['dates']['gold']} dates, "
          f"{res['budgets']['gold']} amounts, {res['indicators']['gold']} indicators): "
          f"overall {res['overall']:.3f} {figures}")
    assert res["docs"]["failed"] == 0 and res["docs"]["schema_errors"] == 0
    assert res["provenance_accuracy"]["accuracy"] == 1.0
    assert res["overall"] >= TARGET[fmt]


def test_committed_pdfs_are_current(reports):
    manifest = json.loads((PDF_DIR / "manifest.json").read_text("utf-8"))
    stale = [r.id for r in reports if manifest.get(r.id) != generate.text_digest(r)]
    assert not stale, ("the generator changed: make the PDFs again with "
                       "`python tests/variations/generate.py --out tests/variations/pdf --formats pdf`")


def test_suite_covers_every_documented_form(reports):
    gold_outcomes = {i["outcome"] for r in reports for i in r.gold["indicators"]}
    assert gold_outcomes == {"achieved", "not_achieved", "in_progress", "not_started", None}
    assert {b["role"] for r in reports for b in r.gold["budgets"]} == set(generate.ROLE_WORDS)
    text = "".join(generate.as_text(r) for r in reports)
    for phrase, _ in generate.outcome_phrases():
        assert text.count(phrase) >= len(generate.POSITIONS)  # in a sentence, a form, a table, a tick box
    for unit, _ in generate.UNITS:
        assert unit in text
    assert sum(len(r.gold["dates"]) for r in reports) == \
        len(generate.DATE_KINDS) * len(generate.DIGITS) * len(generate.ERAS)
