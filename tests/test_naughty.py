"""Odd input must give a well-formed result or a typed error, never a crash (after GiNZA's naughty tests)."""

import pytest

from service.engine.elements import ELEMENT_IDS, STATES
from service.engine.errors import InvalidNoteError, NoteTooLongError

pytestmark = pytest.mark.slow

NAUGHTY = [
    "",
    " ",
    "\u3000\u3000\n\n\t",
    "😀😀😀🙏🔥",
    "予算😀は👨‍👩‍👧300万円😀",
    "\u0000\u0001\u0007予算:未定\u001b[31m",
    "\u200b\u200e\u202e予算は300万\ufeff",
    "𠮷野家の店長と話した。決裁は𠮷田部長。",
    "ｱﾎﾟ取得!! ﾃﾞﾓ 12/3 ｵﾝﾗｲﾝ",
    "Budget: 3M JPY / DM: CFO / Timing: Q3 / 競合:なし",
    "予算" * 5000,
    "。" * 3000,
    "\n" * 2000,
    "あ" * 19_999 + "。",
    ("決裁は社長。予算は300万円。" * 800)[:20_000],
    "<script>alert('x')</script>予算:-",
    "'; DROP TABLE notes; --",
    "\\u4e88\\u7b97",
    "\ud83d",  # a lone surrogate, as a broken client may send
    "🏳️‍🌈" * 200,
    "한국어 메모입니다. 예산은 300만엔.",
    "Ｂ：○　Ａ：×　Ｎ：？　Ｔ：４月",
]


def _check(text, result):
    assert set(result.detections) == set(ELEMENT_IDS)
    for det in result.detections.values():
        assert det.state.value in STATES
        assert 0.0 <= det.confidence <= 1.0
        for ev in det.evidence:
            assert 0 <= ev.start < ev.end <= len(text)
            assert text[ev.start:ev.end] == ev.text
            assert 0 <= ev.start_utf16 < ev.end_utf16


@pytest.mark.parametrize("text", NAUGHTY, ids=[f"n{i}" for i in range(len(NAUGHTY))])
def test_naughty_strings_give_a_well_formed_result(parser, text):
    from service.engine.detect import detect

    _check(text, detect(text, parser))


def test_naughty_blank_note_is_all_absent(parser):
    from service.engine.detect import detect

    assert set(detect(" \n\u3000", parser).states().values()) == {"absent"}


@pytest.mark.parametrize(("value", "error"), [(None, InvalidNoteError), (123, InvalidNoteError), (b"bytes", InvalidNoteError),
                                              ("あ" * 20_001, NoteTooLongError)])
def test_naughty_non_text_and_overlong_raise_typed_errors(parser, value, error):
    from service.engine.detect import detect

    with pytest.raises(error):
        detect(value, parser)
