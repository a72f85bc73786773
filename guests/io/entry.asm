; SPDX-License-Identifier: MIT
; entry.asm: the first bytes of the chapter 4 guest. Loaded at 0000:7C00
; and entered in real mode like a boot sector, with EDI = the program to run
; (guests/io/guest.h) and ESI = the size of guest RAM; boot64.inc takes it
; to 64-bit long mode on identity-mapped page tables. Then C takes over:
; guest_main(program, ram_size), whose return value ends the guest through
; the EXIT hypercall. The linker script puts this file's .text first, so
; boot64_start is the byte at 0x7C00.

%include "hypercall.inc"
STACK_TOP           equ 0x80000         ; guests/io/guest.h, GUEST_STACK_TOP

extern guest_main
global boot64_start                     ; checked by the linker script
global boot64_done                      ; where boot64.inc ends
global bench_run

COM1_THR            equ 0x3F8           ; guests/io/guest.h, COM1_PORT
CARRIAGE_RETURN     equ 13              ; the UART's line buffer keeps no CR
TEST_DEVICE_ID      equ 0xFE000000      ; chapters/04-io/test_device.h
VIRTIO_CONSOLE_QUEUE_NOTIFY equ 0xFE010050 ; guests/io/virtio.h
VIRTIO_CONSOLE_TRANSMITQ equ 1

section .text
%include "boot64.inc"

bits 64
boot64_done:
    mov rsp, STACK_TOP                  ; 16-byte aligned, as the SysV ABI wants before a call
    xor ebp, ebp                        ; the end of the frame chain, for a debugger
    mov edi, [rel boot64_program]
    mov esi, [rel boot64_ram_size]
    call guest_main
    mov edi, eax                        ; the exit status: 0 for success
    mov eax, HYPERCALL_EXIT
    vmcall
.halt:                                  ; EXIT does not come back
    cli
    hlt
    jmp .halt

; What each kind of VM exit costs (bench.inc), the devices' too. Called
; from C (main.c) once virtio-console is up, so it keeps the registers the
; SysV ABI gives the callee.
%include "bench.inc"

%macro BENCH_THR_BODY 1
    mov dx, COM1_THR
    mov al, CARRIAGE_RETURN
%if %1
    out dx, al
%endif
%endmacro

%macro BENCH_MMIO_BODY 1
    mov ebx, TEST_DEVICE_ID
%if %1
    mov eax, [rbx]
%endif
%endmacro

; A notification with nothing new in the transmitq: the device looks, finds
; no buffer, and the guest goes on.
%macro BENCH_NOTIFY_BODY 1
    mov ebx, VIRTIO_CONSOLE_QUEUE_NOTIFY
    mov eax, VIRTIO_CONSOLE_TRANSMITQ
%if %1
    mov [rbx], eax
%endif
%endmacro

bench_run:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    BENCH_COMMON
    BENCH "OUT to the UART THR", BENCH_CHEAP, BENCH_THR_BODY
    BENCH "MMIO read, test device", BENCH_PRINTING, BENCH_MMIO_BODY
    BENCH "virtio notify, empty queue", BENCH_PRINTING, BENCH_NOTIFY_BODY
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

    BENCH_ROUTINES

; No executable stack: without this note, ld warns when it links an ELF
; (for gdb, say; the flat binary does not need it).
section .note.GNU-stack noalloc noexec nowrite progbits
