"""Incremental builds: the same bytes as a clean full build, and unchanged files are not rewritten."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from conftest import MINI, REPO, ROUNDS, SAMPLE, build, edit, tree_digest

from generator.render import hant


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_one_status_change_rewrites_only_what_changed(mini: Path, tmp_path: Path) -> None:
    (mini / "site.yaml").write_text((mini / "site.yaml").read_text(encoding="utf-8") + "site_url: https://example.org/\n",
                                    encoding="utf-8")
    output = tmp_path / "output"
    assert build(mini, output).code == 0
    before, times = tree_digest(output), stamps(output)
    os.utime(output / "index.html", ns=(1, 1))  # so a rewrite could not keep the old time by chance
    times["index.html"] = 1

    _append(mini / "tasks" / "T-2.yaml", "  - {date: 2026-10-20, status: completed, note: 整改完成}\n")
    result = build(mini, output)
    assert result.code == 0, result.err
    after = tree_digest(output)
    clean = tmp_path / "clean"
    assert build(mini, clean).code == 0
    assert after == tree_digest(clean)  # byte-identical to a clean full build

    changed = {name for name in after if before.get(name) != after[name]}
    assert {"tasks/T-2/index.html", "feeds/tasks/T-2.atom.xml", "feeds/all.atom.xml"} <= changed
    assert "complaints/X2CS202105100002/index.html" not in changed  # not linked to T-2
    new_times = stamps(output)
    for name, digest in after.items():
        if name in before and before[name] == digest:
            assert new_times[name] == times[name], f"{name} was rewritten although its bytes did not change"


def test_adding_a_batch_matches_a_clean_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    output = tmp_path / "output"
    assert build(content, output).code == 0
    old = tree_digest(output)
    last = max(content.glob("complaints/r2/*.yaml"), key=lambda p: int(p.stem))  # round 2's last batch
    text = last.read_text(encoding="utf-8")
    number = int(last.stem) + 1
    batch = text.replace(f"batch: {last.stem}", f"batch: {number}", 1)
    batch = batch.replace("ref: D2JC", "ref: D2JQ").replace("ref: X2JC", "ref: X2JQ").replace("ref: W2JC", "ref: W2JQ")
    (last.parent / f"{number}.yaml").write_text(batch, encoding="utf-8")
    assert build(content, output).code == 0
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    new = tree_digest(output)
    assert new == tree_digest(clean)
    added = [name for name in new if name not in old]
    assert any(name.startswith("complaints/D2JQ") for name in added)
    old_pages = [name for name in old if name.startswith("complaints/D2JC") and name.endswith("/index.html")]
    assert old_pages and all(new[name] == old[name] for name in old_pages)  # other complaints' pages untouched


def test_parallel_workers_give_the_same_bytes(tmp_path: Path) -> None:
    serial = tmp_path / "serial"
    assert build(MINI, serial).code == 0
    forked = tmp_path / "forked"
    env = dict(os.environ, PORTAL_WORKERS="2", PORTAL_PARALLEL_MIN="1", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(MINI), "--output", str(forked),
                           "--as-of", "2026-11-01"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert tree_digest(forked) == tree_digest(serial)


def test_a_template_error_in_a_worker_fails_the_build(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    page = theme / "templates" / "complaint.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}{{ nope.x.y }}", 1),
                    encoding="utf-8")
    settings = tmp_path / "conf.py"
    settings.write_text(f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *\nTHEME = {str(theme)!r}\n",
                        encoding="utf-8")
    env = dict(os.environ, PORTAL_WORKERS="2", PORTAL_PARALLEL_MIN="1", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(MINI), "--output",
                           str(tmp_path / "out"), "--as-of", "2026-11-01", "--settings", str(settings)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1 and "主题模板出错" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_only_the_search_shards_that_changed_are_indexed_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PORTAL_SEARCH_SHARD_MAX", "100")  # the sample: an overview shard and a shard per city
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    output = tmp_path / "output"
    first = build(content, output)
    assert first.code == 0, first.err
    shards = sum(1 for d in (output / "pagefind").iterdir() if d.is_dir())
    assert shards > 2 and f"shards_indexed {shards}, shards_reused 0" in first.out
    before, times = tree_digest(output), stamps(output)

    # one complaint in 溪口县 (南溪市) changes: only 南溪市's shard is indexed again
    path = content / "complaints" / "r2" / "1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("反映问题不属实。", "反映问题不属实（复核）。", 1), encoding="utf-8")
    result = build(content, output)
    assert result.code == 0, result.err
    assert f"shards_indexed 1, shards_reused {shards - 1}" in result.out
    after = tree_digest(output)
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    assert after == tree_digest(clean)
    changed = {name.split("/")[1] for name in after if name.startswith("pagefind/") and before.get(name) != after[name]}
    assert changed == {"r-990400", "shards.json"}, changed
    new_times = stamps(output)
    assert all(new_times[name] == times[name] for name in after if name.startswith("pagefind/r-990100/"))

    again = build(content, output)  # nothing changed: no shard is indexed, and nothing is rewritten
    assert again.code == 0, again.err
    assert f"shards_indexed 0, shards_reused {shards}" in again.out
    assert tree_digest(output) == after and stamps(output) == new_times


def test_rebuild_after_rebuild_matches_clean_builds_and_removes_what_is_gone(tmp_path: Path) -> None:
    """From the second rebuild on, the new site is assembled in the spare (the site before the published
    one): it must still equal a clean build, drop files of removed items, and leave unchanged files alone."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    output = tmp_path / "output"
    batch = content / "complaints" / "r2" / "1.yaml"
    original = batch.read_text(encoding="utf-8")
    steps = [
        ("a complaint's text changes", original.replace("反映问题不属实。", "反映问题不属实（复核）。", 1)),
        ("another change", original.replace("油漆味刺鼻。", "油漆味刺鼻，夜间尤甚。", 1)),
        ("a complaint is withdrawn from the batch", _without_first_complaint(original)),
        ("back to the original", original),
    ]
    assert build(content, output).code == 0
    for label, text in steps:
        before, inodes = tree_digest(output), {name: (output / name).stat().st_ino for name in tree_digest(output)}
        times = stamps(output)
        batch.write_text(text, encoding="utf-8")
        result = build(content, output)
        assert result.code == 0, (label, result.err)
        after = tree_digest(output)
        clean = tmp_path / f"clean-{len(label)}"
        assert build(content, clean).code == 0
        assert after == tree_digest(clean), label
        shutil.rmtree(clean)
        new_times = stamps(output)
        for name, digest in after.items():
            if before.get(name) == digest:
                assert new_times[name] == times[name], (label, name)
                assert (output / name).stat().st_ino == inodes[name], (label, name)  # the same file, not a copy
    gone = "complaints/D2JC202105070012/index.html"
    assert gone in after  # restored by the last step
    assert (tmp_path / ".output.spare").is_dir()


def _without_first_complaint(text: str) -> str:
    head, first = text.split("  - ref: ", 1)
    _, rest = first.split("\n  - ref: ", 1)
    return head + "  - ref: " + rest


def test_the_code_digest_covers_sub_packages_and_not_caches(tmp_path: Path) -> None:
    """Changed code in a sub-package is changed code (pages made by the old code are not reused);
    bytecode caches are not code. (Issue 15: modules move into sub-packages.)"""
    from generator.incremental import package_digest

    (tmp_path / "load").mkdir()
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "load" / "reader.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text("{}", encoding="utf-8")
    first = package_digest(tmp_path)
    (tmp_path / "load" / "__pycache__").mkdir()
    (tmp_path / "load" / "__pycache__" / "reader.cpython-311.pyc").write_bytes(b"\x00")
    assert package_digest(tmp_path) == first
    (tmp_path / "load" / "reader.py").write_text("X = 2\n", encoding="utf-8")
    second = package_digest(tmp_path)
    assert second != first
    (tmp_path / "labels.json").write_text('{"a": 1}', encoding="utf-8")
    third = package_digest(tmp_path)
    assert third not in (first, second)
    (tmp_path / "load" / "reader.py").rename(tmp_path / "reader.py")  # the same bytes in another place
    assert package_digest(tmp_path) != third


# -- the build state beside output/ (incremental.save_state): losing or damaging it costs time, never correctness


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def _rebuild_without_trustworthy_state(tmp_path: Path, spoil: str) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, "2026-11-01").code == 0
    assert build(MINI, output, "2026-11-01").code == 0  # a rebuild: there is a spare and a state for both sites
    state = tmp_path / ".output.state"
    assert sorted(p.suffix for p in state.iterdir() if p.is_file()) == [
        ".digests", ".files", ".files", ".id", ".id", ".links", ".links"]
    assert list((state / "load").iterdir())  # the models of the content files (load/cache.py)
    before, times, inodes = tree_digest(output), stamps(output), _inodes(output)
    if spoil == "deleted":
        shutil.rmtree(state)
    elif spoil == "corrupted":
        for path in state.rglob("*"):  # the sites' state and every kept model
            if path.is_file():
                path.write_bytes(b"\x00garbage\n" * 3)
    elif spoil == "replaced":  # output/ swapped for a copy of itself (cp -a): its state is no longer its own
        shutil.copytree(output, tmp_path / "copy", copy_function=shutil.copy2)
        shutil.rmtree(output)
        (tmp_path / "copy").rename(output)
        inodes = _inodes(output)
    result = build(MINI, output, "2026-11-01")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert tree_digest(output) == before  # the same content and date: the same site
    clean = tmp_path / "clean"
    assert build(MINI, clean, "2026-11-01").code == 0
    assert tree_digest(output) == tree_digest(clean)
    assert stamps(output) == times  # nothing rewritten: every file kept its time …
    assert _inodes(output) == inodes  # … and is the same file
    assert not list(output.rglob(".portal*"))
    # the state is whole again: the next rebuild reuses every page
    again = build(MINI, output, "2026-11-01")
    assert again.code == 0 and tree_digest(output) == before


def test_a_deleted_build_state_only_costs_time(tmp_path: Path) -> None:
    _rebuild_without_trustworthy_state(tmp_path, "deleted")


def test_a_corrupted_build_state_only_costs_time(tmp_path: Path) -> None:
    _rebuild_without_trustworthy_state(tmp_path, "corrupted")


def test_the_state_of_a_replaced_output_folder_is_not_trusted(tmp_path: Path) -> None:
    _rebuild_without_trustworthy_state(tmp_path, "replaced")


def test_kept_models_are_used_while_their_files_are_unchanged(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(MINI, content)
    assert build(content, output).code == 0
    kept = tmp_path / ".output.state" / "load"
    # one model per item file of the content: inspections, tasks, notices, complaint batches
    item_files = [p for folder in ("inspections", "tasks", "announcements", "complaints") for p in (content / folder).rglob("*.yaml")]
    first = {p.name: p.read_bytes() for p in kept.iterdir()}
    assert len(first) == len(item_files)
    _append(content / "tasks" / "T-2.yaml", "  - {date: 2026-10-20, status: completed, note: 整改完成}\n")
    assert build(content, output).code == 0
    second = {p.name: p.read_bytes() for p in kept.iterdir()}
    assert len(second) == len(first) and len(set(second) - set(first)) == 1  # only the changed file's entry is new
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    assert tree_digest(output) == tree_digest(clean)
    # a file with a problem is never kept; the build refuses it and publishes nothing new
    before = tree_digest(output)
    (content / "tasks" / "T-2.yaml").write_text("id: T-2\n", encoding="utf-8")
    assert build(content, output).code == 2
    assert tree_digest(output) == before


def test_compiled_templates_are_kept_and_a_broken_template_cache_only_costs_time(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(MINI, output, "2026-11-01").code == 0
    assert build(MINI, output, "2026-11-01").code == 0  # the first rebuild keeps the compiled templates
    cache = tmp_path / ".output.state" / "templates"
    theme = {p.name for p in (REPO / "theme" / "templates").glob("*.html")}
    kept = list(cache.iterdir())
    assert kept and len(kept) <= len(theme)
    before = tree_digest(output)
    for path in kept:  # damaged entries: compiled again, never a wrong page
        path.write_bytes(b"\x00garbage")
    result = build(MINI, output, "2026-11-02")
    assert result.code == 0 and "Traceback" not in result.err
    shutil.rmtree(cache)
    cache.write_text("not a folder\n", encoding="utf-8")  # nowhere to keep them: compiled every time
    result = build(MINI, output, "2026-11-01")
    assert result.code == 0 and "Traceback" not in result.err
    assert tree_digest(output) == before
    clean = tmp_path / "clean"
    assert build(MINI, clean, "2026-11-01").code == 0
    assert tree_digest(clean) == before


def test_forked_children_each_run_one_run_of_jobs_and_the_first_error_is_raised(tmp_path: Path) -> None:
    """Rendering in children that each take a run of consecutive jobs and exit (their copied memory freed with
    them): every job runs once, in runs of the given size, at most ``workers`` children at a time."""
    from generator import incremental

    def job(i: int) -> incremental.Job:
        def run() -> None:
            (tmp_path / f"{i}.txt").write_text(f"{os.getpid()} {os.getppid()}\n", encoding="utf-8")
        return incremental.Job((f"{i}.txt",), "", run)

    incremental._run_forked([job(i) for i in range(20)], workers=2, chunk=3)
    written = {int(p.stem): p.read_text(encoding="utf-8").split() for p in tmp_path.glob("*.txt")}
    assert sorted(written) == list(range(20))
    assert all(parent == str(os.getpid()) for _, parent in written.values())
    children = [written[i][0] for i in range(20)]
    assert len(set(children)) == 7  # 20 jobs in runs of 3: seven children
    assert all(len(set(children[k : k + 3])) == 1 for k in range(0, 20, 3))  # consecutive jobs share a child

    def failing() -> None:
        raise ValueError("模板出错")

    jobs = [job(i) for i in range(100, 104)] + [incremental.Job(("bad",), "", failing)] + [job(i) for i in range(104, 110)]
    try:
        incremental._run_forked(jobs, workers=1, chunk=2)
    except ValueError as exc:
        assert str(exc) == "模板出错"
    else:
        raise AssertionError("the child's error was not raised")
    later = {int(p.stem) for p in tmp_path.glob("1??.txt")}
    assert {100, 101, 102, 103} <= later and not later & set(range(106, 110))  # no run starts after an error


def test_work_beside_the_jobs_runs_in_a_child_only_for_a_rebuild_worth_it_that_fits_and_its_error_is_raised(tmp_path: Path) -> None:
    """incremental.Jobs.beside (the open data's tables and the manifest): in a forked child while queueing goes on
    when there is a published site, two workers, enough items and room in the memory budget for a copy of the
    parent; here and now otherwise; ``run`` waits for it and raises its error."""
    from generator import incremental

    published = tmp_path / "published"
    published.mkdir()

    def note(name: str) -> Callable[[], None]:
        def work() -> None:
            (tmp_path / name).write_text(f"{os.getpid()}\n", encoding="utf-8")
        return work

    used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # this process's peak so far, in bytes
    roomy = 4 * used
    cases = [("rebuild", published, 2, 10, roomy, True), ("cold", None, 2, 10, roomy, False),
             ("one worker", published, 1, 10, roomy, False), ("too small", published, 2, 9, roomy, False),
             ("a copy of this process would not fit", published, 2, 10, used, False)]
    for name, previous, workers, weight, budget, forked in cases:
        staged = tmp_path / f"staged-{name}"
        staged.mkdir()
        jobs = incremental.Jobs(staged, previous, workers=workers, parallel_min=10)
        jobs.beside(note(name), weight, budget)
        jobs.run()
        pid = int((tmp_path / name).read_text(encoding="utf-8"))
        assert (pid != os.getpid()) == forked, name

    def failing() -> None:
        raise ValueError("磁盘已满")

    staged = tmp_path / "staged-failing"
    staged.mkdir()
    jobs = incremental.Jobs(staged, published, workers=2, parallel_min=1)
    jobs.beside(failing, 1, roomy)  # forked: the error comes at run
    try:
        jobs.run()
    except ValueError as exc:
        assert str(exc) == "磁盘已满"
    else:
        raise AssertionError("the child's error was not raised")
    jobs = incremental.Jobs(staged, None, workers=2, parallel_min=1)
    try:
        jobs.beside(failing, 1)  # not forked: at once
    except ValueError as exc:
        assert str(exc) == "磁盘已满"
    else:
        raise AssertionError("the error was not raised")


def test_a_rebuild_that_writes_the_data_files_in_a_child_matches_a_clean_build_and_keeps_its_parts(tmp_path: Path) -> None:
    """A rebuild with two workers and PORTAL_PARALLEL_MIN=1 writes the open data's tables and the manifest in a child
    of their own (incremental.Jobs.beside): its site is what a clean build makes, and the part of the open data the
    child made again is kept for the next build (the parent, which removes the parts a build did not use, knows it)."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROUNDS, content)
    env = dict(os.environ, PORTAL_WORKERS="2", PORTAL_PARALLEL_MIN="1", PYTHONPATH=str(REPO))

    def forked_build() -> None:
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--output",
                               str(output), "--as-of", "2026-11-01"], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr

    forked_build()
    edit(content, "complaints/r3/1.yaml", "summary: 园区污水处理厂排口水质发黑。", "summary: 园区污水处理厂排口水质发黑发臭。")
    forked_build()
    assert build(content, tmp_path / "clean", "2026-11-01").code == 0
    assert tree_digest(output) == tree_digest(tmp_path / "clean")
    assert "排口水质发黑发臭" in (output / "data" / "complaints.csv").read_text(encoding="utf-8-sig")
    parts = tmp_path / ".output.state" / "parts"
    kept = _inodes(parts)
    assert len(kept) == 2  # a part per batch, the one made again by the child among them
    forked_build()
    assert _inodes(parts) == kept


def test_jobs_run_as_they_are_queued_and_a_reused_job_holds_nothing(tmp_path: Path) -> None:
    """No process holds every page's job (issue 18: peak memory): a job whose files are kept from the published
    site is decided when it is added and its closure dropped at once; pending jobs run, in forked children, as
    soon as a run of ``chunk`` is queued, while queueing goes on; the rest, the kept list and every digest at
    ``run``."""
    import gc
    import weakref

    from generator import incremental

    published, staged = tmp_path / "published", tmp_path / "staged"
    published.mkdir()
    staged.mkdir()
    (published / "old.txt").write_text("kept\n", encoding="utf-8")
    incremental.save_state(published, published, ["old.txt"], incremental.digests_text([incremental.job_key(["old.txt"], "d-old")]))
    incremental.begin_keeping(staged)
    jobs = incremental.Jobs(staged, published, workers=2, parallel_min=1, chunk=3)
    assert jobs.old == {incremental.job_key(["old.txt"], "d-old")}

    class Held:  # what a closure would hold: a page's views
        pass

    held = Held()
    ref = weakref.ref(held)

    def reused(h: Held = held) -> None:
        raise AssertionError("a kept job ran")

    jobs.add(["old.txt"], "d-old", reused)
    del held, reused
    gc.collect()
    assert ref() is None  # the kept job's closure, and what it held, are gone

    def job(i: int) -> None:
        def run() -> None:
            (staged / f"{i}.txt").write_text(f"{os.getppid()}\n", encoding="utf-8")
        jobs.add([f"{i}.txt"], f"d{i}", run)

    import time

    for i in range(2):
        job(i)
    time.sleep(0.5)
    assert not list(staged.glob("?.txt"))  # two queued: less than a run of three
    for i in range(2, 7):
        job(i)
    deadline = time.monotonic() + 30
    while len(list(staged.glob("?.txt"))) < 6 and time.monotonic() < deadline:  # two runs started, run() not called
        time.sleep(0.05)
    assert sorted(p.name for p in staged.glob("?.txt")) == [f"{i}.txt" for i in range(6)]
    assert not (staged / "6.txt").exists()  # the seventh waits for a run, or for run()
    report = jobs.run()
    assert (staged / "6.txt").is_file()
    assert all(p.read_text(encoding="utf-8").strip() == str(os.getpid()) for p in staged.glob("?.txt"))  # forked
    assert (report.ran, report.reused, report.workers) == (7, 1, 2)
    assert incremental.kept(staged) == {"old.txt"}
    digests = incremental.read_digests(staged / incremental.MANIFEST)
    assert digests == {incremental.job_key([name], digest)
                       for name, digest in [("old.txt", "d-old"), *((f"{i}.txt", f"d{i}") for i in range(7))]}


def test_a_childs_run_of_jobs_is_cut_by_weight(tmp_path: Path) -> None:
    """A child copies what it touches of the parent's memory, so a run holds jobs up to ``chunk`` in weight (a
    listing page weighs the items it lists): two jobs of weight 5 fill a run of 10 and start at once; eight
    more of weight 1 do not, until ``run``."""
    import time

    from generator import incremental

    staged = tmp_path / "staged"
    staged.mkdir()
    jobs = incremental.Jobs(staged, None, workers=2, parallel_min=1, chunk=10)

    def job(name: str, weight: int) -> None:
        def run() -> None:
            (staged / name).write_text(f"{os.getpid()}\n", encoding="utf-8")
        jobs.add([name], "", run, weight)

    job("heavy-1", 5)
    assert not list(staged.iterdir())  # weight 5: less than a run
    job("heavy-2", 5)
    deadline = time.monotonic() + 30
    while len(list(staged.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in staged.iterdir()) == ["heavy-1", "heavy-2"]  # two jobs made a run of 10
    for i in range(8):
        job(f"light-{i}", 1)
    time.sleep(0.5)
    assert sorted(p.name for p in staged.iterdir()) == ["heavy-1", "heavy-2"]  # weight 8 waits for run()
    report = jobs.run()
    assert report.ran == 10
    assert len(list(staged.iterdir())) == 10
    children = [int(p.read_text(encoding="utf-8")) for p in staged.iterdir()]
    assert os.getpid() not in children
    assert (staged / "heavy-1").read_text() == (staged / "heavy-2").read_text()  # one child ran both


def test_an_error_while_queueing_waits_for_the_children_already_rendering(tmp_path: Path) -> None:
    """When queueing fails after children have started (a template error in the parent, say), ``abandon`` waits for
    them to end and runs nothing more: no child is left writing into a build that has failed."""
    import time

    from generator import incremental

    jobs = incremental.Jobs(tmp_path, None, workers=2, parallel_min=1, chunk=2)

    def job(i: int) -> None:
        def run() -> None:
            time.sleep(0.3)
            (tmp_path / f"{i}.txt").write_text("done\n", encoding="utf-8")
        jobs.add([f"{i}.txt"], "", run)

    for i in range(5):  # two runs of two started, the fifth queued
        job(i)
    jobs.abandon()
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == ["0.txt", "1.txt", "2.txt", "3.txt"]  # all ended
    time.sleep(0.5)
    assert not (tmp_path / "4.txt").exists()  # never run


def test_task_notice_and_region_pages_follow_every_change_of_what_they_show(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A task's, a notice's and a region's page carry a digest of what they show, and much of that lives in other
    items: a linked complaint, a document, a later task that takes the problem up again, the inspection that
    raised it, a region's name, a notice whose period begins. After each such change the rebuild equals a clean
    build and the page shows the change; with nothing changed, none of those pages is rendered again."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROUNDS, content)
    first = build(content, output)
    assert first.code == 0, first.err
    steps = [  # (what changes, the file and its edit, a page that must show it, what it shows)
        ("a linked complaint's summary", "complaints/1.yaml", "某厂夜间生产噪声扰民", "某厂夜间生产噪声严重扰民",
         "tasks/T-1", "某厂夜间生产噪声严重扰民"),
        ("a document's title", "documents.yaml", "关于第1项整改任务验收意见的函", "关于第1项整改任务验收意见的复函",
         "announcements/N-1", "关于第1项整改任务验收意见的复函"),
        ("the title of a later task that takes the problem up again", "tasks/R3-1.yaml",
         "title: 甲市某垃圾填埋场渗滤液问题整改不彻底", "title: 甲市某垃圾填埋场渗滤液问题反弹", "tasks/T-1", "渗滤液问题反弹"),
        ("the later inspection's title", "inspections/r3.yaml", "title: 第三轮中央生态环境保护督察",
         "title: 第三轮中央生态环境保护督察（测试）", "tasks/T-1", "第三轮中央生态环境保护督察（测试）"),
        ("a region's name", "regions.yaml", "name: 甲市东区", "name: 甲市东城区", "regions/990100", "甲市东城区"),
        ("a later task's status", "tasks/R3-1.yaml", "status: in_progress, note: 重新制定方案",
         "status: completed, note: 重新制定方案", "regions/990102", "已完成"),
    ]
    for label, file, old, new, page, shown in steps:
        before = (output / page / "index.html").read_text(encoding="utf-8")
        edit(content, file, old, new)
        result = build(content, output)
        assert result.code == 0, (label, result.err)
        clean = tmp_path / "clean"
        assert build(content, clean).code == 0
        assert tree_digest(output) == tree_digest(clean), label
        shutil.rmtree(clean)
        after = (output / page / "index.html").read_text(encoding="utf-8")
        assert after != before and shown in after, label
    # a notice whose period begins the next day: its page and its task's move from 即将开始 to 公示中 that day
    (content / "announcements" / "N-2.yaml").write_text(
        "id: N-2\ntitle: 邻省第三轮督察反馈问题第1项整改任务完成情况公示\ntasks: [R3-2]\n"
        "period: {start: 2026-11-02, end: 2026-11-10}\nacceptance: {unit: 邻省生态环境厅, date: 2026-10-20, opinion: 同意验收}\n",
        encoding="utf-8")
    upcoming = build(content, output, "2026-11-01")
    assert upcoming.code == 0, upcoming.err
    before = {page: (output / page / "index.html").read_text(encoding="utf-8") for page in ("announcements/N-2", "tasks/R3-2")}
    assert build(content, output, "2026-11-02").code == 0
    for page, text in before.items():
        assert (output / page / "index.html").read_text(encoding="utf-8") != text, page
    clean = tmp_path / "clean"
    assert build(content, clean, "2026-11-02").code == 0
    assert tree_digest(output) == tree_digest(clean)
    # nothing changed: no page of a task, a notice or a region is rendered again (each page rendered is also
    # written in 繁體 by hant.write_page, which this spies on; the build runs in this process)
    rendered: list[str] = []
    real = hant.write_page
    monkeypatch.setattr(hant, "write_page", lambda root, page, *rest: (rendered.append(page), real(root, page, *rest))[1])
    again = build(content, output, "2026-11-02")
    assert again.code == 0, again.err
    assert "index.html" in rendered  # the home page carries the data date: always rendered
    items = [f"tasks/{path.stem}/index.html" for path in (content / "tasks").glob("*.yaml")]
    items += [f"announcements/{path.stem}/index.html" for path in (content / "announcements").glob("*.yaml")]
    items += [f"regions/{r['code']}/index.html" for r in yaml.safe_load((content / "regions.yaml").read_text(encoding="utf-8"))]
    assert len(items) == 4 + 2 + 6 and all((output / page).is_file() for page in items)
    assert sorted(set(rendered) & set(items)) == []


def test_a_published_file_deleted_by_something_else_is_made_again(tmp_path: Path) -> None:
    """A rebuild trusts the build state's digests instead of a ``stat`` per file. A published file deleted by hand
    is found while the new site is assembled (each kept file is linked from the published one): the build is made
    again without reusing the published site, with a warning, and equals a clean build; so do the builds after."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(MINI, content)
    assert build(content, output).code == 0
    _append(content / "tasks" / "T-2.yaml", "  - {date: 2026-10-20, status: completed, note: 整改完成}\n")
    assert build(content, output).code == 0  # the first rebuild: T-2's page is new, the rest linked
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    expected = tree_digest(clean)
    for name in ("complaints/X2CS202105100002/index.html", "tasks/T-2/index.html", "data/tasks/T-1.json"):
        (output / name).unlink()
        result = build(content, output)
        assert result.code == 0, result.err
        assert "Traceback" not in result.err
        assert f"已发布的网站中缺少文件 {name}" in result.err, result.err
        assert tree_digest(output) == expected, name
        again = build(content, output)  # and the state is whole again
        assert again.code == 0 and "缺少文件" not in again.err and tree_digest(output) == expected, name


def test_publishing_looks_only_at_the_kept_files_of_folders_that_changed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A rebuild does not ``stat`` every kept file (1.3 million at national size): in a folder whose change time has
    not moved since the last assembly (no file added, removed or replaced in it), the spare's files are still hard
    links to the published ones. It looks at the kept files at the root, and in the folders the last build changed
    (their times may be racy) and their parents; the site is still what a clean build makes, and a file deleted
    by hand from a folder is still found (test_a_published_file_deleted_by_something_else_is_made_again)."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(MINI, content)
    for _ in range(2):  # the first build, then the first rebuild, which links the spare and reads every folder's time
        assert build(content, output).code == 0
    _append(content / "tasks" / "T-2.yaml", "  - {date: 2026-10-20, status: completed, note: 整改完成}\n")
    before = _inodes(output)
    assert build(content, output).code == 0  # assembled in the spare, whose folders' times were kept
    after = _inodes(output)
    rewritten = {name for name, ino in after.items() if before.get(name) != ino}
    assert "tasks/T-2/index.html" in rewritten
    changed: set[str] = set()
    for name in rewritten:
        folder = os.path.dirname(name)
        while folder:
            changed.add(folder)
            folder = os.path.dirname(folder)
    looked: list[str] = []
    real = os.path.samefile

    def spy(a, b):  # type: ignore[no-untyped-def]
        if str(a).startswith(f"{output.resolve()}/"):  # publishing's (Pelican compares static files too)
            looked.append(os.path.relpath(a, output.resolve()))
        return real(a, b)

    monkeypatch.setattr(os.path, "samefile", spy)
    result = build(content, output)  # nothing changed since: the kept files are all this build has
    monkeypatch.undo()
    assert result.code == 0, result.err
    may = {name for name in after if os.path.dirname(name) in changed or "/" not in name}
    assert set(looked) <= may, sorted(set(looked) - may)[:5]
    unlooked = set(after) - may  # the unchanged tasks', complaints', regions' … folders: none of their files looked at
    assert len(unlooked) > len(after) / 3 and "complaints/X2CS202105100002/index.html" in unlooked, (len(unlooked), len(after))
    clean = tmp_path / "clean"
    assert build(content, clean).code == 0
    assert tree_digest(output) == tree_digest(clean)
    assert _inodes(output) == after  # and nothing was rewritten


def test_the_complaints_share_of_the_data_files_is_kept_batch_by_batch(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The complaints' rows of the open data tables, their link rows and the hashes of their own files and manifest
    records are kept per batch (opendata.ComplaintParts): a rebuild makes again only the batches whose complaints
    show something else (their file, or a region's name they show), a damaged part only costs time, and the
    output is always what a clean build makes."""
    from generator.render import opendata

    made: list[str] = []
    real = opendata.ComplaintParts._make

    def spy(self, run):  # type: ignore[no-untyped-def]
        made.append(run[0].batch.inspection or "-")
        return real(self, run)

    monkeypatch.setattr(opendata.ComplaintParts, "_make", spy)
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROUNDS, content)
    _append(content / "site.yaml", "site_url: https://example.org/\n")  # feeds too: a complaint's shows its summary
    parts = tmp_path / ".output.state" / "parts"

    def rebuild_matches_a_clean_build(name: str) -> dict[str, int]:
        made.clear()
        result = build(content, output)
        assert result.code == 0, result.err
        kept = _inodes(parts)
        seen = list(made)
        assert build(content, tmp_path / name).code == 0  # its parts are its own (.<name>.state)
        made[:] = seen
        assert tree_digest(output) == tree_digest(tmp_path / name)
        return kept

    first = rebuild_matches_a_clean_build("clean1")
    assert sorted(made) == ["r2", "r3"] and len(first) == 2  # one part per batch
    # a complaint of round 3's batch changed (one that no other complaint's page shows): only its part is made
    # again; round 2's is the same file
    edit(content, "complaints/r3/1.yaml", "summary: 园区污水处理厂排口水质发黑。", "summary: 园区污水处理厂排口水质发黑发臭。")
    feed = output / "feeds" / "complaints" / "D3CS202506010002.atom.xml"
    assert "排口水质发黑。" in feed.read_text(encoding="utf-8")
    second = rebuild_matches_a_clean_build("clean2")
    assert made == ["r3"] and "排口水质发黑发臭" in feed.read_text(encoding="utf-8")
    assert len(set(second.items()) & set(first.items())) == 1 and len(second) == 2
    # a region renamed in regions.yaml: the complaints that show it (round 2's batch) are made again
    shown = (output / "data" / "complaints.csv").read_text(encoding="utf-8-sig")
    assert "甲市东区" in shown
    edit(content, "regions.yaml", "name: 甲市东区", "name: 甲市东城区")
    rebuild_matches_a_clean_build("clean3")
    assert "r2" in made
    assert "甲市东城区" in (output / "data" / "complaints.csv").read_text(encoding="utf-8-sig")
    # every part damaged in one byte of its value: each is made again, and the site does not change
    before = tree_digest(output)
    for path in parts.iterdir():
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        path.write_bytes(bytes(raw))
    third = rebuild_matches_a_clean_build("clean4")
    assert sorted(made) == ["r2", "r3"] and tree_digest(output) == before
    made.clear()
    assert build(content, output).code == 0 and made == [] and _inodes(parts) == third  # whole again: all kept


def test_the_personal_data_scan_skips_only_the_files_it_found_clean_under_the_same_contacts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An item file (task, batch, notice) found without personal data is not scanned again while its bytes, the
    publisher's contact values and the code are the same (check/pii.py, ``run_scan``): a changed file is scanned,
    and so is an unchanged one when a number it holds stops being the publisher's own."""
    from generator.check import pii

    scanned: list[str] = []
    real = pii.find

    def spy(text: str, allowed: frozenset[str] = frozenset()) -> list[pii.Match]:
        scanned.append(text)
        return real(text, allowed)

    monkeypatch.setattr(pii, "find", spy)
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROUNDS, content)
    summary = "园区污水处理厂排口水质发黑。"  # a complaint of complaints/r3/1.yaml
    assert build(content, output).code == 0 and summary in scanned
    marks = tmp_path / ".output.state" / "pii"
    item_files = [p for folder in ("inspections", "tasks", "announcements", "complaints")
                  for p in (content / folder).rglob("*.yaml")]
    assert len(list(marks.iterdir())) == len(item_files)  # every item file found clean
    scanned.clear()
    assert build(content, output).code == 0
    assert summary not in scanned and "测试整改公开（多轮测试数据）" in scanned  # the site's own fields: every time
    # the publisher's own number in a complaint: allowed, so the changed file is scanned and found clean
    with_number = "园区污水处理厂排口水质发黑，可拨打0999-12345678反映。"
    edit(content, "complaints/r3/1.yaml", summary, with_number)
    scanned.clear()
    assert build(content, output).code == 0 and with_number in scanned
    scanned.clear()
    assert build(content, output).code == 0 and with_number not in scanned
    # the number is no longer the publisher's: the unchanged batch file is scanned again, and refused
    before = tree_digest(output)
    edit(content, "site.yaml", "phone: 0999-12345678", "phone: 0999-87654321")
    result = build(content, output)
    assert result.code == 2 and "complaints/r3/1.yaml" in result.err and "12345678" not in result.err
    assert tree_digest(output) == before


def test_the_search_plan_keeps_each_batchs_documents_by_its_file_and_what_else_they_show(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The complaints' part of the search plan is kept per batch (pagefind.planned): with the kept part or
    without, the plan is the same, through a change of a batch file, of a region's name and of a round's label."""
    import datetime as dt

    from generator import pipeline
    from generator.incremental import KeptValues
    from generator.index import pagefind, whoosh_index

    made: list[str] = []
    real = whoosh_index.complaint_doc

    def spy(portal, c, rounds):  # type: ignore[no-untyped-def]
        made.append(c.complaint.ref)
        return real(portal, c, rounds)

    monkeypatch.setattr(pagefind, "complaint_doc", spy)
    content, state = tmp_path / "content", tmp_path / "state"
    shutil.copytree(ROUNDS, content)
    refs = {"r2": ["D2CS202105110001", "X2CS202105100002"], "r3": ["D3CS202506010001", "D3CS202506010002"]}

    def plans() -> tuple[list[pagefind.Shard], list[pagefind.Shard]]:
        portal = pipeline.prepare(content, dt.date(2026, 11, 1), state)
        made.clear()
        kept = pagefind.plan(portal, 2, KeptValues(state / "search-plan"))
        seen = sorted(made)
        fresh = pagefind.plan(portal, 2)
        made[:] = seen
        return kept, fresh

    kept, fresh = plans()
    assert kept == fresh and len(kept) > 1 and made == sorted(refs["r2"] + refs["r3"])
    assert plans() == (fresh, fresh) and made == []  # nothing changed: every batch's documents kept
    edit(content, "complaints/r3/1.yaml", "summary: 园区污水处理厂排口水质发黑。", "summary: 园区污水处理厂排口水质发黑发臭。")
    kept, fresh = plans()
    assert kept == fresh and made == refs["r3"]  # only the changed batch's documents made again
    for file, old, new in (("regions.yaml", "name: 甲市东区", "name: 甲市东城区"),
                           ("inspections/r3.yaml", "short: 第三轮", "short: 第三轮督察")):
        before = fresh
        edit(content, file, old, new)
        kept, fresh = plans()
        assert kept == fresh != before  # what the documents show changed, and the kept plan follows
