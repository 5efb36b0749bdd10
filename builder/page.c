/* page.c - the bundle's static pages: one HTML5 template, one stylesheet, labels in the course's language (page.h). */
#include "page.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "langname.h"
#include "sbuf.h"

/* A page is the lesson's HTML plus a little; this only bounds the buffer. */
#define PAGE_MAX ((size_t)1 << 30)

/* ---- labels ---- */

enum label_key {
	L_CONTENTS,
	L_PREVIOUS,
	L_NEXT,
	L_HOME,
	L_LESSONS,
	L_LICENCE,
	L_PUBLISHER,
	L_SUBTITLES,
	L_DOWNLOAD,
	L_SKIP,
	L_LESSON_OF,
	/* the boxes of fenced divs and the labels of code output (markdown.c) */
	L_OBJECTIVES,
	L_QUESTIONS,
	L_KEYPOINTS,
	L_CALLOUT,
	L_CHALLENGE,
	L_EXERCISE,
	L_HINT,
	L_DISCUSSION,
	L_TESTIMONIAL,
	L_SOLUTION,
	L_SPOILER,
	L_INSTRUCTOR,
	L_OUTPUT,
	L_ERROR,
	L_WARNING,
	/* self-check quizzes (markdown.c) */
	L_QUIZ,
	L_CHECK,
	L_RIGHT,
	L_WRONG,
	L_ACCEPTED,
	L_YOUR_ANSWER,
	L_SCORE,
	L_VERDICT_RIGHT,
	L_VERDICT_WRONG,
	L_PREREQ,
	L_BACK, /* a footnote's link back to where it is cited (markdown.c) */
	L_COUNT
};

static const char *const label_keys[L_COUNT] = {
	"contents",   "previous",    "next",     "home",          "lessons",       "licence",
	"publisher",  "subtitles",   "download", "skip",          "lesson_of",     "objectives",
	"questions",  "keypoints",   "callout",  "challenge",     "exercise",      "hint",
	"discussion", "testimonial", "solution", "spoiler",       "instructor",    "output",
	"error",      "warning",     "quiz",     "check",         "right",         "wrong",
	"accepted",   "your_answer", "score",    "verdict_right", "verdict_wrong", "prereq",
	"back",
};

/*
 * "lesson_of" is a pattern, not a printf format: {n} and {count} stand for
 * the lesson's number and the number of lessons, in the order the language
 * wants them.
 */
struct label_set {
	const char *lang; /* primary language subtag */
	const char *text[L_COUNT];
};

static const struct label_set label_sets[] = {
	{ "en",
	  { "Contents",
	    "Previous",
	    "Next",
	    "Home",
	    "Lessons",
	    "Licence",
	    "Publisher",
	    "Subtitles",
	    "Download",
	    "Skip to content",
	    "Lesson {n} of {count}",
	    "Objectives",
	    "Questions",
	    "Key points",
	    "Note",
	    "Challenge",
	    "Exercise",
	    "Hint",
	    "Discussion",
	    "Testimonial",
	    "Solution",
	    "Show details",
	    "Instructor note",
	    "Output",
	    "Error",
	    "Warning",
	    "Quiz",
	    "Check your answer",
	    "Right",
	    "Wrong",
	    "Accepted answers",
	    "Your answer",
	    "{n} of {count} right",
	    "Your answer is right.",
	    "Not right yet: try again.",
	    "Prerequisite",
	    "Back to content" } },
	{ "zh",
	  { "目录",
	    "上一课",
	    "下一课",
	    "首页",
	    "课程内容",
	    "许可协议",
	    "出版方",
	    "字幕",
	    "下载",
	    "跳到正文",
	    "第 {n} 课，共 {count} 课",
	    "学习目标",
	    "问题",
	    "要点",
	    "注意",
	    "挑战",
	    "练习",
	    "提示",
	    "讨论",
	    "学员心得",
	    "参考答案",
	    "显示详情",
	    "教师备注",
	    "输出",
	    "错误",
	    "警告",
	    "自我测验",
	    "核对答案",
	    "正确",
	    "错误",
	    "可接受的答案",
	    "你的答案",
	    "答对 {n} 题，共 {count} 题",
	    "回答正确。",
	    "还不对，请再试一次。",
	    "预备知识",
	    "返回正文" } },
	{ "th",
	  { "สารบัญ",
	    "ก่อนหน้า",
	    "ถัดไป",
	    "หน้าแรก",
	    "บทเรียน",
	    "สัญญาอนุญาต",
	    "ผู้จัดพิมพ์",
	    "คำบรรยาย",
	    "ดาวน์โหลด",
	    "ข้ามไปที่เนื้อหา",
	    "บทที่ {n} จาก {count}",
	    "วัตถุประสงค์",
	    "คำถาม",
	    "ประเด็นสำคัญ",
	    "หมายเหตุ",
	    "โจทย์ท้าทาย",
	    "แบบฝึกหัด",
	    "คำใบ้",
	    "อภิปราย",
	    "ความเห็นจากผู้เรียน",
	    "เฉลย",
	    "แสดงรายละเอียด",
	    "บันทึกสำหรับผู้สอน",
	    "ผลลัพธ์",
	    "ข้อผิดพลาด",
	    "คำเตือน",
	    "แบบทดสอบ",
	    "ตรวจคำตอบ",
	    "ถูก",
	    "ผิด",
	    "คำตอบที่ยอมรับ",
	    "คำตอบของคุณ",
	    "ถูก {n} จาก {count} ข้อ",
	    "คำตอบของคุณถูกต้อง",
	    "ยังไม่ถูก ลองอีกครั้ง",
	    "ความรู้พื้นฐานที่ต้องมี",
	    "กลับไปที่เนื้อหา" } },
	{ "vi",
	  { "Mục lục",
	    "Bài trước",
	    "Bài tiếp theo",
	    "Trang chủ",
	    "Bài học",
	    "Giấy phép",
	    "Nhà xuất bản",
	    "Phụ đề",
	    "Tải xuống",
	    "Chuyển đến nội dung",
	    "Bài {n}/{count}",
	    "Mục tiêu",
	    "Câu hỏi",
	    "Ý chính",
	    "Ghi chú",
	    "Thử thách",
	    "Bài tập",
	    "Gợi ý",
	    "Thảo luận",
	    "Cảm nhận",
	    "Lời giải",
	    "Xem chi tiết",
	    "Ghi chú cho giảng viên",
	    "Kết quả",
	    "Lỗi",
	    "Cảnh báo",
	    "Tự kiểm tra",
	    "Kiểm tra câu trả lời",
	    "Đúng",
	    "Sai",
	    "Đáp án được chấp nhận",
	    "Câu trả lời của bạn",
	    "Đúng {n}/{count} câu",
	    "Câu trả lời của bạn đúng.",
	    "Chưa đúng, hãy thử lại.",
	    "Kiến thức cần có",
	    "Quay lại nội dung" } },
	{ "km",
	  { "មាតិកា",
	    "មុន",
	    "បន្ទាប់",
	    "ទំព័រដើម",
	    "មេរៀន",
	    "អាជ្ញាប័ណ្ណ",
	    "អ្នកបោះពុម្ពផ្សាយ",
	    "អក្សររត់",
	    "ទាញយក",
	    "រំលងទៅខ្លឹមសារ",
	    "មេរៀនទី {n} នៃ {count}",
	    "គោលបំណង",
	    "សំណួរ",
	    "ចំណុចសំខាន់",
	    "កំណត់សម្គាល់",
	    "បញ្ហាប្រឈម",
	    "លំហាត់",
	    "តម្រុយ",
	    "ការពិភាក្សា",
	    "សក្ខីកម្ម",
	    "ដំណោះស្រាយ",
	    "បង្ហាញព័ត៌មានលម្អិត",
	    "កំណត់ចំណាំសម្រាប់គ្រូ",
	    "លទ្ធផល",
	    "កំហុស",
	    "ការព្រមាន",
	    "សំណួរសាកល្បង",
	    "ពិនិត្យចម្លើយ",
	    "ត្រូវ",
	    "ខុស",
	    "ចម្លើយដែលទទួលយក",
	    "ចម្លើយរបស់អ្នក",
	    "ត្រូវ {n} ក្នុងចំណោម {count}",
	    "ចម្លើយរបស់អ្នកត្រូវ។",
	    "មិនទាន់ត្រូវទេ សាកម្តងទៀត។",
	    "ចំណេះដឹងដែលត្រូវមានជាមុន",
	    "ត្រឡប់ទៅអត្ថបទ" } },
	{ "lo",
	  { "ສາລະບານ",
	    "ກ່ອນໜ້າ",
	    "ຕໍ່ໄປ",
	    "ໜ້າຫຼັກ",
	    "ບົດຮຽນ",
	    "ໃບອະນຸຍາດ",
	    "ຜູ້ຈັດພິມ",
	    "ຄຳບັນຍາຍ",
	    "ດາວໂຫຼດ",
	    "ຂ້າມໄປຫາເນື້ອຫາ",
	    "ບົດທີ {n} ຈາກ {count}",
	    "ຈຸດປະສົງ",
	    "ຄຳຖາມ",
	    "ຈຸດສຳຄັນ",
	    "ໝາຍເຫດ",
	    "ບົດທ້າທາຍ",
	    "ແບບຝຶກຫັດ",
	    "ຄຳແນະນຳ",
	    "ການສົນທະນາ",
	    "ຄຳເລົ່າຈາກຜູ້ຮຽນ",
	    "ວິທີແກ້",
	    "ສະແດງລາຍລະອຽດ",
	    "ບັນທຶກສຳລັບຄູ",
	    "ຜົນໄດ້ຮັບ",
	    "ຂໍ້ຜິດພາດ",
	    "ຄຳເຕືອນ",
	    "ແບບທົດສອບ",
	    "ກວດຄຳຕອບ",
	    "ຖືກ",
	    "ຜິດ",
	    "ຄຳຕອບທີ່ຍອມຮັບ",
	    "ຄຳຕອບຂອງທ່ານ",
	    "ຖືກ {n} ຈາກ {count} ຂໍ້",
	    "ຄຳຕອບຂອງທ່ານຖືກຕ້ອງ.",
	    "ຍັງບໍ່ຖືກ, ລອງໃໝ່.",
	    "ຄວາມຮູ້ພື້ນຖານທີ່ຕ້ອງມີ",
	    "ກັບຄືນໄປຫາເນື້ອຫາ" } },
	{ "my",
	  { "မာတိကာ",
	    "ယခင်",
	    "နောက်တစ်ခု",
	    "ပင်မစာမျက်နှာ",
	    "သင်ခန်းစာများ",
	    "လိုင်စင်",
	    "ထုတ်ဝေသူ",
	    "စာတန်းထိုး",
	    "ဒေါင်းလုဒ်",
	    "အကြောင်းအရာသို့ ကျော်ရန်",
	    "သင်ခန်းစာ {n} / {count}",
	    "ရည်မှန်းချက်များ",
	    "မေးခွန်းများ",
	    "အဓိကအချက်များ",
	    "မှတ်ချက်",
	    "စိန်ခေါ်မှု",
	    "လေ့ကျင့်ခန်း",
	    "အရိပ်အမြွက်",
	    "ဆွေးနွေးချက်",
	    "သင်ယူသူ၏ အတွေ့အကြုံ",
	    "အဖြေ",
	    "အသေးစိတ် ပြရန်",
	    "ဆရာအတွက် မှတ်စု",
	    "ရလဒ်",
	    "အမှား",
	    "သတိပေးချက်",
	    "စစ်ဆေးမေးခွန်း",
	    "အဖြေကို စစ်ရန်",
	    "မှန်",
	    "မှား",
	    "လက်ခံသော အဖြေများ",
	    "သင့်အဖြေ",
	    "{count} ခုတွင် {n} ခု မှန်",
	    "သင့်အဖြေ မှန်ပါသည်။",
	    "မမှန်သေးပါ၊ ထပ်ကြိုးစားပါ။",
	    "ကြိုတင်သိထားရမည့်အချက်",
	    "စာသားသို့ ပြန်သွားရန်" } },
	{ "ms",
	  { "Kandungan",
	    "Sebelumnya",
	    "Seterusnya",
	    "Laman utama",
	    "Pelajaran",
	    "Lesen",
	    "Penerbit",
	    "Sari kata",
	    "Muat turun",
	    "Langkau ke kandungan",
	    "Pelajaran {n} daripada {count}",
	    "Objektif",
	    "Soalan",
	    "Perkara utama",
	    "Nota",
	    "Cabaran",
	    "Latihan",
	    "Petunjuk",
	    "Perbincangan",
	    "Testimoni",
	    "Penyelesaian",
	    "Tunjukkan butiran",
	    "Nota pengajar",
	    "Output",
	    "Ralat",
	    "Amaran",
	    "Kuiz",
	    "Semak jawapan",
	    "Betul",
	    "Salah",
	    "Jawapan yang diterima",
	    "Jawapan anda",
	    "{n} daripada {count} betul",
	    "Jawapan anda betul.",
	    "Belum betul, cuba lagi.",
	    "Prasyarat",
	    "Kembali ke kandungan" } },
	{ "id",
	  { "Daftar isi",
	    "Sebelumnya",
	    "Berikutnya",
	    "Beranda",
	    "Pelajaran",
	    "Lisensi",
	    "Penerbit",
	    "Subtitel",
	    "Unduh",
	    "Langsung ke konten",
	    "Pelajaran {n} dari {count}",
	    "Tujuan",
	    "Pertanyaan",
	    "Poin penting",
	    "Catatan",
	    "Tantangan",
	    "Latihan",
	    "Petunjuk",
	    "Diskusi",
	    "Testimoni",
	    "Solusi",
	    "Tampilkan detail",
	    "Catatan pengajar",
	    "Keluaran",
	    "Galat",
	    "Peringatan",
	    "Kuis",
	    "Periksa jawaban",
	    "Benar",
	    "Salah",
	    "Jawaban yang diterima",
	    "Jawaban Anda",
	    "{n} dari {count} benar",
	    "Jawaban Anda benar.",
	    "Belum benar, coba lagi.",
	    "Prasyarat",
	    "Kembali ke isi" } },
	{ "fil",
	  { "Nilalaman",
	    "Nakaraan",
	    "Susunod",
	    "Simula",
	    "Mga aralin",
	    "Lisensiya",
	    "Tagapaglathala",
	    "Subtitle",
	    "I-download",
	    "Lumaktaw sa nilalaman",
	    "Aralin {n} ng {count}",
	    "Mga layunin",
	    "Mga tanong",
	    "Mahahalagang punto",
	    "Paalala",
	    "Hamon",
	    "Pagsasanay",
	    "Pahiwatig",
	    "Talakayan",
	    "Patotoo",
	    "Solusyon",
	    "Ipakita ang detalye",
	    "Tala para sa guro",
	    "Output",
	    "Error",
	    "Babala",
	    "Pagsusulit",
	    "Suriin ang sagot",
	    "Tama",
	    "Mali",
	    "Mga tinatanggap na sagot",
	    "Ang iyong sagot",
	    "{n} sa {count} ang tama",
	    "Tama ang iyong sagot.",
	    "Hindi pa tama, subukan muli.",
	    "Paunang kailangan",
	    "Bumalik sa nilalaman" } },
};

static const struct label_set *labels_for(const char *ui_lang)
{
	size_t i;

	if (ui_lang) {
		if (langname_primary_is(ui_lang, "tl")) /* Tagalog: Filipino's labels */
			ui_lang = "fil";
		for (i = 0; i < sizeof label_sets / sizeof label_sets[0]; i++)
			if (langname_primary_is(ui_lang, label_sets[i].lang))
				return &label_sets[i];
	}
	return &label_sets[0];
}

const char *page_label(const char *ui_lang, const char *key)
{
	const struct label_set *set = labels_for(ui_lang);
	size_t k;

	for (k = 0; key && k < L_COUNT; k++)
		if (strcmp(key, label_keys[k]) == 0)
			return set->text[k];
	return key ? key : "";
}

/* ---- escaping and the page ---- */

struct out {
	struct sbuf b;
	bool oom;
};

static void put(struct out *o, const char *s)
{
	if (s && !sbuf_adds(&o->b, s))
		o->oom = true;
}

/* Text and attribute values escaped by the one escaper (html.h). */
static void put_esc(struct out *o, const char *s)
{
	if (!html_escape_into(&o->b, s))
		o->oom = true;
}

/* Scripts written right to left get dir="rtl" on the page. */
static bool is_rtl(const char *lang)
{
	static const char *const rtl[] = { "ar", "he", "fa",  "ur", "ps",
		                           "yi", "dv", "ckb", "sd", "ug" };
	size_t i;

	for (i = 0; lang && i < sizeof rtl / sizeof rtl[0]; i++)
		if (langname_primary_is(lang, rtl[i]))
			return true;
	return false;
}

/* A label, marked with its own language when the page's differs. */
static void put_label(struct out *o, const struct page_info *pi, const char *key)
{
	const char *ui = pi->ui_lang ? pi->ui_lang : "en";
	bool other = pi->lang && !langname_same_tag(ui, pi->lang);

	if (other) {
		put(o, "<span lang=\"");
		put_esc(o, ui);
		put(o, "\">");
	}
	put_esc(o, page_label(ui, key));
	if (other)
		put(o, "</span>");
}

static void put_count(struct out *o, size_t v)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof digits);
	while (n > 0) {
		char c[2] = { digits[--n], '\0' };

		put(o, c);
	}
}

/* "Lesson {n} of {count}" with the numbers put in. */
static void put_position(struct out *o, const struct page_info *pi)
{
	const char *pattern = page_label(pi->ui_lang, "lesson_of");
	const char *p = pattern;

	while (*p) {
		if (strncmp(p, "{n}", 3) == 0) {
			put_count(o, pi->current + 1);
			p += 3;
		} else if (strncmp(p, "{count}", 7) == 0) {
			put_count(o, pi->contents_count);
			p += 7;
		} else {
			size_t run = strcspn(p + 1, "{") + 1;

			if (!sbuf_add(&o->b, p, run))
				o->oom = true;
			p += run;
		}
	}
}

static void put_contents_list(struct out *o, const struct page_info *pi)
{
	size_t i;

	put(o, "<ol>\n");
	for (i = 0; i < pi->contents_count; i++) {
		const struct page_link *l = &pi->contents[i];

		put(o, "<li><a href=\"");
		put_esc(o, l->href);
		put(o, i == pi->current ? "\" aria-current=\"page\">" : "\">");
		put_esc(o, l->title);
		put(o, "</a></li>\n");
	}
	put(o, "</ol>\n");
}

static void put_pager(struct out *o, const struct page_info *pi, bool home)
{
	if (!pi->prev && !pi->next)
		return;
	put(o, "<nav class=\"pager\" aria-label=\"");
	put_esc(o, page_label(pi->ui_lang, "lessons"));
	put(o, "\">\n");
	if (pi->prev) {
		put(o, "<a rel=\"prev\" href=\"");
		put_esc(o, pi->prev->href);
		put(o, "\"><span class=\"dir\">← ");
		put_label(o, pi, "previous");
		put(o, "</span> <span class=\"title\">");
		put_esc(o, pi->prev->title);
		put(o, "</span></a>\n");
	}
	if (!home && pi->current < pi->contents_count) {
		put(o, "<span class=\"pos\">");
		put_position(o, pi);
		put(o, "</span>\n");
	}
	if (pi->next) {
		put(o, "<a rel=\"next\" href=\"");
		put_esc(o, pi->next->href);
		put(o, "\"><span class=\"dir\">");
		put_label(o, pi, "next");
		put(o, " →</span> <span class=\"title\">");
		put_esc(o, pi->next->title);
		put(o, "</span></a>\n");
	}
	put(o, "</nav>\n");
}

char *page_render(const struct page_info *pi, const char *body_html)
{
	bool home = pi->current == (size_t)-1;
	const char *root = pi->root ? pi->root : "";
	const char *lang = pi->lang && *pi->lang ? pi->lang : "und";
	bool contents = pi->contents && pi->contents_count > 0;
	struct out o;

	sbuf_init(&o.b, PAGE_MAX);
	o.oom = false;
	put(&o, "<!doctype html>\n<html lang=\"");
	put_esc(&o, lang);
	put(&o, is_rtl(lang) ? "\" dir=\"rtl\">\n" : "\">\n");
	put(&o,
	    "<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	if (!home) {
		put_esc(&o, pi->title);
		put(&o, " · ");
	}
	put_esc(&o, pi->course_title);
	put(&o, "</title>\n<link rel=\"stylesheet\" href=\"");
	put_esc(&o, root);
	put(&o, PAGE_STYLESHEET "\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	put_label(&o, pi, "skip");
	put(&o, "</a>\n<header class=\"site\">\n<a class=\"course\" href=\"");
	put_esc(&o, root);
	put(&o, home ? "index.html\" aria-current=\"page\">" : "index.html\">");
	put_esc(&o, pi->course_title);
	put(&o, "</a>\n</header>\n");
	if (contents && !home) {
		/* folded on a lesson page: one line on a phone, opens without JavaScript */
		put(&o, "<nav class=\"contents\" aria-label=\"");
		put_esc(&o, page_label(pi->ui_lang, "contents"));
		put(&o, "\">\n<details>\n<summary>");
		put_label(&o, pi, "contents");
		put(&o, "</summary>\n");
		put_contents_list(&o, pi);
		put(&o, "</details>\n</nav>\n");
	}
	put(&o, "<main id=\"main\" tabindex=\"-1\">\n");
	if (!pi->body_has_title) {
		put(&o, "<h1>");
		put_esc(&o, pi->title);
		put(&o, "</h1>\n");
	}
	put(&o, body_html);
	if (body_html && *body_html && body_html[strlen(body_html) - 1] != '\n')
		put(&o, "\n");
	put(&o, "</main>\n");
	if (contents && home) {
		/* the home page's list of lessons is open: it is the way in */
		put(&o,
		    "<nav class=\"contents\" aria-labelledby=\"lessons\">\n<h2 id=\"lessons\">");
		put_label(&o, pi, "lessons");
		put(&o, "</h2>\n");
		put_contents_list(&o, pi);
		put(&o, "</nav>\n");
	}
	put_pager(&o, pi, home);
	put(&o, "</body>\n</html>\n");
	if (o.oom) {
		sbuf_release(&o.b);
		return NULL;
	}
	return sbuf_take(&o.b, NULL);
}

/* ---- the stylesheet ---- */

/*
 * Pieces rather than one literal: C11 compilers need only take 4095
 * characters in one.  page_stylesheet joins them once.
 */
static const char *const stylesheet_parts[] = {
	"/* Sampan course pages: system fonts only, nothing from another host. */\n",
	":root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#5c5c66;--line:#d0d0d7;"
	"--soft:#f3f3f6;--link:#0b57d0;--visited:#6b3fa0;--focus:#c2410c}\n",
	"@media (prefers-color-scheme:dark){:root{--fg:#e9e9ee;--bg:#16161a;--muted:#a8a8b3;"
	"--line:#3b3b44;--soft:#22222a;--link:#8ab4f8;--visited:#c9a6f5;--focus:#fdba74}}\n",
	"*,*::before,*::after{box-sizing:border-box}\n",
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n",
	"body{margin:0;background:var(--bg);color:var(--fg);font-size:1.0625rem;line-height:1.6;"
	"overflow-wrap:break-word;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"Noto Sans\",\"Noto Sans Thai\",\"Noto Sans Thai UI\",\"Noto Sans Khmer\","
	"\"Noto Sans Lao\",\"Noto Sans Myanmar\",\"Noto Sans CJK SC\",\"Noto Sans SC\","
	"\"Noto Sans CJK TC\",\"Leelawadee UI\",\"Khmer UI\",\"Lao UI\",\"Myanmar Text\","
	"\"Microsoft YaHei\",\"PingFang SC\",\"DejaVu Sans\",sans-serif}\n",
	":lang(th),:lang(lo),:lang(km){line-height:1.75}\n",
	":lang(my){line-height:1.9}\n",
	":lang(zh),:lang(ja){line-height:1.7}\n",
	"header.site,nav.contents,main,nav.pager{max-width:44rem;margin:0 auto;padding:0 1rem}\n",
	"header.site{padding-top:.75rem;padding-bottom:.75rem;border-bottom:1px solid "
	"var(--line)}\n",
	"header.site .course{font-weight:600;text-decoration:none;color:var(--fg)}\n",
	"main{padding-top:.5rem;padding-bottom:2rem}\n",
	"main:focus{outline:none}\n",
	"h1,h2,h3,h4{line-height:1.3;margin:1.6em 0 .5em}\n",
	"h1{font-size:1.75rem;margin-top:1rem}\n",
	"h2{font-size:1.375rem}\n",
	"h3{font-size:1.15rem}\n",
	":lang(th) h1,:lang(th) h2,:lang(lo) h1,:lang(lo) h2,:lang(km) h1,:lang(km) h2,"
	":lang(my) h1,:lang(my) h2{line-height:1.6}\n",
	"p,ul,ol,dl,blockquote,pre,figure,.table{margin:0 0 1em}\n",
	"a{color:var(--link)}\n",
	"a:visited{color:var(--visited)}\n",
	":focus-visible{outline:3px solid var(--focus);outline-offset:2px}\n",
	"a:focus{outline:3px solid var(--focus);outline-offset:2px}\n",
	"a:focus:not(:focus-visible){outline:none}\n",
	"img,video,svg,canvas{max-width:100%;height:auto}\n",
	"video,audio{display:block;width:100%;background:#000}\n",
	"audio{background:none}\n",
	"figure.media{margin:1.25em 0}\n",
	/* fenced divs (markdown.c): a box with a coloured edge and its label; folded ones too */
	".box{margin:1.25em 0;padding:.5em .9em;border:1px solid var(--line);"
	"border-inline-start:5px solid var(--edge,var(--line));border-radius:4px}\n",
	".box>:last-child{margin-bottom:.25em}\n",
	".box-label{margin:0 0 .25em;font-size:.85em;font-weight:700;color:var(--muted)}\n",
	".box h2,.box h3,.box h4{margin-top:.4em}\n",
	".objectives,.questions,.keypoints{--edge:#2e7d32}\n",
	".challenge,.exercise,.discussion{--edge:#b45309}\n",
	".callout,.hint,.testimonial,.instructor,.prereq{--edge:#0b57d0}\n",
	".solution,.spoiler{--edge:var(--muted);background:var(--soft)}\n",
	"details.box>summary{cursor:pointer;min-height:44px;padding:.5em 0;font-weight:600}\n",
	"details.box>summary>*{display:inline;font-size:1em;margin:0}\n",
	/* bracketed spans' classes (markdown.c), as Pandoc means them */
	".smallcaps{font-variant:small-caps}.underline{text-decoration:underline}"
	"span.mark{background:#fde68a;color:#1d1d1f}\n",
	"figure.code{margin:0 0 1em}\n",
	"figure.code figcaption{margin:0 0 .15em;font-size:.8em;font-weight:700}\n",
	"figure.output pre{background:none;border:1px dashed var(--line)}\n",
	"figure.error pre,figure.warning pre{background:none;border:1px solid var(--line);"
	"border-inline-start:5px solid #b3261e}\n",
	"figure.warning pre{border-inline-start-color:#b45309}\n",
	"figcaption,.note{color:var(--muted);font-size:.9em}\n",
	"figcaption{margin-top:.35em}\n",
	".table{overflow-x:auto;-webkit-overflow-scrolling:touch}\n",
	"table{border-collapse:collapse;min-width:50%}\n",
	"th,td{border:1px solid var(--line);padding:.4em "
	".6em;text-align:start;vertical-align:top}\n",
	"th{background:var(--soft)}\n",
	"code,kbd,samp,pre{font-family:ui-monospace,\"Noto Sans Mono\",\"DejaVu Sans Mono\","
	"Menlo,Consolas,monospace;font-size:.9em}\n",
	"code{background:var(--soft);padding:.1em .3em;border-radius:3px}\n",
	/* long lines wrap: a region that scrolls sideways is out of a keyboard's reach */
	"pre{background:var(--soft);padding:.75em 1em;border-radius:4px;white-space:pre-wrap;"
	"overflow-wrap:anywhere}\n",
	"pre code{background:none;padding:0}\n",
	"blockquote{margin-left:0;padding-left:1em;border-left:4px solid var(--line);"
	"color:var(--muted)}\n",
	".description{font-size:1.1em}\n",
	"dl.about{display:grid;grid-template-columns:auto 1fr;gap:.25em 1em}\n",
	"dl.about dt{font-weight:600}\n",
	"dl.about dd{margin:0}\n",
	"ol.lessons li{margin:.4em 0}\n",
	"hr{border:0;border-top:1px solid var(--line);margin:2em 0}\n",
	"li label>input[type=checkbox]{margin:0 .4em 0 0;vertical-align:middle}\n",
	".skip{position:absolute;left:-100vw;top:0;padding:.5em 1em;background:var(--bg);"
	"color:var(--link);z-index:10}\n",
	".skip:focus{left:.5rem;top:.5rem}\n",
	"nav.contents details{border-bottom:1px solid var(--line)}\n",
	"nav.contents summary{cursor:pointer;padding:.6rem 0;min-height:44px;font-weight:600}\n",
	"nav.contents ol{margin:0 0 1rem;padding-left:1.6em}\n",
	"nav.contents li{margin:.3em 0}\n",
	"nav.contents a[aria-current=page]{font-weight:700;color:var(--fg);text-decoration:none}\n",
	"nav.contents a[aria-current=page]::before{content:\"\\25B8  \"}\n",
	"nav.pager{display:flex;flex-wrap:wrap;gap:.75rem;justify-content:space-between;"
	"align-items:center;padding-top:1rem;padding-bottom:2rem;border-top:1px solid "
	"var(--line)}\n",
	"nav.pager a{display:block;flex:1 1 12rem;padding:.6rem .8rem;min-height:44px;"
	"border:1px solid var(--line);border-radius:6px;text-decoration:none}\n",
	"nav.pager a[rel=next]{text-align:end}\n",
	"nav.pager .dir{display:block;font-size:.85em;color:var(--muted)}\n",
	"nav.pager .pos{order:-1;flex-basis:100%;color:var(--muted);font-size:.9em}\n",
	/* self-check quizzes (markdown.c): big targets, the key folded under "Check your answer" */
	".quiz{margin:1.25em 0;padding:.5em .9em;border:1px solid var(--line);"
	"border-inline-start:5px solid #7c3aed;border-radius:4px}\n",
	".quiz fieldset{border:0;border-top:1px solid var(--line);margin:0;padding:.75em 0 .25em;"
	"min-width:0}\n",
	".quiz legend{float:left;width:100%;padding:0;margin:0 0 .5em;font-weight:600}\n",
	".quiz legend+*{clear:both}\n",
	".quiz .choices ul,.quiz .key{list-style:none;padding:0}\n",
	".quiz .choices li{margin:.35em 0}\n",
	".quiz .choices label{display:flex;gap:.6em;align-items:flex-start;min-height:44px;"
	"padding:.5em .6em;border:1px solid var(--line);border-radius:6px;cursor:pointer}\n",
	".quiz .choices input{width:1.2em;height:1.2em;margin:.2em 0 0;flex:none}\n",
	".quiz .short input{display:block;width:100%;min-height:44px;margin-top:.25em;"
	"padding:.4em .6em;font:inherit;color:inherit;background:var(--bg);"
	"border:1px solid var(--muted);border-radius:6px}\n",
	"details.answer>summary{cursor:pointer;min-height:44px;padding:.5em 0;font-weight:600;"
	"color:var(--link)}\n",
	".quiz .key p{margin:0 0 .25em}\n",
	".quiz .mark,.quiz .verdict,.quiz .score{font-weight:700}\n",
	".quiz .right>p>.mark::before{content:\"\\2713  \";color:#2e7d32}\n",
	".quiz .wrong>p>.mark::before{content:\"\\2717  \";color:#b3261e}\n",
	".quiz .key .chosen{background:var(--soft)}\n",
	".quiz .feedback{margin:0 0 .75em;padding-inline-start:.8em;border-inline-start:3px solid "
	"var(--line)}\n",
	"@media (min-width:40rem){body{font-size:1.125rem}nav.pager "
	".pos{order:0;flex-basis:auto}}\n",
	"@media print{body{background:#fff;color:#000;font-size:11pt}"
	".skip,nav.contents,nav.pager,video,audio,.quiz .answer,.quiz .verdict,.quiz .score{"
	"display:none}"
	"header.site{border:0}a{color:inherit}"
	".table{overflow:visible}pre{white-space:pre-wrap}"
	"h1,h2,h3{break-after:avoid}img,figure,table,pre{break-inside:avoid}"
	".box{break-inside:avoid;border-color:#888}}\n",
};

/* The stylesheet is well under this; a test holds it there. */
#define STYLESHEET_MAX 8192

const char *page_stylesheet(void)
{
	static char css[STYLESHEET_MAX];
	size_t i, n = 0;

	if (css[0])
		return css;
	for (i = 0; i < sizeof stylesheet_parts / sizeof stylesheet_parts[0]; i++) {
		size_t m = strlen(stylesheet_parts[i]);

		if (n + m >= sizeof css)
			break; /* never: but a cut stylesheet beats an overrun */
		memcpy(css + n, stylesheet_parts[i], m);
		n += m;
	}
	css[n] = '\0';
	return css;
}
