// The readers' fast paths (see include/GKLineReaders.h).
#include "GKLineReaders.h"

#include <string.h>

#include "CHotPath.h"
#include "CSVRecords.h"

static inline long digits(const unsigned char *base, long index, long end) {
    while (index < end && (unsigned)(base[index] - '0') <= 9u) index += 1;
    return index;
}

/// Scans a number per RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
static inline int number(const unsigned char *base, long *position, long end, gk_field *field) {
    long index = *position;
    if (base[index] == '-') index += 1;
    if (index >= end) return 0;
    if (base[index] == '0') {
        index += 1;
    } else {
        long after = digits(base, index, end);
        if (after == index) return 0;
        index = after;
    }
    if (index < end && base[index] == '.') {
        long after = digits(base, index + 1, end);
        if (after == index + 1) return 0;
        index = after;
    }
    if (index < end && (base[index] == 'e' || base[index] == 'E')) {
        index += 1;
        if (index < end && (base[index] == '+' || base[index] == '-')) index += 1;
        long after = digits(base, index, end);
        if (after == index) return 0;
        index = after;
    }
    field->start = *position;
    field->count = index - *position;
    field->kind = GK_FIELD_NUMBER;
    *position = index;
    return 1;
}

static inline int equals(const unsigned char *bytes, const char *word, long count) {
    return memcmp(bytes, word, (size_t)count) == 0;
}

static inline int literal(const unsigned char *base, long *position, long end, const char *word, long count) {
    if (*position + count > end || !equals(base + *position, word, count)) return 0;
    *position += count;
    return 1;
}

enum { ROLE_IGNORED, ROLE_TIME, ROLE_USER, ROLE_GUIDE, ROLE_VERSION, ROLE_STEP, ROLE_TYPE, ROLE_GROUP, ROLE_VARIANT,
       ROLE_GENERAL };

/// The role of a top-level key; `ROLE_GENERAL` for the keys of Segment calls.
static inline int key_role(const unsigned char *key, long count, const unsigned char *group_key,
                           long group_key_count) {
    if (group_key != NULL && count == group_key_count && memcmp(key, group_key, (size_t)count) == 0) {
        return ROLE_GROUP;
    }
    switch (count) {
    case 2: return equals(key, "ts", 2) ? ROLE_TIME : ROLE_IGNORED;
    case 4:
        if (equals(key, "step", 4)) return ROLE_STEP;
        if (equals(key, "user", 4)) return ROLE_USER;
        if (equals(key, "type", 4)) return ROLE_TYPE;
        return ROLE_IGNORED;
    case 5:
        if (equals(key, "guide", 5)) return ROLE_GUIDE;
        return equals(key, "event", 5) ? ROLE_GENERAL : ROLE_IGNORED;
    case 6: return equals(key, "userId", 6) ? ROLE_GENERAL : ROLE_IGNORED;
    case 7:
        if (equals(key, "version", 7)) return ROLE_VERSION;
        return equals(key, "variant", 7) ? ROLE_VARIANT : ROLE_IGNORED;
    case 9: return equals(key, "timestamp", 9) ? ROLE_GENERAL : ROLE_IGNORED;
    case 10: return equals(key, "properties", 10) ? ROLE_GENERAL : ROLE_IGNORED;
    case 11: return equals(key, "anonymousId", 11) ? ROLE_GENERAL : ROLE_IGNORED;
    default: return ROLE_IGNORED;
    }
}

/// Whether a `type` string names a Segment call (`track`, `page`, `screen`, `identify`, `group`, `alias`).
static inline int is_segment_call(const unsigned char *bytes, long count) {
    switch (count) {
    case 4: return equals(bytes, "page", 4);
    case 5: return equals(bytes, "track", 5) || equals(bytes, "group", 5) || equals(bytes, "alias", 5);
    case 6: return equals(bytes, "screen", 6);
    case 8: return equals(bytes, "identify", 8);
    default: return 0;
    }
}

/// Scans the plain string whose opening quote is at `*position`: on success stores where its bytes are
/// and moves past the closing quote; fails at a backslash, a control character or `end`.
static inline int plain_string(const unsigned char *base, long *position, long end, gk_field *field) {
    long index = *position + 1;
    while (index + 16 <= end) {
        unsigned stops = gk_json_string_stops16(base + index);
        if (stops != 0) {
            index += __builtin_ctz(stops);
            goto stopped;
        }
        index += 16;
    }
    while (index < end) {
        unsigned char byte = base[index];
        if (byte == '"' || byte == '\\' || byte < 0x20) goto stopped;
        index += 1;
    }
    return 0;
stopped:
    if (base[index] != '"') return 0;
    field->start = *position + 1;
    field->count = index - *position - 1;
    field->kind = GK_FIELD_STRING;
    *position = index + 1;
    return 1;
}

/// Whether the bytes at `index` are member `member`'s prefix (its separator, quoted key and colon) in
/// `layout`, and that prefix begins with `separator` (`{` for a line's first member, `,` after):
/// two overlapping loads of up to eight bytes each, compared with the stored prefix.
static inline int prefix_matches(const unsigned char *base, long index, long end, const gk_json_layout *layout,
                                 long member, unsigned char separator) {
    long length = layout->length[member];
    if (length == 0 || layout->prefix[member][0] != separator || index + length > end) return 0;
    const unsigned char *bytes = base + index;
    const unsigned char *expected = layout->prefix[member];
    if (length >= 8) {
        unsigned long long head, tail, expected_head, expected_tail;
        memcpy(&head, bytes, 8);
        memcpy(&tail, bytes + length - 8, 8);
        memcpy(&expected_head, expected, 8);
        memcpy(&expected_tail, expected + length - 8, 8);
        return head == expected_head && tail == expected_tail;
    }
    unsigned head, tail, expected_head, expected_tail;
    memcpy(&head, bytes, 4);
    memcpy(&tail, bytes + length - 4, 4);
    memcpy(&expected_head, expected, 4);
    memcpy(&expected_tail, expected + length - 4, 4);
    return head == expected_head && tail == expected_tail;
}

long gk_json_event_line(const unsigned char *base, long start, long end, const unsigned char *group_key,
                        long group_key_count, gk_json_layout *layout, gk_event_fields *fields) {
    long index = start;
    // What this line's members look like, to learn the layout from it.
    long prefix_starts[GK_JSON_LAYOUT_MEMBERS];
    unsigned char prefix_lengths[GK_JSON_LAYOUT_MEMBERS];
    unsigned char roles[GK_JSON_LAYOUT_MEMBERS];
    long members = 0;
    long keys_read = 0;  // members whose key did not match the layout
    long predicted = 0;  // the layout's member expected next
    long known = layout != NULL ? layout->count : 0;
    for (;;) {
        long prefix_start = index;
        unsigned char separator = members == 0 ? '{' : ',';
        // The member the layout expects, or else the one after it (the expected one is missing, as the
        // step of a guide event).
        long matched = -1;
        for (long member = predicted; member < predicted + 2 && member < known; member++) {
            if (prefix_matches(base, index, end, layout, member, separator)) {
                matched = member;
                break;
            }
        }
        int role;
        if (matched >= 0) {
            role = layout->role[matched];
            index += layout->length[matched];
            predicted = matched + 1;
        } else {
            if (index + 1 >= end || base[index] != separator || base[index + 1] != '"') return -1;
            index += 1;
            gk_field key;
            if (!plain_string(base, &index, end, &key)) return -1;
            if (index >= end || base[index] != ':') return -1;
            index += 1;
            role = key_role(base + key.start, key.count, group_key, group_key_count);
            if (role == ROLE_GENERAL) return -1;
            keys_read += 1;
        }
        if (members < GK_JSON_LAYOUT_MEMBERS) {
            prefix_starts[members] = prefix_start;
            prefix_lengths[members] = (unsigned char)(index - prefix_start <= 16 ? index - prefix_start : 0);
            roles[members] = (unsigned char)role;
        }
        members += 1;
        if (index >= end) return -1;
        gk_field value = {0, 0, GK_FIELD_OTHER};
        unsigned char byte = base[index];
        if (byte == '"') {
            if (!plain_string(base, &index, end, &value)) return -1;
        } else if (byte == '-' || (unsigned)(byte - '0') <= 9u) {
            if (!number(base, &index, end, &value)) return -1;
        } else if (byte == 'n') {
            if (!literal(base, &index, end, "null", 4)) return -1;
            value.kind = GK_FIELD_NULL;
        } else if (!literal(base, &index, end, "true", 4) && !literal(base, &index, end, "false", 5)) {
            return -1;
        }
        switch (role) {
        case ROLE_TIME: fields->time = value; break;
        case ROLE_USER: fields->user = value; break;
        case ROLE_GUIDE: fields->guide = value; break;
        case ROLE_VERSION: fields->version = value; break;
        case ROLE_STEP: fields->step = value; break;
        case ROLE_TYPE:
            if (value.kind == GK_FIELD_STRING && is_segment_call(base + value.start, value.count)) return -1;
            fields->type = value;
            break;
        case ROLE_GROUP: fields->group = value; break;
        case ROLE_VARIANT: fields->variant = value; break;
        default: break;
        }
        if (index >= end) return -1;
        if (base[index] == ',') continue;  // the comma begins the next member's prefix
        if (base[index] != '}') return -1;
        index += 1;
        break;
    }
    if (index < end && base[index] == '\r') index += 1;
    if (index >= end || base[index] != '\n') return -1;
    // Learn this line's layout when there is none yet, or when two or more keys missed it.
    if (layout != NULL && (known == 0 || keys_read >= 2) && members <= GK_JSON_LAYOUT_MEMBERS) {
        layout->count = members;
        for (long member = 0; member < members; member++) {
            layout->role[member] = roles[member];
            layout->length[member] = prefix_lengths[member];
            memcpy(layout->prefix[member], base + prefix_starts[member], prefix_lengths[member]);
        }
    }
    return index;
}

static inline __attribute__((always_inline)) long count_byte(const unsigned char *bytes, long count,
                                                            unsigned char byte) {
    long total = 0;
    long offset = 0;
#if defined(__SSE2__)
    __m128i wanted = _mm_set1_epi8((char)byte);
    for (; offset + 64 <= count; offset += 64) {
        unsigned bits = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + offset)), wanted));
        bits |= (unsigned)_mm_movemask_epi8(
                    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + offset + 16)), wanted))
                << 16;
        unsigned long long high = (unsigned)_mm_movemask_epi8(
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + offset + 32)), wanted));
        high |= (unsigned long long)(unsigned)_mm_movemask_epi8(
                    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(bytes + offset + 48)), wanted))
                << 16;
        if ((bits | high) != 0) total += __builtin_popcount(bits) + __builtin_popcountll(high);
    }
#endif
    for (; offset < count; offset++) total += bytes[offset] == byte;
    return total;
}

// The CPU's popcount instruction, where there is one: the compiler targets the x86-64 baseline, whose
// popcount is a dozen instructions. Each function is compiled twice and picked once per call.
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("popcnt"))) static long csv_plain_record_popcnt(const unsigned char *base, long start,
                                                                      long end, long column_count, long needed,
                                                                      unsigned short *field_ends) {
    return csv_plain_record(base, start, end, column_count, needed, field_ends);
}

__attribute__((target("popcnt"))) static long count_byte_popcnt(const unsigned char *bytes, long count,
                                                                unsigned char byte) {
    return count_byte(bytes, count, byte);
}

/// `count_byte` 64 bytes at a time in two 32-byte compares.
GK_AVX2 static long count_byte_avx2(const unsigned char *bytes, long count, unsigned char byte) {
    long total = 0;
    long offset = 0;
    __m256i wanted = _mm256_set1_epi8((char)byte);
    for (; offset + 64 <= count; offset += 64) {
        unsigned low = (unsigned)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(bytes + offset)), wanted));
        unsigned high = (unsigned)_mm256_movemask_epi8(
            _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(bytes + offset + 32)), wanted));
        total += __builtin_popcount(low) + __builtin_popcount(high);
    }
    return total + count_byte(bytes + offset, count - offset, byte);
}

int gk_cpu_has_popcnt;
int gk_cpu_has_avx2;

/// Runs when the library is loaded, before any reading thread starts.
__attribute__((constructor)) static void detect_popcnt(void) {
    __builtin_cpu_init();
    gk_cpu_has_popcnt = __builtin_cpu_supports("popcnt") ? 1 : 0;
    gk_cpu_has_avx2 = gk_cpu_has_popcnt && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                      __builtin_cpu_supports("bmi2");
}
#else
// Elsewhere the one compiled form already uses what the target has.
const int gk_cpu_has_popcnt = 0;
#define csv_plain_record_popcnt csv_plain_record
#define count_byte_popcnt count_byte
#endif

long gk_csv_plain_record(const unsigned char *base, long start, long end, long column_count, long needed,
                         unsigned short *field_ends) {
    if (gk_cpu_has_popcnt) return csv_plain_record_popcnt(base, start, end, column_count, needed, field_ends);
    return csv_plain_record(base, start, end, column_count, needed, field_ends);
}

long gk_count_byte(const unsigned char *bytes, long count, unsigned char byte) {
#if GK_POPCNT_COPIES
    if (gk_cpu_has_avx2) return count_byte_avx2(bytes, count, byte);
#endif
    if (gk_cpu_has_popcnt) return count_byte_popcnt(bytes, count, byte);
    return count_byte(bytes, count, byte);
}
