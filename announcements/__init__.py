"""In-app announcements of material policy changes: drafted from findings, approved, published.

The package is imported lazily by ``govern announce`` so that the CI commands stay light; it is
the only place (besides the store) that imports Jinja2.
"""
