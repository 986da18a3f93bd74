"""Corpus audits (issue 16, items 3-4; issue 17's folder rows): files, folders and globs; a
process pool; JSON Lines; per-document reports written atomically; --resume; failures listed
while the others go on; the same stream from --jobs 1, --jobs 2 and a Dask cluster."""
import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest

from corpus_gen import write_corpus
from symderiv.cli import main
from symderiv.corpus import find_documents
from symderiv.corpus import task as corpus_task
from symderiv.corpus.pool import LocalPool

ROOT = Path(__file__).resolve().parents[1]
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SUMMARY = re.compile(r"(\d+) documents: (\d+) audited, (\d+) current \(not audited again\), "
                     r"(\d+) not audited")


def _make_corpus(base: Path) -> Path:
    """4 generated notes (one per template), a binary file, a broken link, a link loop, a
    second name for a note, the output folder inside the input folder; an unreadable file
    unless running as root (root reads it anyway)."""
    docs = base / "docs"
    write_corpus(docs, 4)
    (docs / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (docs / "gone.md").symlink_to(docs / "nowhere.md")
    (docs / "part000" / "loop").symlink_to(docs)
    (docs / "alias.md").symlink_to(docs / "part000" / "note00000.md")
    (docs / ".hidden.md").write_text("$x = 1$")
    (docs / "out").mkdir()
    (docs / "out" / "stale.md").write_text("$1 = 2$")     # inside the output folder
    if not AS_ROOT:
        (docs / "locked.md").write_text("$x = 1$")
        (docs / "locked.md").chmod(0)
    return docs


def _audit(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["audit", *map(str, argv)])
    return code, out.getvalue(), err.getvalue()


def _counts(err: str) -> tuple[int, int, int, int]:
    m = SUMMARY.search(err)
    assert m, err
    return tuple(int(g) for g in m.groups())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus audited three ways (the engine's fingerprint held fixed, so that a change
    of the working tree during the test does not make the reports stale)."""
    base = tmp_path_factory.mktemp("corpus")
    docs = _make_corpus(base)
    out = docs / "out"
    with mock.patch.object(corpus_task, "_ENGINE", "test-engine"):
        first = _audit(docs, "--format", "jsonl", "--jobs", "2", "--out", out)
        single = _audit(docs, "--format", "jsonl", "--jobs", "1", "--out", out)
        resumed = _audit(docs, "--format", "jsonl", "--jobs", "2", "--out", out, "--resume")
    yield {"docs": docs, "out": out, "first": first, "single": single, "resumed": resumed}
    if not AS_ROOT:
        (docs / "locked.md").chmod(0o644)


def test_jsonl_one_line_per_document_in_name_order(corpus):
    code, out, err = corpus["first"]
    lines = [json.loads(ln) for ln in out.splitlines()]
    names = [o["document"] for o in lines]
    assert names == sorted(names)
    assert all(set(o) == {"document", "records", "error"} for o in lines)
    docs = corpus["docs"]
    notes = [str(docs / "part000" / f"note0000{n}.md") for n in range(4)]
    expected = sorted(notes + [str(docs / "binary.md"), str(docs / "gone.md")] +
                      ([] if AS_ROOT else [str(docs / "locked.md")]))
    assert names == expected      # no loop, no second name, no hidden file, not the output
    by_name = {o["document"]: o for o in lines}
    for n in notes:
        assert by_name[n]["error"] is None and by_name[n]["records"]
        assert all(r["location"]["file"] == n for r in by_name[n]["records"])
    assert "NUL byte at offset 8" in by_name[str(docs / "binary.md")]["error"]
    assert "broken symbolic link" in by_name[str(docs / "gone.md")]["error"]
    if not AS_ROOT:
        assert "Permission denied" in by_name[str(docs / "locked.md")]["error"]
    statuses = {r["verdict"] for o in lines for r in o["records"]}
    assert code == (1 if "refuted" in statuses else 2)   # a failed document is not "all hold"
    # the failures are listed at the end, with their reasons
    tail = err.split("symderiv audit:")[-1]
    assert "binary.md" in tail and "NUL byte" in tail and "gone.md" in tail


def test_records_are_those_of_the_single_document_audit(corpus, capsys):
    code, out, _ = corpus["first"]
    note = corpus["docs"] / "part000" / "note00003.md"
    assert main(["audit", str(note), "--format", "json"]) in (0, 1, 2)
    single = json.loads(capsys.readouterr().out)
    line = next(json.loads(ln) for ln in out.splitlines()
                if json.loads(ln)["document"] == str(note))
    assert line["records"] == single and single


def test_jobs_1_and_jobs_2_give_the_same_stream(corpus):
    assert corpus["first"][1] == corpus["single"][1]
    assert corpus["first"][0] == corpus["single"][0]


def test_reports_are_written_whole_and_only_under_out(corpus):
    out, docs = corpus["out"], corpus["docs"]
    lines = [json.loads(ln) for ln in corpus["first"][1].splitlines()]
    for o in lines:
        rel = Path(o["document"]).relative_to(docs)
        report = out / f"{rel}.audit.json"
        if o["error"] is None:
            assert json.loads(report.read_text()) == o["records"]
            assert (out / f"{rel}.audit.md").read_text().startswith("# Audit of")
    assert not list(out.rglob("*.tmp")) and not list(docs.rglob(".*.tmp"))
    assert not list(out.rglob("stale.md.audit.*"))      # the output folder is not read
    made = {p.name for p in out.rglob("*") if p.is_file()} - {"stale.md"}
    assert made and all(re.fullmatch(r".+\.audit\.(json|md|key)", n) for n in made)


def test_resume_audits_nothing_the_second_time(corpus):
    code, out, err = corpus["resumed"]
    total, audited, current, failed = _counts(err)
    # binary.md's decode error is kept too; a broken link or a locked file is tried again
    assert audited == 0 and current == 5 and failed == total - 4
    assert out == corpus["first"][1] and code == corpus["first"][0]


def test_a_change_is_audited_again(tmp_path):
    docs = tmp_path / "docs"
    write_corpus(docs, 2)
    out = tmp_path / "out"
    with mock.patch.object(corpus_task, "_ENGINE", "test-engine"):
        _audit(docs, "--out", out)
        note = docs / "part000" / "note00001.md"
        note.write_text(note.read_text() + "\nAnd $\\log(x y) = \\log x + \\log y$.\n")
        code, _, err = _audit(docs, "--out", out, "--resume")
        assert _counts(err) == (2, 1, 1, 0)
        _, _, err = _audit(docs, "--out", out, "--resume", "--timeout", "9")
        assert _counts(err) == (2, 2, 0, 0)       # other options: other reports


def _frozen_engine(into: Path) -> Path:
    """A copy of symderiv to run from: the reports' key holds a hash of the engine's source,
    and an edit of the working tree between two runs would rightly make them stale."""
    import shutil
    shutil.copytree(ROOT / "symderiv", into / "symderiv",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return into


def _interrupt_after_a_report(cmd, out: Path, sig, cwd: Path) -> subprocess.CompletedProcess:
    """Run *cmd* in its own process group; once a new report is in place, send *sig* to
    the group (Ctrl-C on a terminal) or to the command only (kill -9)."""
    before = set(out.rglob("*.audit.key"))
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while set(out.rglob("*.audit.key")) <= before and time.monotonic() < deadline:
        time.sleep(0.05)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, proc.returncode, "", err)


def test_interrupts_leave_whole_reports_and_resume_continues(tmp_path):
    docs = tmp_path / "docs"
    write_corpus(docs, 4)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "symderiv", "audit", str(docs), "--out", str(out), "--jobs",
           "1", "--format", "jsonl"]
    engine = _frozen_engine(tmp_path / "engine")
    ctrl_c = _interrupt_after_a_report(cmd, out, signal.SIGINT, engine)
    assert ctrl_c.returncode == 130 and "--resume to continue" in ctrl_c.stderr
    assert "Traceback" not in ctrl_c.stderr
    killed = _interrupt_after_a_report(cmd + ["--resume"], out, signal.SIGKILL, engine)
    assert killed.returncode == -signal.SIGKILL
    keys = list(out.rglob("*.audit.key"))
    assert 2 <= len(keys) <= 4
    assert not list(out.rglob("*.tmp"))
    for p in out.rglob("*.audit.json"):
        json.loads(p.read_text())           # whole files only
    again = subprocess.run(cmd + ["--resume"], cwd=engine, capture_output=True, text=True,
                           timeout=300)
    total, audited, current, failed = _counts(again.stderr)
    assert total == 4 and failed == 0 and current == len(keys) and audited == 4 - current
    assert len(again.stdout.splitlines()) == 4


def test_one_failing_task_never_stops_the_others():
    """A crash of a worker and a document past its time bound fail alone."""
    t0 = time.monotonic()
    got = {}
    tasks = ["a", "crash", "b", "hang", "c"]
    for index, ok, value in LocalPool(_flaky(), jobs=2, timeout=3).run(iter(tasks), 5):
        got[index] = (ok, value)
    assert {i for i, (ok, _) in got.items() if ok} == {0, 2, 4}
    assert [got[i][1] for i in (0, 2, 4)] == ["A", "B", "C"]
    assert "died (exit code 3)" in got[1][1]
    assert "time budget of 3 s for the document exceeded" in got[3][1]
    assert time.monotonic() - t0 < 60


def _flaky():
    from corpus_gen import flaky_task
    return flaky_task


def test_finding_documents(tmp_path):
    docs = tmp_path / "d"
    (docs / "sub").mkdir(parents=True)
    for name in ("a.md", "b.tex", "c.txt", "d.markdown", "e.png", "sub/f.md"):
        (docs / name).write_text("$x = 1$")
    (docs / "sub" / "up").symlink_to(docs)
    (docs / "sub" / "again.md").symlink_to(docs / "a.md")
    os.mkfifo(docs / "pipe.md")                  # never opened: it would block a reader
    (docs / "rep").mkdir()
    (docs / "rep" / "x.md").write_text("$x = 1$")
    found, failures = find_documents([docs, str(docs / "*.md"), tmp_path / "none"],
                                     out=docs / "rep")
    assert [Path(d.name).relative_to(docs).as_posix() for d in found] == [
        "a.md", "b.tex", "c.txt", "d.markdown", "sub/f.md"]
    assert {f.name: f.reason for f in failures} == {
        str(docs / "pipe.md"): "not a regular file (a pipe, socket or device is never read)",
        str(tmp_path / "none"): "no such file or folder"}


@pytest.mark.parametrize("argv, said", [
    (["--resume", "--format", "jsonl"], "--resume needs --out"),
    (["--jobs", "0"], "--jobs"),
    (["--doc-timeout", "-1"], "--doc-timeout"),
])
def test_bad_options_exit_3(tmp_path, argv, said):
    (tmp_path / "a.md").write_text("$x = 1$")
    proc = subprocess.run([sys.executable, "-m", "symderiv", "audit", str(tmp_path), *argv],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and said in proc.stderr and "Traceback" not in proc.stderr


def test_nothing_to_audit_exits_3(tmp_path):
    (tmp_path / "bin.md").write_bytes(b"\x00\x01")
    code, out, err = _audit(tmp_path / "empty-*.md", tmp_path / "bin.md", "--format", "jsonl")
    assert code == 3 and "no file matches" in err and "NUL byte" in err
    assert [json.loads(ln)["error"] is not None for ln in out.splitlines()] == [True, True]


def test_the_same_stream_on_a_dask_cluster(corpus):
    """--scheduler: the same per-document tasks on a LocalCluster with two worker processes
    give the same JSON Lines as --jobs 2."""
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        code, out, err = _audit(corpus["docs"], "--format", "jsonl", "--out", corpus["out"],
                                "--scheduler", cluster.scheduler_address)
    assert out == corpus["first"][1] and code == corpus["first"][0], err


def test_a_free_worker_prefers_the_documents_like_those_it_saw():
    """Affinity: a worker takes, among the next few tasks, one whose key it took before,
    else a key nobody took yet, else the first (never waits for its own kind)."""
    from symderiv.corpus.pool import _Queue
    tasks = ["a1", "b1", "a2", "b2", "a3", "c1", "b3", "a4"]
    q = _Queue(enumerate(tasks), key=lambda t: t[0])
    taken = {0: [], 1: []}
    for turn in range(len(tasks)):
        taken[turn % 2].append(q.pop_for(turn % 2)[1])
    assert not q
    assert taken == {0: ["a1", "a2", "a3", "a4"], 1: ["b1", "b2", "b3", "c1"]}
    # no key of its own left: it takes the first (a free worker always gets work)
    q = _Queue(enumerate(["a1", "a2", "a3"]), key=lambda t: t[0])
    assert q.pop_for(0)[1] == "a1" and q.pop_for(1)[1] == "a2"
    # a key that cannot be made is no key
    q = _Queue(enumerate([None, "x"]), key=lambda t: t[0])
    assert q.pop_for(0)[1] is None and q.pop_for(0)[1] == "x"


def test_the_affinity_key_is_the_opening_formula():
    key = lambda text: corpus_task.affinity_key({"data": text.encode()})  # noqa: E731
    same = key("Let $$ y_i = \\frac{e^{z_i}}{Z} $$ and then $$a = b$$.")
    assert same == key("We define\n$$y_i =   \\frac{e^{z_i}}{Z}$$\nso $$c = d$$")
    assert same != key("Let $$ y_j = \\frac{e^{z_j}}{Z} $$.")
    assert key("Let $f(x) = 1$; then $f'(x) = 0$.") == key("Take $f(x) = 1$.")
    assert key("\\[ a = b \\] and $$c$$") == key("$$a = b$$")
    assert key("no formula at all, it costs \\$5") is None


def test_the_pool_with_an_affinity_runs_every_task_once():
    tasks = [f"{k}{n}" for n in range(6) for k in "abc"]
    pool = LocalPool(_flaky(), jobs=2, timeout=30, affinity=lambda t: t[0] if t != "b3" else 1 / 0)
    got = sorted(value for _, ok, value in pool.run(iter(tasks), len(tasks)) if ok)
    assert got == sorted(t.upper() for t in tasks)
