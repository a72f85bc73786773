; SPDX-License-Identifier: MIT
; Exception entry stubs. Each pushes a uniform frame (vector, error code,
; general-purpose registers) and calls exception_dispatch(frame) in C.
; Intel SDM Vol. 3A, "Exception and Interrupt Handling in 64-bit Mode".

bits 64
section .text
extern exception_dispatch

; Vectors whose exceptions push an error code (SDM "Exception Classifications").
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

%macro EXCEPTION_STUB 1
exception_stub_%1:
%if !HAS_ERROR_CODE(%1)
    push 0                          ; uniform frame: a dummy error code
%endif
    push %1
    jmp exception_common
%endmacro

%assign v 0
%rep 32
EXCEPTION_STUB v
%assign v v + 1
%endrep

exception_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                    ; struct trap_frame *
    and rsp, -16                    ; the C ABI wants an aligned stack
    call exception_dispatch         ; reports and ends the run: no return
.hang:
    cli
    hlt
    jmp .hang

section .rodata
global exception_stubs
exception_stubs:
%assign v 0
%rep 32
    dq exception_stub_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
