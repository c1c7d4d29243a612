"""A Markdown version of the MITPO cookie page, written for the prose tests, and helpers to
classify an edit of it the way ``govern diff`` does."""

from __future__ import annotations

from pathlib import Path

from governance.compare import classify
from governance.config import Config
from governance.findings import Finding, Level
from governance.formats.markdown_format import parse_markdown

MITPO_MARKDOWN = """\
---
title: Cookies & Tracking
owner: MITPO Legal
last_updated: 2026-04-20
---

# Cookies & Tracking

_Last updated: April 20, 2026_

What cookies and storage MITPO uses, what each is for, and how to control them.

## Overview

MITPO uses cookies and similar storage (localStorage, sessionStorage) to keep you logged in,
remember preferences, and protect the service from abuse on our website. This page describes what
we use and why. We intentionally keep the list short — we do not run an ad network on top of
customer visits.

## Essential Cookies

These cookies are required for the site to work. Disabling them will break authentication and core
functionality. They are set regardless of consent because the site cannot deliver the service
without them.

## Preference Storage

These are stored in browser localStorage (not cookies) and never leave your device. They remember
UI choices so the product feels consistent across visits.

## Analytics

We measure product usage so we can improve it. Analytics is off by default. Where analytics is
enabled, events are minimized to what we actually use for product decisions and are not shared with
advertising networks. Analytics cookies are kept for 13 months.

## Cookies we set

| Name | Provider | Category | Purpose | Retention |
| --- | --- | --- | --- | --- |
| mitpo_session | MITPO | Strictly necessary | Keeps you logged in | Session |
| mitpo_csrf | MITPO | Strictly necessary | Protects form submissions | Session |
| mitpo_metrics | MITPO | Analytics | Counts page views for product decisions | 13 months |

## Error monitoring

Error and performance monitoring is provided by Sentry, which receives device data to report
crashes.

## Billing

Stripe sets cookies on the payment flow when you enter or update a card. These are covered by
Stripe’s own cookie policy and are out of MITPO’s direct control. We do not receive card data from
those cookies — only Stripe’s customer ID.

## Your Controls

You can clear cookies and localStorage for the MITPO domain at any time using your browser’s
site-data controls. Clearing these will log you out and reset preference storage. Browser-level
"Do Not Track" signals are respected where analytics toggles support them.

## Contact

Questions about this page: privacy@mitpo.example.

## Changes

If we add a new cookie or tracking technology that materially affects this list — especially
anything that would share data with a third party — this page is updated and, for material changes,
we announce the update in-app.
"""


def edited(old: str, new: str, text: str = MITPO_MARKDOWN, count: int = 1) -> str:
    """The page with ``old`` replaced by ``new`` (which must be there: a typo in a test fails)."""
    assert old in text, f"not in the page: {old!r}"
    return text.replace(old, new, count)


def findings(old_text: str, new_text: str, root: Path | None = None) -> list[Finding]:
    old = parse_markdown(old_text, "old.md")
    new = parse_markdown(new_text, "new.md")
    config = Config(root=root or Path.cwd())
    return classify("mitpo/cookies-and-tracking", old, new, config).findings


def material(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.level is Level.material]


def rules(found: list[Finding], level: Level | None = None) -> set[str]:
    return {f.rule for f in found if level is None or f.level is level}


def describe(found: list[Finding]) -> str:
    return "\n".join(f"{f.level.value} {f.rule} {f.path}: {f.message}" for f in found)
