#include "parser/parser-private.h"

int parser_annotate(struct parser_message *msg, const struct parser_footer *footer,
		    enum parser_annotate_status *status_r, struct parser_annotated **out_r,
		    const char **error_r)
{
	*status_r = PARSER_ANNOTATE_REFUSED;
	*out_r = NULL;
	return 0;
}

void parser_annotated_free(struct parser_annotated **out)
{
	*out = NULL;
}
