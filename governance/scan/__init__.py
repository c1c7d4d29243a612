"""``govern scan``: does the site do what the policy says?

One way through, like the rest of govern::

    URLs ──(observe: headless Chromium, before and after consent)──┐
    HAR files ──(har: HAR 1.2 from DevTools or Playwright)──────────┴─► Observations
                                                                          │
    Policy + catalogue (names, domain → company map) ──(match)──► findings (scan rules)
                                                                          │
                                             (report: the formats of check) and (suggest: YAML)

Playwright is imported only by :mod:`governance.scan.observe`, and only when a URL is scanned, so
``check``, ``diff`` and ``validate`` never load it and HAR scans work without it.
"""
