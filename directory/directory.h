#ifndef COUNCIL_DIRECTORY_H
#define COUNCIL_DIRECTORY_H

/*
 * council-directory: a council's people, from the CSV its address book
 * exports (Microsoft 365 admin's "Export users", Google Workspace admin's
 * "Download users", a spreadsheet), merged into the configuration. The
 * program's own header, for its parts and their tests:
 *
 *   csv.c     the CSV file: RFC 4180 fields, with the line each row starts on
 *   people.c  rows -> people: columns by header name (or --map), the values
 *             checked, each bad row an error with its line
 *   cfgtext.c the configuration's text as libconfig reads it, with the byte
 *             span of every setting and value, so that an edit touches only
 *             what it changes (libconfig's own writer drops comments)
 *   merge.c   the people of the CSV against the council's in the
 *             configuration: who joins, who leaves, what changed, as edits
 *             of the text
 *   main.c    the command: the diff, the check that -n makes, --apply
 *
 * Errors: as util.h says; checks of input collect every error with its
 * line rather than stopping at the first.
 */

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "conf/conf.h"

/* ---- csv.c ---------------------------------------------------------------- */

/* Bounds on what is read: a council's address book is small. */
#define CSV_BYTES_MAX (16 * 1024 * 1024)
#define CSV_FIELDS_MAX 1000
#define CSV_ROWS_MAX 100000

struct csv_row {
	unsigned long line;		/* the line of the file it starts on */
	char **fields;			/* NULL-terminated, UTF-8 */
	size_t n_fields;
};

struct csv {
	GPtrArray *rows;		/* struct csv_row *, the header first */
	char delimiter;			/* ',', ';' or tab, as the header uses */
	const char *encoding;		/* "UTF-8" or "Windows-1252" (Excel's) */
};

/* Read DATA (LEN bytes): UTF-8 (a byte order mark skipped), else
   Windows-1252; the delimiter is the header's (comma, semicolon or tab).
   -1 with *error_r naming the line of a quote never closed or a limit. */
int csv_parse(const char *data, size_t len, struct csv **csv_r, const char **error_r);
void csv_free(struct csv **csv);

/* ---- people.c ------------------------------------------------------------- */

enum dir_field {
	DIR_NAME, DIR_FIRST_NAME, DIR_LAST_NAME, DIR_ADDRESSES, DIR_ROLE, DIR_WARD,
	DIR_TITLES, DIR_PARTY, DIR_DISABLED, DIR_FIELDS
};

/* The words of --map: name, first_name, last_name, addresses, role, ward,
   titles, party, disabled. */
extern const char *const dir_field_names[DIR_FIELDS];

/* Which columns hold what: by header name (the names Microsoft 365, Google
   Workspace and spreadsheets use), or as --map says. */
struct dir_columns {
	int column[DIR_FIELDS];		/* -1: none */
	GArray *address_columns;	/* int: every column with addresses */
	const char *shape;		/* "Microsoft 365", "Google Workspace", "spreadsheet" */
};

struct dir_person {
	unsigned long line;		/* of the CSV */
	char *name;
	char **addresses;		/* NULL-terminated, lower case, unique */
	enum conf_role role;
	char *ward;			/* NULL: empty */
	unsigned titles;		/* enum conf_title bits */
	char *party;			/* NULL: empty */
};

struct dir_people {
	GPtrArray *people;		/* struct dir_person * */
	GPtrArray *errors;		/* char *, "line N: ..." */
	GPtrArray *skipped;		/* char *, disabled accounts, "line N: ..." */
	bool has[DIR_FIELDS];		/* the CSV says this (a column for it) */
};

/* MAPS: "FIELD=COLUMN" (--map), each overriding the header names; a field
   may be given several times for addresses. -1 with *error_r when a map or
   a needed column is wrong (no row is read then). */
int dir_columns_find(const struct csv *csv, const char *const *maps,
		     struct dir_columns *columns_r, const char **error_r);
void dir_columns_clear(struct dir_columns *columns);

/* The people of CSV's rows, for COUNCIL of CONF: each row checked (an
   address, no address twice, none another council's, a known role and
   titles); the errors name the line. */
struct dir_people *dir_people_read(const struct csv *csv, const struct dir_columns *columns,
				   const struct conf *conf, const struct conf_council *council);
void dir_people_free(struct dir_people **people);

/* ---- cfgtext.c ------------------------------------------------------------ */

enum cfg_kind { CFG_SETTING, CFG_GROUP, CFG_LIST, CFG_ARRAY, CFG_SCALAR, CFG_INCLUDE };

/* A piece of a configuration file, by byte offsets into its text. */
struct cfg_node {
	enum cfg_kind kind;
	size_t start, end;		/* [start, end): the whole of it */
	/* SETTING: its name, its value (a child), and end includes the ';' or
	   ',' after it when there is one. */
	char *name;
	struct cfg_node *value;
	/* GROUP: settings and includes; LIST, ARRAY: values and includes. */
	GPtrArray *children;		/* struct cfg_node * */
	struct cfg_node *parent;
	/* SCALAR: a string's value, unescaped and joined ("a" "b"); NULL for
	   a number or a boolean. INCLUDE: the file's name as written. */
	char *string;
};

struct cfg_text {
	char *path;			/* where it was read */
	char *name;			/* as @include names it; NULL: the main file */
	struct cfg_text *parent;	/* the file that @includes it; NULL: the main file */
	struct cfg_node *via;		/* the @include in PARENT */
	char *text;
	size_t len;
	struct cfg_node *root;		/* a GROUP of the file's settings; or, for a
					   file that is one value (@include'd in a
					   list), a LIST holding it */
};

/* Read PATH as libconfig would. -1 with *error_r (file:line) on text
   libconfig would not read either. */
int cfg_text_read(const char *path, struct cfg_text **cfg_r, const char **error_r);
void cfg_text_free(struct cfg_text **cfg);

/* The setting NAME among GROUP's children, or NULL. */
struct cfg_node *cfg_member(const struct cfg_node *group, const char *name);
/* The line of byte offset AT (from 1). */
unsigned long cfg_line(const struct cfg_text *cfg, size_t at);
/* S quoted as a libconfig string (g_free). */
char *cfg_quote(const char *s);
/* The text of NODE of FILE with EDITS (struct cfg_edit *, inside NODE, sorted
   by start, not overlapping) applied (g_free). */
struct cfg_edit;
char *cfg_apply(const struct cfg_text *file, const struct cfg_node *node, GPtrArray *edits);

/* ---- merge.c -------------------------------------------------------------- */

/* One text edit: bytes [start, end) of FILE become TEXT. */
struct cfg_edit {
	struct cfg_text *file;
	size_t start, end;
	char *text;
};

struct dir_merge {
	GPtrArray *joins, *leaves, *changes;	/* char *, one line each */
	unsigned long unchanged;
	GPtrArray *files;		/* struct cfg_text *, every file read */
	GPtrArray *edits;		/* struct cfg_edit *, in no order */
};

/* Compare PEOPLE with COUNCIL's in the configuration at CONF_PATH (CONF,
   loaded from it), and make the edits that bring it in line: a person's
   settings replaced one by one, leavers removed, joiners added at the end
   of their list, everything else (comments, other councils, settings,
   rules) left byte for byte. -1 with *error_r when the council's people
   cannot be found in the text. */
int dir_merge(const char *conf_path, const struct conf *conf,
	      const struct conf_council *council, const struct dir_people *people,
	      struct dir_merge **merge_r, const char **error_r);
void dir_merge_free(struct dir_merge **merge);

/* FILE's edits (struct cfg_edit *, sorted by start; g_ptr_array_unref, the
   edits stay the merge's), empty when it has none. */
GPtrArray *dir_merge_edits(const struct dir_merge *merge, const struct cfg_text *file);

#endif
