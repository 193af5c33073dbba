"""The latent model behind the synthetic handoffs: the deal's real situation, what the rep captured, the outcome.

Per seed, 30 IS reps get ``rep_skill ~ N(0, 1)`` and a preferred mix of note styles (Dirichlet around
``STYLE_BASE``). Each lead goes to a uniformly drawn rep. Per lead, in order:

1. **CRM fields.** ``lead_source`` from ``LEAD_SOURCES`` (share, warmth, speed, λ). ``contact_title`` from
   ``TITLE_BASE`` tilted by ``TITLE_SHIFT[source]`` (referrals reach seniors, outbound reaches staff).
   ``days_to_first_contact``: with probability ``sigmoid(FAST_BASE + speed[source] + 0.4·rep_skill)`` a fast
   contact (0/1/2/3 days with 0.38/0.32/0.18/0.12), else ``4 + ⌊lognormal(log 5, 0.9)⌋`` (at most 90).
   ``n_contacts = 1 + Poisson(λ[source]·e^(−0.15·heat))`` (at most 20).
2. **Heat.** ``heat = warmth[source] + N(0, HEAT_SD)``: how hot the lead really is. It is not in the note.
3. **The real situation.** Value-level facts, each rising with heat: ``FACT_MODEL`` (a, b) gives
   ``P = sigmoid(a + b·heat + extra)`` for concrete interest, clear need, timing defined / near, customer
   emotion expressed, decision maker attends (``DM_TITLE[title]`` added; always true when the contact is the
   decision maker, probability ``DM_IS_CONTACT[title]``), next action fixed, positive reaction to material.
   Urgency high/mid/low and budget secured/planning/none are cuts of ``k·heat + N(0, 1)``. Competition,
   NG topics and whether material was shown do not depend on heat.
4. **Capture.** For each element the rep asks or notices with probability
   ``sigmoid(CAPTURE_BASE[e] + CAPTURE_SKILL·rep_skill + CAPTURE_HEAT·heat + effort + CAPTURE_BONUS[e](facts))``,
   ``effort ~ N(0, EFFORT_SD)`` per note. A captured fact that exists (``EXPRESSIBLE``) is ``present``: a note
   says 「決裁者同席」 only when it is true. Otherwise the element is ``unknown`` (the rep writes that it was not
   obtained) with probability ``sigmoid(UNKNOWN_BASE[e] + UNKNOWN_STYLE[style] + UNKNOWN_IF_ASKED·asked)``,
   else ``absent``.
5. **Outcome.** ``logit P(opportunity) = OPPORTUNITY_B0 + Σ OPPORTUNITY_COEF·facts + SOURCE_COEF[source] +
   TITLE_COEF[title] + DAYS_COEF·log1p(days) + CONTACTS_COEF·(n_contacts − 1) + SKILL_COEF·rep_skill +
   Σ HANDOFF_COEF[e]·[e present in the note] + hidden_fit``, ``hidden_fit ~ N(0, HIDDEN_FIT_SD)``. The true
   facts count whether or not the rep wrote them; the handoff term is the seed article's thesis that context
   handed over (why they met us, how hot, how they feel, who decides) lets field sales run a better meeting.
   ``logit P(won | opportunity) = WON_B0 + Σ WON_COEF·facts`` (``hidden_fit`` among them). Both outcomes are
   Bernoulli draws from the same generator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

ELEMENT_IDS = ("interest", "urgency", "emotion", "decision_maker", "budget", "timing", "need", "competition",
               "ng_topics", "next_action", "resonant_content", "contact_history")
N_REPS = 30
DATE_START, DATE_END = date(2024, 4, 1), date(2026, 9, 30)

# source -> (share, warmth, speed of first contact, λ of extra touches)
LEAD_SOURCES = {
    "webinar": (0.20, 0.0, 0.0, 1.4), "whitepaper": (0.17, -0.35, -0.2, 2.0), "inquiry": (0.12, 0.9, 1.2, 0.5),
    "referral": (0.06, 0.8, 0.6, 0.6), "event": (0.13, -0.1, -0.5, 1.5), "outbound": (0.17, -0.6, 0.0, 3.0),
    "ad": (0.15, -0.4, -0.1, 2.0),
}
TITLES = ("staff", "manager", "director", "executive")
TITLE_BASE = (0.46, 0.30, 0.17, 0.07)
TITLE_SHIFT = {"referral": 0.8, "inquiry": 0.3, "outbound": -0.5, "ad": -0.2}  # weight_k × e^(shift·k)
HEAT_SD = 0.8
FAST_BASE = 1.0
EFFORT_SD = 0.8
STYLES = ("prose_desu", "prose_plain", "bullets", "template", "terse", "chat", "mail")
STYLE_BASE = (0.21, 0.12, 0.17, 0.17, 0.12, 0.10, 0.11)

# the real situation: P(fact) = sigmoid(a + b·heat [+ extra]), (a, b) per fact
FACT_MODEL = {
    "interest_specific": (0.2, 0.9), "need_clear": (0.3, 0.7), "timing_defined": (0.2, 0.6),
    "timing_near": (0.1, 0.6),          # given timing_defined; + TIMING_NEAR_IF_URGENT when urgency is high
    "emotion_expressed": (-0.5, 0.3),   # + EMOTION_IF_NEED when the need is clear
    "dm_attends": (-1.2, 0.6),          # + DM_TITLE[title]; always true when the contact is the decision maker
    "next_fixed": (0.5, 0.5),           # + NEXT_FIXED_SKILL·rep_skill
    "content_positive": (0.3, 0.6),     # given that material was shown
}
TIMING_NEAR_IF_URGENT = 0.8
EMOTION_IF_NEED = 0.5
NEXT_FIXED_SKILL = 0.5
DM_TITLE = {"staff": -0.6, "manager": 0.1, "director": 1.0, "executive": 2.4}
DM_IS_CONTACT = {"staff": 0.0, "manager": 0.12, "director": 0.4, "executive": 0.75}
URGENCY_HEAT, URGENCY_CUTS = 0.8, (0.9, -0.5)   # score = 0.8·heat + N(0,1): high > 0.9, low < −0.5
BUDGET_HEAT, BUDGET_CUTS = 0.6, (0.8, -0.2)     # score = 0.6·heat + N(0,1): secured > 0.8, planning > −0.2
COMPETITION_SHARES = {"comparing": 0.35, "incumbent": 0.40, "none": 0.25}
NG_RATE = 0.22
CONTENT_SHOWN_RATE = 0.55
# customer emotion kinds (base weights; excitement + 0.08·max(heat, 0), guarded + 0.1·max(−heat, 0))
EMOTION_KINDS = {"frustration": 0.32, "anxiety": 0.16, "pressure": 0.14, "excitement": 0.16, "guarded": 0.14,
                 "relief": 0.08}

CAPTURE_SKILL, CAPTURE_HEAT = 0.8, 0.25
CAPTURE_BASE = {
    "interest": 0.7, "urgency": -0.6, "emotion": -0.2, "decision_maker": -0.1, "budget": -0.5, "timing": 0.5,
    "need": 0.9, "competition": -0.5, "ng_topics": 0.2, "next_action": 0.7, "resonant_content": -0.2,
    "contact_history": -0.9,
}
UNKNOWN_BASE = {
    "interest": -2.8, "urgency": -2.4, "emotion": -3.6, "decision_maker": -1.1, "budget": -0.8, "timing": -1.6,
    "need": -2.8, "competition": -2.0, "ng_topics": -4.2, "next_action": -1.6, "resonant_content": -3.8,
    "contact_history": -3.0,
}
UNKNOWN_STYLE = {"template": 1.3, "bullets": 0.4, "terse": 0.3, "mail": 0.2}
UNKNOWN_IF_ASKED = 1.8  # the rep asked but there was nothing concrete to write

OPPORTUNITY_B0 = -5.0
OPPORTUNITY_COEF = {
    "dm_attends": 0.66, "interest_specific": 0.60, "need_clear": 0.36, "urgency_high": 0.36, "urgency_low": -0.36,
    "budget_secured": 0.30, "budget_none": -0.18, "timing_near": 0.24, "next_fixed": 0.24,
    "emotion_pain": 0.12, "content_positive": 0.12, "competition_comparing": -0.09, "competition_none": 0.06,
    "has_ng": -0.06,
}
SOURCE_COEF = {"webinar": 0.0, "whitepaper": -0.20, "inquiry": 0.40, "referral": 0.50, "event": -0.05,
               "outbound": -0.40, "ad": -0.30}
TITLE_COEF = {"staff": 0.0, "manager": 0.15, "director": 0.30, "executive": 0.40}
DAYS_COEF = -0.25      # × log1p(days_to_first_contact)
CONTACTS_COEF = -0.05  # × (n_contacts − 1)
SKILL_COEF = 0.15      # × rep_skill
HIDDEN_FIT_SD = 0.30
# the handoff itself: each element the note carries concretely (state present) helps the first meeting
HANDOFF_COEF = {
    "interest": 0.90, "urgency": 0.50, "emotion": 0.50, "decision_maker": 0.90, "budget": 0.25, "timing": 0.25,
    "need": 0.50, "competition": 0.10, "ng_topics": 0.10, "next_action": 0.40, "resonant_content": 0.10,
    "contact_history": 0.10,
}

WON_B0 = -2.1
WON_COEF = {
    "budget_secured": 0.70, "budget_none": -0.40, "dm_attends": 0.60, "timing_near": 0.40, "urgency_high": 0.30,
    "urgency_low": -0.30, "competition_comparing": -0.50, "competition_none": 0.30, "need_clear": 0.30,
    "title_executive": 0.20, "hidden_fit": 0.80,
}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True, slots=True)
class Rep:
    id: str
    skill: float
    styles: tuple[float, ...]


def draw_reps(rng: np.random.Generator) -> list[Rep]:
    reps = []
    for i in range(N_REPS):
        skill = float(rng.normal())
        styles = rng.dirichlet(np.array(STYLE_BASE) * 4.0)
        reps.append(Rep(f"rep-{i + 1:02d}", skill, tuple(float(s) for s in styles)))
    return reps


def _pick(rng: np.random.Generator, weights) -> int:
    w = np.asarray(weights, dtype=float)
    return int(np.searchsorted(np.cumsum(w / w.sum()), rng.random(), side="right"))


def _crm_fields(rng: np.random.Generator, rep: Rep) -> dict:
    names = list(LEAD_SOURCES)
    source = names[_pick(rng, [v[0] for v in LEAD_SOURCES.values()])]
    _, warmth, speed, lam = LEAD_SOURCES[source]
    shift = TITLE_SHIFT.get(source, 0.0)
    title = TITLES[_pick(rng, [b * math.exp(shift * k) for k, b in enumerate(TITLE_BASE)])]
    heat = warmth + float(rng.normal(0.0, HEAT_SD))
    if rng.random() < sigmoid(FAST_BASE + speed + 0.4 * rep.skill):
        days = _pick(rng, (0.38, 0.32, 0.18, 0.12))
    else:
        days = min(90, 4 + int(rng.lognormal(math.log(5.0), 0.9)))
    n_contacts = 1 + min(19, int(rng.poisson(lam * math.exp(-0.15 * heat))))
    return {"lead_source": source, "contact_title": title, "days_to_first_contact": days,
            "n_contacts": n_contacts, "heat": heat}


def _facts(rng: np.random.Generator, heat: float, title: str, skill: float) -> dict:
    """The deal's real situation (FACT_MODEL and friends): every draw rises with heat."""
    u = rng.random

    def chance(name: str, extra: float = 0.0) -> bool:
        a, b = FACT_MODEL[name]
        return bool(u() < sigmoid(a + b * heat + extra))

    urgency_score = URGENCY_HEAT * heat + float(rng.normal())
    urgency = "high" if urgency_score > URGENCY_CUTS[0] else "low" if urgency_score < URGENCY_CUTS[1] else "mid"
    dm_is_contact = bool(u() < DM_IS_CONTACT[title])
    dm_attends = dm_is_contact or chance("dm_attends", DM_TITLE[title])
    budget_score = BUDGET_HEAT * heat + float(rng.normal())
    budget = "secured" if budget_score > BUDGET_CUTS[0] else "planning" if budget_score > BUDGET_CUTS[1] else "none"
    timing_defined = chance("timing_defined")
    timing_near = timing_defined and chance("timing_near", TIMING_NEAR_IF_URGENT if urgency == "high" else 0.0)
    need_clear = chance("need_clear")
    emotion_on = chance("emotion_expressed", EMOTION_IF_NEED if need_clear else 0.0)
    kind_w = [w + (0.08 * max(heat, 0) if k == "excitement" else 0.1 * max(-heat, 0) if k == "guarded" else 0)
              for k, w in EMOTION_KINDS.items()]
    content_shown = u() < CONTENT_SHOWN_RATE
    return {
        "interest_specific": chance("interest_specific"),
        "need_clear": need_clear,
        "urgency_level": urgency,
        "emotion_kind": tuple(EMOTION_KINDS)[_pick(rng, kind_w)] if emotion_on else None,
        "dm_is_contact": dm_is_contact,
        "dm_attends": bool(dm_attends),
        "budget_status": budget,
        "budget_secured": budget == "secured",
        "timing_defined": timing_defined,
        "timing_near": timing_near,
        "competition_status": tuple(COMPETITION_SHARES)[_pick(rng, tuple(COMPETITION_SHARES.values()))],
        "has_ng": bool(u() < NG_RATE),
        "next_fixed": chance("next_fixed", NEXT_FIXED_SKILL * skill),
        "content_reaction": (("positive" if chance("content_positive") else "flat") if content_shown else None),
    }


# whether a fact can be written as `present`; the others have nothing concrete to say
EXPRESSIBLE = {
    "interest": lambda f: f["interest_specific"], "emotion": lambda f: f["emotion_kind"] is not None,
    "need": lambda f: f["need_clear"], "timing": lambda f: f["timing_defined"], "ng_topics": lambda f: f["has_ng"],
    "next_action": lambda f: f["next_fixed"], "resonant_content": lambda f: f["content_reaction"] is not None,
}
CAPTURE_BONUS = {  # salient facts get written down more often
    "urgency": lambda f: 0.5 if f["urgency_level"] != "mid" else 0.0,
    "decision_maker": lambda f: 0.6 if f["dm_attends"] else 0.0,
    "budget": lambda f: 0.4 if f["budget_status"] == "secured" else 0.0,
    "emotion": lambda f: 0.4 if f["emotion_kind"] in ("frustration", "guarded") else 0.0,
}


def _capture(rng: np.random.Generator, facts: dict, skill: float, heat: float, effort: float,
             style: str) -> dict[str, str]:
    out = {}
    for e in ELEMENT_IDS:
        bonus = CAPTURE_BONUS[e](facts) if e in CAPTURE_BONUS else 0.0
        asked = rng.random() < sigmoid(CAPTURE_BASE[e] + CAPTURE_SKILL * skill + CAPTURE_HEAT * heat + effort + bonus)
        expressible = EXPRESSIBLE[e](facts) if e in EXPRESSIBLE else True
        p_unknown = sigmoid(UNKNOWN_BASE[e] + UNKNOWN_STYLE.get(style, 0.0) + (UNKNOWN_IF_ASKED if asked else 0.0))
        draw = rng.random()
        if asked and expressible:
            out[e] = "present"
        else:
            out[e] = "unknown" if draw < p_unknown else "absent"
    return out


def _indicators(f: dict, lead: dict) -> dict[str, float]:
    return {
        "dm_attends": f["dm_attends"], "interest_specific": f["interest_specific"], "need_clear": f["need_clear"],
        "urgency_high": f["urgency_level"] == "high", "urgency_low": f["urgency_level"] == "low",
        "budget_secured": f["budget_status"] == "secured", "budget_none": f["budget_status"] == "none",
        "timing_near": f["timing_near"], "next_fixed": f["next_fixed"],
        "emotion_pain": f["emotion_kind"] in ("frustration", "anxiety", "pressure"),
        "content_positive": f["content_reaction"] == "positive",
        "competition_comparing": f["competition_status"] == "comparing",
        "competition_none": f["competition_status"] == "none", "has_ng": f["has_ng"],
        "title_executive": lead["contact_title"] == "executive",
    }


def opportunity_logit(facts: dict, lead: dict, skill: float, hidden_fit: float, captured: dict) -> float:
    x = _indicators(facts, lead)
    z = OPPORTUNITY_B0 + sum(c * float(x[k]) for k, c in OPPORTUNITY_COEF.items())
    z += sum(HANDOFF_COEF[e] for e, state in captured.items() if state == "present")
    z += SOURCE_COEF[lead["lead_source"]] + TITLE_COEF[lead["contact_title"]]
    z += DAYS_COEF * math.log1p(lead["days_to_first_contact"]) + CONTACTS_COEF * (lead["n_contacts"] - 1)
    return z + SKILL_COEF * skill + hidden_fit


def won_logit(facts: dict, lead: dict, hidden_fit: float) -> float:
    x = _indicators(facts, lead)
    x["hidden_fit"] = hidden_fit
    return WON_B0 + sum(c * float(x[k]) for k, c in WON_COEF.items())


def _dates(rng: np.random.Generator, days: int, n_contacts: int) -> tuple[date, date, date]:
    gap = sum(int(rng.integers(1, 6)) for _ in range(n_contacts - 1)) + int(rng.integers(0, 2))
    span = (DATE_END - DATE_START).days - days - gap
    created = DATE_START + timedelta(days=int(rng.integers(0, max(span, 0) + 1)))
    first = created + timedelta(days=days)
    return created, first, first + timedelta(days=gap)


def draw_lead(rng: np.random.Generator, rep: Rep) -> dict:
    """One lead's CRM fields, latent truth and outcome (the note is rendered from this)."""
    lead = _crm_fields(rng, rep)
    heat = lead.pop("heat")
    facts = _facts(rng, heat, lead["contact_title"], rep.skill)
    effort = float(rng.normal(0.0, EFFORT_SD))
    weights = list(rep.styles)
    if effort < -0.8:
        weights[STYLES.index("terse")] += 0.35
    style = STYLES[_pick(rng, weights)]
    captured = _capture(rng, facts, rep.skill, heat, effort, style)
    hidden_fit = float(rng.normal(0.0, HIDDEN_FIT_SD))
    p_opp = sigmoid(opportunity_logit(facts, lead, rep.skill, hidden_fit, captured))
    p_won = sigmoid(won_logit(facts, lead, hidden_fit))
    u_opp, u_won = rng.random(), rng.random()
    opportunity = int(u_opp < p_opp)
    won = int(opportunity == 1 and u_won < p_won)
    created, first, handoff = _dates(rng, lead["days_to_first_contact"], lead["n_contacts"])
    latent = {"rep_skill": rep.skill, "heat": heat, "effort": effort, "style": style, "captured": captured,
              **facts, "hidden_fit": hidden_fit, "p_opportunity": p_opp, "p_won_given_opportunity": p_won}
    return {**lead, "rep_id": rep.id, "lead_created_at": created.isoformat(),
            "first_contact_at": first.isoformat(), "handoff_at": handoff.isoformat(),
            "opportunity": opportunity, "won": won, "latent": latent}
