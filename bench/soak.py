#!/usr/bin/env python3
"""soak.py - sampan-play under a class for a long time, while sticks come and go.

    bench/soak.py SAMPAN_BUILD SAMPAN_PLAY [SECONDS]      (default 600)

Serves the three sample courses (always there) and four more courses that
are copied in and taken away every two seconds, and keeps CONNECTIONS
keep-alive connections busy with what students ask for: the catalog, lesson
pages, 64 KiB Range requests of the sample video, subtitles, searches and
suggestions, and pages of the courses that come and go.  The connections come
from four loopback addresses (the player allows 64 per address, as it would
for four classrooms' worth of phones behind one router at most).

Fails (exit 1) when a request for one of the always-there courses gets
anything but 200, 206 or 304, or when resident memory at the end is 5 % or
more above what it was once warmed up (after the first tenth of the run).
Prints Markdown.
"""
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CONNECTIONS = 200
ADDRESSES = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]
CHURN = 4


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    build, play = sys.argv[1], sys.argv[2]
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 600
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    work = tempfile.mkdtemp(prefix="sampan-soak-")
    server = None
    try:
        lib, spare = f"{work}/lib", f"{work}/spare"
        os.makedirs(lib)
        os.makedirs(spare)
        subprocess.run(["bash", f"{top}/samples/make-media.sh"], check=True, stdout=subprocess.DEVNULL)
        key, pub = f"{top}/samples/keys/sample.key", f"{top}/samples/keys/sample.pub"
        for s in ("electrical-safety", "gem-processing", "pump-maintenance"):
            subprocess.run([build, "build", f"{top}/samples/{s}", "-k", key, "-o", f"{lib}/{s}.sampan", "-q"], check=True)
        subprocess.run([build, "init", f"{work}/src", "--title", "Coming and going"], check=True, stdout=subprocess.DEVNULL)
        yml = open(f"{work}/src/course.yml", encoding="utf-8").read()
        for i in range(CHURN):
            with open(f"{work}/src/course.yml", "w", encoding="utf-8") as f:
                f.write("\n".join(f"id: org.sampan.soak.c{i}" if l.startswith("id: ") else l for l in yml.split("\n")))
            subprocess.run([build, "build", f"{work}/src", "-k", key, "-o", f"{spare}/c{i}.sampan", "-q"], check=True)

        out = open(f"{work}/server.out", "w")
        err = open(f"{work}/server.err", "w")
        server = subprocess.Popen([play, "serve", lib, "--bind", "0.0.0.0", "--port", "0", "--trust", pub,
                                   "--cache", f"{work}/cache", "-q"], stdout=out, stderr=err)
        port = None
        for _ in range(200):
            text = open(f"{work}/server.out").read()
            if "Serving at" in text:
                port = urllib.parse.urlsplit(text.split("Serving at ", 1)[1].split()[0]).port
                break
            time.sleep(0.05)
        assert port, "the player did not start"

        pump = "/c/org.sampan.samples.pump-maintenance/"
        stable = [
            "/", "/api/catalog.json",
            "/c/org.sampan.samples.electrical-safety/lessons/01-hazards.html",
            "/c/org.sampan.samples.gem-processing/lessons/03-machine.html",
            pump + "lessons/02-an-toan.html", pump + "media/pump.vi.vtt",
            "/search?q=" + urllib.parse.quote("ไฟฟ้า"), "/api/suggest.json?q=impel",
            "/api/search.json?q=" + urllib.parse.quote("抛光"),
        ]
        video = pump + "media/pump.mp4"
        video_size = os.path.getsize(f"{top}/samples/pump-maintenance/media/pump.mp4")
        stop = threading.Event()
        lock = threading.Lock()
        counts = {"requests": 0, "stable_bad": 0, "churn_ok": 0, "churn_404": 0, "churn_other": 0, "errors": 0}
        bad_examples = []

        def client(n):
            rnd = random.Random(n)
            src = (ADDRESSES[n % len(ADDRESSES)], 0)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=src)
            while not stop.is_set():
                roll = rnd.random()
                headers = {}
                churned = False
                if roll < 0.3:
                    path = video
                    off = rnd.randrange(0, max(1, video_size - 65536))
                    headers["Range"] = f"bytes={off}-{off + 65535}"
                elif roll < 0.4:
                    path = f"/c/org.sampan.soak.c{rnd.randrange(CHURN)}/lessons/01-welcome.html"
                    churned = True
                else:
                    path = rnd.choice(stable)
                try:
                    conn.request("GET", path, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    status = r.status
                except (OSError, http.client.HTTPException) as e:
                    status = None
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=src)
                with lock:
                    counts["requests"] += 1
                    if status is None:
                        counts["errors"] += 1
                    elif churned:
                        key_ = "churn_ok" if status == 200 else "churn_404" if status == 404 else "churn_other"
                        counts[key_] += 1
                        if key_ == "churn_other" and len(bad_examples) < 10:
                            bad_examples.append(f"{status} {path}")
                    elif status not in (200, 206, 304):
                        counts["stable_bad"] += 1
                        if len(bad_examples) < 10:
                            bad_examples.append(f"{status} {path}")

        def churn():
            rnd = random.Random(0)
            present = set()
            while not stop.is_set():
                i = rnd.randrange(CHURN)
                if i in present:
                    os.remove(f"{lib}/c{i}.sampan")
                    present.discard(i)
                else:  # copied in under another name, then renamed, as a careful copy does
                    shutil.copyfile(f"{spare}/c{i}.sampan", f"{lib}/.c{i}.part")
                    os.rename(f"{lib}/.c{i}.part", f"{lib}/c{i}.sampan")
                    present.add(i)
                stop.wait(2)

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CONNECTIONS)]
        threads.append(threading.Thread(target=churn, daemon=True))
        start = time.monotonic()
        for t in threads:
            t.start()
        warm = max(10.0, seconds / 10)
        samples = []
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= seconds:
                break
            time.sleep(min(5.0, seconds - elapsed))
            samples.append((time.monotonic() - start, rss_kib(server.pid)))
        stop.set()
        for t in threads:
            t.join(35)
        alive = server.poll() is None
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)

    base = next((r for t, r in samples if t >= warm), samples[-1][1])
    end = samples[-1][1]
    peak = max(r for _, r in samples)
    growth = (end - base) / base * 100
    passed = alive and counts["stable_bad"] == 0 and growth < 5
    print(f"### Soak: {seconds} s, {CONNECTIONS} connections, {CHURN} courses coming and going every 2 s\n")
    print("| figure | value |")
    print("| --- | ---: |")
    print(f"| requests answered | {counts['requests']} ({counts['requests'] / seconds:.0f}/s) |")
    print(f"| always-there courses: answers other than 200, 206, 304 | {counts['stable_bad']} |")
    print(f"| coming-and-going course pages: 200 / 404 / other | {counts['churn_ok']} / {counts['churn_404']} / {counts['churn_other']} |")
    print(f"| connections that failed (reset, timeout) | {counts['errors']} |")
    print(f"| resident memory warmed up (at {warm:.0f} s) / at the end / peak | "
          f"{base / 1024:.1f} / {end / 1024:.1f} / {peak / 1024:.1f} MiB |")
    print(f"| growth after warm-up (target under 5 %) | {growth:+.1f} % |")
    print(f"| the player still running at the end | {'yes' if alive else 'NO'} |")
    if bad_examples:
        print("\nExamples of bad answers: " + "; ".join(bad_examples))
    print(f"\n{'PASS' if passed else 'FAIL'}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
