"""Text plumbing: validation, normalisation for matching, sentence splitting and offset units.

Offsets returned to callers always index the text exactly as it was sent (code points); normalised text is
only used to match patterns and every match is mapped back through `Normalized.span`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import InvalidNoteError, NoteTooLongError

MAX_NOTE_CHARS = 20_000
MAX_SENTENCE_CHARS = 300  # longer runs without a sentence end are cut at a comma or space
_SENTENCE_END = re.compile(r"[。！？!?]+[」』）)]*|\n")
_SOFT_BREAK = re.compile(r"[、，,\s・/]")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
_DAKUTEN = {"\u3099", "\u309a"}


_UNENCODABLE = re.compile("[\ud800-\udfff\x00]")


def validate(text: object, max_chars: int = MAX_NOTE_CHARS) -> str:
    """The note as every reader of it gets it (parser, encoder, reader, store), or a typed error."""
    if not isinstance(text, str):
        raise InvalidNoteError(f"note must be a string, got {type(text).__name__}")
    if len(text) > max_chars:
        raise NoteTooLongError(f"note is {len(text)} characters; the limit is {max_chars}")
    return sanitize(text)


def sanitize(text: str) -> str:
    """A lone surrogate (half an emoji from a broken client: no UTF-8 exists for it, so Sudachi and the
    encoder's tokenizer fail on it) and NUL (PostgreSQL's text type refuses it) become U+FFFD: one code point
    for one and one UTF-16 unit for one, so every offset still indexes the text as sent."""
    return _UNENCODABLE.sub("\ufffd", text)


@dataclass(frozen=True, slots=True)
class Normalized:
    """NFKC text for matching, with each normalised character's source span in the original."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalised text back to the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    """NFKC per character (width, full-width digits, half-width kana), control characters to spaces."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch in "\n\t":
            piece = ch
        elif unicodedata.category(ch) in _CONTROL:
            piece = " "
        else:
            piece = unicodedata.normalize("NFKC", ch)
        for p in piece:
            if p in _DAKUTEN and out:  # half-width ﾞ/ﾟ: compose with the previous kana
                composed = unicodedata.normalize("NFC", out[-1] + p)
                if len(composed) == 1:
                    out[-1] = composed
                    ends[-1] = i + 1
                    continue
            out.append(p)
            starts.append(i)
            ends.append(i + 1)
    # unify the many dash/wave/colon variants people type in templates
    joined = "".join(out).translate(_UNIFY)
    return Normalized(joined, tuple(starts), tuple(ends))


_UNIFY = str.maketrans({"〜": "~", "～": "~", "―": "-", "ー": "ー", "−": "-", "‐": "-", "–": "-", "—": "-",
                        "：": ":", "﹕": ":", "？": "?", "！": "!"})


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence-sized piece of the note: its text and where it starts in the original."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_sentences(text: str) -> list[Segment]:
    """Cut at 。！？ and line breaks; overlong runs are cut at soft breaks so the parser stays fast."""
    segments: list[Segment] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _emit(text, pos, m.end(), segments)
        pos = m.end()
    _emit(text, pos, len(text), segments)
    return segments


def _emit(text: str, start: int, end: int, out: list[Segment]) -> None:
    while end - start > MAX_SENTENCE_CHARS:
        window = text[start:start + MAX_SENTENCE_CHARS]
        cuts = [m.end() for m in _SOFT_BREAK.finditer(window)]
        cut = start + (cuts[-1] if cuts and cuts[-1] > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS)
        _add(text, start, cut, out)
        start = cut
    _add(text, start, end, out)


def _add(text: str, start: int, end: int, out: list[Segment]) -> None:
    piece = text[start:end]
    if piece.strip():
        out.append(Segment(start, piece))


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset (what JavaScript counts) of code-point `index` in `text`."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)
