// umockdev's C API, for the USB emulator the device tests run against. Test support only.
#include <umockdev.h>
