/*
 * yamldoc.h - a YAML file of another tool (a Carpentries config.yaml, a
 * mkdocs.yml, a lesson's front matter) read into a small tree with libyaml,
 * for `import` to look values up.  Tags (`!!python/name:...`) are ignored;
 * aliases are refused by the size limit of libyaml's loader as they come.
 *
 * yamldoc_parse returns NULL on a syntax error, with the line and message
 * in *line and msg; free with yamldoc_free.  Nodes belong to their document.
 */
#ifndef SAMPAN_BUILDER_YAMLDOC_H
#define SAMPAN_BUILDER_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_kind { YNODE_NULL, YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_kind kind;
	char *value; /* YNODE_SCALAR: the text; else NULL */
	unsigned line; /* 1-based */
	struct ynode **items; /* YNODE_SEQ: the items; YNODE_MAP: key, value, key, value... */
	size_t count; /* items in the array (twice the pairs for a mapping) */
};

struct ydoc;

/* Parse len bytes; NULL on a syntax error (msg says it, *line where) or an empty document. */
struct ydoc *yamldoc_parse(const char *text, size_t len, unsigned *line, char *msg,
                           size_t msg_size);
void yamldoc_free(struct ydoc *d);

/* The root node (never NULL for a parsed document). */
const struct ynode *yamldoc_root(const struct ydoc *d);

/* The value of key in map, or NULL (also when map is not a mapping). */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/* The text of key in map when it is a non-empty scalar, else NULL. */
const char *ynode_str(const struct ynode *map, const char *key);

#endif
