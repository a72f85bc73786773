/** @file guest.h
 *  Loading the test guest and choosing what it does. */
#pragma once
#include <stdint.h>
#include "multiboot.h"
#include "vmcs.h"

/** The guest image module (guests/guest64.asm). */
#define GUEST_MODULE "guest64.bin"

/** Programs of guests/guest64.asm, chosen by the value in RDI at entry. */
enum guest_program {
    GUEST_NORMAL = 0,       /**< exercise every exit handler, exit 0 */
    GUEST_HANG = 1,         /**< loop forever without a VM exit */
    GUEST_TRIPLE_FAULT = 2, /**< an exception with no IDT */
    GUEST_UNKNOWN_MSR = 3,  /**< read an MSR the guest does not have */
    GUEST_ISOLATION = 4,    /**< find and overwrite hypervisor memory */
    /* Attacks on the hypervisor itself. */
    GUEST_HLT_CLI = 5,       /**< CLI; HLT */
    GUEST_INT3_FLOOD = 6,    /**< INT3 in a loop: an exit and a line each */
    GUEST_VMX = 7,           /**< VMREAD, with VMX hidden */
    GUEST_PRINT_VERDICT = 8, /**< text that looks like a verdict */
    GUEST_CR8 = 9,           /**< CR8, valid and reserved bits */
    GUEST_CR0_HIGH = 10,     /**< CR0 bit 32 */
};

/** Copies the guest image into fresh pages and gives it a stack and a TSS;
 *  fails the run, naming the module, if it is missing. */
struct guest_start guest_load(const struct boot_info *info);
