"""The handoff policy: required elements, minimum score, whether 「不明」 counts; bad files are refused."""

from __future__ import annotations

import pytest

from service.engine.policy import Policy, PolicyError, load_policy

ALL_ABSENT = {e: "absent" for e in ("interest", "decision_maker", "budget")}


def test_policy_blocks_missing_unknown_and_low_score_with_japanese_reasons():
    policy = Policy(required=("interest", "decision_maker"), min_score=50)
    verdict = policy.evaluate(ALL_ABSENT | {"decision_maker": "unknown"}, score=20)
    assert not verdict.pass_ready
    assert [(r.element, r.kind) for r in verdict.reasons] == [("interest", "missing"), ("decision_maker", "unknown"),
                                                             (None, "low_score")]
    assert "興味の核心" in verdict.reasons[0].message_ja and "20" in verdict.reasons[2].message_ja


def test_policy_unknown_counts_when_configured():
    states = ALL_ABSENT | {"interest": "present", "decision_maker": "unknown"}
    assert not Policy(required=("interest", "decision_maker")).evaluate(states, 90).pass_ready
    assert Policy(required=("interest", "decision_maker"), unknown_counts=True).evaluate(states, 90).pass_ready


def test_policy_file_round_trip_and_refusals(tmp_path):
    good = tmp_path / "policy.toml"
    good.write_text('required = ["budget"]\nmin_score = 10\nunknown_counts = true\n', encoding="utf-8")
    policy = load_policy(good)
    assert (policy.required, policy.min_score, policy.unknown_counts, policy.source) == (("budget",), 10, True, "policy.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('required = ["budjet"]\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="budjet"):
        load_policy(bad)
    (tmp_path / "typo.toml").write_text('requird = ["budget"]\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="requird"):
        load_policy(tmp_path / "typo.toml")
    (tmp_path / "broken.toml").write_text('required = [\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="TOML"):
        load_policy(tmp_path / "broken.toml")
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy(tmp_path / "missing.toml")


def test_the_shipped_policy_file_loads():
    from service.api.settings import DEFAULT_POLICY

    assert load_policy(DEFAULT_POLICY).required
