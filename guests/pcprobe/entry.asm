; SPDX-License-Identifier: MIT
; The PC probe kernel's entry: a Multiboot 0.6.96 header, a stack, and
; the one interrupt handler its I/O APIC probe takes (irq_stub), which
; saves the registers the C code may change and calls irq_handler.
bits 32

MULTIBOOT_HEADER_MAGIC equ 0x1BADB002
MULTIBOOT_MEMORY_INFO equ 1 << 1
MULTIBOOT_HEADER_FLAGS equ MULTIBOOT_MEMORY_INFO
STACK_SIZE equ 16384

section .multiboot
align 4
    dd MULTIBOOT_HEADER_MAGIC
    dd MULTIBOOT_HEADER_FLAGS
    dd -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

section .text
global pcprobe_start
global irq_stub
extern pcprobe_main
extern irq_handler
pcprobe_start:
    mov esp, stack_top
    push ebx                ; the multiboot information's address
    push eax                ; the loader's magic value
    call pcprobe_main       ; does not return
.halt:
    cli
    hlt
    jmp .halt

irq_stub:
    pushad
    cld
    call irq_handler
    popad
    iretd

section .bss
align 16
stack_bottom:
    resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
