"""The API reference page, rendered on the server from the app's own OpenAPI schema.

FastAPI's ``/docs`` loads Swagger UI's JavaScript and CSS from a CDN, which a server
that promises to load nothing from elsewhere cannot do, and bundling Swagger UI would
mean shipping (and trusting) a large script for one page. So the interactive pages
are off; ``/openapi.json`` is the machine-readable schema (feed it to any OpenAPI
tool) and ``/docs`` is this plain page, built from the same schema so it cannot drift
from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Field, ...]
    body: str | None
    responses: tuple[tuple[str, str, str | None], ...]
    secured: bool


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]


def type_of(schema: dict[str, Any]) -> str:
    """A short readable type of a JSON schema (``string | null``, ``CompareSide``)."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return "object"
    return kind


def reference(openapi: dict[str, Any]) -> tuple[list[Operation], list[Model]]:
    """Every operation and every schema of ``openapi``, in the schema's order."""
    operations = []
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = tuple(
                Field(
                    name=p["name"],
                    where=p.get("in", ""),
                    type=type_of(p.get("schema", {})),
                    required=bool(p.get("required")),
                    description=p.get("description") or p.get("schema", {}).get("description", ""),
                )
                for p in op.get("parameters", [])
            )
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = type_of(content["application/json"].get("schema", {}))
            responses = []
            for status, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                responses.append(
                    (
                        str(status),
                        response.get("description", ""),
                        type_of(schema) if schema else None,
                    )
                )
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=params,
                    body=body,
                    responses=tuple(responses),
                    secured=bool(op.get("security")),
                )
            )
    models = []
    for name, schema in openapi.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        fields = tuple(
            Field(
                name=field,
                where="body",
                type=type_of(spec),
                required=field in required,
                description=spec.get("description", ""),
            )
            for field, spec in schema.get("properties", {}).items()
        )
        models.append(Model(name, schema.get("description", ""), fields))
    return operations, models
