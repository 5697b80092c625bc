#ifndef COUNCIL_TESTS_PARSER_COMPOSE_H
#define COUNCIL_TESTS_PARSER_COMPOSE_H

/* What the MTA would deliver after the milter applied an annotation: the
   original header block with the changed MIME fields replaced (or added),
   then the new body. Line ends CRLF throughout. */

#include <stddef.h>

#include "parser/parser.h"

/* DATA as the MTA hands it on: a blank line after the header block where
   the block ended at a line that is no header field. g_free the result. */
char *compose_mta_view(const char *data, size_t len, size_t *len_r);
/* g_free the result. */
char *compose_message(const char *data, size_t len, const struct parser_annotated *a,
		      size_t *len_r);

#endif
