/*
 * The C core of portintel's AIS kernel: no Python in here, so that a test can
 * compile it on its own under AddressSanitizer and UndefinedBehaviorSanitizer
 * and feed it hostile input (tests/ais/kernel_sanitized.c).
 * _kernel.c wraps it for Python. See _kernel.c for what each function does.
 */

#ifndef PORTINTEL_AIS_KERNEL_CORE_H
#define PORTINTEL_AIS_KERNEL_CORE_H

/* The core reads eight bytes at a time as little-endian 64-bit words. On a
 * big-endian host the build stops here; the extension is optional (setup.py),
 * so the package installs without it and decodes with the NumPy engine. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "portintel's AIS kernel needs a little-endian host; the NumPy engine decodes instead"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    C_START,          /* line start, surrounding whitespace excluded */
    C_END,            /* line end (exclusive) */
    C_NEXT,           /* start of the next line */
    C_BANG,           /* position of the first '!', -1 if none */
    C_COUNT,          /* fragment count */
    C_INDEX,          /* fragment number */
    C_SEQUENCE,       /* sequence id, -1 when empty */
    C_CHANNEL,        /* channel character, 0 when empty */
    C_PAYLOAD_START,
    C_PAYLOAD_END,
    C_FILL,
    C_SENTENCE_REASON, /* 0 = none, else SENTENCE_REASONS[code - 1] */
    C_PREFIX_REASON,   /* 0 = none, else PREFIX_REASONS[code - 1] */
    C_RECEIVED_US,     /* tag block c: time in microseconds */
    C_RECEIVED_KNOWN,  /* 1 when C_RECEIVED_US holds a time */
    C_STATION_START,   /* s: value, -1 if none */
    C_STATION_END,
    C_STATION_RUN,     /* first line of the run of lines with this same s: text, -1 if none */
    C_COLUMN_START,    /* receive-time column (empty when end <= start) */
    C_COLUMN_END,
    C_GROUP,           /* tag block group id (g:n-m-id), -1 if none */
    C_TAG_UNTRUSTED,   /* 1 when the tag block's checksum is wrong or missing */
    C_COLUMNS
};

/* What a wrong tag block checksum does (scan's `tag_mode`). */
enum { TAG_TRUST = 0, TAG_FLAG = 1, TAG_STRICT = 2 };


enum { R_NO_SENTENCE = 1, R_MALFORMED, R_NOT_AIS, R_BAD_FRAGMENT, R_BAD_FILL, R_BAD_CHECKSUM,
       R_EMPTY_PAYLOAD };
enum { P_MALFORMED_TAG = 1, P_BAD_TAG_CHECKSUM, P_BAD_TAG_TIME };

#define MIN_SENTENCE 18 /* len("!AIVDM,1,1,,,,0*00") */
#define SCAN_CHARACTERS 28 /* packed by scan: 168 bits, a whole position report */
#define SCAN_WORDS 3
#define MILLISECONDS_FROM 100000000000LL

static uint8_t WHITESPACE[256];
static uint8_t SEPARATOR[256];
static int8_t HEX[256];
static uint8_t SIXBIT[256]; /* 0x80 = outside the alphabet (its low six bits are 0) */

static void init_tables(void) {
    memset(HEX, -1, sizeof HEX);
    for (int d = 0; d < 10; d++) HEX['0' + d] = (int8_t)d;
    for (int d = 0; d < 6; d++) {
        HEX['A' + d] = (int8_t)(10 + d);
        HEX['a' + d] = (int8_t)(10 + d);
    }
    const char *ws = "\t\n\v\f\r ";
    for (const char *c = ws; *c; c++) WHITESPACE[(uint8_t)*c] = 1;
    const char *sep = ",; \t";
    for (const char *c = sep; *c; c++) SEPARATOR[(uint8_t)*c] = 1;
    memset(SIXBIT, 0x80, sizeof SIXBIT);
    for (int v = 48; v < 88; v++) SIXBIT[v] = (uint8_t)(v - 48);
    for (int v = 96; v < 120; v++) SIXBIT[v] = (uint8_t)(v - 56);
}

static inline int checksum_of(const uint8_t *from, const uint8_t *to) {
    uint64_t wide = 0; /* eight bytes at a time, folded at the end */
    const uint8_t *p = from;
    for (; to - p >= 8; p += 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        wide ^= word;
    }
    wide ^= wide >> 32;
    wide ^= wide >> 16;
    wide ^= wide >> 8;
    uint8_t x = (uint8_t)wide;
    for (; p < to; p++) x ^= *p;
    return x;
}

/* Two hex digits, or -1 unless both are hex. */
static inline int hex_pair(uint8_t high, uint8_t low) {
    int h = HEX[high], l = HEX[low];
    return (h < 0 || l < 0) ? -1 : h * 16 + l;
}

/* Polars' str.to_integer(strict=False): optional sign, ASCII digits, int64 range. */
static int parse_int64(const uint8_t *p, const uint8_t *end, int64_t *value) {
    int negative = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        negative = *p == '-';
        p++;
    }
    if (p >= end) return 0;
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    const uint8_t *unchecked = end - p > 18 ? p + 18 : end; /* 18 digits cannot overflow */
    for (; p < unchecked; p++) {
        if (*p < '0' || *p > '9') return 0;
        magnitude = magnitude * 10u + (uint64_t)(*p - '0');
    }
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') return 0;
        uint64_t digit = (uint64_t)(*p - '0');
        if (magnitude > (limit - digit) / 10u) return 0;
        magnitude = magnitude * 10u + digit;
    }
    *value = negative ? (int64_t)(0u - magnitude) : (int64_t)magnitude;
    return 1;
}

/* A g: value "n-m-id" (each 1 to 9 digits): the id, else -1. */
static int64_t group_id(const uint8_t *p, const uint8_t *end) {
    int64_t part = 0;
    int parts = 0, digits = 0;
    for (; p <= end; p++) {
        if (p == end || *p == '-') {
            if (digits == 0 || ++parts > 3 || (p == end && parts != 3)) return -1;
            if (p == end) return part;
            part = 0;
            digits = 0;
        } else if (*p >= '0' && *p <= '9' && digits < 9) {
            part = part * 10 + (*p - '0');
            digits++;
        } else {
            return -1;
        }
    }
    return -1;
}

/* The first field of a comma-separated tag body that starts with `key:`. */
static int find_tag(const uint8_t *body, const uint8_t *end, uint8_t key, const uint8_t **from,
                    const uint8_t **to) {
    const uint8_t *field = body;
    while (field <= end) {
        const uint8_t *comma = memchr(field, ',', (size_t)(end - field));
        const uint8_t *stop = comma ? comma : end;
        if (stop - field >= 2 && field[0] == key && field[1] == ':') {
            *from = field + 2;
            *to = stop;
            return 1;
        }
        if (!comma) break;
        field = comma + 1;
    }
    return 0;
}

/* Packs the first `characters` characters of one payload (`available` of them
   inside it) into `width` words at out[w * stride]; returns the index of the
   first character outside the alphabet, or `characters`. Eight characters at a
   time: their 6-bit values merged into 48 bits (pairs, then quads, then the
   eight), and four such chunks (32 characters) make three whole words. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Eight characters (byte k of `x`, little-endian, is character k) to their
   6-bit values, one per byte in the same order, characters outside the
   alphabet read as 0 and flagged in *bad (the high bit of their byte). Whole
   words at a time: setting each byte's high bit first means no subtraction
   borrows from its neighbour. */
static inline uint64_t sixbits8(uint64_t x, uint64_t *bad) {
    uint64_t y = x | HIGHS;
    uint64_t ge48 = (y - 48 * ONES) & HIGHS, ge88 = (y - 88 * ONES) & HIGHS;
    uint64_t ge96 = (y - 96 * ONES) & HIGHS, ge120 = (y - 120 * ONES) & HIGHS;
    uint64_t valid = ((ge48 & ~ge88) | (ge96 & ~ge120)) & ~(x & HIGHS);
    *bad = ~valid & HIGHS;
    uint64_t keep = (valid >> 7) * 0xFF; /* 0xFF in each valid byte */
    uint64_t v = ((x & keep) | (48 * ONES & ~keep)) - 48 * ONES;
    return v - ((ge96 & valid) >> 7) * 8; /* 96-119 are 40-63 */
}

/* The eight bytes at p, or the `here` (< 8) that are there followed by '0's
   (value 0); `limit` is the end of the readable memory. */
static inline uint64_t load8(const uint8_t *p, ptrdiff_t here, const uint8_t *limit) {
    uint64_t x;
    if (here >= 8) {
        memcpy(&x, p, 8);
        return x;
    }
    if (here <= 0) return 48 * ONES;
    uint64_t keep = (1ull << (8 * here)) - 1u;
    if (limit - p >= 8) {
        memcpy(&x, p, 8);
    } else {
        x = 0;
        memcpy(&x, p, (size_t)here);
    }
    return (x & keep) | (48 * ONES & ~keep);
}

static inline int64_t pack_one(const uint8_t *chars, ptrdiff_t available, ptrdiff_t characters,
                               ptrdiff_t width, uint64_t *out, ptrdiff_t stride,
                               const uint8_t *limit) {
    int64_t first_bad = characters;
    uint64_t chunk[4];
    ptrdiff_t word = 0;
    for (ptrdiff_t base = 0; base < characters; base += 8) {
        ptrdiff_t here = available - base; /* characters of this chunk inside the payload */
        uint64_t bad;
        uint64_t merged = __builtin_bswap64(sixbits8(load8(chars + base, here, limit), &bad));
        if (bad && first_bad == characters) first_bad = base + (__builtin_ctzll(bad) >> 3);
        merged = ((merged >> 2) & 0x0FC00FC00FC00FC0ull) | (merged & 0x003F003F003F003Full);
        merged = ((merged >> 4) & 0x00FFF00000FFF000ull) | (merged & 0x00000FFF00000FFFull);
        merged = ((merged >> 8) & 0x0000FFFFFF000000ull) | (merged & 0x0000000000FFFFFFull);
        int slot = (int)((base >> 3) & 3);
        chunk[slot] = merged;
        if (slot == 3 || base + 8 >= characters) {
            for (int k = slot + 1; k < 4; k++) chunk[k] = 0;
            uint64_t w[3] = {
                chunk[0] << 16 | chunk[1] >> 32,
                chunk[1] << 32 | chunk[2] >> 16,
                chunk[2] << 48 | chunk[3],
            };
            for (int k = 0; k < 3 && word < width; k++) out[word++ * stride] = w[k];
        }
    }
    while (word < width) out[word++ * stride] = 0;
    return first_bad;
}

/* Every column is int32 (a buffer of 2 GiB or more is refused), but the
   receive time, which needs 64 bits: half the memory a batch would take. */
typedef struct {
    int32_t *column[C_COLUMNS];
    int64_t *received_us;
} Output;

static void scan_sentence(const uint8_t *buf, ptrdiff_t line, const uint8_t *e,
                          const uint8_t *bang, Output *out) {
    int64_t reason = 0;
    int64_t count = 0, index = 0, sequence = -1, channel = 0, fill = 0;
    int64_t payload_start = 0, payload_end = 0;
    if (!bang) {
        reason = R_NO_SENTENCE;
    } else if (e - bang < MIN_SENTENCE) {
        reason = R_MALFORMED;
    } else {
        const uint8_t *b = bang;
        int frame = b[6] == ',' && b[8] == ',' && b[10] == ',' && e[-3] == '*' && e[-5] == ',';
        int digit_sequence = b[11] >= '0' && b[11] <= '9' && b[12] == ',';
        int empty_sequence = b[11] == ',';
        sequence = digit_sequence ? b[11] - '0' : -1;
        int64_t channel_at = (bang - buf) + (digit_sequence ? 13 : 12);
        uint8_t c_channel = digit_sequence ? b[13] : b[12];
        uint8_t after_channel = digit_sequence ? b[14] : b[13];
        int empty_channel = c_channel == ',';
        int one_channel = c_channel != ',' && after_channel == ',';
        channel = one_channel ? c_channel : 0;
        payload_start = one_channel ? channel_at + 2 : channel_at + 1;
        payload_end = (e - buf) - 5;
        int fields_ok = (empty_sequence || digit_sequence) && (empty_channel || one_channel) &&
                        payload_end >= payload_start;
        int is_ais = b[3] == 'V' && b[4] == 'D' && (b[5] == 'M' || b[5] == 'O');
        count = (int64_t)b[7] - '0';
        index = (int64_t)b[9] - '0';
        int fragments_ok = count >= 1 && count <= 9 && index >= 1 && index <= count;
        fill = (int64_t)e[-4] - '0';
        int fill_ok = fill >= 0 && fill <= 5;
        if (!(frame && fields_ok)) {
            reason = R_MALFORMED;
        } else if (!is_ais) {
            reason = R_NOT_AIS;
        } else if (!fragments_ok) {
            reason = R_BAD_FRAGMENT;
        } else if (!fill_ok) {
            reason = R_BAD_FILL;
        } else if (hex_pair(e[-2], e[-1]) != checksum_of(bang + 1, e - 3)) {
            reason = R_BAD_CHECKSUM;
        } else if (payload_end <= payload_start) {
            reason = R_EMPTY_PAYLOAD;
        }
    }
    out->column[C_BANG][line] = bang ? bang - buf : -1;
    out->column[C_COUNT][line] = count;
    out->column[C_INDEX][line] = index;
    out->column[C_SEQUENCE][line] = sequence;
    out->column[C_CHANNEL][line] = channel;
    out->column[C_PAYLOAD_START][line] = payload_start;
    out->column[C_PAYLOAD_END][line] = payload_end;
    out->column[C_FILL][line] = fill;
    out->column[C_SENTENCE_REASON][line] = reason;
}

typedef struct {
    const uint8_t *from, *to; /* s: text of the previous line that had one */
    int64_t run;
} StationRun;

/* The previous well-formed tag block and what it gave: consecutive lines of a
   feed usually share theirs, which is then read once. */
typedef struct {
    const uint8_t *open, *close; /* NULL when there is none */
    int64_t reason, received, known, station_start, station_end, station_run, group, untrusted;
} TagMemo;

/* A wrong or missing tag block checksum marks the line untrusted; then its
   time is not used (TAG_FLAG), used anyway (TAG_TRUST) or the line is
   refused (TAG_STRICT). Station and group are read in every case. */
static void scan_prefix(const uint8_t *buf, ptrdiff_t line, const uint8_t *s, const uint8_t *bang,
                        int tag_mode, StationRun *previous, TagMemo *memo, Output *out) {
    int64_t reason = 0, received = 0, known = 0, group = -1, untrusted = 0;
    int64_t station_start = -1, station_end = -1, station_run = -1;
    const uint8_t *column_end = s;
    if (bang && bang > s) {
        const uint8_t *close = bang - 1;
        column_end = bang;
        if (*close == '\\') {
            const uint8_t *open = NULL;
            int backslashes = 0;
            for (const uint8_t *p = s; p < bang; p++) {
                if (*p == '\\') {
                    if (!open) open = p;
                    backslashes++;
                }
            }
            if (backslashes != 2) {
                reason = P_MALFORMED_TAG;
                column_end = s;
            } else if (memo->open && close - open == memo->close - memo->open &&
                       memcmp(open, memo->open, (size_t)(close - open)) == 0) {
                column_end = open;
                reason = memo->reason;
                received = memo->received;
                known = memo->known;
                /* the same text, shifted to this line */
                station_start = memo->station_start < 0 ? -1 : memo->station_start + (open - memo->open);
                station_end = memo->station_end < 0 ? -1 : memo->station_end + (open - memo->open);
                station_run = memo->station_run;
                group = memo->group;
                untrusted = memo->untrusted;
            } else {
                column_end = open;
                int star_ok = close - open >= 4 && close[-3] == '*';
                int checksum_ok =
                    star_ok && hex_pair(close[-2], close[-1]) == checksum_of(open + 1, close - 3);
                untrusted = !checksum_ok;
                if (untrusted && tag_mode == TAG_STRICT) reason = P_BAD_TAG_CHECKSUM;
                int use_time = checksum_ok || tag_mode == TAG_TRUST;
                const uint8_t *body = open + 1;
                const uint8_t *body_end = close - 3 > body ? close - 3 : body;
                const uint8_t *from, *to;
                if (find_tag(body, body_end, 'c', &from, &to)) {
                    int64_t seconds;
                    if (!parse_int64(from, to, &seconds)) {
                        if (use_time) reason = P_BAD_TAG_TIME;
                    } else if (use_time) {
                        uint64_t scale = seconds >= MILLISECONDS_FROM ? 1000u : 1000000u;
                        received = (int64_t)((uint64_t)seconds * scale); /* wraps like Polars */
                        known = 1;
                    }
                }
                if (find_tag(body, body_end, 'g', &from, &to)) group = group_id(from, to);
                if (find_tag(body, body_end, 's', &from, &to)) {
                    station_start = from - buf;
                    station_end = to - buf;
                    if (previous->run >= 0 && previous->to - previous->from == to - from &&
                        memcmp(previous->from, from, (size_t)(to - from)) == 0) {
                        station_run = previous->run;
                    } else {
                        station_run = line;
                    }
                    previous->from = from;
                    previous->to = to;
                    previous->run = station_run;
                }
                *memo = (TagMemo){open,          close,       reason,      received, known,
                                  station_start, station_end, station_run, group,    untrusted};
            }
        }
        while (column_end > s && SEPARATOR[column_end[-1]]) column_end--;
    }
    out->column[C_PREFIX_REASON][line] = reason;
    out->received_us[line] = received;
    out->column[C_RECEIVED_KNOWN][line] = known;
    out->column[C_STATION_START][line] = station_start;
    out->column[C_STATION_END][line] = station_end;
    out->column[C_STATION_RUN][line] = station_run;
    out->column[C_COLUMN_START][line] = s - buf;
    out->column[C_COLUMN_END][line] = column_end - buf;
    out->column[C_GROUP][line] = group;
    out->column[C_TAG_UNTRUSTED][line] = untrusted;
}

/* How extract stores a field's value: pyais's conversions, bit for bit. */
enum { K_INT, K_FLOAT, K_TENTH, K_LATLON, K_LATLON_600, K_BOOL, K_KINDS };

static inline int64_t floor_div6(int64_t a) {
    int64_t q = a / 6;
    return (a % 6 < 0) ? q - 1 : q; /* Python's // rounds down */
}

static inline void store(void *out, ptrdiff_t i, int64_t kind, int64_t v) {
    switch (kind) {
    case K_FLOAT: ((double *)out)[i] = (double)v; break;
    case K_TENTH: ((double *)out)[i] = (double)v / 10.0; break;
    /* Products wrap like NumPy's int64 (in unsigned arithmetic: no undefined overflow);
       real positions (27 and 17 bits) never come near. */
    case K_LATLON:
        ((double *)out)[i] = (double)floor_div6((int64_t)((uint64_t)v * 10u + 3u)) / 1e6;
        break;
    case K_LATLON_600:
        ((double *)out)[i] = (double)floor_div6((int64_t)((uint64_t)v * 10000u + 3u)) / 1e6;
        break;
    case K_BOOL: ((uint8_t *)out)[i] = v != 0; break;
    default: ((int64_t *)out)[i] = v;
    }
}


/* Frames the lines of buf[0:size) into `out`, which has room for `lines`
   lines, and packs their payloads into `packed` (SCAN_WORDS x lines) and
   `invalid`. Returns how many lines the buffer holds, or lines + 1 when it
   holds more than that. */
static ptrdiff_t scan_lines(const uint8_t *buf, ptrdiff_t size, Output *out, uint64_t *packed,
                            int64_t *invalid, ptrdiff_t lines, int tag_mode) {
    ptrdiff_t line = 0;
    StationRun previous = {NULL, NULL, -1};
    TagMemo memo = {NULL, NULL, 0, 0, 0, -1, -1, -1, -1, 0};
    const uint8_t *p = buf, *stop = buf + size;
    while (p < stop && line < lines) {
        const uint8_t *newline = memchr(p, '\n', (size_t)(stop - p));
        if (!newline) break;
        const uint8_t *s = p, *e = newline;
        while (e > s && WHITESPACE[e[-1]]) e--;
        while (s < e && WHITESPACE[*s]) s++;
        out->column[C_START][line] = (int32_t)(s - buf);
        out->column[C_END][line] = (int32_t)(e - buf);
        out->column[C_NEXT][line] = (int32_t)(newline + 1 - buf);
        const uint8_t *bang = s < e ? memchr(s, '!', (size_t)(e - s)) : NULL;
        scan_sentence(buf, line, e, bang, out);
        ptrdiff_t payload = out->column[C_PAYLOAD_END][line] - out->column[C_PAYLOAD_START][line];
        if (out->column[C_SENTENCE_REASON][line] || payload <= 0) payload = 0;
        if (payload > SCAN_CHARACTERS) payload = SCAN_CHARACTERS;
        invalid[line] = pack_one(buf + (payload ? out->column[C_PAYLOAD_START][line] : 0), payload,
                                 SCAN_CHARACTERS, SCAN_WORDS, packed + line, lines, stop);
        scan_prefix(buf, line, s, bang, tag_mode, &previous, &memo, out);
        line++;
        p = newline + 1;
    }
    if (line == lines && p < stop && memchr(p, '\n', (size_t)(stop - p))) return lines + 1;
    return line;
}

/* Packs `characters` characters of n payloads of an arena (see pack_one). */
static void pack_payloads(const uint8_t *arena, ptrdiff_t arena_size, const int64_t *starts,
                          const int64_t *lengths, ptrdiff_t n, ptrdiff_t characters,
                          ptrdiff_t width, uint64_t *out, int64_t *invalid) {
    for (ptrdiff_t i = 0; i < n; i++) {
        ptrdiff_t available = lengths[i] < characters ? lengths[i] : characters;
        invalid[i] = pack_one(arena + starts[i], available, characters, width, out + i, n,
                              arena + arena_size);
    }
}

/* The smallest bit count of n payloads (INT64_MAX for none). */
static int64_t shortest(const int64_t *bit_count, ptrdiff_t n) {
    int64_t least = INT64_MAX;
    for (ptrdiff_t i = 0; i < n; i++)
        if (bit_count[i] < least) least = bit_count[i];
    return least;
}

/* Reads one field (offset, width w in 1..57, signed or not, stored as `kind`)
   of n payloads packed in `word` (words x n), pyais's way: a field cut by a
   payload's end keeps the bits that are there; got[i] says how many. */
static void extract_field(const uint64_t *word, const int64_t *bit_count, ptrdiff_t n,
                          int64_t whole_from, int64_t offset, int64_t w, int64_t sign,
                          int64_t kind, void *out, uint8_t *got) {
    const int64_t at = offset % 64;
    const uint64_t *first = word + (offset / 64) * n;
    const uint64_t *second = first + n; /* read only when the field straddles two words */
    const uint64_t mask = (1ull << w) - 1u;
    if (whole_from >= offset + w) { /* every payload holds the whole field */
        const int64_t top = sign ? (int64_t)1 << (w - 1) : 0; /* sign extension */
        if (at + w <= 64) {
            for (ptrdiff_t i = 0; i < n; i++) {
                int64_t v = (int64_t)((first[i] >> (64 - at - w)) & mask);
                store(out, i, kind, (v ^ top) - top);
            }
        } else {
            const int64_t low = at + w - 64;
            for (ptrdiff_t i = 0; i < n; i++) {
                int64_t v = (int64_t)(((first[i] << low) | (second[i] >> (64 - low))) & mask);
                store(out, i, kind, (v ^ top) - top);
            }
        }
        memset(got, (int)w, (size_t)n);
        return;
    }
    for (ptrdiff_t i = 0; i < n; i++) {
        uint64_t raw;
        if (at + w <= 64) {
            raw = (first[i] >> (64 - at - w)) & mask;
        } else {
            int64_t low = at + w - 64;
            raw = ((first[i] << low) | (second[i] >> (64 - low))) & mask;
        }
        int64_t have = bit_count[i] - offset;
        have = have < 0 ? 0 : (have > w ? w : have);
        if (have < w) raw >>= (w - have); /* pyais keeps the bits that are there */
        int64_t v = (int64_t)raw;
        if (sign && have > 0 && ((raw >> (have - 1)) & 1u)) v -= (int64_t)(1ull << have);
        store(out, i, kind, v);
        got[i] = (uint8_t)have;
    }
}

#endif
