"""Request and response models of the HTTP API (what OpenAPI shows CRM plugin authors)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from service.engine.elements import ELEMENT_IDS
from service.engine.text import sanitize

State = Literal["present", "unknown", "absent"]
ElementId = Literal[ELEMENT_IDS]  # an enum in the OpenAPI document: a client sees the twelve ids
# Requests are strict: a number is not a boolean, a date or a string, a string is not a number (what the
# OpenAPI document says is exactly what is accepted)
STRICT = ConfigDict(extra="forbid", strict=True)


def _iso_date(value: Any) -> Any:
    """A date is an ISO string (JSON has no date type); a number is not a date (lax mode reads 0.0 as 1970)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("not an ISO date (YYYY-MM-DD)") from None
    if isinstance(value, date) or value is None:
        return value
    raise ValueError("a date must be a string YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def whole(value: Any) -> Any:
    """JSON Schema's integer: 3 and 3.0 (a float with no fraction), never "3" or 3.5 (a field_validator, which
    leaves the field's schema as it is)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
# a lone surrogate or NUL becomes U+FFFD here, as in the engine (text.sanitize): a string is still a string
NoteText = Annotated[str, BeforeValidator(lambda v: sanitize(v) if isinstance(v, str) else v)]

EXAMPLE_NOTE = "勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。"


HANDOFF_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"


class PolicyIn(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"required": ["interest", "decision_maker"], "min_score": 40, "unknown_counts": False}]})
    required: list[ElementId] = Field(default_factory=list, max_length=12, description="element ids that must be present")
    min_score: int = Field(0, ge=0, le=100)
    unknown_counts: bool = Field(False, description="an explicit 「不明」 satisfies a required element")
    _whole = field_validator("min_score", mode="before")(whole)


class CrmFields(BaseModel):
    model_config = STRICT
    lead_source: Literal["webinar", "whitepaper", "inquiry", "referral", "event", "outbound", "ad", "other"] | None = None
    contact_title: Literal["staff", "manager", "director", "executive", "other"] | None = None
    days_to_first_contact: float | None = Field(None, ge=0, le=3650)
    n_contacts: int | None = Field(None, ge=0, le=1000)
    rep_id: str | None = Field(None, max_length=100)
    _whole = field_validator("n_contacts", mode="before")(whole)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"text": EXAMPLE_NOTE, "fields": {"lead_source": "webinar", "contact_title": "manager"}, "handoff_id": "SF-0001"}]})
    text: NoteText = Field(..., min_length=1, description="The handoff note exactly as typed; offsets in the response index it.")
    fields: CrmFields | None = None
    handoff_id: str | None = Field(None, min_length=1, max_length=200, pattern=HANDOFF_ID_PATTERN,
                                   description="The CRM's id for this handoff: the note and its score are stored under it "
                                               "(POST /v1/score only) so that its outcome can be reported later.")
    policy: PolicyIn | None = Field(None, description="Overrides the deployment's handoff policy for this request.")


class Evidence(BaseModel):
    start: int = Field(..., description="code-point offset into `text` as sent")
    end: int
    text: str
    start_utf16: int = Field(..., description="UTF-16 code-unit offset (JavaScript string index)")
    end_utf16: int


class ElementResult(BaseModel):
    name_ja: str
    state: State
    confidence: float
    value: str | None = None
    rule: str
    source: str = Field(..., description="who decided the state: the rule id when the rules' reading stands, "
                                         "`learned` when the learned reader decided otherwise, `none` for silence")
    evidence: list[Evidence]


class Suggestion(BaseModel):
    element: str
    name_ja: str
    state: State
    gain: float = Field(..., description="rise in probability if this element were captured (0–1)")
    question_ja: str


class BlockingReason(BaseModel):
    element: str | None = Field(..., description="the element, or null for the score threshold")
    kind: Literal["missing", "unknown", "low_score"]
    message_ja: str


class PolicyReport(BaseModel):
    pass_ready: bool = Field(..., description="the note may pass to field sales under the policy")
    reasons: list[BlockingReason] = Field(..., description="why not, in Japanese for the rep (empty when ready)")
    required: list[str]
    min_score: int
    unknown_counts: bool
    source: str = Field(..., description="the policy file, or `request` when the request overrode it")


SCORE_EXAMPLE = {
    "score": 72, "probability": 0.31, "band": "B",
    "elements": {"need": {"name_ja": "顕在課題・導入目的", "state": "present", "confidence": 0.8, "value": None,
                          "rule": "cue:problem", "source": "cue:problem", "evidence": [{"start": 0, "end": 14, "text": "勤怠の締め作業に毎月40時間",
                                                                "start_utf16": 0, "end_utf16": 14}]}},
    "suggestions": [{"element": "interest", "name_ja": "興味の核心", "state": "absent", "gain": 0.12,
                     "question_ja": "今回お時間をいただけた一番の理由は何でしょうか？"}],
    "policy": {"pass_ready": False, "reasons": [{"element": "interest", "kind": "missing",
                                                 "message_ja": "「興味の核心」が書かれていません。"}],
               "required": ["interest", "decision_maker"], "min_score": 30, "unknown_counts": False, "source": "policy.toml"},
    "model_version": "20261206-181040-fd8f84", "warnings": [], "elapsed_ms": 41.2, "handoff_id": "SF-0001",
}


class ScoreResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [SCORE_EXAMPLE]})
    score: int = Field(..., ge=0, le=100)
    probability: float = Field(..., ge=0, le=1)
    band: Literal["A", "B", "C", "D"]
    elements: dict[str, ElementResult]
    suggestions: list[Suggestion]
    policy: PolicyReport
    model_version: str
    warnings: list[str]
    elapsed_ms: float = Field(..., description="server time to read and score the note (parse, detect, encode, model)")
    handoff_id: str | None = Field(None, description="echoed when given; the handoff is stored under it")


MAX_BATCH = 100


class BatchRequest(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"items": [{"text": EXAMPLE_NOTE, "handoff_id": "SF-0001"}, {"text": "興味あり、とりあえず会ってくれるそうです"}]}]})
    items: list[Any] = Field(..., min_length=1, description=f"up to {MAX_BATCH} objects shaped like POST /v1/score's body; "
                                                            "each is checked on its own, so one bad item fails alone")


class ErrorBody(BaseModel):
    code: str
    message: str


class BatchItem(BaseModel):
    index: int
    ok: bool
    result: ScoreResponse | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"results": [
        {"index": 0, "ok": True, "result": SCORE_EXAMPLE},
        {"index": 1, "ok": False, "error": {"code": "empty_note", "message": "メモが空です。"}}]}]})
    results: list[BatchItem] = Field(..., description="one per item, in order")


class OutcomeRequest(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra={
        # a deal cannot be won without being an opportunity (the store refuses it: the schema says so too)
        "not": {"properties": {"won": {"const": True}, "opportunity": {"const": False}}, "required": ["won", "opportunity"]},
        "examples": [
        {"opportunity": True, "won": None, "opportunity_at": "2026-11-30", "closed_at": None,
         "feedback": "決裁者が同席していたので初回で要件まで詰められた。予算の時期は分からず再確認が必要だった。",
         "helpful_elements": ["decision_maker", "interest"], "missing_elements": ["budget"]}]})
    opportunity: bool = Field(..., description="field sales accepted it as a real deal (案件化)")
    won: bool | None = Field(None, description="受注; null while still open")
    opportunity_at: IsoDate | None = None
    closed_at: IsoDate | None = None
    feedback: str | None = Field(None, max_length=4000, description="field sales' feedback to inside sales, free text")
    helpful_elements: list[ElementId] = Field(default_factory=list, max_length=12, description="element ids that helped")
    missing_elements: list[ElementId] = Field(default_factory=list, max_length=12, description="element ids FS missed")


class StoredScore(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    score: int
    probability: float
    band: str
    model_version: str
    states: dict[str, str]
    scored_at: str


class StoredOutcome(OutcomeRequest):
    model_config = ConfigDict(extra="ignore", strict=False)  # read back from the store: dates as ISO strings
    recorded_at: str
    updated_at: str


class HandoffRecord(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"handoff_id": "SF-0001", "text": EXAMPLE_NOTE, "fields": {"lead_source": "webinar"},
         "score": {"score": 72, "probability": 0.31, "band": "B", "model_version": "20261206-181040-fd8f84",
                   "states": {"need": "present"}, "scored_at": "2026-11-22T05:00:00+00:00"},
         "first_scored_at": "2026-11-22T05:00:00+00:00", "outcome": None}]})
    handoff_id: str
    text: str
    fields: dict | None = None
    score: StoredScore
    first_scored_at: str
    outcome: StoredOutcome | None = None


class OutcomeResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "created", "handoff": HandoffRecord.model_config[
        "json_schema_extra"]["examples"][0]}]})
    status: Literal["created", "updated", "unchanged"] = Field(..., description="unchanged: the same outcome was already stored")
    handoff: HandoffRecord


class ReloadResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"model_version": "20261206-181040-fd8f84", "previous_version": "20261122-154017-fd8f84", "policy_source": "policy.toml"}]})
    model_version: str
    previous_version: str | None
    policy_source: str


class ElementInfo(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "decision_maker", "name_ja": "決裁者・意思決定プロセス", "description_ja": "誰が決めるか、どう決まるか",
         "question_ja": "最終的にご判断されるのはどなたで、次回ご同席いただけますか？", "core": True}]})
    id: str
    name_ja: str
    description_ja: str
    question_ja: str
    core: bool


class ModelCard(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"version": "20261206-181040-fd8f84", "trained_at": "2026-12-06T18:10:40+00:00",
         "metrics": {"ours": {"roc_auc": 0.8351, "pr_auc": 0.566, "brier": 0.104}},
         "encoder": {"id": "models/encoder", "fingerprint": "d76a4b51c9bb572c"}, "data": {"n": 6000, "sha256": "…"},
         "reader": {"version": "20261206-181016-7b9ac5", "rows": 2520, "writers": 20}}]})
    version: str
    trained_at: str
    metrics: dict
    encoder: dict
    data: dict
    reader: dict | None = Field(None, description="the learned reader whose decisions the model's features read "
                                                  "(version, notes and writers it was trained on); null: rules only")


class ErrorResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"error": {"code": "empty_note", "message": "メモが空です。"}}]})
    error: ErrorBody


class Health(BaseModel):
    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"status": "ok", "model_version": "20261206-181040-fd8f84"}]})
    status: Literal["ok"]
    model_version: str | None = None
