/* SPDX-License-Identifier: MIT */
/* virtio-blk ("Block Device"). A request is a descriptor chain of three
 * buffers, in this order: the header (device-readable), the data
 * (device-writable for a read, device-readable for a write), the status
 * byte (device-writable). The driver keeps one request in flight, so it
 * always uses descriptors 0, 1 and 2 (virtio_blk.h). */
#include "virtio_blk.h"
#include "guest.h"

#define STATUS_UNTOUCHED 0xFF

enum virtio_error virtio_blk_init(struct virtio_blk *blk)
{
    blk->dev = (struct virtio_dev){.base = VIRTIO_BLK_BASE, .device_id = VIRTIO_ID_BLOCK};
    /* FLUSH because this driver sends flushes (the block device's "Driver
     * Requirements: Device Initialization" says not to take it otherwise). */
    enum virtio_error e = virtio_begin_init(&blk->dev, VIRTIO_BLK_F_FLUSH);
    if (e == VIRTIO_OK)
        e = virtq_setup(&blk->dev, &blk->requestq, VIRTIO_BLK_REQUESTQ, BLK_REQUESTQ_GPA);
    if (e != VIRTIO_OK)
        return e;
    blk->capacity = virtio_config_read64(&blk->dev, VIRTIO_BLK_CONFIG_CAPACITY);
    virtio_driver_ok(&blk->dev);
    return VIRTIO_OK;
}

void virtio_blk_prepare(uint32_t type, uint64_t sector)
{
    volatile struct virtio_blk_req_header *h = (void *)BLK_HEADER_GPA;
    h->type = type;
    h->reserved = 0;
    h->sector = sector;
    *(volatile uint8_t *)BLK_STATUS_GPA = STATUS_UNTOUCHED;
}

int virtio_blk_request(struct virtio_blk *blk, uint32_t type, uint64_t sector, uint64_t data,
                       uint32_t len)
{
    struct virtq *q = &blk->requestq;
    virtio_blk_prepare(type, sector);
    virtq_set_desc(q, VIRTIO_BLK_DESC_HEADER, BLK_HEADER_GPA,
                   sizeof(struct virtio_blk_req_header), VIRTQ_DESC_F_NEXT,
                   len ? VIRTIO_BLK_DESC_DATA : VIRTIO_BLK_DESC_STATUS);
    if (len) {
        /* The device writes into the buffer of a read or a GET_ID. */
        uint16_t direction = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
        virtq_set_desc(q, VIRTIO_BLK_DESC_DATA, data, len, direction | VIRTQ_DESC_F_NEXT,
                       VIRTIO_BLK_DESC_STATUS);
    }
    virtq_set_desc(q, VIRTIO_BLK_DESC_STATUS, BLK_STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
    virtq_make_available(q, VIRTIO_BLK_DESC_HEADER);
    virtq_notify(&blk->dev, q);

    struct virtq_used_elem used;
    if (!virtq_get_used(q, &used) || used.id != VIRTIO_BLK_DESC_HEADER)
        return VIRTIO_BLK_NO_ANSWER;
    return *(volatile uint8_t *)BLK_STATUS_GPA;
}
