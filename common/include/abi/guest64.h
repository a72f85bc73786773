/* SPDX-License-Identifier: MIT */
/** @file abi/guest64.h
 *  The programs of chapter 2's guest, guests/guest64.asm (which includes the
 *  generated guest64.inc), chosen by the value in RDI at entry. */
#pragma once

enum guest_program {
    GUEST_NORMAL = 0,       /**< exercise every exit handler, exit 0 */
    GUEST_HANG = 1,         /**< loop forever without a VM exit */
    GUEST_TRIPLE_FAULT = 2, /**< an exception with no IDT */
    GUEST_UNKNOWN_MSR = 3,  /**< read an MSR the guest does not have */
    GUEST_ISOLATION = 4,    /**< find and overwrite hypervisor memory */
    GUEST_BENCH = 5,        /**< time each kind of VM exit (guests/bench.inc) */
    /* Attacks on the hypervisor itself. */
    GUEST_HLT_CLI = 6,       /**< CLI; HLT */
    GUEST_INT3_FLOOD = 7,    /**< INT3 in a loop: an exit and a line each */
    GUEST_VMX = 8,           /**< VMREAD, with VMX hidden */
    GUEST_PRINT_VERDICT = 9, /**< text that looks like a verdict */
    GUEST_CR8 = 10,          /**< CR8, valid and reserved bits */
    GUEST_CR0_HIGH = 11,     /**< CR0 bit 32 */
};
