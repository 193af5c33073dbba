"""Request and response models of the HTTP API (what OpenAPI shows CRM plugin authors)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

State = Literal["present", "unknown", "absent"]

EXAMPLE_NOTE = "勤怠の締め作業に毎月40時間、『もう限界』と。来期予算で検討、決裁は部長で次回同席。"


class CrmFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lead_source: Literal["webinar", "whitepaper", "inquiry", "referral", "event", "outbound", "ad", "other"] | None = None
    contact_title: Literal["staff", "manager", "director", "executive", "other"] | None = None
    days_to_first_contact: float | None = Field(None, ge=0, le=3650)
    n_contacts: int | None = Field(None, ge=0, le=1000)
    rep_id: str | None = Field(None, max_length=100)


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": EXAMPLE_NOTE, "fields": {"lead_source": "webinar", "contact_title": "manager"}, "handoff_id": "SF-0001"}]})
    text: str = Field(..., description="The handoff note exactly as typed; offsets in the response index it.")
    fields: CrmFields | None = None
    handoff_id: str | None = Field(None, max_length=200, description="The CRM's id (accepted; storing scored handoffs is not implemented yet).")


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
    evidence: list[Evidence]


class Suggestion(BaseModel):
    element: str
    name_ja: str
    state: State
    gain: float = Field(..., description="rise in probability if this element were captured (0–1)")
    question_ja: str


class ScoreResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    score: int = Field(..., ge=0, le=100)
    probability: float = Field(..., ge=0, le=1)
    band: Literal["A", "B", "C", "D"]
    elements: dict[str, ElementResult]
    suggestions: list[Suggestion]
    model_version: str
    warnings: list[str]
    elapsed_ms: float


class ElementInfo(BaseModel):
    id: str
    name_ja: str
    description_ja: str
    question_ja: str
    core: bool


class ModelCard(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    version: str
    trained_at: str
    metrics: dict
    encoder: dict
    data: dict


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: Literal["ok"]
    model_version: str | None = None
