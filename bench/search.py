#!/usr/bin/env python3
"""search.py - search figures for sampan-play, printed as Markdown.

    bench/search.py SAMPAN_BUILD SAMPAN_PLAY [N]

Builds N courses (default 600) whose lessons hold text in English, Thai,
Vietnamese, Chinese and Khmer, serves them, and measures:
  - the first (cold) indexing of all N courses, and a warm restart;
  - suggestion latency (/api/suggest.json, the start of a word typed so far),
    p50 and p99 over sequential requests on one connection;
  - search latency (/search), p50 and p99, half of the searches slips that
    find little and so take the looser pass and the did-you-mean (typos,
    Thai without its tone marks, Traditional Chinese, Vietnamese with a
    wrong accent); suggestions for the starts of such slips too;
  - the index's size on disk and the player's resident memory after
    indexing and after the searches;
  - lesson page and video Range latency, idle and while a class searches at
    once (SEARCHERS processes, each a student typing: a search or a suggestion
    every PAUSE seconds).
Latencies are measured on this machine, so the load generator shares its two
cores with the server: the figures under load include that.
"""
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

WORDS = {
    "en": "pump impeller bearing seal valve pressure voltage breaker isolator current wire "
          "insulation gloves ladder welding grinder safety lubrication coupling motor".split(),
    "th": "ไฟฟ้า ปั๊ม ใบพัด ตลับลูกปืน ซีล วาล์ว แรงดัน เบรกเกอร์ สายไฟ ถุงมือ ความปลอดภัย มอเตอร์".split(),
    "vi": "điện máy bơm cánh bơm vòng bi phớt van áp suất cầu dao dây dẫn găng tay an toàn".split(),
    "zh": "电气 水泵 叶轮 轴承 密封 阀门 压力 断路器 导线 绝缘 手套 安全 电机 润滑".split(),
    "km": "អគ្គិសនី ម៉ាស៊ីនបូម ស្លាបចក្រ ខ្សែភ្លើង ស្រោមដៃ សុវត្ថិភាព ម៉ូទ័រ".split(),
}
# What students get wrong: each finds little or nothing exactly, so the looser
# pass and the did-you-mean run.
SLIPS = {
    "en": "impelller bearnig presure voltge breeker isolater insulaton glvoes laddr weldng "
          "grindr saftey lubrcation couplng".split(),
    "th": "ไฟฟา ปั้ม ใบพัท ตลับลูกปีน ซีลล วาลว์ แรงดน เบรคเกอร์ สายไพ ถุงมือ ความปลอดภย มอเตอ".split(),
    "vi": "điên máy bờm cành bơm vọng bi phợt vàn áp suât cầu đao dấy dẫn găng tây an toán".split(),
    "zh": "電氣 叶輪 軸承 閥門 壓力 斷路器 導線 絕緣 電機 潤滑".split(),
    "km": "អគ្គិសនិ ម៉ាស៊ិនបូម ស្លាបចក្ក ខ្សែភ្លេីង ស្រេាមដៃ សុវត្ថភាព ម៉ូទរ".split(),
}
SEARCHES = 600
SEARCHERS = 30  # a class, each student typing: one request per PAUSE seconds
PAUSE = 0.25
SUGGESTIONS = 600
PAGE_REQUESTS = 300


def run(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def make_library(build, work, n):
    run(build, "keygen", "-o", f"{work}/key", "--no-password", stdout=subprocess.DEVNULL)
    src = f"{work}/course"
    run(build, "init", src, "--title", "Search benchmark", stdout=subprocess.DEVNULL)
    lesson = f"{src}/lessons/01-welcome.md"
    base = open(lesson, encoding="utf-8").read()
    yml = open(f"{src}/course.yml", encoding="utf-8").read()
    os.makedirs(f"{work}/lib")
    with open(f"{src}/media/clip.bin", "wb") as f:
        f.write(random.Random(3).randbytes(256 * 1024))
    base += "\n[A clip](../media/clip.bin)\n"
    rnd = random.Random(1)
    for i in range(n):
        paras = []
        for lang, words in WORDS.items():
            sep = "" if lang in ("th", "zh", "km") else " "
            for s in range(3):
                paras.append(f"## {lang} {s}\n\n" + sep.join(rnd.choice(words) for _ in range(40)))
        open(lesson, "w", encoding="utf-8").write(base + "\n" + "\n\n".join(paras) + "\n")
        open(f"{src}/course.yml", "w", encoding="utf-8").write(
            re.sub(r"(?m)^id: .*$", f"id: org.sampan.bench.s{i:04d}", yml))
        run(build, "build", src, "-k", f"{work}/key.key", "-o", f"{work}/lib/s{i:04d}.sampan", "-q")


def start(play, work, name):
    out = open(f"{work}/{name}.out", "w")
    p = subprocess.Popen([play, "serve", f"{work}/lib", "--bind", "127.0.0.1", "--port", "0",
                          "--trust", f"{work}/key.pub", "--cache", f"{work}/cache", "-q"],
                         stdout=out, stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    while True:
        text = open(f"{work}/{name}.out").read()
        if "Serving at" in text:
            url = text.split("Serving at ", 1)[1].split()[0]
            return p, urllib.parse.urlsplit(url).port, t0
        time.sleep(0.005)


def get(conn, path):
    t0 = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    return time.perf_counter() - t0, r.status, body


def wait_indexed(port):
    c = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        _, status, body = get(c, "/api/search.json?q=x")
        d = json.loads(body)
        if d["courses"] and d["indexed"] == d["courses"]:
            return d["courses"]
        time.sleep(0.05)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def ms(x):
    return f"{x * 1000:.1f}"


def prefixes():
    rnd = random.Random(2)
    out = []
    for _ in range(SUGGESTIONS):
        lang = rnd.choice(list(WORDS))
        w = rnd.choice(WORDS[lang])
        k = rnd.randint(2, max(2, len(w)))
        out.append(w[:k])
    return out


def searches():
    rnd = random.Random(4)
    out = []
    for i in range(SEARCHES):
        lang = rnd.choice(list(WORDS))
        out.append(rnd.choice(SLIPS[lang] if i % 2 else WORDS[lang]))
    return out


def slip_prefixes():
    rnd = random.Random(5)
    out = []
    for _ in range(SUGGESTIONS):
        lang = rnd.choice(list(SLIPS))
        w = rnd.choice(SLIPS[lang])
        out.append(w[:rnd.randint(min(3, len(w)), len(w))])
    return out


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def index_mib(work):
    return sum(os.path.getsize(f"{work}/cache/{n}") for n in os.listdir(f"{work}/cache")
               if n.startswith("search.db")) / (1024 * 1024)


def searcher(port, stop):
    c = http.client.HTTPConnection("127.0.0.1", port)
    rnd = random.Random(os.getpid())
    while not stop.is_set():
        lang = rnd.choice(list(WORDS))
        q = urllib.parse.quote(rnd.choice(rnd.choice([WORDS, SLIPS])[lang]))
        kind = rnd.choice(["/search?q=", "/api/suggest.json?q="])
        try:
            get(c, kind + q)
            time.sleep(PAUSE)
        except (OSError, http.client.HTTPException):
            c = http.client.HTTPConnection("127.0.0.1", port)


def page_latencies(port, page, video):
    c = http.client.HTTPConnection("127.0.0.1", port)
    pages, ranges = [], []
    for i in range(PAGE_REQUESTS):
        t, status, _ = get(c, page)
        assert status == 200, status
        pages.append(t)
        off = (i * 65536) % (256 * 1024 - 65536)
        t0 = time.perf_counter()
        c.request("GET", video, headers={"Range": f"bytes={off}-{off + 65535}"})
        r = c.getresponse()
        r.read()
        ranges.append(time.perf_counter() - t0)
        assert r.status == 206, r.status
    return pages, ranges


def main():
    build, play = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 600
    work = tempfile.mkdtemp(prefix="sampan-bench-search-")
    try:
        make_library(build, work, n)
        # Cold: nothing in the cache; warm: the same cache again.
        p, port, t0 = start(play, work, "cold")
        wait_indexed(port)
        cold = time.perf_counter() - t0
        p.terminate()
        p.wait()
        p, port, t0 = start(play, work, "warm")
        wait_indexed(port)
        warm = time.perf_counter() - t0
        size = index_mib(work)
        time.sleep(1)
        rss_idle = rss_mib(p.pid)
        c = http.client.HTTPConnection("127.0.0.1", port)
        sugg = []
        for q in prefixes():
            t, status, _ = get(c, "/api/suggest.json?q=" + urllib.parse.quote(q))
            assert status == 200, status
            sugg.append(t)
        sugg_slips = []
        for q in slip_prefixes():
            t, status, _ = get(c, "/api/suggest.json?q=" + urllib.parse.quote(q))
            assert status == 200, status
            sugg_slips.append(t)
        found = {"exact": [], "slip": []}
        offered = 0
        for i, q in enumerate(searches()):
            t, status, body = get(c, "/search?q=" + urllib.parse.quote(q))
            assert status == 200, status
            found["slip" if i % 2 else "exact"].append(t)
            offered += i % 2 and (b'class="approximate"' in body or b'did-you-mean' in body)
        rss_searched = rss_mib(p.pid)
        _, _, body = get(c, "/api/catalog.json")
        first = json.loads(body)["courses"][0]["id"]
        page = f"/c/{first}/lessons/01-welcome.html"
        # A 256 KiB file beside the lessons stands for a video: Range requests cycle through it.
        video = f"/c/{first}/media/clip.bin"
        idle_pages, idle_ranges = page_latencies(port, page, video)
        stop = multiprocessing.Event()
        procs = [multiprocessing.Process(target=searcher, args=(port, stop)) for _ in range(SEARCHERS)]
        for q in procs:
            q.start()
        time.sleep(1)
        busy_pages, busy_ranges = page_latencies(port, page, video)
        stop.set()
        for q in procs:
            q.join()
        p.terminate()
        p.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"### Search, {n} courses\n")
    print("| figure | value |")
    print("| --- | ---: |")
    print(f"| first start to every course indexed (cold) | {cold:.2f} s |")
    print(f"| restart to every course searchable (warm) | {warm:.3f} s |")
    print(f"| suggestion latency p50 ({len(sugg)} requests) | {ms(pct(sugg, 50))} ms |")
    print(f"| suggestion latency p99 (target under 50 ms) | {ms(pct(sugg, 99))} ms |")
    print(f"| suggestion latency of slips, p50 ({len(sugg_slips)} requests) | {ms(pct(sugg_slips, 50))} ms |")
    print(f"| suggestion latency of slips, p99 (target under 50 ms) | {ms(pct(sugg_slips, 99))} ms |")
    both = found["exact"] + found["slip"]
    print(f"| search latency p50 ({len(both)} searches, half of them slips) | {ms(pct(both, 50))} ms |")
    print(f"| search latency p99, looser pass on (target under 200 ms) | {ms(pct(both, 99))} ms |")
    print(f"| search latency of the slips alone, p50 / p99 | {ms(pct(found['slip'], 50))} / {ms(pct(found['slip'], 99))} ms |")
    print(f"| slips answered only through the looser pass or a did-you-mean (the rest directly) | {offered} of {len(found['slip'])} |")
    print(f"| index size on disk (search.db and its log) | {size:.1f} MiB |")
    print(f"| resident memory, every course indexed, idle | {rss_idle:.1f} MiB |")
    print(f"| resident memory after the searches above | {rss_searched:.1f} MiB |")
    print()
    print(f"| while {SEARCHERS} students search (one request each per {PAUSE} s) | idle p50 / p99 (ms) | storm p50 / p99 (ms) | ratio p50 / p99 (target at most 2) |")
    print("| --- | ---: | ---: | ---: |")
    for label, idle, busy in (("lesson page", idle_pages, busy_pages),
                              ("64 KiB Range of a media entry", idle_ranges, busy_ranges)):
        print(f"| {label} | {ms(pct(idle, 50))} / {ms(pct(idle, 99))} | "
              f"{ms(pct(busy, 50))} / {ms(pct(busy, 99))} | "
              f"{pct(busy, 50) / pct(idle, 50):.2f} / {pct(busy, 99) / pct(idle, 99):.2f} |")


if __name__ == "__main__":
    main()
