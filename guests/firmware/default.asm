; default.asm — HexEmu's built-in firmware, used when the command line gives neither -kernel
; nor -bios (QEMU would start SeaBIOS). It has nothing to boot: it says so on COM1 and on the
; text screen, as a PC BIOS without a boot device does, and halts with interrupts off. Being
; fully deterministic, it makes a diskless VM recordable and replayable like any other guest.
; Build: nasm -f bin -o default.rom default.asm   (or: make -C guests/firmware)

bits 16
org 0

rom_size equ 0x10000
com1 equ 0x3F8
text_attribute equ 0x07       ; light grey on black

start:
    cli
    mov ax, 0xF000
    mov ds, ax
    mov ax, 0xB800
    mov es, ax
    xor di, di                  ; top left of the text screen
    mov si, message
.next:
    lodsb
    test al, al
    jz .halt
    mov dx, com1 + 5            ; line status: wait until the transmitter holds nothing
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, [si - 1]
    mov dx, com1
    out dx, al
    cmp al, 10                  ; the screen gets the printable characters only
    jb .next
    mov ah, text_attribute
    stosw
    jmp .next
.halt:
    hlt
    jmp .halt

message: db "HexEmu: no bootable device (give -kernel FILE or -bios FILE).", 13, 10, 0

    times rom_size - 16 - ($ - $$) db 0xFF
reset_vector:                   ; F000:FFF0, where the CPU starts
    jmp 0xF000:start
    times rom_size - ($ - $$) db 0xFF
