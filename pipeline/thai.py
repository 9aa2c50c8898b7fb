"""Thai text repair and folding: small pure functions, applied in a documented order.

Each function takes text plus an offset map (`offs[i]` = index in the source of
output character i) and returns both, so spans found in the repaired text can
always be traced back. None of them changes what the author wrote: they undo
extraction damage (displaced marks, split SARA AM, Private-Use glyph codes) and
fold whitespace. Thai digits are kept; `fold_digits` makes a same-length copy
for matching.

Order (see `normalize`): PUA → U+FFFD → space-before-mark → mark order → doubled marks →
SARA AM → letter spacing → whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Callable

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

# Combining marks drawn above or below a base: MAI HAN-AKAT, SARA I..PHINTHU, MAITAIKHU..YAMAKKAN.
ABOVE_BELOW_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
OTHER_MARKS = "\u0e4c\u0e4d\u0e4e"  # THANTHAKHAT, NIKHAHIT, YAMAKKAN
COMBINING = ABOVE_BELOW_VOWELS + TONE_MARKS + OTHER_MARKS
_COMBINING_SET = frozenset(COMBINING)
SARA_AM = "\u0e33"
NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"

# Thai fonts of the Windows/Mac era draw shifted variants of marks from the Private Use Area
# (U+F700–U+F71A); a PDF without a proper ToUnicode map leaks those codes into the text.
PUA_TO_THAI = {
    0xF700: "ฐ", 0xF701: "ิ", 0xF702: "ี", 0xF703: "ึ", 0xF704: "ื",
    0xF705: "่", 0xF706: "้", 0xF707: "๊", 0xF708: "๋", 0xF709: "์",
    0xF70A: "่", 0xF70B: "้", 0xF70C: "๊", 0xF70D: "๋", 0xF70E: "์",
    0xF70F: "ญ", 0xF710: "ั", 0xF711: "ํ", 0xF712: "็", 0xF713: "่",
    0xF714: "้", 0xF715: "๊", 0xF716: "๋", 0xF717: "์", 0xF718: "ุ",
    0xF719: "ู", 0xF71A: "ฺ",
}

Offsets = list[int]
Repair = Callable[[str, Offsets | None], tuple[str, Offsets | None]]


def identity_offsets(text: str) -> Offsets:
    return list(range(len(text)))


def is_combining(ch: str) -> bool:
    return ch in _COMBINING_SET


def mark_rank(ch: str) -> int:
    """Unicode/typing order inside one cluster: vowel mark, then tone, then the rest."""
    if ch in ABOVE_BELOW_VOWELS:
        return 0
    if ch in TONE_MARKS:
        return 1
    return 2


def fold_digits(text: str) -> str:
    """Thai digits → Arabic, same length, so offsets found on the copy hold on the original.

    >>> fold_digits("1๔ ธันวาคม ๒๕๖๖")
    '14 ธันวาคม 2566'
    """
    # ten str.replace passes run ~20x faster than str.translate, whose dict lookups per
    # character dominate on a 300k-character budget document
    for arabic, thai in enumerate(THAI_DIGITS):
        if thai in text:
            text = text.replace(thai, str(arabic))
    return text


def sub_with_map(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str],
                 text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """`pattern.sub` that also rewrites the offset map; a replacement maps to its match start.
    With no map (`offs=None`) it is a plain, much faster `pattern.sub`."""
    if offs is None:
        return pattern.sub(repl, text), None
    out: list[str] = []
    new_offs: Offsets = []
    pos = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        out.append(text[pos:s])
        new_offs.extend(offs[pos:s])
        r = repl(m)
        out.append(r)
        anchor = offs[s] if s < len(offs) else (offs[-1] if offs else 0)
        new_offs.extend([anchor] * len(r))
        pos = e
    if pos == 0:
        return text, offs
    out.append(text[pos:])
    new_offs.extend(offs[pos:])
    return "".join(out), new_offs


_PUA = re.compile("[\uf700-\uf71a]")


def map_pua(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """Private-Use glyph codes → standard characters.

    >>> map_pua("ท\uf70a", [0, 1])[0]
    'ท่'
    """
    return sub_with_map(_PUA, lambda m: PUA_TO_THAI[ord(m.group())], text, offs)


# A space pushed between a base and its mark by a PDF extractor: "ท่ ี", "ตัวชี้ วัด" is NOT this
# (there the space follows a complete cluster), only a space directly before a combining mark.
# (written space first, the letter before it looked behind: a pattern that starts with a
# lookbehind is tried at every position of the text, one that starts with a space only at spaces)
_SPACE_BEFORE_MARK = re.compile(f" (?<=[\u0e01-\u0e2f\u0e30-\u0e4e] ) *(?=[{COMBINING}])")


def drop_space_before_mark(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """'ท่ ี' → 'ท่ี' (the marks are then put in order by `order_marks`)."""
    return sub_with_map(_SPACE_BEFORE_MARK, lambda m: "", text, offs)


_DOUBLED_MARK = re.compile(f"([{COMBINING}{SARA_AM}])\\1+")


def collapse_doubled_marks(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """The same mark (or SARA AM) twice on one base is never Thai; PDFs that draw a mark both as a glyph and in
    an /ActualText span give it twice ('ยุุทธศาสตร์์').

    >>> collapse_doubled_marks("ยุุทธศาสตร์์", list(range(12)))[0]
    'ยุทธศาสตร์'
    """
    return sub_with_map(_DOUBLED_MARK, lambda m: m.group(1), text, offs)


# U+FFFD: a glyph the PDF's producer itself could not name. Before SARA AA it is the NIKHAHIT half
# of SARA AM ('ประจ\ufffdาปี'); anywhere else in Thai it stands for nothing the reader can use.
_REPLACEMENT = re.compile("\ufffd(?=\u0e32)|(?<=[\u0e01-\u0e4e])\ufffd|\ufffd(?=[\u0e01-\u0e4e])")


def repair_replacement_chars(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """'ประจ\ufffdาปี' → 'ประจําปี' (then SARA AM is mended), 'อื่\ufffdน' → 'อื่น'."""
    def repl(m: re.Match[str]) -> str:
        end = m.end()
        return NIKHAHIT if text[end:end + 1] == SARA_AA else ""

    if "\ufffd" not in text:  # (most texts: not scanned for it character by character)
        return text, offs
    return sub_with_map(_REPLACEMENT, repl, text, offs)


_MARK_RUN = re.compile(f"[{COMBINING}]{{2,}}")
# two marks next to each other out of `mark_rank`'s order (a run is in order when no pair is)
_MARKS_OUT_OF_ORDER = re.compile(f"[{TONE_MARKS}{OTHER_MARKS}][{ABOVE_BELOW_VOWELS}]|[{OTHER_MARKS}][{TONE_MARKS}]")


def order_marks(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """Within a run of marks, vowel marks precede tone marks: 'ท่ี' → 'ที่'.

    >>> order_marks("ท่ี", [0, 1, 2])[0]
    'ที่'
    """
    def repl(m: re.Match[str]) -> str:
        run = m.group()
        return "".join(sorted(run, key=mark_rank))

    if offs is None and not _MARKS_OUT_OF_ORDER.search(text):  # every run in order already
        return text, offs
    return sub_with_map(_MARK_RUN, repl, text, offs)


# SARA AM written as its two halves, in either order, with or without a tone between,
# or doubled by an extractor that emits both the composed and the decomposed form.
_SARA_AM_DAMAGE = re.compile(
    f"(?P<tone>[{TONE_MARKS}]?){NIKHAHIT}(?P<tone2>[{TONE_MARKS}]?){SARA_AA}"   # ํา, ํ่า
    f"|{SARA_AA}(?P<tone3>[{TONE_MARKS}]?){NIKHAHIT}"                           # าํ
    f"|(?P<tone4>[{TONE_MARKS}]?){SARA_AM}{SARA_AA}"                             # ำา
)


# the damage `_SARA_AM_DAMAGE` mends other than NIKHAHIT + SARA AA (a tone before them is kept as it is)
_SARA_AM_UNUSUAL = re.compile(
    f"{NIKHAHIT}[{TONE_MARKS}]{SARA_AA}|{SARA_AA}[{TONE_MARKS}]?{NIKHAHIT}|{SARA_AM}{SARA_AA}")


def repair_sara_am(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """'ดําเนิน', 'จาํ', 'ดำาเนิน' → 'ดำเนิน', 'จำ', 'ดำเนิน'; a tone goes before ำ ('ก่ำ').

    >>> repair_sara_am("ดําเนิน จาํ ดำาเนิน", list(range(19)))[0]
    'ดำเนิน จำ ดำเนิน'
    """
    def repl(m: re.Match[str]) -> str:
        tone = "".join(m.group(g) or "" for g in ("tone", "tone2", "tone3", "tone4"))
        return tone + SARA_AM

    if offs is None and not _SARA_AM_UNUSUAL.search(text):
        # every match is `[tone]ํา`, which becomes `[tone]ำ`: one C-speed replace (a Budget Bureau
        # page has hundreds of them)
        return text.replace(NIKHAHIT + SARA_AA, SARA_AM), offs
    return sub_with_map(_SARA_AM_DAMAGE, repl, text, offs)


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HSPACE = re.compile(r"[^\S\n ]")
_TRAILING = re.compile(r" +\n|\n +")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def fold_whitespace(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """Zero-width characters dropped; tabs and exotic spaces → one space each; line ends
    trimmed; at most one blank line. Runs of spaces stay: in text dumps of forms and tables
    they are what keeps one cell apart from the next. Line ends are already "\n" (`normalize`)."""
    text, offs = sub_with_map(_ZERO_WIDTH, lambda m: "", text, offs)
    text, offs = sub_with_map(_HSPACE, lambda m: " ", text, offs)
    if " \n" in text or "\n " in text:  # (a search for a substring is a fraction of a regex scan)
        text, offs = sub_with_map(_TRAILING, lambda m: "\n", text, offs)
    if "\n\n\n" in text:
        text, offs = sub_with_map(_MANY_NEWLINES, lambda m: "\n\n", text, offs)
    # strip the ends
    lead = len(text) - len(text.lstrip())
    text2 = text.strip()
    return text2, None if offs is None else offs[lead:lead + len(text2)]


_SPACE_BETWEEN_THAI = re.compile(r"(?<=[\u0e01-\u0e5b]) (?=[\u0e01-\u0e5b])")


def join_letter_spaced(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    """Lines a broken PDF extractor spaced letter by letter ('ร ะ ด ับ ค ว า ม') are joined.

    Only a line whose Thai runs are mostly single letters counts, so ordinary Thai with
    spaces between phrases is left alone.
    """
    def fix_line(line: str) -> bool:
        tokens = line.split()
        thai_tokens = [t for t in tokens if "\u0e01" <= t[0] <= "\u0e5b"]
        short = [t for t in thai_tokens if len(t.rstrip(COMBINING)) == 1]
        return len(thai_tokens) >= 6 and len(short) >= 0.6 * len(thai_tokens)

    if offs is None:
        return "\n".join(_SPACE_BETWEEN_THAI.sub("", line) if fix_line(line) else line
                         for line in text.split("\n")), None
    out_text, out_offs, pos = [], [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if fix_line(line):
            line2, offs2 = sub_with_map(_SPACE_BETWEEN_THAI, lambda m: "", line, offs[pos:end])
            out_text.append(line2)
            out_offs.extend(offs2)
        else:
            out_text.append(line)
            out_offs.extend(offs[pos:end])
        if end < len(text):
            out_offs.append(offs[end])
        pos = end + 1
    return "\n".join(out_text), out_offs


REPAIRS: tuple[Repair, ...] = (map_pua, repair_replacement_chars, drop_space_before_mark, order_marks,
                               collapse_doubled_marks, repair_sara_am, join_letter_spaced, fold_whitespace)


def _repair(text: str, with_offsets: bool) -> tuple[str, Offsets | None]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    offs = identity_offsets(text) if with_offsets else None
    for repair in REPAIRS:
        text, offs = repair(text, offs)
    return text, offs


def normalize(text: str) -> tuple[str, Offsets]:
    """Apply every repair in order; returns the normalised text and its map to `text`."""
    text, offs = _repair(text, True)
    assert offs is not None
    return text, offs


def normalize_text(text: str) -> str:
    """`normalize` without the offset map (the readers only keep the text): same result, ~3× faster."""
    return _repair(text, False)[0]


# --- damage accounting -----------------------------------------------------------------

DAMAGE_PATTERNS = {
    "orphan_mark": re.compile(f"(?:^|(?<=[^\u0e01-\u0e2e\u0e30-\u0e4e]))[{COMBINING}]", re.M),
    "sara_am": re.compile(
        f"{NIKHAHIT}{SARA_AA}|{SARA_AA}{NIKHAHIT}|{SARA_AM}{SARA_AA}|{NIKHAHIT}[{TONE_MARKS}]{SARA_AA}"),
    "pua": re.compile("[\uf700-\uf71a]"),
    "cid": re.compile(r"\(cid:\d+\)"),
    "tone_before_vowel": re.compile(f"[{TONE_MARKS}][{ABOVE_BELOW_VOWELS}]"),
}
_THAI_CHAR = re.compile("[\u0e00-\u0e7f]")


def thai_damage(text: str) -> dict[str, float]:
    """Counts of extraction damage, and `per_1000` Thai characters."""
    counts: dict[str, float] = {k: len(p.findall(text)) for k, p in DAMAGE_PATTERNS.items()}
    thai = len(_THAI_CHAR.findall(text))
    total = sum(counts.values())
    counts["total"] = total
    counts["thai_chars"] = thai
    counts["per_1000"] = 1000 * total / thai if thai else 0.0
    return counts
