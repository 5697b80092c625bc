/*
 * The rules that read what a councillor wrote: obligation-in-member-name,
 * member-instructs-staff, party-political and capacity. They read the
 * author's own words only (subject unless it is a reply's, body without
 * quoted or forwarded text; the signature too for capacity), through the
 * council's phrase sets.
 */
#include "policy/judge.h"

#include <string.h>

static const char *outside_word(const struct judge_rcpt *r)
{
	return r->cls == RCPT_PRESS ? "press" : "outside the council";
}

static const struct judge_rcpt *first_outside(const struct judge *j)
{
	const struct judge_rcpt *r = judge_first_class(j, RCPT_PRESS);

	return r != NULL ? r : judge_first_class(j, RCPT_THIRD_PARTY);
}

static char *with_recipient(char *evidence, const char *what, const struct judge_rcpt *r)
{
	char *out = g_strdup_printf("%s; to %s (%s)", evidence, r->addr, what);

	g_free(evidence);
	return out;
}

/* Words that put an instruction in the council's name ("the council's
   hedges", "for the council"); another council's name does not. */
static const char *const council_name_words[] = {
	"council's", "for the council", "on behalf of the council", "in the council's name",
	"the council will", "to the council", "our council", "the council needs",
	"the council wants", "the council would like",
	"!district council's", "!county council's", "!borough council's", "!city council's",
};
const struct judge_word_list judge_council_name_words = {
	council_name_words, G_N_ELEMENTS(council_name_words)
};

/* An instruction that orders work or goods in the council's name: an
   instruction phrase in a sentence that names the council. */
static bool council_instruction(struct judge *j, struct phrase_match *m_r,
				enum judge_where *where_r)
{
	const struct phrase_set *ps = judge_phrases(j, CONF_PHRASES_INSTRUCTION);
	const struct phrase_set *council = judge_words(j, JUDGE_WORDS_COUNCIL_NAME);
	struct {
		struct phrase_text *text;
		enum judge_where where;
	} order[] = { { j->subject, WHERE_SUBJECT }, { j->body, WHERE_BODY } };
	bool found = false;

	for (size_t i = 0; i < G_N_ELEMENTS(order) && !found; i++) {
		GArray *all, *names;

		if (order[i].text == NULL)
			continue;
		/* Each set is matched once; sentences are then looked up. */
		all = phrase_match_all(ps, order[i].text);
		names = phrase_match_all(council, order[i].text);
		for (guint k = 0; k < all->len && !found && names->len > 0; k++) {
			const struct phrase_match *m = &g_array_index(all, struct phrase_match, k);
			struct phrase_match n;
			size_t s, e;

			phrase_text_sentence(order[i].text, m->start, &s, &e);
			if (phrase_matches_within(names, s, e, &n)) {
				*m_r = *m;
				*where_r = order[i].where;
				found = true;
			}
		}
		g_array_unref(names);
		g_array_unref(all);
	}
	return found;
}

/* An instruction to someone outside the council that orders work in the
   council's name (lang_orders_work). */
static bool outside_instruction(struct judge *j, struct lang_hit *hit_r, enum judge_where *where_r)
{
	bool supplier = judge_has_class(j, RCPT_THIRD_PARTY);
	struct {
		struct lang_text *text;
		enum judge_where where;
	} order[] = { { j->lang_subject, WHERE_SUBJECT }, { j->lang_body, WHERE_BODY } };

	for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
		GArray *hits;
		bool found = false;

		if (order[i].text == NULL)
			continue;
		hits = lang_find(&j->lang, order[i].text, LANG_REQUEST);
		for (guint k = 0; k < hits->len && !found; k++) {
			const struct lang_hit *h = &g_array_index(hits, struct lang_hit, k);

			if (!lang_orders_work(&j->lang, order[i].text, h, supplier))
				continue;
			*hit_r = *h;
			*where_r = order[i].where;
			found = true;
		}
		g_array_unref(hits);
		if (found)
			return true;
	}
	return false;
}

/* "Invoice to Wrenford Town Council", "send the bill to the town council":
   the bill sent to this council by its name or its kind ("the council",
   "the parish council"), in one sentence. Another
   name there ("invoice to Tillbrook's Delicatessen") is someone else's. */
static bool billed_to_council(struct judge *j, struct phrase_match *m_r,
			      enum judge_where *where_r)
{
	/* the longer first: the evidence quotes the whole of it */
	static const char *const billing[] = { "send the bill to", "send the invoice to",
					       "invoice to", "invoices to", "invoice it to",
					       "bill to", "bill it to", "charge it to" };
	/* "send the bill to the town council": the council by its kind */
	static const char *const kinds[] = { "council", "town council", "parish council" };
	const char *s = j->body != NULL ? phrase_text_str(j->body) : NULL;
	char *name;
	size_t at = 0, from, end, n;
	bool found = false;

	if (s == NULL || j->council == NULL || j->council->name == NULL)
		return false;
	name = phrase_normalise(j->council->name);
	for (size_t b = 0; b < G_N_ELEMENTS(billing) && !found; b++)
		for (from = 0; !found && phrase_find_word(s, billing[b], from, &at); from = at + 1) {
			size_t start, name_at;

			size_t name_len = strlen(name);

			phrase_text_sentence(j->body, at, &start, &end);
			n = strlen(billing[b]);
			/* the name right after the words, "the" allowed: compared
			   there, not searched for (a search from every "invoice to"
			   would cost the square of the text) */
			name_at = at + n + 1;
			if (name_at + 4 <= end && strncmp(s + name_at, "the ", 4) == 0)
				name_at += 4;
			bool named = name_len > 0 && name_at + name_len <= end &&
				     strncmp(s + name_at, name, name_len) == 0 &&
				     !g_ascii_isalnum(s[name_at + name_len]);

			for (size_t k = 0; k < G_N_ELEMENTS(kinds) && !named; k++) {
				size_t kn = strlen(kinds[k]);

				named = name_at > at + n + 1 && name_at + kn <= end &&
					strncmp(s + name_at, kinds[k], kn) == 0 &&
					!g_ascii_isalnum(s[name_at + kn]) &&
					s[name_at + kn] != '\'';
			}
			if (named) {
				m_r->phrase = billing[b];
				m_r->start = at;
				m_r->end = at + n;
				m_r->line = phrase_text_line(j->body, at);
				*where_r = WHERE_BODY;
				found = true;
			}
		}
	g_free(name);
	return found;
}

/* "I can't promise that the council will fund the kitchen": a fixed
   phrase of commitment denied or doubted in the few words before it, in
   its sentence. */
static bool phrase_denied(struct judge *j, const struct phrase_match *m, enum judge_where where)
{
	static const char *const denials[] = { "not", "never", "cannot", "can't", "cant", "won't",
					       "wont", "doubt", "unlikely", "unsure" };
	struct phrase_text *t = where == WHERE_BODY ? j->body :
				where == WHERE_SUBJECT ? j->subject : NULL;
	const char *s;
	size_t start, end, from;

	if (t == NULL)
		return false;
	s = phrase_text_str(t);
	phrase_text_sentence(t, m->start, &start, &end);
	from = m->start > start + 48 ? m->start - 48 : start;
	for (size_t k = 0; k < G_N_ELEMENTS(denials); k++) {
		size_t at;

		if (phrase_find_word(s, denials[k], from, &at) && at < m->start)
			return true;
	}
	return false;
}

void rule_obligation(struct judge *j)
{
	static const enum conf_phrase_set sets[] = {
		CONF_PHRASES_OBLIGATION, CONF_PHRASES_PAYMENT, CONF_PHRASES_CONTRACT,
	};
	const struct judge_rcpt *out;
	struct phrase_match m;
	struct lang_hit hit;
	enum judge_where where;
	char *evidence = NULL;
	struct policy_finding *f;

	if (!judge_is_councillor(j->author) || (out = first_outside(j)) == NULL)
		return;
	if (judge_lang_find(j, LANG_COMMITMENT, false, &hit, &where))
		evidence = judge_evidence_lang(j, "commitment", &hit, where);
	else if (outside_instruction(j, &hit, &where))
		evidence = judge_evidence_lang(j, "instruction", &hit, where);
	/* The fixed phrases ("I'd like to order") commit the council only
	   when the author does not say the letter is their own */
	for (size_t i = 0; i < G_N_ELEMENTS(sets) && evidence == NULL; i++)
		if (judge_find(j, sets[i], false, &m, &where) && !phrase_denied(j, &m, where) &&
		    !(j->lang_body != NULL && lang_writes_personally(&j->lang, j->lang_body)))
			evidence = judge_evidence_phrase(&m, where);
	if (evidence == NULL && (council_instruction(j, &m, &where) ||
				 billed_to_council(j, &m, &where)))
		evidence = judge_evidence_phrase(&m, where);
	if (evidence == NULL)
		return;
	f = judge_add_finding(j, CONF_RULE_OBLIGATION,
			      with_recipient(evidence, outside_word(out), out));
	f->notice_text = notice_obligation(j);
}

/* Is the Clerk (or the council's clerk address) an open recipient? Then
   the request goes through the proper channel. */
static bool clerk_openly(const struct judge *j)
{
	for (guint i = 0; i < j->rcpts->len; i++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);

		if (r->cls == RCPT_CLERK && r->open && !r->own)
			return true;
	}
	return false;
}

static bool is_recipient(const struct judge *j, const char *addr)
{
	for (guint i = 0; i < j->rcpts->len; i++)
		if (strcmp(g_array_index(j->rcpts, struct judge_rcpt, i).addr, addr) == 0)
			return true;
	return false;
}

/* The member of staff a request is made of. A request is made of those the
   message is addressed to: when its To: names only people outside the
   council ("Deliver a skip on Friday", to the hire firm, with the finance
   officer in Cc), the staff copied are told, not asked. */
static const struct judge_rcpt *addressed_staff(const struct judge *j)
{
	const struct judge_rcpt *staff = judge_first_class(j, RCPT_STAFF);
	bool to_outside = false, to_council = false;
	const struct parser_address_list *to = &j->msg->fields[PARSER_TO];

	GHashTable *kind;	/* address -> 1 outside, 2 council, 3 both */

	if (staff == NULL)
		return NULL;
	/* one look-up per To: address, not a walk of every recipient: a To:
	   of thousands of addresses costs time in proportion (issue 15) */
	kind = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint k = 0; k < j->rcpts->len; k++) {
		const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, k);
		guint bits;

		if (r->own)
			continue;
		bits = GPOINTER_TO_UINT(g_hash_table_lookup(kind, r->addr)) |
		       (r->cls == RCPT_PRESS || r->cls == RCPT_THIRD_PARTY ? 1u : 2u);
		g_hash_table_insert(kind, (gpointer)r->addr, GUINT_TO_POINTER(bits));
	}
	for (size_t i = 0; i < to->n && !(to_outside && to_council); i++) {
		char *addr = conf_address_normalise(j->conf, to->items[i].addr);
		guint bits = addr != NULL ? GPOINTER_TO_UINT(g_hash_table_lookup(kind, addr)) : 0;

		to_outside |= (bits & 1u) != 0;
		to_council |= (bits & 2u) != 0;
		g_free(addr);
	}
	g_hash_table_destroy(kind);
	return to_outside && !to_council ? NULL : staff;
}

void rule_member_instructs_staff(struct judge *j)
{
	const struct conf_rule_setting *s = judge_rule(j, CONF_RULE_MEMBER_INSTRUCTS_STAFF);
	const struct judge_rcpt *staff;
	struct phrase_match m;
	struct lang_hit hit;
	enum judge_where where;
	struct policy_finding *f;
	char *clerk = NULL, *evidence;

	if (!judge_is_councillor(j->author) || (staff = addressed_staff(j)) == NULL)
		return;
	if (clerk_openly(j))
		return;
	/* The grammar first; the council's own instruction phrases too. */
	if (judge_lang_find(j, LANG_REQUEST, true, &hit, &where))
		evidence = judge_evidence_lang(j, "request", &hit, where);
	else if (judge_find(j, CONF_PHRASES_INSTRUCTION, false, &m, &where))
		evidence = judge_evidence_phrase(&m, where);
	/* "Yes please Mick" under "shall I put the chairs out?": the
	   proposal agreed to is the instruction */
	else if ((lang_approval(&j->lang, j->lang_body, &hit) ||
		  lang_choice(&j->lang, j->lang_body, j->msg->quoted_text, &hit)) &&
		 lang_offers_work(j->msg->quoted_text))
		evidence = judge_evidence_lang(j, "request", &hit, WHERE_BODY);
	else
		return;
	if (s->copy_clerk && j->council->clerk != NULL) {
		clerk = conf_address_normalise(j->conf, j->council->clerk);
		if (clerk != NULL && is_recipient(j, clerk))
			g_clear_pointer(&clerk, g_free);	/* already there (blind) */
	}
	f = judge_add_finding(j, CONF_RULE_MEMBER_INSTRUCTS_STAFF,
			      with_recipient(evidence, "staff", staff));
	f->notice_text = notice_instructs_staff(j, staff, clerk != NULL);
	if (clerk != NULL) {
		f->add_rcpts = g_new0(char *, 2);
		f->add_rcpts[0] = clerk;
		f->n_add_rcpts = 1;
	}
}

void rule_party_political(struct judge *j)
{
	const struct judge_rcpt *officer;
	struct lang_hit hit;
	enum judge_where where;
	bool where_subject;
	char *term, *what, *evidence;
	struct policy_finding *f;

	if (!judge_is_councillor(j->author))
		return;
	if ((officer = judge_first_class(j, RCPT_CLERK)) == NULL &&
	    (officer = judge_first_class(j, RCPT_STAFF)) == NULL)
		return;
	judge_lang_texts(j);
	if (!lang_party_ask(&j->lang, j->lang_subject, j->lang_body, &hit, &where_subject))
		return;
	where = where_subject ? WHERE_SUBJECT : WHERE_BODY;
	term = lang_quote_term(where == WHERE_SUBJECT ? j->lang_subject : j->lang_body, &hit);
	what = g_strdup_printf("party reference \"%s\" with a request", term);
	hit.how = NULL;
	evidence = judge_evidence_lang(j, what, &hit, where);
	f = judge_add_finding(j, CONF_RULE_PARTY_POLITICAL,
			      with_recipient(evidence,
					     officer->cls == RCPT_CLERK ? "the Clerk" : "staff",
					     officer));
	g_free(term);
	g_free(what);
	f->notice_text = notice_party_political(j);
}

/* A title under the name in a sign-off says in what capacity one writes
   ("Jane Smith / Mayor of Ashcombe", "Chair, Brookfield Town Council").
   Read only at the start of a sign-off line, never in prose. */
static const char *const title_lines[] = {
	"mayor of", "deputy mayor", "town mayor", "the mayor", "mayor,", "mayor -",
	"chair of", "chairman of", "chairwoman of", "chair,", "chairman,", "chair -",
	"vice-chair of", "vice chair of", "vice-chairman of", "leader of", "deputy leader of",
	"vice-chair,", "vice chair,", "vice-chair -", "leader,", "leader -", "council leader",
	"deputy leader,", "deputy leader -", "group leader", "chairman -", "chairwoman,",
	"ward councillor", "ward member", "councillor for", "cllr for", "councillor,",
	"councillor -", "parish councillor", "town councillor", "district councillor",
};

/* A title after the name on the same line ("Bernard Pugh, Vice-chair",
   "Jo Bell - Mayor"): the title alone, or one of the above. */
static const char *const bare_titles[] = {
	"mayor", "deputy mayor", "chair", "chairman", "chairwoman", "vice-chair", "vice chair",
	"vice-chairman", "leader", "deputy leader", "councillor", "ward councillor",
};

/* How many lines at the end of the author's text count as the sign-off
   when the parser found no separate signature block. */
#define SIGN_OFF_LINES 4

static bool title_line(const char *line)
{
	char *norm = phrase_normalise(line);
	bool hit = false;

	for (size_t i = 0; i < G_N_ELEMENTS(title_lines) && !hit; i++)
		hit = g_str_has_prefix(norm, title_lines[i]);
	/* "Northgate Ward councillor, Hollowmere Town Council": the ward's
	   name before the title, on a short line of its own */
	if (!hit && strlen(norm) <= 80) {
		const char *w = strstr(norm, "ward councillor");

		if (w == NULL)
			w = strstr(norm, "ward member");
		hit = w != NULL && w - norm <= 30;
	}
	if (!hit && strlen(norm) <= 80) {
		/* "Name, Title": a short line, the title after its first
		   separator, ending the line or followed by more of it */
		const char *sep = strstr(norm, ", "), *dash = strstr(norm, " - ");

		if (sep == NULL || (dash != NULL && dash < sep))
			sep = dash;
		if (sep != NULL) {
			const char *rest = sep + (sep[0] == ',' ? 2 : 3);

			for (size_t i = 0; i < G_N_ELEMENTS(title_lines) && !hit; i++)
				hit = g_str_has_prefix(rest, title_lines[i]);
			for (size_t i = 0; i < G_N_ELEMENTS(bare_titles) && !hit; i++) {
				size_t n = strlen(bare_titles[i]);

				hit = strncmp(rest, bare_titles[i], n) == 0 &&
				      (rest[n] == '\0' || rest[n] == ',' || rest[n] == ' ');
			}
		}
	}
	g_free(norm);
	return hit;
}

/* Does a sign-off line of TEXT (its last LAST non-blank lines; 0: all)
   start with a title? */
static bool signed_with_title(const char *text, size_t last)
{
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	size_t n = g_strv_length(lines), seen = 0;
	bool hit = false;

	for (size_t i = n; i > 0 && !hit && (last == 0 || seen < last); i--) {
		const char *l = lines[i - 1];

		while (*l == ' ' || *l == '\t' || *l == '\r')
			l++;
		if (*l == '\0' || *l == '\r')
			continue;
		seen++;
		hit = title_line(l);
	}
	g_strfreev(lines);
	return hit;
}

void rule_capacity(struct judge *j)
{
	const struct judge_rcpt *out;
	struct phrase_match m;
	enum judge_where where;
	struct policy_finding *f;

	if (!judge_is_councillor(j->author) || (out = first_outside(j)) == NULL)
		return;
	/* Only what the reader is shown says in what capacity one writes. */
	if (judge_find_shown(j, CONF_PHRASES_CAPACITY, &m, &where) ||
	    judge_says_as(j->subject, judge_capacity_roles) ||
	    judge_says_as(j->body_shown, judge_capacity_roles) ||
	    judge_says_as(j->signature_shown, judge_capacity_roles) ||
	    signed_with_title(j->msg->signature_shown, 0) ||
	    signed_with_title(j->msg->own_text_shown, SIGN_OFF_LINES))
		return;
	f = judge_add_finding(j, CONF_RULE_CAPACITY,
			      g_strdup_printf("no capacity statement in the author's text; "
					      "to %s (%s)", out->addr, outside_word(out)));
	f->notice_text = notice_capacity(j);
}
