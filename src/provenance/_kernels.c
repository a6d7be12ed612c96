/* Compiled kernels for the fingerprint text pass: the same results as the pure-Python
 * functions they stand in for (named beside each), which stay the reference and the fallback.
 * text.py and fingerprint.py call these only through their own wrappers, and only when the
 * extension imported and PROVENANCE_PURE is not set; tests compare both paths. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define MARKS_BYTES 8192 /* one bit per code point below U+10000 */

/* A word character of the token patterns, in a text without characters of unspaced scripts:
 * what sre's [^\W_] matches (Py_UNICODE_ISALNUM), or a combining mark of text._MARKS. */
static inline int
is_word(Py_UCS4 ch, const unsigned char *marks)
{
    if (Py_UNICODE_ISALNUM(ch)) {
        return 1;
    }
    return ch < 0x10000 && ((marks[ch >> 3] >> (ch & 7)) & 1);
}

static int
span_bounds(PyObject *span, PyObject *start_name, PyObject *end_name, Py_ssize_t size,
            Py_ssize_t *start, Py_ssize_t *end)
{
    PyObject *value = PyObject_GetAttr(span, start_name);
    if (value == NULL) {
        return -1;
    }
    *start = PyLong_AsSsize_t(value);
    Py_DECREF(value);
    if (*start == -1 && PyErr_Occurred()) {
        return -1;
    }
    value = PyObject_GetAttr(span, end_name);
    if (value == NULL) {
        return -1;
    }
    *end = PyLong_AsSsize_t(value);
    Py_DECREF(value);
    if (*end == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (*start < 0) {
        *start = 0;
    }
    if (*end > size) {
        *end = size;
    }
    return 0;
}

static PyObject *start_name, *end_name;

/* spaced_terms(text, spans, memo, new_term, marks) -> list[list[str]] | None
 *
 * text.sentence_terms's loop for a text without unspaced scripts: for each span, the words
 * ``findall`` of the token pattern finds in it, each looked up in ``memo`` (raw word -> term;
 * a miss calls ``new_term(word)``, which fills the memo and returns the term), empty terms
 * dropped. None as soon as a term is text._UNSPACED_TERM ("\0"): the caller then takes the
 * general path, as the Python loop does. */
static PyObject *
spaced_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "spaced_terms takes 5 arguments");
        return NULL;
    }
    PyObject *text = args[0], *spans = args[1], *memo = args[2], *new_term = args[3];
    if (!PyUnicode_Check(text) || !PyDict_Check(memo) || !PyBytes_Check(args[4]) ||
        PyBytes_GET_SIZE(args[4]) != MARKS_BYTES) {
        PyErr_SetString(PyExc_TypeError, "spaced_terms(str, spans, dict, callable, bytes)");
        return NULL;
    }
    const unsigned char *marks = (const unsigned char *)PyBytes_AS_STRING(args[4]);
    PyObject *seq = PySequence_Fast(spans, "spans must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        goto error;
    }
    for (Py_ssize_t s = 0; s < count; s++) {
        Py_ssize_t start, end;
        if (span_bounds(PySequence_Fast_GET_ITEM(seq, s), start_name, end_name, size, &start,
                        &end) < 0) {
            goto error;
        }
        PyObject *terms = PyList_New(0);
        if (terms == NULL) {
            goto error;
        }
        int appended = PyList_Append(out, terms);
        Py_DECREF(terms); /* ``out`` holds it */
        if (appended < 0) {
            goto error;
        }
        Py_ssize_t i = start;
        while (i < end) {
            if (!is_word(PyUnicode_READ(kind, data, i), marks)) {
                i++;
                continue;
            }
            Py_ssize_t j = i + 1;
            while (j < end && is_word(PyUnicode_READ(kind, data, j), marks)) {
                j++;
            }
            for (;;) { /* (?:['’]WORD+)*+ */
                if (j + 1 >= end) {
                    break;
                }
                Py_UCS4 ch = PyUnicode_READ(kind, data, j);
                if ((ch != '\'' && ch != 0x2019) ||
                    !is_word(PyUnicode_READ(kind, data, j + 1), marks)) {
                    break;
                }
                j += 2;
                while (j < end && is_word(PyUnicode_READ(kind, data, j), marks)) {
                    j++;
                }
            }
            PyObject *word = PyUnicode_Substring(text, i, j);
            if (word == NULL) {
                goto error;
            }
            PyObject *term = PyDict_GetItemWithError(memo, word);
            if (term != NULL) {
                Py_INCREF(term);
            }
            else if (PyErr_Occurred()) {
                Py_DECREF(word);
                goto error;
            }
            else {
                term = PyObject_CallOneArg(new_term, word);
                if (term == NULL) {
                    Py_DECREF(word);
                    goto error;
                }
            }
            Py_DECREF(word);
            if (!PyUnicode_Check(term)) {
                Py_DECREF(term);
                PyErr_SetString(PyExc_TypeError, "a term must be a str");
                goto error;
            }
            Py_ssize_t length = PyUnicode_GET_LENGTH(term);
            if (length == 1 && PyUnicode_READ_CHAR(term, 0) == 0) {
                Py_DECREF(term);
                Py_DECREF(out);
                Py_DECREF(seq);
                Py_RETURN_NONE;
            }
            if (length > 0 && PyList_Append(terms, term) < 0) {
                Py_DECREF(term);
                goto error;
            }
            Py_DECREF(term);
            i = j;
        }
    }
    Py_DECREF(seq);
    return out;
error:
    Py_XDECREF(out);
    Py_DECREF(seq);
    return NULL;
}

/* units(per_sentence, min_terms) -> list[tuple[tuple[int, int], list[str]]]
 *
 * fingerprint._units_of: sentence ranges with their distinct terms in order of first
 * appearance; a unit closes once it holds ``min_terms`` distinct terms, and a short last
 * unit merges into the one before it. */
static PyObject *
unit_entry(Py_ssize_t first, Py_ssize_t last, PyObject *terms)
{
    PyObject *keys = PyDict_Keys(terms);
    if (keys == NULL) {
        return NULL;
    }
    PyObject *entry = Py_BuildValue("((nn)N)", first, last, keys);
    return entry;
}

static PyObject *
units(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "units takes 2 arguments");
        return NULL;
    }
    Py_ssize_t min_terms = PyLong_AsSsize_t(args[1]);
    if (min_terms == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(args[0], "per_sentence must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(0);
    PyObject *terms = PyDict_New();
    PyObject *entry = NULL;
    if (out == NULL || terms == NULL) {
        goto error;
    }
    Py_ssize_t first = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *sentence = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, k),
                                             "a sentence must be a sequence of terms");
        if (sentence == NULL) {
            goto error;
        }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(sentence);
        for (Py_ssize_t t = 0; t < n; t++) {
            PyObject *term = PySequence_Fast_GET_ITEM(sentence, t);
            int found = PyDict_Contains(terms, term);
            if (found < 0 || (!found && PyDict_SetItem(terms, term, Py_None) < 0)) {
                Py_DECREF(sentence);
                goto error;
            }
        }
        Py_DECREF(sentence);
        if (PyDict_GET_SIZE(terms) >= min_terms) {
            entry = unit_entry(first, k + 1, terms);
            if (entry == NULL || PyList_Append(out, entry) < 0) {
                goto error;
            }
            Py_CLEAR(entry);
            first = k + 1;
            Py_SETREF(terms, PyDict_New());
            if (terms == NULL) {
                goto error;
            }
        }
    }
    if (PyDict_GET_SIZE(terms) > 0) {
        Py_ssize_t units_so_far = PyList_GET_SIZE(out);
        if (units_so_far > 0 && PyDict_GET_SIZE(terms) < min_terms) {
            PyObject *prev = PyList_GET_ITEM(out, units_so_far - 1); /* ((first, end), keys) */
            PyObject *prev_range = PyTuple_GET_ITEM(prev, 0);
            PyObject *prev_terms = PyTuple_GET_ITEM(prev, 1);
            Py_ssize_t prev_first = PyLong_AsSsize_t(PyTuple_GET_ITEM(prev_range, 0));
            PyObject *merged = PyDict_New();
            if (merged == NULL) {
                goto error;
            }
            Py_ssize_t n = PyList_GET_SIZE(prev_terms);
            for (Py_ssize_t t = 0; t < n; t++) {
                if (PyDict_SetItem(merged, PyList_GET_ITEM(prev_terms, t), Py_None) < 0) {
                    Py_DECREF(merged);
                    goto error;
                }
            }
            if (PyDict_Update(merged, terms) < 0) {
                Py_DECREF(merged);
                goto error;
            }
            entry = unit_entry(prev_first, count, merged);
            Py_DECREF(merged);
            if (entry == NULL || PyList_SetItem(out, units_so_far - 1, entry) < 0) {
                entry = NULL; /* PyList_SetItem stole it, even on failure */
                goto error;
            }
            entry = NULL;
        }
        else {
            entry = unit_entry(first, count, terms);
            if (entry == NULL || PyList_Append(out, entry) < 0) {
                goto error;
            }
            Py_CLEAR(entry);
        }
    }
    Py_DECREF(terms);
    Py_DECREF(seq);
    return out;
error:
    Py_XDECREF(entry);
    Py_XDECREF(terms);
    Py_XDECREF(out);
    Py_DECREF(seq);
    return NULL;
}

/* minhash(units, memo, term_hash, a, b, out) -> None
 *
 * fingerprint._signatures: row k of ``out`` (uint32, units x num_perm, C order) becomes
 * min over the terms h of unit k of ((a * h + b) mod 2**64) >> 32, per permutation, or
 * 0xFFFFFFFF for a unit without terms. A term's hash is looked up in ``memo`` (term -> int);
 * a miss calls ``term_hash(term)`` and stores the result there. ``a`` and ``b`` are uint64. */
static PyObject *
minhash(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "minhash takes 6 arguments");
        return NULL;
    }
    PyObject *memo = args[1], *term_hash = args[2];
    if (!PyDict_Check(memo)) {
        PyErr_SetString(PyExc_TypeError, "memo must be a dict");
        return NULL;
    }
    Py_buffer a = {0}, b = {0}, out = {0};
    PyObject *seq = NULL, *unit = NULL;
    uint64_t *low = NULL;
    if (PyObject_GetBuffer(args[3], &a, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(args[4], &b, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(args[5], &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
        goto error;
    }
    Py_ssize_t perms = a.len / 8;
    seq = PySequence_Fast(args[0], "units must be a sequence");
    if (seq == NULL) {
        goto error;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    if (b.len != a.len || out.len != count * perms * 4) {
        PyErr_SetString(PyExc_ValueError, "minhash: arrays of the wrong size");
        goto error;
    }
    const uint64_t *pa = (const uint64_t *)a.buf, *pb = (const uint64_t *)b.buf;
    uint32_t *rows = (uint32_t *)out.buf;
    low = PyMem_Malloc((size_t)(perms > 0 ? perms : 1) * sizeof(uint64_t));
    if (low == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        unit = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, k), "a unit must be a sequence");
        if (unit == NULL) {
            goto error;
        }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(unit);
        uint32_t *row = rows + k * perms;
        if (n == 0) {
            for (Py_ssize_t p = 0; p < perms; p++) {
                row[p] = 0xFFFFFFFFu;
            }
            Py_CLEAR(unit);
            continue;
        }
        for (Py_ssize_t p = 0; p < perms; p++) {
            low[p] = UINT64_MAX;
        }
        for (Py_ssize_t t = 0; t < n; t++) {
            PyObject *term = PySequence_Fast_GET_ITEM(unit, t);
            PyObject *value = PyDict_GetItemWithError(memo, term);
            uint64_t h;
            if (value != NULL) {
                h = (uint64_t)PyLong_AsUnsignedLongLong(value);
            }
            else if (PyErr_Occurred()) {
                goto error;
            }
            else {
                value = PyObject_CallOneArg(term_hash, term);
                if (value == NULL) {
                    goto error;
                }
                int stored = PyDict_SetItem(memo, term, value);
                h = (uint64_t)PyLong_AsUnsignedLongLong(value);
                Py_DECREF(value);
                if (stored < 0) {
                    goto error;
                }
            }
            if (h == (uint64_t)-1 && PyErr_Occurred()) {
                goto error;
            }
            for (Py_ssize_t p = 0; p < perms; p++) {
                uint64_t v = pa[p] * h + pb[p];
                low[p] = v < low[p] ? v : low[p];
            }
        }
        for (Py_ssize_t p = 0; p < perms; p++) {
            row[p] = (uint32_t)(low[p] >> 32);
        }
        Py_CLEAR(unit);
    }
    PyMem_Free(low);
    Py_DECREF(seq);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
error:
    PyMem_Free(low);
    Py_XDECREF(unit);
    Py_XDECREF(seq);
    if (a.obj) {
        PyBuffer_Release(&a);
    }
    if (b.obj) {
        PyBuffer_Release(&b);
    }
    if (out.obj) {
        PyBuffer_Release(&out);
    }
    return NULL;
}

static PyMethodDef methods[] = {
    {"spaced_terms", (PyCFunction)(void (*)(void))spaced_terms, METH_FASTCALL,
     "The content terms of each sentence of a text without unspaced scripts, or None."},
    {"units", (PyCFunction)(void (*)(void))units, METH_FASTCALL,
     "fingerprint._units_of: sentence ranges with their distinct terms."},
    {"minhash", (PyCFunction)(void (*)(void))minhash, METH_FASTCALL,
     "fingerprint._signatures into a uint32 array, one row per unit."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "provenance._kernels",
    "Compiled kernels for the fingerprint text pass (see text.py and fingerprint.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__kernels(void)
{
    start_name = PyUnicode_InternFromString("start");
    end_name = PyUnicode_InternFromString("end");
    if (start_name == NULL || end_name == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
