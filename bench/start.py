#!/usr/bin/python3
"""Start time of flow-export: whole-process wall time of short commands and of `run` until it serves GET /status.

Driven by bench/start.sh (see bench/README.md, "Start time"). Each scenario is timed with each way of starting
(plain `java -jar` and the launcher bin/flow-export), in turns, so a slow period of a shared machine hits them
alike. Prints a markdown table on stdout; progress on stderr.
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import results_file  # bench/bench.py: the same naming of result files

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def timed_command(cmd, cwd, env) -> float:
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}: {p.stderr.decode()[-2000:]}")
    return took


def start_runner(cmd, cwd, env, port, timeout=60.0):
    """Starts `run` and returns (process, seconds until GET /status answered 200)."""
    env = dict(env, FLOWEXPORT_HTTP_PORT=str(port))
    start = time.perf_counter()
    p = subprocess.Popen(cmd + ["run"], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(cwd, "runner.log"), "ab"))
    while not answers(port):
        if p.poll() is not None:
            raise RuntimeError(f"run exited with {p.returncode}; see {cwd}/runner.log")
        if time.perf_counter() - start > timeout:
            p.kill()
            raise RuntimeError(f"run not ready after {timeout} s; see {cwd}/runner.log")
        time.sleep(0.005)
    return p, time.perf_counter() - start


def stop(p, sig=signal.SIGTERM):
    p.send_signal(sig)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def scenario_help(cmd, cwd, env):
    return timed_command(cmd + ["--help"], cwd, env)


def scenario_run_once(cmd, cwd, env):
    return timed_command(cmd + ["run-once", "orders_full_csv"], cwd, env)


def scenario_run(cmd, cwd, env):
    p, took = start_runner(cmd, cwd, env, free_port())
    stop(p)
    return took


def scenario_run_after_kill(cmd, cwd, env):
    port = free_port()
    first, _ = start_runner(cmd, cwd, env, port)
    stop(first, signal.SIGKILL)  # leaves the state store's lock behind, as a crash does
    p, took = start_runner(cmd, cwd, env, port)
    stop(p)
    return took


SCENARIOS = [
    ("--help", scenario_help),
    ("run-once orders_full_csv (demo)", scenario_run_once),
    ("run, start to first 200 from GET /status", scenario_run),
    ("run after SIGKILL of a runner on the same state store", scenario_run_after_kill),
]


def environment(java, load_before):
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor() or "unknown")
    mem_gb = next((int(l.split()[1]) / 1024 / 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal:")), 0)
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "pom.xml", "bin"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "memory": f"{mem_gb:.1f} GB",
        "Java": " / ".join(version[:2]) if version else "unknown",
        "flow-export": f"{commit}{' (src, pom.xml or bin modified)' if dirty else ''}",
        "load average (1, 5, 15 min) before / after": f"{load_before} / {load()}",
    }


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--java", default=os.environ.get("JAVA", "java"))
    ap.add_argument("--jar", default=os.path.join(ROOT, "target", "flow-export.jar"))
    ap.add_argument("--launcher", default=os.path.join(ROOT, "bin", "flow-export"))
    ap.add_argument("--only", default="", help="comma-separated scenario numbers (1-4); all by default")
    ap.add_argument("--no-save", action="store_true", help="print the table only, no bench/results file")
    ap.add_argument("--way", action="append", default=[], metavar="LABEL=COMMAND",
                    help="time this way of starting instead of java -jar and the launcher, e.g. "
                         "'c1=java -XX:TieredStopAtLevel=1 -jar target/flow-export.jar' (repeatable)")
    args = ap.parse_args()

    if args.way:
        ways = [(w.split("=", 1)[0], w.split("=", 1)[1].split()) for w in args.way]
    else:
        ways = [("java -jar", [args.java, "-jar", args.jar])]
        if os.path.exists(args.launcher):
            ways.append(("launcher", [args.launcher]))
        else:
            print(f"no launcher at {args.launcher}: timing java -jar only", file=sys.stderr)
    chosen = [s for i, s in enumerate(SCENARIOS, 1) if not args.only or str(i) in args.only.split(",")]

    load_before = load()
    work = tempfile.mkdtemp(prefix="flowexport-start-")
    env = dict(os.environ, JAVA=args.java)
    env.pop("JAVA_OPTS", None)
    try:
        for d in ("flows", "destinations", "routes"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(work, d))
        # the demo database and the state store, made once, untimed
        subprocess.run([args.java, "-jar", args.jar, "run-once", "--all"], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = {(s[0], w[0]): [] for s in chosen for w in ways}
        for name, fn in chosen:
            for w_name, cmd in ways:  # one untimed run each: file caches, the archive made on first start
                fn(cmd, work, env)
            for i in range(args.runs):
                for w_name, cmd in ways:
                    t = fn(cmd, work, env)
                    times[(name, w_name)].append(t)
                    print(f"{name} | {w_name} | run {i + 1}: {t:.2f} s", file=sys.stderr)
        lines = ["| scenario | " + " | ".join(f"{w[0]}: median (min-max), s" for w in ways) + " |",
                 "|---|" + "---|" * len(ways)]
        for name, _ in chosen:
            cells = []
            for w_name, _ in ways:
                t = times[(name, w_name)]
                cells.append(f"{statistics.median(t):.2f} ({min(t):.2f}-{max(t):.2f})")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(f"Whole-process wall seconds, {args.runs} runs of each, the ways of starting alternated run by "
                     "run. Ways: " + "; ".join(f"{w}: `{' '.join(c)}`" for w, c in ways) + ".")
        lines.append("")
        lines += [f"- {k}: {v}" for k, v in environment(args.java, load_before).items()]
        text = "\n".join(lines) + "\n"
        print(text, end="")
        if not args.no_save:
            path = results_file(datetime.datetime.now(datetime.timezone.utc).date().isoformat(), "-start")
            path.write_text(f"# flow-export start time\n\n{text}")
            print(f"saved to {path}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
