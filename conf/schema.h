#ifndef COUNCIL_CONF_SCHEMA_H
#define COUNCIL_CONF_SCHEMA_H

/*
 * The schema engine: a table declares every key once (type, default,
 * bounds, required-ness, where it is stored) and one walker checks a
 * libconfig group against it, storing values and reporting every error
 * (unknown keys with the nearest valid one, wrong types, missing keys,
 * values out of bounds) as "file:line: key: message". Nothing here logs.
 */

#include <libconfig.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/conf_private.h"
#include "conf/scan.h"

enum schema_type {
	SCHEMA_STRING,		/* const char *; UTF-8, no control characters */
	SCHEMA_PATH,		/* const char *; relative to the config file's folder */
	SCHEMA_BOOL,		/* bool */
	SCHEMA_UINT,		/* unsigned, min..max */
	SCHEMA_SIZE,		/* size_t, min..max */
	SCHEMA_OCTAL,		/* unsigned, from an octal string such as "0660" */
	SCHEMA_CHAR,		/* char, from a one-character string */
	SCHEMA_KEYWORD,		/* const char * (the static name), one of names[] */
	SCHEMA_ENUM,		/* int (names[].value), one of names[] */
	SCHEMA_FLAGS,		/* unsigned, OR of the names[].value listed */
	SCHEMA_STRINGS,		/* const char **, count at count_offset */
	SCHEMA_GROUP,		/* embedded struct described by sub */
	SCHEMA_GROUPS,		/* list of groups: array of sub->size, count at count_offset */
	SCHEMA_MAP,		/* group keyed by names[]: slot value * stride, walked as elem */
};

struct schema;

struct schema_key {
	const char *name;
	enum schema_type type;
	bool required;
	size_t offset;
	size_t count_offset;		/* STRINGS, GROUPS */
	const char *def_str;		/* STRING, PATH, KEYWORD, OCTAL defaults */
	long long def_num;		/* BOOL, UINT, SIZE, CHAR, ENUM defaults */
	long long min, max;		/* numbers; list lengths (min); string bytes (max) */
	const char *unit;		/* "seconds": "a number of seconds from 5 to 3600" */
	const struct schema_name *names;	/* NULL-name terminated */
	const char *noun;		/* "profile": 'unknown profile "x"' */
	const char *(*check)(const char *value);	/* strings and list elements */
	const struct schema *sub;	/* GROUP, GROUPS */
	const struct schema_key *elem;	/* MAP: how each value is read */
	size_t stride;			/* MAP */
	const char *expected;		/* what a valid value looks like, for messages */
	const char *item;		/* lists: what one element looks like */
	const char *doc;		/* one line for the man page check (optional) */
};

/* Every group struct starts with where it was found. */
struct schema_node {
	const config_setting_t *setting;	/* NULL: the group was not given */
	const char *path;
	const char *file;
	int line;
};

struct schema {
	const char *section;		/* its section in council-milter.conf(5) */
	size_t size;			/* of the target struct (GROUPS elements) */
	const struct schema_key *keys;	/* NULL-name terminated */
};

struct schema_ctx {
	struct conf *conf;		/* owns kept strings and arrays */
	struct conf_error_list *errors;
	GPtrArray *temp;		/* load-time structs, freed after loading */
	const char *file;		/* the config file as named by the user */
	const char *base_dir;		/* absolute folder of the config file */
	const char *include_dir;	/* folder of the config file as named by the user */
	const struct conf_scan *scan;	/* numbers as written (scan.c); may be NULL */
};

/* Every schema of council-milter.conf, NULL-terminated: the man page
   test checks that each key is documented with its default and bounds. */
extern const struct schema *const conf_schemas[];

/* Fill TARGET with the defaults of SCHEMA, nested groups and map slots
   included. */
void schema_defaults(const struct schema *schema, void *target);

/* Check GROUP (a libconfig group) against SCHEMA, storing into TARGET
   (defaults already applied), PATH naming it ("" for the root). */
void schema_walk(struct schema_ctx *ctx, const config_setting_t *group, const char *path,
		 const struct schema *schema, void *target);

/* Where a setting is: its file (or the config file) and line. */
const char *schema_file(struct schema_ctx *ctx, const config_setting_t *setting);
int schema_line(const config_setting_t *setting);

/* The number S holds, as written in the file ("4294967297", "0x1f"), or
   NULL when the first reading did not see it there. */
const char *schema_number_text(struct schema_ctx *ctx, const config_setting_t *s);

/* A value quoted for a message: "text" or 42; long text shortened. */
char *schema_quote(const char *s);

#endif
