import pytest

from service.engine.errors import InvalidNoteError, NoteTooLongError
from service.engine.text import normalize, split_sentences, utf16_offset, validate


def test_text_normalize_maps_halfwidth_kana_back_to_original_span():
    text = "次回はｵﾝﾗｲﾝﾃﾞﾓ"
    n = normalize(text)
    assert n.text == "次回はオンラインデモ"
    i = n.text.index("デモ")
    s, e = n.span(i, i + 2)
    assert text[s:e] == "ﾃﾞﾓ"


def test_text_normalize_fullwidth_digits_and_colon():
    n = normalize("予算：３００万")
    assert n.text == "予算:300万"
    assert n.span(3, 7) == (3, 7)


@pytest.mark.parametrize("text", ["", " ", "a\u0000b", "😀予算", "\ud800"])
def test_text_normalize_keeps_one_entry_per_output_char(text):
    n = normalize(text)
    assert len(n.starts) == len(n.text) == len(n.ends)


def test_text_utf16_offset_counts_surrogate_pairs():
    text = "😀予算は300万"
    assert utf16_offset(text, 1) == 2
    assert utf16_offset(text, 3) == 4


def test_text_split_sentences_keeps_offsets_and_cuts_long_runs():
    text = "予算は300万。\n決裁は社長!" + "あ" * 1000
    segs = split_sentences(text)
    assert all(text[s.start:s.end] == s.text for s in segs)
    assert segs[0].text == "予算は300万。"
    assert max(len(s.text) for s in segs) <= 300


def test_text_validate_rejects_non_strings_and_overlong_notes():
    with pytest.raises(InvalidNoteError):
        validate(None)
    with pytest.raises(NoteTooLongError, match="20000"):
        validate("あ" * 20_001)
    assert validate("あ" * 20_000)
