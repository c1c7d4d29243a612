#!/usr/bin/env bash
# Step 2 of the govern GitHub Action (action.yml): validate the policies, then run the gate.
#
#   - validation errors become error annotations on the policy files;
#   - `govern check --format sarif` writes the SARIF file for code scanning;
#   - `govern check --format github` annotates the pull request and decides the step's exit code
#     (0 pass, 1 a material change has no valid review, 2 bad input);
#   - the Markdown report goes to the job summary.
#
# Inputs come from the environment (never spliced into the script): GOVERN_BASE (the base ref;
# default origin/<the pull request's base branch>, else govern's own default), GOVERN_PR_BASE
# (github.base_ref), GOVERN_POLICIES (the policies folder, checked against the configuration),
# GOVERN_SARIF (where to write SARIF). Outputs go to GITHUB_OUTPUT: verdict, and sarif-file once
# the SARIF file is written.
set -uo pipefail

output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi; }
escape() { local text="${1//'%'/'%25'}"; text="${text//$'\r'/'%0D'}"; printf '%s' "${text//$'\n'/'%0A'}"; }
fail_with() { echo "::error title=govern::$(escape "$1")"; output verdict error; exit "${2:-2}"; }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
sarif="${GOVERN_SARIF:-govern.sarif}"
base="${GOVERN_BASE:-}"
if [ -z "$base" ] && [ -n "${GOVERN_PR_BASE:-}" ]; then
  base="origin/${GOVERN_PR_BASE}"
fi

# The base and the authors of the change come from history: a shallow checkout has neither.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
  echo "::notice title=govern::fetching the history of the change (actions/checkout with fetch-depth: 0 avoids this)"
  git fetch --quiet --no-tags --unshallow origin || fail_with "cannot fetch the history of the repository"
fi
if [[ "$base" == origin/* ]] && ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  branch="${base#origin/}"
  git fetch --quiet --no-tags origin "+refs/heads/$branch:refs/remotes/origin/$branch" \
    || fail_with "cannot fetch the base branch $branch from origin"
fi
arguments=()
if [ -n "$base" ]; then arguments+=(--base "$base"); fi

# The policies folder: the one configured, which the input (if any) must name.
configured="$(python - <<'PY'
from pathlib import Path
from governance.config import load_config
print(load_config(Path(".")).policies)
PY
)" || fail_with "cannot read the govern configuration of this repository"
policies="${GOVERN_POLICIES:-$configured}"
if [ "$(realpath -m "$policies")" != "$(realpath -m "$configured")" ]; then
  fail_with "the policies input is '$policies' but the repository's configuration says '$configured': set policies = \"$policies\" in [tool.govern] (govern check reads it from the base branch)"
fi

# Every policy must parse: one annotation per bad file, at its line.
if ! govern validate --format json "$policies" >"$scratch/validation.json" 2>"$scratch/validation.err"; then
  python - "$scratch/validation.json" <<'PY'
import json, sys
try:
    results = json.load(open(sys.argv[1], encoding="utf-8"))["results"]
except (OSError, ValueError, KeyError):
    results = []
for result in results:
    if not result.get("valid", True):
        where = f"file={result['file']}" + (f",line={result['line']}" if result.get("line") else "")
        message = str(result["error"]).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        print(f"::error {where},title=govern validate::{message}")
PY
  message="$(cat "$scratch/validation.err")"
  fail_with "the policies do not validate${message:+: $message}"
fi

rm -f "$sarif"
if govern check "${arguments[@]}" --format sarif --output "$sarif" 2>/dev/null || [ -s "$sarif" ]; then
  output sarif-file "$sarif"   # only when written: the upload step skips otherwise
fi
govern check "${arguments[@]}" --format github 2>"$scratch/check.err"
status=$?
message="$(cat "$scratch/check.err")"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$status" -le 1 ]; then
  govern check "${arguments[@]}" --format markdown >>"$GITHUB_STEP_SUMMARY" 2>/dev/null
fi
case "$status" in
  0) output verdict pass ;;
  1) output verdict fail ;;
  *) fail_with "${message:-govern check failed with exit code $status}" "$status" ;;
esac
exit "$status"
