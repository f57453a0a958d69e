"""Benchmark kefu-lint against the string-scanning floor.

    python bench/run.py                 # 1k / 10k / 100k replies, 5 runs each
    python bench/run.py --sizes 1000 10000 --runs 3 --write-docs

Generates a deterministic corpus of 20–80-character Chinese replies (about 20% contain a taboo
word) as plain text, a YAML template set and Markdown scripts; runs ``kefu-lint`` with all
default rules on each in a fresh process; prints median wall time and peak memory (max RSS of
the child process). The floor is one compiled regular expression of the taboo words over the
same .txt file, also a whole fresh process. ``--write-docs`` writes the table and an SVG plot
into the handbook's performance page, ``docs/tools/performance.md``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OPENINGS = ["亲，", "亲亲，", "您好，", "亲爱的，", "亲，您好，"]
PRODUCTS = ["连衣裙", "T恤", "羽绒服", "牛仔裤", "衬衫", "卫衣", "毛衣", "风衣", "半身裙", "外套"]
COLOURS = ["白色", "黑色", "杏色", "雾霾蓝", "酒红色", "燕麦色"]
FRAGMENTS = [
    "这款{p}是棉麻混纺面料，透气又亲肤",
    "{c}的{p}还有{n}件现货",
    "麻烦告诉我一下您的身高和体重，我帮您推荐合适的码数",
    "您身高{h}厘米的话建议选{s}码",
    "今天{t}点前付款当天就能发货",
    "一般{d}天左右就能收到",
    "现在下单满{n}元减{m}元",
    "订单尾号{o}已经为您备注好了",
    "收到宝贝有任何问题请第一时间联系我们",
    "我们的{p}发货前都做过检查，请您放心",
    "非常抱歉让您久等了",
    "这款{c}最近卖得很好",
    "聚划算活动价比日常价便宜{m}元",
    "快递单号稍后发给您",
]
TABOOS = ["不行", "没办法", "不可以退", "全网最低价", "加我微信", "你自己看", "好评返现", "绝对正品",
          "顶级面料", "不包邮", "无法修改", "看清楚尺码"]
ENDINGS = ["哦[微笑]", "呢~", "呀😊", "哦", "呢[鲜花]", "哈", "啦[握手]", "呢"]
TABOO_WORDS = ["不行", "不可以", "没办法", "做不到", "无法", "不支持", "全网最低", "最低价", "最好",
               "绝对", "顶级", "好评返现", "加我微信", "你自己", "看清楚", "不包邮"]


def fragment(rng: random.Random) -> str:
    return rng.choice(FRAGMENTS).format(
        p=rng.choice(PRODUCTS), c=rng.choice(COLOURS), n=rng.randint(2, 399), m=rng.randint(5, 50),
        h=rng.randint(150, 185), s=rng.choice("SML") if rng.random() < 0.7 else "XL",
        t=rng.randint(14, 18), d=rng.randint(2, 5), o=rng.randint(1000, 9999),
    )


def corpus(size: int) -> list[str]:
    """Deterministic replies of 20–80 characters; about one in five has a taboo word."""
    rng = random.Random(size)
    replies = []
    for _ in range(size):
        parts = [fragment(rng)]
        target = rng.randint(20, 72)
        while sum(map(len, parts)) < target:
            parts.append(fragment(rng))
        if rng.random() < 0.2:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(TABOOS))
        replies.append((rng.choice(OPENINGS) + "，".join(parts))[:74] + rng.choice(ENDINGS))
    return replies


def write_corpus(directory: Path, size: int) -> dict[str, Path]:
    replies = corpus(size)
    files = {
        "txt": directory / f"replies-{size}.txt",
        "yaml": directory / f"templates-{size}.yaml",
        "md": directory / f"scripts-{size}.md",
    }
    files["txt"].write_text("\n".join(replies) + "\n", encoding="utf-8")
    files["yaml"].write_text(
        "templates:\n" + "".join(f"  - id: t{i}\n    reply: {r}\n" for i, r in enumerate(replies)),
        encoding="utf-8",
    )
    files["md"].write_text(
        "# 话术\n\n" + "".join(f"> **客服**：{r}\n\n" for r in replies), encoding="utf-8"
    )
    return files


FLOOR = (
    "import re, sys\n"
    "pattern = re.compile('|'.join(sys.argv[2:]))\n"
    "hits = 0\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    for line in f:\n"
    "        hits += len(pattern.findall(line))\n"
    "print(hits)\n"
)


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall time (s) and median peak RSS (MB) of ``command`` over ``runs`` runs."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"failed: {' '.join(command)}")
    return statistics.median(times), statistics.median(peaks)


def kefu_lint() -> list[str]:
    return [sys.executable, "-m", "kefu_lint.cli", "--no-config"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/tools/performance.md")
    args = parser.parse_args()

    # Measure kefu-lint as installed: pip compiles a package's bytecode when it installs it, an
    # editable checkout under PYTHONDONTWRITEBYTECODE=1 would recompile the source every run.
    compileall.compile_dir(ROOT / "linter", quiet=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "precommit.yaml"
        small.write_text(
            "templates:\n"
            + "".join(f"  - id: t{i}\n    reply: 亲，{fragment(random.Random(i))}哦[微笑]\n" for i in range(10)),
            encoding="utf-8",
        )
        seconds, peak = measure([*kefu_lint(), str(small)], args.runs)
        rows.append(("pre-commit (1 file, 10 templates)", 10, seconds, peak))
        for size in args.sizes:
            files = write_corpus(Path(tmp), size)
            floor = measure([sys.executable, "-c", FLOOR, str(files["txt"]), *TABOO_WORDS], args.runs)
            rows.append(("floor: one regex (.txt)", size, *floor))
            for kind, path in files.items():
                rows.append((f"kefu-lint .{kind}", size, *measure([*kefu_lint(), str(path)], args.runs)))

    table = ["| run | replies | median wall time (s) | peak memory (MB) |", "|---|---:|---:|---:|"]
    table += [f"| {name} | {size:,} | {seconds:.2f} | {peak:.0f} |" for name, size, seconds, peak in rows]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"{machine}; medians of {args.runs} runs\n")
    print("\n".join(table))
    if args.write_docs:
        write_docs(rows, table, machine, args.runs)


PAGE = ROOT / "docs" / "style" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_docs(rows, table, machine, runs) -> None:
    """Replace the figures between the markers of the performance page, and its plot."""
    page = PAGE.read_text(encoding="utf-8")
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    figures = (
        f"测量环境：{machine}；每项取 {runs} 次运行的中位数（`python bench/run.py --write-docs`）。\n\n"
        + "\n".join(table)
        + "\n\n![耗时与回复条数的关系（对数坐标）](performance.svg)\n"
    )
    PAGE.write_text(f"{head}{START}\n{figures}{END}{tail}", encoding="utf-8")
    PAGE.with_suffix(".svg").write_text(plot(rows), encoding="utf-8")


def plot(rows) -> str:
    """A log-log SVG line chart of wall time against corpus size, one line per run kind."""
    import math

    series: dict[str, list[tuple[int, float]]] = {}
    for name, size, seconds, _ in rows:
        if size >= 1000:
            series.setdefault(name, []).append((size, seconds))
    width, height, pad = 640, 360, 60
    sizes = [s for points in series.values() for s, _ in points]
    times = [t for points in series.values() for _, t in points]
    x0, x1 = math.log10(min(sizes)), math.log10(max(sizes))
    y0, y1 = math.log10(min(times)) - 0.1, math.log10(max(times)) + 0.1

    def xy(size: int, seconds: float) -> tuple[float, float]:
        x = pad + (math.log10(size) - x0) / ((x1 - x0) or 1) * (width - 2 * pad)
        y = height - pad - (math.log10(seconds) - y0) / ((y1 - y0) or 1) * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    colours = ["#3f51b5", "#e91e63", "#009688", "#ff9800", "#795548"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>',
        f'<text x="{width / 2}" y="{height - 15}" text-anchor="middle">回复条数（对数坐标）</text>',
        f'<text x="15" y="{height / 2}" transform="rotate(-90 15 {height / 2})" text-anchor="middle">耗时 / 秒（对数坐标）</text>',
    ]
    for size in sorted(set(sizes)):
        x, _ = xy(size, 1)
        parts.append(f'<text x="{x}" y="{height - pad + 16}" text-anchor="middle">{size:,}</text>')
    for exponent in range(math.floor(y0), math.ceil(y1) + 1):
        for mantissa in (1, 2, 5):
            value = mantissa * 10**exponent
            if y0 <= math.log10(value) <= y1:
                _, y = xy(min(sizes), value)
                parts.append(f'<text x="{pad - 6}" y="{y + 4}" text-anchor="end">{value:g}</text>')
                parts.append(f'<line x1="{pad}" y1="{y}" x2="{width - pad}" y2="{y}" stroke="#eee"/>')
    for index, (name, points) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        coords = " ".join(f"{x},{y}" for x, y in (xy(s, t) for s, t in points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{pad + 10}" y="{pad + 16 * index}" fill="{colour}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
