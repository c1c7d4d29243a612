#!/usr/bin/env bash
# Step 1 of the govern GitHub Action (action.yml): install govern, from the action's own checkout,
# so the version is the one named in `uses: …@<ref>`, into the Python that setup-python chose.
set -euo pipefail
: "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this from the action}"
python -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"
govern --version
