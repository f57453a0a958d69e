"""Benchmark kefu-lint on input shaped like real chat text, with textlint as a peer in the same run.

    python bench/run.py                  # all cases, 5 runs each
    python bench/run.py --runs 3 --write-docs
    python bench/run.py --quick          # smaller sizes, 1 run: a smoke test of the script

The corpora come from ``bench/corpus.py`` (seeded): agent replies written as agents type in chat
(most without an emoticon, many without a modal particle, about two findings each with all
rules) and a chat log exported as text (customer and agent lines, three to four findings a
line). Every case runs ``kefu-lint --no-config`` in a fresh process and records the median wall
time, CPU time (user and system) and peak memory (max RSS) of that process — summed over its
worker processes where a large file is checked by several. The peers, measured in the same run
on the same file: one compiled regular expression over the file (a floor), and, when ``npm`` is
available, textlint with textlint-rule-prh and seven words (installed with ``npm install`` into
``$KEFU_LINT_BENCH_CACHE``, default ``~/.cache/kefu-lint-bench``). ``--write-docs`` writes the
table and a plot into ``docs/tools/performance.md``. ``chats_case`` adds ``kefu-lint chats`` on
chat exports (``corpus.chat_export``) of the same sizes as the chat logs, with all CPUs and with
one, its peak memory summed over the process tree.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CHAT_HEADER, chat_export, chat_lines, replies  # noqa: E402

PAGE = ROOT / "docs" / "tools" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TEXTLINT = ("textlint@15.8.0", "textlint-rule-prh@6.1.0")
PRH_WORDS = ("不行", "没办法", "不可以", "全网最低价", "加我vx", "你自己", "好评返现")
FLOOR = (
    "import re, sys\n"
    "pattern = re.compile('|'.join(sys.argv[2:]))\n"
    "hits = 0\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    for line in f:\n"
    "        hits += len(pattern.findall(line))\n"
    "print(hits)\n"
)


# Runs one command and prints its wall time and peak memory. A child inherits its parent's
# resident size as its peak when it is forked, so the command is started from this small process,
# not from the benchmark (which holds the corpora).
RUNNER = (
    "import os, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status),"
    " usage.ru_utime + usage.ru_stime)\n"
)


def measure(command: list[str], runs: int, env: dict | None = None) -> tuple[float, float, float]:
    """Median wall time (s), CPU time (s, user and system) and peak RSS (MB) of ``command``,
    a single process, over ``runs`` runs."""
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", RUNNER, *command], capture_output=True, text=True,
                             env=env, check=True).stdout.split()
        seconds, peak, code, cpu = float(out[0]), int(out[1]), int(out[2]), float(out[3])
        if code not in (0, 1):
            raise SystemExit(f"failed ({code}): {' '.join(command)}")
        results.append((seconds, cpu, peak / 1024))
    return tuple(statistics.median(v) for v in zip(*results))


def kefu_lint(*args: str) -> list[str]:
    return [sys.executable, "-c", "from kefu_lint.cli import console; console()", "--no-config", *args]


def findings(path: Path) -> int:
    out = subprocess.run(kefu_lint("--format", "json", str(path)), capture_output=True, text=True)
    import json

    return json.loads(out.stdout)["summary"]["findings"]


def textlint(work: Path) -> list[str] | None:
    """The textlint command with prh and seven words, installed on first use; None without npm."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    cache = Path(os.environ.get("KEFU_LINT_BENCH_CACHE") or Path.home() / ".cache" / "kefu-lint-bench")
    cache = cache / "-".join(TEXTLINT).replace("@", "-")
    binary = cache / "node_modules" / ".bin" / "textlint"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), *TEXTLINT],
                       check=True, stdout=subprocess.DEVNULL)
    rules = "".join(f"  - expected: 【{w}】\n    pattern: {w}\n" for w in PRH_WORDS)
    (work / "prh.yml").write_text(f"version: 1\nrules:\n{rules}", encoding="utf-8")
    (work / ".textlintrc.json").write_text('{"rules": {"prh": {"rulePaths": ["prh.yml"]}}}', encoding="utf-8")
    return [str(binary), "--config", str(work / ".textlintrc.json")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes and one run (a smoke test)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/tools/performance.md")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    big, chat, huge = (2_000, 4_000, 10_000) if args.quick else (100_000, 200_000, 1_000_000)

    # Measure kefu-lint as installed: pip compiles a package's bytecode when it installs it.
    compileall.compile_dir(ROOT / "linter", quiet=1)
    rows: list[tuple[str, str, int, int, float, float, float]] = []  # case, tool, lines, findings, s, CPU s, MB
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small = work / "precommit.yaml"
        small.write_text("templates:\n" + "".join(f"  - id: t{i}\n    reply: {r}\n"
                                                  for i, r in enumerate(replies(10))), encoding="utf-8")
        rows.append(("pre-commit：1 个文件、10 条", "kefu-lint", 10, findings(small), *measure(kefu_lint(str(small)), runs)))

        cold = work / "cold.txt"
        cold.write_text("\n".join(replies(10_000)) + "\n", encoding="utf-8")
        env = dict(os.environ, KEFU_LINT_CACHE_DIR=str(work / "empty-cache"))
        cold_runs = []
        for _ in range(runs):
            shutil.rmtree(work / "empty-cache", ignore_errors=True)
            cold_runs.append(measure(kefu_lint(str(cold)), 1, env))
        rows.append(("1 万条回复，缓存为空", "kefu-lint", 10_000, findings(cold),
                     *(statistics.median(v) for v in zip(*cold_runs))))

        text = work / "replies.txt"
        text.write_text("\n".join(replies(big)) + "\n", encoding="utf-8")
        count = findings(text)
        case = f"{big // 10_000} 万条回复（.txt）" if big >= 10_000 else f"{big} 条回复（.txt）"
        # A file this large is checked by as many processes as there are CPUs: their memory is summed.
        for fmt in ("text", "json", "sarif"):
            rows.append((case, f"kefu-lint --format {fmt}", big, count,
                         *measure_tree(kefu_lint("--format", fmt, str(text)), runs)))
        rows.append((case, "kefu-lint --format text --jobs 1", big, count,
                     *measure(kefu_lint("--format", "text", "--jobs", "1", str(text)), runs)))
        rows.append((case, "一个正则（下限）", big, 0,
                     *measure([sys.executable, "-c", FLOOR, str(text), *PRH_WORDS], runs)))
        peer = textlint(work)
        if peer:
            rows.append((case, "textlint + prh（7 个词）", big, 0, *measure([*peer, str(text)], runs)))

        for size in (chat, huge):
            log = work / f"chat-{size}.txt"
            log.write_text("\n".join(chat_lines(size)) + "\n", encoding="utf-8")
            label = f"{size // 10_000} 万行聊天记录（.txt）" if size >= 10_000 else f"{size} 行聊天记录（.txt）"
            count = findings(log) if size == chat else 0
            for fmt in ("json", "text") if size == chat else ("json",):
                rows.append((label, f"kefu-lint --format {fmt}", size, count,
                             *measure_tree(kefu_lint("--format", fmt, str(log)), 1 if size == huge else runs)))

        rows += chats_case(work, runs, (chat, huge))

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = ["| 场景 | 工具 | 行数 | 问题数 | 耗时（秒，中位数） | CPU（秒） | 峰值内存（MB） |",
             "|---|---|---:|---:|---:|---:|---:|"]
    table += [f"| {case} | {tool} | {lines:,} | {f'{n:,}' if n else ''} | {seconds:.2f} | {cpu:.2f} | {peak:.0f} |"
              for case, tool, lines, n, seconds, cpu, peak in rows]
    print(f"{machine}; medians of {runs} runs\n")
    print("\n".join(table))
    if args.write_docs:
        write_docs(rows, table, machine, runs)


def chats_case(work: Path, runs: int, sizes: tuple[int, ...]) -> list[tuple[str, str, int, int, float, float, float]]:
    """``kefu-lint chats``: chat exports as CSV (``corpus.chat_export``: a day of sessions,
    interleaved as a shop works them), scored and written as JSON, with all CPUs and with one.
    Peak memory is that of the whole process tree (the main process and its workers, summed,
    sampled every 20 ms), not of the main process alone."""
    import csv

    rows = []
    for size in sizes:
        export = work / f"chats-{size}.csv"
        with open(export, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CHAT_HEADER)
            writer.writerows(chat_export(size))
        label = f"{size // 10_000} 万行聊天记录（chats，.csv）" if size >= 10_000 else f"{size} 行聊天记录（chats）"
        result = subprocess.run(chats("--format", "json", str(export)), capture_output=True, text=True)
        import json

        count = json.loads(result.stdout)["summary"]["findings"]
        times = 1 if size >= 1_000_000 else runs
        for jobs in ("", "1"):
            command = chats("--format", "json", *(("--jobs", jobs) if jobs else ()), str(export))
            rows.append((label, f"kefu-lint chats{' --jobs 1' if jobs else ''}", size, count,
                         *measure_tree(command, times)))
    return rows


def chats(*args: str) -> list[str]:
    return [sys.executable, "-c", "from kefu_lint.cli import console; console()", "chats", "--no-config", *args]


def measure_tree(command: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall time (s), CPU time (s, of the process and its workers) and peak memory (MB)
    of ``command`` and its child processes together (summed, sampled every 20 ms)."""
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"failed ({code}): {' '.join(command)}")
        results.append((seconds, usage.ru_utime + usage.ru_stime, peak / 1024))
    return tuple(statistics.median(v) for v in zip(*results))


def _tree_rss(pid: int) -> int:
    """Resident memory (KB) of a process and its descendants, from /proc."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as status:
            total = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(_tree_rss(int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass
    return total


def write_docs(rows, table, machine, runs) -> None:
    """Replace the figures between the markers of the performance page, and its plot."""
    page = PAGE.read_text(encoding="utf-8")
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    figures = (
        f"测量环境：{machine}；每项取 {runs} 次运行的中位数（100 万行只跑 1 次；"
        f"`python bench/run.py --write-docs`，{time.strftime('%Y-%m-%d')}）。\n\n"
        + "\n".join(table)
        + "\n\n![各工具处理 10 万条回复的耗时](performance.svg)\n"
    )
    PAGE.write_text(f"{head}{START}\n{figures}{END}{tail}", encoding="utf-8")
    PAGE.with_suffix(".svg").write_text(plot(rows), encoding="utf-8")


def plot(rows) -> str:
    """A horizontal bar chart of the wall times on the 100,000-reply file, one bar per tool."""
    bars = [(tool, seconds) for case, tool, lines, _, seconds, _, _ in rows if "回复（.txt）" in case]
    width, bar, pad, label = 640, 28, 12, 220
    height = pad * 2 + len(bars) * (bar + pad)
    longest = max(seconds for _, seconds in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for i, (tool, seconds) in enumerate(bars):
        y = pad + i * (bar + pad)
        length = (width - label - 70) * seconds / longest
        colour = "#3f51b5" if tool.startswith("kefu-lint") else "#9e9e9e"
        parts.append(f'<text x="{label - 8}" y="{y + bar / 2 + 5}" text-anchor="end">{tool}</text>')
        parts.append(f'<rect x="{label}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{label + length + 6:.1f}" y="{y + bar / 2 + 5}">{seconds:.2f} 秒</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
