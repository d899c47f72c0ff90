/* Multiboot v1 header, the entry point, and the interrupt stubs. */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* modules page-aligned, memory information wanted */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
stack_bottom:
    .skip 16384
stack_top:

    .text
    .globl _start
/* The boot loader enters here in 32-bit protected mode with EAX = the Multiboot magic and
 * EBX = the information structure; the stack is ours to set. */
_start:
    mov $stack_top, %esp
    cld
    push %ebx
    push %eax
    call kmain
1:  cli
    hlt
    jmp 1b

/* One stub per vector 0-47: push the vector number and join the common path, which saves the
 * registers, calls interrupt_dispatch(vector) and returns. Exceptions that push an error code
 * never return (the C side stops the machine), so the extra word does not matter. */
    .altmacro
    .macro vector_stub n
vector_\n:
    push $\n
    jmp common_stub
    .endm

    .set i, 0
    .rept 48
    vector_stub %i
    .set i, i + 1
    .endr

common_stub:
    pusha
    push 32(%esp)          /* the vector number, above the eight saved registers */
    call interrupt_dispatch
    add $4, %esp
    popa
    add $4, %esp           /* drop the vector number */
    iret

    .macro vector_address n
    .long vector_\n
    .endm

    .section .rodata
    .globl vector_stubs
    .align 4
vector_stubs:
    .set i, 0
    .rept 48
    vector_address %i
    .set i, i + 1
    .endr

    .section .note.GNU-stack, "", @progbits
