// The plain CSV record reader that the line readers (LineReaders.c) and the event runs (EventRuns.c)
// share; private to CHotPath.
#ifndef GK_CSV_RECORDS_H
#define GK_CSV_RECORDS_H

#include "CHotPath.h"

/// Whether the CPU has the popcount instruction (set when the library is loaded); the hot loops are
/// compiled twice, once for it, and pick their copy by it.
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
extern int gk_cpu_has_popcnt;
#define GK_POPCNT_COPIES 1
#else
extern const int gk_cpu_has_popcnt;
#define GK_POPCNT_COPIES 0
#endif

/// The longest record the CSV fast path takes; longer ones go to the general reader.
#define CSV_LINE_LIMIT 512

/// Bits for the commas, newlines and quotes among the 16 bytes at `bytes`.
static inline void csv_marks16(const unsigned char *bytes, unsigned *commas, unsigned *newlines, unsigned *quotes) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)bytes);
    *commas = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(',')));
    *newlines = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8('\n')));
    *quotes = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')));
#else
    unsigned comma_bits = 0, newline_bits = 0, quote_bits = 0;
    for (int offset = 0; offset < 16; offset++) {
        comma_bits |= (unsigned)(bytes[offset] == ',') << offset;
        newline_bits |= (unsigned)(bytes[offset] == '\n') << offset;
        quote_bits |= (unsigned)(bytes[offset] == '"') << offset;
    }
    *commas = comma_bits;
    *newlines = newline_bits;
    *quotes = quote_bits;
#endif
}

/// The body of `csv_plain_record` for blocks of `WIDTH` bytes whose marks `MARKS` finds (a macro, so
/// that each width is compiled for the instructions its function may use).
#define GK_CSV_PLAIN_RECORD(WIDTH, MARKS)                                                                      \
    long limit = end - start < CSV_LINE_LIMIT ? end - start : CSV_LINE_LIMIT;                                  \
    long count = 0; /* commas so far */                                                                        \
    for (long offset = 0; offset + (WIDTH) <= limit; offset += (WIDTH)) {                                      \
        unsigned comma_bits, newline_bits, quote_bits;                                                         \
        MARKS(base + start + offset, &comma_bits, &newline_bits, &quote_bits);                                 \
        unsigned before = newline_bits != 0 ? (newline_bits & -newline_bits) - 1 : ~0u;                       \
        if ((quote_bits & before) != 0) return -1;                                                             \
        comma_bits &= before;                                                                                  \
        /* The first `needed` field ends as they come; later commas are only counted. */                      \
        while (comma_bits != 0 && count < needed) {                                                            \
            field_ends[count] = (unsigned short)(offset + __builtin_ctz(comma_bits));                          \
            count += 1;                                                                                        \
            comma_bits &= comma_bits - 1;                                                                      \
        }                                                                                                      \
        count += __builtin_popcount(comma_bits);                                                               \
        if (newline_bits == 0) continue;                                                                       \
        long newline = start + offset + __builtin_ctz(newline_bits);                                           \
        if (newline <= start || count != column_count - 1) return -1;                                          \
        long last = newline;                                                                                   \
        if (base[last - 1] == '\r') last -= 1;                                                                 \
        if (count < needed) field_ends[count] = (unsigned short)(last - start);                                \
        return newline;                                                                                        \
    }                                                                                                          \
    return -1;

static inline __attribute__((always_inline)) long csv_plain_record(const unsigned char *base, long start, long end,
                                                                  long column_count, long needed,
                                                                  unsigned short *field_ends) {
    GK_CSV_PLAIN_RECORD(16, csv_marks16)
}

#if GK_POPCNT_COPIES
#include <immintrin.h>

/// Whether the CPU has AVX2 (set when the library is loaded, like `gk_cpu_has_popcnt`).
extern int gk_cpu_has_avx2;

/// The instructions the AVX2 copies of the hot loops may use.
#define GK_AVX2 __attribute__((target("avx2,popcnt,bmi,bmi2")))

/// `csv_marks16` for 32 bytes.
static inline GK_AVX2 __attribute__((always_inline)) void csv_marks32(const unsigned char *bytes, unsigned *commas,
                                                                     unsigned *newlines, unsigned *quotes) {
    __m256i block = _mm256_loadu_si256((const __m256i *)bytes);
    *commas = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8(',')));
    *newlines = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('\n')));
    *quotes = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('"')));
}

/// `csv_plain_record` reading 32 bytes at a time (a record ending within 32 bytes of `end` is left to
/// the caller's other reader).
static inline GK_AVX2 __attribute__((always_inline)) long csv_plain_record32(const unsigned char *base, long start,
                                                                            long end, long column_count, long needed,
                                                                            unsigned short *field_ends) {
    GK_CSV_PLAIN_RECORD(32, csv_marks32)
}
#endif

#endif
