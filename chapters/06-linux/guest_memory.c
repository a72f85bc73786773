/* SPDX-License-Identifier: MIT */
/* The hypervisor sees guest memory the way the CPU does: a linear address
 * goes through the guest's page tables (themselves in guest-physical
 * memory), and every guest-physical address through EPT. Only 4-level
 * paging is walked; with paging off, linear is physical. Intel SDM Vol. 3A,
 * "4-Level Paging and 5-Level Paging". */
#include "guest_memory.h"
#include "guest.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

#define PTE_PRESENT (1ull << 0)
#define PTE_PAGE_SIZE (1ull << 7)
#define PTE_ADDRESS_MASK 0x000FFFFFFFFFF000ull
#define PAGING_LEVELS 4

static const struct ept *guest_ept;
static uint64_t ram_hpa, ram_size;

void guest_memory_init(const struct ept *e, uint64_t hpa, uint64_t size)
{
    guest_ept = e;
    ram_hpa = hpa;
    ram_size = size;
}

void *guest_ram_map(void *ctx, uint64_t gpa, uint64_t len)
{
    (void)ctx;
    /* Written to survive any gpa and len a guest can put in a descriptor. */
    if (gpa > ram_size || len > ram_size - gpa)
        return 0;
    if (gpa < LEGACY_HOLE_END && gpa + len > LEGACY_HOLE_START)
        return 0;
    return (void *)(uintptr_t)(ram_hpa + gpa);
}

bool guest_phys_to_host(uint64_t gpa, uint64_t *hpa)
{
    return ept_translate(guest_ept, gpa, hpa);
}

static bool read_phys_u64(uint64_t gpa, uint64_t *value)
{
    uint64_t hpa;
    if (!guest_phys_to_host(gpa, &hpa))
        return false;
    *value = *(const uint64_t *)(uintptr_t)hpa; /* host memory is identity-mapped */
    return true;
}

bool guest_linear_to_phys(uint64_t linear, uint64_t *gpa)
{
    if (!(vmcs_read(GUEST_CR0) & CR0_PG)) {
        *gpa = linear;
        return true;
    }
    if (!(vmcs_read(GUEST_IA32_EFER) & EFER_LMA))
        return false; /* 32-bit and PAE paging: not walked here */
    uint64_t table = vmcs_read(GUEST_CR3) & PTE_ADDRESS_MASK;
    for (int level = PAGING_LEVELS; level >= 1; level--) {
        unsigned shift = PAGE_SHIFT + PAGE_TABLE_INDEX_BITS * (level - 1);
        uint64_t entry, index = (linear >> shift) & PAGE_TABLE_INDEX_MASK;
        if (!read_phys_u64(table + index * sizeof entry, &entry) || !(entry & PTE_PRESENT))
            return false;
        if (level == 1 || (level <= 3 && (entry & PTE_PAGE_SIZE))) {
            uint64_t page_mask = (1ull << shift) - 1;
            *gpa = (entry & PTE_ADDRESS_MASK & ~page_mask) | (linear & page_mask);
            return true;
        }
        table = entry & PTE_ADDRESS_MASK;
    }
    return false;
}

bool guest_read(uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t gpa, hpa;
        if (!guest_linear_to_phys(addr + i, &gpa) || !guest_phys_to_host(gpa, &hpa))
            return false;
        out[i] = *(const uint8_t *)(uintptr_t)hpa;
    }
    return true;
}

bool guest_read_string(uint64_t addr, char *buf, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (!guest_read(addr + i, &buf[i], 1))
            return false;
        if (buf[i] == '\0')
            return true;
    }
    return false;
}
