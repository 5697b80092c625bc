/* What is held: the queue's entries joined with the journal (see hold.h). */
#include "hold/hold-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "util/util.h"

struct item_private {
	JsonObject *record;		/* our decision line, NULL when none */
	struct letter_finding *findings;
};

static struct item_private *private_of(const struct hold_item *item)
{
	return item->private_;
}

static const char *member_str(JsonObject *o, const char *name)
{
	if (o == NULL || !json_object_has_member(o, name))
		return NULL;
	JsonNode *n = json_object_get_member(o, name);
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ?
		json_node_get_string(n) : NULL;
}

/* A decision (whatever it was), or a review line that ended a hold: the
   latest of them says whether a queue id is held by us now. The latest
   expiry reminder is kept too, under "remind ID" (a queue id has no
   space). */
static bool index_line(JsonObject *o, void *ctx)
{
	GHashTable *index = ctx;
	const char *qid = member_str(o, "queue_id");
	const char *event = member_str(o, "event"), *action = member_str(o, "action");
	bool review = g_strcmp0(event, "review") == 0;

	bool ended = review &&
		(g_strcmp0(action, "release") == 0 || g_strcmp0(action, "delete") == 0);

	if (qid != NULL && (g_strcmp0(event, "decision") == 0 || ended))
		g_hash_table_replace(index, g_strdup(qid), json_object_ref(o));
	if (qid != NULL && review && g_strcmp0(action, "remind") == 0)
		g_hash_table_replace(index, g_strconcat("remind ", qid, NULL), json_object_ref(o));
	return true;
}

/* How long before its arrival in the queue a decision may be dated: the
   queue file is made at MAIL FROM, the line written at the end of DATA,
   both by this machine's clock; a minute covers the second the ISO time
   drops. An older line belongs to an earlier message with the same id. */
#define DECIDED_BEFORE_ARRIVAL 60

/* RECORD was written about the message that arrived at ARRIVAL. */
static bool written_since(JsonObject *record, time_t arrival)
{
	GDateTime *t = member_str(record, "time") == NULL ? NULL :
		g_date_time_new_from_iso8601(member_str(record, "time"), NULL);
	bool ours = t != NULL &&
		g_date_time_to_unix(t) >= (gint64)arrival - DECIDED_BEFORE_ARRIVAL;
	if (t != NULL)
		g_date_time_unref(t);
	return ours;
}

/* RECORD is our decision to hold the message that arrived at ARRIVAL. */
static bool held_by_us(JsonObject *record, time_t arrival)
{
	return g_strcmp0(member_str(record, "event"), "decision") == 0 &&
	       g_strcmp0(member_str(record, "action"), "hold") == 0 &&
	       written_since(record, arrival);
}

int held_journal_index(const char *path, GHashTable **index_r, bool *eacces_r,
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

static void held_findings(struct hold_item *item)
{
	struct item_private *p = private_of(item);
	JsonArray *found = p->record != NULL && json_object_has_member(p->record, "findings") ?
		json_object_get_array_member(p->record, "findings") : NULL;
	guint n = found != NULL ? json_array_get_length(found) : 0;

	p->findings = g_new0(struct letter_finding, n + 1);
	for (guint i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element(found, i);
		JsonObject *f = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
		p->findings[i] = (struct letter_finding){ member_str(f, "rule"),
							  member_str(f, "action"),
							  member_str(f, "clause"),
							  member_str(f, "evidence") };
	}
	item->letter.findings = p->findings;
	item->letter.n_findings = n;
}

struct hold_item *held_item_new(const struct conf *conf, struct hold_entry *e,
				GHashTable *index)
{
	struct hold_item *item = g_new0(struct hold_item, 1);
	struct item_private *p = g_new0(struct item_private, 1);
	JsonObject *record = g_hash_table_lookup(index, e->queue_id);

	if (record != NULL && !held_by_us(record, e->arrival))
		record = NULL;
	item->private_ = p;
	item->entry = e;
	p->record = record != NULL ? json_object_ref(record) : NULL;
	item->in_journal = record != NULL;
	char *remind_key = g_strconcat("remind ", e->queue_id, NULL);
	JsonObject *reminder = g_hash_table_lookup(index, remind_key);
	item->reminded = reminder != NULL && written_since(reminder, e->arrival);
	g_free(remind_key);
	item->letter = (struct letter_held){
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
	if (item->letter.submitter == NULL)
		item->letter.submitter = e->sender;
	item->hold_reason = member_str(record, "hold_reason");
	held_findings(item);
	item->council = council_named(conf, member_str(record, "council"));
	if (item->council == NULL)
		item->council = council_of(conf, item->letter.author, e->sender);
	return item;
}

void hold_item_free(struct hold_item *item)
{
	if (item == NULL)
		return;
	struct item_private *p = private_of(item);
	if (p->record != NULL)
		json_object_unref(p->record);
	g_free(p->findings);
	g_free(p);
	hold_entry_free(item->entry);
	g_free(item);
}

void hold_item_json(JsonBuilder *b, const struct hold_item *item, time_t now)
{
	const struct letter_held *l = &item->letter;
	const struct hold_entry *e = item->entry;
	GDateTime *t = g_date_time_new_from_unix_utc(e->arrival);
	char *arrival = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");

	json_builder_begin_object(b);
	journal_add_string(b, "queue_id", e->queue_id);
	journal_add_string(b, "arrival_time", arrival);
	json_builder_set_member_name(b, "age_seconds");
	json_builder_add_int_value(b, now - e->arrival);
	journal_add_string(b, "council", item->council != NULL ? item->council->name : NULL);
	journal_add_string(b, "author", l->author);
	journal_add_string(b, "author_name", l->author_name);
	journal_add_string(b, "sender", e->sender);
	json_builder_set_member_name(b, "recipients");
	json_builder_begin_array(b);
	for (size_t i = 0; i < e->n_rcpts; i++) {
		char *visible = util_text_visible(e->rcpts[i], -1);
		json_builder_add_string_value(b, visible);
		g_free(visible);
	}
	json_builder_end_array(b);
	journal_add_string(b, "subject", l->subject);
	journal_add_string(b, "message_id", l->message_id);
	json_builder_set_member_name(b, "rules");
	json_builder_begin_array(b);
	for (size_t i = 0; i < l->n_findings; i++) {
		json_builder_begin_object(b);
		journal_add_string(b, "id", l->findings[i].rule);
		journal_add_string(b, "action", l->findings[i].action);
		journal_add_string(b, "clause", l->findings[i].clause);
		journal_add_string(b, "evidence", l->findings[i].evidence);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	journal_add_string(b, "hold_reason", item->hold_reason);
	json_builder_set_member_name(b, "in_journal");
	json_builder_add_boolean_value(b, item->in_journal);
	json_builder_end_object(b);
	g_free(arrival);
	g_date_time_unref(t);
}
