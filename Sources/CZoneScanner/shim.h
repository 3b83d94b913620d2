#include <libzscanner/scanner.h>
