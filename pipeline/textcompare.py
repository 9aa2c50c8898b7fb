"""Character error rate between two readings of one report (used by tests and benchmarks)."""

from __future__ import annotations

import re

# Whitespace is layout; "|" is how text dumps draw a table's cell borders, not content.
_LAYOUT = re.compile(r"[\s|]+")


def squeeze(text: str) -> str:
    return _LAYOUT.sub("", text)


def levenshtein(a: str, b: str) -> int:
    """Edit distance, O(len(a)·len(b)) time and O(len(b)) memory."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Edits needed to turn `hypothesis` into `reference`, per reference character,
    with whitespace and table borders removed from both."""
    ref, hyp = squeeze(reference), squeeze(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    import difflib

    # edit distance on the differing blocks only: the texts are long and mostly equal
    sm = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    edits = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            edits += levenshtein(ref[i1:i2], hyp[j1:j2])
    return edits / len(ref)
