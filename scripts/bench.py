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


BENCHMARKS = {"startup": bench_startup, "receipt": bench_receipt}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {unknown[0]}; known: {', '.join(BENCHMARKS)}")
    for name in names:
        BENCHMARKS[name]()
