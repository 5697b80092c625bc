/*
 * The report for the Clerk and the council (see audit.h): what the journal
 * says happened in a period, counted. One pass over the journal and its
 * rotations, oldest first; a hold is remembered from its decision, which may
 * be older than the period, to the review that ended it.
 */
#include "audit/audit.h"

#include <string.h>

#include "util/util.h"

const char *const report_action_names[REPORT_ACTIONS] = {
	"accept", "annotate", "hold", "reject", "tempfail",
};

/* A hold the journal records, from its decision on. */
struct hold_seen {
	gint64 decided;
	char *council;
	char *sender;			/* the author, lower case, else the envelope sender */
	char *sender_name;
	char **rules;			/* the rules whose action was hold */
	gint64 ended;			/* released, returned or expired; 0: not yet */
	bool in_scope;			/* decided in the period, for the council */
	bool not_held;			/* the MTA refused to hold it */
};

/* The last decision about a queue id, for a line that follows it. */
struct decided {
	int action;			/* enum report_action, -1: other */
	bool counted;			/* in the period's actions */
	int hold;			/* index in holds, -1: none */
};

struct build {
	struct report *r;
	gint64 since, until;
	const char *council;
	JsonParser *parser;
	GPtrArray *holds;		/* struct hold_seen * */
	GHashTable *by_qid;		/* queue id -> struct decided * */
	GHashTable *findings;		/* "rule\nclause" -> struct report_finding * */
	GHashTable *precision;		/* rule -> struct report_precision * */
	GArray *review_seconds;		/* gint64 */
};

static const char *str_member(JsonObject *o, const char *name)
{
	return journal_member_string(o, name);
}

static int action_index(const char *name)
{
	for (int i = 0; name != NULL && i < REPORT_ACTIONS; i++)
		if (strcmp(name, report_action_names[i]) == 0)
			return i;
	return -1;
}

static bool in_period(const struct build *b, gint64 t)
{
	return t >= b->since && t < b->until;
}

static bool for_council(const struct build *b, const char *council)
{
	return b->council == NULL || g_strcmp0(b->council, council) == 0;
}

static void hold_seen_free(struct hold_seen *h)
{
	g_free(h->council);
	g_free(h->sender);
	g_free(h->sender_name);
	g_strfreev(h->rules);
	g_free(h);
}

static void count_finding(struct build *b, JsonObject *f)
{
	const char *rule = str_member(f, "rule"), *clause = str_member(f, "clause");
	char *key = g_strdup_printf("%s\n%s", rule != NULL ? rule : "?",
				    clause != NULL ? clause : "");
	struct report_finding *rf = g_hash_table_lookup(b->findings, key);

	if (rf == NULL) {
		rf = g_new0(struct report_finding, 1);
		rf->rule = g_strdup(rule != NULL ? rule : "?");
		rf->clause = g_strdup(clause != NULL ? clause : "");
		g_hash_table_insert(b->findings, key, rf);
	} else {
		g_free(key);
	}
	rf->n++;
	int a = action_index(str_member(f, "action"));
	if (a >= 0)
		rf->by_action[a]++;
	else if (g_strcmp0(str_member(f, "action"), "monitor") == 0)
		rf->monitor++;
}

static JsonArray *array_member(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static struct hold_seen *hold_new(JsonObject *o, gint64 t, JsonArray *findings)
{
	struct hold_seen *h = g_new0(struct hold_seen, 1);
	const char *author = str_member(o, "author");
	GPtrArray *rules = g_ptr_array_new();

	h->decided = t;
	h->council = g_strdup(str_member(o, "council"));
	if (author == NULL || *author == '\0')
		author = str_member(o, "mail_from");
	h->sender = g_ascii_strdown(author != NULL && *author != '\0' ? author : "<>", -1);
	h->sender_name = g_strdup(str_member(o, "author_name"));
	for (guint i = 0; findings != NULL && i < json_array_get_length(findings); i++) {
		JsonNode *n = json_array_get_element(findings, i);
		JsonObject *f = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		if (f != NULL && g_strcmp0(str_member(f, "action"), "hold") == 0 &&
		    str_member(f, "rule") != NULL)
			g_ptr_array_add(rules, g_strdup(str_member(f, "rule")));
	}
	g_ptr_array_add(rules, NULL);
	h->rules = (char **)g_ptr_array_free(rules, FALSE);
	return h;
}

static void decision(struct build *b, JsonObject *o, gint64 t)
{
	const char *qid = str_member(o, "queue_id");
	const char *council = str_member(o, "council");
	JsonArray *findings = array_member(o, "findings");
	bool counted = in_period(b, t) && for_council(b, council);
	struct decided *d = g_new0(struct decided, 1);
	JsonNode *own = json_object_get_member(o, "own_notice");

	d->action = action_index(str_member(o, "action"));
	d->hold = -1;
	if (own != NULL && JSON_NODE_HOLDS_VALUE(own) && json_node_get_boolean(own)) {
		/* Our own notice, passed unjudged: not a judgement. */
		if (counted)
			b->r->notices++;
		counted = false;
	} else if (counted) {
		b->r->judged++;
		if (d->action >= 0)
			b->r->actions[d->action]++;
		else
			b->r->other_actions++;
		for (guint i = 0; findings != NULL && i < json_array_get_length(findings); i++) {
			JsonNode *n = json_array_get_element(findings, i);
			if (JSON_NODE_HOLDS_OBJECT(n))
				count_finding(b, json_node_get_object(n));
		}
	}
	d->counted = counted;
	if (d->action == REPORT_HOLD) {
		struct hold_seen *h = hold_new(o, t, findings);
		h->in_scope = counted;
		d->hold = (int)b->holds->len;
		g_ptr_array_add(b->holds, h);
	}
	if (qid != NULL)
		g_hash_table_replace(b->by_qid, g_strdup(qid), d);
	else
		g_free(d);
}

/* The MTA refused what the decision asked: a second line says what
   happened instead. */
static void refused(struct build *b, JsonObject *o)
{
	const char *qid = str_member(o, "queue_id");
	struct decided *d = qid != NULL ? g_hash_table_lookup(b->by_qid, qid) : NULL;
	int instead = action_index(str_member(o, "action"));

	if (d == NULL)
		return;
	if (d->counted && d->action >= 0 && instead >= 0 && instead != d->action) {
		b->r->actions[d->action]--;
		b->r->actions[instead]++;
	}
	if (d->hold >= 0 && instead != REPORT_HOLD)
		((struct hold_seen *)b->holds->pdata[d->hold])->not_held = true;
	d->action = instead;
}

/* A reviewer's verdict on a hold (hold/, the web page), as the journal
   spells it; -1 when there is none, -2 when it is not understood. */
static int verdict_of(JsonObject *o)
{
	const char *v = str_member(o, JOURNAL_VERDICT);

	if (v == NULL)
		return json_object_has_member(o, JOURNAL_VERDICT) ? -2 : -1;
	if (strcmp(v, JOURNAL_VERDICT_BREACH) == 0)
		return 0;
	if (strcmp(v, JOURNAL_VERDICT_ALLOWED) == 0)
		return 1;
	if (strcmp(v, JOURNAL_VERDICT_NO_BREACH) == 0)
		return 2;
	return -2;
}

static void count_verdict(struct build *b, const struct hold_seen *h, int verdict)
{
	for (size_t i = 0; h->rules[i] != NULL; i++) {
		struct report_precision *p = g_hash_table_lookup(b->precision, h->rules[i]);
		if (p == NULL) {
			p = g_new0(struct report_precision, 1);
			p->rule = g_strdup(h->rules[i]);
			g_hash_table_insert(b->precision, p->rule, p);
		}
		p->verdicts++;
		if (verdict == 0)
			p->breach++;
		else if (verdict == 1)
			p->allowed++;
		else
			p->no_breach++;
	}
}

static void review(struct build *b, JsonObject *o, gint64 t)
{
	const char *action = str_member(o, "action");
	const char *qid = str_member(o, "queue_id");
	bool release = g_strcmp0(action, "release") == 0;
	bool ret = g_strcmp0(action, "delete") == 0 || g_strcmp0(action, "return") == 0;

	if ((!release && !ret) || qid == NULL)
		return;
	struct decided *d = g_hash_table_lookup(b->by_qid, qid);
	struct hold_seen *h = d != NULL && d->hold >= 0 ? b->holds->pdata[d->hold] : NULL;
	if (h != NULL && h->ended == 0)
		h->ended = t;
	const char *council = str_member(o, "council");
	if (council == NULL && h != NULL)
		council = h->council;
	if (!in_period(b, t) || !for_council(b, council))
		return;
	bool expired = g_strcmp0(str_member(o, "via"), "hold_expiry") == 0;
	if (expired)
		b->r->expired++;
	else if (release)
		b->r->released++;
	else
		b->r->returned++;
	if (!expired && h != NULL && t >= h->decided) {
		gint64 waited = t - h->decided;
		g_array_append_val(b->review_seconds, waited);
	}
	int verdict = verdict_of(o);
	if (verdict == -2)
		b->r->verdicts_unknown++;
	else if (verdict >= 0 && h != NULL)
		count_verdict(b, h, verdict);
	else if (verdict >= 0)
		b->r->verdicts_unknown++;
}

static bool report_line(const char *line, size_t len, unsigned long number, bool newline,
			void *ctx)
{
	struct build *b = ctx;

	b->r->lines++;
	if (!json_parser_load_from_data(b->parser, line, (gssize)len, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(b->parser))) {
		b->r->unreadable++;
		return true;
	}
	JsonObject *o = json_node_get_object(json_parser_get_root(b->parser));
	const char *time = str_member(o, "time"), *event = str_member(o, "event");
	GDateTime *dt = time != NULL ? g_date_time_new_from_iso8601(time, NULL) : NULL;
	if (dt == NULL) {
		b->r->unreadable++;
		return true;
	}
	gint64 t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	if (g_strcmp0(event, "decision") == 0)
		decision(b, o, t);
	else if (g_strcmp0(event, "mta-refused") == 0)
		refused(b, o);
	else if (g_strcmp0(event, "review") == 0)
		review(b, o, t);
	return true;
}

static gint by_gint64(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

static gint by_rule_clause(gconstpointer a, gconstpointer b)
{
	const struct report_finding *x = a, *y = b;
	int c = strcmp(x->rule, y->rule);

	return c != 0 ? c : strcmp(x->clause, y->clause);
}

static gint by_held(gconstpointer a, gconstpointer b)
{
	const struct report_sender *x = a, *y = b;

	if (x->held != y->held)
		return x->held > y->held ? -1 : 1;
	return strcmp(x->address, y->address);
}

static gint by_rule(gconstpointer a, gconstpointer b)
{
	return strcmp(((const struct report_precision *)a)->rule,
		      ((const struct report_precision *)b)->rule);
}

/* The values of TABLE (each a g_malloc'd struct of SIZE bytes), moved into
   an array; the table is left empty. */
static GArray *take_values(GHashTable *table, size_t size)
{
	GArray *a = g_array_new(FALSE, TRUE, (guint)size);
	GList *values = g_hash_table_get_values(table);

	for (GList *l = values; l != NULL; l = l->next) {
		g_array_append_vals(a, l->data, 1);
		g_free(l->data);
	}
	g_list_free(values);
	g_hash_table_remove_all(table);	/* the keys freed; the values moved */
	return a;
}

/* What only the whole journal tells: holds of the period, their senders,
   and whether they were still held when it ended. */
static void finish(struct build *b)
{
	struct report *r = b->r;
	GHashTable *senders = g_hash_table_new(g_str_hash, g_str_equal);
	GArray *all = g_array_new(FALSE, TRUE, sizeof(struct report_sender));

	for (guint i = 0; i < b->holds->len; i++) {
		struct hold_seen *h = b->holds->pdata[i];
		if (!h->in_scope || h->not_held)
			continue;
		r->held++;
		if (h->ended == 0 || h->ended >= b->until)
			r->still_held++;
		gpointer idx;
		if (!g_hash_table_lookup_extended(senders, h->sender, NULL, &idx)) {
			struct report_sender s = { g_strdup(h->sender), g_strdup(h->sender_name),
						   0 };
			g_array_append_val(all, s);
			idx = GUINT_TO_POINTER(all->len);
			g_hash_table_insert(senders, h->sender, idx);
		}
		struct report_sender *s = &g_array_index(all, struct report_sender,
							 GPOINTER_TO_UINT(idx) - 1);
		s->held++;
		if (s->name == NULL && h->sender_name != NULL)
			s->name = g_strdup(h->sender_name);
	}
	g_array_sort(all, by_held);
	for (guint i = REPORT_SENDERS; i < all->len; i++) {
		g_free(g_array_index(all, struct report_sender, i).address);
		g_free(g_array_index(all, struct report_sender, i).name);
	}
	if (all->len > REPORT_SENDERS)
		g_array_set_size(all, REPORT_SENDERS);
	r->senders = all;
	g_hash_table_unref(senders);

	r->reviewed = b->review_seconds->len;
	r->median_review_seconds = -1;
	if (r->reviewed > 0) {
		g_array_sort(b->review_seconds, by_gint64);
		gint64 *s = (gint64 *)b->review_seconds->data;
		size_t n = r->reviewed;
		r->median_review_seconds = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	}

	r->findings = take_values(b->findings, sizeof(struct report_finding));
	g_array_sort(r->findings, by_rule_clause);
	r->precision = take_values(b->precision, sizeof(struct report_precision));
	g_array_sort(r->precision, by_rule);
}

int report_build(const char *const *files, size_t n_files, time_t since, time_t until,
		 const char *council, struct report **report_r, const char **error_r)
{
	struct report *r = g_new0(struct report, 1);
	struct build b = {
		.r = r, .since = since, .until = until, .council = council,
		.parser = json_parser_new(),
		.holds = g_ptr_array_new_with_free_func((GDestroyNotify)hold_seen_free),
		.by_qid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.findings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.precision = g_hash_table_new(g_str_hash, g_str_equal),
		.review_seconds = g_array_new(FALSE, FALSE, sizeof(gint64)),
	};
	int ret = 0;

	r->since = since;
	r->until = until;
	r->council = g_strdup(council);
	for (size_t i = 0; i < n_files && ret == 0; i++)
		ret = journal_foreach_raw(files[i], report_line, &b, error_r);
	if (ret == 0)
		finish(&b);
	g_object_unref(b.parser);
	g_ptr_array_unref(b.holds);
	g_hash_table_unref(b.by_qid);
	g_hash_table_unref(b.findings);
	g_hash_table_unref(b.precision);
	g_array_unref(b.review_seconds);
	if (ret < 0) {
		report_free(&r);
		return -1;
	}
	*report_r = r;
	return 0;
}

void report_free(struct report **report_p)
{
	struct report *r = *report_p;

	if (r == NULL)
		return;
	for (guint i = 0; r->findings != NULL && i < r->findings->len; i++) {
		g_free(g_array_index(r->findings, struct report_finding, i).rule);
		g_free(g_array_index(r->findings, struct report_finding, i).clause);
	}
	for (guint i = 0; r->senders != NULL && i < r->senders->len; i++) {
		g_free(g_array_index(r->senders, struct report_sender, i).address);
		g_free(g_array_index(r->senders, struct report_sender, i).name);
	}
	for (guint i = 0; r->precision != NULL && i < r->precision->len; i++)
		g_free(g_array_index(r->precision, struct report_precision, i).rule);
	if (r->findings != NULL)
		g_array_unref(r->findings);
	if (r->senders != NULL)
		g_array_unref(r->senders);
	if (r->precision != NULL)
		g_array_unref(r->precision);
	g_free(r->council);
	g_free(r);
	*report_p = NULL;
}
