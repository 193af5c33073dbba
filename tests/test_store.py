"""The persistent store (service/store.py) and `python -m training export-outcomes`, on SQLite files and on a
throwaway PostgreSQL server (tests/postgres.py); no GiNZA."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event, exc, func, select

from service.store import (
    DEFAULT_DB_URL,
    TRAINING_FIELDS,
    HandoffNotFound,
    Store,
    StoreUnavailable,
    db_url_from_env,
    outcomes,
)
from training.__main__ import main
from training.export import export_outcomes
from training.handoffs import load_handoffs

NOTE = "決裁は部長、次回同席。予算は来期で300万、\n「もう限界」とのこと, 競合は\"A社\"。"
FIELDS = {"lead_source": "webinar", "contact_title": "manager", "days_to_first_contact": 2.0, "n_contacts": 3,
          "rep_id": "rep-01"}
SCORED = {"score": 72, "probability": 0.41, "band": "B", "model_version": "v-test",
          "states": {"budget": "present", "timing": "unknown", "emotion": "absent"}}
OUTCOME = {"opportunity": True, "won": False, "opportunity_at": "2025-05-01", "closed_at": "2025-06-30",
           "feedback": "決裁者が同席していて話が早かった", "helpful_elements": ["decision_maker", "budget"],
           "missing_elements": ["competition"]}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every store test runs on the embedded default and on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'handoffs.sqlite3'}"  # var/ does not exist yet: the store makes it
        return
    with request.getfixturevalue("postgres_server").database() as url:
        yield url


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    s.create_schema()
    yield s
    s.dispose()


def _outcome_rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(outcomes)).scalar_one()


def _fail_on(store: Store, prefix: str):
    """Make the database fail the first statement starting with `prefix` (as a full disk or lost server would)."""
    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(prefix):
            raise exc.OperationalError(statement, None, sqlite3.OperationalError("disk I/O error"))

    event.listen(store.engine, "before_cursor_execute", before)
    return lambda: event.remove(store.engine, "before_cursor_execute", before)


def _seed(store: Store) -> None:
    """Three handoffs: two with outcomes (one won, one not an opportunity), one without."""
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    store.save_scored("SF-2", "興味あり、とりあえず会ってくれるそうです", {"lead_source": "inquiry"}, SCORED)
    store.save_scored("SF-3", "予算未定", None, SCORED)
    store.put_outcome("SF-1", {**OUTCOME, "won": True})
    store.put_outcome("SF-2", {"opportunity": False})


def test_store_save_get_round_trip(store):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    got = store.get_handoff("SF-1")
    assert got["handoff_id"] == "SF-1" and got["text"] == NOTE and got["fields"] == FIELDS
    score = got["score"]
    assert {k: score[k] for k in ("score", "probability", "band", "model_version", "states")} == SCORED
    assert score["scored_at"] == got["first_scored_at"]
    assert datetime.fromisoformat(got["first_scored_at"]).utcoffset().total_seconds() == 0
    assert got["outcome"] is None
    assert [h["score"] for h in got["score_history"]] == [72]
    assert store.get_handoff("SF-404") is None


def test_store_resave_keeps_first_scored_at_and_appends_history(store):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    first = store.get_handoff("SF-1")
    store.save_scored("SF-1", NOTE + "追記:次回はデモ", None, {**SCORED, "score": 80, "band": "A", "model_version": "v2"})
    got = store.get_handoff("SF-1")
    assert got["first_scored_at"] == first["first_scored_at"]
    assert got["score"]["scored_at"] > first["score"]["scored_at"]
    assert got["text"].endswith("次回はデモ") and got["score"]["score"] == 80
    assert got["fields"] == FIELDS  # fields=None keeps them
    assert [(h["score"], h["model_version"]) for h in got["score_history"]] == [(72, "v-test"), (80, "v2")]
    assert store.counts() == {"handoffs": 1, "outcomes": 0, "score_history": 2}


def test_store_put_outcome_created_unchanged_updated(store):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    record, status = store.put_outcome("SF-1", OUTCOME)
    assert status == "created"
    stored = record["outcome"]
    assert {k: stored[k] for k in ("opportunity", "won", "opportunity_at", "closed_at", "feedback")} == \
        {k: OUTCOME[k] for k in ("opportunity", "won", "opportunity_at", "closed_at", "feedback")}
    assert sorted(stored["helpful_elements"]) == sorted(OUTCOME["helpful_elements"])

    again = {**OUTCOME, "helpful_elements": list(reversed(OUTCOME["helpful_elements"]))}  # same content
    record2, status = store.put_outcome("SF-1", again)
    assert status == "unchanged" and _outcome_rows(store) == 1
    assert record2["outcome"]["updated_at"] == stored["updated_at"]

    record3, status = store.put_outcome("SF-1", {**OUTCOME, "won": True, "closed_at": "2025-07-15"})
    assert status == "updated" and _outcome_rows(store) == 1
    assert record3["outcome"]["won"] is True and record3["outcome"]["closed_at"] == "2025-07-15"
    assert record3["outcome"]["recorded_at"] == stored["recorded_at"]
    assert record3["outcome"]["updated_at"] > stored["updated_at"]
    assert store.get_handoff("SF-1")["outcome"] == record3["outcome"]


def test_store_put_outcome_for_unknown_handoff(store):
    with pytest.raises(HandoffNotFound):
        store.put_outcome("SF-404", OUTCOME)
    assert _outcome_rows(store) == 0


@pytest.mark.parametrize("outcome", [
    {"opportunity": False, "won": True},
    {"opportunity": "yes"},
    {"won": False},
    {"opportunity": True, "opportunity_at": "2025/05/01"},
    {"opportunity": True, "helpful_elements": "budget"},
    {"opportunity": True, "rating": 5},
])
def test_store_put_outcome_rejects_malformed(store, outcome):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    with pytest.raises(ValueError):
        store.put_outcome("SF-1", outcome)
    assert _outcome_rows(store) == 0


@pytest.mark.parametrize("name", ["handoffs.jsonl", "handoffs.csv"])
def test_store_export_loads_with_load_handoffs(store, tmp_path, name):
    _seed(store)
    out = tmp_path / "export" / name
    result = export_outcomes(store, out)
    assert (result.written, result.skipped) == (2, 1)
    report = load_handoffs([out])
    assert report.problems == []
    rows = {r.id: r for r in report.rows}
    assert set(rows) == {"SF-1", "SF-2"}
    assert rows["SF-1"].text == NOTE
    assert (rows["SF-1"].opportunity, rows["SF-1"].won) == (1, 1)
    assert (rows["SF-2"].opportunity, rows["SF-2"].won) == (0, None)
    assert rows["SF-1"].fields.lead_source == "webinar" and rows["SF-1"].fields.rep_id == "rep-01"
    assert float(rows["SF-1"].fields.n_contacts) == 3 and float(rows["SF-1"].fields.days_to_first_contact) == 2
    assert rows["SF-2"].fields.lead_source == "inquiry" and rows["SF-2"].fields.rep_id is None
    assert rows["SF-1"].handoff_at == store.get_handoff("SF-1")["first_scored_at"][:10]


def test_store_training_fields_are_the_feature_fields():
    from service.engine.features import FIELD_NAMES

    assert TRAINING_FIELDS == FIELD_NAMES


def test_store_export_failure_leaves_no_file(store, tmp_path, monkeypatch):
    _seed(store)

    def broken():
        yield {"id": "SF-1", "text": NOTE, "opportunity": 1}
        raise StoreUnavailable("database went away")

    monkeypatch.setattr(store, "export_rows", broken)
    with pytest.raises(StoreUnavailable):
        export_outcomes(store, tmp_path / "out.jsonl")
    assert [p for p in tmp_path.iterdir() if p.name != "var"] == []  # var/ holds the SQLite database


def test_store_unavailable_when_directory_cannot_be_made(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{blocker / 'sub' / 'handoffs.sqlite3'}")


def test_store_unavailable_when_database_cannot_be_opened(tmp_path):
    s = Store(f"sqlite:///{tmp_path}")  # a directory, not a database file
    for call in (s.ping, s.create_schema, lambda: s.get_handoff("SF-1"), lambda: s.save_scored("SF-1", NOTE, None, SCORED)):
        with pytest.raises(StoreUnavailable, match="cannot"):
            call()
    s.dispose()


def test_store_unavailable_for_malformed_url_or_missing_driver():
    with pytest.raises(StoreUnavailable):
        Store("not a url")
    try:  # psycopg is the driver the dev extras bring; pg8000 stands for one that is not installed
        import pg8000  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pg8000 is installed here")
    with pytest.raises(StoreUnavailable) as err:
        Store("postgresql+pg8000://app:secret@127.0.0.1:1/handoffs")
    assert "secret" not in str(err.value) and "pg8000" in str(err.value)


def test_store_failed_transaction_writes_nothing(store):
    restore = _fail_on(store, "INSERT INTO score_history")  # after the handoff row, in the same transaction
    with pytest.raises(StoreUnavailable) as err:
        store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    assert NOTE not in str(err.value) and NOTE not in str(err.value.__cause__)
    assert store.get_handoff("SF-1") is None
    assert store.counts() == {"handoffs": 0, "outcomes": 0, "score_history": 0}
    restore()

    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    restore = _fail_on(store, "INSERT INTO score_history")
    with pytest.raises(StoreUnavailable):
        store.save_scored("SF-1", "書き換え", FIELDS, {**SCORED, "score": 10})
    restore()
    got = store.get_handoff("SF-1")
    assert got["text"] == NOTE and got["score"]["score"] == 72 and len(got["score_history"]) == 1

    restore = _fail_on(store, "INSERT INTO outcomes")
    with pytest.raises(StoreUnavailable):
        store.put_outcome("SF-1", OUTCOME)
    restore()
    assert _outcome_rows(store) == 0 and store.get_handoff("SF-1")["outcome"] is None


def test_store_write_retried_after_losing_a_key_race(store):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    raised = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO outcomes") and not raised:
            raised.append(statement)
            raise exc.IntegrityError(statement, None, sqlite3.IntegrityError("UNIQUE constraint failed"))

    event.listen(store.engine, "before_cursor_execute", before)
    _, status = store.put_outcome("SF-1", OUTCOME)
    event.remove(store.engine, "before_cursor_execute", before)
    assert raised and status == "created" and _outcome_rows(store) == 1


def _in_threads(n: int, fn) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def test_store_concurrent_put_outcome_same_id_one_row(store):
    store.save_scored("SF-1", NOTE, FIELDS, SCORED)
    statuses = Counter(status for _, status in _in_threads(8, lambda i: store.put_outcome("SF-1", OUTCOME)))
    assert statuses == {"created": 1, "unchanged": 7}
    assert _outcome_rows(store) == 1

    feedback = _in_threads(8, lambda i: store.put_outcome("SF-1", {**OUTCOME, "feedback": f"{i}回目"}))
    assert Counter(status for _, status in feedback) == {"updated": 8}
    assert _outcome_rows(store) == 1


def test_store_concurrent_first_save_one_handoff(store):
    _in_threads(8, lambda i: store.save_scored("SF-9", NOTE, FIELDS, {**SCORED, "score": i}))
    assert store.counts() == {"handoffs": 1, "outcomes": 0, "score_history": 8}


def test_store_db_url_from_env(monkeypatch, tmp_path):
    monkeypatch.delenv("HANDOFF_DB_URL", raising=False)
    assert db_url_from_env() == DEFAULT_DB_URL and DEFAULT_DB_URL.endswith("/var/handoffs.sqlite3")
    monkeypatch.setenv("HANDOFF_DB_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    assert db_url_from_env() == f"sqlite:///{tmp_path}/x.sqlite3"


def test_training_cli_export_outcomes(store, db_url, tmp_path, capsys, monkeypatch):
    _seed(store)
    out = tmp_path / "train.jsonl"
    assert main(["export-outcomes", "--db", db_url, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2 handoffs with outcomes written" in err and "1 stored handoffs have no outcome" in err
    assert load_handoffs([out]).problems == []

    monkeypatch.setenv("HANDOFF_DB_URL", db_url)  # the default database, as the service would use it
    csv_out = tmp_path / "train.csv"
    assert main(["export-outcomes", "--out", str(csv_out), "--format", "csv"]) == 0
    assert sorted(r.id for r in load_handoffs([csv_out]).rows) == ["SF-1", "SF-2"]


@pytest.mark.parametrize("make_db, expect", [
    (lambda p: None, "no database at"),
    (lambda p: p.write_bytes(b"this is not a database" * 100), "cannot"),
    (lambda p: p.mkdir(), "no database at"),
])
def test_training_cli_export_outcomes_unreachable(tmp_path, capsys, make_db, expect):
    db = tmp_path / "db.sqlite3"
    make_db(db)
    assert main(["export-outcomes", "--db", f"sqlite:///{db}", "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expect in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("args", [
    ["--db", "not a url"],
    ["--db", "postgresql://app:secret@127.0.0.1:1/handoffs"],
    ["--format", "csv"],  # a CSV in a file load_handoffs would read as JSONL
])
def test_training_cli_export_outcomes_bad_arguments(store, db_url, tmp_path, capsys, args):
    argv = ["export-outcomes", "--db", db_url, "--out", str(tmp_path / "o.jsonl")]
    assert main(argv + args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "secret" not in err


def test_store_path_is_under_repo():
    assert Path(DEFAULT_DB_URL.removeprefix("sqlite:///")).parent.name == "var"
