/* SPDX-License-Identifier: MIT */
/* Guest output, gathered into lines. */
#include "line_buffer.h"
#include "exit_log.h"

void line_buffer_putc(struct line_buffer *b, char c)
{
    if (c != '\n' && c != '\r')
        b->text[b->len++] = c;
    if (c == '\n' || b->len == LINE_BUFFER_MAX) {
        /* Escaped: a \v or \f in it must not start a new line. */
        exit_log_guest_text(b->prefix, b->text, b->len);
        b->len = 0;
    }
}
