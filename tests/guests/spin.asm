; spin.asm — prints "spinning" on the debug console (port 0xE9) and then loops forever, so
; tests can check that hexemu stops when it is told to (SIGTERM, SIGINT).
;
; Build: nasm -f bin -o spin.rom spin.asm   (or: make -C tests/guests)

%define ROFF(x) ((x) - rom_start)

org 0xF0000
bits 16

rom_start:
    mov ax, 0xF000
    mov ds, ax
    mov si, ROFF(message)
.next:
    lodsb
    test al, al
    jz .spin
    out 0xE9, al
    jmp .next
.spin:
    inc cx                              ; busy, never halted
    jmp .spin

message: db "spinning", 10, 0

    times 0x10000 - 16 - ($ - $$) db 0xFF
reset_vector:                           ; F000:FFF0
    jmp 0xF000:ROFF(rom_start)
    times 0x10000 - ($ - $$) db 0xFF
