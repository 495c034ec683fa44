"""Head office's side of scripts/bench sync: pulls a lane's journal over its sync API, page by page,
and checks every event's hash as docs/sync-api.yaml says, in constant memory (one page at a time).

    .venv-test/bin/python scripts/bench_sync_client.py BASE-URL CA-FILE [--limit 5000] [--after 0]

The token comes from the environment (KIOSK_SYNC_TOKEN), never from the command line. Prints one
JSON line: events, pages, bytes, seconds, the last seq and hash, CPU seconds and peak RSS (VmHWM)
of this process. Exits 1 at the first event that does not verify.
"""
import argparse
import hashlib
import json
import os
import resource
import sys
import time

import requests


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("ca")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--after", type=int, default=0)
    args = parser.parse_args()
    token = os.environ["KIOSK_SYNC_TOKEN"]

    session = requests.Session()
    # Nothing from the environment: REQUESTS_CA_BUNDLE would replace the lane's CA, a proxy variable
    # would send loopback traffic elsewhere.
    session.trust_env = False
    session.verify = args.ca
    session.headers["Authorization"] = "Bearer " + token
    cursor = args.after
    previous = bytes(32)  # the hash before seq 1
    if cursor > 0:
        raise SystemExit("--after needs the hash at the cursor; only 0 is supported")
    events = pages = size = 0
    begin = time.perf_counter()
    while True:
        reply = session.get(f"{args.base}/sync/v1/events",
                            params={"after": cursor, "limit": args.limit, "maxBytes": 16 * 1024 * 1024})
        if reply.status_code != 200:
            raise SystemExit(f"page after {cursor}: HTTP {reply.status_code} {reply.text[:200]}")
        body = reply.content
        size += len(body)
        page = json.loads(body)
        del body, reply
        expected = cursor + 1
        for event in page["events"]:
            seq = event["seq"]
            if seq != expected:
                raise SystemExit(f"expected seq {expected}, got {seq}")
            # hash = SHA-256(previous hash || "seq\nat\nsession\nkind\npayload" [|| "\nwrites"])
            digest = hashlib.sha256(previous)
            digest.update(f"{seq}\n{event['at']}\n{event['session'] or ''}\n{event['kind']}\n{event['payload']}".encode())
            if event["writes"] is not None:
                digest.update(b"\n" + event["writes"].encode())
            previous = digest.digest()
            if previous.hex() != event["hash"]:
                raise SystemExit(f"the hash of event {seq} does not verify")
            expected += 1
        events += len(page["events"])
        cursor = expected - 1
        if page["last"] != cursor:
            raise SystemExit(f"page says last {page['last']}, its events end at {cursor}")
        head = page["head"]
        if page["events"] and (head is None or head["seq"] != cursor or head["hash"] != previous.hex()):
            raise SystemExit(f"the page's signed head does not name its last event {cursor}")
        pages += 1
        if not page["more"]:
            break
        del page
    seconds = time.perf_counter() - begin
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"events": events, "pages": pages, "bytes": size, "seconds": seconds, "last": cursor,
                      "hash": previous.hex(), "cpu": usage.ru_utime + usage.ru_stime, "peakRSSKiB": peak_rss_kib()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
