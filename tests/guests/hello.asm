; hello.asm — HexEmu's smallest demo guest: a 64 KiB ROM that greets on the debug console
; (port 0xE9) and leaves through isa-debug-exit (port 0xF4) with status (0 << 1) | 1 = 1.
; Build: nasm -f bin -o hello.rom hello.asm   (or: make -C tests/guests)

bits 16
org 0

rom_size equ 0x10000

start:
    mov ax, 0xF000
    mov ds, ax
    mov si, message
.next:
    lodsb
    test al, al
    jz .done
    out 0xE9, al
    jmp .next
.done:
    xor al, al
    out 0xF4, al            ; isa-debug-exit: the process exits with status 1
    hlt

message: db "Hello from HexEmu!", 10, 0

    times rom_size - 16 - ($ - $$) db 0xFF
reset_vector:               ; F000:FFF0, where the CPU starts
    jmp 0xF000:start
    times rom_size - ($ - $$) db 0xFF
