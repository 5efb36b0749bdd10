#!/usr/bin/python3
"""corpus.py - the benchmarks' courses: N course folders, the same bytes every run.

    bench/corpus.py OUTDIR [--courses N] [--video-mb MB] [--small-video-kb KB] [--first K]
                           [--big-text-mb MB]

Writes OUTDIR/cNNNN/ for course numbers K .. K+N-1 (K defaults to 1; N to 3, at
most 600).  Each course is in one of seven scripts and languages in turn (Thai,
Chinese, Khmer, Vietnamese, English, Lao, Burmese), with English titles beside
its own, and has:

  course.yml          id org.sampan.bench.cNNNN, three lessons
  lessons/01-*.md     text, a table, a picture and the video with its subtitles
  lessons/02-*.md     text, lists, a drawing (SVG) and a second picture
  lessons/03-*.md     a review, links to the other lessons, a 48x48 icon
  media/picture-1.png, picture-2.png   pictures (PNG, 640x360 and 320x180)
  media/icon.png      48x48 (zimwriterfs wants one as the ZIM's illustration)
  media/drawing.svg   a drawing
  media/video.mp4     a faststart MP4 (ftyp, moov, mdat): MB megabytes for course 1,
                      KB kilobytes for the others; its data is pseudo-random, like
                      compressed video
  media/video.LANG.vtt, media/video.en.vtt   subtitles
  media/measurements.csv  with --big-text-mb, course 1 only: MB megabytes of a
                      table, which the bundle holds deflated (its largest deflated
                      entry), linked from lesson 3

Everything comes from a pseudo-random generator seeded with the course number,
so the same arguments give the same files on every machine.
"""
import argparse
import os
import random
import struct
import sys
import zlib

LANGS = [
    # tag, ISO 639-3 (for zimwriterfs), title, sentences
    ("th", "tha", "หลักสูตรทดสอบ", [
        "ก่อนเริ่มงานทุกครั้ง ให้ตรวจเครื่องมือและอุปกรณ์ป้องกันให้พร้อม",
        "ตัดไฟและล็อกสวิตช์ก่อนเปิดฝาครอบเครื่องจักรเสมอ",
        "สวมแว่นตานิรภัยและถุงมือที่เหมาะกับงาน",
        "ถ้าพบสายไฟชำรุด ให้หยุดใช้งานทันทีและแจ้งครูผู้สอน",
        "ทำความสะอาดพื้นที่ทำงานหลังเลิกงานทุกวัน",
        "จดบันทึกการบำรุงรักษาลงในสมุดประจำเครื่อง",
        "วัดแรงดันไฟฟ้าด้วยเครื่องวัดที่ผ่านการทดสอบแล้ว",
        "อย่าทำงานคนเดียวเมื่อต้องยกของหนัก",
    ]),
    ("zh-Hans", "zho", "基准测试课程", [
        "每次开工前，先检查工具和防护用品是否齐全。",
        "打开机器护罩之前，必须先断电并上锁挂牌。",
        "佩戴护目镜和适合工作的手套。",
        "发现电线破损，立即停用并报告老师。",
        "每天下班前清洁工作台和地面。",
        "把保养情况记录在设备的保养本上。",
        "用经过检验的仪表测量电压。",
        "搬运重物时不要一个人操作。",
    ]),
    ("km", "khm", "វគ្គសិក្សាសាកល្បង", [
        "មុនពេលចាប់ផ្តើមការងារ ត្រូវពិនិត្យឧបករណ៍ និងសម្ភារៈការពារ។",
        "ផ្តាច់ចរន្តអគ្គិសនី និងចាក់សោ មុនពេលបើកគម្របម៉ាស៊ីន។",
        "ពាក់វ៉ែនតាការពារ និងស្រោមដៃដែលសមស្រប។",
        "ប្រសិនបើឃើញខ្សែភ្លើងខូច ត្រូវឈប់ប្រើភ្លាម ហើយប្រាប់គ្រូ។",
        "សម្អាតកន្លែងធ្វើការរាល់ថ្ងៃ។",
        "កត់ត្រាការថែទាំក្នុងសៀវភៅរបស់ម៉ាស៊ីន។",
        "វាស់តង់ស្យុងដោយឧបករណ៍វាស់ដែលបានត្រួតពិនិត្យ។",
        "កុំលើកវត្ថុធ្ងន់តែម្នាក់ឯង។",
    ]),
    ("vi", "vie", "Khóa học thử nghiệm", [
        "Trước khi bắt đầu làm việc, hãy kiểm tra dụng cụ và đồ bảo hộ.",
        "Luôn ngắt điện và khóa cầu dao trước khi mở nắp máy.",
        "Đeo kính bảo hộ và găng tay phù hợp với công việc.",
        "Thấy dây điện hỏng thì ngừng dùng ngay và báo cho giáo viên.",
        "Dọn sạch chỗ làm việc sau mỗi ngày.",
        "Ghi việc bảo dưỡng vào sổ theo dõi của máy.",
        "Đo điện áp bằng đồng hồ đã được kiểm tra.",
        "Không nâng vật nặng một mình.",
    ]),
    ("en", "eng", "Benchmark course", [
        "Before starting work, check the tools and the protective equipment.",
        "Always switch off and lock the isolator before opening a machine's cover.",
        "Wear safety glasses and gloves suited to the job.",
        "If a cable is damaged, stop using it at once and tell the teacher.",
        "Clean the workplace at the end of every day.",
        "Write every maintenance job in the machine's log book.",
        "Measure voltage with a meter that has been proved on a known source.",
        "Never lift heavy loads alone.",
    ]),
    ("lo", "lao", "ຫຼັກສູດທົດສອບ", [
        "ກ່ອນເລີ່ມວຽກ ໃຫ້ກວດເບິ່ງເຄື່ອງມື ແລະ ອຸປະກອນປ້ອງກັນ.",
        "ຕັດໄຟ ແລະ ລັອກສະວິດ ກ່ອນເປີດຝາເຄື່ອງຈັກສະເໝີ.",
        "ໃສ່ແວ່ນຕາປ້ອງກັນ ແລະ ຖົງມືທີ່ເໝາະສົມ.",
        "ຖ້າພົບສາຍໄຟເສຍ ໃຫ້ຢຸດໃຊ້ທັນທີ ແລະ ແຈ້ງຄູ.",
        "ທຳຄວາມສະອາດບ່ອນເຮັດວຽກທຸກມື້.",
        "ບັນທຶກການບຳລຸງຮັກສາໃສ່ປຶ້ມຂອງເຄື່ອງ.",
        "ວັດແທກແຮງດັນດ້ວຍເຄື່ອງວັດທີ່ກວດແລ້ວ.",
        "ຢ່າຍົກຂອງໜັກຄົນດຽວ.",
    ]),
    ("my", "mya", "စမ်းသပ်သင်ခန်းစာ", [
        "အလုပ်မစခင် ကိရိယာများနှင့် ကာကွယ်ရေးပစ္စည်းများကို စစ်ဆေးပါ။",
        "စက်အဖုံးကို မဖွင့်ခင် လျှပ်စစ်ကို ဖြတ်ပြီး သော့ခတ်ပါ။",
        "ကာကွယ်ရေးမျက်မှန်နှင့် သင့်လျော်သော လက်အိတ်ကို ဝတ်ပါ။",
        "ဝါယာကြိုး ပျက်စီးနေပါက ချက်ချင်း ရပ်ပြီး ဆရာကို ပြောပါ။",
        "နေ့စဉ် အလုပ်ခွင်ကို သန့်ရှင်းပါ။",
        "ပြုပြင်ထိန်းသိမ်းမှုကို စက်မှတ်တမ်းစာအုပ်တွင် ရေးပါ။",
        "စစ်ဆေးပြီးသော မီတာဖြင့် ဗို့အားကို တိုင်းပါ။",
        "လေးလံသောပစ္စည်းကို တစ်ယောက်တည်း မမပါနှင့်။",
    ]),
]

LESSONS = [
    ("01-introduction", "Introduction"),
    ("02-practice", "Practice"),
    ("03-review", "Review"),
]


def lang_of(n):
    return LANGS[(n - 1) % len(LANGS)]


def png(width, height, rnd):
    """A deterministic PNG: three colour bands with a little noise, compressible like a drawing."""
    base = [rnd.randrange(256) for _ in range(9)]
    rows = bytearray()
    for y in range(height):
        band = (y * 3 // height) * 3
        row = bytearray(bytes(base[band:band + 3]) * width)
        for _ in range(width // 20):
            x = rnd.getrandbits(16) % width * 3
            row[x] = (row[x] + rnd.getrandbits(5)) & 255
        rows += b"\0" + row
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
            + chunk(b"IEND", b""))


def svg(rnd, label):
    shapes = []
    for _ in range(12):
        x, y, r = rnd.randrange(20, 300), rnd.randrange(20, 160), rnd.randrange(5, 30)
        shapes.append(f'  <circle cx="{x}" cy="{y}" r="{r}" fill="#{rnd.randrange(1 << 24):06x}"/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">\n'
            '  <rect width="320" height="180" fill="#f4f4f0"/>\n' + "\n".join(shapes) + "\n"
            f'  <text x="10" y="172" font-size="14">{label}</text>\n</svg>\n')


def write_video(path, size, seed):
    """A faststart MP4 of exactly size bytes (at least 44): ftyp, an empty moov, mdat."""
    size = max(size, 44)
    rnd = random.Random(seed)
    with open(path, "wb") as f:
        f.write(struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom"))
        f.write(struct.pack(">I4s", 8, b"moov"))
        f.write(struct.pack(">I4s", size - 28, b"mdat"))
        left = size - 36
        block = rnd.randbytes(1 << 20)
        while left:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
            if left:  # vary the data, cheaply: rotate the block
                k = rnd.randrange(1, len(block))
                block = block[k:] + block[:k]


def paragraph(rnd, sentences, count):
    sep = "" if sentences[0][-1] in "。" else " "
    return sep.join(rnd.choice(sentences) for _ in range(count))


def vtt(rnd, sentences, cues):
    out = ["WEBVTT", ""]
    for i in range(cues):
        out += [f"00:{i * 4 // 60:02d}:{i * 4 % 60:02d}.000 --> 00:{(i * 4 + 3) // 60:02d}:{(i * 4 + 3) % 60:02d}.500",
                rnd.choice(sentences), ""]
    return "\n".join(out)


def write_table(path, size, seed):
    """A CSV of about size bytes: readings of a pump test rig, deflated about 2.5 to 1."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="ascii") as f:
        f.write("minute,pump,flow_l_min,pressure_kpa,current_a,temperature_c\n")
        done, i = 0, 0
        while done < size:
            rows = []
            for _ in range(1000):
                rows.append(f"{i},P{rnd.randrange(1, 40):02d},{rnd.uniform(10, 90):.2f},"
                            f"{rnd.uniform(100, 400):.1f},{rnd.uniform(1, 9):.3f},{rnd.uniform(15, 70):.1f}\n")
                i += 1
            block = "".join(rows)
            f.write(block)
            done += len(block)


def course(root, n, video_bytes, big_text_bytes=0):
    tag, _, title, sentences = lang_of(n)
    english = lang_of(5)[3]
    rnd = random.Random(n)
    d = os.path.join(root, f"c{n:04d}")
    os.makedirs(os.path.join(d, "lessons"), exist_ok=True)
    os.makedirs(os.path.join(d, "media"), exist_ok=True)

    def put(rel, data):
        with open(os.path.join(d, rel), "wb" if isinstance(data, bytes) else "w",
                  **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
            f.write(data)

    langs = [tag] if tag == "en" else [tag, "en"]
    yml = [f"# A benchmark course made by bench/corpus.py (course {n}).",
           f"id: org.sampan.bench.c{n:04d}",
           'version: "1"',
           f"language: {tag}",
           f"languages: [{', '.join(langs)}]",
           "title:",
           f"  {tag}: {title} {n}"]
    if tag != "en":
        yml.append(f"  en: Benchmark course {n}")
    yml += ["description:", f"  {tag}: \"{paragraph(rnd, sentences, 2)}\"",
            "publisher: {name: Sampan benchmarks}",
            "licence: CC0-1.0",
            "subjects: [benchmarks]",
            "lessons:"]
    for stem, english_title in LESSONS:
        yml += [f"  - file: lessons/{stem}.md", "    title:", f"      {tag}: \"{title} {n}: {english_title}\""]
        if tag != "en":
            yml.append(f"      en: {english_title}")
    put("course.yml", "\n".join(yml) + "\n")

    heading = lambda: rnd.choice(sentences).rstrip("。.।។။")[:40]
    l1 = [f"# {title} {n}", "", paragraph(rnd, sentences, 6), "",
          "![" + sentences[0] + "](../media/picture-1.png)", ""]
    for _ in range(4):
        l1 += [f"## {heading()}", "", paragraph(rnd, sentences, 8), "", paragraph(rnd, sentences, 5), ""]
    l1 += ["| # | " + sentences[1][:20] + " | " + sentences[2][:20] + " |", "| --- | --- | --- |"]
    for i in range(12):
        l1.append(f"| {i + 1} | {rnd.choice(sentences)} | {rnd.choice(sentences)} |")
    l1 += ["", "![" + sentences[3] + "](../media/video.mp4)", "",
           paragraph(rnd, sentences, 6), "", "[→ 2](02-practice.md)", ""]
    put("lessons/01-introduction.md", "\n".join(l1))

    l2 = [f"# {title} {n}: 2", "", paragraph(rnd, sentences, 5), "",
          "![" + sentences[4] + "](../media/drawing.svg)", ""]
    for _ in range(3):
        l2 += [f"## {heading()}", ""] + [f"{i + 1}. {rnd.choice(sentences)}" for i in range(6)] + [""]
        l2 += [paragraph(rnd, sentences, 6), ""]
    l2 += ["![" + sentences[5] + "](../media/picture-2.png)", "", "[→ 3](03-review.md)", ""]
    put("lessons/02-practice.md", "\n".join(l2))

    l3 = [f"# {title} {n}: 3", "", "![" + sentences[6] + "](../media/icon.png)", "",
          paragraph(rnd, sentences, 4), ""]
    l3 += [f"- [ ] {rnd.choice(sentences)}" for _ in range(8)]
    l3 += ["", "[1](01-introduction.md) · [2](02-practice.md)", ""]
    if big_text_bytes:
        l3 += ["[measurements.csv](../media/measurements.csv)", ""]
    put("lessons/03-review.md", "\n".join(l3))

    put("media/picture-1.png", png(640, 360, rnd))
    put("media/picture-2.png", png(320, 180, rnd))
    put("media/icon.png", png(48, 48, rnd))
    put("media/drawing.svg", svg(rnd, f"{n}"))
    put(f"media/video.{tag}.vtt", vtt(rnd, sentences, 20))
    if tag != "en":
        put("media/video.en.vtt", vtt(rnd, english, 20))
    write_video(os.path.join(d, "media", "video.mp4"), video_bytes, n)
    if big_text_bytes:
        write_table(os.path.join(d, "media", "measurements.csv"), big_text_bytes, n)


def main():
    ap = argparse.ArgumentParser(description="Write the benchmarks' course folders.")
    ap.add_argument("outdir")
    ap.add_argument("--courses", type=int, default=3, help="how many courses (1 to 600; 3)")
    ap.add_argument("--first", type=int, default=1, help="the first course's number (1)")
    ap.add_argument("--video-mb", type=int, default=100, help="course 1's video, MB (100)")
    ap.add_argument("--small-video-kb", type=int, default=256, help="the other videos, KB (256)")
    ap.add_argument("--big-text-mb", type=int, default=0,
                    help="course 1 gets a table of this many MB, deflated in its bundle (0: none)")
    ap.add_argument("--languages", action="store_true",
                    help="print each course's folder, language tag and ISO 639-3 code, and exit")
    a = ap.parse_args()
    if not 1 <= a.courses <= 600 or a.first < 1 or a.first + a.courses - 1 > 9999:
        ap.error("--courses must be 1 to 600, and the course numbers at most 9999")
    for n in range(a.first, a.first + a.courses):
        if a.languages:
            tag, iso3, _, _ = lang_of(n)
            print(f"c{n:04d} {tag} {iso3}")
            continue
        video = a.video_mb * 1000 * 1000 if n == 1 else a.small_video_kb * 1000
        course(a.outdir, n, video, a.big_text_mb * 1000 * 1000 if n == 1 else 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
