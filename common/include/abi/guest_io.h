/* SPDX-License-Identifier: MIT */
/** @file abi/guest_io.h
 *  The programs of chapter 4's guest, guests/io/ (guests/io/guest.h),
 *  chosen by the value in RDI at entry. */
#pragma once

enum guest_program {
    GUEST_NORMAL = 0,            /**< COM1 and virtio-console side by side, then virtio-blk */
    GUEST_HOSTILE_LOOP = 1,      /**< virtio-blk: a descriptor chain 0 -> 1 -> 0 */
    GUEST_HOSTILE_ADDRESS = 2,   /**< virtio-blk: a buffer at GPA 0xC0000000, outside RAM */
    GUEST_HOSTILE_LENGTH = 3,    /**< virtio-blk: addr + len wraps around 2^64 */
    GUEST_HOSTILE_INDEX = 4,     /**< virtio-blk: avail->idx 1000 ahead of the device */
    GUEST_HOSTILE_READ_ONLY = 5, /**< virtio-blk: a read into a device-read-only buffer */
    GUEST_BENCH = 6,             /**< time each kind of VM exit (entry.asm, bench.inc) */
    /* Attacks on the hypervisor itself (attack.c). */
    GUEST_ATTACK_MEASURE = 10,         /**< measure hypercalls with 2^63 bytes */
    GUEST_ATTACK_HLT_CLI = 11,         /**< CLI; HLT */
    GUEST_ATTACK_MSR_FLOOD = 12,       /**< RDMSR of an unknown MSR, forever */
    GUEST_ATTACK_DEADLINE = 13,        /**< exits just often enough for the watchdog */
    GUEST_ATTACK_CONSOLE_FLOOD = 14,   /**< one virtio-console buffer of all RAM */
    GUEST_ATTACK_PRINT_VERDICT = 15,   /**< guest text that looks like a verdict */
    GUEST_ATTACK_RING3_VMCALL = 16,    /**< a hypercall from ring 3 */
    GUEST_ATTACK_VMX = 17,             /**< VMXON, VMREAD, INVEPT, ... */
    GUEST_ATTACK_XSETBV = 18,          /**< XSETBV, valid and not */
    GUEST_ATTACK_INVD = 19,            /**< INVD */
    GUEST_ATTACK_CPUID = 20,           /**< what CPUID promises, tried */
    GUEST_ATTACK_CR0 = 21,             /**< CR0 bits 63:32, NW without CD */
    GUEST_ATTACK_CR8 = 22,             /**< CR8, valid and reserved bits */
    GUEST_ATTACK_COM1_WIDE = 23,       /**< 16-bit IN and OUT at COM1 */
    GUEST_ATTACK_MMIO_PAST_END = 24,   /**< an MMIO read past a device's end */
    GUEST_ATTACK_QUEUE_NUM = 25,       /**< QueueNum 0x10010 */
    GUEST_ATTACK_EVENT_DELIVERY = 26,  /**< an IDT on an MMIO page */
    GUEST_ATTACK_HOST_INTERRUPTS = 27, /**< interrupts enabled for a while */
    GUEST_ATTACK_HYPERCALL_ARGS = 28,  /**< hypercall arguments past memory and 2^64 */
    GUEST_ATTACK_MMIO_STRADDLE = 29,   /**< an MMIO read that starts in RAM */
    GUEST_ATTACK_MOV_SS = 30,          /**< a single step through MOV SS; CPUID */
    GUEST_ATTACK_LAST = 30,
};
