// The report reader's loop over runs of common events, in C: each line of the simple form whose guide,
// version and step were met before is parsed, checked and handed to the batch of the thread that owns
// its user, without going through Swift. Any other line stops the loop; Swift's reader takes that
// line (and explains what is wrong with it, or resolves its ids and remembers them for the loop).
#ifndef GK_EVENT_RUNS_H
#define GK_EVENT_RUNS_H

#include "GKLineReaders.h"

/// An event handed from the thread that parsed it to the thread that owns its user (Swift's
/// `RoutedEvent`).
typedef struct {
    /// Seconds since the Unix epoch.
    double time;
    /// The user id's hash (`gk_hash_bytes`).
    unsigned long long hash;
    /// Where the user id's bytes are in the batch's bytes.
    unsigned userOffset;
    unsigned userCount;
    /// The global group (guide version, or its variant's step order).
    unsigned group;
    /// The step's index in the group's order, -1 for none, -2 when not in the order.
    int step;
    /// The event type's code (0 guide_started … 5 guide_snoozed, 6 step_target_missing).
    unsigned char type;
} gk_routed_event;

/// A batch being filled for one owning thread: its events and the bytes of their user ids.
typedef struct {
    gk_routed_event *events;
    long count;
    /// The batch is full (and the loop stops) at this many events.
    long capacity;
    unsigned char *bytes;
    long byteCount;
    long byteCapacity;
} gk_outbox;

/// The most bytes of a line's ids a remembered key holds.
#define GK_KEY_SPAN_BYTES 148

/// One remembered key: the bytes from the first to the last of an event's guide, version, step (and
/// variant) values, where each value lies in them, and what the reading thread resolved them to. A CSV
/// log whose guide, version, step and type columns are next to each other has keys of the bytes from
/// the first of those fields to the last (see `gk_reader_state.spanFirstColumn`), type included.
typedef struct {
    /// The hash of the rest (0 for an empty entry).
    unsigned long long hash;
    /// Offset, length and kind of the guide, version, step and variant values (see `key_span` in
    /// EventRuns.c).
    unsigned long long shape[2];
    /// The global group, or -1 when a `--guide` filter leaves the guide out.
    int group;
    /// The reading thread's (group, step) record, or -1 for a guide-level event.
    int stepKey;
    /// The step's index in the group's order (or -1, -2 as in `gk_routed_event`).
    int stepIndex;
    /// The event type's code, for the keys of CSV column spans (which include the type).
    int type;
    int length;
    unsigned char bytes[GK_KEY_SPAN_BYTES];
} gk_key_entry;

/// The number of entries of a key table (a power of two; pairs of entries form the sets).
#define GK_KEY_ENTRIES 2048

/// Why `gk_csv_event_run` or `gk_json_event_run` stopped.
enum {
    /// It reached the end of the bytes.
    GK_RUN_END = 0,
    /// The line at the returned offset needs Swift's reader.
    GK_RUN_GENERAL = 1,
    /// The batch of owner `fullOwner` is full (the returned offset is the next line).
    GK_RUN_FULL = 2,
};

/// A line whose key was not remembered, for Swift to remember once it has resolved it.
typedef struct {
    /// 1 while `gk_remember_key` may be called for the line Swift reads next.
    long isSet;
    const unsigned char *span;
    long length;
    unsigned long long shape[2];
    unsigned long long hash;
} gk_pending_key;

/// One reading thread's state: its counters, which Swift reads and updates too, and what the loops
/// need. Allocated by Swift, zeroed, then filled.
typedef struct {
    // Counters (shared with Swift's reader).
    long lines;
    /// The lines the event runs took (the others went to Swift's reader).
    long linesInRuns;
    long lineInPart;
    long events;
    long filteredOut;
    double earliest;
    double latest;
    /// The latest time of a valid event that a filter (--guide, --since, --until) left out: the report's
    /// "as of" is the log's latest time, whatever the filter.
    double filteredLatest;
    /// The date (`YYYY-MM-DD`) of the last `…Z` timestamp read (its first eight bytes, and the last two
    /// in the low half of the tail), and its midnight in seconds. The tail starts as 0xFFFFFFFF, which
    /// no two bytes match, so that no timestamp matches a date before one was parsed.
    unsigned long long cachedDate;
    unsigned cachedDateTail;
    double cachedMidnight;
    /// The date cached before it: a late event's date, or the current one after a late event (logs in
    /// time order have a few of them, and each would otherwise cost two lines in Swift's reader).
    unsigned long long previousDate;
    unsigned previousDateTail;
    double previousMidnight;

    // What the loops need.
    /// Whether events' `variant` values pick step orders (and so belong to the key).
    long usesVariant;
    /// The most the CSV run may use of the CPU's instructions: 0 all it has, 1 the x86-64 baseline
    /// (SSE2), 2 also popcount, 3 also AVX2 (tests read with each).
    long instructions;
    /// The `--since` and `--until` filters (-inf and +inf without them).
    double since;
    double until;
    long owners;
    gk_outbox *outboxes;
    /// Valid events per global group and per (group, step) record; Swift refreshes these pointers
    /// before each call, as the arrays grow.
    long *groupEvents;
    long *stepEvents;
    gk_key_entry *keys;
    /// The columns of a CSV log (-1 for none) and how many fields it has.
    long columnCount;
    long neededColumns;
    long timeColumn, userColumn, guideColumn, versionColumn, stepColumn, typeColumn, variantColumn;
    /// When the guide, version, step and type columns are next to each other (and variants pick no
    /// step orders): the first and last of them, whose fields' bytes with the commas between them are
    /// the key; -1 otherwise.
    long spanFirstColumn, spanLastColumn;

    // Out.
    long stopReason;
    long fullOwner;
    gk_pending_key pending;
} gk_reader_state;

/// Hashes a byte string eight bytes at a time (Swift's `hashBytes` calls it: the readers in both
/// languages route and find users by this one hash).
unsigned long long gk_hash_bytes(const unsigned char *bytes, long count);

/// Reads the plain CSV records from `start` (a record's start) to `end` while the loop can take them
/// (see the top of this header); returns where it stopped and sets `stopReason`.
long gk_csv_event_run(const unsigned char *base, long start, long end, gk_reader_state *state);

/// Reads JSON lines from `start` to `end` like `gk_csv_event_run`; `layout` is the thread's
/// (see `gk_json_event_line`).
long gk_json_event_run(const unsigned char *base, long start, long end, gk_json_layout *layout,
                       gk_reader_state *state);

/// Remembers the key Swift resolved for the pending line (`state->pending`, which it clears): `group`
/// (-1 for a guide left out by a filter), `stepKey`, `stepIndex` and the line's event `type`.
void gk_remember_key(gk_reader_state *state, int group, int stepKey, int stepIndex, int type);

#endif
