/* HLT ("HLT exiting"). The guest has no interrupts in this chapter, so a
 * halt would last forever: treat it as "nothing to do right now" and
 * continue after it. */
#include "exits.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

enum exit_action handle_hlt(struct vcpu *v)
{
    (void)v;
    kprintf("hlt: the guest halted at RIP 0x%lx; no interrupt will wake it, "
            "so it continues after the HLT\n", vmcs_read(GUEST_RIP));
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
