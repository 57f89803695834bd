// Lets the Lambda bootstrap built on a newer glibc start on Amazon Linux 2023 (glibc 2.34).
//
// glibc 2.35 gave hypot and hypotf new symbol versions (GLIBC_2.35); a binary linked against
// glibc >= 2.35 asks for those and fails to load on older systems. The earlier versions are still
// exported by every glibc and compute the same function (they differ only in how errors were
// once reported through _LIB_VERSION, which glibc no longer supports). The gatehouse-lambda target
// links with --wrap=hypot --wrap=hypotf, so every call to hypot/hypotf in the binary (swift-numerics'
// RealModule makes them) lands in the __wrap_ functions below, which call the old versions.

#include "CGatehouseCompat.h"

#include <math.h>  // defines __GLIBC__ when the C library is glibc

#if defined(__linux__) && defined(__GLIBC__)

#if defined(__x86_64__)
__asm__(".symver gatehouse_glibc_hypot, hypot@GLIBC_2.2.5");
__asm__(".symver gatehouse_glibc_hypotf, hypotf@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver gatehouse_glibc_hypot, hypot@GLIBC_2.17");
__asm__(".symver gatehouse_glibc_hypotf, hypotf@GLIBC_2.17");
#else
#error "CGatehouseCompat: add the base glibc symbol version for this architecture"
#endif

double gatehouse_glibc_hypot(double x, double y);
float gatehouse_glibc_hypotf(float x, float y);

double __wrap_hypot(double x, double y) { return gatehouse_glibc_hypot(x, y); }
float __wrap_hypotf(float x, float y) { return gatehouse_glibc_hypotf(x, y); }

double gatehouse_compat_hypot(double x, double y) { return gatehouse_glibc_hypot(x, y); }
float gatehouse_compat_hypotf(float x, float y) { return gatehouse_glibc_hypotf(x, y); }

#else

double gatehouse_compat_hypot(double x, double y) { return hypot(x, y); }
float gatehouse_compat_hypotf(float x, float y) { return hypotf(x, y); }

#endif
