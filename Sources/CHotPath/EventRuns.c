// The report reader's loop over runs of common events (see include/GKEventRuns.h).
//
// A line is taken here only when Swift's reader would take it the same way: every check the Swift
// reader makes either passes here or sends the line back to it. So the report is the same whichever
// reader took a line; this one only skips the work that repeats from line to line.
#include "GKEventRuns.h"

#include <string.h>

#include "CHotPath.h"
#include "CSVRecords.h"

/// Every helper of the loops is inlined into each copy of them (compiled for different instructions).
#define GK_INLINE static inline __attribute__((always_inline))

static inline unsigned long long load64(const unsigned char *bytes) {
    unsigned long long value;
    memcpy(&value, bytes, 8);
    return value;
}

static inline unsigned load32(const unsigned char *bytes) {
    unsigned value;
    memcpy(&value, bytes, 4);
    return value;
}

/// Swift's `tailWord`: the bytes after the last whole word of a slice of `count` (> 0) bytes.
static inline unsigned long long tail_word(const unsigned char *bytes, long count) {
    if (count >= 8) return load64(bytes + count - 8);
    if (count >= 4) return (unsigned long long)load32(bytes) | (unsigned long long)load32(bytes + count - 4) << 32;
    return (unsigned long long)bytes[0] | (unsigned long long)bytes[count >> 1] << 8 |
           (unsigned long long)bytes[count - 1] << 16;
}

/// Swift's `mixBits` (the finaliser of SplitMix64).
static inline unsigned long long mix_bits(unsigned long long value) {
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

GK_INLINE unsigned long long hash_bytes(const unsigned char *bytes, long count) {
    unsigned long long hash = 0x9e3779b97f4a7c15ULL ^ (unsigned long long)count;
    long offset = 0;
    for (; offset + 8 <= count; offset += 8) {
        hash = (hash ^ load64(bytes + offset)) * 0xff51afd7ed558ccdULL;
        hash ^= hash >> 32;
    }
    if (offset < count) {
        hash = (hash ^ tail_word(bytes, count)) * 0xff51afd7ed558ccdULL;
        hash ^= hash >> 32;
    }
    return mix_bits(hash);
}

unsigned long long gk_hash_bytes(const unsigned char *bytes, long count) { return hash_bytes(bytes, count); }

/// The event type's code, or -1 (the codes of Swift's `GuideEventType.code`: 0 guide_started … 5
/// guide_snoozed, 6 step_target_missing).
GK_INLINE int type_code(const unsigned char *bytes, long count) {
    switch (count) {
    case 11: return memcmp(bytes, "step_viewed", 11) == 0 ? 1 : -1;
    case 13:
        if (memcmp(bytes, "guide_started", 13) == 0) return 0;
        return memcmp(bytes, "guide_snoozed", 13) == 0 ? 5 : -1;
    case 14: return memcmp(bytes, "step_completed", 14) == 0 ? 2 : -1;
    case 15:
        if (memcmp(bytes, "guide_completed", 15) == 0) return 3;
        return memcmp(bytes, "guide_dismissed", 15) == 0 ? 4 : -1;
    case 19: return memcmp(bytes, "step_target_missing", 19) == 0 ? 6 : -1;
    default: return -1;
    }
}

/// The time of a `YYYY-MM-DDTHH:MM:SSZ` timestamp on one of the two dates Swift's reader parsed last, as
/// Swift's `seconds` computes it; 0 for any other form or date (Swift's reader then parses it).
GK_INLINE int cached_time(const gk_reader_state *state, const unsigned char *bytes, long count, double *time) {
    if (count != 20 || bytes[10] != 'T' || bytes[19] != 'Z' || bytes[13] != ':' || bytes[16] != ':') return 0;
    unsigned short tail_bytes;
    memcpy(&tail_bytes, bytes + 8, 2);
    unsigned tail = tail_bytes;
    unsigned long long date = load64(bytes);
    double midnight;
    if (date == state->cachedDate && tail == state->cachedDateTail) {
        midnight = state->cachedMidnight;
    } else if (date == state->previousDate && tail == state->previousDateTail) {
        midnight = state->previousMidnight;
    } else {
        return 0;
    }
    unsigned digits[6];
    static const int at[6] = {11, 12, 14, 15, 17, 18};
    for (int index = 0; index < 6; index++) {
        digits[index] = (unsigned)bytes[at[index]] - '0';
        if (digits[index] > 9) return 0;
    }
    unsigned hour = digits[0] * 10 + digits[1];
    unsigned minute = digits[2] * 10 + digits[3];
    unsigned second = digits[4] * 10 + digits[5];
    if (hour > 23 || minute > 59 || second > 60) return 0;
    *time = midnight + (double)(hour * 3600 + minute * 60 + second);
    return 1;
}

/// Whether a value has bytes on the line (a string or a number); other kinds are only in the shape.
GK_INLINE int has_bytes(const gk_field *field) {
    return field->kind == GK_FIELD_STRING || field->kind == GK_FIELD_NUMBER;
}

/// The bytes from the first to the last of the guide, version, step and (when it picks step orders)
/// variant values, and their shape: where in those bytes each value lies and its kind. Two lines with
/// the same bytes and shape name the same guide version and step; 0 when the span is too long to
/// remember.
GK_INLINE int key_span(const gk_event_fields *fields, long uses_variant, long *span_start, long *span_length,
                       unsigned long long shape[2]) {
    const gk_field *guide = &fields->guide, *version = &fields->version, *step = &fields->step;
    gk_field none = {0, 0, GK_FIELD_ABSENT};
    const gk_field *variant = uses_variant ? &fields->variant : &none;
    long low = guide->start, high = guide->start + guide->count;
    const gk_field *others[3] = {version, step, variant};
    for (int index = 0; index < 3; index++) {
        if (!has_bytes(others[index])) continue;
        if (others[index]->start < low) low = others[index]->start;
        if (others[index]->start + others[index]->count > high) high = others[index]->start + others[index]->count;
    }
    if (high - low > GK_KEY_SPAN_BYTES) return 0;
#define GK_AT(field) (has_bytes(field) ? (unsigned long long)((field)->start - low) : 0ULL)
#define GK_COUNT(field) (has_bytes(field) ? (unsigned long long)(field)->count : 0ULL)
    shape[0] = GK_AT(guide) | GK_COUNT(guide) << 8 | (unsigned long long)guide->kind << 16 | GK_AT(version) << 24 |
               GK_COUNT(version) << 32 | (unsigned long long)version->kind << 40 |
               (unsigned long long)step->kind << 48 | (unsigned long long)variant->kind << 56;
    shape[1] = GK_AT(step) | GK_COUNT(step) << 8 | GK_AT(variant) << 16 | GK_COUNT(variant) << 24;
#undef GK_AT
#undef GK_COUNT
    *span_start = low;
    *span_length = high - low;
    return 1;
}

/// A hash of a span and its shape, never 0: all bytes enter it (the versions of a guide differ in one
/// byte in the middle), in two independent lanes.
GK_INLINE unsigned long long key_hash(const unsigned char *bytes, long length, const unsigned long long shape[2]) {
    unsigned long long first = shape[0] * 0x9e3779b97f4a7c15ULL;
    unsigned long long second = (shape[1] ^ (unsigned long long)length) * 0xc2b2ae3d27d4eb4fULL;
    long offset = 0;
    for (; offset + 16 <= length; offset += 16) {
        first = (first ^ load64(bytes + offset)) * 0xff51afd7ed558ccdULL;
        second = (second ^ load64(bytes + offset + 8)) * 0xc4ceb9fe1a85ec53ULL;
        first ^= first >> 29;
        second ^= second >> 31;
    }
    if (offset + 8 <= length) {
        first = (first ^ load64(bytes + offset)) * 0xff51afd7ed558ccdULL;
        first ^= first >> 29;
        offset += 8;
    }
    if (offset < length) {
        second = (second ^ tail_word(bytes, length)) * 0xc4ceb9fe1a85ec53ULL;
        second ^= second >> 31;
    }
    return mix_bits(first ^ (second * 0x27d4eb2f165667c5ULL)) | 1;
}

GK_INLINE int same_bytes(const unsigned char *left, const unsigned char *right, long count) {
    long offset = 0;
    for (; offset + 8 <= count; offset += 8) {
        if (load64(left + offset) != load64(right + offset)) return 0;
    }
    return offset == count || tail_word(left, count) == tail_word(right, count);
}

/// The first entry of the set (two entries) where a key with `hash` is kept.
GK_INLINE gk_key_entry *key_set(gk_key_entry *keys, unsigned long long hash) {
    return keys + ((hash >> 20) & (GK_KEY_ENTRIES - 2));
}

GK_INLINE const gk_key_entry *find_key(const gk_reader_state *state, const unsigned char *span, long length,
                                       const unsigned long long shape[2], unsigned long long hash) {
    const gk_key_entry *entry = key_set(state->keys, hash);
    for (int way = 0; way < 2; way++, entry++) {
        if (entry->hash == hash && entry->length == length && entry->shape[0] == shape[0] &&
            entry->shape[1] == shape[1] && same_bytes(entry->bytes, span, length)) {
            return entry;
        }
    }
    return NULL;
}

void gk_remember_key(gk_reader_state *state, int group, int stepKey, int stepIndex, int type) {
    gk_pending_key *pending = &state->pending;
    if (!pending->isSet) return;
    pending->isSet = 0;
    gk_key_entry *set = key_set(state->keys, pending->hash);
    // The newer key goes first; the older one of the set moves to the second way.
    if (set[0].hash != 0) set[1] = set[0];
    gk_key_entry *entry = &set[0];
    entry->hash = pending->hash;
    entry->shape[0] = pending->shape[0];
    entry->shape[1] = pending->shape[1];
    entry->group = group;
    entry->stepKey = stepKey;
    entry->stepIndex = stepIndex;
    entry->type = type;
    entry->length = (int)pending->length;
    memcpy(entry->bytes, pending->span, (size_t)pending->length);
}

enum { TAKE_GENERAL = 0, TAKE_DONE = 1, TAKE_FULL = 2 };

/// Notes a line whose key is not remembered, for Swift to remember once it has resolved it.
GK_INLINE int take_pending(gk_reader_state *state, const unsigned char *span, long length,
                           const unsigned long long shape[2], unsigned long long hash) {
    state->pending.isSet = 1;
    state->pending.span = span;
    state->pending.length = length;
    state->pending.shape[0] = shape[0];
    state->pending.shape[1] = shape[1];
    state->pending.hash = hash;
    return TAKE_GENERAL;
}

/// Takes one event whose key and type are known: counts it and hands it to its owner's batch, or
/// counts it as filtered out. Returns TAKE_GENERAL, having changed nothing, when Swift's reader must
/// take the line.
GK_INLINE int take_keyed(gk_reader_state *state, const unsigned char *base, const gk_key_entry *key, int type,
                         const gk_field *time_field, const gk_field *user) {
    // A step event, and a step whose target was missing, needs a step (Swift's reader reports it).
    if ((type == 1 || type == 2 || type == 6) && key->stepKey < 0) return TAKE_GENERAL;
    if (time_field->kind != GK_FIELD_STRING) return TAKE_GENERAL;
    double time;
    if (!cached_time(state, base + time_field->start, time_field->count, &time)) return TAKE_GENERAL;
    if (user->kind == GK_FIELD_ABSENT || user->kind == GK_FIELD_NULL || user->count == 0) return TAKE_GENERAL;
    if (time < state->since || time >= state->until || key->group < 0) {
        state->filteredOut += 1;
        if (time > state->filteredLatest) state->filteredLatest = time;
        return TAKE_DONE;
    }
    const unsigned char *user_bytes = base + user->start;
    unsigned long long user_hash = hash_bytes(user_bytes, user->count);
    // The owning thread from the hash's top bits, as Swift's `add` picks it.
    long owner = (long)(((user_hash >> 32) * (unsigned long long)state->owners) >> 32);
    gk_outbox *outbox = state->outboxes + owner;
    if (outbox->byteCount + user->count > outbox->byteCapacity) return TAKE_GENERAL;  // Swift grows the bytes
    state->events += 1;
    if (time > state->latest) state->latest = time;
    if (time < state->earliest) state->earliest = time;
    state->groupEvents[key->group] += 1;
    if (key->stepKey >= 0) state->stepEvents[key->stepKey] += 1;
    memcpy(outbox->bytes + outbox->byteCount, user_bytes, (size_t)user->count);
    gk_routed_event *event = outbox->events + outbox->count;
    event->time = time;
    event->hash = user_hash;
    event->userOffset = (unsigned)outbox->byteCount;
    event->userCount = (unsigned)user->count;
    event->group = (unsigned)key->group;
    event->step = key->stepIndex;
    event->type = (unsigned char)type;
    outbox->byteCount += user->count;
    outbox->count += 1;
    if (outbox->count >= outbox->capacity) {
        state->fullOwner = owner;
        return TAKE_FULL;
    }
    return TAKE_DONE;
}

/// Takes one event whose fields a reader found (see `take_keyed`), after finding its key; notes the key
/// as pending when only the key was missing.
GK_INLINE int take_event(gk_reader_state *state, const unsigned char *base, const gk_event_fields *fields) {
    if (fields->type.kind != GK_FIELD_STRING) return TAKE_GENERAL;
    int type = type_code(base + fields->type.start, fields->type.count);
    if (type < 0) return TAKE_GENERAL;
    if (fields->guide.kind != GK_FIELD_STRING || fields->guide.count == 0) return TAKE_GENERAL;
    if (fields->version.kind != GK_FIELD_STRING && fields->version.kind != GK_FIELD_NUMBER) return TAKE_GENERAL;
    long span_start, span_length;
    unsigned long long shape[2];
    if (!key_span(fields, state->usesVariant, &span_start, &span_length, shape)) return TAKE_GENERAL;
    const unsigned char *span = base + span_start;
    unsigned long long hash = key_hash(span, span_length, shape);
    const gk_key_entry *key = find_key(state, span, span_length, shape, hash);
    if (key == NULL) return take_pending(state, span, span_length, shape, hash);
    return take_keyed(state, base, key, type, &fields->time, &fields->user);
}

static inline long stop(gk_reader_state *state, long reason, long position) {
    state->stopReason = reason;
    return position;
}

/// Counts a line the run took.
GK_INLINE void count_line(gk_reader_state *state) {
    state->lines += 1;
    state->linesInRuns += 1;
    state->lineInPart += 1;
}

/// A CSV field's bytes from the field ends `gk_csv_plain_record` stored (an absent field when empty).
GK_INLINE gk_field csv_field(long column, long start, const unsigned short *ends) {
    gk_field field = {0, 0, GK_FIELD_ABSENT};
    if (column < 0) return field;
    long from = column == 0 ? start : start + ends[column - 1] + 1;
    long to = start + ends[column];
    if (to > from) {
        field.start = from;
        field.count = to - from;
        field.kind = GK_FIELD_STRING;
    }
    return field;
}

/// The shape of the keys of CSV column spans (see `take_csv_record`): unlike any shape `key_span`
/// makes, with the key columns' order, so that the same bytes in another order are another key.
GK_INLINE void csv_span_shape(const gk_reader_state *state, unsigned long long shape[2]) {
    long first = state->spanFirstColumn;
    shape[0] = ~0ULL;
    shape[1] = (unsigned long long)(state->guideColumn - first) |
               (unsigned long long)(state->versionColumn - first) << 8 |
               (unsigned long long)(state->stepColumn - first) << 16 |
               (unsigned long long)(state->typeColumn - first) << 24;
}

/// Takes the plain record from `start` whose field ends `ends` holds; `span_shape` is
/// `csv_span_shape`'s, found once per run.
///
/// When the guide, version, step and type columns are next to each other, the bytes of those fields
/// with the commas between them are the key: a plain record's fields hold no commas, so the bytes
/// split into the same fields on every line (the shape says in which column order), and the remembered
/// key gives the type too.
GK_INLINE int take_csv_record(gk_reader_state *state, const unsigned char *base, long start,
                              const unsigned short *ends, const unsigned long long span_shape[2]) {
    if (state->spanFirstColumn >= 0) {
        long first = state->spanFirstColumn;
        long span_start = first == 0 ? start : start + ends[first - 1] + 1;
        long span_length = start + ends[state->spanLastColumn] - span_start;
        if (span_length > GK_KEY_SPAN_BYTES) return TAKE_GENERAL;
        const unsigned long long *shape = span_shape;
        const unsigned char *span = base + span_start;
        unsigned long long hash = key_hash(span, span_length, shape);
        const gk_key_entry *key = find_key(state, span, span_length, shape, hash);
        if (key == NULL) return take_pending(state, span, span_length, shape, hash);
        gk_field time = csv_field(state->timeColumn, start, ends);
        gk_field user = csv_field(state->userColumn, start, ends);
        return take_keyed(state, base, key, key->type, &time, &user);
    }
    gk_event_fields fields;
    fields.group = csv_field(-1, start, ends);
    fields.time = csv_field(state->timeColumn, start, ends);
    fields.user = csv_field(state->userColumn, start, ends);
    fields.guide = csv_field(state->guideColumn, start, ends);
    fields.version = csv_field(state->versionColumn, start, ends);
    fields.step = csv_field(state->stepColumn, start, ends);
    fields.type = csv_field(state->typeColumn, start, ends);
    fields.variant = csv_field(state->usesVariant ? state->variantColumn : -1, start, ends);
    return take_event(state, base, &fields);
}

/// The CSV run's loop, with `RECORD` (a `csv_plain_record` of some width) finding each record's field
/// ends; a macro so that each copy inlines the width compiled for its instructions.
#define GK_CSV_EVENT_RUN(RECORD)                                                                               \
    long position = start;                                                                                     \
    unsigned short ends[32];                                                                                   \
    unsigned long long span_shape[2];                                                                          \
    csv_span_shape(state, span_shape);                                                                         \
    state->pending.isSet = 0;                                                                                  \
    if (state->columnCount > 32) return stop(state, GK_RUN_GENERAL, position);                                 \
    while (position < end) {                                                                                   \
        gk_prefetch(base + position + 1024);                                                                   \
        long newline = RECORD(base, position, end, state->columnCount, state->neededColumns, ends);            \
        if (newline < 0) return stop(state, GK_RUN_GENERAL, position);                                         \
        int taken = take_csv_record(state, base, position, ends, span_shape);                                  \
        if (taken == TAKE_GENERAL) return stop(state, GK_RUN_GENERAL, position);                               \
        count_line(state);                                                                                     \
        position = newline + 1;                                                                                \
        if (taken == TAKE_FULL) return stop(state, GK_RUN_FULL, position);                                     \
    }                                                                                                          \
    return stop(state, GK_RUN_END, position);

static long csv_event_run(const unsigned char *base, long start, long end, gk_reader_state *state) {
    GK_CSV_EVENT_RUN(csv_plain_record)
}

#if GK_POPCNT_COPIES
__attribute__((target("popcnt"))) static long csv_event_run_popcnt(const unsigned char *base, long start, long end,
                                                                   gk_reader_state *state) {
    GK_CSV_EVENT_RUN(csv_plain_record)
}

GK_AVX2 static long csv_event_run_avx2(const unsigned char *base, long start, long end, gk_reader_state *state) {
    GK_CSV_EVENT_RUN(csv_plain_record32)
}
#endif

long gk_csv_event_run(const unsigned char *base, long start, long end, gk_reader_state *state) {
#if GK_POPCNT_COPIES
    long allowed = state->instructions == 0 ? 3 : state->instructions;
    if (gk_cpu_has_avx2 && allowed >= 3) return csv_event_run_avx2(base, start, end, state);
    if (gk_cpu_has_popcnt && allowed >= 2) return csv_event_run_popcnt(base, start, end, state);
#endif
    return csv_event_run(base, start, end, state);
}

long gk_json_event_run(const unsigned char *base, long start, long end, gk_json_layout *layout,
                       gk_reader_state *state) {
    long position = start;
    state->pending.isSet = 0;
    while (position < end) {
        gk_prefetch(base + position + 1024);
        gk_event_fields fields;
        memset(&fields, 0, sizeof fields);
        long newline = gk_json_event_line(base, position, end, NULL, 0, layout, &fields);
        if (newline < 0) return stop(state, GK_RUN_GENERAL, position);
        int taken = take_event(state, base, &fields);
        if (taken == TAKE_GENERAL) return stop(state, GK_RUN_GENERAL, position);
        count_line(state);
        position = newline + 1;
        if (taken == TAKE_FULL) return stop(state, GK_RUN_FULL, position);
    }
    return stop(state, GK_RUN_END, position);
}
