"""The handoff policy: which context must be in a note before it may pass to field sales.

A deployment states it in a TOML file (`HANDOFF_POLICY_FILE`, default `policy.toml` at the repository
root), the seed's 「入力されていないとパスできない仕組み」:

    required = ["interest", "decision_maker"]   # element ids (GET /v1/elements)
    min_score = 40                              # 0-100; 0 turns the score check off
    unknown_counts = false                      # does 「決裁者は不明」 satisfy a required element?

`evaluate` says whether a scored note is ready and, if not, every reason, in Japanese for the rep.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .elements import BY_ID


class PolicyError(ValueError):
    """The policy names an element that does not exist, or a value of the wrong kind."""

    code = "invalid_policy"


@dataclass(frozen=True, slots=True)
class Policy:
    required: tuple[str, ...] = ()
    min_score: int = 0
    unknown_counts: bool = False
    source: str = "default"

    @classmethod
    def from_mapping(cls, data: Mapping, source: str = "request") -> Policy:
        unknown_keys = set(data) - {"required", "min_score", "unknown_counts"}
        if unknown_keys:
            raise PolicyError(f"{source}: unknown policy keys {sorted(unknown_keys)} (allowed: required, min_score, unknown_counts)")
        required = data.get("required", [])
        if not isinstance(required, list | tuple) or not all(isinstance(e, str) for e in required):
            raise PolicyError(f"{source}: `required` must be a list of element ids")
        bad = [e for e in required if e not in BY_ID]
        if bad:
            raise PolicyError(f"{source}: unknown element ids {bad}; known: {', '.join(BY_ID)}")
        min_score = data.get("min_score", 0)
        if isinstance(min_score, bool) or not isinstance(min_score, int | float) or not 0 <= min_score <= 100:
            raise PolicyError(f"{source}: `min_score` must be a number from 0 to 100")
        unknown_counts = data.get("unknown_counts", False)
        if not isinstance(unknown_counts, bool):
            raise PolicyError(f"{source}: `unknown_counts` must be true or false")
        return cls(tuple(dict.fromkeys(required)), int(min_score), unknown_counts, source)

    def evaluate(self, states: Mapping[str, str], score: int) -> PolicyResult:
        reasons = []
        for el in self.required:
            state = states.get(el, "absent")
            if state == "present" or (state == "unknown" and self.unknown_counts):
                continue
            name = BY_ID[el].name_ja
            if state == "unknown":
                reasons.append(BlockingReason(el, "unknown", f"「{name}」が不明のままです。{BY_ID[el].question_ja}"))
            else:
                reasons.append(BlockingReason(el, "missing", f"「{name}」が書かれていません。{BY_ID[el].question_ja}"))
        if score < self.min_score:
            reasons.append(BlockingReason(None, "low_score", f"スコア {score} が基準の {self.min_score} に届いていません。"))
        return PolicyResult(pass_ready=not reasons, reasons=reasons, policy=self)


@dataclass(frozen=True, slots=True)
class BlockingReason:
    element: str | None
    kind: str  # missing | unknown | low_score
    message_ja: str


@dataclass(frozen=True, slots=True)
class PolicyResult:
    pass_ready: bool
    reasons: list[BlockingReason] = field(default_factory=list)
    policy: Policy = Policy()


def load_policy(path: Path | None) -> Policy:
    """The policy in `path`; no file configured means no requirement (every note passes)."""
    if path is None:
        return Policy()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyError(f"policy file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {path} is not valid TOML: {exc}") from exc
    return replace(Policy.from_mapping(data, source=str(path)), source=Path(path).name)
