// sources: chapters/03-ept/mmio_decode.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the MMIO instruction decoder (chapter 3): a table of
 * instructions, each with the bytes nasm 2.16 assembles it to in 64-bit
 * mode (`bits 64`, `nasm -f bin`; the text is nasm's) and what the decoder
 * must make of it; then instructions it must refuse. Every valid row is
 * also cut short at each length below its own, which must be refused: the
 * hypervisor fetches the bytes up to a page it cannot read. Each decode
 * reads from a heap copy of exactly `avail` bytes, so AddressSanitizer
 * catches a read past them. Intel SDM Vol. 2, "Instruction Format",
 * "MOV", "MOVZX". */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "mmio_decode.h"

#define N(array) (sizeof(array) / sizeof((array)[0]))

/** One instruction: nasm's text, its bytes, and the expected decoding. */
struct row {
    const char *text;
    uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH + 4]; /**< room for over-long ones */
    unsigned n;                                    /**< bytes used */
    struct mmio_insn want;
};

#define BYTES(...) {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})
/* Loads: register reg gets dest bytes from an access of size bytes. */
#define LOAD(len, sz, r, dest) {.length = len, .size = sz, .reg = r, .dest_size = dest}
/* AH, CH, DH, BH: reg 4-7 without REX. */
#define LOAD_HIGH(len, r) {.length = len, .size = 1, .reg = r, .high_byte = true, .dest_size = 1}
#define STORE(len, sz, r) {.length = len, .size = sz, .is_write = true, .reg = r}
#define STORE_HIGH(len, r) {.length = len, .size = 1, .is_write = true, .reg = r, .high_byte = true}
#define STORE_IMM(len, sz, imm)                                                \
    {.length = len, .size = sz, .is_write = true, .has_immediate = true, .immediate = imm}

static const struct row valid[] = {
    /* 8-bit loads (8A) */
    {"mov al, [rbx]", BYTES(0x8A, 0x03), LOAD(2, 1, 0, 1)},
    {"mov bh, [rbx]", BYTES(0x8A, 0x3B), LOAD_HIGH(2, 7)},
    {"mov ah, [rbx+13]", BYTES(0x8A, 0x63, 0x0D), LOAD_HIGH(3, 4)},
    {"mov sil, [rbx]", BYTES(0x40, 0x8A, 0x33), LOAD(3, 1, 6, 1)}, /* REX: SIL, not DH */
    {"mov r10b, [rbx]", BYTES(0x44, 0x8A, 0x13), LOAD(3, 1, 10, 1)},
    /* 16-, 32- and 64-bit loads (8B) */
    {"mov ax, [rbx+8]", BYTES(0x66, 0x8B, 0x43, 0x08), LOAD(4, 2, 0, 2)},
    {"mov r15w, [rbx+8]", BYTES(0x66, 0x44, 0x8B, 0x7B, 0x08), LOAD(5, 2, 15, 2)},
    {"mov eax, [rbx]", BYTES(0x8B, 0x03), LOAD(2, 4, 0, 4)},
    {"mov r9d, [rbx+8]", BYTES(0x44, 0x8B, 0x4B, 0x08), LOAD(4, 4, 9, 4)},
    {"mov rax, [rbx+8]", BYTES(0x48, 0x8B, 0x43, 0x08), LOAD(4, 8, 0, 8)},
    {"mov rcx, [rbx+0x12345678]", BYTES(0x48, 0x8B, 0x8B, 0x78, 0x56, 0x34, 0x12),
     LOAD(7, 8, 1, 8)},
    {"mov r12, [rbx-8]", BYTES(0x4C, 0x8B, 0x63, 0xF8), LOAD(4, 8, 12, 8)},
    /* REX.W wins over 66 */
    {"o16 mov rax, [rbx]", BYTES(0x66, 0x48, 0x8B, 0x03), LOAD(4, 8, 0, 8)},

    /* 8-bit stores (88) */
    {"mov [rbx], al", BYTES(0x88, 0x03), STORE(2, 1, 0)},
    {"mov [rbx+13], ah", BYTES(0x88, 0x63, 0x0D), STORE_HIGH(3, 4)},
    {"mov [rbx], spl", BYTES(0x40, 0x88, 0x23), STORE(3, 1, 4)}, /* REX: SPL, not AH */
    {"mov [rbx+8], r8b", BYTES(0x44, 0x88, 0x43, 0x08), STORE(4, 1, 8)},
    /* 16-, 32- and 64-bit stores (89) */
    {"mov [rbx+2], dx", BYTES(0x66, 0x89, 0x53, 0x02), STORE(4, 2, 2)},
    {"mov [rbx+4], ecx", BYTES(0x89, 0x4B, 0x04), STORE(3, 4, 1)},
    {"mov [rbx+0x10], r15", BYTES(0x4C, 0x89, 0x7B, 0x10), STORE(4, 8, 15)},
    {"mov [rbx+0x10], rsp", BYTES(0x48, 0x89, 0x63, 0x10), STORE(4, 8, 4)},

    /* Immediates: C6 imm8, 66 C7 imm16, C7 imm32, REX.W C7 imm32
     * sign-extended to 64 bits. */
    {"mov byte [rbx+1], 0x80", BYTES(0xC6, 0x43, 0x01, 0x80), STORE_IMM(4, 1, 0x80)},
    {"mov byte [rbx], 0x7f", BYTES(0xC6, 0x03, 0x7F), STORE_IMM(3, 1, 0x7F)},
    {"mov word [rbx+2], 0xbeef", BYTES(0x66, 0xC7, 0x43, 0x02, 0xEF, 0xBE),
     STORE_IMM(6, 2, 0xBEEF)},
    {"mov word [rbx], -1", BYTES(0x66, 0xC7, 0x03, 0xFF, 0xFF), STORE_IMM(5, 2, 0xFFFF)},
    {"mov dword [rbx+4], 0xdeadbeef", BYTES(0xC7, 0x43, 0x04, 0xEF, 0xBE, 0xAD, 0xDE),
     STORE_IMM(7, 4, 0xDEADBEEF)},
    {"mov dword [rbx], -1", BYTES(0xC7, 0x03, 0xFF, 0xFF, 0xFF, 0xFF),
     STORE_IMM(6, 4, 0xFFFFFFFF)},
    {"mov qword [rbx+8], -2", BYTES(0x48, 0xC7, 0x43, 0x08, 0xFE, 0xFF, 0xFF, 0xFF),
     STORE_IMM(8, 8, 0xFFFFFFFFFFFFFFFE)},
    {"mov qword [rbx], 0x7fffffff", BYTES(0x48, 0xC7, 0x03, 0xFF, 0xFF, 0xFF, 0x7F),
     STORE_IMM(7, 8, 0x7FFFFFFF)},
    {"mov qword [rbx], -0x80000000", BYTES(0x48, 0xC7, 0x03, 0x00, 0x00, 0x00, 0x80),
     STORE_IMM(7, 8, 0xFFFFFFFF80000000)},
    /* the immediate follows a disp32: RIP-relative (mod 00, r/m 101) ... */
    {"mov dword [rel $+0x100], 0x12 (= [rip+0xf6])",
     BYTES(0xC7, 0x05, 0xF6, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00),
     STORE_IMM(10, 4, 0x12)},
    /* ... and SIB with no base (mod 00, base 101) */
    {"mov dword [rcx*8+0x1000], 1",
     BYTES(0xC7, 0x04, 0xCD, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00),
     STORE_IMM(11, 4, 1)},

    /* MOVZX: the access is 1 or 2 bytes, the destination 2, 4 or 8 */
    {"movzx eax, byte [rbx]", BYTES(0x0F, 0xB6, 0x03), LOAD(3, 1, 0, 4)},
    {"movzx esp, byte [rbx]", BYTES(0x0F, 0xB6, 0x23), LOAD(3, 1, 4, 4)}, /* not AH */
    {"movzx ecx, word [rbx+2]", BYTES(0x0F, 0xB7, 0x4B, 0x02), LOAD(4, 2, 1, 4)},
    {"movzx rax, byte [rbx]", BYTES(0x48, 0x0F, 0xB6, 0x03), LOAD(4, 1, 0, 8)},
    {"movzx r11, word [rbx+8]", BYTES(0x4C, 0x0F, 0xB7, 0x5B, 0x08), LOAD(5, 2, 11, 8)},
    {"movzx ax, byte [rbx]", BYTES(0x66, 0x0F, 0xB6, 0x03), LOAD(4, 1, 0, 2)},
    {"movzx r8d, byte [rbx+0x1000]",
     BYTES(0x44, 0x0F, 0xB6, 0x83, 0x00, 0x10, 0x00, 0x00), LOAD(8, 1, 8, 4)},

    /* Addressing forms: each changes the length */
    {"mov eax, [rbx+rcx*4+8]", BYTES(0x8B, 0x44, 0x8B, 0x08), LOAD(4, 4, 0, 4)},
    {"mov eax, [rbx+rcx*4+0x12345678]",
     BYTES(0x8B, 0x84, 0x8B, 0x78, 0x56, 0x34, 0x12), LOAD(7, 4, 0, 4)},
    {"mov eax, [rcx*8+0x1000]", BYTES(0x8B, 0x04, 0xCD, 0x00, 0x10, 0x00, 0x00),
     LOAD(7, 4, 0, 4)},
    {"mov eax, [r13*8+0x1000]", BYTES(0x42, 0x8B, 0x04, 0xED, 0x00, 0x10, 0x00, 0x00),
     LOAD(8, 4, 0, 4)},
    {"mov eax, [rel $+0x1006] (= [rip+0x1000])",
     BYTES(0x8B, 0x05, 0x00, 0x10, 0x00, 0x00), LOAD(6, 4, 0, 4)},
    {"mov rax, [rel $+0x1007] (= [rip+0x1000])",
     BYTES(0x48, 0x8B, 0x05, 0x00, 0x10, 0x00, 0x00), LOAD(7, 8, 0, 8)},
    {"mov eax, [0x1000] (SIB, no base, no index)",
     BYTES(0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00), LOAD(7, 4, 0, 4)},
    {"mov eax, [rbp] (disp8 0)", BYTES(0x8B, 0x45, 0x00), LOAD(3, 4, 0, 4)},
    {"mov eax, [r13] (disp8 0)", BYTES(0x41, 0x8B, 0x45, 0x00), LOAD(4, 4, 0, 4)},
    {"mov eax, [rsp] (SIB)", BYTES(0x8B, 0x04, 0x24), LOAD(3, 4, 0, 4)},
    {"mov eax, [r12+8]", BYTES(0x41, 0x8B, 0x44, 0x24, 0x08), LOAD(5, 4, 0, 4)},
    {"mov eax, [rbp+rax+0x12345678]", BYTES(0x8B, 0x84, 0x05, 0x78, 0x56, 0x34, 0x12),
     LOAD(7, 4, 0, 4)},
    {"mov eax, [r13+rax]", BYTES(0x41, 0x8B, 0x44, 0x05, 0x00), LOAD(5, 4, 0, 4)},
    {"mov eax, [rsp+0x200]", BYTES(0x8B, 0x84, 0x24, 0x00, 0x02, 0x00, 0x00),
     LOAD(7, 4, 0, 4)},

    /* Segment and address-size prefixes: skipped, but counted */
    {"mov eax, [fs:rbx]", BYTES(0x64, 0x8B, 0x03), LOAD(3, 4, 0, 4)},
    {"mov [gs:rbx+8], rax", BYTES(0x65, 0x48, 0x89, 0x43, 0x08), STORE(5, 8, 0)},
    {"mov ax, [gs:rbx]", BYTES(0x65, 0x66, 0x8B, 0x03), LOAD(4, 2, 0, 2)},
    {"mov eax, [fs:0x28]", BYTES(0x64, 0x8B, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00),
     LOAD(8, 4, 0, 4)},
    {"mov eax, [ebx]", BYTES(0x67, 0x8B, 0x03), LOAD(3, 4, 0, 4)},
    {"mov eax, [ebx+ecx*4+8]", BYTES(0x67, 0x8B, 0x44, 0x8B, 0x08), LOAD(5, 4, 0, 4)},
    {"mov eax, [ebp+0x100]", BYTES(0x67, 0x8B, 0x85, 0x00, 0x01, 0x00, 0x00),
     LOAD(7, 4, 0, 4)},
    {"mov [fs:ebx+8], rax", BYTES(0x64, 0x67, 0x48, 0x89, 0x43, 0x08), STORE(6, 8, 0)},
    {"mov word [fs:ebx+0x40], 0x1234",
     BYTES(0x64, 0x66, 0x67, 0xC7, 0x43, 0x40, 0x34, 0x12), STORE_IMM(8, 2, 0x1234)},
    /* The longest an instruction may be: 15 bytes */
    {"times 13 db 0x2e; mov [rbx], eax",
     BYTES(0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E,
           0x89, 0x03),
     STORE(15, 4, 0)},
    {"times 8 db 0x2e; mov qword [rbx], 0x7fffffff",
     BYTES(0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x48, 0xC7, 0x03, 0xFF, 0xFF,
           0xFF, 0x7F),
     STORE_IMM(15, 8, 0x7FFFFFFF)},
};

/* Not a MOV to or from memory that the decoder supports. */
#define REFUSED {0}
static const struct row rejected[] = {
    /* register to register: no memory operand (mod 11) */
    {"mov eax, ebx", BYTES(0x89, 0xD8), REFUSED},
    {"mov al, bl", BYTES(0x88, 0xD8), REFUSED},
    {"mov rax, r9", BYTES(0x4C, 0x89, 0xC8), REFUSED},
    {"movzx eax, bl", BYTES(0x0F, 0xB6, 0xC3), REFUSED},
    /* mov ebx, 5 as C7 /0 with mod 11 (nasm picks B8+r; hand-encoded,
     * objdump: mov $0x5,%ebx) */
    {"C7 C3 imm32", BYTES(0xC7, 0xC3, 0x05, 0x00, 0x00, 0x00), REFUSED},
    {"mov eax, 5", BYTES(0xB8, 0x05, 0x00, 0x00, 0x00), REFUSED},
    /* other opcodes that touch memory */
    {"add dword [rbx+8], 1", BYTES(0x83, 0x43, 0x08, 0x01), REFUSED},
    {"mov [rbx], es", BYTES(0x8C, 0x03), REFUSED},
    {"xchg [rbx], eax", BYTES(0x87, 0x03), REFUSED},
    {"mov eax, [qword 0x1000] (moffs)",
     BYTES(0xA1, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), REFUSED},
    {"mov [qword 0x1000], al (moffs)",
     BYTES(0xA2, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), REFUSED},
    {"rep movsb", BYTES(0xF3, 0xA4), REFUSED},
    {"lock inc dword [rbx]", BYTES(0xF0, 0xFF, 0x03), REFUSED},
    /* C6/C7 with a reg field other than 0 (hand-encoded: nasm has no such
     * instruction; /1-/6 are undefined, /7 is XABORT/XBEGIN) */
    {"C7 /1 dword [rbx+8], 1", BYTES(0xC7, 0x4B, 0x08, 0x01, 0x00, 0x00, 0x00), REFUSED},
    {"C6 /1 byte [rbx+8], 1", BYTES(0xC6, 0x4B, 0x08, 0x01), REFUSED},
    {"REX.W C7 /7 qword [rbx], 1",
     BYTES(0x48, 0xC7, 0x3B, 0x01, 0x00, 0x00, 0x00), REFUSED},
    /* the 0F escape with other opcodes */
    {"movsx eax, byte [rbx]", BYTES(0x0F, 0xBE, 0x03), REFUSED},
    {"cmovz eax, [rbx]", BYTES(0x0F, 0x44, 0x03), REFUSED},
    {"movnti [rbx], eax", BYTES(0x0F, 0xC3, 0x03), REFUSED},
    {"mov rax, cr0", BYTES(0x0F, 0x20, 0xC0), REFUSED},
    /* longer than 15 bytes */
    {"times 14 db 0x2e; mov [rbx], eax",
     BYTES(0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E,
           0x89, 0x03), REFUSED},
    {"times 9 db 0x2e; mov qword [rbx], 0x7fffffff",
     BYTES(0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x48, 0xC7, 0x03, 0xFF,
           0xFF, 0xFF, 0x7F), REFUSED},
};

/** mmio_decode() on a heap copy of exactly avail bytes. */
static bool decode(const uint8_t *bytes, size_t avail, struct mmio_insn *out)
{
    uint8_t *copy = malloc(avail ? avail : 1);
    if (!copy)
        exit(2);
    if (avail)
        memcpy(copy, bytes, avail);
    bool ok = mmio_decode(avail ? copy : copy + 1, avail, out);
    free(copy);
    return ok;
}

#define FIELD_EQ(label, got, want)                                             \
    do {                                                                       \
        snprintf(what, sizeof what, "%s: %s", r->text, label);                 \
        if (check_at((uint64_t)(got) == (uint64_t)(want), __FILE__, __LINE__, \
                     what))                                                    \
            check_end(": got 0x%llx, want 0x%llx\n",                           \
                      (unsigned long long)(got), (unsigned long long)(want));  \
    } while (0)

static void compare(const struct row *r, const struct mmio_insn *got)
{
    char what[160];
    const struct mmio_insn *want = &r->want;
    FIELD_EQ("length", got->length, want->length);
    FIELD_EQ("size", got->size, want->size);
    FIELD_EQ("is_write", got->is_write, want->is_write);
    FIELD_EQ("has_immediate", got->has_immediate, want->has_immediate);
    if (want->has_immediate)
        FIELD_EQ("immediate", got->immediate, want->immediate);
    else
        FIELD_EQ("reg", got->reg, want->reg);
    FIELD_EQ("high_byte", got->high_byte, want->high_byte);
    if (!want->is_write) /* dest_size says nothing about stores */
        FIELD_EQ("dest_size", got->dest_size, want->dest_size);
}

/* Each row decodes as expected: with exactly its bytes, followed by other
 * bytes (which must not change the length), and with more than 15
 * readable. Every shorter prefix of it is refused. */
static void decodes(void)
{
    char what[160];
    for (size_t i = 0; i < N(valid); i++) {
        const struct row *r = &valid[i];
        struct mmio_insn got;
        FIELD_EQ("table: bytes given == length", r->n, r->want.length);

        snprintf(what, sizeof what, "%s: decodes", r->text);
        if (check_at(decode(r->bytes, r->n, &got), __FILE__, __LINE__, what))
            check_end("\n");
        else
            compare(r, &got);

        uint8_t longer[32];
        memset(longer, 0x90, sizeof longer);
        memcpy(longer, r->bytes, r->n);
        for (size_t avail = X86_MAX_INSTRUCTION_LENGTH; avail <= sizeof longer;
             avail += sizeof longer - X86_MAX_INSTRUCTION_LENGTH) {
            struct mmio_insn more = {0};
            snprintf(what, sizeof what, "%s: decodes with %zu bytes readable", r->text,
                     avail);
            if (check_at(decode(longer, avail, &more) && more.length == r->want.length,
                         __FILE__, __LINE__, what))
                check_end(": length %u\n", more.length);
        }

        size_t accepted = 0, first = 0;
        for (size_t n = 0; n < r->n; n++)
            if (decode(r->bytes, n, &got) && !accepted++)
                first = n;
        snprintf(what, sizeof what, "%s: every truncation refused", r->text);
        if (check_at(!accepted, __FILE__, __LINE__, what))
            check_end(": %zu accepted, the first with %zu bytes\n", accepted, first);
    }
}

static void refuses(void)
{
    char what[160];
    for (size_t i = 0; i < N(rejected); i++) {
        const struct row *r = &rejected[i];
        struct mmio_insn got;
        snprintf(what, sizeof what, "%s: refused", r->text);
        if (check_at(!decode(r->bytes, r->n, &got), __FILE__, __LINE__, what))
            check_end(": length %u size %u\n", got.length, got.size);
    }

    /* Nothing to decode; only prefixes. */
    static const uint8_t prefixes[][16] = {
        {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
         0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66},
        {0x67, 0x67, 0x67, 0x67, 0x67, 0x67, 0x67, 0x67,
         0x67, 0x67, 0x67, 0x67, 0x67, 0x67, 0x67, 0x67},
        {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67,
         0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67},
    };
    struct mmio_insn got;
    CHECK(!decode(prefixes[0], 0, &got)); /* empty */
    for (size_t i = 0; i < N(prefixes); i++) {
        CHECK(!decode(prefixes[i], sizeof prefixes[i], &got));
        CHECK(!decode(prefixes[i], X86_MAX_INSTRUCTION_LENGTH, &got));
    }
}

int main(void)
{
    decodes();
    refuses();
    return CHECK_DONE("test_mmio_decode");
}
