"""The OpenAPI 3.1 description of ``/api/v1/`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations


def _bilingual(description: str, items: dict | None = None) -> dict:
    value = items or {"type": "string"}
    return {
        "type": "object",
        "description": description,
        "properties": {"vi": value, "en": value},
        "required": ["vi", "en"],
    }


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _param(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def document(server_url: str) -> dict:
    code = {
        "type": "object",
        "properties": {"code": {"type": "string"}, "name": _bilingual("Name")},
    }
    schemas = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
                    "required": ["status", "message"],
                }
            },
            "required": ["error"],
        },
        "Author": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "affiliation": {"type": "string"},
                "orcid": {"type": ["string", "null"]},
            },
            "required": ["name"],
        },
        "Issue": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "volume": {"type": "integer"},
                "number": {"type": "integer"},
                "year": {"type": "integer"},
                "title": _bilingual("The issue's title, if any"),
                "published": {"type": "string", "format": "date-time"},
                "url": {"type": "string", "format": "uri"},
                "articles_url": {"type": "string", "format": "uri"},
                "articles": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}},
            },
            "required": ["id", "volume", "number", "year", "published", "url"],
        },
        "Article": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "doi": {"type": "string"},
                "doi_url": {"type": "string", "format": "uri"},
                "url": {"type": "string", "format": "uri"},
                "language": {"type": "string", "enum": ["vi", "en"]},
                "title": _bilingual("Title"),
                "abstract": _bilingual("Abstract (plain text, blank line between paragraphs)"),
                "keywords": _bilingual("Keywords", {"type": "array", "items": {"type": "string"}}),
                "authors": {"type": "array", "items": {"$ref": "#/components/schemas/Author"}},
                "section": {"oneOf": [code, {"type": "null"}]},
                "province": {"oneOf": [code, {"type": "null"}]},
                "funded_task": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "title": _bilingual("Title of the funded task"),
                                "agency": {"type": "string"},
                                "programme": {"type": "string"},
                            },
                        },
                        {"type": "null"},
                    ]
                },
                "issue": {"type": ["object", "null"]},
                "pages": {"type": ["object", "null"]},
                "published": {"type": "string", "format": "date-time"},
                "updated": {"type": "string", "format": "date-time"},
                "galleys": {
                    "type": "object",
                    "properties": {
                        "html": {"type": "string", "format": "uri"},
                        "pdf": {"type": "string", "format": "uri"},
                        "jats": {"type": "string", "format": "uri"},
                    },
                },
                "licence": {"type": "string", "format": "uri"},
            },
            "required": ["id", "doi", "url", "language", "title", "abstract", "authors"],
        },
    }
    not_found = _error_response("Unknown province, section, issue or article")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mekong Delta Journal of Science and Technology API",
            "version": "1.0.0",
            "description": "Read-only access to the journal's published issues and articles. "
            "Bilingual fields are objects with `vi` and `en`. Lists of articles are paged with "
            "an opaque signed `cursor` (from `next_cursor`). Every answer carries ETag and "
            "Last-Modified and answers conditional requests with 304.",
            "license": {
                "name": "CC BY 4.0 (metadata and articles)",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/issues": {
                "get": {
                    "summary": "Published issues, newest first",
                    "responses": {
                        "200": {
                            "description": "The issues",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Issue"},
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/issues/{issue_id}": {
                "get": {
                    "summary": "One published issue with its articles in table-of-contents order",
                    "parameters": [
                        {
                            "name": "issue_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The issue",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Issue"}
                                }
                            },
                        },
                        "404": not_found,
                    },
                }
            },
            "/articles": {
                "get": {
                    "summary": "Published articles, newest first",
                    "parameters": [
                        _param(
                            "province",
                            "Province code (e.g. CT): its funded tasks, routing and authors",
                            {"type": "string"},
                        ),
                        _param("section", "Section code (e.g. research)", {"type": "string"}),
                        _param("issue", "Issue id", {"type": "integer"}),
                        _param(
                            "year",
                            "Year of publication",
                            {"type": "integer", "minimum": 1900, "maximum": 2200},
                        ),
                        _param(
                            "language",
                            "The article's language",
                            {"type": "string", "enum": ["vi", "en"]},
                        ),
                        _param(
                            "updated_since",
                            "Only articles changed at or after this time (ISO 8601)",
                            {"type": "string", "format": "date-time"},
                        ),
                        _param(
                            "limit",
                            "Page size; values outside 1–100 are clamped",
                            {"type": "integer", "default": 20},
                        ),
                        _param(
                            "cursor", "The `next_cursor` of the previous page", {"type": "string"}
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of articles",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Article"},
                                            },
                                            "next_cursor": {"type": ["string", "null"]},
                                            "next": {"type": ["string", "null"], "format": "uri"},
                                        },
                                        "required": ["data", "next_cursor"],
                                    }
                                }
                            },
                        },
                        "400": _error_response(
                            "A malformed filter, or a cursor that was changed "
                            "or belongs to another query"
                        ),
                        "404": not_found,
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "Full-text search of the published articles",
                    "description": (
                        "The query language of the site's search page (accents optional; "
                        "quotes for a phrase; -word to leave out; author:, keyword:, "
                        "title:, doi:, task:). `partial` is true when the search stopped at "
                        "its time limit: the answer is incomplete and is sent with "
                        "Cache-Control: no-store."
                    ),
                    "parameters": [
                        {**_param("q", "What to search for", {"type": "string"}), "required": True},
                        _param("province", "Province code (repeatable)", {"type": "string"}),
                        _param("year", "Year (repeatable)", {"type": "string"}),
                        _param("section", "Section code (repeatable)", {"type": "string"}),
                        _param(
                            "language",
                            "The article's language",
                            {"type": "string", "enum": ["vi", "en"]},
                        ),
                        _param(
                            "sort",
                            "Order of the results",
                            {"type": "string", "enum": ["relevance", "newest"]},
                        ),
                        _param("page", "Page, from 1", {"type": "integer", "default": 1}),
                        _param(
                            "limit",
                            "Page size; values outside 1–50 are clamped",
                            {"type": "integer", "default": 20},
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of results",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "query": {"type": "string"},
                                            "total": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "pages": {"type": "integer"},
                                            "partial": {"type": "boolean"},
                                            "error": {"type": ["string", "null"]},
                                            "notices": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                            },
                                            "suggestion": {"type": ["string", "null"]},
                                            "facets": {"type": "object"},
                                            "data": {"type": "array", "items": {"type": "object"}},
                                        },
                                        "required": ["total", "partial", "data"],
                                    }
                                }
                            },
                        },
                        "400": _error_response("No words to search for, or too many"),
                    },
                }
            },
            "/articles/{article_id}": {
                "get": {
                    "summary": "One published article",
                    "parameters": [
                        {
                            "name": "article_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The article",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Article"}
                                }
                            },
                        },
                        "404": not_found,
                        "410": _error_response(
                            "The article was taken down "
                            "(the body also gives its DOI, titles and the reason)"
                        ),
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }
