/*
 * Hostile input for the C core of portintel's AIS kernel (_kernel_core.h),
 * compiled by test_ais_kernel_sanitized.py with AddressSanitizer and
 * UndefinedBehaviorSanitizer: any read or write outside a buffer, any
 * undefined arithmetic, aborts the run.
 *
 *     kernel_sanitized ITERATIONS SEED
 *
 * Every buffer is allocated at its exact size, so that a read one byte past
 * the end of a batch, a column or a payload is caught. Real AIS lines (with
 * tag blocks, receive-time columns, multi-part groups) are mutated at random:
 * bytes flipped, NMEA punctuation inserted, bytes deleted, lines cut.
 */

#include <stdio.h>
#include <stdlib.h>

#include "_kernel_core.h"

static const char *SEEDS[] = {
    "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C",
    "\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D",
    "\\s:2573305,c:1565218798*0F\\!BSVDM,1,1,,B,H3m8Fn05E=@EHthhTpLDp000000,2*10",
    "\\g:1-2-1234,s:2573305,c:1565218798*6A\\!BSVDM,2,1,7,B,53nPnh800000ha@J2218UH60U@4hT6000000000t2PD33t?P008000000000,0*3B",
    "\\g:2-2-1234*5D\\!BSVDM,2,2,7,B,00000000000,2*26",
    "2024-01-01 12:00:00.123,!AIVDM,1,1,,B,35VwAv0300QcEQ`EGcpN40jD0PUQ,0*61",
    "1704110400.123 !AIVDO,1,1,,A,B6CdCm0t3`tba35f@V9faHi7kP06,0*58",
    "!AIVDM,1,1,,A,KCQ9r=hrFUnH7P00,0*41",
    "\\c:-9223372036854775808,s:x*00\\!AIVDM,1,1,1,A,,0*00",
    "  \t!AIVDM,1,1,,A,wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww,5*00\r",
};
#define SEED_COUNT (sizeof SEEDS / sizeof SEEDS[0])

static const char PUNCTUATION[] = "!\\,*:csg-0123456789ABCDEFabcdef@`w\n\r \t\x80\xff";

static uint64_t state;

static uint64_t next_random(void) { /* xorshift64* */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n) { return n ? (size_t)(next_random() % n) : 0; }

/* One mutated line (newline included) appended to text[*size]. */
static void append_line(uint8_t *text, size_t *size, size_t capacity) {
    uint8_t line[512];
    const char *seed = SEEDS[below(SEED_COUNT)];
    size_t length = strlen(seed);
    memcpy(line, seed, length);
    size_t mutations = below(6);
    for (size_t m = 0; m < mutations; m++) {
        switch (below(5)) {
        case 0: /* flip a byte */
            if (length) line[below(length)] = (uint8_t)next_random();
            break;
        case 1: { /* insert punctuation */
            if (length + 1 >= sizeof line) break;
            size_t at = below(length + 1);
            memmove(line + at + 1, line + at, length - at);
            line[at] = (uint8_t)PUNCTUATION[below(sizeof PUNCTUATION - 1)];
            length++;
            break;
        }
        case 2: { /* delete a byte */
            if (!length) break;
            size_t at = below(length);
            memmove(line + at, line + at + 1, length - at - 1);
            length--;
            break;
        }
        case 3: /* cut the line */
            length = below(length + 1);
            break;
        default: { /* repeat a piece of it */
            size_t from = below(length + 1), piece = below(length - from + 1);
            if (length + piece >= sizeof line) break;
            memcpy(line + length, line + from, piece);
            length += piece;
        }
        }
    }
    if (*size + length + 1 > capacity) return;
    memcpy(text + *size, line, length);
    *size += length;
    text[(*size)++] = '\n';
}

static void *exact(size_t bytes) {
    void *memory = malloc(bytes ? bytes : 1);
    if (!memory) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return memory;
}

static ptrdiff_t count_newlines(const uint8_t *text, size_t size) {
    ptrdiff_t lines = 0;
    for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
    return lines;
}

/* Frames a batch with room for `room` lines; returns what scan_lines said. */
static ptrdiff_t scan_batch(const uint8_t *text, size_t size, ptrdiff_t room, int verify) {
    uint8_t *buffer = exact(size); /* exactly the batch: nothing readable past its end */
    memcpy(buffer, text, size);
    Output out;
    for (int c = 0; c < C_COLUMNS; c++) out.column[c] = exact((size_t)room * sizeof(int32_t));
    out.received_us = exact((size_t)room * sizeof(int64_t));
    uint64_t *packed = exact((size_t)room * SCAN_WORDS * sizeof(uint64_t));
    int64_t *invalid = exact((size_t)room * sizeof(int64_t));
    ptrdiff_t found = scan_lines(buffer, (ptrdiff_t)size, &out, packed, invalid, room, verify);
    for (ptrdiff_t line = 0; line < (found < room ? found : room); line++) {
        if (out.column[C_START][line] > out.column[C_END][line] ||
            out.column[C_END][line] > (int32_t)size || invalid[line] < 0 ||
            invalid[line] > SCAN_CHARACTERS) {
            fprintf(stderr, "inconsistent line %td\n", line);
            exit(1);
        }
    }
    for (int c = 0; c < C_COLUMNS; c++) free(out.column[c]);
    free(out.received_us);
    free(packed);
    free(invalid);
    free(buffer);
    return found;
}

static void pack_and_extract(const uint8_t *text, size_t size) {
    uint8_t *arena = exact(size);
    memcpy(arena, text, size);
    ptrdiff_t n = (ptrdiff_t)below(6), characters = (ptrdiff_t)below(91);
    ptrdiff_t width = (characters * 6 + 63) / 64;
    int64_t *starts = exact((size_t)n * sizeof(int64_t));
    int64_t *lengths = exact((size_t)n * sizeof(int64_t));
    int64_t *bits = exact((size_t)n * sizeof(int64_t));
    for (ptrdiff_t i = 0; i < n; i++) {
        starts[i] = (int64_t)below(size + 1);
        lengths[i] = (int64_t)below(size - (size_t)starts[i] + 1);
        bits[i] = (int64_t)below((size_t)width * 64 + 1);
    }
    uint64_t *words = exact((size_t)(n * width) * sizeof(uint64_t));
    int64_t *invalid = exact((size_t)n * sizeof(int64_t));
    pack_payloads(arena, (ptrdiff_t)size, starts, lengths, n, characters, width, words, invalid);
    if (width > 0) {
        int64_t w = 1 + (int64_t)below(57);
        if (w > width * 64) w = width * 64;
        int64_t offset = (int64_t)below((size_t)(width * 64 - w + 1));
        int64_t kind = (int64_t)below(K_KINDS);
        void *values = exact((size_t)n * 8);
        uint8_t *got = exact((size_t)n);
        extract_field(words, bits, n, shortest(bits, n), offset, w, (int64_t)below(2), kind,
                      values, got);
        free(values);
        free(got);
    }
    free(starts);
    free(lengths);
    free(bits);
    free(words);
    free(invalid);
    free(arena);
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 10000;
    state = argc > 2 ? (uint64_t)atoll(argv[2]) * 0x9E3779B97F4A7C15ull + 1 : 88172645463325252ull;
    init_tables();
    static uint8_t text[8192];
    long total_lines = 0;
    for (long it = 0; it < iterations; it++) {
        size_t size = 0;
        size_t lines_wanted = below(9);
        for (size_t k = 0; k < lines_wanted; k++) append_line(text, &size, sizeof text);
        if (below(4) == 0 && size) size--; /* a batch that does not end with a newline */
        ptrdiff_t lines = count_newlines(text, size);
        int verify = (int)below(3); /* tag mode: trust, flag, strict */
        if (scan_batch(text, size, lines, verify) != lines) {
            fprintf(stderr, "batch %ld: scan_lines did not find its %td lines\n", it, lines);
            return 1;
        }
        if (lines > 0 && scan_batch(text, size, lines - 1, verify) != lines) {
            fprintf(stderr, "batch %ld: a batch with one line too many was not refused\n", it);
            return 1;
        }
        pack_and_extract(text, size);
        total_lines += lines;
    }
    printf("ok: %ld batches, %ld lines\n", iterations, total_lines);
    return 0;
}
