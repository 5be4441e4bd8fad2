"""schemathesis hooks for the gateway (loaded through SCHEMATHESIS_HOOKS by schemathesis.e2e.spec.ts).

A service's own rules refuse some well-formed requests with 400 (a session that ends before it
starts, one in the past): no OpenAPI schema can say so, so positive_data_acceptance accepts 400.
What must never happen is the gateway's edge — its schema validation and body parsing — refusing
a request its own document allows: this check fails on exactly that.
"""

import json
import re

import schemathesis

# The codes packages/http answers when a request does not fit the route (errorResponse, clientErrorHandler).
EDGE_CODES = {"VALIDATION_FAILED", "BODY_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "URI_TOO_LONG", "MALFORMED_REQUEST", "HEADERS_TOO_LARGE", "BAD_REQUEST"}
FASTIFY_CODE = re.compile(r"^(CTP_|ROUTE_|FST_)")


@schemathesis.check
def edge_accepts_documented_input(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 413, 414, 415, 431):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    code = body.get("code", "") if isinstance(body, dict) else ""
    if code in EDGE_CODES or FASTIFY_CODE.match(code):
        raise AssertionError(f"The gateway refused a request its OpenAPI document allows ({response.status_code} {code}): {response.content[:300]!r}")
    return None
