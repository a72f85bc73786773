/* Guest output, gathered into lines. */
#include "line_buffer.h"
#include "printf.h"

void line_buffer_putc(struct line_buffer *b, char c)
{
    if (c != '\n' && c != '\r')
        b->text[b->len++] = c;
    if (c == '\n' || b->len == LINE_BUFFER_MAX) {
        b->text[b->len] = '\0';
        kprintf("%s: %s\n", b->prefix, b->text);
        b->len = 0;
    }
}
