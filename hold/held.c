/* council-review: the hold queue joined with the journal (see review.h). */
#include "review/review.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "parser/parser.h"
#include "util/util.h"

#define FIELD_MAX 998

static const char *member_str(JsonObject *o, const char *name)
{
	if (o == NULL || !json_object_has_member(o, name))
		return NULL;
	JsonNode *n = json_object_get_member(o, name);
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ?
		json_node_get_string(n) : NULL;
}

static bool index_line(JsonObject *o, void *ctx)
{
	GHashTable *index = ctx;
	const char *qid = member_str(o, "queue_id");

	if (qid != NULL && g_strcmp0(member_str(o, "event"), "decision") == 0 &&
	    g_strcmp0(member_str(o, "action"), "hold") == 0)
		g_hash_table_replace(index, g_strdup(qid), json_object_ref(o));
	return true;
}

int review_journal_index(const char *path, GHashTable **index_r, bool *eacces_r,
			 const char **error_r)
{
	GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)json_object_unref);
	char *rotated = g_strconcat(path, ".1", NULL);
	const char *files[] = { rotated, path };	/* oldest first: the latest wins */

	*eacces_r = false;
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		if (access(files[i], R_OK) < 0) {
			if (errno == ENOENT)
				continue;
			*eacces_r = errno == EACCES;
			*error_r = util_error("cannot read the journal %s: %s", files[i],
					      g_strerror(errno));
			g_hash_table_unref(index);
			g_free(rotated);
			return -1;
		}
		if (journal_foreach(files[i], index_line, index, error_r) < 0) {
			g_hash_table_unref(index);
			g_free(rotated);
			return -1;
		}
	}
	g_free(rotated);
	*index_r = index;
	return 0;
}

static const struct conf_council *council_named(const struct conf *conf, const char *name)
{
	for (size_t i = 0; name != NULL && i < conf->n_councils; i++)
		if (strcmp(conf->councils[i].name, name) == 0)
			return &conf->councils[i];
	return NULL;
}

/* The council of a message the journal does not know: its sender's. */
static const struct conf_council *council_of(const struct conf *conf, const char *author,
					     const char *sender)
{
	const struct conf_person *p = author != NULL ? conf_person_lookup(conf, author) : NULL;

	if (p != NULL)
		return p->council;
	if (author != NULL && conf_council_by_domain(conf, author) != NULL)
		return conf_council_by_domain(conf, author);
	return sender != NULL && *sender != '\0' ? conf_council_by_domain(conf, sender) : NULL;
}

static void held_findings(struct review_held *h)
{
	JsonArray *found = h->record != NULL && json_object_has_member(h->record, "findings") ?
		json_object_get_array_member(h->record, "findings") : NULL;
	guint n = found != NULL ? json_array_get_length(found) : 0;

	h->findings = g_new0(struct letter_finding, n + 1);
	for (guint i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element(found, i);
		JsonObject *f = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
		h->findings[i] = (struct letter_finding){ member_str(f, "rule"),
							  member_str(f, "action"),
							  member_str(f, "clause"),
							  member_str(f, "evidence") };
	}
	h->letter.findings = h->findings;
	h->letter.n_findings = n;
}

GPtrArray *review_join(const struct conf *conf, GPtrArray *held, GHashTable *index)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)review_held_free);

	for (guint i = 0; i < held->len; i++) {
		struct queue_entry *e = held->pdata[i];
		struct review_held *h = g_new0(struct review_held, 1);
		JsonObject *record = g_hash_table_lookup(index, e->queue_id);

		h->entry = e;
		h->record = record != NULL ? json_object_ref(record) : NULL;
		h->letter = (struct letter_held){
			.queue_id = e->queue_id,
			.message_id = member_str(record, "message_id"),
			.subject = member_str(record, "subject"),
			.author = member_str(record, "author"),
			.author_name = member_str(record, "author_name"),
			.submitter = member_str(record, "submitter"),
			.rcpts = (const char *const *)e->rcpts,
			.n_rcpts = e->n_rcpts,
			.held_at = e->arrival,
		};
		if (h->letter.submitter == NULL)
			h->letter.submitter = e->sender;
		h->hold_reason = member_str(record, "hold_reason");
		held_findings(h);
		h->council = council_named(conf, member_str(record, "council"));
		if (h->council == NULL)
			h->council = council_of(conf, h->letter.author, e->sender);
		g_ptr_array_add(out, h);
	}
	return out;
}

void review_held_free(struct review_held *h)
{
	if (h->record != NULL)
		json_object_unref(h->record);
	g_free(h->findings);
	g_free(h->subject);
	g_free(h->author);
	g_free(h->message_id);
	g_free(h);
}

void review_fill_from_message(struct review_held *h, const struct conf *conf,
			      const char *message, size_t len)
{
	struct parser_message *pm = NULL;
	const char *error;

	if (parser_parse(message, len, NULL, &pm, &error) < 0)
		return;
	const struct parser_address_list *from = &pm->fields[PARSER_FROM];
	if (h->letter.subject == NULL && *pm->subject != '\0')
		h->letter.subject = h->subject = g_strdup(pm->subject);
	if (h->letter.author == NULL && from->n > 0)
		h->letter.author = h->author = g_strdup(from->items[0].addr);
	if (h->letter.message_id == NULL && *pm->message_id != '\0')
		h->letter.message_id = h->message_id = g_strdup(pm->message_id);
	if (h->council == NULL)
		h->council = council_of(conf, h->letter.author, h->entry->sender);
	parser_message_free(&pm);
}

/* ---- output ------------------------------------------------------------- */

void review_print_safe(FILE *out, const char *s, size_t len)
{
	char *valid = g_utf8_make_valid(s, (gssize)len);

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r')
			continue;
		if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0))
			fputc('?', out);
		else
			fwrite(p, 1, g_utf8_next_char(p) - p, out);
	}
	g_free(valid);
}

static char *age_text(time_t now, time_t then)
{
	long s = (long)(now - then);

	if (then <= 0)
		return g_strdup("?");
	if (s < 120)
		return g_strdup_printf("%lds", s < 0 ? 0 : s);
	if (s < 2 * 3600)
		return g_strdup_printf("%ldm", s / 60);
	if (s < 2 * 86400)
		return g_strdup_printf("%ldh", s / 3600);
	return g_strdup_printf("%ldd", s / 86400);
}

static void line(FILE *out, const char *label, const char *value)
{
	char *clean = parser_header_sanitise(value != NULL ? value : "-", FIELD_MAX);

	fprintf(out, "  %-9s ", label);
	review_print_safe(out, clean, strlen(clean));
	fputc('\n', out);
	g_free(clean);
}

void review_print_held(FILE *out, const struct review_held *h, time_t now)
{
	const struct letter_held *l = &h->letter;
	char *age = age_text(now, h->entry->arrival);
	char *rcpts = g_strjoinv(", ", h->entry->rcpts);
	char *author = l->author_name != NULL && l->author != NULL ?
		g_strdup_printf("%s <%s>", l->author_name, l->author) : g_strdup(l->author);

	fprintf(out, "%s  held %s ago  %s\n", h->entry->queue_id, age,
		h->council != NULL ? h->council->name : "(council not known)");
	line(out, "From:", author != NULL ? author : "(not known)");
	line(out, "Sender:", *h->entry->sender != '\0' ? h->entry->sender : "<>");
	line(out, "To:", rcpts);
	line(out, "Subject:", l->subject != NULL ? l->subject : "(none)");
	for (size_t i = 0; i < l->n_findings; i++) {
		const struct letter_finding *f = &l->findings[i];
		char *why = g_strdup_printf("%s (%s, clause %s): %s", f->rule, f->action,
					    f->clause != NULL ? f->clause : "?",
					    f->evidence != NULL ? f->evidence : "");
		line(out, i == 0 ? "Why:" : "", why);
		g_free(why);
	}
	if (h->record == NULL)
		line(out, "Why:", "not in the journal (held by something else, or the "
		     "journal was rotated away)");
	g_free(age);
	g_free(rcpts);
	g_free(author);
}

static void add(JsonBuilder *b, const char *name, const char *value)
{
	journal_add_string(b, name, value);
}

void review_json_held(JsonBuilder *b, const struct review_held *h, time_t now)
{
	const struct letter_held *l = &h->letter;
	GDateTime *t = g_date_time_new_from_unix_utc(h->entry->arrival);
	char *arrival = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_begin_object(b);
	add(b, "queue_id", h->entry->queue_id);
	add(b, "arrival_time", arrival);
	json_builder_set_member_name(b, "age_seconds");
	json_builder_add_int_value(b, now - h->entry->arrival);
	add(b, "council", h->council != NULL ? h->council->name : NULL);
	add(b, "author", l->author);
	add(b, "author_name", l->author_name);
	add(b, "sender", h->entry->sender);
	json_builder_set_member_name(b, "recipients");
	json_builder_begin_array(b);
	for (size_t i = 0; i < h->entry->n_rcpts; i++)
		json_builder_add_string_value(b, h->entry->rcpts[i]);
	json_builder_end_array(b);
	add(b, "subject", l->subject);
	add(b, "message_id", l->message_id);
	json_builder_set_member_name(b, "rules");
	json_builder_begin_array(b);
	for (size_t i = 0; i < l->n_findings; i++) {
		json_builder_begin_object(b);
		add(b, "id", l->findings[i].rule);
		add(b, "action", l->findings[i].action);
		add(b, "clause", l->findings[i].clause);
		add(b, "evidence", l->findings[i].evidence);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	add(b, "hold_reason", h->hold_reason);
	json_builder_set_member_name(b, "in_journal");
	json_builder_add_boolean_value(b, h->record != NULL);
	json_builder_end_object(b);
	g_free(arrival);
	g_date_time_unref(t);
}
