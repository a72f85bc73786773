# SPDX-License-Identifier: MIT
"""Chapter 5, the hypervisor's side: its own lines for each hostile event
(bounded, and where it must, the guest ended by name), the host keeping its
timer, and HLT as sleep without a line per HLT. The guest's own lines are
tests/test_ch05_irq.py's."""
CH = "05-irq"
HOST_TIMER = (r"host timer: (\d+) tick\(s\) of the host's own timer handled by the "
              r"hypervisor, 0 other host interrupt\(s\); none reached the guest")
EVENTS = (r"events: injected (\d+) external interrupt\(s\) \((\d+) from the 8259s, (\d+) "
          r"from the local APIC\), (\d+) NMI\(s\), (\d+) exception\(s\), (\d+) software "
          r"interrupt\(s\); (\d+) re-injected, (\d+) double fault\(s\)")
SLEPT = (r"virtual time: guest TSC \d+ at the end, (\d+) ticks of it slept through in "
         r"(\d+) HLT\(s\)")
MINIMUM = "vpc: timers asked for a period under the minimum: PIT {} time(s), local APIC {} time(s)"


def host_kept_its_timer(log):
    assert int(log.match(HOST_TIMER).group(1)) > 0


def test_normal_run_sleeps_and_keeps_the_host_timer(bochs):
    log = bochs(CH)
    log.has("host timer: 8259s at vectors 0x20/0x28, PIT channel 0 at 100 Hz on IRQ0; "
            "host interrupts exit, acknowledged")
    log.has("vpc: 8259A pair at 0x20/0xA0, 8254 at 0x40 (IRQ0), local APIC at 0xfee00000 in "
            "virtual-wire mode; guest TSC at 80000000 Hz")
    events = log.match(EVENTS)
    injected, pic, lapic = (int(events.group(i)) for i in (1, 2, 3))
    assert injected == pic + lapic and pic >= 100 and lapic > 0
    slept, hlts = (int(x) for x in log.match(SLEPT).groups())
    assert hlts >= 100 and slept > 0
    # No line per HLT: the sleep is silent.
    assert not any(line.startswith("hlt:") for line in log.lines)
    host_kept_its_timer(log)
    log.passed()


def test_timer_storm_runs_at_the_least_period(bochs):
    log = bochs(CH, "scenario=hostile-timer-storm")
    log.has(MINIMUM.format(0, 1))
    host_kept_its_timer(log)
    log.passed()


def test_pic_storm_runs_at_the_least_period(bochs):
    log = bochs(CH, "scenario=hostile-pic-storm")
    log.has(MINIMUM.format(1, 0))
    host_kept_its_timer(log)
    log.passed()


def test_no_eoi_then_hlt_ends_by_name(bochs):
    log = bochs(CH, "scenario=hostile-no-eoi")
    log.match(r"hlt: the guest sleeps at RIP 0x[0-9a-f]+ while interrupts wait behind one "
              r"still in service \(no EOI\): 8259 ISR 0x01/0x00, local APIC PPR 0x40")
    log.match(r"expected outcome: guest sleeps with interrupts blocked by one it never "
              r"acknowledged \(no EOI\) at RIP 0x[0-9a-f]+")
    log.passed()


def test_idt_outside_ram_ends_by_name(bochs):
    log = bochs(CH, "scenario=hostile-idt-unmapped")
    log.match(r"event delivery: VM exit 48 \(EPT violation\) while the CPU delivered external "
              r"interrupt \(vector 80, IDT-vectoring information 0x80000050\) at guest RIP "
              r"0x[0-9a-f]+; the guest's IDT, GDT or stack is where the event cannot reach")
    log.expected("VM exit 48 (EPT violation) during delivery of external interrupt (vector 80)")


def test_illegal_lvt_vector_raises_only_the_error_interrupt(bochs):
    log = bochs(CH, "scenario=hostile-bad-lvt-vector")
    events = log.match(EVENTS)
    assert events.group(1, 2, 3) == ("1", "0", "1")  # the error LVT's, nothing for vector 5
    log.passed()


def test_hlt_with_interrupts_off_ends_by_name(bochs):
    log = bochs(CH, "scenario=hostile-hlt-cli")
    log.match(r"hlt: the guest halted with interrupts disabled \(RFLAGS.IF = 0\) at RIP "
              r"0x[0-9a-f]+; nothing can wake it")
    log.match(r"expected outcome: guest halted with interrupts disabled at RIP 0x[0-9a-f]+")
    log.passed()
