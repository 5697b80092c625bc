/*
 * council-review-web: the pages of a signed-in reviewer (see web.h). Every
 * value that comes from a message, the journal or the helper enters the
 * page through html_text (html_printf's %s), once.
 */
#include "web/web.h"

#include <string.h>

#include "parser/parser.h"

static const char *str(JsonObject *o, const char *name)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;

	return n != NULL && JSON_NODE_HOLDS_VALUE(n) &&
		json_node_get_value_type(n) == G_TYPE_STRING ? json_node_get_string(n) : NULL;
}

static JsonArray *array(JsonObject *o, const char *name)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, name) : NULL;

	return n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static JsonObject *object_at(JsonArray *a, guint i)
{
	JsonNode *n = json_array_get_element(a, i);

	return JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static char *age_words(gint64 s)
{
	if (s < 120)
		return g_strdup("just now");
	if (s < 2 * 3600)
		return g_strdup_printf("%ld minutes ago", (long)(s / 60));
	if (s < 2 * 86400)
		return g_strdup_printf("%ld hours ago", (long)(s / 3600));
	return g_strdup_printf("%ld days ago", (long)(s / 86400));
}

/* "2024-05-14T09:30:00Z" as "14 May 2024, 09:30 UTC". */
static char *time_words(const char *iso)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					      "Aug", "Sep", "Oct", "Nov", "Dec" };
	GDateTime *t = iso != NULL ? g_date_time_new_from_iso8601(iso, NULL) : NULL;

	if (t == NULL)
		return g_strdup(iso != NULL ? iso : "?");
	char *out = g_strdup_printf("%d %s %d, %02d:%02d UTC", g_date_time_get_day_of_month(t),
				    months[g_date_time_get_month(t) - 1], g_date_time_get_year(t),
				    g_date_time_get_hour(t), g_date_time_get_minute(t));
	g_date_time_unref(t);
	return out;
}

static void page_start(struct web_app *app, struct web_session *s, struct web_response *res,
		       const char *title)
{
	html_begin(res->body, app->base, title, s);
}

void page_say(struct web_app *app, struct web_session *s, unsigned status, const char *title,
	      const char *text, struct web_response *res)
{
	res->status = status;
	page_start(app, s, res, title);
	html_printf(res->body, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", title, text);
	if (s != NULL)
		html_printf(res->body, "<p><a href=\"%s/held\">Back to the held messages</a></p>\n",
			    app->base);
	else
		html_printf(res->body, "<p><a href=\"%s/signin\">Sign in</a></p>\n", app->base);
	html_end(res->body);
}

/* ---- the facts of a held message -------------------------------------------- */

static void author(GString *out, JsonObject *item)
{
	const char *name = str(item, "author_name"), *addr = str(item, "author");

	if (name != NULL && *name != '\0' && addr != NULL)
		html_printf(out, "%s &lt;%s&gt;", name, addr);
	else
		html_printf(out, "%s", addr != NULL ? addr : "(not known)");
}

static void recipients(GString *out, JsonObject *item)
{
	JsonArray *rcpts = array(item, "recipients");
	guint n = rcpts != NULL ? json_array_get_length(rcpts) : 0;

	for (guint i = 0; i < n; i++) {
		JsonNode *r = json_array_get_element(rcpts, i);
		html_printf(out, "%s%s", i > 0 ? ", " : "",
			    JSON_NODE_HOLDS_VALUE(r) ? json_node_get_string(r) : "?");
	}
	if (n == 0)
		g_string_append(out, "(none)");
}

static void facts(GString *out, JsonObject *item, bool all)
{
	char *age = age_words(json_object_get_int_member_with_default(item, "age_seconds", 0));
	char *when = time_words(str(item, "arrival_time"));
	const char *sender = str(item, "sender");

	html_printf(out, "<dl class=\"facts\">\n<dt>Held</dt><dd>%s (%s)</dd>\n"
		    "<dt>Council</dt><dd>%s</dd>\n<dt>From</dt><dd>", age, when,
		    str(item, "council") != NULL ? str(item, "council") : "(not known)");
	author(out, item);
	html_printf(out, "</dd>\n<dt>Envelope sender</dt><dd>%s</dd>\n<dt>Recipients</dt><dd>",
		    sender != NULL && *sender != '\0' ? sender : "<> (none)");
	recipients(out, item);
	g_string_append(out, "</dd>\n");
	if (all)
		html_printf(out, "<dt>Queue id</dt><dd>%s</dd>\n<dt>Message-ID</dt><dd>%s</dd>\n",
			    str(item, "queue_id"), str(item, "message_id") != NULL ?
			    str(item, "message_id") : "(none)");
	g_string_append(out, "</dl>\n");
	g_free(age);
	g_free(when);
}

static void rules(GString *out, JsonObject *item)
{
	JsonArray *found = array(item, "rules");
	guint n = found != NULL ? json_array_get_length(found) : 0;

	g_string_append(out, "<ul class=\"rules\">\n");
	for (guint i = 0; i < n; i++) {
		JsonObject *f = object_at(found, i);
		html_printf(out, "<li><strong>%s</strong> (%s, clause %s): "
			    "<span class=\"evidence\">%s</span></li>\n", str(f, "id"),
			    str(f, "action"),
			    str(f, "clause") != NULL ? str(f, "clause") : "?",
			    str(f, "evidence") != NULL ? str(f, "evidence") : "(none recorded)");
	}
	if (n == 0)
		html_printf(out, "<li>%s</li>\n", str(item, "hold_reason") != NULL ?
			    str(item, "hold_reason") :
			    "(the journal has no record of the reasons)");
	g_string_append(out, "</ul>\n");
}

static const char *subject_of(JsonObject *item)
{
	const char *subject = str(item, "subject");

	return subject != NULL && *subject != '\0' ? subject : "(no subject)";
}

/* ---- the held list ------------------------------------------------------------ */

void page_held(struct web_app *app, struct web_session *s, struct web_response *res)
{
	struct channel_request req = { .op = CHANNEL_LIST, .reviewer = s->reviewer };
	JsonObject *answer;
	const char *failure, *error;
	GString *out = res->body;

	if (web_ask(app, &req, &answer, &failure, &error) < 0) {
		page_say(app, s, 502, "The held messages cannot be listed", error, res);
		return;
	}
	JsonArray *held = array(answer, "held");
	guint n = held != NULL ? json_array_get_length(held) : 0;
	page_start(app, s, res, "Held messages");
	g_string_append(out, "<h1>Held messages</h1>\n");
	if (n == 0)
		g_string_append(out, "<p class=\"lead\">Nothing is held for you to review.</p>\n");
	else
		html_printf(out, "<p class=\"lead\">%u message%s %s held for you to review, oldest "
			    "first. Open one to read it, then release it or return it to its "
			    "author.</p>\n", n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
	for (guint i = 0; i < n; i++) {
		JsonObject *item = object_at(held, i);
		const char *id = str(item, "queue_id");
		html_printf(out, "<article class=\"card\" aria-labelledby=\"m-%s\">\n"
			    "<h2 id=\"m-%s\"><a href=\"%s/held/%s\">%s</a></h2>\n", id, id,
			    app->base, id, subject_of(item));
		facts(out, item, false);
		g_string_append(out, "<h3>Why it was held</h3>\n");
		rules(out, item);
		html_printf(out, "<p><a href=\"%s/held/%s\">Read it and decide<span class=\"vh\">"
			    ": %s</span></a> <span class=\"muted\">(queue id %s)</span></p>\n"
			    "</article>\n", app->base, id, subject_of(item), id);
	}
	html_end(out);
	json_object_unref(answer);
}

/* ---- one message ------------------------------------------------------------- */

static void verdicts(GString *out, const char *form, const char *chosen)
{
	static const char *const values[] = { "breach", "breach-allowed", "no-breach" };
	static const char *const words[] = { "A breach, held rightly", "A breach, but allowed",
					     "No breach: the filter was wrong" };

	g_string_append(out, "<fieldset>\n<legend>Your verdict on the hold</legend>\n<p class="
			"\"hint\">It goes into the journal, to show how well each rule works on "
			"your council&#8217;s mail.</p>\n");
	for (size_t i = 0; i < G_N_ELEMENTS(values); i++)
		html_printf(out, "<div class=\"choice\"><input type=\"radio\" id=\"%s-%s\" name="
			    "\"verdict\" value=\"%s\" required%s> <label for=\"%s-%s\">%s</label>"
			    "</div>\n", form, values[i], values[i],
			    g_strcmp0(chosen, values[i]) == 0 ? " checked" : "", form, values[i],
			    words[i]);
	g_string_append(out, "</fieldset>\n");
}

static void action_forms(struct web_app *app, struct web_session *s, GString *out,
			 const char *id)
{
	html_printf(out, "<h2>Your decision</h2>\n"
		    "<form class=\"act\" method=\"post\" action=\"%s/held/%s/release\">\n"
		    "<h3>Release it</h3>\n<p class=\"hint\">It is delivered to its recipients as "
		    "shown above, with its notices.</p>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", app->base, id, s->csrf);
	verdicts(out, "release", NULL);
	html_printf(out, "<p><label for=\"release-note\">A note for the journal (optional)"
		    "</label>\n<textarea id=\"release-note\" name=\"note\" maxlength=\"2000\">"
		    "</textarea></p>\n<p><button type=\"submit\">Release&#8230;</button></p>\n"
		    "</form>\n"
		    "<form class=\"act\" method=\"post\" action=\"%s/held/%s/return\">\n"
		    "<h3>Return it to its author</h3>\n<p class=\"hint\">It is not delivered to "
		    "anyone. Its author is sent your note and the reasons it was held.</p>\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", app->base, id, s->csrf);
	verdicts(out, "return", NULL);
	g_string_append(out, "<p><label for=\"return-note\">Your note to the author "
			"(required)</label>\n<span class=\"hint\" id=\"return-hint\">Say why, "
			"and how to send it properly.</span>\n<textarea id=\"return-note\" "
			"name=\"note\" maxlength=\"2000\" required "
			"aria-describedby=\"return-hint\"></textarea></p>\n"
			"<p><button type=\"submit\" class=\"return\">Return to its "
			"author&#8230;</button></p>\n</form>\n");
}

/* The message as its recipients would see it, from its bytes. */
static void message_body(struct web_app *app, GString *out, const char *b64, bool truncated)
{
	const struct conf_limits *l = &app->conf->daemon.limits;
	struct parser_limits limits = { l->max_header_bytes, l->max_depth, l->max_parts,
					l->max_text_bytes };
	struct parser_message *msg = NULL;
	struct parser_view *view;
	const char *error;
	gsize len = 0;
	guchar *raw = g_base64_decode(b64 != NULL ? b64 : "", &len);

	g_string_append(out, "<h2>The message as its recipients would see it</h2>\n");
	if (parser_parse_take((char *)raw, len, &limits, &msg, &error) < 0 ||
	    parser_view(msg, l->max_text_bytes, &view, &error) < 0) {
		html_printf(out, "<p class=\"problem\">It cannot be shown: %s</p>\n", error);
		if (msg != NULL)
			parser_message_free(&msg);
		return;
	}
	if (truncated)
		g_string_append(out, "<p class=\"problem\">It is very large: only its first 16 MiB "
				"are shown here.</p>\n");
	g_string_append(out, "<dl class=\"facts\">\n");
	for (size_t i = 0; i < view->n_fields; i++)
		html_printf(out, "<dt>%s</dt><dd>%s</dd>\n", view->fields[i].name,
			    view->fields[i].value);
	g_string_append(out, "</dl>\n");
	for (size_t i = 0; i < view->n_texts; i++) {
		const struct parser_view_text *t = &view->texts[i];
		if (strcmp(t->content_type, "text/html") == 0)
			g_string_append(out, "<p class=\"hint\">An HTML part, shown as plain text: "
					"nothing in it runs, loads or links.</p>\n");
		html_printf(out, "<pre class=\"text\">%s</pre>\n", t->text);
		if (t->truncated)
			g_string_append(out, "<p class=\"hint\">(The rest of this text is too long "
					"to show.)</p>\n");
	}
	if (view->n_texts == 0)
		g_string_append(out, "<p>It has no text.</p>\n");
	g_string_append(out, "<h2>Attachments</h2>\n");
	if (view->n_files == 0) {
		g_string_append(out, "<p>None.</p>\n");
	} else {
		g_string_append(out, "<p class=\"hint\">Listed only: nothing attached is "
				"opened here.</p>\n<div class=\"table-wrap\"><table>\n<thead><tr>"
				"<th scope=\"col\">Name</th><th scope=\"col\">Type</th>"
				"<th scope=\"col\">Size</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < view->n_files; i++) {
			const struct parser_view_file *f = &view->files[i];
			html_printf(out, "<tr><td>%s%s%s%s</td><td>%s</td><td>%zu bytes</td>"
				    "</tr>\n",
				    *f->filename != '\0' ? f->filename : "(no name)",
				    f->note != NULL ? " (" : "", f->note != NULL ? f->note : "",
				    f->note != NULL ? ")" : "", f->content_type, f->size);
		}
		g_string_append(out, "</tbody>\n</table></div>\n");
	}
	parser_view_free(&view);
	parser_message_free(&msg);
}

void page_message(struct web_app *app, struct web_session *s, const char *id,
		  struct web_response *res)
{
	struct channel_request req = { .op = CHANNEL_SHOW, .reviewer = s->reviewer,
				       .id = (char *)id };
	JsonObject *answer;
	const char *failure, *error;
	GString *out = res->body;

	if (web_ask(app, &req, &answer, &failure, &error) < 0) {
		if (strcmp(failure, CHANNEL_FAILURE_NOT_FOUND) == 0)
			page_say(app, s, 404, "Not found", WEB_NOT_FOUND, res);
		else
			page_say(app, s, 502, "The message cannot be shown", error, res);
		return;
	}
	JsonNode *n = json_object_get_member(answer, "item");
	JsonObject *item = n != NULL && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
	page_start(app, s, res, subject_of(item));
	html_printf(out, "<p><a href=\"%s/held\">All held messages</a></p>\n<h1>%s</h1>\n",
		    app->base, subject_of(item));
	facts(out, item, true);
	g_string_append(out, "<h2>Why it was held</h2>\n");
	rules(out, item);
	message_body(app, out, str(answer, "message_base64"),
		     json_object_get_boolean_member_with_default(answer, "message_truncated",
								 FALSE));
	action_forms(app, s, out, id);
	html_end(out);
	json_object_unref(answer);
}

/* ---- confirming ---------------------------------------------------------------- */

/* ID's item from a fresh list, or NULL (json_object_unref). */
static JsonObject *find_held(struct web_app *app, struct web_session *s, const char *id,
			     const char **failure_r, const char **error_r)
{
	struct channel_request req = { .op = CHANNEL_LIST, .reviewer = s->reviewer };
	JsonObject *answer, *found = NULL;

	if (web_ask(app, &req, &answer, failure_r, error_r) < 0)
		return NULL;
	JsonArray *held = array(answer, "held");
	for (guint i = 0; held != NULL && i < json_array_get_length(held) && !found; i++)
		if (g_strcmp0(str(object_at(held, i), "queue_id"), id) == 0)
			found = json_object_ref(object_at(held, i));
	json_object_unref(answer);
	*failure_r = CHANNEL_FAILURE_NOT_FOUND;
	return found;
}

static const char *verdict_words(const char *v)
{
	return g_strcmp0(v, "breach") == 0 ? "A breach, held rightly" :
	       g_strcmp0(v, "breach-allowed") == 0 ? "A breach, but allowed" :
	       "No breach: the filter was wrong";
}

void page_confirm(struct web_app *app, struct web_session *s, const char *id, bool release,
		  const char *verdict, const char *note, const char *problem,
		  struct web_response *res)
{
	const char *failure, *error;
	const char *what = release ? "release" : "return";
	JsonObject *item = find_held(app, s, id, &failure, &error);
	GString *out = res->body;

	if (item == NULL) {
		if (strcmp(failure, CHANNEL_FAILURE_NOT_FOUND) == 0)
			page_say(app, s, 404, "Not found", WEB_NOT_FOUND, res);
		else
			page_say(app, s, 502, "Nothing was done", error, res);
		return;
	}
	page_start(app, s, res, release ? "Release this message?" : "Return this message?");
	html_printf(out, "<p><a href=\"%s/held/%s\">Back to the message</a></p>\n", app->base,
		    id);
	html_printf(out, "<h1>%s</h1>\n<p class=\"lead\">&#8220;%s&#8221; from ", release ?
		    "Release this message?" : "Return this message to its author?",
		    subject_of(item));
	author(out, item);
	html_printf(out, " (queue id %s).</p>\n", id);
	html_printf(out, "<form class=\"act\" method=\"post\" action=\"%s/held/%s/%s\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", app->base, id, what,
		    s->csrf);
	if (problem != NULL) {
		res->status = 400;
		html_printf(out, "<div class=\"problem\" role=\"alert\"><h2>There is a problem</h2>"
			    "<p>%s</p></div>\n", problem);
		verdicts(out, what, verdict);
		html_printf(out, "<p><label for=\"%s-note\">%s</label>\n<textarea id=\"%s-note\" "
			    "name=\"note\" maxlength=\"2000\"%s>%s</textarea></p>\n<p><button "
			    "type=\"submit\"%s>Continue</button></p>\n</form>\n", what, release ?
			    "A note for the journal (optional)" : "Your note to the author "
			    "(required): why, and how to send it properly", what, release ? "" :
			    " required", note, release ? "" : " class=\"return\"");
	} else {
		html_printf(out, "<p>%s</p>\n<dl class=\"facts\">\n<dt>Your verdict</dt><dd>%s"
			    "</dd>\n<dt>%s</dt><dd>%s</dd>\n</dl>\n", release ?
			    "It will be delivered to its recipients, with its notices. This cannot "
			    "be undone." : "It will not be delivered to anyone, and cannot be "
			    "released afterwards. Its author will be sent your note and the "
			    "reasons it was held.", verdict_words(verdict), release ?
			    "Your note for the journal" : "Your note to the author",
			    *note != '\0' ? note : "(none)");
		html_printf(out, "<input type=\"hidden\" name=\"verdict\" value=\"%s\">\n"
			    "<input type=\"hidden\" name=\"note\" value=\"%s\">\n"
			    "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n"
			    "<p class=\"actions\"><button type=\"submit\"%s>%s</button>\n"
			    "<a href=\"%s/held/%s\">No, go back to the message</a></p>\n</form>\n",
			    verdict, note, release ? "" : " class=\"return\"", release ?
			    "Yes, release it" : "Yes, return it to its author", app->base, id);
	}
	html_end(out);
	json_object_unref(item);
}

/* ---- recent decisions ------------------------------------------------------------ */

static const char *decision_words(JsonObject *d)
{
	bool expiry = g_strcmp0(str(d, "via"), "hold_expiry") == 0;

	if (g_strcmp0(str(d, "action"), "release") == 0)
		return expiry ? "Released: nobody reviewed it in time" : "Released";
	return expiry ? "Returned to its author: nobody reviewed it in time" :
		"Returned to its author";
}

void page_decisions(struct web_app *app, struct web_session *s, struct web_response *res)
{
	struct channel_request req = { .op = CHANNEL_RECENT, .reviewer = s->reviewer };
	JsonObject *answer;
	const char *failure, *error;
	GString *out = res->body;

	if (web_ask(app, &req, &answer, &failure, &error) < 0) {
		page_say(app, s, 502, "The decisions cannot be read", error, res);
		return;
	}
	JsonArray *list = array(answer, "decisions");
	guint n = list != NULL ? json_array_get_length(list) : 0;
	page_start(app, s, res, "Recent decisions");
	g_string_append(out, "<h1>Recent decisions</h1>\n");
	if (n == 0) {
		g_string_append(out, "<p class=\"lead\">No held message of your councils has been "
				"released or returned yet.</p>\n");
	} else {
		html_printf(out, "<p class=\"lead\">The latest %u releases and returns of your "
			    "councils&#8217; held mail, newest first, from the journal.</p>\n"
			    "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">When"
			    "</th><th scope=\"col\">Message</th><th scope=\"col\">Decision</th>"
			    "<th scope=\"col\">Verdict</th><th scope=\"col\">By</th><th scope="
			    "\"col\">Note</th></tr></thead>\n<tbody>\n", n);
		for (guint i = 0; i < n; i++) {
			JsonObject *d = object_at(list, i);
			char *when = time_words(str(d, "time"));
			const char *v = str(d, "verdict");
			html_printf(out, "<tr><td>%s</td><td>%s<br><span class=\"muted\">%s, "
				    "%s, %s</span></td><td>%s</td><td>%s</td><td>%s (%s)</td>"
				    "<td>%s</td></tr>\n", when, subject_of(d), str(d, "queue_id"),
				    str(d, "author") != NULL ? str(d, "author") : "?",
				    str(d, "council"), decision_words(d),
				    v != NULL ? verdict_words(v) : "(none given)", str(d, "by"),
				    str(d, "via"), str(d, "note") != NULL ? str(d, "note") : "");
			g_free(when);
		}
		g_string_append(out, "</tbody>\n</table></div>\n");
	}
	html_end(out);
	json_object_unref(answer);
}
