/* SPDX-License-Identifier: MIT */
/** @file mmio_decode.h
 *  Decoding the instruction that touched an MMIO address. An EPT violation
 *  says which address and whether it was a read or a write, but not the
 *  size, the register or the value: those are in the instruction. Only the
 *  MOV forms a device driver uses are decoded, in 64-bit mode. Intel SDM
 *  Vol. 2, "Instruction Format" and "MOV", "MOVZX". The operand's address
 *  is decoded too: the exit gives only the faulting part of an access,
 *  which for one that straddles a page starts past the operand. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSTRUCTION_LENGTH 15

/** One decoded MMIO access. */
struct mmio_insn {
    unsigned length;      /**< bytes, to advance RIP */
    unsigned size;        /**< access size: 1, 2, 4 or 8 */
    bool is_write;        /**< store to memory (else load) */
    bool has_immediate;   /**< store of an immediate, not a register */
    uint64_t immediate;   /**< sign-extended to the access size */
    unsigned reg;         /**< register number (SDM encoding 0-15) */
    bool high_byte;       /**< reg is AH, CH, DH or BH (no REX, size 1) */
    unsigned dest_size;   /**< loads: bytes written to reg (MOVZX widens) */
    /* The memory operand's address: segment base + base + index * scale +
     * displacement, truncated to 32 bits with the address-size prefix. */
    int base;             /**< register number, MMIO_NO_REGISTER or MMIO_BASE_RIP */
    int index;            /**< register number or MMIO_NO_REGISTER */
    unsigned scale;       /**< 1, 2, 4 or 8 */
    int64_t displacement; /**< sign-extended */
    uint8_t segment;      /**< the segment-override prefix byte, or 0 */
    bool address_32;      /**< the address-size prefix 67 */
    bool protected_32;    /**< decoded for 32-bit protected mode (mmio.c) */
};

#define MMIO_NO_REGISTER (-1)
#define MMIO_BASE_RIP (-2) /**< RIP-relative: from the next instruction */
#define MMIO_PREFIX_FS 0x64
#define MMIO_PREFIX_GS 0x65

/** Decodes bytes (avail of them readable) as a 64-bit-mode instruction;
 *  false if it is not one of the supported MOV forms. */
bool mmio_decode(const uint8_t *bytes, size_t avail, struct mmio_insn *out);
