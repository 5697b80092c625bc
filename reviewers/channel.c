/* Between the web page and its helper (see channel.h). */
#include "reviewers/channel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit/audit.h"
#include "reviewers/reviewers.h"
#include "util/util.h"

#define TYPED_NAME_MAX 64
#define ID_MAX 64

static const char *const op_names[] = {
	[CHANNEL_LIST] = "list", [CHANNEL_SHOW] = "show", [CHANNEL_RELEASE] = "release",
	[CHANNEL_RETURN] = "return", [CHANNEL_RECENT] = "recent", [CHANNEL_EVENT] = "event",
};

static const char *const events[] = { CHANNEL_EVENTS };
static const char *const verdicts[] = { "breach", "breach-allowed", "no-breach" };

void channel_request_free(struct channel_request **req_p)
{
	struct channel_request *r = *req_p;

	if (r == NULL)
		return;
	g_free(r->reviewer);
	g_free(r->id);
	g_free(r->verdict);
	g_free(r->note);
	g_free(r->event);
	g_free(r->address);
	g_free(r);
	*req_p = NULL;
}

char *channel_note_clean(const char *note)
{
	char *valid = g_utf8_make_valid(note, -1);
	GString *s = g_string_new(NULL);

	for (const char *p = valid; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if ((unsigned char)*p >= 0x20 || *p == '\n')
			g_string_append_c(s, *p == 0x7f ? ' ' : *p);
	}
	g_free(valid);
	char *visible = util_text_visible(g_strstrip(s->str), -1);
	g_string_free(s, TRUE);
	return visible;
}

/* ---- checks, one per field ------------------------------------------------ */

static bool id_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(s[i]))
			return false;
	return true;
}

static bool one_of(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool plain_text(const char *s, size_t max_bytes, bool newlines)
{
	if (strlen(s) > max_bytes || !g_utf8_validate(s, -1, NULL))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && !(newlines && *p == '\n')) || *p == 0x7f)
			return false;
	return true;
}

static bool address_ok(const char *s)
{
	unsigned char buf[16];

	return strlen(s) <= 45 && (inet_pton(AF_INET, s, buf) == 1 ||
				   inet_pton(AF_INET6, s, buf) == 1);
}

/* Which fields OP takes: 'r'eviewer, 'i'd, 'v'erdict, 'n'ote (optional
   'o'), 'e'vent, 'a'ddress. */
static const char *fields_of(enum channel_op op)
{
	switch (op) {
	case CHANNEL_LIST:
	case CHANNEL_RECENT:
		return "r";
	case CHANNEL_SHOW:
		return "ri";
	case CHANNEL_RELEASE:
		return "rivo";
	case CHANNEL_RETURN:
		return "rivn";
	case CHANNEL_EVENT:
	default:
		return "rea";
	}
}

static int check(const struct channel_request *r, const char **error_r)
{
	const char *f = fields_of(r->op);
	bool note_wanted = strchr(f, 'n') != NULL, note_allowed = note_wanted || strchr(f, 'o');

	if (r->op == CHANNEL_EVENT ? r->reviewer == NULL ||
	    !plain_text(r->reviewer, TYPED_NAME_MAX, false) :
	    !reviewers_name_valid(r->reviewer))
		return *error_r = "the reviewer's name is not one a reviewer can have", -1;
	if ((strchr(f, 'i') != NULL) != (r->id != NULL) || (r->id != NULL && !id_ok(r->id)))
		return *error_r = "the queue id is missing, not wanted, or not letters and digits",
			-1;
	if ((strchr(f, 'v') != NULL) != (r->verdict != NULL) ||
	    (r->verdict != NULL && !one_of(r->verdict, verdicts, G_N_ELEMENTS(verdicts))))
		return *error_r = "the verdict is missing, not wanted, or not breach, "
				  "breach-allowed or no-breach", -1;
	if ((r->note != NULL && !note_allowed) || (note_wanted && r->note == NULL))
		return *error_r = "the note is missing or not wanted", -1;
	if (r->note != NULL && (!plain_text(r->note, CHANNEL_NOTE_MAX * 4, true) ||
				g_utf8_strlen(r->note, -1) > CHANNEL_NOTE_MAX))
		return *error_r = "the note is too long (at most 2000 characters) or has "
				  "control characters", -1;
	if (note_wanted && *r->note == '\0')
		return *error_r = "the note is empty: its author must be told why", -1;
	if ((strchr(f, 'e') != NULL) != (r->event != NULL) ||
	    (r->event != NULL && !one_of(r->event, events, G_N_ELEMENTS(events))))
		return *error_r = "the event is missing, not wanted, or not one of signin, "
				  "signin-failed, signin-refused and signout", -1;
	if ((strchr(f, 'a') != NULL) != (r->address != NULL) ||
	    (r->address != NULL && !address_ok(r->address)))
		return *error_r = "the address is missing, not wanted, or not an IP address", -1;
	return 0;
}

/* ---- the line -------------------------------------------------------------- */

char *channel_request_encode(const struct channel_request *r, const char **error_r)
{
	if (check(r, error_r) < 0)
		return NULL;
	JsonBuilder *b = json_builder_new();
	const char *names[] = { "reviewer", "id", "verdict", "note", "event", "address" };
	const char *values[] = { r->reviewer, r->id, r->verdict, r->note, r->event, r->address };

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "op");
	json_builder_add_string_value(b, op_names[r->op]);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (values[i] == NULL)
			continue;
		json_builder_set_member_name(b, names[i]);
		json_builder_add_string_value(b, values[i]);
	}
	json_builder_end_object(b);
	return journal_json_text(b, false);
}

/* Member NAME of O into *TO: absent is NULL, a string is copied, anything
   else fails. */
static int take(JsonObject *o, const char *name, char **to)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n == NULL)
		return 0;
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return -1;
	*to = g_strdup(json_node_get_string(n));
	return 0;
}

int channel_request_decode(const char *line, size_t len, struct channel_request **req_r,
			   const char **error_r)
{
	static const char *const known[] = { "op", "reviewer", "id", "verdict", "note", "event",
					     "address" };
	JsonParser *parser = json_parser_new();
	struct channel_request *r = g_new0(struct channel_request, 1);
	char *op = NULL;
	int ret = -1;

	*error_r = "not a request: one JSON object expected";
	if (len > CHANNEL_REQUEST_MAX) {
		*error_r = "the request is too long";
		goto out;
	}
	if (memchr(line, '\0', len) != NULL ||
	    !json_parser_load_from_data(parser, line, (gssize)len, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		goto out;
	JsonObject *o = json_node_get_object(json_parser_get_root(parser));
	GList *members = json_object_get_members(o);
	for (GList *m = members; m != NULL; m = m->next)
		if (!one_of(m->data, known, G_N_ELEMENTS(known))) {
			*error_r = "the request has a field no request has";
			g_list_free(members);
			goto out;
		}
	g_list_free(members);
	if (take(o, "op", &op) < 0 || take(o, "reviewer", &r->reviewer) < 0 ||
	    take(o, "id", &r->id) < 0 || take(o, "verdict", &r->verdict) < 0 ||
	    take(o, "note", &r->note) < 0 || take(o, "event", &r->event) < 0 ||
	    take(o, "address", &r->address) < 0) {
		*error_r = "a field of the request is not a string";
		goto out;
	}
	size_t i;
	for (i = 0; op != NULL && i < G_N_ELEMENTS(op_names); i++)
		if (strcmp(op, op_names[i]) == 0)
			break;
	if (op == NULL || i == G_N_ELEMENTS(op_names)) {
		*error_r = "no such request (list, show, release, return, recent or event)";
		goto out;
	}
	r->op = (enum channel_op)i;
	ret = check(r, error_r);
out:
	g_free(op);
	g_object_unref(parser);
	if (ret < 0)
		channel_request_free(&r);
	*req_r = r;
	return ret;
}

/* ---- the call --------------------------------------------------------------- */

int channel_call(const char *socket_path, const struct channel_request *request,
		 size_t max_answer, int timeout_ms, JsonObject **answer_r, const char **error_r)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	char *line = channel_request_encode(request, error_r);
	GString *answer = g_string_new(NULL);
	JsonParser *parser = NULL;
	int fd = -1, ret = -1;

	if (line == NULL)
		goto out;
	if (strlen(socket_path) >= sizeof(sun.sun_path)) {
		*error_r = util_error("the helper's socket path %s is too long", socket_path);
		goto out;
	}
	strcpy(sun.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		*error_r = util_error("cannot reach council-review-helper at %s: %s (is "
				      "council-review-helper.service running?)", socket_path,
				      g_strerror(errno));
		goto out;
	}
	char *with_end = g_strconcat(line, "\n", NULL);
	g_free(line);
	line = with_end;
	size_t len = strlen(line);
	for (size_t done = 0; done < len;) {
		ssize_t n = send(fd, line + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error_r = util_error("cannot send to council-review-helper: %s",
					      g_strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	char buf[65536];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error_r = util_error("no answer from council-review-helper: %s",
					      errno == EAGAIN ? "it took too long" :
					      g_strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (answer->len + (size_t)n > max_answer) {
			*error_r = "council-review-helper's answer is too long";
			goto out;
		}
		g_string_append_len(answer, buf, n);
	}
	parser = json_parser_new();
	if (!json_parser_load_from_data(parser, answer->str, (gssize)answer->len, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		*error_r = "council-review-helper's answer is not a JSON object";
		goto out;
	}
	*answer_r = json_object_ref(json_node_get_object(json_parser_get_root(parser)));
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (parser != NULL)
		g_object_unref(parser);
	g_string_free(answer, TRUE);
	g_free(line);
	return ret;
}
