; SPDX-License-Identifier: MIT
; The CPU probe kernel's entry: a Multiboot 0.6.96 header, a stack, the
; #UD and #GP handlers, and one function per instruction that may fault.
; Each try_* function runs its instruction and returns NO_FAULT, or, if the
; instruction faulted, the vector: the handler resumes at the address the
; function left in fault_resume, with the vector in EAX.
bits 32

MULTIBOOT_HEADER_MAGIC equ 0x1BADB002
MULTIBOOT_MEMORY_INFO equ 1 << 1
MULTIBOOT_HEADER_FLAGS equ MULTIBOOT_MEMORY_INFO
STACK_SIZE equ 16384
VECTOR_UD equ 6
VECTOR_GP equ 13
NO_FAULT equ 0xFFFFFFFF

section .multiboot
align 4
    dd MULTIBOOT_HEADER_MAGIC
    dd MULTIBOOT_HEADER_FLAGS
    dd -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)

section .text
global cpuprobe_start, ud_stub, gp_stub
global try_rdmsr, try_wrmsr, try_xsetbv, try_rdpmc, try_monitor, try_mwait
extern cpuprobe_main
cpuprobe_start:
    mov esp, stack_top
    push ebx                ; the multiboot information's address
    push eax                ; the loader's magic value
    call cpuprobe_main      ; does not return
.halt:
    cli
    hlt
    jmp .halt

; #UD pushes no error code, #GP one: either way, return to fault_resume.
ud_stub:
    mov eax, VECTOR_UD
    jmp resume
gp_stub:
    add esp, 4              ; the error code
    mov eax, VECTOR_GP
resume:
    mov ecx, [fault_resume]
    mov [esp], ecx          ; the saved EIP
    iretd

; uint32_t try_rdmsr(uint32_t msr, uint64_t *value)
try_rdmsr:
    mov dword [fault_resume], .out
    mov ecx, [esp + 4]
    rdmsr
    mov ecx, [esp + 8]
    mov [ecx], eax
    mov [ecx + 4], edx
    mov eax, NO_FAULT
.out:
    ret

; uint32_t try_wrmsr(uint32_t msr, uint32_t low, uint32_t high)
try_wrmsr:
    mov dword [fault_resume], .out
    mov ecx, [esp + 4]
    mov eax, [esp + 8]
    mov edx, [esp + 12]
    wrmsr
    mov eax, NO_FAULT
.out:
    ret

; uint32_t try_xsetbv(uint32_t low, uint32_t high): XCR0
try_xsetbv:
    mov dword [fault_resume], .out
    xor ecx, ecx
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    xsetbv
    mov eax, NO_FAULT
.out:
    ret

; uint32_t try_rdpmc(uint32_t counter)
try_rdpmc:
    mov dword [fault_resume], .out
    mov ecx, [esp + 4]
    rdpmc
    mov eax, NO_FAULT
.out:
    ret

; uint32_t try_monitor(void): MONITOR on the stack's address
try_monitor:
    mov dword [fault_resume], .out
    mov eax, esp
    xor ecx, ecx
    xor edx, edx
    monitor
    mov eax, NO_FAULT
.out:
    ret

; uint32_t try_mwait(void)
try_mwait:
    mov dword [fault_resume], .out
    xor eax, eax
    xor ecx, ecx
    mwait
    mov eax, NO_FAULT
.out:
    ret

section .bss
alignb 16
fault_resume:
    resd 1
alignb 16
stack_bottom:
    resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
