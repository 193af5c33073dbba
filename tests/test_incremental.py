"""Live typing's fast path: a one-sentence edit parses one sentence and detects exactly what a cold parse
detects (evidence that spans two sentences included), and the model's fast paths give sklearn's numbers."""

import numpy as np
import pytest

from service.engine.detect import detect
from service.engine.text import split_sentences

# 「関心:…。…」 is one template field over two sentences; 「…「…？」と驚」 is one cue over two sentences
FIELD = "関心:融資稟議書の転記作業の自動化。他信金の事例を聞きたい\n予算:未定\n決裁は部長で次回同席。温度感は高め。"
QUOTE = "事例集を見せたら「これ全部入ってるの？」と驚いていた。決裁は部長。"


@pytest.mark.slow
@pytest.mark.parametrize(("before", "after", "spanning"), [
    (FIELD, FIELD.replace("他信金の事例", "他行の導入事例"), "interest"),  # edit the second half of the evidence
    (FIELD, FIELD.replace("融資稟議書", "融資の稟議書"), "interest"),  # edit its first half
    (QUOTE, QUOTE.replace("決裁は部長。", "決裁は部長、次回同席。"), "resonant_content"),  # edit another sentence
    (FIELD, FIELD + "次回は12/3 14時にデモ、概算見積を持参。", "interest"),  # append one
], ids=["second-half-of-a-field", "first-half-of-a-field", "another-sentence", "appended"])
def test_incremental_one_sentence_edit_parses_one_sentence_and_detects_like_a_cold_parse(parser, before, after, spanning):
    parser.clear_cache()
    detect(before, parser)
    misses = parser.misses
    edited = detect(after, parser)
    assert parser.misses - misses == 1
    parser.clear_cache()
    cold = detect(after, parser)
    assert edited.detections == cold.detections and edited.findings == cold.findings
    ends = [s.end for s in split_sentences(after)]
    evidence = edited.detections[spanning].evidence
    assert edited.detections[spanning].state.value == "present"
    assert any(e.start < end < e.end for e in evidence for end in ends), "the evidence spans two sentences"


def test_scaling_vectorize_gives_dictvectorizers_matrix():
    from service.engine.scaling import BlockScaler

    rng = np.random.default_rng(1)
    fit_rows = [{"emb:0": float(a), "el:x=present": 1.0, "n": float(n)} for a, n in zip(rng.normal(size=50), range(50), strict=True)]
    scaler = BlockScaler({"emb:": 0.2}).fit(fit_rows)
    rows = [{"n": 3, "emb:0": np.float32(0.5), "unseen": 7.0}, {"el:x=present": True}, {}]
    assert np.array_equal(scaler._vectorize(rows), scaler.vec_.transform(rows))
    with_text = [{"n": 1.0, "src": "webinar"}]  # a string is one-hot encoded: left to DictVectorizer
    assert np.array_equal(scaler._vectorize(with_text), scaler.vec_.transform(with_text))


@pytest.mark.slow
def test_predictor_gives_calibrated_classifiers_probabilities(trained_model):
    from service.engine.features import Fields, feature_dict, summarize, with_present
    from service.engine.scorer import Scorer

    scorer = Scorer.from_dir(trained_model)
    text = "興味あり、とりあえず会ってくれるそうです。決裁は部長で次回同席。"
    result = scorer.score(text)  # the first call checks the fast path against predict_proba
    assert scorer._predictor.lean
    summary = summarize(result.detections)
    rows = [feature_dict(s, scorer.embedder.encode([text])[0], Fields(lead_source="webinar"), len(text))
            for s in (summary, with_present(summary, "budget"), with_present(summary, "timing"))]
    expected = scorer.artifact.estimator.predict_proba(rows)[:, 1]
    assert np.allclose(scorer._predictor.positive_proba(rows), expected, rtol=0, atol=1e-12)
    assert scorer.score(text).probability == result.probability
