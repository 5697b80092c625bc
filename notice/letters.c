/* The notices, as whole messages (see letters.h). */
#include "notice/notice.h"

#include <string.h>
#include <sys/random.h>

#include <glib.h>

#include "parser/parser.h"
#include "util/util.h"

#define WIDTH 72		/* body lines wrap here */
#define RCPTS_SHOWN 5		/* "a, b, c, d, e and 3 others" */
#define FIELD_MAX 998		/* one header or quoted field at most */
#define ENCODED_CHUNK 45	/* bytes per RFC 2047 word: 60 base64 + 12 = 72 */

/* ---- headers ------------------------------------------------------------ */

static bool is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* VALUE as RFC 2047 words (UTF-8, base64), each whole characters, separated
   by spaces so the header can be folded between them. */
static char *encode_words(const char *value)
{
	GString *out = g_string_new(NULL);
	const char *p = value;

	while (*p != '\0') {
		const char *end = p;
		while (*end != '\0') {
			const char *next = g_utf8_next_char(end);
			if (next - p > ENCODED_CHUNK)
				break;
			end = next;
		}
		if (end == p)
			end = g_utf8_next_char(p);
		char *b64 = g_base64_encode((const guchar *)p, end - p);
		g_string_append_printf(out, "%s=?UTF-8?B?%s?=", out->len > 0 ? " " : "", b64);
		g_free(b64);
		p = end;
	}
	return g_string_free(out, FALSE);
}

/* Text from a message for people: one line of at most MAX bytes, without
   control characters or the characters that reorder or hide what is read
   (util.h). */
static char *for_people(const char *s, size_t max)
{
	char *visible = util_text_visible(s, -1);
	char *clean = parser_header_sanitise(visible, max);

	g_free(visible);
	return clean;
}

/* Unstructured text for a header: one line, encoded when not ASCII. */
static char *header_text(const char *value)
{
	char *clean = for_people(value, FIELD_MAX);
	char *out = is_ascii(clean) ? g_strdup(clean) : encode_words(clean);

	g_free(clean);
	return out;
}

/* A display name and address: "Name" <addr>, or the encoded name. */
static char *mailbox(const char *name, const char *addr)
{
	char *clean = for_people(name != NULL ? name : "", 200);
	char *out;

	if (*clean == '\0') {
		out = g_strdup_printf("<%s>", addr);
	} else if (!is_ascii(clean)) {
		char *words = encode_words(clean);
		out = g_strdup_printf("%s <%s>", words, addr);
		g_free(words);
	} else {
		GString *q = g_string_new("\"");
		for (const char *p = clean; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(q, '\\');
			g_string_append_c(q, *p);
		}
		g_string_append_printf(q, "\" <%s>", addr);
		out = g_string_free(q, FALSE);
	}
	g_free(clean);
	return out;
}

static void add_header(GString *out, const char *name, const char *value)
{
	char *folded = parser_header_fold(name, value);

	g_string_append_printf(out, "%s: %s\n", name, folded);
	g_free(folded);
}

/* RFC 5322 date in English whatever the locale. */
static char *rfc5322_date(time_t when)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	GDateTime *t = g_date_time_new_from_unix_local(when);
	char *zone = g_date_time_format(t, "%z");
	char *out = g_strdup_printf("%s, %d %s %d %02d:%02d:%02d %s",
				    days[g_date_time_get_day_of_week(t) - 1],
				    g_date_time_get_day_of_month(t),
				    months[g_date_time_get_month(t) - 1], g_date_time_get_year(t),
				    g_date_time_get_hour(t), g_date_time_get_minute(t),
				    g_date_time_get_second(t), zone);
	g_free(zone);
	g_date_time_unref(t);
	return out;
}

static char *new_message_id(const struct conf *conf)
{
	guint8 raw[12];
	GString *id = g_string_new("council-notice.");

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (guint8)g_random_int();
	for (size_t i = 0; i < sizeof(raw); i++)
		g_string_append_printf(id, "%02x", raw[i]);
	g_string_append_printf(id, "@%s", conf->daemon.authserv_id);
	return g_string_free(id, FALSE);
}

/* A letter being written: its text so far, and what its marker will bind. */
struct draft {
	GString *out;			/* the header block, then the body */
	size_t body_at;			/* where the body starts */
	char *bound[MARKER_N_HEADERS];	/* the values of marker_headers[] */
	char *to;
};

static void bound_header(struct draft *d, const char *name, const char *value)
{
	for (size_t i = 0; i < MARKER_N_HEADERS; i++)
		if (strcmp(marker_headers[i], name) == 0)
			d->bound[i] = g_strdup(value);
	add_header(d->out, name, value);
}

/* The header block of a letter from the council's review address to TO. */
static GString *letter_start(struct draft *d, const struct letter_from *from, const char *to,
			     const char *subject)
{
	char *sender_name = g_strdup_printf("%s (mail filter)", from->council->name);
	char *from_box = mailbox(sender_name, from->council->review_to);
	char *to_box = g_strdup_printf("<%s>", to);
	char *subj = header_text(subject);
	char *date = rfc5322_date(from->now);
	char *id = new_message_id(from->conf);
	char *bracketed = g_strdup_printf("<%s>", id);

	memset(d, 0, sizeof(*d));
	d->out = g_string_new(NULL);
	d->to = g_strdup(to);
	add_header(d->out, "From", from_box);
	add_header(d->out, "To", to_box);
	bound_header(d, "Subject", subj);
	bound_header(d, "Date", date);
	bound_header(d, "Message-ID", bracketed);
	/* RFC 3834: never answered by autoresponders. */
	add_header(d->out, "Auto-Submitted", "auto-generated");
	add_header(d->out, "MIME-Version", "1.0");
	bound_header(d, "Content-Type", "text/plain; charset=utf-8");
	bound_header(d, "Content-Transfer-Encoding", "8bit");
	g_string_append_c(d->out, '\n');
	d->body_at = d->out->len;
	g_free(sender_name);
	g_free(from_box);
	g_free(to_box);
	g_free(subj);
	g_free(date);
	g_free(id);
	g_free(bracketed);
	return d->out;
}

/* ---- body --------------------------------------------------------------- */

/* TEXT as lines of at most WIDTH columns (where words allow), the first
   starting with FIRST, the others with REST, then a newline. */
static void wrap(GString *out, const char *first, const char *rest, const char *text)
{
	char **words = g_strsplit_set(text, " \t\n", -1);
	long col = g_utf8_strlen(first, -1), indent = g_utf8_strlen(rest, -1);
	bool line_empty = true;

	g_string_append(out, first);
	for (char **w = words; *w != NULL; w++) {
		if (**w == '\0')
			continue;
		long len = g_utf8_strlen(*w, -1);
		if (!line_empty && col + 1 + len > WIDTH) {
			g_string_append_printf(out, "\n%s", rest);
			col = indent;
			line_empty = true;
		}
		if (!line_empty) {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append(out, *w);
		col += len;
		line_empty = false;
	}
	g_string_append_c(out, '\n');
	g_strfreev(words);
}

static void para(GString *out, const char *text)
{
	wrap(out, "", "", text);
	g_string_append_c(out, '\n');
}

/* One line of message data for a body: control characters made spaces. */
static char *line_of(const char *s, const char *if_none)
{
	return for_people(s != NULL && *s != '\0' ? s : if_none, FIELD_MAX);
}

static char *quoted_subject(const struct letter_held *h)
{
	char *s = line_of(h->subject, "");
	char *out = *s != '\0' ? g_strdup_printf("\"%s\"", s) : g_strdup("(no subject)");

	g_free(s);
	return out;
}

static char *rcpt_list(const struct letter_held *h)
{
	GString *out = g_string_new(NULL);
	size_t shown = MIN(h->n_rcpts, (size_t)RCPTS_SHOWN);

	for (size_t i = 0; i < shown; i++) {
		char *r = line_of(h->rcpts[i], "?");
		g_string_append_printf(out, "%s%s", i == 0 ? "" :
				       (i + 1 == shown && shown == h->n_rcpts ? " and " : ", "), r);
		g_free(r);
	}
	if (h->n_rcpts > shown)
		g_string_append_printf(out, " and %zu other%s", h->n_rcpts - shown,
				       h->n_rcpts - shown == 1 ? "" : "s");
	if (h->n_rcpts == 0)
		g_string_append(out, "(no recipients)");
	return g_string_free(out, FALSE);
}

static const char *rule_quote(const struct conf_council *c, const char *rule_id)
{
	enum conf_rule rule;

	if (rule_id == NULL || conf_rule_parse(rule_id, &rule) < 0)
		return NULL;
	return c->rules[rule].quote;
}

/* The findings, for the author (clause and the protocol's words) or for the
   reviewer (rule id and action too). */
static void findings(GString *out, const struct letter_from *from, const struct letter_held *h,
		     bool for_reviewer)
{
	for (size_t i = 0; i < h->n_findings; i++) {
		const struct letter_finding *f = &h->findings[i];
		const char *quote = rule_quote(from->council, f->rule);
		char *evidence = line_of(f->evidence, "(none recorded)");
		char *head;

		if (for_reviewer)
			head = g_strdup_printf("%s (%s), clause %s%s%s%s", f->rule,
					       f->action != NULL ? f->action : "?",
					       f->clause != NULL ? f->clause : "?",
					       quote != NULL ? ": \"" : "",
					       quote != NULL ? quote : "", quote != NULL ? "\"" : "");
		else
			head = g_strdup_printf("Clause %s%s%s%s", f->clause != NULL ? f->clause : "?",
					       quote != NULL ? ": \"" : "",
					       quote != NULL ? quote : "", quote != NULL ? "\"" : "");
		char *found = g_strdup_printf("%s %s", for_reviewer ? "Evidence:" :
					      "What was found:", evidence);
		wrap(out, "  * ", "    ", head);
		wrap(out, "    ", "    ", found);
		g_free(head);
		g_free(found);
		g_free(evidence);
	}
	if (h->n_findings == 0)
		wrap(out, "  * ", "    ", "(the journal has no record of the reasons)");
	g_string_append_c(out, '\n');
}

static char *clerk_words(const struct letter_from *from)
{
	const struct conf_person *clerk = conf_person_lookup(from->conf, from->council->clerk);

	if (clerk != NULL)
		return g_strdup_printf("The Clerk (%s, %s)", clerk->name, from->council->clerk);
	return g_strdup_printf("The Clerk (%s)", from->council->clerk);
}

static void reference(GString *out, const struct letter_held *h)
{
	char *id = line_of(h->message_id, "");
	char *text = g_strdup_printf("Reference for the Clerk: queue id %s%s%s%s.",
				     h->queue_id != NULL ? h->queue_id : "unknown",
				     *id != '\0' ? ", Message-ID <" : "", id,
				     *id != '\0' ? ">" : "");
	para(out, text);
	g_free(text);
	g_free(id);
}

/* The signature, and the marker: given a key, the letter is marked as ours,
   bound to its words, its recipient and its headers (audit.h). */
static char *letter_end(struct draft *d, const struct letter_from *from)
{
	GString *out = d->out;

	g_string_append_printf(out, "-- \n%s mail system (council-milter).\n"
			       "This notice was sent automatically.\n", from->council->name);
	if (from->key != NULL) {
		const char *rcpts[] = { d->to };
		struct marker_facts facts = { .rcpts = rcpts, .n_rcpts = 1,
					      .body = out->str + d->body_at,
					      .body_len = out->len - d->body_at };
		for (size_t i = 0; i < MARKER_N_HEADERS; i++)
			facts.headers[i] = d->bound[i];
		/* Unfolded (100 octets, well within RFC 5322's 998), last in the
		   header block. */
		char *marker = marker_value(from->key, &facts, from->now);
		char *line = g_strdup_printf("%s: %s\n", MARKER_HEADER, marker);
		g_string_insert(out, (gssize)d->body_at - 1, line);
		g_free(line);
		g_free(marker);
	}
	for (size_t i = 0; i < MARKER_N_HEADERS; i++)
		g_free(d->bound[i]);
	g_free(d->to);
	return g_string_free(out, FALSE);
}

static char *protocol_name(const struct letter_from *from)
{
	if (from->council->profile != NULL && from->council->profile->protocol != NULL)
		return g_strdup_printf("the council's %s", from->council->profile->protocol);
	return g_strdup("the council's Member/Officer Protocol");
}

/* ---- the letters -------------------------------------------------------- */

char *letter_hold_author(const struct letter_from *from, const struct letter_held *h,
			 const char *to)
{
	char *subject = quoted_subject(h), *rcpts = rcpt_list(h);
	char *title = g_strdup_printf("Your message %s is held for the Clerk", subject);
	struct draft d;
	GString *out = letter_start(&d, from, to, title);
	char *protocol = protocol_name(from), *clerk = clerk_words(from);
	char *text = g_strdup_printf("Your message %s to %s has not been delivered yet. %s's "
				     "mail system has held it for the Clerk to look at, "
				     "because it may not follow %s:", subject, rcpts,
				     from->council->name, protocol);

	para(out, text);
	findings(out, from, h, false);
	g_free(text);
	text = g_strdup_printf("%s will either release it, and it will then go to its "
			       "recipients with a notice added, or return it to you with a "
			       "note saying how to send it properly. You do not need to do "
			       "anything now; please do not send it again.", clerk);
	para(out, text);
	reference(out, h);
	g_free(text);
	g_free(subject);
	g_free(rcpts);
	g_free(title);
	g_free(protocol);
	g_free(clerk);
	return letter_end(&d, from);
}

static void field(GString *out, const char *name, const char *value)
{
	char *first = g_strdup_printf("  %-10s ", name);
	char *v = line_of(value, "-");

	wrap(out, first, "             ", v);
	g_free(first);
	g_free(v);
}

char *letter_review_link(const struct conf *conf, const struct letter_held *h)
{
	/* A queue id is letters and digits; anything else gets no link. */
	for (const char *p = h->queue_id; p != NULL && *p != '\0'; p++)
		if (!g_ascii_isalnum(*p))
			return NULL;
	if (conf->daemon.review_url == NULL || h->queue_id == NULL || *h->queue_id == '\0')
		return NULL;
	return g_strdup_printf("%s/held/%s", conf->daemon.review_url, h->queue_id);
}

/* The link to the message's page, when there is a web page: it only opens
   the page (mail scanners follow links); the reviewer signs in and acts. */
static void review_link(GString *out, const struct letter_from *from,
			const struct letter_held *h)
{
	char *link = letter_review_link(from->conf, h);

	if (link != NULL)
		g_string_append_printf(out, "To review it in your web browser (you sign in, then "
				       "choose):\n  %s\n\n", link);
	g_free(link);
}

static void review_commands(GString *out, const char *queue_id)
{
	const char *id = queue_id != NULL ? queue_id : "QUEUEID";

	g_string_append_printf(out,
			       "To read it as its recipients would see it:\n"
			       "  sudo council-review show %s\n"
			       "To release it (it is delivered with its notices):\n"
			       "  sudo council-review release %s\n"
			       "To return it to its author with a note (it is not delivered):\n"
			       "  sudo council-review delete %s --note \"how to send it properly\"\n\n",
			       id, id, id);
}

static char *author_line(const struct letter_held *h)
{
	if (h->author_name != NULL && h->author != NULL)
		return g_strdup_printf("%s <%s>", h->author_name, h->author);
	return g_strdup(h->author != NULL ? h->author : "(no From: address)");
}

/* What review_to is told of a held message: its facts, why it was held,
   and how to review it (the web page's link, the commands). */
static void review_facts(GString *out, const struct letter_from *from,
			 const struct letter_held *h)
{
	char *subject = quoted_subject(h), *rcpts = rcpt_list(h), *author = author_line(h);

	field(out, "From:", author);
	field(out, "Submitted:", h->submitter);
	field(out, "To:", rcpts);
	field(out, "Subject:", subject);
	field(out, "Queue id:", h->queue_id);
	g_string_append(out, "\nWhy it was held:\n\n");
	findings(out, from, h, true);
	review_link(out, from, h);
	review_commands(out, h->queue_id);
	g_free(subject);
	g_free(rcpts);
	g_free(author);
}

char *letter_hold_review(const struct letter_from *from, const struct letter_held *h)
{
	char *subject = quoted_subject(h);
	char *title = g_strdup_printf("Held for review: %s from %s", subject,
				      h->author_name != NULL ? h->author_name :
				      h->author != NULL ? h->author : "an unknown sender");
	struct draft d;
	GString *out = letter_start(&d, from, from->council->review_to, title);

	para(out, "A message has been held for you to review. It has not been delivered.");
	review_facts(out, from, h);
	para(out, "Its author has been told that it is held and that you will release or "
	     "return it.");
	g_free(subject);
	g_free(title);
	return letter_end(&d, from);
}

char *letter_returned(const struct letter_from *from, const struct letter_held *h,
		      const char *to, const char *note)
{
	char *subject = quoted_subject(h), *rcpts = rcpt_list(h), *clerk = clerk_words(from);
	char *title = g_strdup_printf("Your message %s was not sent", subject);
	struct draft d;
	GString *out = letter_start(&d, from, to, title);
	char *text = g_strdup_printf("Your message %s to %s, which was held for the Clerk, has "
				     "been returned and was not delivered to anyone.", subject,
				     rcpts);

	para(out, text);
	g_string_append(out, "The Clerk's note:\n\n");
	char **lines = g_strsplit(note != NULL && *note != '\0' ? note : "(no note)", "\n", 50);
	for (char **l = lines; *l != NULL; l++) {
		char *clean = for_people(*l, FIELD_MAX);
		wrap(out, "  ", "  ", clean);
		g_free(clean);
	}
	g_strfreev(lines);
	g_string_append(out, "\nWhy it was held:\n\n");
	findings(out, from, h, false);
	g_free(text);
	text = g_strdup_printf("If the message still needs to go, please follow the note. %s "
			       "can tell you more.", clerk);
	para(out, text);
	reference(out, h);
	g_free(text);
	g_free(subject);
	g_free(rcpts);
	g_free(clerk);
	g_free(title);
	return letter_end(&d, from);
}

static char *age_words(time_t now, time_t then)
{
	long s = (long)(now - then);

	if (then == 0)
		return g_strdup("held for an unknown time");
	if (s < 120)
		return g_strdup("held just now");
	if (s < 2 * 3600)
		return g_strdup_printf("held %ld minutes ago", s / 60);
	if (s < 2 * 86400)
		return g_strdup_printf("held %ld hours ago", s / 3600);
	return g_strdup_printf("held %ld days ago", s / 86400);
}

char *letter_digest(const struct letter_from *from, const struct letter_held *held, size_t n)
{
	char *title = n == 0 ? g_strdup_printf("Nothing held for review at %s",
					       from->council->name) :
		g_strdup_printf("%zu message%s held for review at %s", n, n == 1 ? "" : "s",
				from->council->name);
	struct draft d;
	GString *out = letter_start(&d, from, from->council->review_to, title);
	char *text;

	if (n == 0) {
		text = g_strdup_printf("Nothing is held for review at %s.", from->council->name);
		para(out, text);
		g_free(text);
		g_free(title);
		return letter_end(&d, from);
	}
	text = g_strdup_printf("%zu message%s %s held for you to review at %s, oldest first:", n,
			       n == 1 ? "" : "s", n == 1 ? "is" : "are", from->council->name);
	para(out, text);
	g_free(text);
	for (size_t i = 0; i < n; i++) {
		const struct letter_held *h = &held[i];
		char *age = age_words(from->now, h->held_at), *subject = quoted_subject(h);
		char *rcpts = rcpt_list(h), *author = author_line(h);
		char *head = g_strdup_printf("%zu.", i + 1);

		g_string_append_printf(out, "%-3s %s, %s\n", head,
				       h->queue_id != NULL ? h->queue_id : "?", age);
		field(out, "From:", author);
		field(out, "To:", rcpts);
		field(out, "Subject:", subject);
		for (size_t k = 0; k < h->n_findings; k++) {
			const struct letter_finding *f = &h->findings[k];
			char *why = g_strdup_printf("%s (clause %s): %s", f->rule,
						    f->clause != NULL ? f->clause : "?",
						    f->evidence != NULL ? f->evidence : "");
			field(out, k == 0 ? "Why:" : "", why);
			g_free(why);
		}
		char *link = letter_review_link(from->conf, h);
		if (link != NULL)
			field(out, "Review:", link);
		g_free(link);
		g_string_append_c(out, '\n');
		g_free(age);
		g_free(subject);
		g_free(rcpts);
		g_free(author);
		g_free(head);
	}
	g_string_append(out, "To review them:\n"
			"  sudo council-review list\n"
			"  sudo council-review show QUEUEID\n"
			"  sudo council-review release QUEUEID\n"
			"  sudo council-review delete QUEUEID --note \"how to send it properly\"\n\n");
	g_free(title);
	return letter_end(&d, from);
}

/* A moment in words: "Tuesday 14 May at 09:30". */
static char *when_words(time_t when)
{
	static const char *const days[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday" };
	static const char *const months[] = { "January", "February", "March", "April", "May",
					      "June", "July", "August", "September", "October",
					      "November", "December" };
	GDateTime *t = g_date_time_new_from_unix_local(when);
	char *out = g_strdup_printf("%s %d %s at %02d:%02d",
				    days[g_date_time_get_day_of_week(t) - 1],
				    g_date_time_get_day_of_month(t),
				    months[g_date_time_get_month(t) - 1], g_date_time_get_hour(t),
				    g_date_time_get_minute(t));
	g_date_time_unref(t);
	return out;
}

char *letter_expiry_reminder(const struct letter_from *from, const struct letter_held *h,
			     time_t expires)
{
	bool release = from->council->on_hold_expiry == CONF_EXPIRY_RELEASE;
	char *subject = quoted_subject(h);
	char *when = when_words(expires);
	char *title = g_strdup_printf("Review by %s: %s from %s", when, subject,
				      h->author_name != NULL ? h->author_name :
				      h->author != NULL ? h->author : "an unknown sender");
	struct draft d;
	GString *out = letter_start(&d, from, from->council->review_to, title);
	char *text = g_strdup_printf("A message held for review has not been reviewed yet. "
				     "Unless somebody releases or returns it first, on %s it "
				     "will be %s.", when, release ?
				     "released: delivered to its recipients, with its notices" :
				     "returned to its author unsent, with a notice saying nobody "
				     "reviewed it in time");

	para(out, text);
	review_facts(out, from, h);
	g_free(text);
	g_free(subject);
	g_free(when);
	g_free(title);
	return letter_end(&d, from);
}

char *letter_expired(const struct letter_from *from, const struct letter_held *h,
		     const char *to, unsigned days)
{
	char *subject = quoted_subject(h), *rcpts = rcpt_list(h), *clerk = clerk_words(from);
	char *title = g_strdup_printf("Your message %s was not sent", subject);
	struct draft d;
	GString *out = letter_start(&d, from, to, title);
	char *text = g_strdup_printf("Your message %s to %s was held for the Clerk, and nobody "
				     "reviewed it within %u days, so it has been returned: it was "
				     "not delivered to anyone.", subject, rcpts, days);

	para(out, text);
	g_string_append(out, "Why it was held:\n\n");
	findings(out, from, h, false);
	g_free(text);
	text = g_strdup_printf("If the message still needs to go, please send it again in a "
			       "way that follows the protocol, or ask %s to send it for you.",
			       clerk);
	para(out, text);
	reference(out, h);
	g_free(text);
	g_free(subject);
	g_free(rcpts);
	g_free(clerk);
	g_free(title);
	return letter_end(&d, from);
}

const char *letter_author_rcpt(const struct conf *conf, const struct conf_council *council,
			       const char *author, const char *mail_from)
{
	const struct conf_person *p = author != NULL ? conf_person_lookup(conf, author) : NULL;

	if (council == NULL)
		return NULL;
	if (p != NULL && p->council == council)
		return author;
	if (mail_from != NULL && *mail_from != '\0' &&
	    conf_address_in_council(conf, council, mail_from))
		return mail_from;
	return NULL;
}
