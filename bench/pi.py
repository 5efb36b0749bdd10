#!/usr/bin/python3
"""pi.py - make bench-pi: a classroom on a Raspberry Pi 4 with 1 GB, simulated; Markdown out.

    bench/pi.py SAMPAN_BUILD SAMPAN_PLAY

The amd64 sampan-play runs in a control group limited to one core's share of CPU time
and 512 MiB of memory (swap included), and serves PI_COURSES (600) bundles made from
bench/corpus.py's courses (seven scripts, pictures, a video with subtitles; course 1's
video is PI_VIDEO_MB (40) MB, the others' PI_SMALL_VIDEO_KB (1024) kB).  Why it stands
for a Pi 4 with 1 GB (bench/NOTES.md says more): the Pi's four Cortex-A72 cores at
1.5 GHz together do somewhat less work than one core of this machine, and of its 1 GB
the system and a desktop leave about half to the server.  qemu-user would not stand
for it: it runs arm64 code unevenly (system calls at native speed, computation several
times slower than a Pi, SHA-256 ten times slower), so its figures would measure qemu.

Measured:
  - cold start (an empty cache folder: every bundle verified, and the search index built
    in the background) and warm start (its cache): the time from launch until the
    catalog lists every course, and, cold, until search has indexed them all;
  - PI_PHONES (40) phones for PI_SECONDS (120) s, each from its own address (127.0.x.y,
    as each phone has its own on a classroom's network) on its own connections: the
    catalog, a course's home page, a lesson and its pictures, the next lesson every 15 to
    25 s, a search every 30 s; and a video played meanwhile in Range requests of 256 kB
    at PI_KBITS (1500) kbit/s, as a phone's player does: 2 chunks before it plays, then
    the next whenever less than 10 s are buffered.  Half the phones watch course 1's long
    video, the other half one short video after another of the other courses.
  - a search storm at a third of the run: every phone types a word (three suggestions)
    and searches, again every 2 s for PI_STORM_SECONDS (10) s;
  - every answer's status and time; a video range is late when it arrives after the
    playback reached its first byte (the buffer ran dry: a stall);
  - the server's peak resident memory (VmHWM), and the group's peak (page cache of the
    bundles included, held at its 512 MiB limit by the kernel).
Targets: page p95 under 200 ms, no stall, no error.
"""
import html.parser
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.dont_write_bytecode = True
import corpus  # noqa: E402  (bench/corpus.py: its languages give the searches' words)

COURSES = int(os.environ.get("PI_COURSES", "600"))
PHONES = int(os.environ.get("PI_PHONES", "40"))
SECONDS = float(os.environ.get("PI_SECONDS", "120"))
KBITS = float(os.environ.get("PI_KBITS", "1500"))
VIDEO_MB = int(os.environ.get("PI_VIDEO_MB", "40"))
SMALL_VIDEO_KB = int(os.environ.get("PI_SMALL_VIDEO_KB", "1024"))
STORM_SECONDS = float(os.environ.get("PI_STORM_SECONDS", "10"))
CPU_SHARE = float(os.environ.get("PI_CPU", "1.0"))
MEM_MB = int(os.environ.get("PI_MEM_MB", "512"))
CHUNK = 256 * 1024
PREBUFFER_CHUNKS = 2
BUFFER_TARGET = 10.0
GROUP = "sampan-bench-pi"


def run(*args, **kw):
    return subprocess.run(args, check=True, **kw)


# ---- the corpus ----

def make_library(build, work):
    run(sys.executable, os.path.join(TOP, "bench", "corpus.py"), f"{work}/corpus",
        "--courses", str(COURSES), "--video-mb", str(VIDEO_MB),
        "--small-video-kb", str(SMALL_VIDEO_KB))
    run(build, "keygen", "-o", f"{work}/key", "--no-password", stdout=subprocess.DEVNULL)
    os.makedirs(f"{work}/lib")
    names = sorted(os.listdir(f"{work}/corpus"))
    jobs = os.cpu_count() or 2
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    running = []
    for name in names:
        running.append(subprocess.Popen(
            [build, "build", f"{work}/corpus/{name}", "-k", f"{work}/key.key",
             "-o", f"{work}/lib/{name}.sampan", "-q"], env=env))
        if len(running) >= jobs:
            if running.pop(0).wait() != 0:
                raise SystemExit("bench-pi: a course of the corpus did not build")
    for p in running:
        if p.wait() != 0:
            raise SystemExit("bench-pi: a course of the corpus did not build")
    shutil.rmtree(f"{work}/corpus")
    return sorted(n[:-7] for n in os.listdir(f"{work}/lib"))


# ---- the control group: cgroup v2 where the system has it, else v1's cpu and memory ----

class Group:
    def __init__(self):
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        self.dirs = []
        if os.path.exists(v2):
            d = f"/sys/fs/cgroup/{GROUP}"
            os.makedirs(d, exist_ok=True)
            self.write(d, "cpu.max", f"{int(CPU_SHARE * 100000)} 100000")
            self.write(d, "memory.max", str(MEM_MB << 20))
            self.write(d, "memory.swap.max", "0")
            self.dirs = [d]
            self.peak_file = f"{d}/memory.peak"
            self.kind = "cgroup v2 (cpu.max, memory.max, memory.swap.max)"
        else:
            cpu, mem = f"/sys/fs/cgroup/cpu/{GROUP}", f"/sys/fs/cgroup/memory/{GROUP}"
            os.makedirs(cpu, exist_ok=True)
            os.makedirs(mem, exist_ok=True)
            self.write(cpu, "cpu.cfs_period_us", "100000")
            self.write(cpu, "cpu.cfs_quota_us", str(int(CPU_SHARE * 100000)))
            self.write(mem, "memory.limit_in_bytes", str(MEM_MB << 20))
            try:
                self.write(mem, "memory.memsw.limit_in_bytes", str(MEM_MB << 20))
            except OSError:
                pass  # no swap accounting: no swap either
            self.dirs = [cpu, mem]
            self.peak_file = f"{mem}/memory.max_usage_in_bytes"
            self.kind = ("cgroup v1 (cpu.cfs_quota_us/cpu.cfs_period_us, memory.limit_in_bytes, "
                         "memory.memsw.limit_in_bytes)")

    @staticmethod
    def write(d, name, value):
        with open(f"{d}/{name}", "w") as f:
            f.write(value)

    def reset_peak(self):
        if self.peak_file.endswith("max_usage_in_bytes"):
            self.write(os.path.dirname(self.peak_file), "memory.max_usage_in_bytes", "0")

    def peak(self):
        try:
            return int(open(self.peak_file).read())
        except (OSError, ValueError):
            return None

    def launch(self, argv, out):
        """argv started inside the group (it joins before it execs)."""
        procs = " ".join(f"{d}/cgroup.procs" for d in self.dirs)
        script = f'for f in {procs}; do echo $$ >"$f"; done; exec "$@"'
        return subprocess.Popen(["sh", "-c", script, "sh", *argv], stdout=out,
                                stderr=subprocess.DEVNULL)

    def remove(self):
        for d in self.dirs:
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.1)


# ---- HTTP ----

class Client:
    """One phone's connection, kept alive; last_total is the size a Content-Range gave."""

    def __init__(self, port, source="127.0.0.1"):
        self.port = port
        self.source = source  # each phone its own address, as on a classroom's network
        self.conn = None
        self.last_total = None

    def get(self, path, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                       source_address=(self.source, 0))
            t0 = time.perf_counter()
            try:
                self.conn.request("GET", path, headers=headers or {})
                r = self.conn.getresponse()
                body = r.read()
                cr = r.getheader("Content-Range")
                self.last_total = int(cr.rsplit("/", 1)[1]) if cr and "/" in cr else None
                return time.perf_counter() - t0, r.status, body
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a connection the server closed while idle: a phone reconnects once
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def wait_catalog(port, want, limit=600.0):
    c = Client(port)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        try:
            _, status, body = c.get("/api/catalog.json")
            if status == 200 and len(json.loads(body)["courses"]) >= want:
                return
        except (OSError, http.client.HTTPException, ValueError):
            c.conn = None
        time.sleep(0.02)
    raise SystemExit(f"bench-pi: the catalog did not list {want} courses within {limit} s")


def wait_indexed(port, limit=1800.0):
    c = Client(port)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        _, status, body = c.get("/api/search.json?q=x")
        d = json.loads(body)
        if status == 200 and d.get("courses") and d.get("indexed") == d.get("courses"):
            return
        time.sleep(0.2)
    raise SystemExit("bench-pi: search did not index every course in time")


def start(play, work, group, name):
    out = open(f"{work}/{name}.out", "w")
    t0 = time.perf_counter()
    p = group.launch([play, "serve", f"{work}/lib", "--bind", "127.0.0.1", "--port", "0",
                      "--trust", f"{work}/key.pub", "--cache", f"{work}/cache", "-q"], out)
    while True:
        text = open(f"{work}/{name}.out").read()
        if "Serving at" in text:
            port = urllib.parse.urlsplit(text.split("Serving at ", 1)[1].split()[0]).port
            return p, port, t0
        if p.poll() is not None:
            raise SystemExit("bench-pi: sampan-play stopped at start")
        time.sleep(0.002)


def status_kib(pid, key):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


# ---- the phones ----

class Record:
    def __init__(self):
        self.lock = threading.Lock()
        self.pages = []  # (t, seconds, kind)
        self.searches = []  # (t, seconds)
        self.ranges = 0
        self.stalls = []  # seconds late
        self.margins = []  # seconds of video left in the buffer when a range arrived
        self.errors = []
        self.video_bytes = 0

    def add(self, what, *args):
        with self.lock:
            getattr(self, what).append(args if len(args) > 1 else args[0])


class ImgParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.src, self.href = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.src.append(a["src"])
        if tag == "a" and a.get("href"):
            self.href.append(a["href"])


def words():
    out = []
    for tag, _, _, sentences in corpus.LANGS:
        for s in sentences:
            if tag in ("th", "km", "lo", "my", "zh-Hans"):
                s = re.sub(r"[\s。，.,:;!?()\"'“”]+", "", s)
                for i in range(0, max(1, len(s) - 3), 7):
                    out.append(s[i:i + 3])
            else:
                out += [w.strip(".,:;") for w in s.split() if len(w.strip(".,:;")) > 3]
    return [w for w in out if w]


class Phone:
    def __init__(self, n, port, ids, rec, t0, end, storm_at, vocabulary):
        self.n, self.port, self.ids, self.rec = n, port, ids, rec
        self.t0, self.end, self.storm_at = t0, end, storm_at
        self.rnd = random.Random(n)
        self.vocabulary = vocabulary

    def now(self):
        return time.perf_counter() - self.t0

    def page(self, c, path, kind):
        try:
            secs, status, body = c.get(path)
        except Exception as e:  # noqa: BLE001 - every failure is an error to count
            self.rec.add("errors", f"{kind} {path}: {e!r}")
            c.conn = None
            time.sleep(1)
            return None
        if status != 200:
            self.rec.add("errors", f"{kind} {path}: {status}")
            return None
        if kind == "search":
            self.rec.add("searches", self.now(), secs)
        else:
            self.rec.add("pages", self.now(), secs, kind)
        return body

    def search(self, c):
        w = self.rnd.choice(self.vocabulary)
        for k in range(1, min(3, len(w)) + 1):
            self.page(c, "/api/suggest.json?q=" + urllib.parse.quote(w[:k]), "suggest")
        self.page(c, "/search?q=" + urllib.parse.quote(w), "search")

    def address(self):
        return f"127.0.{1 + self.n // 250}.{1 + self.n % 250}"

    def browse(self):
        c = Client(self.port, self.address())
        time.sleep(self.rnd.uniform(0, 3))  # the phones do not all arrive at once
        next_search = self.now() + self.rnd.uniform(5, 30)
        storm_done = False
        while self.now() < self.end:
            self.page(c, "/", "catalog")
            cid = self.rnd.choice(self.ids)
            home = self.page(c, f"/c/{cid}/", "course")
            lessons = []
            if home is not None:
                p = ImgParser()
                p.feed(home.decode("utf-8", "replace"))
                lessons = sorted({h for h in p.href if h.startswith("lessons/") and h.endswith(".html")})
            for lesson in lessons[:2]:
                body = self.page(c, f"/c/{cid}/{lesson}", "lesson")
                if body is None:
                    continue
                p = ImgParser()
                p.feed(body.decode("utf-8", "replace"))
                base = os.path.dirname(f"/c/{cid}/{lesson}")
                for src in p.src:
                    if "://" in src:
                        continue
                    self.page(c, urllib.parse.urljoin(base + "/", src), "picture")
                read_until = self.now() + self.rnd.uniform(15, 25)
                while self.now() < min(read_until, self.end):
                    if not storm_done and self.now() >= self.storm_at:
                        storm_done = True
                        storm_end = self.now() + STORM_SECONDS
                        while self.now() < storm_end:
                            self.search(c)
                            self.page(c, "/", "catalog")
                            time.sleep(2)
                    if self.now() >= next_search:
                        next_search += 30
                        self.search(c)
                    time.sleep(0.25)

    def watch(self):
        c = Client(self.port, self.address())
        rate = KBITS * 1000 / 8  # bytes per second
        time.sleep(self.rnd.uniform(0, 3))
        while self.now() < self.end:
            # even phones: the long video, again and again; odd ones: short videos in turn
            cid = self.ids[0] if self.n % 2 == 0 else self.rnd.choice(self.ids[1:])
            path = f"/c/{cid}/media/video.mp4"
            size = None
            got = 0
            play_start = None
            stalled = 0.0
            while self.now() < self.end and (size is None or got < size):
                if play_start is not None:
                    position = (self.now() - play_start - stalled) * rate
                    if (got - position) / rate > BUFFER_TARGET:
                        time.sleep(min(0.5, (got - position) / rate - BUFFER_TARGET + 0.05))
                        continue
                last = got + CHUNK - 1 if size is None else min(size - 1, got + CHUNK - 1)
                try:
                    secs, status, body = c.get(path, {"Range": f"bytes={got}-{last}"})
                except Exception as e:  # noqa: BLE001
                    self.rec.add("errors", f"video {path} {got}: {e!r}")
                    c.conn = None
                    time.sleep(1)  # the phone tries again a moment later
                    break
                if status != 206:
                    self.rec.add("errors", f"video {path} {got}: {status}")
                    time.sleep(1)
                    break
                with self.rec.lock:
                    self.rec.ranges += 1
                    self.rec.video_bytes += len(body)
                if size is None:
                    size = c.last_total or got + len(body)
                if play_start is not None:
                    # the playback reached byte `got` at this moment: later is a stall
                    due = play_start + stalled + got / rate
                    arrived = time.perf_counter() - self.t0
                    if arrived > due:
                        self.rec.add("stalls", arrived - due)
                        stalled += arrived - due
                    else:
                        self.rec.add("margins", due - arrived)
                got += len(body)
                if play_start is None and (got >= PREBUFFER_CHUNKS * CHUNK or got >= size):
                    play_start = self.now()
            # all of it is here: watch it to its end before the next video
            if play_start is not None and size:
                ends = play_start + stalled + size / rate
                while self.now() < min(ends, self.end):
                    time.sleep(min(0.5, ends - self.now()))


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def ms(x):
    if x != x:
        return "n/a"
    return f"{x * 1000:.1f} ms" if x < 0.01 else f"{x * 1000:.0f} ms"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    build, play = sys.argv[1], sys.argv[2]
    load0 = open("/proc/loadavg").read().split()[:3]
    work = tempfile.mkdtemp(prefix="sampan-bench-pi-")
    group = None
    try:
        t = time.perf_counter()
        ids_files = make_library(build, work)
        build_s = time.perf_counter() - t
        ids = [f"org.sampan.bench.{n}" for n in ids_files]
        lib_mb = sum(os.path.getsize(f"{work}/lib/{f}") for f in os.listdir(f"{work}/lib")) / 1e6
        group = Group()

        # cold: nothing in the cache folder
        group.reset_peak()
        p, port, t0 = start(play, work, group, "cold")
        wait_catalog(port, len(ids))
        cold = time.perf_counter() - t0
        wait_indexed(port)
        indexed = time.perf_counter() - t0
        rss_indexed = status_kib(p.pid, "VmRSS")
        stop(p)
        # warm: the cache of the cold start
        p, port, t0 = start(play, work, group, "warm")
        wait_catalog(port, len(ids))
        warm = time.perf_counter() - t0
        rss_idle = status_kib(p.pid, "VmRSS")
        group.reset_peak()

        rec = Record()
        vocabulary = words()
        t0 = time.perf_counter()
        phones = [Phone(n, port, ids, rec, t0, SECONDS, SECONDS / 3, vocabulary) for n in range(PHONES)]
        threads = [threading.Thread(target=ph.browse) for ph in phones]
        threads += [threading.Thread(target=ph.watch) for ph in phones]
        for th in threads:
            th.start()
        rss_samples = []
        while any(th.is_alive() for th in threads):
            r = status_kib(p.pid, "VmRSS")
            if r:
                rss_samples.append(r)
            time.sleep(0.5)
        elapsed = time.perf_counter() - t0
        hwm = status_kib(p.pid, "VmHWM")
        group_peak = group.peak()
        alive = p.poll() is None
        stop(p)
        load1 = open("/proc/loadavg").read().split()[:3]
    finally:
        if group:
            group.remove()
        shutil.rmtree(work, ignore_errors=True)

    pages = [s for _, s, k in rec.pages if k in ("catalog", "course", "lesson", "picture")]
    html_pages = [s for _, s, k in rec.pages if k in ("catalog", "course", "lesson")]
    suggests = [s for _, s, k in rec.pages if k == "suggest"]
    storm = (SECONDS / 3, SECONDS / 3 + STORM_SECONDS + 5)
    storm_pages = [s for t, s, k in rec.pages
                   if k in ("catalog", "course", "lesson", "picture") and storm[0] <= t <= storm[1]]
    searches = [s for _, s in rec.searches]
    p95 = pct(pages, 95)
    ok_pages = p95 < 0.200
    ok_video = not rec.stalls and rec.ranges > 0
    ok_errors = not rec.errors and alive

    def mark(b):
        return "met" if b else "**missed**"

    print("## A Raspberry Pi 4 classroom (`make bench-pi`)")
    print()
    print(f"The amd64 `sampan-play` in a control group of one core's share ({CPU_SHARE:g} CPU) and "
          f"{MEM_MB} MiB of memory without swap ({group.kind}), serving {len(ids)} bundles "
          f"({lib_mb:.0f} MB: `bench/corpus.py`'s courses, course 1's video {VIDEO_MB} MB, the others "
          f"{SMALL_VIDEO_KB} kB) to {PHONES} simulated phones for {SECONDS:g} s (`bench/pi.py`). "
          "Why this stands for a Raspberry Pi 4 with 1 GB, and not qemu-user: "
          "[NOTES.md](NOTES.md), \"A Raspberry Pi 4 classroom\".")
    print()
    print("Each phone: the catalog, a course's home page, a lesson and its pictures, the next lesson "
          "every 15 to 25 s, a search (with three suggestions as it types) every 30 s; meanwhile a "
          f"video in Range requests of 256 kB at {KBITS:g} kbit/s, two before it plays, then one whenever "
          "less than 10 s are buffered (half the phones the long video, half one short video after "
          f"another of the other courses).  At {SECONDS / 3:.0f} s, a search storm: every phone searches "
          f"every 2 s, and opens the catalog, for {STORM_SECONDS:g} s.  Load average {' '.join(load0)} at the start, "
          f"{' '.join(load1)} at the end (the load generator, {2 * PHONES} Python threads, runs "
          "beside the group on the same two cores).")
    print()
    print("| Target | Figure | |")
    print("| --- | --- | --- |")
    print(f"| page p95 under 200 ms (catalog, course, lesson, pictures) | {ms(p95)} "
          f"({len(pages)} requests; during the storm {ms(pct(storm_pages, 95))}) | {mark(ok_pages)} |")
    print(f"| video never stalls | {len(rec.stalls)} stalls in {rec.ranges} ranges "
          f"({rec.video_bytes / 1e6:.0f} MB); least buffer left when a range arrived: "
          f"{min(rec.margins) if rec.margins else float('nan'):.1f} s | {mark(ok_video)} |")
    print(f"| no error | {len(rec.errors)} errors in {len(rec.pages) + len(rec.searches) + rec.ranges} "
          f"answers{'' if alive else ', the server died'} | {mark(ok_errors)} |")
    print()
    print("| Figure | p50 | p95 | p99 | max | count |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, v in (("pages and pictures", pages), ("HTML pages", html_pages),
                    ("pages during the storm", storm_pages), ("searches", searches),
                    ("suggestions", suggests)):
        print(f"| {name} | {ms(pct(v, 50))} | {ms(pct(v, 95))} | {ms(pct(v, 99))} | "
              f"{ms(max(v) if v else float('nan'))} | {len(v)} |")
    print()
    print("| Start-up and memory | |")
    print("| --- | ---: |")
    print(f"| cold start: launch to every course in the catalog (empty cache) | {cold:.2f} s |")
    print(f"| cold start: launch to search indexed for every course | {indexed:.1f} s |")
    print(f"| warm start: launch to every course in the catalog | {warm:.2f} s |")
    print(f"| resident memory after indexing, idle after a warm start | {rss_indexed / 1024:.0f} MiB, "
          f"{rss_idle / 1024:.0f} MiB |")
    print(f"| resident memory under load: peak (VmHWM), highest sample | {hwm / 1024:.0f} MiB, "
          f"{max(rss_samples) / 1024:.0f} MiB |")
    if group_peak:
        print(f"| the group's peak under load, page cache of the bundles included | "
              f"{group_peak / 2**20:.0f} MiB of {MEM_MB} |")
    print()
    print(f"Building the {len(ids)} bundles took {build_s:.0f} s; the phones' run {elapsed:.0f} s.")
    if rec.errors:
        print()
        print("Errors (the first 10):")
        print()
        for e in rec.errors[:10]:
            print(f"- `{e}`")
    if rec.stalls:
        print()
        print(f"Stalls: {len(rec.stalls)}, the longest {max(rec.stalls):.2f} s.")
    sys.exit(0 if ok_pages and ok_video and ok_errors else 1)


if __name__ == "__main__":
    main()
