/* SPDX-License-Identifier: MIT */
/* Chapter 4 walked the guest's page tables and EPT by hand. In user space
 * the second step is gone (guest-physical is an offset into our mmap) and
 * KVM does the first: KVM_TRANSLATE takes a linear address and the vCPU
 * whose CR3 and mode apply. */
#include "guest_memory.h"
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "guest.h"

#define PAGE_SIZE 4096ull

static uint8_t *ram_base;
static uint64_t ram_size;
/* Each vCPU thread reads through its own page tables. */
static _Thread_local int vcpu_fd = -1;

void guest_memory_init(uint8_t *ram, uint64_t size)
{
    ram_base = ram;
    ram_size = size;
}

void guest_memory_set_vcpu(int fd)
{
    vcpu_fd = fd;
}

void *guest_ram_map(void *ctx, uint64_t gpa, uint64_t len)
{
    (void)ctx;
    /* Written to survive any gpa and len a guest can put in a descriptor. */
    if (gpa > ram_size || len > ram_size - gpa)
        return 0;
    if (gpa < LEGACY_HOLE_END && gpa + len > LEGACY_HOLE_START)
        return 0;
    return ram_base + gpa;
}

bool guest_linear_to_phys(uint64_t linear, uint64_t *gpa)
{
    struct kvm_translation t = {.linear_address = linear};
    if (vcpu_fd < 0 || ioctl(vcpu_fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
        return false;
    *gpa = t.physical_address;
    return true;
}

/* One translation per page, not per byte: a page is contiguous. */
bool guest_read(uint64_t addr, void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len) {
        uint64_t gpa, in_page = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
        size_t n = len < in_page ? len : (size_t)in_page;
        const uint8_t *src;
        if (!guest_linear_to_phys(addr, &gpa) || !(src = guest_ram_map(0, gpa, n)))
            return false;
        for (size_t i = 0; i < n; i++)
            out[i] = src[i];
        out += n, addr += n, len -= n;
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
