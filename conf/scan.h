#ifndef COUNCIL_CONF_SCAN_H
#define COUNCIL_CONF_SCAN_H

/* The first reading of the config files, before libconfig's (scan.c):
   limits on what is read, what libconfig would drop silently, and every
   number as written. Internal to conf/. */

#include "conf/conf_private.h"

/* The most council-milter reads of one configuration, the files it
   @includes counted in, and of one line (council-milter.conf(5), FILES). */
#define CONF_FILE_MAX (16 * 1024 * 1024)
#define CONF_LINE_MAX (64 * 1024)

struct conf_scan;

/* Read PATH and the files it @includes (from INCLUDE_DIR, as libconfig
   does) and report, into ERRORS, a configuration too big, a line too long,
   a NUL byte, a "\x00" in a string. False when libconfig must not read the
   files at all (all but the last). *SCAN_R is set either way. */
bool conf_scan_files(const char *path, const char *include_dir, struct conf_scan **scan_r,
		     struct conf_error_list *errors);

/* The number written as the value of NAME on LINE of FILE (as libconfig
   names the file), or NULL when there is none or more than one. */
const char *conf_scan_number(const struct conf_scan *scan, const char *file, int line,
			     const char *name);

void conf_scan_free(struct conf_scan **scan);

#endif
