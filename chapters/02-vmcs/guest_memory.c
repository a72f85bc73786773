/* SPDX-License-Identifier: MIT */
/* In this chapter the guest runs on the hypervisor's own page tables, so a
 * guest address is a host address: all of the identity-mapped 4 GiB,
 * hypervisor included, is guest memory. Chapter 3 changes exactly that. */
#include "guest_memory.h"
#include "kstring.h"

#define IDENTITY_MAPPED_END 0x100000000ull

bool guest_read(uint64_t addr, void *buf, size_t len)
{
    if (addr >= IDENTITY_MAPPED_END || len > IDENTITY_MAPPED_END - addr)
        return false;
    memcpy(buf, (const void *)(uintptr_t)addr, len);
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
