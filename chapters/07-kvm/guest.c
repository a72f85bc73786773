/* SPDX-License-Identifier: MIT */
/* Guest RAM is an anonymous mmap of this process. KVM maps it into the
 * guest through memory slots (and builds EPT or NPT from them itself):
 * one slot below the 640 KiB hole and one above it, so the hole stays
 * unmapped and an access there comes back to us as KVM_EXIT_MMIO. */
#include "guest.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "guest_memory.h"
#include "hypercall_sites.h"
#include "printf.h"
#include "run_end.h"

#define MIB (1ul << 20)
#define GUEST_RAM_MIN (2 * MIB)
#define GUEST_RAM_MAX (1024 * MIB)
#define SLOT_LOW 0
#define SLOT_HIGH 1
uint8_t *guest_read_file(const char *path, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        run_fail("cannot open %s: %s", path, strerror(errno));
    uint8_t *data = 0;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) && fread(data, 1, (size_t)n, f) == (size_t)n) {
        fclose(f);
        *size = (uint64_t)n;
        return data;
    }
    run_fail("cannot read %s: %s", path, strerror(errno));
}

static void add_slot(int vm_fd, uint32_t slot, uint64_t gpa, uint8_t *host, uint64_t size)
{
    struct kvm_userspace_memory_region r = {.slot = slot, .guest_phys_addr = gpa,
                                            .memory_size = size,
                                            .userspace_addr = (uintptr_t)host};
    if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        run_fail("KVM_SET_USER_MEMORY_REGION slot %u: %s", slot, strerror(errno));
}

void guest_load(int vm_fd, const char *image, uint64_t ram_size)
{
    uint64_t size;
    uint8_t *bytes = guest_read_file(image, &size);
    if (GUEST_LOAD_GPA + size > LEGACY_HOLE_START)
        run_fail("guest image of %lu bytes does not fit below 640 KiB", size);
    if (ram_size < GUEST_RAM_MIN || ram_size > GUEST_RAM_MAX || ram_size % MIB)
        run_fail("guest RAM of %lu bytes: it must be 2 MiB to 1 GiB, in whole MiB",
                 ram_size);
    uint8_t *ram = mmap(0, ram_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        run_fail("mmap of %lu MiB of guest RAM: %s", ram_size / MIB, strerror(errno));
    add_slot(vm_fd, SLOT_LOW, 0, ram, LEGACY_HOLE_START);
    add_slot(vm_fd, SLOT_HIGH, LEGACY_HOLE_END, ram + LEGACY_HOLE_END,
             ram_size - LEGACY_HOLE_END);
    memcpy(ram + GUEST_LOAD_GPA, bytes, size);
    free(bytes);
    hypercall_sites_rewrite(ram + GUEST_LOAD_GPA, size, GUEST_LOAD_GPA);
    guest_memory_init(ram, ram_size);
    kprintf("KVM: guest RAM %lu MiB at GPA 0 (two memory slots), hole at 0x%lx-0x%lx\n",
            ram_size / MIB, LEGACY_HOLE_START, LEGACY_HOLE_END - 1);
    kprintf("loader: %s, %lu bytes, at GPA 0x%lx\n", strrchr(image, '/') ?
            strrchr(image, '/') + 1 : image, size, GUEST_LOAD_GPA);
}

