/*
 * catalog.c - the player's own pages: the catalog of courses as HTML (no
 * script, nothing from another host) and as JSON, error pages and the
 * stylesheet, in ten interface languages (DESIGN.md, "Serving").
 *
 * Titles, publishers, file names and reasons come from bundles nobody
 * vouched for: every one is escaped on the way out, and bytes that are not
 * UTF-8 become U+FFFD, so a hostile bundle cannot inject markup or break
 * the JSON.
 */
#include "catalog.h"

#include "html.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "course.h"
#include "error.h"
#include "sbuf.h"
#include "utf8.h"

/* A page or document is never larger than this (a library of thousands of courses fits). */
#define CATALOG_MAX (64u * 1024 * 1024)
#define ERROR_PAGE_MAX (1024u * 1024)

#define REPLACEMENT "\xEF\xBF\xBD"

/* ---- labels ---- */

enum label_key {
	L_TITLE,
	L_FILTER,
	L_ALL,
	L_LESSONS,
	L_LESSONS_ONE,
	L_SIZE,
	L_PUBLISHER,
	L_REFUSED,
	L_REFUSED_HELP,
	L_OPEN,
	L_ADDRESS,
	L_NONE,
	L_NO_MATCH,
	L_NOT_FOUND,
	L_METHOD_NOT_ALLOWED,
	L_BAD_REQUEST,
	L_ERROR,
	L_PREVIEW,
	L_INTERFACE,
	L_SEARCH,
	L_SEARCH_BUTTON,
	L_NO_RESULTS,
	L_VIDEO_AT,
	L_NEXT,
	L_PREVIOUS,
	L_TOO_SLOW,
	L_INDEXING,
	L_UNAVAILABLE,
	L_BUSY,
	L_ALL_COURSES,
	L_COURSE,
	L_OPEN_LESSON,
	L_DID_YOU_MEAN,
	L_APPROXIMATE,
	L_COUNT
};

static const char *const label_keys[L_COUNT] = {
	[L_TITLE] = "title",
	[L_FILTER] = "filter",
	[L_ALL] = "all",
	[L_LESSONS] = "lessons",
	[L_LESSONS_ONE] = "lessons_one",
	[L_SIZE] = "size",
	[L_PUBLISHER] = "publisher",
	[L_REFUSED] = "refused",
	[L_REFUSED_HELP] = "refused_help",
	[L_OPEN] = "open",
	[L_ADDRESS] = "address",
	[L_NONE] = "none",
	[L_NO_MATCH] = "no_match",
	[L_NOT_FOUND] = "not_found",
	[L_METHOD_NOT_ALLOWED] = "method_not_allowed",
	[L_BAD_REQUEST] = "bad_request",
	[L_ERROR] = "error",
	[L_PREVIEW] = "preview",
	[L_INTERFACE] = "interface",
	[L_SEARCH] = "search",
	[L_SEARCH_BUTTON] = "search_button",
	[L_NO_RESULTS] = "no_results",
	[L_VIDEO_AT] = "video_at",
	[L_NEXT] = "next",
	[L_PREVIOUS] = "previous",
	[L_TOO_SLOW] = "too_slow",
	[L_INDEXING] = "indexing",
	[L_UNAVAILABLE] = "unavailable",
	[L_BUSY] = "busy",
	[L_ALL_COURSES] = "all_courses",
	[L_COURSE] = "course",
	[L_OPEN_LESSON] = "open_lesson",
	[L_DID_YOU_MEAN] = "did_you_mean",
	[L_APPROXIMATE] = "approximate",
};

/*
 * One interface language: its name in itself, its decimal separator, and
 * the labels.  "lessons" and "lessons_one" are patterns where "{n}" stands
 * for the number (only English has a singular).
 */
struct ui_language {
	const char *tag;
	const char *name;
	char decimal;
	const char *label[L_COUNT];
};

static const struct ui_language ui_langs[] = {
	{ "en",
	  "English",
	  '.',
	  {
	          [L_TITLE] = "Courses",
	          [L_FILTER] = "Language",
	          [L_ALL] = "All languages",
	          [L_LESSONS] = "{n} lessons",
	          [L_LESSONS_ONE] = "{n} lesson",
	          [L_SIZE] = "Size",
	          [L_PUBLISHER] = "Publisher",
	          [L_REFUSED] = "Bundles not served",
	          [L_REFUSED_HELP] = "These bundles are not shown to students, for the reason "
	                             "given beside each.",
	          [L_OPEN] = "Open course",
	          [L_ADDRESS] = "Open this address on your phone",
	          [L_NONE] = "No courses yet: copy .sampan files into the library folder",
	          [L_NO_MATCH] = "No courses in this language",
	          [L_NOT_FOUND] = "Not found",
	          [L_METHOD_NOT_ALLOWED] = "Method not allowed",
	          [L_BAD_REQUEST] = "Bad request",
	          [L_ERROR] = "Error",
	          [L_PREVIEW] = "Preview: not signed by a trusted publisher",
	          [L_INTERFACE] = "Interface language",
	          [L_SEARCH] = "Search the courses",
	          [L_SEARCH_BUTTON] = "Search",
	          [L_NO_RESULTS] = "Nothing found. Try other words, or fewer.",
	          [L_VIDEO_AT] = "In the video at {t}",
	          [L_NEXT] = "Next",
	          [L_PREVIOUS] = "Previous",
	          [L_TOO_SLOW] = "The search took too long. Try more specific words.",
	          [L_INDEXING] = "Search is still getting ready: {n} of {m} courses so far.",
	          [L_UNAVAILABLE] = "Search is not available on this player.",
	          [L_BUSY] = "Many people are searching at once. Try again in a moment.",
	          [L_ALL_COURSES] = "All courses",
	          [L_COURSE] = "Course",
	          [L_OPEN_LESSON] = "Open the lesson",
	          [L_DID_YOU_MEAN] = "Did you mean {t}?",
	          [L_APPROXIMATE] = "A similar spelling",
	  } },
	{ "zh-Hans",
	  "简体中文",
	  '.',
	  {
	          [L_TITLE] = "课程",
	          [L_FILTER] = "语言",
	          [L_ALL] = "所有语言",
	          [L_LESSONS] = "{n} 节课",
	          [L_LESSONS_ONE] = "{n} 节课",
	          [L_SIZE] = "大小",
	          [L_PUBLISHER] = "发布者",
	          [L_REFUSED] = "未提供的课程包",
	          [L_REFUSED_HELP] = "这些课程包不会向学生显示，原因写在每一项旁边。",
	          [L_OPEN] = "打开课程",
	          [L_ADDRESS] = "用手机打开这个地址",
	          [L_NONE] = "还没有课程：请把 .sampan 文件复制到课程库文件夹",
	          [L_NO_MATCH] = "没有这种语言的课程",
	          [L_NOT_FOUND] = "找不到页面",
	          [L_METHOD_NOT_ALLOWED] = "不支持此请求方法",
	          [L_BAD_REQUEST] = "请求无效",
	          [L_ERROR] = "出错了",
	          [L_PREVIEW] = "预览版：未经受信任的发布者签名",
	          [L_INTERFACE] = "界面语言",
	          [L_SEARCH] = "搜索课程",
	          [L_SEARCH_BUTTON] = "搜索",
	          [L_NO_RESULTS] = "没有找到。请换一些词或减少词语。",
	          [L_VIDEO_AT] = "视频 {t} 处",
	          [L_NEXT] = "下一页",
	          [L_PREVIOUS] = "上一页",
	          [L_TOO_SLOW] = "搜索用时太长，请使用更具体的词语。",
	          [L_INDEXING] = "搜索仍在准备中：已完成 {n}/{m} 门课程。",
	          [L_UNAVAILABLE] = "此播放器无法使用搜索。",
	          [L_BUSY] = "同时搜索的人太多，请稍后再试。",
	          [L_ALL_COURSES] = "所有课程",
	          [L_COURSE] = "课程",
	          [L_OPEN_LESSON] = "打开这节课",
	          [L_DID_YOU_MEAN] = "您是不是要找 {t}？",
	          [L_APPROXIMATE] = "相近的写法",
	  } },
	{ "th",
	  "ไทย",
	  '.',
	  {
	          [L_TITLE] = "รายวิชา",
	          [L_FILTER] = "ภาษา",
	          [L_ALL] = "ทุกภาษา",
	          [L_LESSONS] = "{n} บทเรียน",
	          [L_LESSONS_ONE] = "{n} บทเรียน",
	          [L_SIZE] = "ขนาด",
	          [L_PUBLISHER] = "ผู้เผยแพร่",
	          [L_REFUSED] = "ชุดบทเรียนที่ไม่เปิดให้ใช้",
	          [L_REFUSED_HELP] = "ชุดบทเรียนเหล่านี้ไม่แสดงให้นักเรียนเห็น เหตุผลเขียนไว้ข้างแต่ละรายการ",
	          [L_OPEN] = "เปิดรายวิชา",
	          [L_ADDRESS] = "เปิดที่อยู่นี้ในโทรศัพท์ของคุณ",
	          [L_NONE] = "ยังไม่มีรายวิชา: คัดลอกไฟล์ .sampan ไปไว้ในโฟลเดอร์คลังบทเรียน",
	          [L_NO_MATCH] = "ไม่มีรายวิชาในภาษานี้",
	          [L_NOT_FOUND] = "ไม่พบหน้านี้",
	          [L_METHOD_NOT_ALLOWED] = "ไม่รองรับคำขอประเภทนี้",
	          [L_BAD_REQUEST] = "คำขอไม่ถูกต้อง",
	          [L_ERROR] = "เกิดข้อผิดพลาด",
	          [L_PREVIEW] = "ฉบับทดลอง: ไม่ได้ลงนามโดยผู้เผยแพร่ที่เชื่อถือได้",
	          [L_INTERFACE] = "ภาษาของหน้าจอ",
	          [L_SEARCH] = "ค้นหาในรายวิชา",
	          [L_SEARCH_BUTTON] = "ค้นหา",
	          [L_NO_RESULTS] = "ไม่พบผลลัพธ์ ลองใช้คำอื่นหรือใช้คำให้น้อยลง",
	          [L_VIDEO_AT] = "ในวิดีโอที่ {t}",
	          [L_NEXT] = "ถัดไป",
	          [L_PREVIOUS] = "ก่อนหน้า",
	          [L_TOO_SLOW] = "การค้นหาใช้เวลานานเกินไป ลองใช้คำที่เจาะจงมากขึ้น",
	          [L_INDEXING] = "ระบบค้นหายังเตรียมไม่เสร็จ: พร้อมแล้ว {n} จาก {m} รายวิชา",
	          [L_UNAVAILABLE] = "เครื่องนี้ใช้การค้นหาไม่ได้",
	          [L_BUSY] = "มีคนค้นหาพร้อมกันจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่",
	          [L_ALL_COURSES] = "ทุกรายวิชา",
	          [L_COURSE] = "รายวิชา",
	          [L_OPEN_LESSON] = "เปิดบทเรียน",
	          [L_DID_YOU_MEAN] = "คุณหมายถึง {t} ใช่ไหม",
	          [L_APPROXIMATE] = "การสะกดที่ใกล้เคียง",
	  } },
	{ "vi",
	  "Tiếng Việt",
	  ',',
	  {
	          [L_TITLE] = "Khóa học",
	          [L_FILTER] = "Ngôn ngữ",
	          [L_ALL] = "Tất cả ngôn ngữ",
	          [L_LESSONS] = "{n} bài học",
	          [L_LESSONS_ONE] = "{n} bài học",
	          [L_SIZE] = "Dung lượng",
	          [L_PUBLISHER] = "Đơn vị phát hành",
	          [L_REFUSED] = "Gói khóa học không được cung cấp",
	          [L_REFUSED_HELP] = "Các gói này không hiển thị cho học sinh; lý do được ghi "
	                             "bên cạnh từng gói.",
	          [L_OPEN] = "Mở khóa học",
	          [L_ADDRESS] = "Mở địa chỉ này trên điện thoại của bạn",
	          [L_NONE] = "Chưa có khóa học nào: hãy chép tệp .sampan vào thư mục thư viện",
	          [L_NO_MATCH] = "Không có khóa học nào bằng ngôn ngữ này",
	          [L_NOT_FOUND] = "Không tìm thấy trang",
	          [L_METHOD_NOT_ALLOWED] = "Phương thức không được phép",
	          [L_BAD_REQUEST] = "Yêu cầu không hợp lệ",
	          [L_ERROR] = "Đã xảy ra lỗi",
	          [L_PREVIEW] = "Bản xem trước: chưa được đơn vị phát hành tin cậy ký",
	          [L_INTERFACE] = "Ngôn ngữ giao diện",
	          [L_SEARCH] = "Tìm trong các khóa học",
	          [L_SEARCH_BUTTON] = "Tìm",
	          [L_NO_RESULTS] = "Không tìm thấy. Hãy thử từ khác hoặc ít từ hơn.",
	          [L_VIDEO_AT] = "Trong video lúc {t}",
	          [L_NEXT] = "Trang sau",
	          [L_PREVIOUS] = "Trang trước",
	          [L_TOO_SLOW] = "Tìm kiếm quá lâu. Hãy dùng từ cụ thể hơn.",
	          [L_INDEXING] = "Tìm kiếm đang được chuẩn bị: đã xong {n}/{m} khóa học.",
	          [L_UNAVAILABLE] = "Máy này không có chức năng tìm kiếm.",
	          [L_BUSY] = "Nhiều người đang tìm cùng lúc. Hãy thử lại sau giây lát.",
	          [L_ALL_COURSES] = "Tất cả khóa học",
	          [L_COURSE] = "Khóa học",
	          [L_OPEN_LESSON] = "Mở bài học",
	          [L_DID_YOU_MEAN] = "Có phải bạn muốn tìm {t}?",
	          [L_APPROXIMATE] = "Cách viết gần giống",
	  } },
	{ "km",
	  "ខ្មែរ",
	  '.',
	  {
	          [L_TITLE] = "វគ្គសិក្សា",
	          [L_FILTER] = "ភាសា",
	          [L_ALL] = "គ្រប់ភាសា",
	          [L_LESSONS] = "{n} មេរៀន",
	          [L_LESSONS_ONE] = "{n} មេរៀន",
	          [L_SIZE] = "ទំហំ",
	          [L_PUBLISHER] = "អ្នកបោះពុម្ពផ្សាយ",
	          [L_REFUSED] = "កញ្ចប់មេរៀនដែលមិនបានដាក់ឱ្យប្រើ",
	          [L_REFUSED_HELP] = "កញ្ចប់ទាំងនេះមិនបង្ហាញដល់សិស្សទេ "
	                             "មូលហេតុសរសេរនៅក្បែរកញ្ចប់នីមួយៗ។",
	          [L_OPEN] = "បើកវគ្គសិក្សា",
	          [L_ADDRESS] = "បើកអាសយដ្ឋាននេះនៅលើទូរសព្ទរបស់អ្នក",
	          [L_NONE] = "មិនទាន់មានវគ្គសិក្សានៅឡើយ៖ សូមចម្លងឯកសារ .sampan "
	                     "ទៅក្នុងថតបណ្ណាល័យ",
	          [L_NO_MATCH] = "មិនមានវគ្គសិក្សាជាភាសានេះទេ",
	          [L_NOT_FOUND] = "រកមិនឃើញ",
	          [L_METHOD_NOT_ALLOWED] = "មិនអនុញ្ញាតវិធីសាស្ត្រស្នើសុំនេះទេ",
	          [L_BAD_REQUEST] = "សំណើមិនត្រឹមត្រូវ",
	          [L_ERROR] = "មានកំហុស",
	          [L_PREVIEW] = "កំណែសាកល្បង៖ មិនទាន់មានហត្ថលេខាពីអ្នកបោះពុម្ពផ្សាយដែលគួរទុកចិត្ត",
	          [L_INTERFACE] = "ភាសាចំណុចប្រទាក់",
	          [L_SEARCH] = "ស្វែងរកក្នុងវគ្គសិក្សា",
	          [L_SEARCH_BUTTON] = "ស្វែងរក",
	          [L_NO_RESULTS] = "រកមិនឃើញទេ។ សូមសាកល្បងពាក្យផ្សេង ឬពាក្យតិចជាងនេះ។",
	          [L_VIDEO_AT] = "ក្នុងវីដេអូនៅ {t}",
	          [L_NEXT] = "បន្ទាប់",
	          [L_PREVIOUS] = "មុន",
	          [L_TOO_SLOW] = "ការស្វែងរកយូរពេក។ សូមប្រើពាក្យជាក់លាក់ជាងនេះ។",
	          [L_INDEXING] = "ការស្វែងរកកំពុងរៀបចំ៖ រួចរាល់ {n} ក្នុងចំណោម {m} វគ្គសិក្សា។",
	          [L_UNAVAILABLE] = "ម៉ាស៊ីននេះមិនអាចស្វែងរកបានទេ។",
	          [L_BUSY] = "មានមនុស្សច្រើនកំពុងស្វែងរកក្នុងពេលតែមួយ។ សូមព្យាយាមម្តងទៀតបន្តិចទៀត។",
	          [L_ALL_COURSES] = "វគ្គសិក្សាទាំងអស់",
	          [L_COURSE] = "វគ្គសិក្សា",
	          [L_OPEN_LESSON] = "បើកមេរៀន",
	          [L_DID_YOU_MEAN] = "តើអ្នកចង់រក {t} មែនទេ?",
	          [L_APPROXIMATE] = "អក្ខរាវិរុទ្ធស្រដៀងគ្នា",
	  } },
	{ "lo",
	  "ລາວ",
	  '.',
	  {
	          [L_TITLE] = "ຫຼັກສູດ",
	          [L_FILTER] = "ພາສາ",
	          [L_ALL] = "ທຸກພາສາ",
	          [L_LESSONS] = "{n} ບົດຮຽນ",
	          [L_LESSONS_ONE] = "{n} ບົດຮຽນ",
	          [L_SIZE] = "ຂະໜາດ",
	          [L_PUBLISHER] = "ຜູ້ເຜີຍແຜ່",
	          [L_REFUSED] = "ຊຸດບົດຮຽນທີ່ບໍ່ໄດ້ເປີດໃຫ້ໃຊ້",
	          [L_REFUSED_HELP] = "ຊຸດບົດຮຽນເຫຼົ່ານີ້ບໍ່ສະແດງໃຫ້ນັກຮຽນເຫັນ ເຫດຜົນຂຽນໄວ້ຂ້າງແຕ່ລະລາຍການ.",
	          [L_OPEN] = "ເປີດຫຼັກສູດ",
	          [L_ADDRESS] = "ເປີດທີ່ຢູ່ນີ້ໃນໂທລະສັບຂອງທ່ານ",
	          [L_NONE] = "ຍັງບໍ່ມີຫຼັກສູດ: ສຳເນົາໄຟລ໌ .sampan ໃສ່ໂຟນເດີຫ້ອງສະໝຸດ",
	          [L_NO_MATCH] = "ບໍ່ມີຫຼັກສູດໃນພາສານີ້",
	          [L_NOT_FOUND] = "ບໍ່ພົບໜ້ານີ້",
	          [L_METHOD_NOT_ALLOWED] = "ບໍ່ຮອງຮັບຄຳຂໍປະເພດນີ້",
	          [L_BAD_REQUEST] = "ຄຳຂໍບໍ່ຖືກຕ້ອງ",
	          [L_ERROR] = "ເກີດຂໍ້ຜິດພາດ",
	          [L_PREVIEW] = "ສະບັບທົດລອງ: ບໍ່ໄດ້ລົງລາຍເຊັນໂດຍຜູ້ເຜີຍແຜ່ທີ່ເຊື່ອຖືໄດ້",
	          [L_INTERFACE] = "ພາສາຂອງໜ້າຈໍ",
	          [L_SEARCH] = "ຊອກຫາໃນວິຊາຮຽນ",
	          [L_SEARCH_BUTTON] = "ຊອກຫາ",
	          [L_NO_RESULTS] = "ບໍ່ພົບ. ລອງໃຊ້ຄຳອື່ນ ຫຼື ໃຊ້ຄຳໜ້ອຍລົງ.",
	          [L_VIDEO_AT] = "ໃນວິດີໂອທີ່ {t}",
	          [L_NEXT] = "ຕໍ່ໄປ",
	          [L_PREVIOUS] = "ກ່ອນໜ້າ",
	          [L_TOO_SLOW] = "ການຊອກຫາໃຊ້ເວລາດົນເກີນໄປ. ລອງໃຊ້ຄຳທີ່ສະເພາະກວ່ານີ້.",
	          [L_INDEXING] = "ການຊອກຫາຍັງກຽມບໍ່ແລ້ວ: ພ້ອມແລ້ວ {n} ຈາກ {m} ວິຊາ.",
	          [L_UNAVAILABLE] = "ເຄື່ອງນີ້ໃຊ້ການຊອກຫາບໍ່ໄດ້.",
	          [L_BUSY] = "ມີຫຼາຍຄົນຊອກຫາພ້ອມກັນ. ກະລຸນາລອງໃໝ່ໃນອີກບໍ່ດົນ.",
	          [L_ALL_COURSES] = "ທຸກວິຊາ",
	          [L_COURSE] = "ວິຊາ",
	          [L_OPEN_LESSON] = "ເປີດບົດຮຽນ",
	          [L_DID_YOU_MEAN] = "ທ່ານໝາຍເຖິງ {t} ບໍ?",
	          [L_APPROXIMATE] = "ການສະກົດທີ່ຄ້າຍຄືກັນ",
	  } },
	{ "my",
	  "မြန်မာ",
	  '.',
	  {
	          [L_TITLE] = "သင်တန်းများ",
	          [L_FILTER] = "ဘာသာစကား",
	          [L_ALL] = "ဘာသာစကား အားလုံး",
	          [L_LESSONS] = "သင်ခန်းစာ {n} ခု",
	          [L_LESSONS_ONE] = "သင်ခန်းစာ {n} ခု",
	          [L_SIZE] = "အရွယ်အစား",
	          [L_PUBLISHER] = "ထုတ်ဝေသူ",
	          [L_REFUSED] = "ဖွင့်မပေးထားသော သင်တန်းဖိုင်များ",
	          [L_REFUSED_HELP] = "ဤဖိုင်များကို ကျောင်းသားများအား မပြပါ။ "
	                             "အကြောင်းရင်းကို ဖိုင်တစ်ခုစီ၏ ဘေးတွင် ရေးထားသည်။",
	          [L_OPEN] = "သင်တန်းကို ဖွင့်ရန်",
	          [L_ADDRESS] = "ဤလိပ်စာကို သင့်ဖုန်းတွင် ဖွင့်ပါ",
	          [L_NONE] = "သင်တန်း မရှိသေးပါ။ .sampan ဖိုင်များကို "
	                     "စာကြည့်တိုက်ဖိုင်တွဲထဲသို့ ကူးထည့်ပါ",
	          [L_NO_MATCH] = "ဤဘာသာစကားဖြင့် သင်တန်း မရှိပါ",
	          [L_NOT_FOUND] = "ရှာမတွေ့ပါ",
	          [L_METHOD_NOT_ALLOWED] = "ဤတောင်းဆိုနည်းကို ခွင့်မပြုပါ",
	          [L_BAD_REQUEST] = "တောင်းဆိုချက် မမှန်ကန်ပါ",
	          [L_ERROR] = "အမှား ဖြစ်ပေါ်ခဲ့သည်",
	          [L_PREVIEW] = "အစမ်းဗားရှင်း- ယုံကြည်ရသော ထုတ်ဝေသူ၏ လက်မှတ် မပါပါ",
	          [L_INTERFACE] = "မျက်နှာပြင် ဘာသာစကား",
	          [L_SEARCH] = "သင်ခန်းစာများတွင် ရှာရန်",
	          [L_SEARCH_BUTTON] = "ရှာရန်",
	          [L_NO_RESULTS] = "ရှာမတွေ့ပါ။ အခြားစကားလုံး သို့မဟုတ် စကားလုံးနည်းနည်းဖြင့် ရှာကြည့်ပါ။",
	          [L_VIDEO_AT] = "ဗီဒီယိုထဲ {t} တွင်",
	          [L_NEXT] = "နောက်သို့",
	          [L_PREVIOUS] = "ရှေ့သို့",
	          [L_TOO_SLOW] = "ရှာဖွေမှု အချိန်ကြာလွန်းပါသည်။ ပိုတိကျသော စကားလုံးများ သုံးပါ။",
	          [L_INDEXING] = "ရှာဖွေမှုကို ပြင်ဆင်နေဆဲ: သင်ခန်းစာ {m} ခုအနက် {n} ခု အဆင်သင့်။",
	          [L_UNAVAILABLE] = "ဤစက်တွင် ရှာဖွေမှု မရနိုင်ပါ။",
	          [L_BUSY] = "လူအများ တစ်ပြိုင်နက် ရှာနေကြသည်။ ခဏနေမှ ထပ်ကြိုးစားပါ။",
	          [L_ALL_COURSES] = "သင်ခန်းစာအားလုံး",
	          [L_COURSE] = "သင်ခန်းစာ",
	          [L_OPEN_LESSON] = "သင်ခန်းစာကို ဖွင့်ရန်",
	          [L_DID_YOU_MEAN] = "{t} ကို ဆိုလိုပါသလား။",
	          [L_APPROXIMATE] = "ဆင်တူသော စာလုံးပေါင်း",
	  } },
	{ "ms",
	  "Bahasa Melayu",
	  '.',
	  {
	          [L_TITLE] = "Kursus",
	          [L_FILTER] = "Bahasa",
	          [L_ALL] = "Semua bahasa",
	          [L_LESSONS] = "{n} pelajaran",
	          [L_LESSONS_ONE] = "{n} pelajaran",
	          [L_SIZE] = "Saiz",
	          [L_PUBLISHER] = "Penerbit",
	          [L_REFUSED] = "Pakej yang tidak disediakan",
	          [L_REFUSED_HELP] = "Pakej ini tidak ditunjukkan kepada pelajar; sebabnya "
	                             "tertulis di sebelah setiap satu.",
	          [L_OPEN] = "Buka kursus",
	          [L_ADDRESS] = "Buka alamat ini pada telefon anda",
	          [L_NONE] = "Belum ada kursus: salin fail .sampan ke dalam folder pustaka",
	          [L_NO_MATCH] = "Tiada kursus dalam bahasa ini",
	          [L_NOT_FOUND] = "Tidak dijumpai",
	          [L_METHOD_NOT_ALLOWED] = "Kaedah tidak dibenarkan",
	          [L_BAD_REQUEST] = "Permintaan tidak sah",
	          [L_ERROR] = "Ralat",
	          [L_PREVIEW] = "Pratonton: tidak ditandatangani oleh penerbit yang dipercayai",
	          [L_INTERFACE] = "Bahasa antara muka",
	          [L_SEARCH] = "Cari dalam kursus",
	          [L_SEARCH_BUTTON] = "Cari",
	          [L_NO_RESULTS] = "Tiada hasil. Cuba perkataan lain, atau kurangkan perkataan.",
	          [L_VIDEO_AT] = "Dalam video pada {t}",
	          [L_NEXT] = "Seterusnya",
	          [L_PREVIOUS] = "Sebelumnya",
	          [L_TOO_SLOW] =
	                  "Carian mengambil masa terlalu lama. Cuba perkataan yang lebih khusus.",
	          [L_INDEXING] = "Carian masih disediakan: {n} daripada {m} kursus sedia.",
	          [L_UNAVAILABLE] = "Carian tidak tersedia pada pemain ini.",
	          [L_BUSY] = "Ramai orang sedang mencari serentak. Cuba lagi sebentar lagi.",
	          [L_ALL_COURSES] = "Semua kursus",
	          [L_COURSE] = "Kursus",
	          [L_OPEN_LESSON] = "Buka pelajaran",
	          [L_DID_YOU_MEAN] = "Adakah anda maksudkan {t}?",
	          [L_APPROXIMATE] = "Ejaan yang hampir sama",
	  } },
	{ "id",
	  "Bahasa Indonesia",
	  ',',
	  {
	          [L_TITLE] = "Kursus",
	          [L_FILTER] = "Bahasa",
	          [L_ALL] = "Semua bahasa",
	          [L_LESSONS] = "{n} pelajaran",
	          [L_LESSONS_ONE] = "{n} pelajaran",
	          [L_SIZE] = "Ukuran",
	          [L_PUBLISHER] = "Penerbit",
	          [L_REFUSED] = "Paket yang tidak ditampilkan",
	          [L_REFUSED_HELP] = "Paket-paket ini tidak ditampilkan kepada siswa; "
	                             "alasannya tertulis di samping masing-masing.",
	          [L_OPEN] = "Buka kursus",
	          [L_ADDRESS] = "Buka alamat ini di ponsel Anda",
	          [L_NONE] = "Belum ada kursus: salin berkas .sampan ke folder pustaka",
	          [L_NO_MATCH] = "Tidak ada kursus dalam bahasa ini",
	          [L_NOT_FOUND] = "Tidak ditemukan",
	          [L_METHOD_NOT_ALLOWED] = "Metode tidak diizinkan",
	          [L_BAD_REQUEST] = "Permintaan tidak valid",
	          [L_ERROR] = "Terjadi kesalahan",
	          [L_PREVIEW] = "Pratinjau: tidak ditandatangani oleh penerbit tepercaya",
	          [L_INTERFACE] = "Bahasa antarmuka",
	          [L_SEARCH] = "Cari di kursus",
	          [L_SEARCH_BUTTON] = "Cari",
	          [L_NO_RESULTS] = "Tidak ditemukan. Coba kata lain, atau lebih sedikit kata.",
	          [L_VIDEO_AT] = "Di video pada {t}",
	          [L_NEXT] = "Berikutnya",
	          [L_PREVIOUS] = "Sebelumnya",
	          [L_TOO_SLOW] = "Pencarian terlalu lama. Coba kata yang lebih spesifik.",
	          [L_INDEXING] = "Pencarian masih disiapkan: {n} dari {m} kursus siap.",
	          [L_UNAVAILABLE] = "Pencarian tidak tersedia di pemutar ini.",
	          [L_BUSY] = "Banyak orang mencari bersamaan. Coba lagi sebentar lagi.",
	          [L_ALL_COURSES] = "Semua kursus",
	          [L_COURSE] = "Kursus",
	          [L_OPEN_LESSON] = "Buka pelajaran",
	          [L_DID_YOU_MEAN] = "Apakah maksud Anda {t}?",
	          [L_APPROXIMATE] = "Ejaan yang mirip",
	  } },
	{ "fil",
	  "Filipino",
	  '.',
	  {
	          [L_TITLE] = "Mga kurso",
	          [L_FILTER] = "Wika",
	          [L_ALL] = "Lahat ng wika",
	          [L_LESSONS] = "{n} aralin",
	          [L_LESSONS_ONE] = "{n} aralin",
	          [L_SIZE] = "Laki",
	          [L_PUBLISHER] = "Tagapaglathala",
	          [L_REFUSED] = "Mga bundle na hindi ipinapakita",
	          [L_REFUSED_HELP] = "Hindi ipinapakita sa mga estudyante ang mga bundle na "
	                             "ito; nakasulat sa tabi ng bawat isa ang dahilan.",
	          [L_OPEN] = "Buksan ang kurso",
	          [L_ADDRESS] = "Buksan ang address na ito sa iyong telepono",
	          [L_NONE] = "Wala pang kurso: kopyahin ang mga .sampan file sa library folder",
	          [L_NO_MATCH] = "Walang kurso sa wikang ito",
	          [L_NOT_FOUND] = "Hindi natagpuan",
	          [L_METHOD_NOT_ALLOWED] = "Hindi pinapayagan ang method na ito",
	          [L_BAD_REQUEST] = "Maling kahilingan",
	          [L_ERROR] = "May naganap na error",
	          [L_PREVIEW] = "Preview: hindi pinirmahan ng pinagkakatiwalaang tagapaglathala",
	          [L_INTERFACE] = "Wika ng interface",
	          [L_SEARCH] = "Maghanap sa mga kurso",
	          [L_SEARCH_BUTTON] = "Hanapin",
	          [L_NO_RESULTS] =
	                  "Walang nahanap. Subukan ang ibang salita, o mas kaunting salita.",
	          [L_VIDEO_AT] = "Sa video sa {t}",
	          [L_NEXT] = "Susunod",
	          [L_PREVIOUS] = "Nakaraan",
	          [L_TOO_SLOW] =
	                  "Masyadong natagalan ang paghahanap. Gumamit ng mas tiyak na salita.",
	          [L_INDEXING] = "Inihahanda pa ang paghahanap: {n} sa {m} kurso ang handa na.",
	          [L_UNAVAILABLE] = "Walang paghahanap sa player na ito.",
	          [L_BUSY] = "Maraming naghahanap nang sabay. Subukang muli mamaya.",
	          [L_ALL_COURSES] = "Lahat ng kurso",
	          [L_COURSE] = "Kurso",
	          [L_OPEN_LESSON] = "Buksan ang aralin",
	          [L_DID_YOU_MEAN] = "Ang ibig mo bang sabihin ay {t}?",
	          [L_APPROXIMATE] = "Katulad na baybay",
	  } },
};

#define UI_COUNT (sizeof(ui_langs) / sizeof(ui_langs[0]))

const char *const catalog_ui_languages[] = { "en", "zh-Hans", "th", "vi", "km",
	                                     "lo", "my",      "ms", "id", "fil" };
const size_t catalog_ui_languages_count =
        sizeof(catalog_ui_languages) / sizeof(catalog_ui_languages[0]);

_Static_assert(sizeof(catalog_ui_languages) / sizeof(catalog_ui_languages[0]) == UI_COUNT,
               "catalog_ui_languages and ui_langs list the same languages");

/* The length of a tag's first subtag ("zh" of "zh-Hans"). */
static size_t primary_len(const char *tag)
{
	return strcspn(tag, "-_");
}

/*
 * The interface language for a tag: exact (case aside), then by its first
 * subtag ("zh-CN" is zh-Hans, "en-GB" English, "tl" Filipino), else English.
 */
static const struct ui_language *ui_find(const char *lang)
{
	size_t n;

	if (!lang || !*lang)
		return &ui_langs[0];
	for (size_t i = 0; i < UI_COUNT; i++)
		if (strcasecmp(ui_langs[i].tag, lang) == 0)
			return &ui_langs[i];
	n = primary_len(lang);
	if (n == 2 && strncasecmp(lang, "tl", 2) == 0)
		return ui_find("fil");
	for (size_t i = 0; i < UI_COUNT; i++) {
		const char *t = ui_langs[i].tag;
		if (primary_len(t) == n && strncasecmp(t, lang, n) == 0)
			return &ui_langs[i];
	}
	return &ui_langs[0];
}

static const char *label(const struct ui_language *u, enum label_key k)
{
	return u->label[k] ? u->label[k] : ui_langs[0].label[k];
}

const char *catalog_label(const char *lang, const char *key)
{
	const struct ui_language *u = ui_find(lang);

	if (!key)
		return "";
	for (size_t k = 0; k < L_COUNT; k++)
		if (strcmp(label_keys[k], key) == 0)
			return label(u, (enum label_key)k);
	/* An unknown key shows itself, so a missing label is visible, never a crash. */
	return key;
}

/* ---- languages by their own names ---- */

static const struct {
	const char *tag, *name;
} native_names[] = {
	{ "en", "English" },
	{ "zh", "中文" },
	{ "zh-Hans", "简体中文" },
	{ "zh-Hant", "繁體中文" },
	{ "th", "ไทย" },
	{ "vi", "Tiếng Việt" },
	{ "km", "ខ្មែរ" },
	{ "lo", "ລາວ" },
	{ "my", "မြန်မာ" },
	{ "ms", "Bahasa Melayu" },
	{ "id", "Bahasa Indonesia" },
	{ "fil", "Filipino" },
	{ "tl", "Tagalog" },
	{ "ceb", "Cebuano" },
	{ "ilo", "Ilokano" },
	{ "jv", "Basa Jawa" },
	{ "su", "Basa Sunda" },
	{ "tet", "Tetun" },
	{ "hmn", "Hmoob" },
	{ "mn", "Монгол" },
	{ "ja", "日本語" },
	{ "ko", "한국어" },
	{ "hi", "हिन्दी" },
	{ "bn", "বাংলা" },
	{ "ne", "नेपाली" },
	{ "ta", "தமிழ்" },
	{ "ur", "اردو" },
	{ "ar", "العربية" },
	{ "fr", "Français" },
	{ "es", "Español" },
	{ "pt", "Português" },
	{ "de", "Deutsch" },
	{ "ru", "Русский" },
};

/* A language's name in itself, or NULL when this table does not know it. */
static const char *native_name(const char *tag)
{
	for (size_t i = 0; i < sizeof(native_names) / sizeof(native_names[0]); i++)
		if (strcmp(native_names[i].tag, tag) == 0)
			return native_names[i].name;
	return NULL;
}

/* ---- output with escaping ---- */

struct out {
	struct sbuf b;
	bool failed;
};

static void out_init(struct out *o, size_t max)
{
	sbuf_init(&o->b, max);
	o->failed = false;
}

static void put_n(struct out *o, const char *s, size_t n)
{
	if (!o->failed && n && !sbuf_add(&o->b, s, n))
		o->failed = true;
}

static void put(struct out *o, const char *s)
{
	if (s)
		put_n(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	put(o, buf);
}

/* The page, or NULL when it did not fit or memory ran out. */
static char *out_take(struct out *o)
{
	char *s = NULL;

	if (!o->failed)
		s = sbuf_take(&o->b, NULL);
	sbuf_release(&o->b);
	return s;
}

/* Text for HTML content and attribute values (cli/html.h). */
static void put_html(struct out *o, const char *s)
{
	if (!o->failed && !html_escape_into(&o->b, s))
		o->failed = true;
}

/* A JSON string, quoted: the escapes JSON requires, U+FFFD for bytes that are not UTF-8. */
static void put_json(struct out *o, const char *s)
{
	size_t len, pos = 0, run = 0;

	if (!s) {
		put(o, "null");
		return;
	}
	put(o, "\"");
	len = strlen(s);
	while (pos < len) {
		size_t at = pos;
		uint32_t cp = 0;
		char esc[8];
		const char *rep = NULL;

		if (!utf8_next(s, len, &pos, &cp)) {
			pos = at + 1;
			rep = REPLACEMENT;
		} else if (cp == '"') {
			rep = "\\\"";
		} else if (cp == '\\') {
			rep = "\\\\";
		} else if (cp == '\b') {
			rep = "\\b";
		} else if (cp == '\f') {
			rep = "\\f";
		} else if (cp == '\n') {
			rep = "\\n";
		} else if (cp == '\r') {
			rep = "\\r";
		} else if (cp == '\t') {
			rep = "\\t";
		} else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
			/* U+2028 and U+2029 too: valid JSON, but they end a line in JavaScript. */
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			rep = esc;
		}
		if (rep) {
			put_n(o, s + run, at - run);
			put(o, rep);
			run = pos;
		}
	}
	put_n(o, s + run, len - run);
	put(o, "\"");
}

/* Percent-encode for a path segment or a query value: only A-Z a-z 0-9 - . _ ~ stay. */
static void put_pct(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[3];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			put_n(o, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		put_n(o, e, 3);
	}
}

/* A label pattern with "{n}" replaced by n, HTML-escaped. */
static void put_count(struct out *o, const struct ui_language *u, size_t n)
{
	const char *pat = label(u, n == 1 ? L_LESSONS_ONE : L_LESSONS);
	const char *at = strstr(pat, "{n}");
	char *head;

	if (!at) {
		put_html(o, pat);
		return;
	}
	head = strndup(pat, (size_t)(at - pat));
	if (!head) {
		o->failed = true;
		return;
	}
	put_html(o, head);
	free(head);
	put_u64(o, (uint64_t)n);
	put_html(o, at + 3);
}

/* "3.4 MB" (decimal megabytes, "GB" from 1000 MB; never "0.0" for a non-empty file). */
static void put_size(struct out *o, const struct ui_language *u, off_t size)
{
	uint64_t b = size > 0 ? (uint64_t)size : 0, unit = 100000, tenths;
	const char *name = "MB";
	char buf[48];

	if (b >= UINT64_C(1000000000)) {
		unit = 100000000;
		name = "GB";
	}
	tenths = b / unit + (b % unit >= unit / 2);
	if (tenths == 0 && b)
		tenths = 1;
	/* A no-break space keeps the number and its unit together. */
	snprintf(buf, sizeof(buf), "%" PRIu64 "%c%u\xC2\xA0%s", tenths / 10, u->decimal,
	         (unsigned)(tenths % 10), name);
	put(o, buf);
}

/* The last component of a path: the server's folders are nobody else's business. */
static const char *base_name(const char *path)
{
	const char *slash;

	if (!path)
		return "";
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* ---- the catalog ---- */

static bool course_has_language(const struct course *c, const char *tag)
{
	if (!c)
		return false;
	if (c->language && strcmp(c->language, tag) == 0)
		return true;
	for (size_t i = 0; i < c->languages_count; i++)
		if (strcmp(c->languages[i], tag) == 0)
			return true;
	return false;
}

/*
 * The title to show: in the interface language, else one of its variants
 * ("en-GB" for "en"), else the course's own language, else the first.
 * *lang is the title's language; NULL when there is no title.
 */
static const char *course_title(const struct course *c, const char *ui, const char **lang)
{
	const struct course_text *t = &c->title;
	size_t n = primary_len(ui), pick = t->count;

	for (size_t i = 0; i < t->count && pick == t->count; i++)
		if (strcmp(t->lang[i], ui) == 0)
			pick = i;
	for (size_t i = 0; i < t->count && pick == t->count; i++)
		if (primary_len(t->lang[i]) == n && strncmp(t->lang[i], ui, n) == 0)
			pick = i;
	for (size_t i = 0; c->language && i < t->count && pick == t->count; i++)
		if (strcmp(t->lang[i], c->language) == 0)
			pick = i;
	if (pick == t->count && t->count)
		pick = 0;
	if (pick == t->count) {
		*lang = NULL;
		return NULL;
	}
	*lang = t->lang[pick];
	return t->text[pick];
}

static int compare_tags(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The languages of every course, sorted, each once; *n of them.  NULL (n 0) or malloc'd. */
static const char **all_languages(const struct lib_snapshot *s, size_t *n)
{
	size_t total = 0, k = 0;
	const char **tags;

	*n = 0;
	for (size_t i = 0; i < s->count; i++)
		if (s->courses[i]->course)
			total += s->courses[i]->course->languages_count;
	if (!total)
		return NULL;
	tags = calloc(total, sizeof(*tags));
	if (!tags)
		return NULL;
	for (size_t i = 0; i < s->count; i++) {
		const struct course *c = s->courses[i]->course;
		for (size_t j = 0; c && j < c->languages_count; j++)
			tags[k++] = c->languages[j];
	}
	qsort(tags, k, sizeof(*tags), compare_tags);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || strcmp(tags[*n - 1], tags[i]) != 0)
			tags[(*n)++] = tags[i];
	return tags;
}

static void put_head(struct out *o, const struct ui_language *u, const char *title,
                     const char *body_class)
{
	put(o, "<!DOCTYPE html>\n<html lang=\"");
	put_html(o, u->tag);
	put(o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"color-scheme\" content=\"light dark\">\n"
	       "<title>");
	put_html(o, title);
	put(o, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n</head>\n"
	       "<body class=\"");
	put(o, body_class);
	put(o, "\">\n");
}

/* "?filter=TAG&amp;lang=UI" (no filter: "?lang=UI"), for an href. */
static void put_query(struct out *o, const char *filter, const char *ui)
{
	put(o, "?");
	if (filter) {
		put(o, "filter=");
		put_pct(o, filter);
		put(o, "&amp;");
	}
	put(o, "lang=");
	put_pct(o, ui);
}

static void put_language_name(struct out *o, const char *tag)
{
	const char *name = native_name(tag);

	put_html(o, name ? name : tag);
}

static void put_filter(struct out *o, const struct ui_language *u, const char *filter,
                       const char **tags, size_t n)
{
	put(o, "<nav class=\"filter\" aria-labelledby=\"filter-h\">\n<h2 id=\"filter-h\">");
	put_html(o, label(u, L_FILTER));
	put(o, "</h2>\n<ul>\n<li><a href=\"");
	put_query(o, NULL, u->tag);
	put(o, filter ? "\">" : "\" aria-current=\"page\">");
	put_html(o, label(u, L_ALL));
	put(o, "</a></li>\n");
	for (size_t i = 0; i < n; i++) {
		bool current = filter && strcmp(filter, tags[i]) == 0;

		put(o, "<li><a href=\"");
		put_query(o, tags[i], u->tag);
		put(o, "\" lang=\"");
		put_html(o, tags[i]);
		put(o, current ? "\" aria-current=\"page\">" : "\">");
		put_language_name(o, tags[i]);
		put(o, "</a></li>\n");
	}
	put(o, "</ul>\n</nav>\n");
}

static void put_course(struct out *o, const struct ui_language *u, const struct lib_course *lc)
{
	const struct course *c = lc->course;
	const char *title_lang = NULL;
	const char *title = c ? course_title(c, u->tag, &title_lang) : NULL;

	put(o, "<li class=\"course\">\n<h2");
	if (title_lang) {
		put(o, " lang=\"");
		put_html(o, title_lang);
		put(o, "\"");
	}
	put(o, " dir=\"auto\"><a href=\"/c/");
	put_pct(o, lc->id);
	put(o, "/\">");
	put_html(o, title ? title : lc->id);
	put(o, "</a></h2>\n");
	if (lc->unsigned_preview) {
		put(o, "<p class=\"badge\">");
		put_html(o, label(u, L_PREVIEW));
		put(o, "</p>\n");
	}
	if (c && c->languages_count) {
		put(o, "<ul class=\"langs\">");
		for (size_t i = 0; i < c->languages_count; i++) {
			put(o, "<li lang=\"");
			put_html(o, c->languages[i]);
			put(o, "\">");
			put_language_name(o, c->languages[i]);
			put(o, "</li>");
		}
		put(o, "</ul>\n");
	}
	put(o, "<p class=\"lessons\">");
	put_count(o, u, c ? c->lessons_count : 0);
	put(o, "</p>\n<dl class=\"meta\">\n<div><dt>");
	put_html(o, label(u, L_SIZE));
	put(o, "</dt><dd>");
	put_size(o, u, lc->size);
	put(o, "</dd></div>\n");
	if (c && c->publisher_name) {
		put(o, "<div><dt>");
		put_html(o, label(u, L_PUBLISHER));
		put(o, "</dt><dd dir=\"auto\">");
		put_html(o, c->publisher_name);
		put(o, "</dd></div>\n");
	}
	put(o, "</dl>\n<a class=\"open\" href=\"/c/");
	put_pct(o, lc->id);
	put(o, "/\">");
	put_html(o, label(u, L_OPEN));
	put(o, "</a>\n</li>\n");
}

static void put_refused(struct out *o, const struct ui_language *u, const struct lib_snapshot *s)
{
	put(o, "<details class=\"refused\">\n<summary>");
	put_html(o, label(u, L_REFUSED));
	put(o, " (");
	put_u64(o, (uint64_t)s->refused_count);
	put(o, ")</summary>\n<p>");
	put_html(o, label(u, L_REFUSED_HELP));
	put(o, "</p>\n<ul>\n");
	for (size_t i = 0; i < s->refused_count; i++) {
		put(o, "<li><code dir=\"auto\">");
		put_html(o, base_name(s->refused[i].path));
		put(o, "</code> <span dir=\"auto\">");
		put_html(o, s->refused[i].reason);
		put(o, "</span></li>\n");
	}
	put(o, "</ul>\n</details>\n");
}

static void put_switcher(struct out *o, const struct ui_language *u, const char *filter)
{
	put(o, "<footer>\n<nav class=\"ui-lang\" aria-labelledby=\"ui-h\">\n<h2 id=\"ui-h\">");
	put_html(o, label(u, L_INTERFACE));
	put(o, "</h2>\n<ul>\n");
	for (size_t i = 0; i < UI_COUNT; i++) {
		put(o, "<li><a href=\"");
		put_query(o, filter, ui_langs[i].tag);
		put(o, "\" lang=\"");
		put(o, ui_langs[i].tag);
		put(o, "\" hreflang=\"");
		put(o, ui_langs[i].tag);
		put(o, &ui_langs[i] == u ? "\" aria-current=\"true\">" : "\">");
		put_html(o, ui_langs[i].name);
		put(o, "</a></li>\n");
	}
	put(o, "</ul>\n</nav>\n</footer>\n");
}

char *catalog_html(const struct catalog_view *v)
{
	static const struct lib_snapshot empty = { 0 };
	const struct lib_snapshot *s;
	const struct ui_language *u;
	const char *filter;
	const char **tags = NULL;
	size_t ntags = 0, shown = 0;
	struct out o;

	if (!v)
		return NULL;
	s = v->snap ? v->snap : &empty;
	/* "?filter=" with nothing after it is no filter. */
	filter = v->filter_lang && *v->filter_lang ? v->filter_lang : NULL;
	u = ui_find(v->ui_lang);
	out_init(&o, CATALOG_MAX);

	put_head(&o, u, label(u, L_TITLE), "catalog");
	put(&o, "<header class=\"top\">\n<h1>");
	put_html(&o, label(u, L_TITLE));
	put(&o, "</h1>\n");
	if (v->address || v->qr_svg) {
		put(&o, "<div class=\"join\">\n<div>\n<p class=\"join-label\">");
		put_html(&o, label(u, L_ADDRESS));
		put(&o, "</p>\n");
		if (v->address) {
			put(&o, "<p class=\"url\" dir=\"ltr\" translate=\"no\">");
			put_html(&o, v->address);
			put(&o, "</p>\n");
		}
		put(&o, "</div>\n");
		if (v->qr_svg) {
			put(&o, "<div class=\"qr\">");
			put(&o, v->qr_svg);
			put(&o, "</div>\n");
		}
		put(&o, "</div>\n");
	}
	put(&o, "</header>\n<main>\n");

	if (s->count) {
		put(&o,
		    "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\n"
		    "<label for=\"q\">");
		put_html(&o, label(u, L_SEARCH));
		put(&o, "</label>\n<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" "
		        "maxlength=\"200\">\n<input type=\"hidden\" name=\"lang\" value=\"");
		put_html(&o, u->tag);
		put(&o, "\">\n");
		if (filter) {
			put(&o, "<input type=\"hidden\" name=\"filter\" value=\"");
			put_html(&o, filter);
			put(&o, "\">\n");
		}
		put(&o, "<button type=\"submit\">");
		put_html(&o, label(u, L_SEARCH_BUTTON));
		put(&o, "</button>\n</form>\n<ul id=\"suggest\" class=\"suggest\" "
		        "aria-live=\"polite\"></ul>\n");
		tags = all_languages(s, &ntags);
		if (!tags && ntags)
			o.failed = true;
		put_filter(&o, u, filter, tags, ntags);
		put(&o, "<ul class=\"courses\">\n");
		for (size_t i = 0; i < s->count; i++) {
			const struct lib_course *lc = s->courses[i];
			if (filter && !course_has_language(lc->course, filter))
				continue;
			put_course(&o, u, lc);
			shown++;
		}
		put(&o, "</ul>\n");
		if (!shown) {
			put(&o, "<p class=\"empty\">");
			put_html(&o, label(u, L_NO_MATCH));
			put(&o, "</p>\n");
		}
	} else {
		put(&o, "<p class=\"empty\">");
		put_html(&o, label(u, L_NONE));
		put(&o, "</p>\n");
	}
	if (s->refused_count)
		put_refused(&o, u, s);
	put(&o, "</main>\n");
	put_switcher(&o, u, filter);
	if (s->count)
		put(&o, "<script src=\"/_sampan/search.js\" defer></script>\n");
	put(&o, "</body>\n</html>\n");
	free(tags);
	return out_take(&o);
}

/* ---- JSON ---- */

static void put_json_course(struct out *o, const struct lib_course *lc)
{
	const struct course *c = lc->course;

	put(o, "    {\n      \"id\": ");
	put_json(o, lc->id);
	put(o, ",\n      \"version\": ");
	put_json(o, lc->version);
	put(o, ",\n      \"title\": {");
	for (size_t i = 0; c && i < c->title.count; i++) {
		put(o, i ? ", " : "");
		put_json(o, c->title.lang[i]);
		put(o, ": ");
		put_json(o, c->title.text[i]);
	}
	put(o, "},\n      \"languages\": [");
	for (size_t i = 0; c && i < c->languages_count; i++) {
		put(o, i ? ", " : "");
		put_json(o, c->languages[i]);
	}
	put(o, "],\n      \"language\": ");
	put_json(o, c ? c->language : NULL);
	put(o, ",\n      \"lessons\": ");
	put_u64(o, c ? (uint64_t)c->lessons_count : 0);
	put(o, ",\n      \"size\": ");
	put_u64(o, lc->size > 0 ? (uint64_t)lc->size : 0);
	put(o, ",\n      \"publisher\": ");
	put_json(o, c ? c->publisher_name : NULL);
	put(o, ",\n      \"href\": \"/c/");
	put_pct(o, lc->id);
	put(o, "/\",\n      \"preview\": ");
	put(o, lc->unsigned_preview ? "true" : "false");
	put(o, "\n    }");
}

char *catalog_json(const struct lib_snapshot *snap)
{
	static const struct lib_snapshot empty = { 0 };
	const struct lib_snapshot *s = snap ? snap : &empty;
	struct out o;

	out_init(&o, CATALOG_MAX);
	put(&o, "{\n  \"generation\": ");
	put_u64(&o, s->generation);
	put(&o, ",\n  \"courses\": [");
	for (size_t i = 0; i < s->count; i++) {
		put(&o, i ? ",\n" : "\n");
		put_json_course(&o, s->courses[i]);
	}
	put(&o, s->count ? "\n  ],\n  \"refused\": [" : "],\n  \"refused\": [");
	for (size_t i = 0; i < s->refused_count; i++) {
		const struct lib_refused *r = &s->refused[i];

		put(&o, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
		put_json(&o, base_name(r->path));
		put(&o, ", \"reason\": ");
		put_json(&o, r->reason);
		put(&o, ", \"rule\": ");
		put_json(&o, r->rule == RULE_NONE ? NULL : bundle_rule_name(r->rule));
		put(&o, "}");
	}
	put(&o, s->refused_count ? "\n  ]\n}\n" : "]\n}\n");
	return out_take(&o);
}

/* ---- error pages ---- */

char *catalog_error_page(const char *ui_lang, int status, const char *detail)
{
	const struct ui_language *u = ui_find(ui_lang);
	enum label_key k = L_ERROR;
	char code[16];
	struct out o;

	if (status == 400)
		k = L_BAD_REQUEST;
	else if (status == 404)
		k = L_NOT_FOUND;
	else if (status == 405)
		k = L_METHOD_NOT_ALLOWED;
	snprintf(code, sizeof(code), "%d", status);

	out_init(&o, ERROR_PAGE_MAX);
	put(&o, "<!DOCTYPE html>\n<html lang=\"");
	put(&o, u->tag);
	put(&o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	put(&o, code);
	put(&o, " ");
	put_html(&o, label(u, k));
	put(&o, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n</head>\n"
	        "<body class=\"error\">\n<main>\n<h1><span class=\"status\">");
	put(&o, code);
	put(&o, "</span> ");
	put_html(&o, label(u, k));
	put(&o, "</h1>\n");
	if (detail && *detail) {
		put(&o, "<p dir=\"auto\">");
		put_html(&o, detail);
		put(&o, "</p>\n");
	}
	put(&o, "<p><a class=\"open\" href=\"/");
	put_query(&o, NULL, u->tag);
	put(&o, "\">");
	put_html(&o, label(u, L_TITLE));
	put(&o, "</a></p>\n</main>\n</body>\n</html>\n");
	return out_take(&o);
}

/* ---- the stylesheet ---- */

/*
 * System fonts first (nothing to download on most phones); the Khmer, Lao
 * and Burmese faces that older phones lack come from the player itself, and
 * only when a page has those characters (unicode-range).
 */
/*
 * ISO C promises string literals of 4095 bytes only: the stylesheet is kept
 * in parts and joined once.
 */
static const char *const stylesheet_parts[] = {
	"@font-face{font-family:\"Noto Sans Khmer\";font-display:swap;"
	"src:local(\"Noto Sans Khmer\"),local(\"NotoSansKhmer-Regular\"),"
	"url(\"/_sampan/fonts/NotoSansKhmer-Regular.ttf\") format(\"truetype\");"
	"unicode-range:U+1780-17FF,U+19E0-19FF,U+200B-200D,U+25CC}\n"
	"@font-face{font-family:\"Noto Sans Lao\";font-display:swap;"
	"src:local(\"Noto Sans Lao\"),local(\"NotoSansLao-Regular\"),"
	"url(\"/_sampan/fonts/NotoSansLao-Regular.ttf\") format(\"truetype\");"
	"unicode-range:U+0E80-0EFF,U+200B-200D,U+25CC}\n"
	"@font-face{font-family:\"Noto Sans Myanmar\";font-display:swap;"
	"src:local(\"Noto Sans Myanmar\"),local(\"NotoSansMyanmar-Regular\"),"
	"url(\"/_sampan/fonts/NotoSansMyanmar-Regular.ttf\") format(\"truetype\");"
	"unicode-range:U+1000-109F,U+A9E0-A9FF,U+AA60-AA7F,U+200B-200D,U+25CC}\n"
	":root{color-scheme:light dark;--bg:#fff;--fg:#111;--muted:#3d3d3d;--line:#8a8a8a;"
	"--card:#f3f5f7;--accent:#0645ad;--on-accent:#fff;--warn:#fff0b3;--on-warn:#4d3200}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0d0d0d;--fg:#f5f5f5;--muted:#d0d0d0;"
	"--line:#777;--card:#1c1e21;--accent:#9cc2ff;--on-accent:#000;--warn:#4d3a00;"
	"--on-warn:#ffe27a}}\n",
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:1.0625rem/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","
	"\"Noto Sans Thai\",\"Noto Sans Khmer\",\"Noto Sans Lao\",\"Noto Sans Myanmar\","
	"\"Noto Sans CJK SC\",\"Noto Sans SC\",\"PingFang SC\",\"Microsoft YaHei\","
	"sans-serif;overflow-wrap:break-word}\n"
	":lang(th),:lang(km),:lang(lo){line-height:1.75}\n"
	":lang(my){line-height:1.9}\n"
	"header,main,footer{max-width:75rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:2rem;line-height:1.25;margin:0 0 .75rem}\n"
	"h2{font-size:1.25rem;line-height:1.4;margin:0}\n"
	"a{color:var(--accent)}\n"
	"a:focus-visible,summary:focus-visible,input:focus-visible,select:focus-visible,"
	"button:focus-visible{outline:3px solid var(--accent);"
	"outline-offset:2px}\n"
	".join{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:center}\n"
	".join-label{margin:0;font-size:1.125rem}\n"
	".url{margin:0;font:700 clamp(1.25rem,5.8vw,3.5rem)/1.2 ui-monospace,\"Noto Sans Mono\","
	"\"DejaVu Sans Mono\",monospace;overflow-wrap:anywhere}\n"
	".qr{background:#fff;width:min(68vw,45vh,26rem);line-height:0}\n"
	".qr svg{display:block;width:100%;height:auto}\n"
	"nav h2,footer h2{font-size:1rem;font-weight:600;color:var(--muted)}\n"
	"nav ul{list-style:none;margin:.5rem 0 1rem;padding:0;display:flex;flex-wrap:wrap;"
	"gap:.5rem}\n"
	"nav a{display:inline-block;min-height:48px;min-width:48px;padding:.6rem 1rem;"
	"border:2px solid var(--line);border-radius:1.5rem;color:var(--fg);"
	"text-decoration:none}\n"
	"nav a[aria-current]{background:var(--fg);color:var(--bg);border-color:var(--fg);"
	"font-weight:700}\n"
	".courses{list-style:none;margin:0;padding:0;display:grid;gap:1rem;"
	"grid-template-columns:repeat(auto-fill,minmax(min(100%,20rem),1fr))}\n"
	".course{display:flex;flex-direction:column;gap:.5rem;padding:1rem;"
	"background:var(--card);border:1px solid var(--line);border-radius:.75rem}\n"
	".course h2 a{color:var(--fg);text-decoration:none;display:block}\n"
	".course h2 a:hover{text-decoration:underline}\n"
	".langs{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;"
	"gap:.25rem .5rem}\n"
	".langs li{padding:0 .5rem;border:1px solid var(--line);border-radius:.4rem}\n"
	".lessons{margin:0}\n"
	".meta{margin:0;display:flex;flex-wrap:wrap;gap:0 1.25rem;color:var(--muted)}\n"
	".meta div{display:flex;gap:.4rem}\n"
	".meta dt{font-weight:600}\n"
	".meta dd{margin:0}\n"
	".badge{align-self:flex-start;margin:0;padding:.15rem .6rem;border:2px solid;"
	"border-radius:.4rem;background:var(--warn);color:var(--on-warn);font-weight:700}\n"
	".open{display:block;margin-top:auto;min-height:48px;padding:.7rem 1rem;"
	"border-radius:.5rem;background:var(--accent);color:var(--on-accent);"
	"font-weight:700;text-align:center;text-decoration:none}\n"
	".empty{font-size:1.25rem;padding:2rem 1rem;border:2px dashed var(--line);"
	"border-radius:.75rem}\n"
	".refused{margin:2rem 0 0;padding-top:1rem;border-top:1px solid var(--line)}\n"
	".refused summary{min-height:48px;padding:.6rem 0;cursor:pointer;font-weight:600}\n"
	".refused li{margin:.5rem 0}\n"
	".refused code{font-weight:700}\n"
	"footer{border-top:1px solid var(--line);margin-top:2rem}\n"
	".error main{max-width:40rem}\n"
	".status{color:var(--muted)}\n",
	"form.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:0 0 1rem}\n"
	"form.search label{font-weight:600}\n"
	"form.search input[type=search],form.search select{min-height:48px;font:inherit;"
	"padding:.4rem .6rem;border:2px solid var(--line);border-radius:.5rem;"
	"background:var(--card);color:var(--fg)}\n"
	"form.search input[type=search]{flex:1 1 12rem}\n"
	"form.search button{min-height:48px;min-width:48px;font:inherit;font-weight:700;"
	"padding:.4rem 1.2rem;border:0;border-radius:.5rem;background:var(--accent);"
	"color:var(--on-accent)}\n"
	".suggest{list-style:none;margin:0 0 1rem;padding:0}\n"
	".suggest li{margin:.25rem 0}\n"
	".suggest a{display:inline-block;min-height:44px;padding:.5rem 0}\n"
	".hit-course{display:block;color:var(--muted);font-weight:400}\n"
	".results{padding-left:1.5rem}\n"
	".results li{margin:0 0 1.25rem}\n"
	".results a{display:block;min-height:44px;padding:.25rem 0;font-weight:600}\n"
	".results p{margin:.25rem 0}\n"
	".results .approx{color:var(--muted);font-size:.9rem}\n"
	".did-you-mean{font-size:1.125rem}.did-you-mean a{font-weight:700}\n"
	"mark{background:var(--warn);color:var(--on-warn)}\n"
	".pages{display:flex;gap:1rem}\n"
	".watch video{width:100%;max-height:70vh;background:#000}\n"
	"@media (min-width:60rem){.top{display:flex;justify-content:space-between;"
	"align-items:flex-start;gap:2rem}h1{font-size:3rem;flex:none}}\n"
	"@media print{:root{--bg:#fff;--fg:#000;--muted:#000;--line:#000;--card:#fff;"
	"--accent:#000;--on-accent:#000;--warn:#fff;--on-warn:#000}"
	"nav,footer,.refused,.open{display:none}.course{break-inside:avoid}"
	"a{text-decoration:none}}\n",
};

#define STYLESHEET_MAX 6144

static char stylesheet[STYLESHEET_MAX];
static pthread_once_t stylesheet_once = PTHREAD_ONCE_INIT;

static void stylesheet_join(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(stylesheet_parts) / sizeof(stylesheet_parts[0]); i++) {
		size_t len = strlen(stylesheet_parts[i]);
		if (len >= sizeof(stylesheet) - n)
			break; /* the unit test holds the whole under the maximum */
		memcpy(stylesheet + n, stylesheet_parts[i], len);
		n += len;
	}
	stylesheet[n] = '\0';
}

const char *catalog_stylesheet(void)
{
	pthread_once(&stylesheet_once, stylesheet_join);
	return stylesheet;
}
