"""Request and response bodies of the JSON API: pydantic at the edge only.

Domain values stay frozen dataclasses; these models only check what a client sent
(``extra="forbid"``: a misspelt field is an error, not silently ignored) and document
the shapes in the OpenAPI schema. Validation errors are flattened to "field: message"
by ``errors.validation_problem``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .options import ApiEncoder


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleText(_Strict):
    """An article given as text, with whatever metadata the client knows."""

    text: str = Field(min_length=1, description="The article text (plain text).")
    title: str | None = None
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    outlet: str | None = None
    url: str | None = Field(default=None, description="Recorded only; the server never fetches it.")
    lang: str | None = Field(default=None, description="Language tag; detected when absent.")


class AddArticle(ArticleText):
    """``POST /api/articles``: an article to store."""

    id: str | None = Field(
        default=None, min_length=1, description="Its id; by default a hash of text and metadata."
    )


class CompareSide(_Strict):
    """One side of a comparison: a stored article (``id``) or a text (``text``)."""

    id: str | None = Field(default=None, min_length=1, description="A stored article's id.")
    text: str | None = Field(default=None, min_length=1, description="The article text.")
    title: str | None = None
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    outlet: str | None = None
    url: str | None = None
    lang: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> CompareSide:
        if (self.id is None) == (self.text is None):
            raise ValueError("give either id (a stored article) or text, not both or neither")
        if self.id is not None and self.metadata():
            raise ValueError("metadata goes with text; a stored article has its own")
        return self

    def metadata(self) -> dict[str, str]:
        """The metadata fields given, for ``storytrace.from_text``."""
        fields = {
            "title": self.title,
            "published": self.published,
            "outlet": self.outlet,
            "url": self.url,
            "lang": self.lang,
        }
        return {k: v for k, v in fields.items() if v is not None}


class CompareRequest(_Strict):
    """``POST /api/compare``: two versions, each stored or given as text."""

    a: CompareSide
    b: CompareSide
    encoder: ApiEncoder | None = Field(
        default=None, description="Sentence encoder; the server's default when absent."
    )


class AddResult(BaseModel):
    """What ``POST /api/articles`` did."""

    id: str = Field(description="The stored article's id (the existing one if already stored).")
    already_stored: bool = Field(description="True when this publication was stored before.")
    title: str | None
    url: str = Field(description="Where to GET it.")


class ErrorDetail(BaseModel):
    type: str = Field(description="NotFound, InvalidJSON, PayloadTooLarge, TokenRequired, ...")
    message: str
    status: int


class ErrorBody(BaseModel):
    """The one error shape of every endpoint."""

    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    articles: int
