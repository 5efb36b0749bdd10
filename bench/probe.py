#!/usr/bin/python3
"""probe.py - the benchmarks' stopwatch and memory gauge for servers.

    probe.py port
        a free TCP port on 127.0.0.1
    probe.py launch URL LOG [--timeout S] -- COMMAND [ARG...]
        start COMMAND (stdout and stderr to LOG), in a session of its own, and
        wait until a GET of URL answers 200; then print "SECONDS PID", the time
        from just before the start to the first 200 and the server's process
        id, and stay until the server ends (`kill PID`), to collect it.
        Run it in the background and read its line.  Exits 1, having killed
        the server, if it died or did not answer within S seconds (120).
    probe.py rss PID
        the resident memory (VmRSS, KiB) of PID and all its descendants, summed
    probe.py peak PID SECONDS
        the highest `rss PID` seen, sampled every 0.1 s for SECONDS
    probe.py get URL...
        GET every URL once, in order, on one connection where the server keeps
        it open; exits 1 unless every answer is 200

Polls every 2 ms from one process, so that the start-up of a fast server is not
hidden behind the start-up of a polling tool.
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url, timeout=5.0):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        c.request("GET", u.path or "/")
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def launch(url, log, timeout, argv):
    u = urllib.parse.urlsplit(url)
    with open(log, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                             start_new_session=True)
    # Ctrl-C reaches the script that started us, which stops the server; stay to collect it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        if p.poll() is not None:
            sys.stderr.write(f"probe: {argv[0]} exited with {p.returncode} before answering (see {log})\n")
            return 1
        if time.monotonic() - t0 > timeout:
            break
        try:
            with socket.create_connection((u.hostname, u.port), timeout=1.0):
                pass
        except OSError:
            time.sleep(0.002)
            continue
        try:
            if status_of(url) == 200:
                elapsed = time.monotonic() - t0
                sys.stdout.write(f"{elapsed:.4f} {p.pid}\n")
                sys.stdout.flush()
                p.wait()
                return 0
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.002)
    sys.stderr.write(f"probe: {url} did not answer 200 within {timeout} s (see {log})\n")
    os.killpg(p.pid, signal.SIGKILL)
    return 1


def children():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def rss(pid):
    kids = children()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def peak(pid, seconds):
    end = time.monotonic() + seconds
    best = 0
    while time.monotonic() < end:
        best = max(best, rss(pid))
        time.sleep(0.1)
    return best


def get_all(urls):
    conn, ok = None, True
    for url in urls:
        u = urllib.parse.urlsplit(url)
        for attempt in (1, 2):  # once more on a fresh connection if the server closed it
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            try:
                conn.request("GET", u.path)
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    sys.stderr.write(f"probe: {url}: {r.status}\n")
                    ok = False
                if r.will_close:
                    conn.close()
                    conn = None
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = None
                if attempt == 2:
                    raise
    if conn:
        conn.close()
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 1 and argv[0] == "port":
        print(free_port())
        return 0
    if len(argv) >= 4 and argv[0] == "launch":
        url, log, rest = argv[1], argv[2], argv[3:]
        timeout = 120.0
        if rest[:1] == ["--timeout"]:
            timeout, rest = float(rest[1]), rest[2:]
        if rest[:1] == ["--"] and len(rest) > 1:
            return launch(url, log, timeout, rest[1:])
    if len(argv) == 2 and argv[0] == "rss":
        print(rss(int(argv[1])))
        return 0
    if len(argv) == 3 and argv[0] == "peak":
        print(peak(int(argv[1]), float(argv[2])))
        return 0
    if len(argv) >= 2 and argv[0] == "get":
        return get_all(argv[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
