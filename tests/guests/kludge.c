/* kludge.bin: the same kind of kernel as the others, but shipped as a flat binary, so the
 * loader must use the address fields of the Multiboot header (the "a.out kludge"): load the
 * file at load_addr, zero up to bss_end_addr, jump to entry_addr. */
#include "lib/io.h"
#include "lib/lib.h"

static uint32_t initialised = 0x600DF00D; /* in .data: loaded from the file */
static uint32_t zeroed[1024];             /* in .bss: not in the file, zeroed by the loader */

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    console_init();
    descriptor_tables_init();
    puts_both("# kludge.bin: a flat Multiboot binary loaded through its header's addresses\n");
    check(magic == MULTIBOOT_BOOTLOADER_MAGIC, "multiboot magic in eax");
    check(initialised == 0x600DF00D, "initialised data loaded from the file");
    int all_zero = 1;
    for (int i = 0; i < 1024; i++)
        all_zero &= zeroed[i] == 0;
    check(all_zero, "bss zeroed up to bss_end_addr");
    check((info->flags & MULTIBOOT_INFO_MEMORY) && info->mem_upper >= 1024,
          "multiboot memory fields present");
    finish();
}
