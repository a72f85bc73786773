/* SPDX-License-Identifier: MIT */
/* virtio-blk ("Block Device"): one request queue. A request is a chain: a
 * device-readable header {type, reserved, sector}, the data (readable for
 * a write, writable for a read), and one writable status byte. The disk is
 * the module's memory, so a write is visible to the next read. */
#include "virtio_blk.h"
#include "pc.h"
#include "printf.h"

#define VIRTIO_ID_BLOCK 2
#define BLK_REQUESTQ 0
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20

struct virtio_blk_req_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

struct virtio_device virtio_blk;
static uint8_t *disk;
static uint64_t disk_size;
static const char disk_id[VIRTIO_BLK_ID_BYTES] = "stepvisor-disk0";

/* Is [sector, sector + len bytes) on the disk, in whole sectors? Safe for
 * any guest values. */
static bool on_disk(uint64_t sector, uint64_t len)
{
    return len % VIRTIO_BLK_SECTOR_SIZE == 0 &&
           sector <= disk_size / VIRTIO_BLK_SECTOR_SIZE &&
           len <= disk_size - sector * VIRTIO_BLK_SECTOR_SIZE;
}

/* Serves one request. *written: the bytes put into the chain, status byte
 * included. A non-OK result means the chain itself is unusable. */
static enum virtq_error serve(const struct virtq_chain *c, uint32_t *written)
{
    struct virtio_blk_req_header h;
    if (c->writable < 1)
        return VIRTQ_WRITE_TO_READ_ONLY; /* nowhere for the status byte */
    if (virtq_read(c, &virtio_guest_ram, 0, &h, sizeof h) != sizeof h)
        return VIRTQ_SHORT_BUFFER;

    uint64_t data_in = c->writable - 1;          /* the device writes these */
    uint64_t data_out = c->readable - sizeof h;  /* the device reads these */
    uint64_t pos = h.sector * VIRTIO_BLK_SECTOR_SIZE; /* used once on_disk() agrees */
    uint8_t status = VIRTIO_BLK_S_OK;
    enum virtq_error e = VIRTQ_OK;
    *written = 0;
    /* LAB blk-request (35 points): serve the request the header names. IN:
     * copy whole sectors from the disk into the writable buffers; OUT: copy
     * the readable data onto the disk; FLUSH: nothing; GET_ID: the disk's
     * name. Sectors off the disk are status IOERR, other types UNSUPP.
     * Graded by: test_ch04_io.py::test_virtio_blk_reads_back_what_it_wrote
     * Student stub:
     *     (void)data_in;
     *     (void)data_out;
     *     (void)pos;
     *     (void)on_disk;
     *     (void)disk_id;
     *     run_fail("lab blk-request is not done yet");
     */
    switch (h.type) {
    case VIRTIO_BLK_T_IN:
        /* Data after the header that the device may only read: the driver
         * asked for a read into a read-only buffer. */
        if (data_out)
            return VIRTQ_WRITE_TO_READ_ONLY;
        if (!on_disk(h.sector, data_in)) {
            status = VIRTIO_BLK_S_IOERR;
            break;
        }
        e = virtq_write(c, &virtio_guest_ram, 0, disk + pos, data_in);
        *written = (uint32_t)data_in;
        break;
    case VIRTIO_BLK_T_OUT:
        if (!on_disk(h.sector, data_out))
            status = VIRTIO_BLK_S_IOERR;
        else
            virtq_read(c, &virtio_guest_ram, sizeof h, disk + pos, data_out);
        break;
    case VIRTIO_BLK_T_FLUSH:
        break; /* memory is always "on disk" */
    case VIRTIO_BLK_T_GET_ID:
        if (data_in < VIRTIO_BLK_ID_BYTES)
            return VIRTQ_SHORT_BUFFER;
        e = virtq_write(c, &virtio_guest_ram, 0, disk_id, VIRTIO_BLK_ID_BYTES);
        *written = VIRTIO_BLK_ID_BYTES;
        break;
    default:
        status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    /* END LAB blk-request */
    if (e != VIRTQ_OK)
        return e;
    *written += 1;
    return virtq_write(c, &virtio_guest_ram, c->writable - 1, &status, 1);
}

static void blk_notify(struct virtio_device *d, unsigned queue)
{
    if (queue == BLK_REQUESTQ)
        virtio_process_queue(d, queue, serve);
}

/* Configuration space: capacity, a le64 count of 512-byte sectors, at 0. */
static uint64_t blk_config_read(struct virtio_device *d, uint64_t offset, unsigned size)
{
    (void)d;
    uint64_t capacity = disk_size / VIRTIO_BLK_SECTOR_SIZE;
    if (offset >= sizeof capacity || offset + size > sizeof capacity)
        return 0;
    uint64_t v = capacity >> (8 * offset);
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static const struct virtio_device_ops blk_ops = {blk_notify, blk_config_read};

void virtio_blk_init(uint8_t *image, uint64_t size)
{
    disk = image;
    disk_size = size;
    virtio_device_init(&virtio_blk, "virtio-blk", VIRTIO_BLK_BASE, IRQ_VIRTIO_BLK);
    virtio_blk.device_id = VIRTIO_ID_BLOCK;
    virtio_blk.offered = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH;
    virtio_blk.queue_count = 1;
    virtio_blk.ops = &blk_ops;
    kprintf("virtio-blk: %lu sectors of %u bytes, at GPA 0x%lx\n",
            size / VIRTIO_BLK_SECTOR_SIZE, VIRTIO_BLK_SECTOR_SIZE, VIRTIO_BLK_BASE);
}
