; SPDX-License-Identifier: MIT
; guest_rm: the test guest of chapter 3. Loaded at 0000:7C00 like a boot
; sector and entered in real mode, it switches itself to protected mode and
; then to long mode with page tables of its own, as an OS loader does; then
; it touches its memory and the MMIO test device. RDI = the program to run
; (common/include/abi/guest_rm.h), RSI = the size of guest RAM.

%include "find_canary.inc"
%include "bench.inc"

org 0x7C00

%include "guest_rm.inc"                ; the programs (enum guest_program)
%include "hypercall.inc"
%include "test_device.inc"             ; the MMIO test device's registers

SMALL_PAGE_GPA      equ 0x9000          ; EPT maps the first 2 MiB in 4 KiB pages
LARGE_PAGE_GPA      equ 0x300000        ; 3 MiB: inside a 2 MiB EPT page
ABOVE_RAM_GPA       equ 0x10000000      ; 256 MiB: no RAM there
FAR_GPA             equ 0xC0000000      ; 3 GiB: nothing there either
SEARCH_START        equ 0x100000
SEARCH_LENGTH       equ 0x400000


%macro PRINT 1                          ; PRINT label: a string with label.len
    mov edi, %1
    mov esi, %1.len
    mov eax, HYPERCALL_PRINT
    vmcall
%endmacro

%macro REPORT 2                         ; REPORT label, value
    mov rsi, %2
    mov edi, %1
    mov eax, HYPERCALL_REPORT
    vmcall
%endmacro

%macro EXIT 1
    mov edi, %1
    mov eax, HYPERCALL_EXIT
    vmcall
%endmacro

%define BOOT64_REAL_MODE_HOOK real_mode_programs
%include "boot64.inc"

; --- 64-bit long mode -------------------------------------------------------
bits 64
boot64_done:
    PRINT msg_long
    mov eax, [boot64_program]
    cmp eax, GUEST_ISOLATION
    je isolation
    cmp eax, GUEST_OUT_OF_RAM
    je out_of_ram
    cmp eax, GUEST_BAD_MMIO
    je bad_mmio
    cmp eax, GUEST_HANG
    je hang
    cmp eax, GUEST_BENCH
    je bench

normal:
    ; Memory behind 4 KiB and 2 MiB EPT pages, and the last bytes of RAM.
    mov rax, 0x1122334455667788
    mov [SMALL_PAGE_GPA], rax
    mov [LARGE_PAGE_GPA], rax
    mov ebx, [boot64_ram_size]
    mov [rbx - 8], rax
    xor ecx, ecx
    cmp [SMALL_PAGE_GPA], rax
    jne .bad
    inc ecx
    cmp [LARGE_PAGE_GPA], rax
    jne .bad
    inc ecx
    cmp [rbx - 8], rax
    jne .bad
    inc ecx
.bad:
    REPORT l_memory, rcx
    lea rax, [rbx - 8]
    REPORT l_last, rax

    ; The MMIO test device, with the MOV forms a driver uses.
    mov rbx, TEST_DEVICE_BASE
    mov eax, [rbx + TEST_DEVICE_ID]
    REPORT l_id, rax
    movzx eax, byte [rbx + TEST_DEVICE_VERSION]
    REPORT l_version, rax
    mov rax, 0x0123456789ABCDEF
    mov [rbx + TEST_DEVICE_SCRATCH], rax
    mov rcx, [rbx + TEST_DEVICE_SCRATCH]
    REPORT l_scratch64, rcx
    mov dword [rbx + TEST_DEVICE_SCRATCH], 0xCAFEF00D
    mov byte [rbx + TEST_DEVICE_SCRATCH + 4], 0x5A
    mov ah, 0x77
    mov [rbx + TEST_DEVICE_SCRATCH + 5], ah
    movzx edx, word [rbx + TEST_DEVICE_SCRATCH + 4]
    REPORT l_scratch16, rdx
    mov rcx, [rbx + TEST_DEVICE_SCRATCH]
    REPORT l_scratch, rcx
    mov rax, [rbx + TEST_DEVICE_ACCESSES]
    REPORT l_accesses, rax
    PRINT msg_done
    EXIT 0

; Look for the hypervisor's canary, as chapter 2's guest found it, then try
; addresses outside guest RAM.
isolation:
    FIND_CANARY .found
    PRINT msg_no_canary
    mov rax, 0x6865726520776173         ; "was here"
    mov rdi, FAR_GPA
    mov [rdi], rax                      ; an EPT violation: ends the guest
    PRINT msg_far_worked
    EXIT 0
.found:
    PRINT msg_canary
    EXIT 0

out_of_ram:
    mov rax, [ABOVE_RAM_GPA]
    PRINT msg_far_worked
    EXIT 0

bad_mmio:
    mov rbx, TEST_DEVICE_BASE
    add dword [rbx + TEST_DEVICE_SCRATCH], 1     ; read-modify-write: not a MOV
    EXIT 0

hang:
    jmp hang

; What each kind of VM exit costs (bench.inc), the test device's too.
%macro BENCH_MMIO_BODY 1
    mov ebx, TEST_DEVICE_BASE
%if %1
    mov eax, [rbx + TEST_DEVICE_ID]
%endif
%endmacro

bench:
    BENCH_COMMON
    BENCH "MMIO read, test device", BENCH_PRINTING, BENCH_MMIO_BODY
    EXIT 0

    BENCH_ROUTINES
; --- attacks from real mode, before boot64.inc leaves it --------------------

UNKNOWN_MSR         equ 0x12345678
CR4_VMXE_BIT        equ 1 << 13
CR4_PAE_BIT         equ 1 << 5
CR0_PE_PG           equ (1 << 0) | (1 << 31)
IVT_BP              equ 3 * 4           ; real-mode interrupt vector table entries
IVT_GP              equ 13 * 4
PAE_TABLES_GPA      equ 0x20000

%macro RM_REPORT 2                      ; RM_REPORT label, value (16-bit code)
    mov esi, %2
    mov edi, %1
    mov eax, HYPERCALL_REPORT
    vmcall
%endmacro

%macro RM_EXIT 1
    mov edi, %1
    mov eax, HYPERCALL_EXIT
    vmcall
%endmacro

bits 16
real_mode_programs:                     ; returns unless the program is one of these
    mov word [IVT_GP], rm_fault_handler
    mov word [IVT_GP + 2], 0
    mov word [IVT_BP], rm_breakpoint_handler
    mov word [IVT_BP + 2], 0
    cmp edi, GUEST_RM_UNKNOWN_MSR
    je .unknown_msr
    cmp edi, GUEST_RM_CR4_VMXE
    je .cr4_vmxe
    cmp edi, GUEST_RM_HLT_CLI
    je .hlt_cli
    cmp edi, GUEST_RM_PAE
    je .pae
    cmp edi, GUEST_RM_INT3
    je .int3
    ret
.unknown_msr:                           ; #GP, which in real mode has no error code
    mov ecx, UNKNOWN_MSR
    rdmsr
    RM_EXIT 1
.cr4_vmxe:                              ; #GP too
    mov eax, cr4
    or eax, CR4_VMXE_BIT
    mov cr4, eax
    RM_EXIT 1
.hlt_cli:
    cli
    hlt
    RM_EXIT 1
.pae:                                   ; PAE paging, straight from real mode
    mov eax, PAE_TABLES_GPA
    mov cr3, eax
    mov eax, cr4
    or eax, CR4_PAE_BIT
    mov cr4, eax
    mov eax, cr0
    or eax, CR0_PE_PG
    mov cr0, eax
    RM_EXIT 1
.int3:                                  ; reflected by the hypervisor into the IVT
    int3
    RM_EXIT 1

rm_fault_handler:                       ; stack: IP, CS, FLAGS (no error code)
    mov bp, sp
    movzx ebx, word [bp]
    RM_REPORT l_rm_gp, ebx
    RM_EXIT 0

rm_breakpoint_handler:
    mov bp, sp
    movzx ebx, word [bp]
    RM_REPORT l_rm_bp, ebx
    RM_EXIT 0

bits 64

; --- data -------------------------------------------------------------------

msg_long:       db "long mode: 64-bit code on the guest's own page tables"
.len            equ $ - msg_long
msg_done:       db "memory and MMIO checks done"
.len            equ $ - msg_done
msg_no_canary:  db "no hypervisor canary in guest memory; trying GPA 0xC0000000"
.len            equ $ - msg_no_canary
msg_canary:     db "found the hypervisor's canary in guest memory"
.len            equ $ - msg_canary
msg_far_worked: db "a write outside guest RAM worked?"
.len            equ $ - msg_far_worked

l_rm_gp:        db "real-mode #GP handler, return IP", 0
l_rm_bp:        db "real-mode #BP handler, return IP", 0
l_memory:       db "memory checks passed (4 KiB EPT page, 2 MiB EPT page, end of RAM)", 0
l_last:         db "last qword of RAM at GPA", 0
l_id:           db "test device ID", 0
l_version:      db "test device version", 0
l_scratch64:    db "scratch after a 64-bit store", 0
l_scratch16:    db "scratch bytes 4-5 after byte stores", 0
l_scratch:      db "scratch after 32-bit and byte stores", 0
l_accesses:     db "test device accesses", 0
