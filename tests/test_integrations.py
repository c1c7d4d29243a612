"""The shipped integrations, executed the way CI and pre-commit run them.

The YAML in ``.pre-commit-hooks.yaml`` and ``docs/ci.md`` is parsed, and the exact ``govern``
commands it contains run (as shell commands, with the installed console script) against real
repositories: an origin with ``main`` and a ``change`` branch, cloned in full the way
``actions/checkout`` with ``fetch-depth: 0`` and GitLab's ``GIT_DEPTH: 0`` do.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from review_helpers import COUNSEL, POLICY_PATH, Repo, make_change, only_fingerprint

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _environment(**extra: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(extra)
    return environment


def _shell(command: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_environment(**extra),
        check=False,
    )


def _ci_clone(tmp_path: Path, origin: Repo) -> Repo:
    """A full clone with the change checked out detached, as CI runners check out a PR."""
    ci = tmp_path / "ci"
    subprocess.run(["git", "clone", "-q", f"file://{origin.root}", str(ci)], check=True)
    clone = Repo(ci)
    clone.git("checkout", "-q", "--detach", "origin/change")
    return clone


def _approve_on_origin(origin: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from review_helpers import govern

    origin.git("checkout", "-q", "change")
    fingerprint = only_fingerprint(capsys, origin)
    origin.set_user(COUNSEL)
    assert govern(capsys, origin, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    origin.commit_all("Approve Hotjar", COUNSEL)


def _yaml_blocks(markdown: str) -> list[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", markdown, re.S)]


# --- pre-commit --------------------------------------------------------------------------------


def _hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in hooks}


def _run_hook(hook: dict[str, Any], repo: Repo) -> subprocess.CompletedProcess[str]:
    """What pre-commit does for a hook: pick the staged files its pattern matches, run entry."""
    staged = repo.git("diff", "--cached", "--name-only").splitlines()
    matching = [path for path in staged if re.search(hook.get("files", ""), path)]
    command = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if hook.get("pass_filenames", True):
        command += matching
    return subprocess.run(
        command, cwd=repo.root, capture_output=True, text=True, env=_environment(), check=False
    )


def test_pre_commit_hooks_as_pre_commit_runs_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = _hooks()
    assert set(hooks) == {"govern-check", "govern-validate"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["entry"].startswith("govern ")
    assert re.search(hooks["govern-validate"]["files"], POLICY_PATH)
    assert re.search(hooks["govern-check"]["files"], ".govern-ledger/x.yaml")

    repo = make_change(tmp_path)
    repo.git("reset", "-q", "--soft", "main")  # the change is staged, about to be committed
    validate = _run_hook(hooks["govern-validate"], repo)
    assert validate.returncode == 0, validate.stderr
    assert "ok  acme/cookies" in validate.stdout
    gate = _run_hook(hooks["govern-check"], repo)
    assert gate.returncode == 1 and "third-party-added" in gate.stdout

    repo.write(POLICY_PATH, repo.read(POLICY_PATH).replace("role: processor", "role: boss"))
    repo.git("add", POLICY_PATH)
    broken = _run_hook(hooks["govern-validate"], repo)
    assert broken.returncode == 2 and f"{POLICY_PATH}:" in broken.stderr and "role" in broken.stderr


def _project_snapshot(tmp_path: Path) -> Path:
    """This project as a git repository with every current file committed (what pre-commit
    clones), including files not yet committed in the working copy."""
    snapshot = tmp_path / "govern-src"
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = PROJECT / name
        if not source.is_file() or name.startswith((".venv/", "bench/")):
            continue
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    snapshot_repo = Repo(snapshot)
    snapshot_repo.git("init", "-q")
    snapshot_repo.commit_all("snapshot", "ci@acme.example")
    return snapshot


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """The real pre-commit installs this project from a clone and runs both hooks."""
    pre_commit = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    snapshot = _project_snapshot(tmp_path)
    repo = make_change(tmp_path)
    repo.git("reset", "-q", "--soft", "main")
    environment = _environment(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))

    # Without a hook id, try-repo runs every hook the repository declares.
    completed = subprocess.run(
        [pre_commit, "try-repo", str(snapshot)],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=900,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert re.search(r"govern validate\.+Passed", completed.stdout), output
    assert re.search(r"govern check\.+Failed", completed.stdout), output
    assert "third-party-added" in completed.stdout


# --- CI examples in docs/ci.md ------------------------------------------------------------------


def _github_workflow() -> dict[str, Any]:
    blocks = _yaml_blocks((PROJECT / "docs" / "ci.md").read_text())
    [workflow] = [
        b for b in blocks if isinstance(b, dict) and "jobs" in b and "govern check" in str(b)
    ]
    return workflow


def _gitlab_job() -> dict[str, Any]:
    blocks = _yaml_blocks((PROJECT / "docs" / "ci.md").read_text())
    [job] = [
        b[name]
        for b in blocks
        if isinstance(b, dict)
        for name in b
        if isinstance(b[name], dict) and "script" in b[name]
    ]
    return job


def test_github_workflow_runs_as_actions_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = _github_workflow()
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(
        step for step in steps if str(step.get("uses", "")).startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0
    commands = [step["run"] for step in steps if "govern check" in step.get("run", "")]
    assert len(commands) == 2
    upload = next(s for s in steps if "upload-sarif" in str(s.get("uses", "")))
    sarif_name = upload["with"]["sarif_file"]

    origin = make_change(tmp_path)

    def run_steps(clone: Repo) -> list[subprocess.CompletedProcess[str]]:
        # Actions substitutes ${{ github.base_ref }} before the shell sees the command
        return [_shell(c.replace("${{ github.base_ref }}", "main"), clone.root) for c in commands]

    clone = _ci_clone(tmp_path, origin)
    sarif_step, gate = run_steps(clone)
    assert sarif_step.returncode == 0, sarif_step.stderr  # the report step never fails the job
    assert (clone.root / sarif_name).is_file()
    assert gate.returncode == 1
    assert f"::error file={POLICY_PATH},line=" in gate.stdout

    _approve_on_origin(origin, capsys)
    shutil.rmtree(clone.root)
    clone = _ci_clone(tmp_path, origin)
    sarif_step, gate = run_steps(clone)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "::error" not in gate.stdout and "govern check: PASS" in gate.stdout


def test_gitlab_job_runs_as_gitlab_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = _gitlab_job()
    assert job["variables"]["GIT_DEPTH"] == 0
    script = [line for line in job["script"] if not line.startswith("pip ")]
    assert any(line.startswith("govern check") for line in script)
    report_name = job["artifacts"]["reports"]["junit"]

    origin = make_change(tmp_path)
    variables = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}

    def run_script(clone: Repo) -> int:
        for line in script:  # GitLab stops at the first failing line
            completed = _shell(line, clone.root, **variables)
            if completed.returncode != 0:
                return completed.returncode
        return 0

    clone = _ci_clone(tmp_path, origin)
    assert run_script(clone) == 1
    assert "<failure" in (clone.root / report_name).read_text()

    _approve_on_origin(origin, capsys)
    shutil.rmtree(clone.root)
    clone = _ci_clone(tmp_path, origin)
    assert run_script(clone) == 0
    assert "<failure" not in (clone.root / report_name).read_text()
