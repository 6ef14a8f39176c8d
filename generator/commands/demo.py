"""Synthetic content at any scale, for benchmarks and scale tests: `portal demo-data`.

Deterministic for a given (tasks, complaints, provinces, seed): the same arguments always write
byte-identical files. Everything is fictional (region codes start at 11, names are made up) and
site.yaml says so. Distributions follow the real ones: most complaints 已办结, about 70% 属实 or
部分属实/基本属实, 200 complaints per batch, tasks with deadlines spread over 2021–2027, some
standing (长期坚持), histories that go planned → in_progress → completed → accepted → closed with
a close-out notice, some overdue, some reopened.
"""

from __future__ import annotations

import datetime as dt
import random
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
Counties = dict[str, list[tuple[str, str]]]  # province code → [(county code, county name)]


def write(output: Path, tasks: int, complaints: int, seed: int = 1, provinces: int = 0) -> dict[str, int]:
    """Write a content folder into ``output`` (which must not exist or be empty); return counts."""
    if tasks < 1 or complaints < 0:
        raise UsageError("--tasks 至少为 1，--complaints 至少为 0")
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise UsageError(f"--output: {output} 已存在且不是空的；示例数据只写入新的（或空的）文件夹")
    rng = random.Random(seed)
    regions, counties = _regions(rng, provinces or (1 if complaints <= 50_000 else 31))
    _write_site(output, seed, regions)
    closed = _write_tasks(output, rng, tasks, counties)
    batches = _write_complaints(output, rng, complaints, counties)
    return {"regions": len(regions), "tasks": tasks, "complaints": complaints, "batches": batches,
            "announcements": closed, "closed": closed}  # every task closed has its close-out notice


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
    """site.yaml (which says the data is fictional), regions.yaml and documents.yaml (the plan)."""
    _dump(output / "site.yaml", {
        "title": "整改公开（规模测试数据）",
        "publisher": "规模测试（虚构数据）",
        "inspection": "第二轮中央生态环境保护督察",
        "site_url": "https://scale.example.org/",
        "plan": {"title": "贯彻落实督察报告整改方案（虚构）", "approved_on": "2021-10-20", "document": "plan"},
        "contact": {"phone": "0999-12345678", "email": "zhenggai@example.org", "address": "示例路1号"},
        "sample": True,
        "description": f"由 portal demo-data 生成的虚构数据（seed {seed}），用于测试门户在大规模数据下的表现。",
    })
    _dump(output / "regions.yaml", regions)
    _dump(output / "documents.yaml", [{"id": "plan", "number": "虚构〔2021〕1号", "title": "贯彻落实督察报告整改方案（虚构）",
                                       "issuer": "规模测试", "issued_on": "2021-10-20"}])


def _write_tasks(output: Path, rng: random.Random, count: int, counties: Counties) -> int:
    """tasks/T00001.yaml …, the provinces taking turns, each in one of its counties; return how many
    were closed (each with its close-out notice in announcements/)."""
    province_codes = list(counties)
    closed = 0
    for i in range(1, count + 1):
        kcode, kname = rng.choice(counties[province_codes[(i - 1) % len(province_codes)]])
        deadline = STANDING if rng.random() < 0.12 else _day(rng, dt.date(2021, 12, 31), dt.date(2027, 12, 31)).isoformat()
        start = _day(rng, dt.date(2021, 11, 1), dt.date(2022, 6, 30))
        history: list[dict[str, str | bool]] = [
            {"date": start.isoformat(), "status": "ongoing" if deadline == STANDING else "in_progress",
             "note": "已制定实施方案"}]
        task = _task(rng, i, kcode, kname, deadline, history)
        closed += _advance(output, rng, i, deadline, start, history)
        _dump(output / "tasks" / f"{task['id']}.yaml", task)
    return closed


def _task(rng: random.Random, i: int, kcode: str, kname: str, deadline: str,
          history: list[dict[str, str | bool]]) -> dict[str, object]:
    """Task number ``i`` in county ``kcode`` (its title and problem drawn at random)."""
    return {"id": f"T{i:05d}", "number": i, "title": f"{kname}{rng.choice(TASK_TOPICS)}",
            "problem": f"督察发现，{kname}{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，群众反映强烈。",
            "deadline": deadline, "regions": [kcode], "responsible_units": [f"{kname}人民政府"],
            "target": "按期完成整改，达到相关标准要求", "measures": ["制定整改方案", "落实整改措施", "组织验收"],
            "supervising_units": ["省生态环境厅"], "acceptance_unit": "省生态环境厅", "history": history}


def _advance(output: Path, rng: random.Random, i: int, deadline: str, start: dt.date,
             history: list[dict[str, str | bool]]) -> bool:
    """Add to ``history`` how far the task got: completed and accepted (55% of those with a date; most
    of them then closed after a notice), else a progress report (most of the rest); True when closed."""
    stage = rng.random()
    if deadline != STANDING and stage < 0.55:
        done = _day(rng, start + dt.timedelta(days=60), dt.date(2026, 6, 30))
        accepted = done + dt.timedelta(days=rng.randrange(10, 40))
        history.append({"date": done.isoformat(), "status": "completed", "note": "整改任务完成"})
        history.append({"date": accepted.isoformat(), "status": "accepted", "note": "组织验收通过"})
        if stage >= 0.45:
            return False
        history.append(_close_out(output, rng, i, accepted))
        return True
    if stage < 0.8:
        history.append({"date": _day(rng, start + dt.timedelta(days=30), dt.date(2026, 10, 1)).isoformat(),
                        "status": history[0]["status"], "note": "按计划推进", "on_schedule": rng.random() > 0.2})
    return False


def _close_out(output: Path, rng: random.Random, i: int, accepted: dt.date) -> dict[str, str | bool]:
    """Write the close-out notice of task ``i`` (a notice period with no objection); its closing entry."""
    notice_id = f"N{i:05d}"
    pstart = accepted + dt.timedelta(days=3)
    pend = pstart + dt.timedelta(days=9)
    closed = pend + dt.timedelta(days=rng.randrange(3, 20))
    _dump(output / "announcements" / f"{notice_id}.yaml", {
        "id": notice_id, "title": f"第{i}项整改任务完成情况公示", "tasks": [f"T{i:05d}"],
        "period": {"start": pstart.isoformat(), "end": pend.isoformat()},
        "summary": "整改任务已完成并通过验收，现予公示。",
        "acceptance": {"unit": "省生态环境厅", "date": accepted.isoformat(), "opinion": "同意通过验收"},
        "outcome": {"decided_on": closed.isoformat(), "result": "no_objection", "note": "公示期内未收到异议。"},
    })
    return {"date": closed.isoformat(), "status": "closed", "note": "公示期满无异议，予以销号", "announcement": notice_id}


def _write_complaints(output: Path, rng: random.Random, count: int, counties: Counties) -> int:
    """complaints/1.yaml …: batches of BATCH_SIZE, each from one province (taking turns); return how many."""
    province_codes = list(counties)
    provinces = len(province_codes)
    batches = -(-count // BATCH_SIZE)
    seq: dict[tuple[str, str], int] = {}  # (province abbreviation, date received) → complaints so far
    for b in range(1, batches + 1):
        abbr = chr(ord("A") + (b - 1) % provinces // 26) + chr(ord("A") + (b - 1) % provinces % 26)
        forwarded = dt.date(2021, 4, 7) + dt.timedelta(days=(b - 1) // provinces % 120)
        places = counties[province_codes[(b - 1) % provinces]]
        items = [_complaint(rng, places, abbr, forwarded, seq) for _ in range(min(BATCH_SIZE, count - (b - 1) * BATCH_SIZE))]
        _dump(output / "complaints" / f"{b}.yaml", {"batch": b, "forwarded_on": forwarded.isoformat(), "complaints": items})
    return batches


def _complaint(rng: random.Random, places: list[tuple[str, str]], abbr: str, forwarded: dt.date,
               seq: dict[tuple[str, str], int]) -> dict[str, object]:
    """One complaint of a batch forwarded on ``forwarded``, from one of ``places`` (counties); its ref
    numbers it within its province and day (``seq``), as real refs do (D2AB202104050001)."""
    kcode, kname = rng.choice(places)
    received = forwarded - dt.timedelta(days=rng.randrange(1, 4))
    channel = rng.choices(["phone", "letter", "online"], [70, 20, 10])[0]
    key = (abbr, received.isoformat())
    seq[key] = seq.get(key, 0) + 1
    ref = f"{'DXW'[['phone', 'letter', 'online'].index(channel)]}2{abbr}{received:%Y%m%d}{seq[key]:04d}"
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
