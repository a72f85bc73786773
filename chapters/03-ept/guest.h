/** @file guest.h
 *  The guest's machine: RAM at guest-physical 0 built with EPT, the test
 *  guest loaded in it like a boot sector, and what the guest should do. */
#pragma once
#include <stdint.h>
#include "ept.h"
#include "multiboot.h"
#include "vmcs.h"

/** The guest image module (guests/guest_rm.asm). */
#define GUEST_MODULE "guest_rm.bin"
/** Where the image goes and the guest starts, as a PC BIOS loads a boot
 *  sector: 0000:7C00 in real mode. */
#define GUEST_LOAD_GPA 0x7C00ul
#define GUEST_RAM_DEFAULT (64ul << 20)
/** Like a PC, no RAM between 640 KiB and 1 MiB (the legacy video and BIOS
 *  area): the first 2 MiB of EPT must use 4 KiB pages around the hole. */
#define LEGACY_HOLE_START 0xA0000ul
#define LEGACY_HOLE_END 0x100000ul

/** Programs of guests/guest_rm.asm, chosen by the value in RDI at entry. */
enum guest_program {
    GUEST_NORMAL = 0,      /**< real mode to long mode, memory and MMIO */
    GUEST_ISOLATION = 1,   /**< look for the hypervisor, then write outside RAM */
    GUEST_OUT_OF_RAM = 2,  /**< read a GPA above guest RAM */
    GUEST_BAD_MMIO = 3,    /**< an instruction the MMIO decoder does not know */
    GUEST_HANG = 4,        /**< loop forever without a VM exit */
    /* Attacks on the hypervisor itself, from real mode. */
    GUEST_RM_UNKNOWN_MSR = 5, /**< RDMSR of an unknown MSR: a fault without error code */
    GUEST_RM_CR4_VMXE = 6,    /**< CR4.VMXE: a fault without error code */
    GUEST_RM_HLT_CLI = 7,     /**< CLI; HLT */
    GUEST_RM_PAE = 8,         /**< PAE paging, which is not emulated */
    GUEST_RM_INT3 = 9,        /**< INT3, reflected through the IVT */
};

/** Builds guest RAM of ram_size bytes with EPT, copies the guest image to
 *  GUEST_LOAD_GPA and returns where it starts; fails the run, by name, if
 *  the module is missing or the size is unusable. */
struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t ram_size);
