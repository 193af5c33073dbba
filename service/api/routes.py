"""The /v1 routes. Thin: validate, call the engine's Scorer, shape the response."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from service.engine.elements import BY_ID, ELEMENTS
from service.engine.scorer import Scorer, ScoreResult

from .deps import require_key, scorer_dep, settings_dep
from .errors import ServiceError
from .schemas import (
    ElementInfo,
    ElementResult,
    ErrorResponse,
    Evidence,
    ModelCard,
    ScoreRequest,
    ScoreResponse,
    Suggestion,
)
from .settings import Settings

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])
ScorerDep = Annotated[Scorer, Depends(scorer_dep)]
SettingsDep = Annotated[Settings, Depends(settings_dep)]
ERRORS: dict[int | str, dict] = {status: {"model": ErrorResponse} for status in (400, 401, 413, 422, 503)}


@router.post("/score", response_model=ScoreResponse, responses=ERRORS, summary="Score a handoff note")
def score(req: ScoreRequest, scorer: ScorerDep, settings: SettingsDep) -> ScoreResponse:
    """Probability that the handoff becomes an opportunity, a 0–100 score and band, the twelve elements with
    evidence, and the missing context ranked by how much capturing it would raise the probability."""
    return _score(req, scorer, settings)


@router.post("/analyze", response_model=ScoreResponse, responses=ERRORS, summary="Analyse a note while it is typed")
def analyze(req: ScoreRequest, scorer: ScorerDep, settings: SettingsDep) -> ScoreResponse:
    """The fast path for live typing: same elements, suggestions and score; nothing is stored."""
    return _score(req, scorer, settings)


@router.get("/elements", response_model=list[ElementInfo], summary="The element catalogue")
def elements() -> list[ElementInfo]:
    return [ElementInfo(id=e.id, name_ja=e.name_ja, description_ja=e.description_ja, question_ja=e.question_ja, core=e.core)
            for e in ELEMENTS]


@router.get("/model", response_model=ModelCard, responses=ERRORS, summary="The current model's card")
def model(scorer: ScorerDep) -> ModelCard:
    meta = scorer.artifact.meta
    return ModelCard(version=meta["version"], trained_at=meta["trained_at"], metrics=meta["metrics"],
                     encoder=meta["encoder"], data=meta["data"])


def _score(req: ScoreRequest, scorer: Scorer, settings: Settings) -> ScoreResponse:
    if not req.text.strip():
        raise ServiceError(422, "empty_note", "メモが空です。the note is empty or whitespace only")
    if len(req.text) > settings.max_note_chars:
        raise ServiceError(413, "note_too_long", f"note is {len(req.text)} characters; the limit is {settings.max_note_chars}")
    result = scorer.score(req.text, req.fields.model_dump() if req.fields else None)
    return to_response(result)


def to_response(result: ScoreResult) -> ScoreResponse:
    elements = {
        el: ElementResult(name_ja=BY_ID[el].name_ja, state=d.state.value, confidence=d.confidence, value=d.value, rule=d.rule,
                          evidence=[Evidence(start=e.start, end=e.end, text=e.text, start_utf16=e.start_utf16,
                                             end_utf16=e.end_utf16) for e in d.evidence])
        for el, d in result.detections.detections.items()
    }
    warnings = []
    if sum(d.state.value == "present" for d in result.detections.detections.values()) <= 1:
        warnings.append("文脈がほとんどありません。提案されている質問をお客様に確認してください。")
    return ScoreResponse(
        score=result.score, probability=result.probability, band=result.band, elements=elements,
        suggestions=[Suggestion(element=s.element, name_ja=s.name_ja, state=s.state, gain=s.gain, question_ja=s.question_ja)
                     for s in result.suggestions],
        model_version=result.model_version, warnings=warnings, elapsed_ms=round(result.detections.elapsed_ms, 1),
    )
