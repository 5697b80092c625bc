/*
 * The loader: the schema of council-milter.conf (every key once, with its
 * type, default, bounds and whether it is required) and conf_load(), which
 * walks the file against it and hands the result to council.c for the
 * checks that span keys. Every error found is reported, sorted by file and
 * line, as "file:line: key: message".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/load.h"
#include "conf/schema.h"

#ifndef COUNCIL_PHRASE_DIR
#define COUNCIL_PHRASE_DIR "/usr/share/council-milter/phrases"
#endif

/* The shipped phrase lists live where install() puts them. A binary that
   has not been installed (run from its build tree, as the tests, the demo
   and an administrator trying the judge do) finds them in its source tree
   instead, so it works without -P. An explicit phrase_dir (config or -P)
   is always used as given. */
const char *conf_default_phrase_dir(void)
{
#ifdef COUNCIL_SOURCE_PHRASE_DIR
	if (!g_file_test(COUNCIL_PHRASE_DIR, G_FILE_TEST_IS_DIR) &&
	    g_file_test(COUNCIL_SOURCE_PHRASE_DIR, G_FILE_TEST_IS_DIR))
		return COUNCIL_SOURCE_PHRASE_DIR;
#endif
	return COUNCIL_PHRASE_DIR;
}

#ifndef COUNCIL_EXTRACTOR
#define COUNCIL_EXTRACTOR "/usr/libexec/council-milter/council-extract"
#endif

/* The document reader, like the phrase lists: the installed one, or, for a
   binary run from its build tree, the one built beside it. */
const char *conf_default_document_reader(void)
{
#ifdef COUNCIL_BUILD_EXTRACTOR
	if (!g_file_test(COUNCIL_EXTRACTOR, G_FILE_TEST_IS_EXECUTABLE) &&
	    g_file_test(COUNCIL_BUILD_EXTRACTOR, G_FILE_TEST_IS_EXECUTABLE))
		return COUNCIL_BUILD_EXTRACTOR;
#endif
	return COUNCIL_EXTRACTOR;
}

#define KiB 1024LL
#define MiB (1024LL * 1024)
#define GiB (1024LL * 1024 * 1024)

#define TEXT_MAX 200		/* names, wards, parties, clauses, phrases */
#define CAPACITY_MAX 500	/* a footer sentence */
#define UNIX_PATH_MAX 107	/* sizeof(sun_path) - 1 */

/* ---- value checks: NULL when fine, else what follows the quoted value ---- */

static const char *check_socket(const char *s)
{
	const char *rest;
	char *end;
	unsigned long port;

	if (g_str_has_prefix(s, "unix:") || g_str_has_prefix(s, "local:")) {
		rest = strchr(s, ':') + 1;
		if (rest[0] != '/')
			return "has a relative socket path; expected \"unix:/absolute/path.sock\"";
		if (strlen(rest) > UNIX_PATH_MAX)
			return "has a socket path longer than 107 bytes (the system's limit)";
		return NULL;
	}
	if (g_str_has_prefix(s, "inet:") || g_str_has_prefix(s, "inet6:")) {
		rest = strchr(s, ':') + 1;
		if (!g_ascii_isdigit(rest[0]))
			return "has no port number; expected \"inet:PORT@HOST\", "
			       "e.g. \"inet:8894@127.0.0.1\"";
		port = strtoul(rest, &end, 10);
		if (port == 0 || port > 65535)
			return "has a port outside 1..65535";
		if (*end == '\0')
			return NULL;
		if (*end != '@' || end[1] == '\0')
			return "is not \"inet:PORT@HOST\"; expected e.g. \"inet:8894@127.0.0.1\"";
		return NULL;
	}
	return "is not a milter socket; expected \"unix:/path/to.sock\" or \"inet:PORT@HOST\"";
}

/* The metrics say how much mail each council sends and what it breaks:
   served to this machine only (a Prometheus elsewhere scrapes through a
   proxy or node-exporter's textfile collector). */
static const char *check_metrics_listen(const char *s)
{
	const char *rest;
	char *end;

	if (g_str_has_prefix(s, "unix:")) {
		if (s[5] != '/')
			return "has a relative socket path; expected \"unix:/absolute/path.sock\"";
		return strlen(s + 5) > UNIX_PATH_MAX ? "has a socket path longer than 107 bytes "
			"(the system's limit)" : NULL;
	}
	if (!g_str_has_prefix(s, "inet:"))
		return "is not a metrics endpoint; expected \"inet:PORT@127.0.0.1\" or "
		       "\"unix:/path/metrics.sock\"";
	rest = s + 5;
	unsigned long port = g_ascii_isdigit(rest[0]) ? strtoul(rest, &end, 10) : 0;
	if (port == 0 || port > 65535 || *end != '@')
		return "is not \"inet:PORT@HOST\" with a port from 1 to 65535; expected e.g. "
		       "\"inet:9465@127.0.0.1\"";
	const char *host = end + 1;
	if (strcmp(host, "localhost") != 0 && strcmp(host, "::1") != 0 &&
	    !g_str_has_prefix(host, "127."))
		return "is not on loopback: the metrics are served to this machine only "
		       "(127.0.0.1, ::1 or localhost); a Prometheus elsewhere scrapes them "
		       "through a proxy, or use textfile";
	return NULL;
}

static const char *check_prom(const char *s)
{
	if (s[0] != '/')
		return "is not an absolute path; expected e.g. "
		       "\"/var/lib/prometheus/node-exporter/council-milter.prom\"";
	return g_str_has_suffix(s, ".prom") ? NULL : "does not end in \".prom\", the only "
		"files node-exporter's textfile collector reads";
}

static const char *check_account(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._-", *p) == NULL)
			return "is not a user or group name; expected letters, digits, "
			       "'.', '_' or '-'";
	}
	return NULL;
}

static const char *check_absolute(const char *s)
{
	return s[0] == '/' ? NULL : "is not an absolute path; expected e.g. \"/usr/sbin/sendmail\"";
}

/* The language layer reads WordNet's lexicon from here (policy/lexicon.c);
   the full check, that it holds the whole lexicon, is policy_prepare's. */
static const char *check_wordnet(const char *s)
{
	char *verbs;
	bool ok;

	if (s[0] != '/')
		return "is not an absolute path; expected e.g. \"/usr/share/wordnet\"";
	verbs = g_build_filename(s, "index.verb", NULL);
	ok = g_file_test(verbs, G_FILE_TEST_IS_REGULAR);
	g_free(verbs);
	return ok ? NULL : "holds no WordNet lexicon (index.verb); expected the folder the "
			   "wordnet-base package installs, \"/usr/share/wordnet\"";
}

/* One program, run without a shell (spawn.c): anything a shell would read
   as more than a path is part of its name here, so it is refused. */
static const char *check_program(const char *s)
{
	if (s[0] != '/')
		return check_absolute(s);
	if (s[strcspn(s, " \t")] != '\0')
		return "has a space: it is one program, run without a shell, so it takes no "
		       "arguments; expected e.g. \"/usr/sbin/sendmail\"";
	if (s[strcspn(s, ";&|<>()$`\\\"'*?[]{}~!#")] != '\0')
		return "holds shell syntax: it is one program, run without a shell; expected "
		       "e.g. \"/usr/sbin/sendmail\"";
	return NULL;
}

static const char *check_authserv(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr(".-_", *p) == NULL)
			return "is not a host name; expected e.g. \"mail.example.org\"";
	}
	return NULL;
}

static const char *check_delimiter(const char *s)
{
	if (s[1] != '\0')
		return "is not one character; expected e.g. \"+\" or \"-\"";
	if (g_ascii_isalnum(s[0]) || s[0] == '@' || s[0] == ' ' || (unsigned char)s[0] >= 0x80)
		return "cannot separate a tag; expected a punctuation character such as \"+\"";
	return NULL;
}

/* The web page's address as a person types it into a browser: notices
   link to it. Nothing a letter or an HTML attribute would read as more than
   one address. */
static const char *check_url(const char *s)
{
	const char *host = g_str_has_prefix(s, "https://") ? s + 8 :
		g_str_has_prefix(s, "http://") ? s + 7 : NULL;

	if (host == NULL)
		return "is not a web address; expected e.g. "
		       "\"https://mail.example-pc.gov.uk/review\"";
	if (*host == '\0' || *host == '/')
		return "has no host name; expected e.g. \"https://mail.example-pc.gov.uk/review\"";
	for (const char *p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("\"'<>\\`{}|^?#", *p) != NULL)
			return "has a character a web address cannot hold as it is (a space, a "
			       "quote, '<', '?', '#' or a non-ASCII character); expected e.g. "
			       "\"https://mail.example-pc.gov.uk/review\"";
	}
	return NULL;
}

/* Where the web page listens: an IP address (IPv6 in brackets) and a port. */
static const char *check_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	char *host, *end;
	unsigned char buf[16];
	bool ok;

	if (colon == NULL || colon == s)
		return "is not ADDRESS:PORT; expected e.g. \"127.0.0.1:8027\" or \"[::1]:8027\"";
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (!g_ascii_isdigit(colon[1]) || *end != '\0' || port == 0 || port > 65535)
		return "has no port from 1 to 65535; expected e.g. \"127.0.0.1:8027\"";
	if (s[0] == '[') {
		if (colon[-1] != ']')
			return "is not ADDRESS:PORT; expected e.g. \"[::1]:8027\"";
		host = g_strndup(s + 1, colon - s - 2);
		ok = inet_pton(AF_INET6, host, buf) == 1;
	} else {
		host = g_strndup(s, colon - s);
		ok = inet_pton(AF_INET, host, buf) == 1;
	}
	g_free(host);
	return ok ? NULL : "has no IP address before the port (a host name is not taken: the "
			   "page listens on one address); expected e.g. \"127.0.0.1:8027\"";
}

static const char *check_date(const char *s)
{
	GDateYear y;
	GDateMonth m;
	GDateDay d;

	return conf_parse_date(s, &y, &m, &d) ? NULL :
		"is not a date; expected YYYY-MM-DD between 1970 and 2100, e.g. \"2027-04-01\"";
}

/* ---- the schema ---- */

static const struct schema_name action_choices[] = {
	{ "monitor", CONF_ACTION_MONITOR }, { "annotate", CONF_ACTION_ANNOTATE },
	{ "hold", CONF_ACTION_HOLD }, { "reject", CONF_ACTION_REJECT },
	{ "off", CONF_ACTION_NONE }, { NULL, 0 },
};

static const struct schema_name role_choices[] = {
	{ "clerk", CONF_ROLE_CLERK }, { "staff", CONF_ROLE_STAFF }, { NULL, 0 },
};

static const struct schema_name title_choices[] = {
	{ "mayor", CONF_TITLE_MAYOR }, { "chair", CONF_TITLE_CHAIR },
	{ "vice-chair", CONF_TITLE_VICE_CHAIR }, { "leader", CONF_TITLE_LEADER }, { NULL, 0 },
};

static const struct schema_name on_error_choices[] = {
	{ "tempfail", CONF_ON_ERROR_TEMPFAIL }, { "accept", CONF_ON_ERROR_ACCEPT },
	{ "reject", CONF_ON_ERROR_REJECT }, { NULL, 0 },
};

/* What a council's message gets when a parser limit left part of it unread:
   the rules cannot vouch for what they did not see. */
static const struct schema_name on_incomplete_choices[] = {
	{ "accept", CONF_ACTION_NONE }, { "hold", CONF_ACTION_HOLD },
	{ "reject", CONF_ACTION_REJECT }, { NULL, 0 },
};

/* What a message gets whose notice cannot go in its body (signed or
   encrypted: SPEC 4, "held or annotated by header only, as configured"). */
static const struct schema_name on_footer_refused_choices[] = {
	{ "hold", CONF_ACTION_HOLD }, { "annotate", CONF_ACTION_ANNOTATE }, { NULL, 0 },
};

static const struct schema_name on_hold_expiry_choices[] = {
	{ "return", CONF_EXPIRY_RETURN }, { "release", CONF_EXPIRY_RELEASE }, { NULL, 0 },
};

static const struct schema_name journal_failure_choices[] = {
	{ "tempfail", CONF_JOURNAL_TEMPFAIL }, { "continue", CONF_JOURNAL_CONTINUE }, { NULL, 0 },
};

static const struct schema_name mta_choices[] = {
	{ "postfix", CONF_MTA_POSTFIX }, { "sendmail", CONF_MTA_SENDMAIL }, { NULL, 0 },
};

static const struct schema_name log_level_choices[] = {
	{ "error", 0 }, { "warning", 1 }, { "info", 2 }, { "debug", 3 }, { NULL, 0 },
};

/* The syslog facilities a mail filter may sensibly log under. */
static const struct schema_name log_facility_choices[] = {
	{ "mail", 0 }, { "daemon", 1 }, { "user", 2 }, { "local0", 3 }, { "local1", 4 },
	{ "local2", 5 }, { "local3", 6 }, { "local4", 7 }, { "local5", 8 }, { "local6", 9 },
	{ "local7", 10 }, { NULL, 0 },
};

#define P(field) offsetof(struct person_load, p.field)
#define ADDRESSES(count) \
	{ .name = "addresses", .type = SCHEMA_STRINGS, .required = true, .offset = P(addresses), \
	  .count_offset = P(n_addresses), .min = 1, .check = conf_check_address, \
	  .expected = "a list of e-mail addresses [ \"name@domain\", ... ]", \
	  .item = "an e-mail address, name@domain" }
#define NAME \
	{ .name = "name", .type = SCHEMA_STRING, .required = true, .offset = P(name), \
	  .max = TEXT_MAX, .expected = "the person's name, e.g. \"Jane Smith\"" }

static const struct schema councillor_schema = {
	.section = "COUNCILLORS",
	.size = sizeof(struct person_load),
	.keys = (const struct schema_key[]) {
		NAME,
		ADDRESSES(),
		{ .name = "ward", .type = SCHEMA_STRING, .offset = P(ward), .max = TEXT_MAX,
		  .expected = "the councillor's ward, e.g. \"Town Ward\"" },
		{ .name = "titles", .type = SCHEMA_FLAGS, .offset = P(titles),
		  .names = title_choices, .noun = "title", .item = "a title" },
		{ .name = "party", .type = SCHEMA_STRING, .offset = P(party), .max = TEXT_MAX,
		  .expected = "the councillor's party, e.g. \"Independent\"" },
		{ .name = "capacity", .type = SCHEMA_STRING, .offset = P(capacity),
		  .max = CAPACITY_MAX, .expected = "a sentence for the footer, e.g. "
		  "\"Cllr Smith writes as ward member for Town Ward.\"" },
		{ .name = NULL },
	},
};

static const struct schema officer_schema = {
	.section = "OFFICERS",
	.size = sizeof(struct person_load),
	.keys = (const struct schema_key[]) {
		NAME,
		ADDRESSES(),
		{ .name = "role", .type = SCHEMA_ENUM, .offset = P(role),
		  .def_num = CONF_ROLE_STAFF, .names = role_choices, .noun = "role" },
		{ .name = NULL },
	},
};
#undef NAME
#undef ADDRESSES
#undef P

#define R(field) offsetof(struct rule_load, field)
static const struct schema rule_schema = {
	.section = "RULE SETTINGS",
	.size = sizeof(struct rule_load),
	.keys = (const struct schema_key[]) {
		{ .name = "action", .type = SCHEMA_ENUM, .offset = R(action), .def_num = -1,
		  .names = action_choices, .noun = "action" },
		{ .name = "clause", .type = SCHEMA_STRING, .offset = R(clause), .max = TEXT_MAX,
		  .expected = "the clause to cite, e.g. \"12.1\"" },
		{ .name = "include_staff", .type = SCHEMA_BOOL, .offset = R(include_staff) },
		{ .name = "copy_clerk", .type = SCHEMA_BOOL, .offset = R(copy_clerk) },
		{ .name = "except_recipients", .type = SCHEMA_STRINGS,
		  .offset = R(except_recipients), .count_offset = R(n_except_recipients),
		  .check = conf_check_exception, .max = CONF_ADDRESS_MAX + 1,
		  .item = "an address, \"@domain\" or \"role:NAME\"",
		  .expected = "a list of recipients the rule does not apply to "
			      "[ \"name@domain\", \"@domain\", \"role:clerk\" ]" },
		{ .name = "except_senders", .type = SCHEMA_STRINGS,
		  .offset = R(except_senders), .count_offset = R(n_except_senders),
		  .check = conf_check_exception, .max = CONF_ADDRESS_MAX + 1,
		  .item = "an address, \"@domain\" or \"role:NAME\"",
		  .expected = "a list of senders the rule does not apply to "
			      "[ \"name@domain\", \"@domain\", \"role:clerk\" ]" },
		{ .name = NULL },
	},
};
#undef R

static const struct schema period_schema = {
	.section = "PRE-ELECTION PERIOD",
	.size = sizeof(struct period_load),
	.keys = (const struct schema_key[]) {
		{ .name = "start", .type = SCHEMA_STRING, .required = true,
		  .offset = offsetof(struct period_load, start), .check = check_date,
		  .expected = "the first day, YYYY-MM-DD" },
		{ .name = "end", .type = SCHEMA_STRING, .required = true,
		  .offset = offsetof(struct period_load, end), .check = check_date,
		  .expected = "the last day (polling day), YYYY-MM-DD" },
		{ .name = NULL },
	},
};

static const struct schema_key rule_elem = {
	.name = "(rule)", .type = SCHEMA_GROUP, .offset = 0, .sub = &rule_schema,
};

static const struct schema_key phrases_elem = {
	.name = "(phrases)", .type = SCHEMA_STRINGS, .max = TEXT_MAX,
	.offset = offsetof(struct conf_phrase_extra, phrases),
	.count_offset = offsetof(struct conf_phrase_extra, n_phrases),
	.expected = "a list of phrases [ \"...\", ... ]", .item = "a phrase",
};

#define C(field) offsetof(struct council_load, field)
static const struct schema council_schema = {
	.section = "COUNCILS",
	.size = sizeof(struct council_load),
	.keys = (const struct schema_key[]) {
		{ .name = "name", .type = SCHEMA_STRING, .required = true, .offset = C(c.name),
		  .max = TEXT_MAX,
		  .expected = "the council's name, e.g. \"Ashcombe Parish Council\"" },
		{ .name = "profile", .type = SCHEMA_KEYWORD, .required = true, .offset = C(profile),
		  .names = conf_profile_choices, .noun = "profile" },
		{ .name = "domains", .type = SCHEMA_STRINGS, .required = true, .min = 1,
		  .offset = C(c.domains), .count_offset = C(c.n_domains),
		  .check = conf_check_domain, .item = "a domain name",
		  .expected = "a list of the council's mail domains [ \"example-pc.gov.uk\" ]" },
		{ .name = "clerk", .type = SCHEMA_STRING, .required = true, .offset = C(c.clerk),
		  .check = conf_check_address,
		  .expected = "the Clerk's address (an officer with role \"clerk\")" },
		{ .name = "review_to", .type = SCHEMA_STRING, .offset = C(c.review_to),
		  .check = conf_check_address,
		  .expected = "the address that reviews held mail (default: the Clerk)" },
		{ .name = "press_domains", .type = SCHEMA_STRINGS, .offset = C(c.press_domains),
		  .count_offset = C(c.n_press_domains), .check = conf_check_domain,
		  .item = "a domain name",
		  .expected = "a list of press domains [ \"example-gazette.co.uk\" ]" },
		{ .name = "councillors", .type = SCHEMA_GROUPS, .offset = C(councillors),
		  .count_offset = C(n_councillors), .sub = &councillor_schema,
		  .expected = "a list of councillors ( { name = \"...\"; addresses = [ ... ]; }, "
			      "... )" },
		{ .name = "officers", .type = SCHEMA_GROUPS, .offset = C(officers),
		  .count_offset = C(n_officers), .sub = &officer_schema,
		  .expected = "a list of officers ( { name = \"...\"; addresses = [ ... ]; "
			      "role = \"clerk\"; }, ... )" },
		{ .name = "rules", .type = SCHEMA_MAP, .offset = C(rules),
		  .names = conf_rule_choices,
		  .noun = "rule id", .elem = &rule_elem, .stride = sizeof(struct rule_load),
		  .expected = "a group of rule settings "
			      "{ silent-copy = { action = \"hold\"; }; }" },
		{ .name = "phrases", .type = SCHEMA_MAP, .offset = C(phrases),
		  .names = conf_phrase_set_choices, .noun = "phrase set", .elem = &phrases_elem,
		  .stride = sizeof(struct conf_phrase_extra),
		  .expected = "a group of phrase lists { instruction = [ \"...\" ]; }" },
		{ .name = "on_hold_expiry", .type = SCHEMA_ENUM, .offset = C(c.on_hold_expiry),
		  .def_num = CONF_EXPIRY_RETURN, .names = on_hold_expiry_choices,
		  .noun = "on_hold_expiry value" },
		{ .name = "pre_election", .type = SCHEMA_GROUP, .offset = C(pre_election),
		  .sub = &period_schema,
		  .expected = "a group { start = \"YYYY-MM-DD\"; end = \"YYYY-MM-DD\"; }" },
		{ .name = NULL },
	},
};
#undef C

#define L(field) offsetof(struct limits_load, v.field)
static const struct schema limits_schema = {
	.section = "LIMITS",
	.size = sizeof(struct limits_load),
	.keys = (const struct schema_key[]) {
		{ .name = "max_message_bytes", .type = SCHEMA_SIZE, .offset = L(max_message_bytes),
		  .def_num = 64 * MiB, .min = 64 * KiB, .max = 1 * GiB, .unit = "bytes" },
		{ .name = "max_header_bytes", .type = SCHEMA_SIZE, .offset = L(max_header_bytes),
		  .def_num = 1 * MiB, .min = 8 * KiB, .max = 64 * MiB, .unit = "bytes" },
		{ .name = "max_depth", .type = SCHEMA_UINT, .offset = L(max_depth),
		  .def_num = 32, .min = 1, .max = 256, .unit = "levels" },
		{ .name = "max_parts", .type = SCHEMA_UINT, .offset = L(max_parts),
		  .def_num = 1000, .min = 1, .max = 100000, .unit = "parts" },
		{ .name = "max_text_bytes", .type = SCHEMA_SIZE, .offset = L(max_text_bytes),
		  .def_num = 1 * MiB, .min = 4 * KiB, .max = 64 * MiB, .unit = "bytes" },
		{ .name = "max_html_attributes", .type = SCHEMA_UINT,
		  .offset = L(max_html_attributes),
		  .def_num = 100, .min = 10, .max = 1000, .unit = "attributes" },
		{ .name = "max_html_depth", .type = SCHEMA_UINT, .offset = L(max_html_depth),
		  .def_num = 256, .min = 32, .max = 4096, .unit = "levels" },
		{ .name = "max_recipients", .type = SCHEMA_UINT, .offset = L(max_recipients),
		  .def_num = 10000, .min = 1, .max = 1000000, .unit = "recipients" },
		{ .name = "max_attachment_bytes", .type = SCHEMA_SIZE,
		  .offset = L(max_attachment_bytes), .def_num = 32 * MiB, .min = 64 * KiB,
		  .max = 1 * GiB, .unit = "bytes" },
		{ .name = "max_attachment_pages", .type = SCHEMA_UINT,
		  .offset = L(max_attachment_pages), .def_num = 2000, .min = 1, .max = 100000,
		  .unit = "pages" },
		{ .name = "max_expansion_ratio", .type = SCHEMA_UINT,
		  .offset = L(max_expansion_ratio), .def_num = 100, .min = 2, .max = 10000,
		  .unit = "bytes unpacked per byte" },
		{ .name = "max_attachment_seconds", .type = SCHEMA_UINT,
		  .offset = L(max_attachment_seconds), .def_num = 10, .min = 1, .max = 300,
		  .unit = "seconds" },
		{ .name = "max_attachment_memory", .type = SCHEMA_SIZE,
		  .offset = L(max_attachment_memory), .def_num = 256 * MiB, .min = 128 * MiB,
		  .max = 4 * GiB, .unit = "bytes" },
		{ .name = "max_attachments", .type = SCHEMA_UINT, .offset = L(max_attachments),
		  .def_num = 10, .min = 1, .max = 1000, .unit = "documents" },
		{ .name = NULL },
	},
};
#undef L

#define S(field) offsetof(struct store_load, v.field)
static const struct schema store_schema = {
	.section = "THREAD STORE",
	.size = sizeof(struct store_load),
	.keys = (const struct schema_key[]) {
		{ .name = "path", .type = SCHEMA_PATH, .offset = S(path),
		  .def_str = "/var/lib/council-milter/threads", .max = 4095 },
		{ .name = "retention_days", .type = SCHEMA_UINT, .offset = S(retention_days),
		  .def_num = 365, .min = 1, .max = 3650, .unit = "days" },
		{ .name = "max_entries", .type = SCHEMA_UINT, .offset = S(max_entries),
		  .def_num = 100000, .min = 100, .max = 10000000, .unit = "entries" },
		{ .name = NULL },
	},
};
#undef S

#define M(field) offsetof(struct metrics_load, v.field)
static const struct schema metrics_schema = {
	.section = "METRICS",
	.size = sizeof(struct metrics_load),
	.keys = (const struct schema_key[]) {
		{ .name = "listen", .type = SCHEMA_STRING, .offset = M(listen), .max = 200,
		  .check = check_metrics_listen,
		  .expected = "\"inet:PORT@127.0.0.1\" or \"unix:/path/metrics.sock\"" },
		{ .name = "textfile", .type = SCHEMA_STRING, .offset = M(textfile), .max = 4095,
		  .check = check_prom,
		  .expected = "a file for node-exporter, e.g. "
			      "\"/var/lib/prometheus/node-exporter/council-milter.prom\"" },
		{ .name = "interval", .type = SCHEMA_UINT, .offset = M(interval_seconds),
		  .def_num = 15, .min = 1, .max = 3600, .unit = "seconds" },
		{ .name = NULL },
	},
};
#undef M

#define W(field) offsetof(struct web_load, v.field)
static const struct schema web_schema = {
	.section = "WEB PAGE",
	.size = sizeof(struct web_load),
	.keys = (const struct schema_key[]) {
		{ .name = "listen", .type = SCHEMA_STRING, .offset = W(listen), .max = 64,
		  .def_str = "127.0.0.1:8027", .check = check_listen },
		{ .name = "user", .type = SCHEMA_STRING, .offset = W(user), .max = 32,
		  .def_str = "council-review-web", .check = check_account },
		{ .name = "reviewers", .type = SCHEMA_PATH, .offset = W(reviewers), .max = 4095 },
		{ .name = "helper_socket", .type = SCHEMA_PATH, .offset = W(helper_socket),
		  .max = UNIX_PATH_MAX, .def_str = "/run/council-review-helper/helper.sock" },
		{ .name = "session_idle", .type = SCHEMA_UINT, .offset = W(session_idle_minutes),
		  .def_num = 30, .min = 5, .max = 1440, .unit = "minutes" },
		{ .name = "session_lifetime", .type = SCHEMA_UINT, .offset = W(session_hours),
		  .def_num = 12, .min = 1, .max = 168, .unit = "hours" },
		{ .name = "tls_certificate", .type = SCHEMA_PATH, .offset = W(tls_certificate),
		  .max = 4095 },
		{ .name = "tls_key", .type = SCHEMA_PATH, .offset = W(tls_key), .max = 4095 },
		{ .name = "trust_proxy", .type = SCHEMA_BOOL, .offset = W(trust_proxy),
		  .def_num = true },
		{ .name = "signin_failures_account", .type = SCHEMA_UINT,
		  .offset = W(signin_failures_account), .def_num = 5, .min = 1, .max = 100,
		  .unit = "failures" },
		{ .name = "signin_failures_address", .type = SCHEMA_UINT,
		  .offset = W(signin_failures_address), .def_num = 20, .min = 1, .max = 1000,
		  .unit = "failures" },
		{ .name = "signin_lockout", .type = SCHEMA_UINT,
		  .offset = W(signin_lockout_minutes), .def_num = 15, .min = 1, .max = 1440,
		  .unit = "minutes" },
		{ .name = NULL },
	},
};
#undef W

#define D(field) offsetof(struct top_load, d.field)
static const struct schema top_schema = {
	.section = "DAEMON SETTINGS",
	.size = sizeof(struct top_load),
	.keys = (const struct schema_key[]) {
		{ .name = "socket", .type = SCHEMA_STRING, .offset = D(socket),
		  .def_str = "unix:/run/council-milter/council-milter.sock",
		  .check = check_socket },
		{ .name = "user", .type = SCHEMA_STRING, .offset = D(user), .max = 32,
		  .def_str = "council-milter", .check = check_account },
		{ .name = "socket_group", .type = SCHEMA_STRING, .offset = D(socket_group),
		  .max = 32, .def_str = "postfix", .check = check_account },
		{ .name = "socket_mode", .type = SCHEMA_OCTAL, .offset = D(socket_mode),
		  .def_num = 0660, .min = 0, .max = 0777 },
		{ .name = "journal", .type = SCHEMA_PATH, .offset = D(journal), .max = 4095,
		  .def_str = "/var/lib/council-milter/journal.jsonl" },
		{ .name = "journal_failure", .type = SCHEMA_ENUM, .offset = D(journal_failure),
		  .def_num = CONF_JOURNAL_TEMPFAIL, .names = journal_failure_choices,
		  .noun = "journal_failure value" },
		{ .name = "notice_key", .type = SCHEMA_PATH, .offset = D(notice_key), .max = 4095,
		  .def_str = "/var/lib/council-milter/notice.key" },
		{ .name = "sendmail", .type = SCHEMA_STRING, .offset = D(sendmail), .max = 4095,
		  .def_str = "/usr/sbin/sendmail", .check = check_program },
		{ .name = "mta", .type = SCHEMA_ENUM, .offset = D(mta), .def_num = CONF_MTA_POSTFIX,
		  .names = mta_choices, .noun = "mail server" },
		{ .name = "authserv_id", .type = SCHEMA_STRING, .offset = D(authserv_id),
		  .max = 253, .def_str = NULL, .check = check_authserv },
		{ .name = "log_level", .type = SCHEMA_KEYWORD, .offset = D(log_level),
		  .def_str = "info", .names = log_level_choices, .noun = "log level" },
		{ .name = "log_facility", .type = SCHEMA_KEYWORD, .offset = D(log_facility),
		  .def_str = "mail", .names = log_facility_choices, .noun = "log facility" },
		{ .name = "on_error", .type = SCHEMA_ENUM, .offset = D(on_error),
		  .def_num = CONF_ON_ERROR_TEMPFAIL, .names = on_error_choices,
		  .noun = "on_error value" },
		{ .name = "on_incomplete", .type = SCHEMA_ENUM, .offset = D(on_incomplete),
		  .def_num = CONF_ACTION_HOLD, .names = on_incomplete_choices,
		  .noun = "on_incomplete value" },
		{ .name = "on_footer_refused", .type = SCHEMA_ENUM, .offset = D(on_footer_refused),
		  .def_num = CONF_ACTION_HOLD, .names = on_footer_refused_choices,
		  .noun = "on_footer_refused value" },
		{ .name = "timeout", .type = SCHEMA_UINT, .offset = D(timeout_seconds),
		  .def_num = 300, .min = 5, .max = 3600, .unit = "seconds" },
		{ .name = "subaddress_folding", .type = SCHEMA_BOOL,
		  .offset = D(subaddress_folding), .def_num = true },
		{ .name = "subaddress_delimiter", .type = SCHEMA_CHAR,
		  .offset = D(subaddress_delimiter), .def_num = '+', .check = check_delimiter },
		{ .name = "phrase_dir", .type = SCHEMA_PATH, .offset = D(phrase_dir), .max = 4095,
		  .def_str = COUNCIL_PHRASE_DIR },
		{ .name = "wordnet_dir", .type = SCHEMA_PATH, .offset = D(wordnet_dir),
		  .max = 4095, .def_str = "/usr/share/wordnet", .check = check_wordnet },
		{ .name = "document_reader", .type = SCHEMA_STRING, .offset = D(document_reader),
		  .max = 4095, .def_str = COUNCIL_EXTRACTOR, .check = check_program },
		{ .name = "notify", .type = SCHEMA_BOOL, .offset = D(notify), .def_num = true },
		{ .name = "review_url", .type = SCHEMA_STRING, .offset = D(review_url), .max = 400,
		  .check = check_url },
		{ .name = "hold_expiry", .type = SCHEMA_UINT, .offset = D(hold_expiry_days),
		  .def_num = 7, .min = 0, .max = 90, .unit = "days" },
		{ .name = "web", .type = SCHEMA_GROUP, .offset = offsetof(struct top_load, web),
		  .sub = &web_schema },
		{ .name = "limits", .type = SCHEMA_GROUP,
		  .offset = offsetof(struct top_load, limits), .sub = &limits_schema },
		{ .name = "thread_store", .type = SCHEMA_GROUP,
		  .offset = offsetof(struct top_load, store), .sub = &store_schema },
		{ .name = "metrics", .type = SCHEMA_GROUP,
		  .offset = offsetof(struct top_load, metrics), .sub = &metrics_schema },
		{ .name = "councils", .type = SCHEMA_GROUPS, .required = true, .min = 1,
		  .offset = offsetof(struct top_load, councils),
		  .count_offset = offsetof(struct top_load, n_councils), .sub = &council_schema,
		  .expected = "a list of councils ( { name = \"...\"; profile = \"...\"; ... }, "
			      "... )" },
		{ .name = NULL },
	},
};
#undef D

const struct schema *const conf_schemas[] = {
	&top_schema, &limits_schema, &store_schema, &metrics_schema, &web_schema,
	&council_schema, &councillor_schema, &officer_schema, &rule_schema, &period_schema, NULL,
};

/* ---- conf_load ---- */

static struct conf *conf_new(const char *path)
{
	struct conf *conf = g_new0(struct conf, 1);
	char *abs = g_canonicalize_filename(path, NULL);

	conf->priv = g_new0(struct conf_private, 1);
	conf->priv->refcount = 1;
	conf->priv->strings = g_string_chunk_new(4096);
	conf->priv->blocks = g_ptr_array_new_with_free_func(g_free);
	g_mutex_init(&conf->priv->attach_lock);
	conf->path = conf_strdup(conf, abs);
	g_free(abs);
	return conf;
}

static bool readable(const char *path, struct conf_error_list *errors)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		conf_error_add(errors, path, 0, NULL, "is a folder; expected a config file");
		return false;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		conf_error_add(errors, path, 0, NULL, "cannot read the config file: %s",
			       g_strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

/* Where the settings conf_check_system speaks of were written. */
static void keep_places(struct schema_ctx *ctx, const config_setting_t *root)
{
	static const char *const keys[] = { "user", "journal", "sendmail", "document_reader" };
	struct conf *conf = ctx->conf;

	conf->priv->file_place.file = conf_strdup(conf, ctx->file);
	conf->priv->places = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const config_setting_t *s = config_setting_get_member(root, keys[i]);
		struct conf_place *p;

		if (s == NULL)
			continue;
		p = conf_alloc(conf, sizeof(*p));
		p->file = conf_strdup(conf, schema_file(ctx, s));
		p->line = schema_line(s);
		g_hash_table_insert(conf->priv->places, (gpointer)keys[i], p);
	}
}

int conf_load(const char *path, const char *phrase_dir_override, struct conf **conf_r,
	      struct conf_errors **errors_r)
{
	struct conf_error_list errors;
	struct conf *conf = conf_new(path);
	char *dir = g_path_get_dirname(conf->path);
	char *include_dir = g_path_get_dirname(path);	/* messages name files as the user does */
	struct schema_ctx ctx = {
		.conf = conf, .errors = &errors, .temp = g_ptr_array_new_with_free_func(g_free),
		.file = path, .base_dir = dir, .include_dir = include_dir,
	};
	struct top_load top;
	struct conf_scan *scan = NULL;
	config_t cfg;

	*conf_r = NULL;
	*errors_r = NULL;
	conf_error_list_init(&errors);
	config_init(&cfg);
	config_set_include_dir(&cfg, include_dir);
	if (!readable(path, &errors)) {
		/* reported */
	} else if (!conf_scan_files(path, include_dir, &scan, &errors)) {
		/* reported: too big, a line too long or no text, not for libconfig */
	} else if (!config_read_file(&cfg, path)) {
		const char *file = config_error_file(&cfg);

		conf_error_add(&errors, file != NULL ? file : path, config_error_line(&cfg), NULL,
			       "%s", config_error_text(&cfg));
	} else {
		ctx.scan = scan;
		schema_defaults(&top_schema, &top);
		schema_walk(&ctx, config_root_setting(&cfg), "", &top_schema, &top);
		conf_build(&ctx, &top, phrase_dir_override);
		keep_places(&ctx, config_root_setting(&cfg));
	}
	config_destroy(&cfg);
	conf_scan_free(&scan);
	g_ptr_array_free(ctx.temp, TRUE);
	g_free(dir);
	g_free(include_dir);

	*errors_r = conf_error_list_finish(&errors);
	if (*errors_r != NULL) {
		conf_free(conf);
		return -1;
	}
	*conf_r = conf;
	return 0;
}
