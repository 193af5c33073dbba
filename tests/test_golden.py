"""The detectors still decide what the golden file recorded (training/golden.py), on a sample of its notes.

The whole file (8,520 notes, about 5 minutes) is checked with `python -m training golden --check
data/golden/detections.jsonl.gz`; this test reads every 60th note, so that a change of behaviour fails
`make test` too, and must come with the golden file written again in its own commit.
"""

from __future__ import annotations

import pytest

from training import golden

from .conftest import ROOT

pytestmark = pytest.mark.slow
GOLDEN = ROOT / "data/golden/detections.jsonl.gz"


@pytest.fixture(scope="module")
def recorded():
    return golden.load(GOLDEN)


def test_golden_sample_is_reproduced_exactly(recorded, parser):
    from service.engine.artifact import MODELS_DIR
    from service.engine.embedder import Embedder
    from service.engine.reader import find_reader

    embedder = Embedder()
    reader = find_reader(MODELS_DIR, "current", embedder.fingerprint)
    sample = [(i, t) for k, (i, t) in enumerate(golden.notes(golden.DEFAULT_DATA)) if k % 60 == 0]
    assert len(sample) > 100 and all(i in recorded for i, _ in sample)
    lines = (golden.read(i, t, parser, reader, embedder) for i, t in sample)
    assert list(golden.differences(recorded, lines)) == []


def test_golden_differences_name_the_note_element_and_change(recorded):
    note_id, line = next(iter(recorded.items()))
    changed = {**line, "rules": {**line["rules"], "budget": ["present", 0.123456, "cue:test", "x", [[0, 1]]]}}
    messages = list(golden.differences(recorded, iter([changed, {**line, "sha": "other"}])))
    assert messages == [f"{note_id} rules budget: {line['rules']['budget']} -> ['present', 0.123456, 'cue:test', 'x', [[0, 1]]]",
                        f"{note_id}: not in the golden file, or its text changed"]
    assert list(golden.differences(recorded, iter([line]))) == []
