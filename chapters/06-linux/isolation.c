/* SPDX-License-Identifier: MIT */
/* With EPT the guest's address space holds only its own RAM and devices,
 * so the canary chapter 2's guest overwrote is now out of its reach. Every
 * run checks that it stayed so (chapter 3's "isolation" guest tries). */
#include "isolation.h"
#include <stdint.h>
#include "kstring.h"
#include "printf.h"

#define CANARY_SIZE 32
#define FNV_OFFSET 0xcbf29ce484222325ul /* FNV-1a, 64-bit */
#define FNV_PRIME 0x100000001b3ul

/* Writable data the guest will look for; nothing else holds this text. */
static char canary[CANARY_SIZE] = "STEPVISOR-CANARY:intact";
static char armed[CANARY_SIZE];
static uint64_t armed_checksum;

extern const uint8_t __text_start[], __rodata_end[]; /* common/boot/linker.ld */

static uint64_t checksum(void)
{
    uint64_t h = FNV_OFFSET;
    for (const uint8_t *p = __text_start; p < __rodata_end; p++)
        h = (h ^ *p) * FNV_PRIME;
    return h;
}

void isolation_arm(void)
{
    memcpy(armed, canary, CANARY_SIZE);
    armed_checksum = checksum();
}

bool isolation_intact(void)
{
    uint64_t now = checksum();
    bool canary_ok = memcmp(armed, canary, CANARY_SIZE) == 0;
    if (!canary_ok) {
        canary[CANARY_SIZE - 1] = '\0';
        kprintf("isolation: hypervisor memory at 0x%lx was changed by the guest: "
                "\"%s\" is now \"%s\"\n", (uint64_t)(uintptr_t)canary, armed, canary);
    }
    if (now != armed_checksum)
        kprintf("isolation: the hypervisor's code and constants changed: checksum "
                "0x%lx is now 0x%lx\n", armed_checksum, now);
    if (canary_ok && now == armed_checksum)
        kprintf("isolation: canary intact, checksum of the hypervisor's code and "
                "constants unchanged (%lu bytes)\n", (uint64_t)(__rodata_end - __text_start));
    return canary_ok && now == armed_checksum;
}
