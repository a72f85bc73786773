/* SPDX-License-Identifier: MIT */
/** @file vmx_insn.h
 *  The VMX instructions as C functions. Each reports how it ended, as in
 *  Intel SDM Vol. 3C, "Conventions" of "VMX Instruction Reference":
 *  VMsucceed (CF = ZF = 0), VMfailInvalid (CF = 1: no current VMCS to
 *  hold an error number) or VMfailValid (ZF = 1: the error number is in
 *  the VM-instruction error field of the current VMCS). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum vmx_status {
    VMX_SUCCEED = 0,
    VMX_FAIL_INVALID = 1,
    VMX_FAIL_VALID = 2,
};

/** INVEPT types (Intel SDM Vol. 3C, "INVEPT"). */
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
/** INVVPID types (Intel SDM Vol. 3C, "INVVPID"). */
#define INVVPID_INDIVIDUAL_ADDRESS 0
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2

struct invept_descriptor {
    uint64_t eptp;
    uint64_t reserved;
};

struct invvpid_descriptor {
    uint64_t vpid; /**< bits 15:0; the rest must be zero */
    uint64_t linear_address;
};
/** Both descriptors are 128 bits ("INVEPT", "INVVPID"). */
#define VMX_INVALIDATION_DESCRIPTOR_SIZE 16
_Static_assert(sizeof(struct invept_descriptor) == VMX_INVALIDATION_DESCRIPTOR_SIZE,
               "the INVEPT descriptor is 128 bits");
_Static_assert(sizeof(struct invvpid_descriptor) == VMX_INVALIDATION_DESCRIPTOR_SIZE,
               "the INVVPID descriptor is 128 bits");

/* The instructions read 128-bit descriptors ("INVEPT", "INVVPID"). */
_Static_assert(sizeof(struct invept_descriptor) == 16, "INVEPT descriptor: 128 bits");
_Static_assert(sizeof(struct invvpid_descriptor) == 16, "INVVPID descriptor: 128 bits");

enum vmx_status vmxon(uint64_t vmxon_region_phys);
enum vmx_status vmxoff(void);
enum vmx_status vmclear(uint64_t vmcs_phys);
enum vmx_status vmptrld(uint64_t vmcs_phys);
/** Return only when the VM entry fails as an instruction (VMfail); a VM
 *  entry that happens leaves through the VMCS's HOST_RIP instead. */
enum vmx_status vmlaunch(void);
enum vmx_status vmresume(void);
enum vmx_status invept(uint64_t type, const struct invept_descriptor *d);
enum vmx_status invvpid(uint64_t type, const struct invvpid_descriptor *d);

/** "VMsucceed", "VMfailInvalid" or "VMfailValid". */
const char *vmx_status_name(enum vmx_status s);

/** Explains a failed VMX instruction in words: for VMfailValid the decoded
 *  VM-instruction error, read from the current VMCS. Returns a static
 *  buffer, valid until the next call. */
const char *vmx_failure_reason(enum vmx_status s);

/* VMREAD and VMWRITE run on every VM exit, a few times each, so they are
 * inline: a call to an out-of-line wrapper costs more instructions than
 * the VMX instruction it wraps. GCC's flag-output operands ("=@ccc",
 * "=@ccz", "=@ccbe") hand RFLAGS to C. */

/** CF = 1: VMfailInvalid; ZF = 1: VMfailValid; neither: VMsucceed. */
static inline enum vmx_status vmx_status_from_flags(bool cf, bool zf)
{
    if (cf)
        return VMX_FAIL_INVALID;
    if (zf)
        return VMX_FAIL_VALID;
    return VMX_SUCCEED;
}

/** VMREAD whose failure the caller handles: for a field that may not
 *  exist on this CPU, or when there may be no current VMCS. */
static inline enum vmx_status vmread(uint64_t field, uint64_t *value)
{
    bool cf, zf;
    uint64_t v;
    __asm__ volatile("vmread %[field], %[v]"
                     : [v] "=r"(v), "=@ccc"(cf), "=@ccz"(zf)
                     : [field] "r"(field)
                     : "memory");
    *value = v;
    return vmx_status_from_flags(cf, zf);
}

/** VMWRITE whose failure the caller handles. */
static inline enum vmx_status vmwrite(uint64_t field, uint64_t value)
{
    bool cf, zf;
    __asm__ volatile("vmwrite %[v], %[field]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [field] "r"(field), [v] "r"(value)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

/** What vmcs_read() and vmcs_write() call when the instruction failed (a
 *  hypervisor bug): they panic with the field encoding and the decoded
 *  error. Out of line, so the hot path stays short. */
__attribute__((__noreturn__, __cold__)) void vmcs_read_failed(uint32_t field);
__attribute__((__noreturn__, __cold__)) void vmcs_write_failed(uint32_t field, uint64_t value);

/** VMREAD that must work: one VMX instruction and one branch (CF or ZF
 *  set, "below or equal") to vmcs_read_failed(). */
static inline uint64_t vmcs_read(uint32_t field)
{
    bool failed;
    uint64_t value;
    __asm__ volatile("vmread %[field], %[value]"
                     : [value] "=r"(value), "=@ccbe"(failed)
                     : [field] "r"((uint64_t)field)
                     : "memory");
    if (__builtin_expect(failed, 0))
        vmcs_read_failed(field);
    return value;
}

/** VMWRITE that must work, likewise. */
static inline void vmcs_write(uint32_t field, uint64_t value)
{
    bool failed;
    __asm__ volatile("vmwrite %[value], %[field]"
                     : "=@ccbe"(failed)
                     : [field] "r"((uint64_t)field), [value] "r"(value)
                     : "memory");
    if (__builtin_expect(failed, 0))
        vmcs_write_failed(field, value);
}
