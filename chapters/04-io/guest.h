/** @file guest.h
 *  The guest's machine: RAM at guest-physical 0 built with EPT, the test
 *  guest loaded in it like a boot sector, and what the guest should do. */
#pragma once
#include <stdint.h>
#include "ept.h"
#include "multiboot.h"
#include "vmcs.h"

/** The guest image module (guests/io/) and the disk image module. */
#define GUEST_MODULE "guest_io.bin"
#define DISK_MODULE "disk.img"
/** Where the image goes and the guest starts, as a PC BIOS loads a boot
 *  sector: 0000:7C00 in real mode. */
#define GUEST_LOAD_GPA 0x7C00ul
#define GUEST_RAM_DEFAULT (64ul << 20)
/** Like a PC, no RAM between 640 KiB and 1 MiB (the legacy video and BIOS
 *  area): the first 2 MiB of EPT must use 4 KiB pages around the hole. */
#define LEGACY_HOLE_START 0xA0000ul
#define LEGACY_HOLE_END 0x100000ul

/** Programs of guests/io (guests/io/guest.h), chosen by RDI at entry. */
enum guest_program {
    GUEST_NORMAL = 0,            /**< UART and virtio-console, then virtio-blk */
    GUEST_HOSTILE_LOOP = 1,      /**< a descriptor chain that loops */
    GUEST_HOSTILE_ADDRESS = 2,   /**< a buffer outside guest RAM */
    GUEST_HOSTILE_LENGTH = 3,    /**< a buffer whose end overflows */
    GUEST_HOSTILE_INDEX = 4,     /**< an avail index far beyond the queue */
    GUEST_HOSTILE_READ_ONLY = 5, /**< a read into a read-only buffer */
    /* Attacks on the hypervisor itself (guests/io/attack.c). */
    GUEST_ATTACK_MEASURE = 10,
    GUEST_ATTACK_HLT_CLI = 11,
    GUEST_ATTACK_MSR_FLOOD = 12,
    GUEST_ATTACK_DEADLINE = 13,
    GUEST_ATTACK_CONSOLE_FLOOD = 14,
    GUEST_ATTACK_PRINT_VERDICT = 15,
    GUEST_ATTACK_RING3_VMCALL = 16,
    GUEST_ATTACK_VMX = 17,
    GUEST_ATTACK_XSETBV = 18,
    GUEST_ATTACK_INVD = 19,
    GUEST_ATTACK_CPUID = 20,
    GUEST_ATTACK_CR0 = 21,
    GUEST_ATTACK_CR8 = 22,
    GUEST_ATTACK_COM1_WIDE = 23,
    GUEST_ATTACK_MMIO_PAST_END = 24,
    GUEST_ATTACK_QUEUE_NUM = 25,
    GUEST_ATTACK_EVENT_DELIVERY = 26,
    GUEST_ATTACK_HOST_INTERRUPTS = 27,
    GUEST_ATTACK_HYPERCALL_ARGS = 28,
    GUEST_ATTACK_MMIO_STRADDLE = 29,
    GUEST_ATTACK_MOV_SS = 30,
};

/** Builds guest RAM of ram_size bytes with EPT, copies the guest image to
 *  GUEST_LOAD_GPA and returns where it starts; fails the run, by name, if
 *  the module is missing or the size is unusable. */
struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t ram_size);
