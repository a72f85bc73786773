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
};
