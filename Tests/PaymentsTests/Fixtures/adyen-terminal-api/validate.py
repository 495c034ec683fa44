#!/usr/bin/env python3
"""Validates Terminal API request messages (files of JSON) against Adyen's published schema
(TerminalAPI-v1.subset.json), with jsonschema_rs from .venv-test, formats checked. Stricter than
Adyen's schema, which leaves objects open: a member the schema does not name is refused, so a
misspelt field cannot pass. Patterns "^.{0,N}$" with a large N are read as maxLength N. Prints "ok FILE" or "invalid FILE: why" per message; exit 1 if any
is invalid.
  validate.py SCHEMA MESSAGE.json..."""
import json, re, sys
import jsonschema_rs

# Adyen caps some texts with "^.{0,262144}$", beyond the regex engine's repetition limit: read as
# the length limit it is (such texts, display and print content, are not what the kiosk sends).
LENGTH_ONLY = re.compile(r"\^\.\{0,(\d+)\}\$")


def closed(node):
    """Every object schema that names its properties admits no others."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        limit = LENGTH_ONLY.fullmatch(node.get("pattern", "")) if isinstance(node.get("pattern"), str) else None
        if limit and int(limit.group(1)) > 1000:
            del node["pattern"]
            node["maxLength"] = int(limit.group(1))
        for value in node.values():
            closed(value)
    elif isinstance(node, list):
        for value in node:
            closed(value)
    return node


components = closed(json.load(open(sys.argv[1])))["components"]
schema = {"type": "object", "properties": {"SaleToPOIRequest": {"$ref": "#/components/schemas/SaleToPOIRequest"}},
          "required": ["SaleToPOIRequest"], "additionalProperties": False, "components": components}
validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
failed = False
for path in sys.argv[2:]:
    message = json.load(open(path))
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(message)]
    # One body beside the header, as the protocol has it (the schema allows any number).
    request = message.get("SaleToPOIRequest", {})
    if len(request) != 2 or "MessageHeader" not in request:
        errors.append("SaleToPOIRequest: a MessageHeader and exactly one body expected")
    print(f"invalid {path}: {'; '.join(errors)}" if errors else f"ok {path}")
    failed = failed or bool(errors)
sys.exit(1 if failed else 0)
