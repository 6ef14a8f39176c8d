"""Issue 7, crash safety: a build killed at any moment (SIGKILL, the whole process group, as when a
machine runs out of memory) leaves the previous output/ intact, and the next build succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, SAMPLE, build, tree_digest


def test_killed_builds_leave_the_previous_site(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert build(SAMPLE, output, "2026-11-01").code == 0
    before = tree_digest(output)
    # the site the killed builds were making (a later data date, so it differs from the published one)
    reference = tmp_path / "reference"
    assert build(SAMPLE, reference, "2026-11-02").code == 0
    after = tree_digest(reference)
    assert after != before

    command = [sys.executable, "-m", "generator", "build", "--content", str(SAMPLE), "--output", str(output),
               "--as-of", "2026-11-02"]
    killed_while_running = kept_previous = 0
    for delay in (0.15, 0.6, 1.1, 1.6, 2.2):
        proc = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        running = proc.poll() is None
        if running:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = tree_digest(output)
        if running:
            killed_while_running += 1
            # either the old site, or (killed after the atomic swap) the complete new one: never a mixture
            assert now in (before, after), f"output/ is neither complete site after a kill at {delay} s"
            kept_previous += now == before
            if now == after:
                assert build(SAMPLE, output, "2026-11-01").code == 0  # back to the old site for the next kill
                before = tree_digest(output)
        else:
            assert now == after
            break
    assert killed_while_running >= 2 and kept_previous >= 2

    result = build(SAMPLE, output, "2026-11-02")
    assert result.code == 0, result.err
    assert tree_digest(output) == after
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.spare", ".output.state", ".reference.state", "output", "reference"]  # no temporary folders left
