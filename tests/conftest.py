from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def parser():
    """One GiNZA pipeline for the whole session (loading takes seconds)."""
    from service.engine.nlp import Parser

    return Parser()


@pytest.fixture(scope="session")
def states(parser):
    """detect(text) → {element: state}, on the shared parser."""
    from service.engine.detect import detect

    return lambda text: detect(text, parser).states()


@pytest.fixture(scope="session")
def handoff_rows(tmp_path_factory):
    """A few dozen handoffs built from annotated notes, with an outcome that follows their labels."""
    import json
    import random

    rng = random.Random(7)
    path = tmp_path_factory.mktemp("data") / "handoffs.jsonl"
    recs = [json.loads(line) for line in (ROOT / "data/annotated/dev.jsonl").read_text(encoding="utf-8").splitlines()][:72]
    with path.open("w", encoding="utf-8") as fh:
        for r in recs:
            lab = r["labels"]
            signal = (lab["decision_maker"] == "present") + (lab["interest"] == "present") + 0.5 * (lab["budget"] == "present")
            row = {"id": r["id"], "text": r["text"], "lead_source": rng.choice(["webinar", "inquiry", "outbound"]),
                   "contact_title": rng.choice(["staff", "manager", "director"]), "days_to_first_contact": rng.randint(0, 9),
                   "n_contacts": rng.randint(1, 4), "rep_id": f"rep-0{rng.randint(1, 4)}",
                   "opportunity": int(signal + rng.random() > 2.0), "won": 0}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, handoff_rows):
    """One tiny model per session (cv=3), in its own models directory."""
    from training.model import ModelConfig
    from training.train import train

    models = tmp_path_factory.mktemp("models")
    out = train([str(handoff_rows)], ModelConfig(cv=3, heldout_percent=25), models_dir=models, version="tiny-1")
    return out


@pytest.fixture(scope="session", autouse=True)
def _test_database(tmp_path_factory):
    """Apps built with default Settings store into a throwaway SQLite file, never var/handoffs.sqlite3."""
    import os

    path = tmp_path_factory.mktemp("db") / "handoffs.sqlite3"
    previous = os.environ.get("HANDOFF_DB_URL")
    os.environ["HANDOFF_DB_URL"] = f"sqlite:///{path}"
    yield path
    if previous is None:
        os.environ.pop("HANDOFF_DB_URL", None)
    else:
        os.environ["HANDOFF_DB_URL"] = previous


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of our own for the session (tests/postgres.py); CI must have it, so there it fails
    instead of skipping."""
    import os

    from tests import postgres

    if postgres.binaries() is None:
        if os.environ.get("CI"):
            pytest.fail(postgres.INSTALL_HINT)
        pytest.skip(postgres.INSTALL_HINT)
    server = postgres.start()
    yield server
    server.stop()
