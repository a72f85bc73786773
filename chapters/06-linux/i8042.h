/* SPDX-License-Identifier: MIT */
/** @file i8042.h
 *  The PC's keyboard controller (an 8042 running the AT/PS2 firmware), as
 *  much as an operating system probes: the status register, the command
 *  byte, the self-test and the port tests, the output buffer and its
 *  interrupts (IRQ 1, or IRQ 12 for the auxiliary port), the AUX
 *  loopback, and the output port's reset line (pulsed by 0xFE). No
 *  keyboard or mouse is attached: bytes for them are dropped. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64 /**< status on read */

struct i8042 {
    uint8_t command_byte;   /**< the "controller command byte" (CTR) */
    uint8_t output;         /**< the output buffer */
    bool full;              /**< output buffer full (OBF) */
    bool aux;               /**< ... with a byte from the AUX side */
    bool last_was_command;  /**< status A2: the last write was to 0x64 */
    bool self_tested;       /**< status SYS: the self-test passed */
    uint8_t pending;        /**< a command waiting for its data byte, or 0 */
    bool reset;             /**< the guest pulsed the reset line */
};

/** As the BIOS leaves it: tested, keyboard interrupt on, translation on. */
void i8042_reset(struct i8042 *k);
/** An IN from 0x60 or 0x64. */
uint8_t i8042_read(struct i8042 *k, uint16_t port);
/** An OUT to 0x60 or 0x64. */
void i8042_write(struct i8042 *k, uint16_t port, uint8_t value);
/** The levels of its interrupt lines. */
bool i8042_keyboard_irq(const struct i8042 *k);
bool i8042_aux_irq(const struct i8042 *k);
