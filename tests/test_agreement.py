"""Inter-annotator agreement (training/agreement.py): κ and F1 against scikit-learn, the blind sample."""

import json

import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from service.engine.elements import ELEMENT_IDS
from training.agreement import agreement, cohen_kappa, in_blind_sample, load_labels, present_f1
from training.records import Annotated

A = ["present", "absent", "unknown", "present", "present", "absent", "absent", "unknown", "present", "absent"]
B = ["present", "absent", "absent", "present", "unknown", "absent", "present", "unknown", "present", "absent"]


def test_agreement_kappa_and_f1_match_scikit_learn():
    assert cohen_kappa(A, B) == pytest.approx(cohen_kappa_score(A, B))
    assert present_f1(A, B) == pytest.approx(f1_score([a == "present" for a in A], [b == "present" for b in B]))


def test_agreement_counts_only_notes_labelled_twice_and_their_disagreements():
    first = [Annotated(f"n{i}", "x", dict.fromkeys(ELEMENT_IDS, a), None, "f", "w1") for i, a in enumerate(A)]
    second = {f"n{i}": {"id": f"n{i}", "labels": dict.fromkeys(ELEMENT_IDS, b)} for i, b in enumerate(B[:8])}
    result = agreement(first, second)
    assert result.n_notes == 8
    assert result.per_element["budget"][2] == sum(a != b for a, b in zip(A[:8], B[:8], strict=True)) == 3


def test_agreement_blind_sample_is_a_stable_fifth():
    ids = [f"w{w:02d}-{i:04d}" for w in range(1, 17) for i in range(1, 131)]
    share = sum(map(in_blind_sample, ids)) / len(ids)
    assert 0.20 <= share <= 0.25
    assert [in_blind_sample(i) for i in ids[:50]] == [in_blind_sample(i) for i in ids[:50]]


def test_agreement_refuses_incomplete_labels(tmp_path):
    path = tmp_path / "second.jsonl"
    path.write_text(json.dumps({"id": "n1", "labels": {"interest": "present"}}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="twelve"):
        load_labels([path])
