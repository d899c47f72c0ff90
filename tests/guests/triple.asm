; triple.asm — checks that a triple fault resets the machine (RAM survives a reset, as on a PC).
; Each boot prints its number on the debug console (port 0xE9); boots 1 and 2 end in a triple
; fault (INT3 with an empty interrupt table: #GP, then #DF, then shutdown); boot 3 prints a
; newline and exits through isa-debug-exit (port 0xF4) with status 1. Under -no-reboot the
; first triple fault stops the machine instead, after printing "1".
;
; Build: nasm -f bin -o triple.rom triple.asm   (or: make -C tests/guests)

%define ROFF(x) ((x) - rom_start)

BOOT_MARK   equ 0x0500                  ; RAM: 'BOOT' once the first boot has run
BOOT_COUNT  equ 0x0504

org 0xF0000
bits 16

rom_start:
    xor ax, ax
    mov ds, ax
    cmp dword [BOOT_MARK], 'BOOT'
    je .counted
    mov dword [BOOT_MARK], 'BOOT'
    mov word [BOOT_COUNT], 0
.counted:
    inc word [BOOT_COUNT]
    mov al, [BOOT_COUNT]
    add al, '0'
    out 0xE9, al
    cmp word [BOOT_COUNT], 3
    je .done
    lidt [cs:ROFF(empty_idt)]
    int3                                ; no vector 3, no #GP, no #DF: shutdown
    mov al, '?'                         ; never reached
    out 0xE9, al
    hlt
.done:
    mov al, 10
    out 0xE9, al
    mov al, 0
    out 0xF4, al
    hlt

empty_idt:
    dw 0                                ; limit 0: not even one vector fits
    dd 0

    times 0x10000 - 16 - ($ - $$) db 0xFF
reset_vector:                           ; F000:FFF0
    jmp 0xF000:ROFF(rom_start)
    times 0x10000 - ($ - $$) db 0xFF
