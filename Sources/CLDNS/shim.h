// <stdbool.h> must come first: ldns/common.h otherwise redefines _Bool as signed char.
#include <stdbool.h>
#include <ldns/ldns.h>
