/* minios.elf: a small operating system of our own that uses the PC machinery xv6 needs (see
 * minios.h): it finds the MP tables by the MP spec 1.4 search, masks the 8259s, drives the local
 * APIC (timer in one-shot and periodic mode) and the I/O APIC (the PIT, keyboard, UART and IDE
 * interrupts through it), turns on 4 MiB paging and runs five ring 3 processes, preempted by the
 * LAPIC timer, three of which misbehave and are killed. Only facts that QEMU and a correct PC agree
 * on are printed; every wait is bounded, so a missing interrupt gives a "not ok" line, not a hang.
 * Needs: -m 128 (the default) and ata.img as the primary master disk. */
#include "lib/io.h"
#include "lib/lib.h"
#include "minios.h"

/* ------------------------------------------------------------------ MP tables */

struct mp_facts {
    uint32_t pointer;               /* the floating pointer's address */
    uint8_t spec, features2;
    uint32_t table;                 /* the configuration table's address */
    uint32_t lapic_address;
    int processors, bsp_enabled;
    uint8_t cpu_apic_id, cpu_apic_version;
    uint32_t cpu_signature, cpu_features;
    int isa_bus;                    /* its bus id, or -1 */
    int ioapics;
    uint8_t ioapic_id, ioapic_enabled;
    uint32_t ioapic_address;
    int pin_of_isa_irq[16];         /* I/O APIC input, or -1 */
    int extint_lint, nmi_lint;      /* LINT pin, or -1 */
};

static struct mp_facts mp;

static uint8_t byte_sum(const uint8_t *p, uint32_t length)
{
    uint8_t sum = 0;
    while (length--)
        sum += *p++;
    return sum;
}

static uint32_t mp_search_range(uint32_t start, uint32_t length)
{
    for (uint32_t at = start; at + 16 <= start + length; at += 16) {
        const uint8_t *p = (const uint8_t *)at;
        if (p[0] == '_' && p[1] == 'M' && p[2] == 'P' && p[3] == '_' && p[8] >= 1
            && byte_sum(p, p[8] * 16u) == 0)
            return at;
    }
    return 0;
}

/* A word of the BIOS data area (through an opaque pointer: the compiler treats fixed low
 * addresses as out of any object's bounds). */
static uint16_t bda_word(uint32_t address)
{
    const volatile uint16_t *p;
    __asm__("" : "=r"(p) : "0"(address));
    return *p;
}

/* MP spec 1.4 section 4: the first KiB of the EBDA (segment in the BDA at 0x40E), or if there
 * is none the last KiB of base memory (KiB in the BDA at 0x413), then the BIOS area. */
static uint32_t mp_search(void)
{
    uint32_t ebda = (uint32_t)bda_word(0x40E) << 4;
    uint32_t found = ebda ? mp_search_range(ebda, 1024)
                          : mp_search_range(bda_word(0x413) * 1024u - 1024, 1024);
    return found ? found : mp_search_range(0xF0000, 0x10000);
}

static int mp_read(void)
{
    mp.isa_bus = -1;
    mp.extint_lint = mp.nmi_lint = -1;
    for (int i = 0; i < 16; i++)
        mp.pin_of_isa_irq[i] = -1;
    mp.pointer = mp_search();
    if (!check(mp.pointer != 0, "MP floating pointer found by the spec's search from the BIOS data area"))
        return 0;
    const uint8_t *fp = (const uint8_t *)mp.pointer;
    mp.spec = fp[9];
    mp.features2 = fp[12];
    mp.table = *(const uint32_t *)(fp + 4);
    check(mp.pointer >= 0xF0000 && mp.pointer < 0x100000, "it is in the BIOS area 0xf0000-0xfffff");
    check(fp[11] == 0 && mp.table != 0, "it points to a configuration table (no default configuration)");
    check(mp.spec == 1 || mp.spec == 4, "MP spec revision 1.%u", mp.spec);
    check((mp.features2 & 0x80) == 0, "no IMCR: the interrupt mode is virtual wire");
    if (mp.table == 0)
        return 0;

    const uint8_t *t = (const uint8_t *)mp.table;
    uint16_t length = *(const uint16_t *)(t + 4);
    int header_ok = t[0] == 'P' && t[1] == 'C' && t[2] == 'M' && t[3] == 'P' && (t[6] == 1 || t[6] == 4);
    if (!check(header_ok && byte_sum(t, length) == 0, "MP configuration table: PCMP, spec 1.%u, checksum valid", t[6]))
        return 0;
    mp.lapic_address = *(const uint32_t *)(t + 36);
    uint16_t entries = *(const uint16_t *)(t + 34);
    const uint8_t *e = t + 44;
    for (uint16_t i = 0; i < entries && e < t + length; i++) {
        switch (e[0]) {
        case 0: /* processor */
            mp.processors++;
            mp.cpu_apic_id = e[1];
            mp.cpu_apic_version = e[2];
            mp.bsp_enabled = (e[3] & 3) == 3;
            mp.cpu_signature = *(const uint32_t *)(e + 4);
            mp.cpu_features = *(const uint32_t *)(e + 8);
            e += 20;
            continue;
        case 1: /* bus */
            if (e[2] == 'I' && e[3] == 'S' && e[4] == 'A' && e[5] == ' ')
                mp.isa_bus = e[1];
            break;
        case 2: /* I/O APIC */
            mp.ioapics++;
            mp.ioapic_id = e[1];
            mp.ioapic_enabled = e[3] & 1;
            mp.ioapic_address = *(const uint32_t *)(e + 4);
            break;
        case 3: /* I/O interrupt assignment: type, flags, bus, bus IRQ, APIC, pin */
            if (e[1] == 0 && e[4] == mp.isa_bus && e[5] < 16)
                mp.pin_of_isa_irq[e[5]] = e[7];
            break;
        case 4: /* local interrupt assignment */
            if (e[1] == 3)
                mp.extint_lint = e[7];
            if (e[1] == 1)
                mp.nmi_lint = e[7];
            break;
        default:
            check(0, "MP entry type %u is known", e[0]);
            return 0;
        }
        e += 8;
    }
    check(mp.lapic_address == 0xFEE00000u, "MP: local APIC at 0x%x", mp.lapic_address);
    check(mp.processors == 1 && mp.bsp_enabled, "MP: one processor, enabled, the bootstrap processor");
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    check(mp.cpu_signature == eax && mp.cpu_features == edx, "MP: the processor's signature and features are CPUID leaf 1's");
    check(mp.isa_bus >= 0, "MP: an ISA bus");
    check(mp.ioapics == 1 && mp.ioapic_enabled, "MP: one I/O APIC, enabled, at 0x%x", mp.ioapic_address);
    printf_both("# MP: ISA IRQ 0 1 4 14 go to I/O APIC pins %d %d %d %d\n", mp.pin_of_isa_irq[0],
                mp.pin_of_isa_irq[1], mp.pin_of_isa_irq[4], mp.pin_of_isa_irq[14]);
    check(mp.pin_of_isa_irq[0] >= 0 && mp.pin_of_isa_irq[1] >= 0 && mp.pin_of_isa_irq[4] >= 0
          && mp.pin_of_isa_irq[14] >= 0, "MP: the PIT, keyboard, COM1 and IDE IRQs are assigned");
    check(mp.extint_lint == 0 && mp.nmi_lint == 1, "MP: ExtINT on LINT0, NMI on LINT1");
    return mp.ioapics == 1 && mp.processors == 1 && mp.pin_of_isa_irq[1] >= 0;
}

/* ------------------------------------------------------------------ local APIC */

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_ESR 0x280
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3E0
#define LVT_MASKED 0x10000u
#define LVT_PERIODIC 0x20000u

static volatile uint32_t *lapic;

static uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
static void lapic_write(uint32_t reg, uint32_t value) { lapic[reg / 4] = value; }
void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

static volatile uint32_t spurious_count;
static void on_spurious(struct frame *f) { (void)f; spurious_count++; } /* no EOI for these */

static void test_lapic(void)
{
    uint32_t low, high;
    __asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(0x1B));
    check((low & 0xFFFFF000u) == mp.lapic_address && (low & 0x900) == 0x900,
          "APIC base MSR: the MP table's address, enabled, bootstrap processor");

    lapic = (volatile uint32_t *)mp.lapic_address;
    set_vector_handler(SPURIOUS_VECTOR, on_spurious);
    lapic_write(LAPIC_SVR, 0x100 | SPURIOUS_VECTOR);
    check((lapic_read(LAPIC_SVR) & 0x1FF) == (0x100u | SPURIOUS_VECTOR), "local APIC enabled through the SVR, spurious vector 0xff");
    uint32_t id = lapic_read(LAPIC_ID) >> 24, version = lapic_read(LAPIC_VERSION);
    check(id == mp.cpu_apic_id, "local APIC ID register = the MP processor entry's (%u)", id);
    check((version & 0xFF) == mp.cpu_apic_version && (version & 0xF0) == 0x10,
          "local APIC version register = the MP processor entry's, an integrated APIC");
    check(((version >> 16) & 0xFF) >= 3, "local APIC has the timer, LINT0, LINT1 and error LVT entries");

    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, ERROR_VECTOR);
    check(lapic_read(LAPIC_LVT_ERROR) == ERROR_VECTOR && (lapic_read(LAPIC_LVT_LINT0) & LVT_MASKED),
          "LVT error and LINT0 entries read back");
    lapic_write(LAPIC_ESR, 0);
    check(lapic_read(LAPIC_ESR) == 0, "error status reads 0 after a write");
    lapic_write(LAPIC_TPR, 0x20);
    uint32_t tpr = lapic_read(LAPIC_TPR) & 0xFF;
    lapic_write(LAPIC_TPR, 0);
    check(tpr == 0x20 && (lapic_read(LAPIC_TPR) & 0xFF) == 0, "task priority register reads back");

    static const uint8_t divide_codes[8] = { 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB };
    int divides_ok = 1;
    for (int i = 0; i < 8; i++) {
        lapic_write(LAPIC_TIMER_DIVIDE, divide_codes[i]);
        divides_ok &= (lapic_read(LAPIC_TIMER_DIVIDE) & 0xB) == divide_codes[i];
    }
    check(divides_ok, "timer divide configuration reads back for all 8 divide values");
    lapic_eoi();
}

/* ------------------------------------------------------------------ LAPIC timer */

static volatile uint32_t timer_count;
static void on_timer(struct frame *f) { (void)f; timer_count++; lapic_eoi(); }

static void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i++)
        cpu_pause();
}

static void test_lapic_timer(void)
{
    set_vector_handler(TIMER_VECTOR, on_timer);
    timer_count = 0;
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3); /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR); /* one-shot */
    lapic_write(LAPIC_TIMER_INITIAL, 1000000);
    /* Waits for a change rather than a fixed time: without -icount an emulator's virtual time
     * may advance in steps (HexEmu's follows the host clock once per run slice). */
    uint32_t first = lapic_read(LAPIC_TIMER_CURRENT), second;
    int changed = wait_until((second = lapic_read(LAPIC_TIMER_CURRENT)) != first);
    check(first <= 1000000 && changed && second < first, "one-shot: the current count counts down from the initial count");
    sti();
    int fired = wait_until(timer_count >= 1);
    spin(3000000);
    cli();
    check(fired && timer_count == 1, "one-shot: the timer fired once");
    check(lapic_read(LAPIC_TIMER_CURRENT) == 0, "one-shot: the current count stays at 0 after it fired");

    timer_count = 0;
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    lapic_write(LAPIC_TIMER_INITIAL, 62500);
    sti();
    int periodic = wait_until(timer_count >= 5);
    cli();
    check(periodic, "periodic: the timer fires again and again");
    /* It may read 0 at the very moment of a reload, but not three times over. */
    uint32_t current = 0;
    for (int i = 0; i < 3 && current == 0; i++, spin(100))
        current = lapic_read(LAPIC_TIMER_CURRENT);
    check(current > 0 && current <= 62500, "periodic: the count is reloaded, not stuck at 0");

    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC | LVT_MASKED);
    /* One may have been requested before the mask went on: let it in first. */
    sti();
    spin(1000);
    cli();
    timer_count = 0;
    sti();
    spin(3000000);
    cli();
    check(timer_count == 0, "a masked timer raises no interrupt");
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}

/* ------------------------------------------------------------------ I/O APIC */

static volatile uint32_t *ioapic;

static uint32_t ioapic_read(uint32_t reg) { ioapic[0] = reg; return ioapic[4]; }
static void ioapic_write(uint32_t reg, uint32_t value) { ioapic[0] = reg; ioapic[4] = value; }

static void ioapic_route(int irq, int masked)
{
    int pin = mp.pin_of_isa_irq[irq];
    ioapic_write(0x10 + 2 * pin, IRQ_VECTOR(irq) | (masked ? LVT_MASKED : 0)); /* fixed, physical, edge, high */
    ioapic_write(0x11 + 2 * pin, (uint32_t)mp.cpu_apic_id << 24);
}

static int max_redirection;

static void test_ioapic(void)
{
    ioapic = (volatile uint32_t *)mp.ioapic_address;
    uint32_t id = (ioapic_read(0) >> 24) & 0xF;
    check(id == mp.ioapic_id, "I/O APIC ID register = the MP I/O APIC entry's");
    max_redirection = (ioapic_read(1) >> 16) & 0xFF;
    check(max_redirection == 23, "I/O APIC: max redirection entry %d", max_redirection);
    for (int pin = 0; pin <= max_redirection && pin < 64; pin++) {
        ioapic_write(0x10 + 2 * pin, LVT_MASKED | (0x50 + pin));
        ioapic_write(0x11 + 2 * pin, 0);
    }
    ioapic_write(0x11 + 2 * 5, 0x0F000000u);
    uint32_t low = ioapic_read(0x10 + 2 * 5), high = ioapic_read(0x11 + 2 * 5);
    /* Bits 12 (delivery status) and 14 (remote IRR) are read-only. */
    check((low & ~0x5000u) == (LVT_MASKED | 0x55) && high == 0x0F000000u, "redirection entries read back");
    ioapic_write(0x11 + 2 * 5, 0);
}

/* ------------------------------------------------------------------ devices through the I/O APIC */

static volatile uint32_t irq_counts[16];
static volatile uint8_t last_byte, last_iir, last_status;

static void on_pit(struct frame *f) { (void)f; irq_counts[0]++; lapic_eoi(); }
static void on_keyboard(struct frame *f) { (void)f; last_byte = inb(0x60); irq_counts[1]++; lapic_eoi(); }
static void on_ide(struct frame *f) { (void)f; last_status = inb(0x1F7); irq_counts[14]++; lapic_eoi(); }

static void on_uart(struct frame *f)
{
    (void)f;
    last_iir = inb(COM1 + 2);
    if ((last_iir & 0x0F) == 0x04)
        last_byte = inb(COM1);
    irq_counts[4]++;
    lapic_eoi();
}

static void test_pit(void)
{
    set_vector_handler(IRQ_VECTOR(0), on_pit);
    outb(0x43, 0x34); /* channel 0, mode 2 */
    outb(0x40, 1193 & 0xFF); /* about 1 kHz */
    outb(0x40, 1193 >> 8);
    ioapic_route(0, 0);
    sti();
    int ticked = wait_until(irq_counts[0] >= 3);
    cli();
    ioapic_route(0, 1);
    check(ticked, "PIT IRQ0 arrives through I/O APIC pin %d", mp.pin_of_isa_irq[0]);
}

static int kbc_wait_input_empty(void) { return wait_until((inb(0x64) & 0x02) == 0); }

static void kbc_inject(uint8_t value)
{
    kbc_wait_input_empty();
    outb(0x64, 0xD2); /* write keyboard output buffer: as if the keyboard sent it */
    kbc_wait_input_empty();
    outb(0x60, value);
}

static void test_keyboard(void)
{
    set_vector_handler(IRQ_VECTOR(1), on_keyboard);
    kbc_wait_input_empty();
    while (inb(0x64) & 0x01)
        inb(0x60);
    outb(0x64, 0x20);
    wait_until(inb(0x64) & 0x01);
    uint8_t command = inb(0x60);
    kbc_wait_input_empty();
    outb(0x64, 0x60);
    kbc_wait_input_empty();
    outb(0x60, (command | 0x01) & ~0x10); /* keyboard interrupt on, keyboard enabled */
    kbc_wait_input_empty();

    ioapic_route(1, 0);
    sti();
    kbc_inject(0xAB);
    int got = wait_until(irq_counts[1] >= 1);
    cli();
    check(got && last_byte == 0xAB, "keyboard: a byte injected with i8042 command 0xd2 arrives on IRQ1 through I/O APIC pin %d (%02x)",
          mp.pin_of_isa_irq[1], last_byte);

    /* The task priority holds back vectors of its class and below: 0x21 is in class 2. */
    lapic_write(LAPIC_TPR, 0x20);
    sti();
    kbc_inject(0xCD);
    spin(200000);
    uint32_t held = irq_counts[1];
    lapic_write(LAPIC_TPR, 0);
    int after = wait_until(irq_counts[1] >= 2);
    cli();
    check(held == 1 && after && last_byte == 0xCD, "keyboard: TPR 0x20 holds vector 0x21 back until it is lowered");

    /* A masked redirection entry delivers nothing; the byte is still there to poll. */
    ioapic_route(1, 1);
    sti();
    kbc_inject(0xEF);
    spin(200000);
    cli();
    int polled = wait_until(inb(0x64) & 0x01);
    uint8_t value = inb(0x60);
    check(irq_counts[1] == 2 && polled && value == 0xEF, "keyboard: a masked I/O APIC entry delivers nothing");
}

static void test_uart(void)
{
    set_vector_handler(IRQ_VECTOR(4), on_uart);
    /* Let the output leave before the UART is turned inward. */
    wait_until((inb(COM1 + 5) & 0x60) == 0x60);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 4, 0x18); /* loopback, OUT2 */
    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    ioapic_route(4, 0);

    outb(COM1 + 1, 0x01); /* received data interrupt */
    sti();
    outb(COM1, 'M');
    int rx = wait_until(irq_counts[4] >= 1);
    cli();
    uint8_t rx_iir = last_iir, rx_byte = last_byte;

    outb(COM1 + 1, 0x00);
    wait_until((inb(COM1 + 5) & 0x60) == 0x60);
    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    sti();
    outb(COM1 + 1, 0x02); /* transmitter holding register empty interrupt */
    int tx = wait_until(irq_counts[4] >= 2);
    cli();
    uint8_t tx_iir = last_iir;

    outb(COM1 + 1, 0x00);
    ioapic_route(4, 1);
    outb(COM1 + 4, 0x0B);
    while (inb(COM1 + 5) & 0x01)
        inb(COM1);
    check(rx && (rx_iir & 0x0F) == 0x04 && rx_byte == 'M',
          "uart: a loopback byte raises the receive interrupt on IRQ4 through I/O APIC pin %d (iir %02x)",
          mp.pin_of_isa_irq[4], rx_iir & 0x0F);
    check(tx && (tx_iir & 0x0F) == 0x02, "uart: the transmitter-empty interrupt on IRQ4 (iir %02x)", tx_iir & 0x0F);
}

static void test_ide(void)
{
    set_vector_handler(IRQ_VECTOR(14), on_ide);
    const uint32_t lba = 5;
    outb(0x1F6, 0xE0 | ((lba >> 24) & 0x0F)); /* the master, LBA */
    outb(0x3F6, 0x00); /* interrupts on */
    int ready = wait_until((inb(0x1F7) & 0xC0) == 0x40);
    ioapic_route(14, 0);
    outb(0x1F2, 1);
    outb(0x1F3, lba & 0xFF);
    outb(0x1F4, (lba >> 8) & 0xFF);
    outb(0x1F5, (lba >> 16) & 0xFF);
    sti();
    outb(0x1F7, 0x20); /* READ SECTORS */
    int interrupted = wait_until(irq_counts[14] >= 1);
    cli();
    static uint16_t sector[256];
    int data_ok = (last_status & 0x89) == 0x08;
    if (data_ok) {
        for (int i = 0; i < 256; i++)
            sector[i] = inw(0x1F0);
        const uint8_t *bytes = (const uint8_t *)sector;
        for (uint32_t i = 0; i < 512; i++)
            data_ok &= bytes[i] == (i < 4 ? (lba >> (8 * i)) & 0xFF : (lba * 3 + i) & 0xFF);
    }
    ioapic_route(14, 1);
    check(ready && interrupted, "ide: READ SECTORS interrupts on IRQ14 through I/O APIC pin %d", mp.pin_of_isa_irq[14]);
    check(data_ok, "ide: sector %u of ata.img read after the interrupt", lba);
}

/* ------------------------------------------------------------------ main */

static int cpuid_has(uint32_t edx_bit)
{
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    return (edx & edx_bit) != 0;
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)info;
    console_init();
    puts_both("# minios: MP tables, local and I/O APIC, 4 MiB pages, ring 3 processes\n");
    check(magic == 0x2BADB002, "booted by a Multiboot loader");
    cpu_tables_init();

    pic_remap(PIC_VECTOR_BASE, PIC_VECTOR_BASE + 8);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    check(inb(0x21) == 0xFF && inb(0xA1) == 0xFF, "both 8259s masked");

    if (!check(cpuid_has(1u << 9), "CPUID reports a local APIC") || !mp_read())
        finish();
    check(cpuid_has(1u << 3), "CPUID reports 4 MiB pages (PSE)");
    check(paging_init(), "paging on with 4 MiB pages: a word written at its address reads back through 0xc0000000 + it");

    test_lapic();
    test_ioapic();
    test_lapic_timer();
    test_pit();
    test_keyboard();
    test_uart();
    test_ide();
    check(spurious_count == 0, "no spurious local APIC interrupt");

    /* The scheduler tick: periodic, divide by 16. */
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3);
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    lapic_write(LAPIC_TIMER_INITIAL, 62500);
    run_processes();
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    check(1, "the kernel goes on after killing three processes");
    finish();
}
