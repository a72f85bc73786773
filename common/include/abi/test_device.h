/* SPDX-License-Identifier: MIT */
/** @file abi/test_device.h
 *  The MMIO test device's registers (chapters' test_device.c), as the
 *  guests see them: guests/guest_rm.asm includes the generated
 *  test_device.inc. */
#pragma once

#define TEST_DEVICE_BASE 0xFE000000ul     /**< GPA; outside guest RAM */
#define TEST_DEVICE_SIZE 0x1000ul
#define TEST_DEVICE_ID 0x00               /**< 32-bit, read-only: "STPV" */
#define TEST_DEVICE_VERSION 0x04          /**< 32-bit, read-only */
#define TEST_DEVICE_SCRATCH 0x08          /**< 64-bit, read-write */
#define TEST_DEVICE_ACCESSES 0x10         /**< 64-bit, read-only: accesses so far */
#define TEST_DEVICE_ID_VALUE 0x56505453u  /**< 'S' 'T' 'P' 'V', little-endian */
#define TEST_DEVICE_VERSION_VALUE 1u
