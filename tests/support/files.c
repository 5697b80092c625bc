/* Message files under a folder, in a stable order (files.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "files.h"

void test_collect_messages(GPtrArray *out, const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (d == NULL)
		fail_msg("%s: cannot open", dir);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	for (guint i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			test_collect_messages(out, p);
		else if (g_str_has_suffix(p, ".eml") || g_str_has_suffix(p, ".msg"))
			g_ptr_array_add(out, g_strdup(p));
	}
	g_ptr_array_free(names, TRUE);
}
