/* SPDX-License-Identifier: MIT */
/** @file pic.h
 *  The PC's two 8259 interrupt controllers, which the BIOS leaves running
 *  (IRQ0, its timer, on vector 8). */
#pragma once

/** Masks every IRQ line of both 8259s: no host interrupt reaches the CPU. */
void pic_mask_all(void);
