/*
 * Compiled scanning kernel of portintel's AIS decoder.
 *
 * Two functions, both over whole batches and both writing into arrays the
 * caller allocated (NumPy arrays passed through the buffer protocol), so the
 * module needs no NumPy headers:
 *
 *   count_lines(buffer) -> the number of '\n' in buffer.
 *
 *   scan(buffer, columns, words, first_invalid, tag_mode) -> lines
 *       One pass over an NMEA buffer (lines ending in '\n'): line bounds,
 *       sentence fields and checksums, NMEA 4.0 tag blocks (checksum, c:, s:,
 *       g:; a wrong tag checksum marks the line untrusted and, by tag_mode
 *       0/1/2, keeps its time, drops its time or refuses the line)
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

#include "_kernel_core.h"

static const char *COLUMN_NAMES[C_COLUMNS] = {
    "start", "end", "next_start", "bang", "count", "index", "sequence", "channel",
    "payload_start", "payload_end", "fill", "sentence_reason", "prefix_reason",
    "received_us", "received_known", "station_start", "station_end", "station_run",
    "column_start", "column_end", "group", "tag_untrusted",
};

/* Writable buffers of the items of a sequence: buffer k holds `entries`
   entries of item_sizes[k] bytes (`entries` -1: as many as the first holds).
   Returns how many were acquired; on error all are released and -1 is
   returned with an exception set. */
static Py_ssize_t get_buffers(PyObject *sequence, Py_ssize_t count, Py_buffer *views,
                              Py_ssize_t entries, const Py_ssize_t *item_sizes,
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
        Py_ssize_t item = item_sizes[got];
        if (entries < 0) entries = views[got].len / item;
        if (views[got].len != entries * item) {
            PyErr_Format(PyExc_ValueError, "%s: array %zd holds %zd bytes, expected %zd", what, got,
                         views[got].len, entries * item);
            got++;
            break;
        }
    }
    Py_DECREF(items);
    if (got == count && !PyErr_Occurred()) return got;
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&views[k]);
    return -1;
}

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer input, words, first_invalid, views[C_COLUMNS];
    PyObject *columns;
    int tag_mode = TAG_FLAG;
    if (!PyArg_ParseTuple(args, "y*Ow*w*i", &input, &columns, &words, &first_invalid,
                          &tag_mode))
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
    acquired = get_buffers(columns, C_COLUMNS, views, -1, item_sizes, "scan columns");
    if (acquired < 0) goto done;
    Py_ssize_t lines = views[0].len / 4;
    if (views[0].len % 4 ||
        words.len != lines * SCAN_WORDS * (Py_ssize_t)sizeof(uint64_t) ||
        first_invalid.len != lines * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "scan: words or first_invalid do not match the lines");
        goto done;
    }
    Output out;
    for (int c = 0; c < C_COLUMNS; c++) out.column[c] = (int32_t *)views[c].buf;
    out.received_us = (int64_t *)views[C_RECEIVED_US].buf;
    Py_ssize_t line;
    Py_BEGIN_ALLOW_THREADS
    line = scan_lines(buf, size, &out, words.buf, first_invalid.buf, lines, tag_mode);
    Py_END_ALLOW_THREADS
    if (line != lines) {
        PyErr_Format(PyExc_ValueError,
                     "scan: the output has room for %zd lines, the buffer holds %s", lines,
                     line < lines ? "fewer" : "more");
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
    Py_BEGIN_ALLOW_THREADS
    pack_payloads(bytes, arena.len, starts, lengths, n, characters, width, words.buf,
                  first_invalid.buf);
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
    acquired = get_buffers(value_arrays, fields, values, n, item_sizes, "extract values");
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
    int64_t whole_from = shortest(bit_count, n);
    for (Py_ssize_t f = 0; f < fields; f++)
        extract_field(word, bit_count, n, whole_from, offset[f], width[f], sign[f], kind[f],
                      values[f].buf, available_out + f * n);
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


/* ---- row keys: BLAKE2b-128 (RFC 7693), hex, over whole batches ------------------------ */

static const uint64_t B2B_IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static const uint8_t B2B_SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

#define B2B_ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define B2B_G(a, b, c, d, x, y)          \
    do {                                 \
        v[a] = v[a] + v[b] + (x);        \
        v[d] = B2B_ROTR(v[d] ^ v[a], 32); \
        v[c] = v[c] + v[d];              \
        v[b] = B2B_ROTR(v[b] ^ v[c], 24); \
        v[a] = v[a] + v[b] + (y);        \
        v[d] = B2B_ROTR(v[d] ^ v[a], 16); \
        v[c] = v[c] + v[d];              \
        v[b] = B2B_ROTR(v[b] ^ v[c], 63); \
    } while (0)

static void b2b_compress(uint64_t h[8], const uint8_t block[128], uint64_t counter, int last) {
    uint64_t v[16], m[16];
    for (int i = 0; i < 16; i++) memcpy(&m[i], block + 8 * i, 8); /* little-endian host */
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = B2B_IV[i];
    }
    v[12] ^= counter;
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = B2B_SIGMA[r];
        B2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        B2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        B2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        B2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        B2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

/* The 16-byte BLAKE2b digest (no key) of text[0:length], as 32 lowercase hex characters. */
static void b2b128_hex(const uint8_t *text, size_t length, char *hex) {
    static const char DIGITS[] = "0123456789abcdef";
    uint64_t h[8];
    uint8_t block[128];
    memcpy(h, B2B_IV, sizeof h);
    h[0] ^= 0x01010000ULL ^ 16; /* digest length 16, no key, fanout 1, depth 1 */
    uint64_t counter = 0;
    while (length > 128) {
        counter += 128;
        b2b_compress(h, text, counter, 0);
        text += 128;
        length -= 128;
    }
    memset(block, 0, sizeof block);
    if (length) memcpy(block, text, length);
    counter += length;
    b2b_compress(h, block, counter, 1);
    const uint8_t *digest = (const uint8_t *)h;
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = DIGITS[digest[i] >> 4];
        hex[2 * i + 1] = DIGITS[digest[i] & 15];
    }
}

static PyObject *blake2b_hex(PyObject *self, PyObject *args) {
    PyObject *texts;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &texts)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *out = PyList_New(n);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(texts, i);
        Py_ssize_t length;
        const char *text = PyUnicode_AsUTF8AndSize(item, &length);
        if (!text) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *key = PyUnicode_New(32, 127);
        if (!key) {
            Py_DECREF(out);
            return NULL;
        }
        b2b128_hex((const uint8_t *)text, (size_t)length, (char *)PyUnicode_DATA(key));
        PyList_SET_ITEM(out, i, key);
    }
    return out;
}

/* blake2b_hex_arrow(offsets, data, out): texts as an Arrow large_string array (int64
   offsets, n + 1 of them, and the bytes) -> the hex digest of text i at out[32 i : 32 i + 32]. */
static PyObject *blake2b_hex_arrow(PyObject *self, PyObject *args) {
    Py_buffer offsets, data, out;
    if (!PyArg_ParseTuple(args, "y*y*w*", &offsets, &data, &out)) return NULL;
    Py_ssize_t n = offsets.len / (Py_ssize_t)sizeof(int64_t) - 1;
    const int64_t *at = offsets.buf;
    int ok = n >= 0 && out.len >= 32 * n;
    for (Py_ssize_t i = 0; ok && i <= n; i++)
        ok = at[i] >= 0 && at[i] <= data.len && (i == 0 || at[i] >= at[i - 1]);
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        const uint8_t *bytes = data.buf;
        char *hex = out.buf;
        for (Py_ssize_t i = 0; i < n; i++)
            b2b128_hex(bytes + at[i], (size_t)(at[i + 1] - at[i]), hex + 32 * i);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "blake2b_hex_arrow: offsets out of order or range");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ---- live UDP: many datagrams a system call, without the GIL ---------------------------- */

#if defined(__linux__)
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#define RECV_MAX_BATCH 64
#define RECV_DATAGRAM_BYTES 65536
#endif

static PyObject *receive_datagrams(PyObject *self, PyObject *args) {
#if defined(__linux__)
    int fd, timeout_ms, wanted;
    if (!PyArg_ParseTuple(args, "iii", &fd, &wanted, &timeout_ms)) return NULL;
    if (wanted < 1) wanted = 1;
    if (wanted > RECV_MAX_BATCH) wanted = RECV_MAX_BATCH;
    /* one arena for the batch: datagram k at k * RECV_DATAGRAM_BYTES (the largest UDP payload) */
    uint8_t *arena = PyMem_RawMalloc((size_t)wanted * RECV_DATAGRAM_BYTES);
    struct mmsghdr *headers = PyMem_RawCalloc((size_t)wanted, sizeof *headers);
    struct iovec *vectors = PyMem_RawCalloc((size_t)wanted, sizeof *vectors);
    if (!arena || !headers || !vectors) {
        PyMem_RawFree(arena);
        PyMem_RawFree(headers);
        PyMem_RawFree(vectors);
        return PyErr_NoMemory();
    }
    int received = 0, error = 0;
    Py_BEGIN_ALLOW_THREADS
    struct pollfd waiting = {fd, POLLIN, 0};
    int ready = poll(&waiting, 1, timeout_ms);
    if (ready < 0) {
        error = errno;
    } else if (ready > 0) {
        for (int k = 0; k < wanted; k++) {
            vectors[k].iov_base = arena + (size_t)k * RECV_DATAGRAM_BYTES;
            vectors[k].iov_len = RECV_DATAGRAM_BYTES;
            headers[k].msg_hdr.msg_iov = &vectors[k];
            headers[k].msg_hdr.msg_iovlen = 1;
        }
        received = recvmmsg(fd, headers, (unsigned)wanted, MSG_DONTWAIT, NULL);
        if (received < 0) {
            error = errno;
            received = 0;
        }
    }
    Py_END_ALLOW_THREADS
    if (error && error != EAGAIN && error != EWOULDBLOCK && error != EINTR) {
        PyMem_RawFree(arena);
        PyMem_RawFree(headers);
        PyMem_RawFree(vectors);
        errno = error;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    PyObject *out = PyList_New(received);
    for (int k = 0; out && k < received; k++) {
        size_t length = headers[k].msg_len;
        if (length > vectors[k].iov_len) length = vectors[k].iov_len;
        PyObject *data = PyBytes_FromStringAndSize((const char *)vectors[k].iov_base,
                                                   (Py_ssize_t)length);
        if (!data) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, k, data);
    }
    PyMem_RawFree(arena);
    PyMem_RawFree(headers);
    PyMem_RawFree(vectors);
    return out;
#else
    PyErr_SetString(PyExc_NotImplementedError, "receive_datagrams needs Linux (recvmmsg)");
    return NULL;
#endif
}

static PyMethodDef METHODS[] = {
    {"blake2b_hex", blake2b_hex, METH_VARARGS,
     "blake2b_hex(texts) -> the hex BLAKE2b-128 digest of each str's UTF-8, as a list."},
    {"blake2b_hex_arrow", blake2b_hex_arrow, METH_VARARGS,
     "blake2b_hex_arrow(offsets, data, out): the hex BLAKE2b-128 digest of each text of an "
     "Arrow large_string array into out (32 bytes each)."},
    {"receive_datagrams", receive_datagrams, METH_VARARGS,
     "receive_datagrams(fd, most, timeout_ms) -> datagrams waiting on a UDP socket (waits up "
     "to timeout_ms for the first), received without the GIL."},
    {"count_lines", count_lines, METH_VARARGS, "count_lines(buffer) -> the number of newlines."},
    {"extract", extract, METH_VARARGS,
     "extract(words, bits, offsets, widths, signed, kinds, values, available): read bit fields "
     "of packed payloads into one array per field."},
    {"scan", scan, METH_VARARGS,
     "scan(buffer, columns, words, first_invalid, tag_mode) -> lines: frame every line "
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
    /* A compiler that does not say its byte order passed the guard in the core:
     * check at run time, and refuse to load rather than decode wrong. */
    const uint16_t probe = 1;
    if (*(const uint8_t *)&probe != 1) {
        PyErr_SetString(PyExc_ImportError,
                        "portintel.ais._kernel needs a little-endian host: "
                        "decode with the NumPy engine (engine='numpy')");
        return NULL;
    }
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
