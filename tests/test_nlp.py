import pytest

from service.engine.nlp import Parser

pytestmark = pytest.mark.slow


def test_nlp_parser_loads_nothing_until_first_parse():
    p = Parser()
    assert p._nlp is None
    p.parse("予算は300万。")
    assert p._nlp is not None
    assert not {"ner", "morphologizer"} & set(p.nlp.pipe_names)
    assert {"parser", "bunsetu_recognizer"} <= set(p.nlp.pipe_names)


def test_nlp_one_sentence_edit_reparses_only_that_sentence(parser):
    parser.clear_cache()
    parser.parse("決裁は社長。予算は300万。時期は4月。")
    misses = parser.misses
    sents = parser.parse("決裁は社長。予算は500万。時期は4月。")
    assert parser.misses - misses == 1
    assert [s.text for s in sents] == ["決裁は社長。", "予算は500万。", "時期は4月。"]
    assert sents[1].start == 6


def test_parser_is_safe_under_concurrent_requests():
    """Sudachi's tokenizer raised 'Already borrowed' when two request threads parsed at once."""
    from concurrent.futures import ThreadPoolExecutor


    parser = Parser(cache_tokens=40)  # a small cache, so most calls really parse
    notes = [f"{i}月の締め作業に毎月{i}0時間かかっている。決裁は部長で次回同席。予算は{i}00万円。" for i in range(1, 41)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: [tok.text for s in parser.parse(t) for tok in s.doc], notes))
    reference = Parser(cache_tokens=0)
    assert results == [[tok.text for s in reference.parse(t) for tok in s.doc] for t in notes]
    assert parser.hits + parser.misses == 40 * 3  # three sentences a note, each counted once


def test_nlp_cache_is_bounded_by_tokens_and_keeps_the_recent_sentences(parser):
    small = Parser(cache_tokens=60)
    small._nlp = parser.nlp  # the session's loaded pipeline, not a second copy
    long_sentence = "勤怠の締め作業に毎月40時間かかっていて、総務部長はもう限界だとおっしゃっていた。"
    small.parse(long_sentence)  # about 30 tokens: cached
    tokens_one = small.cached_tokens
    assert 10 < tokens_one <= 60
    for i in range(10):
        small.parse(f"予算は{i}00万円。")  # each a few tokens: the oldest entries go first
    assert small.cached_tokens <= 60
    misses = small.misses
    small.parse("予算は900万円。")  # the most recent one is still there
    assert small.misses == misses
    small.parse(long_sentence)  # the long one was evicted
    assert small.misses == misses + 1
    small.resize_cache(0)
    assert small.cached_tokens == 0 and not small._cache
    assert small.parse("予算は未定。")[0].doc.tensor.size == 0  # the tok2vec tensor is not kept
