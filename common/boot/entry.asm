; SPDX-License-Identifier: MIT
; Multiboot1 entry: the loader (GRUB or QEMU -kernel) leaves us in 32-bit
; protected mode with paging off. Build identity page tables for the low
; 4 GiB, enter long mode and call boot_main(magic, info) in C.
; Intel SDM Vol. 3A, "Initializing IA-32e Mode".

MULTIBOOT_MAGIC        equ 0x1BADB002
MULTIBOOT_PAGE_ALIGN   equ 1 << 0          ; modules on page boundaries
MULTIBOOT_MEMORY_INFO  equ 1 << 1          ; we need the memory map
MULTIBOOT_FLAGS        equ MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO

CR0_PE                 equ 1 << 0
CR0_WP                 equ 1 << 16
CR0_NW                 equ 1 << 29
CR0_CD                 equ 1 << 30
CR0_PG                 equ 1 << 31
CR4_PAE                equ 1 << 5
MSR_IA32_EFER          equ 0xC0000080
EFER_LME               equ 1 << 8

PTE_PRESENT            equ 1 << 0
PTE_WRITABLE           equ 1 << 1
PTE_PAGE_SIZE          equ 1 << 7          ; a 2 MiB page in a PD entry
PAGE_TABLE_FLAGS       equ PTE_PRESENT | PTE_WRITABLE
LARGE_PAGE_FLAGS       equ PTE_PRESENT | PTE_WRITABLE | PTE_PAGE_SIZE
LARGE_PAGE_SIZE        equ 0x200000
IDENTITY_PDS           equ 4               ; 4 PDs x 1 GiB = low 4 GiB

CPUID_EXT_MAX          equ 0x80000000
CPUID_EXT_FEATURES     equ 0x80000001
CPUID_EXT_LM           equ 1 << 29         ; EDX: long mode

COM1                   equ 0x3F8
BOOT_STACK_SIZE        equ 0x10000

section .multiboot
align 4
    dd MULTIBOOT_MAGIC
    dd MULTIBOOT_FLAGS
    dd -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

section .boot.text progbits alloc exec
bits 32
global _start
_start:
    cli
    mov esp, boot_stack_top
    mov edi, eax                    ; multiboot magic, kept for boot_main
    mov esi, ebx                    ; multiboot information structure

    ; Long mode is the one thing we cannot do without: say so and stop.
    mov eax, CPUID_EXT_MAX
    cpuid
    cmp eax, CPUID_EXT_FEATURES
    jb .no_long_mode
    mov eax, CPUID_EXT_FEATURES
    cpuid
    test edx, CPUID_EXT_LM
    jz .no_long_mode

    ; Zero the tables, then PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3,
    ; and 2048 PD entries map 0..4 GiB with 2 MiB pages.
    push edi
    mov edi, page_tables
    mov ecx, PAGE_TABLES_SIZE / 4
    xor eax, eax
    rep stosd
    pop edi

    mov dword [pml4], pdpt + PAGE_TABLE_FLAGS
    mov ecx, 0
.pdpt_loop:
    mov eax, ecx
    shl eax, 12
    add eax, pd + PAGE_TABLE_FLAGS
    mov [pdpt + ecx * 8], eax
    inc ecx
    cmp ecx, IDENTITY_PDS
    jb .pdpt_loop

    mov ecx, 0
.pd_loop:
    mov eax, ecx
    mov edx, LARGE_PAGE_SIZE
    mul edx                         ; edx:eax = ecx * 2 MiB
    or eax, LARGE_PAGE_FLAGS
    mov [pd + ecx * 8], eax
    mov [pd + ecx * 8 + 4], edx
    inc ecx
    cmp ecx, IDENTITY_PDS * 512
    jb .pd_loop

    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, pml4
    mov cr3, eax
    mov ecx, MSR_IA32_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_PE | CR0_WP
    and eax, ~(CR0_CD | CR0_NW)     ; the firmware may leave caches off
    mov cr0, eax

    lgdt [boot_gdt_ptr]
    jmp BOOT_CODE64:long_mode_entry

.no_long_mode:
    mov esi, no_long_mode_msg
    call serial_puts32
.halt:
    hlt
    jmp .halt

; Print the NUL-terminated string at esi on COM1 (8N1): the one message the
; 32-bit stub can give before C's console exists.
serial_puts32:
    mov dx, COM1 + 3                ; LCR: 8 data bits, no parity, 1 stop
    mov al, 0x03
    out dx, al
.next:
    lodsb
    test al, al
    jz .done
    mov dx, COM1
    out dx, al
    jmp .next
.done:
    ret

bits 64
extern boot_main
long_mode_entry:
    mov ax, BOOT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    mov edi, edi                    ; zero-extend the two arguments
    mov esi, esi
    call boot_main
.hang:
    cli
    hlt
    jmp .hang

section .boot.rodata progbits alloc noexec
align 8
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 64-bit code, DPL 0
    dq 0x00CF92000000FFFF           ; data, DPL 0
boot_gdt_end:
BOOT_CODE64 equ 0x08
BOOT_DATA   equ 0x10
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt
no_long_mode_msg:
    db "FAIL: this CPU has no long mode (CPUID.80000001H:EDX.LM = 0)", 13, 10, 0

section .bss
align 4096
global page_tables
page_tables:
pml4:   resb 4096
pdpt:   resb 4096
pd:     resb 4096 * IDENTITY_PDS
PAGE_TABLES_SIZE equ $ - page_tables
global boot_stack_top
boot_stack:
        resb BOOT_STACK_SIZE
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
