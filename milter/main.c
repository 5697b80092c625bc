/* Stub: replaced by the daemon (issue 2). */
#include <stdio.h>

#include "milter/engine.h"

int main(void)
{
	fputs("council-milter: not built yet\n", stderr);
	return 1;
}
