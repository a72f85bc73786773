/* SPDX-License-Identifier: MIT */
/** @file io.h
 *  Device access: port I/O for COM1, memory-mapped I/O for virtio.
 *
 *  Each MMIO access is written as one MOV in inline assembly, because the
 *  hypervisor emulates it by decoding the instruction that faulted (an EPT
 *  violation on a device page), and its decoder knows only MOV and MOVZX
 *  (chapters/04-io/mmio_decode.c). A plain C access through a volatile
 *  pointer is usually a MOV too, but nothing obliges the compiler to keep
 *  it one: it may combine, split or fold an access into another
 *  instruction (CMP or TEST with a memory operand, say). The "memory"
 *  clobber also orders the access after every earlier write to RAM, which
 *  is what a notification needs: the rings must be written first. */
#pragma once
#include <stdint.h>

/** IN AL, DX: one byte from an I/O port. */
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

/** OUT DX, AL: one byte to an I/O port. */
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/** MOV r32, [addr] (8B /r): a 32-bit device register. */
static inline uint32_t mmio_read32(uintptr_t addr)
{
    uint32_t v;
    __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

/** MOV [addr], r32 (89 /r). */
static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    __asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(addr) : "memory");
}

/** A compiler barrier: RAM accesses are not moved across it. x86 keeps
 *  stores in order (and loads in order) by itself, and the device runs
 *  during a VM exit, which serializes, so this is all the rings need. */
static inline void barrier(void)
{
    __asm__ volatile("" : : : "memory");
}
