; ata.asm — HexEmu's end-to-end check of the IDE disk on the primary channel, run as a 64 KiB ROM
; (-bios) with a raw disk image as primary master, e.g.
;
;   qemu-system-i386 -bios ata.rom -display none -debugcon stdio \
;       -device isa-debug-exit,iobase=0xf4,iosize=0x04 -drive file=disk.img,format=raw,if=ide,index=0
;
; The image must be writable, at least 3 sectors and smaller than 128 GiB; sector 2 is
; overwritten. With the drive's interrupts masked (nIEN) and polling, it IDENTIFYs the master,
; reads sectors 0 and 1 (16-bit and 32-bit PIO), writes sector 2 and reads it back, flushes,
; reads with READ MULTIPLE and by CHS address, reads past the end of the disk, and looks at the
; absent slave. Then it programs the 8259s and counts IRQ 14s: one for IDENTIFY, one per block of
; a two-sector read, none with nIEN set.
;
; Each check prints "ok - NAME" or "not ok - NAME" on the debug console (port 0xE9); two lines
; also print what the disk said, for the test to compare with the image:
;   ok - identify: N sectors, chs C/H/S         (words 60–61, and 1/3/6 of IDENTIFY)
;   ok - read sectors 0-1: sums 0xXXXX 0xXXXX   (16-bit sum of each sector's 256 little-endian words)
; The ROM then exits through isa-debug-exit (port 0xF4): status 1 when every check passed, 3 otherwise.
;
; Build: nasm -f bin -o ata.rom ata.asm   (or: make -C tests/guests)

bits 16
org 0

rom_size        equ 0x10000

ATA_DATA        equ 0x1F0
ATA_ERROR       equ 0x1F1
ATA_COUNT       equ 0x1F2
ATA_LBA_LOW     equ 0x1F3
ATA_LBA_MID     equ 0x1F4
ATA_LBA_HIGH    equ 0x1F5
ATA_DEVICE      equ 0x1F6
ATA_STATUS      equ 0x1F7              ; read: status (acknowledges the interrupt)
ATA_COMMAND     equ 0x1F7              ; write
ATA_CONTROL     equ 0x3F6              ; write: device control
ATA_ALT_STATUS  equ 0x3F6              ; read: status without side effects

ST_BSY          equ 0x80
ST_DRDY         equ 0x40
ST_DRQ          equ 0x08
ST_ERR          equ 0x01
ST_MASK         equ ST_BSY | ST_DRDY | ST_DRQ | ST_ERR

CTL_NIEN        equ 0x02

CMD_READ        equ 0x20
CMD_WRITE       equ 0x30
CMD_READ_MULTIPLE equ 0xC4
CMD_SET_MULTIPLE equ 0xC6
CMD_FLUSH       equ 0xE7
CMD_IDENTIFY    equ 0xEC

IRQ14_VECTOR    equ 0x76               ; slave 8259 based at 0x70, input 6

; RAM, addressed through ES = 0.
failures        equ 0x0500             ; word
irq_count       equ 0x0502             ; word, counted by the IRQ 14 handler
IDENTIFY_BUF    equ 0x1000             ; 512 bytes
SECTORS_BUF     equ 0x1400             ; sectors 0 and 1, 1024 bytes
WRITE_BUF       equ 0x1800             ; 512 bytes
READ_BUF        equ 0x1C00             ; up to 1024 bytes

start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov es, ax
    mov ax, cs
    mov ds, ax                          ; strings live in the ROM
    mov word [es:failures], 0
    mov word [es:irq_count], 0

    ; Polled I/O first: the drive must not interrupt.
    mov dx, ATA_CONTROL
    mov al, CTL_NIEN
    out dx, al

    ; The master is there and ready.
    mov dx, ATA_DEVICE
    mov al, 0xE0                        ; master, LBA
    out dx, al
    call wait_not_busy
    and al, ST_MASK
    cmp al, ST_DRDY
    mov si, msg_present
    call check_equal

    ; IDENTIFY DEVICE: one block of 256 words.
    mov dx, ATA_COMMAND
    mov al, CMD_IDENTIFY
    out dx, al
    call wait_drq
    mov si, msg_identify_drq
    call check_equal
    mov di, IDENTIFY_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw
    call expect_ready
    mov si, msg_identify_done
    call check_equal
    mov ax, [es:IDENTIFY_BUF + 2 * 49]
    and ax, 0x0200                      ; word 49 bit 9: LBA supported
    mov bx, [es:IDENTIFY_BUF + 2 * 0]
    and bx, 0x8000                      ; word 0 bit 15: zero for an ATA device
    or ax, bx
    cmp ax, 0x0200
    mov si, msg_identify_lba
    call check_equal
    call print_identify

    ; READ SECTORS 0 and 1: the first block with 16-bit INs, the second with 32-bit INs.
    mov eax, 0
    mov cl, 2
    mov bl, CMD_READ
    call issue_lba28
    call wait_drq
    mov si, msg_read_first
    call check_equal
    mov di, SECTORS_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw
    call wait_drq
    mov si, msg_read_second
    call check_equal
    mov cx, 128
    rep insd
    call expect_ready
    mov si, msg_read_done
    call check_equal
    call print_sums

    ; WRITE SECTORS 2 with a pattern of our own.
    mov di, WRITE_BUF
    mov cx, 256
    mov ax, 0x4321
.fill:
    stosw
    add ax, 0x0302
    loop .fill
    mov eax, 2
    mov cl, 1
    mov bl, CMD_WRITE
    call issue_lba28
    call wait_drq
    mov si, msg_write_drq
    call check_equal
    push ds
    xor ax, ax
    mov ds, ax
    mov si, WRITE_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep outsw
    pop ds
    call expect_ready
    mov si, msg_write_done
    call check_equal

    ; FLUSH CACHE.
    call wait_not_busy
    mov dx, ATA_COMMAND
    mov al, CMD_FLUSH
    out dx, al
    call expect_ready
    mov si, msg_flush
    call check_equal

    ; Sector 2 reads back as written.
    mov eax, 2
    mov cl, 1
    mov bl, CMD_READ
    call issue_lba28
    call wait_drq
    mov di, READ_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw
    mov si, WRITE_BUF
    mov di, READ_BUF
    mov cx, 256
    call compare_words
    mov si, msg_read_back
    call check_equal

    ; SET MULTIPLE MODE 2, then READ MULTIPLE gives sectors 0 and 1 as one block.
    mov eax, 0
    mov cl, 2
    mov bl, CMD_SET_MULTIPLE
    call issue_lba28
    call expect_ready
    mov si, msg_set_multiple
    call check_equal
    mov eax, 0
    mov cl, 2
    mov bl, CMD_READ_MULTIPLE
    call issue_lba28
    call wait_drq
    mov di, READ_BUF
    mov cx, 512
    mov dx, ATA_DATA
    rep insw
    call expect_ready
    mov si, SECTORS_BUF
    mov di, READ_BUF
    mov cx, 512
    jne .multiple_checked               ; ZF clear from expect_ready: fail
    call compare_words
.multiple_checked:
    mov si, msg_read_multiple
    call check_equal

    ; CHS: cylinder 0, head 0, sector 2 is LBA 1 in any translation.
    call wait_not_busy
    mov dx, ATA_COUNT
    mov al, 1
    out dx, al
    inc dx
    mov al, 2                           ; sector number
    out dx, al
    inc dx
    xor al, al
    out dx, al                          ; cylinder low
    inc dx
    out dx, al                          ; cylinder high
    inc dx
    mov al, 0xA0                        ; master, CHS, head 0
    out dx, al
    inc dx
    mov al, CMD_READ
    out dx, al
    call wait_drq
    mov di, READ_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw
    mov si, SECTORS_BUF + 512
    mov di, READ_BUF
    mov cx, 256
    call compare_words
    mov si, msg_chs
    call check_equal

    ; Past the end of the disk: the command fails (ERR, no data).
    mov eax, 0x0FFFFFFF
    mov cl, 1
    mov bl, CMD_READ
    call issue_lba28
    call wait_not_busy
    and al, ST_BSY | ST_DRQ | ST_ERR
    cmp al, ST_ERR
    mov si, msg_beyond_end
    call check_equal

    ; Nothing answers as the slave: status reads 0.
    mov dx, ATA_DEVICE
    mov al, 0xF0
    out dx, al
    mov dx, ATA_STATUS
    in al, dx
    cmp al, 0
    mov si, msg_absent_slave
    call check_equal
    mov dx, ATA_DEVICE
    mov al, 0xE0
    out dx, al

    call interrupt_checks

    cmp word [es:failures], 0
    jne .failed
    mov si, msg_all_passed
    call print
    mov al, 0
    out 0xF4, al                        ; exit status 1
    hlt
.failed:
    mov si, msg_some_failed
    call print
    mov al, 1
    out 0xF4, al                        ; exit status 3
    hlt

; --- interrupts ---------------------------------------------------------------------------

interrupt_checks:
    ; Both 8259s: vectors 0x08 and 0x70, cascade on IR2, edge triggered; only IRQ 14 unmasked.
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x08
    out 0x21, al
    mov al, 0x70
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0x21, al
    out 0xA1, al
    mov al, 0xFB
    out 0x21, al
    mov al, 0xBF
    out 0xA1, al
    mov word [es:IRQ14_VECTOR * 4], irq14_handler
    mov word [es:IRQ14_VECTOR * 4 + 2], cs

    call route_pic_through_local_apic

    call wait_not_busy
    mov dx, ATA_CONTROL
    xor al, al                          ; nIEN clear: the drive may interrupt
    out dx, al
    sti

    ; IDENTIFY: one interrupt, for its data block.
    mov word [es:irq_count], 0
    mov dx, ATA_COMMAND
    mov al, CMD_IDENTIFY
    out dx, al
    mov bx, 1
    call wait_irqs
    mov si, msg_irq_identify
    call check_equal
    call wait_drq
    mov di, IDENTIFY_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw

    ; A two-sector READ SECTORS: one interrupt per block, none at the end.
    mov word [es:irq_count], 0
    mov eax, 0
    mov cl, 2
    mov bl, CMD_READ
    call issue_lba28
    mov bx, 1
    call wait_irqs
    call wait_drq
    mov di, READ_BUF
    mov cx, 256
    mov dx, ATA_DATA
    rep insw
    mov bx, 2
    call wait_irqs
    call wait_drq
    mov cx, 256
    rep insw
    call expect_ready
    call settle
    cmp word [es:irq_count], 2
    mov si, msg_irq_read
    call check_equal

    ; With nIEN set, a command completes without an interrupt.
    mov dx, ATA_CONTROL
    mov al, CTL_NIEN
    out dx, al
    mov word [es:irq_count], 0
    mov dx, ATA_COMMAND
    mov al, CMD_FLUSH
    out dx, al
    call expect_ready
    call settle
    cmp word [es:irq_count], 0
    mov si, msg_irq_masked
    call check_equal
    cli
    ret

; route_pic_through_local_apic: a local APIC (QEMU's CPUs have one) leaves reset software-disabled
; with LINT0 masked, which keeps the 8259's INTR away from the CPU; a PC BIOS enables the APIC and
; programs LINT0 as ExtINT ("virtual wire"). So do we, through its registers at the base that
; IA32_APIC_BASE gives, reached from real mode through an FS with a 4 GiB limit ("unreal mode").
; A CPU without CPUID, an APIC or MSRs needs nothing.
route_pic_through_local_apic:
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21                    ; EFLAGS.ID can be toggled: CPUID exists
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    test eax, 1 << 21
    jz .done
    mov eax, 1
    cpuid
    test edx, 1 << 9                    ; APIC
    jz .done
    test edx, 1 << 5                    ; RDMSR/WRMSR
    jz .done
    mov ecx, 0x1B                       ; IA32_APIC_BASE
    rdmsr
    test eax, 1 << 11                   ; globally enabled
    jz .done
    and eax, 0xFFFFF000
    mov ebx, eax
    lgdt [cs:unreal_gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    mov ax, 0x08                        ; flat 4 GiB data segment
    mov fs, ax
    mov eax, cr0
    and al, 0xFE
    mov cr0, eax
    xor ax, ax
    mov fs, ax                          ; base 0 again; the 4 GiB limit stays
    mov dword [fs:ebx + 0xF0], 0x1FF    ; spurious vector register: APIC enabled, vector FFh
    mov dword [fs:ebx + 0x350], 0x700   ; LVT LINT0: ExtINT, not masked
.done:
    ret

align 8
unreal_gdt:
    dq 0
    dq 0x00CF93000000FFFF               ; data, base 0, 4 GiB, accessed already (no write to the ROM)
unreal_gdtr:
    dw 15
    dd 0xF0000 + unreal_gdt             ; the ROM's linear address

; The drive's interrupt: read Status to acknowledge it, count it, end it at both 8259s.
irq14_handler:
    push ax
    push dx
    mov dx, ATA_STATUS
    in al, dx
    inc word [es:irq_count]
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop dx
    pop ax
    iret

; wait_irqs: waits (bounded) until BX interrupts were counted; ZF set if exactly BX arrived.
wait_irqs:
    push ecx
    mov ecx, 2000000
.poll:
    cmp [es:irq_count], bx
    jae .done
    dec ecx
    jnz .poll
.done:
    cmp [es:irq_count], bx
    pop ecx
    ret

; settle: gives a late (wrong) interrupt the time to arrive.
settle:
    push ecx
    mov ecx, 100000
.spin:
    dec ecx
    jnz .spin
    pop ecx
    ret

; --- the drive ----------------------------------------------------------------------------

; wait_not_busy: polls alternate status until BSY clears; AL = status (0xFF after a timeout).
wait_not_busy:
    push ecx
    push dx
    mov ecx, 10000000
    mov dx, ATA_ALT_STATUS
.poll:
    in al, dx
    test al, ST_BSY
    jz .done
    dec ecx
    jnz .poll
    mov al, 0xFF
.done:
    pop dx
    pop ecx
    ret

; wait_drq: ZF set when the drive asks for data (DRQ, no BSY, no ERR).
wait_drq:
    call wait_not_busy
    and al, ST_BSY | ST_DRQ | ST_ERR
    cmp al, ST_DRQ
    ret

; expect_ready: ZF set when the command ended well (DRDY, no BSY, DRQ or ERR).
expect_ready:
    call wait_not_busy
    and al, ST_MASK
    cmp al, ST_DRDY
    ret

; issue_lba28: command BL on the master with 28-bit LBA EAX and sector count CL.
issue_lba28:
    push eax
    push dx
    push eax
    call wait_not_busy
    pop eax
    mov dx, ATA_COUNT
    xchg al, cl
    out dx, al
    xchg al, cl
    inc dx
    out dx, al                          ; LBA 7:0
    shr eax, 8
    inc dx
    out dx, al                          ; LBA 15:8
    shr eax, 8
    inc dx
    out dx, al                          ; LBA 23:16
    shr eax, 8
    and al, 0x0F
    or al, 0xE0                         ; master, LBA, LBA 27:24
    inc dx
    out dx, al
    mov al, bl
    inc dx
    out dx, al
    pop dx
    pop eax
    ret

; compare_words: ZF set when CX words at 0:SI and 0:DI are equal.
compare_words:
    push ds
    push ax
    xor ax, ax
    mov ds, ax
    pop ax
    repe cmpsw
    pop ds
    ret

; --- output -------------------------------------------------------------------------------

; print_identify: "ok - identify: N sectors, chs C/H/S".
print_identify:
    mov si, msg_ok
    call print
    mov si, msg_identify_size
    call print
    mov eax, [es:IDENTIFY_BUF + 2 * 60]
    call print_decimal
    mov si, msg_sectors_chs
    call print
    movzx eax, word [es:IDENTIFY_BUF + 2 * 1]
    call print_decimal
    mov al, '/'
    out 0xE9, al
    movzx eax, word [es:IDENTIFY_BUF + 2 * 3]
    call print_decimal
    mov al, '/'
    out 0xE9, al
    movzx eax, word [es:IDENTIFY_BUF + 2 * 6]
    call print_decimal
    mov al, 10
    out 0xE9, al
    ret

; print_sums: "ok - read sectors 0-1: sums 0xXXXX 0xXXXX".
print_sums:
    mov si, msg_ok
    call print
    mov si, msg_sums
    call print
    mov di, SECTORS_BUF
    call sector_sum
    call print_hex16
    mov al, ' '
    out 0xE9, al
    call sector_sum
    call print_hex16
    mov al, 10
    out 0xE9, al
    ret

; sector_sum: AX = 16-bit sum of the 256 words at 0:DI; DI moves past them.
sector_sum:
    push cx
    push bx
    xor bx, bx
    mov cx, 256
.add:
    add bx, [es:di]
    add di, 2
    loop .add
    mov ax, bx
    pop bx
    pop cx
    ret

; print_hex16: "0x" and AX in four hex digits.
print_hex16:
    push ax
    push cx
    push dx
    mov dx, ax
    mov al, '0'
    out 0xE9, al
    mov al, 'x'
    out 0xE9, al
    mov cx, 4
.digit:
    rol dx, 4
    mov al, dl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out 0xE9, al
    loop .digit
    pop dx
    pop cx
    pop ax
    ret

; print_decimal: EAX in decimal.
print_decimal:
    push eax
    push ecx
    push edx
    mov ecx, 10
    push word 0xFFFF                    ; end marker
.divide:
    xor edx, edx
    div ecx
    push dx
    test eax, eax
    jnz .divide
.emit:
    pop ax
    cmp ax, 0xFFFF
    je .done
    add al, '0'
    out 0xE9, al
    jmp .emit
.done:
    pop edx
    pop ecx
    pop eax
    ret

; check_equal: ZF from the caller's compare says pass; SI names the check.
check_equal:
    jne .failed
    push si
    mov si, msg_ok
    call print
    pop si
    call print
    mov al, 10
    out 0xE9, al
    ret
.failed:
    inc word [es:failures]
    push si
    mov si, msg_not_ok
    call print
    pop si
    call print
    mov al, 10
    out 0xE9, al
    ret

; print: the zero-terminated string at DS:SI.
print:
    push ax
.next:
    lodsb
    test al, al
    jz .done
    out 0xE9, al
    jmp .next
.done:
    pop ax
    ret

msg_ok:             db "ok - ", 0
msg_not_ok:         db "not ok - ", 0
msg_present:        db "primary master is ready", 0
msg_identify_drq:   db "identify offers its data", 0
msg_identify_done:  db "identify ends ready", 0
msg_identify_lba:   db "identify: an ATA disk with LBA", 0
msg_identify_size:  db "identify: ", 0
msg_sectors_chs:    db " sectors, chs ", 0
msg_read_first:     db "read sectors: first block", 0
msg_read_second:    db "read sectors: second block", 0
msg_read_done:      db "read sectors ends ready", 0
msg_sums:           db "read sectors 0-1: sums ", 0
msg_write_drq:      db "write sector 2 asks for data", 0
msg_write_done:     db "write sector 2", 0
msg_flush:          db "flush cache", 0
msg_read_back:      db "sector 2 reads back as written", 0
msg_set_multiple:   db "set multiple mode 2", 0
msg_read_multiple:  db "read multiple gives sectors 0-1 in one block", 0
msg_chs:            db "chs 0/0/2 reads sector 1", 0
msg_beyond_end:     db "a read past the end of the disk fails", 0
msg_absent_slave:   db "the absent slave reads status 0", 0
msg_irq_identify:   db "irq 14 for identify", 0
msg_irq_read:       db "irq 14 once per block of a two-sector read", 0
msg_irq_masked:     db "no irq 14 with nIEN set", 0
msg_all_passed:     db "all checks passed", 10, 0
msg_some_failed:    db "some checks failed", 10, 0

    times rom_size - 16 - ($ - $$) db 0xFF
reset_vector:                           ; F000:FFF0, where the CPU starts
    jmp 0xF000:start
    times rom_size - ($ - $$) db 0xFF
