/* SPDX-License-Identifier: MIT */
/** @file cpu.h
 *  The instructions the checks need, one inline function each. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

/** The segment registers, in the order the checks name them. */
enum segment { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, SEGMENT_COUNT };

static inline uint16_t read_selector(enum segment s)
{
    uint16_t v = 0;
    switch (s) {
    case SEG_CS: __asm__ volatile("mov %%cs, %0" : "=r"(v)); break;
    case SEG_DS: __asm__ volatile("mov %%ds, %0" : "=r"(v)); break;
    case SEG_ES: __asm__ volatile("mov %%es, %0" : "=r"(v)); break;
    case SEG_FS: __asm__ volatile("mov %%fs, %0" : "=r"(v)); break;
    case SEG_GS: __asm__ volatile("mov %%gs, %0" : "=r"(v)); break;
    case SEG_SS: __asm__ volatile("mov %%ss, %0" : "=r"(v)); break;
    case SEGMENT_COUNT: break;
    }
    return v;
}

/** LAR: the access rights of the descriptor selector names (Intel SDM
 *  Vol. 2A, "LAR"); false when the selector is not valid for LAR. */
static inline bool load_access_rights(uint16_t selector, uint32_t *rights)
{
    bool ok;
    __asm__ volatile("lar %2, %0" : "=r"(*rights), "=@ccz"(ok) : "r"((uint32_t)selector));
    return ok;
}

/** LSL: the descriptor's limit in bytes, granularity applied. */
static inline bool load_segment_limit(uint16_t selector, uint32_t *limit)
{
    bool ok;
    __asm__ volatile("lsl %2, %0" : "=r"(*limit), "=@ccz"(ok) : "r"((uint32_t)selector));
    return ok;
}
