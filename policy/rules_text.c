/*
 * The rules that read what a councillor wrote: obligation-in-member-name,
 * member-instructs-staff, party-political and capacity. They read the
 * author's own words only (subject unless it is a reply's, body without
 * quoted or forwarded text; the signature too for capacity), through the
 * council's phrase sets.
 */
#include "policy/judge.h"

#include <string.h>

/* Words that make a sentence a request to its reader. Fixed, not data:
   they decide only whether a party-political phrase is asked for. */
static const char *const request_words[] = {
	"please", "pls", "could you", "can you", "would you", "will you", "i need you",
	"i'd like you", "i would like you", "i want you", "would it be possible",
	"are you able", "i'd be grateful if you", "i would be grateful if you",
	"could the office", "can the office", "could someone", "can someone",
};
const struct judge_word_list judge_request_words = { request_words, G_N_ELEMENTS(request_words) };

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

void rule_obligation(struct judge *j)
{
	static const enum conf_phrase_set sets[] = {
		CONF_PHRASES_OBLIGATION, CONF_PHRASES_PAYMENT, CONF_PHRASES_CONTRACT,
	};
	const struct judge_rcpt *out;
	struct phrase_match m;
	enum judge_where where;
	bool found = false;
	struct policy_finding *f;

	if (!judge_is_councillor(j->author) || (out = first_outside(j)) == NULL)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(sets) && !found; i++)
		found = judge_find(j, sets[i], false, &m, &where);
	if (!found)
		found = council_instruction(j, &m, &where);
	if (!found)
		return;
	f = judge_add_finding(j, CONF_RULE_OBLIGATION,
			      with_recipient(judge_evidence_phrase(&m, where), outside_word(out),
					     out));
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

void rule_member_instructs_staff(struct judge *j)
{
	const struct conf_rule_setting *s = judge_rule(j, CONF_RULE_MEMBER_INSTRUCTS_STAFF);
	const struct judge_rcpt *staff;
	struct phrase_match m;
	enum judge_where where;
	struct policy_finding *f;
	char *clerk = NULL, *evidence;

	if (!judge_is_councillor(j->author) || (staff = judge_first_class(j, RCPT_STAFF)) == NULL)
		return;
	if (clerk_openly(j) || !judge_find(j, CONF_PHRASES_INSTRUCTION, false, &m, &where))
		return;
	if (s->copy_clerk && j->council->clerk != NULL) {
		clerk = conf_address_normalise(j->conf, j->council->clerk);
		if (clerk != NULL && is_recipient(j, clerk))
			g_clear_pointer(&clerk, g_free);	/* already there (blind) */
	}
	evidence = judge_evidence_phrase(&m, where);
	f = judge_add_finding(j, CONF_RULE_MEMBER_INSTRUCTS_STAFF,
			      with_recipient(evidence, "staff", staff));
	f->notice_text = notice_instructs_staff(j, staff, clerk != NULL);
	if (clerk != NULL) {
		f->add_rcpts = g_new0(char *, 2);
		f->add_rcpts[0] = clerk;
		f->n_add_rcpts = 1;
	}
}

/* Requests in TEXT: the request words and the council's instruction
   phrases, matched once. */
struct requests {
	GArray *words, *instructions;
};

static void requests_find(struct judge *j, const struct phrase_text *text, struct requests *r)
{
	r->words = phrase_match_all(judge_words(j, JUDGE_WORDS_REQUEST), text);
	r->instructions = phrase_match_all(judge_phrases(j, CONF_PHRASES_INSTRUCTION), text);
}

static void requests_clear(struct requests *r)
{
	g_array_unref(r->words);
	g_array_unref(r->instructions);
}

static bool requests_within(const struct requests *r, size_t s, size_t e)
{
	struct phrase_match m;

	return phrase_matches_within(r->words, s, e, &m) ||
	       phrase_matches_within(r->instructions, s, e, &m);
}

void rule_party_political(struct judge *j)
{
	const struct judge_rcpt *officer;
	const struct phrase_set *party;
	struct requests req;
	struct phrase_match found_m;
	enum judge_where found_where = WHERE_BODY;
	bool found = false;
	struct policy_finding *f;

	if (!judge_is_councillor(j->author))
		return;
	if ((officer = judge_first_class(j, RCPT_CLERK)) == NULL &&
	    (officer = judge_first_class(j, RCPT_STAFF)) == NULL)
		return;
	party = judge_phrases(j, CONF_PHRASES_PARTY_POLITICAL);
	requests_find(j, j->body, &req);

	/* In the body: the party-political phrase and a request in one
	   sentence. In the subject: a request anywhere in the body. */
	if (j->subject != NULL) {
		GArray *all = phrase_match_all(party, j->subject);
		const char *body = phrase_text_str(j->body);

		if (all->len > 0 && requests_within(&req, 0, strlen(body))) {
			found_m = g_array_index(all, struct phrase_match, 0);
			found_where = WHERE_SUBJECT;
			found = true;
		}
		g_array_unref(all);
	}
	if (!found) {
		GArray *all = phrase_match_all(party, j->body);

		for (guint i = 0; i < all->len && !found; i++) {
			const struct phrase_match *m = &g_array_index(all, struct phrase_match, i);
			size_t s, e;

			phrase_text_sentence(j->body, m->start, &s, &e);
			if (requests_within(&req, s, e)) {
				found_m = *m;
				found = true;
			}
		}
		g_array_unref(all);
	}
	requests_clear(&req);
	if (!found)
		return;
	f = judge_add_finding(j, CONF_RULE_PARTY_POLITICAL,
			      with_recipient(judge_evidence_phrase(&found_m, found_where),
					     officer->cls == RCPT_CLERK ? "the Clerk" : "staff",
					     officer));
	f->notice_text = notice_party_political(j);
}

/* A title under the name in a sign-off says in what capacity one writes
   ("Jane Smith / Mayor of Ashcombe", "Chair, Brookfield Town Council").
   Read only at the start of a sign-off line, never in prose. */
static const char *const title_lines[] = {
	"mayor of", "deputy mayor", "town mayor", "the mayor", "mayor,", "mayor -",
	"chair of", "chairman of", "chairwoman of", "chair,", "chairman,", "chair -",
	"vice-chair of", "vice chair of", "vice-chairman of", "leader of", "deputy leader of",
	"ward councillor", "ward member", "councillor for", "cllr for",
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
	    signed_with_title(j->msg->signature_shown, 0) ||
	    signed_with_title(j->msg->own_text_shown, SIGN_OFF_LINES))
		return;
	f = judge_add_finding(j, CONF_RULE_CAPACITY,
			      g_strdup_printf("no capacity statement in the author's text; "
					      "to %s (%s)", out->addr, outside_word(out)));
	f->notice_text = notice_capacity(j);
}
