#!/usr/bin/python3
"""Conformance test vectors for the Sampan bundle format v1.

Usage: /usr/bin/python3 generate.py [OUTDIR]     (default: this script's folder)
       /usr/bin/python3 generate.py --zip64 OUTFILE
                 writes only OUTFILE: one valid bundle over 4 GiB that needs
                 ZIP64 (a stored media/big.mp4 of 4 GiB + 1 MiB + 123 zero
                 bytes, then media/small.txt), as a sparse file that takes
                 about 280 KB of disk (mostly META-INF/chunks: 4,098 lines,
                 stored since their deflate ratio exceeds 200); for tests
                 (tests/unit/test_zip64.c), not a committed vector

An independent writer of the format, written from its specification,
bundle-v1.md, byte by byte: a small raw ZIP writer (not the zipfile module)
with control over every header field, so that it can also write the broken
bundles.

Deterministic: no clock, no randomness. Keys come from fixed seeds, media bytes
from a SHA-256 counter stream, so the same script always writes the same bytes.

Dependencies: the Python 3 standard library and PyNaCl (Debian: python3-nacl).

Writes:
  test.pub test.key other.pub other.key   minisign key files (FOR TESTS ONLY)
  valid/NAME.sampan   valid/NAME.txt      first line of the .txt: VALID
  invalid/NAME.sampan invalid/NAME.txt    first line of the .txt: the rule name
  parts/valid/NAME/course.sampan.NNN, parts/invalid/NAME/...   bundles in
                                          parts (§20), NAME.txt beside each
  update/library/course-1.0.sampan        the base of the update vectors
  update/valid/NAME.sampan-update         valid updates (§21), and
  update/valid/NAME.sampan                  the exact target each gives
  update/invalid/NAME.sampan-update       updates that each break one rule
"""

import base64
import hashlib
import json
import os
import struct
import sys
import textwrap
import time
import unicodedata
import zlib

import nacl.signing

# ---------------------------------------------------------------------------
# Constants of the format
# ---------------------------------------------------------------------------

MEDIA_TYPE = b"application/vnd.sampan.bundle+zip"
MIMETYPE = b"mimetype"
MANIFEST = b"META-INF/MANIFEST"
MINISIG = b"META-INF/MANIFEST.minisig"
CHUNKS = b"META-INF/chunks"
COURSE = b"META-INF/course.json"
META = b"META-INF/"

MIB = 1 << 20
CHUNK_SIZE = MIB
CHUNKS_HEADER = b"# sampan-chunks: 1\n# chunk-size: 1048576\n"

# Writer conventions (bundle-v1.md §3.5, §6.3, §7)
VERSION_MADE_BY = 0x033F
DOS_TIME = 0x0000
DOS_DATE = 0x0021
EXT_ATTR_FILE = 0o100644 << 16
FLAG_DEFLATE_MAX = 0x0002
FLAG_UTF8 = 0x0800

# Media types whose entries are deflated (bundle-v1.md §6.1)
DEFLATE_EXTENSIONS = {
    "html", "htm", "css", "js", "json", "md", "txt", "vtt", "srt", "svg",
    "xml", "csv",
}

SIG_LOCAL = 0x04034B50
SIG_CENTRAL = 0x02014B50
SIG_EOCD = 0x06054B50
SIG_ZIP64_EOCD = 0x06064B50
SIG_ZIP64_LOCATOR = 0x07064B50
SIG_DATA_DESCRIPTOR = 0x08074B50


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).digest()


def sha256hex(data):
    return hashlib.sha256(data).hexdigest()


def b64(data):
    return base64.b64encode(data)


def nb(name):
    """A name as bytes (str names are encoded as UTF-8 unchanged)."""
    return name if isinstance(name, bytes) else name.encode("utf-8")


def nfc(text):
    out = unicodedata.normalize("NFC", text)
    assert out == text, "source text is not NFC: %r" % text
    return out


def deflate(data):
    """Raw deflate as libzip 1.7 writes it: level 9, windowBits 15, memLevel 9."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return comp.compress(data) + comp.flush()


def prng(label, size):
    """Deterministic pseudo-random bytes: SHA-256(label || u64 counter) ..."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += sha256(label + struct.pack(">Q", counter))
        counter += 1
    return bytes(out[:size])


def flip_byte(data, index):
    data = bytearray(data)
    data[index] ^= 0x01
    return bytes(data)


def course_json(obj):
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True)
            + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Keys (bundle-v1.md §10)
# ---------------------------------------------------------------------------

class Key:
    def __init__(self, number):
        self.seed = sha256(b"sampan test key %d" % number)
        self.kid = sha256(b"sampan test key id %d" % number)[:8]
        self.signing = nacl.signing.SigningKey(self.seed)
        self.pk = bytes(self.signing.verify_key)

    def sign(self, message):
        return self.signing.sign(message).signature

    @property
    def keyid_hex(self):
        return keyid_hex(self.kid)

    def pub_file(self):
        return (b"untrusted comment: minisign public key %s\n"
                % self.keyid_hex.encode() + b64(b"Ed" + self.kid + self.pk)
                + b"\n")

    def key_file(self):
        secret = self.seed + self.pk
        checksum = hashlib.blake2b(b"Ed" + self.kid + secret,
                                   digest_size=32).digest()
        blob = (b"Ed" + b"\0\0" + b"B2" + bytes(32) + struct.pack("<QQ", 0, 0)
                + self.kid + secret + checksum)
        assert len(blob) == 158
        return (b"untrusted comment: minisign encrypted secret key\n"
                + b64(blob) + b"\n")


def keyid_hex(kid):
    return "%016X" % struct.unpack("<Q", kid)[0]


TEST = Key(1)
OTHER = Key(2)


def minisig(manifest, key, tc, *, alg=b"ED", signer=None, tc_signed=None,
            flip_sig=False, flip_global=False, untrusted=None):
    """The four-line minisign signature file (bundle-v1.md §9).

    key gives the key id; signer (default key) makes the signatures;
    tc_signed (default tc) is the text the global signature covers."""
    signer = signer or key
    message = (hashlib.blake2b(manifest, digest_size=64).digest()
               if alg != b"Ed" else manifest)
    sig = signer.sign(message)
    if flip_sig:
        sig = flip_byte(sig, 10)
    tc_bytes = tc.encode("utf-8")
    signed = tc_bytes if tc_signed is None else tc_signed.encode("utf-8")
    global_sig = signer.sign(sig + signed)
    if flip_global:
        global_sig = flip_byte(global_sig, 20)
    if untrusted is None:
        untrusted = b"signature from sampan secret key " + key.keyid_hex.encode()
    return (b"untrusted comment: " + untrusted + b"\n"
            + b64(alg + key.kid + sig) + b"\n"
            + b"trusted comment: " + tc_bytes + b"\n"
            + b64(global_sig) + b"\n")


# ---------------------------------------------------------------------------
# Raw ZIP writer
# ---------------------------------------------------------------------------

class Entry:
    """One ZIP entry; every field written to the local and central headers."""

    def __init__(self, name, data, method):
        self.name = name
        self.vmade = VERSION_MADE_BY
        self.time = DOS_TIME
        self.date = DOS_DATE
        self.iattr = 0
        self.eattr = EXT_ATTR_FILE
        self.cextra = b""          # central extra field
        self.lextra = b""          # local extra field
        self.comment = b""
        self.disk = 0
        self.local = {}            # local header overrides: name, nlen, vneed,
                                   # flags, method, time, date, crc, csize, size
        self.after = b""           # bytes after the data (data descriptor)
        self.embedded_in = None    # (host name, delta): local record is inside
                                   # the host's data, not written separately
        self.offset = None         # central "local header offset" override
        self.set_data(data, method)

    def set_data(self, data, method=None):
        if method is None:
            method = self.method
        self.data = data
        self.method = method
        self.payload = deflate(data) if method == 8 else data
        self.crc = zlib.crc32(data)
        self.size = len(data)
        self.csize = len(self.payload)
        self.vneed = 20 if method == 8 else 10
        self.flags = ((FLAG_DEFLATE_MAX if method == 8 else 0)
                      | (FLAG_UTF8 if any(b >= 0x80 for b in self.name) else 0))

    def local_header(self):
        get = self.local.get
        name = get("name", self.name)
        return struct.pack(
            "<IHHHHHIIIHH", SIG_LOCAL, get("vneed", self.vneed),
            get("flags", self.flags), get("method", self.method),
            get("time", self.time), get("date", self.date),
            get("crc", self.crc), get("csize", self.csize),
            get("size", self.size), get("nlen", len(name)),
            len(self.lextra)
        ) + name + self.lextra

    def local_record(self):
        return self.local_header() + self.payload + self.after

    def central_header(self, offset):
        return struct.pack(
            "<IHHHHHHIIIHHHHHII", SIG_CENTRAL, self.vmade, self.vneed,
            self.flags, self.method, self.time, self.date, self.crc,
            self.csize, self.size, len(self.name), len(self.cextra),
            len(self.comment), self.disk, self.iattr, self.eattr, offset
        ) + self.name + self.cextra + self.comment


def write_zip(entries, *, prefix=b"", gaps=None, gap_before_cd=b"",
              gap_after_cd=b"", eocd=None, comment=b"", trailing=b"",
              zip64=None):
    """Serialise entries. Everything not overridden is what a writer writes.

    gaps: {entry index: bytes inserted after that entry's local record}
    eocd: overrides of EOCD fields (disk, cd_disk, n_disk, n_total, cd_size,
          cd_offset, comment_len)
    zip64: None, or a dict of overrides for a ZIP64 EOCD record + locator
           written between the central directory and the EOCD."""
    gaps = gaps or {}
    out = bytearray(prefix)
    offsets = {}
    for index, entry in enumerate(entries):
        if entry.embedded_in is not None:
            host, delta = entry.embedded_in
            offsets[index] = offsets[host] + delta
            continue
        offsets[index] = len(out)
        out += entry.local_record()
        out += gaps.get(index, b"")
    out += gap_before_cd
    cd_offset = len(out)
    for index, entry in enumerate(entries):
        off = entry.offset if entry.offset is not None else offsets[index]
        out += entry.central_header(off)
    cd_size = len(out) - cd_offset
    out += gap_after_cd
    fields = dict(disk=0, cd_disk=0, n_disk=len(entries),
                  n_total=len(entries), cd_size=cd_size, cd_offset=cd_offset,
                  comment_len=len(comment))
    if zip64 is not None:
        out += zip64_end_records(len(out), len(entries), cd_size, cd_offset,
                                 zip64)
    fields.update(eocd or {})
    out += eocd_record(fields)
    out += comment + trailing
    return bytes(out)


def zip64_end_records(record_offset, count, cd_size, cd_offset, overrides=None):
    """The ZIP64 end of central directory record (56 bytes) at record_offset
    and its locator (20 bytes), bundle-v1.md §3.4; overrides as write_zip's
    zip64 argument (record_offset there overrides the locator's pointer)."""
    z = dict(record_size=44, vmade=45, vneed=45, disk=0, cd_disk=0,
             n_disk=count, n_total=count, cd_size=cd_size,
             cd_offset=cd_offset, loc_disk=0, total_disks=1)
    z.update(overrides or {})
    return (struct.pack("<IQHHIIQQQQ", SIG_ZIP64_EOCD, z["record_size"],
                        z["vmade"], z["vneed"], z["disk"], z["cd_disk"],
                        z["n_disk"], z["n_total"], z["cd_size"],
                        z["cd_offset"])
            + struct.pack("<IIQI", SIG_ZIP64_LOCATOR, z["loc_disk"],
                          z.get("record_offset", record_offset),
                          z["total_disks"]))


def eocd_record(fields):
    """The end of central directory record (22 bytes, bundle-v1.md §3.3)."""
    return struct.pack("<IHHHHIIH", SIG_EOCD, fields["disk"],
                       fields["cd_disk"], fields["n_disk"], fields["n_total"],
                       fields["cd_size"], fields["cd_offset"],
                       fields["comment_len"])


# ---------------------------------------------------------------------------
# Bundle writer (bundle-v1.md §5, §6, §8, §9, §12)
# ---------------------------------------------------------------------------

def canonical_key(name):
    if name == MIMETYPE:
        group = 0
    elif name == MANIFEST:
        group = 1
    elif name == MINISIG:
        group = 2
    elif name.startswith(META):
        group = 3
    else:
        group = 4
    return (group, name)


def extension(name):
    last = name.rsplit(b"/", 1)[-1].decode("utf-8", "replace")
    if "." not in last:
        return ""
    return last.rsplit(".", 1)[1].lower()


def compressible(name):
    if name == MIMETYPE:
        return False
    if name in (MANIFEST, MINISIG, CHUNKS):       # text/plain
        return True
    return extension(name) in DEFLATE_EXTENSIONS


def writer_method(name, data):
    """bundle-v1.md §6.2: deflate compressible types unless it does not
    shrink or the ratio would exceed 200."""
    if not compressible(name):
        return 0
    compressed = deflate(data)
    if len(compressed) < len(data) and len(data) <= 200 * len(compressed):
        return 8
    return 0


def make_entry(name, data, method=None):
    if method is None:
        method = writer_method(name, data)
    return Entry(name, data, method)


def chunks_text(pairs):
    """pairs: (name, entry) in ZIP order."""
    text = bytearray(CHUNKS_HEADER)
    for name, entry in pairs:
        if entry.method == 0 and entry.size > CHUNK_SIZE:
            text += b"f %d %s\n" % (entry.size, name)
            for start in range(0, entry.size, CHUNK_SIZE):
                text += b"c %s\n" % sha256hex(
                    entry.data[start:start + CHUNK_SIZE]).encode()
    return bytes(text)


def manifest_line(name, data):
    return sha256hex(data).encode() + b"  " + name + b"\n"


def header_line(key, value):
    return b"# " + nb(key) + b": " + nb(value) + b"\n"


def trusted_comment(cid, version, bundle="1"):
    return "sampan-bundle:%s\tid:%s\tversion:%s" % (bundle, cid, version)


class Built:
    def __init__(self, data, manifest, signature, entries):
        self.data = data
        self.manifest = manifest
        self.signature = signature
        self.entries = entries


def build(files, course, *, cid=None, version=None, title=None, key=TEST,
          headers=None, extra_headers=(), tc=None, tc_extra="", sig_kw=None,
          sig_fn=None, order=None, chunks_fn=None, lines_fn=None,
          manifest_fn=None, entries_fn=None, zip_kw=None, methods=None,
          with_mimetype=True, with_manifest=True, with_sig=True,
          with_chunks=True):
    """Write a bundle. With no hooks this is exactly what a v1 writer writes.

    files: list of (name, bytes) content entries (not the META-INF files
    written here); course: dict (serialised), bytes (raw) or None (absent)."""
    methods = {nb(k): v for k, v in (methods or {}).items()}
    if isinstance(course, dict):
        cid = cid if cid is not None else course["id"]
        version = version if version is not None else course["version"]
        if title is None:
            title = course.get("title", {}).get(course["language"])
    pairs = [(nb(n), d) for n, d in files]
    if course is not None:
        pairs.append((COURSE, course if isinstance(course, bytes)
                      else course_json(course)))
    specials = []
    if with_mimetype:
        specials.append(MIMETYPE)
    if with_manifest:
        specials.append(MANIFEST)
    if with_sig:
        specials.append(MINISIG)
    if with_chunks:
        specials.append(CHUNKS)
    items = [(n, None) for n in specials] + pairs
    items.sort(key=lambda item: canonical_key(item[0]))
    if order is not None:
        items = order(items)

    content = [(n, make_entry(n, d, methods.get(n))) for n, d in items
               if d is not None]
    by_index = iter(e for _, e in content)
    ctext = chunks_text(content)
    if chunks_fn is not None:
        ctext = chunks_fn(ctext)
    chunks_entry = make_entry(CHUNKS, ctext, methods.get(CHUNKS))

    lines = []
    for n, d in items:
        if n in (MIMETYPE, MANIFEST, MINISIG):
            continue
        lines.append(manifest_line(n, ctext if n == CHUNKS else d))
    if lines_fn is not None:
        lines = lines_fn(lines)
    if headers is None:
        headers = [("sampan-bundle", "1"), ("id", cid), ("version", version)]
        if title is not None:
            headers.append(("title", title))
    headers = list(headers) + list(extra_headers)
    manifest = b"".join(header_line(k, v) for k, v in headers) + b"".join(lines)
    if manifest_fn is not None:
        manifest = manifest_fn(manifest)

    if tc is None:
        tc = trusted_comment(cid, version) + tc_extra
    if sig_fn is not None:
        signature = sig_fn(manifest)
    else:
        signature = minisig(manifest, key, tc, **(sig_kw or {}))

    entries = []
    for n, d in items:
        if n == MIMETYPE:
            entries.append(make_entry(MIMETYPE, MEDIA_TYPE, methods.get(n, 0)))
        elif n == MANIFEST:
            entries.append(make_entry(MANIFEST, manifest, methods.get(n)))
        elif n == MINISIG:
            entries.append(make_entry(MINISIG, signature, methods.get(n)))
        elif n == CHUNKS:
            entries.append(chunks_entry)
        else:
            entries.append(next(by_index))
    if entries_fn is not None:
        result = entries_fn(entries)
        if result is not None:
            entries = result
    data = write_zip(entries, **(zip_kw or {}))
    return Built(data, manifest, signature, entries)


def find(entries, name):
    name = nb(name)
    for entry in entries:
        if entry.name == name:
            return entry
    raise KeyError(name)


def index_of(entries, name):
    return entries.index(find(entries, name))


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------

def html_page(lang, title, body):
    return ('<!DOCTYPE html>\n<html lang="%s">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>%s</title>\n</head>\n'
            '<body>\n<h1>%s</h1>\n%s</body>\n</html>\n'
            % (lang, title, title, body)).encode("utf-8")


def png_image(width=8, height=8):
    """A small real PNG (grey gradient), deterministic."""
    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload)))
    raw = b"".join(b"\0" + bytes((x * 32 + y * 8) & 0xFF for x in range(width))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


INTRO_MD = (b"# Introduction\n\n"
            b"This lesson introduces the hand pump used in the village.\n\n"
            b"1. Lift the handle.\n2. Push the handle down.\n"
            b"3. Water flows from the spout.\n\n"
            b"Keep the pump clean and report any leak to the teacher.\n")

INTRO_HTML = html_page("en", "Introduction", (
    "<p>This lesson introduces the hand pump used in the village.</p>\n"
    "<ol>\n<li>Lift the handle.</li>\n<li>Push the handle down.</li>\n"
    "<li>Water flows from the spout.</li>\n</ol>\n"
    "<p>Keep the pump clean and report any leak to the teacher.</p>\n"
    '<p><a href="../index.html">Back to the course</a></p>\n'))


def index_html(title, links, lang="en"):
    body = "<ul>\n" + "".join('<li><a href="%s">%s</a></li>\n' % (href, text)
                              for href, text in links) + "</ul>\n"
    return html_page(lang, title, body)


def simple_course(cid, version, title, lessons, *, language="en",
                  languages=None, **extra):
    course = {
        "sampan-bundle": 1,
        "id": cid,
        "version": version,
        "language": language,
        "languages": languages or [language],
        "title": title if isinstance(title, dict) else {language: title},
        "publisher": {"name": "Sampan test vectors"},
        "licence": "CC-BY-4.0",
        "start": "index.html",
        "lessons": lessons,
    }
    course.update(extra)
    return course


def intro_lesson():
    return {"id": "01-intro", "title": {"en": "Introduction"},
            "page": "lessons/01-intro.html", "source": "lessons/01-intro.md"}


# ---------------------------------------------------------------------------
# Valid vectors
# ---------------------------------------------------------------------------

VALID = []


def valid(name, text):
    def register(fn):
        VALID.append((name, text, fn))
        return fn
    return register


@valid("minimal", "The smallest complete bundle: mimetype, META-INF/MANIFEST, "
       "META-INF/MANIFEST.minisig, META-INF/chunks (header only), "
       "META-INF/course.json, index.html, lessons/01-intro.html and "
       "lessons/01-intro.md, signed with test.key. Written exactly as a v1 "
       "writer writes it (canonical order, DOS date 1980-01-01, attributes "
       "0100644, deflate level 9 where the rules say so).")
def v_minimal():
    course = simple_course("org.example.minimal", "1.0", "Minimal test course",
                           [intro_lesson()])
    files = [("index.html", index_html("Minimal test course",
                                       [("lessons/01-intro.html", "1. Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD)]
    return build(files, course)


TH_TITLE = nfc("ปั๊มน้ำของหมู่บ้าน")
KM_TITLE = nfc("ស្នប់ទឹកភូមិ")
ZH_TITLE = nfc("村里的水泵")
VI_TITLE = nfc("Máy bơm nước của làng")


@valid("multilingual", "A course whose main language is Thai (th) with "
       "lessons in Thai, Khmer, Chinese and Vietnamese. Entry names are "
       "non-ASCII NFC UTF-8 (lessons/ไฟฟ้า.html, lessons/ទឹក.html, "
       "lessons/水泵.html, lessons/nước.html, media/水泵.svg), so general "
       "purpose flag bit 11 is set on exactly those entries; the manifest "
       "title header is the Thai title.")
def v_multilingual():
    th, km, zh, vi = (nfc("ไฟฟ้า"), nfc("ទឹក"), nfc("水泵"), nfc("nước"))
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" '
           'viewBox="0 0 120 80">\n<title>%s</title>\n'
           '<rect x="10" y="30" width="60" height="40" fill="#4a7" />\n'
           '<rect x="70" y="10" width="10" height="60" fill="#357" />\n'
           '<circle cx="95" cy="60" r="10" fill="#39c" />\n</svg>\n' % zh
           ).encode("utf-8")
    lessons = [
        {"id": "01-electricity", "page": "lessons/%s.html" % th,
         "source": "lessons/%s.md" % th,
         "title": {"th": th, "en": "Electricity"}},
        {"id": "02-water", "page": "lessons/%s.html" % km, "language": "km",
         "title": {"th": nfc("น้ำ"), "km": km, "en": "Water"}},
        {"id": "03-pump", "page": "lessons/%s.html" % zh, "language": "zh-Hans",
         "title": {"th": nfc("ปั๊มน้ำ"), "zh-Hans": zh, "en": "Water pump"}},
        {"id": "04-water-vi", "page": "lessons/%s.html" % vi, "language": "vi",
         "title": {"th": nfc("น้ำ (ภาษาเวียดนาม)"), "vi": vi,
                   "en": "Water (Vietnamese)"}},
    ]
    course = simple_course(
        "org.example.village-pump", "3.1",
        {"th": TH_TITLE, "km": KM_TITLE, "zh-Hans": ZH_TITLE, "vi": VI_TITLE,
         "en": "The village water pump"},
        lessons, language="th", languages=["th", "km", "zh-Hans", "vi", "en"],
        description={"th": nfc("บทเรียนสั้น ๆ เกี่ยวกับปั๊มน้ำ"),
                     "en": "Short lessons about the water pump."},
        level="primary", subjects=["science"])
    files = [
        ("index.html", index_html(TH_TITLE, [
            ("lessons/%s.html" % th, th), ("lessons/%s.html" % km, km),
            ("lessons/%s.html" % zh, zh), ("lessons/%s.html" % vi, vi)],
            lang="th")),
        ("lessons/%s.html" % th, html_page("th", th, nfc(
            "<p>ไฟฟ้าทำให้ปั๊มน้ำทำงาน ปิดสวิตช์ก่อนทำความสะอาดทุกครั้ง</p>\n"
            '<p><img src="../media/水泵.svg" alt="ปั๊มน้ำ"></p>\n'))),
        ("lessons/%s.md" % th, nfc(
            "# ไฟฟ้า\n\nไฟฟ้าทำให้ปั๊มน้ำทำงาน ปิดสวิตช์ก่อนทำความสะอาดทุกครั้ง\n\n"
            "![ปั๊มน้ำ](../media/水泵.svg)\n").encode("utf-8")),
        ("lessons/%s.html" % km, html_page("km", km, nfc(
            "<p>ទឹកស្អាតសំខាន់សម្រាប់សុខភាព។ សូមលាងដៃមុនពេលបរិភោគ។</p>\n"))),
        ("lessons/%s.html" % zh, html_page("zh-Hans", zh, nfc(
            "<p>水泵把井里的水抽上来。每天检查水泵，发现漏水要告诉老师。</p>\n"
            '<p><img src="../media/水泵.svg" alt="水泵"></p>\n'))),
        ("lessons/%s.html" % vi, html_page("vi", vi, nfc(
            "<p>Nước sạch rất quan trọng cho sức khỏe. Hãy rửa tay trước khi ăn.</p>\n"))),
        ("media/%s.svg" % zh, svg),
    ]
    return build(files, course)


VTT_EN = (b"WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nThis is the village hand pump.\n\n"
          b"00:00:04.000 --> 00:00:08.000\nLift the handle, then push it down.\n\n"
          b"00:00:08.000 --> 00:00:12.000\nWater flows from the spout.\n")
VTT_TH = nfc("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nนี่คือปั๊มมือของหมู่บ้าน\n\n"
             "00:00:04.000 --> 00:00:08.000\nยกคันโยกขึ้น แล้วกดลง\n\n"
             "00:00:08.000 --> 00:00:12.000\nน้ำไหลออกจากปากท่อ\n").encode("utf-8")

PUMP_LABEL = b"sampan test media pump.mp4"


@valid("media", "A course with media: media/pump.mp4 (2.5 MiB of "
       "pseudo-random bytes, stored because video/mp4 is not compressible) "
       "is longer than 1 MiB, so META-INF/chunks lists it with 3 chunk "
       "digests (1 MiB, 1 MiB, 0.5 MiB); media/pump.en.vtt and "
       "media/pump.th.vtt (deflated subtitles), media/pump-poster.png (a "
       "real PNG, stored) and media/empty.txt (0 bytes, stored because "
       "deflating 0 bytes does not make it smaller).")
def v_media():
    lessons = [{"id": "01-pump", "title": {"en": "The hand pump",
                                           "th": nfc("ปั๊มมือ")},
                "page": "lessons/01-pump.html", "source": "lessons/01-pump.md"}]
    course = simple_course("org.example.pump-video", "1.2.0",
                           {"en": "Pump video", "th": nfc("วิดีโอปั๊มน้ำ")},
                           lessons, languages=["en", "th"])
    page = html_page("en", "The hand pump", (
        '<video controls poster="../media/pump-poster.png">\n'
        '<source src="../media/pump.mp4" type="video/mp4">\n'
        '<track kind="subtitles" srclang="en" src="../media/pump.en.vtt" label="English">\n'
        '<track kind="subtitles" srclang="th" src="../media/pump.th.vtt" label="ไทย">\n'
        '</video>\n<p>Watch how the pump works.</p>\n'))
    files = [
        ("index.html", index_html("Pump video",
                                  [("lessons/01-pump.html", "The hand pump")])),
        ("lessons/01-pump.html", page),
        ("lessons/01-pump.md", b"# The hand pump\n\nWatch how the pump works.\n"),
        ("media/pump.mp4", prng(PUMP_LABEL, 5 * MIB // 2)),
        ("media/pump.en.vtt", VTT_EN),
        ("media/pump.th.vtt", VTT_TH),
        ("media/pump-poster.png", png_image(16, 9)),
        ("media/empty.txt", b""),
    ]
    built = build(files, course)
    assert find(built.entries, "media/empty.txt").method == 0
    assert find(built.entries, "media/pump.mp4").method == 0
    return built


@valid("forward-compatible", "Everything a v1 reader must ignore: an unknown "
       "manifest header '# x-note: hello', an unknown entry "
       "META-INF/x-extra.json (listed in the manifest like every entry), an "
       "unknown course.json key 'x-future', and an extra trusted-comment "
       "field '\\tx-note:hi' after the three required fields. A v1 writer "
       "writes none of these: a reader acceptance test.")
def v_forward():
    course = simple_course("org.example.forward", "1.0.1", "Forward compatible",
                           [intro_lesson()])
    course["x-future"] = {"parts": 2, "note": "readers ignore x- keys"}
    files = [("index.html", index_html("Forward compatible",
                                       [("lessons/01-intro.html", "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD),
             ("META-INF/x-extra.json", b'{"x-extra": true, "note": "unknown to v1 readers"}\n')]
    return build(files, course, extra_headers=[("x-note", "hello")],
                 tc_extra="\tx-note:hi")


@valid("version-order", "Course version 2026.11.3 (three components). By the "
       "version order of bundle-v1.md §8.5 (numeric per component, a missing "
       "component counts as 0) it is newer than 2026.9.30 and 2026.11 and "
       "older than 2026.11.3.1 and 2026.12.")
def v_version_order():
    course = simple_course("org.example.version-order", "2026.11.3",
                           "Version order", [intro_lesson()])
    files = [("index.html", index_html("Version order",
                                       [("lessons/01-intro.html", "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD)]
    return build(files, course)


@valid("compression-rules", "The writer's store/deflate decision "
       "(bundle-v1.md §6.1 and §6.2): data/NOTES.TXT is deflated (extension "
       "compared in lower case); data/tiny.html is stored (deflate would not "
       "make it smaller); data/zeros.txt (10,000 zero bytes) is stored "
       "because its deflate ratio would exceed 200; data/table.bin and "
       "data/noext are compressible but stored because "
       "application/octet-stream is not in the deflate list.")
def v_compression_rules():
    course = simple_course("org.example.compression-rules", "1.0",
                           "Compression rules", [intro_lesson()])
    notes = b"".join(b"Note %d: check the pump seal and the handle bolt.\n" % i
                     for i in range(40))
    files = [("index.html", index_html("Compression rules",
                                       [("lessons/01-intro.html", "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD),
             ("data/NOTES.TXT", notes),
             ("data/tiny.html", b"<p>\n"),
             ("data/zeros.txt", bytes(10000)),
             ("data/table.bin", notes),
             ("data/noext", notes)]
    built = build(files, course)
    methods = {e.name: e.method for e in built.entries}
    assert methods[b"data/NOTES.TXT"] == 8
    assert methods[b"data/tiny.html"] == 0
    assert methods[b"data/zeros.txt"] == 0
    assert methods[b"data/table.bin"] == 0 and methods[b"data/noext"] == 0
    return built


SOURCE_DATE_EPOCH = 1714566896      # 2024-05-01 12:34:56 UTC


def dos_datetime(epoch):
    t = time.gmtime(epoch)
    dos_time = (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2)
    dos_date = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday
    return dos_time, dos_date


@valid("source-date-epoch", "Like 'minimal' but written with "
       "SOURCE_DATE_EPOCH=1714566896 (2024-05-01 12:34:56 UTC): every entry "
       "has DOS time 0x645C and date 0x58A1 in both headers (bundle-v1.md "
       "§7). Readers treat time and date as information only.")
def v_source_date():
    dos_time, dos_date = dos_datetime(SOURCE_DATE_EPOCH)
    assert (dos_time, dos_date) == (0x645C, 0x58A1)
    course = simple_course("org.example.source-date", "1.0", "Source date",
                           [intro_lesson()])
    files = [("index.html", index_html("Source date",
                                       [("lessons/01-intro.html", "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD)]

    def set_time(entries):
        for entry in entries:
            entry.time, entry.date = dos_time, dos_date
    return build(files, course, entries_fn=set_time)


@valid("signature-crlf", "Like 'minimal' but META-INF/MANIFEST.minisig has "
       "CRLF line ends. bundle-v1.md §9.1 (as minisign) tolerates a CR "
       "right before each LF; it is not part of the line. Not what a v1 "
       "writer writes, a reader acceptance test.")
def v_signature_crlf():
    course = simple_course("org.example.signature-crlf", "1.0", "Signature CRLF",
                           [intro_lesson()])
    files = [("index.html", index_html("Signature CRLF",
                                       [("lessons/01-intro.html", "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD)]

    def crlf(manifest):
        tc = trusted_comment("org.example.signature-crlf", "1.0")
        return minisig(manifest, TEST, tc).replace(b"\n", b"\r\n")
    return build(files, course, sig_fn=crlf)


# ---------------------------------------------------------------------------
# Invalid vectors: one broken rule each
# ---------------------------------------------------------------------------

INVALID = []


def invalid(name, rule, text):
    def register(fn):
        INVALID.append((name, rule, text, fn))
        return fn
    return register


BASE_ID = "org.example.conformance"
BASE_VERSION = "1.0"
BASE_TITLE = "Conformance test course"
LOGO = png_image(8, 8)
X_HTML = b"<!DOCTYPE html>\n<p>An extra page for this test.</p>\n"


def base_files(add=()):
    files = [("index.html", index_html(BASE_TITLE,
                                       [("lessons/01-intro.html", "1. Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD),
             ("media/logo.png", LOGO)]
    return files + list(add)


def base_course(**changes):
    course = simple_course(BASE_ID, BASE_VERSION, BASE_TITLE, [intro_lesson()])
    for key, value in changes.items():
        if value is None:
            del course[key]
        else:
            course[key] = value
    return course


def base(add=(), course=None, **kw):
    if course is None:
        course = base_course()
    return build(base_files(add), course, **kw)


def with_name(name, data=X_HTML, **kw):
    return base(add=[(name, data)], **kw)


def entry_fn(name, fn):
    """entries_fn hook that applies fn to the entry called name."""
    def hook(entries):
        fn(find(entries, name))
    return hook


def reader_valid(slug, heading, add=(), course=None, **kw):
    """A valid bundle with the conformance course's pages, under the id
    org.example.SLUG and the title heading: the base of the valid vectors
    that show a reader the valid side of a rule."""
    if course is None:
        course = simple_course("org.example." + slug, "1.0", heading,
                               [intro_lesson()])
    files = [("index.html", index_html(heading, [("lessons/01-intro.html",
                                                    "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("lessons/01-intro.md", INTRO_MD)]
    return build(files + list(add), course, **kw)


# --- §3.2 to §3.4 end of central directory records -------------------------

@invalid("not-zip", "NOT_ZIP", "bundle-v1.md §3.2: a plain text file; no "
         "end-of-central-directory signature anywhere in its last 65,557 "
         "bytes.")
def i_not_zip():
    return (b"This is not a Sampan bundle. It is a text file that happens to "
            b"have the .sampan extension.\n" * 4)


@invalid("not-zip-short", "NOT_ZIP", "bundle-v1.md §3.2: a file shorter than "
         "22 bytes (the size of an end-of-central-directory record).")
def i_not_zip_short():
    return b"PK\x03\x04 too short"


@invalid("not-zip-truncated", "NOT_ZIP", "bundle-v1.md §3.2: a valid bundle "
         "cut off in the middle of its central directory, so no "
         "end-of-central-directory signature is left.")
def i_not_zip_truncated():
    data = base().data
    cd_offset = struct.unpack("<I", data[-6:-2])[0]
    return data[:cd_offset + 60]


@invalid("zip-comment-archive", "ZIP_COMMENT", "bundle-v1.md §3.2: the "
         "end-of-central-directory record has a 24-byte archive comment "
         "(comment length 24, comment bytes up to the end of the file).")
def i_zip_comment_archive():
    comment = b"archive comment for test"
    return base(zip_kw=dict(comment=comment)).data


@invalid("zip-comment-file", "ZIP_COMMENT", "bundle-v1.md §3.5: the central "
         "directory header of index.html has a file comment (file comment "
         "length 16); the central directory size and offsets are consistent.")
def i_zip_comment_file():
    def hook(e):
        e.comment = b"a file comment.."
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("trailing-bytes", "TRAILING_BYTES", "bundle-v1.md §3.2: 14 bytes "
         "('appended data\\n') follow the end-of-central-directory record, "
         "whose comment length is 0.")
def i_trailing_bytes():
    return base(zip_kw=dict(trailing=b"appended data\n")).data


FAKE_EOCD = b"PK\x05\x06" + bytes(16)


@invalid("zip-comment-holding-eocd-signature", "ZIP_COMMENT",
         "bundle-v1.md §3.2: the end-of-central-directory record has a "
         "32-byte archive comment that begins with the EOCD signature "
         "'PK\\x05\\x06', whose bytes 20..21, read as a comment length, say "
         "1,000. Searching backwards, the first signature met is the one in "
         "the comment, and its comment length does not reach the end of the "
         "file; the real record's does. Step 3 of §3.2 weighs every position "
         "that holds the signature, in any order: one reaches the end, so "
         "the rule is ZIP_COMMENT.")
def i_zip_comment_eocd():
    comment = FAKE_EOCD + struct.pack("<H", 1000) + b"not a tail"
    assert len(comment) == 32
    return base(zip_kw=dict(comment=comment)).data


@invalid("trailing-bytes-holding-eocd-signature", "TRAILING_BYTES",
         "bundle-v1.md §3.2: 26 bytes follow the end-of-central-directory "
         "record (whose comment length is 0): the EOCD signature, 16 zero "
         "bytes, a comment length of 500 and 'tail'. Neither signature in "
         "the last 65,557 bytes has a comment length that reaches the end "
         "of the file.")
def i_trailing_eocd():
    return base(zip_kw=dict(
        trailing=FAKE_EOCD + struct.pack("<H", 500) + b"tail")).data


@valid("eocd-signature-in-content", "A valid bundle whose last entry, the "
       "stored media/tail.bin, holds the 4-byte end-of-central-directory "
       "signature followed by 16 zero bytes and a comment length that "
       "reaches exactly the end of the file: a record that, searched for, "
       "would look like an EOCD with a comment. bundle-v1.md §3.2 step 2 "
       "comes first: the last 22 bytes are an EOCD with comment length 0, "
       "so they are the EOCD, and the search of step 3 never runs. A v1 "
       "writer given this file writes exactly these bytes.")
def v_eocd_in_content():
    prefix = (b"These bytes look like the end of a ZIP file, with a comment "
              b"up to the very end: ")
    length = 0
    for _ in range(20):
        data = prefix + FAKE_EOCD + struct.pack("<H", length) + b"\n"
        built = reader_valid("eocd-in-content", "EOCD signature in content",
                             add=[("media/tail.bin", data)])
        at = built.data.index(FAKE_EOCD)
        want = len(built.data) - at - 22
        if want == length:
            break
        length = want
    assert built.data.count(FAKE_EOCD) == 1 and 0 < length < 65536
    assert len(built.data) - at <= 65557
    assert at + 22 + length == len(built.data)
    return built


@invalid("zip-invalid-disk-start", "ZIP_INVALID", "bundle-v1.md §3.5: the "
         "central directory header of lessons/01-intro.html has disk number "
         "start 1 (must be 0).")
def i_zip_invalid_disk_start():
    def hook(e):
        e.disk = 1
    return base(entries_fn=entry_fn("lessons/01-intro.html", hook)).data


@invalid("zip-invalid-eocd-disk", "ZIP_INVALID", "bundle-v1.md §3.3: the "
         "end-of-central-directory record says 'number of this disk' = 1.")
def i_zip_invalid_eocd_disk():
    return base(zip_kw=dict(eocd=dict(disk=1))).data


@invalid("zip-invalid-eocd-counts", "ZIP_INVALID", "bundle-v1.md §3.3: in the "
         "end-of-central-directory record 'entries on this disk' (8) differs "
         "from 'total entries' (9).")
def i_zip_invalid_eocd_counts():
    built = base()
    n = len(built.entries)
    return base(zip_kw=dict(eocd=dict(n_disk=n - 1))).data


@invalid("zip-invalid-stored-size", "ZIP_INVALID", "bundle-v1.md §3.5: the "
         "stored entry media/logo.png has compressed size = size + 1 in both "
         "headers (one extra data byte is present, so the layout has no gap); "
         "a stored entry's compressed size must equal its size.")
def i_zip_invalid_stored_size():
    def hook(e):
        e.payload = e.payload + b"\0"
        e.csize = len(e.payload)
    return base(entries_fn=entry_fn("media/logo.png", hook)).data


@invalid("zip-invalid-cd-outside", "ZIP_INVALID", "bundle-v1.md §3.3: the "
         "end-of-central-directory record's central directory offset points "
         "1,000,000 bytes further than the real one, outside the file.")
def i_zip_invalid_cd_outside():
    data = bytearray(base().data)
    cd_offset = struct.unpack("<I", data[-6:-2])[0]
    data[-6:-2] = struct.pack("<I", cd_offset + 1000000)
    return bytes(data)


@invalid("zip64-offset-sentinel", "ZIP64_INVALID", "bundle-v1.md §3.4: the "
         "end-of-central-directory record's central directory offset is the "
         "ZIP64 sentinel 0xFFFFFFFF, but there is no ZIP64 locator or record.")
def i_zip64_offset_sentinel():
    return base(zip_kw=dict(eocd=dict(cd_offset=0xFFFFFFFF))).data


@invalid("zip64-without-sentinel", "ZIP64_INVALID", "bundle-v1.md §3.4: a "
         "well-formed ZIP64 end-of-central-directory record and locator "
         "precede the EOCD record, but no EOCD field holds a ZIP64 sentinel "
         "(without a sentinel there must be no ZIP64 EOCD).")
def i_zip64_without_sentinel():
    return base(zip_kw=dict(zip64={})).data


@invalid("zip64-bad-record-size", "ZIP64_INVALID", "bundle-v1.md §3.4: the "
         "EOCD central directory offset is 0xFFFFFFFF and a ZIP64 EOCD record "
         "and locator are present with correct values, but the ZIP64 record's "
         "'size of record' field is 52 instead of 44.")
def i_zip64_bad_record_size():
    return base(zip_kw=dict(zip64=dict(record_size=52),
                            eocd=dict(cd_offset=0xFFFFFFFF))).data


ZIP64_UNNEEDED = [
    ("offset", "central directory offset field holds 0xFFFFFFFF",
     dict(cd_offset=0xFFFFFFFF)),
    ("size", "central directory size field holds 0xFFFFFFFF",
     dict(cd_size=0xFFFFFFFF)),
    ("count", "two entry count fields hold 0xFFFF",
     dict(n_disk=0xFFFF, n_total=0xFFFF)),
]


def make_zip64_unneeded(slug, what, eocd):
    def fn():
        return base(zip_kw=dict(zip64={}, eocd=eocd)).data
    invalid("zip64-%s-sentinel-unneeded" % slug, "ZIP64_INVALID",
            "bundle-v1.md §3.4: the end-of-central-directory record's %s, "
            "and a well-formed ZIP64 end of central directory record and "
            "locator precede it, holding the real values, which agree with "
            "every other EOCD field. But the real value is below the "
            "sentinel, so the sentinel (and the ZIP64 records) were not "
            "needed: a field holds its sentinel only when its value does not "
            "fit." % what)(fn)


for _slug, _what, _eocd in ZIP64_UNNEEDED:
    make_zip64_unneeded(_slug, _what, _eocd)


@invalid("too-many-entries", "TOO_MANY_ENTRIES", "bundle-v1.md §3.3: the "
         "end-of-central-directory record claims 65,001 entries (both count "
         "fields); the limit is 65,000 and the count is checked before the "
         "central directory is read.")
def i_too_many_entries():
    return base(zip_kw=dict(eocd=dict(n_disk=65001, n_total=65001))).data


@invalid("no-entries", "MIMETYPE_INVALID", "bundle-v1.md §3.3: an empty ZIP "
         "archive (only an end-of-central-directory record with 0 entries); "
         "0 entries is reported as MIMETYPE_INVALID.")
def i_no_entries():
    return write_zip([])


# --- §3.5 central directory headers ----------------------------------------

@invalid("zip-unsupported-version", "ZIP_UNSUPPORTED", "bundle-v1.md §3.5: "
         "index.html says 'version needed to extract' 63 in both headers "
         "(must be <= 45).")
def i_zip_unsupported_version():
    def hook(e):
        e.vneed = 63
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("zip-unsupported-flag", "ZIP_UNSUPPORTED", "bundle-v1.md §3.5.1: "
         "index.html has general purpose flag bit 4 (0x0010, 'enhanced "
         "deflating') set in both headers; only bits 1, 2 and 11 may be set.")
def i_zip_unsupported_flag():
    def hook(e):
        e.flags |= 0x0010
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("method-unsupported", "METHOD_UNSUPPORTED", "bundle-v1.md §3.5: "
         "index.html has compression method 12 (bzip2) in both headers "
         "(version needed stays 20); only 0 and 8 are allowed.")
def i_method_unsupported():
    def hook(e):
        e.method = 12
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("encrypted-flag", "ENCRYPTED", "bundle-v1.md §3.5.1: index.html has "
         "general purpose flag bit 0 (encrypted) set in both headers; the "
         "data itself is the normal deflate stream.")
def i_encrypted_flag():
    def hook(e):
        e.flags |= 0x0001
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("encrypted-strong", "ENCRYPTED", "bundle-v1.md §3.5.1: index.html "
         "has general purpose flag bit 6 (strong encryption) set in both "
         "headers.")
def i_encrypted_strong():
    def hook(e):
        e.flags |= 0x0040
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("encrypted-masked-header", "ENCRYPTED", "bundle-v1.md §3.5.1: "
         "index.html has general purpose flag bit 13 (masked local header) "
         "set in both headers.")
def i_encrypted_masked():
    def hook(e):
        e.flags |= 0x2000
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("encrypted-aes-method", "ENCRYPTED", "bundle-v1.md §3.5: index.html "
         "has compression method 99 (WinZip AES) in both headers; no extra "
         "field.")
def i_encrypted_aes():
    def hook(e):
        e.method = 99
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("data-descriptor", "DATA_DESCRIPTOR", "bundle-v1.md §3.5.1: "
         "index.html has general purpose flag bit 3 set in both headers and a "
         "real 16-byte data descriptor (signature, CRC-32, sizes) after its "
         "data; the local header also carries the real CRC and sizes.")
def i_data_descriptor():
    def hook(e):
        e.flags |= 0x0008
        e.after = struct.pack("<IIII", SIG_DATA_DESCRIPTOR, e.crc, e.csize, e.size)
    return base(entries_fn=entry_fn("index.html", hook)).data


UT_EXTRA = struct.pack("<HHBI", 0x5455, 5, 1, 315532800)


@invalid("extra-field-timestamp", "EXTRA_FIELD", "bundle-v1.md §3.5.3: "
         "index.html carries an extended timestamp extra field (id 0x5455, 9 "
         "bytes) in both its local and central headers.")
def i_extra_timestamp():
    def hook(e):
        e.cextra = UT_EXTRA
        e.lextra = UT_EXTRA
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("extra-field-local", "EXTRA_FIELD", "bundle-v1.md §3.6: index.html "
         "has an extended timestamp extra field (0x5455) in its local header "
         "only; the central header has none.")
def i_extra_local():
    def hook(e):
        e.lextra = UT_EXTRA
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("extra-field-zip64-unneeded", "EXTRA_FIELD", "bundle-v1.md §3.5.3: "
         "the central header of index.html has a ZIP64 extended information "
         "field (0x0001) holding the 8-byte size although no header field is "
         "0xFFFFFFFF (a ZIP64 field that is not needed).")
def i_extra_zip64():
    def hook(e):
        e.cextra = struct.pack("<HHQ", 0x0001, 8, e.size)
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("not-regular-symlink", "NOT_REGULAR_FILE", "bundle-v1.md §3.5.2: "
         "lessons/link.html is a Unix symbolic link (version made by 0x033F, "
         "external attributes 0120777 << 16) whose content is the path "
         "'../../../etc/passwd'.")
def i_symlink():
    def hook(e):
        e.eattr = 0o120777 << 16
    return with_name("lessons/link.html", b"../../../etc/passwd",
                     entries_fn=entry_fn("lessons/link.html", hook)).data


@invalid("not-regular-directory", "NOT_REGULAR_FILE", "bundle-v1.md §3.5.2: "
         "lessons/01-intro.md has Unix directory attributes (0040755 << 16); "
         "its name and content are those of a normal file.")
def i_directory():
    def hook(e):
        e.eattr = 0o040755 << 16
    return base(entries_fn=entry_fn("lessons/01-intro.md", hook)).data


@invalid("not-regular-dos-directory", "NOT_REGULAR_FILE",
         "bundle-v1.md §3.5.2: lessons/01-intro.md has the MS-DOS directory "
         "bit (0x10) set in the low byte of its external attributes (0100644 "
         "<< 16 | 0x10).")
def i_dos_directory():
    def hook(e):
        e.eattr = EXT_ATTR_FILE | 0x10
    return base(entries_fn=entry_fn("lessons/01-intro.md", hook)).data


LINK_NAME = "lessons/link.html"
LINK_TARGET = b"../../../../etc/passwd"
SYMLINK_HOSTS = [
    (0, "MS-DOS", 0x003F, (0o120444 << 16) | 0x01,
     "external attributes 0120444 << 16 | 0x01: a Unix symbolic link mode "
     "in the high 16 bits, and the MS-DOS read-only bit in the low byte. "
     "Info-ZIP unzip 6.0 (Debian) takes the Unix mode of an MS-DOS entry "
     "when its owner bits agree with the read-only bit, and creates the "
     "link. The host is allowed; the file type bits are not, for every host"),
    (2, "OpenVMS", 0x023F, 0o120777 << 16,
     "external attributes 0120777 << 16. Info-ZIP unzip honours Unix modes, "
     "links included, for hosts 2, 3, 5, 16 and 30. Both rules of §3.5.2 are "
     "broken: the host is neither 0 nor 3, and the mode is a link"),
    (5, "Atari ST", 0x053F, 0o120777 << 16, None),
    (16, "BeOS", 0x103F, 0o120777 << 16, None),
    (30, "AtheOS", 0x1E3F, 0o120777 << 16, None),
]


def make_symlink_host(host, host_name, vmade, eattr, what):
    def fn():
        def hook(e):
            e.vmade = vmade
            e.eattr = eattr
        return with_name(LINK_NAME, LINK_TARGET,
                         entries_fn=entry_fn(LINK_NAME, hook)).data
    invalid("not-regular-symlink-host-%d" % host, "NOT_REGULAR_FILE",
            "bundle-v1.md §3.5.2: %s is a symbolic link whose content is the "
            "path '%s', with version made by 0x%04X (host %d, %s) and %s. "
            "A stock 'unzip -d' of this bundle creates the link."
            % (LINK_NAME, LINK_TARGET.decode(), vmade, host, host_name,
               what or SYMLINK_HOSTS[1][4]))(fn)


for _host, _hname, _vmade, _eattr, _what in SYMLINK_HOSTS:
    make_symlink_host(_host, _hname, _vmade, _eattr, _what)


ATTRIBUTE_CASES = [
    ("host-ntfs", 0x0A3F, (0o100644 << 16) | 0x20,
     "version made by 0x0A3F (host 10, Windows NTFS) with the attributes of "
     "a regular file (0100644 << 16 | 0x20): a host other than 0 and 3, "
     "whose attributes tools read by their own conventions"),
    ("mode-zero", 0x033F, 0,
     "host 3 (Unix) and external attributes 0: no file type and no "
     "permission, so Info-ZIP unzip writes a file that nobody but root may "
     "read"),
    ("unreadable", 0x033F, 0o100200 << 16,
     "host 3 and the Unix mode 0100200: a regular file its owner may not "
     "read"),
    ("setuid", 0x033F, 0o104755 << 16,
     "host 3 and the Unix mode 0104755: a regular file with the set-user-ID "
     "bit"),
]


def make_attribute_case(slug, vmade, eattr, what):
    def fn():
        def hook(e):
            e.vmade = vmade
            e.eattr = eattr
        return base(entries_fn=entry_fn("lessons/01-intro.md", hook)).data
    invalid("not-regular-" + slug, "NOT_REGULAR_FILE",
            "bundle-v1.md §3.5.2: lessons/01-intro.md has %s." % what)(fn)


for _slug, _vmade, _eattr, _what in ATTRIBUTE_CASES:
    make_attribute_case(_slug, _vmade, _eattr, _what)


@valid("attributes-msdos", "Every entry, mimetype included, is written as "
       "by an MS-DOS or Windows ZIP tool: version made by 0x0014 (host 0, "
       "version 2.0) and the MS-DOS archive bit 0x20, without a Unix mode; "
       "lessons/01-intro.md also has the read-only bit (0x21); index.html "
       "has no attribute at all (0); lessons/01-intro.html carries the Unix "
       "mode 0100644 in its high 16 bits (0x81A40020). All pass "
       "bundle-v1.md §3.5.2. Not what a v1 writer writes, a reader "
       "acceptance test.")
def v_attributes_msdos():
    def hook(entries):
        for e in entries:
            e.vmade = 0x0014
            e.eattr = 0x20
        find(entries, "lessons/01-intro.md").eattr = 0x21
        find(entries, "index.html").eattr = 0
        find(entries, "lessons/01-intro.html").eattr = (0o100644 << 16) | 0x20
    return reader_valid("attributes-msdos", "MS-DOS attributes",
                        entries_fn=hook)


@valid("attributes-unix-modes", "Unix modes other than the writer's "
       "0100644, all regular files that their owner may read (bundle-v1.md "
       "§3.5.2): index.html 0100600, lessons/01-intro.html 0100444, "
       "lessons/01-intro.md 0100755, the META-INF entries 0100664. Not what "
       "a v1 writer writes, a reader acceptance test.")
def v_attributes_unix():
    def hook(entries):
        modes = {b"index.html": 0o100600, b"lessons/01-intro.html": 0o100444,
                 b"lessons/01-intro.md": 0o100755}
        for e in entries:
            if e.name.startswith(META):
                e.eattr = 0o100664 << 16
            elif e.name in modes:
                e.eattr = modes[e.name] << 16
    return reader_valid("attributes-unix-modes", "Unix modes",
                        entries_fn=hook)


# --- §3.6, §3.7 local headers and placement --------------------------------

JANUS_PREFIX = (b"#!/bin/sh\nexit 0\n# bytes in front of the first local header"
                .ljust(63, b".") + b"\n")


@invalid("prefix-bytes", "PREFIX_BYTES", "bundle-v1.md §3.7: 64 bytes (a "
         "small shell script) precede the first local header and every offset "
         "in the central directory and EOCD is shifted to match ('Janus' "
         "style), so ZIP tools that allow a prefix open it.")
def i_prefix_bytes():
    assert len(JANUS_PREFIX) == 64
    return base(zip_kw=dict(prefix=JANUS_PREFIX)).data


@invalid("gap-between-entries", "GAP", "bundle-v1.md §3.7: 16 bytes are "
         "inserted between the local record of index.html and the next local "
         "header; all offsets point to the real headers.")
def i_gap_entries():
    entries = base().entries
    idx = index_of(entries, "index.html")
    return base(zip_kw=dict(gaps={idx: b"GAP-GAP-GAP-GAP-"})).data


@invalid("gap-before-cd", "GAP", "bundle-v1.md §3.7: 16 bytes lie between the "
         "end of the last local record and the start of the central "
         "directory.")
def i_gap_before_cd():
    return base(zip_kw=dict(gap_before_cd=b"GAP-GAP-GAP-GAP-")).data


@invalid("gap-after-cd", "GAP", "bundle-v1.md §3.3: 16 bytes lie between the "
         "end of the central directory and the EOCD record; the EOCD central "
         "directory offset and size are the real ones.")
def i_gap_after_cd():
    return base(zip_kw=dict(gap_after_cd=b"GAP-GAP-GAP-GAP-")).data


@invalid("overlap", "OVERLAP", "bundle-v1.md §3.7: the data of the stored "
         "entry media/a-blob.bin contains the complete local record of "
         "media/b-note.bin, whose central header points inside a-blob.bin's "
         "data; a-blob.bin's record therefore extends past the start of the "
         "next entry. All contents, CRCs and digests are correct.")
def i_overlap():
    note = make_entry(b"media/b-note.bin", b"note: overlapping entry\n")
    prefix = b"blob data before the embedded record\n"
    blob_data = prefix + note.local_record()

    def hook(entries):
        blob = index_of(entries, "media/a-blob.bin")
        n = find(entries, "media/b-note.bin")
        assert index_of(entries, "media/b-note.bin") == blob + 1
        n.embedded_in = (blob, 30 + len(b"media/a-blob.bin") + len(prefix))
    return base(add=[("media/a-blob.bin", blob_data),
                     ("media/b-note.bin", note.data)], entries_fn=hook).data


@invalid("local-mismatch-name", "LOCAL_MISMATCH", "bundle-v1.md §3.6: the "
         "local header of index.html names 'indey.html' (same length) while "
         "the central header names 'index.html'.")
def i_local_name():
    def hook(e):
        e.local["name"] = b"indey.html"
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("local-mismatch-crc", "LOCAL_MISMATCH", "bundle-v1.md §3.6: the "
         "local header of index.html has a CRC-32 differing in one bit from "
         "the central header's (which is correct).")
def i_local_crc():
    def hook(e):
        e.local["crc"] = e.crc ^ 1
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("local-mismatch-time", "LOCAL_MISMATCH", "bundle-v1.md §3.6: the "
         "local header of index.html has DOS time 0x0001 while the central "
         "header has 0x0000.")
def i_local_time():
    def hook(e):
        e.local["time"] = 0x0001
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("local-mismatch-name-length", "LOCAL_MISMATCH", "bundle-v1.md §3.6 "
         "and §14.2 pass 3: the local header of media/logo.png, the last "
         "entry, gives a name length of 60,014 (the central header: 14), so "
         "its name and extra field would run 60,000 bytes past the start of "
         "the central directory. The name length is one of the fixed fields "
         "compared with the central header before the room for the name is "
         "measured: LOCAL_MISMATCH, not OVERLAP.")
def i_local_name_length():
    def hook(e):
        e.local["nlen"] = len(e.name) + 60000
    built = base(entries_fn=entry_fn("media/logo.png", hook))
    assert built.entries[-1].name == b"media/logo.png"
    return built.data


# --- §4 entry names --------------------------------------------------------

@invalid("name-not-utf8-bytes", "NAME_NOT_UTF8", "bundle-v1.md §4.1 rule 1: "
         "the name 'lessons/caf\\xE9.html' is Latin-1, not valid UTF-8 (flag "
         "bit 11 is set). The signed manifest lists the same bytes; the "
         "container check comes first.")
def i_not_utf8():
    return with_name(b"lessons/caf\xe9.html").data


@invalid("name-not-utf8-overlong", "NAME_NOT_UTF8", "bundle-v1.md §4.1 rule "
         "1: the name 'lessons\\xC0\\xAFa.html' contains an overlong encoding "
         "of '/' (flag bit 11 set).")
def i_not_utf8_overlong():
    return with_name(b"lessons\xc0\xafa.html").data


@invalid("name-not-utf8-surrogate", "NAME_NOT_UTF8", "bundle-v1.md §4.1 rule "
         "1: the name 'lessons/\\xED\\xA0\\x80.html' encodes the surrogate "
         "U+D800 (flag bit 11 set).")
def i_not_utf8_surrogate():
    return with_name(b"lessons/\xed\xa0\x80.html").data


@invalid("name-not-utf8-flag", "NAME_NOT_UTF8", "bundle-v1.md §3.5.1 and §4.1 "
         "rule 1: the name 'lessons/café.html' is valid NFC UTF-8 but general "
         "purpose flag bit 11 is not set (in both headers).")
def i_not_utf8_flag():
    name = nfc("lessons/café.html")

    def hook(e):
        e.flags &= ~FLAG_UTF8
    return with_name(name, entries_fn=entry_fn(name, hook)).data


NAME_INVALID_CASES = [
    ("dotdot", "../escape.html", "has a '..' segment (path traversal)"),
    ("dot-segment", "lessons/./a.html", "has a '.' segment"),
    ("absolute", "/etc/passwd", "is absolute (empty first segment)"),
    ("empty-segment", "lessons//a.html", "has an empty segment ('//')"),
    ("trailing-slash", "lessons/", "ends with '/' (a directory entry; the "
     "entry is empty with regular-file attributes)"),
    ("backslash", "lessons\\a.html", "contains a backslash"),
    ("drive", "C:/escape.html", "starts with a drive letter ('C:' contains "
     "the forbidden ':')"),
    ("colon", "lessons/a:b.html", "contains ':' (an NTFS stream name)"),
    ("star", "lessons/*.html", "contains '*'"),
    ("question", "lessons/what?.html", "contains '?'"),
    ("trailing-dot", "lessons/a.html.", "has a segment ending in '.'"),
    ("trailing-space", "lessons/a.html ", "has a segment ending in a space"),
    ("device", "aux.html", "is the Windows device name AUX (before the first '.')"),
    ("device-com1", "lessons/com1.backup.html", "has the segment "
     "'com1.backup.html' whose part before the first '.' is the device name COM1"),
    ("device-con", "lessons/CON", "has the segment 'CON' (Windows device name)"),
    ("control", "lessons/a\x01.html", "contains the control character U+0001"),
    ("nul", "lessons/a\x00.html", "contains U+0000 (NUL)"),
    ("c1-control", "lessons/a\u0085.html", "contains the C1 control "
     "character U+0085"),
    ("private-use", "lessons/a\ue000.html", "contains the private-use code "
     "point U+E000"),
    ("noncharacter", "lessons/a\ufffe.html", "contains the noncharacter U+FFFE"),
    ("noncharacter-fdd0", "lessons/a\ufdd0.html", "contains the "
     "noncharacter U+FDD0"),
    ("meta-inf-case", "meta-inf/x.txt", "starts with 'meta-inf', which equals "
     "META-INF ignoring ASCII case but is not exactly 'META-INF'"),
    ("segment-too-long", "lessons/" + "a" * 251 + ".html", "has a 256-byte "
     "segment (limit 255)"),
    ("too-long", "/".join(["d" * 200] * 5) + "/abcdefghijklmnopqrst", "is "
     "1,025 bytes long (limit 1,024; every segment is <= 255 bytes)"),
]


NAME_INVALID_CASES += [
    ("unassigned", "lessons/a\u0378.html", "contains U+0378, a code point "
     "that no version of Unicode up to 15.0 assigns (General_Category Cn)"),
    ("device-superscript", "lessons/COM\u00b9.html", "has the segment "
     "'COM\u00b9.html' (superscript one, U+00B9): Windows reserves COM\u00b9 "
     "to COM\u00b3 and LPT\u00b9 to LPT\u00b3 as it reserves COM1 to COM9"),
    ("device-lpt-superscript", "lpt\u00b3", "is the device name LPT\u00b3 "
     "(superscript three, U+00B3), in lower case"),
    ("device-com0", "lessons/com0.txt", "has the segment 'com0.txt', whose "
     "part before the first '.' is the device name COM0"),
    ("device-conin", "CONIN$", "is the Windows console device CONIN$"),
    ("device-conout", "lessons/conout$.log", "has the segment "
     "'conout$.log', whose part before the first '.' is the console device "
     "CONOUT$"),
    ("device-space-before-dot", "lessons/CON .txt", "has the segment "
     "'CON .txt': Windows drops the spaces before the dot, so the part "
     "before the first '.' names the device CON"),
    ("version-suffix", "lessons/a.html;1", "has a segment that ends with ';' "
     "and digits (a VMS version number), which Info-ZIP unzip removes when "
     "it writes the file, so the file would be extracted as lessons/a.html"),
    ("semicolon-end", "lessons/notes;", "has a segment that ends with ';', "
     "which Info-ZIP unzip removes when it writes the file"),
]


def make_name_invalid(slug, name, what):
    def fn():
        data = b"" if name.endswith("/") else X_HTML
        return with_name(name, data).data
    invalid("name-invalid-" + slug, "NAME_INVALID",
            "bundle-v1.md §4.1: the entry name %r %s. It is listed in the "
            "signed manifest with its digest (that line is unusable too, but "
            "the container check of §14.1 step 1 comes first); everything "
            "else is valid." % (name, what))(fn)


for _slug, _name, _what in NAME_INVALID_CASES:
    assert _slug != "too-long" or len(_name.encode()) == 1025
    make_name_invalid(_slug, _name, _what)


@invalid("name-invalid-unicode-16-case-pair", "NAME_INVALID",
         "bundle-v1.md §4.1 rule 4: lessons/\u1c89.html and "
         "lessons/\u1c8a.html contain U+1C89 and U+1C8A (CYRILLIC CAPITAL and "
         "SMALL LETTER TJE), a case pair added in Unicode 16.0. Names may hold "
         "only code points assigned in Unicode 15.0, so neither name is "
         "valid, and the caseless comparison of §4.2 (which would call them "
         "a collision under Unicode 16 and not under 15) is never reached: "
         "every reader, whatever its Unicode version, reports NAME_INVALID "
         "for the first of them.")
def i_unicode_16_pair():
    return base(add=[("lessons/\u1c89.html", X_HTML),
                     ("lessons/\u1c8a.html", X_HTML)]).data


@valid("names-near-the-rules", "Names on the valid side of the rules of "
       "bundle-v1.md §4: lessons/com10.html, lessons/console.html and "
       "lessons/conin.html (not device names: COM10, CONSOLE and CONIN are "
       "not reserved); lessons/a;1.html (a ';' that does not end the "
       "segment); lessons/i.html and lessons/\u0131.html (dotless i, "
       "U+0131: full case folding without the Turkic mappings keeps them "
       "apart); lessons/\U00031350.html (U+31350, a CJK ideograph assigned "
       "in Unicode 15.0, the version the rules pin).")
def v_names_near_rules():
    names = ["lessons/com10.html", "lessons/console.html",
             "lessons/conin.html", "lessons/a;1.html", "lessons/i.html",
             "lessons/\u0131.html", "lessons/\U00031350.html"]
    return reader_valid("names-near-the-rules", "Names near the rules",
                        add=[(n, X_HTML) for n in names])


@invalid("name-not-nfc", "NAME_NOT_NFC", "bundle-v1.md §4.1 rule 8: the name "
         "'lessons/café.html' is written decomposed ('e' + U+0301 COMBINING "
         "ACUTE ACCENT), which is not NFC.")
def i_not_nfc():
    name = "lessons/cafe\u0301.html"
    assert not unicodedata.is_normalized("NFC", name)
    return with_name(name).data


@invalid("name-not-nfc-vietnamese", "NAME_NOT_NFC", "bundle-v1.md §4.1 rule "
         "8: the name 'lessons/nước.html' is written in NFD (u + U+031B, o + "
         "U+031B + U+0301), which is not NFC.")
def i_not_nfc_vi():
    name = unicodedata.normalize("NFD", "lessons/nước.html")
    assert not unicodedata.is_normalized("NFC", name)
    return with_name(name).data


@invalid("name-duplicate", "NAME_DUPLICATE", "bundle-v1.md §4.2: two entries "
         "are named index.html, with different contents (the second one "
         "immediately after the first); the signed manifest lists both (a "
         "duplicate line, but the container check comes first).")
def i_duplicate():
    second = index_html("Another start page", [("lessons/01-intro.html", "x")])

    def entries(es):
        i = index_of(es, "index.html")
        es.insert(i + 1, make_entry(b"index.html", second))

    def lines(ls):
        i = next(k for k, l in enumerate(ls) if l.endswith(b"  index.html\n"))
        ls.insert(i + 1, manifest_line(b"index.html", second))
        return ls
    return base(entries_fn=entries, lines_fn=lines).data


@invalid("name-case-collision", "NAME_CASE_COLLISION", "bundle-v1.md §4.2: "
         "lessons/A.html and lessons/a.html differ only in ASCII case.")
def i_case_ascii():
    return base(add=[("lessons/A.html", X_HTML), ("lessons/a.html", X_HTML)]).data


@invalid("name-case-collision-umlaut", "NAME_CASE_COLLISION",
         "bundle-v1.md §4.2: lessons/Ä.html and lessons/ä.html (both NFC) are "
         "equal under Unicode canonical caseless matching.")
def i_case_umlaut():
    return base(add=[(nfc("lessons/Ä.html"), X_HTML),
                     (nfc("lessons/ä.html"), X_HTML)]).data


@invalid("name-case-collision-final-sigma", "NAME_CASE_COLLISION",
         "bundle-v1.md §4.2: lessons/λογος.html (final sigma U+03C2) and "
         "lessons/λογοσ.html (U+03C3) are equal under full case folding "
         "although both are lower case.")
def i_case_sigma():
    return base(add=[("lessons/λογος.html", X_HTML),
                     ("lessons/λογοσ.html", X_HTML)]).data


@invalid("name-case-collision-sharp-s", "NAME_CASE_COLLISION",
         "bundle-v1.md §4.2: lessons/straße.html and lessons/strasse.html are "
         "equal under full case folding (ß folds to 'ss').")
def i_case_sharp_s():
    return base(add=[("lessons/straße.html", X_HTML),
                     ("lessons/strasse.html", X_HTML)]).data


@invalid("name-file-dir-conflict", "NAME_FILE_DIR_CONFLICT",
         "bundle-v1.md §4.2: the bundle has a file 'media' and the file "
         "'media/x.png', so 'media' would be both a file and a folder.")
def i_file_dir():
    return base(add=[("media", b"a file called media\n"),
                     ("media/x.png", LOGO)]).data


@invalid("name-file-dir-conflict-caseless", "NAME_FILE_DIR_CONFLICT",
         "bundle-v1.md §4.2: the file 'Lessons' equals, ignoring case, the "
         "folder prefix 'lessons/' of lessons/01-intro.html.")
def i_file_dir_caseless():
    return base(add=[("Lessons", b"a file called Lessons\n")]).data


# --- §5 mimetype and entry order -------------------------------------------

@invalid("mimetype-wrong-content", "MIMETYPE_INVALID",
         "bundle-v1.md §5.2: the mimetype entry contains "
         "'application/epub+zip'.")
def i_mimetype_content():
    def hook(e):
        e.set_data(b"application/epub+zip", 0)
    return base(entries_fn=entry_fn("mimetype", hook)).data


@invalid("mimetype-trailing-newline", "MIMETYPE_INVALID",
         "bundle-v1.md §5.2: the mimetype entry contains the media type "
         "followed by a LF (34 bytes).")
def i_mimetype_newline():
    def hook(e):
        e.set_data(MEDIA_TYPE + b"\n", 0)
    return base(entries_fn=entry_fn("mimetype", hook)).data


@invalid("mimetype-missing", "MIMETYPE_INVALID", "bundle-v1.md §5.2: there is "
         "no mimetype entry; the first entry is META-INF/MANIFEST.")
def i_mimetype_missing():
    return base(with_mimetype=False).data


@invalid("mimetype-not-first", "MIMETYPE_INVALID", "bundle-v1.md §5.2: the "
         "mimetype entry is the second entry, after META-INF/MANIFEST.")
def i_mimetype_not_first():
    def order(items):
        items[0], items[1] = items[1], items[0]
        return items
    return base(order=order).data


@invalid("mimetype-deflated", "MIMETYPE_INVALID", "bundle-v1.md §5.2: the "
         "mimetype entry is deflated (method 8) instead of stored.")
def i_mimetype_deflated():
    return base(methods={"mimetype": 8}).data


@invalid("mimetype-extra-field", "MIMETYPE_INVALID", "bundle-v1.md §5.2: the "
         "local header of mimetype has a 6-byte extra field (id 0xD935, 2 "
         "bytes of alignment padding as zipalign writes it), so the media "
         "type does not start at byte 38. The central header has no extra "
         "field. Any such field also breaks the EXTRA_FIELD rule of §3.6; for "
         "the first entry the mimetype rules of §5.2, which name the extra "
         "field explicitly, are reported.")
def i_mimetype_extra():
    def hook(e):
        e.lextra = struct.pack("<HHH", 0xD935, 2, 0)
    return base(entries_fn=entry_fn("mimetype", hook)).data


MIMETYPE_HEADER_CASES = [
    ("crc", "has the CRC-32 0xD473753C in both headers (one bit off the "
     "CRC-32 of its content, 0xD473753D); the content is right",
     lambda e: setattr(e, "crc", e.crc ^ 1)),
    ("version-needed-20", "says 'version needed to extract' 20 in both "
     "headers, as Python's zipfile writes it",
     lambda e: setattr(e, "vneed", 20)),
    ("flag-bit-1", "has general purpose flag bit 1 (0x0002) set in both "
     "headers", lambda e: setattr(e, "flags", 0x0002)),
    ("flag-utf8", "has general purpose flag bit 11 (0x0800, UTF-8 name) set "
     "in both headers", lambda e: setattr(e, "flags", 0x0800)),
]


def make_mimetype_header(slug, what, change):
    def fn():
        return base(entries_fn=entry_fn("mimetype", change)).data
    invalid("mimetype-" + slug, "MIMETYPE_INVALID",
            "bundle-v1.md §5.2 and §5.3: the mimetype entry %s, so the first "
            "71 bytes of the bundle are not the fixed ones (only bytes 10..13, "
            "the time and date, may vary)." % what)(fn)


for _slug, _what, _change in MIMETYPE_HEADER_CASES:
    make_mimetype_header(_slug, _what, _change)


@invalid("entry-order-content", "ENTRY_ORDER", "bundle-v1.md §5.1: the "
         "content entries are not in ascending byte order (index.html is the "
         "last entry, after lessons/... and media/logo.png); the manifest "
         "lists the entries in this ZIP order (the container check comes "
         "first).")
def i_order_content():
    def order(items):
        head = [it for it in items if canonical_key(it[0])[0] < 4]
        rest = [it for it in items if canonical_key(it[0])[0] == 4]
        rest.sort(key=lambda it: it[0] == b"index.html")
        return head + rest
    return base(order=order).data


@invalid("entry-order-meta-inf-late", "ENTRY_ORDER", "bundle-v1.md §5.1: "
         "META-INF/course.json is the last entry, after the content entries "
         "(META-INF files come first); the manifest follows the ZIP order "
         "(the container check comes first).")
def i_order_meta_late():
    def order(items):
        course = [it for it in items if it[0] == COURSE]
        return [it for it in items if it[0] != COURSE] + course
    return base(order=order).data


@invalid("entry-order-signature-first", "ENTRY_ORDER", "bundle-v1.md §5.1: "
         "META-INF/MANIFEST.minisig comes before META-INF/MANIFEST.")
def i_order_sig_first():
    def order(items):
        items[1], items[2] = items[2], items[1]
        return items
    return base(order=order).data


@invalid("entry-order-meta-inf", "ENTRY_ORDER", "bundle-v1.md §5.1: "
         "META-INF/course.json comes before META-INF/chunks (the other "
         "META-INF files must be in ascending byte order); the manifest "
         "follows the ZIP order (the container check comes first).")
def i_order_meta():
    def order(items):
        i = next(k for k, it in enumerate(items) if it[0] == CHUNKS)
        items[i], items[i + 1] = items[i + 1], items[i]
        assert items[i][0] == COURSE
        return items
    return base(order=order).data


# --- §3.8 limits -----------------------------------------------------------

@invalid("entry-too-large", "ENTRY_TOO_LARGE", "bundle-v1.md §3.8: the "
         "deflated entry media/zeros.txt declares size 67,108,865 (64 MiB + "
         "1) of zero bytes. Its ratio also exceeds 200, but ENTRY_TOO_LARGE "
         "is checked first, on the declared sizes.")
def i_entry_too_large():
    return base(add=[("media/zeros.txt", bytes(64 * MIB + 1))],
                methods={"media/zeros.txt": 8}).data


@invalid("compression-ratio", "COMPRESSION_RATIO", "bundle-v1.md §3.8: the "
         "deflated entry media/zeros.txt is 10 MiB of zero bytes compressed "
         "to about 10 KB (ratio about 1,000; the limit is 200).")
def i_ratio():
    return base(add=[("media/zeros.txt", bytes(10 * MIB))],
                methods={"media/zeros.txt": 8}).data


@invalid("compression-ratio-zero-csize", "COMPRESSION_RATIO", "bundle-v1.md "
         "§3.8: the deflated entry media/zeros.txt declares compressed size 0 "
         "and size 100 (100 zero bytes, CRC and digest of those).")
def i_ratio_zero():
    def hook(e):
        e.payload = b""
        e.csize = 0
    return base(add=[("media/zeros.txt", bytes(100))],
                methods={"media/zeros.txt": 8},
                entries_fn=entry_fn("media/zeros.txt", hook)).data


@invalid("manifest-too-large", "MANIFEST_TOO_LARGE", "bundle-v1.md §3.8: "
         "META-INF/MANIFEST is over 16 MiB (about 16.8 MB) because of "
         "16,520 unknown but well-formed header lines '# x-pad-NNNNN: <1000 "
         "bytes>'; it is correctly signed, deflated with a ratio under 200.")
def i_manifest_too_large():
    value = "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]
                    for b in prng(b"sampan pad", 1000))
    pad = [("x-pad-%05d" % i, value) for i in range(16520)]
    built = base(extra_headers=pad)
    e = find(built.entries, MANIFEST)
    assert e.size > 16 * MIB and e.method == 8 and e.size <= 200 * e.csize
    return built.data


@invalid("signature-too-large", "SIGNATURE_INVALID", "bundle-v1.md §3.8: "
         "META-INF/MANIFEST.minisig is larger than 16 KiB (its untrusted "
         "comment line is 17,000 bytes); the signature lines are correct.")
def i_signature_too_large():
    built = base(sig_kw=dict(untrusted=b"x" * 16981))
    assert find(built.entries, MINISIG).size > 16 * 1024
    return built.data


@invalid("course-too-large", "COURSE_INVALID", "bundle-v1.md §3.8: "
         "META-INF/course.json is over 4 MiB (an 'x-pad' array of 4,200 "
         "strings of 1,000 bytes); otherwise a valid course, deflated with a "
         "ratio under 200.")
def i_course_too_large():
    value = "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]
                    for b in prng(b"sampan course pad", 1000))
    course = base_course()
    course["x-pad"] = ["%05d %s" % (i, value) for i in range(4200)]
    built = base(course=course)
    e = find(built.entries, COURSE)
    assert e.size > 4 * MIB and e.method == 8
    return built.data


# --- §8 manifest -----------------------------------------------------------

@invalid("manifest-missing", "MANIFEST_MISSING", "bundle-v1.md §5.4: there is "
         "no META-INF/MANIFEST entry (META-INF/MANIFEST.minisig is present).")
def i_manifest_missing():
    return base(with_manifest=False).data


def crlf(manifest):
    return manifest.replace(b"\n", b"\r\n")


MANIFEST_INVALID_CASES = [
    ("crlf", "8.1", "every line ends with CRLF instead of LF",
     dict(manifest_fn=crlf)),
    ("no-final-newline", "8.1", "the last line has no LF",
     dict(manifest_fn=lambda m: m[:-1])),
    ("empty-line", "8.1", "an empty line separates the header lines from the "
     "entry lines",
     dict(manifest_fn=lambda m: m.replace(
         b"# title: " + BASE_TITLE.encode() + b"\n",
         b"# title: " + BASE_TITLE.encode() + b"\n\n", 1))),
    ("bom", "8.1", "the first three bytes are a UTF-8 byte order mark",
     dict(manifest_fn=lambda m: b"\xef\xbb\xbf" + m)),
    ("order", "8.6",
     "the lines of index.html and lessons/01-intro.html are swapped, "
     "so the entry lines are not in ZIP order",
     dict(lines_fn=lambda ls: swap_lines(ls, b"index.html",
                                         b"lessons/01-intro.html"))),
    ("uppercase-hex", "8.6",
     "the digest of index.html is written in upper-case hex",
     dict(lines_fn=lambda ls: [l[:64].upper() + l[64:]
                               if l.endswith(b"  index.html\n") else l
                               for l in ls])),
    ("single-space", "8.6",
     "the line of index.html separates digest and name with "
     "one space instead of two",
     dict(lines_fn=lambda ls: [l.replace(b"  ", b" ", 1)
                               if l.endswith(b"  index.html\n") else l
                               for l in ls])),
    ("binary-marker", "8.6",
     "the line of index.html uses sha256sum's binary-mode "
     "form '<hex> *index.html'",
     dict(lines_fn=lambda ls: [l.replace(b"  ", b" *", 1)
                               if l.endswith(b"  index.html\n") else l
                               for l in ls])),
    ("duplicate-line", "8.6", "the line of index.html appears twice",
     dict(lines_fn=lambda ls: dup_line(ls, b"index.html"))),
    ("header-order", "8.3",
     "the required headers are out of order ('# id:' is the "
     "first line, '# sampan-bundle: 1' the second)",
     dict(headers=[("id", BASE_ID), ("sampan-bundle", "1"),
                   ("version", BASE_VERSION), ("title", BASE_TITLE)])),
    ("duplicate-header", "8.2", "the header key 'title' appears twice",
     dict(extra_headers=[("title", "Second title")])),
    ("header-key-case", "8.2",
     "the header line '# X-Note: hello' has a key that "
     "is not [a-z0-9-]{1,32}",
     dict(extra_headers=[("X-Note", "hello")])),
    ("header-after-entries", "8.2",
     "a '# x-note: hello' line follows the first "
     "entry line",
     dict(lines_fn=lambda ls: ls[:1] + [b"# x-note: hello\n"] + ls[1:])),
]


def swap_lines(lines, a, b):
    ia = next(k for k, l in enumerate(lines) if l.endswith(b"  " + a + b"\n"))
    ib = next(k for k, l in enumerate(lines) if l.endswith(b"  " + b + b"\n"))
    lines[ia], lines[ib] = lines[ib], lines[ia]
    return lines


def dup_line(lines, name):
    i = next(k for k, l in enumerate(lines) if l.endswith(b"  " + name + b"\n"))
    lines.insert(i + 1, lines[i])
    return lines


def make_manifest_invalid(slug, section, what, kw):
    def fn():
        return base(**kw).data
    invalid("manifest-invalid-" + slug, "MANIFEST_INVALID",
            "bundle-v1.md §%s: in META-INF/MANIFEST %s. The manifest is "
            "correctly signed (trusted comment consistent); everything else "
            "is valid." % (section, what))(fn)


for _slug, _section, _what, _kw in MANIFEST_INVALID_CASES:
    make_manifest_invalid(_slug, _section, _what, _kw)


@invalid("manifest-invalid-version", "MANIFEST_INVALID",
         "bundle-v1.md §8.5: the course version '1.02' has a component with a "
         "leading zero. course.json and the trusted comment say the same "
         "'1.02'.")
def i_manifest_version():
    return build(base_files(), base_course(version="1.02")).data


@invalid("manifest-invalid-id", "MANIFEST_INVALID", "bundle-v1.md §8.4: the "
         "course id 'org.example.Conformance_Test' does not match the id "
         "syntax (upper case, '_'). course.json and the trusted comment say "
         "the same.")
def i_manifest_id():
    return build(base_files(),
                 base_course(id="org.example.Conformance_Test")).data


@invalid("format-unsupported", "FORMAT_UNSUPPORTED", "bundle-v1.md §8.3: the "
         "manifest's first line is '# sampan-bundle: 2'; it is properly "
         "signed with test.key and the trusted comment is consistent with it "
         "('sampan-bundle:2\\tid:...\\tversion:...').")
def i_format_unsupported():
    headers = [("sampan-bundle", "2"), ("id", BASE_ID),
               ("version", BASE_VERSION), ("title", BASE_TITLE)]
    return base(headers=headers,
                tc=trusted_comment(BASE_ID, BASE_VERSION, bundle="2")).data


# --- §9 signature ----------------------------------------------------------

@invalid("signature-missing", "SIGNATURE_MISSING", "bundle-v1.md §5.4: there "
         "is no META-INF/MANIFEST.minisig entry.")
def i_sig_missing():
    return base(with_sig=False).data


def sig_lines(fn):
    """sig_fn that edits the lines of a correct signature."""
    def sig(manifest):
        good = minisig(manifest, TEST, trusted_comment(BASE_ID, BASE_VERSION))
        lines = good.split(b"\n")[:-1]
        return fn(lines)
    return sig


@invalid("signature-invalid-three-lines", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: META-INF/MANIFEST.minisig has only three lines "
         "(the global signature line is missing).")
def i_sig_three():
    return base(sig_fn=sig_lines(lambda ls: b"\n".join(ls[:3]) + b"\n")).data


@invalid("signature-invalid-five-lines", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: META-INF/MANIFEST.minisig has a fifth line after "
         "the four correct ones.")
def i_sig_five():
    return base(sig_fn=sig_lines(
        lambda ls: b"\n".join(ls) + b"\nextra line\n")).data


@invalid("signature-invalid-algorithm", "SIGNATURE_INVALID",
         "bundle-v1.md §9.2: the signature algorithm bytes are 'EX' (neither "
         "'ED' nor 'Ed'); the rest is a correct prehashed signature.")
def i_sig_algorithm():
    return base(sig_kw=dict(alg=b"EX")).data


@invalid("signature-invalid-base64", "SIGNATURE_INVALID", "bundle-v1.md §9.1: "
         "line 2 of META-INF/MANIFEST.minisig lacks its '=' padding "
         "(99 instead of 100 base64 characters).")
def i_sig_base64():
    def fn(lines):
        assert lines[1].endswith(b"=") and not lines[1].endswith(b"==")
        lines[1] = lines[1][:-1]
        return b"\n".join(lines) + b"\n"
    return base(sig_fn=sig_lines(fn)).data


B64_ALPHABET = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                b"0123456789+/")


def set_pad_bit(line):
    """The same base64 line with the lowest padding bit of its last
    significant character set: it decodes to the same bytes under a lenient
    decoder, and is not the canonical encoding."""
    body = line.rstrip(b"=")
    last = B64_ALPHABET.index(body[-1:])
    assert last & 1 == 0
    return body[:-1] + B64_ALPHABET[last | 1:(last | 1) + 1] + line[len(body):]


@invalid("signature-invalid-base64-pad-bits-line-2", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: the last base64 character of line 2 before its "
         "'=' has a padding bit set (canonical base64 leaves the 2 bits that "
         "do not belong to a byte at zero). The bytes it decodes to are "
         "those of a correct signature; stock minisign 0.11 ignores the bit "
         "and verifies it.")
def i_sig_pad_line2():
    def fn(lines):
        lines[1] = set_pad_bit(lines[1])
        return b"\n".join(lines) + b"\n"
    return base(sig_fn=sig_lines(fn)).data


@invalid("signature-invalid-base64-pad-bits-line-4", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: the last base64 character of line 4 before its "
         "'==' has a padding bit set (4 bits are padding there). The bytes "
         "are those of a correct global signature.")
def i_sig_pad_line4():
    def fn(lines):
        lines[3] = set_pad_bit(lines[3])
        return b"\n".join(lines) + b"\n"
    return base(sig_fn=sig_lines(fn)).data


UNTRUSTED_LINE_MAX = 1022
TRUSTED_COMMENT_MAX = 4077


@invalid("signature-invalid-untrusted-comment-too-long", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: line 1 of META-INF/MANIFEST.minisig is 1,023 "
         "bytes long ('untrusted comment: ' and 1,004 'u'); the limit is "
         "1,022, the longest line stock minisign reads. The signature lines "
         "are correct.")
def i_sig_untrusted_long():
    built = base(sig_kw=dict(untrusted=b"u" * (UNTRUSTED_LINE_MAX + 1 - 19)))
    assert len(built.signature.split(b"\n")[0]) == UNTRUSTED_LINE_MAX + 1
    return built.data


@invalid("signature-invalid-untrusted-comment-nul", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: the untrusted comment holds a NUL byte "
         "('untrusted comment: before\\x00after'); comments are text without "
         "control characters other than TAB. Stock minisign stops reading "
         "the line at the NUL and refuses the file.")
def i_sig_untrusted_nul():
    return base(sig_kw=dict(untrusted=b"before\x00after")).data


@invalid("signature-invalid-trusted-comment-too-long", "SIGNATURE_INVALID",
         "bundle-v1.md §9.1: the trusted comment is 4,078 bytes (the three "
         "fields, then '\\tx-pad:' and 'p' up to that length), correctly "
         "signed; the limit is 4,077 bytes, the longest that stock minisign "
         "can sign.")
def i_sig_trusted_long():
    head = trusted_comment(BASE_ID, BASE_VERSION) + "\tx-pad:"
    built = base(tc_extra="\tx-pad:" + "p" * (TRUSTED_COMMENT_MAX + 1 - len(head)))
    line3 = built.signature.split(b"\n")[2]
    assert len(line3) == len(b"trusted comment: ") + TRUSTED_COMMENT_MAX + 1
    return built.data


@valid("signature-limits", "META-INF/MANIFEST.minisig at the limits of "
       "bundle-v1.md §9.1: line 1 is exactly 1,022 bytes ('untrusted "
       "comment: ' and 1,003 'u') and the trusted comment exactly 4,077 "
       "bytes (the three fields, then '\\tx-pad:' and 'p' up to that "
       "length). Stock minisign verifies it, and stock 'minisign -S -t' "
       "writes the same lines 2 to 4. Not what a v1 writer writes, a reader "
       "acceptance test.")
def v_signature_limits():
    cid = "org.example.signature-limits"
    head = trusted_comment(cid, "1.0") + "\tx-pad:"
    built = reader_valid("signature-limits", "Signature limits",
                         sig_kw=dict(untrusted=b"u" * (UNTRUSTED_LINE_MAX - 19)),
                         tc_extra="\tx-pad:" + "p" * (TRUSTED_COMMENT_MAX - len(head)))
    lines = built.signature.split(b"\n")
    assert len(lines[0]) == UNTRUSTED_LINE_MAX
    assert len(lines[2]) == len(b"trusted comment: ") + TRUSTED_COMMENT_MAX
    return built


@invalid("signature-legacy", "SIGNATURE_LEGACY", "bundle-v1.md §9.2: "
         "META-INF/MANIFEST.minisig is a valid legacy minisign signature "
         "(algorithm 'Ed', Ed25519 over the raw manifest bytes) by test.key "
         "with a valid global signature.")
def i_sig_legacy():
    return base(sig_kw=dict(alg=b"Ed")).data


@invalid("key-untrusted", "KEY_UNTRUSTED", "bundle-v1.md §9.4: the manifest "
         "is correctly signed by other.key, whose key id is not test.key's.")
def i_key_untrusted():
    return base(key=OTHER).data


@invalid("signature-bad", "SIGNATURE_BAD", "bundle-v1.md §9.4: one byte of "
         "the Ed25519 signature is flipped (the global signature was made "
         "over the flipped signature, so only the manifest signature fails).")
def i_sig_bad():
    return base(sig_kw=dict(flip_sig=True)).data


@invalid("signature-bad-manifest-edited", "SIGNATURE_BAD",
         "bundle-v1.md §9.4: index.html was changed after signing and its "
         "manifest line updated to the new digest; the signature is the one "
         "over the original manifest.")
def i_sig_bad_edited():
    original = base()
    files = base_files()
    files[0] = ("index.html", files[0][1].replace(b"<h1>", b"<h1>Edited: "))
    return build(files, base_course(), sig_fn=lambda m: original.signature).data


@invalid("signature-bad-wrong-key", "SIGNATURE_BAD", "bundle-v1.md §9.4: the "
         "signature carries test.key's key id but was made with other.key.")
def i_sig_bad_wrong_key():
    return base(sig_kw=dict(signer=OTHER)).data


@invalid("trusted-comment-bad", "TRUSTED_COMMENT_BAD",
         "bundle-v1.md §9.4: the trusted comment was edited after signing: "
         "the global signature covers "
         "'sampan-bundle:1\\tid:...\\tversion:1.0\\tx-note:original' but the "
         "file says 'sampan-bundle:1\\tid:...\\tversion:1.0' (which agrees "
         "with the manifest).")
def i_tc_bad():
    tc = trusted_comment(BASE_ID, BASE_VERSION)
    return base(sig_kw=dict(tc_signed=tc + "\tx-note:original")).data


@invalid("trusted-comment-bad-global", "TRUSTED_COMMENT_BAD",
         "bundle-v1.md §9.4: one byte of the global signature is flipped.")
def i_tc_bad_global():
    return base(sig_kw=dict(flip_global=True)).data


@invalid("trusted-comment-mismatch-version", "TRUSTED_COMMENT_MISMATCH",
         "bundle-v1.md §9.3: the validly signed trusted comment says "
         "version:1.1 while the manifest (and course.json) say 1.0.")
def i_tc_version():
    return base(tc=trusted_comment(BASE_ID, "1.1")).data


@invalid("trusted-comment-mismatch-id", "TRUSTED_COMMENT_MISMATCH",
         "bundle-v1.md §9.3: the validly signed trusted comment names the id "
         "'org.example.other' while the manifest says "
         "'org.example.conformance'.")
def i_tc_id():
    return base(tc=trusted_comment("org.example.other", BASE_VERSION)).data


@invalid("trusted-comment-mismatch-default", "TRUSTED_COMMENT_MISMATCH",
         "bundle-v1.md §9.3: the trusted comment is minisign's default "
         "'timestamp:1714566896\\tfile:MANIFEST\\thashed' (validly signed), "
         "not 'sampan-bundle:1\\tid:...\\tversion:...'.")
def i_tc_default():
    return base(tc="timestamp:1714566896\tfile:MANIFEST\thashed").data


@invalid("trusted-comment-mismatch-order", "TRUSTED_COMMENT_MISMATCH",
         "bundle-v1.md §9.3: the validly signed trusted comment has the right "
         "fields in the wrong order "
         "('id:...\\tsampan-bundle:1\\tversion:...').")
def i_tc_order():
    return base(tc="id:%s\tsampan-bundle:1\tversion:%s"
                % (BASE_ID, BASE_VERSION)).data


@invalid("format-unsupported-not-a-number", "FORMAT_UNSUPPORTED",
         "bundle-v1.md §8.3: the manifest's first line is '# sampan-bundle: "
         "1.0', a sampan-bundle header line whose value is not '1'; it is "
         "properly signed and the trusted comment says 'sampan-bundle:1.0'.")
def i_format_not_number():
    headers = [("sampan-bundle", "1.0"), ("id", BASE_ID),
               ("version", BASE_VERSION), ("title", BASE_TITLE)]
    return base(headers=headers,
                tc=trusted_comment(BASE_ID, BASE_VERSION, bundle="1.0")).data


# --- §8.6 entry lines and the listing rule ---------------------------------

@invalid("entry-unlisted", "ENTRY_UNLISTED", "bundle-v1.md §8.6: the manifest "
         "has no line for the entry lessons/01-intro.md.")
def i_unlisted():
    return base(lines_fn=lambda ls: [l for l in ls
                                     if not l.endswith(b"  lessons/01-intro.md\n")]).data


@invalid("entry-unlisted-chunks", "ENTRY_UNLISTED", "bundle-v1.md §8.6: the "
         "manifest has no line for META-INF/chunks.")
def i_unlisted_chunks():
    return base(lines_fn=lambda ls: [l for l in ls
                                     if not l.endswith(b"  META-INF/chunks\n")]).data


@invalid("entry-missing", "ENTRY_MISSING", "bundle-v1.md §8.6: the manifest "
         "lists lessons/02-missing.html (at its place in canonical order, "
         "between lessons/01-intro.md and media/logo.png) but there is no "
         "such entry.")
def i_missing():
    def lines(ls):
        i = next(k for k, l in enumerate(ls) if l.endswith(b"  media/logo.png\n"))
        ls.insert(i, manifest_line(b"lessons/02-missing.html", X_HTML))
        return ls
    return base(lines_fn=lines).data


UNLISTED_NAMES = [
    ("mimetype", b"mimetype", MEDIA_TYPE,
     "after the line of media/logo.png, where byte order puts it"),
    ("manifest", MANIFEST, b"# sampan-bundle: 1\n",
     "first, where byte order puts it among the META-INF/ lines"),
    ("signature", MINISIG, b"untrusted comment: \n",
     "first, where byte order puts it among the META-INF/ lines"),
]


def make_lists_unlisted(slug, name, data, where):
    def lines(ls):
        line = manifest_line(name, data)
        if name == b"mimetype":
            ls.append(line)
        else:
            ls.insert(0, line)
        return ls

    def fn():
        return base(lines_fn=lines).data
    invalid("manifest-invalid-lists-" + slug, "MANIFEST_INVALID",
            "bundle-v1.md §8.6: the manifest has an entry line for %s, %s. "
            "The three entries mimetype, META-INF/MANIFEST and "
            "META-INF/MANIFEST.minisig are never listed; a line for one of "
            "them breaks the manifest's own grammar (MANIFEST_INVALID), "
            "whether or not the entry exists. The manifest is correctly "
            "signed." % (name.decode(), where))(fn)


for _slug, _name, _data, _where in UNLISTED_NAMES:
    make_lists_unlisted(_slug, _name, _data, _where)


# --- §11 course.json -------------------------------------------------------

def lesson(**changes):
    item = intro_lesson()
    item.update(changes)
    return item


def deep(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


COURSE_RAW_DUP = (
    '{\n  "sampan-bundle": 1,\n  "id": "%s",\n  "version": "%s",\n'
    '  "language": "en",\n  "languages": ["en"],\n'
    '  "title": {"en": "%s"},\n  "publisher": {"name": "Sampan test vectors"},\n'
    '  "licence": "CC-BY-4.0",\n  "licence": "CC0-1.0",\n'
    '  "start": "index.html",\n  "lessons": [{"id": "01-intro", "title": '
    '{"en": "Introduction"}, "page": "lessons/01-intro.html", '
    '"source": "lessons/01-intro.md"}]\n}\n'
    % (BASE_ID, BASE_VERSION, BASE_TITLE)).encode()

COURSE_INVALID_CASES = [
    ("missing-licence", "11.2", "has no 'licence' key", dict(licence=None)),
    ("missing-page", "11.4",
     "has a lesson whose 'page' lessons/02-missing.html "
     "names no entry",
     dict(lessons=[intro_lesson(),
                   {"id": "02-missing", "title": {"en": "Missing"},
                    "page": "lessons/02-missing.html"}])),
    ("missing-source", "11.4",
     "has a lesson whose 'source' lessons/01-intro.txt "
     "names no entry", dict(lessons=[lesson(source="lessons/01-intro.txt")])),
    ("missing-start", "11.4",
     "has 'start' = 'start.html', which names no entry",
     dict(start="start.html")),
    ("start-in-meta-inf", "11.4",
     "has 'start' = 'META-INF/MANIFEST' (entry names in "
     "course.json must not be under META-INF/)",
     dict(start="META-INF/MANIFEST")),
    ("page-in-meta-inf", "11.4",
     "has a lesson page 'META-INF/chunks' (under META-INF/)",
     dict(lessons=[lesson(page="META-INF/chunks")])),
    ("missing-title", "11.2", "has no 'title' key", dict(title=None)),
    ("title-without-language", "11.2", "has a 'title' object without the main "
     "language 'en' (only 'th'); the manifest title header is that Thai title",
     dict(title={"th": nfc("หลักสูตรทดสอบ")})),
    ("title-empty", "11.2", "has the title '' for the main language",
     dict(title={"en": ""})),
    ("languages-without-main", "11.2",
     "has 'languages' = ['th'], not containing "
     "the main language 'en'", dict(languages=["th"])),
    ("languages-duplicate", "11.2", "has 'languages' = ['en', 'en']",
     dict(languages=["en", "en"])),
    ("bad-language-tag", "11.3", "has the language tag 'english' (fails "
     "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$), used consistently in language, "
     "languages and the titles",
     dict(language="english", languages=["english"],
          title={"english": BASE_TITLE},
          lessons=[lesson(title={"english": "Introduction"})])),
    ("no-lessons", "11.2", "has an empty 'lessons' array", dict(lessons=[])),
    ("lesson-duplicate-id", "11.2", "has two lessons with the id '01-intro'",
     dict(lessons=[intro_lesson(), lesson(page="index.html")])),
    ("lesson-bad-id", "11.2",
     "has a lesson id 'Intro' (upper case; must match "
     "^[a-z0-9][a-z0-9._-]{0,127}$)", dict(lessons=[lesson(id="Intro")])),
    ("lesson-title-without-language", "11.2",
     "has a lesson whose title lacks the "
     "main language", dict(lessons=[lesson(title={"th": nfc("บทนำ")})])),
    ("missing-publisher-name", "11.2", "has 'publisher' without 'name'",
     dict(publisher={"contact": "vectors@example.org"})),
    ("bundle-version-string", "11.2",
     "has \"sampan-bundle\": \"1\" (a string, must "
     "be the integer 1)", {"sampan-bundle": "1"}),
    ("too-deep", "11.1",
     "has an 'x-deep' key holding 19 nested arrays (nesting "
     "depth 20 > 16)", {"x-deep": deep(19)}),
]


def make_course_invalid(slug, section, what, changes):
    def fn():
        course = base_course(**changes)
        # the manifest's informational title header: the main-language
        # title, else the first non-empty title, else the base title
        titles = course.get("title", {})
        title = titles.get(course["language"]) or next(
            (t for t in titles.values() if t), BASE_TITLE)
        return build(base_files(), course, title=title).data
    invalid("course-invalid-" + slug, "COURSE_INVALID",
            "bundle-v1.md §%s: META-INF/course.json %s. It is listed with "
            "its correct digest in the signed manifest." % (section, what))(fn)


for _slug, _section, _what, _changes in COURSE_INVALID_CASES:
    make_course_invalid(_slug, _section, _what, _changes)


@invalid("course-invalid-id-mismatch", "COURSE_INVALID", "bundle-v1.md §11.2: "
         "META-INF/course.json says id 'org.example.other' while the manifest "
         "and the trusted comment say 'org.example.conformance'.")
def i_course_id():
    return build(base_files(), base_course(id="org.example.other"),
                 cid=BASE_ID).data


@invalid("course-invalid-version-mismatch", "COURSE_INVALID",
         "bundle-v1.md §11.2: META-INF/course.json says version '1.1' while "
         "the manifest and the trusted comment say '1.0'.")
def i_course_version():
    return build(base_files(), base_course(version="1.1"),
                 version=BASE_VERSION).data


@invalid("course-invalid-missing-file", "COURSE_INVALID",
         "bundle-v1.md §5.4: there is no META-INF/course.json entry.")
def i_course_missing():
    return build(base_files(), None, cid=BASE_ID, version=BASE_VERSION,
                 title=BASE_TITLE).data


@invalid("course-invalid-not-json", "COURSE_INVALID", "bundle-v1.md §11.1: "
         "META-INF/course.json is cut off in the middle (not valid JSON).")
def i_course_not_json():
    raw = course_json(base_course())[:60]
    return build(base_files(), raw, cid=BASE_ID, version=BASE_VERSION,
                 title=BASE_TITLE).data


@invalid("course-invalid-not-object", "COURSE_INVALID", "bundle-v1.md §11.1: "
         "META-INF/course.json is a JSON array, not an object.")
def i_course_not_object():
    raw = b"[" + course_json(base_course()).rstrip(b"\n") + b"]\n"
    return build(base_files(), raw, cid=BASE_ID, version=BASE_VERSION,
                 title=BASE_TITLE).data


@invalid("course-invalid-duplicate-key", "COURSE_INVALID",
         "bundle-v1.md §11.1: META-INF/course.json has the key 'licence' "
         "twice.")
def i_course_dup():
    return build(base_files(), COURSE_RAW_DUP, cid=BASE_ID,
                 version=BASE_VERSION, title=BASE_TITLE).data


def raw_course(course, raw):
    """course.json text in which each value "@KEY@" is replaced by the raw
    JSON text raw[KEY] (bytes): numbers and escapes json.dumps would not
    write."""
    text = course_json(course)
    for key, value in raw.items():
        placeholder = ('"@%s@"' % key).encode()
        assert text.count(placeholder) == 1, key
        text = text.replace(placeholder, value)
    return text


def course_with_raw(raw, **changes):
    course = base_course(**changes)
    for key in raw:
        if key != "sampan-bundle":
            course[key] = "@%s@" % key
    if "sampan-bundle" in raw:
        course["sampan-bundle"] = "@sampan-bundle@"
    return raw_course(course, raw)


COURSE_JSON_CASES = [
    ("bundle-version-real", "11.1", "gives \"sampan-bundle\": 1.0: a number "
     "with a fraction is not an integer, even when its value is one",
     {"sampan-bundle": b"1.0"}),
    ("bundle-version-exponent", "11.1", "gives \"sampan-bundle\": 1e0: a "
     "number with an exponent is not an integer", {"sampan-bundle": b"1e0"}),
    ("x-integer-too-big", "11.1", "gives the ignored key \"x-count\" the "
     "integer 9223372036854775808 (2^63), one more than the largest integer "
     "allowed", {"x-count": b"9223372036854775808"}),
    ("x-integer-too-small", "11.1", "gives the ignored key \"x-count\" the "
     "integer -9223372036854775809, one less than -2^63",
     {"x-count": b"-9223372036854775809"}),
    ("x-number-overflow", "11.1", "gives the ignored key \"x-scale\" the "
     "number 1.7976931348623159e308, whose nearest binary64 value is "
     "infinite (the largest finite one is 1.7976931348623157e308)",
     {"x-scale": b"1.7976931348623159e308"}),
    ("lone-surrogate", "11.1", "gives the ignored key \"x-note\" the string "
     "\"\\ud800\": the escape of a high surrogate without its low surrogate",
     {"x-note": b'"\\ud800"'}),
    ("lone-low-surrogate", "11.1", "gives the ignored key \"x-note\" the "
     "string \"\\udc00a\": the escape of a low surrogate that no high "
     "surrogate precedes", {"x-note": b'"\\udc00a"'}),
]


def make_course_json_case(slug, section, what, raw):
    def fn():
        return build(base_files(), course_with_raw(raw), cid=BASE_ID,
                     version=BASE_VERSION, title=BASE_TITLE).data
    invalid("course-invalid-" + slug, "COURSE_INVALID",
            "bundle-v1.md §%s: META-INF/course.json %s. It is listed with its "
            "correct digest in the signed manifest." % (section, what))(fn)


for _slug, _section, _what, _raw in COURSE_JSON_CASES:
    make_course_json_case(_slug, _section, _what, _raw)


@invalid("course-invalid-bom", "COURSE_INVALID", "bundle-v1.md §11.1: "
         "META-INF/course.json begins with a UTF-8 byte order mark; the rest "
         "is a valid course.")
def i_course_bom():
    return build(base_files(), b"\xef\xbb\xbf" + course_json(base_course()),
                 cid=BASE_ID, version=BASE_VERSION, title=BASE_TITLE).data


@invalid("course-invalid-source-empty", "COURSE_INVALID", "bundle-v1.md "
         "§11.4: the lesson's optional 'source' is the empty string. A key "
         "that names an entry must name one, and no entry has an empty name; "
         "a lesson without a source leaves the key out.")
def i_course_source_empty():
    return build(base_files(), base_course(lessons=[lesson(source="")])).data


TEACHER_HTML = (b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                b"<title>Teacher's notes: Introduction</title>\n</head>\n<body>\n"
                b"<p><a href=\"../../lessons/01-intro.html\">Introduction</a></p>\n"
                b"<p>Ask who has seen the pump fail before you start.</p>\n"
                b"</body>\n</html>\n")


def teacher_page(**changes):
    item = {"title": {"en": "Introduction"}, "page": "teacher/lessons/01-intro.html",
            "lesson": "01-intro"}
    item.update(changes)
    return item


def teacher_files(add=()):
    return base_files([("teacher/lessons/01-intro.html", TEACHER_HTML)] + list(add))


@valid("teacher-pages", "A course with a teacher page (bundle-v1.md §11.7): "
       "the entry teacher/lessons/01-intro.html, listed in the manifest like "
       "every entry, and named in course.json's 'teacher' array with its "
       "title and the lesson it goes with; the lesson's Markdown source, "
       "which holds the teacher's notes, is teacher/lessons/01-intro.md. A "
       "v1 writer writes exactly these bytes; a reader that ignores "
       "'teacher' still verifies it, and a serving reader serves the two "
       "teacher entries to the teacher only.")
def v_teacher_pages():
    cid = "org.example.teacher-pages"
    course = simple_course(cid, "1.0", "Teacher pages",
                           [lesson(source="teacher/lessons/01-intro.md")])
    course["teacher"] = [teacher_page()]
    files = [("index.html", index_html("Teacher pages", [("lessons/01-intro.html",
                                                         "Introduction")])),
             ("lessons/01-intro.html", INTRO_HTML),
             ("teacher/lessons/01-intro.md", INTRO_MD),
             ("teacher/lessons/01-intro.html", TEACHER_HTML)]
    return build(files, course)


TEACHER_CASES = [
    ("teacher-not-array", "gives 'teacher' an object instead of an array",
     lambda: base_course(teacher={"page": "teacher/lessons/01-intro.html"})),
    ("teacher-empty", "gives 'teacher' an empty array (a course without "
     "teacher pages leaves the key out)", lambda: base_course(teacher=[])),
    ("teacher-page-outside", "names lessons/01-intro.html, a page outside "
     "the folder teacher/, as a teacher page",
     lambda: base_course(teacher=[teacher_page(page="lessons/01-intro.html")])),
    ("teacher-page-missing", "names teacher/lessons/02-more.html, which is "
     "not an entry of the bundle, as a teacher page",
     lambda: base_course(teacher=[teacher_page(),
                                  teacher_page(page="teacher/lessons/02-more.html")])),
    ("teacher-page-twice", "lists the teacher page "
     "teacher/lessons/01-intro.html twice",
     lambda: base_course(teacher=[teacher_page(), teacher_page()])),
    ("teacher-lesson-unknown", "gives a teacher page the lesson '02-more', "
     "which is no lesson of the course",
     lambda: base_course(teacher=[teacher_page(lesson="02-more")])),
    ("teacher-no-title", "gives a teacher page no 'title'",
     lambda: base_course(teacher=[{"page": "teacher/lessons/01-intro.html"}])),
    ("lesson-page-in-teacher", "gives the lesson the page "
     "teacher/lessons/01-intro.html: a student's page in the teacher folder",
     lambda: base_course(lessons=[lesson(page="teacher/lessons/01-intro.html")])),
    ("start-in-teacher", "gives 'start' the entry "
     "teacher/lessons/01-intro.html: the course's first page in the teacher "
     "folder", lambda: base_course(start="teacher/lessons/01-intro.html")),
]


def make_teacher_case(slug, what, course_fn):
    def fn():
        return build(teacher_files(), course_fn()).data
    invalid("course-invalid-" + slug, "COURSE_INVALID",
            "bundle-v1.md §11.7: META-INF/course.json %s. The bundle holds "
            "teacher/lessons/01-intro.html, and course.json is listed with "
            "its correct digest in the signed manifest." % what)(fn)


for _slug, _what, _fn in TEACHER_CASES:
    make_teacher_case(_slug, _what, _fn)


@valid("course-json-edges", "META-INF/course.json at the edges of "
       "bundle-v1.md §11.1 and §11.2: ignored x- keys hold the integers "
       "9223372036854775807 and -9223372036854775808 and -0, the numbers "
       "1.7976931348623158e308 (it rounds to the largest finite binary64) "
       "and 1e-400 (it rounds to zero), and the string \"\\ud83d\\ude00\" (a "
       "surrogate pair, escaped); optional strings are empty: the English "
       "description, 'level', 'created', the publisher's 'contact' and the "
       "one subject. A v1 writer given this course.json writes exactly these "
       "bytes.")
def v_course_json_edges():
    cid = "org.example.course-json-edges"
    course = simple_course(cid, "1.0", "Course JSON edges", [intro_lesson()],
                           description={"en": ""}, level="", created="",
                           subjects=[""])
    course["publisher"]["contact"] = ""
    raw = {"x-int-max": b"9223372036854775807",
           "x-int-min": b"-9223372036854775808", "x-zero": b"-0",
           "x-real-max": b"1.7976931348623158e308", "x-real-tiny": b"1e-400",
           "x-pair": b'"\\ud83d\\ude00"'}
    for key in raw:
        course[key] = "@%s@" % key
    text = raw_course(course, raw)
    json.loads(text)
    return reader_valid("course-json-edges", "Course JSON edges",
                        course=text, cid=cid, version="1.0",
                        title="Course JSON edges")


# --- §12 chunks ------------------------------------------------------------

BIG_SIZE = MIB + 1


def big_files():
    # The same byte stream as media/pump.mp4 in valid/media, so the
    # repository can store these files as deltas of each other.
    return [("media/video.mp4", prng(PUMP_LABEL, BIG_SIZE))]


@invalid("chunks-invalid-missing-list", "CHUNKS_INVALID",
         "bundle-v1.md §12.2: the stored entry media/video.mp4 is 1,048,577 "
         "bytes (1 MiB + 1, so 2 chunks) but META-INF/chunks has only its two "
         "header lines.")
def i_chunks_missing_list():
    return base(add=big_files(), chunks_fn=lambda t: CHUNKS_HEADER).data


@invalid("chunks-invalid-missing-file", "CHUNKS_INVALID", "bundle-v1.md §5.4: "
         "there is no META-INF/chunks entry.")
def i_chunks_missing_file():
    return base(with_chunks=False).data


@invalid("chunks-invalid-chunk-size", "CHUNKS_INVALID", "bundle-v1.md §12.1: "
         "META-INF/chunks says '# chunk-size: 65536' (v1 requires 1048576); "
         "no entry needs chunks.")
def i_chunks_size():
    return base(chunks_fn=lambda t: t.replace(b"1048576", b"65536")).data


@invalid("chunks-invalid-header", "CHUNKS_INVALID", "bundle-v1.md §12.1: the "
         "first line of META-INF/chunks is '# sampan-chunks: 2'.")
def i_chunks_header():
    return base(chunks_fn=lambda t: t.replace(b"chunks: 1", b"chunks: 2")).data


@invalid("chunks-invalid-extra-entry", "CHUNKS_INVALID", "bundle-v1.md §12.2: "
         "META-INF/chunks lists media/logo.png (stored but not larger than "
         "1 MiB) with its correct size and chunk digest.")
def i_chunks_extra():
    line = b"f %d media/logo.png\nc %s\n" % (len(LOGO), sha256hex(LOGO).encode())
    return base(chunks_fn=lambda t: t + line).data


@invalid("chunk-mismatch", "CHUNK_MISMATCH", "bundle-v1.md §13: "
         "META-INF/chunks (correctly signed) gives a wrong digest for the "
         "second chunk (the 1-byte tail) of media/video.mp4 (1,048,577 "
         "bytes); the whole-entry digest in the manifest is right.")
def i_chunk_mismatch():
    data = big_files()[0][1]
    good = sha256hex(data[MIB:]).encode()
    bad = sha256hex(flip_byte(data[MIB:], 0)).encode()

    def fn(text):
        assert text.count(good) == 1
        return text.replace(good, bad)
    return base(add=big_files(), chunks_fn=fn).data


BIG_MANIFEST_PAD = "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]
                           for b in prng(b"sampan manifest pad", 1000))
BIG_MANIFEST_HEADERS = [("x-pad-%04d" % i, BIG_MANIFEST_PAD)
                        for i in range(1040)]


@valid("manifest-stored-large", "META-INF/MANIFEST is stored, not deflated, "
       "and larger than 1 MiB (1,040 unknown header lines '# x-pad-NNNN: "
       "<1,000 bytes>'), and META-INF/chunks has no block for it: the "
       "manifest is never listed in itself, so it is never chunked "
       "(bundle-v1.md §12.2, §13). Readers accept either method for any "
       "entry but mimetype. Not what a v1 writer writes, a reader acceptance "
       "test.")
def v_manifest_stored_large():
    built = reader_valid("manifest-stored-large", "Stored large manifest",
                         extra_headers=BIG_MANIFEST_HEADERS,
                         methods={MANIFEST: 0})
    e = find(built.entries, MANIFEST)
    assert e.method == 0 and e.size > CHUNK_SIZE
    return built


@invalid("chunks-invalid-manifest-block", "CHUNKS_INVALID", "bundle-v1.md "
         "§12.2: META-INF/MANIFEST is stored and larger than 1 MiB (as in "
         "valid/manifest-stored-large), and META-INF/chunks has a block for "
         "it, with the manifest's size and two chunk lines. Only entries "
         "listed in the manifest are chunked, and the manifest is not, so "
         "the block is for an entry that does not qualify (its digests are "
         "never compared: a chunk list cannot hold digests of the manifest "
         "that holds the chunk list's own digest).")
def i_chunks_manifest_block():
    def chunks(size):
        def fn(text):
            head, rest = text[:len(CHUNKS_HEADER)], text[len(CHUNKS_HEADER):]
            block = b"f %d META-INF/MANIFEST\n" % size
            for k in range(-(-size // CHUNK_SIZE)):
                block += b"c %s\n" % sha256hex(b"chunk %d" % k).encode()
            return head + block + rest
        return fn
    kw = dict(extra_headers=BIG_MANIFEST_HEADERS, methods={MANIFEST: 0})
    size = len(base(chunks_fn=chunks(CHUNK_SIZE + 1), **kw).manifest)
    built = base(chunks_fn=chunks(size), **kw)
    assert len(built.manifest) == size
    return built.data


# --- §14 order of checks where two rules apply --------------------------------

@invalid("order-manifest-before-signature", "CRC_MISMATCH", "bundle-v1.md "
         "§14.1 step 2: two rules are broken on purpose. The CRC-32 of "
         "META-INF/MANIFEST is wrong in both its headers (its bytes are "
         "right), and the deflate stream of META-INF/MANIFEST.minisig is "
         "replaced by 0xFF bytes of the same length (DEFLATE_INVALID). Step 2 "
         "reads the two entries in ZIP order, each with the content checks "
         "of §13: the manifest's CRC_MISMATCH comes first.")
def i_order_manifest_first():
    def crc(e):
        e.crc ^= 1

    def corrupt(e):
        assert e.method == 8
        e.payload = b"\xff" * e.csize

    def hook(entries):
        crc(find(entries, MANIFEST))
        corrupt(find(entries, MINISIG))
    return base(entries_fn=hook).data


@invalid("order-reads-before-signature-parse", "CRC_MISMATCH", "bundle-v1.md "
         "§14.1 step 2: two rules are broken on purpose. The CRC-32 of "
         "META-INF/MANIFEST is wrong in both its headers (its bytes are "
         "right), and META-INF/MANIFEST.minisig has only three lines "
         "(SIGNATURE_INVALID). Step 2 reads both entries, with the content "
         "checks of §13, before it parses the signature file: CRC_MISMATCH.")
def i_order_reads_first():
    def hook(e):
        e.crc ^= 1
    return base(entries_fn=entry_fn(MANIFEST, hook),
                sig_fn=sig_lines(lambda ls: b"\n".join(ls[:3]) + b"\n")).data


def bad_chunks_header(text):
    return text.replace(b"chunks: 1", b"chunks: 2")


@invalid("order-chunks-before-course", "CHUNKS_INVALID", "bundle-v1.md "
         "§14.1 step 4: two rules are broken on purpose. META-INF/chunks "
         "begins '# sampan-chunks: 2' and META-INF/course.json has no "
         "'licence' (COURSE_INVALID). Step 4 takes META-INF/chunks first "
         "(ZIP order: 'META-INF/ch' sorts before 'META-INF/co'): "
         "CHUNKS_INVALID.")
def i_order_chunks_course():
    return base(course=base_course(licence=None),
                chunks_fn=bad_chunks_header).data


@invalid("order-chunks-before-course-digest", "CHUNKS_INVALID",
         "bundle-v1.md §14.1 step 4: two rules are broken on purpose. "
         "META-INF/chunks begins '# sampan-chunks: 2', and "
         "META-INF/course.json was changed after signing (licence CC0-1.0; "
         "its CRC-32 and sizes match the new bytes, its manifest digest does "
         "not: DIGEST_MISMATCH). Step 4 checks each of the two entries "
         "completely, content then syntax, in ZIP order: META-INF/chunks, "
         "and its CHUNKS_INVALID, come first.")
def i_order_chunks_course_digest():
    def hook(e):
        e.set_data(course_json(base_course(licence="CC0-1.0")))
    return base(chunks_fn=bad_chunks_header,
                entries_fn=entry_fn(COURSE, hook)).data


# --- §13 content verification ----------------------------------------------

@invalid("digest-mismatch-stored", "DIGEST_MISMATCH", "bundle-v1.md §13: the "
         "stored entry media/logo.png was replaced after signing by a "
         "different PNG of the same kind; CRC-32 and sizes in both headers "
         "match the new bytes, only the manifest digest does not.")
def i_digest_stored():
    def hook(e):
        e.set_data(png_image(8, 9))
    return base(entries_fn=entry_fn("media/logo.png", hook)).data


@invalid("digest-mismatch-deflated", "DIGEST_MISMATCH",
         "bundle-v1.md §13: the deflated entry lessons/01-intro.html was "
         "changed after signing ('teacher' -> 'village'), recompressed, "
         "CRC-32 and sizes recomputed; only the manifest digest does not "
         "match.")
def i_digest_deflated():
    def hook(e):
        e.set_data(e.data.replace(b"teacher", b"village"))
        assert e.method == 8
    return base(entries_fn=entry_fn("lessons/01-intro.html", hook)).data


@invalid("digest-mismatch-course", "DIGEST_MISMATCH", "bundle-v1.md §14.1 "
         "step 4: META-INF/course.json was changed after signing (licence "
         "CC-BY-4.0 -> CC0-1.0; still a valid course), recompressed with "
         "CRC-32 and sizes recomputed; its manifest digest does not match.")
def i_digest_course():
    def hook(e):
        e.set_data(course_json(base_course(licence="CC0-1.0")))
    return base(entries_fn=entry_fn(COURSE, hook)).data


@invalid("size-mismatch-long", "SIZE_MISMATCH", "bundle-v1.md §13: the "
         "deflate stream of index.html inflates to 10 bytes more than the "
         "declared size; CRC-32 and manifest digest are those of the declared "
         "prefix, so only the extra output reveals the problem.")
def i_size_long():
    full = base_files()[0][1]
    prefix = full[:-10]

    def hook(e):
        e.payload = deflate(full)
        e.csize = len(e.payload)
    files = base_files()
    files[0] = ("index.html", prefix)
    built = build(files, base_course(), methods={"index.html": 8},
                  entries_fn=entry_fn("index.html", hook))
    return built.data


@invalid("size-mismatch-short", "SIZE_MISMATCH", "bundle-v1.md §13: "
         "index.html declares a size 10 bytes larger than its deflate stream "
         "produces (the stream ends early); CRC-32 and manifest digest are "
         "those of the real content.")
def i_size_short():
    def hook(e):
        e.size += 10
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("crc-mismatch", "CRC_MISMATCH", "bundle-v1.md §13: the content of "
         "the deflated index.html is right (manifest digest matches) but the "
         "CRC-32 field is wrong in both headers (one bit flipped).")
def i_crc():
    def hook(e):
        e.crc ^= 1
    return base(entries_fn=entry_fn("index.html", hook)).data


@invalid("crc-mismatch-stored", "CRC_MISMATCH", "bundle-v1.md §13: the "
         "content of the stored media/logo.png is right (manifest digest "
         "matches) but the CRC-32 field is wrong in both headers (one bit "
         "flipped).")
def i_crc_stored():
    def hook(e):
        e.crc ^= 1
    return base(entries_fn=entry_fn("media/logo.png", hook)).data


@invalid("deflate-invalid", "DEFLATE_INVALID", "bundle-v1.md §13: the data of "
         "the deflated index.html is replaced by 0xFF bytes (block type 3, "
         "invalid) of the same length; CRC-32 and sizes are declared as for "
         "the real content.")
def i_deflate_invalid():
    def hook(e):
        e.payload = b"\xff" * e.csize
    return base(entries_fn=entry_fn("index.html", hook)).data


def sync_deflate(data):
    """Raw deflate that ends with a sync flush: every byte of data is in the
    stream, which ends on a byte boundary without a final block."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)


DEFLATE_CASES = [
    ("junk-after-end", "is a complete deflate stream followed by 5 more "
     "bytes ('\\x00junk'), counted in the compressed size: the stream ends "
     "before the compressed bytes do",
     lambda e: e.payload + b"\x00junk"),
    ("no-final-block", "ends after a sync flush: every byte of the content "
     "comes out, but no block has the final bit set, so the stream never "
     "ends", lambda e: sync_deflate(e.data)),
    ("truncated", "is the first half of the deflate stream of the content: "
     "the compressed bytes run out in the middle of a block",
     lambda e: e.payload[:len(e.payload) // 2]),
]


def make_deflate_case(slug, what, payload):
    def fn():
        def hook(e):
            e.payload = payload(e)
            e.csize = len(e.payload)
        return base(entries_fn=entry_fn("index.html", hook)).data
    invalid("deflate-invalid-" + slug, "DEFLATE_INVALID",
            "bundle-v1.md §13: the compressed data of the deflated index.html "
            "%s. CRC-32, size and manifest digest are those of the real "
            "content." % what)(fn)


for _slug, _what, _payload in DEFLATE_CASES:
    make_deflate_case(_slug, _what, _payload)


@invalid("deflate-invalid-empty-stream", "DEFLATE_INVALID", "bundle-v1.md "
         "§13: media/empty.txt is deflated (method 8) with size 0 and "
         "compressed size 0: zero bytes are not a deflate stream (the "
         "shortest one, 03 00, is two bytes).")
def i_deflate_empty():
    def hook(e):
        e.payload = b""
        e.csize = 0
    return base(add=[("media/empty.txt", b"")], methods={"media/empty.txt": 8},
                entries_fn=entry_fn("media/empty.txt", hook)).data


@invalid("order-size-mismatch-before-deflate-invalid", "SIZE_MISMATCH",
         "bundle-v1.md §13: two rules are broken on purpose. The deflate "
         "stream of index.html produces 10 bytes more than its declared size "
         "(CRC-32 and digest are those of the declared prefix), then, where "
         "the next block begins, holds an invalid block type "
         "(DEFLATE_INVALID). Inflation is one pass, and the first event "
         "decides: the output passes the declared size before the invalid "
         "block is reached.")
def i_size_before_deflate():
    full = base_files()[0][1]

    def hook(e):
        e.payload = sync_deflate(full) + b"\xff\xff\xff"
        e.csize = len(e.payload)
    files = base_files()
    files[0] = ("index.html", full[:-10])
    return build(files, base_course(), methods={"index.html": 8},
                 entries_fn=entry_fn("index.html", hook)).data


def stored_block(data, final=False):
    """A deflate stored block with the 5 bits after its 3-bit header set to
    1: RFC 1951 says they are ignored."""
    assert len(data) < 65536
    return (bytes([0xF8 | int(final)]) + struct.pack("<HH", len(data),
                                                      len(data) ^ 0xFFFF)
            + data)


@valid("deflate-reader-latitude", "Deflate streams a v1 writer does not "
       "write, which readers must accept (bundle-v1.md §13): "
       "data/blocks.txt is a stored block (with its 5 ignored header bits "
       "set), then the blocks zlib makes of the rest of the text, ending in "
       "a sync flush, then a final empty fixed block whose padding bits, "
       "after its end code, are set (bytes 03 FC); it also has general purpose flag bit 2 (0x0004) "
       "set beside bit 1. data/empty.txt is a deflated entry of size 0 (the "
       "stream 03 00). data/flagged.bin is stored with flag bit 1 set. "
       "Readers ignore bits 1 and 2, and the bits after the end of the "
       "final block. Not what a v1 writer writes, a reader acceptance test.")
def v_deflate_latitude():
    first = b"".join(b"Line %d of the first part, in a stored block.\n" % i
                     for i in range(20))
    second = b"".join(b"Line %d of the second part, compressed.\n" % i
                      for i in range(60))
    text = first + second

    def hook(entries):
        blocks = find(entries, "data/blocks.txt")
        blocks.payload = stored_block(first) + sync_deflate(second) + b"\x03\xfc"
        blocks.csize = len(blocks.payload)
        blocks.flags |= 0x0004
        assert zlib.decompress(blocks.payload, -15) == text
        assert find(entries, "data/empty.txt").payload == b"\x03\x00"
        find(entries, "data/flagged.bin").flags |= 0x0002
    return reader_valid("deflate-reader-latitude", "Deflate latitude",
                        add=[("data/blocks.txt", text), ("data/empty.txt", b""),
                             ("data/flagged.bin", b"stored, with flag bit 1\n")],
                        methods={"data/blocks.txt": 8, "data/empty.txt": 8},
                        entries_fn=hook)


# ---------------------------------------------------------------------------
# A ZIP64 bundle (generate.py --zip64 OUTFILE), written as a sparse file
# ---------------------------------------------------------------------------

U32_SENTINEL = 0xFFFFFFFF
U16_SENTINEL = 0xFFFF
ZIP64_VERSION_NEEDED = 45

ZIP64_ID = "org.example.zip64"
ZIP64_COURSE_VERSION = "1.0"
ZIP64_TITLE = "ZIP64 test course"
ZIP64_BIG = b"media/big.mp4"
ZIP64_BIG_SIZE = 4096 * MIB + MIB + 123        # 4 GiB + 1 MiB + 123 bytes
ZIP64_SMALL = b"media/small.txt"
ZIP64_SMALL_DATA = b"This entry starts more than 4 GiB into the bundle.\n"


def zero_digests(size):
    """CRC-32, SHA-256 (hex) and the SHA-256 (hex) of each 1 MiB chunk of
    size zero bytes, without holding them: the digest of a full zero chunk
    once, the shorter last chunk separately, and the whole digest and CRC-32
    by streaming one 1 MiB zero buffer."""
    block = bytes(CHUNK_SIZE)
    full, tail = divmod(size, CHUNK_SIZE)
    whole = hashlib.sha256()
    crc = 0
    for _ in range(full):
        whole.update(block)
        crc = zlib.crc32(block, crc)
    chunks = [sha256hex(block)] * full
    if tail:
        last = bytes(tail)
        whole.update(last)
        crc = zlib.crc32(last, crc)
        chunks.append(sha256hex(last))
    return crc, whole.hexdigest(), chunks


def zero_entry(name, size):
    """A stored entry of size zero bytes that is never held in memory: its
    payload is None and write_zip_sparse seeks over it, leaving a hole."""
    entry = Entry(name, b"", 0)
    entry.data = entry.payload = None
    entry.size = entry.csize = size
    entry.crc, entry.digest_hex, entry.chunk_hexes = zero_digests(size)
    return entry


def set_zip64(entry, offset):
    """Give entry, whose local header starts at offset, the ZIP64 fields
    that libzip 1.7 writes (bundle-v1.md §3.5, §3.5.3, §3.6), from its real
    sizes:

    - local header: if the size or compressed size reaches 0xFFFFFFFF, both
      fields hold the sentinel and a 20-byte ZIP64 field holds both values
      (size first), version needed 45; otherwise no ZIP64 field and the
      usual version needed (10 stored, 20 deflated);
    - central header: each of size, compressed size and local header offset
      that reaches 0xFFFFFFFF holds the sentinel, and one ZIP64 field holds
      exactly those values in that order (data size 8k); version needed 45
      when there is such a field.

    So a small entry far into the file gets version needed 45 and a ZIP64
    field holding its offset in the central header only.  Call once: the
    size fields are replaced by what the headers hold."""
    size, csize = entry.size, entry.csize
    wide = [value for value in (size, csize, offset) if value >= U32_SENTINEL]
    if size >= U32_SENTINEL or csize >= U32_SENTINEL:
        entry.local.update(size=U32_SENTINEL, csize=U32_SENTINEL,
                           vneed=ZIP64_VERSION_NEEDED)
        entry.lextra = struct.pack("<HHQQ", 0x0001, 16, size, csize)
    else:
        entry.local["vneed"] = entry.vneed
    if wide:
        entry.vneed = ZIP64_VERSION_NEEDED
        entry.cextra = (struct.pack("<HH", 0x0001, 8 * len(wide))
                        + b"".join(struct.pack("<Q", v) for v in wide))
        entry.size = min(size, U32_SENTINEL)
        entry.csize = min(csize, U32_SENTINEL)
        if offset >= U32_SENTINEL:
            entry.offset = U32_SENTINEL


def write_zip_sparse(path, entries):
    """write_zip for entries that may be zero_entry()s, streamed to path: the
    data of a zero entry is skipped with seek(), so the file is sparse. ZIP64
    fields where a size or offset does not fit 32 bits (set_zip64), and the
    ZIP64 end records only when an EOCD field holds its sentinel (§3.4)."""
    offsets = []
    with open(path, "wb") as f:
        for entry in entries:
            offset = f.tell()
            offsets.append(offset)
            real_size = entry.csize
            set_zip64(entry, offset)
            f.write(entry.local_header())
            if entry.payload is None:
                f.seek(real_size, os.SEEK_CUR)
            else:
                f.write(entry.payload)
        cd_offset = f.tell()
        for entry, offset in zip(entries, offsets):
            f.write(entry.central_header(
                entry.offset if entry.offset is not None else offset))
        cd_size = f.tell() - cd_offset
        count = len(entries)
        fields = dict(disk=0, cd_disk=0, n_disk=min(count, U16_SENTINEL),
                      n_total=min(count, U16_SENTINEL),
                      cd_size=min(cd_size, U32_SENTINEL),
                      cd_offset=min(cd_offset, U32_SENTINEL), comment_len=0)
        if (count >= U16_SENTINEL or cd_size >= U32_SENTINEL
                or cd_offset >= U32_SENTINEL):
            f.write(zip64_end_records(f.tell(), count, cd_size, cd_offset))
        f.write(eocd_record(fields))
    return offsets


def zip64_bundle(path):
    """A valid bundle over 4 GiB, of the shape libzip 1.7 writes for a course
    with more than 4 GiB of video, as a sparse file (about 280 KB on disk):
    media/big.mp4 is 4 GiB + 1 MiB + 123 zero bytes, stored (ZIP64 sizes in
    both headers), and media/small.txt follows it, so its local header
    offset needs ZIP64 (central header only); the central directory starts
    past 4 GiB, so the EOCD's offset field holds the sentinel and the ZIP64
    end records precede it.  Signed with test.key.  About 3 s: the zeros
    are hashed once (SHA-256 and CRC-32)."""
    lesson_page = "lessons/01-intro.html"
    course = simple_course(ZIP64_ID, ZIP64_COURSE_VERSION, ZIP64_TITLE,
                           [{"id": "01-intro", "title": {"en": "Introduction"},
                             "page": lesson_page}])
    big = zero_entry(ZIP64_BIG, ZIP64_BIG_SIZE)
    content = [
        make_entry(COURSE, course_json(course)),
        make_entry(b"index.html", index_html(ZIP64_TITLE, [
            (lesson_page, "Introduction")])),
        make_entry(nb(lesson_page), INTRO_HTML),
        big,
        make_entry(ZIP64_SMALL, ZIP64_SMALL_DATA),
    ]
    assert big.method == 0 and content[-1].method == 0

    ctext = bytearray(CHUNKS_HEADER)
    for entry in sorted(content, key=lambda e: canonical_key(e.name)):
        if entry.method == 0 and entry.size > CHUNK_SIZE:
            assert entry is big
            ctext += b"f %d %s\n" % (entry.size, entry.name)
            ctext += b"".join(b"c %s\n" % h.encode() for h in big.chunk_hexes)
    assert len(big.chunk_hexes) == -(-ZIP64_BIG_SIZE // CHUNK_SIZE)
    content.append(make_entry(CHUNKS, bytes(ctext)))
    content.sort(key=lambda e: canonical_key(e.name))

    lines = [(e.digest_hex.encode() + b"  " + e.name + b"\n")
             if e.data is None else manifest_line(e.name, e.data)
             for e in content]
    manifest = (b"".join(header_line(k, v) for k, v in (
        ("sampan-bundle", "1"), ("id", ZIP64_ID),
        ("version", ZIP64_COURSE_VERSION), ("title", ZIP64_TITLE)))
        + b"".join(lines))
    signature = minisig(manifest, TEST,
                        trusted_comment(ZIP64_ID, ZIP64_COURSE_VERSION))
    entries = [make_entry(MIMETYPE, MEDIA_TYPE, 0),
               make_entry(MANIFEST, manifest),
               make_entry(MINISIG, signature)] + content

    offsets = write_zip_sparse(path, entries)
    small = entries.index(find(entries, ZIP64_SMALL))
    assert offsets[small] > U32_SENTINEL
    assert big.local["vneed"] == big.vneed == ZIP64_VERSION_NEEDED
    assert entries[small].vneed == ZIP64_VERSION_NEEDED
    assert entries[small].local["vneed"] == 10


# ---------------------------------------------------------------------------
# Bundles stored in parts (bundle-v1.md §20)
# ---------------------------------------------------------------------------

PART_SIZE = 500000
PARTS_VALID = []
PARTS_INVALID = []


def parts_valid(name, text):
    def register(fn):
        PARTS_VALID.append((name, text, fn))
        return fn
    return register


def parts_invalid(name, rule, text):
    def register(fn):
        PARTS_INVALID.append((name, rule, text, fn))
        return fn
    return register


def split_parts(data, size):
    """The parts a writer writes (§20.1): every one but the last of size bytes."""
    return [data[i:i + size] for i in range(0, len(data), size)]


def parts_course(video_label=PUMP_LABEL):
    """A course whose video (1.2 MiB, two chunks) crosses the first two seams."""
    course = simple_course("org.example.parts", "1.0", "A course in parts",
                           [{"id": "01-pump", "title": {"en": "The hand pump"},
                             "page": "lessons/01-pump.html",
                             "source": "lessons/01-pump.md"}])
    files = [
        ("index.html", index_html("A course in parts",
                                  [("lessons/01-pump.html", "The hand pump")])),
        ("lessons/01-pump.html", html_page("en", "The hand pump", (
            '<video controls src="../media/pump.mp4"></video>\n'))),
        ("lessons/01-pump.md", b"# The hand pump\n\nWatch the pump.\n"),
        ("media/pump.mp4", prng(video_label, MIB + MIB // 5)),
    ]
    return build(files, course)


def parts_of_course():
    parts = split_parts(parts_course().data, PART_SIZE)
    assert len(parts) == 3 and len(parts[2]) < PART_SIZE
    return parts


@parts_valid("three-parts", "A bundle of 1,260,000-odd bytes stored as "
             "course.sampan.001 to .003 with a part size of 500,000 bytes "
             "(section 20.1): the video media/pump.mp4 (two chunks) crosses "
             "both seams, the central directory is in the last part. Joined "
             "with cat, the parts are a valid bundle.")
def pv_three():
    return parts_of_course()


@parts_valid("one-part", "The bundle of valid/minimal.sampan stored as one "
             "part, course.sampan.001 (section 20.2: n = 1). A writer does not "
             "split a bundle smaller than its part size (section 20.1): a "
             "reader acceptance test.")
def pv_one():
    return [v_minimal().data]


@parts_invalid("missing-middle", "PART_MISSING", "bundle-v1.md §20.2 check 1: "
               "the parts .001 and .003 of three-parts are there, .002 is not. "
               "The reader names course.sampan.002.")
def pi_missing_middle():
    parts = parts_of_course()
    return {1: parts[0], 3: parts[2]}


@parts_invalid("missing-last", "PART_MISSING", "bundle-v1.md §20.2 check 4: "
               "the parts .001 and .002 of three-parts, both of the part size, "
               "and no end of central directory record at the end of .002: the "
               "bundle goes on in a part that is not there. The reader names "
               "course.sampan.003.")
def pi_missing_last():
    parts = parts_of_course()
    return {1: parts[0], 2: parts[1]}


@parts_invalid("extra-part", "PART_EXTRA", "bundle-v1.md §20.2 check 2: the "
               "three parts of three-parts, and a course.sampan.004 of 1,000 "
               "bytes left by another bundle: the end of central directory "
               "record ends part .003. Joined, the bytes would be "
               "TRAILING_BYTES; the reader names the extra part .004.")
def pi_extra():
    parts = parts_of_course()
    return {1: parts[0], 2: parts[1], 3: parts[2],
            4: prng(b"sampan test stray part", 1000)}


@parts_invalid("part-size", "PART_SIZE", "bundle-v1.md §20.2 check 3: part "
               ".002 of three-parts lost its last byte (a copy cut short), so "
               "it is shorter than part .001 although it is not the last.")
def pi_size():
    parts = parts_of_course()
    return {1: parts[0], 2: parts[1][:-1], 3: parts[2]}


@parts_invalid("part-from-another-bundle", "PART_MISMATCH", "bundle-v1.md "
               "§20.2 check 5: part .002 comes from another bundle of the same "
               "layout (the same course with other video bytes, split at the "
               "same size). The container, the signature and the metadata are "
               "in parts .001 and .003 and pass; the first chunk of "
               "media/pump.mp4, which holds the bytes on both sides of seam 1, "
               "does not match META-INF/chunks.")
def pi_foreign():
    parts = parts_of_course()
    other = split_parts(parts_course(b"sampan test media other pump").data,
                        PART_SIZE)
    assert len(other[1]) == len(parts[1])
    return {1: parts[0], 2: other[1], 3: parts[2]}


# ---------------------------------------------------------------------------
# Update files (bundle-v1.md §21)
# ---------------------------------------------------------------------------

UPDATE_MEDIA_TYPE = b"application/vnd.sampan.update+zip"
UPDATE_LIST = b"META-INF/update"
TARGET_MANIFEST = b"target/META-INF/MANIFEST"
TARGET_MINISIG = b"target/META-INF/MANIFEST.minisig"
UPDATE_ID = "org.example.update"
VIDEO_SIZE = MIB + MIB // 5
VIDEO_LABEL = b"sampan test media update video"

UPDATE_VALID = []
UPDATE_INVALID = []


def update_valid(name, text):
    def register(fn):
        UPDATE_VALID.append((name, text, fn))
        return fn
    return register


def update_invalid(name, rule, text):
    def register(fn):
        UPDATE_INVALID.append((name, rule, text, fn))
        return fn
    return register


def rs_delta(ops):
    """A librsync delta (§21.5) from ("copy", offset, length) and ("lit", bytes)
    commands, with the shortest parameter widths, as rdiff writes them."""
    def width(n):
        for i, w in enumerate((1, 2, 4, 8)):
            if n < 1 << (8 * w):
                return i, w
        raise ValueError(n)
    out = bytearray(b"\x72\x73\x02\x36")
    for op in ops:
        if op[0] == "lit":
            data = op[1]
            if len(data) <= 64:
                out += bytes((len(data),))
            else:
                i, w = width(len(data))
                out += bytes((0x41 + i,)) + len(data).to_bytes(w, "big")
            out += data
        else:
            _, off, length = op
            i, wi = width(off)
            j, wj = width(length)
            out += (bytes((0x45 + 4 * i + j,)) + off.to_bytes(wi, "big")
                    + length.to_bytes(wj, "big"))
    out += b"\x00"
    return bytes(out)


def update_course(version, *, intro=INTRO_MD, extra=(), drop=(), video=None,
                  title="Updating a course", cid=UPDATE_ID):
    course = simple_course(cid, version, title,
                           [intro_lesson(),
                            {"id": "02-video", "title": {"en": "The video"},
                             "page": "lessons/02-video.html",
                             "source": "lessons/02-video.md"}])
    files = [
        ("index.html", index_html(title,
                                  [("lessons/01-intro.html", "1. Introduction"),
                                   ("lessons/02-video.html", "2. The video")])),
        ("lessons/01-intro.html", html_page("en", "Introduction",
                                            "<pre>%s</pre>\n" % intro.decode())),
        ("lessons/01-intro.md", intro),
        ("lessons/02-video.html", html_page("en", "The video", (
            '<video controls src="../media/pump.mp4"></video>\n'))),
        ("lessons/02-video.md", b"# The video\n\nWatch the pump.\n"),
        ("media/pump.en.vtt", VTT_EN),
        ("media/pump.mp4", video if video is not None
         else prng(VIDEO_LABEL, VIDEO_SIZE)),
    ] + list(extra)
    files = [(n, d) for n, d in files if n not in drop]
    files.sort(key=lambda f: canonical_key(nb(f[0])))
    return build(files, course)


def base_bundle():
    return update_course("1.0")


CHANGED_INTRO = INTRO_MD.replace(b"report any leak", b"report every leak")


def text_target():
    return update_course("1.1", intro=CHANGED_INTRO, drop=("media/pump.en.vtt",),
                         extra=[("media/diagram.png", png_image(12, 12))])


VIDEO_PATCH_AT = 700000


def video_target():
    video = bytearray(prng(VIDEO_LABEL, VIDEO_SIZE))
    video[VIDEO_PATCH_AT:VIDEO_PATCH_AT + 4096] = prng(b"sampan test new scene",
                                                       4096)
    return update_course("1.2", video=bytes(video))


def record_spans(built):
    """(name, start, end, header_end) of each local record, and the tail."""
    spans = []
    offset = 0
    for entry in built.entries:
        header = len(entry.local_header())
        end = offset + header + len(entry.payload)
        spans.append((entry.name, offset, end, offset + header))
        offset = end
    return spans, offset


def update_steps(base, target, deltas):
    """The steps of §21.4 note: copy unchanged records, carry the others, and
    patch the entries in deltas (name -> function(base data) -> delta ops)."""
    bspans, _ = record_spans(base)
    bmap = {name: (start, end, hend) for name, start, end, hend in bspans}
    tspans, tail = record_spans(target)
    raw = []
    for name, start, end, hend in tspans:
        record = target.data[start:end]
        if name in bmap:
            bs, be, bh = bmap[name]
            if base.data[bs:be] == record:
                raw.append(("copy", bs, be - bs))
                continue
            if name in deltas:
                raw.append(("data", target.data[start:hend]))
                basis = base.data[bh:be]
                raw.append(("patch", bh, be - bh, end - hend,
                            rs_delta(deltas[name](basis))))
                continue
        raw.append(("data", record))
    raw.append(("data", target.data[tail:]))
    steps = []
    for step in raw:
        last = steps[-1] if steps else None
        if (step[0] == "copy" and last and last[0] == "copy"
                and last[1] + last[2] == step[1]):
            steps[-1] = ("copy", last[1], last[2] + step[2])
        elif step[0] == "data" and last and last[0] == "data":
            steps[-1] = ("data", last[1] + step[1])
        else:
            steps.append(step)
    return steps


class BuiltUpdate:
    def __init__(self, data, steps, entries):
        self.data = data
        self.steps = steps
        self.entries = entries


def make_update(base, target, *, deltas=None, key=TEST, cid=UPDATE_ID,
                frm="1.0", to=None, from_manifest=None, from_size=None,
                list_fn=None, steps_fn=None, payload_fn=None, tc=None,
                target_sig=None):
    """An update file as a writer writes it (§21), with hooks for the
    invalid vectors."""
    to = to if to is not None else target_version(target)
    steps = update_steps(base, target, deltas or {})
    if steps_fn is not None:
        steps = steps_fn(steps)
    lines = [b"# sampan-update-list: 1\n",
             b"# size: %d\n" % len(target.data),
             b"# sha256: %s\n" % sha256hex(target.data).encode()]
    payload = []
    for number, step in enumerate(steps, 1):
        if step[0] == "copy":
            lines.append(b"copy %d %d\n" % (step[1], step[2]))
        elif step[0] == "data":
            name = b"data/%06d" % number
            lines.append(b"data " + name + b"\n")
            payload.append((name, step[1]))
        else:
            name = b"delta/%06d" % number
            lines.append(b"patch %d %d %d " % step[1:4] + name + b"\n")
            payload.append((name, step[4]))
    step_list = b"".join(lines)
    if list_fn is not None:
        step_list = list_fn(step_list)
    items = [(UPDATE_LIST, step_list)] + payload + [
        (TARGET_MANIFEST, target.manifest),
        (TARGET_MINISIG, target_sig if target_sig is not None
         else target.signature)]
    items.sort(key=lambda item: canonical_key(item[0]))
    headers = [("sampan-update", "1"), ("id", cid), ("from", frm),
               ("from-manifest", from_manifest or sha256hex(base.manifest)),
               ("from-size", str(from_size if from_size is not None
                                 else len(base.data))),
               ("to", to), ("title", "Updating a course")]
    manifest = (b"".join(header_line(k, v) for k, v in headers)
                + b"".join(manifest_line(n, d) for n, d in items))
    if tc is None:
        tc = "sampan-update:1\tid:%s\tfrom:%s\tto:%s" % (cid, frm, to)
    signature = minisig(manifest, key, tc)
    if payload_fn is not None:
        items = payload_fn(items)
    entries = [Entry(MIMETYPE, UPDATE_MEDIA_TYPE, 0),
               make_entry(MANIFEST, manifest), make_entry(MINISIG, signature)]
    for name, data in items:
        entries.append(make_entry(name, data) if name == UPDATE_LIST
                       else Entry(name, data, 0))
    return BuiltUpdate(write_zip(entries), steps, entries)


def target_version(built):
    for line in built.manifest.split(b"\n"):
        if line.startswith(b"# version: "):
            return line[len(b"# version: "):].decode()
    raise ValueError("no version")


def apply_update(base, update_steps_list, target):
    """The generator's own check of §21.6 step 4: the steps give the target."""
    out = bytearray()
    for step in update_steps_list:
        if step[0] == "copy":
            out += base.data[step[1]:step[1] + step[2]]
        elif step[0] == "data":
            out += step[1]
        else:
            basis = base.data[step[1]:step[1] + step[2]]
            out += rs_apply(basis, step[4])
    assert bytes(out) == target.data
    return bytes(out)


def rs_apply(basis, delta):
    """Apply a librsync delta (§21.5); only for checking this generator."""
    assert delta[:4] == b"\x72\x73\x02\x36"
    pos, out = 4, bytearray()
    while True:
        op = delta[pos]
        pos += 1
        if op == 0:
            assert pos == len(delta)
            return bytes(out)
        if op <= 0x40:
            out += delta[pos:pos + op]
            pos += op
        elif op <= 0x44:
            w = 1 << (op - 0x41)
            n = int.from_bytes(delta[pos:pos + w], "big")
            pos += w
            out += delta[pos:pos + n]
            pos += n
        else:
            i, j = divmod(op - 0x45, 4)
            wi, wj = 1 << i, 1 << j
            off = int.from_bytes(delta[pos:pos + wi], "big")
            n = int.from_bytes(delta[pos + wi:pos + wi + wj], "big")
            pos += wi + wj
            assert off + n <= len(basis)
            out += basis[off:off + n]


def video_delta_ops(basis):
    new = prng(b"sampan test new scene", 4096)
    return [("copy", 0, VIDEO_PATCH_AT), ("lit", new),
            ("copy", VIDEO_PATCH_AT + 4096,
             len(basis) - VIDEO_PATCH_AT - 4096)]


def text_update(**kw):
    return make_update(base_bundle(), text_target(), **kw)


def video_update(**kw):
    kw.setdefault("deltas", {b"media/pump.mp4": video_delta_ops})
    return make_update(base_bundle(), video_target(), **kw)


@update_valid("text-change", "From version 1.0 (library/course-1.0.sampan) "
              "to 1.1: the text of lesson 01-intro changed (its HTML and "
              "Markdown), media/pump.en.vtt removed, media/diagram.png added. "
              "Every record the two versions share (the video among them) is a "
              "copy step; the changed records, the new manifest, signature "
              "and course.json, and the new central directory travel whole in "
              "data steps. Applied, it gives text-change.sampan byte for byte.")
def uv_text():
    base, target = base_bundle(), text_target()
    update = make_update(base, target)
    apply_update(base, update.steps, target)
    assert len(update.data) < len(target.data) // 20
    return update, target


@update_valid("video-delta", "From version 1.0 to 1.2: 4,096 bytes in the "
              "middle of media/pump.mp4 changed (a new scene of the same "
              "length). Its local header travels in a data step and its data "
              "as a patch step whose delta (delta/NNNNNN) copies the rest from "
              "the base's video. Applied, it gives video-delta.sampan byte for "
              "byte.")
def uv_video():
    base, target = base_bundle(), video_target()
    update = video_update()
    apply_update(base, update.steps, target)
    assert any(s[0] == "patch" for s in update.steps)
    return update, target


@update_invalid("wrong-base", "BASE_MISMATCH", "bundle-v1.md §21.6 step 3: "
                "an update made from another build of version 1.0 (with "
                "another course title), so its from-manifest is not the "
                "digest of the manifest of library/course-1.0.sampan, the only "
                "bundle of the course the reader has.")
def ui_wrong_base():
    other = update_course("1.0", title="Updating a course (draft)")
    return make_update(other, text_target())


@update_invalid("missing-base", "BASE_MISSING", "bundle-v1.md §21.6 step 3: "
                "an update of the course org.example.elsewhere, of which the "
                "reader has no bundle.")
def ui_missing_base():
    cid = "org.example.elsewhere"
    return make_update(update_course("1.0", cid=cid),
                       update_course("1.1", intro=CHANGED_INTRO, cid=cid), cid=cid)


@update_invalid("base-size", "BASE_MISMATCH", "bundle-v1.md §21.6 step 3: the "
                "from-manifest is the base's, but from-size is one byte more "
                "than the size of library/course-1.0.sampan.")
def ui_base_size():
    return text_update(from_size=len(base_bundle().data) + 1)


@update_invalid("tampered-delta", "DIGEST_MISMATCH", "bundle-v1.md §21.6 step "
                "4 and §13: one byte of the literal run in the delta of "
                "video-delta was changed after signing, so the delta entry no "
                "longer matches its digest in the update manifest.")
def ui_tampered_delta():
    def tamper(items):
        out = []
        for name, data in items:
            if name.startswith(b"delta/"):
                data = flip_byte(data, 4 + 3 + 100)
            out.append((name, data))
        return out
    return video_update(payload_fn=tamper)


@update_invalid("delta-invalid", "DELTA_INVALID", "bundle-v1.md §21.5: a "
                "signed delta whose last copy command runs 1 byte past the end "
                "of its basis (the video's data in the base).")
def ui_delta_invalid():
    def ops(basis):
        return [("copy", 0, VIDEO_PATCH_AT),
                ("lit", prng(b"sampan test new scene", 4096)),
                ("copy", VIDEO_PATCH_AT + 4096 + 1,
                 len(basis) - VIDEO_PATCH_AT - 4096)]
    return video_update(deltas={b"media/pump.mp4": ops})


@update_invalid("signed-by-other-key", "UPDATE_SIGNER", "bundle-v1.md §21.6 "
                "step 3: the update and its target are signed with other.key, "
                "which the reader trusts, but the base was signed with "
                "test.key: another publisher cannot update the course in "
                "place.")
def ui_other_key():
    target = update_course("1.1", intro=CHANGED_INTRO)
    target = build_with_key(target, OTHER)
    return make_update(base_bundle(), target, key=OTHER)


def build_with_key(built, key):
    """The same course as built, signed with key (rebuilt from its entries)."""
    files = [(e.name, e.data) for e in built.entries
             if e.name not in (MIMETYPE, MANIFEST, MINISIG, CHUNKS, COURSE)]
    course = json.loads(find(built.entries, COURSE).data)
    return build(files, course, key=key)


@update_invalid("target-signed-by-other-key", "UPDATE_SIGNER", "bundle-v1.md "
                "§21.6 step 2: the update is signed with test.key, as the base, "
                "but the target it leads to (target/META-INF/MANIFEST.minisig) "
                "is signed with other.key.")
def ui_target_other_key():
    target = build_with_key(update_course("1.1", intro=CHANGED_INTRO), OTHER)
    return make_update(base_bundle(), target)


@update_invalid("downgrade", "UPDATE_DOWNGRADE", "bundle-v1.md §21.2: an "
                "update from version 1.1 to 1.0 of the course, correctly "
                "signed: an update only goes up.")
def ui_downgrade():
    return make_update(text_target(), base_bundle(), frm="1.1")


@update_invalid("result-mismatch", "RESULT_MISMATCH", "bundle-v1.md §21.6 step "
                "5: a signed step list whose copy of the video starts one byte "
                "late and whose last data step is one byte longer, so the "
                "sizes add up but the bytes produced are not the target named "
                "by # sha256.")
def ui_result_mismatch():
    def shift(steps):
        out = []
        for step in steps:
            if step[0] == "copy" and step[2] > MIB:
                step = ("copy", step[1] + 1, step[2] - 1)
            out.append(step)
        last = out[-1]
        out[-1] = ("data", last[1] + b"\0")
        return out
    return text_update(steps_fn=shift)


@update_invalid("copy-outside-base", "UPDATE_INVALID", "bundle-v1.md §21.4: "
                "a signed step list whose last copy step ends one byte past "
                "from-size, the end of the base.")
def ui_copy_outside():
    size = len(base_bundle().data)

    def shift(steps):
        out = list(steps)
        for i in range(len(out) - 1, -1, -1):
            if out[i][0] == "copy":
                out[i] = ("copy", size - out[i][2] + 1, out[i][2])
                break
        return out
    return text_update(steps_fn=shift)


@invalid("update-file", "MIMETYPE_INVALID", "bundle-v1.md §5.2 and §21: the "
         "update file update/valid/text-change.sampan-update given to a bundle "
         "reader: its mimetype entry holds application/vnd.sampan.update+zip.")
def i_update_file():
    return uv_text()[0].data


def write_parts_and_updates(outdir):
    parts_dir = os.path.join(outdir, "parts")
    update_dir = os.path.join(outdir, "update")
    for sub in ("valid", "invalid"):
        for top in (parts_dir, update_dir):
            folder = os.path.join(top, sub)
            if os.path.isdir(folder):
                for name in sorted(os.listdir(folder)):
                    path = os.path.join(folder, name)
                    if os.path.isdir(path):
                        for part in sorted(os.listdir(path)):
                            os.remove(os.path.join(path, part))
                        os.rmdir(path)
                    else:
                        os.remove(path)
            os.makedirs(folder, exist_ok=True)
    library = os.path.join(update_dir, "library")
    os.makedirs(library, exist_ok=True)
    for name in sorted(os.listdir(library)):
        os.remove(os.path.join(library, name))

    for sub, table in (("valid", [(n, "VALID", t, f) for n, t, f in PARTS_VALID]),
                       ("invalid", PARTS_INVALID)):
        for name, rule, text, fn in table:
            parts = fn()
            if isinstance(parts, list):
                parts = {i: p for i, p in enumerate(parts, 1)}
            folder = os.path.join(parts_dir, sub, name)
            os.makedirs(folder)
            for number, data in parts.items():
                write(os.path.join(folder, "course.sampan.%03d" % number), data)
            write(os.path.join(parts_dir, sub, name + ".txt"),
                  (rule + "\n\n" + wrap(text) + "\n").encode("utf-8"))

    write(os.path.join(library, "course-1.0.sampan"), base_bundle().data)
    for name, text, fn in UPDATE_VALID:
        update, target = fn()
        write(os.path.join(update_dir, "valid", name + ".sampan-update"),
              update.data)
        write(os.path.join(update_dir, "valid", name + ".sampan"), target.data)
        write(os.path.join(update_dir, "valid", name + ".txt"),
              ("VALID\n\n" + wrap(text) + "\n").encode("utf-8"))
    for name, rule, text, fn in UPDATE_INVALID:
        write(os.path.join(update_dir, "invalid", name + ".sampan-update"),
              fn().data)
        write(os.path.join(update_dir, "invalid", name + ".txt"),
              (rule + "\n\n" + wrap(text) + "\n").encode("utf-8"))
    print("%d valid and %d invalid part vectors, %d valid and %d invalid "
          "update vectors written" % (len(PARTS_VALID), len(PARTS_INVALID),
                                      len(UPDATE_VALID), len(UPDATE_INVALID)))


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def wrap(text):
    return "\n".join(textwrap.wrap(text, width=76, break_long_words=False,
                                   break_on_hyphens=False))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main(argv):
    if len(argv) > 1 and argv[1] == "--zip64":
        if len(argv) != 3:
            sys.exit("usage: generate.py --zip64 OUTFILE")
        zip64_bundle(argv[2])
        print("ZIP64 bundle written: %d bytes" % os.path.getsize(argv[2]))
        return
    outdir = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    valid_dir = os.path.join(outdir, "valid")
    invalid_dir = os.path.join(outdir, "invalid")
    for folder in (valid_dir, invalid_dir):
        os.makedirs(folder, exist_ok=True)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".sampan") or name.endswith(".txt"):
                os.remove(os.path.join(folder, name))

    for key, stem in ((TEST, "test"), (OTHER, "other")):
        write(os.path.join(outdir, stem + ".pub"), key.pub_file())
        write(os.path.join(outdir, stem + ".key"), key.key_file())

    names = set()
    for name, text, fn in VALID:
        assert name not in names
        names.add(name)
        write(os.path.join(valid_dir, name + ".sampan"), fn().data)
        write(os.path.join(valid_dir, name + ".txt"),
              ("VALID\n\n" + wrap(text) + "\n").encode("utf-8"))
    names = set()
    for name, rule, text, fn in INVALID:
        assert name not in names, name
        names.add(name)
        data = fn()
        if isinstance(data, Built):
            data = data.data
        write(os.path.join(invalid_dir, name + ".sampan"), data)
        write(os.path.join(invalid_dir, name + ".txt"),
              (rule + "\n\n" + wrap(text) + "\n").encode("utf-8"))
    print("%d valid and %d invalid vectors written" % (len(VALID), len(INVALID)))
    write_parts_and_updates(outdir)


if __name__ == "__main__":
    main(sys.argv)
