/* SPDX-License-Identifier: MIT */
/* libFuzzer target: chapter 4's exit measurements (measure.c), whose byte
 * counts and labels are the guest's word. The input is a program: each
 * 18-byte step is an operation byte, a 64-bit byte count, a 64-bit exit
 * count, and the rest of the input feeds the labels. measure_print() runs
 * after every step, so a division by zero or a wrapped product anywhere
 * (the bug of a 2^63-byte measurement) is caught by UBSan or by the
 * invariant of console_stub.c: every line printed is plain printable text. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "measure.h"
#include "printf.h"

#define STEP 17
#define LABEL_BYTES 40

static uint64_t le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    measure_reset();
    char label[LABEL_BYTES + 1];
    for (size_t at = 0; at + STEP <= size; at += STEP) {
        uint8_t op = data[at];
        uint64_t a = le64(&data[at + 1]), b = le64(&data[at + 9]);
        if (op & 1) {
            size_t n = (size_t)(a % (LABEL_BYTES + 1));
            size_t left = size - at - STEP;
            n = n < left ? n : left;
            memcpy(label, &data[at + STEP], n); /* any bytes: control characters too */
            label[n] = '\0';
            measure_begin(label, b);
        } else {
            measure_end(a, b);
        }
        measure_print();
    }
    return 0;
}
