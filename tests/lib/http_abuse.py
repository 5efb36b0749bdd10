"""http_abuse.py URL COURSE_PATH ENTRY_FILE - abuse a running sampan-play
over raw sockets and report one line per check, "ok|what" or
"fail|what|detail", for the TAP script that runs it.

URL is the server's base address (http://127.0.0.1:PORT/), COURSE_PATH a
served entry of a few MB ("c/ID/media/big.bin") and ENTRY_FILE the same
entry's bytes on disk.  After every abusive request a well-behaved client
must still get its page: the server answered 4xx or closed, and kept
serving everyone else.
"""
import socket
import sys
import threading
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
HOST, PORT = url.hostname, url.port
ENTRY = "/" + sys.argv[2]
with open(sys.argv[3], "rb") as f:
    BODY = f.read()


def report(good, what, detail=""):
    if good:
        print("ok|" + what, flush=True)
    else:
        print("fail|%s|%s" % (what, detail.replace("\n", " ")[:300]), flush=True)


def exchange(raw, source="127.0.0.1", timeout=10.0, until_close=False):
    """Send raw bytes and read until the response is complete (or, with
    until_close, until the server closes) or the server goes quiet.
    Returns (status or None, headers dict, body bytes, everything)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    data = b""
    try:
        s.bind((source, 0))
        s.connect((HOST, PORT))
        s.sendall(raw)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if not until_close and response_complete(data):
                break
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    finally:
        s.close()
    return parse(data) + (data,)


def response_complete(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            return len(body) >= int(v.strip())
    return False


def parse(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1."):
        return None, {}, b""
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return None, {}, b""
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return status, headers, body


def get(path, extra=b"", source="127.0.0.1"):
    raw = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + b"\r\n"
    return exchange(raw, source)


def still_serving(what):
    t = time.monotonic()
    status, _, body, _ = get("/")
    took = time.monotonic() - t
    report(status == 200 and b"<html" in body.lower() and took < 5,
           "after %s, a well-behaved client still gets the catalog" % what,
           "status %s in %.1f s" % (status, took))


def refused_or_4xx(status):
    return status is None or 400 <= status < 500


# --- huge and malformed requests ------------------------------------------------
status, _, _, _ = get("/" + "a" * 100000)
report(refused_or_4xx(status), "a 100 kB URL gets 4xx or a close", "status %s" % status)
status, _, _, _ = get("/", b"X-Big: " + b"b" * 100000 + b"\r\n")
report(refused_or_4xx(status), "a 100 kB header gets 4xx or a close", "status %s" % status)
status, _, _, _ = get("/", b"".join(b"X-H%d: v\r\n" % i for i in range(5000)))
report(refused_or_4xx(status), "5,000 headers get 4xx or a close", "status %s" % status)
for raw in (b"\x00\x01\x02\xff garbage\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
            b"GET /\xc0\xae\xc0\xae/ HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n"):
    status, _, _, _ = exchange(raw)
    report(refused_or_4xx(status) or status == 505, "malformed request %r gets 4xx or a close" % raw[:24],
           "status %s" % status)
still_serving("huge and malformed requests")

# --- every other method ---------------------------------------------------------
for method in ("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND", "FOO"):
    target = "x:80" if method == "CONNECT" else ENTRY
    raw = ("%s %s HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
           % (method, target)).encode()
    status, headers, body, _ = exchange(raw)
    report(refused_or_4xx(status) and BODY[:64] not in body,
           "%s gets 4xx or a close, never the entry" % method, "status %s" % status)

# --- Range headers: malformed, multiple, huge -----------------------------------
n = len(BODY)
cases = {
    "bytes=abc": (200,), "bytes=5-1": (200, 416), "bytes=-": (200, 416), "bytes=": (200, 416),
    "bytes=0-1,5-9": (200, 206), "bytes=0-0,0-0,0-0,0-0": (200, 206), "lines=0-9": (200,),
    "bytes=%d-" % n: (416,), "bytes=99999999999999999999999-": (200, 416),
    "bytes=-99999999999999999999999": (200, 206, 416), "bytes=" + ",".join(["0-1"] * 4000): (200, 206, 416, 431),
}
for value, allowed in cases.items():
    status, headers, body, _ = get(ENTRY, b"Range: " + value.encode() + b"\r\n")
    good = status in allowed or (status is None and 431 in allowed)
    if status == 200:
        good = good and body == BODY
    elif status == 206:
        cr = headers.get("content-range", "")
        try:
            first, last = (int(x) for x in cr.split()[1].split("/")[0].split("-"))
            good = good and body == BODY[first:last + 1]
        except (IndexError, ValueError):
            good = False
    report(good, "Range %r gets %s with the right bytes" % (value[:30], "/".join(map(str, allowed))),
           "status %s" % status)
status, headers, body, _ = get(ENTRY, b"Range: bytes=0-9\r\nRange: bytes=20-29\r\n")
report(status in (200, 206, 400) and (status != 206 or body in (BODY[0:10], BODY[20:30])),
       "two Range headers get one consistent answer", "status %s" % status)
still_serving("Range abuse")

# --- request smuggling --------------------------------------------------------------
smuggled = b"GET /no-such-smuggled-path HTTP/1.1\r\nHost: x\r\n\r\n"
for head in (b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(smuggled),
             b"Content-Length: 5\r\nContent-Length: %d\r\n" % len(smuggled),
             b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"):
    raw = b"GET / HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n0\r\n\r\n" + smuggled
    status, _, _, everything = exchange(raw, timeout=5, until_close=True)
    answers = everything.count(b"HTTP/1.")
    report(refused_or_4xx(status) and answers <= 1,
           "a request framed by %r gets 4xx, and what follows it is not taken for a request"
           % head[:30], "status %s, %d answers" % (status, answers))
still_serving("smuggling attempts")

# --- slowloris: hundreds of half-open connections from several addresses -------------
half_open = []
for i in range(320):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.bind(("127.0.0.%d" % (10 + i % 5), 0))
        s.connect((HOST, PORT))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        half_open.append(s)
    except OSError:
        s.close()
time.sleep(0.5)
still_serving("%d half-open connections" % len(half_open))
for s in half_open:
    s.close()

# --- a thousand concurrent clients ------------------------------------------------
results = []
lock = threading.Lock()


def client(i):
    status, _, body, _ = get(ENTRY, b"Range: bytes=0-65535\r\n", source="127.0.0.%d" % (20 + i % 20))
    with lock:
        results.append((status, body == BODY[:65536]))


threads = [threading.Thread(target=client, args=(i,)) for i in range(1000)]
for t in threads:
    t.start()
for t in threads:
    t.join()
served = sum(1 for status, right in results if status == 206 and right)
bad = [status for status, right in results if status is not None and (status >= 500 or (status == 206 and not right))]
report(not bad and served >= 500, "1,000 concurrent clients: right bytes or a refusal, never a 5xx",
       "%d served, bad answers %s" % (served, bad[:10]))
print("info|%d of 1000 concurrent clients were served" % served, flush=True)
still_serving("1,000 concurrent clients")
