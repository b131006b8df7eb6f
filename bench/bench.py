"""Timed runs of the benchmark; started by bench/run.sh after the jar is built and the tables are loaded.

Writes a flows directory and an application.properties into --work, runs every contender as a whole process
under GNU time (wall seconds, max RSS), alternating run by run, checks each output before deleting it,
and prints a Markdown table of medians and ranges (also saved to bench/results/<date>.md). Each size is timed
on the plain table and, unless --skip-indexed, on its copy with an index in flow-export's order (<table>_ix).
Standard library only, so it runs with --skip-pandas before pandas is installed.
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PY = "/usr/bin/python3"
JVM_OPTS = ["-Xmx256m", "-Dflowexport.report-memory=true"]
HEAP_LINE = re.compile(r"flowexport: peak heap used ([0-9.]+) MB")
PANDAS_GB_PER_MILLION = 1.0  # what read_sql + to_csv needs, roughly, per million rows of this table


INDEXED = "_ix"  # the copy of each table with an index in flow-export's order (xt_batch_id, order_id)
INDEXED_LABEL = "(index on xt_batch_id, order_id)"


def table_name(size, indexed=False):
    return f"bench_change_feed_orders_{size}{INDEXED if indexed else ''}"


@dataclass
class Contender:
    """One process to time for one size: key, table labels, command, output file and expected lines."""
    key: str                 # the kind of contender, e.g. flow-export-csv; "-ix" at the end on the indexed copy
    fmt: str
    label: str
    size: int
    cmd: list
    output: Path
    lines: int | None        # expected line count of the output, None when not line-based (Parquet)
    flow_id: str | None = None  # flow-export: the run-once line must say ok and rows=<rows>
    rows: int = 0
    skip_reason: str | None = None
    table: str = ""
    seconds: list = field(default_factory=list)
    rss_kib: list = field(default_factory=list)
    heap_mb: list = field(default_factory=list)
    failures: list = field(default_factory=list)


def flow_name(fmt, size, indexed=False):
    return f"bench_{fmt}_{size}{INDEXED if indexed else ''}"


def write_config(work, sizes, startup_table, indexed):
    """The flows dir (one full export per size, format and table, plus the startup flow) and application.properties."""
    flows, out, state = work / "flows", work / "out", work / "state"
    for d in (flows, out, state):
        d.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        for ix in (False, True) if indexed else (False,):
            for fmt, ext, extra in (("csv", "csv", ""), ("jsonl", "jsonl", ""),
                                    ("parquet", "parquet", 'exporter_config = { compression = "snappy" }\n')):
                flow_id = flow_name(fmt, size, ix)
                (flows / f"{flow_id}.toml").write_text(
                    f'id = "{flow_id}"\n'
                    "[properties.export]\n"
                    f'source_dataset_id = "{table_name(size, ix)}"\n'
                    f'file_path = "{flow_id}.{ext}"\n'
                    'export_mode = "full"\n' + extra)
    (flows / "bench_startup.toml").write_text(
        'id = "bench_startup"\n'
        "[properties.export]\n"
        f'source_dataset_id = "{startup_table}"\n'
        'file_path = "bench_startup.csv"\n'
        'export_mode = "batch"\n'
        "batch_id = 0\n")  # batches start at 1; validation rejects a negative batch_id
    env = os.environ
    props = work / "application.properties"
    props.write_text(
        f"flowexport.source.url=jdbc:postgresql://{env['PGHOST']}:{env['PGPORT']}/{env['PGDATABASE']}\n"
        f"flowexport.source.username={env['PGUSER']}\n"
        "flowexport.source.password=\n"
        f"flowexport.state.url=jdbc:h2:file:{state / 'state'}\n"
        f"flowexport.export.dir={out}\n"
        "flowexport.demo=false\n")
    return flows, props, out


def flow_export(args):
    """flow-export as README's quick start runs it: bin/flow-export (the jar with its class data sharing archive)."""
    return ["env", f"JAVA={args.java}", f"JAVA_OPTS={' '.join(JVM_OPTS)}", f"FLOW_EXPORT_JAR={args.jar}",
            str(Path(__file__).resolve().parent.parent / "bin" / "flow-export")]


def contenders_for(size, args, flows, props, out, skip_pandas, indexed=False):
    """The contenders on one table: the floor, flow-export's three formats and (plain table only) pandas."""
    env = os.environ
    java = [*flow_export(args), "run-once"]
    tail = ["--flows", str(flows), "--config", str(props)]
    suffix, label = (INDEXED.replace("_", "-"), f" {INDEXED_LABEL}") if indexed else ("", "")
    floor_file = out / f"floor_{size}{suffix}.csv"
    query = f"SELECT * FROM {table_name(size, indexed)} ORDER BY order_id"
    result = [Contender(
        "floor" + suffix, "csv", "psql \\copy (floor)" + label, size,
        ["psql", "-X", "-h", env["PGHOST"], "-p", env["PGPORT"], "-U", env["PGUSER"], "-d", env["PGDATABASE"],
         "-c", f"\\copy ({query}) TO '{floor_file}' CSV HEADER"],
        floor_file, size + 1, rows=size)]
    for fmt, ext, lines in (("csv", "csv", size + 1), ("jsonl", "jsonl", size), ("parquet", "parquet", None)):
        flow_id = flow_name(fmt, size, indexed)
        result.append(Contender(f"flow-export-{fmt}{suffix}", fmt, "flow-export" + label, size,
                                [*java, flow_id, *tail], out / f"{flow_id}.{ext}", lines, flow_id, rows=size))
    # pandas reads ORDER BY order_id, the floor's query: the new index changes nothing for it
    if not skip_pandas and not indexed:
        pandas_file = out / f"pandas_{size}.csv"
        c = Contender("pandas", "csv", "pandas read_sql + to_csv", size,
                      [PY, str(Path(__file__).with_name("pandas_export.py")), query, str(pandas_file)],
                      pandas_file, size + 1, rows=size)
        need_gb = PANDAS_GB_PER_MILLION * size / 1e6 + 0.5
        avail_gb = mem_available_gb()
        if need_gb > avail_gb and os.environ.get("BENCH_PANDAS_FORCE") != "1":
            c.skip_reason = f"skipped: needs ~{need_gb:.1f} GB, {avail_gb:.1f} GB available (BENCH_PANDAS_FORCE=1 runs it)"
        result.append(c)
    return result


def mem_available_gb():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("inf")


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def run_timed(cmd, work):
    """Runs cmd under GNU time; returns (rc, wall seconds, max RSS KiB, stdout, stderr)."""
    timing = work / "time.txt"
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(timing), *cmd],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = timing.read_text().strip().splitlines()[-1].split()
    timing.unlink()
    return p.returncode, float(last[0]), int(last[1]), p.stdout, p.stderr


def check(c, rc, stdout):
    """None when the run did the whole job, else why not (the output is removed either way)."""
    if rc != 0:
        return f"exit code {rc}"
    if c.flow_id:
        line = next((l for l in stdout.splitlines() if l.split()[:1] == [c.flow_id]), None)
        if line is None or line.split()[1] != "ok" or f" rows={c.rows} " not in line:
            return f"run-once did not report 'ok rows={c.rows}': {line!r}"
    if not c.output.is_file() or c.output.stat().st_size == 0:
        return f"{c.output.name} is missing or empty"
    if c.lines is not None and (n := count_lines(c.output)) != c.lines:
        return f"{c.output.name} has {n} lines, expected {c.lines}"
    return None


def name(c):
    return "startup" if c.key == "startup" else f"{c.label} {c.fmt} {fmt_int(c.size)}"


def run_one(c, work, tag):
    rc, secs, rss, stdout, stderr = run_timed(c.cmd, work)
    problem = check(c, rc, stdout)
    c.output.unlink(missing_ok=True)
    if problem:
        c.failures.append(problem)
        print(f"bench: {tag} {name(c)}: FAILED: {problem}", file=sys.stderr)
        for line in (stdout + stderr).strip().splitlines()[-15:]:
            print(f"bench:   | {line}", file=sys.stderr)
        return
    c.seconds.append(secs)
    c.rss_kib.append(rss)
    if m := HEAP_LINE.search(stderr):
        c.heap_mb.append(float(m.group(1)))
    print(f"bench: {tag} {name(c)}: {secs:.2f} s, {rss / 1024:.0f} MB RSS", file=sys.stderr)


def fmt_int(n):
    return f"{n:,.0f}"


ORDER = ["floor", "floor-ix", "flow-export-csv", "flow-export-csv-ix", "pandas", "flow-export-jsonl",
         "flow-export-jsonl-ix", "flow-export-parquet", "flow-export-parquet-ix"]


def us_per_row(seconds, rows):
    return f"{seconds / rows * 1e6:.2f}" if rows else "-"


def report(all_contenders, startup, args, sizes):
    lines = ["| format | rows | contender | median s | range s | rows/s | µs/row | ratio to floor | peak RSS MB "
             "| peak heap MB |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        cs = sorted((c for c in all_contenders if c.size == size), key=lambda c: ORDER.index(c.key))
        floor = next(c for c in cs if c.key == "floor")
        floor_median = statistics.median(floor.seconds) if floor.seconds else None
        for c in cs:
            head = f"| {c.fmt} | {fmt_int(size)} | {c.label} |"
            if c.skip_reason:
                lines.append(f"{head} {c.skip_reason} | | | | | | |")
                continue
            if not c.seconds:
                lines.append(f"{head} FAILED ({len(c.failures)}/{args.runs} runs) | | | | | | |")
                continue
            med = statistics.median(c.seconds)
            failed = f" ({len(c.failures)} of {args.runs} runs FAILED)" if c.failures else ""
            ratio = f"{med / floor_median:.2f}" if floor_median else "-"
            heap = f"{max(c.heap_mb):.1f}" if c.heap_mb else "-"
            lines.append(f"{head} {med:.2f}{failed} | {min(c.seconds):.2f}-{max(c.seconds):.2f} | "
                         f"{fmt_int(size / med)} | {us_per_row(med, size)} | {ratio} | "
                         f"{max(c.rss_kib) / 1024:.0f} | {heap} |")
    lines.append("")
    startup_median = statistics.median(startup.seconds) if startup.seconds else None
    if startup.seconds:
        heap = f", peak heap {max(startup.heap_mb):.1f} MB" if startup.heap_mb else ""
        lines.append(f"Startup (run-once of a zero-row batch flow on {startup.table}: JVM + Camel + first query): "
                     f"median {startup_median:.2f} s, range {min(startup.seconds):.2f}-{max(startup.seconds):.2f} s, "
                     f"peak RSS {max(startup.rss_kib) / 1024:.0f} MB{heap} ({len(startup.seconds)} of {args.runs} "
                     "runs).")
    else:
        lines.append(f"Startup: FAILED ({'; '.join(startup.failures)}).")
    lines.append("")
    lines += per_row(all_contenders, sizes, startup_median)
    lines.append("")
    lines += index_effect(all_contenders, sizes)
    lines.append("Wall seconds of each run, in run order: " + "; ".join(
        f"{name(c)}: {' '.join(f'{s:.2f}' for s in c.seconds) or '-'}"
        for c in [startup, *all_contenders] if not c.skip_reason) + ".")
    lines.append("")
    lines += [f"- {k}: {v}" for k, v in environment(args).items()]
    return "\n".join(lines) + "\n"


def per_row(all_contenders, sizes, startup_median):
    """Median µs per row at each size, and for flow-export net of the startup median, to compare sizes."""
    lines = ["Per-row time at each size (µs/row = median s / rows; net = (median s - startup median) / rows, "
             "flow-export only):", "",
             "| format | contender | " + " | ".join(f"µs/row {fmt_int(n)} | net {fmt_int(n)}" for n in sizes) + " |",
             "|---|---|" + "---:|---:|" * len(sizes)]
    for key in ORDER:
        row = [c for c in all_contenders if c.key == key]
        if not row or all(c.skip_reason or not c.seconds for c in row):
            continue
        cells = []
        for size in sizes:
            c = next((c for c in row if c.size == size), None)
            if c is None or c.skip_reason or not c.seconds:
                cells += ["-", "-"]
                continue
            med = statistics.median(c.seconds)
            net = us_per_row(med - startup_median, size) if c.flow_id and startup_median is not None else "-"
            cells += [us_per_row(med, size), net]
        lines.append(f"| {row[0].fmt} | {row[0].label} | " + " | ".join(cells) + " |")
    return lines


def index_effect(all_contenders, sizes):
    """Per size: each contender's median on the indexed copy over its median on the plain table."""
    out = []
    for size in sizes:
        pairs = []
        for c in all_contenders:
            if c.size != size or not c.key.endswith("-ix") or not c.seconds:
                continue
            plain = next((p for p in all_contenders if p.size == size and p.key == c.key[:-3]), None)
            if plain and plain.seconds:
                pairs.append(f"{c.key[:-3]} {statistics.median(c.seconds) / statistics.median(plain.seconds):.2f}")
        if pairs:
            out.append(f"Indexed copy / plain table, median s, {fmt_int(size)} rows: {', '.join(pairs)}.")
    return out + [""] if out else []


def environment(args):
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor() or "unknown")
    mem_gb = next((int(l.split()[1]) / 1024 / 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                   if l.startswith("MemTotal:")), 0)
    java = subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()
    pg = subprocess.run(["psql", "-X", "-tAc", "SELECT version()"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "pom.xml"],
                           capture_output=True, text=True).stdout.strip()
    env = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "runs": f"{args.runs} per size and contender, alternated run by run; median shown, peaks are the maximum",
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "CPU": cpu,
        "memory": f"{mem_gb:.1f} GB",
        "Java": " / ".join(java[:2]) if java else "unknown",
        "JVM options": " ".join(JVM_OPTS) + " (JAVA_OPTS of bin/flow-export, which adds the class data sharing"
                       " archive the build makes when it matches)",
        "PostgreSQL": pg or "unknown",
        "flow-export": f"{commit}{' (src or pom.xml modified)' if dirty else ''}",
    }
    if not args.skip_pandas:
        env["pandas"] = subprocess.run(
            [PY, "-c", "import pandas, psycopg2; print(pandas.__version__, '/ psycopg2', psycopg2.__version__)"],
            capture_output=True, text=True).stdout.strip()
    return env


def results_file(today, kind=""):
    """bench/results/<today><kind>.md, or -2, -3, ... after the kind when that file exists (also for start.py)."""
    d = Path(__file__).with_name("results")
    d.mkdir(exist_ok=True)
    path, n = d / f"{today}{kind}.md", 2
    while path.exists():  # never overwrite an earlier session of the same day
        path, n = d / f"{today}{kind}-{n}.md", n + 1
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--jar", required=True)
    ap.add_argument("--java", default="java")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--skip-indexed", action="store_true",
                    help="leave out the runs on the copies with an index on (xt_batch_id, order_id)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    # The startup query hits the xt_batch_id index and returns nothing, so the table's size barely matters;
    # the 1M table when it is benchmarked, else the smallest one loaded.
    startup_table = table_name(1000000 if 1000000 in sizes else min(sizes))
    indexed = not args.skip_indexed
    flows, props, out = write_config(args.work, sizes, startup_table, indexed)

    contenders = [c for size in sizes for ix in ((False, True) if indexed else (False,))
                  for c in contenders_for(size, args, flows, props, out, args.skip_pandas, ix)]
    startup = Contender("startup", "csv", "startup", 0,
                        [*flow_export(args), "run-once", "bench_startup",
                         "--flows", str(flows), "--config", str(props)],
                        out / "bench_startup.csv", 1, "bench_startup", rows=0)
    startup.table = startup_table
    for c in contenders:
        if c.skip_reason:
            print(f"bench: {c.label} {c.size}: {c.skip_reason}", file=sys.stderr)

    # One untimed floor export per table first, so the first timed run does not pay for a cold cache.
    for c in contenders:
        if c.key.startswith("floor"):
            rc, secs, _, _, _ = run_timed(c.cmd, args.work)
            c.output.unlink(missing_ok=True)
            print(f"bench: warm-up {c.label} {c.size}: {secs:.2f} s (not counted)", file=sys.stderr)

    for run in range(1, args.runs + 1):
        tag = f"run {run}/{args.runs}"
        run_one(startup, args.work, tag)
        for c in contenders:
            if not c.skip_reason:
                run_one(c, args.work, tag)

    text = report(contenders, startup, args, sizes)
    path = results_file(datetime.datetime.now(datetime.timezone.utc).date().isoformat())
    path.write_text(f"# flow-export benchmark, sizes {args.sizes}, {args.runs} runs\n\n{text}")
    print(text, end="")
    print(f"bench: saved to {path}", file=sys.stderr)
    failed = startup.failures or any(c.failures for c in contenders)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
