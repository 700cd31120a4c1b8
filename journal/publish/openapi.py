"""The OpenAPI 3.1 description of ``/api/v1/`` (served at ``/api/v1/openapi.json``).

The journal's own operations are described here; another part of the application that
serves under ``/api/v1/`` (the exchange bridge's listings) adds its own with
:func:`add_paths` when it is registered, so that the document covers every endpoint while
the journal imports none of them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

EXTENSION = "journal_openapi"
# What a contributor gives: {"paths": {…}, "schemas": {…}} for a server URL.
Contribution = Callable[[], dict]


def add_paths(app: Flask, contribution: Contribution) -> None:
    """Add the operations and schemas ``contribution()`` returns to the document."""
    app.extensions.setdefault(EXTENSION, []).append(contribution)


def _bilingual(description: str, items: dict | None = None) -> dict:
    value = items or {"type": "string"}
    return {
        "type": "object",
        "description": description,
        "properties": {"vi": value, "en": value},
        "required": ["vi", "en"],
    }


def param(name: str, description: str, schema: dict) -> dict:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def path_id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict:
    return json_response(description, {"$ref": "#/components/schemas/Error"})


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
    not_found = error_response("Unknown province, section, issue or article")
    bad_request = error_response("A malformed parameter (the message says which)")
    doc = {
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
            "/": {
                "get": {
                    "summary": "The addresses of the lists and of this document",
                    "responses": {
                        "200": json_response(
                            "Links",
                            {
                                "type": "object",
                                "properties": {
                                    name: {"type": "string", "format": "uri"}
                                    for name in ("issues", "articles", "openapi")
                                },
                                "required": ["issues", "articles", "openapi"],
                            },
                        )
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document (OpenAPI 3.1)",
                    "responses": {"200": json_response("The document", {"type": "object"})},
                }
            },
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
                    "parameters": [path_id("issue_id")],
                    "responses": {
                        "200": {
                            "description": "The issue",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Issue"}
                                }
                            },
                        },
                        "400": bad_request,
                        "404": not_found,
                    },
                }
            },
            "/articles": {
                "get": {
                    "summary": "Published articles, newest first",
                    "parameters": [
                        param(
                            "province",
                            "Province code (e.g. CT): its funded tasks, routing and authors",
                            {"type": "string", "pattern": "^[A-Za-z]{2,8}$"},
                        ),
                        param(
                            "section",
                            "Section code (e.g. research)",
                            {"type": "string", "pattern": "^[a-z0-9_-]{1,32}$"},
                        ),
                        param(
                            "issue",
                            "Issue id",
                            {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                        ),
                        param(
                            "year",
                            "Year of publication",
                            {"type": "integer", "minimum": 1900, "maximum": 2200},
                        ),
                        param(
                            "language",
                            "The article's language",
                            {"type": "string", "enum": ["vi", "en"]},
                        ),
                        param(
                            "updated_since",
                            "Only articles changed at or after this time (ISO 8601)",
                            {"type": "string", "format": "date-time"},
                        ),
                        param(
                            "limit",
                            "Page size",
                            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                        ),
                        param(
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
                        "400": error_response(
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
                        {
                            **param(
                                "q",
                                "What to search for",
                                {
                                    "type": "string",
                                    "minLength": 1,
                                    "maxLength": 10000,
                                    "pattern": r"\S",
                                },
                            ),
                            "required": True,
                        },
                        param("province", "Province code (repeatable)", {"type": "string"}),
                        param("year", "Year (repeatable)", {"type": "string"}),
                        param("section", "Section code (repeatable)", {"type": "string"}),
                        param(
                            "language",
                            "The article's language",
                            {"type": "string", "enum": ["vi", "en"]},
                        ),
                        param(
                            "sort",
                            "Order of the results",
                            {"type": "string", "enum": ["relevance", "newest"]},
                        ),
                        param(
                            "page",
                            "Page, from 1",
                            {"type": "integer", "minimum": 1, "maximum": 99999, "default": 1},
                        ),
                        param(
                            "limit",
                            "Page size",
                            {"type": "integer", "minimum": 1, "maximum": 50, "default": 20},
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
                        "400": error_response("No words to search for, or too many"),
                    },
                }
            },
            "/articles/{article_id}": {
                "get": {
                    "summary": "One published article",
                    "parameters": [path_id("article_id")],
                    "responses": {
                        "200": {
                            "description": "The article",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Article"}
                                }
                            },
                        },
                        "400": bad_request,
                        "404": not_found,
                        "410": error_response(
                            "The article was taken down "
                            "(the body also gives its DOI, titles and the reason)"
                        ),
                    },
                }
            },
            "/counter/reports/ir": _item_report_path(),
        },
        "components": {"schemas": schemas},
    }
    schemas.update(_item_report_schemas())
    for contribution in current_app.extensions.get(EXTENSION, ()):
        part = contribution()
        doc["paths"].update(part.get("paths", {}))
        schemas.update(part.get("schemas", {}))
    return doc


METRIC_TYPES = [
    "Total_Item_Investigations",
    "Unique_Item_Investigations",
    "Total_Item_Requests",
    "Unique_Item_Requests",
]


def _item_report_path() -> dict:
    month = {
        "type": "string",
        "pattern": r"^20[0-9]{2}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$",
    }
    parameters = [
        param("begin_date", "First month (YYYY-MM; a day stands for its month)", month),
        param("end_date", "Last month (YYYY-MM), included", month),
        param(
            "metric_type",
            "COUNTER metric types joined by |; all four when absent",
            {
                "type": "string",
                "pattern": f"^({'|'.join(METRIC_TYPES)})(\\|({'|'.join(METRIC_TYPES)}))*$",
                "example": "Total_Item_Requests|Unique_Item_Requests",
            },
        ),
        param("item_id", "One article: its id or its DOI", {"type": "string"}),
        param(
            "granularity",
            "Month (a performance entry per month) or Totals (one for the range)",
            {"type": "string", "enum": ["Month", "Totals"], "default": "Month"},
        ),
    ]
    for parameter in parameters[:2]:
        parameter["required"] = True
    return {
        "get": {
            "summary": "Usage of the articles: a COUNTER R5 item report (IR) as SUSHI JSON",
            "description": (
                "Investigations (landing page, full text, downloads) and requests (the full "
                "text on the landing page, PDF, JATS) per article and month, counted by the "
                "COUNTER rules: robots excluded, double clicks within 30 seconds counted "
                "once, unique counts per session (address and user agent within an hour) and "
                "day. Figures are those of the daily aggregation; months and metrics with "
                "nothing counted are left out."
            ),
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The report",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CounterItemReport"}
                        }
                    },
                },
                "400": {
                    "description": (
                        "A missing or malformed date, an unknown metric type or granularity: "
                        "the error and the COUNTER exception"
                    ),
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CounterError"}
                        }
                    },
                },
                "404": {
                    "description": (
                        "No published article has this id or DOI: the error and the COUNTER "
                        "exception 3060"
                    ),
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CounterError"}
                        }
                    },
                },
            },
        }
    }


def _item_report_schemas() -> dict:
    name_value = {
        "type": "object",
        "properties": {"Name": {"type": "string"}, "Value": {"type": "string"}},
        "required": ["Name", "Value"],
    }
    exception = {
        "type": "object",
        "properties": {
            "Code": {"type": "integer"},
            "Severity": {"type": "string"},
            "Message": {"type": "string"},
            "Data": {"type": "string"},
        },
        "required": ["Code", "Message"],
    }
    performance = {
        "type": "object",
        "properties": {
            "Period": {
                "type": "object",
                "properties": {
                    "Begin_Date": {"type": "string", "format": "date"},
                    "End_Date": {"type": "string", "format": "date"},
                },
                "required": ["Begin_Date", "End_Date"],
            },
            "Instance": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "Metric_Type": {"type": "string", "enum": METRIC_TYPES},
                        "Count": {"type": "integer", "minimum": 1},
                    },
                    "required": ["Metric_Type", "Count"],
                },
            },
        },
        "required": ["Period", "Instance"],
    }
    item = {
        "type": "object",
        "properties": {
            "Item": {"type": "string"},
            "Item_ID": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"Type": {"type": "string"}, "Value": {"type": "string"}},
                    "required": ["Type", "Value"],
                },
            },
            "Platform": {"type": "string"},
            "Publisher": {"type": "string"},
            "Data_Type": {"type": "string"},
            "YOP": {"type": "string"},
            "Access_Type": {"type": "string"},
            "Access_Method": {"type": "string"},
            "Performance": {"type": "array", "items": performance},
        },
        "required": ["Item", "Item_ID", "Platform", "Data_Type", "Performance"],
    }
    return {
        "CounterItemReport": {
            "type": "object",
            "properties": {
                "Report_Header": {
                    "type": "object",
                    "properties": {
                        "Report_Name": {"type": "string"},
                        "Report_ID": {"type": "string", "const": "IR"},
                        "Release": {"type": "string"},
                        "Created": {"type": "string", "format": "date-time"},
                        "Created_By": {"type": "string"},
                        "Report_Filters": {"type": "array", "items": name_value},
                        "Report_Attributes": {"type": "array", "items": name_value},
                        "Exceptions": {"type": "array", "items": exception},
                    },
                    "required": ["Report_Name", "Report_ID", "Release", "Created"],
                },
                "Report_Items": {"type": "array", "items": item},
            },
            "required": ["Report_Header", "Report_Items"],
        },
        "CounterError": {
            "type": "object",
            "properties": {
                "error": {"$ref": "#/components/schemas/Error/properties/error"},
                "Exceptions": {"type": "array", "items": exception},
            },
            "required": ["error", "Exceptions"],
        },
    }
