; SPDX-License-Identifier: MIT
; Entering the guest and coming back. Intel SDM Vol. 3C, "VM Entries" and
; "VM Exits": a VM exit loads RSP and RIP from the host-state area and
; nothing else of the general-purpose registers, so the guest's registers
; must be saved by hand, and the host's callee-saved ones restored.
;
; vm_run stays in a loop until the guest ends: enter the guest; on a VM
; exit, save its registers and call vm_exit_dispatch (run.c) on the stack
; vm_run set up; if the exit may have raised an interrupt, call
; events_deliver (events.c); resume. So the host's callee-saved registers are pushed
; once per run, not per exit, and HOST_RSP is written once: every exit
; lands on the same stack. run.c checks the numbers below against the C
; they mirror (_Static_assert).

bits 64
section .text

HOST_RSP         equ 0x6C14             ; VMCS encoding (vmcs_encodings.h)
VMX_FAIL_INVALID equ 1                  ; enum vmx_status (vmx_insn.h)
VMX_FAIL_VALID   equ 2

; struct vcpu (vcpu.h) begins with gpr[16], in the SDM's register order;
; then the launched flag.
%define GPR(n) (n) * 8
GPR_RAX equ 0
GPR_RCX equ 1
GPR_RDX equ 2
GPR_RBX equ 3
GPR_RBP equ 5
GPR_RSI equ 6
GPR_RDI equ 7
VCPU_LAUNCHED equ 16 * 8
VCPU_EVENT_CHECK equ 16 * 8 + 1

extern vm_exit_dispatch
extern events_deliver

; int vm_run(struct vcpu *v [rdi]): 0 once an exit handler has ended the
; guest, or the enum vmx_status of a VMLAUNCH or VMRESUME that failed.
global vm_run
vm_run:
    push rbp                            ; the host's callee-saved registers
    push rbx
    push r12
    push r13
    push r14
    push r15
    push rdi                            ; the vcpu, found at [rsp] after an exit
    mov rax, HOST_RSP                   ; RSP is now 16-byte aligned, as a
    vmwrite rax, rsp                    ; call from the exit stub needs
    jbe .failed                         ; CF or ZF: VMWRITE failed

.enter:                                 ; rdi = the vcpu
    cmp byte [rdi + VCPU_LAUNCHED], 0   ; ZF: launch or resume; the movs
                                        ; below leave the flags alone
    mov rax, [rdi + GPR(GPR_RAX)]
    mov rcx, [rdi + GPR(GPR_RCX)]
    mov rdx, [rdi + GPR(GPR_RDX)]
    mov rbx, [rdi + GPR(GPR_RBX)]
    mov rbp, [rdi + GPR(GPR_RBP)]
    mov rsi, [rdi + GPR(GPR_RSI)]
    mov r8,  [rdi + GPR(8)]
    mov r9,  [rdi + GPR(9)]
    mov r10, [rdi + GPR(10)]
    mov r11, [rdi + GPR(11)]
    mov r12, [rdi + GPR(12)]
    mov r13, [rdi + GPR(13)]
    mov r14, [rdi + GPR(14)]
    mov r15, [rdi + GPR(15)]
    mov rdi, [rdi + GPR(GPR_RDI)]
    jne .resume
    vmlaunch
    jmp .failed
.resume:
    vmresume
.failed:
    ; Still here: the instruction failed (VMfail) and no guest ran.
    mov eax, VMX_FAIL_INVALID
    jc .return                          ; CF = 1: VMfailInvalid
    mov eax, VMX_FAIL_VALID             ; ZF = 1: VMfailValid
.return:
    add rsp, 8                          ; the vcpu pointer
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; HOST_RIP: where every VM exit lands, with RSP = the HOST_RSP written above.
global vm_exit_entry
vm_exit_entry:
    push rdi                            ; the guest's RDI, to free a register
    mov rdi, [rsp + 8]                  ; the vcpu
    mov [rdi + GPR(GPR_RAX)], rax
    mov [rdi + GPR(GPR_RCX)], rcx
    mov [rdi + GPR(GPR_RDX)], rdx
    mov [rdi + GPR(GPR_RBX)], rbx
    mov [rdi + GPR(GPR_RBP)], rbp
    mov [rdi + GPR(GPR_RSI)], rsi
    mov [rdi + GPR(8)],  r8
    mov [rdi + GPR(9)],  r9
    mov [rdi + GPR(10)], r10
    mov [rdi + GPR(11)], r11
    mov [rdi + GPR(12)], r12
    mov [rdi + GPR(13)], r13
    mov [rdi + GPR(14)], r14
    mov [rdi + GPR(15)], r15
    pop qword [rdi + GPR(GPR_RDI)]
    call vm_exit_dispatch               ; bool (struct vcpu *v [rdi])
    mov rdi, [rsp]
    test al, al
    jz .ended
    cmp byte [rdi + VCPU_EVENT_CHECK], 0
    je vm_run.enter                     ; resume the guest
    call events_deliver                 ; void (struct vcpu *v [rdi]), then resume
    mov rdi, [rsp]
    jmp vm_run.enter
.ended:
    xor eax, eax                        ; the guest has ended; return 0
    jmp vm_run.return

section .note.GNU-stack noalloc noexec nowrite progbits
