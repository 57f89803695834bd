// The inner loop of the local pool's SRP arithmetic (LocalPool/SRP/MontgomeryModulus.swift), in C
// so that it is compiled with optimisation in debug builds too (Package.swift gives this target
// -O2): Swift's 128-bit arithmetic unoptimised made an SRP sign-in take half a second.

#include "CGatehouseMontgomery.h"

typedef unsigned __int128 wide;

void gatehouse_montgomery_multiply(const uint64_t *a, const uint64_t *b, const uint64_t *m, uint64_t inverse,
                                   size_t count, uint64_t *t, uint64_t *target) {
    for (size_t index = 0; index < count + 2; index++) t[index] = 0;
    for (size_t i = 0; i < count; i++) {
        // t += a · b[i]; a·b + t + carry < 2¹²⁸.
        uint64_t carry = 0;
        const wide bi = b[i];
        for (size_t j = 0; j < count; j++) {
            const wide sum = (wide)a[j] * bi + t[j] + carry;
            t[j] = (uint64_t)sum;
            carry = (uint64_t)(sum >> 64);
        }
        wide top = (wide)t[count] + carry;
        t[count] = (uint64_t)top;
        t[count + 1] = (uint64_t)(top >> 64);
        // t = (t + factor·m) / 2⁶⁴, with factor chosen so that the low limb cancels.
        const wide factor = (uint64_t)(t[0] * inverse);
        carry = (uint64_t)((factor * m[0] + t[0]) >> 64);
        for (size_t j = 1; j < count; j++) {
            const wide sum = factor * m[j] + t[j] + carry;
            t[j - 1] = (uint64_t)sum;
            carry = (uint64_t)(sum >> 64);
        }
        const wide last = (wide)t[count] + carry;
        t[count - 1] = (uint64_t)last;
        t[count] = t[count + 1] + (uint64_t)(last >> 64);
    }
    // Subtract m unless that borrows past t[count]; select without a branch.
    uint64_t borrow = 0;
    for (size_t index = 0; index < count; index++) {
        const wide difference = (wide)t[index] - m[index] - borrow;
        target[index] = (uint64_t)difference;
        borrow = (uint64_t)(difference >> 64) & 1;
    }
    const uint64_t keep = (uint64_t)0 - (uint64_t)(t[count] >= borrow);
    for (size_t index = 0; index < count; index++) target[index] = (target[index] & keep) | (t[index] & ~keep);
}
