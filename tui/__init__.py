"""The Textual review app (``govern review``): screens over the same library the CLI uses."""
