"""The persistent store: scored handoffs, every score they were given, and their outcomes (SQLAlchemy Core).

Works on SQLite and PostgreSQL. Thread-safe: one engine (a connection pool) and a short-lived connection per
call. Every write is one transaction, so nothing is half-written; a database failure becomes StoreUnavailable
with a message that never holds note text (statement parameters are hidden too). On SQLite the connection runs
in WAL mode with a busy timeout, SELECTs are transactional, and writes take the write lock at BEGIN
(BEGIN IMMEDIATE), so concurrent writers queue instead of failing on a lock upgrade.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = f"sqlite:///{ROOT / 'var' / 'handoffs.sqlite3'}"
BUSY_TIMEOUT_MS = 5_000  # a write waits this long for the lock, then 503: never a request thread held for long
WRITE_ATTEMPTS = 3  # a write that lost a race on a primary key is retried once the other row is there
EXPORT_BATCH = 500
# the CRM fields of a training row: the same names as service.engine.features.FIELD_NAMES (a test checks),
# not imported from there because that module loads spaCy
TRAINING_FIELDS = ("lead_source", "contact_title", "days_to_first_contact", "n_contacts", "rep_id")
OUTCOME_KEYS = ("opportunity", "won", "opportunity_at", "closed_at", "feedback", "helpful_elements",
                "missing_elements")
_WRITE = "handoff_store_write"  # execution option: this transaction writes (BEGIN IMMEDIATE on SQLite)

T = TypeVar("T")
log = logging.getLogger("handoff.store")


class StoreError(Exception):
    code = "store_error"


class StoreUnavailable(StoreError):
    code = "store_unavailable"


class HandoffNotFound(StoreError, LookupError):
    code = "handoff_not_found"


metadata = MetaData()
_ID = String(200)
_TS = DateTime(timezone=True)

handoffs = Table(
    "handoffs", metadata,
    Column("handoff_id", _ID, primary_key=True),
    Column("text", Text, nullable=False),
    Column("fields", JSON(none_as_null=True)),
    Column("score", Integer, nullable=False),
    Column("probability", Float, nullable=False),
    Column("band", String(8), nullable=False),
    Column("model_version", String(200), nullable=False),
    Column("states", JSON, nullable=False),
    Column("first_scored_at", _TS, nullable=False),
    Column("scored_at", _TS, nullable=False),
)

score_history = Table(
    "score_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", _ID, ForeignKey("handoffs.handoff_id", ondelete="CASCADE"), nullable=False, index=True),
    Column("scored_at", _TS, nullable=False),
    Column("score", Integer, nullable=False),
    Column("probability", Float, nullable=False),
    Column("band", String(8), nullable=False),
    Column("model_version", String(200), nullable=False),
)

outcomes = Table(
    "outcomes", metadata,
    Column("handoff_id", _ID, ForeignKey("handoffs.handoff_id", ondelete="CASCADE"), primary_key=True),
    Column("opportunity", Boolean, nullable=False),
    Column("won", Boolean),
    Column("opportunity_at", Date),
    Column("closed_at", Date),
    Column("feedback", Text),
    Column("helpful_elements", JSON, nullable=False),
    Column("missing_elements", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("recorded_at", _TS, nullable=False),
    Column("updated_at", _TS, nullable=False),
)


def db_url_from_env() -> str:
    return os.environ.get("HANDOFF_DB_URL") or DEFAULT_DB_URL


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(f"malformed database URL: {exc}") from exc
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


class Store:
    def __init__(self, url: str):
        """Never connects; raises StoreUnavailable for a malformed URL, a missing driver or an uncreatable directory."""
        try:
            parsed = make_url(url)
            self.safe_url = parsed.render_as_string(hide_password=True)
            sqlite = parsed.get_backend_name() == "sqlite"
            path = sqlite_file(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(
                url, pool_pre_ping=True, hide_parameters=True,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000} if sqlite else {})
        except (ArgumentError, ImportError, OSError) as exc:
            log.error("cannot use database %s: %s", _redacted(url), exc)  # the URL and path for the operator only
            reason = (f"its driver is not installed ({exc.name})" if isinstance(exc, ImportError)
                      else exc.strerror if isinstance(exc, OSError) and exc.strerror
                      else "malformed database URL" if isinstance(exc, ArgumentError) else type(exc).__name__)
            raise StoreUnavailable(f"cannot open the configured database: {reason}") from exc
        if sqlite:
            _sqlite_setup(self._engine)
        self._writer = self._engine.execution_options(**{_WRITE: True})

    @property
    def engine(self) -> Engine:
        return self._engine

    def create_schema(self) -> None:
        self._write("create the schema", lambda conn: metadata.create_all(conn))

    def ping(self) -> None:
        self._read("ping", lambda conn: conn.exec_driver_sql("SELECT 1").scalar_one())

    def save_scored(self, handoff_id: str, text: str, fields: Mapping[str, Any] | None, scored: Mapping[str, Any]) -> None:
        """Insert or replace the note and its latest score (first_scored_at kept); append to the score history.

        fields=None keeps the fields stored before; {} clears them.
        """
        if not handoff_id:
            raise ValueError("handoff_id is empty")
        now = _now()
        score = {"score": int(scored["score"]), "probability": float(scored["probability"]),
                 "band": str(scored["band"]), "model_version": str(scored["model_version"])}
        values = {"text": text, "states": dict(scored["states"]), "scored_at": now, **score}
        if fields is not None:  # None: not sent, so a re-save keeps the CRM fields stored before
            values["fields"] = dict(fields) or None

        def write(conn: Connection) -> None:
            where = handoffs.c.handoff_id == handoff_id
            if not conn.execute(update(handoffs).where(where).values(**values)).rowcount:
                conn.execute(insert(handoffs).values(handoff_id=handoff_id, first_scored_at=now, **values))
            conn.execute(insert(score_history).values(handoff_id=handoff_id, scored_at=now, **score))

        self._write("save the scored handoff", write)

    def put_outcome(self, handoff_id: str, outcome: Mapping[str, Any]) -> tuple[dict, str]:
        """Store the outcome; returns (the handoff as get_handoff gives it, "created" | "updated" | "unchanged")."""
        canon = canonical_outcome(outcome)
        digest = hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                                .encode()).hexdigest()
        columns = {**canon, "opportunity_at": _date(canon["opportunity_at"]), "closed_at": _date(canon["closed_at"]),
                   "content_hash": digest}

        def write(conn: Connection) -> tuple[dict, str]:
            if conn.execute(select(handoffs.c.handoff_id).where(handoffs.c.handoff_id == handoff_id)).first() is None:
                raise HandoffNotFound(f"no stored handoff with id {handoff_id!r}")
            where = outcomes.c.handoff_id == handoff_id
            previous = conn.execute(select(outcomes.c.content_hash).where(where)).scalar_one_or_none()
            now = _now()
            if previous is None:
                conn.execute(insert(outcomes).values(handoff_id=handoff_id, recorded_at=now, updated_at=now, **columns))
                status = "created"
            elif previous == digest:
                status = "unchanged"
            else:
                conn.execute(update(outcomes).where(where).values(updated_at=now, **columns))
                status = "updated"
            record = _handoff_record(conn, handoff_id)
            assert record is not None
            return record, status

        return self._write("store the outcome", write)

    def get_handoff(self, handoff_id: str) -> dict | None:
        return self._read("read the handoff", lambda conn: _handoff_record(conn, handoff_id))

    def counts(self) -> dict[str, int]:
        """{"handoffs", "outcomes", "score_history"}: how many rows each table holds (one consistent read)."""
        def read(conn: Connection) -> dict[str, int]:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (handoffs, outcomes, score_history)}

        return self._read("count rows", read)

    def export_rows(self) -> Iterator[dict]:
        """One training row per handoff with an outcome (the format training/handoffs.py loads), oldest first."""
        query = (select(handoffs.c.handoff_id, handoffs.c.text, handoffs.c.fields, handoffs.c.first_scored_at,
                        outcomes.c.opportunity, outcomes.c.won)
                 .join(outcomes, outcomes.c.handoff_id == handoffs.c.handoff_id)
                 .order_by(handoffs.c.first_scored_at, handoffs.c.handoff_id)
                 .execution_options(yield_per=EXPORT_BATCH))
        try:
            with self._engine.connect() as conn:
                for row in conn.execute(query):
                    yield _training_row(row)
        except (DBAPIError, PoolTimeout) as exc:
            raise self._unavailable("export", exc) from exc

    def dispose(self) -> None:
        self._engine.dispose()

    def _read(self, action: str, fn: Callable[[Connection], T]) -> T:
        try:
            with self._engine.connect() as conn:
                return fn(conn)
        except (DBAPIError, PoolTimeout) as exc:
            raise self._unavailable(action, exc) from exc

    def _write(self, action: str, fn: Callable[[Connection], T]) -> T:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._writer.begin() as conn:
                    return fn(conn)
            except IntegrityError as exc:  # lost a race on a key: the next attempt sees the other row and updates
                if attempt == WRITE_ATTEMPTS - 1:
                    raise self._unavailable(action, exc) from exc
            except (DBAPIError, PoolTimeout) as exc:
                raise self._unavailable(action, exc) from exc
        raise AssertionError("unreachable")

    def _unavailable(self, action: str, exc: Exception) -> StoreUnavailable:
        """The error for the client names no database (the URL and file are in the server's log)."""
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        log.warning("database %s: cannot %s: %s: %s", self.safe_url, action, type(exc).__name__, detail)
        return StoreUnavailable(f"cannot {action}: {type(exc).__name__}: {detail}")


def canonical_outcome(outcome: Mapping[str, Any]) -> dict:
    """The outcome with defaults filled, dates as ISO strings and element lists sorted; ValueError if malformed."""
    unknown = sorted(set(outcome) - set(OUTCOME_KEYS))
    if unknown:
        raise ValueError(f"unknown outcome keys: {unknown}")
    if not isinstance(outcome.get("opportunity"), bool):
        raise ValueError("'opportunity' must be true or false")
    won = outcome.get("won")
    if won is not None and not isinstance(won, bool):
        raise ValueError("'won' must be true, false or null")
    if won and not outcome["opportunity"]:
        raise ValueError("'won' is true but 'opportunity' is false")
    feedback = outcome.get("feedback")
    if feedback is not None and not isinstance(feedback, str):
        raise ValueError("'feedback' must be a string or null")
    canon: dict[str, Any] = {"opportunity": outcome["opportunity"], "won": won, "feedback": feedback or None}
    for key in ("opportunity_at", "closed_at"):
        value = outcome.get(key)
        canon[key] = None if value in (None, "") else _date(value).isoformat()
    for key in ("helpful_elements", "missing_elements"):
        items = outcome.get(key) or []
        if isinstance(items, str) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"'{key}' must be a list of element ids")
        canon[key] = sorted(set(items))
    return canon


def _handoff_record(conn: Connection, handoff_id: str) -> dict | None:
    row = conn.execute(select(handoffs).where(handoffs.c.handoff_id == handoff_id)).mappings().first()
    if row is None:
        return None
    out = conn.execute(select(outcomes).where(outcomes.c.handoff_id == handoff_id)).mappings().first()
    history = conn.execute(select(score_history).where(score_history.c.handoff_id == handoff_id)
                           .order_by(score_history.c.id)).mappings().all()
    return {
        "handoff_id": row["handoff_id"], "text": row["text"], "fields": row["fields"],
        "score": {"score": row["score"], "probability": row["probability"], "band": row["band"],
                  "model_version": row["model_version"], "states": row["states"], "scored_at": _iso(row["scored_at"])},
        "first_scored_at": _iso(row["first_scored_at"]),
        "updated_at": _iso(row["scored_at"]),
        "outcome": None if out is None else {
            **{k: out[k] for k in OUTCOME_KEYS},
            "opportunity_at": out["opportunity_at"] and out["opportunity_at"].isoformat(),
            "closed_at": out["closed_at"] and out["closed_at"].isoformat(),
            "recorded_at": _iso(out["recorded_at"]), "updated_at": _iso(out["updated_at"])},
        "score_history": [{"scored_at": _iso(h["scored_at"]), "score": h["score"], "probability": h["probability"],
                           "band": h["band"], "model_version": h["model_version"]} for h in history],
    }


def _training_row(row: Any) -> dict:
    fields = row.fields or {}
    out: dict[str, Any] = {"id": row.handoff_id, "text": row.text, "opportunity": int(row.opportunity)}
    if row.won is not None:
        out["won"] = int(row.won)
    out.update({k: fields[k] for k in TRAINING_FIELDS if fields.get(k) not in (None, "")})
    out["handoff_at"] = _utc(row.first_scored_at).date().isoformat()
    return out


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver emits no BEGIN of its own: _on_begin does, for reads too
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(malformed URL)"


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite drops the zone


def _iso(value: datetime) -> str:
    return _utc(value).isoformat()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None
