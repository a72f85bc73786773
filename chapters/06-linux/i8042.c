/* SPDX-License-Identifier: MIT */
/* The 8042 keyboard controller's commands (IBM PS/2 "Keyboard/Auxiliary
 * Device Controller"), those Linux's drivers/input/serio/i8042.c sends to
 * probe it (the ports are enabled and disabled through the command byte);
 * others are logged and ignored. Each command answers at most one byte, so one output buffer
 * holds everything; the interrupt line of its side is up while it is
 * full and the command byte enables it. Pure logic: exits/io.c calls it. */
#include "i8042.h"
#include "exit_log.h"

#define STATUS_OBF 0x01
#define STATUS_SYS 0x04
#define STATUS_A2 0x08          /* last write was a command */
#define STATUS_UNLOCKED 0x10    /* the keyboard inhibit switch is off */
#define STATUS_AUX_DATA 0x20
#define CTR_KBD_INT 0x01
#define CTR_AUX_INT 0x02
#define CTR_SYS 0x04
#define CTR_XLATE 0x40
#define CTR_RESET (CTR_KBD_INT | CTR_SYS | CTR_XLATE)
#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_AUX_TEST 0xA9
#define CMD_SELF_TEST 0xAA
#define CMD_KBD_TEST 0xAB
#define CMD_WRITE_OUTPUT_PORT 0xD1
#define CMD_AUX_LOOP 0xD3       /* ... as the AUX device's */
#define CMD_PULSE_FIRST 0xF0    /* 0xF0-0xFF pulse output port bits 3:0 that are 0 */
#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define OUTPUT_PORT_RESET_LINE 0x01 /* low: the CPU is reset */

void i8042_reset(struct i8042 *k)
{
    *k = (struct i8042){.command_byte = CTR_RESET, .self_tested = true};
}

static void answer(struct i8042 *k, uint8_t byte, bool aux)
{
    k->output = byte;
    k->full = true;
    k->aux = aux;
}

bool i8042_keyboard_irq(const struct i8042 *k)
{
    return k->full && !k->aux && (k->command_byte & CTR_KBD_INT);
}

bool i8042_aux_irq(const struct i8042 *k)
{
    return k->full && k->aux && (k->command_byte & CTR_AUX_INT);
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
    if (port == I8042_DATA_PORT) {
        k->full = false; /* stale data reads again, as on the chip */
        return k->output;
    }
    return (k->full ? STATUS_OBF : 0) | (k->full && k->aux ? STATUS_AUX_DATA : 0) |
           (k->self_tested ? STATUS_SYS : 0) | (k->last_was_command ? STATUS_A2 : 0) |
           STATUS_UNLOCKED;
}

static void command(struct i8042 *k, uint8_t cmd)
{
    switch (cmd) {
    case CMD_READ_CTR: answer(k, k->command_byte, false); return;
    case CMD_WRITE_CTR: case CMD_WRITE_OUTPUT_PORT: case CMD_AUX_LOOP:
        k->pending = cmd; /* the data byte follows */
        return;
    case CMD_SELF_TEST:
        k->self_tested = true;
        answer(k, SELF_TEST_OK, false);
        return;
    case CMD_AUX_TEST:
    case CMD_KBD_TEST: answer(k, PORT_TEST_OK, false); return;
    default: break;
    }
    if (cmd >= CMD_PULSE_FIRST) {
        if (!(cmd & OUTPUT_PORT_RESET_LINE))
            k->reset = true;
        return;
    }
    exit_log("i8042: command 0x%02x is not emulated: ignored\n", cmd);
}

void i8042_write(struct i8042 *k, uint16_t port, uint8_t value)
{
    k->last_was_command = port == I8042_COMMAND_PORT;
    if (port == I8042_COMMAND_PORT) {
        k->pending = 0;
        command(k, value);
        return;
    }
    uint8_t cmd = k->pending;
    k->pending = 0;
    switch (cmd) {
    case CMD_WRITE_CTR: k->command_byte = value; return;
    case CMD_WRITE_OUTPUT_PORT:
        if (!(value & OUTPUT_PORT_RESET_LINE))
            k->reset = true;
        return;
    case CMD_AUX_LOOP: answer(k, value, true); return;
    default: return; /* to the keyboard or the mouse: none is attached */
    }
}
