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
    if (ch < 128) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    }
    if (Py_UNICODE_ISALNUM(ch)) {
        return 1;
    }
    return ch < 0x10000 && ((marks[ch >> 3] >> (ch & 7)) & 1);
}


/* spaced_terms(text, bounds, memo, new_term, marks) -> list[list[str]] | None
 *
 * text._spaced_terms, for a text without unspaced scripts and sentences given as a flat list
 * ``[start0, end0, start1, end1, ...]`` (what ``sentence_bounds`` returns): for each, the words
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
        PyErr_SetString(PyExc_TypeError, "spaced_terms(str, bounds, dict, callable, bytes)");
        return NULL;
    }
    const unsigned char *marks = (const unsigned char *)PyBytes_AS_STRING(args[4]);
    PyObject *seq = PySequence_Fast(spans, "bounds must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq) / 2;
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        goto error;
    }
    for (Py_ssize_t s = 0; s < count; s++) {
        Py_ssize_t start = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, 2 * s));
        Py_ssize_t end = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, 2 * s + 1));
        if ((start == -1 || end == -1) && PyErr_Occurred()) {
            goto error;
        }
        start = start < 0 ? 0 : start;
        end = end > size ? size : end;
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

/* --- sentences ------------------------------------------------------------------------ */

/* text._SENT_END's character sets (see the pattern: each alternative is a run of
 * terminators, then a run of closing marks; the sets of a run and of what may follow it are
 * disjoint, so the regex's greedy runs never give anything back and the runs are maximal). */
static inline int
latin_stop(Py_UCS4 ch) /* [.!?…] */
{
    return ch == '.' || ch == '!' || ch == '?' || ch == 0x2026;
}
static inline int
closer(Py_UCS4 ch) /* ["'”’»)\]] */
{
    return ch == '"' || ch == '\'' || ch == 0x201D || ch == 0x2019 || ch == 0xBB || ch == ')' ||
           ch == ']';
}
static inline int
cjk_stop(Py_UCS4 ch) /* [。！？!?] */
{
    return ch == 0x3002 || ch == 0xFF01 || ch == 0xFF1F || ch == '!' || ch == '?';
}
static inline int
cjk_closer(Py_UCS4 ch) /* ["'”’」』)）] */
{
    return ch == '"' || ch == '\'' || ch == 0x201D || ch == 0x2019 || ch == 0x300D ||
           ch == 0x300F || ch == ')' || ch == 0xFF09;
}
static inline int
indic_stop(Py_UCS4 ch) /* [۔؟।] */
{
    return ch == 0x06D4 || ch == 0x061F || ch == 0x0964;
}
static inline int
terminator(Py_UCS4 ch) /* text._TERMINATORS */
{
    return latin_stop(ch) || cjk_stop(ch) || indic_stop(ch);
}

/* _SENT_END.match(text, at, end): the end of the match, or -1. */
static Py_ssize_t
sentence_end(int kind, const void *data, Py_ssize_t at, Py_ssize_t end)
{
    Py_UCS4 first = PyUnicode_READ(kind, data, at);
    Py_ssize_t j;
    if (latin_stop(first)) {
        for (j = at; j < end && latin_stop(PyUnicode_READ(kind, data, j)); j++) {
        }
        for (; j < end && closer(PyUnicode_READ(kind, data, j)); j++) {
        }
        if (j < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j))) {
            return j;
        }
    }
    if (cjk_stop(first)) {
        for (j = at; j < end && cjk_stop(PyUnicode_READ(kind, data, j)); j++) {
        }
        for (; j < end && cjk_closer(PyUnicode_READ(kind, data, j)); j++) {
        }
        return j;
    }
    if (indic_stop(first)) {
        for (j = at; j < end && indic_stop(PyUnicode_READ(kind, data, j)); j++) {
        }
        for (; j < end && closer(PyUnicode_READ(kind, data, j)); j++) {
        }
        return j;
    }
    return -1;
}

static inline int
word_char(Py_UCS4 ch) /* sre's \w */
{
    return Py_UNICODE_ISALNUM(ch) || ch == '_';
}

/* text._is_abbreviation(text, dot); -1 on an error. */
static int
is_abbreviation(PyObject *text, int kind, const void *data, Py_ssize_t size, Py_ssize_t dot,
                PyObject *abbreviations, PyObject *numbered)
{
    /* _WORD_BEFORE.search(text, max(0, dot - 20), dot + 1): the run of [\w.] before ``dot``,
     * from where the window starts at the earliest */
    Py_ssize_t lo = dot - 20 > 0 ? dot - 20 : 0, p = dot;
    while (p > lo) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, p - 1);
        if (!(word_char(ch) || ch == '.')) {
            break;
        }
        p--;
    }
    if (p == dot) {
        return 0;
    }
    PyObject *word = PyUnicode_Substring(text, p, dot);
    if (word == NULL) {
        return -1;
    }
    PyObject *stripped = PyObject_CallMethod(word, "rstrip", "s", ".");
    Py_DECREF(word);
    if (stripped == NULL) {
        return -1;
    }
    PyObject *bare = PyObject_CallMethod(stripped, "casefold", NULL);
    Py_DECREF(stripped);
    if (bare == NULL) {
        return -1;
    }
    int found = PySet_Contains(numbered, bare);
    if (found != 0) {
        Py_DECREF(bare);
        if (found < 0) {
            return -1;
        }
        /* text[dot + 1 : dot + 4].lstrip()[:1].isdigit() */
        Py_ssize_t q = dot + 1, limit = dot + 4 < size ? dot + 4 : size;
        while (q < limit && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, q))) {
            q++;
        }
        return q < limit && Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, q));
    }
    found = PySet_Contains(abbreviations, bare);
    if (found != 0) {
        Py_DECREF(bare);
        return found < 0 ? -1 : 1;
    }
    /* len(bare) == 1 or ("." in bare and _INITIALS.match(bare)): (?:\w\.)*\w\Z */
    int bare_kind = PyUnicode_KIND(bare);
    const void *bare_data = PyUnicode_DATA(bare);
    Py_ssize_t n = PyUnicode_GET_LENGTH(bare);
    int result = n == 1;
    if (!result && n % 2 == 1) {
        result = 1;
        for (Py_ssize_t k = 0; k < n && result; k++) {
            Py_UCS4 ch = PyUnicode_READ(bare_kind, bare_data, k);
            result = k % 2 == 0 ? word_char(ch) : ch == '.';
        }
    }
    Py_DECREF(bare);
    return result;
}

/* text._add_trimmed, onto a flat list of bounds. */
static int
add_trimmed(PyObject *out, int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start))) {
        start++;
    }
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1))) {
        end--;
    }
    if (start >= end) {
        return 0;
    }
    PyObject *a = PyLong_FromSsize_t(start), *b = PyLong_FromSsize_t(end);
    int failed = a == NULL || b == NULL || PyList_Append(out, a) < 0 || PyList_Append(out, b) < 0;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return failed ? -1 : 0;
}

/* --- paragraphs ----------------------------------------------------------------------- */

/* text._UNSPACED: the scripts written without spaces between words. */
static inline int
unspaced_char(Py_UCS4 ch)
{
    return (ch >= 0x0E00 && ch <= 0x0EFF) || (ch >= 0x1000 && ch <= 0x109F) ||
           (ch >= 0x1780 && ch <= 0x17FF) || (ch >= 0x3040 && ch <= 0x30FF) ||
           (ch >= 0x31F0 && ch <= 0x31FF) || (ch >= 0x3400 && ch <= 0x4DBF) ||
           (ch >= 0x4E00 && ch <= 0x9FFF) || (ch >= 0xF900 && ch <= 0xFAFF) ||
           (ch >= 0x20000 && ch <= 0x2FA1F);
}

/* has_unspaced(text) -> bool: text.has_unspaced. */
static PyObject *
has_unspaced(PyObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "has_unspaced(str)");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    if (kind != PyUnicode_1BYTE_KIND) { /* Latin-1 holds none of them */
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t size = PyUnicode_GET_LENGTH(text);
        for (Py_ssize_t i = 0; i < size; i++) {
            if (unspaced_char(PyUnicode_READ(kind, data, i))) {
                Py_RETURN_TRUE;
            }
        }
    }
    Py_RETURN_FALSE;
}

static inline int
line_end_char(Py_UCS4 ch) /* text._TERMINAL_END's class */
{
    return terminator(ch) || ch == ':' || ch == ';' || ch == '"' || ch == '\'' ||
           ch == 0x201D || ch == 0x2019 || ch == 0xBB || ch == ')' || ch == ']' ||
           ch == 0x300D || ch == 0x300F;
}

static int
compare_sizes(const void *a, const void *b)
{
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* text.is_hard_wrapped; -1 on an error (no memory). */
static int
hard_wrapped(int kind, const void *data, Py_ssize_t size, Py_ssize_t min_lines,
             Py_ssize_t min_lines_unbroken, double max_ended_share, Py_ssize_t shortest,
             Py_ssize_t longest)
{
    Py_ssize_t lines = 0, ended = 0, capacity = 64;
    Py_ssize_t *lengths = PyMem_Malloc(capacity * sizeof(Py_ssize_t));
    if (lengths == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t start = 0;
    while (start <= size) { /* text.split("\n"), keeping the lines with a non-space */
        Py_ssize_t end = start;
        while (end < size && PyUnicode_READ(kind, data, end) != '\n') {
            end++;
        }
        Py_ssize_t last = end;
        while (last > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, last - 1))) {
            last--;
        }
        if (last > start) {
            if (lines == capacity) {
                capacity *= 2;
                Py_ssize_t *grown = PyMem_Realloc(lengths, capacity * sizeof(Py_ssize_t));
                if (grown == NULL) {
                    PyMem_Free(lengths);
                    PyErr_NoMemory();
                    return -1;
                }
                lengths = grown;
            }
            lengths[lines++] = end - start;
            ended += line_end_char(PyUnicode_READ(kind, data, last - 1));
        }
        start = end + 1;
    }
    int result = 0;
    if (lines >= min_lines) {
        /* "\n\n" in text.strip() */
        Py_ssize_t lo = 0, hi = size;
        while (lo < hi && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo))) {
            lo++;
        }
        while (hi > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1))) {
            hi--;
        }
        int blank = 0;
        for (Py_ssize_t i = lo; i + 1 < hi && !blank; i++) {
            blank = PyUnicode_READ(kind, data, i) == '\n' &&
                    PyUnicode_READ(kind, data, i + 1) == '\n';
        }
        if (blank || lines >= min_lines_unbroken) {
            qsort(lengths, (size_t)lines, sizeof(Py_ssize_t), compare_sizes);
            Py_ssize_t median = lengths[lines / 2];
            result = (double)ended / (double)lines < max_ended_share && shortest <= median &&
                     median <= longest;
        }
    }
    PyMem_Free(lengths);
    return result;
}

static inline int
inline_space(Py_UCS4 ch) /* [ \t\r\f\v] */
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* paragraph_bounds(text, min_lines, min_lines_unbroken, max_ended_share, shortest, longest)
 *     -> list[int]
 *
 * text.paragraphs(text) as a flat list [start0, end0, ...]; the numbers are text's WRAP_*. */
static PyObject *
paragraph_bounds(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "paragraph_bounds(str, int, int, float, int, int)");
        return NULL;
    }
    Py_ssize_t min_lines = PyLong_AsSsize_t(args[1]);
    Py_ssize_t min_lines_unbroken = PyLong_AsSsize_t(args[2]);
    double max_ended_share = PyFloat_AsDouble(args[3]);
    Py_ssize_t shortest = PyLong_AsSsize_t(args[4]);
    Py_ssize_t longest = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    PyObject *text = args[0];
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    int wrapped = hard_wrapped(kind, data, size, min_lines, min_lines_unbroken, max_ended_share,
                               shortest, longest);
    if (wrapped < 0) {
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    /* splitter.finditer: "\n[ \t\r\f\v]*\n\s*" when wrapped, else "\n\s*" */
    Py_ssize_t pos = 0, i = 0;
    while (i < size) {
        if (PyUnicode_READ(kind, data, i) != '\n') {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        if (wrapped) {
            while (j < size && inline_space(PyUnicode_READ(kind, data, j))) {
                j++;
            }
            if (j >= size || PyUnicode_READ(kind, data, j) != '\n') {
                i++;
                continue;
            }
            j++;
        }
        while (j < size && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j))) {
            j++;
        }
        if (add_trimmed(out, kind, data, pos, i) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        pos = j;
        i = j;
    }
    if (add_trimmed(out, kind, data, pos, size) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* sentence_bounds(text, paragraphs, abbreviations, numbered) -> list[int]
 *
 * text.sentences(text, paragraphs) as a flat list [start0, end0, start1, end1, ...], with
 * the paragraphs given so too (what ``paragraph_bounds`` returns); ``abbreviations`` and
 * ``numbered`` are text._ABBREVIATIONS and text._NUMBERED. */
static PyObject *
sentence_bounds(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[2]) ||
        !PyAnySet_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "sentence_bounds(str, bounds, frozenset, frozenset)");
        return NULL;
    }
    PyObject *text = args[0], *abbreviations = args[2], *numbered = args[3];
    PyObject *seq = PySequence_Fast(args[1], "bounds must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        goto error;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq) / 2;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t para_start = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, 2 * k));
        Py_ssize_t para_end = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, 2 * k + 1));
        if ((para_start == -1 || para_end == -1) && PyErr_Occurred()) {
            goto error;
        }
        para_start = para_start < 0 ? 0 : para_start;
        para_end = para_end > size ? size : para_end;
        Py_ssize_t start = para_start, at = para_start;
        while (at < para_end) {
            if (!terminator(PyUnicode_READ(kind, data, at))) {
                at++;
                continue;
            }
            Py_ssize_t end = sentence_end(kind, data, at, para_end);
            if (end < 0) {
                at++;
                continue;
            }
            Py_ssize_t match_start = at;
            at = end;
            Py_UCS4 first = PyUnicode_READ(kind, data, match_start);
            if (first == '.' && !(match_start + 1 < end &&
                                  latin_stop(PyUnicode_READ(kind, data, match_start + 1)))) {
                int abbreviation = is_abbreviation(text, kind, data, size, match_start,
                                                   abbreviations, numbered);
                if (abbreviation < 0) {
                    goto error;
                }
                if (abbreviation) {
                    continue;
                }
            }
            Py_ssize_t next = end;
            while (next < para_end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, next))) {
                next++;
            }
            if (next < para_end && (first == '.' || first == 0x2026) &&
                Py_UNICODE_ISLOWER(PyUnicode_READ(kind, data, next))) {
                continue; /* a lower-case continuation */
            }
            if (add_trimmed(out, kind, data, start, end) < 0) {
                goto error;
            }
            start = end;
        }
        if (add_trimmed(out, kind, data, start, para_end) < 0) {
            goto error;
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
    {"has_unspaced", has_unspaced, METH_O, "text.has_unspaced."},
    {"paragraph_bounds", (PyCFunction)(void (*)(void))paragraph_bounds, METH_FASTCALL,
     "text.paragraphs as a flat list of bounds."},
    {"sentence_bounds", (PyCFunction)(void (*)(void))sentence_bounds, METH_FASTCALL,
     "text.sentences as a flat list of bounds."},
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

/* The interface these functions offer: provenance.kernels.INTERFACE must be equal, else it
 * takes the pure path (an editable install's extension built from an older _kernels.c).
 * Change both whenever a function's arguments or results change. */
#define INTERFACE 1

PyMODINIT_FUNC
PyInit__kernels(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "INTERFACE", INTERFACE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
