// The x86-64 time-stamp counter, for timing one call of tens of nanoseconds (clock_gettime costs about 30 ns and
// jitters under a hypervisor's clock source). `lfence` keeps the read from moving across the timed code.
#ifndef CYCLE_COUNTER_H
#define CYCLE_COUNTER_H
#include <stdint.h>

static inline uint64_t cycle_counter_read(void) {
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}
#endif
