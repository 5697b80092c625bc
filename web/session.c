/* council-review-web: sessions, the sign-in form's token and the sign-in
   limits, all on the clock they are given (see web.h). */
#include "web/web.h"

#include <string.h>

#include <sodium.h>

#define TOKEN_BYTES 32

/* 32 random bytes, base64url without padding: 43 characters. */
static void random_token(char out[44])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 44, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* Sessions are kept by a hash of their token, so that looking one up
   compares hashes, not secrets. */
static char *token_key(const char *token)
{
	unsigned char h[crypto_generichash_BYTES];
	char hex[crypto_generichash_BYTES * 2 + 1];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return g_strdup(hex);
}

bool web_equal(const char *a, const char *b)
{
	size_t n = a != NULL ? strlen(a) : 0;

	if (a == NULL || b == NULL || n != strlen(b) || n == 0)
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

/* ---- sessions ----------------------------------------------------------- */

struct web_sessions {
	GHashTable *by_key;	/* token_key -> struct web_session * */
	time_t idle, lifetime;
};

static void session_free(struct web_session *s)
{
	g_free(s->reviewer);
	g_free(s->hash);
	g_free(s->flash);
	sodium_memzero(s->csrf, sizeof(s->csrf));
	g_free(s);
}

struct web_sessions *web_sessions_new(time_t idle, time_t lifetime)
{
	struct web_sessions *ss = g_new0(struct web_sessions, 1);

	if (sodium_init() < 0)
		g_error("libsodium could not start (no source of random numbers?)");
	ss->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)session_free);
	ss->idle = idle;
	ss->lifetime = lifetime;
	return ss;
}

void web_sessions_free(struct web_sessions **ss_p)
{
	if (*ss_p == NULL)
		return;
	g_hash_table_destroy((*ss_p)->by_key);
	g_free(*ss_p);
	*ss_p = NULL;
}

size_t web_sessions_count(const struct web_sessions *ss)
{
	return g_hash_table_size(ss->by_key);
}

static bool expired(const struct web_sessions *ss, const struct web_session *s, time_t now)
{
	return now - s->last_seen >= ss->idle || now - s->created >= ss->lifetime ||
	       now < s->created;
}

/* Room for one more: the expired go, and then, if need be, the one used
   longest ago. */
static void make_room(struct web_sessions *ss, time_t now)
{
	GHashTableIter it;
	gpointer key, value, oldest_key = NULL;
	time_t oldest = 0;

	if (g_hash_table_size(ss->by_key) < WEB_SESSIONS_MAX)
		return;
	g_hash_table_iter_init(&it, ss->by_key);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct web_session *s = value;
		if (expired(ss, s, now)) {
			g_hash_table_iter_remove(&it);
		} else if (oldest_key == NULL || s->last_seen < oldest) {
			oldest_key = key;
			oldest = s->last_seen;
		}
	}
	if (g_hash_table_size(ss->by_key) >= WEB_SESSIONS_MAX && oldest_key != NULL)
		g_hash_table_remove(ss->by_key, oldest_key);
}

struct web_session *web_session_new(struct web_sessions *ss, const char *reviewer,
				    const char *hash, time_t now, char **token_r)
{
	struct web_session *s = g_new0(struct web_session, 1);
	char token[44];

	make_room(ss, now);
	random_token(token);
	random_token(s->csrf);
	s->reviewer = g_strdup(reviewer);
	s->hash = g_strdup(hash);
	s->created = s->last_seen = now;
	g_hash_table_replace(ss->by_key, token_key(token), s);
	*token_r = g_strdup(token);
	sodium_memzero(token, sizeof(token));
	return s;
}

struct web_session *web_session_find(struct web_sessions *ss, const char *token, time_t now)
{
	if (token == NULL || strlen(token) != 43)
		return NULL;
	char *key = token_key(token);
	struct web_session *s = g_hash_table_lookup(ss->by_key, key);

	if (s != NULL && expired(ss, s, now)) {
		g_hash_table_remove(ss->by_key, key);
		s = NULL;
	}
	if (s != NULL)
		s->last_seen = now;
	g_free(key);
	return s;
}

void web_session_end(struct web_sessions *ss, struct web_session *s)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, ss->by_key);
	while (g_hash_table_iter_next(&it, NULL, &value))
		if (value == s) {
			g_hash_table_iter_remove(&it);
			return;
		}
}

/* ---- the sign-in form ---------------------------------------------------- */

static unsigned char signin_key[crypto_auth_KEYBYTES];
static gsize signin_key_made;

char *web_signin_cookie_new(void)
{
	char token[44];

	random_token(token);
	return g_strdup(token);
}

char *web_signin_token(const char *cookie)
{
	unsigned char mac[crypto_auth_BYTES];
	char out[sodium_base64_ENCODED_LEN(crypto_auth_BYTES,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	if (g_once_init_enter(&signin_key_made)) {
		crypto_auth_keygen(signin_key);
		g_once_init_leave(&signin_key_made, 1);
	}
	crypto_auth(mac, (const unsigned char *)cookie, strlen(cookie), signin_key);
	sodium_bin2base64(out, sizeof(out), mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return g_strdup(out);
}

/* ---- sign-in limits ------------------------------------------------------ */

struct tally {
	unsigned failures;
	time_t since;		/* the first failure of this window */
};

struct web_limits {
	GHashTable *accounts, *addresses;	/* name -> struct tally */
	unsigned per_account, per_address;
	time_t window;
};

struct web_limits *web_limits_new(unsigned per_account, unsigned per_address, time_t window)
{
	struct web_limits *l = g_new0(struct web_limits, 1);

	l->accounts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	l->addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	l->per_account = per_account;
	l->per_address = per_address;
	l->window = window;
	return l;
}

void web_limits_free(struct web_limits **l_p)
{
	if (*l_p == NULL)
		return;
	g_hash_table_destroy((*l_p)->accounts);
	g_hash_table_destroy((*l_p)->addresses);
	g_free(*l_p);
	*l_p = NULL;
}

/* KEY's tally in TABLE for a window that has not ended at NOW, or NULL. */
static struct tally *current(GHashTable *table, const char *key, time_t window, time_t now)
{
	struct tally *t = key != NULL ? g_hash_table_lookup(table, key) : NULL;

	if (t != NULL && (now - t->since >= window || now < t->since)) {
		g_hash_table_remove(table, key);
		t = NULL;
	}
	return t;
}

static bool over(struct tally *t, unsigned max, time_t window, time_t now, time_t *wait_r)
{
	if (t == NULL || t->failures < max)
		return false;
	time_t wait = t->since + window - now;
	if (wait > *wait_r)
		*wait_r = wait;
	return true;
}

bool web_limits_blocked(struct web_limits *l, const char *account, const char *address,
			time_t now, time_t *wait_r)
{
	*wait_r = 0;
	bool a = over(current(l->accounts, account, l->window, now), l->per_account, l->window,
		      now, wait_r);
	bool b = over(current(l->addresses, address, l->window, now), l->per_address, l->window,
		      now, wait_r);
	return a || b;
}

static void prune(GHashTable *table, time_t window, time_t now)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, table);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct tally *t = value;
		if (now - t->since >= window || now < t->since)
			g_hash_table_iter_remove(&it);
	}
}

static void count(GHashTable *table, const char *key, bool always, time_t window, time_t now)
{
	struct tally *t = current(table, key, window, now);

	if (t == NULL) {
		if (g_hash_table_size(table) >= WEB_LIMIT_KEYS_MAX)
			prune(table, window, now);
		if (g_hash_table_size(table) >= WEB_LIMIT_KEYS_MAX && !always)
			return;		/* bounded memory: strangers are not remembered */
		t = g_new0(struct tally, 1);
		t->since = now;
		g_hash_table_replace(table, g_strdup(key), t);
	}
	t->failures++;
}

void web_limits_failed(struct web_limits *l, const char *account, bool known,
		       const char *address, time_t now)
{
	if (account != NULL)
		count(l->accounts, account, known, l->window, now);
	if (address != NULL)
		count(l->addresses, address, false, l->window, now);
}

void web_limits_succeeded(struct web_limits *l, const char *account)
{
	g_hash_table_remove(l->accounts, account);
}
