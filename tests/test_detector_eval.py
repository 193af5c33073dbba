import json

import pytest

from training.__main__ import main
from training.detector_eval import score
from training.keyword_peer import peer_states
from training.records import Annotated, RecordError, load_annotated

ALL_ABSENT = dict.fromkeys(peer_states(""), "absent")


def _rec(labels):
    return Annotated("x", "t", {**ALL_ABSENT, **labels}, None, "mem")


def test_detector_eval_score_counts_present_f1_and_three_state_accuracy():
    gold = [_rec({"budget": "present"}), _rec({"budget": "unknown"}), _rec({"budget": "present"})]
    pred = [{**ALL_ABSENT, "budget": "present"}, {**ALL_ABSENT, "budget": "present"}, ALL_ABSENT]
    report = score(gold, pred)
    b = report.per_element["budget"]
    assert (round(b.precision, 2), round(b.recall, 2), round(b.f1, 2)) == (0.5, 0.5, 0.5)
    assert report.accuracy_3state == (36 - 2) / 36  # notes 2 and 3 disagree on budget; all else absent


def test_detector_eval_load_reports_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "labels": {}}\n', encoding="utf-8")
    try:
        load_annotated([path])
    except RecordError as exc:
        assert "bad.jsonl:1" in str(exc)
    else:
        raise AssertionError("a record without labels was accepted")


@pytest.mark.slow
def test_detector_eval_cli_prints_metrics_and_writes_predictions(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    labels = {**ALL_ABSENT, "budget": "unknown", "decision_maker": "present"}
    gold.write_text(json.dumps({"id": "g1", "text": "決裁は社長。予算は未定。", "labels": labels}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    assert main(["evaluate-detector", "--gold", str(gold), "--predictions", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| decision_maker | 1.00 | 1.00 | 1.00 |" in printed
    assert "3-state accuracy" in printed
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [{"id": "g1", "labels": labels}]


def test_detector_eval_cli_rejects_a_malformed_gold_file(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert main(["evaluate-detector", "--gold", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_detector_eval_keyword_peer_matches_one_regex_per_element():
    s = peer_states("予算は未定、興味あり")
    assert s["budget"] == "present" and s["interest"] == "present" and s["timing"] == "absent"
