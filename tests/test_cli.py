"""Command-line conventions: --version, --log-level/-v, a config file for defaults, globs
expanded, names with [] taken literally, a missing path is a usage error (rc 2, no failures row),
and Prefect is not imported by the commands that do not run flows."""

import json
import subprocess
import sys
import time

from conftest import BIN, ROOT, SAMPLES, thaireport

from pipeline import PIPELINE_VERSION, storage


def test_version_and_start_up_without_prefect():
    run = thaireport("--version")
    assert run.returncode == 0 and run.stdout.startswith("thaireport ") and PIPELINE_VERSION in run.stdout
    probe = ("import sys; from pipeline import cli; "
             "cli.main(['--version']); cli.main(['show', '--help']); cli.main(['extract', '--help']); "
             "heavy = ('prefect', 'pandas', 'sqlalchemy'); "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))")
    out = subprocess.run([sys.executable, "-c", "import json; " + probe], capture_output=True, text=True, cwd=ROOT)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        thaireport("--version")
        times.append(time.perf_counter() - t0)
    print(f"thaireport --version: median {sorted(times)[1]:.3f} s")
    assert sorted(times)[1] < 2.0


def test_globs_are_expanded_and_brackets_found_literally(tmp_path):
    for name in ("a.txt", "b.txt", "report[2566].txt"):
        (tmp_path / name).write_bytes((SAMPLES / "000_5bb0787697d1afdd.txt").read_bytes() + name.encode())
    run = thaireport("extract", str(tmp_path / "*.txt"), "--quiet")
    assert run.returncode == 0, run.stderr
    sources = sorted(json.loads(line)["source"].rsplit("/", 1)[1] for line in run.stdout.splitlines())
    assert sources == ["a.txt", "b.txt", "report[2566].txt"]
    literal = thaireport("extract", str(tmp_path / "report[2566].txt"), "--quiet")
    assert literal.returncode == 0, literal.stderr
    assert json.loads(literal.stdout)["source"].endswith("report[2566].txt")


def test_missing_path_is_a_usage_error_without_a_failures_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    for cmd in (["extract"], ["ingest", "--db", url]):
        run = thaireport(*cmd, str(tmp_path / "no-such-report.pdf"))
        assert run.returncode == 2, (cmd, run.stderr)
        assert f"usage: thaireport {cmd[0]}" in run.stderr and "no such file or folder" in run.stderr
        assert "unsupported file type" not in run.stderr and not run.stdout
    assert not (tmp_path / "db.sqlite").exists()  # nothing was opened, so no failures row anywhere
    glob_none = thaireport("extract", str(tmp_path / "*.pdf"))
    assert glob_none.returncode == 2


def test_config_file_gives_defaults_and_flags_win(tmp_path):
    work = tmp_path / "team"
    work.mkdir()
    (work / "thaireport.toml").write_text(f'db = "sqlite:///{tmp_path / "from-config.db"}"\nlog_level = "debug"\n')
    env = {k: v for k, v in __import__("os").environ.items() if k != "THAIREPORT_DB"}
    doc = SAMPLES / "000_5bb0787697d1afdd.txt"
    from pipeline.run import run_document

    storage.store_records(storage.engine_for(f"sqlite:///{tmp_path / 'from-config.db'}"), [run_document(str(doc))])
    storage.dispose_engines()
    show = subprocess.run([str(BIN / "thaireport"), "show", "d98605e806"], cwd=work, env=env,
                          capture_output=True, text=True)
    assert show.returncode == 0, show.stderr  # the doc_id was looked up in the config's database
    (work / "thaireport.toml").write_text('databse = "sqlite:///x.db"\n')
    typo = subprocess.run([str(BIN / "thaireport"), "show", "d98605e806"], cwd=work, env=env,
                          capture_output=True, text=True)
    assert typo.returncode == 2 and "unknown setting 'databse'" in typo.stderr
    (work / "thaireport.toml").unlink()
    (work / "pyproject.toml").write_text(f'[tool.thaireport]\ndb = "sqlite:///{tmp_path / "from-config.db"}"\n')
    pyproject = subprocess.run([str(BIN / "thaireport"), "show", "d98605e806"], cwd=work, env=env,
                               capture_output=True, text=True)
    assert pyproject.returncode == 0, pyproject.stderr
    flag = subprocess.run([str(BIN / "thaireport"), "show", "d98605e806", "--db",
                           f"sqlite:///{tmp_path / 'from-config.db'}x"], cwd=work, env=env,
                          capture_output=True, text=True)
    assert flag.returncode == 2  # --db beats the file: that other database does not hold it


def test_log_level_flags():
    assert thaireport("--log-level", "loud", "--version").returncode == 2
    assert thaireport("-vv", "--log-level", "info", "--version").returncode == 0


def test_extract_stops_a_document_at_its_deadline_and_goes_on(tmp_path):
    """`extract --doc-timeout`: a document that takes too long fails with that reason, and the
    next one is read."""
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    big = tmp_path / "a-long-report.txt"
    big.write_text("\n".join(sample.read_text("utf-8") for _ in range(300)), "utf-8")
    good = tmp_path / "b-report.txt"
    good.write_bytes(sample.read_bytes())
    t0 = time.perf_counter()
    run = thaireport("extract", str(big), str(good), "--doc-timeout", "1", "--quiet")
    took = time.perf_counter() - t0
    records = [json.loads(line) for line in run.stdout.splitlines()]
    print(f"\n{len(big.read_text('utf-8'))} characters: {records[0]['status']} in {took:.1f} s")
    assert run.returncode == 1
    assert records[0]["status"] == "failed" and "time limit" in records[0]["error"]
    assert records[1]["status"] == "ok" and records[1]["indicators"]
