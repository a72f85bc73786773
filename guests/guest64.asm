; SPDX-License-Identifier: MIT
; guest64: the test guest of chapter 2. A flat, position-independent 64-bit
; binary; the hypervisor copies it anywhere and enters it in 64-bit mode
; with RDI = the program to run (common/include/abi/guest64.h) and a stack.
; It talks to the hypervisor by VMCALL (common/include/abi/hypercall.h) and
; by port I/O, and handles #GP and #BP with an IDT of its own.

bits 64
default rel
org 0

%include "find_canary.inc"
%include "bench.inc"

%include "guest64.inc"                  ; the programs (enum guest_program)
%include "hypercall.inc"                ; VMCALL: RAX = function, RDI, RSI = arguments
UNKNOWN_HYPERCALL   equ 99

DEBUGCON_PORT       equ 0xE9
COM1_THR            equ 0x3F8
COM1_LSR            equ 0x3FD
LSR_THR_EMPTY       equ 0x20
PCI_CONFIG_DATA     equ 0xCFC           ; nothing emulates PCI here
IA32_FEATURE_CONTROL equ 0x3A
IA32_SYSENTER_ESP   equ 0x175
UNKNOWN_MSR         equ 0x12345678
CR0_NE              equ 1 << 5
CR0_BIT_32          equ 1 << 32
CR4_VMXE            equ 1 << 13
CPUID_FEATURES      equ 1
CPUID_VMX           equ 1 << 5
CPUID_HYPERVISOR    equ 0x40000000
KERNEL_CODE_SELECTOR equ 0x08          ; the hypervisor's GDT, shared
INTERRUPT_GATE      equ 0x8E            ; present, DPL 0, 64-bit interrupt gate
VECTOR_BP           equ 3
VECTOR_UD           equ 6
VECTOR_GP           equ 13
IDT_VECTORS         equ 32
SEARCH_START        equ 0x100000        ; the hypervisor image loads at 1 MiB
SEARCH_LENGTH       equ 0x400000

%macro PRINT 1                          ; PRINT label: a string with label.len
    lea rdi, [%1]
    mov esi, %1.len
    mov eax, HYPERCALL_PRINT
    vmcall
%endmacro

%macro REPORT 2                         ; REPORT label, value
    mov rsi, %2
    lea rdi, [%1]
    mov eax, HYPERCALL_REPORT
    vmcall
%endmacro

%macro EXIT 1
    mov edi, %1
    mov eax, HYPERCALL_EXIT
    vmcall
%endmacro

%macro EXPECT_FAULT 1                   ; a #GP before label resumes there
    lea rax, [%1]
    mov [fault_resume], rax
%endmacro

entry:
    cmp rdi, GUEST_HANG
    je hang
    cmp rdi, GUEST_TRIPLE_FAULT
    je triple_fault
    push rdi
    call setup_idt
    pop rdi
    cmp rdi, GUEST_UNKNOWN_MSR
    je unknown_msr
    cmp rdi, GUEST_ISOLATION
    je isolation
    cmp rdi, GUEST_BENCH
    je bench
    cmp rdi, GUEST_HLT_CLI
    je hlt_cli
    cmp rdi, GUEST_INT3_FLOOD
    je int3_flood
    cmp rdi, GUEST_VMX
    je vmx_instruction
    cmp rdi, GUEST_PRINT_VERDICT
    je print_verdict
    cmp rdi, GUEST_CR8
    je tpr_cr8
    cmp rdi, GUEST_CR0_HIGH
    je cr0_high
    ; GUEST_NORMAL, and anything else

normal:
    PRINT hello

    ; CPUID: the hypervisor's signature, and VMX hidden.
    mov eax, CPUID_HYPERVISOR
    cpuid
    mov [signature], ebx
    mov [signature + 4], ecx
    mov [signature + 8], edx
    PRINT signature_line
    mov eax, CPUID_FEATURES
    cpuid
    and ecx, CPUID_VMX
    REPORT l_cpuid_vmx, rcx

    ; Port I/O: the debug port, and COM1 the way a polling driver does it.
    lea rsi, [via_e9]
    call puts_debugcon
    lea rsi, [via_com1]
    call puts_com1
    mov dx, PCI_CONFIG_DATA
    in eax, dx
    REPORT l_pci, rax

    ; MSRs: one the VMCS holds, the feature control, and an unknown one.
    mov ecx, IA32_SYSENTER_ESP
    mov eax, 0x12340000
    xor edx, edx
    wrmsr
    xor eax, eax
    rdmsr
    REPORT l_sysenter_esp, rax
    mov ecx, IA32_FEATURE_CONTROL
    rdmsr
    REPORT l_feature_control, rax
    EXPECT_FAULT .after_msr
    mov ecx, UNKNOWN_MSR
    rdmsr
.after_msr:

    ; Control registers: the read shadow hides CR4.VMXE; setting it faults;
    ; clearing CR0.NE changes only what the guest sees.
    mov rax, cr4
    REPORT l_cr4, rax
    EXPECT_FAULT .after_cr4
    mov rax, cr4
    or rax, CR4_VMXE
    mov cr4, rax
.after_cr4:
    mov rax, cr0
    and rax, ~CR0_NE
    mov cr0, rax
    mov rax, cr0
    REPORT l_cr0, rax

    int3                                ; the hypervisor sees it, then we do
    sti                                 ; a halt with interrupts off would be the end
    hlt                                 ; no interrupts will come, none is lost
    cli

    mov eax, UNKNOWN_HYPERCALL
    vmcall
    REPORT l_unknown_hypercall, rax

    PRINT goodbye
    EXIT 0

hang:
    jmp hang

triple_fault:
    ud2                                 ; no IDT: #UD, then #DF, then shutdown

unknown_msr:
    EXPECT_FAULT .faulted
    mov ecx, UNKNOWN_MSR
    rdmsr
    PRINT msr_worked                    ; not reached
    EXIT 0
.faulted:
    PRINT msr_faulted
    EXIT 1

; Find "STEPVISOR-CANARY:" in the hypervisor and overwrite what follows.
isolation:
    FIND_CANARY .found
    PRINT canary_missing
    EXIT 2
.found:
    REPORT l_canary, rsi
    lea rdi, [rsi + 17]
    lea rsi, [graffiti]
    mov ecx, graffiti.len
    rep movsb
    PRINT canary_written
    EXIT 0

; What each kind of VM exit costs (bench.inc).
bench:
    BENCH_COMMON
    EXIT 0

    BENCH_ROUTINES
; --- attacks on the hypervisor itself ---------------------------------------

hlt_cli:                                ; a halt nothing can end
    cli
    hlt
    EXIT 1

int3_flood:                             ; an exit and a line each, forever
    int3
    jmp int3_flood

vmx_instruction:                        ; VMX is hidden: #UD (ud_handler ends)
    xor eax, eax
    vmread rbx, rax
    PRINT vmread_worked
    EXIT 1

print_verdict:                          ; text that looks like a verdict
    PRINT forged
    EXIT 0

tpr_cr8:                                  ; the guest's own TPR, checked as the CPU would
    mov eax, 5
    mov cr8, rax
    mov rax, cr8
    REPORT l_cr8, rax
    EXPECT_FAULT .done
    mov eax, 0x10                       ; bits 63:4 are reserved
    mov cr8, rax
    EXIT 1
.done:
    EXIT 0

cr0_high:                               ; CR0 bits 63:32 are reserved
    EXPECT_FAULT .done
    mov rax, cr0
    xor rax, CR0_NE                     ; an owned bit, so that the write exits
    mov rdx, CR0_BIT_32
    or rax, rdx
    mov cr0, rax
    EXIT 1
.done:
    EXIT 0

; --- output through ports -------------------------------------------------

puts_debugcon:                          ; rsi: NUL-terminated string
    mov dx, DEBUGCON_PORT
.loop:
    lodsb
    test al, al
    jz .done
    out dx, al
    jmp .loop
.done:
    ret

puts_com1:                              ; rsi: NUL-terminated string
.loop:
    mov dx, COM1_LSR
.wait:
    in al, dx
    test al, LSR_THR_EMPTY
    jz .wait
    lodsb
    test al, al
    jz .done
    mov dx, COM1_THR
    out dx, al
    jmp .loop
.done:
    ret

; --- exceptions -----------------------------------------------------------

setup_idt:
    lea rdi, [idt]
    xor ecx, ecx
.gate:
    lea rax, [unexpected_exception]
    cmp ecx, VECTOR_BP
    jne .not_bp
    lea rax, [breakpoint_handler]
.not_bp:
    cmp ecx, VECTOR_GP
    jne .not_gp
    lea rax, [gp_handler]
.not_gp:
    cmp ecx, VECTOR_UD
    jne .not_ud
    lea rax, [ud_handler]
.not_ud:
    mov [rdi], ax                       ; offset 15:0
    mov word [rdi + 2], KERNEL_CODE_SELECTOR
    mov byte [rdi + 4], 0               ; no IST
    mov byte [rdi + 5], INTERRUPT_GATE
    shr rax, 16
    mov [rdi + 6], ax                   ; offset 31:16
    shr rax, 16
    mov [rdi + 8], eax                  ; offset 63:32
    mov dword [rdi + 12], 0
    add rdi, 16
    inc ecx
    cmp ecx, IDT_VECTORS
    jb .gate
    lea rax, [idt]
    mov [idtr + 2], rax
    lidt [idtr]
    ret

breakpoint_handler:
    push rax
    push rdi
    push rsi
    PRINT bp_seen
    pop rsi
    pop rdi
    pop rax
    iretq                               ; RIP already points after INT3

gp_handler:                             ; stack: error code, RIP, CS, ...
    push rax
    push rdi
    push rsi
    mov rax, [rsp + 24]
    REPORT l_gp, rax
    mov rax, [fault_resume]
    test rax, rax
    jz unexpected_exception
    mov qword [fault_resume], 0
    mov [rsp + 32], rax                 ; resume where the code expected
    pop rsi
    pop rdi
    pop rax
    add rsp, 8                          ; the error code
    iretq

ud_handler:                             ; stack: RIP, CS, ...
    mov rax, [rsp]
    REPORT l_ud, rax
    EXIT 0

unexpected_exception:
    PRINT unexpected
    EXIT 3

; --- data -----------------------------------------------------------------

vmread_worked:  db "VMREAD worked?"
.len            equ $ - vmread_worked
forged:         db "PASS", 10, "FAIL: forged", 11, "PASS", 12
.len            equ $ - forged
hello:          db "hello from the guest, in VMX non-root operation"
.len            equ $ - hello
signature_line: db "CPUID.40000000H signature: "
signature:      times 12 db 0
.len            equ 9                   ; "stepvisor"
signature_line.len equ signature - signature_line + signature.len
goodbye:        db "all exits exercised, goodbye"
.len            equ $ - goodbye
msr_worked:     db "RDMSR of an unknown MSR worked?"
.len            equ $ - msr_worked
msr_faulted:    db "RDMSR of an unknown MSR raised #GP; giving up"
.len            equ $ - msr_faulted
canary_missing: db "no canary found"
.len            equ $ - canary_missing
canary_written: db "overwrote the hypervisor's canary"
.len            equ $ - canary_written
graffiti:       db "guest was here", 0
.len            equ $ - graffiti
bp_seen:        db "#BP reached the guest's own handler"
.len            equ $ - bp_seen
unexpected:     db "unexpected exception in the guest"
.len            equ $ - unexpected
via_e9:         db "guest console via port 0xE9", 10, 0
via_com1:       db "guest console via COM1", 10, 0

l_cpuid_vmx:    db "CPUID.1:ECX.VMX", 0
l_pci:          db "IN from port 0xCFC", 0
l_sysenter_esp: db "IA32_SYSENTER_ESP", 0
l_feature_control: db "IA32_FEATURE_CONTROL", 0
l_cr4:          db "CR4 as the guest reads it", 0
l_cr0:          db "CR0 after clearing CR0.NE", 0
l_unknown_hypercall: db "unknown hypercall returned", 0
l_ud:           db "#UD in the guest at RIP", 0
l_cr8:          db "CR8 after MOV CR8 = 5", 0
l_gp:           db "#GP in the guest, error code", 0
l_canary:       db "found the hypervisor's canary at", 0

align 8
fault_resume:   dq 0
idtr:           dw IDT_VECTORS * 16 - 1
                dq 0
align 16
idt:            times IDT_VECTORS * 16 db 0
