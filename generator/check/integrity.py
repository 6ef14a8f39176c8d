"""Integrity rules: the signs of faked rectification the source article names, as content errors.

Takes a loaded :class:`generator.models.Content` and the :class:`generator.errors.Problems` of the check;
:func:`check` adds the errors ``portal check`` reports and that stop the build with the other content
problems: a deadline earlier than the plan that set it (:meth:`Content.plan_of`: its inspection's plan), a
``reopened`` entry without a reason. (The other error findings live in :mod:`generator.check.rules`, which
also uses :func:`normalize_number` and :func:`document_differences` for the document register: one 文号
for two documents, a document dated after the entry that cites it, a step back from finished work without
``reopened`` (反弹), a correction without a reason.)

The public flags built on the derived portal (the groups of the 数据核查 page, 长期未更新, the corrections)
are :mod:`generator.derive.flags` and :mod:`generator.derive.state`.
"""

from __future__ import annotations

import re
import unicodedata

from generator.errors import Problems
from generator.models import DONE_STATUSES, Content, Document, Task

_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")", "【": "(", "】": ")",
                           "（": "(", "）": ")", "﹝": "(", "﹞": ")"})


def normalize_number(number: str) -> str:
    """A 文号 as compared: full-width forms folded (NFKC), every bracket style the same, no spaces.
    〔2021〕, [2021], （2021） and ［2021］ are the same year bracket in practice."""
    text = unicodedata.normalize("NFKC", number).translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def document_differences(a: Document, b: Document) -> list[str]:
    """The fields that differ between two documents registered under one 文号."""
    out = []
    if a.title.strip() != b.title.strip():
        out.append("title")
    if a.issuer.strip() != b.issuer.strip():
        out.append("issuer")
    if a.issued_on != b.issued_on:
        out.append("issued_on")
    if a.sha256.lower() != b.sha256.lower():
        out.append("sha256")
    return out


# -- errors ------------------------------------------------------------------------------------

def check(content: Content, problems: Problems) -> None:
    """Add the integrity errors of ``content`` that :mod:`generator.check.rules` does not already report."""
    documents = {d.id: d for d in content.documents}
    for task in content.tasks:
        _deadline_before_plan(task, content, documents, problems)
        _reopened_reason(task, problems)


def _deadline_before_plan(task: Task, content: Content, documents: dict[str, Document], problems: Problems) -> None:
    """The task's plan (its inspection's, :meth:`Content.plan_of`) cannot require work done before it existed."""
    deadline = task.due
    plan = content.plan_of(task)
    if deadline is None or plan is None:
        return
    if deadline < plan.approved_on:
        inspection = content.inspection_of(task)
        where = f"inspections/{inspection.id}.yaml 中方案的 approved_on" if content.inspections and inspection \
            else "plan.approved_on"
        problems.add(task.at("deadline"), "deadline",
                     f"整改时限 {deadline} 早于规定它的整改方案的批准日期（{plan.approved_on}）",
                     f"方案不能要求在它批准之前就完成整改；改正 deadline 或 {where}")
        return
    doc = documents.get(plan.document)
    if doc is not None and doc.issued_on and deadline < doc.issued_on:
        problems.add(task.at("deadline"), "deadline",
                     f"整改时限 {deadline} 早于整改方案文件 {doc.id}（{doc.number}，{doc.issued_on} 印发）",
                     "方案不能要求在它印发之前就完成整改；改正 deadline 或这份文件的 issued_on")


def _reopened_reason(task: Task, problems: Problems) -> None:
    """Finished work that comes back (反弹) is recorded as 'reopened' with the reason."""
    prev = ""
    for i, entry in enumerate(task.history):
        if entry.status == "reopened" and prev in DONE_STATUSES and not entry.note.strip() and not entry.correction.strip():
            problems.add(entry.at("status"), f"history[{i}].note",
                         f"'{prev}' 之后重新整改（反弹），却没有写明原因",
                         "在 'note:' 中写明原因，例如 note: 汛期后再次出现黑臭，问题反弹，重新整改")
        prev = entry.status
