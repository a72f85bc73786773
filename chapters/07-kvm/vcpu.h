/* SPDX-License-Identifier: MIT */
/** @file vcpu.h
 *  A virtual CPU of this chapter: a file descriptor from KVM_CREATE_VCPU,
 *  its kvm_run page, the host thread that loops on KVM_RUN for it, and
 *  the exit statistics by kvm_run exit reason. KVM holds the registers
 *  (in its VMCS, or VMCB on AMD); this process asks for them by ioctl. */
#pragma once
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/** What an exit handler wants next. */
enum exit_action {
    EXIT_RESUME,     /**< KVM_RUN again */
    EXIT_GUEST_DONE, /**< the vCPU has ended; vcpu->outcome says how */
};

#define OUTCOME_MAX 200
/** kvm_run exit reasons this program names (KVM_EXIT_XEN is 34). */
#define KVM_EXIT_REASON_COUNT 64
/** A run ends by name this long after it starts, whatever the guest does. */
#define RUN_DEADLINE_SECONDS 10
/** Sent to a vCPU thread to make KVM_RUN return (EINTR): the run's
 *  deadline, and a device timer due while the guest runs (events.c). */
#define VCPU_KICK_SIGNAL SIGUSR1 /* from <signal.h>, which its users include */
/** A guest that exits forever still ends. */
#define MAX_EXITS 10000000ull

struct vcpu {
    unsigned id;               /**< KVM_CREATE_VCPU's argument */
    int fd;                    /**< the vCPU file descriptor */
    struct kvm_run *run;       /**< shared with KVM: why KVM_RUN returned */
    pthread_t thread;          /**< the thread that runs it: vCPU = thread */
    pid_t tid;                 /**< that thread's id, as the kernel knows it */
    uint64_t entry_rip;        /**< where it starts, real mode, CS = 0 */
    uint64_t rdi, rsi;         /**< the guest's arguments at entry */
    uint64_t exits;            /**< returns from KVM_RUN to this process */
    uint64_t exit_counts[KVM_EXIT_REASON_COUNT];
    uint64_t exit_ns[KVM_EXIT_REASON_COUNT]; /**< time in this process per reason */
    uint64_t int3s;            /**< INT3s KVM's emulator left here: a \#BP raised */
    uint64_t vmx_instructions; /**< VMX instructions it left here: a \#UD raised */
    int64_t deadline_ns;       /**< CLOCK_MONOTONIC at which the run ends */
    bool guest_ok;             /**< the guest ended the way it should */
    char outcome[OUTCOME_MAX]; /**< how the guest ended, in words */
};

/** Creates vCPU id of vm_fd and maps its kvm_run (KVM_GET_VCPU_MMAP_SIZE
 *  bytes); fails the run by name if KVM refuses. */
void vcpu_create(struct vcpu *v, int kvm_fd, int vm_fd, unsigned id);
/** Sets the registers for a real-mode start at 0000:entry_rip, with RDI
 *  and RSI as given and RSP = entry_rip, like a boot sector. */
void vcpu_reset_real_mode(struct vcpu *v);
/** Ends the vCPU: records whether it went as it should, and why. */
enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Prints the guest's registers (KVM_GET_REGS, KVM_GET_SREGS). */
void vcpu_dump_registers(const struct vcpu *v);
/** CLOCK_MONOTONIC in nanoseconds. */
int64_t vcpu_now_ns(void);
