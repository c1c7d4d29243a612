"""The composite GitHub Action (action.yml), its steps run as a runner runs them: each `run:` in
`bash --noprofile --norc -eo pipefail`, with its `env:` expressions evaluated from the inputs and
the pull request, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and GITHUB_ACTION_PATH a copy of
this project. The install step installs govern for real; the check step runs in a shallow clone of
a real repository whose pull request adds a third party, as actions/checkout leaves it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from review_helpers import AUTHOR, COUNSEL, POLICY_PATH, make_change

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((PROJECT_ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepRun:
    name: str
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str

    @property
    def returncode(self) -> int:
        return self.steps[-1].returncode

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps)


def evaluate(text: str, context: dict[str, str]) -> str:
    """`${{ inputs.x }}`, `${{ github.base_ref }}`, `${{ steps.id.outputs.x }}`: the expressions
    this action uses; any other is an error of the test, not silently empty."""
    return EXPRESSION.sub(lambda match: context[match.group(1)], str(text))


def run_action(
    workspace: Path,
    python_bin: Path,
    action_path: Path,
    *,
    inputs: dict[str, str] | None = None,
    base_ref: str = "",
    only: set[str] | None = None,
) -> ActionRun:
    runner_temp = workspace.parent / f"runner-temp-{workspace.name}"
    runner_temp.mkdir(exist_ok=True)
    summary = runner_temp / "summary.md"
    summary.write_text("")
    context = {
        f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()
    }
    context.update({f"inputs.{name}": value for name, value in (inputs or {}).items()})
    context["github.base_ref"] = base_ref
    environment = {
        **os.environ,
        "PATH": f"{python_bin}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTION_PATH": str(action_path),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(runner_temp),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    environment.pop("VIRTUAL_ENV", None)
    steps: list[StepRun] = []
    for index, step in enumerate(ACTION["runs"]["steps"]):
        if "uses" in step:
            # the runner's setup-python: here, the Python of python_bin
            assert step["uses"].startswith("actions/setup-python@")
            assert (
                evaluate(step["with"]["python-version"], context)
                == context["inputs.python-version"]
            )
            continue
        name = step.get("name", f"step {index}")
        if only is not None and name not in only:
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], "inputs reach scripts through env:, never spliced in"
        output_file = runner_temp / f"output-{index}"
        output_file.write_text("")
        script = runner_temp / f"step-{index}.sh"
        script.write_text(step["run"])
        step_environment = {
            **environment,
            "GITHUB_OUTPUT": str(output_file),
            **{key: evaluate(value, context) for key, value in step.get("env", {}).items()},
        }
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        outputs = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
        steps.append(
            StepRun(name, completed.returncode, completed.stdout, completed.stderr, outputs)
        )
        for key, value in outputs.items():
            context[f"steps.{step.get('id', index)}.outputs.{key}"] = value
        if completed.returncode != 0:
            break
    action_outputs = {
        name: evaluate(spec["value"], context)
        for name, spec in ACTION["outputs"].items()
        if all(m.group(1) in context for m in EXPRESSION.finditer(spec["value"]))
    }
    return ActionRun(steps, action_outputs, summary.read_text())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The action's install step, run for real: a copy of this project as GITHUB_ACTION_PATH,
    installed by pip into a fresh virtual environment (the runner's Python). That environment
    sees this one's packages, so pip only builds govern itself."""
    folder = tmp_path_factory.mktemp("action")
    action_path = folder / "govern-action"
    listed = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (action_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, action_path / name, follow_symlinks=False)
    runner_python = folder / "python"
    # without a pip of its own: it imports this environment's (setup-python's has one)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(runner_python)], check=True)
    purelib = subprocess.run(
        [
            str(runner_python / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workspace = folder / "empty-workspace"
    workspace.mkdir()
    run = run_action(workspace, runner_python / "bin", action_path, only={"Install govern"})
    [step] = run.steps
    if step.returncode != 0 and "Could not find a version that satisfies" in step.stderr:
        pytest.skip(f"pip cannot reach the package index here: {step.stderr.strip()[-300:]}")
    assert step.returncode == 0, step.stdout + step.stderr
    assert step.stdout.startswith("govern, version ")
    installed_govern = runner_python / "bin" / "govern"
    assert installed_govern.is_file()
    location = subprocess.run(
        [
            str(runner_python / "bin" / "python"),
            "-c",
            "import governance; print(governance.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    ).stdout
    assert location.startswith(str(runner_python)), location  # not this project's editable copy
    # what a built package must carry besides code
    for data in (
        "announcements/client/govern-notice.js",
        "announcements/client/govern-notice.d.ts",
        "governance/data/schemas/report.schema.json",
        "governance/data/schemas/feed.schema.json",
        "tui/web_page/index.html",
    ):
        assert Path(purelib, data).is_file(), f"the built package lacks {data}"
    return runner_python / "bin", action_path


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A shallow clone of the pull request's branch, as actions/checkout leaves it by default."""
    origin = make_change(tmp_path)
    workspace = tmp_path / "workspace"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "change",
            f"file://{origin.root}",
            str(workspace),
        ],
        check=True,
    )
    return workspace


def git(workspace: Path, *arguments: str, email: str | None = None) -> str:
    environment = dict(os.environ)
    if email:
        environment |= {
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_NAME": email,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_NAME": email,
        }
    return subprocess.run(
        ["git", "-C", str(workspace), *arguments],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout.strip()


CHECK = {"govern check"}


@pytest.mark.slow
def test_the_action_fails_an_unreviewed_pull_request_then_passes_it_once_approved(
    installed: tuple[Path, Path], pull_request: Path
) -> None:
    python_bin, action_path = installed
    assert git(pull_request, "rev-parse", "--is-shallow-repository") == "true"

    run = run_action(pull_request, python_bin, action_path, base_ref="main", only=CHECK)
    assert run.returncode == 1, run.log
    assert run.outputs == {"verdict": "fail", "sarif-file": "govern.sarif"}
    [annotation] = [line for line in run.log.splitlines() if line.startswith("::error ")]
    assert f"file={POLICY_PATH}" in annotation and "third-party-added" in annotation
    fingerprint = re.search(r"govern approve ([0-9a-f]{12})", annotation)
    assert fingerprint, annotation
    # the history was fetched, and the base branch with it
    assert git(pull_request, "rev-parse", "--is-shallow-repository") == "false"
    assert git(pull_request, "rev-parse", "--verify", "origin/main")
    sarif = json.loads((pull_request / "govern.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "third-party-added" and "suppressions" not in result
    assert "third-party-added" in run.summary and "FAIL" in run.summary.upper()

    # the legal reviewer approves on the branch; the author commits the record
    approve = subprocess.run(
        [
            str(python_bin / "govern"),
            "approve",
            fingerprint.group(1),
            "--as",
            COUNSEL,
            "--base",
            "origin/main",
        ],
        cwd=pull_request,
        capture_output=True,
        text=True,
        check=False,
    )
    assert approve.returncode == 0, approve.stderr
    git(pull_request, "add", "-A")
    git(pull_request, "commit", "-q", "-m", "Legal review", email=AUTHOR)

    run = run_action(pull_request, python_bin, action_path, base_ref="main", only=CHECK)
    assert run.returncode == 0, run.log
    assert run.outputs["verdict"] == "pass"
    assert "::error" not in run.log
    sarif = json.loads((pull_request / "govern.sarif").read_text())
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"]  # reviewed: accepted in code scanning, not open


@pytest.mark.slow
@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"base": "no-such-ref"}, "no-such-ref"),
        ({"policies": "legal"}, "the policies input is 'legal'"),
    ],
)
def test_bad_input_is_one_error_annotation_and_exit_2(
    installed: tuple[Path, Path], pull_request: Path, inputs: dict[str, str], expected: str
) -> None:
    python_bin, action_path = installed
    run = run_action(
        pull_request, python_bin, action_path, inputs=inputs, base_ref="main", only=CHECK
    )
    assert run.returncode == 2, run.log
    errors = [line for line in run.log.splitlines() if line.startswith("::error")]
    assert len(errors) == 1 and expected in errors[0], run.log
    assert run.outputs == {"verdict": "error"}  # no SARIF to upload
    assert "Traceback" not in run.log


@pytest.mark.slow
def test_an_invalid_policy_is_annotated_at_its_line(
    installed: tuple[Path, Path], pull_request: Path
) -> None:
    python_bin, action_path = installed
    policy = pull_request / POLICY_PATH
    text = policy.read_text()
    assert "    storage: cookie\n" in text
    policy.write_text(text.replace("    storage: cookie\n", "    storage: floppy\n", 1))
    line = text.splitlines().index("    storage: cookie") + 1
    git(pull_request, "commit", "-q", "-am", "A storage govern does not know", email=AUTHOR)

    run = run_action(
        pull_request,
        python_bin,
        action_path,
        inputs={"policies": "policies"},
        base_ref="main",
        only=CHECK,
    )
    assert run.returncode == 2, run.log
    annotations = [line for line in run.log.splitlines() if line.startswith("::error file=")]
    assert annotations and all(f"file={POLICY_PATH}," in a for a in annotations), run.log
    assert f",line={line}," in annotations[0] and "storage" in annotations[0]


def test_the_action_declares_its_inputs_and_passes_them_safely() -> None:
    assert set(ACTION["inputs"]) >= {"base", "policies", "python-version", "sarif-file"}
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    for step in steps[1:]:
        assert "${{" not in step["run"]
        script = re.search(r"\$GITHUB_ACTION_PATH/(\S+?)\"", step["run"])
        assert script and (PROJECT_ROOT / script.group(1)).is_file()
        syntax = subprocess.run(["bash", "-n", str(PROJECT_ROOT / script.group(1))], check=False)
        assert syntax.returncode == 0


def test_the_ci_docs_show_the_action_as_declared() -> None:
    text = (PROJECT_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    workflows = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
        if "uses: mitpo/govern@" in block
    ]
    [workflow] = workflows
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    [govern] = [step for step in steps if str(step.get("uses", "")).startswith("mitpo/govern@")]
    assert set(govern.get("with", {})) <= set(ACTION["inputs"])
    [upload] = [step for step in steps if "upload-sarif" in str(step.get("uses", ""))]
    outputs = re.findall(r"steps\.govern\.outputs\.([a-z-]+)", yaml.safe_dump(upload))
    assert outputs and set(outputs) <= set(ACTION["outputs"]) and govern["id"] == "govern"
    for name in ACTION["inputs"]:
        assert f"| `{name}` |" in text, f"docs/ci.md does not describe the input {name}"
