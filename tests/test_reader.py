"""Issue 13's learned reader: training, the artifact and its checks, combining with the rules, by-writer folds."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from service.engine.artifact import IncompatibleModelError, ModelNotFoundError
from service.engine.detect import detect
from service.engine.elements import ELEMENT_IDS, STATES
from service.engine.features import read_summary, summarize
from service.engine.reader import (
    Reader,
    ReaderModel,
    ReaderSettings,
    decide,
    kana_reading,
    load_reader,
    rule_block,
)

from .conftest import ROOT

pytestmark = pytest.mark.slow
DEV = ROOT / "data/annotated/dev.jsonl"
TWO_SENTENCES = "🙏先方は物流業で配送ルートの組み直しに困っている。予算は年200万円で確保済み、決裁は常務。"


@pytest.fixture(scope="module")
def corpus():
    from training.reader import load_corpus

    return load_corpus([str(DEV)], workers=1, embedder=None, progress=False)


@pytest.fixture(scope="module")
def tiny_reader(corpus, tmp_path_factory):
    """A reader trained on the dev notes without the embedding (fast), saved and loaded as an artifact."""
    from training.reader import train_reader

    readers = tmp_path_factory.mktemp("models") / "reader"
    out = train_reader([str(DEV)], ReaderSettings(use_embedding=False), readers, version="tiny-reader", workers=1)
    return out


def test_reader_artifact_round_trip_and_meta(tiny_reader, corpus):
    reader = load_reader(tiny_reader)
    meta = reader.meta
    assert meta["elements"] == list(ELEMENT_IDS) and meta["states"] == list(STATES)
    assert meta["data"]["rows"] == len(corpus.notes) and set(meta["data"]["writers"]) == {"p1", "p2", "p3", "p4"}
    copies = len(corpus.records) - len(corpus.notes)
    assert 0 < copies < len(corpus.notes) and meta["data"]["half_width_copies"]["rows"] == copies
    assert len(meta["data"]["sha256"]) == 16 and meta["code_fingerprint"] and meta["settings"]["use_embedding"] is False
    oof = meta["metrics"]["text_model_out_of_fold"]
    assert oof["folds"] == "4 grouped by writer" and 0.3 < oof["macro_f1_present"] < 1
    assert not hasattr(reader.model, "oof_text_proba_")  # no training data in the artifact
    probs = reader.model.proba(corpus.texts()[:5], corpus.readings[:5], None)
    assert probs.shape == (5, len(ELEMENT_IDS), len(STATES))
    np.testing.assert_allclose(probs.sum(axis=2), 1.0)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(code_fingerprint="0" * 16), "retrain it"),
    (lambda m: m.update(elements=m["elements"] + ["thirteenth"]), "element ids"),
    (lambda m: m.update(format=99), "format"),
    (lambda m: m["libraries"].update({"scikit-learn": "0.1.0"}), "scikit-learn"),
])
def test_reader_load_refuses_an_incompatible_artifact(tiny_reader, tmp_path, edit, message):
    copy = tmp_path / "r"
    shutil.copytree(tiny_reader, copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    edit(meta)
    (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IncompatibleModelError, match=message):
        load_reader(copy)


def test_reader_load_without_the_model_file(tiny_reader, tmp_path):
    copy = tmp_path / "r"
    shutil.copytree(tiny_reader, copy)
    (copy / "reader.joblib").unlink()
    with pytest.raises(ModelNotFoundError):
        load_reader(copy)


def test_reader_learns_from_the_text_alone(corpus):
    """Trained on three writers without the rules, the reader reads the fourth far better than the majority
    state of each element in its training notes."""
    from collections import Counter

    from training.detector_eval import score
    from training.reader import fit, predict_states

    train = corpus.take([i for i, r in enumerate(corpus.records) if r.writer != "p1"])
    test = corpus.take([i for i, r in enumerate(corpus.records) if r.writer == "p1"])
    model = fit(train, ReaderSettings(use_embedding=False, use_rules=False))
    learned = score(test.records, predict_states(model, test))
    majority = {el: Counter(r.labels[el] for r in train.records).most_common(1)[0][0] for el in ELEMENT_IDS}
    baseline = score(test.records, [majority] * len(test.records))
    assert learned.accuracy_3state > baseline.accuracy_3state + 0.1 and learned.macro_f1 > 0.5


def test_detect_with_reader_matches_the_training_summary(tiny_reader, parser, corpus):
    """Serving (detect with the reader) and training (cached rule summaries + read_summary) agree exactly."""
    reader = load_reader(tiny_reader)
    for text in corpus.texts()[:25]:
        served = summarize(detect(text, parser, reader))
        rules = summarize(detect(text, parser))
        reading = {el: (s[0], s[1]) for el, s in rules.items()}
        trained = read_summary(rules, decide(reader.model.proba([text], [reading], None)[0]))
        assert served == trained


def _forcing_reader(element: str, state: str) -> Reader:
    """A reader that follows the rules except for `element`, which it reads as `state` whatever the note says."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n_cols = len(ELEMENT_IDS) * len(STATES)
    model = ReaderModel(ReaderSettings(use_embedding=False, use_reading=False, use_rules=True, min_df=1))
    model.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False).fit(
        ["予算は年200万円で確保済み。", "配送ルートの組み直しに困っている。"])
    model.n_text_features_ = len(model.vectorizer_.vocabulary_)
    model.reading_vectorizer_ = None
    model.coef_ = np.zeros((model.n_text_features_, n_cols))  # the text model has no opinion …
    model.intercept_ = np.zeros(n_cols)
    i = ELEMENT_IDS.index(element)
    for gram in ("予算", "確保"):  # … except that budget words point to `state` for `element` (the evidence)
        model.coef_[model.vectorizer_.vocabulary_[gram], i * len(STATES) + STATES.index(state)] = 3.0
    rules = np.zeros((len(rule_block({})) + n_cols, n_cols))
    for k in range(n_cols):  # the combiner follows the rules' one-hot state …
        rules[k, k] = 20.0
    icpt = np.zeros(n_cols)
    icpt[i * len(STATES) + STATES.index(state)] = 50.0  # … but for `element`
    model.combiner_ = (rules, icpt)
    return Reader(ROOT, {"version": "forced"}, model)


def test_detect_reader_decision_has_source_and_a_sentence_as_evidence(parser):
    rules = detect(TWO_SENTENCES, parser)
    assert rules.detections["ng_topics"].state.value == "absent"
    forced = detect(TWO_SENTENCES, parser, _forcing_reader("ng_topics", "present"))
    d = forced.detections["ng_topics"]
    assert d.state.value == "present" and d.source == "learned" and d.value is None and d.confidence > 0.9
    (ev,) = d.evidence
    assert ev.text == "予算は年200万円で確保済み、決裁は常務。" == TWO_SENTENCES[ev.start:ev.end]
    assert TWO_SENTENCES.encode("utf-16-le")[2 * ev.start_utf16:2 * ev.end_utf16].decode("utf-16-le") == ev.text
    kept = forced.detections["budget"]  # where the reader keeps the rules' state, their rule and evidence stand
    assert kept.state == rules.detections["budget"].state and kept.source == rules.detections["budget"].rule != "learned"
    assert kept.evidence == rules.detections["budget"].evidence


def test_by_writer_never_trains_on_the_writer_it_reads(corpus, monkeypatch):
    import training.reader as tr

    seen = []
    real_fit = tr.fit

    def spy(c, settings):
        seen.append(({r.writer for r in c.records}, sum(r.id.endswith("~hw") for r in c.records)))
        return real_fit(c, settings)

    monkeypatch.setattr(tr, "fit", spy)
    notes = [i for i in range(len(corpus.notes)) if i % 3 == 0]
    ids = {corpus.records[i].id for i in notes}
    copies = [i for i in range(len(corpus.notes), len(corpus.records)) if corpus.records[i].id.removesuffix("~hw") in ids]
    small = replace(corpus.take(notes + copies), originals=len(notes))
    result = tr.by_writer(small, ReaderSettings(use_embedding=False), progress=False)
    assert result["writers"] == ["p1", "p2", "p3", "p4"] and len(seen) == 4
    for k, w in enumerate(result["writers"]):
        writers, n_copies = seen[k]
        assert writers == {"p1", "p2", "p3", "p4"} - {w}  # neither the writer's notes nor their copies
        assert 0 < n_copies < len(copies)
    assert all(len(result[m]) == len(notes) and all(p is not None for p in result[m]) for m in tr.MODES)


def test_half_width_copies_are_deterministic_keep_labels_and_read_as_half_width(corpus):
    from training.augment import half_width_copies

    notes = corpus.notes[:40]
    first, again = half_width_copies(notes), half_width_copies(notes)
    assert first == again and 0 < len(first) < len(notes)
    by_id = {r.id: r for r in notes}
    for copy in first:
        original = by_id[copy.id.removesuffix("~hw")]
        assert (copy.writer, copy.labels) == (original.writer, original.labels)
        half = sum("\uff66" <= c <= "\uff9f" for c in copy.text)
        assert half > len(copy.text) / 4, copy.text  # mostly half-width katakana now


def test_train_detector_refuses_eval_dev(tmp_path):
    from training.__main__ import main

    eval_dev = ROOT.parent / "shared" / "eval-dev" / "dev_a.jsonl"
    if not eval_dev.exists():
        pytest.skip("../shared is not beside the checkout")
    assert main(["--models-dir", str(tmp_path), "train-detector", "--data", str(eval_dev)]) == 2
    assert not (tmp_path / "reader").exists()


def test_reader_settings_are_recorded(tiny_reader):
    meta = load_reader(tiny_reader).meta
    assert ReaderSettings(**meta["settings"]) == replace(ReaderSettings(), use_embedding=False)


def test_reader_combiner_learns_from_text_probabilities_of_unseen_writers(corpus, monkeypatch):
    """Each inner text model that feeds the combiner is trained without one whole writer, then the final text
    model on everyone."""
    writer_of = {r.text: r.writer for r in corpus.records}
    seen = []
    real = ReaderModel._fit_text

    def spy(self, texts, embeddings, y):
        seen.append({writer_of[t] for t in texts})
        return real(self, texts, embeddings, y)

    monkeypatch.setattr(ReaderModel, "_fit_text", spy)
    small = corpus.take([i for i in range(len(corpus.records)) if i % 4 == 0])
    from training.reader import fit

    fit(small, ReaderSettings(use_embedding=False, inner_folds=4))
    everyone = {"p1", "p2", "p3", "p4"}
    assert seen[0] == everyone and sorted(map(sorted, seen[1:])) == sorted(sorted(everyone - {w}) for w in everyone)


def test_detect_a_note_too_short_for_the_reader_keeps_the_rules_reading(parser):
    """「予算は未定。」 is the schema's own unknown; under MIN_NOTE_CHARS the reader does not overrule the rules."""
    from service.engine.reader import MIN_NOTE_CHARS

    short = "予算は未定。"
    assert len(short) < MIN_NOTE_CHARS <= len(TWO_SENTENCES)
    forced = _forcing_reader("budget", "present")
    assert detect(short, parser, forced).states() == detect(short, parser).states()
    assert detect(short, parser, forced).detections["budget"].state.value == "unknown"
    assert detect(TWO_SENTENCES, parser, _forcing_reader("ng_topics", "present")).detections["ng_topics"].source == "learned"


def test_kana_reading_joins_half_width_kana_ime_errors_and_kanji():
    for spelling in ("決裁者は部長", "決済者は部長", "ｹｯｻｲｼｬﾊ ﾌﾞﾁｮｳ", "ケッサイシャは部長"):
        assert "ケッサイシャ" in kana_reading(spelling), spelling
    assert "ヨサン" in kana_reading("ﾖｻﾝ ﾐｶｸﾃｲ") and "ヨサン" in kana_reading("予算未確定")


def test_kana_reading_of_long_runs_and_odd_characters():
    long_line = "予算は来期。" * 1500  # 9,000 characters without a line break: read in chunks, nothing lost
    assert kana_reading(long_line).count("ヨサン") == 1500
    assert "ヨサン" in kana_reading("\ud800予算\x00\u200b")  # a lone surrogate or control character is a space
