/** @file hypercall.h
 *  stepvisor's hypercall ABI, for guests. VMCALL with the function number
 *  in RAX and arguments in RDI and RSI; the result comes back in RAX.
 *  guests/guest64.asm uses the same numbers. */
#pragma once

#define HYPERCALL_NOP 0    /**< nothing: the cheapest round trip (guests/bench.inc) */
#define HYPERCALL_PRINT 1  /**< RDI = string address, RSI = length: print a line */
#define HYPERCALL_REPORT 2 /**< RDI = NUL-terminated label, RSI = value: print both */
#define HYPERCALL_EXIT 3   /**< RDI = status, 0 for success: end the guest */

#define HYPERCALL_OK 0
#define HYPERCALL_UNKNOWN (~0ull)         /**< no such function */
#define HYPERCALL_BAD_ADDRESS (~0ull - 1) /**< an argument points outside guest memory */

#define HYPERCALL_MAX_STRING 256
