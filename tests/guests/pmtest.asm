; pmtest.asm — HexEmu's own end-to-end CPU check, run as a 64 KiB ROM (-bios).
;
; From reset it copies a GDT to RAM, enters 32-bit protected mode, and checks segment faults,
; paging (not-present and protection faults, CR2, error codes, accessed/dirty bits, CR0.WP),
; a ring 3 task entered through IRET with a TSS stack switch, privileged instructions faulting
; in ring 3, the TSS I/O permission bitmap, and a system call through a DPL 3 trap gate. Each check prints "ok - NAME" or
; "not ok - NAME" on the debug console (port 0xE9); the ROM then exits through isa-debug-exit
; (port 0xF4): status 1 when every check passed, 3 otherwise.
;
; Build: nasm -f bin -o pmtest.rom pmtest.asm   (or: make -C tests/guests)

%define ROFF(x) ((x) - rom_start)       ; offset of a ROM label within segment F000 (the ROM starts at 0xF0000)

GDT_RAM     equ 0x0500
IDT_RAM     equ 0x0800
TSS_RAM     equ 0x3000
IO_BITMAP   equ TSS_RAM + 0x68
IO_BITMAP_BYTES equ 32                  ; ports 0x000–0x0FF
PAGE_DIR    equ 0x10000
PAGE_TABLE  equ 0x11000
KSTACK_TOP  equ 0x90000
USTACK_TOP  equ 0x80000

SEL_CODE0   equ 0x08
SEL_DATA0   equ 0x10
SEL_CODE3   equ 0x18 | 3
SEL_DATA3   equ 0x20 | 3
SEL_TSS     equ 0x28
SEL_SMALL   equ 0x30                    ; ring 0 data, base 1 MiB, limit 0xFFF
SEL_BEYOND  equ 0x38                    ; first selector past the GDT's limit

; Fault bookkeeping shared with the handlers, in RAM.
expect_vector   equ 0x4000              ; vector the current check expects (0xFF: none)
expect_error    equ 0x4004
resume_at       equ 0x4008              ; where the handler returns to
seen_vector     equ 0x400C
seen_error      equ 0x4010
failures        equ 0x4014

org 0xF0000
bits 16

rom_start:
    jmp real_start

; The GDT and its pseudo-descriptor come first, so real-mode code refers to them backwards.
align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF               ; 0x08 ring 0 code, flat
    dq 0x00CF92000000FFFF               ; 0x10 ring 0 data, flat
    dq 0x00CFFA000000FFFF               ; 0x18 ring 3 code, flat
    dq 0x00CFF2000000FFFF               ; 0x20 ring 3 data, flat
    dw 0x0068 + IO_BITMAP_BYTES, TSS_RAM & 0xFFFF ; 0x28 32-bit TSS with its I/O bitmap
    db (TSS_RAM >> 16) & 0xFF, 0x89, 0x00, 0x00
    dq 0x0040921000000FFF               ; 0x30 ring 0 data, base 0x100000, limit 0xFFF
gdt_end:

gdtr:
    dw gdt_end - gdt - 1
    dd GDT_RAM

real_start:
    cli
    cld
    xor ax, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, 0xF000
    mov ds, ax
    ; A real-mode sanity check before anything else.
    mov ax, 0x1234
    add ax, 0x1111
    cmp ax, 0x2345
    jne real_mode_broken
    ; Copy the GDT to RAM (the CPU writes accessed and busy bits into it).
    mov si, ROFF(gdt)
    mov di, GDT_RAM
    mov cx, gdt_end - gdt
    rep movsb
    lgdt [cs:ROFF(gdtr)]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword SEL_CODE0:pm_start

real_mode_broken:
    mov al, '!'
    out 0xE9, al
    mov al, 1
    out 0xF4, al
    hlt

bits 32
pm_start:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, KSTACK_TOP
    mov dword [failures], 0
    mov dword [expect_vector], 0xFF
    call build_idt
    lidt [idt_descriptor]
    mov esi, msg_pm
    call check_ok                       ; reaching here is the first check

    ; --- segmentation -------------------------------------------------------------------
    ; A selector beyond the GDT limit: #GP with the selector as error code.
    mov dword [expect_vector], 13
    mov dword [expect_error], SEL_BEYOND
    mov dword [resume_at], .after_beyond
    mov ax, SEL_BEYOND
    mov ds, ax
.after_beyond:
    mov esi, msg_gp_selector
    call check_fault

    ; An access past a byte-granular limit: #GP(0), and the load itself works.
    mov dword [expect_vector], 13
    mov dword [expect_error], 0
    mov dword [resume_at], .after_limit
    mov ax, SEL_SMALL
    mov es, ax
    mov eax, [es:0xFFE]                 ; bytes 0xFFE..0x1001: the last two are past the limit
.after_limit:
    mov ax, SEL_DATA0
    mov es, ax
    mov esi, msg_gp_limit
    call check_fault

    ; --- paging -------------------------------------------------------------------------
    call build_page_tables
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paging_on                      ; a jump after enabling paging, as the manual asks
.paging_on:
    mov esi, msg_paging_on
    call check_ok

    ; Reading a not-present page: #PF, error 0 (not present, read, supervisor), CR2 = address.
    mov dword [expect_vector], 14
    mov dword [expect_error], 0
    mov dword [resume_at], .after_np
    mov eax, [0x200000]
.after_np:
    mov esi, msg_pf_not_present
    call check_fault
    mov eax, cr2
    cmp eax, 0x200000
    mov esi, msg_cr2
    call check_equal

    ; A supervisor write to a read-only page is allowed while CR0.WP is clear…
    mov dword [0x201000], 0x12345678
    cmp dword [0x201000], 0x12345678
    mov esi, msg_wp_clear
    call check_equal
    ; …and faults with error 3 (protection, write, supervisor) once WP is set.
    mov eax, cr0
    or eax, 1 << 16
    mov cr0, eax
    mov dword [expect_vector], 14
    mov dword [expect_error], 3
    mov dword [resume_at], .after_wp
    mov dword [0x201000], 0
.after_wp:
    mov esi, msg_wp_set
    call check_fault
    cmp dword [0x201000], 0x12345678    ; the faulting write left memory alone
    mov esi, msg_wp_unchanged
    call check_equal

    ; Accessed and dirty bits: a read sets A only; a write sets A and D.
    mov eax, [0x203000]
    mov dword [0x202000], 1
    mov eax, [PAGE_TABLE + 0x203 * 4]
    and eax, 0x60
    cmp eax, 0x20
    mov esi, msg_accessed
    call check_equal
    mov eax, [PAGE_TABLE + 0x202 * 4]
    and eax, 0x60
    cmp eax, 0x60
    mov esi, msg_dirty
    call check_equal

    ; --- ring 3 -------------------------------------------------------------------------
    mov dword [TSS_RAM + 4], KSTACK_TOP ; ESP0
    mov dword [TSS_RAM + 8], SEL_DATA0  ; SS0
    ; The I/O permission bitmap lets ring 3 use only the debug console and isa-debug-exit.
    mov word [TSS_RAM + 0x66], IO_BITMAP - TSS_RAM
    mov edi, IO_BITMAP
    mov al, 0xFF
    mov ecx, IO_BITMAP_BYTES + 1        ; and the terminating byte of ones
    rep stosb
    and byte [IO_BITMAP + 0xE9 / 8], ~(1 << (0xE9 % 8))
    and byte [IO_BITMAP + 0xF4 / 8], ~(1 << (0xF4 % 8))
    mov ax, SEL_TSS
    ltr ax
    push dword SEL_DATA3                ; SS
    push dword USTACK_TOP               ; ESP
    push dword 0x002                    ; EFLAGS: IOPL 0, IF clear
    push dword SEL_CODE3                ; CS
    push dword ring3_start              ; EIP
    iretd

ring3_start:
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    mov esi, msg_ring3
    call check_ok
    ; A user write to a supervisor page: #PF error 7 (protection, write, user).
    mov dword [expect_vector], 14
    mov dword [expect_error], 7
    mov dword [resume_at], .after_user_write
    mov dword [0x201000], 0
.after_user_write:
    mov esi, msg_user_pf
    call check_fault
    ; CLI with CPL > IOPL and HLT outside ring 0: #GP(0).
    mov dword [expect_vector], 13
    mov dword [expect_error], 0
    mov dword [resume_at], .after_cli
    cli
.after_cli:
    mov esi, msg_cli
    call check_fault
    mov dword [expect_vector], 13
    mov dword [expect_error], 0
    mov dword [resume_at], .after_hlt
    hlt
.after_hlt:
    mov esi, msg_hlt
    call check_fault
    ; OUT to a port whose bitmap bit is set: #GP(0).
    mov dword [expect_vector], 13
    mov dword [expect_error], 0
    mov dword [resume_at], .after_out
    out 0x80, al
.after_out:
    mov esi, msg_io_denied
    call check_fault
    ; Back to ring 0 through the system call gate; the handler finishes the run.
    int 0x30
    mov esi, msg_syscall_returned
    call check_failed
    jmp $

; --- handlers -----------------------------------------------------------------------------

; #GP and #PF: record what happened and resume where the check said.
fault_handler_13:
    push dword 13
    jmp fault_common
fault_handler_14:
    push dword 14
fault_common:
    push eax
    push ds
    mov ax, SEL_DATA0
    mov ds, ax
    mov eax, [esp + 8]                  ; vector
    mov [seen_vector], eax
    mov eax, [esp + 12]                 ; error code
    mov [seen_error], eax
    mov eax, [resume_at]
    mov [esp + 16], eax                 ; return EIP
    pop ds
    pop eax
    add esp, 8                          ; vector and error code
    iretd

; Any other exception is a failure that ends the run.
unexpected_handler:
    mov ax, SEL_DATA0
    mov ds, ax
    mov esi, msg_unexpected
    call print
    jmp finish_failed

; INT 0x30 from ring 3: check that it came from ring 3, then finish in ring 0.
syscall_handler:
    mov ax, SEL_DATA0
    mov ds, ax
    mov eax, [esp + 4]                  ; CS pushed by the gate
    cmp eax, SEL_CODE3
    mov esi, msg_syscall
    call check_equal
    mov eax, [esp + 16]                 ; SS of ring 3
    cmp eax, SEL_DATA3
    mov esi, msg_syscall_stack
    call check_equal
    cmp dword [failures], 0
    jne finish_failed
    mov esi, msg_all_passed
    call print
    mov al, 0
    out 0xF4, al
    hlt

finish_failed:
    mov esi, msg_some_failed
    call print
    mov al, 1
    out 0xF4, al
    hlt

; --- checks -------------------------------------------------------------------------------

; check_fault: the expected fault happened, with the expected error code.
check_fault:
    mov eax, [seen_vector]
    cmp eax, [expect_vector]
    jne check_failed
    mov eax, [seen_error]
    cmp eax, [expect_error]
    jne check_failed
    mov dword [seen_vector], 0xFF
    mov dword [expect_vector], 0xFF
    jmp check_ok

; check_equal: ZF from the caller's compare says pass.
check_equal:
    jne check_failed
check_ok:
    push esi
    mov esi, msg_ok
    call print
    pop esi
    call print
    mov esi, msg_newline
    jmp print

check_failed:
    inc dword [failures]
    push esi
    mov esi, msg_not_ok
    call print
    pop esi
    call print
    mov esi, msg_newline
    jmp print

; print: the zero-terminated string at ESI to the debug console.
print:
    push eax
.next:
    lodsb
    test al, al
    jz .done
    out 0xE9, al
    jmp .next
.done:
    pop eax
    ret

; --- tables -------------------------------------------------------------------------------

; set_gate: IDT entry ECX -> handler EAX, attribute byte in DL.
set_gate:
    push ebx
    lea ebx, [IDT_RAM + ecx * 8]
    mov word [ebx], ax
    mov word [ebx + 2], SEL_CODE0
    mov byte [ebx + 4], 0
    mov byte [ebx + 5], dl
    shr eax, 16
    mov word [ebx + 6], ax
    pop ebx
    ret

build_idt:
    xor ecx, ecx
.all:
    mov eax, unexpected_handler
    mov dl, 0x8E                        ; present, DPL 0, 32-bit interrupt gate
    call set_gate
    inc ecx
    cmp ecx, 256
    jne .all
    mov ecx, 13
    mov eax, fault_handler_13
    call set_gate
    mov ecx, 14
    mov eax, fault_handler_14
    call set_gate
    mov ecx, 0x30
    mov eax, syscall_handler
    mov dl, 0xEF                        ; present, DPL 3, 32-bit trap gate
    call set_gate
    ret

; Identity-map the first 4 MiB as user, writable pages, except 0x200000 (not present) and
; 0x201000 (supervisor, read-only).
build_page_tables:
    mov edi, PAGE_TABLE
    mov eax, 0x007                      ; present, writable, user
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [PAGE_TABLE + 0x200 * 4], 0
    mov dword [PAGE_TABLE + 0x201 * 4], 0x201000 | 0x001
    mov edi, PAGE_DIR
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PAGE_DIR], PAGE_TABLE | 0x007
    ret

idt_descriptor:
    dw 256 * 8 - 1
    dd IDT_RAM

msg_ok:             db "ok - ", 0
msg_not_ok:         db "not ok - ", 0
msg_newline:        db 10, 0
msg_pm:             db "protected mode entered", 0
msg_gp_selector:    db "selector beyond the GDT limit raises #GP(selector)", 0
msg_gp_limit:       db "access past a segment limit raises #GP(0)", 0
msg_paging_on:      db "paging enabled", 0
msg_pf_not_present: db "read of a not-present page raises #PF(0)", 0
msg_cr2:            db "CR2 holds the faulting address", 0
msg_wp_clear:       db "supervisor writes a read-only page while CR0.WP is clear", 0
msg_wp_set:         db "with CR0.WP set the write raises #PF(3)", 0
msg_wp_unchanged:   db "the faulting write changed nothing", 0
msg_accessed:       db "a read sets the accessed bit only", 0
msg_dirty:          db "a write sets the accessed and dirty bits", 0
msg_ring3:          db "ring 3 entered through IRET", 0
msg_user_pf:        db "user write to a supervisor page raises #PF(7)", 0
msg_cli:            db "CLI in ring 3 with IOPL 0 raises #GP(0)", 0
msg_hlt:            db "HLT in ring 3 raises #GP(0)", 0
msg_io_denied:      db "OUT to a port the I/O bitmap denies raises #GP(0)", 0
msg_syscall:        db "INT 0x30 through a DPL 3 gate arrives from ring 3", 0
msg_syscall_stack:  db "the gate switched to the TSS stack and saved the ring 3 SS", 0
msg_syscall_returned: db "the system call returned to ring 3", 0
msg_unexpected:     db "not ok - unexpected exception", 10, 0
msg_all_passed:     db "all checks passed", 10, 0
msg_some_failed:    db "some checks failed", 10, 0

    times 0x10000 - 16 - ($ - $$) db 0xFF
bits 16
reset_vector:                           ; F000:FFF0
    jmp 0xF000:ROFF(real_start)
    times 0x10000 - ($ - $$) db 0xFF
