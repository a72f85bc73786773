/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  The guest's machine: RAM at guest-physical 0 built with EPT, the test
 *  guest loaded in it like a boot sector, and what the guest should do. */
#pragma once
#include <stdint.h>
#include "abi/guest_irq.h" /* enum guest_program: chosen by RDI at entry */
#include "ept.h"
#include "multiboot.h"
#include "vmcs.h"

/** The guest image module (guests/irq/) and the disk image module. Until
 *  guests/irq/ is built, chapter 4's guest stands in (its program 0 is
 *  also a normal run). */
#define GUEST_MODULE "guest_irq.bin"
#define GUEST_MODULE_STAND_IN "guest_io.bin"
#define DISK_MODULE "disk.img"
/** Where the image goes and the guest starts, as a PC BIOS loads a boot
 *  sector: 0000:7C00 in real mode. */
#define GUEST_LOAD_GPA 0x7C00ul
#define GUEST_RAM_DEFAULT (64ul << 20)
/** Like a PC, no RAM between 640 KiB and 1 MiB (the legacy video and BIOS
 *  area): the first 2 MiB of EPT must use 4 KiB pages around the hole. */
#define LEGACY_HOLE_START 0xA0000ul
#define LEGACY_HOLE_END 0x100000ul

/** Builds guest RAM of ram_size bytes with EPT, copies the guest image to
 *  GUEST_LOAD_GPA and returns where it starts; fails the run, by name, if
 *  the module is missing or the size is unusable. */
struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t ram_size);
