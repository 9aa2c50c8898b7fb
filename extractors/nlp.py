"""The spaCy pipeline the entity rules run in: `spacy.blank("th")` with its tokenizer swapped
for nlpo3 (the same newmm segmentation as spaCy's PyThaiNLP tokenizer, with the report
dictionary, ~2.5× faster on these texts) and an entity ruler whose patterns are data:
`data/entity_patterns.jsonl` (token patterns), `data/orgs.txt` (the ORG gazetteer) and
PyThaiNLP's bundled list of the 77 provinces (LOCATION). No model, nothing downloaded.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pipeline.tokenize import report_words, tokens

DATA = Path(__file__).parent / "data"


class Nlpo3Tokenizer:
    """Text → spaCy Doc whose tokens are the nlpo3 segments; single spaces become trailing
    whitespace, any other whitespace run stays a token, so token.idx are offsets into the text."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str):
        return self.from_tokens(tokens(text))

    def from_tokens(self, segments: list[str]):
        """A Doc from segments already cut (one nlpo3 call per document, not per line)."""
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for tok in segments:
            if tok == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                words.append(tok)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


def gazetteer() -> list[str]:
    return _words("orgs.txt")


@functools.cache
def provinces() -> tuple[str, ...]:
    from pythainlp.corpus import provinces as bundled  # offline: the list ships in the wheel

    return tuple(sorted({p["name_th"] for p in bundled(details=True)}, key=len, reverse=True))


def _words(name: str) -> list[str]:
    return [ln.strip() for ln in (DATA / name).read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def _alternatives(pattern: list[dict]) -> list[list[dict]]:
    """A first token `{"TEXT": {"IN": [...]}}` becomes one pattern per word with `ORTH`: the
    matcher tests ORTH in C, while IN is a Python predicate run on every token."""
    first = pattern[0].get("TEXT") if pattern else None
    if not (isinstance(first, dict) and set(first) == {"IN"}):
        return [pattern]
    rest = {k: v for k, v in pattern[0].items() if k != "TEXT"}
    return [[{"ORTH": word, **rest}, *pattern[1:]] for word in first["IN"]]


@functools.cache
def token_patterns() -> list[dict]:
    return [json.loads(ln) for ln in (DATA / "entity_patterns.jsonl").read_text("utf-8").splitlines() if ln.strip()]


@functools.cache
def patterns() -> list[dict]:
    pats = [{**p, "pattern": alt} for p in token_patterns() for alt in _alternatives(p["pattern"])]
    pats += [{"label": "ORG", "id": "gazetteer", "pattern": name} for name in gazetteer()]
    # units the tokeniser keeps as one word (report_words.txt: กรมการพัฒนาชุมชน) are ORGs too
    heads = tuple(next(p["pattern"][0]["TEXT"]["IN"] for p in token_patterns() if p["id"] == "org-head-and-name"))
    pats += [{"label": "ORG", "id": "dictionary-unit", "pattern": w} for w in report_words()
             if w.startswith(heads) and w not in heads]
    pats += [{"label": "LOCATION", "id": "province", "pattern": name} for name in provinces()]
    return pats


@functools.cache
def nlp():
    import spacy

    pipeline = spacy.blank("th")
    pipeline.tokenizer = Nlpo3Tokenizer(pipeline.vocab)
    # IS_STOP in the patterns means "ends a name": the words of entity_stopwords.txt, not
    # spaCy's Thai stop list (which holds words that occur inside names)
    for word in pipeline.Defaults.stop_words:
        pipeline.vocab[word].is_stop = False
    for word in _words("entity_stopwords.txt"):
        pipeline.vocab[word].is_stop = True
    ruler = pipeline.add_pipe("entity_ruler", config={"phrase_matcher_attr": "TEXT"})
    with pipeline.select_pipes(enable=[]):
        ruler.add_patterns(patterns())
    return pipeline


@functools.cache
def trigger_pattern():
    """Words an entity can start with (the first token of every pattern, every gazetteer and
    province name): lines without one are not worth a spaCy pass."""
    import re

    words: set[str] = set()
    for p in patterns():
        first = p["pattern"] if isinstance(p["pattern"], str) else p["pattern"][0].get("ORTH")
        if not isinstance(first, str):
            raise ValueError(f"pattern {p['id']}: the first token must be literal (ORTH, or TEXT IN a list)")
        words.add(first)
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
