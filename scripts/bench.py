"""Benchmarks for scripts/bench. Each compares the kiosk with a reference measured in the same run."""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK = os.environ.get("KIOSK_BINARY", os.path.join(ROOT, ".build/release/kiosk"))


def build_reference(name, libraries):
    source = os.path.join(ROOT, "scripts/bench-reference", name + ".c")
    binary = os.path.join(tempfile.gettempdir(), "kiosk-bench-" + name)
    subprocess.run(["gcc", "-O2", "-o", binary, source] + libraries, check=True)
    return binary


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_and_measure(command, marker, settle=2.0):
    """Start-up to the ready line (ms), then RSS (KiB) and CPU (s) after `settle` seconds idle."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in process.stdout:
        if marker in line:
            break
    else:
        raise SystemExit(f"{command[0]} exited before it was ready")
    ready_ms = (time.perf_counter() - begin) * 1000
    cpu_at_ready = cpu_seconds(process.pid)
    time.sleep(settle)
    rss = rss_kib(process.pid)
    idle_cpu = (cpu_seconds(process.pid) - cpu_at_ready) / settle
    stop = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)
    stop_ms = (time.perf_counter() - stop) * 1000
    return ready_ms, rss, idle_cpu, stop_ms, process.returncode


def bench_startup(runs=7):
    reference = build_reference("startup", ["-lsqlite3"])
    catalog = os.path.join(ROOT, "assets/demo/catalog.csv")
    rows = {"kiosk": [], "C reference": []}
    with tempfile.TemporaryDirectory() as state:
        for run in range(runs):
            # Alternate the two so drift on a shared machine hits both alike. The first kiosk run
            # creates the journal; later ones open an existing one, as a lane does every morning.
            rows["kiosk"].append(start_and_measure(
                [KIOSK, "run", "--demo", "--state-dir", state, "--listen", "127.0.0.1:0"], "kiosk ready on"))
            rows["C reference"].append(start_and_measure(
                [reference, catalog, os.path.join(state, "reference.sqlite")], "ready on"))
    print(f"startup: {runs} runs each, release build, demo catalog, median (min-max)")
    print(f"{'':14}{'ready ms':>22}{'idle RSS MB':>22}{'idle CPU %':>12}{'SIGTERM ms':>12}{'exit':>6}")
    medians = {}
    for name, samples in rows.items():
        ready = [s[0] for s in samples]
        rss = [s[1] / 1024 for s in samples]
        cpu = [s[2] * 100 for s in samples]
        stop = [s[3] for s in samples]
        exits = sorted({s[4] for s in samples})
        medians[name] = (statistics.median(ready), statistics.median(rss))
        print(f"{name:14}{statistics.median(ready):10.1f} ({min(ready):.1f}-{max(ready):.1f})"
              f"{statistics.median(rss):11.1f} ({min(rss):.1f}-{max(rss):.1f})"
              f"{statistics.median(cpu):12.2f}{statistics.median(stop):12.1f}{str(exits):>6}")
    kiosk, ref = medians["kiosk"], medians["C reference"]
    print(f"ratio kiosk / C reference: ready {kiosk[0] / ref[0]:.1f}x, idle RSS {kiosk[1] / ref[1]:.1f}x")
    print(f"targets: ready < 1000 ms -> {'met' if kiosk[0] < 1000 else 'MISSED'}; "
          f"idle RSS < 60 MB -> {'met' if kiosk[1] < 60 else 'MISSED'}")


def bench_receipt():
    """The reference is the printer itself: how long the same receipt takes to print at 250 mm/s."""
    bench = os.environ.get("KIOSK_BENCH_BINARY", os.path.join(ROOT, ".build/release/kiosk-bench"))
    subprocess.run([bench, "receipt", os.path.join(ROOT, "assets")], check=True)


def gtin_check_digit(body):
    """GS1 mod-10 check digit of the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


CATALOG_HEADER = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"
BRANDS = [("Golden Harvest", "金丰"), ("Master Kong", "康师傅"), ("Bright Dairy", "光明"), ("Lee Kum Kee", "李锦记"),
          ("Three Squirrels", "三只松鼠"), ("Nongfu Spring", "农夫山泉"), ("Haitian", "海天"), ("Wahaha", "娃哈哈")]
PRODUCTS = [("Jasmine Rice", "茉莉香米"), ("Braised Beef Noodles", "红烧牛肉面"), ("Fresh Milk", "鲜牛奶"),
            ("Oyster Sauce", "蚝油"), ("Roasted Cashews", "烤腰果"), ("Mineral Water", "矿泉水"),
            ("Light Soy Sauce", "生抽"), ("Green Tea", "绿茶"), ("Dumplings, pork and cabbage", "猪肉白菜水饺")]
SIZES = [("500 g", "500克"), ("1 kg", "1千克"), ("5 x 100 g", "5x100克"), ("250 ml", "250毫升"), ("1.5 l", "1.5升")]


def generate_catalog_csv(path, rows, seed=1):
    """Writes a catalog CSV of `rows` items with distinct valid GTINs in scattered order (EAN-13 with
    prefix 69; 1 in 100 a weighed item under an in-store key), names of shelf-label length, member
    prices, age limits and multi-buys on some rows. Returns the GTINs, in file order."""
    import random
    rng = random.Random(seed)
    weighed = min(99_999, rows // 100)
    bodies = rng.sample(range(10 ** 10), rows - weighed)
    gtins = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(CATALOG_HEADER)
        for n, body in enumerate(bodies):
            code = "69" + f"{body:010d}"
            code += gtin_check_digit(code)
            gtins.append(code)
            (brand, brand_zh), (product, product_zh), (size, size_zh) = \
                BRANDS[n % 8], PRODUCTS[n // 8 % 9], SIZES[n // 72 % 5]
            name = f"{brand} {product} {size} #{n}"
            if "," in name:
                name = '"' + name + '"'
            cents = rng.randrange(50, 100_000)
            member = f"{(cents - cents // 10 - 1) // 100}.{(cents - cents // 10 - 1) % 100:02d}" if n % 5 == 0 else ""
            age = "18" if n % 50 == 7 else ""
            multi = "3for2" if n % 20 == 3 else ""
            out.write(f"{code},{name},{brand_zh}{product_zh}{size_zh},{cents // 100}.{cents % 100:02d},"
                      f"{member},{'AB'[n % 2]},{age},{multi},\n")
        for k in range(weighed):
            code = f"21{k + 1:05d}00000"
            code += gtin_check_digit(code)
            gtins.append(code)
            out.write(f"{code},Loose produce {k} (per kg),散装{k}（每千克）,{rng.randrange(100, 9999) / 100:.2f},,B,,,"
                      "embedded-price\n")
    return gtins


def run_measured(command):
    """Runs `command`; returns its output, wall seconds and peak RSS in MiB. The peak comes from
    /usr/bin/time: wait4's ru_maxrss for a child of this process would include the Python
    process it was forked from, which Linux carries across exec."""
    timed = ["/usr/bin/time", "-f", "peak-rss-kib %M"] + command if os.path.exists("/usr/bin/time") else command
    begin = time.perf_counter()
    result = subprocess.run(timed, capture_output=True, text=True)
    seconds = time.perf_counter() - begin
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed with status {result.returncode}:\n{result.stdout}{result.stderr}")
    peaks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("peak-rss-kib ")]
    return result.stdout, seconds, int(peaks[-1]) / 1024 if peaks else float("nan")


def lookup_figures(output):
    """(lookups/s, p50 us, p99 us, found, lookups) from a catalog-lookup line."""
    import re
    match = re.search(r"(\d+) lookups \((\d+) found\) [\d.]+ s (\d+) lookups/s p50 ([\d.]+) us p99 ([\d.]+) us", output)
    if not match:
        raise SystemExit(f"unexpected catalog-lookup output: {output}")
    lookups, found, rate, p50, p99 = match.groups()
    return float(rate), float(p50), float(p99), int(found), int(lookups)


def bench_catalog(rows=1_000_000, lookups=1_000_000, rounds=5):
    """Import of a generated 1,000,000-row catalog (time, peak RSS), then random point lookups of
    existing GTINs by the kiosk's CatalogStore and by a C program on the same store, alternating."""
    import random
    bench = os.environ.get("KIOSK_BENCH_BINARY", os.path.join(ROOT, ".build/release/kiosk-bench"))
    reference = build_reference("catalog_lookup", ["-lsqlite3"])
    with tempfile.TemporaryDirectory() as work:
        csv = os.path.join(work, "catalog.csv")
        gtins = generate_catalog_csv(csv, rows)
        probe = os.path.join(work, "lookups.txt")
        rng = random.Random(2)
        with open(probe, "w") as out:
            out.writelines(code + "\n" for code in rng.choices(gtins, k=lookups))
        store = os.path.join(work, "store")
        output, seconds, peak = run_measured([bench, "catalog-import", csv, store])
        print(f"catalog: {rows:,} rows ({os.path.getsize(csv) / 1e6:.0f} MB CSV), release build")
        print("  " + output.strip().replace("\n", "\n  "))
        print(f"import: {seconds:.2f} s wall, peak RSS {peak:.1f} MiB; targets < 10 s -> "
              f"{'met' if seconds < 10 else 'MISSED'}, < 200 MB -> {'met' if peak < 200 else 'MISSED'}")
        for name in os.listdir(store):
            if name.startswith("catalog-v"):
                print(f"  version file {name}: {os.path.getsize(os.path.join(store, name)) / 1e6:.1f} MB")

        runs = {"kiosk": [], "C reference": []}
        for _ in range(rounds):
            runs["kiosk"].append(lookup_figures(run_measured([bench, "catalog-lookup", store, probe])[0]))
            runs["C reference"].append(lookup_figures(run_measured([reference, store, probe])[0]))
        grdb = lookup_figures(run_measured([bench, "catalog-lookup", store, probe, "grdb"])[0])
        print(f"lookups: {lookups:,} random existing GTINs per run, each timed; median of {rounds} runs, alternating")
        print(f"{'':34}{'lookups/s':>12}{'p50 us':>9}{'p99 us':>9}")
        medians = {}
        for name, samples in runs.items():
            if any(s[3] != s[4] for s in samples):
                raise SystemExit(f"{name}: some lookups found nothing")
            medians[name] = [statistics.median(s[i] for s in samples) for i in range(3)]
            rate, p50, p99 = medians[name]
            spread = f"({min(s[0] for s in samples):,.0f}-{max(s[0] for s in samples):,.0f})"
            print(f"{name:34}{rate:12,.0f}{p50:9.2f}{p99:9.2f}  {spread}")
        print(f"{'kiosk via GRDB queue (1 run)':34}{grdb[0]:12,.0f}{grdb[1]:9.2f}{grdb[2]:9.2f}")
        kiosk, ref = medians["kiosk"], medians["C reference"]
        ratio = kiosk[0] / ref[0]
        # Each kiosk run against the C run right after it: drift on a shared machine hits both alike.
        pairs = sorted(k[0] / c[0] for k, c in zip(runs["kiosk"], runs["C reference"]))
        best = max(s[0] for s in runs["kiosk"]) / max(s[0] for s in runs["C reference"])
        print(f"ratio kiosk / C reference (lookups/s): {ratio:.2f} of the medians; run by run "
              f"{statistics.median(pairs):.2f} median ({pairs[0]:.2f}-{pairs[-1]:.2f}); best against best {best:.2f}; "
              f"C p50 / kiosk p50 {ref[1] / kiosk[1]:.2f}")
        print(f"targets: >= 400,000 lookups/s -> {'met' if kiosk[0] >= 400_000 else 'MISSED'}; "
              f"p99 < 5 us -> {'met' if kiosk[2] < 5 else 'MISSED'}; ratio >= 0.9 -> {'met' if ratio >= 0.9 else 'MISSED'}")


BENCHMARKS = {"startup": bench_startup, "receipt": bench_receipt, "catalog": bench_catalog}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {unknown[0]}; known: {', '.join(BENCHMARKS)}")
    for name in names:
        BENCHMARKS[name]()
