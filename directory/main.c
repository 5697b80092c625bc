/*
 * council-directory: a council's people from its address book's CSV into
 * the configuration (SPEC 5: the directory is the interface administrators
 * script from their address books). It prints who joins, who leaves and
 * what changed, checks the whole result as council-milter -n does, and only
 * with --apply replaces the file, atomically, keeping its owner and mode.
 * See --help and council-directory(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "directory/directory.h"
#include "policy/policy.h"

/* sysexits.h values */
#define EX_USAGE_ 64
#define EX_DATAERR_ 65		/* bad rows: nothing written */
#define EX_NOINPUT_ 66		/* the CSV cannot be read */
#define EX_SOFTWARE_ 70		/* the configuration's text not understood */
#define EX_CANTCREAT_ 73	/* the configuration cannot be written */
#define EX_CONFIG_ 78		/* the configuration has errors, before or after */

static const char usage_text[] =
"Usage:\n"
"  council-directory import [-c CONF] [-P DIR] [-u USER] --council NAME\n"
"                    [--map FIELD=COLUMN ...] [--apply] FILE.csv\n"
"\n"
"Brings a council's people (councillors and officers) in the configuration in\n"
"line with the CSV its address book exports: Microsoft 365 admin (Users >\n"
"Active users > Export users), Google Workspace admin (Users > Download users)\n"
"or a spreadsheet. It prints who joins, who leaves and what changed, checks\n"
"the whole configuration as council-milter -n does, and writes it only with\n"
"--apply. Only that council's councillors and officers change: comments,\n"
"other councils, settings and rules stay exactly as they are.\n"
"\n"
"  --council NAME     the council: its name, or one of its domains\n"
"  --map FIELD=COLUMN the column holding FIELD, when its header is not one\n"
"                     of the names known (see council-directory(8)); FIELD is\n"
"                     name, first_name, last_name, addresses, role, ward,\n"
"                     titles, party or disabled; addresses may be given more\n"
"                     than once\n"
"  --apply            write the configuration (atomically, keeping its owner\n"
"                     and mode); without it nothing is written\n"
"  -c CONF            the configuration (default " COUNCIL_CONF_DEFAULT ")\n"
"  -P, --phrase-dir DIR\n"
"                     the phrase lists, as council-milter -P (for the check)\n"
"  -u USER            check for the filter running as USER, as council-milter\n"
"                     -n -u USER does (default: the configured user)\n"
"  -h, --help         this help;  -V, --version  the version\n"
"\n"
"Every row needs a name, an e-mail address no one else has (in this council\n"
"or another) and a role: councillor, clerk or staff, or a job title that says\n"
"one (\"Town Clerk\", \"Parish Councillor\", \"Deputy Clerk\"). A bad row is an\n"
"error naming its line, and then nothing is written. Accounts the export\n"
"marks blocked or suspended are left out. Exit status: 0 done (or no change),\n"
"64 usage, 65 bad rows, 66 the CSV cannot be read, 70 the configuration's text\n"
"not understood, 73 it cannot be written, 78 the configuration has errors.\n";

struct options {
	const char *conf_path;
	const char *phrase_dir;
	const char *user;		/* -u: as council-milter -n -u */
	const char *council;
	const char *csv_path;
	GPtrArray *maps;
	bool apply;
};

static int say(int status, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int say(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("council-directory: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static int usage_error(const char *what)
{
	say(0, "%s", what);
	fputs("Try 'council-directory --help'.\n", stderr);
	return EX_USAGE_;
}

/* The configuration at PATH, checked as council-milter -n checks it: the
   loader, what judging needs (WordNet), and what it names on this system
   for the user the daemon runs as. NULL with every error printed, each
   file name of RENAMES (temporary -> real) put back. */
static struct conf *check(const char *path, const char *phrase_dir, const char *run_as,
			  GHashTable *renames)
{
	struct conf *conf = NULL;
	struct conf_errors *errors = NULL;
	const char *error;
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);

	if (conf_load(path, phrase_dir, &conf, &errors) == 0) {
		if (policy_prepare(conf, &error) < 0) {
			g_ptr_array_add(lines, g_strdup_printf("%s: %s", path, error));
		} else {
			/* As -n: -u, else the configured user when it exists, else
			   this one; root only when -u says so. */
			const char *user = run_as != NULL ? run_as : conf->daemon.user;
			struct passwd *pw = getpwuid(geteuid());
			if (run_as == NULL && (user == NULL || getpwnam(user) == NULL))
				user = pw != NULL ? pw->pw_name : NULL;
			if (conf_check_system(conf, user, run_as != NULL, &errors) == 0) {
				g_ptr_array_unref(lines);
				return conf;
			}
		}
	}
	for (size_t i = 0; errors != NULL && i < errors->n_lines; i++)
		g_ptr_array_add(lines, g_strdup(errors->lines[i]));
	conf_errors_free(&errors);
	conf_unref(&conf);
	for (guint i = 0; i < lines->len; i++) {
		char *line = lines->pdata[i];
		GHashTableIter it;
		gpointer tmp, real;
		g_hash_table_iter_init(&it, renames);
		while (g_hash_table_iter_next(&it, &tmp, &real)) {
			char **parts = g_strsplit(line, tmp, -1);
			char *joined = g_strjoinv(real, parts);
			g_strfreev(parts);
			g_free(line);
			line = lines->pdata[i] = joined;
		}
		fprintf(stderr, "%s\n", line);
	}
	g_ptr_array_unref(lines);
	return NULL;
}

/* A new file beside PATH holding TEXT (LEN bytes), with PATH's owner and
   mode when it exists; its name (g_free), NULL with errno. */
static char *write_beside(const char *path, const char *text, size_t len)
{
	char *dir = g_path_get_dirname(path), *base = g_path_get_basename(path);
	char *tmp = g_strdup_printf("%s/.%s.council-directory-XXXXXX", dir, base);
	struct stat st;
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
	bool ok = fd >= 0;

	g_free(dir);
	g_free(base);
	if (ok && stat(path, &st) == 0) {
		/* root may give it the original's owner; anyone their own file's mode */
		if (geteuid() == 0)
			ok = fchown(fd, st.st_uid, st.st_gid) == 0;
		ok = ok && fchmod(fd, st.st_mode & 07777) == 0;
	}
	for (size_t off = 0; ok && off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		off += ok ? (size_t)n : 0;
	}
	ok = ok && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		if (fd >= 0)
			(void)unlink(tmp);
		g_free(tmp);
		errno = saved;
		return NULL;
	}
	return tmp;
}

/* The @include name that reaches NEW_PATH, a file beside FILE. */
static char *include_name(const struct cfg_text *file, const char *new_path)
{
	char *dir = g_path_get_dirname(file->name), *base = g_path_get_basename(new_path);
	char *name = strcmp(dir, ".") == 0 ? g_strdup(base) : g_build_filename(dir, base, NULL);

	g_free(dir);
	g_free(base);
	return name;
}

static gint by_start(gconstpointer a, gconstpointer b)
{
	const struct cfg_edit *x = *(struct cfg_edit *const *)a, *y = *(struct cfg_edit *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int depth(const struct cfg_text *file)
{
	int d = 0;

	for (; file->parent != NULL; file = file->parent)
		d++;
	return d;
}

static gint deepest_first(gconstpointer a, gconstpointer b)
{
	return depth(*(struct cfg_text *const *)b) - depth(*(struct cfg_text *const *)a);
}

/* FILE staged beside its original: its edits applied, and its @includes of
   files already staged pointing at their copies. */
static int stage_one(const struct dir_merge *m, struct cfg_text *file, GHashTable *staged,
		     GHashTable *renames, const char *include_dir)
{
	GPtrArray *edits = dir_merge_edits(m, file);
	GPtrArray *extra = g_ptr_array_new();

	for (guint i = 0; i < m->files->len; i++) {
		struct cfg_text *child = m->files->pdata[i];
		if (child->parent != file || !g_hash_table_contains(staged, child))
			continue;
		struct cfg_edit *e = g_new0(struct cfg_edit, 1);
		char *name = include_name(child, g_hash_table_lookup(staged, child));
		char *q = cfg_quote(name);
		*e = (struct cfg_edit){ file, child->via->start, child->via->end,
					g_strdup_printf("@include %s", q) };
		g_free(q);
		g_free(name);
		g_ptr_array_add(edits, e);
		g_ptr_array_add(extra, e);
	}
	/* An @include is never inside a list dir_merge rebuilds: no overlap. */
	g_ptr_array_sort(edits, by_start);
	struct cfg_node whole = { .start = 0, .end = file->len };
	char *text = cfg_apply(file, &whole, edits);
	char *tmp = write_beside(file->path, text, strlen(text));
	int ret = 0;

	g_free(text);
	if (tmp == NULL) {
		ret = say(-1, "cannot write beside %s: %s", file->path, g_strerror(errno));
	} else {
		g_hash_table_insert(staged, file, tmp);
		/* As messages name them: the main file as given, an included one
		   under the include folder. */
		if (file->name == NULL) {
			g_hash_table_insert(renames, g_strdup(tmp), g_strdup(file->path));
		} else {
			char *name = include_name(file, tmp);
			g_hash_table_insert(renames, g_strconcat(include_dir, "/", name, NULL),
					    g_strconcat(include_dir, "/", file->name, NULL));
			g_free(name);
		}
	}
	for (guint i = 0; i < extra->len; i++) {
		g_free(((struct cfg_edit *)extra->pdata[i])->text);
		g_free(extra->pdata[i]);
	}
	g_ptr_array_unref(extra);
	g_ptr_array_unref(edits);
	return ret;
}

/* Every edited file staged beside its original, and every file on the way
   from the main one to it, with its @include pointing at the staged copy,
   deepest first. STAGED: file -> temporary path; RENAMES: the temporary
   name -> the real one, as messages name them. */
static int stage(const struct dir_merge *m, GHashTable *staged, GHashTable *renames,
		 const char *include_dir)
{
	GPtrArray *need = g_ptr_array_new();
	int ret = 0;

	for (guint i = 0; i < m->edits->len; i++)
		for (struct cfg_text *f = ((struct cfg_edit *)m->edits->pdata[i])->file; f != NULL;
		     f = f->parent)
			if (!g_ptr_array_find(need, f, NULL))
				g_ptr_array_add(need, f);
	g_ptr_array_sort(need, deepest_first);
	for (guint i = 0; i < need->len && ret == 0; i++)
		ret = stage_one(m, need->pdata[i], staged, renames, include_dir);
	g_ptr_array_unref(need);
	return ret;
}

static int run(const struct options *o)
{
	struct conf *conf = NULL;
	GHashTable *none = g_hash_table_new(g_str_hash, g_str_equal);
	int status = 0;

	conf = check(o->conf_path, o->phrase_dir, o->user, none);
	g_hash_table_unref(none);
	if (conf == NULL)
		return say(EX_CONFIG_, "%s has errors already; fix them first (council-milter -n "
			   "-c %s)", o->conf_path, o->conf_path);
	const struct conf_council *council = conf_council_find(conf, o->council);
	if (council == NULL) {
		conf_unref(&conf);
		return usage_error("--council: no such council in the configuration; give its "
				   "name or one of its domains");
	}

	char *data;
	size_t len;
	GError *err = NULL;
	struct stat st;
	if (stat(o->csv_path, &st) == 0 && st.st_size > CSV_BYTES_MAX) {
		conf_unref(&conf);
		return say(EX_DATAERR_, "%s: larger than %d MiB: is it the address book's "
			   "export?", o->csv_path, CSV_BYTES_MAX >> 20);
	}
	if (!g_file_get_contents(o->csv_path, &data, &len, &err)) {
		status = say(EX_NOINPUT_, "cannot read %s", err->message);
		g_error_free(err);
		conf_unref(&conf);
		return status;
	}
	struct csv *csv = NULL;
	struct dir_columns columns = { 0 };
	struct dir_people *people = NULL;
	struct dir_merge *merge = NULL;
	const char *error;
	GHashTable *staged = NULL, *renames = NULL;

	if (csv_parse(data, len, &csv, &error) < 0 ||
	    dir_columns_find(csv, (const char *const *)o->maps->pdata, &columns, &error) < 0) {
		status = say(EX_DATAERR_, "%s: %s; nothing written", o->csv_path, error);
		goto out;
	}
	people = dir_people_read(csv, &columns, conf, council);
	printf("%s: %s, read as a %s export (%s), %u %s\n", council->name, o->csv_path,
	       columns.shape, csv->encoding, people->people->len,
	       people->people->len == 1 ? "person" : "people");
	for (guint i = 0; i < people->skipped->len; i++)
		printf("  left out: %s\n", (char *)people->skipped->pdata[i]);
	if (people->errors->len > 0) {
		for (guint i = 0; i < people->errors->len; i++)
			fprintf(stderr, "%s: %s\n", o->csv_path, (char *)people->errors->pdata[i]);
		status = say(EX_DATAERR_, "%u bad row%s in %s; nothing written",
			     people->errors->len, people->errors->len == 1 ? "" : "s", o->csv_path);
		goto out;
	}
	if (dir_merge(o->conf_path, conf, council, people, &merge, &error) < 0) {
		status = say(EX_SOFTWARE_, "%s; nothing written", error);
		goto out;
	}
	GPtrArray *groups[] = { merge->joins, merge->leaves, merge->changes };
	for (size_t k = 0; k < G_N_ELEMENTS(groups); k++)
		for (guint i = 0; i < groups[k]->len; i++)
			printf("  %s\n", (char *)groups[k]->pdata[i]);
	if (merge->edits->len == 0) {
		printf("No change: the configuration already has these %lu people; nothing "
		       "written.\n", merge->unchanged);
		goto out;
	}
	printf("Joining: %u; leaving: %u; changed: %u; unchanged: %lu.\n", merge->joins->len,
	       merge->leaves->len, merge->changes->len, merge->unchanged);

	/* The whole result checked before anything is written. */
	char *include_dir = g_path_get_dirname(o->conf_path);
	staged = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	renames = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (stage(merge, staged, renames, include_dir) < 0)
		status = EX_CANTCREAT_;
	g_free(include_dir);
	struct cfg_text *main_file = merge->files->pdata[0];
	const char *staged_main = g_hash_table_lookup(staged, main_file);
	struct conf *result = status == 0 ? check(staged_main, o->phrase_dir, o->user, renames) :
		NULL;
	GHashTableIter it;
	gpointer tmp;
	g_hash_table_iter_init(&it, staged);
	while (g_hash_table_iter_next(&it, NULL, &tmp))
		(void)unlink(tmp);
	if (status != 0)
		goto out;
	if (result == NULL) {
		status = say(EX_CONFIG_, "the configuration would have the errors above; nothing "
			     "written");
		goto out;
	}
	conf_unref(&result);
	printf("The whole configuration checks out, as council-milter -n checks it.\n");
	if (!o->apply) {
		printf("Nothing written: run it again with --apply to write it.\n");
		goto out;
	}
	for (guint i = 0; i < merge->files->len && status == 0; i++) {
		struct cfg_text *file = merge->files->pdata[i];
		GPtrArray *edits = dir_merge_edits(merge, file);
		if (edits->len > 0) {
			struct cfg_node whole = { .start = 0, .end = file->len };
			char *text = cfg_apply(file, &whole, edits);
			char *next = write_beside(file->path, text, strlen(text));
			if (next == NULL || rename(next, file->path) < 0) {
				status = say(EX_CANTCREAT_, "cannot write %s: %s", file->path,
					     g_strerror(errno));
				if (next != NULL)
					(void)unlink(next);
			} else {
				printf("Written: %s\n", file->path);
			}
			g_free(next);
			g_free(text);
		}
		g_ptr_array_unref(edits);
	}
	if (status == 0)
		printf("The filter reads it when reloaded: council-milter -n && systemctl "
		       "reload council-milter\n");
out:
	if (staged != NULL)
		g_hash_table_unref(staged);
	if (renames != NULL)
		g_hash_table_unref(renames);
	dir_merge_free(&merge);
	dir_people_free(&people);
	dir_columns_clear(&columns);
	csv_free(&csv);
	g_free(data);
	conf_unref(&conf);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "council", required_argument, NULL, 'C' },
		{ "map", required_argument, NULL, 'm' },
		{ "apply", no_argument, NULL, 'a' },
		{ "phrase-dir", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	struct options o = { .conf_path = COUNCIL_CONF_DEFAULT, .maps = g_ptr_array_new() };
	int c, status;

	while ((c = getopt_long(argc, argv, "c:P:u:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.conf_path = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'P':
			o.phrase_dir = optarg;
			break;
		case 'C':
			o.council = optarg;
			break;
		case 'm':
			g_ptr_array_add(o.maps, optarg);
			break;
		case 'a':
			o.apply = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			g_ptr_array_unref(o.maps);
			return 0;
		case 'V':
			printf("council-directory %s\n", COUNCIL_VERSION);
			g_ptr_array_unref(o.maps);
			return 0;
		default:
			g_ptr_array_unref(o.maps);
			fputs("Try 'council-directory --help'.\n", stderr);
			return EX_USAGE_;
		}
	}
	g_ptr_array_add(o.maps, NULL);
	if (optind >= argc || strcmp(argv[optind], "import") != 0)
		status = usage_error(optind >= argc ? "which command? import" :
				     "unknown command; the command is import");
	else if (o.council == NULL)
		status = usage_error("import needs --council NAME (its name, or one of its "
				     "domains)");
	else if (optind + 2 != argc)
		status = usage_error("import takes one CSV file");
	else {
		o.csv_path = argv[optind + 1];
		status = run(&o);
	}
	g_ptr_array_unref(o.maps);
	return status;
}
