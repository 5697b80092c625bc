/*
 * policy_judge: who wrote the message and for which council, to whom it
 * goes (recipient classes), the rules, and the one decision with its
 * ready-made outputs (footer, headers, reject text, hold reason, result header).
 */
#include "policy/judge.h"

#include <string.h>

#include "util/util.h"

#define EVIDENCE_MAX 600	/* one log line's worth per finding */
#define FOOTER_WIDTH 76		/* plain-text footer lines, in characters */

/* ---- small helpers shared by the rules ---- */

bool judge_is_councillor(const struct conf_person *p)
{
	return p != NULL && p->role == CONF_ROLE_COUNCILLOR;
}

bool judge_is_officer(const struct conf_person *p)
{
	return p != NULL && (p->role == CONF_ROLE_CLERK || p->role == CONF_ROLE_STAFF);
}

char *judge_person_label(const struct conf_person *p)
{
	if (judge_is_councillor(p))
		return g_strdup_printf("Cllr %s", p->name);
	return g_strdup(p->name);
}

char *judge_rcpt_label(const struct judge_rcpt *r)
{
	char *who, *label;

	if (r->person != NULL)
		who = judge_person_label(r->person);
	else if (r->display != NULL && *r->display != '\0')
		who = g_strdup(r->display);
	else
		return g_strdup(r->addr);
	label = g_strdup_printf("%s <%s>", who, r->addr);
	g_free(who);
	return label;
}

const struct conf_rule_setting *judge_rule(const struct judge *j, enum conf_rule rule)
{
	const struct conf_rule_setting *s = &j->council->rules[rule];

	if (!s->enabled || s->action == CONF_ACTION_NONE)
		return NULL;
	return s;
}

struct policy_finding *judge_add_finding(struct judge *j, enum conf_rule rule, char *evidence)
{
	const struct conf_rule_setting *s = &j->council->rules[rule];
	struct policy_finding f = {
		.rule = rule,
		.action = s->action,
		.clause = s->clause != NULL ? s->clause : "",
	};

	/* Who the rules took for the author, when From: alone does not say. */
	if (j->author_note != NULL) {
		char *with = g_strdup_printf("%s; %s", evidence != NULL ? evidence : "",
					     j->author_note);

		g_free(evidence);
		evidence = with;
	}
	f.evidence = parser_header_sanitise(evidence != NULL ? evidence : "", EVIDENCE_MAX);
	g_free(evidence);
	g_array_append_val(j->findings, f);
	return &g_array_index(j->findings, struct policy_finding, j->findings->len - 1);
}

void judge_add_header(struct judge *j, enum conf_rule rule, const char *name, const char *value)
{
	struct judge_header h = {
		.rule = rule,
		.name = g_strdup(name),
		.value = parser_header_sanitise(value, 900),
	};

	g_array_append_val(j->headers, h);
}

const struct phrase_set *judge_phrases(struct judge *j, enum conf_phrase_set set)
{
	if (j->sets == NULL)
		j->sets = judge_council_sets(j->conf, j->council);
	return j->sets[set];
}

static bool find_in(struct judge *j, enum conf_phrase_set set, struct phrase_text *body,
		    struct phrase_text *signature, struct phrase_match *m_r,
		    enum judge_where *where_r)
{
	const struct phrase_set *ps = judge_phrases(j, set);
	struct {
		struct phrase_text *text;
		enum judge_where where;
	} order[] = {
		{ j->subject, WHERE_SUBJECT },
		{ body, WHERE_BODY },
		{ signature, WHERE_SIGNATURE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
		GArray *all;
		bool found;

		if (order[i].text == NULL)
			continue;
		all = phrase_match_all(ps, order[i].text);
		found = all->len > 0;
		if (found) {
			*m_r = g_array_index(all, struct phrase_match, 0);
			*where_r = order[i].where;
		}
		g_array_unref(all);
		if (found)
			return true;
	}
	return false;
}

void judge_lang_texts(struct judge *j)
{
	if (j->lang_body != NULL)
		return;
	j->lang_body = lang_text_new(j->msg->own_text);
	/* "josh the hedge wants a trim": the reader called by name */
	for (size_t f = PARSER_TO; f <= PARSER_CC; f++)
		for (size_t k = 0; k < j->msg->fields[f].n; k++)
			lang_text_add_reader(j->lang_body, j->msg->fields[f].items[k].name);
	if (j->subject != NULL)
		j->lang_subject = lang_text_new_subject(j->msg->subject);
}

bool judge_lang_find(struct judge *j, enum lang_kind kind, bool task_only,
		     struct lang_hit *hit_r, enum judge_where *where_r)
{
	struct {
		struct lang_text *text;
		enum judge_where where;
	} order[2];
	bool found = false;

	judge_lang_texts(j);
	order[0].text = j->lang_subject;
	order[0].where = WHERE_SUBJECT;
	order[1].text = j->lang_body;
	order[1].where = WHERE_BODY;
	for (size_t i = 0; i < G_N_ELEMENTS(order) && !found; i++) {
		GArray *hits;

		if (order[i].text == NULL)
			continue;
		hits = lang_find(&j->lang, order[i].text, kind);
		for (guint k = 0; k < hits->len && !found; k++) {
			const struct lang_hit *h = &g_array_index(hits, struct lang_hit, k);

			if (task_only && !h->task)
				continue;
			*hit_r = *h;
			*where_r = order[i].where;
			found = true;
		}
		g_array_unref(hits);
	}
	return found;
}

char *judge_evidence_lang(const struct judge *j, const char *what, const struct lang_hit *hit,
			  enum judge_where where)
{
	const struct lang_text *text = where == WHERE_SUBJECT ? j->lang_subject : j->lang_body;
	char *quote = lang_quote(text, hit, 100);
	char *how = hit->how != NULL ? g_strdup_printf(" (%s)", hit->how) : g_strdup("");
	char *out;

	if (where == WHERE_SUBJECT)
		out = g_strdup_printf("%s \"%s\"%s in subject", what, quote, how);
	else
		out = g_strdup_printf("%s \"%s\"%s in body line %u", what, quote, how, hit->line);
	g_free(how);
	g_free(quote);
	return out;
}

bool judge_find(struct judge *j, enum conf_phrase_set set, bool with_signature,
		struct phrase_match *m_r, enum judge_where *where_r)
{
	return find_in(j, set, j->body, with_signature ? j->signature : NULL, m_r, where_r);
}

bool judge_find_shown(struct judge *j, enum conf_phrase_set set, struct phrase_match *m_r,
		      enum judge_where *where_r)
{
	judge_prepare_shown(j);
	return find_in(j, set, j->body_shown, j->signature_shown, m_r, where_r);
}

const char *const judge_candidate_roles[] = { "candidate", "activist", NULL };
const char *const judge_capacity_roles[] = {
	"councillor", "member", "mayor", "chair", "chairman", "chairwoman", "leader", "cllr",
	"vice-chair", NULL,
};

/* Do the few words before AT in S speak of the author ("I write", "my
   comment", "from Cllr Hughes"), or does AT start a sentence ("As ward
   councillor for Castle Ward, I ...")? "I'm sending it to you as the
   county member" says what the reader is. */
static bool as_the_author(const char *s, size_t at)
{
	static const char *const words[] = {
		"i", "i'm", "i've", "i'd", "me", "my", "myself", "writing", "write", "speaking",
		"speak", "comment", "comments", "statement", "from", "responding", "reply",
		"say", "saying",
	};
	size_t start = at;

	while (start > 0 && (s[start - 1] == ' '))
		start--;
	if (start == 0 || s[start - 1] == '.' || s[start - 1] == '\n' || s[start - 1] == ':' ||
	    s[start - 1] == '!' || s[start - 1] == '?')
		return true;
	for (unsigned back = 0; back < 6 && start > 0; back++) {
		size_t end = start, n;

		while (start > 0 && s[start - 1] != ' ' && s[start - 1] != '\n')
			start--;
		n = end - start;
		while (n > 0 && (s[start + n - 1] == ',' || s[start + n - 1] == '.'))
			n--;
		/* "I thought you should know as the county member" */
		if ((n == 3 && strncmp(s + start, "you", 3) == 0) ||
		    (n == 4 && strncmp(s + start, "your", 4) == 0))
			return false;
		for (size_t k = 0; k < G_N_ELEMENTS(words); k++)
			if (strlen(words[k]) == n && strncmp(s + start, words[k], n) == 0)
				return true;
		if (start == 0 || s[start - 1] == '\n')
			break;
		while (start > 0 && s[start - 1] == ' ')
			start--;
	}
	return false;
}

bool judge_says_as(const struct phrase_text *text, const char *const *roles)
{
	const char *s = text != NULL ? phrase_text_str(text) : "";
	size_t at = 0;

	while (phrase_find_word(s, "as", at, &at)) {
		const char *p = s + at + 2;

		if (roles == judge_capacity_roles && !as_the_author(s, at)) {
			at += 2;
			continue;
		}

		for (unsigned words = 0; words < 5 && *p != '\0' && *p != '\n'; words++) {
			while (*p == ' ')
				p++;
			for (const char *const *r = roles; *r != NULL; r++) {
				size_t n = strlen(*r);

				if (strncmp(p, *r, n) == 0 && !g_ascii_isalpha(p[n]))
					return true;
			}
			while (*p != '\0' && *p != ' ' && *p != '\n' && *p != '.' && *p != ',')
				p++;
			if (*p == '.' || *p == ',')
				break;
		}
		at += 2;
	}
	return false;
}

char *judge_evidence_phrase(const struct phrase_match *m, enum judge_where where)
{
	switch (where) {
	case WHERE_SUBJECT:
		return g_strdup_printf("phrase \"%s\" in subject", m->phrase);
	case WHERE_SIGNATURE:
		return g_strdup_printf("phrase \"%s\" in signature", m->phrase);
	case WHERE_BODY:
	default:
		return g_strdup_printf("phrase \"%s\" in body line %u", m->phrase, m->line);
	}
}

const struct judge_rcpt *judge_first_class(const struct judge *j, enum rcpt_class cls)
{
	for (guint i = 0; i < j->rcpts->len; i++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);

		if (r->cls == cls && !r->own && !judge_rcpt_excepted(j, r))
			return r;
	}
	return NULL;
}

bool judge_has_class(const struct judge *j, enum rcpt_class cls)
{
	return judge_first_class(j, cls) != NULL;
}

/* ---- who wrote it, for which council ---- */

static const struct conf_person *lookup(const struct conf *conf, const char *addr)
{
	return addr != NULL && *addr != '\0' ? conf_person_lookup(conf, addr) : NULL;
}

static const struct conf_council *by_domain(const struct conf *conf, const char *addr)
{
	return addr != NULL && *addr != '\0' ? conf_council_by_domain(conf, addr) : NULL;
}

/* How strict the rules are with a person as the author: a councillor's
   mail answers to every person rule, an officer's to some, nobody's to
   none. */
static int strictness(const struct conf_person *p)
{
	return judge_is_councillor(p) ? 2 : p != NULL ? 1 : 0;
}

/* Why the author the rules judge is not simply the first From: mailbox,
   for every finding's evidence; NULL when it is. */
static char *author_note(const struct judge *j, size_t from_index)
{
	const struct parser_address_list *from = &j->msg->fields[PARSER_FROM];
	const char *auth = j->env->auth_login;
	char *label, *note;

	if (from_index == 0)
		return NULL;
	label = judge_person_label(j->author);
	if (from_index < from->n)
		note = g_strdup_printf("judged as written by %s <%s>, one of %zu From: mailboxes",
				       label, from->items[from_index].addr, from->n);
	else if (from->n == 0)
		note = g_strdup_printf("submitted by %s (%s, %s) with no From: address",
				       auth != NULL ? auth : j->env->mail_from,
				       auth != NULL ? "AUTH" : "envelope sender", label);
	else
		note = g_strdup_printf("submitted by %s (%s, %s) as %s",
				       auth != NULL ? auth : j->env->mail_from,
				       auth != NULL ? "AUTH" : "envelope sender", label,
				       from->items[0].addr);
	g_free(label);
	return note;
}

/* SPEC 2: From: says in whose name the message is sent, the AUTH login
   (or, without a known one, the envelope sender) who submitted it. The
   rules judge the strictest of the people involved, so that a From: the
   sender chose (the Clerk's, an unknown or unreadable one, none, or two
   mailboxes) cannot take a councillor's message out of the person rules;
   equals go to From:, so a councillor writing from her own listed
   address, or the Clerk sending in the council's name with her own login,
   is judged as herself. */
static void select_council(struct judge *j, struct policy_verdict *v)
{
	const struct parser_address_list *from = &j->msg->fields[PARSER_FROM];
	const char *from_addr = from->n > 0 ? from->items[0].addr : NULL;
	const struct conf_person *auth = lookup(j->conf, j->env->auth_login);
	const struct conf_person *sender = lookup(j->conf, j->env->mail_from);
	const struct conf_person *best = NULL;
	size_t best_index = 0;

	j->submitter = auth != NULL ? auth : sender;
	v->author = lookup(j->conf, from_addr);
	v->submitter = j->submitter;
	for (size_t i = 0; i < from->n; i++) {
		const struct conf_person *p = i == 0 ? v->author :
					      lookup(j->conf, from->items[i].addr);

		if (strictness(p) > strictness(best)) {
			best = p;
			best_index = i;
		}
	}
	if (strictness(j->submitter) > strictness(best)) {
		best = j->submitter;
		best_index = from->n > 0 ? from->n : 1;
	}

	if (best != NULL)
		j->council = best->council;
	else if ((j->council = by_domain(j->conf, from_addr)) == NULL &&
		 (j->council = by_domain(j->conf, j->env->auth_login)) == NULL)
		j->council = by_domain(j->conf, j->env->mail_from);
	j->author = best;
	if (best != NULL)
		j->author_note = author_note(j, best_index);
	v->council = j->council;
}

static void add_own(struct judge *j, const char *addr)
{
	char *n = addr != NULL ? conf_address_normalise(j->conf, addr) : NULL;

	if (n != NULL)
		g_hash_table_add(j->own, n);
}

/* The sender's own addresses, which are never blind copies: the judged
   author's, every From: mailbox, and the submitter's (a copy to oneself). */
static void collect_own(struct judge *j)
{
	const struct parser_address_list *from = &j->msg->fields[PARSER_FROM];
	const struct conf_person *people[] = { j->author, j->submitter };

	j->own = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (size_t k = 0; k < G_N_ELEMENTS(people); k++)
		for (size_t i = 0; people[k] != NULL && i < people[k]->n_addresses; i++)
			add_own(j, people[k]->addresses[i]);
	for (size_t i = 0; i < from->n; i++)
		add_own(j, from->items[i].addr);
}

/* ---- to whom ---- */

static enum rcpt_class classify(struct judge *j, const char *addr,
				const struct conf_person **person_r)
{
	const struct conf_person *p = conf_person_lookup(j->conf, addr);
	char *clerk;
	bool is_clerk;

	*person_r = NULL;
	if (p != NULL && p->council == j->council) {
		*person_r = p;
		switch (p->role) {
		case CONF_ROLE_COUNCILLOR:
			return RCPT_COUNCILLOR;
		case CONF_ROLE_CLERK:
			return RCPT_CLERK;
		case CONF_ROLE_STAFF:
		default:
			return RCPT_STAFF;
		}
	}
	if (p == NULL && j->council->clerk != NULL) {
		clerk = conf_address_normalise(j->conf, j->council->clerk);
		is_clerk = clerk != NULL && strcmp(clerk, addr) == 0;
		g_free(clerk);
		if (is_clerk)
			return RCPT_CLERK;
	}
	/* A person of another council is, for this one, a third party. */
	if (p == NULL && conf_address_in_council(j->conf, j->council, addr))
		return RCPT_COUNCIL;
	if (conf_address_is_press(j->conf, j->council, addr))
		return RCPT_PRESS;
	return RCPT_THIRD_PARTY;
}

/* An address the filter cannot read (no normal form): kept as written,
   made safe for evidence and headers, as the key it is known by. */
static char *unreadable_addr(const char *raw)
{
	char *clean = parser_header_sanitise(raw, 254);

	if (*clean == '\0')
		g_clear_pointer(&clean, g_free);
	return clean;
}

static void add_rcpt(struct judge *j, GHashTable *seen, const char *raw, const char *display,
		     bool open, bool envelope)
{
	char *addr = raw != NULL ? conf_address_normalise(j->conf, raw) : NULL;
	struct judge_rcpt r = { 0 };
	bool readable = addr != NULL;
	gpointer idx;

	/* An address that cannot be read is never dropped: mail may still go
	   there, so it is a third party (README, "Security"). Only a header
	   "address" with no '@' at all, a phrase such as "Undisclosed
	   recipients", names no mailbox and is left out. */
	if (!readable && raw != NULL && (envelope || strchr(raw, '@') != NULL))
		addr = unreadable_addr(raw);
	if (addr == NULL)
		return;
	if (g_hash_table_lookup_extended(seen, addr, NULL, &idx)) {
		struct judge_rcpt *old =
			&g_array_index(j->rcpts, struct judge_rcpt, GPOINTER_TO_UINT(idx));

		old->open |= open;
		old->envelope |= envelope;
		if ((old->display == NULL || *old->display == '\0') && display != NULL)
			old->display = display;
		g_free(addr);
		return;
	}
	r.addr = addr;
	r.display = display != NULL ? display : "";
	r.open = open;
	r.envelope = envelope;
	r.own = readable && g_hash_table_contains(j->own, addr);
	if (readable)
		r.cls = classify(j, addr, &r.person);
	else
		r.cls = RCPT_THIRD_PARTY;
	g_hash_table_insert(seen, addr, GUINT_TO_POINTER(j->rcpts->len));
	g_array_append_val(j->rcpts, r);
}

static void collect_rcpts(struct judge *j)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	static const enum parser_field open_fields[] = { PARSER_TO, PARSER_CC };
	const struct parser_address_list *bcc = &j->msg->fields[PARSER_BCC];

	for (size_t f = 0; f < G_N_ELEMENTS(open_fields); f++) {
		const struct parser_address_list *l = &j->msg->fields[open_fields[f]];

		for (size_t i = 0; i < l->n; i++)
			add_rcpt(j, seen, l->items[i].addr, l->items[i].name, true, false);
	}
	for (size_t i = 0; i < j->env->n_rcpts; i++)
		add_rcpt(j, seen, j->env->rcpts[i], NULL, false, true);
	/* A Bcc: header still on the message (the judge without --rcpt) names
	   blind recipients as surely as the envelope does. */
	for (size_t i = 0; i < bcc->n; i++)
		add_rcpt(j, seen, bcc->items[i].addr, bcc->items[i].name, false, true);
	g_hash_table_destroy(seen);
}

/* ---- the author's words ---- */

/* "Re:", "Fwd:" and their kin in other mail programs' languages. */
static const char *skip_one_prefix(const char *s)
{
	static const char *const prefixes[] = {
		"antw", "fwd", "rif", "re", "fw", "aw", "wg", "sv", "vs", "tr",
	};

	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		const char *p = s + n;

		if (g_ascii_strncasecmp(s, prefixes[i], n) != 0)
			continue;
		if (*p == '[') {	/* "Re[2]:" */
			while (g_ascii_isdigit(*++p))
				;
			if (*p != ']')
				continue;
			p++;
		}
		while (*p == ' ')
			p++;
		if (*p == ':')
			return p + 1;
	}
	return NULL;
}

const char *judge_subject_unprefixed(const char *subject)
{
	const char *s = subject != NULL ? subject : "", *next;

	while ((next = skip_one_prefix(s)) != NULL)
		s = next;
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void prepare_texts(struct judge *j)
{
	const struct parser_message *m = j->msg;

	j->body = phrase_text_new(m->own_text);
	if (m->subject != NULL && skip_one_prefix(m->subject) == NULL)
		j->subject = phrase_text_new(m->subject);
	j->signature = phrase_text_new(m->signature);
}

void judge_prepare_shown(struct judge *j)
{
	const struct parser_message *m = j->msg;

	/* On first use only (few messages need them); mostly (plain text)
	   the same texts as body and signature, prepared once. */
	if (j->body_shown != NULL)
		return;
	j->body_shown = strcmp(m->own_text_shown, m->own_text) == 0 ? j->body :
		phrase_text_new(m->own_text_shown);
	j->signature_shown = strcmp(m->signature_shown, m->signature) == 0 ? j->signature :
		phrase_text_new(m->signature_shown);
}

/* ---- the decision ---- */

static bool strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (g_ascii_strcasecmp(v[i], s) == 0)
			return true;
	return false;
}

/* An RFC 5322 mailbox for a header we write: display names from the
   message are sanitised; non-ASCII ones become an RFC 2047 encoded word. */
static void append_mailbox(GString *out, const char *name, const char *addr)
{
	char *clean = parser_header_sanitise(name != NULL ? name : "", 200);
	bool ascii = true, plain = true;

	for (const char *p = clean; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			ascii = false;
		else if (!g_ascii_isalnum(*p) && strchr(" !#$&'*+-/=?^_`{|}~", *p) == NULL)
			plain = false;
	}
	if (out->len > 0)
		g_string_append(out, ", ");
	if (*clean == '\0') {
		g_string_append(out, addr);
	} else if (!ascii) {
		char *b64 = g_base64_encode((const guchar *)clean, strlen(clean));

		g_string_append_printf(out, "=?UTF-8?B?%s?= <%s>", b64, addr);
		g_free(b64);
	} else if (plain) {
		g_string_append_printf(out, "%s <%s>", clean, addr);
	} else {
		g_string_append_c(out, '"');
		for (const char *p = clean; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(out, '\\');
			g_string_append_c(out, *p);
		}
		g_string_append_printf(out, "\" <%s>", addr);
	}
	g_free(clean);
}

/* The mailboxes to add to Cc: for recipients added openly; the engine
   appends them to the field as the sender wrote it (never writes it anew). */
static char *build_cc(const struct judge *j, char **added, size_t n_added)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < n_added; i++) {
		const struct conf_person *p = conf_person_lookup(j->conf, added[i]);

		append_mailbox(out, p != NULL ? p->name : NULL, added[i]);
	}
	return g_string_free(out, FALSE);
}

static void decide(struct judge *j, struct policy_verdict *v)
{
	GString *text = g_string_new(NULL);
	GString *html = g_string_new(NULL);
	GPtrArray *rcpts = g_ptr_array_new();
	enum conf_action rule_action[CONF_RULE_COUNT] = { 0 };

	v->action = CONF_ACTION_NONE;
	/* What the rules did not read they cannot vouch for: a council's
	   message cut short by a parser limit gets on_incomplete at least
	   (hold by default), so nesting an instruction 40 levels deep, or
	   behind a thousand empty parts, does not get it through unseen. */
	if (j->incomplete != 0 || j->unread != NULL)
		v->action = j->conf->daemon.on_incomplete;
	for (guint i = 0; i < j->findings->len; i++) {
		struct policy_finding *f = &g_array_index(j->findings, struct policy_finding, i);

		rule_action[f->rule] = f->action;
		v->action = MAX(v->action, f->action);
		/* Monitor: header and log only. Everything stronger keeps its
		   annotations, so a held message, when released, carries them. */
		if (f->action < CONF_ACTION_ANNOTATE)
			continue;
		if (f->notice_text != NULL) {
			char *h = f->notice_html != NULL ? g_strdup(f->notice_html)
							 : notice_html(f->notice_text);

			if (text->len > 0)
				g_string_append(text, "\n\n");
			g_string_append(text, f->notice_text);
			g_string_append(html, h);
			g_free(h);
		}
		for (size_t k = 0; k < f->n_add_rcpts; k++)
			if (!strv_has((char **)rcpts->pdata, rcpts->len, f->add_rcpts[k]))
				g_ptr_array_add(rcpts, f->add_rcpts[k]);
	}
	if (text->len > 0) {
		v->footer_text = notice_wrap(text->str, FOOTER_WIDTH);
		g_string_free(text, TRUE);
		v->footer_html = g_string_free(html, FALSE);
		/* A notice the body cannot take (signed, encrypted: never
		   changed) would be only a header nobody reads: the message is
		   held instead, unless the council chose header-only notices
		   (SPEC 4). Otherwise faking a signature skipped the notice. */
		j->footer_refused = parser_rewrite_refusal(j->msg);
		if (j->footer_refused != NULL &&
		    j->conf->daemon.on_footer_refused == CONF_ACTION_HOLD &&
		    v->action < CONF_ACTION_HOLD)
			v->action = CONF_ACTION_HOLD;
		else
			j->footer_refused = NULL;
	} else {
		g_string_free(text, TRUE);
		g_string_free(html, TRUE);
	}

	for (guint i = 0; i < j->headers->len; i++) {
		struct judge_header *h = &g_array_index(j->headers, struct judge_header, i);

		if (rule_action[h->rule] < CONF_ACTION_ANNOTATE)
			continue;
		v->headers = g_renew(struct policy_header, v->headers, v->n_headers + 1);
		v->headers[v->n_headers].name = g_steal_pointer(&h->name);
		v->headers[v->n_headers].value = g_steal_pointer(&h->value);
		v->n_headers++;
	}

	if (rcpts->len > 0) {
		v->n_add_rcpts = rcpts->len;
		v->add_rcpts = g_new0(char *, rcpts->len + 1);
		for (guint i = 0; i < rcpts->len; i++)
			v->add_rcpts[i] = g_strdup(rcpts->pdata[i]);
		v->cc_append = build_cc(j, v->add_rcpts, v->n_add_rcpts);
	}
	g_ptr_array_free(rcpts, TRUE);

	if (v->action == CONF_ACTION_REJECT) {
		v->reject_text = notice_reject_text(j, CONF_ACTION_REJECT);
	} else if (v->action == CONF_ACTION_HOLD) {
		v->hold_reason = notice_hold_reason(j);
	}
	v->result_header = notice_result_header(j, v->action);
	v->store_error = g_steal_pointer(&j->store_error);
	v->unread = g_strdup(j->unread);
}

static void judge_clear(struct judge *j)
{
	for (guint i = 0; i < j->rcpts->len; i++)
		g_free(g_array_index(j->rcpts, struct judge_rcpt, i).addr);
	g_array_unref(j->rcpts);
	for (guint i = 0; i < j->headers->len; i++) {
		struct judge_header *h = &g_array_index(j->headers, struct judge_header, i);

		g_free(h->name);
		g_free(h->value);
	}
	g_array_unref(j->headers);
	g_hash_table_destroy(j->own);
	if (j->body_shown != j->body)
		phrase_text_free(&j->body_shown);
	if (j->signature_shown != j->signature)
		phrase_text_free(&j->signature_shown);
	phrase_text_free(&j->body);
	phrase_text_free(&j->subject);
	phrase_text_free(&j->signature);
	lang_text_free(&j->lang_body);
	lang_text_free(&j->lang_subject);
	g_free(j->author_note);
	g_free(j->store_error);
	attachments_clear(j);
}

static void (*const rules[CONF_RULE_COUNT])(struct judge *) = {
	[CONF_RULE_SILENT_COPY] = rule_silent_copy,
	[CONF_RULE_OBLIGATION] = rule_obligation,
	[CONF_RULE_MEMBER_INSTRUCTS_STAFF] = rule_member_instructs_staff,
	[CONF_RULE_CONFIDENTIAL] = rule_confidential,
	[CONF_RULE_CAPACITY] = rule_capacity,
	[CONF_RULE_PARTY_POLITICAL] = rule_party_political,
	[CONF_RULE_PRE_ELECTION] = rule_pre_election,
};

/* The start of every judgement: the checks, the lexicon (so that a missing
   one fails every message alike), and who wrote it for which council. With
   no council, *V_R is already the whole verdict. */
static int judge_begin(struct judge *j, struct policy_verdict **v_r, const char **error_r)
{
	struct policy_verdict *v;

	*v_r = NULL;
	if (j->conf == NULL || j->env == NULL || j->msg == NULL) {
		*error_r = "policy_judge: no configuration, envelope or message";
		return -1;
	}
	if ((j->lang.lex = judge_lexicon(j->conf, error_r)) == NULL)
		return -1;
	v = g_new0(struct policy_verdict, 1);
	select_council(j, v);
	if (j->council == NULL) {
		/* Nobody of any council wrote or submitted it: no rule applies. */
		v->action = CONF_ACTION_NONE;
		v->result_header = policy_result_header_none(j->conf, NULL);
		g_free(j->author_note);
		j->author_note = NULL;
	}
	*v_r = v;
	return 0;
}

bool policy_envelope_council(const struct conf *conf, const struct policy_envelope *env)
{
	/* As select_council: a submitter in the directory, or a submitter's
	   domain a council's, gives the message a council whatever From: says. */
	return lookup(conf, env->auth_login) != NULL || lookup(conf, env->mail_from) != NULL ||
	       by_domain(conf, env->auth_login) != NULL || by_domain(conf, env->mail_from) != NULL;
}

int policy_judge_headers(const struct conf *conf, const struct policy_envelope *env,
			 const struct parser_message *msg, struct policy_verdict **verdict_r,
			 const char **error_r)
{
	struct judge j = { .conf = conf, .env = env, .msg = msg };
	struct policy_verdict *v;

	*verdict_r = NULL;
	if (judge_begin(&j, &v, error_r) < 0)
		return -1;
	if (j.council != NULL) {
		g_free(j.author_note);
		policy_verdict_free(&v);
		return 0;
	}
	*verdict_r = v;
	return 1;
}

int policy_judge(const struct conf *conf, const struct policy_envelope *env,
		 const struct parser_message *msg, struct policy_thread_store *store,
		 struct policy_verdict **verdict_r, const char **error_r)
{
	struct judge j = { .conf = conf, .env = env, .msg = msg, .store = store };
	struct policy_verdict *v;

	*verdict_r = NULL;
	if (judge_begin(&j, &v, error_r) < 0)
		return -1;
	if (j.council == NULL) {
		*verdict_r = v;
		return 0;
	}

	collect_own(&j);
	j.rcpts = g_array_new(FALSE, TRUE, sizeof(struct judge_rcpt));
	j.headers = g_array_new(FALSE, TRUE, sizeof(struct judge_header));
	j.findings = g_array_new(FALSE, TRUE, sizeof(struct policy_finding));
	j.exceptions = g_array_new(FALSE, TRUE, sizeof(struct policy_exception));
	j.incomplete = msg->flags & PARSER_FLAGS_INCOMPLETE;
	collect_rcpts(&j);
	prepare_texts(&j);
	judge_council_lists(conf, j.council, &j.lang.lists);

	judge_exceptions_prepare(&j);

	for (size_t r = 0; r < CONF_RULE_COUNT; r++)
		if (judge_rule(&j, (enum conf_rule)r) != NULL)
			judge_run_rule(&j, (enum conf_rule)r, rules[r]);

	if (j.error != NULL) {
		/* The documents could not even be handed to their reader. */
		*error_r = util_error("%s", j.error);
		for (guint i = 0; i < j.findings->len; i++)
			judge_finding_clear(&g_array_index(j.findings, struct policy_finding, i));
		g_array_free(j.findings, TRUE);
		for (guint i = 0; i < j.exceptions->len; i++) {
			struct policy_exception *x =
				&g_array_index(j.exceptions, struct policy_exception, i);

			g_free(x->exception);
			g_free(x->evidence);
		}
		g_array_free(j.exceptions, TRUE);
		judge_clear(&j);
		g_free(v);
		return -1;
	}
	v->n_findings = j.findings->len;
	decide(&j, v);
	v->findings = (struct policy_finding *)g_array_free(j.findings, v->n_findings == 0);
	if (v->n_findings == 0)
		v->findings = NULL;
	v->n_exceptions = j.exceptions->len;
	v->exceptions = (struct policy_exception *)g_array_free(j.exceptions,
								 v->n_exceptions == 0);
	if (v->n_exceptions == 0)
		v->exceptions = NULL;
	judge_clear(&j);
	*verdict_r = v;
	return 0;
}

void policy_verdict_free(struct policy_verdict **verdict)
{
	struct policy_verdict *v = *verdict;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n_findings; i++)
		judge_finding_clear(&v->findings[i]);
	g_free(v->findings);
	for (size_t i = 0; i < v->n_exceptions; i++) {
		g_free(v->exceptions[i].exception);
		g_free(v->exceptions[i].evidence);
	}
	g_free(v->exceptions);
	for (size_t i = 0; i < v->n_headers; i++) {
		g_free(v->headers[i].name);
		g_free(v->headers[i].value);
	}
	g_free(v->headers);
	g_strfreev(v->add_rcpts);
	g_free(v->footer_text);
	g_free(v->footer_html);
	g_free(v->cc_append);
	g_free(v->reject_text);
	g_free(v->hold_reason);
	g_free(v->result_header);
	g_free(v->store_error);
	g_free(v->unread);
	g_free(v);
	*verdict = NULL;
}

char *policy_result_header_none(const struct conf *conf, const char *reason)
{
	const char *id = conf != NULL && conf->daemon.authserv_id != NULL ?
			 conf->daemon.authserv_id : "localhost";
	char *clean_id = parser_header_sanitise(id, 100);
	char *out;

	if (reason != NULL && *reason != '\0') {
		char *r = parser_header_sanitise(reason, 200);

		g_strdelimit(r, "()\\", ' ');
		out = g_strdup_printf("%s; council=none; action=accept; rules=none (%s)",
				      clean_id, r);
		g_free(r);
	} else {
		out = g_strdup_printf("%s; council=none; action=accept; rules=none", clean_id);
	}
	g_free(clean_id);
	return out;
}
