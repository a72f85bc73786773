; SPDX-License-Identifier: MIT
; The multiboot check kernel's entry: the Multiboot 0.6.96 header a loader
; looks for in the file's first 8 KiB, and the first instructions, which
; run in 32-bit protected mode exactly as the loader left the machine.
bits 32

MULTIBOOT_HEADER_MAGIC equ 0x1BADB002
MULTIBOOT_PAGE_ALIGN equ 1 << 0   ; modules start on 4 KiB boundaries
MULTIBOOT_MEMORY_INFO equ 1 << 1  ; mem_lower/mem_upper and the memory map
MULTIBOOT_HEADER_FLAGS equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO
STACK_SIZE equ 16384

section .multiboot
align 4
    dd MULTIBOOT_HEADER_MAGIC
    dd MULTIBOOT_HEADER_FLAGS
    dd -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS) ; the three sum to 0

section .text
global mbcheck_start
extern mbcheck_main
mbcheck_start:
    ; ESP is undefined on entry (the specification says so): a stack
    ; first, by an instruction that leaves EFLAGS as the loader set it.
    mov esp, stack_top
    pushfd                  ; EFLAGS as entered: the third argument
    push ebx                ; the multiboot information's address
    push eax                ; the loader's magic value
    call mbcheck_main       ; does not return
.halt:
    cli
    hlt
    jmp .halt

section .bss
align 16
stack_bottom:
    resb STACK_SIZE
stack_top:

; No executable stack (the linker warns otherwise).
section .note.GNU-stack noalloc noexec nowrite progbits
