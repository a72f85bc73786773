/* Exit counts are deterministic under Bochs, so this is a measurement a
 * test can assert, unlike seconds. */
#include "measure.h"
#include "kstring.h"
#include "printf.h"

#define KIB 1024
#define TENTHS 10

static struct measurement {
    char label[MEASURE_LABEL];
    uint64_t start, exits, bytes;
} m[MEASURE_MAX];
static unsigned count;
static bool open_measurement;

void measure_begin(const char *label, uint64_t exits)
{
    if (count == MEASURE_MAX || open_measurement) {
        kprintf("measure: \"%s\" ignored: %s\n", label,
                open_measurement ? "another measurement is open" : "no room for more");
        return;
    }
    size_t n = strlen(label);
    n = n < MEASURE_LABEL - 1 ? n : MEASURE_LABEL - 1;
    memcpy(m[count].label, label, n);
    m[count].label[n] = '\0';
    m[count].start = exits;
    open_measurement = true;
}

void measure_end(uint64_t bytes, uint64_t exits)
{
    if (!open_measurement) {
        kprintf("measure: an end without a beginning, ignored\n");
        return;
    }
    /* Neither bracketing hypercall counts: only the exits of the transfer. */
    m[count].exits = exits - 1 - m[count].start;
    m[count].bytes = bytes;
    open_measurement = false;
    count++;
}

/* Exits per KiB in tenths, so that it prints with one decimal. */
static uint64_t per_kib_tenths(const struct measurement *x)
{
    return x->bytes ? x->exits * KIB * TENTHS / x->bytes : 0;
}

void measure_print(void)
{
    if (!count)
        return;
    kprintf("exits per KiB:\n");
    for (unsigned i = 0; i < count; i++) {
        uint64_t t = per_kib_tenths(&m[i]);
        kprintf("  %-16s %6lu bytes %7lu exits %7lu.%lu per KiB\n", m[i].label, m[i].bytes,
                m[i].exits, t / TENTHS, t % TENTHS);
    }
    /* (exits0 / bytes0) / (exits1 / bytes1), in integers. */
    if (count >= 2 && m[1].exits && m[0].bytes)
        kprintf("  %s takes %lux fewer exits per KiB than %s\n", m[1].label,
                m[0].exits * m[1].bytes / (m[0].bytes * m[1].exits), m[0].label);
}
