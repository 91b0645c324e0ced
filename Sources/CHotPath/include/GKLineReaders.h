// Fast paths of GuideKit's event log readers: one JSON Lines event or one plain CSV record, read in
// one pass with 16-byte compares. Each accepts only the common, simple form of a line and says so
// otherwise; the Swift readers then read that line with their general path, which also explains what
// is wrong with it. So a line either gets exactly the fields the general path would find, or none.
#ifndef GK_LINE_READERS_H
#define GK_LINE_READERS_H

/// The kind of a field's value; the same numbers as Swift's `FieldSlice.Kind`.
enum {
    GK_FIELD_ABSENT = 0,
    GK_FIELD_STRING = 1,
    GK_FIELD_NUMBER = 3,
    GK_FIELD_NULL = 4,
    GK_FIELD_OTHER = 5,
};

/// Where one field's value is: byte offsets from the buffer's start (a string without its quotes).
typedef struct {
    long start;
    long count;
    long kind;
} gk_field;

/// The fields of one event that a reader looks for.
typedef struct {
    gk_field time, user, guide, version, step, type, group, variant;
} gk_event_fields;

/// The most members a remembered JSON line layout has.
#define GK_JSON_LAYOUT_MEMBERS 32

/// The layout of a recent JSON line: each member's prefix (the `{` or `,` before it, its quoted key and
/// the colon, when at most 16 bytes) and the key's role. Lines of one log mostly share it, so a member
/// whose prefix matches is read without scanning and looking up its key. Zero it before first use.
typedef struct {
    long count;
    unsigned char role[GK_JSON_LAYOUT_MEMBERS];
    unsigned char length[GK_JSON_LAYOUT_MEMBERS];
    unsigned char prefix[GK_JSON_LAYOUT_MEMBERS][16];
} gk_json_layout;

/// Reads the JSON object on the line starting at `start` of `base` (whose bytes end at `end`) when it
/// has the simple form: `{"key":value,…}` then an optional `\r` and a `\n`, no whitespace between
/// tokens, keys and string values without escapes or control characters, and values that are strings,
/// numbers, `true`, `false` or `null`. `ts`, `user`, `guide`, `version`, `step`, `type`, `variant` and
/// the key `group_key` (of `group_key_count` bytes, when not NULL) fill `fields` (a later duplicate
/// wins, as in the general reader); other keys are skipped.
///
/// `layout` (may be NULL) is the layout of an earlier line: a member whose prefix matches it (or that
/// matches the member after it, when one is missing) takes the role found then; other keys are read
/// and looked up. The line's layout is learned when there is none, or when two or more of its keys
/// missed the layout.
///
/// Returns the offset of the line's `\n`, or -1 when the line is not of that form or is a Segment call
/// (keys `event`, `properties`, `timestamp`, `userId`, `anonymousId`, or a Segment `type`): the
/// caller then reads it with its general reader. `fields` must be zeroed by the caller.
long gk_json_event_line(const unsigned char *base, long start, long end, const unsigned char *group_key,
                        long group_key_count, gk_json_layout *layout, gk_event_fields *fields);

/// Reads the CSV record starting at `start` when it is one line without quotes and with exactly
/// `column_count` fields: stores the end offset (from `start`) of each of the first `needed` fields in
/// `field_ends` (the last field's end excludes a `\r` before the `\n`) and returns the offset of the
/// line's `\n`. Returns -1 for any other record (quotes, another number of fields, no `\n` before
/// `end`, an empty line, a line of more than 500 bytes, or one ending within 16 bytes of `end`), which
/// the caller reads with its general reader. `field_ends` has room for `needed` values.
long gk_csv_plain_record(const unsigned char *base, long start, long end, long column_count, long needed,
                         unsigned short *field_ends);

/// The number of `byte`s among the `count` bytes at `bytes` (the CSV reader counts quotes to check that
/// no chunk of a file began inside a quoted field).
long gk_count_byte(const unsigned char *bytes, long count, unsigned char byte);

#endif
