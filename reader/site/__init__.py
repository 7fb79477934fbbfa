"""Whole sites rendered ahead: every page of a sitemap or a URL list to MP3 with captions."""

from __future__ import annotations

from reader.site.manifest import MANIFEST_NAME, Entry, Manifest
from reader.site.page import PageResult, PageTask, SpeakerFactory, content_key
from reader.site.runner import Progress, Summary, render_site
from reader.site.sources import SiteSource, read_source

__all__ = [
    "MANIFEST_NAME",
    "Entry",
    "Manifest",
    "PageResult",
    "PageTask",
    "Progress",
    "SpeakerFactory",
    "SiteSource",
    "Summary",
    "content_key",
    "read_source",
    "render_site",
]
