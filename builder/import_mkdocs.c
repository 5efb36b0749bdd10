/* import_mkdocs.c - a MkDocs site (mkdocs.yml, docs/) read for `import`. */
#include "import.h"

bool import_mkdocs(struct import *im)
{
	problems_add(im->problems, PROBLEM_ERROR, "mkdocs.yml", 0, 0, "not yet");
	return false;
}
