/* SPDX-License-Identifier: MIT */
/** @file test_device.h
 *  A small MMIO device to test emulation against: an identity register, a
 *  version, a scratch register and an access counter. */
#pragma once
#include "abi/test_device.h"
#include "mmio.h"

/** The one test device, registered with mmio_register(). */
extern struct mmio_device test_device;
