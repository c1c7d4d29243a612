"""The gate judges a change by the base's rules: each way an insider could switch it off from
inside the change it judges, tried on a real repository, fails the gate naming what was touched.

Every test builds ``main`` (the maintainer's policy and settings) and a ``change`` branch by an
author who wants to ship an unreviewed material change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from review_helpers import (
    AUTHOR,
    BASE_POLICY,
    COUNSEL,
    HOTJAR,
    MAINTAINER,
    POLICY_PATH,
    Repo,
    allowed_signers,
    config_text,
    govern,
    make_change,
    make_keys,
    make_repo,
    only_fingerprint,
)

FRIEND = "friend@acme.example"


def check_json(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> dict[str, Any]:
    code, out, err = govern(capsys, repo, "check", "--format", "json", *args)
    assert code in (0, 1), err
    report: dict[str, Any] = json.loads(out)
    assert (code == 1) == (report["verdict"] == "fail")
    return report


def findings(report: dict[str, Any], rule: str | None = None) -> list[dict[str, Any]]:
    return [
        finding
        for policy in report["policies"]
        for finding in policy["findings"]
        if rule is None or finding["rule"] == rule
    ]


def settings_paths(report: dict[str, Any]) -> set[str]:
    return {finding["path"] for finding in findings(report, "governance-config-changed")}


def hotjar_is_blocking(report: dict[str, Any]) -> bool:
    return any(
        finding["rule"] == "third-party-added" and finding["blocking"]
        for finding in findings(report)
    )


# --- 1. settings from the head ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ('[tool.govern.rules]\n"third-party-added" = "off"\n', "settings/rules/third-party-added"),
        (
            '[tool.govern.rules]\n"third-party-added" = "editorial"\n',
            "settings/rules/third-party-added",
        ),
        ("[tool.govern]\nnotice_days = 0\n", "settings/notice_days"),
    ],
)
def test_rule_levels_and_settings_in_the_change_do_not_apply_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, path: str
) -> None:
    repo = make_change(tmp_path)
    text = repo.read("pyproject.toml")
    if setting.startswith("[tool.govern]\n"):
        text = text.replace("[tool.govern]\n", setting, 1)
    else:
        text += "\n" + setting
    repo.write("pyproject.toml", text)
    repo.commit_all("tune the rules", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail"
    assert hotjar_is_blocking(report)  # judged by main's levels: still material
    assert path in settings_paths(report)
    [edit] = [f for f in findings(report, "governance-config-changed") if f["path"] == path]
    assert edit["level"] == "material" and edit["blocking"]


def test_moving_the_policies_folder_does_not_hide_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    repo.git("mv", "policies", "elsewhere")
    repo.write(
        "pyproject.toml",
        repo.read("pyproject.toml").replace(
            "[tool.govern]\n", '[tool.govern]\npolicies = "elsewhere"\n'
        ),
    )
    repo.commit_all("move the policies", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail"
    assert "settings/policies" in settings_paths(report)
    [moved] = [
        f for f in findings(report, "governance-config-changed") if f["path"] == "settings/policies"
    ]
    assert (moved["before"], moved["after"]) == ("policies", "elsewhere")


def test_a_default_branch_set_in_the_change_does_not_move_its_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pre-commit hook runs plain `govern check`: the base comes from main's settings."""
    repo = make_change(tmp_path)
    repo.write(
        "pyproject.toml",
        repo.read("pyproject.toml").replace(
            "[tool.govern]\n", '[tool.govern]\ndefault_branch = "change"\n'
        ),
    )
    repo.commit_all("I am the default now", AUTHOR)
    report = check_json(capsys, repo)
    assert report["base"]["ref"] == "main"
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)
    assert "settings/default_branch" in settings_paths(report)


def test_switching_signatures_off_in_the_change_does_not_let_unsigned_records_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = make_keys(tmp_path)
    repo = make_repo(tmp_path, require_signatures=True)
    repo.write(".govern-ledger/allowed_signers", allowed_signers(keys))
    repo.commit_all("signers", MAINTAINER)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.write("pyproject.toml", config_text(require_signatures=False))
    repo.commit_all("Add Hotjar, no signatures", AUTHOR)
    fingerprint = next(
        f["fingerprint"] for f in findings(check_json(capsys, repo), "third-party-added")
    )
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)
    assert code == 2 and "requires signed reviews" in err  # main's setting applies
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)
    assert "settings/require_signatures" in settings_paths(report)
    assert report["settings"]["require_signatures"] is True


def test_a_new_allowed_signers_file_named_by_the_change_is_not_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = make_keys(tmp_path)
    repo = make_repo(tmp_path, require_signatures=True)
    repo.write(".govern-ledger/allowed_signers", allowed_signers(keys).splitlines()[0] + "\n")
    repo.commit_all("counsel's key", MAINTAINER)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    author_key = " ".join(keys.author.with_suffix(".pub").read_text().split()[:2])
    repo.write("mine", f'{COUNSEL} namespaces="govern-review" {author_key}\n')
    repo.write(
        "pyproject.toml",
        repo.read("pyproject.toml").replace(
            "[tool.govern]\n", '[tool.govern]\nallowed_signers = "mine"\n'
        ),
    )
    repo.commit_all("Add Hotjar and my keys", AUTHOR)
    fingerprint = next(
        f["fingerprint"] for f in findings(check_json(capsys, repo), "third-party-added")
    )
    # the author signs an approval in counsel's name with the key the change vouches for
    repo.set_user(COUNSEL)
    code, _, err = govern(
        capsys, repo, "approve", fingerprint, "--as", COUNSEL, "--key", str(keys.author)
    )
    assert code == 0, err
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)
    assert "settings/allowed_signers" in settings_paths(report)
    assert any("does not list for counsel" in entry["reason"] for entry in report["ignored"])


def test_a_catalogue_in_the_change_does_not_vouch_for_its_cookies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        "ours.yaml",
        (
            "entries:\n"
            "  - {name: _ga, platform: Our own, controller: Acme, category: strictly_necessary,"
            " retention: 2 years, first_party: true}\n"
        ),
    )
    repo.write(
        "pyproject.toml",
        repo.read("pyproject.toml").replace(
            "[tool.govern]\n", '[tool.govern]\ncatalog = "ours.yaml"\n'
        ),
    )
    repo.write(
        POLICY_PATH,
        BASE_POLICY.replace(
            "recipients:\n",
            "  - id: ga\n    name: _ga\n    storage: cookie\n    party: first\n"
            "    category: strictly_necessary\n    consent: none\n    purpose: load balancing.\n"
            "recipients:\n",
        ),
    )
    repo.commit_all("our _ga", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail"
    catalogue = [f for f in findings(report, "third-party-added") if "Google" in f["message"]]
    assert catalogue and catalogue[0]["level"] == "material"
    assert "settings/catalog" in settings_paths(report)


def test_the_first_configuration_is_reported_not_obeyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = Repo(tmp_path / "site")
    repo.root.mkdir()
    repo.git("init", "-q", "-b", "main")
    repo.write(POLICY_PATH, BASE_POLICY)
    repo.commit_all("policy, no govern settings yet", MAINTAINER)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.write("govern.toml", f'[reviewers]\n"{FRIEND}" = "legal"\n')
    repo.commit_all("Add Hotjar and appoint my friend", AUTHOR)
    fingerprint = next(
        f["fingerprint"] for f in findings(check_json(capsys, repo), "third-party-added")
    )
    repo.set_user(FRIEND)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", FRIEND)
    assert code == 2 and f"{FRIEND} is not a reviewer" in err
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)
    [added] = [p for p in report["policies"] if p["policy"] == "govern.toml"]
    assert added["kind"] == "settings" and added["status"] == "added"
    assert all("first govern settings" in f["message"] for f in added["findings"])


def test_the_honest_path_a_settings_change_approved_by_legal_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    repo.write("pyproject.toml", config_text(extra_reviewers={FRIEND: "legal"}))
    repo.commit_all("A new legal reviewer", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail"
    [edit] = findings(report, "governance-config-changed")
    assert edit["path"] == f"settings/reviewers/{FRIEND}" and edit["after"] == "legal"
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", edit["fingerprint"], "--as", COUNSEL)
    assert code == 0, err
    repo.commit_all("approve the new reviewer", COUNSEL)
    report = check_json(capsys, repo)
    assert report["verdict"] == "pass", report  # no announcement is asked for a setting
    # merged, the new reviewer decides on the next change
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "change", email=MAINTAINER)
    repo.git("checkout", "-q", "-b", "next")
    repo.add_hotjar()
    repo.commit_all("Add Hotjar", AUTHOR)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(FRIEND)
    assert govern(capsys, repo, "approve", fingerprint, "--as", FRIEND)[0] == 0


# --- 2. code from the head ----------------------------------------------------------------------

EVIL = """\
from pathlib import Path
Path({marker!r}).write_text("imported")
"""


def test_a_plugin_committed_in_the_change_is_never_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "imported.marker"
    repo = make_change(tmp_path)
    repo.write("evil_rules.py", EVIL.format(marker=str(marker)))
    repo.write(
        "pyproject.toml",
        repo.read("pyproject.toml").replace(
            "[tool.govern]\n", '[tool.govern]\nplugins = ["evil_rules"]\n'
        ),
    )
    repo.commit_all("rules of my own", AUTHOR)

    report = check_json(capsys, repo)
    assert report["verdict"] == "fail" and "settings/plugins" in settings_paths(report)
    for args in (["diff", "main"], ["rules"], ["log"]):
        govern(capsys, repo, *args)
    fingerprint = next(f["fingerprint"] for f in findings(report, "third-party-added"))
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0

    import asyncio

    from tui.app import GovernApp
    from tui.services import Services

    async def open_the_review_app() -> None:
        app = GovernApp(Services(repo.root, COUNSEL))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()

    asyncio.run(open_the_review_app())
    assert not marker.exists()


# --- 3. caches from the head --------------------------------------------------------------------


def test_a_committed_cache_does_not_decide_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from governance import __version__
    from governance.formats import parse_policy
    from governance.gitrepo import blob_sha_of

    repo = make_change(tmp_path)
    head_blob = blob_sha_of((BASE_POLICY + HOTJAR).encode())
    base_model = parse_policy(BASE_POLICY.encode(), POLICY_PATH)
    entry = {
        "schema": "govern.blob/1",
        "govern": __version__,
        "blob": head_blob,
        "format": "yaml",
        "model": base_model.model_dump_json(),  # the head's blob, read as the base
    }
    repo.write(f".govern/blobs/{head_blob}.json", json.dumps(entry))
    repo.commit_all("a warm cache", AUTHOR)
    repo.git("checkout", "-q", "main")  # what the clone's origin/HEAD names
    clone = Repo(tmp_path / "ci-clone")
    repo.git("clone", "-q", str(repo.root), str(clone.root))
    clone.git("checkout", "-q", "change")
    report = check_json(capsys, clone)
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)


# --- 4. a new policy file is read for its prose --------------------------------------------------


def test_a_new_policy_file_is_read_like_added_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        "policies/acme/addendum.yaml",
        (
            "title: Addendum\nsections:\n  - id: data\n    title: Your data\n"
            "    body: We sell your personal data to data brokers.\n"
        ),
    )
    repo.commit_all("an addendum", AUTHOR)
    report = check_json(capsys, repo)
    [policy] = [p for p in report["policies"] if p["policy"] == "acme/addendum"]
    assert policy["status"] == "added"
    assert any(f["level"] == "material" for f in policy["findings"]), policy
    assert report["verdict"] == "fail"


def test_a_new_markdown_page_is_read_for_its_prose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        "policies/acme/addendum.md",
        "# Addendum\n\nThird parties may collect information about your online activities over "
        "time and across different websites.\n",
    )
    repo.commit_all("an addendum page", AUTHOR)
    report = check_json(capsys, repo)
    [policy] = [p for p in report["policies"] if p["policy"] == "acme/addendum"]
    assert any(f["level"] == "material" for f in policy["findings"]), policy
    assert report["verdict"] == "fail"


# --- 5. records from elsewhere ------------------------------------------------------------------


def test_a_signed_approval_copied_from_a_reverted_change_does_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = make_keys(tmp_path)
    repo = make_repo(tmp_path, require_signatures=True)
    repo.write(".govern-ledger/allowed_signers", allowed_signers(keys))
    repo.commit_all("signers", MAINTAINER)
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.commit_all("Add Hotjar", AUTHOR)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert (
        govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL, "--key", str(keys.counsel))[0]
        == 0
    )
    repo.commit_all("approved", COUNSEL)
    [record] = repo.records()
    saved = record.read_bytes()
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "change", email=MAINTAINER)
    repo.git("revert", "--no-edit", "-m", "1", "HEAD", email=MAINTAINER)  # Hotjar and record out
    assert repo.records() == []

    repo.git("checkout", "-q", "-b", "again")
    repo.add_hotjar()
    (repo.root / ".govern-ledger" / "a-new-name.yaml").write_bytes(saved)
    repo.commit_all("Hotjar is back, approved as before", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail" and hotjar_is_blocking(report)
    assert any("decided on an earlier change" in entry["reason"] for entry in report["ignored"])


def test_deleting_a_later_rejection_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    fingerprint = only_fingerprint(capsys, repo)
    repo.set_user(COUNSEL)
    assert govern(capsys, repo, "approve", fingerprint, "--as", COUNSEL)[0] == 0
    repo.commit_all("approved", COUNSEL)
    assert (
        govern(capsys, repo, "reject", fingerprint, "--as", COUNSEL, "--reason", "no DPA")[0] == 0
    )
    repo.commit_all("rejected after all", COUNSEL)
    rejection = next(path for path in repo.records() if "-rejected-" in path.name)
    rejection.unlink()
    repo.commit_all("tidy the ledger", AUTHOR)
    code, out, _ = govern(capsys, repo, "check")
    assert code == 1
    assert f".govern-ledger/{rejection.name} is deleted in commit" in out
    assert "append-only" in out


# --- 6. who is an author -------------------------------------------------------------------------


def assert_author_cannot_approve(
    capsys: pytest.CaptureFixture[str], repo: Repo, fingerprint: str
) -> None:
    """AUTHOR, a legal reviewer here, made the change in some way: they may not approve it."""
    repo.set_user(AUTHOR)
    code, _, err = govern(capsys, repo, "approve", fingerprint, "--as", AUTHOR)
    assert code == 2 and f"{AUTHOR} authored this change" in err


def test_the_committer_of_a_commit_authored_in_another_name_is_an_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, extra_reviewers={AUTHOR: "legal"})
    repo.git("checkout", "-q", "-b", "change")
    repo.add_hotjar()
    repo.git("add", "-A")
    repo.git(
        "commit",
        "-q",
        "-m",
        "Add Hotjar",
        "--author",
        "Someone <someone@acme.example>",
        email=AUTHOR,
    )
    assert_author_cannot_approve(capsys, repo, only_fingerprint(capsys, repo))


def test_a_change_made_inside_a_merge_commit_has_its_merger_as_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, extra_reviewers={AUTHOR: "legal"})
    repo.git("checkout", "-q", "-b", "change")
    repo.write("notes.txt", "harmless\n")
    repo.commit_all("a harmless commit", "someone@acme.example")
    repo.git("checkout", "-q", "main")
    repo.write("other.txt", "x\n")
    repo.commit_all("main moves on", MAINTAINER)
    repo.git("checkout", "-q", "change")
    repo.git("merge", "-q", "--no-commit", "main", email=AUTHOR)
    repo.add_hotjar()  # slipped into the merge
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit", email=AUTHOR)
    assert_author_cannot_approve(capsys, repo, only_fingerprint(capsys, repo))


def test_a_line_that_merely_starts_with_last_updated_is_not_bookkeeping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, extra_reviewers={AUTHOR: "legal"})
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        POLICY_PATH,
        BASE_POLICY.replace(
            "    body: We measure usage of the product.\n",
            "    body: |\n      We measure usage of the product.\n"
            "      last_updated: we now also share it with advertisers.\n",
        ),
    )
    repo.commit_all("a body line", AUTHOR)
    assert_author_cannot_approve(capsys, repo, findings(check_json(capsys, repo))[0]["fingerprint"])


def test_publishing_bookkeeping_does_not_make_an_author(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path, extra_reviewers={MAINTAINER: "legal"})
    repo.write(POLICY_PATH, repo.read(POLICY_PATH).replace("2026-01-10", "2026-06-01"))
    repo.commit_all("publish", MAINTAINER)
    fingerprint = next(
        f["fingerprint"] for f in findings(check_json(capsys, repo), "third-party-added")
    )
    repo.set_user(MAINTAINER)
    assert govern(capsys, repo, "approve", fingerprint, "--as", MAINTAINER)[0] == 0


# --- 7. split changes ---------------------------------------------------------------------------

RETAINED = BASE_POLICY.replace(
    "recipients:\n",
    "  - id: visits\n    name: Visit counter\n    storage: cookie\n    party: first\n"
    "    category: analytics\n    consent: opt-in\n    retention: {retention}\n"
    "    data_uses: [analytics.reporting]\n    purpose: counts visits.\n"
    "recipients:\n",
)


def test_a_material_change_split_into_harmless_steps_fails_against_the_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    repo.write(
        POLICY_PATH, RETAINED.format(retention="13 months").replace("2026-01-10", "2026-02-01")
    )
    repo.commit_all("published: visits kept 13 months", MAINTAINER)
    repo.write(POLICY_PATH, BASE_POLICY.replace("2026-01-10", "2026-02-01"))
    repo.commit_all("drop the retention line with the item (minor)", AUTHOR)  # merged unreviewed
    repo.git("checkout", "-q", "-b", "change")
    repo.write(
        POLICY_PATH, RETAINED.format(retention="10 years").replace("2026-01-10", "2026-02-01")
    )
    repo.commit_all("the visit counter is back", AUTHOR)
    report = check_json(capsys, repo)
    assert report["verdict"] == "fail"
    [since] = [f for f in findings(report) if f.get("since")]
    assert since["rule"] == "retention-extended" and since["level"] == "material"
    assert "last published version" in since["message"]
    assert since["before"] == "13 months" and since["after"] == "10 years"
    # a legal reviewer reviews it once, and the gate accepts the review
    repo.set_user(COUNSEL)
    code, _, err = govern(capsys, repo, "approve", since["fingerprint"], "--as", COUNSEL)
    assert code == 0, err
    report = check_json(capsys, repo)
    assert not any(f["blocking"] for f in findings(report) if f.get("since"))


# --- the report says what an unsigned review is -------------------------------------------------


def test_without_signatures_every_report_says_an_approval_is_a_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_change(tmp_path)
    code, out, _ = govern(capsys, repo, "check")
    assert "reviews are not signed" in out and "not proof" in out
    report = check_json(capsys, repo)
    assert any("not proof" in warning for warning in report["warnings"])
