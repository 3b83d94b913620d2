#include <libzscanner/scanner.h>
#include <malloc.h>
