#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixture paths are relative to the source tree's tests/ folder. */
static FILE *fixture_open(const char *path)
{
	const char *src = getenv("COUNCIL_SOURCE_DIR");
	char full[4096];

	if (path[0] == '/' || src == NULL)
		return fopen(path, "rb");
	snprintf(full, sizeof(full), "%s/tests/%s", src, path);
	return fopen(full, "rb");
}

char *fixture_read(const char *path, size_t *len_r)
{
	FILE *f = fixture_open(path);
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("%s: cannot open fixture (relative to $COUNCIL_SOURCE_DIR/tests)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("%s: cannot read fixture", path);
	fclose(f);
	buf[n] = '\0';
	*len_r = (size_t)n;
	return buf;
}

struct parser_message *fixture_parse(const char *path, const struct parser_limits *limits)
{
	size_t len;
	char *data = fixture_read(path, &len);
	struct parser_message *msg = NULL;
	const char *error = NULL;

	if (parser_parse(data, len, limits, &msg, &error) < 0)
		fail_msg("%s: parser_parse failed: %s", path, error);
	free(data);
	return msg;
}

void expect_contains(const char *file, const char *what, const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s: %s: got \"%s\", want it to contain \"%s\"", file, what, haystack,
			 needle);
}

void expect_lacks(const char *file, const char *what, const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) != NULL)
		fail_msg("%s: %s: got \"%s\", want it without \"%s\"", file, what, haystack, needle);
}

void expect_str(const char *file, const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s: %s: got \"%s\", want \"%s\"", file, what, got, want);
}

void expect_uint(const char *file, const char *what, unsigned long got, unsigned long want)
{
	if (got != want)
		fail_msg("%s: %s: got %lu, want %lu", file, what, got, want);
}

unsigned count_occurrences(const char *haystack, const char *needle)
{
	unsigned n = 0;
	size_t len = strlen(needle);

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += len)
		n++;
	return n;
}

int parser_group_setup(void **state)
{
	parser_init();
	return 0;
}

int parser_group_teardown(void **state)
{
	parser_shutdown();
	return 0;
}
