"""Write the bundled sample content (content/) of the Rectification Portal from the data in tools/sample/.

The province 江川省 (code 990000) and everything in it is fictional. Its prose and tables are data files in
tools/sample/ (tools/sample/README.md says which file holds what); this expander arranges them in the content format,
version 2 (docs/content-format.md: three inspections, r1 to r3, each with its plan, tasks and complaint batches),
computes what follows from them (checksums, the texts of notices, the figures of reports) and draws the generated
complaints of each round with a seeded random generator of its own. The same data gives byte-identical files;
tests/test_sample.py regenerates content/ and compares. The result is checked by the portal's own load and check
stages (``load_and_check``, as ``portal check --as-of 2026-11-01`` does).

    .venv/bin/python tools/make_sample.py                  # rewrite content/, then check it
    .venv/bin/python tools/make_sample.py --content DIR    # write the sample into DIR instead, then check it
    .venv/bin/python tools/make_sample.py --check          # only check the existing content/ (or --content DIR)

Exit status: 0 no problem, 2 the portal found problems in the written content, 1 a mistake in tools/sample/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError
from generator.markup import cn_date
from generator.models import Content
from generator.pipeline import load_and_check

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DATA = Path(__file__).resolve().parent / "sample"
AS_OF = dt.date(2026, 11, 1)  # the date the sample is checked (and shown in README's examples) as of

Data = dict[str, Any]


class SampleError(Exception):
    """A mistake in the data files of tools/sample/."""


# ---------------------------------------------------------------------------------------------------------------------
# YAML output: readable, Chinese unescaped, codes double-quoted, short lists in flow style, multi-line text as blocks.
# ---------------------------------------------------------------------------------------------------------------------
class Code(str):
    """A region code: always written double-quoted ("990100")."""


class Flow(list[Any]):
    """A short list written in flow style: [a, b]."""


class FlowMap(dict[str, Any]):
    """A small mapping written in flow style: {a: 1, b: 2}."""


class Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # indent "- " under keys
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def _code(dumper: yaml.SafeDumper, code: Code) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(code), style='"')


def _flow(dumper: yaml.SafeDumper, items: Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(items), flow_style=True)


def _flow_map(dumper: yaml.SafeDumper, mapping: FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(mapping), flow_style=True)


Dumper.add_representer(str, _text)
Dumper.add_representer(Code, _code)
Dumper.add_representer(Flow, _flow)
Dumper.add_representer(FlowMap, _flow_map)


def dump(obj: Any) -> str:
    return yaml.dump(obj, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=False)


def codes(values: Sequence[str]) -> Flow:
    return Flow(Code(c) for c in values)


# ---------------------------------------------------------------------------------------------------------------------
# Reading the data files
# ---------------------------------------------------------------------------------------------------------------------
def read_data(folder: Path, name: str) -> Any:
    """The parsed YAML file <folder>/<name>."""
    try:
        return yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SampleError(f"{name}: 无法读取：{exc}") from None


def fields(item: Data, keys: Sequence[str], where: str) -> Data:
    """``item`` with its keys in the order of ``keys``; a key not in ``keys`` is a mistake (a misspelt field)."""
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise SampleError(f"{where}: 未知字段 {', '.join(unknown)}；可用的字段：{', '.join(keys)}")
    return {key: item[key] for key in keys if key in item}


class Regions:
    """regions.yaml: codes, names and parents, in file order."""

    def __init__(self, items: list[Data]) -> None:
        self.items = [fields(r, ("code", "name", "parent"), f"regions.yaml: {r.get('code')}") for r in items]
        self.name: dict[str, str] = {r["code"]: r["name"] for r in self.items}
        self.parent: dict[str, str | None] = {r["code"]: r.get("parent") for r in self.items}
        self.province: str = next(r["code"] for r in self.items if not r.get("parent"))

    def short_name(self, code: str) -> str:
        """江川市河口县 -> 河口县; 江川市 -> 江川市."""
        parent = self.parent[code]
        if parent and parent != self.province:
            return self.name[code][len(self.name[parent]):]
        return self.name[code]

    def city(self, code: str) -> str:
        parent = self.parent[code]
        return code if parent == self.province else str(parent)

    def cities(self) -> list[str]:
        return [r["code"] for r in self.items if r.get("parent") == self.province]

    def below_province(self) -> list[str]:
        return [r["code"] for r in self.items if r.get("parent")]

    def yaml(self) -> str:
        out = []
        for r in self.items:
            region: Data = {"code": Code(r["code"]), "name": r["name"]}
            if r.get("parent"):
                region["parent"] = Code(r["parent"])
            out.append(region)
        return dump(out)


# ---------------------------------------------------------------------------------------------------------------------
# Inspections (督察): the rounds, earliest first
# ---------------------------------------------------------------------------------------------------------------------
INSPECTION_FIELDS = ("id", "kind", "title", "short", "team", "stay", "feedback_on", "description", "plans",
                     "task_prefix")
PLAN_FIELDS = ("id", "region", "title", "approved_on", "document")


def build_inspection(raw: Data) -> Data:
    """One inspection of inspections.yaml, as content/inspections/<id>.yaml has it (without task_prefix)."""
    where = f"inspections.yaml: {raw.get('id')}"
    i = fields(raw, INSPECTION_FIELDS, where)
    if "task_prefix" not in i:
        raise SampleError(f"{where}: 缺少 task_prefix（任务编号的前缀，例如 R3）")
    out = {key: i[key] for key in INSPECTION_FIELDS[:-1] if key in i}
    if "stay" in out:
        out["stay"] = FlowMap(start=out["stay"]["start"], end=out["stay"]["end"])
    plans = []
    for plan in i.get("plans", []):
        p = fields(plan, PLAN_FIELDS, f"{where} plans")
        if "region" in p:
            p["region"] = Code(p["region"])
        plans.append(p)
    out["plans"] = plans
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------------------------------------------------
TASK_FIELDS = ("number", "title", "regions", "deadline", "follows", "problem", "target", "measures", "responsible_units",
               "supervising_units", "acceptance_unit", "history")
ENTRY_FIELDS = ("date", "status", "note", "on_schedule", "documents", "announcement", "correction",
                "closeout_exception")


def paragraphs(text: str) -> str:
    """Markdown from line-broken source text: the lines of one paragraph are joined (a soft line break between
    Chinese characters would render as a space); list items stay one per line."""
    out = []
    for block in text.strip("\n").split("\n\n"):
        lines = [ln.strip() for ln in block.splitlines()]
        out.append("\n".join(lines) if any(ln.startswith("- ") for ln in lines) else "".join(lines))
    return "\n\n".join(out) + "\n"


def build_task(raw: Data, inspection: Data) -> Data:
    """One task of tasks-<inspection>.yaml, as content/tasks/<id>.yaml has it."""
    where = f"tasks-{inspection['id']}.yaml: 第{raw.get('number')}项"
    t = fields(raw, TASK_FIELDS, where)
    history = []
    for entry in t["history"]:
        e = fields(entry, ENTRY_FIELDS, f"{where} {entry.get('date')}")
        if "documents" in e:
            e["documents"] = Flow(e["documents"])
        history.append(e)
    task: Data = {
        "id": f"{inspection['task_prefix']}-{t['number']:02d}",
        "inspection": inspection["id"],
        "number": t["number"],
        "title": t["title"],
        "problem": paragraphs(t["problem"]),
        "target": t["target"],
        "measures": list(t["measures"]),
        "responsible_units": list(t["responsible_units"]),
        "supervising_units": list(t["supervising_units"]),
        "acceptance_unit": t["acceptance_unit"],
        "regions": codes(t["regions"]),
        "deadline": t["deadline"],
    }
    if t.get("follows"):
        task["follows"] = Flow(t["follows"])
    task["history"] = history
    return task


def last_entry(task: Data, status: str, until: dt.date | None = None) -> Data | None:
    found = None
    for e in task["history"]:
        if e["status"] == status and (until is None or e["date"] <= until):
            found = e
    return found


def state_on(task: Data, day: dt.date) -> Data | None:
    """The task's last history entry on or before ``day``."""
    entries = [e for e in task["history"] if e["date"] <= day]
    return entries[-1] if entries else None


def deadline_text(deadline: dt.date | str) -> str:
    return deadline.isoformat() if isinstance(deadline, dt.date) else deadline


# ---------------------------------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------------------------------
DOCUMENT_FIELDS = ("id", "number", "title", "issuer", "issued_on", "file", "round", "lines", "per_task")


def make_pdf(lines: list[str]) -> bytes:
    """A tiny valid one-page PDF with ASCII text (no dates: deterministic)."""
    def esc(t: str) -> str:
        return t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "72 760 Td", "16 TL"]
    ops += [f"({esc(ln)}) Tj T*" for ln in lines]
    ops.append("ET")
    stream = ("\n".join(ops) + "\n").encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
         b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def document_file(doc: Data, tasks: list[Data]) -> bytes:
    """The file of a document: its ``lines``, then its ``per_task`` lines for every task of ``tasks``; PDF or UTF-8
    text."""
    lines = list(doc.get("lines", []))
    for t in tasks:
        values = {"number": t["number"], "title": t["title"], "target": t["target"],
                  "responsible_units": "、".join(t["responsible_units"]), "deadline": deadline_text(t["deadline"])}
        lines += [line.format(**values) for line in doc.get("per_task", [])]
    if doc["file"].endswith(".pdf"):
        return make_pdf(lines)
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_documents(items: list[Data], tasks_of: dict[str, list[Data]]) -> tuple[list[Data], dict[str, bytes]]:
    """documents.yaml and the files under documents/ (with their sha256 in documents.yaml); ``per_task`` lines are
    for the tasks of the document's ``round`` (``tasks_of``: the tasks of each inspection, by its id)."""
    docs, files = [], {}
    for item in items:
        where = f"documents.yaml: {item.get('id')}"
        d = fields(item, DOCUMENT_FIELDS, where)
        doc = {key: d[key] for key in ("id", "number", "title", "issuer", "issued_on")}
        if d.get("per_task") and d.get("round") not in tasks_of:
            raise SampleError(f"{where}: 有 per_task 时须用 round 写明哪一轮督察的任务（可选：{'、'.join(tasks_of)}）")
        if "file" in d:
            files[d["file"]] = document_file(d, tasks_of.get(d.get("round", ""), []))
            doc["file"] = d["file"]
            doc["sha256"] = hashlib.sha256(files[d["file"]]).hexdigest()
        docs.append(doc)
    return docs, files


# ---------------------------------------------------------------------------------------------------------------------
# Announcements (close-out notices, 公示)
# ---------------------------------------------------------------------------------------------------------------------
NOTICE_FIELDS = ("id", "tasks", "period", "documents", "contact", "outcome")


def _only(values: set[Any], what: str, where: str) -> Any:
    if len(values) != 1:
        raise SampleError(f"{where}: 公示的各项任务须有同一个{what}，现有：{sorted(map(str, values))}")
    return values.pop()


def build_announcement(raw: Data, notices: Data, tasks_by_id: dict[str, Data], titles: dict[str, str]) -> Data:
    """One notice of announcements.yaml (``notices``: the whole file), as content/announcements/<id>.yaml has it;
    ``titles``: the title of each inspection, by its id."""
    where = f"announcements.yaml: {raw.get('id')}"
    templates = notices["templates"]
    n = fields(raw, NOTICE_FIELDS, where)
    start = n["period"]["start"]
    tasks = [tasks_by_id[tid] for tid in n["tasks"]]
    inspection = _only({t["inspection"] for t in tasks}, "督察轮次", where)
    accepted = [last_entry(t, "accepted", start) for t in tasks]
    if None in accepted:
        raise SampleError(f"{where}: 公示开始前，其中有任务尚未验收（accepted）")
    unit = _only({t["acceptance_unit"] for t in tasks}, "验收单位", where)
    accepted_on = _only({e["date"] for e in accepted if e}, "验收日期", where)
    parts = []
    for t in tasks:
        done = last_entry(t, "completed", start)
        if done is None:
            raise SampleError(f"{where}: 第{t['number']}项在公示开始前没有 completed 记录")
        parts.append(templates["task"].format(number=t["number"], title=t["title"], target=t["target"],
                                              done_note=done["note"], done_date=cn_date(done["date"])))
    parts.append(templates["closing"].format(unit=unit, rules=notices["rules"][inspection]))
    numbers = templates["number_separator"].join(templates["number"].format(number=t["number"]) for t in tasks)
    notice: Data = {
        "id": n["id"],
        "title": templates["title"].format(inspection=titles[inspection], numbers=numbers),
        "tasks": Flow(n["tasks"]),
        "period": FlowMap(start=start, end=n["period"]["end"]),
        "summary": "\n".join(parts),
        "acceptance": {"unit": unit, "date": accepted_on, "opinion": templates["opinion"]},
    }
    if n.get("documents"):
        notice["documents"] = Flow(n["documents"])
    if n.get("contact"):
        notice["contact"] = dict(n["contact"])
    if n.get("outcome"):
        outcome = n["outcome"]
        notice["outcome"] = {"decided_on": outcome["decided_on"], "result": outcome["result"],
                             "note": outcome.get("note", templates["no_objection"])}
    return notice


# ---------------------------------------------------------------------------------------------------------------------
# Complaints (群众信访举报), forwarded in batches during the inspection
# ---------------------------------------------------------------------------------------------------------------------
# The chances below shape the generated complaints. Changing any of them, or the order in which the generator draws,
# changes every complaint after the first change.
CHANNELS = (("phone", 0.62), ("letter", 0.95), ("online", 1.0))  # cumulative
EXTRA_SENTENCE = 0.25  # the citizen adds one of phrases.summary_extra
PRIORITY = 0.04  # a substantiated complaint is marked 重点关注
STATUSES, STATUS_WEIGHTS = ("done", "partly_done", "handling"), (0.72, 0.23, 0.05)
PENALISED, FINED, INTERVIEWED = 0.55, 0.75, 0.2
PERSONS, PERSON_WEIGHTS = (0, 1, 2, 3), (0.7, 0.15, 0.1, 0.05)
REFERRED = 0.35  # a complaint still being handled stays so (a criminal case) instead of a partial update
FOLLOW_UP = ((0.7, "done", (40, 600)), (0.85, "partly_done", (60, 400)))  # cumulative, for partly done ones
REVISIT, REVISIT_DAYS = 0.05, (150, 900)  # a "回头看" update of a done complaint
UNFOUNDED, MOSTLY = "不属实", "基本属实"
CASE_FIELDS = ("batch", "key", "region", "channel", "types", "summary", "findings", "substantiated", "handling", "tasks",
               "repeats", "status", "penalties", "updates")


class Complaints:
    """Makes the batches of complaints of one round from complaints-<inspection>.yaml (``config``: merged over the
    shared complaints.yaml) and complaint_kinds.yaml. ``keys`` maps the ``key`` of every hand-written case made so far
    (this round's and earlier rounds') to its 受理编号; the cases of this round are added to it."""

    def __init__(self, name: str, config: Data, kinds: list[Data], regions: Regions, tasks_by_id: dict[str, Data],
                 keys: dict[str, str]) -> None:
        self.name = name
        self.config = config
        self.phrases: Data = config["phrases"]
        self.kinds = kinds
        self.regions = regions
        self.tasks_by_id = tasks_by_id
        self.keys = keys
        self.rng = random.Random(config["seed"])
        self.sequence: dict[tuple[str, dt.date], int] = {}
        self.refs: set[str] = set()
        self.initial: dict[str, str] = {}  # the status of each complaint when its batch was first reported

    def new_ref(self, channel: str, forwarded: dt.date) -> str:
        """A fresh 受理编号, received 1-4 days before the batch was forwarded (not before the team arrived)."""
        earliest = max(self.config["on_site_from"], forwarded - dt.timedelta(days=4))
        receipt = earliest + dt.timedelta(days=self.rng.randint(0, max((forwarded - earliest).days - 1, 0)))
        key = (channel, receipt)
        first = self.rng.randint(1, 9)  # drawn even when the key is known, so that the sequence of draws stays
        self.sequence[key] = self.sequence.get(key, first) + self.rng.randint(1, 6)
        letter = self.config["channel_letters"][channel]
        ref: str = self.config["ref"].format(letter=letter, received=receipt, number=self.sequence[key])
        if ref in self.refs:
            raise SampleError(f"{self.name}: 受理编号 {ref} 重复")
        self.refs.add(ref)
        return ref

    def batches(self) -> list[Data]:
        out = []
        for batch in self.config["batches"]:
            forwarded = batch["forwarded_on"]
            items = [self.anchor(case, forwarded) for case in self.cases("anchors", batch["batch"])]
            items += [self.joint(case, forwarded) for case in self.cases("joint", batch["batch"])]
            items += [self.case(case, forwarded) for case in self.cases("cases", batch["batch"])]
            while len(items) < batch["count"]:
                items.append(self.draw(forwarded))
            items.sort(key=lambda c: str(c["ref"]))
            out.append({"batch": batch["batch"], "forwarded_on": forwarded, "complaints": items})
        return out

    def cases(self, key: str, batch: int) -> list[Data]:
        found = [fields(c, CASE_FIELDS, f"{self.name}: {key}") for c in self.config.get(key) or []]
        return [c for c in found if c["batch"] == batch]

    def hand_written(self, case: Data, c: Data) -> Data:
        """Remember the case's key; resolve its ``repeats`` (keys or 受理编号) and say so in its summary."""
        if "key" in case:
            if case["key"] in self.keys:
                raise SampleError(f"{self.name}: key {case['key']} 重复")
            self.keys[case["key"]] = c["ref"]
        if case.get("repeats"):
            refs = [self.keys.get(r, r) for r in case["repeats"]]
            c["summary"] += self.phrases["repeat_note"].format(refs="、".join(refs))
            c["repeats"] = Flow(refs)
        return c

    def case(self, case: Data, forwarded: dt.date) -> Data:
        """A hand-written complaint of one region, with its own status (when its batch was reported) and updates."""
        ref = self.new_ref(case["channel"], forwarded)
        c: Data = {"ref": ref, "channel": case["channel"], "region": Code(case["region"]), "types": Flow(case["types"]),
                   "summary": case["summary"], "findings": case["findings"], "substantiated": case["substantiated"],
                   "handling": case["handling"]}
        if case.get("penalties"):
            c["penalties"] = FlowMap(case["penalties"])
        c["status"] = case["status"]
        if case.get("tasks"):
            c["tasks"] = Flow(case["tasks"])
        self.hand_written(case, c)
        self.initial[ref] = case["status"]
        if case.get("updates"):
            c["updates"] = [dict(u) for u in case["updates"]]
        return c

    def anchor(self, case: Data, forwarded: dt.date) -> Data:
        """A hand-written complaint that belongs to a task: done once the task is closed."""
        ref = self.new_ref(case["channel"], forwarded)
        c: Data = {"ref": ref, "channel": case["channel"], "region": Code(case["region"]), "priority": True,
                   "types": Flow(case["types"]), "summary": case["summary"], "findings": case["findings"],
                   "substantiated": case["substantiated"], "handling": case["handling"], "status": "partly_done",
                   "tasks": Flow(case["tasks"])}
        self.hand_written(case, c)
        c["updates"] = [{"date": forwarded + dt.timedelta(days=self.rng.randint(25, 50)), "status": "partly_done",
                         "note": self.phrases["anchor_progress"]}]
        task = self.tasks_by_id[case["tasks"][0]]
        if task["history"][-1]["status"] == "closed":
            c["updates"].append({"date": task["history"][-1]["date"], "status": "done",
                                 "note": self.phrases["anchor_closed"].format(number=task["number"])})
        self.initial[ref] = "partly_done"  # `status` stays the one when the batch was reported
        return c

    def joint(self, case: Data, forwarded: dt.date) -> Data:
        """A hand-written 合办件 of two regions, done when forwarded."""
        ref = self.new_ref(case["channel"], forwarded)
        self.initial[ref] = "done"
        return self.hand_written(case, {
            "ref": ref, "channel": case["channel"], "region": codes(case["region"]), "types": Flow(case["types"]),
            "summary": case["summary"], "findings": case["findings"], "substantiated": case["substantiated"],
            "handling": case["handling"], "status": "done"})

    def draw(self, forwarded: dt.date) -> Data:
        """One complaint drawn at random from the kinds."""
        rng = self.rng
        r = rng.random()
        channel = next(name for name, upto in CHANNELS if r < upto)
        ref = self.new_ref(channel, forwarded)
        kind = rng.choice(self.kinds)
        region = rng.choice(kind.get("only") or self.regions.below_province())
        s = self.regions.short_name(region)
        ent = rng.choice(kind["ents"])
        loc = rng.choice(kind["places"]).format(s=s)

        def fill(template: str) -> str:
            return template.format(s=s, loc=loc, ent=ent)

        summary = fill(rng.choice(kind["summaries"]))
        if rng.random() < EXTRA_SENTENCE:
            summary += rng.choice(self.phrases["summary_extra"])
        weights = kind.get("substantiated_weights", self.config["substantiated_weights"])
        substantiated = rng.choices(self.config["substantiated"], weights=weights)[0]
        findings = self.findings(kind, substantiated, fill, s)
        c: Data = {"ref": ref, "channel": channel, "region": Code(region)}
        if substantiated != UNFOUNDED and rng.random() < PRIORITY:
            c["priority"] = True
        c.update(types=Flow(kind["types"]), summary=summary, findings=findings, substantiated=substantiated)
        status = self.handle(c, kind, substantiated, fill, s)
        self.initial[ref] = status
        self.update(c, kind, status, forwarded, fill)
        return c

    def findings(self, kind: Data, substantiated: str, fill: Callable[[str], str], s: str) -> str:
        agency = self.rng.choice(self.phrases["agency"]).format(s=s)
        basic = self.rng.choice(self.phrases["basic"]) if substantiated == MOSTLY else ""
        return str(self.phrases["findings"][substantiated].format(
            agency=agency, basic=basic, fact=fill(kind["fact"]), partial=fill(kind["partial"]),
            negative=fill(kind["negative"])))

    def handle(self, c: Data, kind: Data, substantiated: str, fill: Callable[[str], str], s: str) -> str:
        """Set handling, accountability and penalties; return the status when the batch was reported."""
        rng = self.rng
        if substantiated == UNFOUNDED:
            c["handling"] = rng.choice(self.phrases["unfounded"]).format(who=self.phrases["who"][c["channel"]])
            return "done"
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        if status == "handling":
            handling = rng.choice(self.phrases["pending"])
        else:
            handling = fill(kind["fix"] if status == "done" else kind["fix_partly"]) + "。"
        accountability, penalties = "", None
        if kind.get("penalties", True) and rng.random() < PENALISED:
            fine = rng.choice(self.config["fines_wan_yuan"]) if rng.random() < FINED else 0.0
            persons = rng.choices(PERSONS, weights=PERSON_WEIGHTS)[0]
            interviews = 1 if rng.random() < INTERVIEWED else 0
            penalties = FlowMap(orders=1, fines_wan_yuan=fine, cases=1 if fine else 0, interviews=interviews,
                                accountable_persons=persons)
            if fine:
                handling += self.phrases["fine"].format(fine=f"{fine:g}")
            if persons:
                accountability = rng.choice(self.phrases["accountability"]).format(persons=persons, s=s)
            elif interviews:
                accountability = self.phrases["interview"].format(s=s)
        c["handling"] = handling
        if accountability:
            c["accountability"] = accountability
        if penalties is not None:
            c["penalties"] = penalties
        return status

    def update(self, c: Data, kind: Data, status: str, forwarded: dt.date, fill: Callable[[str], str]) -> None:
        """Set ``status`` (the status when the batch was reported, as the content format defines it) and the
        updates after the batch was reported."""
        c["status"] = status
        rng = self.rng
        updates = []
        day = forwarded
        if status == "handling" and rng.random() < REFERRED:
            pass  # referred to the police: no update yet, and the handling text stays the one drawn above
        elif status == "handling":
            day += dt.timedelta(days=rng.randint(20, 60))
            updates.append({"date": day, "status": "partly_done", "note": self.phrases["investigated"]})
            status = "partly_done"
        if status == "partly_done":
            r = rng.random()
            for upto, new_status, days in FOLLOW_UP:
                if r < upto:
                    day += dt.timedelta(days=rng.randint(*days))
                    note = self.phrases["followed_up"].format(follow=fill(kind["follow"])) if new_status == "done" \
                        else self.phrases["in_progress"]
                    updates.append({"date": day, "status": new_status, "note": note})
                    break
        elif rng.random() < REVISIT:
            day += dt.timedelta(days=rng.randint(*REVISIT_DAYS))
            updates.append({"date": day, "status": "done", "note": self.phrases["revisited"]})
        updates = [u for u in updates if u["date"] <= AS_OF]  # the later ones have not happened yet
        if updates:
            c["updates"] = updates

    def status_on(self, c: Data, day: dt.date) -> str:
        status = self.initial[c["ref"]]
        for u in c.get("updates", []):
            if u["date"] <= day:
                status = u["status"]
        return status


# ---------------------------------------------------------------------------------------------------------------------
# Reports: every number is computed from the tasks and complaints as of the report's date.
# ---------------------------------------------------------------------------------------------------------------------
DONE_STATES = {"completed", "accepted", "closed"}


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def build_report(report: Data, config: Data, template: str, round_: Round) -> str:
    """A report of reports.yaml: its figures are those of its round (``round_``) on its date; a complaint that repeats
    (重复件) another of the round is counted once."""
    day: dt.date = report["date"]
    tasks = round_.tasks
    states = [state_on(t, day) for t in tasks]
    due = [t for t in tasks if isinstance(t["deadline"], dt.date) and t["deadline"].year == report["year"]]
    due_done = [t for t in due if (state_on(t, day) or {}).get("status") in DONE_STATES]
    forwarded = [c for b in round_.batches if b["forwarded_on"] <= day for c in b["complaints"]]
    refs = {c["ref"] for c in forwarded}
    counted = [c for c in forwarded if not refs & set(c.get("repeats", []))]
    complaints = round_.complaints
    status_of = {c["ref"]: complaints.status_on(c, day) for c in counted} if complaints else {}
    done = sum(1 for s in status_of.values() if s == "done")
    paragraph = config["paragraph"].format(
        inspection=round_.inspection["title"],
        year=day.year, month=day.month, day=day.day, tasks=len(tasks), due=len(due), due_done=len(due_done),
        due_done_rate=_rate(len(due_done), len(due)), closed=sum(1 for e in states if e and e["status"] == "closed"),
        behind=sum(1 for e in states if e and e.get("on_schedule") is False and e["status"] not in DONE_STATES),
        complaints=len(status_of), done=done, partly_done=sum(1 for s in status_of.values() if s == "partly_done"),
        done_rate=_rate(done, len(status_of)))
    return template.format(title=report["title"], date=day.isoformat(), summary=paragraph.split("；")[0] + "。",
                           inspection=round_.id,
                           paragraph=paragraph, status_rows="\n".join(_status_rows(config, states)),
                           region_rows="\n".join(_region_rows(config, counted, round_.regions, status_of)),
                           next_steps=report["next_steps"].strip("\n"))


def _status_rows(config: Data, states: list[Data | None]) -> list[str]:
    """How many tasks are in each status (those with one), then how many have no entry yet (if any)."""
    rows = []
    for status, label in config["status_labels"].items():
        if count := sum(1 for e in states if e and e["status"] == status):
            rows.append(config["status_row"].format(label=label, count=count))
    if not_started := sum(1 for e in states if e is None):
        rows.append(config["status_row"].format(label=config["no_history"], count=not_started))
    return rows


def _region_rows(config: Data, complaints: list[Data], regions: Regions, status_of: dict[str, str]) -> list[str]:
    """Per city: complaints (a joint case counts for its first region), done, partly done."""
    rows = []
    for city in regions.cities():
        mine = [status_of[c["ref"]] for c in complaints
                if regions.city(c["region"] if isinstance(c["region"], str) else c["region"][0]) == city]
        rows.append(config["region_row"].format(region=regions.name[city], complaints=len(mine),
                                                done=mine.count("done"), partly_done=mine.count("partly_done")))
    return rows


# ---------------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------------
@dataclass
class Round:
    """One inspection of inspections.yaml (``raw``, with its task_prefix) with what the sample holds of it."""

    raw: Data
    inspection: Data  # as content/inspections/<id>.yaml has it
    regions: Regions
    tasks: list[Data] = field(default_factory=list)
    complaints: Complaints | None = None  # None: the round has no complaints-<id>.yaml
    batches: list[Data] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.raw["id"])


def sample_files(folder: Path = DATA) -> dict[str, bytes]:
    """Every file of the sample content folder made from the data in ``folder``, by its path relative to the folder."""
    try:
        return _sample_files(folder)
    except KeyError as exc:
        raise SampleError(f"缺少 {exc}（字段、任务编号或页面中的占位符）") from None


def _sample_files(folder: Path) -> dict[str, bytes]:
    def data(name: str) -> Any:
        return read_data(folder, name)

    site = data("site.yaml")
    regions = Regions(data("regions.yaml"))
    rounds = [Round(raw, build_inspection(raw), regions) for raw in data("inspections.yaml")]
    for r in rounds:
        r.tasks = [build_task(t, r.raw) for t in data(f"tasks-{r.id}.yaml")]
    tasks_by_id = {t["id"]: t for r in rounds for t in r.tasks}
    by_id = {r.id: r for r in rounds}
    docs, doc_files = build_documents(data("documents.yaml"), {r.id: r.tasks for r in rounds})
    notices = data("announcements.yaml")
    shared, kinds = data("complaints.yaml"), data("complaint_kinds.yaml")
    keys: dict[str, str] = {}  # the key of every hand-written complaint → its 受理编号, over all rounds
    for r in rounds:  # earliest first: a later round's complaints may repeat an earlier round's
        name = f"complaints-{r.id}.yaml"
        if (folder / name).is_file():
            r.complaints = Complaints(name, {**shared, **data(name)}, kinds, regions, tasks_by_id, keys)
            r.batches = r.complaints.batches()
    reports = data("reports.yaml")
    template = (folder / "report.md").read_text(encoding="utf-8")

    files: dict[str, str | bytes] = {"site.yaml": dump(site), "regions.yaml": regions.yaml(),
                                     "documents.yaml": dump(docs)}
    files.update({f"documents/{name}": body for name, body in doc_files.items()})
    files.update({f"inspections/{r.id}.yaml": dump(r.inspection) for r in rounds})
    files.update({f"tasks/{t['id']}.yaml": dump(t) for t in tasks_by_id.values()})
    titles = {r.id: r.inspection["title"] for r in rounds}
    for raw in notices["notices"]:
        notice = build_announcement(raw, notices, tasks_by_id, titles)
        files[f"announcements/{notice['id']}.yaml"] = dump(notice)
    files.update({f"complaints/{r.id}/{b['batch']}.yaml": dump(b) for r in rounds for b in r.batches})
    for report in reports["reports"]:
        if report.get("inspection") not in by_id:
            raise SampleError(f"reports.yaml: {report.get('file')}: inspection 须是 inspections.yaml 中的一次督察"
                              f"（可选：{'、'.join(by_id)}）")
        files[f"reports/{report['file']}"] = build_report(report, reports, template, by_id[report["inspection"]])
    values = {"notice_min_days": site["notice_min_days"], **site["contact"]}
    for page in sorted((folder / "pages").glob("*.md")):
        files[f"pages/{page.name}"] = page.read_text(encoding="utf-8").format(**values)
    return {name: body.encode("utf-8") if isinstance(body, str) else body for name, body in files.items()}


def expand(out: Path, folder: Path = DATA) -> None:
    """Write the sample content folder ``out`` from the data in ``folder``, replacing an earlier content folder
    (never another non-empty folder)."""
    files = sample_files(folder)
    if out.exists():
        if any(out.iterdir()) and not (out / "site.yaml").is_file():
            raise FileExistsError(f"--content {out}：不是内容文件夹（没有 site.yaml），不予覆盖")
        shutil.rmtree(out)
    for name, body in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def check(content_dir: Path) -> Content:
    """The portal's own load and check of a content folder as of AS_OF; raise ContentError with every problem."""
    return load_and_check(content_dir, AS_OF)


def summary(content: Content) -> str:
    by_status: dict[str, list[str]] = {}
    for t in content.tasks:
        if t.history:
            by_status.setdefault(t.history[-1].status, []).append(t.id)
    n_complaints = sum(len(b.complaints) for b in content.batches)
    lines = [f"tasks {len(content.tasks)}, complaints {n_complaints}"]
    for r in content.rounds:
        tasks = sum(1 for t in content.tasks if content.inspection_of(t) is r)
        complaints = sum(len(b.complaints) for b in content.batches if content.inspection_of(b) is r)
        lines.append(f"  {r.id} {r.label}: tasks {tasks}, complaints {complaints}")
    lines += [f"  {k}: {' '.join(v)}" for k, v in sorted(by_status.items())]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--content", type=Path, default=CONTENT, help="the content folder to write or check (content/)")
    ap.add_argument("--data", type=Path, default=DATA, help="the folder of the data files (tools/sample/)")
    ap.add_argument("--check", action="store_true", help="only check the existing content folder")
    args = ap.parse_args(argv)
    try:
        if not args.check:
            expand(args.content, args.data)
        content = check(args.content)
    except SampleError as exc:
        print(f"{args.data}: {exc}", file=sys.stderr)
        return 1
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 1
    except ContentError as exc:  # printed as `portal check` prints it
        print(exc.format(), file=sys.stderr)
        return exc.exit_code
    print(summary(content))
    return 0


if __name__ == "__main__":
    sys.exit(main())
