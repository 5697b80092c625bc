/*
 * confidential: messages marked "Confidential", "Not for publication",
 * "Exempt" ... and replies or forwards of them must not reach anyone
 * outside the council (town-council-2023 10.7; Ilminster "Correspondence";
 * Chard 2.7).
 *
 * A marking is a label, not a word in prose: a subject tag, a banner line,
 * a Sensitivity: or classification header, an attachment name, the same in
 * a message carried inside this one, a reference to a message already
 * judged confidential (the thread store), or the label at the top of an
 * attached document (attachments.c). "I'll keep this confidential" is not
 * a marking.
 */
#include "policy/disguise.h"
#include "policy/judge.h"

#include <string.h>

#define BANNER_MAX_CHARS 100	/* a banner is a short line, not a paragraph */

/* A Sensitivity: value as a mail program reads it (RFC 5322 3.2): comments
   left out, quoted strings unquoted, case folded, and the words run
   together ("Company Confidential", "\"Company-Confidential\"",
   "company_confidential (set by Outlook)" are all "companyconfidential"). */
static char *sensitivity_word(const char *value)
{
	GString *out = g_string_new(NULL);
	unsigned comment = 0;
	bool quoted = false;

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' && (comment > 0 || quoted) && p[1] != '\0') {
			p++;		/* quoted-pair: the next character as it is */
			if (comment == 0 && g_ascii_isalnum(*p))
				g_string_append_c(out, g_ascii_tolower(*p));
			continue;
		}
		if (!quoted && *p == '(') {
			comment++;
		} else if (comment > 0) {
			if (*p == ')')
				comment--;
		} else if (*p == '"') {
			quoted = !quoted;
		} else if (g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80) {
			g_string_append_c(out, g_ascii_tolower(*p));
		}
	}
	return g_string_free(out, FALSE);
}

/* Sensitivity: values (RFC 2156 / Outlook) that mark a message. */
static bool sensitive(const char *value)
{
	static const char *const marks[] = { "private", "companyconfidential", "personal",
					     "confidential" };
	char *v;
	bool hit = false;

	if (value == NULL || *value == '\0')
		return false;
	v = sensitivity_word(value);
	for (size_t i = 0; i < G_N_ELEMENTS(marks) && !hit; i++)
		hit = strcmp(v, marks[i]) == 0;
	g_free(v);
	return hit;
}

/* 'banner "X"' for the line L labelled with PHRASE: the line as it shows
   (invisible characters left out), and how it was read when it was written
   to be missed ("СОNFIDЕNTIАL" in Cyrillic, "C O N F I D ..."). */
static char *banner_evidence(const char *l, const char *phrase)
{
	char *shown = disguise_visible(l);
	char *nfkc = g_utf8_normalize(l, -1, G_NORMALIZE_NFKC);
	GString *undone = g_string_new(NULL);
	unsigned d = disguise_undo(nfkc != NULL ? nfkc : l, strlen(nfkc != NULL ? nfkc : l),
				   undone);
	char *ev = (d & (DISGUISE_LOOKALIKE | DISGUISE_SPACED)) != 0 ?
		g_strdup_printf("banner \"%s\" (read as \"%s\")", g_strstrip(shown), phrase) :
		g_strdup_printf("banner \"%s\"", g_strstrip(shown));

	g_string_free(undone, TRUE);
	g_free(nfkc);
	g_free(shown);
	return ev;
}

/* A banner line in TEXT: evidence 'banner "X" in WHAT line N', or NULL. */
static char *find_banner(const struct phrase_set *set, const char *text, const char *what)
{
	const char *p = text != NULL ? text : "";
	unsigned line = 1;
	GString *l = NULL;	/* each line in turn, one buffer for all */
	char *ev = NULL;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		const char *phrase;

		while (n > 0 && g_ascii_isspace(p[n - 1]))	/* as g_strchomp */
			n--;
		/* a line of at most BANNER_MAX_CHARS bytes has at most as
		   many characters: counted only when longer */
		if (n > 0 && (n <= BANNER_MAX_CHARS ||
			      g_utf8_strlen(p, (gssize)n) <= BANNER_MAX_CHARS)) {
			if (l == NULL)
				l = g_string_sized_new(BANNER_MAX_CHARS * 4);
			g_string_truncate(l, 0);
			g_string_append_len(l, p, (gssize)n);
			if (phrase_set_label(set, l->str, false, &phrase)) {
				char *banner = banner_evidence(l->str, phrase);

				ev = g_strdup_printf("%s in %s line %u", banner, what, line);
				g_free(banner);
			}
		}
		if (ev != NULL)
			break;
		if (nl == NULL)
			break;
		p = nl + 1;
		line++;
	}
	if (l != NULL)
		g_string_free(l, TRUE);
	return ev;
}

static char *subject_marking(const struct phrase_set *set, const char *subject, const char *what)
{
	const char *phrase;

	if (subject == NULL ||
	    !phrase_set_label(set, judge_subject_unprefixed(subject), true, &phrase))
		return NULL;
	return g_strdup_printf("marking \"%s\" in %s", phrase, what);
}

/* Attachment names: "Exempt_Appendix-B.pdf" reads as "exempt appendix b pdf". */
static char *filename_marking(const struct phrase_set *set, const char *name)
{
	char *words, *ev = NULL;
	struct phrase_text *t;
	GArray *all;

	if (name == NULL || *name == '\0')
		return NULL;
	words = g_strdup(name);
	g_strdelimit(words, "_-.+~()[]{}", ' ');
	t = phrase_text_new(words);
	all = phrase_match_all(set, t);
	if (all->len > 0) {
		char *clean = parser_header_sanitise(name, 120);

		ev = g_strdup_printf("marking \"%s\" in attachment name '%s'",
				     g_array_index(all, struct phrase_match, 0).phrase, clean);
		g_free(clean);
	}
	g_array_unref(all);
	phrase_text_free(&t);
	g_free(words);
	return ev;
}

static char *classification_marking(const struct phrase_set *set, const char *value)
{
	struct phrase_text *t = phrase_text_new(value);
	GArray *all = phrase_match_all(set, t);
	char *ev = NULL;

	if (all->len > 0)
		ev = g_strdup_printf("classification header \"%s\"", value);
	g_array_unref(all);
	phrase_text_free(&t);
	return ev;
}

/* Why the message is marked (evidence), or NULL when it is not. */
static char *marking(struct judge *j)
{
	const struct parser_message *m = j->msg;
	const struct phrase_set *set = judge_phrases(j, CONF_PHRASES_CONFIDENTIAL);
	char *ev;

	if (sensitive(m->sensitivity))
		return g_strdup_printf("Sensitivity: %s header", m->sensitivity);
	for (size_t i = 0; i < m->n_classifications; i++)
		if ((ev = classification_marking(set, m->classifications[i])) != NULL)
			return ev;
	if ((ev = subject_marking(set, m->subject, "subject")) != NULL)
		return ev;
	if ((ev = find_banner(set, m->own_text, "body")) != NULL)
		return ev;
	if ((ev = find_banner(set, m->signature, "signature")) != NULL)
		return ev;
	if ((ev = find_banner(set, m->quoted_text, "quoted text")) != NULL)
		return ev;
	for (size_t i = 0; i < m->n_parts; i++)
		if ((ev = filename_marking(set, m->parts[i].filename)) != NULL)
			return ev;
	for (size_t i = 0; i < m->n_embedded; i++) {
		const struct parser_embedded *e = &m->embedded[i];
		const char *kind = e->attached ? "attached message" : "forwarded message";
		char *what;

		if (sensitive(e->sensitivity))
			return g_strdup_printf("%s Sensitivity: %s header", kind, e->sensitivity);
		what = g_strdup_printf("%s subject", kind);
		ev = subject_marking(set, e->subject, what);
		g_free(what);
		if (ev != NULL)
			return ev;
		what = g_strdup_printf("%s text", kind);
		ev = find_banner(set, e->text, what);
		g_free(what);
		if (ev != NULL)
			return ev;
	}
	if (*m->in_reply_to != '\0' && policy_thread_store_contains(j->store, m->in_reply_to))
		return g_strdup_printf("reply to confidential message <%s>", m->in_reply_to);
	for (size_t i = 0; i < m->n_references; i++)
		if (policy_thread_store_contains(j->store, m->references[i]))
			return g_strdup_printf("in the thread of confidential message <%s>",
					       m->references[i]);
	return NULL;
}

/* Could marked mail be a finding? An outside recipient, or an officer
   writing to councillors. Only then are attached documents worth reading. */
static bool finding_possible(const struct judge *j)
{
	return judge_first_class(j, RCPT_PRESS) != NULL ||
	       judge_first_class(j, RCPT_THIRD_PARTY) != NULL ||
	       (judge_is_officer(j->author) && judge_first_class(j, RCPT_COUNCILLOR) != NULL);
}

void rule_confidential(struct judge *j)
{
	const struct conf_rule_setting *s = judge_rule(j, CONF_RULE_CONFIDENTIAL);
	const struct judge_rcpt *out, *cllr;
	struct policy_finding *f;
	char *ev = marking(j);
	const char *error;

	/* Inside the documents last: reading them costs a worker each. */
	if (ev == NULL && finding_possible(j))
		ev = attachment_marking(j, judge_phrases(j, CONF_PHRASES_CONFIDENTIAL));
	if (ev == NULL)
		return;
	/* Remember it, so that replies and forwards stay confidential when
	   the marking is deleted. A store that cannot be written does not
	   change this verdict; the verdict says so, for the log. */
	if (!j->store_done && j->store != NULL && j->msg->message_id != NULL &&
	    *j->msg->message_id != '\0' &&
	    policy_thread_store_add(j->store, j->msg->message_id, j->env->now, &error) < 0)
		j->store_error = g_strdup(error);
	j->store_done = true;

	out = judge_first_class(j, RCPT_PRESS);
	if (out == NULL)
		out = judge_first_class(j, RCPT_THIRD_PARTY);
	if (out != NULL) {
		char *e = g_strdup_printf("%s; to %s (%s)", ev, out->addr,
					  out->cls == RCPT_PRESS ? "press" : "outside the council");

		f = judge_add_finding(j, CONF_RULE_CONFIDENTIAL, e);
		f->notice_text = notice_confidential(j, false);
	} else if (judge_is_officer(j->author) &&
		   (cllr = judge_first_class(j, RCPT_COUNCILLOR)) != NULL) {
		/* An officer's confidential briefing to councillors: it may go,
		   with a notice that it is for them only. */
		char *e = g_strdup_printf("%s; from an officer to %s (councillor)", ev, cllr->addr);

		f = judge_add_finding(j, CONF_RULE_CONFIDENTIAL, e);
		f->action = MIN(s->action, CONF_ACTION_ANNOTATE);
		f->notice_text = notice_confidential(j, true);
	}
	g_free(ev);
}
