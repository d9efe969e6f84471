"""Stories: the value types of a story (``model``), the stage that keeps a store's stories
up to date (``update``) and reading them back (``load``)."""

from __future__ import annotations

from .model import DERIVED, Member, Story, StoryArticle, StoryEdge, build_story, derivation_parents

__all__ = [
    "DERIVED",
    "Member",
    "Story",
    "StoryArticle",
    "StoryEdge",
    "build_story",
    "derivation_parents",
]
