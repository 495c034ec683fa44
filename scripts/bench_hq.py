"""scripts/bench hq: head office collecting 100 lanes (1,000,000 events in all) into PostgreSQL.

How the lanes are made: each lane's journal is written by `kiosk-bench journal-generate`, i.e. by
the real LaneEngine over a signing LaneJournal (real events, hashes and signed heads; its own key
and lane id, seeded), on tmpfs, then copied to the disk. Each lane is then served by its own real
`kiosk run --demo` process over its real sync listener (TLS, bearer token). Generating a million
events through the shopper's page would take hours; serving them is the real thing.

What is measured, in the same run, against a PostgreSQL of the benchmark's own (fsync on):
  - `kiosk-hq collect --once` over every lane into a fresh database: events per second, against
    psql's `\\copy` of the very rows it stored into the same tables of another fresh database;
  - the collector's peak RSS (/usr/bin/time) at two backlog sizes (a tenth of the lanes, then all);
  - sale to PostgreSQL with the collector idle: `collect --interval` running, sales made one at a
    time on a running lane; the latency of each is its row's commit time in PostgreSQL
    (track_commit_timestamp) minus the sale's time on the lane (the same machine clock): p50, p99.
"""
import base64
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

import bench as common

HQ = os.environ.get("KIOSK_HQ_BINARY", os.path.join(common.ROOT, ".build/release/kiosk-hq"))
BENCH = os.environ.get("KIOSK_BENCH_BINARY", os.path.join(common.ROOT, ".build/release/kiosk-bench"))
COLLECT_INTERVAL = "0.2"  # seconds between the idle collector's rounds, in the latency part
TABLES = ["event", "sale", "sale_line", "sale_discount", "sale_tax", "sale_payment", "coupon_redemption"]


class Cluster:
    """A PostgreSQL of the benchmark's own: initdb in a temporary folder, a Unix socket only, fsync
    on (the default: it is a benchmark), commit timestamps kept (for the latency)."""

    def __init__(self, folder):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
        self.folder, self.data = folder, os.path.join(folder, "data")
        self.user = ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] if os.getuid() == 0 else []
        if self.user:
            subprocess.run(["chown", "-R", "postgres:postgres", folder], check=True)
        subprocess.run(self.user + [f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                    "--locale=C.UTF-8"], check=True, capture_output=True)
        self.log = open(os.path.join(folder, "server.log"), "a")
        self.server = subprocess.Popen(self.user + [f"{self.bin}/postgres", "-D", self.data, "-c", "listen_addresses=",
                                                    "-k", folder, "-p", "5432", "-c", "track_commit_timestamp=on"],
                                       stdout=self.log, stderr=self.log)
        for _ in range(600):
            if subprocess.run([f"{self.bin}/pg_isready", "-q", "-h", folder, "-p", "5432"]).returncode == 0:
                return
            time.sleep(0.1)
        raise SystemExit("PostgreSQL did not start: see " + self.log.name)

    def url(self, database):
        return f"postgres:///{database}?host={self.folder}&port=5432&user=postgres"

    def psql(self, database, sql=None, script=None):
        command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h", self.folder, "-p", "5432",
                   "-U", "postgres", "-d", database] + (["-c", sql] if sql else ["-1", "-f", script])
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def stop(self):
        self.server.send_signal(signal.SIGINT)
        self.server.wait(timeout=120)


def make_token():
    """A sync token as `kiosk sync token add` makes one ("kst_" + 43 base64url characters) and the
    SHA-256 the lane's settings keep."""
    text = "kst_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    return text, hashlib.sha256(text.encode()).hexdigest()


def generate_lanes(work, count, events):
    """`count` lane state folders of about `events` events each, two generators at a time."""
    shm = tempfile.mkdtemp(prefix="kiosk-bench-hq-", dir="/dev/shm")
    ids = [f"B{n:03d}" for n in range(1, count + 1)]
    try:
        running, outputs = [], []
        for n, lane in enumerate(ids):
            running.append(subprocess.Popen([BENCH, "journal-generate", os.path.join(common.ROOT, "assets"),
                                             os.path.join(shm, lane), str(events), str(1000 + n), lane],
                                            stdout=subprocess.PIPE, text=True))
            if len(running) == os.cpu_count() or n == len(ids) - 1:
                for process in running:
                    outputs.append(process.communicate()[0])
                    if process.returncode != 0:
                        raise SystemExit("journal-generate failed")
                running = []
        for lane in ids:
            shutil.copytree(os.path.join(shm, lane), os.path.join(work, "lanes", lane))
    finally:
        shutil.rmtree(shm, ignore_errors=True)
    written = sum(int(re.search(r"(\d+) events", o).group(1)) for o in outputs)
    sales = sum(int(re.search(r"(\d+) sales", o).group(1)) for o in outputs)
    return ids, written, sales


def start_lanes(work, ids, certificate, key, token_hash):
    """A `kiosk run` per lane with its sync listener; each lane's public key from `kiosk lane identity`."""
    lanes = {}
    for lane in ids:
        config = os.path.join(work, "lanes", lane + ".json")
        with open(config, "w") as out:
            json.dump({"laneID": lane, "usbDevices": False,
                       "sync": {"listen": "127.0.0.1:0", "tls": {"certificate": certificate, "key": key},
                                "tokens": [{"name": "hq", "sha256": token_hash}]}}, out)
        state = os.path.join(work, "lanes", lane)
        identity = subprocess.run([common.KIOSK, "lane", "identity", "--state-dir", state, "--config", config],
                                  check=True, capture_output=True, text=True).stdout
        public_key = re.search(r"public key \(ed25519, base64\): (\S+)", identity).group(1)
        lanes[lane] = (common.Lane(state, config), public_key)
    return lanes


def enrol(cluster, database, lanes, ids, token_file, ca):
    cluster.psql("postgres", f"CREATE DATABASE {database}")
    url = cluster.url(database)
    subprocess.run([HQ, "migrate", "--database", url], check=True, capture_output=True)
    for lane in ids:
        process, public_key = lanes[lane]
        address = process.sync.replace("127.0.0.1", "localhost")
        subprocess.run([HQ, "lanes", "add", lane, "--database", url, "--store", "S" + lane[1:3], "--public-key", public_key,
                        "--address", address, "--token-file", token_file, "--ca-file", ca], check=True, capture_output=True)
    return url


def collect_once(cluster, database, url):
    """`collect --once` timed: (events stored, seconds, peak RSS MiB)."""
    _, seconds, peak = common.run_measured([HQ, "collect", "--once", "--database", url])
    stored = int(cluster.psql(database, "SELECT count(*) FROM event"))
    return stored, seconds, peak


def copy_reference(cluster, work, source, database):
    """psql's \\copy of the rows `source` holds into the same tables of a fresh database (its lanes,
    cursors and month partitions made first, untimed): (rows, seconds), in one transaction."""
    cluster.psql("postgres", f"CREATE DATABASE {database}")
    subprocess.run([HQ, "migrate", "--database", cluster.url(database)], check=True, capture_output=True)
    partitions = cluster.psql(source, "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                                      "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'event'::regclass")
    for line in partitions.splitlines():
        name, bound = line.split("\t")
        cluster.psql(database, f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF event {bound}")
    rows = 0
    timed = os.path.join(work, "copy.sql")
    with open(timed, "w") as script:
        for table in ["lane", "lane_cursor"] + TABLES:
            data = os.path.join(work, table + ".copy")
            cluster.psql(source, f"\\copy (SELECT * FROM {table}) TO '{data}'")
            if table in ("lane", "lane_cursor"):
                cluster.psql(database, f"\\copy {table} FROM '{data}'")
            else:
                rows += sum(1 for _ in open(data))
                script.write(f"\\copy {table} FROM '{data}'\n")
    begin = time.perf_counter()
    cluster.psql(database, script=timed)
    return rows, time.perf_counter() - begin


def sale(lane, items):
    """One sale on a running demo lane: two scans, pay (the demo terminal approves), finish."""
    for code in random.sample(items, 2):
        if lane.post("/api/scan", {"code": code}) != 200:
            raise SystemExit("a scan was refused")
    if lane.post("/api/pay", {}) != 200:
        raise SystemExit("pay was refused")
    for _ in range(3000):
        if lane.get("/api/state").get("phase") == "receipt":
            break
        time.sleep(0.01)
    else:
        raise SystemExit("the sale did not reach its receipt")
    lane.post("/api/finish", {})


def latencies(cluster, database, url, lane_id, lane, count):
    """Sales made one at a time on a running lane, at random moments, while `collect` runs idle:
    each sale's commit in PostgreSQL minus its time on the lane, in ms, sorted."""
    collector = subprocess.Popen([HQ, "collect", "--interval", COLLECT_INTERVAL, "--database", url],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        begin_ms = int(time.time() * 1000)
        items = common.demo_scan_items()
        rng = random.Random(12)
        for _ in range(count):
            sale(lane, items)
            time.sleep(rng.uniform(0, 2 * float(COLLECT_INTERVAL)))  # no lock-step with the collector's rounds
        query = (f"SELECT count(*) FROM sale WHERE lane = '{lane_id}' AND completed_at >= to_timestamp({begin_ms} / 1000.0)")
        for _ in range(600):
            if int(cluster.psql(database, query)) >= count:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the sales did not all reach PostgreSQL")
        values = cluster.psql(database, "SELECT 1000 * extract(epoch FROM pg_xact_commit_timestamp(xmin) - completed_at) "
                                        f"FROM sale WHERE lane = '{lane_id}' AND completed_at >= to_timestamp({begin_ms} / 1000.0)")
        return sorted(float(v) for v in values.split())
    finally:
        collector.send_signal(signal.SIGTERM)
        collector.wait(timeout=60)


# small: as many lanes as the collector pulls at once (its default --concurrency, 16), so both
# backlogs have the same lanes in flight and only the backlog differs.
def run(lane_count=100, events_per_lane=10_000, small=16, sales=100):
    work = tempfile.mkdtemp(prefix="kiosk-bench-hq-")  # on disk, like lanes' and a server's
    os.chmod(work, 0o711)  # the server's user reaches its own folder inside, and nothing else
    cluster, lanes = None, {}
    try:
        ids, written, sale_count = generate_lanes(work, lane_count, events_per_lane)
        print(f"hq: {os.path.basename(os.path.dirname(HQ))} build; {lane_count} lanes, {written:,} events ({sale_count:,} sales) written by LaneEngine "
              f"(kiosk-bench journal-generate, one key per lane), each served by its own `kiosk run` over TLS")
        pki = os.path.join(work, "pki")
        os.mkdir(pki)
        ca, certificate, key = common.make_pki(pki)
        token, token_hash = make_token()
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as out:
            out.write(token + "\n")
        os.chmod(token_file, 0o600)
        lanes = start_lanes(work, ids, certificate, key, token_hash)
        os.makedirs(os.path.join(work, "pg"))
        cluster = Cluster(os.path.join(work, "pg"))

        # Two backlog sizes, each into a fresh database: the peak RSS must not follow the backlog.
        small_url = enrol(cluster, "hq_small", lanes, ids[:small], token_file, ca)
        small_events, small_seconds, small_peak = collect_once(cluster, "hq_small", small_url)
        full_url = enrol(cluster, "hq_full", lanes, ids, token_file, ca)
        events, seconds, peak = collect_once(cluster, "hq_full", full_url)
        copied, copy_seconds = copy_reference(cluster, work, "hq_full", "hq_copy")
        sale_rows = copied - events
        rate, copy_rate = events / seconds, events / copy_seconds
        print(f"collect --once, {lane_count} lanes: {events:,} events (+{sale_rows:,} sale rows) in {seconds:.1f} s = "
              f"{rate:,.0f} events/s; peak RSS {peak:.1f} MiB")
        print(f"psql \\copy of the same {copied:,} rows into the same tables (one transaction): {copy_seconds:.1f} s = "
              f"{copy_rate:,.0f} events/s")
        print(f"ratio collector / \\copy (events/s): {rate / copy_rate:.2f}")
        print(f"peak RSS by backlog: {small_events:,} events ({small} lanes) {small_peak:.1f} MiB, "
              f"{events:,} events ({lane_count} lanes) {peak:.1f} MiB: ratio {peak / small_peak:.2f} for "
              f"{events / small_events:.1f}x the backlog; {small_events / small_seconds:,.0f} events/s on the small one")

        sizes = cluster.psql("hq_full", "SELECT c.relname LIKE 'event%', sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                        "WHERE c.relkind = 'r' AND (c.relname LIKE 'event%' OR c.relname LIKE 'sale%' "
                                        "OR c.relname = 'coupon_redemption') GROUP BY 1")
        by_kind = {flag == "t": int(total) for flag, total in (line.split("\t") for line in sizes.splitlines())}
        size = sum(by_kind.values())
        print(f"PostgreSQL size: {size / 1e6:.0f} MB for {events:,} events and their sale rows (tables, indexes, TOAST): "
              f"{size / events:.0f} bytes per event, {size / max(1, sale_count):,.0f} bytes per sale "
              f"(events {by_kind.get(True, 0) / max(1, sale_count):,.0f}, sale tables {by_kind.get(False, 0) / max(1, sale_count):,.0f}); "
              f"{events / max(1, sale_count):.1f} events per sale")

        trips = latencies(cluster, "hq_full", full_url, ids[0], lanes[ids[0]][0], sales)
        print(f"sale to PostgreSQL, collector idle (collect --interval {COLLECT_INTERVAL}), {len(trips)} sales on lane {ids[0]}: "
              f"p50 {statistics.median(trips):.0f} ms, p99 {trips[len(trips) * 99 // 100]:.0f} ms, max {trips[-1]:.0f} ms "
              f"(the interval alone accounts for {float(COLLECT_INTERVAL) * 500:.0f} ms on average)")
    finally:
        for process, _ in lanes.values():
            if process.process.poll() is None:
                process.process.kill()
        if cluster:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
