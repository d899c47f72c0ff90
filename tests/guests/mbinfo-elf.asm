; mbinfo-elf.asm — the mbinfo kernel (see mbinfo.inc) as an ELF32 executable: its Multiboot
; header has no address fields (flag 16 clear), so the loader takes the ELF program headers.
; Build: nasm -f elf32 -o mbinfo-elf.o mbinfo-elf.asm && ld -m elf_i386 -N -Ttext=0x100000
;        --build-id=none --no-warn-rwx-segments -e mbinfo_start -o mbinfo-elf.elf mbinfo-elf.o   (or: make -C tests/guests)

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00000003             ; page-align modules, memory information

section .text
align 4
multiboot_header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

global mbinfo_start
%include "mbinfo.inc"
