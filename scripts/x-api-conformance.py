#!/usr/bin/env python3
"""Validates captured X API v2 responses against the official schema (spec/x-api/openapi-dm.json).

Usage:
  scripts/x-api-conformance.py CAPTURES_DIR [--spec FILE]
  scripts/x-api-conformance.py --self-test [--spec FILE]

Each capture is a JSON file in CAPTURES_DIR naming one response:
  {"method": "GET", "path": "/2/users/123?user.fields=id", "status": 200,
   "contentType": "application/json; charset=utf-8", "body": "<the body, as text>"}
`path` is the request path as sent (query allowed); the script finds the schema operation whose
path template matches it (literal paths first, so /2/users/me beats /2/users/{id}), takes the
response declared for the status (or `default`) and the media type of `contentType`, and
validates the body with openapi-schema-validator (OpenAPI 3.0 rules, `$ref`s resolved through a
`referencing` registry holding the whole document; `date-time` formats checked).

One exception the schema does not cover: X answers 401, 403, 429 and 5xx with
`{"title","detail","type":"about:blank","status"}` (RFC 7807 with no problem type). Those bodies
are checked against that exact shape instead, with `status` equal to the HTTP status.

Exit status: 0 when every capture is valid, 1 when any is not (one precise line per failure:
file, operation, status, JSON path of the fault, and what is wrong), 2 on bad usage or input.
"""

import argparse
import json
import os
import re
import sys
import tempfile

try:
    import jsonschema
    from openapi_schema_validator import OAS30Validator, oas30_format_checker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4
except ImportError as missing:  # pragma: no cover - depends on the machine
    print(f"x-api-conformance: missing Python package ({missing}); run scripts/setup", file=sys.stderr)
    sys.exit(2)

SPEC_URI = "urn:x-api:openapi-dm"
METHODS = ("get", "post", "put", "patch", "delete")

# X's answer for statuses without a problem type: RFC 7807 with type about:blank.
ABOUT_BLANK = {
    "type": "object",
    "required": ["title", "detail", "type", "status"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "detail": {"type": "string", "minLength": 1},
        "type": {"type": "string", "enum": ["about:blank"]},
        "status": {"type": "integer"},
    },
}

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def format_checker():
    checker = jsonschema.FormatChecker(formats=())
    for name, func in oas30_format_checker.checkers.items():
        checker.checkers[name] = func

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            raise ValueError(f"{value!r} is not an RFC 3339 date-time")
        return True

    return checker


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.document = json.load(handle)
        resource = Resource.from_contents(self.document, default_specification=DRAFT4)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self.checker = format_checker()
        self.operations = []
        for template, item in self.document["paths"].items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            literal = "{" not in template
            for method in METHODS:
                if method in item:
                    self.operations.append((method.upper(), template, re.compile(pattern), literal, item[method]))
        # Literal templates win over parameterised ones (/2/users/me before /2/users/{id}).
        self.operations.sort(key=lambda op: (not op[3], -len(op[1])))

    def operation(self, method, path):
        for op_method, template, pattern, _, operation in self.operations:
            if op_method == method and pattern.match(path):
                return template, operation
        return None, None

    def validator(self, schema):
        return OAS30Validator(schema, registry=self.registry, format_checker=self.checker)

    def resolve(self, schema):
        """Follows local `$ref`s to the schema they name."""
        while isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/"):
            node = self.document
            for part in schema["$ref"][2:].split("/"):
                node = node[part]
            schema = node
        return schema

    def discriminator_failure(self, schema, body):
        """A readable failure when a discriminated oneOf (the Problem types) gets an unmapped value.

        Without this the validator reports an unresolvable reference rather than the bad value."""
        resolved = self.resolve(schema)
        discriminator = resolved.get("discriminator") if isinstance(resolved, dict) else None
        if not discriminator or not isinstance(body, dict):
            return None
        name = discriminator.get("propertyName")
        mapping = discriminator.get("mapping", {})
        value = body.get(name)
        if value not in mapping:
            return f"$.{name}: {value!r} is not one of the schema's types ({', '.join(sorted(mapping))})"
        return None

    def pointer_schema(self, schema):
        """A schema given inline in the document, with its local refs made absolute."""
        if isinstance(schema, dict) and set(schema) == {"$ref"} and schema["$ref"].startswith("#"):
            return {"$ref": SPEC_URI + schema["$ref"]}
        return {"allOf": [rewrite_refs(schema)]}


def rewrite_refs(node):
    if isinstance(node, dict):
        return {k: (SPEC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else rewrite_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


def json_path(error):
    parts = ["$"]
    for part in error.absolute_path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts)


def describe(error):
    """The most precise message: for oneOf/anyOf failures, the deepest sub-error."""
    best = error
    if error.context:
        best = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.schema_path)))
        if best.context:
            return describe(best)
    return f"{json_path(best)}: {best.message}"


def validate_capture(spec, name, capture):
    """Returns a list of failure lines for one capture (empty when valid)."""
    try:
        method = capture["method"].upper()
        raw_path = capture["path"]
        status = int(capture["status"])
        content_type = capture.get("contentType") or ""
        text = capture["body"]
    except (KeyError, TypeError, ValueError) as problem:
        return [f"{name}: not a capture ({problem}); expected method, path, status, contentType, body"]
    path = raw_path.split("?", 1)[0]
    where = f"{name}: {method} {path} {status}"
    template, operation = spec.operation(method, path)
    if operation is None:
        return [f"{where}: no operation of the schema matches this method and path"]
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        return [f"{where} ({operation.get('operationId')}): status {status} is not declared and there is no default response"]
    media_type = content_type.split(";", 1)[0].strip().lower()
    try:
        body = json.loads(text)
    except (json.JSONDecodeError, TypeError) as problem:
        return [f"{where}: the body is not JSON ({problem})"]

    label = f"{where} ({operation.get('operationId')})"
    if media_type == "application/problem+json" and isinstance(body, dict) and body.get("type") == "about:blank":
        failures = [f"{label} as X's about:blank problem: {describe(e)}" for e in spec.validator(ABOUT_BLANK).iter_errors(body)]
        if isinstance(body.get("status"), int) and body["status"] != status:
            failures.append(f"{label}: $.status is {body['status']} but the HTTP status is {status}")
        return failures
    content = response.get("content", {})
    if media_type not in content:
        return [f"{label}: content type {media_type or '(none)'} is not declared (declared: {', '.join(sorted(content)) or 'none'})"]
    declared = content[media_type]["schema"]
    discriminated = spec.discriminator_failure(declared, body)
    if discriminated:
        return [f"{label}: {discriminated}"]
    schema = spec.pointer_schema(declared)
    failures = [f"{label}: {describe(e)}" for e in sorted(spec.validator(schema).iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))]
    if media_type == "application/problem+json" and isinstance(body, dict) and isinstance(body.get("status"), int) and body["status"] != status:
        failures.append(f"{label}: $.status is {body['status']} but the HTTP status is {status}")
    if status < 400 and media_type == "application/problem+json":
        failures.append(f"{label}: a problem body with a success status")
    return failures


def validate_folder(spec, folder):
    names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    if not names:
        print(f"x-api-conformance: no *.json captures in {folder}", file=sys.stderr)
        return 2
    failures = []
    for name in names:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                capture = json.load(handle)
        except (OSError, json.JSONDecodeError) as problem:
            failures.append(f"{name}: cannot read the capture ({problem})")
            continue
        failures.extend(validate_capture(spec, name, capture))
    for line in failures:
        print(f"FAIL {line}")
    print(f"x-api-conformance: {len(names)} captures, {len(failures)} failures")
    return 1 if failures else 0


def self_test(spec):
    """Proves the validator is strict: good captures pass, broken ones fail for the right reason."""
    good_list = {"data": [{"id": "1582838593371127812", "event_type": "MessageCreate", "text": "Hello",
                           "created_at": "2022-10-19T14:17:15.000Z", "sender_id": "906948460078698496",
                           "dm_conversation_id": "1234-906948460078698496"}],
                 "includes": {"users": [{"id": "906948460078698496", "name": "Jane", "username": "jane"}]},
                 "meta": {"result_count": 1, "next_token": "0123456789ABCDEFGH"}}
    cases = [
        ("good-list", "GET", "/2/dm_events?max_results=1", 200, "application/json", good_list, None),
        ("good-send", "POST", "/2/dm_conversations/with/906948460078698496/messages", 201, "application/json",
         {"data": {"dm_conversation_id": "1234-906948460078698496", "dm_event_id": "1582838593371127812"}}, None),
        ("good-invalid-request", "GET", "/2/dm_events", 400, "application/problem+json",
         {"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
          "type": "https://api.x.com/2/problems/invalid-request", "status": 400}, None),
        ("good-unauthorized", "GET", "/2/users/me", 401, "application/problem+json",
         {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, None),
        ("broken-wrong-type", "GET", "/2/dm_events", 200, "application/json",
         dict(good_list, meta={"result_count": "1"}), "$.meta.result_count: '1' is not of type 'integer'"),
        ("broken-missing-required", "POST", "/2/dm_conversations/with/906948460078698496/messages", 201, "application/json",
         {"data": {"dm_conversation_id": "1234-906948460078698496"}}, "$.data: 'dm_event_id' is a required property"),
        ("broken-user-id-type", "GET", "/2/users/me", 200, "application/json",
         {"data": {"id": 906948460078698496, "name": "Jane", "username": "jane"}}, "$.data.id: 906948460078698496 is not of type 'string'"),
        ("broken-problem-type", "GET", "/2/dm_events", 400, "application/problem+json",
         {"title": "Invalid Request", "detail": "x", "type": "https://example.com/oops", "status": 400}, "$.type"),
        ("broken-date", "GET", "/2/dm_events", 200, "application/json",
         {"data": [{"id": "1", "created_at": "19 Oct 2022"}], "meta": {"result_count": 1}}, "'19 Oct 2022' is not a 'date-time'"),
        ("broken-blank-status", "GET", "/2/users/me", 429, "application/problem+json",
         {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 401}, "but the HTTP status is 429"),
        ("broken-content-type", "GET", "/2/users/me", 200, "text/html", {"data": {}}, "content type text/html is not declared"),
    ]
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for name, method, path, status, content_type, body, _ in cases:
            with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8") as handle:
                json.dump({"method": method, "path": path, "status": status, "contentType": content_type, "body": json.dumps(body)}, handle)
        for name, method, path, status, content_type, body, expected in cases:
            with open(os.path.join(folder, name + ".json"), encoding="utf-8") as handle:
                failures = validate_capture(spec, name + ".json", json.load(handle))
            if expected is None and failures:
                problems.append(f"{name} should be valid but: {failures}")
            elif expected is not None and not any(expected in line for line in failures):
                problems.append(f"{name} should fail with '{expected}' but got: {failures or 'no failure'}")
        # The folder run must fail (exit 1) because of the broken captures.
        if validate_folder(spec, folder) != 1:
            problems.append("a folder with broken captures did not exit 1")
    for line in problems:
        print(f"SELF-TEST FAIL {line}")
    print(f"x-api-conformance self-test: {len(cases)} cases, {len(problems)} problems")
    return 1 if problems else 0


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description="Validate captured X API v2 responses against the official schema.")
    parser.add_argument("captures", nargs="?", help="folder of capture files (*.json)")
    parser.add_argument("--spec", default=os.path.join(root, "spec", "x-api", "openapi-dm.json"))
    parser.add_argument("--self-test", action="store_true", help="prove the validator catches broken bodies")
    args = parser.parse_args()
    try:
        spec = Spec(args.spec)
    except (OSError, json.JSONDecodeError) as problem:
        print(f"x-api-conformance: cannot read the schema {args.spec}: {problem}", file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(spec)
    if not args.captures or not os.path.isdir(args.captures):
        parser.print_usage(sys.stderr)
        print("x-api-conformance: give a folder of captures, or --self-test", file=sys.stderr)
        return 2
    return validate_folder(spec, args.captures)


if __name__ == "__main__":
    sys.exit(main())
