#!/usr/bin/python3
"""Makes TerminalAPI-v1.subset.json from Adyen's published Terminal API schema (adyen-openapi,
json/TerminalAPI-v1.json): the schemas of the requests the kiosk sends (MessageHeader,
PaymentRequest, TransactionStatusRequest, AbortRequest, ReversalRequest) and every schema they
refer to, unchanged; SaleToPOIRequest keeps only those members.
  extract.py TerminalAPI-v1.json > TerminalAPI-v1.subset.json"""
import json, sys

SENT = ["MessageHeader", "PaymentRequest", "TransactionStatusRequest", "AbortRequest", "ReversalRequest"]

schemas = json.load(open(sys.argv[1]))["components"]["schemas"]
kept, todo = {}, list(SENT)
while todo:
    name = todo.pop()
    if name in kept:
        continue
    kept[name] = schemas[name]
    text = json.dumps(schemas[name])
    todo += [part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]]
envelope = dict(schemas["SaleToPOIRequest"])
envelope["properties"] = {k: v for k, v in envelope["properties"].items() if k in SENT}
kept["SaleToPOIRequest"] = envelope
json.dump({"components": {"schemas": dict(sorted(kept.items()))}}, sys.stdout, indent=1, sort_keys=True)
print()
