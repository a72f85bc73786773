# SPDX-License-Identifier: MIT
"""Chapter 5: exceptions and interrupts for the guest. The guest
(guests/irq/) installs its own IDT and shows each event as its handler
saw it; the hypervisor injects what only it can raise, models the PC's
8259A pair, 8254 and local APIC, and keeps virtual time."""
import re


CH = "05-irq"
INTACT = (r"isolation: canary intact, checksum of the hypervisor's code and constants "
          r"unchanged \(\d+ bytes\)")
IDLE_EXITS_PER_TICK = 3

# The exceptions the guest takes, in order, with what it saw of each.
EXCEPTION_LINES = [
    "guest: real mode #DE (DIV by 0): vector 0, no error code, IP at the instruction",
    "guest: real mode #UD (UD2): vector 6, no error code, IP at the instruction",
    "guest: real mode #BP (INT3): vector 3, no error code, IP after the INT3",
    "guest: real mode #GP (RDMSR of an unknown MSR): vector 13, no error code, "
    "IP at the instruction",
    "guest: #DE (DIV by 0): vector 0, no error code, RIP at the instruction",
    "guest: #UD (UD2): vector 6, no error code, RIP at the instruction",
    "guest: #UD (VMXON: the virtual CPU has no VMX): vector 6, no error code, "
    "RIP at the instruction",
    "guest: #GP (RDMSR of an unknown MSR): vector 13, error code 0x0, RIP at the instruction",
    "guest: #GP (MOV FS, a selector past the GDT's limit): vector 13, error code 0x7f8, "
    "RIP at the instruction",
    "guest: #BP (INT3): vector 3, no error code, RIP after the instruction",
    "guest: #PF (read, page not present): vector 14, error code 0x0, CR2 0x600040, "
    "RIP at the instruction",
    "guest: #PF (write, page not present): vector 14, error code 0x2, CR2 0x600040, "
    "RIP at the instruction",
]


def test_exceptions_arrive_with_their_vector_and_error_code(bochs):
    log = bochs(CH)
    log.has_in_order(EXCEPTION_LINES)


def test_page_fault_during_delivery_then_the_event_again(bochs):
    """INT3 through a gate whose IST stack is not present: the #PF comes
    first, pointing at the INT3; repaired, the INT3 runs again and its #BP
    is delivered on the mapped stack."""
    log = bochs(CH)
    log.has_in_order([
        "guest: #PF while delivering #BP: vector 14, error code 0x2, CR2 0x7ffff8, "
        "RIP at the INT3",
        "guest: #BP (INT3) again, on the stack the #PF handler mapped: vector 3, "
        "no error code, RIP after the instruction",
    ])


def test_pit_ticks_100_times_in_a_virtual_second(bochs):
    log = bochs(CH)
    log.match(r"guest: TSC ticks per second, measured against PIT channel 2 = 0x[0-9a-f]+")
    log.has("guest: PIT channel 0 at 100 Hz, IRQ0 through the PIC: "
            "100 ticks in one second of virtual time")


def test_an_idle_tick_costs_at_most_3_exits(bochs):
    log = bochs(CH)
    m = log.match(r"  idle \(HLT\), per tick +(\d+) bytes +(\d+) exits +[\d.]+ per KiB")
    ticks, exits = int(m.group(1)) // 1024, int(m.group(2))
    assert ticks == 100
    assert exits <= IDLE_EXITS_PER_TICK * ticks, f"{exits} exits for {ticks} idle ticks"


def test_lapic_timer_in_each_mode(bochs):
    log = bochs(CH)
    log.has_in_order([
        "guest: LAPIC timer one-shot: 1 interrupt on vector 0x40 in 4 periods, "
        "current count 0 after it",
        "guest: LAPIC timer periodic: 6 interrupts on vector 0x41, the 5 intervals within 1% "
        "of each other, the count reloaded",
        "guest: LAPIC timer TSC-deadline: 1 interrupt on vector 0x42, not before the deadline, "
        "IA32_TSC_DEADLINE then 0x0",
    ])


def test_self_ipi_is_in_service_until_eoi(bochs):
    log = bochs(CH)
    log.has("guest: self-IPI: 1 interrupt on vector 0x50, in service (ISR) in its handler, "
            "ISR clear after EOI")


def test_interrupt_waits_for_the_instruction_after_sti(bochs):
    log = bochs(CH)
    log.has("guest: interrupt window: vector 0x51 held while IF = 0, pending in IRR; "
            "delivered after the instruction following STI: marker 2, RIP at the next store")
    # The guest's one STI with an interrupt waiting is the run's one window exit.
    log.has("       1   7 Interrupt window")


def test_tpr_and_cr8_hold_lower_priorities(bochs):
    log = bochs(CH)
    log.has_in_order([
        "guest: TPR 0x50: vector 0x65 delivered, vector 0x45 held in IRR, PPR 0x50; "
        "TPR 0: vector 0x45 delivered",
        "guest: CR8 5: TPR reads 0x50, vector 0x45 held; CR8 0: delivered",
    ])


def test_normal_run_ends_with_pass(bochs):
    log = bochs(CH)
    log.has_in_order([
        "guest: interrupt and exception checks done",
        "guest ended: the guest exited with status 0",
    ])
    log.match(INTACT)
    log.passed()


def test_timer_storm_is_bounded_and_the_guest_goes_on(bochs):
    log = bochs(CH, "scenario=hostile-timer-storm")
    taken = int(log.match(r"guest: timer storm: interrupts taken in 4000000 TSC ticks = "
                          r"0x([0-9a-f]+)").group(1), 16)
    assert 0 < taken < 4000000 // 1000, f"{taken} interrupts: the minimum period is not enforced"
    log.has("guest ended: the guest exited with status 0")
    log.match(INTACT)
    log.passed()


def test_pic_storm_is_bounded_and_the_guest_goes_on(bochs):
    log = bochs(CH, "scenario=hostile-pic-storm")
    taken = int(log.match(r"guest: PIC storm: IRQ0 interrupts taken in 4000000 TSC ticks = "
                          r"0x([0-9a-f]+)").group(1), 16)
    assert 0 < taken < 4000000 // 1000, f"{taken} interrupts: the minimum period is not enforced"
    log.has("guest ended: the guest exited with status 0")
    log.match(INTACT)
    log.passed()


def test_no_eoi_blocks_further_interrupts_and_its_halt_is_ended(bochs):
    log = bochs(CH, "scenario=hostile-no-eoi")
    log.has_in_order([
        "guest: no EOI: PIC IRQ0 interrupts taken = 0x1",
        "guest: no EOI: LAPIC timer interrupts taken = 0x1",
    ])
    log.match(r"expected outcome: guest sleeps with interrupts blocked by one it never "
              r"acknowledged \(no EOI\) at RIP 0x[0-9a-f]+")
    log.lacks("guest: no EOI: HLT came back")
    log.passed()


def test_idt_outside_ram_during_delivery_ends_the_guest(bochs):
    log = bochs(CH, "scenario=hostile-idt-unmapped")
    log.expected("VM exit 48 (EPT violation) during delivery of external interrupt (vector 80)")
    log.match(INTACT)


def test_hlt_with_interrupts_off_ends_the_guest(bochs):
    log = bochs(CH, "scenario=hostile-hlt-cli")
    log.match(r"expected outcome: guest halted with interrupts disabled at RIP 0x[0-9a-f]+")
    log.lacks("guest: CLI; HLT came back")
    log.passed()


def test_illegal_lvt_vector_sets_esr_and_raises_the_error_interrupt(bochs):
    log = bochs(CH, "scenario=hostile-bad-lvt-vector")
    log.has_in_order([
        "guest: bad LVT vector: ESR = 0x40",
        "guest: bad LVT vector: error interrupts = 0x1",
        "guest ended: the guest exited with status 0",
    ])
    log.passed()


BENCH_ROWS = ["HLT woken by a pending self-IPI", "self-IPI: ICR write, injection, EOI",
              "LAPIC timer: arm, HLT, injection, EOI"]


def test_bench_times_interrupt_round_trips_and_exits_per_tick(bochs):
    log = bochs(CH, "scenario=bench")
    for kind in BENCH_ROWS:
        log.match(re.escape(f"guest: bench: {kind}: ") + r"\d+ ticks per round trip "
                  r"\(100 round trips: \d+ ticks, \d+ without the exit\)")
    idle = log.match(r"  idle \(HLT\), per tick +102400 bytes +(\d+) exits +[\d.]+ per KiB")
    assert int(idle.group(1)) <= IDLE_EXITS_PER_TICK * 100
    log.match(r"  busy, per tick +10240 bytes +\d+ exits +[\d.]+ per KiB")
    log.passed()
