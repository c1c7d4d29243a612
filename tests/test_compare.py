"""compare_files / compare_revisions: statuses, lines, errors, and fingerprints across commits."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from diff_helpers import (
    HOTJAR,
    commit_all,
    entry,
    git,
    init_repo,
    mitpo_data,
    only,
    summary,
    write_yaml,
)

from governance.compare import classify, compare_files, compare_revisions
from governance.config import Config, load_config
from governance.errors import PolicyError
from governance.formats.yaml_format import line_of, line_of_entry
from governance.gitrepo import GitRepository
from governance.locate import YamlLines
from governance.model import Policy

POLICY_PATH = Path("policies/mitpo/cookies-and-tracking.yaml")


def add_hotjar(data: dict) -> None:
    data["recipients"].append(copy.deepcopy(HOTJAR))


def test_compare_files_reports_findings_with_head_lines(tmp_path: Path) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    new_data = mitpo_data()
    add_hotjar(new_data)
    entry(new_data, "items", "page-views")["consent"] = "notice"
    new = write_yaml(tmp_path / "new.yaml", new_data)
    report = compare_files(old, new, Config(root=tmp_path))
    assert report.base is None and report.head is None
    [policy] = report.policies
    assert (policy.policy, policy.status, policy.file) == ("new", "modified", str(new))
    text = new.read_text()
    lines = text.splitlines()
    by_path = {finding.path: finding for finding in policy.findings}
    hotjar = by_path["recipients/hotjar"]
    assert hotjar.line is not None and "hotjar" in lines[hotjar.line - 1]
    consent = by_path["items/page-views/consent"]
    assert consent.line is not None and lines[consent.line - 1].strip() == "consent: notice"


def test_compare_files_unchanged(tmp_path: Path) -> None:
    old = write_yaml(tmp_path / "a.yaml", mitpo_data())
    new = write_yaml(tmp_path / "b.yaml", mitpo_data())
    [policy] = compare_files(old, new, Config(root=tmp_path)).policies
    assert (policy.status, policy.findings) == ("unchanged", [])


def test_an_invalid_side_names_the_file(tmp_path: Path) -> None:
    old = write_yaml(tmp_path / "old.yaml", mitpo_data())
    broken = mitpo_data()
    entry(broken, "items", "theme")["consent"] = "maybe"
    new = write_yaml(tmp_path / "new.yaml", broken)
    with pytest.raises(PolicyError) as raised:
        compare_files(old, new, Config(root=tmp_path))
    assert raised.value.file == str(new)
    assert raised.value.line is not None


def test_yaml_line_index_agrees_with_the_composer() -> None:
    text = (Path(__file__).resolve().parent.parent / POLICY_PATH).read_text()
    index = YamlLines.build(text)
    data = yaml.safe_load(text)
    checked = 0
    for collection in ("sections", "items", "recipients", "commitments", "controls"):
        for item in data[collection]:
            path = f"{collection}/{item['id']}"
            assert index.line(path) == line_of_entry(text, collection, item["id"]), path
            for field in item:  # only the fields written in the file
                expected = line_of_entry(text, collection, item["id"], field)
                assert index.line(f"{path}/{field}") == expected, (path, field)
                checked += 1
    assert checked > 100
    for key in ("title", "owner", "summary", "controls"):
        assert index.line(key) == line_of(text, [key])
    assert index.line("recipients/gone") == index.line("recipients")
    assert index.line("items/theme/retention") == index.line("items/theme")  # not written


def test_whole_policy_added_and_removed_have_findings() -> None:
    config = Config()
    added = classify("p", None, Policy.model_validate(mitpo_data()), config)
    assert added.status == "added"
    assert only(added.findings, "third-party-added")  # Stripe and the monitoring provider
    assert only(added.findings, "tracking-item-added")
    removed = classify("p", Policy.model_validate(mitpo_data()), None, config)
    assert removed.status == "removed"
    rules = {finding.rule for finding in removed.findings}
    assert {"commitment-removed", "consent-weakened", "tracking-item-removed"} <= rules
    assert removed.material  # the promises stop


# -- git revisions -------------------------------------------------------------------------------


def test_revisions_working_tree_and_commits(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    base = git(root, "rev-parse", "HEAD")
    data = mitpo_data()
    add_hotjar(data)
    write_yaml(root / POLICY_PATH, data)
    config = load_config(root)
    with GitRepository.open(root) as repo:
        report = compare_revisions(repo, config, "HEAD", None)
        assert report.base is not None and report.base.commit == base
        assert report.head is not None and report.head.commit is None
        [policy] = report.policies
        assert policy.status == "modified" and policy.file == POLICY_PATH.as_posix()
        assert ("third-party-added", "material", "recipients/hotjar") in summary(policy.findings)
        working_tree_prints = {f.fingerprint for f in policy.findings}
        head = commit_all(root, "add hotjar")
        committed = compare_revisions(repo, config, base, head)
        assert {f.fingerprint for f in committed.findings} == working_tree_prints
        assert committed.head is not None and committed.head.commit == head
        assert [p.status for p in compare_revisions(repo, config, head, None).policies] == [
            "unchanged"
        ]


def test_policy_files_added_and_deleted(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    write_yaml(root / "policies" / "other.yaml", {"title": "Other", "items": []})
    first = commit_all(root, "other")
    (root / POLICY_PATH).unlink()
    second = commit_all(root, "drop mitpo")
    with GitRepository.open(root) as repo:
        report = compare_revisions(repo, load_config(root), "HEAD~2", second)
        statuses = {p.policy: p.status for p in report.policies}
        assert statuses == {"mitpo/cookies-and-tracking": "removed", "other": "added"}
        added = compare_revisions(repo, load_config(root), "HEAD~2", first)
        assert {p.policy: p.status for p in added.policies}["mitpo/cookies-and-tracking"] == (
            "unchanged"
        )


def test_an_invalid_base_names_file_at_rev(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    (root / POLICY_PATH).write_text("title: [unclosed\n")
    commit_all(root, "broken")
    write_yaml(root / POLICY_PATH, mitpo_data())
    with GitRepository.open(root) as repo, pytest.raises(PolicyError) as raised:
        compare_revisions(repo, load_config(root), "HEAD", None)
    assert raised.value.file == f"{POLICY_PATH.as_posix()}@HEAD"


def test_fingerprints_survive_a_rebase_and_change_with_the_change(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    git(root, "checkout", "-q", "-b", "feature")
    data = mitpo_data()
    add_hotjar(data)
    write_yaml(root / POLICY_PATH, data)
    commit_all(root, "add hotjar")
    config = load_config(root)
    with GitRepository.open(root) as repo:
        before = {
            f.fingerprint for f in compare_revisions(repo, config, "main", "feature").findings
        }
        # main moves on with an unrelated edit; the feature is rebased onto it
        git(root, "checkout", "-q", "main")
        moved = mitpo_data()
        entry(moved, "items", "session")["purpose"] = "keeps you signed in across pages."
        write_yaml(root / POLICY_PATH, moved)
        commit_all(root, "reword session")
        git(root, "checkout", "-q", "feature")
        git(root, "rebase", "-q", "main")
        after_rebase = compare_revisions(repo, config, "main", "feature")
        assert {f.fingerprint for f in after_rebase.findings} == before
        # editing the change (Hotjar now also gets email addresses) voids its fingerprint
        edited = mitpo_data()
        entry(edited, "items", "session")["purpose"] = "keeps you signed in across pages."
        hotjar = copy.deepcopy(HOTJAR)
        hotjar["data_shared"] = [*hotjar["data_shared"], "user.contact.email"]
        edited["recipients"].append(hotjar)
        write_yaml(root / POLICY_PATH, edited)
        commit_all(root, "hotjar gets email")
        edited_prints = {
            f.fingerprint for f in compare_revisions(repo, config, "main", "feature").findings
        }
        assert edited_prints and edited_prints.isdisjoint(before)


MARKDOWN_POLICY = """---
title: Cookies
---
# Cookies

## Overview

We use few cookies.

## Analytics

We measure usage.
We share usage with Hotjar.
"""


def test_markdown_lines_point_at_the_heading_or_the_quoted_sentence() -> None:
    from governance.formats import parse_policy
    from governance.locate import Locator

    policy = parse_policy(MARKDOWN_POLICY, "policy.md")
    analytics = next(s for s in policy.sections if s.title == "Analytics")
    locator = Locator(MARKDOWN_POLICY, "markdown", policy)
    assert locator.line(f"sections/{analytics.id}") == 10
    assert locator.line(f"sections/{analytics.id}", "We share usage with Hotjar.") == 13
    assert locator.line("sections/no-such-section") is None


def test_a_moved_and_edited_policy_is_one_policy(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    data = yaml.safe_load((root / POLICY_PATH).read_text())
    add_hotjar(data)
    (root / POLICY_PATH).unlink()
    write_yaml(root / "policies" / "legal" / "cookies.yaml", data)
    head = commit_all(root, "move the policy and add Hotjar")
    with GitRepository.open(root) as repo:
        report = compare_revisions(repo, load_config(root), "HEAD~1", head)
    [policy] = [p for p in report.policies if p.status != "unchanged"]
    assert (policy.policy, policy.status, policy.renamed_from) == (
        "legal/cookies",
        "modified",
        "mitpo/cookies-and-tracking",
    )
    assert {f.rule for f in policy.findings if f.level == "material"} == {"third-party-added"}
    assert report.to_json_data()["policies"][0]["renamed_from"] == "mitpo/cookies-and-tracking"


def test_an_unrelated_policy_added_while_another_is_removed_is_not_a_move(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    (root / POLICY_PATH).unlink()
    write_yaml(root / "policies" / "other.yaml", {"title": "Other", "items": []})
    head = commit_all(root, "replace")
    with GitRepository.open(root) as repo:
        report = compare_revisions(repo, load_config(root), "HEAD~1", head)
    assert {p.policy: (p.status, p.renamed_from) for p in report.policies} == {
        "mitpo/cookies-and-tracking": ("removed", None),
        "other": ("added", None),
    }
