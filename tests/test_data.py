"""The annotated data as the data card describes it: writers and styles on every record, the blind sample,
and the adjudicated labels in place."""

import json
from collections import Counter

from training.agreement import in_blind_sample, load_labels
from training.records import load_annotated

from .conftest import ROOT

DATA = ROOT / "data/annotated"
WRITERS = sorted((DATA / "writers").glob("w*.jsonl"))


def test_data_every_record_names_its_writer_and_style_and_ids_are_unique():
    records = load_annotated([DATA / "dev.jsonl", DATA / "heldout.jsonl", *WRITERS])
    assert all(r.writer and r.style for r in records)
    assert len({r.id for r in records}) == len(records)
    by_writer = Counter(r.writer for r in records)
    assert len(by_writer) >= 19 and sum(n for w, n in by_writer.items() if w.startswith("w")) >= 2000
    assert all(r.id.startswith(r.writer + "-") for r in records)


def test_data_blind_sample_is_the_hashed_fifth_and_adjudication_is_applied():
    second = load_labels([DATA / "agreement/second.jsonl"])
    first = {r.id: r for r in load_annotated([DATA / "agreement/first.jsonl"])}
    final = {r.id: r for r in load_annotated(WRITERS)}
    assert set(second) == set(first) == {i for i in final if in_blind_sample(i)}
    assert len(second) >= 0.2 * len(final)
    decisions = [json.loads(line) for line in (DATA / "agreement/adjudication.jsonl").read_text(encoding="utf-8").splitlines()]
    disagreements = {(i, el) for i in second for el, s in second[i]["labels"].items() if first[i].labels[el] != s}
    assert {(d["id"], d["element"]) for d in decisions} == disagreements
    for d in decisions:
        assert final[d["id"]].labels[d["element"]] == d["decision"]
    for i, rec in first.items():  # outside the disagreements the writer's label stands
        for el, state in rec.labels.items():
            if (i, el) not in disagreements:
                assert final[i].labels[el] == state
