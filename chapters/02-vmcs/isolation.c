/* SPDX-License-Identifier: MIT */
/* Without EPT the guest runs on the hypervisor's own page tables, so every
 * byte of the hypervisor is guest memory too. This canary lets the
 * "isolation" scenario show it: the guest finds it and overwrites it.
 * Chapter 3 takes that power away. */
#include "isolation.h"
#include <stdint.h>
#include "kstring.h"
#include "printf.h"

#define CANARY_SIZE 32

/* Writable data the guest will look for; nothing else holds this text. */
static char canary[CANARY_SIZE] = "STEPVISOR-CANARY:intact";
static char armed[CANARY_SIZE];

void isolation_arm(void)
{
    memcpy(armed, canary, CANARY_SIZE);
}

bool isolation_intact(void)
{
    if (memcmp(armed, canary, CANARY_SIZE) == 0)
        return true;
    canary[CANARY_SIZE - 1] = '\0';
    kprintf("isolation: hypervisor memory at 0x%lx was changed by the guest: "
            "\"%s\" is now \"%s\"\n", (uint64_t)(uintptr_t)canary, armed, canary);
    return false;
}
