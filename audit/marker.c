/* Marking our own notices (see marker.h). */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "util/util.h"

#define KEY_BYTES 32
#define MARKER_VERSION "v2 "
/* What the HMAC covers first: a label, so the key can never be made to sign
   anything else by accident (v2: the whole notice, with an expiry). */
#define MARKER_LABEL "council-milter notice v2\n"

struct marker_key {
	guint8 bytes[KEY_BYTES];
};

static bool parse_hex_key(const char *text, size_t len, struct marker_key *key)
{
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len != KEY_BYTES * 2)
		return false;
	for (size_t i = 0; i < KEY_BYTES; i++) {
		int hi = g_ascii_xdigit_value(text[2 * i]), lo = g_ascii_xdigit_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		key->bytes[i] = (guint8)(hi << 4 | lo);
	}
	return true;
}

static int read_key(const char *path, struct marker_key *key, const char **error_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char buf[KEY_BYTES * 2 + 4];
	ssize_t n;

	if (fd < 0) {
		*error_r = util_error("cannot read the notice key %s: %s", path,
				      g_strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		*error_r = util_error("the notice key %s must be a file only its owner can "
				      "read (mode 0600); it is not used", path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || !parse_hex_key(buf, (size_t)n, key)) {
		*error_r = util_error("the notice key %s is not %d hexadecimal digits; "
				      "remove it and a new one is made", path, KEY_BYTES * 2);
		return -1;
	}
	return 0;
}

/* A new random key, written to a private temporary file and linked into
   place, so that two processes creating it at once agree on one key. */
static int create_key(const char *path, const char **error_r)
{
	guint8 raw[KEY_BYTES];
	char hex[KEY_BYTES * 2 + 2];
	char *tmp = g_strdup_printf("%s.XXXXXX", path);
	int fd, ret = -1;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		*error_r = util_error("cannot make a notice key: no random bytes (%s)",
				      g_strerror(errno));
		g_free(tmp);
		return -1;
	}
	for (size_t i = 0; i < KEY_BYTES; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[KEY_BYTES * 2] = '\n';
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = util_error("cannot create the notice key %s: %s", path,
				      g_strerror(errno));
		g_free(tmp);
		return -1;
	}
	if (write(fd, hex, KEY_BYTES * 2 + 1) != KEY_BYTES * 2 + 1 || fsync(fd) < 0) {
		*error_r = util_error("cannot write the notice key %s: %s", tmp,
				      g_strerror(errno));
	} else if (link(tmp, path) < 0 && errno != EEXIST) {
		*error_r = util_error("cannot create the notice key %s: %s", path,
				      g_strerror(errno));
	} else {
		ret = 0;	/* ours, or one made at the same moment: both fine */
	}
	close(fd);
	g_unlink(tmp);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(hex, sizeof(hex));
	g_free(tmp);
	return ret;
}

int marker_key_load(const char *path, bool create, struct marker_key **key_r, const char **error_r)
{
	struct marker_key *key = g_new0(struct marker_key, 1);

	if (create && access(path, F_OK) < 0 && errno == ENOENT &&
	    create_key(path, error_r) < 0) {
		g_free(key);
		return -1;
	}
	if (read_key(path, key, error_r) < 0) {
		g_free(key);
		return -1;
	}
	*key_r = key;
	return 0;
}

void marker_key_free(struct marker_key **key_p)
{
	if (*key_p == NULL)
		return;
	explicit_bzero((*key_p)->bytes, KEY_BYTES);
	g_free(*key_p);
	*key_p = NULL;
}

const char *const marker_headers[MARKER_N_HEADERS] = {
	"Message-ID", "Date", "Subject", "Content-Type", "Content-Transfer-Encoding",
};

/* VALUE unfolded: every run of blanks and line ends one space, trimmed. */
static GString *unfolded(const char *value)
{
	GString *v = g_string_new(NULL);

	for (const char *p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (!g_ascii_isspace(*p))
			g_string_append_c(v, *p);
		else if (v->len > 0 && v->str[v->len - 1] != ' ')
			g_string_append_c(v, ' ');
	}
	if (v->len > 0 && v->str[v->len - 1] == ' ')
		g_string_truncate(v, v->len - 1);
	return v;
}

/* A header value as the HMAC sees it: unfolded; a Message-ID without its
   angle brackets. */
static void append_value(GString *data, const char *name, const char *value)
{
	GString *v = unfolded(value);

	if (g_ascii_strcasecmp(name, "Message-ID") == 0 && v->len >= 2 && v->str[0] == '<' &&
	    v->str[v->len - 1] == '>') {
		g_string_erase(v, 0, 1);
		g_string_truncate(v, v->len - 1);
	}
	g_string_append_printf(data, "%s: %s\n", name, v->str);
	g_string_free(v, TRUE);
}

static gint by_address(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The body's SHA-256, its line ends as LF and trailing line ends dropped
   (sent with LF, received with CRLF). */
static char *body_hash(const char *body, size_t len)
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	size_t end = len;

	while (end > 0 && (body[end - 1] == '\n' || body[end - 1] == '\r'))
		end--;
	for (size_t i = 0, from = 0; i <= end; i++) {
		if (i == end || body[i] == '\r') {
			g_checksum_update(sum, (const guchar *)body + from, i - from);
			from = i + 1;
		}
	}
	char *hex = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	return hex;
}

static char *hmac_hex(const struct marker_key *key, const struct marker_facts *f,
		      long long expires)
{
	GString *data = g_string_new(MARKER_LABEL);

	g_string_append_printf(data, "expires: %lld\n", expires);
	for (size_t i = 0; i < MARKER_N_HEADERS; i++)
		append_value(data, marker_headers[i], f->headers[i]);
	/* The envelope recipients as a set: lower case, sorted. */
	GPtrArray *rcpts = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < f->n_rcpts; i++)
		g_ptr_array_add(rcpts, g_ascii_strdown(f->rcpts[i], -1));
	g_ptr_array_sort(rcpts, by_address);
	for (guint i = 0; i < rcpts->len; i++)
		g_string_append_printf(data, "rcpt: %s\n", (const char *)rcpts->pdata[i]);
	g_ptr_array_unref(rcpts);
	char *body = body_hash(f->body != NULL ? f->body : "", f->body_len);
	g_string_append_printf(data, "body: %s\n", body);
	g_free(body);
	char *hex = g_compute_hmac_for_data(G_CHECKSUM_SHA256, key->bytes, KEY_BYTES,
					    (const guchar *)data->str, data->len);
	g_string_free(data, TRUE);
	return hex;
}

char *marker_value(const struct marker_key *key, const struct marker_facts *facts, time_t now)
{
	long long expires = (long long)now + MARKER_LIFETIME;
	char *hex = hmac_hex(key, facts, expires);
	char *value = g_strdup_printf("%s%lld %s", MARKER_VERSION, expires, hex);

	g_free(hex);
	return value;
}

bool marker_valid(const struct marker_key *key, const struct marker_facts *facts,
		  const char *value, time_t now)
{
	if (key == NULL || value == NULL)
		return false;
	/* As received the value may be folded. */
	GString *got = unfolded(value);
	/* "v2 EXPIRES HMAC": the expiry is read to recompute the HMAC, which
	   covers it, so a changed expiry fails like a changed notice. */
	char *end = NULL;
	long long expires = g_str_has_prefix(got->str, MARKER_VERSION) ?
		g_ascii_strtoll(got->str + strlen(MARKER_VERSION), &end, 10) : 0;
	if (end == NULL || *end != ' ' || expires < (long long)now) {
		g_string_free(got, TRUE);
		return false;
	}
	char *hex = hmac_hex(key, facts, expires);
	char *want = g_strdup_printf("%s%lld %s", MARKER_VERSION, expires, hex);
	size_t want_len = strlen(want);
	unsigned diff = got->len != want_len;
	for (size_t i = 0; i < want_len; i++)
		diff |= (unsigned char)want[i] ^ (unsigned char)(i < got->len ? got->str[i] : 0);
	g_free(hex);
	g_free(want);
	g_string_free(got, TRUE);
	return diff == 0;
}
