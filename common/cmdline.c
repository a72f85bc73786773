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
