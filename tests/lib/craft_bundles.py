#!/usr/bin/python3
"""Crafted hostile bundles that the conformance vectors do not hold.

Usage: craft_bundles.py OUTDIR A1.sampan A2.sampan B.sampan

A1, A2 and B are valid bundles, all signed by the same trusted key: A1 is
course A at one version, A2 the same course (the same entry names) at a
higher version, B another course whose manifest lists at least one entry
that A1 lacks, in canonical order before A1's last entry.  Writes into
OUTDIR, for each case, NAME.sampan and NAME.txt; the first line of the .txt
is the rule a reader must report (format-spec/bundle-v1.md §14.3), then a
blank line and what was done, as format-spec/vectors/README.md describes.
Prints one line per bundle: NAME, the number of entries Python's zipfile
finds in it, and the expected rule.

The cases:
  entries-100000-zip64    100,000 real entries; the end records give the
                          count as ZIP64 (the EOCD holds the sentinel),
                          as a writer must: TOO_MANY_ENTRIES
  entries-100000-wrapped  the same entries; the EOCD holds the count modulo
                          65,536 (34,464) with no ZIP64 records, as a naive
                          writer would: the central directory holds more
                          headers than counted, GAP
  entries-65000           65,000 entries, the limit: all the container passes
                          run over them, then META-INF/MANIFEST is found
                          missing, MANIFEST_MISSING
  manifest-of-other-course    A1's entries with B's manifest and signature
  manifest-of-other-version   A1's entries with A2's manifest and signature
  signature-of-other-manifest A1's entries and manifest, B's signature

The last three copy each entry's local record and central header byte for
byte from the bundle it comes from, so the result keeps the strict ZIP
profile and only the offsets and the end record are written anew.

Deterministic: the same inputs always give the same bytes.  Standard
library only.
"""

import os
import struct
import sys
import zipfile

MEDIA_TYPE = b"application/vnd.sampan.bundle+zip"
MANIFEST = b"META-INF/MANIFEST"
MINISIG = b"META-INF/MANIFEST.minisig"

SIG_LOCAL = 0x04034B50
SIG_CENTRAL = 0x02014B50
SIG_EOCD = 0x06054B50
SIG_ZIP64_EOCD = 0x06064B50
SIG_ZIP64_LOCATOR = 0x07064B50

LOCAL = struct.Struct("<IHHHHHIIIHH")          # 30 bytes
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # 46 bytes
EOCD = struct.Struct("<IHHHHIIH")              # 22 bytes
ZIP64_EOCD = struct.Struct("<IQHHIIQQQQ")      # 56 bytes
ZIP64_LOCATOR = struct.Struct("<IIQI")         # 20 bytes

VERSION_MADE_BY = 0x033F   # Unix, 6.3
DOS_TIME, DOS_DATE = 0x0000, 0x0021   # 1980-01-01 00:00
EXT_ATTR_FILE = 0o100644 << 16


def eocd(count, cd_size, cd_offset):
    return EOCD.pack(SIG_EOCD, 0, 0, count, count, cd_size, cd_offset, 0)


def zip64_end(record_offset, count, cd_size, cd_offset):
    """A ZIP64 end of central directory record at record_offset, its locator,
    and an EOCD whose count fields hold the sentinel (bundle-v1.md §3.4)."""
    return (ZIP64_EOCD.pack(SIG_ZIP64_EOCD, 44, 45, 45, 0, 0, count, count,
                            cd_size, cd_offset)
            + ZIP64_LOCATOR.pack(SIG_ZIP64_LOCATOR, 0, record_offset, 1)
            + EOCD.pack(SIG_EOCD, 0, 0, 0xFFFF, 0xFFFF, cd_size, cd_offset, 0))


# ---------------------------------------------------------------------------
# Many entries
# ---------------------------------------------------------------------------

def many_entries(count):
    """The local records and the central directory of `count` stored entries:
    `mimetype` first, then empty files n/000001 ... in byte order, every field
    as a v1 writer writes it.  Returns (local records, central directory)."""
    local, central = [], []
    offset = 0
    crc = zipfile.crc32(MEDIA_TYPE)
    names = [b"mimetype"] + [b"n/%06d" % i for i in range(1, count)]
    for index, name in enumerate(names):
        data = MEDIA_TYPE if index == 0 else b""
        c = crc if index == 0 else 0
        head = LOCAL.pack(SIG_LOCAL, 10, 0, 0, DOS_TIME, DOS_DATE, c,
                          len(data), len(data), len(name), 0)
        local.append(head + name + data)
        central.append(CENTRAL.pack(SIG_CENTRAL, VERSION_MADE_BY, 10, 0, 0,
                                    DOS_TIME, DOS_DATE, c, len(data),
                                    len(data), len(name), 0, 0, 0, 0,
                                    EXT_ATTR_FILE, offset) + name)
        offset += len(head) + len(name) + len(data)
    return b"".join(local), b"".join(central)


# ---------------------------------------------------------------------------
# Splicing entries of real bundles
# ---------------------------------------------------------------------------

class Record:
    """One entry of an existing bundle: its local record and central header,
    as bytes."""

    def __init__(self, name, local, central):
        self.name = name
        self.local = local
        self.central = central


def read_records(path):
    """The entries of a bundle without ZIP64 records, in central directory
    order."""
    with open(path, "rb") as f:
        data = f.read()
    sig, _, _, count, total, cd_size, cd_offset, clen = EOCD.unpack(data[-22:])
    if sig != SIG_EOCD or count != total or clen != 0 or count == 0xFFFF:
        raise ValueError("%s: not a small bundle" % path)
    records, pos = [], cd_offset
    for _ in range(count):
        f = CENTRAL.unpack_from(data, pos)
        if f[0] != SIG_CENTRAL:
            raise ValueError("%s: bad central header at %d" % (path, pos))
        nlen, xlen, clen, offset = f[10], f[11], f[12], f[16]
        end = pos + 46 + nlen + xlen + clen
        name = data[pos + 46:pos + 46 + nlen]
        loc = LOCAL.unpack_from(data, offset)
        if loc[0] != SIG_LOCAL:
            raise ValueError("%s: bad local header at %d" % (path, offset))
        local_end = offset + 30 + loc[9] + loc[10] + loc[7]
        records.append(Record(name, data[offset:local_end], data[pos:end]))
        pos = end
    if pos != cd_offset + cd_size:
        raise ValueError("%s: central directory size" % path)
    return records


def splice(records):
    """A ZIP of the given records in this order: each local record and central
    header as it was, only the central header's local header offset
    rewritten."""
    out = bytearray()
    central = bytearray()
    for r in records:
        offset = len(out)
        out += r.local
        central += r.central[:42] + struct.pack("<I", offset) + r.central[46:]
    cd_offset = len(out)
    out += central
    out += eocd(len(records), len(central), cd_offset)
    return bytes(out)


def replace(records, donor, names):
    by_name = {r.name: r for r in donor}
    return [by_name[r.name] if r.name in names else r for r in records]


# ---------------------------------------------------------------------------

def write_case(outdir, name, data, rule, text):
    path = os.path.join(outdir, name + ".sampan")
    with open(path, "wb") as f:
        f.write(data)
    with open(os.path.join(outdir, name + ".txt"), "w") as f:
        f.write(rule + "\n\n" + text.strip() + "\n")
    # What a stock reader makes of it: every crafted file is a ZIP that
    # Python's zipfile opens; the spliced ones also pass its CRC test.
    with zipfile.ZipFile(path) as z:
        entries = len(z.infolist())
        if entries < 1000 and z.testzip() is not None:
            raise ValueError("%s: a CRC does not match" % path)
    print("%s %d %s" % (name, entries, rule))


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    outdir, a1_path, a2_path, b_path = argv[1:]
    os.makedirs(outdir, exist_ok=True)

    local, central = many_entries(100000)
    end_at = len(local) + len(central)
    write_case(outdir, "entries-100000-zip64",
               local + central + zip64_end(end_at, 100000, len(central), len(local)),
               "TOO_MANY_ENTRIES", """
bundle-v1.md §3.3, §3.4: 100,000 entries (mimetype, then empty stored files
n/000001 to n/099999), each with its local record and central header; the
EOCD holds the count sentinel 0xFFFF and the ZIP64 end records, consistent
with it, give 100,000, over the limit of 65,000.""")
    write_case(outdir, "entries-100000-wrapped",
               local + central + eocd(100000 & 0xFFFF, len(central), len(local)),
               "GAP", """
bundle-v1.md §3.5: the same 100,000 entries, but the EOCD gives the count
modulo 65,536 (34,464) and there are no ZIP64 records; the central directory
size and offset are the true ones, so after the 34,464th central header the
rest of the central directory is left over.""")
    local, central = many_entries(65000)
    write_case(outdir, "entries-65000",
               local + central + eocd(65000, len(central), len(local)),
               "MANIFEST_MISSING", """
bundle-v1.md §3.8, §5.4: 65,000 entries, the most allowed (mimetype, then
empty stored files n/000001 to n/064999), valid in every container pass;
there is no META-INF/MANIFEST.""")

    a1, a2, b = read_records(a1_path), read_records(a2_path), read_records(b_path)
    write_case(outdir, "manifest-of-other-course",
               splice(replace(a1, b, {MANIFEST, MINISIG})), "ENTRY_MISSING", """
bundle-v1.md §8.6: the entries of one validly signed bundle with
META-INF/MANIFEST and META-INF/MANIFEST.minisig of another course's bundle,
signed by the same trusted key: the signature and trusted comment are good,
but the manifest lists an entry this bundle does not have.""")
    write_case(outdir, "manifest-of-other-version",
               splice(replace(a1, a2, {MANIFEST, MINISIG})), "DIGEST_MISMATCH", """
bundle-v1.md §14.1 step 4: the entries of a course's bundle with
META-INF/MANIFEST and META-INF/MANIFEST.minisig of a higher version of the
same course, signed by the same trusted key: the same entry names, but
META-INF/course.json does not have the digest the manifest lists.""")
    write_case(outdir, "signature-of-other-manifest",
               splice(replace(a1, b, {MINISIG})), "SIGNATURE_BAD", """
bundle-v1.md §9.4: a validly signed bundle whose META-INF/MANIFEST.minisig
is replaced by another bundle's, made by the same trusted key: the key is
trusted, but the signature does not verify over this manifest.""")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
