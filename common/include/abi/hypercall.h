/* SPDX-License-Identifier: MIT */
/** @file abi/hypercall.h
 *  stepvisor's hypercall ABI, defined once: the hypervisor chapters
 *  (exits/vmcall.c) and the guests include it (guests/io/hypercall.h; the
 *  NASM guests through hypercall.inc, which the build generates from this
 *  file). VMCALL with the function number in RAX and arguments in RDI and
 *  RSI; the result comes back in RAX. A chapter that does not serve a
 *  function answers HYPERCALL_UNKNOWN. */
#pragma once

#define HYPERCALL_NOP 0           /**< nothing: the cheapest round trip (guests/bench.inc) */
#define HYPERCALL_PRINT 1         /**< RDI = string address, RSI = length: print a line */
#define HYPERCALL_REPORT 2        /**< RDI = NUL-terminated label, RSI = value: print both */
#define HYPERCALL_EXIT 3          /**< RDI = status, 0 for success: end the guest */
#define HYPERCALL_MEASURE_BEGIN 4 /**< RDI = NUL-terminated label: count VM exits from here */
#define HYPERCALL_MEASURE_END 5   /**< RDI = bytes moved: stop counting */

#define HYPERCALL_OK 0
#define HYPERCALL_UNKNOWN (~0ull)         /**< no such function */
#define HYPERCALL_BAD_ADDRESS (~0ull - 1) /**< an argument points outside guest memory */

#define HYPERCALL_MAX_STRING 256
