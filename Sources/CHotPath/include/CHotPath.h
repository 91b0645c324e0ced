// Cache prefetch hints and 16-byte compares for GuideKit's report reader, which Swift cannot express
// itself (it has no prefetch, and its SIMD types have no movemask), and the readers' C fast paths
// (GKLineReaders.h).
#ifndef CHOTPATH_H
#define CHOTPATH_H

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "GKEventRuns.h"
#include "GKLineReaders.h"

/// Asks the CPU to start loading the cache line at `address` for reading; never faults.
static inline void gk_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Asks the CPU to start loading the cache line at `address` for writing; never faults.
static inline void gk_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

/// A bit per byte of the 16 bytes at `bytes` that ends a run of plain JSON string characters: a
/// quote, a backslash or a control character (below 0x20). The 16 bytes must be readable.
static inline unsigned gk_json_string_stops16(const void *bytes) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)bytes);
    __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
    __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(block, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
#else
    const unsigned char *p = (const unsigned char *)bytes;
    unsigned mask = 0;
    for (int i = 0; i < 16; i++) mask |= (unsigned)(p[i] == '"' || p[i] == '\\' || p[i] < 0x20) << i;
    return mask;
#endif
}

#endif
