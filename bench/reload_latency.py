#!/usr/bin/env python3
"""Reload latency of a live runner: time from a file's write to its new version being in force.

Starts the packaged runner (`run`) on a copy of the demo flows and example routes in a temporary directory,
then saves files the way operators do and, for each save, polls the runner's HTTP API (every 5 ms) until the
status shows the saved bytes' version in force. Prints min / median / p95 / max per kind of save, in ms.

Kinds of save: an in-place write of a flow file (`sed -i`-like truncate + write), an editor-style atomic save of a
flow file (write a temp file, rename it over), a new flow file, and an in-place write of an operator route file.
The time includes the runner's debounce (flowexport.reload.quiet, 200 ms by default): the runner waits for the
directory to be quiet before it reloads, so that one save that makes several write events is one reload.

Usage: bench/reload_latency.py [--saves N] [--jar target/flow-export.jar] [--quiet-ms 200]
"""
import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
        return json.loads(r.read())


def in_force(port, name, kind, v):
    for entry in status(port)["flows" if kind == "flow" else "routes"]:
        if os.path.basename(entry["file"]) == name:
            return entry.get("active_version") == v
    return False


def timed(port, path, data, kind, atomic=False):
    name = os.path.basename(path)
    v = version(data)
    start = time.monotonic()
    if atomic:
        tmp = os.path.join(os.path.dirname(path), "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    else:
        with open(path, "wb") as f:
            f.write(data)
    while not in_force(port, name, kind, v):
        if time.monotonic() - start > 30:
            raise SystemExit(f"{name}: version {v} not in force after 30 s")
        time.sleep(0.005)
    return (time.monotonic() - start) * 1000


def summary(label, ms):
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"| {label} | {len(ms)} | {ms[0]:.0f} | {statistics.median(ms):.0f} | {p95:.0f} | {ms[-1]:.0f} |"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--jar", default=os.path.join(ROOT, "target", "flow-export.jar"))
    ap.add_argument("--quiet-ms", type=int, default=200)
    args = ap.parse_args()
    if not os.path.exists(args.jar):
        raise SystemExit(f"{args.jar} is missing; build it with: mvn -q -DskipTests package")

    work = tempfile.mkdtemp(prefix="flowexport-reload-")
    shutil.copytree(os.path.join(ROOT, "flows"), os.path.join(work, "flows"))
    shutil.copytree(os.path.join(ROOT, "routes"), os.path.join(work, "routes"))
    port = free_port()
    log = open(os.path.join(work, "run.log"), "wb")
    proc = subprocess.Popen([os.environ.get("JAVA", "java"), f"-Dflowexport.http.port={port}",
                             f"-Dflowexport.reload.quiet={args.quiet_ms}ms", "-jar", args.jar, "run"],
                            cwd=work, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status(port)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the runner did not start; see " + log.name)
                time.sleep(0.05)
        flow = os.path.join(work, "flows", "orders_full_csv.toml")
        route = os.path.join(work, "routes", "log-finished-runs.yaml")
        base_flow = open(flow, "rb").read()
        base_route = open(route, "rb").read()
        results = {"flow file, in-place write": [], "flow file, atomic rename save": [], "new flow file": [],
                   "operator route file, in-place write": []}
        for i in range(args.saves):
            edit = f"# edit {i}\n".encode()
            results["flow file, in-place write"].append(timed(port, flow, base_flow + edit, "flow"))
            results["flow file, atomic rename save"].append(
                timed(port, flow, base_flow + edit + b"# atomic\n", "flow", atomic=True))
            new = os.path.join(work, "flows", f"added_{i}.toml")
            results["new flow file"].append(timed(port, new, base_flow.replace(
                b'id = "orders_full_csv"', f'id = "added_{i}"'.encode()), "flow"))
            os.remove(new)
            results["operator route file, in-place write"].append(timed(port, route, base_route + edit, "route"))
        print(f"reload latency, write to in force, debounce {args.quiet_ms} ms, {args.saves} saves each (ms)")
        print("| save | n | min | median | p95 | max |")
        print("|---|---|---|---|---|---|")
        for label, ms in results.items():
            print(summary(label, ms))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
