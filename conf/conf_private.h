#ifndef COUNCIL_CONF_PRIVATE_H
#define COUNCIL_CONF_PRIVATE_H

/* Internals shared by the conf modules; not part of the public contract. */

#include <glib.h>

#include "conf/conf.h"

/* Addresses longer than this are not addresses (RFC 5321 path limit). */
#define CONF_ADDRESS_MAX 254

/* Where a setting was written. */
struct conf_place {
	const char *file;		/* as the user named it */
	int line;			/* 0: not written, the default is in force */
};

struct conf_private {
	gint refcount;
	GHashTable *places;		/* daemon key -> struct conf_place (system.c) */
	struct conf_place file_place;	/* the config file itself, line 0 */
	GStringChunk *strings;		/* every string of the loaded config */
	GPtrArray *blocks;		/* arrays owned by the config (g_free) */
	GHashTable *people;		/* normalised address -> const struct conf_person * */
	GHashTable *domains;		/* lower-case domain -> const struct conf_council * */
	GHashTable **press;		/* per council (same index): set of press domains */
	GMutex attach_lock;		/* guards attachments */
	GHashTable *attachments;	/* key -> struct conf_attached (conf_attachment) */
};

/* Errors as they are found; conf_error_list_finish() sorts them by file
   (in order of first mention) and line, keeping the order found for one line. */
struct conf_error_list {
	GArray *items;			/* struct conf_error_item */
};
struct conf_error_item {
	char *file;
	int line;
	char *text;			/* "file:line: key: message" */
};

void conf_error_list_init(struct conf_error_list *errors);
/* NULL when there were no errors; frees the list's own storage. */
struct conf_errors *conf_error_list_finish(struct conf_error_list *errors);

void conf_error_add(struct conf_error_list *errors, const char *file, int line, const char *key,
		    const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Allocation owned by the config: freed with it. */
void *conf_alloc(struct conf *conf, size_t size);
const char *conf_strdup(struct conf *conf, const char *s);

/* The closest of NAMES (NULL-terminated, or N entries) to WORD when it is
   close enough to be a likely typo, else NULL. */
const char *conf_suggest(const char *word, const char *const *names, size_t n);

/* ADDR (an SMTP path, an addr-spec, "Name <addr>") in its normal form
   (address.c), newly allocated (g_free); NULL when it is no address. FOLD
   and DELIM as in struct conf_daemon. */
char *conf_normalise(const char *addr, bool fold, char delim);
/* The domain of S (a bare domain or an address) in its normal form: lower
   case, IDNA A-labels (g_free); NULL when it is no domain name (an address
   literal is none). */
char *conf_domain_normalise(const char *s);

/* Syntax checks used by the schema: NULL when fine, else the reason
   (static text) that follows the quoted value in an error message. */
const char *conf_check_address(const char *s);
const char *conf_check_domain(const char *s);
/* An entry of except_recipients or except_senders: an address, "@domain"
   or "role:NAME" (exception.c). */
const char *conf_check_exception(const char *s);

/* Build the address and domain hashes and report duplicates. Needs the
   source positions of each address, kept by the loader. */
struct conf_address_place {
	const struct conf_person *person;
	const char *address;		/* as written */
	const char *path;		/* e.g. councils[0].officers[1].addresses[0] */
	const char *file;
	int line;
};
struct conf_domain_place {
	const struct conf_council *council;
	const char *domain;
	const char *path;
	const char *file;
	int line;
};
void conf_directory_build(struct conf *conf, const struct conf_address_place *addrs, size_t n_addrs,
			  const struct conf_domain_place *domains, size_t n_domains,
			  const struct conf_domain_place *press, size_t n_press,
			  struct conf_error_list *errors);

/* Read the shipped phrase lists from DIR and give each council its sets
   (shipped + extra). Errors name the phrase file and line. */
struct conf_phrase_extra {
	const char **phrases;
	size_t n_phrases;
};
int conf_phrases_read(struct conf *conf, const char *dir, const char *key_file, int key_line,
		      struct conf_phrases shipped_r[CONF_PHRASES_COUNT],
		      struct conf_error_list *errors);
void conf_phrases_merge(struct conf *conf, const struct conf_phrases shipped[CONF_PHRASES_COUNT],
			const struct conf_phrase_extra extra[CONF_PHRASES_COUNT],
			struct conf_phrases out[CONF_PHRASES_COUNT]);

/* A name and the value it stands for; tables end with a NULL name. */
struct schema_name {
	const char *name;
	int value;
};

/* Profiles (value: index in conf_profiles()), rules, phrase sets. */
extern const struct schema_name conf_profile_choices[];
extern const struct schema_name conf_rule_choices[];
extern const struct schema_name conf_phrase_set_choices[];

/* Where the daemon setting KEY ("user", "journal", "sendmail") was written;
   the config file, line 0, when it was not. */
const struct conf_place *conf_place_of(const struct conf *conf, const char *key);

void conf_free(struct conf *conf);

#endif
