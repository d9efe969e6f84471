"""Reading stories from a store: which stories there are, and one story as a ``Story``.

A story is named by its first article (``story_key`` finds it from the id of any of its
members); ``load_story`` builds its timeline, version graph and derivation tree from the
members' metadata and the verified edges (``model.build_story``), decoding whole records
only for untitled articles, whose first sentence stands in for a title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..errors import NotFound
from ..store.repository import Repository
from .model import Member, Story, StoryEdge, build_story


def story_ids(repo: Repository, *, since: dt.date | None = None, min_size: int = 1) -> list[int]:
    """Story keys, largest first, then earliest; ``since`` keeps stories with an article
    published on or after that date, ``min_size`` those of at least that many articles."""
    return repo.stories.story_keys(since=since, min_size=min_size)


def load_story(repo: Repository, story: int) -> Story:
    """One story, built from its members and verified edges.

    Raises:
        NotFound: there is no story with this key.
    """
    members = repo.stories.members(story)
    if not members:
        raise NotFound(f"{repo.path}: no story {story_label(repo, story)!r}")
    meta = repo.meta_of(members)
    first = _first_sentences(repo, [m for m in members if not meta[m]["title"]])
    people = [
        Member(
            key=m,
            id=meta[m]["id"],
            title=meta[m]["title"],
            first_sentence=first.get(m, ""),
            published=dt.date.fromisoformat(meta[m]["published"]) if meta[m]["published"] else None,
            outlet=meta[m]["outlet"],
            lang=meta[m]["lang"],
        )
        for m in members
    ]
    ids = {m: meta[m]["id"] for m in members}
    similarity = repo.stories.story_similarities_among(members)
    edges = [
        StoryEdge(ids[a], ids[b], relation, score, direction, confidence, similarity.get((a, b)))
        for a, b, relation, score, direction, confidence in repo.stories.edges_among(members)
    ]
    return build_story(ids[story], people, edges)


def _first_sentences(repo: Repository, untitled: Sequence[int]) -> dict[int, str]:
    """The first sentence of each of these (untitled) articles: what stands in for a title."""
    return {
        r: (a.sentences[0].text if a.sentences else "")
        for r, a in repo.articles_by_rowid(untitled).items()
    }


def story_label(repo: Repository, story: int) -> str:
    """How a story is named to users: its first article's id (the key if it has none)."""
    return repo.id_of(story) or str(story)


def story_key(repo: Repository, story_id: str) -> int:
    """The story whose first article has this id; also the story of any member id.

    Raises:
        NotFound: no article with this id is in a story.
    """
    story = repo.stories.story_of(story_id)
    if story is None:
        try:
            repo.get(story_id)
            known = True
        except NotFound:
            known = False
        if known:  # stored since the stories were last grouped
            raise NotFound(
                f"{repo.path}: article {story_id!r} is in no story yet; "
                "`storytrace stories` groups it"
            )
        raise NotFound(
            f"{repo.path}: no story or article has the id {story_id!r}; "
            "`storytrace stories` lists the stories and their ids"
        )
    return story


__all__ = ["load_story", "story_ids", "story_key", "story_label"]
