"""The /v1 routes. Thin: validate, call the engine's Scorer and the store, shape the response."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from service.engine.elements import BY_ID, ELEMENTS
from service.engine.policy import Policy, PolicyError, PolicyResult
from service.engine.scorer import Scorer, ScoreResult
from service.store import HandoffNotFound

from .deps import REQUEST_ID, policy_dep, require_admin, require_key, scorer_dep, settings_dep
from .errors import INVALID_REQUEST, ServiceError, describe
from .schemas import (
    HANDOFF_ID_PATTERN,
    BatchItem,
    BatchRequest,
    BatchResponse,
    BlockingReason,
    ElementInfo,
    ElementResult,
    ErrorBody,
    ErrorResponse,
    Evidence,
    HandoffRecord,
    ModelCard,
    OutcomeRequest,
    OutcomeResponse,
    PolicyReport,
    ReloadResponse,
    ScoreRequest,
    ScoreResponse,
    Suggestion,
)
from .settings import Settings
from .storage import StoreAccess

log = logging.getLogger("handoff.api")
router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])
ScorerDep = Annotated[Scorer, Depends(scorer_dep)]
SettingsDep = Annotated[Settings, Depends(settings_dep)]
PolicyDep = Annotated[Policy, Depends(policy_dep)]
HandoffId = Annotated[str, Path(min_length=1, max_length=200, pattern=HANDOFF_ID_PATTERN, description="the CRM's handoff id")]


def _errors(*statuses: int) -> dict[int | str, dict]:
    return {status: {"model": ErrorResponse} for status in (401, 422, *statuses)}


@router.post("/score", response_model=ScoreResponse, responses=_errors(400, 413, 503), summary="Score a handoff note")
async def score(req: ScoreRequest, request: Request, scorer: ScorerDep, settings: SettingsDep,
                policy: PolicyDep) -> ScoreResponse:
    """Probability that the handoff becomes an opportunity, a 0–100 score and band, the twelve elements with
    evidence, the missing context ranked by how much capturing it would raise the probability, and whether the
    deployment's policy lets it pass. With `handoff_id`, the note and its score are stored for the outcome."""
    scored = await run_in_threadpool(_score, req, scorer, settings, policy)
    await _store(request, req, scored)
    return scored.response


@router.post("/score/batch", response_model=BatchResponse, responses=_errors(400, 413, 503), summary="Score up to 100 notes")
async def score_batch(req: BatchRequest, request: Request, scorer: ScorerDep, settings: SettingsDep,
                      policy: PolicyDep) -> BatchResponse:
    """Results in the order of `items`; an item that is malformed or fails is reported in its place
    (`ok: false` with the error it would have had alone) and the others are still scored."""
    if len(req.items) > settings.max_batch:
        raise ServiceError(413, "batch_too_large", f"一度に送れる件数を超えています({len(req.items)}件、上限{settings.max_batch}件)。batch has {len(req.items)} items; the limit is {settings.max_batch}")
    scored = await run_in_threadpool(_score_items, req.items, scorer, settings, policy)
    results = []
    for i, (item, outcome) in enumerate(scored):
        try:
            if isinstance(outcome, Exception):
                raise outcome
            await _store(request, item, outcome)
            results.append(BatchItem(index=i, ok=True, result=outcome.response))
        except Exception as exc:  # noqa: BLE001 - one item's failure, whatever it is, is reported in its place
            status, code, message = describe(exc)
            if status == 500:
                log.error("request_id=%s batch item %d failed", REQUEST_ID.get(), i, exc_info=exc)
            results.append(BatchItem(index=i, ok=False, error=ErrorBody(code=code, message=message)))
    return BatchResponse(results=results)


@router.post("/analyze", response_model=ScoreResponse, responses=_errors(400, 413, 503), summary="Analyse a note while it is typed")
def analyze(req: ScoreRequest, scorer: ScorerDep, settings: SettingsDep, policy: PolicyDep) -> ScoreResponse:
    """The fast path for live typing: the same elements, suggestions, score and policy; nothing is stored."""
    return _score(req, scorer, settings, policy).response


@router.put("/handoffs/{handoff_id}/outcome", response_model=OutcomeResponse,
            responses={201: {"model": OutcomeResponse, "description": "the first outcome for this handoff, stored"},
                       **_errors(400, 404, 413, 503)},
            summary="Report the deal's outcome and field sales' feedback")
async def put_outcome(handoff_id: HandoffId, req: OutcomeRequest, request: Request, response: Response) -> OutcomeResponse:
    """Idempotent: the same outcome sent twice is stored once (`unchanged`); a different one replaces it
    (`updated`). 201 the first time. The handoff must have been scored with this `handoff_id`."""
    try:
        record, status = await storage(request).run(lambda store: store.put_outcome(handoff_id, req.model_dump(mode="json")))
    except ValueError as exc:  # the store's check of the outcome (a won deal that is no opportunity, …)
        raise ServiceError(422, "invalid_request", INVALID_REQUEST + str(exc)) from exc
    except HandoffNotFound as exc:
        raise ServiceError(404, "handoff_not_found", f"このIDで採点された引き継ぎがありません。handoff {handoff_id!r} was never scored with this id; "
                                                     "send it to POST /v1/score with handoff_id first") from exc
    response.status_code = 201 if status == "created" else 200
    return OutcomeResponse(status=status, handoff=HandoffRecord.model_validate(record))


@router.get("/handoffs/{handoff_id}", response_model=HandoffRecord, responses=_errors(404, 503),
            summary="A stored handoff: its note, its score at the time, its outcome")
async def get_handoff(handoff_id: HandoffId, request: Request) -> HandoffRecord:
    record = await storage(request).run(lambda store: store.get_handoff(handoff_id))
    if record is None:
        raise ServiceError(404, "handoff_not_found", f"保存された引き継ぎがありません。no stored handoff {handoff_id!r}")
    return HandoffRecord.model_validate(record)


@router.get("/elements", response_model=list[ElementInfo], responses=_errors(), summary="The element catalogue")
def elements() -> list[ElementInfo]:
    return [ElementInfo(id=e.id, name_ja=e.name_ja, description_ja=e.description_ja, question_ja=e.question_ja, core=e.core)
            for e in ELEMENTS]


@router.get("/model", response_model=ModelCard, responses=_errors(503), summary="The current model's card")
def model(scorer: ScorerDep) -> ModelCard:
    meta = scorer.artifact.meta
    reader = scorer.reader
    return ModelCard(version=meta["version"], trained_at=meta["trained_at"], metrics=meta["metrics"],
                     encoder=meta["encoder"], data=meta["data"],
                     reader=None if reader is None else {"version": reader.version, "rows": reader.meta["data"]["rows"],
                                                         "writers": len(reader.meta["data"]["writers"])})


@router.post("/admin/reload", response_model=ReloadResponse, responses=_errors(403, 503),
             dependencies=[Depends(require_admin)], summary="Switch to the registry's current model and re-read the policy")
async def admin_reload(request: Request) -> ReloadResponse:
    """Loads the version `models/registry.json` names (and the policy file) beside the running one, then swaps
    them in one step: requests already running finish on the old model, none fails. A model or policy that
    does not load leaves the running ones in place (503 / 422)."""
    from .app import reload_model

    return await reload_model(request.app)


@dataclass(frozen=True, slots=True)
class Scored:
    response: ScoreResponse
    text: str  # the note as read (sanitised): what is stored
    fields: dict | None
    states: dict[str, str]


def _score(req: ScoreRequest, scorer: Scorer, settings: Settings, policy: Policy) -> Scored:
    """Validate, score and judge by the policy (CPU work: runs on the server's thread pool)."""
    if not req.text.strip():
        raise ServiceError(422, "empty_note", "メモが空です。the note is empty or whitespace only")
    if len(req.text) > settings.max_note_chars:
        raise ServiceError(413, "note_too_long", f"メモが長すぎます({len(req.text)}文字、上限{settings.max_note_chars}文字)。note is {len(req.text)} characters; the limit is {settings.max_note_chars}")
    if req.policy is not None:
        try:
            policy = Policy.from_mapping(req.policy.model_dump(), source="request")
        except PolicyError as exc:
            raise ServiceError(422, "unknown_element", "ポリシーの指定に誤りがあります。" + str(exc)) from exc
    fields = req.fields.model_dump(exclude_none=True) if req.fields else None
    if settings.log_note_text:  # off by default: notes name people and companies
        log.info("request_id=%s note=%r", REQUEST_ID.get(), req.text)
    start = time.perf_counter()
    result = scorer.score(req.text, fields)
    elapsed_ms = (time.perf_counter() - start) * 1000
    states = {el: d.state.value for el, d in result.detections.detections.items()}
    response = to_response(result, policy.evaluate(states, result.score), req.handoff_id, elapsed_ms)
    return Scored(response, result.detections.text, fields, states)


def _score_items(items: list, scorer: Scorer, settings: Settings, policy: Policy) -> list[tuple[ScoreRequest | None, Scored | Exception]]:
    """Each batch item validated and scored on its own: its result, or the exception it failed with."""
    out: list[tuple[ScoreRequest | None, Scored | Exception]] = []
    for raw in items:
        try:
            item = ScoreRequest.model_validate(raw)
        except ValidationError as exc:
            out.append((None, exc))
            continue
        try:
            out.append((item, _score(item, scorer, settings, policy)))
        except Exception as exc:  # noqa: BLE001 - reported in the item's place by score_batch
            out.append((item, exc))
    return out


async def _store(request: Request, req: ScoreRequest | None, scored: Scored) -> None:
    """With a handoff_id, store the note and its score (on the store's own threads)."""
    if req is None or not req.handoff_id:
        return
    r = scored.response
    record = {"score": r.score, "probability": r.probability, "band": r.band, "model_version": r.model_version,
              "states": scored.states}
    await storage(request).run(lambda store: store.save_scored(req.handoff_id, scored.text, scored.fields, record))


def storage(request: Request) -> StoreAccess:
    return request.app.state.storage


def to_response(result: ScoreResult, verdict: PolicyResult, handoff_id: str | None, elapsed_ms: float) -> ScoreResponse:
    elements = {
        el: ElementResult(name_ja=BY_ID[el].name_ja, state=d.state.value, confidence=d.confidence, value=d.value, rule=d.rule,
                          source=d.source,
                          evidence=[Evidence(start=e.start, end=e.end, text=e.text, start_utf16=e.start_utf16,
                                             end_utf16=e.end_utf16) for e in d.evidence])
        for el, d in result.detections.detections.items()
    }
    warnings = []
    if sum(d.state.value == "present" for d in result.detections.detections.values()) <= 1:
        warnings.append("文脈がほとんどありません。提案されている質問をお客様に確認してください。")
    p = verdict.policy
    return ScoreResponse(
        score=result.score, probability=result.probability, band=result.band, elements=elements,
        suggestions=[Suggestion(element=s.element, name_ja=s.name_ja, state=s.state, gain=s.gain, question_ja=s.question_ja)
                     for s in result.suggestions],
        policy=PolicyReport(pass_ready=verdict.pass_ready, required=list(p.required), min_score=p.min_score,
                            unknown_counts=p.unknown_counts, source=p.source,
                            reasons=[BlockingReason(element=r.element, kind=r.kind, message_ja=r.message_ja)
                                     for r in verdict.reasons]),
        model_version=result.model_version, warnings=warnings, elapsed_ms=round(elapsed_ms, 1),
        handoff_id=handoff_id,
    )
