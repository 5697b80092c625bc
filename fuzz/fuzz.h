#ifndef COUNCIL_FUZZ_H
#define COUNCIL_FUZZ_H

/* Shared by the fuzz targets and the replay driver. */

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

/* The libFuzzer entry points each target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* The source tree: $COUNCIL_SOURCE_DIR, else the one this was built from. */
const char *fuzz_source_dir(void);

/* Load RELPATH (relative to the source tree) with the source tree's phrase
   lists; exits with the loader's errors if it does not load. */
struct conf *fuzz_load_conf(const char *relpath);

#endif
