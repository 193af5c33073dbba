"""The one place GiNZA is loaded: lazily, once, with only the components the detectors use.

Notes are parsed sentence by sentence and each sentence's Doc is kept in an LRU cache keyed by its text, so
re-analysing a note after a one-sentence edit parses only that sentence. The cache is bounded by what it
costs, tokens, not by entries: a cached Doc without its tok2vec tensor (dropped: the detectors read tags, lemmas
and the parse) takes about 440 bytes a token, so 4,096 sentences of 300 characters would be 350 MB but 4,096
one-word sentences 2 MB.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import budget
from .text import Segment, sanitize, split_sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "ja_ginza"
# ner is two thirds of the pipeline's time and the detectors do not read entities; the morphologizer and the
# compound splitter only refine UPOS tags and sub-tokens, while the detectors read Sudachi's tags and lemmas.
EXCLUDE = ("ner", "morphologizer", "compound_splitter")
PARSE_CHUNK = 16  # sentences parsed between checks of the request's budget (at most ~1 s of work)
CACHE_TOKENS = 250_000  # about 110 MB of Docs; HANDOFF_PARSE_CACHE_TOKENS in the service's settings


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # code-point offset of the sentence in the note
    doc: Doc
    text: str = field(init=False)  # doc.text, kept: spaCy rebuilds it token by token on every access

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", self.doc.text)


class Parser:
    """Loads the spaCy pipeline on first use and parses notes into cached sentence Docs."""

    def __init__(self, model: str = MODEL, exclude: tuple[str, ...] = EXCLUDE, cache_tokens: int = CACHE_TOKENS):
        self.model = model
        self.exclude = exclude
        self.cache_tokens = cache_tokens
        self._nlp: Language | None = None
        self._cache: OrderedDict[str, Doc] = OrderedDict()
        self.cached_tokens = 0
        self._lock = threading.Lock()  # the cache and the counters
        # Sudachi's tokenizer (Rust, inside spaCy's Japanese make_doc) refuses to be entered from two threads at
        # once ("RuntimeError: Already borrowed" under concurrent requests), so parsing is serialized
        self._parse_lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    import spacy

                    self._nlp = _numpy_matmul(spacy.load(self.model, exclude=list(self.exclude)))
        return self._nlp

    def parse(self, text: str) -> list[Sentence]:
        segments = split_sentences(sanitize(text))  # a lone surrogate cannot be encoded for Sudachi
        docs = self._docs([s.text for s in segments])
        return [Sentence(seg.start, doc) for seg, doc in zip(segments, docs, strict=True)]

    def _docs(self, texts: list[str]) -> list[Doc]:
        found: dict[str, Doc] = {}
        with self._lock:
            for t in texts:
                doc = self._cache.get(t)
                if doc is not None:
                    self._cache.move_to_end(t)
                    found[t] = doc
            missing = list(dict.fromkeys(t for t in texts if t not in found))
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
        if missing:
            nlp = self.nlp
            parsed: dict[str, Doc] = {}
            for i in range(0, len(missing), PARSE_CHUNK):
                budget.check()  # a request out of time, or whose client left, stops here
                chunk = missing[i:i + PARSE_CHUNK]
                with self._parse_lock:  # taken per chunk: a long note does not hold other requests' parses
                    parsed.update(zip(chunk, nlp.pipe(chunk), strict=True))
            for doc in parsed.values():
                doc.tensor = _NO_TENSOR  # two thirds of a Doc's memory, read by nothing after the parse
            found.update(parsed)
            with self._lock:
                for t, doc in parsed.items():
                    if t not in self._cache:
                        self._cache[t] = doc
                        self.cached_tokens += len(doc)
                self._evict(self.cache_tokens)
        return [found[t] for t in texts]

    def _evict(self, budget: int) -> None:
        while self._cache and self.cached_tokens > budget:
            _, doc = self._cache.popitem(last=False)
            self.cached_tokens -= len(doc)

    def resize_cache(self, tokens: int) -> None:
        """Bound the sentence cache at `tokens` tokens (0: no cache), evicting the least recently used."""
        with self._lock:
            self.cache_tokens = max(0, tokens)
            self._evict(self.cache_tokens)

    def clear_cache(self) -> None:
        with self._lock:
            self._evict(0)


_NO_TENSOR = np.zeros((0, 0), dtype=np.float32)


def _numpy_matmul(nlp: Language) -> Language:
    """Multiply with numpy's BLAS instead of thinc's default blis: on one sentence's small matrices it parses a
    third faster (900 notes: 53.5 s → 33.1 s), and the parses and detections were identical on all of them."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    return nlp


@lru_cache(maxsize=1)
def default_parser() -> Parser:
    return Parser()


__all__ = ["Parser", "Segment", "Sentence", "default_parser"]
