/* SPDX-License-Identifier: MIT */
/* The chapter 4 guest. boot64.inc brings it from real mode to long mode;
 * entry.asm calls guest_main() with the program to run and the size of
 * RAM, and ends the guest with its return value (0: success). The normal
 * program sends the same 2048 bytes through COM1 and through
 * virtio-console, with the hypervisor counting VM exits for each, then
 * drives virtio-blk; the others feed virtio-blk a hostile ring (hostile.c). */
#include <stdbool.h>
#include "guest.h"
#include "hypercall.h"
#include "programs.h"
#include "attack.h"
#include "kstring.h"
#include "uart.h"
#include "virtio_blk.h"
#include "io.h"
#include "virtio_console.h"

/* The text: 32 lines of 63 characters and a newline, 2048 bytes. */
#define TEXT_LINES 32
#define TEXT_LINE_BYTES 64
#define TEXT_BYTES (TEXT_LINES * TEXT_LINE_BYTES)
#define LINE_PREFIX "text line NN: " /* NN: the line number, 00 to 31 */
#define LINE_NUMBER_AT 10             /* where NN is */
#define LINE_FILLER "these 2048 bytes go out through COM1 and virtio.."
_Static_assert(sizeof LINE_PREFIX - 1 + sizeof LINE_FILLER - 1 == TEXT_LINE_BYTES - 1,
               "a line is 63 characters and a newline");

#define SECTOR_1_LINE "stepvisor disk sector 1" /* tools/make_disk.py */
#define SECTOR_2_TEXT "written by the guest\n"

int fail(int code, const char *what)
{
    hc_puts(what);
    return code;
}

/* Prints "<what>: <why>" for a device that could not be set up. */
static int fail_setup(int code, const char *what, enum virtio_error e)
{
    char line[128];
    size_t n = strlen(what), m = strlen(virtio_error_text(e));
    if (n + 2 + m > sizeof line)
        return fail(code, what);
    memcpy(line, what, n);
    memcpy(line + n, ": ", 2);
    memcpy(line + n + 2, virtio_error_text(e), m);
    hc_print(line, n + 2 + m);
    return code;
}

/* Prints what failed and the request's status byte (~0: no answer). */
static int fail_request(int code, const char *what, int status)
{
    hc_puts(what);
    hc_report("virtio-blk request status", (uint64_t)(int64_t)status);
    return code;
}

/* Writes the 32 lines to text. */
static void build_text(char *text)
{
    for (int i = 0; i < TEXT_LINES; i++) {
        char *line = text + i * TEXT_LINE_BYTES;
        memcpy(line, LINE_PREFIX, sizeof LINE_PREFIX - 1);
        line[LINE_NUMBER_AT] = (char)('0' + i / 10);
        line[LINE_NUMBER_AT + 1] = (char)('0' + i % 10);
        memcpy(line + sizeof LINE_PREFIX - 1, LINE_FILLER, sizeof LINE_FILLER - 1);
        line[TEXT_LINE_BYTES - 1] = '\n';
    }
}

#define COM2_LSR_PORT 0x2FD
#define POST_CODE_PORT 0x80 /* firmware progress codes; nothing listens here */
#define POST_CODE_DONE 0xAA

/* (a) The text through COM1, a byte at a time: an IN and an OUT each. */
static int uart_path(const char *text)
{
    if (!uart_init())
        return fail(FAIL_UART_SCRATCH, "COM1: the scratch register did not keep 0x5A");
    hc_measure_begin("UART (COM1)");
    bool sent = uart_write(text, TEXT_BYTES);
    hc_measure_end(TEXT_BYTES);
    if (!sent)
        return fail(FAIL_UART_STUCK, "COM1: LSR never said the transmitter was empty");
    /* COM2 is not emulated: like an empty bus, its ports read all ones. */
    hc_report("COM2 line status, a port with no device", inb(COM2_LSR_PORT));
    outb(POST_CODE_PORT, POST_CODE_DONE);
    return 0;
}

/* (b) The same text through virtio-console: the rings are in RAM, so
 * only the notification exits. */
static int console_path(const char *text)
{
    struct virtio_console console;
    enum virtio_error e = virtio_console_init(&console);
    if (e != VIRTIO_OK)
        return fail_setup(FAIL_CONSOLE_INIT, "virtio-console setup failed", e);
    hc_measure_begin("virtio-console");
    bool sent = virtio_console_write(&console, (uintptr_t)text, TEXT_BYTES);
    hc_measure_end(TEXT_BYTES);
    if (!sent)
        return fail(FAIL_CONSOLE_WRITE, "virtio-console: the buffers did not come back");
    /* A polling driver needs no interrupt, but the device still says why
     * it would have raised one; acknowledging clears the reason. */
    uint32_t reasons = virtio_interrupt_status(&console.dev);
    hc_report("virtio-console InterruptStatus after the transmit", reasons);
    virtio_interrupt_ack(&console.dev, reasons);
    hc_report("virtio-console InterruptStatus after InterruptACK",
              virtio_interrupt_status(&console.dev));
    return 0;
}

int blk_init_or_fail(struct virtio_blk *blk)
{
    enum virtio_error e = virtio_blk_init(blk);
    if (e != VIRTIO_OK)
        return fail_setup(FAIL_BLK_INIT, "virtio-blk setup failed", e);
    return 0;
}

int blk_read_sector_1(struct virtio_blk *blk)
{
    char *data = (char *)BLK_DATA_GPA;
    memset(data, 0, VIRTIO_BLK_SECTOR_SIZE);
    int status = virtio_blk_request(blk, VIRTIO_BLK_T_IN, 1, BLK_DATA_GPA, VIRTIO_BLK_SECTOR_SIZE);
    if (status != VIRTIO_BLK_S_OK)
        return fail_request(FAIL_BLK_READ, "virtio-blk: reading sector 1 failed", status);
    size_t len = 0;
    while (len < VIRTIO_BLK_SECTOR_SIZE && data[len] != '\n')
        len++;
    hc_print(data, len);
    if (len != sizeof SECTOR_1_LINE - 1 || memcmp(data, SECTOR_1_LINE, len) != 0)
        return fail(FAIL_BLK_SECTOR_1, "virtio-blk: sector 1 does not begin with its name");
    return 0;
}

/* (c) virtio-blk: identify the disk, read, write, read back, flush. */
static int blk_path(void)
{
    struct virtio_blk blk;
    int r = blk_init_or_fail(&blk);
    if (r)
        return r;
    hc_report("virtio-blk capacity in sectors", blk.capacity);
    if (blk.capacity < 3)
        return fail(FAIL_BLK_CAPACITY, "virtio-blk: the disk has no sector 2");

    char *data = (char *)BLK_DATA_GPA;
    memset(data, 0, VIRTIO_BLK_ID_BYTES);
    int status =
        virtio_blk_request(&blk, VIRTIO_BLK_T_GET_ID, 0, BLK_DATA_GPA, VIRTIO_BLK_ID_BYTES);
    if (status != VIRTIO_BLK_S_OK)
        return fail_request(FAIL_BLK_GET_ID, "virtio-blk: GET_ID failed", status);
    size_t id_len = 0; /* NUL-padded, and not terminated if all 20 are used */
    while (id_len < VIRTIO_BLK_ID_BYTES && data[id_len])
        id_len++;
    hc_print(data, id_len);

    r = blk_read_sector_1(&blk);
    if (r)
        return r;

    char expected[VIRTIO_BLK_SECTOR_SIZE];
    memset(expected, 0, sizeof expected);
    memcpy(expected, SECTOR_2_TEXT, sizeof SECTOR_2_TEXT - 1);
    memcpy(data, expected, sizeof expected);
    status = virtio_blk_request(&blk, VIRTIO_BLK_T_OUT, 2, BLK_DATA_GPA, VIRTIO_BLK_SECTOR_SIZE);
    if (status != VIRTIO_BLK_S_OK)
        return fail_request(FAIL_BLK_WRITE, "virtio-blk: writing sector 2 failed", status);
    memset(data, 0xAA, VIRTIO_BLK_SECTOR_SIZE); /* a read that writes nothing shows */
    status = virtio_blk_request(&blk, VIRTIO_BLK_T_IN, 2, BLK_DATA_GPA, VIRTIO_BLK_SECTOR_SIZE);
    if (status != VIRTIO_BLK_S_OK)
        return fail_request(FAIL_BLK_READ_BACK, "virtio-blk: reading sector 2 back failed", status);
    bool same = memcmp(data, expected, sizeof expected) == 0;
    hc_report("sector 2 read back matches", same);
    if (!same)
        return fail(FAIL_BLK_MISMATCH, "virtio-blk: sector 2 is not what was written");

    status = virtio_blk_request(&blk, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
    hc_report("flush status", (uint64_t)(int64_t)status);
    if (status != VIRTIO_BLK_S_OK)
        return fail(FAIL_BLK_FLUSH, "virtio-blk: FLUSH failed");
    return 0;
}

int program_normal(void)
{
    char *text = (char *)TEXT_GPA;
    build_text(text);
    int r = uart_path(text);
    if (!r)
        r = console_path(text);
    if (!r)
        r = blk_path();
    return r;
}

int program_bench(void)
{
    static struct virtio_console console;
    enum virtio_error e = virtio_console_init(&console);
    if (e != VIRTIO_OK)
        return fail_setup(FAIL_CONSOLE_INIT, "virtio-console setup failed", e);
    bench_run();
    return 0;
}

int guest_main(uint32_t program, uint32_t ram_size)
{
    if (ram_size < GUEST_RAM_NEEDED)
        return fail(FAIL_RAM_TOO_SMALL, "guest RAM is smaller than the 4 MiB the rings need");
    if (program == GUEST_NORMAL)
        return program_normal();
    if (program >= GUEST_HOSTILE_LOOP && program <= GUEST_HOSTILE_READ_ONLY)
        return program_hostile(program);
    if (program == GUEST_BENCH)
        return program_bench();
    if (program >= GUEST_ATTACK_MEASURE && program <= GUEST_ATTACK_LAST)
        return program_attack(program, ram_size);
    hc_report("unknown program", program);
    return FAIL_UNKNOWN_PROGRAM;
}
