#ifndef C_GATEHOUSE_COMPAT_H
#define C_GATEHOUSE_COMPAT_H

/// hypot and hypotf through the symbol versions every glibc provides (see compat.c).
double gatehouse_compat_hypot(double x, double y);
float gatehouse_compat_hypotf(float x, float y);

#endif
