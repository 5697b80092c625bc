/*
 * The words people read: footer notices, the reject reply, the hold reason
 * and the result header. Plain English for a parish clerk and a busy
 * councillor: what happened, the protocol and clause in the council's own
 * protocol's numbering (or section heading), and how to do it properly.
 * Ilminster's protocol prescribes its own footer ("CC councillor X."), so
 * that profile uses it.
 */
#include "policy/judge.h"

#include <string.h>

#define REPLY_LINE_MAX 200	/* SMTP reply lines people read in a bounce */
#define HOLD_REASON_MAX 500

static const char *protocol_of(const struct conf_council *c)
{
	return c->profile != NULL && c->profile->protocol != NULL ? c->profile->protocol
								  : "Member/Officer Protocol";
}

static bool is_profile(const struct conf_council *c, const char *id)
{
	return c->profile != NULL && c->profile->id != NULL && strcmp(c->profile->id, id) == 0;
}

static const char *clause_of(const struct conf_council *c, enum conf_rule rule)
{
	const char *clause = c->rules[rule].clause;

	return clause != NULL ? clause : "";
}

char *notice_cite(const struct conf_council *c, enum conf_rule rule)
{
	const char *clause = clause_of(c, rule);

	if (*clause == '\0')
		return g_strdup_printf("the council's %s", protocol_of(c));
	if (g_ascii_isdigit(*clause))
		return g_strdup_printf("the council's %s, clause %s", protocol_of(c), clause);
	return g_strdup_printf("the council's %s, section \"%s\"", protocol_of(c), clause);
}

/* The protocol's own words, as a sentence ending in ':' + quote, or "". */
static char *quote_of(const struct conf_council *c, enum conf_rule rule)
{
	const char *q = c->rules[rule].quote;

	size_t n;

	if (q == NULL || *q == '\0')
		return g_strdup("");
	n = strlen(q);
	return g_strdup_printf(" It says: \"%s\"%s", q,
			       strchr(".!?", q[n - 1]) != NULL ? "" : ".");
}

/* "the Clerk (Tom Brown, clerk@x)" */
static char *clerk_label(const struct judge *j)
{
	const char *addr = j->council->clerk;
	const struct conf_person *p = addr != NULL ? conf_person_lookup(j->conf, addr) : NULL;

	if (addr == NULL)
		return g_strdup("the Clerk");
	if (p != NULL)
		return g_strdup_printf("the Clerk (%s, %s)", p->name, addr);
	return g_strdup_printf("the Clerk (%s)", addr);
}

/* "A, B and C" */
static char *join_and(GPtrArray *items)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++) {
		if (i > 0)
			g_string_append(s, i + 1 == items->len ? " and " : ", ");
		g_string_append(s, items->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

static char *author_label(const struct judge *j)
{
	return j->author != NULL ? judge_person_label(j->author) : g_strdup("the sender");
}

/* The pieces most notices are made of. */
struct parts {
	char *who;	/* "Cllr Jane Smith" */
	char *cite;	/* "the council's <protocol>, clause N" */
	char *quote;	/* " It says: \"...\"." or "" */
	char *clerk;	/* "the Clerk (Name, address)" */
};

static void parts_get(const struct judge *j, enum conf_rule rule, struct parts *p)
{
	p->who = author_label(j);
	p->cite = notice_cite(j->council, rule);
	p->quote = quote_of(j->council, rule);
	p->clerk = clerk_label(j);
}

static void parts_clear(struct parts *p)
{
	g_free(p->who);
	g_free(p->cite);
	g_free(p->quote);
	g_free(p->clerk);
}

char *notice_silent_copy(const struct conf_council *c, const GPtrArray *people)
{
	GString *s = g_string_new(NULL);
	char *cite = notice_cite(c, CONF_RULE_SILENT_COPY);

	if (is_profile(c, "ilminster")) {
		/* The protocol's own words: add "CC councillor X." at the foot. */
		for (guint i = 0; i < people->len; i++) {
			const struct conf_person *p = people->pdata[i];

			if (judge_is_councillor(p))
				g_string_append_printf(s, "CC councillor %s.\n", p->name);
			else
				g_string_append_printf(s, "CC %s.\n", p->name);
		}
		g_string_append_printf(s, "This e-mail was also sent as a blind copy (BCC) to "
				       "the councillor%s named above. Under %s, that must be made "
				       "clear at the foot of the e-mail.",
				       people->len > 1 ? "s" : "", cite);
	} else {
		GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
		char *list;

		for (guint i = 0; i < people->len; i++)
			g_ptr_array_add(labels, judge_person_label(people->pdata[i]));
		list = join_and(labels);
		g_string_append_printf(s, "Copied to: %s\n", list);
		g_string_append_printf(s, "This message was also sent as a blind copy to the "
				       "%s named above. Under %s, copies must always be made "
				       "explicit: there should be no \"blind\" copies.",
				       people->len > 1 ? "people" : "person", cite);
		g_free(list);
		g_ptr_array_free(labels, TRUE);
	}
	g_free(cite);
	return g_string_free(s, FALSE);
}

char *notice_obligation(const struct judge *j)
{
	struct parts p;
	char *s;

	parts_get(j, CONF_RULE_OBLIGATION, &p);
	s = g_strdup_printf("Please note: %s is a member of %s. Under %s, a councillor cannot "
			    "create obligations or give instructions on the council's behalf. "
			    "Nothing in this message commits the council unless %s confirms it.",
			    p.who, j->council->name, p.cite, p.clerk);
	parts_clear(&p);
	return s;
}

char *notice_instructs_staff(const struct judge *j, const struct judge_rcpt *staff,
			     bool clerk_copied)
{
	struct parts p;
	char *s;

	parts_get(j, CONF_RULE_MEMBER_INSTRUCTS_STAFF, &p);
	s = g_strdup_printf("Note for %s: this request comes directly from %s. Under %s, "
			    "requests from councillors to staff go through the Clerk.%s\n"
			    "Please check with %s before acting on it.%s",
			    staff->person != NULL ? staff->person->name : staff->addr, p.who,
			    p.cite, p.quote, p.clerk,
			    clerk_copied ? " The Clerk has been copied into this message." : "");
	parts_clear(&p);
	return s;
}

char *notice_confidential(const struct judge *j, bool for_councillor_only)
{
	char *cite = notice_cite(j->council, CONF_RULE_CONFIDENTIAL);
	char *quote = quote_of(j->council, CONF_RULE_CONFIDENTIAL);
	char *s;

	if (for_councillor_only) {
		GPtrArray *labels = g_ptr_array_new_with_free_func(g_free);
		char *list;

		for (guint i = 0; i < j->rcpts->len; i++) {
			const struct judge_rcpt *r = &g_array_index(j->rcpts, struct judge_rcpt, i);

			if (r->cls == RCPT_COUNCILLOR && !r->own)
				g_ptr_array_add(labels, judge_person_label(r->person));
		}
		list = join_and(labels);
		s = g_strdup_printf(
			"Confidential: this message is for %s only, under %s.%s\n"
			"Please do not forward it or copy it to anyone else, including "
			"complainants or other third parties.",
			list, cite, quote);
		g_free(list);
		g_ptr_array_free(labels, TRUE);
	} else {
		s = g_strdup_printf(
			"This message is marked confidential. Under %s, information given in "
			"confidence must not be passed on without the consent of someone "
			"authorised to give it. Please do not forward or share it.",
			cite);
	}
	g_free(cite);
	g_free(quote);
	return s;
}

static const char *title_word(unsigned titles)
{
	if (titles & CONF_TITLE_MAYOR)
		return "Mayor";
	if (titles & CONF_TITLE_CHAIR)
		return "Chair";
	if (titles & CONF_TITLE_VICE_CHAIR)
		return "Vice-Chair";
	if (titles & CONF_TITLE_LEADER)
		return "Leader";
	return NULL;
}

/* The sentence a councillor's message to the outside world ends with
   when it does not say in what capacity it was written. */
static char *capacity_sentence(const struct judge *j)
{
	const struct conf_person *p = j->author;
	const char *council = j->council->name;
	const char *title = title_word(p->titles);

	if (p->capacity != NULL && *p->capacity != '\0')
		return g_strdup(p->capacity);
	if (title != NULL)
		return g_strdup_printf("Cllr %s writes as %s of %s. This message does not commit "
				       "the council.", p->name, title, council);
	if (p->ward != NULL && *p->ward != '\0')
		return g_strdup_printf("Cllr %s writes as a ward councillor for %s (%s), not on "
				       "behalf of the council.", p->name, p->ward, council);
	return g_strdup_printf("Cllr %s writes as an individual member of %s, not on behalf "
			       "of the council.", p->name, council);
}

char *notice_capacity(const struct judge *j)
{
	char *sentence = capacity_sentence(j);
	char *cite = notice_cite(j->council, CONF_RULE_CAPACITY);
	char *s = g_strdup_printf("%s\nStatement added under %s.", sentence, cite);

	g_free(sentence);
	g_free(cite);
	return s;
}

char *notice_party_political(const struct judge *j)
{
	struct parts p;
	char *s;

	parts_get(j, CONF_RULE_PARTY_POLITICAL, &p);
	s = g_strdup_printf("Note for council officers: this message from %s appears to ask for "
			    "party-political or campaigning work. Under %s, officers must not be "
			    "asked to do such work.%s\n"
			    "Officers may decline it; %s can advise.",
			    p.who, p.cite, p.quote, p.clerk);
	parts_clear(&p);
	return s;
}

char *notice_pre_election(const struct judge *j)
{
	char *from = notice_date(j->council->pre_election_start);
	char *to = notice_date(j->council->pre_election_end);
	struct parts p;
	char *s;

	parts_get(j, CONF_RULE_PRE_ELECTION, &p);
	s = g_strdup_printf("This message from %s was sent to the press during the pre-election "
			    "period, %s to %s. It is the councillor's own statement, not a "
			    "statement of %s. Under %s, councillors take particular care in what "
			    "they say before an election.",
			    p.who, from, to, j->council->name, p.cite);
	parts_clear(&p);
	g_free(from);
	g_free(to);
	return s;
}

char *notice_date(time_t t)
{
	static const char *const months[] = { "January", "February", "March", "April", "May",
					      "June", "July", "August", "September", "October",
					      "November", "December" };
	GDateTime *d = g_date_time_new_from_unix_local((gint64)t);
	char *s;

	if (d == NULL)
		return g_strdup("(unknown date)");
	s = g_strdup_printf("%d %s %d", g_date_time_get_day_of_month(d),
			    months[g_date_time_get_month(d) - 1], g_date_time_get_year(d));
	g_date_time_unref(d);
	return s;
}

char *notice_wrap(const char *text, unsigned width)
{
	GString *out = g_string_sized_new(strlen(text) + 16);
	unsigned col = 0;

	/* Words are what lies between single spaces, lines what lies between
	   '\n's; a word is counted in characters. One pass, no copies. */
	for (const char *p = text; ; ) {
		size_t len = strcspn(p, " \n");

		if (len > 0) {
			unsigned n = (unsigned)g_utf8_strlen(p, (gssize)len);

			if (col > 0 && col + 1 + n > width) {
				g_string_append_c(out, '\n');
				col = 0;
			} else if (col > 0) {
				g_string_append_c(out, ' ');
				col++;
			}
			g_string_append_len(out, p, (gssize)len);
			col += n;
		}
		p += len;
		if (*p == '\0')
			break;
		if (*p == '\n') {
			g_string_append_c(out, '\n');
			col = 0;
		}
		p++;
	}
	return g_string_free(out, FALSE);
}

char *notice_html(const char *text)
{
	GString *s = g_string_sized_new(strlen(text) + 64);

	/* Escaped (HTML 4 entities only: old mail programs show &apos;
	   literally) and broken into paragraphs and lines in one pass, a run
	   of plain characters appended at a time */
	g_string_append(s, "<p>");
	for (const char *p = text; *p != '\0'; p++) {
		size_t run = strcspn(p, "&<>\"\n");

		g_string_append_len(s, p, (gssize)run);
		p += run;
		switch (*p) {
		case '\0': p--; break;
		case '&': g_string_append(s, "&amp;"); break;
		case '<': g_string_append(s, "&lt;"); break;
		case '>': g_string_append(s, "&gt;"); break;
		case '"': g_string_append(s, "&quot;"); break;
		default:	/* '\n' */
			if (p[1] == '\n') {
				g_string_append(s, "</p>\n<p>");
				while (p[1] == '\n')
					p++;
			} else {
				g_string_append(s, "<br>\n");
			}
			break;
		}
	}
	g_string_append(s, "</p>\n");
	return g_string_free(s, FALSE);
}

/* What each rule asks the sender to do instead. */
static char *fix_for(const struct judge *j, enum conf_rule rule)
{
	char *clerk = clerk_label(j), *s;

	switch (rule) {
	case CONF_RULE_SILENT_COPY:
		s = g_strdup("Put everyone who should see it in To or Cc (no blind copies), then "
			     "send it again.");
		break;
	case CONF_RULE_OBLIGATION:
		s = g_strdup_printf("Ask %s to send anything that commits the council or gives "
				    "instructions on its behalf.", clerk);
		break;
	case CONF_RULE_MEMBER_INSTRUCTS_STAFF:
		s = g_strdup_printf("Send your request to %s instead.", clerk);
		break;
	case CONF_RULE_CONFIDENTIAL:
		s = g_strdup_printf("Remove the recipients outside the council, or ask %s whether "
				    "it may be shared.", clerk);
		break;
	case CONF_RULE_CAPACITY:
		s = g_strdup("Say in what capacity you write (for example \"as ward councillor for "
			     "...\" or \"in a personal capacity\"), then send it again.");
		break;
	case CONF_RULE_PARTY_POLITICAL:
		s = g_strdup("Council officers cannot do party-political or campaigning work: "
			     "please use your party's own resources.");
		break;
	case CONF_RULE_PRE_ELECTION:
	default:
		s = g_strdup_printf("During the pre-election period send statements to the press "
				    "through %s; if the press contacted you as an election "
				    "candidate, say so in your message.", clerk);
		break;
	}
	g_free(clerk);
	return s;
}

/* The rule in a few words, for the reject reply. */
static const char *what_for(enum conf_rule rule)
{
	switch (rule) {
	case CONF_RULE_SILENT_COPY:
		return "no blind copies of member/officer correspondence";
	case CONF_RULE_OBLIGATION:
		return "a councillor cannot commit the council or instruct on its behalf";
	case CONF_RULE_MEMBER_INSTRUCTS_STAFF:
		return "councillors do not instruct staff directly";
	case CONF_RULE_CONFIDENTIAL:
		return "confidential material stays inside the council";
	case CONF_RULE_CAPACITY:
		return "say in what capacity you write";
	case CONF_RULE_PARTY_POLITICAL:
		return "officers do no party-political or campaigning work";
	case CONF_RULE_PRE_ELECTION:
	default:
		return "particular care with the press before an election";
	}
}

/* Text for an SMTP reply: no CR/LF inside a line, no '%' (libmilter
   formats the reply), bounded. */
static void reply_line(GString *out, const char *line)
{
	char *clean = parser_header_sanitise(line, REPLY_LINE_MAX);

	g_strdelimit(clean, "%", '/');
	if (out->len > 0)
		g_string_append_c(out, '\n');
	g_string_append(out, clean);
	g_free(clean);
}

char *notice_incomplete(const struct judge *j)
{
	const struct conf_limits *lim = &j->conf->daemon.limits;
	GString *out;

	if (j->incomplete == 0 && j->unread == NULL)
		return NULL;
	out = g_string_new(NULL);
	if (j->incomplete & PARSER_FLAG_DEPTH_LIMIT)
		g_string_append_printf(out, "%sparts nested deeper than %u levels "
				       "(limits.max_depth)", out->len ? ", " : "", lim->max_depth);
	if (j->incomplete & PARSER_FLAG_PART_LIMIT)
		g_string_append_printf(out, "%smore than %u parts (limits.max_parts)",
				       out->len ? ", " : "", lim->max_parts);
	if (j->incomplete & PARSER_FLAG_HEADER_LIMIT)
		g_string_append_printf(out, "%sa header section over %zu bytes "
				       "(limits.max_header_bytes)", out->len ? ", " : "",
				       lim->max_header_bytes);
	if (j->incomplete & PARSER_FLAG_TEXT_TRUNCATED)
		g_string_append_printf(out, "%smore than %zu bytes of text (limits.max_text_bytes)",
				       out->len ? ", " : "", lim->max_text_bytes);
	if (j->incomplete & PARSER_FLAG_HTML_ATTRIBUTE_LIMIT)
		g_string_append_printf(out, "%san HTML tag with more than %u attributes "
				       "(limits.max_html_attributes)", out->len ? ", " : "",
				       lim->max_html_attributes);
	if (j->incomplete & PARSER_FLAG_HTML_DEPTH_LIMIT)
		g_string_append_printf(out, "%sHTML nested deeper than %u levels "
				       "(limits.max_html_depth)", out->len ? ", " : "",
				       lim->max_html_depth);
	if (j->unread != NULL)
		g_string_append_printf(out, "%s%s", out->len ? ", " : "", j->unread);
	return g_string_free(out, FALSE);
}

char *notice_reject_text(const struct judge *j, enum conf_action action)
{
	GString *out = g_string_new(NULL);
	char *line, *why = notice_incomplete(j);

	if (why != NULL && j->conf->daemon.on_incomplete == action) {
		line = g_strdup_printf("Message not sent: it could not be checked in full against "
				       "%s's %s (%s).", j->council->name,
				       protocol_of(j->council), why);
		reply_line(out, line);
		g_free(line);
		reply_line(out, "Please send it in a simpler form, for example with the "
			   "documents attached directly rather than inside forwarded messages.");
	}
	g_free(why);
	line = g_strdup_printf("Message not sent: it breaks %s's %s.", j->council->name,
			       protocol_of(j->council));
	if (out->len == 0 || j->findings->len > 0)
		reply_line(out, line);
	g_free(line);
	for (guint i = 0; i < j->findings->len; i++) {
		const struct policy_finding *f =
			&g_array_index(j->findings, struct policy_finding, i);
		char *fix;

		if (f->action != action)
			continue;
		if (g_ascii_isdigit(*f->clause))
			line = g_strdup_printf("Clause %s, %s: %s.", f->clause, what_for(f->rule),
					       f->evidence);
		else
			line = g_strdup_printf("Section \"%s\", %s: %s.", f->clause,
					       what_for(f->rule), f->evidence);
		reply_line(out, line);
		g_free(line);
		fix = fix_for(j, f->rule);
		reply_line(out, fix);
		g_free(fix);
	}
	return g_string_free(out, FALSE);
}

char *notice_hold_reason(const struct judge *j)
{
	GString *out = g_string_new(NULL);
	bool first = true;
	char *clean, *why = notice_incomplete(j);

	if (why != NULL && j->conf->daemon.on_incomplete == CONF_ACTION_HOLD) {
		g_string_append_printf(out, "not checked in full: %s", why);
		first = false;
	}
	g_free(why);
	if (j->footer_refused != NULL) {
		g_string_append_printf(out, "%snotice cannot be added to the body (%s; "
				       "on_footer_refused)", first ? "" : " | ", j->footer_refused);
		first = false;
	}
	for (guint i = 0; i < j->findings->len; i++) {
		const struct policy_finding *f =
			&g_array_index(j->findings, struct policy_finding, i);

		/* held for its notice: the findings whose notice it is */
		if (f->action != CONF_ACTION_HOLD &&
		    !(j->footer_refused != NULL && f->action == CONF_ACTION_ANNOTATE))
			continue;
		g_string_append_printf(out, "%s%s (clause %s): %s", first ? "" : " | ",
				       conf_rule_id(f->rule), f->clause, f->evidence);
		first = false;
	}
	clean = parser_header_sanitise(out->str, HOLD_REASON_MAX);
	g_string_free(out, TRUE);
	return clean;
}

/* The clause as a header token: the main clause only ("12.4" of "12.4
   (with 12.2, 2.9)"), quoted when it is a heading with spaces. */
static void append_clause(GString *s, const char *clause)
{
	const char *with = strstr(clause, " (with ");
	size_t n = with != NULL ? (size_t)(with - clause) : strlen(clause);
	bool token = n > 0;

	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(clause[i]) && strchr(".()-", clause[i]) == NULL)
			token = false;
	if (token) {
		g_string_append_len(s, clause, (gssize)n);
		return;
	}
	g_string_append_c(s, '"');
	for (size_t i = 0; i < n; i++)
		if (clause[i] != '"' && clause[i] != '\\')
			g_string_append_c(s, clause[i]);
	g_string_append_c(s, '"');
}

char *notice_result_header(const struct judge *j, enum conf_action action)
{
	const char *id = j->conf->daemon.authserv_id != NULL ? j->conf->daemon.authserv_id
							       : "localhost";
	GString *s = g_string_new(NULL);
	char *name = parser_header_sanitise(j->council->name, 200), *out;

	g_strdelimit(name, "\"\\", '\'');
	g_string_append_printf(s, "%s; council=\"%s\"; profile=%s; action=%s", id, name,
			       j->council->profile != NULL ? j->council->profile->id : "none",
			       conf_action_name(action));
	if (j->incomplete != 0 || j->unread_key != NULL) {
		const char *sep = "; incomplete=";

		for (unsigned flag = 1; flag <= PARSER_FLAGS_INCOMPLETE; flag <<= 1)
			if ((j->incomplete & flag) != 0) {
				g_string_append_printf(s, "%s%s", sep, parser_limit_key(flag));
				sep = ",";
			}
		if (j->unread_key != NULL)
			g_string_append_printf(s, "%s%s", sep, j->unread_key);
	}
	if (j->findings->len == 0)
		g_string_append(s, "; rules=none");
	for (guint i = 0; i < j->findings->len; i++) {
		const struct policy_finding *f =
			&g_array_index(j->findings, struct policy_finding, i);

		g_string_append_printf(s, "; %s=%s (clause=", conf_rule_id(f->rule),
				       conf_action_name(f->action));
		append_clause(s, f->clause);
		g_string_append_c(s, ')');
	}
	out = parser_header_sanitise(s->str, 2000);
	g_string_free(s, TRUE);
	g_free(name);
	return out;
}
