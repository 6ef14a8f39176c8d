"""Synthetic content at any scale, for benchmarks and scale tests: `portal demo-data`.

Takes the totals (tasks, complaints), the number of provinces and a seed; writes a content folder of format
version 2 into a new folder and gives its counts. Deterministic: the same arguments always write
byte-identical files. Everything is fictional (region codes start at 11, names are made up) and site.yaml
says so.

Four rounds (:data:`ROUNDS`): central round 1 (2016–17), its 回头看 (2018), round 2 (2021–22) and round 3
(2023–), each in inspections/<id>.yaml with its stay, feedback date and one plan per province (id and region
the province's code, approved on a day of its own after the feedback, with its document in documents.yaml).
The totals are shared out between the rounds and each round's share between the provinces in turn; a task
names its inspection and plan and is numbered within the plan. Distributions follow the real ones: most
complaints 已办结, about 70% 属实 or 部分属实/基本属实, 200 complaints per batch (complaints/<inspection>/N.yaml,
each from one province), reference numbers of the round (D2AB202104050001: channel, round, province, day
received, serial; unique across rounds), some tasks standing (长期坚持), histories that go in_progress →
completed → accepted → closed with a close-out notice, the older rounds further on. About 10% of round-2
tasks take up a closed round-1 task of the same province again (``follows``), and a few of the 回头看's and
of round 3's (of round 1 and round 2); about 1% of the complaints of a later round repeat a complaint of an
earlier one from the same county (``repeats``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import UsageError

BATCH_SIZE = 200
SYLLABLES = "江川河山临青石溪安平东西南北新宁远清泉云长兴和华丰阳湖海林龙凤金玉明德永宝"
TYPES = ["大气", "水", "噪声", "固废", "土壤", "生态破坏", "农业农村", "其他"]
TYPE_WEIGHTS = [30, 22, 20, 12, 4, 6, 5, 1]
PLACES = ["某化工厂", "某砖厂", "某养殖场", "某垃圾填埋场", "某污水处理厂", "某建筑工地", "某餐饮店", "某采石场",
          "某钢铁公司", "某木材加工厂", "某小区", "某工业园区", "某洗砂场", "某河道", "某水库"]
PROBLEMS = ["夜间生产噪声扰民", "废气异味明显", "污水直排河道", "固体废物露天堆放", "扬尘污染严重",
            "非法占用林地", "渗滤液外溢", "油烟直排", "违规采砂破坏河床", "畜禽粪污未经处理外排"]
TASK_TOPICS = ["垃圾填埋场渗滤液处理能力不足", "城镇污水处理厂超负荷运行", "工业园区挥发性有机物治理不到位",
               "饮用水水源保护区内违规建设", "矿山生态修复滞后", "黑臭水体整治不彻底", "畜禽养殖污染治理不到位",
               "自然保护区违规开发", "危险废物监管不到位", "钢铁行业超低排放改造滞后"]


def _names(rng: random.Random, count: int, suffix: str, taken: set[str]) -> list[str]:
    """``count`` new names of two syllables (three once two rarely give a new one: the 31 provinces of
    the national size need more county names than two syllables make)."""
    out: list[str] = []
    misses = 0
    while len(out) < count:
        name = "".join(rng.choice(SYLLABLES) for _ in range(2 if misses < 200 else 3)) + suffix
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            out.append(name)
            misses = 0
        else:
            misses += 1
    return out


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


STANDING = "长期坚持"  # the deadline of a standing task
REPEAT_SHARE = 0.01  # complaints of a later round that repeat one of an earlier round
County = tuple[str, str]  # (code, name)
Counties = dict[str, list[County]]  # province code → its counties


@dataclass(frozen=True)
class Round:
    """One inspection of the demo data, and how far the work on its plans has got."""

    id: str
    code: str  # the start of its tasks' ids
    kind: str
    title: str
    short: str
    stay: tuple[dt.date, dt.date]
    feedback_on: dt.date
    digit: str  # the round in reference numbers: D1…, D2…, D3…
    task_share: int  # percent of the tasks
    complaint_share: int  # percent of the complaints
    deadlines: tuple[dt.date, dt.date]  # dated deadlines fall between these days
    finished_by: dt.date  # the last day on which a task's work is finished
    done: float  # share of the tasks with a dated deadline whose work is finished …
    closed: float  # … and of those closed out (closed ≤ done)
    follows: tuple[str, float] | None = None  # (earlier round, share of tasks that take up one of its closed tasks)


_D = dt.date
ROUNDS = (
    Round("r1", "R1", "central", "第一轮中央生态环境保护督察", "第一轮", (_D(2016, 11, 24), _D(2016, 12, 24)),
          _D(2017, 4, 12), "1", 30, 25, (_D(2017, 12, 31), _D(2020, 12, 31)), _D(2021, 6, 30), 0.95, 0.9),
    Round("r1-lookback", "H1", "lookback", "第一轮中央生态环境保护督察“回头看”", "回头看",
          (_D(2018, 6, 1), _D(2018, 7, 7)), _D(2018, 10, 22), "1", 15, 15, (_D(2019, 6, 30), _D(2021, 12, 31)),
          _D(2022, 6, 30), 0.9, 0.85, ("r1", 0.05)),
    Round("r2", "R2", "central", "第二轮中央生态环境保护督察", "第二轮", (_D(2021, 4, 6), _D(2021, 5, 6)),
          _D(2021, 7, 26), "2", 35, 35, (_D(2021, 12, 31), _D(2027, 12, 31)), _D(2026, 6, 30), 0.55, 0.45,
          ("r1", 0.10)),
    Round("r3", "R3", "central", "第三轮中央生态环境保护督察", "第三轮", (_D(2023, 11, 20), _D(2023, 12, 20)),
          _D(2024, 4, 10), "3", 20, 25, (_D(2024, 12, 31), _D(2028, 12, 31)), _D(2026, 8, 15), 0.25, 0.12,
          ("r2", 0.05)),
)
PLAN_AFTER_FEEDBACK = (45, 120)  # days from a round's feedback to a province's plan (each its own)


def write(output: Path, tasks: int, complaints: int, seed: int = 1, provinces: int = 0) -> dict[str, int]:
    """Write a content folder into ``output`` (which must not exist or be empty); return counts."""
    if tasks < 1 or complaints < 0:
        raise UsageError("--tasks 至少为 1，--complaints 至少为 0")
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise UsageError(f"--output: {output} 已存在且不是空的；示例数据只写入新的（或空的）文件夹")
    rng = random.Random(seed)
    regions, counties = _regions(rng, provinces or (1 if complaints <= 50_000 else 31))
    names = {r["code"]: r["name"] for r in regions if "parent" not in r}
    _write_site(output, seed, regions)
    approved = _write_inspections(output, rng, names)
    follows, closed = _write_tasks(output, rng, tasks, counties, names, approved)
    written = _write_complaints(output, rng, complaints, counties)
    return {"regions": len(regions), "inspections": len(ROUNDS), "plans": len(ROUNDS) * len(names), "tasks": tasks,
            "follows": follows, **written, "announcements": closed, "closed": closed}  # each closed task has its notice


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` shared out in proportion to ``weights``: whole shares, then one more to the largest remainders."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    largest = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in largest[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _abbr(p: int) -> str:
    """The two letters of province number ``p`` (from 0) in reference numbers: AA, AB, …"""
    return chr(ord("A") + p // 26) + chr(ord("A") + p % 26)


def _regions(rng: random.Random, provinces: int) -> tuple[list[dict[str, str]], Counties]:
    """The regions (each province with 8 cities of 6 counties), and the counties of each province."""
    taken: set[str] = set()
    regions: list[dict[str, str]] = []
    counties: Counties = {}
    for p, pname in enumerate(_names(rng, provinces, "省", taken)):
        pcode = f"{11 + p:02d}0000"
        regions.append({"code": pcode, "name": pname})
        counties[pcode] = []
        for c, cname in enumerate(_names(rng, 8, "市", taken), start=1):
            ccode = f"{11 + p:02d}{c:02d}00"
            regions.append({"code": ccode, "name": cname, "parent": pcode})
            for k, kname in enumerate(_names(rng, 6, "县", taken), start=1):
                kcode = f"{11 + p:02d}{c:02d}{k:02d}"
                regions.append({"code": kcode, "name": kname, "parent": ccode})
                counties[pcode].append((kcode, kname))
    return regions, counties


def _write_site(output: Path, seed: int, regions: list[dict[str, str]]) -> None:
    """site.yaml (which says the data is fictional) and regions.yaml."""
    _dump(output / "site.yaml", {
        "title": "整改公开（规模测试数据）",
        "publisher": "规模测试（虚构数据）",
        "site_url": "https://scale.example.org/",
        "contact": {"phone": "0999-12345678", "email": "zhenggai@example.org", "address": "示例路1号"},
        "sample": True,
        "description": f"由 portal demo-data 生成的虚构数据（seed {seed}），用于测试门户在大规模数据下的表现。",
    })
    _dump(output / "regions.yaml", regions)


def _write_inspections(output: Path, rng: random.Random, provinces: dict[str, str]) -> dict[str, dict[str, dt.date]]:
    """inspections/<id>.yaml of every round, each with one plan per province, approved on a day of its own
    after the round's feedback, and documents.yaml with each plan's document; the days, by round and province."""
    approved: dict[str, dict[str, dt.date]] = {}
    documents: list[dict[str, str]] = []
    for n, r in enumerate(ROUNDS, start=1):
        approved[r.id] = {}
        plans: list[dict[str, str]] = []
        for pcode, pname in provinces.items():
            day = r.feedback_on + dt.timedelta(days=rng.randint(*PLAN_AFTER_FEEDBACK))
            approved[r.id][pcode] = day
            title = f"{pname}贯彻落实{r.title}反馈意见整改方案（虚构）"
            doc_id = f"plan-{r.id}-{pcode[:2]}"
            plans.append({"id": pcode, "region": pcode, "title": title, "approved_on": day.isoformat(), "document": doc_id})
            documents.append({"id": doc_id, "number": f"{pname}督改〔{day.year}〕{n}号", "title": title,
                              "issuer": f"{pname}人民政府（虚构）", "issued_on": day.isoformat()})
        _dump(output / "inspections" / f"{r.id}.yaml", {
            "id": r.id, "kind": r.kind, "title": r.title, "short": r.short, "team": "中央生态环境保护督察组（虚构）",
            "stay": {"start": r.stay[0].isoformat(), "end": r.stay[1].isoformat()},
            "feedback_on": r.feedback_on.isoformat(), "plans": plans,
        })
    _dump(output / "documents.yaml", documents)
    return approved


def _write_tasks(output: Path, rng: random.Random, count: int, counties: Counties, names: dict[str, str],
                 approved: dict[str, dict[str, dt.date]]) -> tuple[int, int]:
    """tasks/R2-11-001.yaml …: each round's share of ``count``, the provinces taking turns, each task in one
    of its province's counties and numbered within its plan; a share of a round's tasks take up a task of an
    earlier round in the same county again, one closed out before this round's feedback. Return how many follow one and how many were closed (each
    closed task has its close-out notice in announcements/)."""
    province_codes = list(counties)
    # (round, province) → its closed tasks not taken up yet: (closed on, id, county, topic)
    closed_tasks: dict[tuple[str, str], list[tuple[dt.date, str, County, str]]] = {}
    follows = closed = 0
    for r, share in zip(ROUNDS, _split(count, [r.task_share for r in ROUNDS])):
        numbers: dict[str, int] = {}
        for i in range(share):
            pcode = province_codes[i % len(province_codes)]
            number = numbers[pcode] = numbers.get(pcode, 0) + 1
            task_id = f"{r.code}-{pcode[:2]}-{number:03d}"
            pool = closed_tasks.get((r.follows[0], pcode), []) if r.follows else []
            before = [n for n, c in enumerate(pool) if c[0] < r.feedback_on]
            earlier = pool.pop(rng.choice(before)) if r.follows and before and rng.random() < r.follows[1] else None
            county, topic = (earlier[2], earlier[3]) if earlier else (rng.choice(counties[pcode]), rng.choice(TASK_TOPICS))
            plan_day = approved[r.id][pcode]
            dated = _day(rng, max(r.deadlines[0], plan_day), r.deadlines[1]).isoformat()
            deadline = STANDING if rng.random() < 0.12 else dated
            start = plan_day + dt.timedelta(days=rng.randrange(10, 90))
            history: list[dict[str, str | bool]] = [
                {"date": start.isoformat(), "status": "ongoing" if deadline == STANDING else "in_progress",
                 "note": "已制定实施方案"}]
            task = _task(rng, r, task_id, pcode, number, county, topic, deadline)
            if earlier:
                task["title"] = f"{task['title']}问题反弹"
                task["problem"] = f"督察发现，{_round(earlier[1]).short}督察后已整改销号的{county[1]}{topic}问题出现反弹。"
                task["follows"] = [earlier[1]]
                follows += 1
            notice = f"{names[pcode]}{r.short}整改方案第{number}项整改任务完成情况公示"
            closed_on = _advance(output, rng, r, task_id, notice, deadline, start, history)
            if closed_on is not None:
                closed += 1
                closed_tasks.setdefault((r.id, pcode), []).append((closed_on, task_id, county, topic))
            task["history"] = history
            _dump(output / "tasks" / f"{task_id}.yaml", task)
    return follows, closed


def _round(task_id: str) -> Round:
    """The round of a task of the demo data, by the start of its id."""
    return next(r for r in ROUNDS if task_id.startswith(f"{r.code}-"))


def _task(rng: random.Random, r: Round, task_id: str, pcode: str, number: int, county: County, topic: str,
          deadline: str) -> dict[str, object]:
    """Task ``number`` of round ``r``'s plan for province ``pcode``, in ``county`` (its problem drawn at random)."""
    kcode, kname = county
    return {"id": task_id, "inspection": r.id, "plan": pcode, "number": number, "title": f"{kname}{topic}",
            "problem": f"督察发现，{kname}{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，群众反映强烈。",
            "deadline": deadline, "regions": [kcode], "responsible_units": [f"{kname}人民政府"],
            "target": "按期完成整改，达到相关标准要求", "measures": ["制定整改方案", "落实整改措施", "组织验收"],
            "supervising_units": ["省生态环境厅"], "acceptance_unit": "省生态环境厅"}


def _advance(output: Path, rng: random.Random, r: Round, task_id: str, notice: str, deadline: str, start: dt.date,
             history: list[dict[str, str | bool]]) -> dt.date | None:
    """Add to ``history`` how far the task got: completed and accepted (the round's share of those with a date;
    most of them then closed after a notice titled ``notice``), else a progress report (most of the rest);
    the day it was closed, None when it was not."""
    stage = rng.random()
    if deadline != STANDING and stage < r.done:
        done = _day(rng, start + dt.timedelta(days=60), r.finished_by)
        accepted = done + dt.timedelta(days=rng.randrange(10, 40))
        history.append({"date": done.isoformat(), "status": "completed", "note": "整改任务完成"})
        history.append({"date": accepted.isoformat(), "status": "accepted", "note": "组织验收通过"})
        if stage >= r.closed:
            return None
        history.append(_close_out(output, rng, task_id, notice, accepted))
        return dt.date.fromisoformat(str(history[-1]["date"]))
    if stage < 0.8:
        history.append({"date": _day(rng, start + dt.timedelta(days=30), dt.date(2026, 10, 1)).isoformat(),
                        "status": history[0]["status"], "note": "按计划推进", "on_schedule": rng.random() > 0.2})
    return None


def _close_out(output: Path, rng: random.Random, task_id: str, title: str, accepted: dt.date) -> dict[str, str | bool]:
    """Write the close-out notice of ``task_id`` (a notice period with no objection); its closing entry."""
    notice_id = f"N-{task_id}"
    pstart = accepted + dt.timedelta(days=3)
    pend = pstart + dt.timedelta(days=9)
    closed = pend + dt.timedelta(days=rng.randrange(3, 20))
    _dump(output / "announcements" / f"{notice_id}.yaml", {
        "id": notice_id, "title": title, "tasks": [task_id],
        "period": {"start": pstart.isoformat(), "end": pend.isoformat()},
        "summary": "整改任务已完成并通过验收，现予公示。",
        "acceptance": {"unit": "省生态环境厅", "date": accepted.isoformat(), "opinion": "同意通过验收"},
        "outcome": {"decided_on": closed.isoformat(), "result": "no_objection", "note": "公示期内未收到异议。"},
    })
    return {"date": closed.isoformat(), "status": "closed", "note": "公示期满无异议，予以销号", "announcement": notice_id}


def _write_complaints(output: Path, rng: random.Random, count: int, counties: Counties) -> dict[str, int]:
    """complaints/<round>/1.yaml …: each round's share of ``count`` in batches of BATCH_SIZE, each from one
    province (taking turns), forwarded during the round's stay; a few repeat a complaint of an earlier round
    from the same county. Return how many complaints, repeats and batches."""
    province_codes = list(counties)
    provinces = len(province_codes)
    seq: dict[tuple[str, str, str], int] = {}  # (round digit, province abbreviation, day received) → numbered so far
    earlier: dict[str, list[tuple[str, County]]] = {p: [] for p in province_codes}  # earlier rounds' (ref, county)
    batches = repeats = 0
    for r, share in zip(ROUNDS, _split(count, [r.complaint_share for r in ROUNDS])):
        count_batches = -(-share // BATCH_SIZE)
        per_province = -(-count_batches // provinces)
        span = (r.stay[1] - r.stay[0]).days
        mine: dict[str, list[tuple[str, County]]] = {p: [] for p in province_codes}
        for b in range(1, count_batches + 1):
            p = (b - 1) % provinces
            pcode = province_codes[p]
            forwarded = r.stay[0] + dt.timedelta(days=1 + (b - 1) // provinces * (span - 1) // per_province)
            items = []
            for _ in range(min(BATCH_SIZE, share - (b - 1) * BATCH_SIZE)):
                repeated = rng.choice(earlier[pcode]) if earlier[pcode] and rng.random() < REPEAT_SHARE else None
                county = repeated[1] if repeated else rng.choice(counties[pcode])
                item = _complaint(rng, r, county, _abbr(p), forwarded, seq)
                if repeated:
                    item["summary"] = f"{item['summary']}（与{repeated[0]}案件重复）"
                    item["repeats"] = [repeated[0]]
                    repeats += 1
                mine[pcode].append((str(item["ref"]), county))
                items.append(item)
            _dump(output / "complaints" / r.id / f"{b}.yaml",
                  {"batch": b, "forwarded_on": forwarded.isoformat(), "complaints": items})
        for pcode in province_codes:
            earlier[pcode].extend(mine[pcode])
        batches += count_batches
    return {"complaints": count, "repeats": repeats, "batches": batches}


def _complaint(rng: random.Random, r: Round, county: County, abbr: str, forwarded: dt.date,
               seq: dict[tuple[str, str, str], int]) -> dict[str, object]:
    """One complaint from ``county`` of a batch of round ``r`` forwarded on ``forwarded``; its ref numbers it
    within its round, province and day received (``seq``), as real refs do (D2AB202104050001)."""
    kcode, kname = county
    received = max(r.stay[0], forwarded - dt.timedelta(days=rng.randrange(1, 4)))
    channel = rng.choices(["phone", "letter", "online"], [70, 20, 10])[0]
    key = (r.digit, abbr, received.isoformat())
    seq[key] = seq.get(key, 0) + 1
    ref = f"{'DXW'[['phone', 'letter', 'online'].index(channel)]}{r.digit}{abbr}{received:%Y%m%d}{seq[key]:04d}"
    substantiated = rng.choices(["属实", "基本属实", "部分属实", "不属实"], [45, 10, 15, 30])[0]
    status = rng.choices(["done", "partly_done", "handling"], [85, 10, 5])[0]
    place, problem = rng.choice(PLACES), rng.choice(PROBLEMS)
    item: dict[str, object] = {
        "ref": ref, "channel": channel, "region": kcode,
        "types": sorted(set(rng.choices(TYPES, TYPE_WEIGHTS, k=rng.choice([1, 1, 2])))),
        "summary": f"{kname}某镇{place}{problem}，周边居民长期受影响。",
        "findings": f"经查，{'反映情况属实' if substantiated != '不属实' else '反映情况不属实'}。",
        "substantiated": substantiated,
        "handling": "责令整改，立案处罚。" if substantiated != "不属实" else "向举报人做好解释工作。",
        "status": status,
    }
    if status != "done" and rng.random() < 0.6:
        item["updates"] = [{"date": (forwarded + dt.timedelta(days=rng.randrange(30, 400))).isoformat(),
                            "status": "done", "note": "整改完成，已办结"}]
    return item
