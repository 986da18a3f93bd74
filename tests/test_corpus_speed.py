"""The parallel path of a corpus audit does no avoidable work per document (issue 16's
throughput target): a worker holds its next task while it runs one, so it never waits for the
parent writing reports; a task's time bound counts from when its worker starts it; a task held
behind a long one goes to a worker that ran out of work; reports are trusted by their hashes
(no fsync per file); one scratch folder per worker thread, not one per document.

The task functions below run in spawned workers, which import this module by name: its
top-level imports stay light.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def nap(task):
    """``("nap", seconds, label)``: sleep, then return the label; ``"hang"`` never ends."""
    if task == "hang":
        time.sleep(600)
    _, seconds, label = task
    time.sleep(seconds)
    return label


def pid_of(task):
    time.sleep(task)
    return os.getpid()


def _run(pool, tasks, consume=0.0):
    """(index, ok, value, seconds since the start) as the pool yields them; *consume*:
    seconds the caller spends on each result (the parent writing a report)."""
    t0 = time.monotonic()
    got = []
    for index, ok, value in pool.run(iter(tasks), len(tasks)):
        got.append((index, ok, value, time.monotonic() - t0))
        time.sleep(consume)
    return got


def test_a_worker_never_waits_for_the_parent_between_tasks():
    """Tasks of 0.4 s, a caller spending 0.4 s on each result: with the next task held by
    the worker, the caller's time overlaps the worker's (about 6 × 0.4 s, not 6 × 0.8 s)."""
    from symderiv.corpus.pool import LocalPool
    tasks = [("nap", 0.4, str(i)) for i in range(6)]
    pool = LocalPool(nap, jobs=1, timeout=30)
    got = _run(pool, tasks, consume=0.4)
    assert [g[2] for g in got] == [str(i) for i in range(6)] and all(g[1] for g in got)
    # from the first result to the last: 5 tasks; in turns they would take 5 × 0.8 = 4 s
    span = got[-1][3] - got[0][3]
    assert span < 3.4, span


def test_the_bound_counts_from_the_start_of_each_task():
    """Two tasks of 1.5 s held at once by one worker under a 2.5 s bound both succeed (the
    second was sent at once but started 1.5 s later); a task that hangs is stopped and the
    task held behind it runs on the new worker."""
    from symderiv.corpus.pool import LocalPool
    got = _run(LocalPool(nap, jobs=1, timeout=2.5), [("nap", 1.5, "a"), ("nap", 1.5, "b")])
    assert [(g[1], g[2]) for g in got] == [(True, "a"), (True, "b")]
    got = _run(LocalPool(nap, jobs=1, timeout=2), ["hang", ("nap", 0, "after")])
    by_index = {g[0]: g for g in got}
    assert not by_index[0][1] and "time budget of 2 s" in by_index[0][2]
    assert by_index[1][1:3] == (True, "after")


def test_a_task_held_behind_a_long_one_moves_to_an_idle_worker():
    """Two workers; the first to start holds the long task and the next one; the other
    worker, once out of work, takes that next task back instead of idling."""
    from symderiv.corpus.pool import LocalPool
    tasks = [("nap", 6.0, "long"), ("nap", 0.1, "a"), ("nap", 0.1, "b"), ("nap", 0.1, "c")]
    got = _run(LocalPool(nap, jobs=2, timeout=60), tasks)
    order = [g[2] for g in got]
    assert sorted(order) == ["a", "b", "c", "long"] and all(g[1] for g in got)
    assert order[-1] == "long", order           # nothing waited for the long task


def test_a_task_taken_back_goes_to_the_idle_worker():
    """The worker holding the fewest tasks gets the next one: a task taken back from a busy
    worker never goes back to it (it would be taken back again, and again)."""
    from collections import deque
    from symderiv.corpus.pool import LocalPool, _Queue

    class Conn:
        def __init__(self):
            self.sent = []

        def send(self, msg):
            self.sent.append(msg)

    class Slot:
        def __init__(self, held):
            self.ready, self.conn, self.sent = True, Conn(), deque(held)

    pool = LocalPool(nap, jobs=2, timeout=30)
    busy, idle = Slot([(0, "long")]), Slot([])
    pool.slots = [busy, idle]
    pool._fill(_Queue([(1, "x")]))
    assert idle.conn.sent == [("task", 1, "x")] and busy.conn.sent == []
    pool._fill(_Queue([(2, "y"), (3, "z"), (4, "w")]))      # then in turns, up to DEPTH
    assert [m[1] for m in idle.conn.sent] == [1, 3] and [m[1] for m in busy.conn.sent] == [2]


def test_held_tasks_of_a_worker_that_dies_run_elsewhere():
    from corpus_gen import flaky_task
    from symderiv.corpus.pool import LocalPool
    tasks = ["crash", "a", "b", "c"]
    got = {i: (ok, v) for i, ok, v in LocalPool(flaky_task, jobs=1, timeout=30).run(
        iter(tasks), len(tasks))}
    assert not got[0][0] and "died (exit code 3)" in got[0][1]
    assert [got[i] for i in (1, 2, 3)] == [(True, "A"), (True, "B"), (True, "C")]


def test_both_workers_take_tasks():
    from symderiv.corpus.pool import LocalPool
    got = _run(LocalPool(pid_of, jobs=2, timeout=30), [0.3] * 8)
    assert len({g[2] for g in got}) == 2


# -- the reports' store ----------------------------------------------------------------
def _outcome(name):
    return {"document": name, "records": [{"id": "f1", "verdict": "proved"}], "error": None,
            "md": "# Audit of `a.md`\n", "cacheable": True}


def test_a_report_that_is_not_the_one_its_key_was_written_for_is_not_current(tmp_path):
    from symderiv.corpus.store import Store
    store = Store(tmp_path / "out")
    store.save("sub/a.md", "k1", _outcome("a.md"))
    assert store.current("sub/a.md", "k1")["records"] == _outcome("a.md")["records"]
    assert store.current("sub/a.md", "k2") is None
    report = tmp_path / "out" / "sub" / "a.md.audit.json"
    whole = report.read_bytes()
    report.write_bytes(whole[: len(whole) // 2])         # cut short (a crash of the machine)
    assert store.current("sub/a.md", "k1") is None
    report.write_bytes(whole)
    assert store.current("sub/a.md", "k1") is not None
    (tmp_path / "out" / "sub" / "a.md.audit.md").write_text("")   # lost
    assert store.current("sub/a.md", "k1") is None
    key = json.loads((tmp_path / "out" / "sub" / "a.md.audit.key").read_text())
    assert set(key) == {"document", "key", "error", "json", "md"}


def test_saving_reports_does_not_sync_each_file(tmp_path, monkeypatch):
    """fsync costs ~4 ms a file here (three per document: more than auditing a short note);
    a report lost in a crash of the machine is caught by its hash instead."""
    from symderiv.corpus.store import Store
    calls = []
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd))
    store = Store(tmp_path)
    for n in range(5):
        store.save(f"d{n}.md", "k", _outcome(f"d{n}.md"))
    assert calls == [] and all(store.current(f"d{n}.md", "k") for n in range(5))


# -- the task's scratch folder ---------------------------------------------------------
def test_one_scratch_folder_per_worker_removed_when_it_exits(tmp_path):
    """Two documents audited in one process use one private folder, empty between them,
    and gone once the process has exited."""
    script = (
        "import json, os, sys, tempfile\n"
        "tempfile.tempdir = sys.argv[1]\n"
        "from symderiv.corpus.task import audit_task, make_task\n"
        "seen = []\n"
        "for n, text in enumerate([b'$x = 1$', b'$y = 2$']):\n"
        "    out = audit_task(make_task(f'/d/n{n}.md', text, {'given': [], 'where': [],"
        " 'timeout': 30}))\n"
        "    assert out['error'] is None, out\n"
        "    seen.append(sorted(os.listdir(sys.argv[1])))\n"
        "    assert all(os.listdir(os.path.join(sys.argv[1], d)) == [] for d in seen[-1])\n"
        "print(json.dumps(seen))\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.run([sys.executable, "-c", script, str(scratch)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SYMDERIV_INPROCESS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout)
    assert len(seen[0]) == 1 and seen[0] == seen[1] and seen[0][0].startswith("symderiv-doc-")
    assert list(scratch.iterdir()) == []


# -- the parent does little per document ----------------------------------------------
def test_the_parent_spends_little_time_per_document(tmp_path):
    """The parent of --jobs 2 (finding, reading, hashing, writing reports, printing) uses
    a few milliseconds of CPU per document; the audits are the workers'."""
    from corpus_gen import write_corpus
    write_corpus(tmp_path / "docs", 40)
    out = tmp_path / "out"
    code = (
        "import contextlib, io, resource, sys\n"
        "from symderiv.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['audit', sys.argv[1], '--format', 'jsonl', '--jobs', '2', '--out',"
        " sys.argv[2]])\n"
        "r = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(r.ru_utime + r.ru_stime)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "docs"), str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(out.rglob("*.audit.key"))) == 40
    parent = float(proc.stdout.split()[-1])
    assert parent < 0.4 + 40 * 0.01, parent


def test_links_inside_out_never_lead_out(tmp_path):
    """Each folder is checked once (not each file): a folder link leading out of OUT is
    refused; a report that is a link is never read through, and writing replaces the link
    itself, never its target."""
    from symderiv.corpus.store import Store
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)
    store = Store(out)
    with pytest.raises(OSError, match="outside"):
        store.save("sub/a.md", "k", _outcome("a.md"))
    assert list(elsewhere.iterdir()) == []
    target = elsewhere / "secret.json"
    target.write_text("[]")
    store.save("b.md", "k", _outcome("b.md"))
    (out / "b.md.audit.json").unlink()
    (out / "b.md.audit.json").symlink_to(target)
    assert store.current("b.md", "k") is None
    store.save("b.md", "k", _outcome("b.md"))
    assert target.read_text() == "[]" and not (out / "b.md.audit.json").is_symlink()
    assert store.current("b.md", "k") is not None
