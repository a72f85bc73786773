/* SPDX-License-Identifier: MIT */
/* Reading key=value options from the multiboot command line. */
#include "cmdline.h"
#include "kstring.h"

/* The value of key and its length, or NULL if the key is absent. */
static const char *find_value(const char *cmdline, const char *key, size_t *len)
{
    size_t klen = strlen(key);
    for (const char *w = cmdline; *w; w++) {
        if ((w != cmdline && w[-1] != ' ') || strncmp(w, key, klen) != 0 ||
            w[klen] != '=')
            continue;
        const char *v = w + klen + 1;
        for (*len = 0; v[*len] && v[*len] != ' ';)
            (*len)++;
        return v;
    }
    return 0;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    size_t len;
    return find_value(cmdline, key, &len) != 0;
}

bool cmdline_get(const char *cmdline, const char *key, char *value, size_t size)
{
    size_t len;
    const char *v = find_value(cmdline, key, &len);
    if (!v || len + 1 > size)
        return false;
    memcpy(value, v, len);
    value[len] = '\0';
    return true;
}

bool parse_size(const char *text, uint64_t *bytes)
{
    uint64_t n = 0;
    const char *p = text;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (n > (UINT64_MAX - digit) / 10)
            return false;
        n = n * 10 + digit;
    }
    unsigned shift = 0;
    switch (*p) {
    case 'K': shift = 10; p++; break;
    case 'M': shift = 20; p++; break;
    case 'G': shift = 30; p++; break;
    default: break;
    }
    if (*p != '\0' || (shift && n > (UINT64_MAX >> shift)))
        return false;
    *bytes = n << shift;
    return true;
}

/* Levenshtein distance of a[0..alen) and b[0..blen), both at most
 * CMDLINE_KEY_MAX characters: one row of the table at a time. */
static size_t edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t row[CMDLINE_KEY_MAX + 1];
    for (size_t j = 0; j <= blen; j++)
        row[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t above = row[j];
            size_t best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[blen];
}

static bool is_known(const char *w, size_t len, const char *const known[])
{
    for (size_t i = 0; known[i]; i++)
        if (strlen(known[i]) == len && strncmp(w, known[i], len) == 0)
            return true;
    return false;
}

const char *cmdline_unknown(const char *cmdline, const char *const known[], char *key,
                            size_t size)
{
    for (const char *w = cmdline; *w; ) {
        while (*w == ' ')
            w++;
        size_t len = 0, word = 0;
        while (w[word] && w[word] != ' ')
            word++;
        while (len < word && w[len] != '=')
            len++;
        /* GRUB may pass the image's path first; it is no option. */
        bool path = w == cmdline && *w == '/' && len == word;
        if (word && !path && !is_known(w, len, known)) {
            size_t cut = len < CMDLINE_KEY_MAX ? len : CMDLINE_KEY_MAX;
            const char *closest = known[0];
            size_t best = (size_t)-1;
            for (size_t i = 0; known[i]; i++) {
                size_t klen = strlen(known[i]);
                size_t d = edit_distance(w, cut, known[i],
                                         klen < CMDLINE_KEY_MAX ? klen : CMDLINE_KEY_MAX);
                if (d < best) {
                    best = d;
                    closest = known[i];
                }
            }
            if (size) {
                size_t n = len < size - 1 ? len : size - 1;
                memcpy(key, w, n);
                key[n] = '\0';
            }
            return closest;
        }
        w += word;
    }
    return 0;
}
