"""The slot values of one note (company, people, amounts, dates …), drawn once so the note is consistent.

Dates in the note are derived from the record's own dates: a webinar happened on `lead_created_at`, the
next meeting falls 2–16 days after `handoff_at` on a weekday, an adoption month is counted from the handoff.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from . import fillers as F

WEEKDAYS = "月火水木金土日"
TIMES = ("10:00", "10時", "11時", "13:00", "13時半", "14:00", "14時", "15:00", "15時", "16時", "16:30", "17時")


def choose(rng: np.random.Generator, seq):
    return seq[int(rng.integers(len(seq)))]


def _month_add(d: date, months: int) -> tuple[int, int]:
    m = d.month - 1 + months
    return d.year + m // 12, m % 12 + 1


def _fy(year: int, month: int) -> int:
    return year if month >= 4 else year - 1


def _day(rng: np.random.Generator, d: date, weekday: bool = True) -> str:
    wd = f"({WEEKDAYS[d.weekday()]})" if weekday and rng.random() < 0.6 else ""
    return choose(rng, (f"{d.month}/{d.day}{wd}", f"{d.month}月{d.day}日{wd}", f"{d.month}/{d.day}"))


def _next_meeting(rng: np.random.Generator, handoff: date) -> tuple[str, date]:
    d = handoff + timedelta(days=int(rng.integers(2, 17)))
    while d.weekday() >= 5:
        d += timedelta(days=1)
    this_monday = handoff - timedelta(days=handoff.weekday())
    if 7 <= (d - this_monday).days < 14 and rng.random() < 0.3:
        return f"来週{WEEKDAYS[d.weekday()]}曜", d
    return _day(rng, d), d


def _timing(rng: np.random.Generator, handoff: date, near: bool) -> tuple[str, int]:
    offset = int(rng.integers(1, 7)) if near else int(rng.integers(8, 19))
    y, m = _month_add(handoff, offset)
    if near:
        return choose(rng, (f"{m}月", f"{m}月頭", f"{m}月中", f"{y}年{m}月", f"{m}月末")), offset
    fy, now_fy = _fy(y, m), _fy(handoff.year, handoff.month)
    forms = [f"{y}年{m}月", f"{y % 100}年{m}月", f"{fy}年度"]
    if fy == now_fy + 1:
        forms.append("来年度")
    return choose(rng, forms), offset


def _amount(rng: np.random.Generator, employees: int) -> str:
    man = int(round(float(np.exp(rng.normal(np.log(60 + employees * 0.6), 0.6))) / 10.0) * 10)
    man = max(man, 20)
    monthly = max(2, man // 12)
    return choose(rng, (f"年{man}万円", f"{man}万", f"{man}万円", f"月額{monthly}万円", f"年間{man}万",
                        f"初期{max(10, man // 4)}万+月額{max(1, monthly // 2)}万", f"{man}万前後"))


def _company(rng: np.random.Generator) -> tuple[str, str]:
    core = choose(rng, F.COMPANY_CORES) + choose(rng, F.COMPANY_TAILS)
    full = choose(rng, (f"株式会社{core}", f"{core}株式会社", f"(株){core}", core, f"{core}(株)"))
    return full, core


def make_slots(lead: dict, rng: np.random.Generator) -> dict[str, str]:
    lat = lead["latent"]
    handoff = date.fromisoformat(lead["handoff_at"])
    created = date.fromisoformat(lead["lead_created_at"])
    cat = F.PRODUCTS[choose(rng, tuple(F.PRODUCTS))]
    company, company_core = _company(rng)
    names = list(F.SURNAMES)
    order = rng.permutation(len(names))
    cname, dm_name, fs_name, ref_name = (names[i] for i in order[:4])
    label = choose(rng, F.TITLE_LABELS[lead["contact_title"]])
    contact = f"{cname}様" if label in ("担当者", "担当", "スタッフ") else f"{cname}{label}"
    role = choose(rng, F.DM_ROLES[lead["contact_title"]])
    dm = choose(rng, (f"{dm_name}{role}", f"{role}の{dm_name}様", f"{dm_name}{role}", f"{role}({dm_name}様)"))
    features = rng.permutation(len(cat["features"]))
    industry = choose(rng, F.INDUSTRIES)
    case_ind = industry if rng.random() < 0.6 else choose(rng, F.INDUSTRIES)
    employees = int(choose(rng, (30, 50, 80, 120, 200, 300, 500, 800, 1200, 3000)))
    comps = rng.permutation(len(F.COMPETITOR_LABELS) + len(F.MADE_UP_PRODUCTS))
    pool = F.COMPETITOR_LABELS + F.MADE_UP_PRODUCTS
    next_day, next_date = _next_meeting(rng, handoff)
    dl = handoff + timedelta(days=int(rng.integers(1, max(2, (next_date - handoff).days))))
    tm, offset = _timing(rng, handoff, bool(lat["timing_near"]))
    _, ref_core = _company(rng)
    s = {
        "company": company, "company_core": company_core, "industry": industry, "case_ind": case_ind,
        "employees": str(employees), "prod": choose(rng, cat["names"]), "dept": choose(rng, cat["dept"]),
        "contact": contact, "cname": cname, "title_label": label,
        "feature": cat["features"][features[0]], "feature2": cat["features"][features[1]],
        "need": choose(rng, cat["needs"]).format(n=int(rng.integers(2, 10))),
        "goal": choose(rng, cat["goals"]).format(n=int(rng.integers(2, 6))),
        "pt": choose(rng, F.PAIN_TARGETS), "boss": choose(rng, ("上司", "部長", "社長", "役員", "本部長", "上長")),
        "dm": dm, "body": choose(rng, F.DECISION_BODIES), "amt": _amount(rng, employees),
        "amt2": choose(rng, ("100万", "300万", "500万", "1000万")),
        "budget_month": choose(rng, ("2月", "3月", "9月", "10月", "年明け", "下期")),
        "tm": tm, "nmon": str(offset if rng.random() < 0.5 else min(offset + 1, 6)),
        "comp": pool[comps[0]], "comp2": pool[comps[1]],
        "tool": choose(rng, F.INCUMBENT_TOOLS) if rng.random() < 0.8 else pool[comps[0]],
        "nd": next_day, "time": choose(rng, TIMES), "mode": choose(rng, F.MEETING_MODES),
        "deliv": choose(rng, F.DELIVERABLES), "dl": _day(rng, dl, weekday=False), "k": str(int(rng.integers(1, 5))),
        "cdate": _day(rng, created, weekday=False), "event": choose(rng, F.EVENTS),
        "referrer": choose(rng, (f"{ref_core}様", f"取引先の{ref_core}様", f"{ref_name}税理士", f"顧問の{ref_name}先生",
                                 f"{ref_core}の{ref_name}様")),
        "dl_count": str(int(rng.integers(1, 5))), "n_contacts": str(lead["n_contacts"]),
        "hq": choose(rng, F.HQ_CITIES), "rep": F.SURNAMES[(int(lead["rep_id"][-2:]) * 7) % len(F.SURNAMES)], "fs": fs_name,
    }
    da, db = choose(rng, F.DEPT_PAIRS)
    s.update(da=da, db=db)
    s["mat"] = choose(rng, F.MATERIALS).format(**s)
    s["ng"] = choose(rng, F.NG_TOPICS).format(**s)
    s["webinar"] = choose(rng, F.WEBINAR_TITLES).format(**s)
    s["wp"] = choose(rng, F.WHITEPAPERS).format(**s)
    return s
