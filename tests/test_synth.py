"""The synthetic handoff generator (training/synth): determinism, record schema, rates, varied wording."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from training.synth import ELEMENT_IDS, generate, iter_records

KEYS = {"id", "text", "lead_source", "contact_title", "days_to_first_contact", "n_contacts", "rep_id",
        "lead_created_at", "first_contact_at", "handoff_at", "opportunity", "won", "latent"}
SOURCES = {"webinar", "whitepaper", "inquiry", "referral", "event", "outbound", "ad"}
TITLES = {"staff", "manager", "director", "executive"}
OUTCOME_WORDS = ("受注", "失注", "案件化")


@pytest.fixture(scope="module")
def records_3000() -> list[tuple[dict, dict[str, str]]]:
    return list(iter_records(3000, 20261122))


def test_synth_same_seed_gives_identical_records():
    assert json.dumps(generate(200, 5), ensure_ascii=False) == json.dumps(generate(200, 5), ensure_ascii=False)


def test_synth_different_seed_gives_different_records():
    assert [r["text"] for r in generate(50, 5)] != [r["text"] for r in generate(50, 6)]


def test_synth_records_follow_the_schema(records_3000):
    for i, (r, _) in enumerate(records_3000, 1):
        assert set(r) == KEYS
        assert r["id"] == f"h-{i:06d}"
        assert isinstance(r["text"], str) and r["text"].strip()
        assert r["lead_source"] in SOURCES and r["contact_title"] in TITLES
        assert isinstance(r["days_to_first_contact"], int) and r["days_to_first_contact"] >= 0
        assert isinstance(r["n_contacts"], int) and r["n_contacts"] >= 1
        assert re.fullmatch(r"rep-(0[1-9]|[12]\d|30)", r["rep_id"])
        created, first, handoff = (date.fromisoformat(r[k]) for k in
                                   ("lead_created_at", "first_contact_at", "handoff_at"))
        assert date(2024, 4, 1) <= created <= first <= handoff <= date(2026, 9, 30)
        assert (first - created).days == r["days_to_first_contact"]
        assert r["opportunity"] in (0, 1) and r["won"] in (0, 1) and r["won"] <= r["opportunity"]
        lat = r["latent"]
        assert set(lat["captured"]) == set(ELEMENT_IDS)
        assert set(lat["captured"].values()) <= {"present", "unknown", "absent"}
        assert 0.0 < lat["p_opportunity"] < 1.0 and 0.0 < lat["p_won_given_opportunity"] < 1.0
        for key in ("rep_skill", "hidden_fit", "urgency_level", "budget_secured", "dm_attends", "interest_specific"):
            assert key in lat
        assert not any(w in r["text"] for w in OUTCOME_WORDS)
    json.dumps([r for r, _ in records_3000], ensure_ascii=False)  # serialisable


def test_synth_opportunity_and_won_rates_are_realistic(records_3000):
    opp = [r["opportunity"] for r, _ in records_3000]
    won = [r["won"] for r, _ in records_3000 if r["opportunity"]]
    assert 0.12 <= sum(opp) / len(opp) <= 0.23
    assert 0.18 <= sum(won) / len(won) <= 0.42


def test_synth_present_only_where_the_fact_is_true(records_3000):
    for r, _ in records_3000:
        lat = r["latent"]
        if lat["captured"]["interest"] == "present":
            assert lat["interest_specific"]
        if lat["captured"]["next_action"] == "present":
            assert lat["next_fixed"]


def test_synth_every_present_or_unknown_element_has_a_fragment(records_3000):
    for r, frags in records_3000:
        for e, state in r["latent"]["captured"].items():
            assert (e in frags) == (state != "absent"), (r["id"], e)


def _distinct(records, element: str) -> int:
    masked = {re.sub(r"\d+", "0", frags[element]) for r, frags in records
              if r["latent"]["captured"][element] == "present"}
    return len(masked)


def test_synth_budget_wording_varies(records_3000):
    assert _distinct(records_3000, "budget") >= 900


@pytest.mark.parametrize("element", ["interest", "decision_maker", "need", "next_action", "urgency"])
def test_synth_core_wording_varies(records_3000, element):
    assert _distinct(records_3000, element) >= 750


def test_synth_every_bank_has_many_clause_templates():
    from training.synth.phrases import BANK

    for element, banks in BANK.items():
        for key, bank in banks.items():
            assert len(set(bank["long"])) >= 15, (element, key)
            assert len(set(bank["val"])) >= 2, (element, key)


def test_synth_note_lengths_span_short_and_long(records_3000):
    lengths = sorted(len(r["text"]) for r, _ in records_3000)
    assert lengths[0] < 40 and lengths[-1] > 350
    assert 110 <= lengths[len(lengths) // 2] <= 190
