/* SPDX-License-Identifier: MIT */
/** @file elf.h
 *  Loading an ELF executable's PT_LOAD segments at their physical
 *  addresses (ELF32 for multiboot kernels, ELF64 for Linux's vmlinux). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "guest.h"

#define ELF_CLASS_32 1
#define ELF_CLASS_64 2

/** True if file starts as an x86 ELF executable of the given class. */
bool elf_is(struct blob file, unsigned elf_class);
/** Copies each PT_LOAD segment to its p_paddr (guest_place, named what),
 *  zeroes the rest of its memory size, and returns the entry point as a
 *  physical address; refuses a malformed file or an entry outside the
 *  segments. *end gets the end of the highest segment. */
uint64_t elf_load(struct blob file, unsigned elf_class, const char *what, uint64_t *end);
