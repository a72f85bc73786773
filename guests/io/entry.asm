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

; No executable stack: without this note, ld warns when it links an ELF
; (for gdb, say; the flat binary does not need it).
section .note.GNU-stack noalloc noexec nowrite progbits
