#include <stddef.h>
#include <dmtx.h>
