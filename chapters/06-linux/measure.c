/* SPDX-License-Identifier: MIT */
/* Exit counts are deterministic under Bochs, so this is a measurement a
 * test can assert, unlike seconds. */
#include "measure.h"
#include "exit_log.h"
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

void measure_reset(void)
{
    count = 0;
    open_measurement = false;
}

void measure_begin(const char *label, uint64_t exits)
{
    /* The label is guest text: kept escaped, so that it prints safely. */
    char shown[MEASURE_LABEL];
    exit_log_escape(shown, sizeof shown, label, strlen(label));
    if (count == MEASURE_MAX || open_measurement) {
        exit_log("measure: \"%s\" ignored: %s\n", shown,
                 open_measurement ? "another measurement is open" : "no room for more");
        return;
    }
    memcpy(m[count].label, shown, sizeof shown);
    m[count].start = exits;
    open_measurement = true;
}

void measure_end(uint64_t bytes, uint64_t exits)
{
    if (!open_measurement) {
        exit_log("measure: an end without a beginning, ignored\n");
        return;
    }
    /* Neither bracketing hypercall counts: only the exits of the transfer. */
    m[count].exits = exits - 1 - m[count].start;
    m[count].bytes = bytes;
    open_measurement = false;
    count++;
}

/* Exits per KiB in tenths, so that it prints with one decimal. The byte
 * counts are the guest's word, so every product is checked: a guest that
 * claims 2^63 bytes must not make the hypervisor wrap, or divide by 0. */
static bool per_kib_tenths(const struct measurement *x, uint64_t *tenths)
{
    uint64_t scaled;
    if (!x->bytes || __builtin_mul_overflow(x->exits, (uint64_t)KIB * TENTHS, &scaled))
        return false;
    *tenths = scaled / x->bytes;
    return true;
}

void measure_print(void)
{
    if (!count)
        return;
    kprintf("exits per KiB:\n");
    for (unsigned i = 0; i < count; i++) {
        uint64_t t;
        if (per_kib_tenths(&m[i], &t))
            kprintf("  %-16s %6lu bytes %7lu exits %7lu.%lu per KiB\n", m[i].label,
                    m[i].bytes, m[i].exits, t / TENTHS, t % TENTHS);
        else
            kprintf("  %-16s %6lu bytes %7lu exits (no rate: the byte count is 0 or too "
                    "large)\n", m[i].label, m[i].bytes, m[i].exits);
    }
    /* (exits0 / bytes0) / (exits1 / bytes1), in integers. */
    uint64_t num, den;
    if (count >= 2 && !__builtin_mul_overflow(m[0].exits, m[1].bytes, &num) &&
        !__builtin_mul_overflow(m[0].bytes, m[1].exits, &den) && den)
        kprintf("  %s takes %lux fewer exits per KiB than %s\n", m[1].label, num / den,
                m[0].label);
}
