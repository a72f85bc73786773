/* SPDX-License-Identifier: MIT */
/* VMX instruction wrappers. The instructions report through RFLAGS, which
 * C cannot see, so each wrapper turns CF and ZF into an enum vmx_status
 * (GCC's flag-output operands "=@ccc" and "=@ccz"). VMREAD and VMWRITE are
 * inline, in vmx_insn.h. */
#include "vmx/vmx_insn.h"
#include "panic.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_reasons.h"

enum vmx_status vmxon(uint64_t vmxon_region_phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxon %[pa]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [pa] "m"(vmxon_region_phys)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status vmxoff(void)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf)::"memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status vmclear(uint64_t vmcs_phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmclear %[pa]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [pa] "m"(vmcs_phys)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status vmptrld(uint64_t vmcs_phys)
{
    uint8_t cf, zf;
    __asm__ volatile("vmptrld %[pa]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [pa] "m"(vmcs_phys)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status vmlaunch(void)
{
    uint8_t cf, zf;
    __asm__ volatile("vmlaunch" : "=@ccc"(cf), "=@ccz"(zf)::"memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status vmresume(void)
{
    uint8_t cf, zf;
    __asm__ volatile("vmresume" : "=@ccc"(cf), "=@ccz"(zf)::"memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status invept(uint64_t type, const struct invept_descriptor *d)
{
    uint8_t cf, zf;
    __asm__ volatile("invept %[desc], %[type]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [desc] "m"(*d), [type] "r"(type)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

enum vmx_status invvpid(uint64_t type, const struct invvpid_descriptor *d)
{
    uint8_t cf, zf;
    __asm__ volatile("invvpid %[desc], %[type]"
                     : "=@ccc"(cf), "=@ccz"(zf)
                     : [desc] "m"(*d), [type] "r"(type)
                     : "memory");
    return vmx_status_from_flags(cf, zf);
}

const char *vmx_status_name(enum vmx_status s)
{
    switch (s) {
    case VMX_SUCCEED: return "VMsucceed";
    case VMX_FAIL_INVALID: return "VMfailInvalid";
    case VMX_FAIL_VALID: return "VMfailValid";
    }
    return "unknown VMX status";
}

const char *vmx_failure_reason(enum vmx_status s)
{
    static char reason[128];
    uint64_t error = 0;
    if (s == VMX_FAIL_VALID && vmread(VM_INSTRUCTION_ERROR, &error) == VMX_SUCCEED)
        ksnprintf(reason, sizeof reason, "VMfailValid, VM-instruction error %lu (%s)",
                  error, vm_instruction_error_name((uint32_t)error));
    else if (s == VMX_FAIL_INVALID)
        ksnprintf(reason, sizeof reason,
                  "VMfailInvalid (no current VMCS, or the operand is invalid)");
    else
        ksnprintf(reason, sizeof reason, "%s", vmx_status_name(s));
    return reason;
}

/* A VMREAD or VMWRITE fails valid when there is a current VMCS (the field
 * is unsupported, or read-only) and invalid when there is none; which one
 * it was shows in whether the VM-instruction error field can be read. */
static enum vmx_status access_failure(void)
{
    uint64_t error;
    return vmread(VM_INSTRUCTION_ERROR, &error) == VMX_SUCCEED ? VMX_FAIL_VALID
                                                               : VMX_FAIL_INVALID;
}

void vmcs_read_failed(uint32_t field)
{
    panic("VMREAD of field 0x%x failed: %s", field, vmx_failure_reason(access_failure()));
}

void vmcs_write_failed(uint32_t field, uint64_t value)
{
    panic("VMWRITE of 0x%lx to field 0x%x failed: %s", value, field,
          vmx_failure_reason(access_failure()));
}
