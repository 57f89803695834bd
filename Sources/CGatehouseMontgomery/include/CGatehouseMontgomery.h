#ifndef CGATEHOUSE_MONTGOMERY_H
#define CGATEHOUSE_MONTGOMERY_H

#include <stddef.h>
#include <stdint.h>

/// target = a·b·R⁻¹ mod m (Montgomery multiplication, CIOS), on little-endian 64-bit limbs:
/// a, b below m, all `count` limbs long; `inverse` is -m⁻¹ mod 2⁶⁴; `scratch` holds count + 2
/// limbs; `target` is neither a nor b. No branch and no memory access depends on the values.
void gatehouse_montgomery_multiply(const uint64_t *a, const uint64_t *b, const uint64_t *m, uint64_t inverse,
                                   size_t count, uint64_t *scratch, uint64_t *target);

#endif
