/* The scenarios of this chapter, a row each. The broken-VMCS rows each
 * break one field so that the software checker names the rule and the CPU
 * refuses the VM entry: VMfailValid for controls and host state, a failed
 * entry (exit reason 33) for guest state. */
#include "scenario.h"
#include "kstring.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"


static void clear_guest_rflags(void)
{
    vmcs_write(GUEST_RFLAGS, 0); /* bit 1 must be 1 */
}

static void clear_host_tr_selector(void)
{
    vmcs_write(HOST_TR_SELECTOR, 0);
}

static void clear_pin_based_controls(void)
{
    vmcs_write(PIN_BASED_VM_EXECUTION_CONTROLS, 0); /* drops default-1 bits */
}

static const struct scenario scenarios[] = {
    {"normal", GUEST_NORMAL, 0, "UART and virtio-console side by side, then virtio-blk", 0},
    {"hostile-loop", GUEST_HOSTILE_LOOP, 0, "a descriptor chain that loops", 0},
    {"hostile-address", GUEST_HOSTILE_ADDRESS, 0, "a buffer outside guest RAM", 0},
    {"hostile-length", GUEST_HOSTILE_LENGTH, 0, "a buffer length that overflows", 0},
    {"hostile-index", GUEST_HOSTILE_INDEX, 0, "an avail index far beyond the queue size", 0},
    {"hostile-read-only", GUEST_HOSTILE_READ_ONLY, 0, "a disk read into a read-only buffer", 0},
    {"bad-guest-rflags", GUEST_NORMAL, clear_guest_rflags, "guest RFLAGS bit 1 cleared", 0},
    {"bad-host-tr", GUEST_NORMAL, clear_host_tr_selector, "host TR selector 0", 0},
    {"bad-controls", GUEST_NORMAL, clear_pin_based_controls, "pin-based controls 0", 0},
};

const struct scenario *scenario_find(const char *name)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    return 0;
}

void scenario_list(void)
{
    kprintf("scenarios:\n");
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        kprintf("  %-20s %s\n", scenarios[i].name, scenarios[i].shows);
}
