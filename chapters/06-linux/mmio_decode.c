/* SPDX-License-Identifier: MIT */
/* A decoder for just the instructions that touch device registers:
 *   88/89  MOV r/m, reg     (store)     8A/8B  MOV reg, r/m  (load)
 *   C6/C7  MOV r/m, imm     (store)     0F B6/B7  MOVZX reg, r/m8 / r/m16
 * with the operand-size prefix 66, REX, and segment prefixes (ignored).
 * What is needed is the length, to step over the instruction, and how the
 * memory operand's address is formed, to check that the whole access is
 * where the EPT violation says ("Addressing-Mode Encoding of ModR/M and
 * SIB Bytes", Intel SDM Vol. 2A). */
#include "mmio_decode.h"

#define PREFIX_OPERAND_SIZE 0x66
#define PREFIX_ADDRESS_SIZE 0x67
#define REX_MIN 0x40
#define REX_MAX 0x4F
#define REX_W 0x8
#define REX_R 0x4
#define REX_X 0x2
#define REX_B 0x1
#define REG_EXTENDED 8
#define OPCODE_ESCAPE 0x0F
#define MOV_STORE_8 0x88
#define MOV_STORE 0x89
#define MOV_LOAD_8 0x8A
#define MOV_LOAD 0x8B
#define MOV_IMM_8 0xC6
#define MOV_IMM 0xC7
#define MOVZX_8 0xB6
#define MOVZX_16 0xB7
#define MODRM_MOD(b) ((b) >> 6)
#define MODRM_REG(b) (((b) >> 3) & 7)
#define MODRM_RM(b) ((b) & 7)
#define MOD_REGISTER 3
#define RM_SIB 4
#define RM_DISP32 5 /* with mod 0: RIP-relative in 64-bit mode */
#define SIB_BASE(b) ((b) & 7)
#define SIB_INDEX(b) (((b) >> 3) & 7)
#define SIB_SCALE(b) (1u << ((b) >> 6))
#define INDEX_NONE 4 /* SIB index 100b without REX.X: no index */
#define BASE_NONE 5 /* with mod 0: no base, disp32 */
#define IMM32_SIGN 0x80000000ull
#define IMM32_SIGN_EXTENSION 0xFFFFFFFF00000000ull

/* ES, CS, SS, DS, FS, GS overrides: in 64-bit mode only FS and GS add a
 * base to the address. */
static const uint8_t segment_prefixes[] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};

static bool is_segment_prefix(uint8_t b)
{
    for (size_t i = 0; i < sizeof segment_prefixes; i++)
        if (b == segment_prefixes[i])
            return true;
    return false;
}

static int64_t sign_extend(uint64_t v, unsigned bytes)
{
    unsigned shift = 64 - 8 * bytes;
    return (int64_t)(v << shift) >> shift;
}

static uint64_t read_le(const uint8_t *p, unsigned n);

/* Parses ModRM + SIB + displacement starting at p into out's address
 * fields; returns their length, or 0 if the ModRM names a register (no
 * memory operand) or the bytes run out. */
static unsigned modrm_parse(const uint8_t *p, size_t avail, uint8_t rex,
                            struct mmio_insn *out)
{
    if (avail < 1)
        return 0;
    uint8_t modrm = p[0];
    unsigned mod = MODRM_MOD(modrm), rm = MODRM_RM(modrm), len = 1, disp = 0;
    if (mod == MOD_REGISTER)
        return 0;
    out->index = MMIO_NO_REGISTER;
    out->scale = 1;
    if (rm == RM_SIB) {
        if (avail < 2)
            return 0;
        uint8_t sib = p[1];
        unsigned index = SIB_INDEX(sib) | ((rex & REX_X) ? REG_EXTENDED : 0);
        if (index != INDEX_NONE)
            out->index = (int)index;
        out->scale = SIB_SCALE(sib);
        out->base = (int)(SIB_BASE(sib) | ((rex & REX_B) ? REG_EXTENDED : 0));
        if (mod == 0 && SIB_BASE(sib) == BASE_NONE) {
            out->base = MMIO_NO_REGISTER;
            disp = 4;
        }
        len += 1;
    } else if (mod == 0 && rm == RM_DISP32) {
        out->base = MMIO_BASE_RIP;
        disp = 4;
    } else {
        out->base = (int)(rm | ((rex & REX_B) ? REG_EXTENDED : 0));
    }
    disp = mod == 1 ? 1 : mod == 2 ? 4 : disp;
    if (len + disp > avail)
        return 0;
    out->displacement = disp ? sign_extend(read_le(&p[len], disp), disp) : 0;
    return len + disp;
}

static uint64_t read_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

bool mmio_decode(const uint8_t *bytes, size_t avail, struct mmio_insn *out)
{
    size_t i = 0;
    bool opsize16 = false;
    uint8_t rex = 0;
    if (avail > X86_MAX_INSTRUCTION_LENGTH)
        avail = X86_MAX_INSTRUCTION_LENGTH;

    uint8_t segment = 0;
    bool address_32 = false;
    for (; i < avail; i++) {
        if (bytes[i] == PREFIX_OPERAND_SIZE)
            opsize16 = true;
        else if (bytes[i] == PREFIX_ADDRESS_SIZE)
            address_32 = true;
        else if (is_segment_prefix(bytes[i]))
            segment = bytes[i];
        else
            break;
    }
    if (i < avail && bytes[i] >= REX_MIN && bytes[i] <= REX_MAX)
        rex = bytes[i++]; /* REX must come right before the opcode */
    if (i >= avail)
        return false;

    unsigned full = (rex & REX_W) ? 8 : opsize16 ? 2 : 4;
    uint8_t op = bytes[i++];
    *out = (struct mmio_insn){.segment = segment, .address_32 = address_32};
    if (op == OPCODE_ESCAPE) {
        if (i >= avail || (bytes[i] != MOVZX_8 && bytes[i] != MOVZX_16))
            return false;
        out->size = bytes[i++] == MOVZX_8 ? 1 : 2;
        out->dest_size = full;
    } else if (op == MOV_STORE_8 || op == MOV_LOAD_8 || op == MOV_IMM_8) {
        out->size = 1;
    } else if (op == MOV_STORE || op == MOV_LOAD || op == MOV_IMM) {
        out->size = full;
    } else {
        return false;
    }
    out->is_write = op == MOV_STORE_8 || op == MOV_STORE || op == MOV_IMM_8 || op == MOV_IMM;
    out->has_immediate = op == MOV_IMM_8 || op == MOV_IMM;
    if (!out->is_write && !out->dest_size)
        out->dest_size = out->size;

    if (i >= avail)
        return false;
    uint8_t modrm = bytes[i];
    unsigned mlen = modrm_parse(&bytes[i], avail - i, rex, out);
    if (!mlen)
        return false; /* register operand: not a memory access */
    if (out->has_immediate && MODRM_REG(modrm) != 0)
        return false; /* C6/C7 with /1-/7 are other instructions */
    out->reg = MODRM_REG(modrm) | ((rex & REX_R) ? 8 : 0);
    /* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
    out->high_byte = out->size == 1 && !rex && !out->has_immediate &&
                     out->reg >= 4 && (out->dest_size == 1 || out->is_write);
    i += mlen;

    if (out->has_immediate) {
        unsigned isize = out->size == 8 ? 4 : out->size; /* imm32, sign-extended */
        if (i + isize > avail)
            return false;
        uint64_t imm = read_le(&bytes[i], isize);
        if (out->size == 8 && (imm & IMM32_SIGN))
            imm |= IMM32_SIGN_EXTENSION;
        out->immediate = imm;
        i += isize;
    }
    out->length = (unsigned)i;
    return true;
}
