; SPDX-License-Identifier: MIT
; smp.asm: chapter 7's two-vCPU guest. The VMM creates two vCPUs, each a
; host thread with its own kvm_run, and starts them in real mode at two
; entry points with KVM_SET_REGS (no INIT or SIPI: there is no emulated
; local APIC in this chapter): vCPU 0 at 0000:7C00, vCPU 1 at 0000:7D00
; (SMP_AP_ENTRY in chapters/07-kvm/main.c). Each counts itself in at a
; rendezvous in shared RAM and waits for the other, so neither can finish
; unless both run at once; then each writes its number to the id port
; and ends with the EXIT hypercall. A vCPU that never runs leaves the
; other spinning until the VMM's deadline: the run fails by name.

%include "hypercall.inc"

SMP_ID_PORT         equ 0x510           ; chapters/07-kvm/exits/io.c
VCPUS               equ 2
AP_ENTRY_OFFSET     equ 0x100           ; 0x7D00 - 0x7C00

bits 16
org 0x7C00

vcpu0_entry:
    xor bx, bx                          ; this is vCPU 0
    jmp rendezvous

    times AP_ENTRY_OFFSET - ($ - $$) db 0
vcpu1_entry:
    mov bx, 1                           ; this is vCPU 1

rendezvous:
    xor ax, ax
    mov ds, ax
    lock inc byte [arrived]
.wait:
    pause
    cmp byte [arrived], VCPUS
    jb .wait
    mov ax, bx
    mov dx, SMP_ID_PORT
    out dx, al
    mov eax, HYPERCALL_EXIT
    xor edi, edi                        ; status 0: success
    vmcall
.halt:                                  ; EXIT does not come back
    cli
    hlt
    jmp .halt

arrived: db 0
