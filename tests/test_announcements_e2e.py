"""End to end on a temporary git repository holding MITPO's policy, through the real CLI and a
real SQLite store: a session-replay vendor is added, check fails, legal approves, the
announcement is drafted, approved by a release manager and published, and check passes.
The preview page is opened in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from announcements_helpers import (
    AUTHOR,
    LEGAL,
    POLICY_ID,
    POLICY_PATH,
    RELEASE,
    Cli,
    add_hotjar_on_branch,
    git,
    make_repo,
)

from governance.config import load_config
from governance.formats import read_policy_file

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "mitpo")
    add_hotjar_on_branch(root)
    return root


def material_fingerprints(govern: Cli) -> list[str]:
    code, out, _ = govern("check", "--format", "json")
    assert code == 1, out
    report = json.loads(out)
    return [
        finding["fingerprint"]
        for policy in report["policies"]
        for finding in policy["findings"]
        if finding["level"] == "material"
    ]


def drafted_and_approved_by_legal(govern: Cli) -> str:
    fingerprints = material_fingerprints(govern)
    code, out, err = govern("approve", *fingerprints, "--as", LEGAL)
    assert code == 0, err
    code, out, err = govern("announce", "draft", "--as", LEGAL)
    assert code == 0, err
    return out.strip().splitlines()[-1]


def test_a_new_session_replay_vendor_from_branch_to_published_announcement(repo: Path) -> None:
    govern = Cli(repo)
    policy_before = (repo / POLICY_PATH).read_text(encoding="utf-8")

    # the change: check fails on the two material findings
    code, out, _ = govern("check")
    assert code == 1 and "FAIL" in out
    fingerprints = material_fingerprints(govern)
    assert len(fingerprints) == 2

    # nothing to announce before legal decides
    code, _, err = govern("announce", "draft", "--as", LEGAL)
    assert code == 2 and "nothing to announce" in err

    # legal approves the findings; check still wants an announcement
    code, _, err = govern("approve", *fingerprints, "--as", LEGAL)
    assert code == 0, err
    code, out, _ = govern("check")
    assert code == 1 and "no approved announcement" in out

    # the draft names the vendor and asks for consent again; its id is the last line
    code, out, err = govern("announce", "draft", "--as", LEGAL)
    assert code == 0, err
    announcement_id = out.strip().splitlines()[-1]
    assert "We now work with Hotjar Ltd" in out
    assert "**Hotjar Ltd** now receives data from us" in out
    assert "We will ask for your consent again" in out
    assert "re-consent:   yes (consent revision 2)" in out
    # drafting again shows the same draft rather than a copy
    code, again, err = govern("announce", "draft", "--as", LEGAL)
    assert again.strip().splitlines()[-1] == announcement_id
    assert "already covers these findings" in err

    # the drafter submits it for approval (a release manager approves only a submitted one)
    code, _, err = govern("announce", "submit", announcement_id, "--as", LEGAL)
    assert code == 0, err

    # neither the drafter nor the legal reviewer may approve it
    for who in (AUTHOR, LEGAL):
        code, _, err = govern("announce", "approve", announcement_id, "--as", who)
        assert code == 2 and ("release manager" in err or "reviewers table" in err), err

    code, out, err = govern("announce", "approve", announcement_id, "--as", RELEASE)
    assert code == 0, err
    code, out, _ = govern("announce", "show", announcement_id, "--format", "json")
    shown = json.loads(out)
    assert shown["status"] == "approved" and shown["decided_by"] == RELEASE

    # publish: the feed, the changelog and the new last_updated
    code, out, err = govern("announce", "publish", announcement_id, "--as", RELEASE)
    assert code == 0, err
    today = datetime.now(UTC).date()
    config = load_config(repo)
    feed = json.loads(config.feed_path.read_text(encoding="utf-8"))
    assert feed["schema"] == "govern.feed/1"
    [entry] = feed["announcements"]
    assert entry["id"] == announcement_id and entry["policy"] == POLICY_ID
    assert entry["requires_reconsent"] is True and entry["consent_revision"] == 2
    assert entry["commit"] == git(repo, "rev-parse", "HEAD")
    assert "Hotjar Ltd" in entry["title"]
    assert entry["published_at"].startswith(today.isoformat())
    changelog = config.changelog_path.read_text(encoding="utf-8")
    assert f"<!-- govern:announcement {announcement_id} -->" in changelog
    policy = read_policy_file(repo / POLICY_PATH, config.policies_dir).policy
    assert policy.last_updated == today != date(2026, 4, 20)
    assert policy.consent_revision == 2
    assert "# Session replay in the Creative Studio, only with consent." in (
        repo / POLICY_PATH
    ).read_text(encoding="utf-8")
    assert (repo / POLICY_PATH).read_text(encoding="utf-8") != policy_before

    # publishing twice is a no-op
    snapshot = {p: p.read_bytes() for p in (config.feed_path, config.changelog_path)}
    code, out, _ = govern("announce", "publish", announcement_id, "--as", RELEASE)
    assert code == 0 and "already published" in out
    assert {p: p.read_bytes() for p in snapshot} == snapshot

    # check passes, in the working tree and once committed (as CI sees it)
    code, out, _ = govern("check")
    assert code == 0 and "PASS" in out, out
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Review, announce and publish the Hotjar change")
    code, out, _ = govern("check", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["verdict"] == "pass"

    # every step is in the audit log, whose chain is intact
    code, out, _ = govern("audit", "verify")
    assert code == 0, out
    code, out, _ = govern("announce", "list")
    assert f"{announcement_id}  published" in out


def test_a_release_manager_who_drafted_it_cannot_approve_it(repo: Path) -> None:
    govern = Cli(repo)
    fingerprints = material_fingerprints(govern)
    assert govern("approve", *fingerprints, "--as", LEGAL)[0] == 0
    code, out, err = govern("announce", "draft", "--as", RELEASE)
    assert code == 0, err
    announcement_id = out.strip().splitlines()[-1]
    assert govern("announce", "submit", announcement_id, "--as", RELEASE)[0] == 0
    code, _, err = govern("announce", "approve", announcement_id, "--as", RELEASE)
    assert code == 2 and "drafted or edited" in err


def test_reject_edit_and_resubmit_through_the_cli(repo: Path, tmp_path: Path) -> None:
    govern = Cli(repo)
    announcement_id = drafted_and_approved_by_legal(govern)
    assert govern("announce", "submit", announcement_id, "--as", LEGAL)[0] == 0
    code, _, err = govern("announce", "reject", announcement_id, "--as", RELEASE)
    assert code == 2 and "--reason" in err
    code, out, err = govern(
        "announce", "reject", announcement_id, "--as", RELEASE, "--reason", "Say where to opt out."
    )
    assert code == 0, err
    code, out, _ = govern("check")
    assert code == 1 and "announcement was rejected" in out

    body = tmp_path / "body.md"
    body.write_text("We now use **Hotjar**. Turn it off in Settings › Privacy.\n", encoding="utf-8")
    code, out, err = govern(
        "announce",
        "edit",
        announcement_id,
        "--as",
        LEGAL,
        "--body-file",
        str(body),
        "--title",
        "Hotjar in the Creative Studio",
    )
    assert code == 0, err
    code, out, _ = govern("announce", "show", announcement_id)
    assert "# Hotjar in the Creative Studio" in out and "Settings › Privacy" in out
    assert "[draft]" in out
    assert govern("announce", "submit", announcement_id, "--as", LEGAL)[0] == 0
    # ledger decisions carry whole seconds and a tie goes to the rejection (check's caution)
    wait_for_the_next_second()
    assert govern("announce", "approve", announcement_id, "--as", RELEASE)[0] == 0
    code, out, _ = govern("check")
    assert code == 0, out


def wait_for_the_next_second() -> None:
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


def test_bad_input_is_a_clear_message_and_exit_2(repo: Path) -> None:
    govern = Cli(repo)
    code, _, err = govern("announce", "show", "nope")
    assert code == 2 and "no announcement 'nope'" in err and "Traceback" not in err
    code, _, err = govern("announce", "edit", "nope", "--as", LEGAL)
    assert code == 2 and "no announcement 'nope'" in err
    code, _, err = govern("announce", "draft", "--as", "not-an-email")
    assert code == 2 and "not an email address" in err


def test_the_draft_id_is_the_last_line_printed_by_the_installed_command(repo: Path) -> None:
    govern = Cli(repo)
    fingerprints = material_fingerprints(govern)
    assert govern("approve", *fingerprints, "--as", LEGAL)[0] == 0
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "governance",
            "announce",
            "draft",
            "--as",
            LEGAL,
            "--repo",
            str(repo),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert completed.returncode == 0, completed.stderr
    announcement_id = completed.stdout.strip().splitlines()[-1]
    code, out, _ = govern("announce", "show", announcement_id, "--format", "json")
    assert code == 0 and json.loads(out)["id"] == announcement_id


# --- the preview, as a person sees it ----------------------------------------------------------

IMG_PAYLOAD = "<img src=x onerror=\"document.title='pwned-img'\">"
SCRIPT_PAYLOAD = "<script>document.body.appendChild(document.createElement('pwned'))</script>"


def dump_dom(page: Path, profile: Path) -> str:
    assert CHROMIUM is not None
    completed = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install -y chromium; .ci/run does it)",
)
def test_the_preview_in_headless_chromium_shows_the_text_and_runs_no_script(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path / "mitpo")
    add_hotjar_on_branch(root, cookie_name=SCRIPT_PAYLOAD, vendor=f"Hotjar Ltd {IMG_PAYLOAD}")
    govern = Cli(root)
    announcement_id = drafted_and_approved_by_legal(govern)
    page = tmp_path / "preview.html"
    code, out, err = govern("announce", "preview", announcement_id, "-o", str(page))
    assert code == 0, err

    # a positive control: in this harness, a script on a page does run
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><title>before</title><script>document.title='ran'</script>",
        encoding="utf-8",
    )
    assert "<title>ran</title>" in dump_dom(control, tmp_path / "profile-control")

    dom = dump_dom(page, tmp_path / "profile")
    title = dom.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Preview: We now work with Hotjar Ltd &lt;img")  # not "pwned-img"
    assert "<pwned" not in dom  # the script payload did not create its element
    assert "<img" not in dom  # the image payload is not an element
    assert "<script" not in dom
    # what a person reads: the banner and the modal, the payloads shown as plain text
    assert 'id="govern-banner"' in dom and 'id="govern-modal"' in dom
    assert "We now work with Hotjar Ltd &lt;img src=x onerror=" in dom
    assert "These changes take effect on" in dom
    assert "We will ask for your consent again." in dom
    assert "&lt;script&gt;document.body.appendChild" in dom


def test_loading_the_cli_does_not_load_announcements_jinja2_or_the_store() -> None:
    probe = (
        "import sys, governance.main\n"
        "heavy = [m for m in ('announcements', 'jinja2', 'sqlmodel', 'sqlalchemy') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == ""
