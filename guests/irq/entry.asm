; SPDX-License-Identifier: MIT
; entry.asm: the first bytes of the chapter 5 guest. Loaded at 0000:7C00
; and entered in real mode like a boot sector, with EDI = the program
; (common/include/abi/guest_irq.h) and ESI = the size of guest RAM. Before
; boot64.inc leaves real mode, the normal program takes four exceptions
; there through the real-mode IVT (rm_exceptions, below); then boot64.inc
; goes to long mode and C takes over: guest_main(program, ram_size), whose
; return value ends the guest through the EXIT hypercall.

%include "hypercall.inc"
%include "guest_irq.inc"
STACK_TOP           equ 0x80000         ; guests/irq/guest.h, GUEST_STACK_TOP

extern guest_main
global boot64_start                     ; checked by the linker script
global boot64_done
global bench_run
global rm_results

section .text
%define BOOT64_REAL_MODE_HOOK rm_exceptions
%include "boot64.inc"

bits 64
boot64_done:
    mov rsp, STACK_TOP
    xor ebp, ebp
    mov edi, [rel boot64_program]
    mov esi, [rel boot64_ram_size]
    call guest_main
    mov edi, eax
    mov eax, HYPERCALL_EXIT
    vmcall
.halt:
    cli
    hlt
    jmp .halt

; --- real mode: exceptions through the IVT ----------------------------------
; Each case points its vector's IVT entry at a handler that records the
; vector and the frame (IP, CS, FLAGS: real mode pushes no error code) in
; rm_results, then returns to the case's resume point. C prints them
; (exceptions.c). RM_RESULT_BYTES is struct rm_result's size (programs.h).

UNKNOWN_MSR         equ 0x12345678
RM_RESULT_BYTES     equ 10              ; programs.h asserts it
IVT_ENTRY_BYTES     equ 4
VECTOR_DE           equ 0
VECTOR_BP           equ 3
VECTOR_UD           equ 6
VECTOR_GP           equ 13

%macro RM_HANDLER 1
rm_handler_%1:
    mov byte [rm_vector], %1
    jmp rm_common
%endmacro

; RM_CASE index, vector, setup...: arms the case; the instruction follows
; at the label .fault_<index>, and the case ends with RM_DONE index.
%macro RM_ARM 2
    mov word [%2 * IVT_ENTRY_BYTES], rm_handler_%2
    mov word [%2 * IVT_ENTRY_BYTES + 2], 0
    mov word [rm_resume], .resume_%1
    mov di, rm_results + %1 * RM_RESULT_BYTES
%endmacro

%macro RM_DONE 2                        ; index, the IP the frame must hold
.resume_%1:
    mov di, rm_results + %1 * RM_RESULT_BYTES
    mov word [di + 8], %2
%endmacro

bits 16
rm_exceptions:
    cmp edi, GUEST_NORMAL
    jne .done
    push edi
    push esi
    RM_ARM 0, VECTOR_DE                 ; #DE: a fault, IP at the DIV
    xor dx, dx
    xor cx, cx
    mov ax, 1
.fault_0:
    div cx
    RM_DONE 0, .fault_0
    RM_ARM 1, VECTOR_UD                 ; #UD: UD2
.fault_1:
    ud2
    RM_DONE 1, .fault_1
    RM_ARM 2, VECTOR_BP                 ; #BP: a trap, IP after the INT3
    int3
    RM_DONE 2, .resume_2
    RM_ARM 3, VECTOR_GP                 ; #GP from the hypervisor: no error code in real mode
    mov ecx, UNKNOWN_MSR
.fault_3:
    rdmsr
    RM_DONE 3, .fault_3
    pop esi
    pop edi
.done:
    ret

RM_HANDLER VECTOR_DE
RM_HANDLER VECTOR_BP
RM_HANDLER VECTOR_UD
RM_HANDLER VECTOR_GP

rm_common:                              ; DI: this case's struct rm_result
    push bp
    mov bp, sp
    movzx ax, byte [rm_vector]
    mov [di], ax                        ; vector
    mov ax, [bp + 2]
    mov [di + 2], ax                    ; IP
    mov ax, [bp + 4]
    mov [di + 4], ax                    ; CS
    mov ax, [bp + 6]
    mov [di + 6], ax                    ; FLAGS
    mov ax, [rm_resume]
    mov [bp + 2], ax
    pop bp
    iret

; --- the benchmark ------------------------------------------------------------
bits 64
%include "bench.inc"

LAPIC_ICR_LOW       equ 0xFEE00300      ; guests/irq/guest.h
LAPIC_TIMER_INITIAL equ 0xFEE00380
SELF_IPI            equ (1 << 18) | 0x50 ; ICR_SHORTHAND_SELF | VECTOR_SELF_IPI
BENCH_INTERRUPTS    equ 100

; A self-IPI with interrupts off, then STI; HLT: the HLT sits in the STI
; shadow, so the interrupt wakes it at once. Without the exit, a NOP
; takes its place: the difference is the HLT's exit and the wake-up.
%macro BENCH_HLT_BODY 1
    cli
    mov ebx, LAPIC_ICR_LOW
    mov eax, SELF_IPI
    mov [rbx], eax                      ; MOV r/m32, r32: what the MMIO decoder reads
    sti
%if %1
    hlt
%else
    nop
%endif
%endmacro

; A self-IPI with interrupts on: the ICR write's exit, the injection, the
; handler and its EOI.
%macro BENCH_IPI_BODY 1
    mov ebx, LAPIC_ICR_LOW
    mov eax, SELF_IPI
%if %1
    mov [rbx], eax
%endif
%endmacro

; The LAPIC timer (one-shot, LVT set by the caller) armed with a count of
; 1, then HLT until it fires: arming, sleeping, the injection, the EOI.
%macro BENCH_TIMER_BODY 1
    mov ebx, LAPIC_TIMER_INITIAL
    mov eax, 1
%if %1
    cli
    mov [rbx], eax
    sti
    hlt
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
    BENCH "HLT woken by a pending self-IPI", BENCH_INTERRUPTS, BENCH_HLT_BODY
    BENCH "self-IPI: ICR write, injection, EOI", BENCH_INTERRUPTS, BENCH_IPI_BODY
    BENCH "LAPIC timer: arm, HLT, injection, EOI", BENCH_INTERRUPTS, BENCH_TIMER_BODY
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

    BENCH_ROUTINES

section .data
rm_vector:  db 0
align 2
rm_resume:  dw 0
rm_results: times 4 * RM_RESULT_BYTES db 0xFF

section .note.GNU-stack noalloc noexec nowrite progbits
