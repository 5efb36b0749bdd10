/* yamldoc.c - other tools' YAML (yamldoc.h) read with libyaml's document API. */
#include "yamldoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "xalloc.h"

#define DEPTH_MAX 64
#define NODES_MAX 200000

struct ydoc {
	struct ynode *root;
	size_t nodes;
};

static void node_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->count; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

/* The tree below libyaml's node id; NULL when it is too deep or too large. */
static struct ynode *build(struct ydoc *d, yaml_document_t *doc, int id, int depth)
{
	yaml_node_t *y = yaml_document_get_node(doc, id);
	struct ynode *n;

	if (!y || depth > DEPTH_MAX || ++d->nodes > NODES_MAX)
		return NULL;
	n = xcalloc(1, sizeof(*n));
	n->line = (unsigned)y->start_mark.line + 1;
	switch (y->type) {
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)y->data.scalar.value;
		size_t len = y->data.scalar.length;
		bool plain = y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (plain && (len == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
		              strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0)) {
			n->kind = YNODE_NULL;
		} else {
			n->kind = YNODE_SCALAR;
			n->value = xstrndup(v, len);
		}
		break;
	}
	case YAML_SEQUENCE_NODE: {
		size_t cnt = (size_t)(y->data.sequence.items.top - y->data.sequence.items.start);
		n->kind = YNODE_SEQ;
		n->items = xcalloc(cnt + 1, sizeof(*n->items));
		for (size_t i = 0; i < cnt; i++) {
			n->items[i] = build(d, doc, y->data.sequence.items.start[i], depth + 1);
			n->count++;
			if (!n->items[i])
				goto fail;
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		size_t cnt = (size_t)(y->data.mapping.pairs.top - y->data.mapping.pairs.start);
		n->kind = YNODE_MAP;
		n->items = xcalloc(2 * cnt + 1, sizeof(*n->items));
		for (size_t i = 0; i < cnt; i++) {
			yaml_node_pair_t *pr = &y->data.mapping.pairs.start[i];
			n->items[2 * i] = build(d, doc, pr->key, depth + 1);
			n->count++;
			if (!n->items[2 * i])
				goto fail;
			n->items[2 * i + 1] = build(d, doc, pr->value, depth + 1);
			n->count++;
			if (!n->items[2 * i + 1])
				goto fail;
		}
		break;
	}
	default:
		n->kind = YNODE_NULL;
		break;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

struct ydoc *yamldoc_parse(const char *text, size_t len, unsigned *line, char *msg, size_t msg_size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ydoc *d = NULL;
	yaml_node_t *root;

	*line = 0;
	snprintf(msg, msg_size, "not YAML");
	if (!yaml_parser_initialize(&parser))
		xalloc_die();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*line = (unsigned)parser.problem_mark.line + 1;
		snprintf(msg, msg_size, "%s",
		         parser.problem ? parser.problem : "YAML syntax error");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(msg, msg_size, "empty");
	} else {
		d = xcalloc(1, sizeof(*d));
		d->root = build(d, &doc, 1, 0);
		if (!d->root) {
			snprintf(msg, msg_size, "nested more than %d deep or more than %d values",
			         DEPTH_MAX, NODES_MAX);
			free(d);
			d = NULL;
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return d;
}

void yamldoc_free(struct ydoc *d)
{
	if (!d)
		return;
	node_free(d->root);
	free(d);
}

const struct ynode *yamldoc_root(const struct ydoc *d)
{
	return d->root;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->items[i]->kind == YNODE_SCALAR && strcmp(map->items[i]->value, key) == 0)
			return map->items[i + 1];
	return NULL;
}

const char *ynode_str(const struct ynode *map, const char *key)
{
	const struct ynode *v = ynode_get(map, key);

	return v && v->kind == YNODE_SCALAR && v->value[0] ? v->value : NULL;
}
