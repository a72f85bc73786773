/* SPDX-License-Identifier: MIT */
/** @file abi/guest_rm.h
 *  The programs of chapter 3's guest, guests/guest_rm.asm (which includes
 *  the generated guest_rm.inc), chosen by the value in RDI at entry. */
#pragma once

enum guest_program {
    GUEST_NORMAL = 0,     /**< real mode to long mode, memory and MMIO */
    GUEST_ISOLATION = 1,  /**< look for the hypervisor, then write outside RAM */
    GUEST_OUT_OF_RAM = 2, /**< read a GPA above guest RAM */
    GUEST_BAD_MMIO = 3,   /**< an instruction the MMIO decoder does not know */
    GUEST_HANG = 4,       /**< loop forever without a VM exit */
    GUEST_BENCH = 5,      /**< time each kind of VM exit (guests/bench.inc) */
    /* Attacks on the hypervisor itself, from real mode. */
    GUEST_RM_UNKNOWN_MSR = 6, /**< RDMSR of an unknown MSR: a fault without error code */
    GUEST_RM_CR4_VMXE = 7,    /**< CR4.VMXE: a fault without error code */
    GUEST_RM_HLT_CLI = 8,     /**< CLI; HLT */
    GUEST_RM_PAE = 9,         /**< PAE paging, which is not emulated */
    GUEST_RM_INT3 = 10,       /**< INT3, reflected through the IVT */
};
