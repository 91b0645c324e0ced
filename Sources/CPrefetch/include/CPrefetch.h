// Cache prefetch hints for GuideKit's report reader, which Swift cannot express itself.
#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for reading; never faults.
static inline void gk_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Asks the CPU to start loading the cache line at `address` for writing; never faults.
static inline void gk_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
