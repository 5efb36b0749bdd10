/* import_mdbook.c - an mdBook book (book.toml, src/SUMMARY.md) read for `import`. */
#include "import.h"

bool import_mdbook(struct import *im)
{
	problems_add(im->problems, PROBLEM_ERROR, "book.toml", 0, 0, "not yet");
	return false;
}
