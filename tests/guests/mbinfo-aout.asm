; mbinfo-aout.asm — the mbinfo kernel (see mbinfo.inc) as a flat binary loaded at 1 MiB through
; the Multiboot header's address fields (flag 16, the "a.out kludge").
; Build: nasm -f bin -o mbinfo-aout.bin mbinfo-aout.asm   (or: make -C tests/guests)

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00010003             ; page-align modules, memory information, address fields

org 0x100000

section .text
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd multiboot_header             ; header_addr
    dd multiboot_header             ; load_addr: the file's first byte
    dd data_end                     ; load_end_addr
    dd bss_end                      ; bss_end_addr
    dd mbinfo_start                 ; entry_addr

%include "mbinfo.inc"
