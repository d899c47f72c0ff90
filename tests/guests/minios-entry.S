/* minios's trap stubs: one per vector, all joining trap_common, which saves the registers and
 * the data segments (struct frame in minios.h), switches to the kernel's data segment and calls
 * trap(frame). trap returns the frame to resume: the same one, another process's (a process
 * switch: each process has its own kernel stack), or 0 when no process is left, which returns
 * from enter_processes() to the kernel that called it. */

    .text
    .altmacro
/* The CPU pushes an error code for vectors 8, 10-14 and 17; the others push a 0 here, so that
 * every frame has the same shape. */
    .macro trap_stub n
trap_stub_\n:
    .if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17)
    push $0
    .endif
    push $\n
    jmp trap_common
    .endm

    .set i, 0
    .rept 256
    trap_stub %i
    .set i, i + 1
    .endr

trap_common:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    push %esp
    call trap
    add $4, %esp
    test %eax, %eax
    jz back_to_kernel
    mov %eax, %esp
resume_frame:
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $8, %esp           /* the vector number and the error code */
    iret

back_to_kernel:
    mov kernel_saved_esp, %esp
    pop %ebp
    pop %edi
    pop %esi
    pop %ebx
    ret

/* void enter_processes(struct frame *first): saves the kernel's callee-saved registers and
 * stack, then resumes the first process's frame. */
    .globl enter_processes
enter_processes:
    mov 4(%esp), %eax
    push %ebx
    push %esi
    push %edi
    push %ebp
    mov %esp, kernel_saved_esp
    mov %eax, %esp
    jmp resume_frame

    .macro stub_address n
    .long trap_stub_\n
    .endm

    .section .rodata
    .globl trap_stubs
    .align 4
trap_stubs:
    .set i, 0
    .rept 256
    stub_address %i
    .set i, i + 1
    .endr

    .section .bss
    .align 4
kernel_saved_esp:
    .skip 4

    .section .note.GNU-stack, "", @progbits
