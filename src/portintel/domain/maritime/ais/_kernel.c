/*
 * Compiled scanning kernel of portintel's AIS decoder.
 *
 * Two functions, both over whole batches and both writing into arrays the
 * caller allocated (NumPy arrays passed through the buffer protocol), so the
 * module needs no NumPy headers:
 *
 *   count_lines(buffer) -> the number of '\n' in buffer.
 *
 *   scan(buffer, columns, words, first_invalid, verify_tag_checksums) -> lines
 *       One pass over an NMEA buffer (lines ending in '\n'): line bounds,
 *       sentence fields and checksums, NMEA 4.0 tag blocks (checksum, c:, s:)
 *       and the extent of a receive-time column, into `columns`: one array
 *       per name of SCAN_COLUMNS, of the dtype SCAN_DTYPES names (int32, the
 *       receive time int64), one entry per line. (Separate arrays
 *       rather than one matrix: each is small enough for the allocator to
 *       reuse, instead of a fresh mapping whose pages fault in every batch.) It also packs the first SCAN_CHARACTERS
 *       characters of every good sentence's payload, as pack() does, into
 *       words (SCAN_WORDS x lines) and first_invalid.
 *
 *   extract(words, bits, offsets, widths, signed, kinds, values, available) -> None
 *       (values: one array per field, of the dtype its kind stores: int64;
 *       float64 of the number, of tenths, of 1/10000 or 1/10 minutes rounded
 *       to six decimals as pyais does; or bool; available: uint8, fields x n)
 *       Reads bit fields (width 1-57) of packed payloads as pyais does: a field
 *       cut by the payload's end (bits[i]) keeps the bits that are there, as a
 *       narrower number; available[f * n + i] says how many (0 = missing).
 *       Signed fields are two's complement over the available bits.
 *
 *   pack(arena, start, length, characters, words, first_invalid) -> None
 *       De-armours the first `characters` 6-bit characters of every payload
 *       and packs their bits big-endian into 64-bit words (word-major: word w
 *       of payload i is words[w * n + i]); characters past a payload's end
 *       read as 0. first_invalid[i] is the index of the first character
 *       outside the 6-bit alphabet among those read, or `characters` if none.
 *
 * The semantics are those of the pure NumPy path (sentences.py, prefixes.py,
 * armoring.py), which stays the reference: tests decode the same input with
 * both and require identical results.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
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
    C_COLUMNS
};

static const char *COLUMN_NAMES[C_COLUMNS] = {
    "start", "end", "next_start", "bang", "count", "index", "sequence", "channel",
    "payload_start", "payload_end", "fill", "sentence_reason", "prefix_reason",
    "received_us", "received_known", "station_start", "station_end", "station_run",
    "column_start", "column_end",
};

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
static inline uint64_t load8(const uint8_t *p, Py_ssize_t here, const uint8_t *limit) {
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

static inline int64_t pack_one(const uint8_t *chars, Py_ssize_t available, Py_ssize_t characters,
                               Py_ssize_t width, uint64_t *out, Py_ssize_t stride,
                               const uint8_t *limit) {
    int64_t first_bad = characters;
    uint64_t chunk[4];
    Py_ssize_t word = 0;
    for (Py_ssize_t base = 0; base < characters; base += 8) {
        Py_ssize_t here = available - base; /* characters of this chunk inside the payload */
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

static void scan_sentence(const uint8_t *buf, Py_ssize_t line, const uint8_t *s, const uint8_t *e,
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
    int64_t reason, received, known, station_start, station_end, station_run;
} TagMemo;

static void scan_prefix(const uint8_t *buf, Py_ssize_t line, const uint8_t *s, const uint8_t *bang,
                        int verify_tags, StationRun *previous, TagMemo *memo, Output *out) {
    int64_t reason = 0, received = 0, known = 0;
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
            } else {
                column_end = open;
                int star_ok = close - open >= 4 && close[-3] == '*';
                int checksum_ok = star_ok;
                if (star_ok && verify_tags) {
                    checksum_ok = hex_pair(close[-2], close[-1]) == checksum_of(open + 1, close - 3);
                }
                if (!checksum_ok) reason = P_BAD_TAG_CHECKSUM;
                const uint8_t *body = open + 1;
                const uint8_t *body_end = close - 3 > body ? close - 3 : body;
                const uint8_t *from, *to;
                if (find_tag(body, body_end, 'c', &from, &to)) {
                    int64_t seconds;
                    if (parse_int64(from, to, &seconds)) {
                        uint64_t scale = seconds >= MILLISECONDS_FROM ? 1000u : 1000000u;
                        received = (int64_t)((uint64_t)seconds * scale); /* wraps like Polars */
                        known = 1;
                    } else if (checksum_ok) {
                        reason = P_BAD_TAG_TIME;
                    }
                }
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
                *memo = (TagMemo){open, close, reason, received, known, station_start, station_end,
                                  station_run};
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
}

/* Writable buffers of the items of a sequence. With `item_sizes`, buffer k
   holds `bytes` items of item_sizes[k] bytes (`bytes` -1: as many as the
   first); without, each holds `bytes` bytes (-1: as many as the first).
   Returns how many were acquired; on error all are released and -1 is
   returned with an exception set. */
static Py_ssize_t get_sized_buffers(PyObject *sequence, Py_ssize_t count, Py_buffer *views,
                                    Py_ssize_t bytes, const Py_ssize_t *item_sizes,
                                    const char *what) {
    PyObject *items = PySequence_Fast(sequence, what);
    if (!items) return -1;
    if (PySequence_Fast_GET_SIZE(items) != count) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd arrays, got %zd", what, count,
                     PySequence_Fast_GET_SIZE(items));
        Py_DECREF(items);
        return -1;
    }
    Py_ssize_t got = 0;
    for (; got < count; got++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(items, got), &views[got],
                               PyBUF_WRITABLE) < 0)
            break;
        Py_ssize_t item = item_sizes ? item_sizes[got] : 1;
        if (bytes < 0) bytes = views[got].len / item;
        if (views[got].len != bytes * item) {
            PyErr_Format(PyExc_ValueError, "%s: array %zd holds %zd bytes, expected %zd", what, got,
                         views[got].len, bytes * item);
            got++;
            break;
        }
    }
    Py_DECREF(items);
    if (got == count && !PyErr_Occurred()) return got;
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&views[k]);
    return -1;
}

static Py_ssize_t get_buffers(PyObject *sequence, Py_ssize_t count, Py_buffer *views,
                              Py_ssize_t bytes, const char *what) {
    return get_sized_buffers(sequence, count, views, bytes, NULL, what);
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer input, words, first_invalid, views[C_COLUMNS];
    PyObject *columns;
    int verify_tags = 1;
    if (!PyArg_ParseTuple(args, "y*Ow*w*p", &input, &columns, &words, &first_invalid,
                          &verify_tags))
        return NULL;
    PyObject *result = NULL;
    const uint8_t *buf = (const uint8_t *)input.buf;
    Py_ssize_t size = input.len;
    Py_ssize_t item_sizes[C_COLUMNS];
    for (int c = 0; c < C_COLUMNS; c++) item_sizes[c] = c == C_RECEIVED_US ? 8 : 4;
    Py_ssize_t acquired = -1;
    if (size > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError,
                        "scan: a buffer of 2 GiB or more: decode it in parts or with the NumPy "
                        "engine");
        goto done;
    }
    acquired = get_sized_buffers(columns, C_COLUMNS, views, -1, item_sizes, "scan columns");
    if (acquired < 0) goto done;
    Py_ssize_t lines = views[0].len / 4;
    if (views[0].len % 4 ||
        words.len != lines * SCAN_WORDS * (Py_ssize_t)sizeof(uint64_t) ||
        first_invalid.len != lines * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "scan: words or first_invalid do not match the lines");
        goto done;
    }
    uint64_t *packed = words.buf;
    int64_t *invalid = first_invalid.buf;
    Output out;
    for (int c = 0; c < C_COLUMNS; c++) out.column[c] = (int32_t *)views[c].buf;
    out.received_us = (int64_t *)views[C_RECEIVED_US].buf;
    Py_ssize_t line = 0;
    StationRun previous = {NULL, NULL, -1};
    TagMemo memo = {NULL, NULL, 0, 0, 0, -1, -1, -1};
    const uint8_t *p = buf, *stop = buf + size;
    Py_BEGIN_ALLOW_THREADS
    while (p < stop && line < lines) {
        const uint8_t *newline = memchr(p, '\n', (size_t)(stop - p));
        if (!newline) break;
        const uint8_t *s = p, *e = newline;
        while (e > s && WHITESPACE[e[-1]]) e--;
        while (s < e && WHITESPACE[*s]) s++;
        out.column[C_START][line] = s - buf;
        out.column[C_END][line] = e - buf;
        out.column[C_NEXT][line] = newline + 1 - buf;
        const uint8_t *bang = s < e ? memchr(s, '!', (size_t)(e - s)) : NULL;
        scan_sentence(buf, line, s, e, bang, &out);
        Py_ssize_t payload = out.column[C_PAYLOAD_END][line] - out.column[C_PAYLOAD_START][line];
        if (out.column[C_SENTENCE_REASON][line] || payload <= 0) payload = 0;
        if (payload > SCAN_CHARACTERS) payload = SCAN_CHARACTERS;
        invalid[line] = pack_one(buf + (payload ? out.column[C_PAYLOAD_START][line] : 0), payload,
                                 SCAN_CHARACTERS, SCAN_WORDS, packed + line, lines, stop);
        scan_prefix(buf, line, s, bang, verify_tags, &previous, &memo, &out);
        line++;
        p = newline + 1;
    }
    Py_END_ALLOW_THREADS
    if (line != lines || (p < stop && memchr(p, '\n', (size_t)(stop - p)))) {
        PyErr_Format(PyExc_ValueError,
                     "scan: the output has room for %zd lines, the buffer holds %s", lines,
                     line != lines ? "fewer" : "more");
        goto done;
    }
    result = PyLong_FromSsize_t(line);
done:
    for (Py_ssize_t k = 0; k < acquired; k++) PyBuffer_Release(&views[k]);
    PyBuffer_Release(&input);
    PyBuffer_Release(&words);
    PyBuffer_Release(&first_invalid);
    return result;
}

static PyObject *pack(PyObject *self, PyObject *args) {
    Py_buffer arena, start, length, words, first_invalid;
    Py_ssize_t characters;
    if (!PyArg_ParseTuple(args, "y*y*y*nw*w*", &arena, &start, &length, &characters, &words,
                          &first_invalid))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = start.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t width = (characters * 6 + 63) / 64;
    if (characters < 0 || length.len != start.len ||
        first_invalid.len != n * (Py_ssize_t)sizeof(int64_t) ||
        words.len != n * width * (Py_ssize_t)sizeof(uint64_t)) {
        PyErr_SetString(PyExc_ValueError, "pack: array sizes do not match");
        goto done;
    }
    const int64_t *starts = start.buf, *lengths = length.buf;
    const uint8_t *bytes = arena.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (starts[i] < 0 || lengths[i] < 0 || starts[i] + lengths[i] > arena.len) {
            PyErr_Format(PyExc_ValueError, "pack: payload %zd lies outside the arena", i);
            goto done;
        }
    }
    uint64_t *out = words.buf;
    int64_t *invalid = first_invalid.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t available = lengths[i] < characters ? lengths[i] : characters;
        invalid[i] =
            pack_one(bytes + starts[i], available, characters, width, out + i, n, bytes + arena.len);
    }
    Py_END_ALLOW_THREADS
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&arena);
    PyBuffer_Release(&start);
    PyBuffer_Release(&length);
    PyBuffer_Release(&words);
    PyBuffer_Release(&first_invalid);
    return result;
}

/* How extract stores a field's value: pyais's conversions, bit for bit. */
enum { K_INT, K_FLOAT, K_TENTH, K_LATLON, K_LATLON_600, K_BOOL, K_KINDS };

static inline int64_t floor_div6(int64_t a) {
    int64_t q = a / 6;
    return (a % 6 < 0) ? q - 1 : q; /* Python's // rounds down */
}

static inline void store(void *out, Py_ssize_t i, int64_t kind, int64_t v) {
    switch (kind) {
    case K_FLOAT: ((double *)out)[i] = (double)v; break;
    case K_TENTH: ((double *)out)[i] = (double)v / 10.0; break;
    case K_LATLON: ((double *)out)[i] = (double)floor_div6(10 * v + 3) / 1e6; break;
    case K_LATLON_600: ((double *)out)[i] = (double)floor_div6(10000 * v + 3) / 1e6; break;
    case K_BOOL: ((uint8_t *)out)[i] = v != 0; break;
    default: ((int64_t *)out)[i] = v;
    }
}

static PyObject *extract(PyObject *self, PyObject *args) {
    Py_buffer words, bits, offsets, widths, signs, kinds, available;
    PyObject *value_arrays;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*Ow*", &words, &bits, &offsets, &widths, &signs,
                          &kinds, &value_arrays, &available))
        return NULL;
    PyObject *result = NULL;
    Py_buffer *values = NULL;
    Py_ssize_t acquired = -1;
    Py_ssize_t n = bits.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t fields = offsets.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t width_words = n ? words.len / (Py_ssize_t)sizeof(uint64_t) / n : 0;
    if (widths.len != offsets.len || signs.len != offsets.len || kinds.len != offsets.len ||
        available.len != fields * n ||
        (n && words.len != width_words * n * (Py_ssize_t)sizeof(uint64_t))) {
        PyErr_SetString(PyExc_ValueError, "extract: array sizes do not match");
        goto done;
    }
    values = PyMem_Calloc((size_t)(fields ? fields : 1), sizeof(Py_buffer));
    if (!values) {
        PyErr_NoMemory();
        goto done;
    }
    const int64_t *offset = offsets.buf, *width = widths.buf, *sign = signs.buf, *kind = kinds.buf;
    Py_ssize_t *item_sizes = PyMem_Calloc((size_t)(fields ? fields : 1), sizeof(Py_ssize_t));
    if (!item_sizes) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t f = 0; f < fields; f++) {
        if (kind[f] < 0 || kind[f] >= K_KINDS) {
            PyErr_Format(PyExc_ValueError, "extract: field %zd has no kind %lld", f,
                         (long long)kind[f]);
            PyMem_Free(item_sizes);
            goto done;
        }
        item_sizes[f] = kind[f] == K_BOOL ? 1 : 8;
    }
    acquired = get_sized_buffers(value_arrays, fields, values, n, item_sizes, "extract values");
    PyMem_Free(item_sizes);
    if (acquired < 0) goto done;
    for (Py_ssize_t f = 0; f < fields; f++) {
        if (offset[f] < 0 || width[f] < 1 || width[f] > 57 ||
            (n && (offset[f] + width[f] + 63) / 64 > width_words)) {
            PyErr_Format(PyExc_ValueError, "extract: field %zd (offset %lld, width %lld) is not "
                         "inside the packed words", f, (long long)offset[f], (long long)width[f]);
            goto done;
        }
    }
    const uint64_t *word = words.buf;
    const int64_t *bit_count = bits.buf;
    uint8_t *available_out = available.buf;
    Py_BEGIN_ALLOW_THREADS
    int64_t whole_from = INT64_MAX; /* the shortest payload's bit count */
    for (Py_ssize_t i = 0; i < n; i++)
        if (bit_count[i] < whole_from) whole_from = bit_count[i];
    for (Py_ssize_t f = 0; f < fields; f++) {
        const int64_t at = offset[f] % 64, w = width[f];
        const uint64_t *first = word + (offset[f] / 64) * n;
        const uint64_t *second = first + n;
        const uint64_t mask = (1ull << w) - 1u;
        void *out = values[f].buf;
        const int64_t k = kind[f];
        uint8_t *got = available_out + f * n;
        if (whole_from >= offset[f] + w) { /* every payload holds the whole field */
            const int64_t top = sign[f] ? (int64_t)1 << (w - 1) : 0; /* sign extension */
            if (at + w <= 64) {
                for (Py_ssize_t i = 0; i < n; i++) {
                    int64_t v = (int64_t)((first[i] >> (64 - at - w)) & mask);
                    store(out, i, k, (v ^ top) - top);
                }
            } else {
                const int64_t low = at + w - 64;
                for (Py_ssize_t i = 0; i < n; i++) {
                    int64_t v = (int64_t)(((first[i] << low) | (second[i] >> (64 - low))) & mask);
                    store(out, i, k, (v ^ top) - top);
                }
            }
            memset(got, (int)w, (size_t)n);
            continue;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t raw;
            if (at + w <= 64) {
                raw = (first[i] >> (64 - at - w)) & mask;
            } else {
                int64_t low = at + w - 64;
                raw = ((first[i] << low) | (second[i] >> (64 - low))) & mask;
            }
            int64_t have = bit_count[i] - offset[f];
            have = have < 0 ? 0 : (have > w ? w : have);
            if (have < w) raw >>= (w - have); /* pyais keeps the bits that are there */
            int64_t v = (int64_t)raw;
            if (sign[f] && have > 0 && ((raw >> (have - 1)) & 1u)) v -= (int64_t)(1ull << have);
            store(out, i, k, v);
            got[i] = (uint8_t)have;
        }
    }
    Py_END_ALLOW_THREADS
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&words);
    PyBuffer_Release(&bits);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&widths);
    PyBuffer_Release(&signs);
    PyBuffer_Release(&kinds);
    for (Py_ssize_t k = 0; k < acquired; k++) PyBuffer_Release(&values[k]);
    PyMem_Free(values);
    PyBuffer_Release(&available);
    return result;
}

static PyObject *count_lines(PyObject *self, PyObject *args) {
    Py_buffer input;
    if (!PyArg_ParseTuple(args, "y*", &input)) return NULL;
    Py_ssize_t lines = 0;
    const uint8_t *p = input.buf, *stop = p + input.len;
    Py_BEGIN_ALLOW_THREADS
    while (p < stop && (p = memchr(p, '\n', (size_t)(stop - p)))) {
        lines++;
        p++;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&input);
    return PyLong_FromSsize_t(lines);
}

static PyMethodDef METHODS[] = {
    {"count_lines", count_lines, METH_VARARGS, "count_lines(buffer) -> the number of newlines."},
    {"extract", extract, METH_VARARGS,
     "extract(words, bits, offsets, widths, signed, kinds, values, available): read bit fields "
     "of packed payloads into one array per field."},
    {"scan", scan, METH_VARARGS,
     "scan(buffer, columns, words, first_invalid, verify_tag_checksums) -> lines: frame every line "
     "of an NMEA buffer."},
    {"pack", pack, METH_VARARGS,
     "pack(arena, start, length, characters, words, first_invalid): de-armour payloads into "
     "64-bit words."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_kernel", "Compiled scanning kernel of the AIS decoder.", -1, METHODS,
    NULL, NULL, NULL, NULL,
};

/* module.<attribute> = a tuple of the C strings `texts`; 0 on success. */
static int add_strings(PyObject *module, const char *attribute, const char *const *texts,
                       Py_ssize_t count) {
    PyObject *tuple = PyTuple_New(count);
    if (!tuple) return -1;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PyUnicode_FromString(texts[k]);
        if (!text) {
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, k, text);
    }
    if (PyModule_AddObject(module, attribute, tuple) < 0) {
        Py_DECREF(tuple);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__kernel(void) {
    init_tables();
    PyObject *module = PyModule_Create(&MODULE);
    if (!module) return NULL;
    const char *dtypes[C_COLUMNS];
    for (int c = 0; c < C_COLUMNS; c++) dtypes[c] = c == C_RECEIVED_US ? "int64" : "int32";
    if (add_strings(module, "SCAN_COLUMNS", COLUMN_NAMES, C_COLUMNS) < 0 ||
        add_strings(module, "SCAN_DTYPES", dtypes, C_COLUMNS) < 0 ||
        PyModule_AddIntConstant(module, "SCAN_CHARACTERS", SCAN_CHARACTERS) < 0 ||
        PyModule_AddIntConstant(module, "SCAN_WORDS", SCAN_WORDS) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
