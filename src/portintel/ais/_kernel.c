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

static PyMethodDef METHODS[] = {
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
