/* SPDX-License-Identifier: MIT */
/* Chapter 5's virtual PC, moved to user space as chapter 4's devices were.
 * KVM offers to keep it in the kernel instead: KVM_CREATE_IRQCHIP (two
 * 8259s, an I/O APIC and a local APIC per vCPU, whose lines the VMM drives
 * with KVM_IRQ_LINE) and KVM_CREATE_PIT2, which QEMU uses by default, so
 * that a timer tick costs no return to user space. This host offers both
 * (KVM_CAP_IRQCHIP, KVM_CAP_PIT2, and KVM_CAP_SPLIT_IRQCHIP: only the local
 * APIC in the kernel). This VMM does without them, for two reasons:
 *  - the lesson: pic8259.c, pit8254.c and lapic.c are chapter 5's files,
 *    unchanged; what moved is the wiring (this file and events.c);
 *  - the hypercalls: with any local APIC in the kernel, KVM keeps HLT to
 *    itself (the vCPU sleeps inside KVM_RUN until an interrupt: measured
 *    here), and HLT is how a VMCALL reaches this process (hypercall_sites.c).
 * Without an in-kernel irqchip, KVM hands over what the devices need: port
 * I/O and the APIC's page (KVM_EXIT_IO, KVM_EXIT_MMIO: no memory slot holds
 * it), HLT, the APIC's MSRs once an MSR filter denies them to KVM
 * (KVM_EXIT_X86_RDMSR, _WRMSR), and the TPR as kvm_run's cr8; the VMM
 * injects with KVM_INTERRUPT (events.c). Time is the guest's TSC, which
 * runs with the host's: chapter 5's virtual time would need the TSC offset,
 * which this host's KVM (PVM) ignores (KVM_VCPU_TSC_OFFSET: measured), so
 * a halted guest really waits. */
#include "vpc.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include "cpu.h"
#include "printf.h"
#include "run_end.h"

#define IA32_TIME_STAMP_COUNTER 0x10u
#define IA32_APIC_BASE 0x1Bu
#define IA32_TSC_DEADLINE 0x6E0u
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDRESS_MASK 0xFFFFFF000ull /* bits 35:12, MAXPHYADDR 36 */
#define HZ_PER_KHZ 1000ull
#define ALL_ONES 0xFFFFFFFFu
/* Of the ports claimed, the 8259s' lie below and above the 8254's and 0x61. */
#define IS_PIC_PORT(port) ((port) <= PIC_MASTER_DATA || (port) >= PIC_SLAVE_COMMAND)
#define REGISTER_ALIGNMENT 0x10u
#define REGISTER_SIZE 4u

struct vpc vpc;
static uint64_t tsc_offset; /* the guest's TSC minus the host's */

uint64_t vpc_now(void)
{
    return rdtsc() + tsc_offset;
}

/* tsc * PIT_HZ / tsc_hz without overflowing 64 bits, and back (rounded up). */
static uint64_t pit_clock(uint64_t tsc)
{
    return tsc / vpc.tsc_hz * PIT_HZ + tsc % vpc.tsc_hz * PIT_HZ / vpc.tsc_hz;
}

static uint64_t tsc_of_pit_clock(uint64_t clock)
{
    return clock / PIT_HZ * vpc.tsc_hz + (clock % PIT_HZ * vpc.tsc_hz + PIT_HZ - 1) / PIT_HZ;
}

/* The guest's time is the host's: while its vCPU thread waits for a CPU,
 * the guest's clock runs on and its timers come late (chapter 5's virtual
 * time hid that). Once the guest programs these devices, the thread takes
 * the lowest real-time priority (SCHED_FIFO, as libvirt's <vcpusched>
 * can), so other processes cannot delay it; without the privilege it runs
 * on as it was. */
static void realtime(void)
{
    static bool asked;
    struct sched_param lowest = {.sched_priority = sched_get_priority_min(SCHED_FIFO)};
    if (!asked && pthread_setschedparam(pthread_self(), SCHED_FIFO, &lowest))
        kprintf("vpc: no real-time priority for the vCPU thread: its timers may come "
                "late when the host is busy\n");
    asked = true;
}

bool vpc_port_claimed(uint16_t port)
{
    return port == PIC_MASTER_COMMAND || port == PIC_MASTER_DATA ||
           port == PIC_SLAVE_COMMAND || port == PIC_SLAVE_DATA ||
           (port >= PIT_CHANNEL0 && port <= PIT_MODE_COMMAND) || port == PORT_B;
}

uint8_t vpc_port_in(uint16_t port)
{
    if (IS_PIC_PORT(port))
        return pic_read(&vpc.pic, port);
    return pit_read(&vpc.pit, port, pit_clock(vpc_now()));
}

void vpc_port_out(uint16_t port, uint8_t value)
{
    realtime();
    if (IS_PIC_PORT(port))
        pic_write(&vpc.pic, port, value);
    else
        pit_write(&vpc.pit, port, value, pit_clock(vpc_now()));
}

void vpc_run_timers(void)
{
    uint64_t now = vpc_now();
    if (pit_take_irq0_edges(&vpc.pit, pit_clock(now))) {
        pic_set_irq(&vpc.pic, IRQ_PIT, true);
        pic_set_irq(&vpc.pic, IRQ_PIT, false);
    }
    lapic_advance(&vpc.lapic, now);
}

uint64_t vpc_next_deadline(void)
{
    uint64_t now = vpc_now();
    uint64_t next = lapic_next_expiry(&vpc.lapic, now);
    uint64_t pit = pit_next_irq0(&vpc.pit, pit_clock(now));
    if (pit != PIT_NEVER && tsc_of_pit_clock(pit) < next)
        next = tsc_of_pit_clock(pit);
    return next == LAPIC_NEVER ? VPC_NEVER : next;
}

/* --- the local APIC's page: KVM_EXIT_MMIO, as chapter 5's EPT violation - */

/* 32-bit accesses to 16-byte aligned registers; other accesses read 0 and
 * write nothing; globally disabled, the page is no longer the APIC's. */
static uint64_t lapic_mmio_read(struct mmio_device *d, uint64_t offset, unsigned size)
{
    (void)d;
    if (!vpc.lapic.enabled)
        return ALL_ONES;
    if (size != REGISTER_SIZE || offset % REGISTER_ALIGNMENT)
        return 0;
    return lapic_read(&vpc.lapic, (uint32_t)offset, vpc_now());
}

static void lapic_mmio_write(struct mmio_device *d, uint64_t offset, unsigned size,
                             uint64_t value)
{
    (void)d;
    if (!vpc.lapic.enabled || size != REGISTER_SIZE || offset % REGISTER_ALIGNMENT)
        return;
    realtime();
    lapic_advance(&vpc.lapic, vpc_now());
    lapic_write(&vpc.lapic, (uint32_t)offset, (uint32_t)value, vpc_now());
}

static struct mmio_device lapic_mmio = {
    .name = "local APIC", .base = LAPIC_DEFAULT_BASE, .size = LAPIC_PAGE_SIZE,
    .quiet = true, .read = lapic_mmio_read, .write = lapic_mmio_write,
};

/* --- the APIC's MSRs ("IA32_APIC_BASE MSR", "TSC-Deadline Mode") ------- */

enum vpc_msr vpc_read_msr(uint32_t msr, uint64_t *value)
{
    *value = msr == IA32_APIC_BASE ? vpc.apic_base : vpc.lapic.tsc_deadline;
    return VPC_MSR_DONE;
}

enum vpc_msr vpc_write_msr(uint32_t msr, uint64_t value)
{
    if (msr == IA32_TSC_DEADLINE) {
        lapic_write_tsc_deadline(&vpc.lapic, value);
        return VPC_MSR_DONE;
    }
    if (value & ~(APIC_BASE_BSP | APIC_BASE_ENABLE | APIC_BASE_ADDRESS_MASK))
        return VPC_MSR_FAULT; /* reserved bits, or x2APIC mode, which this APIC lacks */
    if ((value & APIC_BASE_ADDRESS_MASK) != LAPIC_DEFAULT_BASE)
        return VPC_MSR_APIC_MOVED;
    bool was = vpc.apic_base & APIC_BASE_ENABLE, now = value & APIC_BASE_ENABLE;
    vpc.apic_base = (value & ~APIC_BASE_BSP) | APIC_BASE_BSP; /* BSP is read-only */
    if (was != now) {
        lapic_reset(&vpc.lapic, false); /* re-enabled: as after power-up */
        vpc.lapic.enabled = now;        /* disabled: LINT0 is INTR itself */
    }
    return VPC_MSR_DONE;
}

/* KVM answers RDMSR and WRMSR itself unless an MSR filter denies it an
 * MSR; with KVM_MSR_EXIT_REASON_FILTER the denied access comes here. */
static void filter_apic_msrs(int vm_fd)
{
    static uint8_t deny[1]; /* one MSR per range, its bit 0: KVM may not */
    struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR,
                                 .args = {KVM_MSR_EXIT_REASON_FILTER}};
    struct kvm_msr_filter filter = {.flags = KVM_MSR_FILTER_DEFAULT_ALLOW};
    const uint32_t msrs[] = {IA32_APIC_BASE, IA32_TSC_DEADLINE};
    for (unsigned i = 0; i < sizeof msrs / sizeof msrs[0]; i++)
        filter.ranges[i] = (struct kvm_msr_filter_range){
            .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE, .nmsrs = 1,
            .base = msrs[i], .bitmap = deny};
    if (ioctl(vm_fd, KVM_ENABLE_CAP, &cap) < 0 || ioctl(vm_fd, KVM_X86_SET_MSR_FILTER, &filter) < 0)
        run_fail("KVM_X86_SET_MSR_FILTER for the local APIC's MSRs: %s", strerror(errno));
}

void vpc_init(int vm_fd, struct vcpu *v)
{
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry tsc;
    } msrs = {.header.nmsrs = 1, .tsc.index = IA32_TIME_STAMP_COUNTER};
    int khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0 || ioctl(v->fd, KVM_GET_MSRS, &msrs) != 1)
        run_fail("the guest's TSC (KVM_GET_TSC_KHZ, KVM_GET_MSRS): %s", strerror(errno));
    tsc_offset = msrs.tsc.data - rdtsc();
    vpc.tsc_hz = (uint64_t)khz * HZ_PER_KHZ;
    vpc.vcpu = v;
    pic_reset(&vpc.pic);
    pit_reset(&vpc.pit);
    lapic_reset(&vpc.lapic, true);
    vpc.apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_ENABLE;
    mmio_register(&lapic_mmio);
    filter_apic_msrs(vm_fd);
    kprintf("vpc: chapter 5's 8259A pair at 0x20/0xA0, 8254 at 0x40 (IRQ0) and local APIC "
            "at 0x%llx, in this process, for vcpu %u\n", LAPIC_DEFAULT_BASE, v->id);
}

void vpc_print_summary(void)
{
    kprintf("vpc: timers asked for a period under the minimum: PIT %u time(s), local APIC "
            "%u time(s)\n", vpc.pit.raised, vpc.lapic.raised);
}
