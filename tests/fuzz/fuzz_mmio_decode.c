/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the MMIO instruction decoder (every chapter copy of
 * mmio_decode.c, tests/test_fuzz.py) on arbitrary
 * bytes. libFuzzer hands over a heap copy of exactly size bytes, so
 * AddressSanitizer catches a read past them. What a successful decoding
 * must satisfy (Intel SDM Vol. 2, "Instruction Format"):
 *   - 1 <= length <= 15, and length <= the bytes given;
 *   - size is 1, 2, 4 or 8; reg is 0-15; high_byte only with size 1;
 *   - the instruction is its first length bytes: decoding exactly those
 *     gives the same result, and one byte fewer is refused (each from a
 *     heap copy of just those bytes, so a read past them is caught too).
 * A broken invariant traps, which libFuzzer reports as a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mmio_decode.h"

static bool same(const struct mmio_insn *a, const struct mmio_insn *b)
{
    return a->length == b->length && a->size == b->size && a->is_write == b->is_write &&
           a->has_immediate == b->has_immediate && a->immediate == b->immediate &&
           a->reg == b->reg && a->high_byte == b->high_byte && a->dest_size == b->dest_size &&
           a->base == b->base && a->index == b->index && a->scale == b->scale &&
           a->displacement == b->displacement && a->segment == b->segment &&
           a->address_32 == b->address_32;
}

/** mmio_decode of a heap copy of the first n bytes. */
static bool decode_copy(const uint8_t *data, size_t n, struct mmio_insn *out)
{
    uint8_t *copy = malloc(n ? n : 1);
    REQUIRE(copy);
    memcpy(copy, data, n);
    bool ok = mmio_decode(copy, n, out);
    free(copy);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mmio_insn insn;
    if (!mmio_decode(data, size, &insn))
        return 0;
    REQUIRE(insn.length >= 1 && insn.length <= X86_MAX_INSTRUCTION_LENGTH);
    REQUIRE(insn.length <= size);
    REQUIRE(insn.size == 1 || insn.size == 2 || insn.size == 4 || insn.size == 8);
    REQUIRE(insn.reg < 16);
    REQUIRE(!insn.high_byte || insn.size == 1);
    /* The operand's address: registers 0-15 or none (or RIP for the base). */
    REQUIRE(insn.base >= MMIO_BASE_RIP && insn.base < 16);
    REQUIRE(insn.index >= MMIO_NO_REGISTER && insn.index < 16 && insn.index != 4);
    REQUIRE(insn.scale == 1 || insn.scale == 2 || insn.scale == 4 || insn.scale == 8);

    struct mmio_insn again;
    REQUIRE(decode_copy(data, insn.length, &again) && same(&insn, &again));
    REQUIRE(!decode_copy(data, insn.length - 1, &again));
    return 0;
}
