/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  The guest's machine: RAM at guest-physical 0 in this process's memory,
 *  given to KVM as memory slots, the guest image loaded in it like a boot
 *  sector, and what the guest should do. */
#pragma once
#include <stdint.h>
#include "abi/guest_io.h" /* enum guest_program: chosen by RDI at entry */

/** Where the image goes and the guest starts, as a PC BIOS loads a boot
 *  sector: 0000:7C00 in real mode. */
#define GUEST_LOAD_GPA 0x7C00ul
#define GUEST_RAM_DEFAULT (64ul << 20)
/** Like a PC, no RAM between 640 KiB and 1 MiB (the legacy video and BIOS
 *  area), as in chapter 3: two memory slots, one each side of it. */
#define LEGACY_HOLE_START 0xA0000ul
#define LEGACY_HOLE_END 0x100000ul

/** Gives the VM ram_size bytes of RAM (mmap, KVM_SET_USER_MEMORY_REGION)
 *  and copies the file image to GUEST_LOAD_GPA; fails the run, by name,
 *  if the file is missing or does not fit below 640 KiB. */
void guest_load(int vm_fd, const char *image, uint64_t ram_size);
/** Reads a whole file into memory (malloc); fails the run by name. */
uint8_t *guest_read_file(const char *path, uint64_t *size);
