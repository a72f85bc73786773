/* SPDX-License-Identifier: MIT */
/** @file access_rights.h
 *  The segment access-rights format of the VMCS guest-state area: the
 *  descriptor's bits 40-55 shifted down by 40, plus an "unusable" bit.
 *  Intel SDM Vol. 3C, "Guest Register State", table "Format of Access
 *  Rights". */
#pragma once

#define AR_TYPE_MASK 0xFu
#define AR_TYPE_ACCESSED (1u << 0)
#define AR_TYPE_CODE_READABLE (1u << 1)  /**< code: readable */
#define AR_TYPE_DATA_WRITABLE (1u << 1)  /**< data: writable */
#define AR_TYPE_CODE (1u << 3)
#define AR_TYPE_TSS_BUSY_64 0xBu         /**< system type: 64-bit busy TSS */
#define AR_TYPE_TSS_BUSY_32 0xBu         /**< the same type outside IA-32e mode */
#define AR_TYPE_TSS_BUSY_16 0x3u
#define AR_TYPE_LDT 0x2u
#define AR_S (1u << 4)                   /**< code or data, not system */
#define AR_DPL_SHIFT 5
#define AR_DPL_MASK (3u << 5)
#define AR_P (1u << 7)                   /**< present */
#define AR_AVL (1u << 12)
#define AR_L (1u << 13)                  /**< 64-bit code segment */
#define AR_DB (1u << 14)                 /**< default operation size 32 */
#define AR_G (1u << 15)                  /**< limit in 4 KiB units */
#define AR_UNUSABLE (1u << 16)
/** Bits 11:8 and 31:17 are reserved and must be zero. */
#define AR_RESERVED_MASK 0xFFFE0F00u

/** Selector fields (Intel SDM Vol. 3A, "Segment Selectors"). */
#define SELECTOR_RPL_MASK 0x3u
#define SELECTOR_TI (1u << 2)
