/* ata.elf: the ATA/IDE controller through PIO, polled and on interrupts.
 * Needs two disks made from ata.img (128 sectors; byte i of sector n is (3n + i) & 0xFF,
 * except bytes 0-3, which hold n little-endian): a writable one as primary master and one as
 * secondary master. It writes to the primary disk but puts every sector back as it was. */
#include "lib/io.h"
#include "lib/lib.h"

#define SECTOR_WORDS 256
#define DISK_SECTORS 128

/* Registers, as offsets from the command block base. */
#define REG_DATA 0
#define REG_ERROR 1
#define REG_COUNT 2
#define REG_LBA0 3
#define REG_LBA1 4
#define REG_LBA2 5
#define REG_DEVICE 6
#define REG_STATUS 7 /* status on read, command on write */

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DRDY 0x40
#define ST_BSY 0x80
#define CTRL_NIEN 0x02

#define CMD_READ_SECTORS 0x20
#define CMD_WRITE_SECTORS 0x30
#define CMD_READ_MULTIPLE 0xC4
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_SET_MULTIPLE 0xC6
#define CMD_IDENTIFY 0xEC

struct channel {
    uint16_t base, control;
    int irq;
    const char *name;
};

static const struct channel primary = { 0x1F0, 0x3F6, 14, "primary" };
static const struct channel secondary = { 0x170, 0x376, 15, "secondary" };

static volatile uint32_t irq_count[16];
static volatile uint8_t status_in_irq;
static const struct channel *irq_channel;

static void on_ata_irq(void)
{
    /* Reading the status register is what acknowledges the drive's interrupt. */
    status_in_irq = inb(irq_channel->base + REG_STATUS);
    irq_count[irq_channel->irq]++;
}

static uint16_t sector_buffer[8 * SECTOR_WORDS];
static uint16_t saved_buffer[8 * SECTOR_WORDS];

static uint8_t pattern_byte(uint32_t lba, uint32_t i)
{
    if (i < 4)
        return (lba >> (8 * i)) & 0xFF;
    return (lba * 3 + i) & 0xFF;
}

static int sector_matches(const uint16_t *words, uint32_t lba)
{
    const uint8_t *bytes = (const uint8_t *)words;
    for (uint32_t i = 0; i < 512; i++)
        if (bytes[i] != pattern_byte(lba, i))
            return 0;
    return 1;
}

static uint8_t alt_status(const struct channel *c)
{
    return inb(c->control);
}

/* The 400 ns a drive may take to show a new status: four alternate status reads. */
static void settle(const struct channel *c)
{
    for (int i = 0; i < 4; i++)
        alt_status(c);
}

static int wait_not_busy(const struct channel *c)
{
    settle(c);
    return wait_until(!(alt_status(c) & ST_BSY));
}

/* Waits for the drive to ask for data (DRQ) or to give up (ERR); returns whether it asked. */
static int wait_drq(const struct channel *c)
{
    settle(c);
    uint8_t status = 0;
    wait_until(((status = alt_status(c)) & ST_BSY) == 0 && (status & (ST_DRQ | ST_ERR)));
    return (status & (ST_BSY | ST_DRQ)) == ST_DRQ;
}

static void issue(const struct channel *c, uint8_t command, uint32_t lba, uint8_t count)
{
    wait_not_busy(c);
    outb(c->base + REG_DEVICE, 0xE0 | ((lba >> 24) & 0x0F)); /* master, LBA */
    settle(c);
    outb(c->base + REG_COUNT, count);
    outb(c->base + REG_LBA0, lba & 0xFF);
    outb(c->base + REG_LBA1, (lba >> 8) & 0xFF);
    outb(c->base + REG_LBA2, (lba >> 16) & 0xFF);
    outb(c->base + REG_STATUS, command);
}

static void read_words(const struct channel *c, uint16_t *to, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        to[i] = inw(c->base + REG_DATA);
}

static void write_words(const struct channel *c, const uint16_t *from, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        outw(c->base + REG_DATA, from[i]);
}

/* Polled PIO transfer of `count` sectors in DRQ blocks of `block` sectors. Returns 1 when
 * every block came with DRQ and the drive ended ready without error. */
static int pio_read(const struct channel *c, uint8_t command, uint32_t lba, uint8_t count,
                    uint8_t block, uint16_t *to)
{
    issue(c, command, lba, count);
    for (uint32_t done = 0; done < count; done += block) {
        uint32_t n = count - done < block ? count - done : block;
        if (!wait_drq(c))
            return 0;
        read_words(c, to + done * SECTOR_WORDS, n * SECTOR_WORDS);
    }
    wait_not_busy(c);
    return (inb(c->base + REG_STATUS) & (ST_ERR | ST_DRQ | ST_DRDY)) == ST_DRDY;
}

static int pio_write(const struct channel *c, uint8_t command, uint32_t lba, uint8_t count,
                     uint8_t block, const uint16_t *from)
{
    issue(c, command, lba, count);
    for (uint32_t done = 0; done < count; done += block) {
        uint32_t n = count - done < block ? count - done : block;
        if (!wait_drq(c))
            return 0;
        write_words(c, from + done * SECTOR_WORDS, n * SECTOR_WORDS);
    }
    wait_not_busy(c);
    return (inb(c->base + REG_STATUS) & (ST_ERR | ST_DRQ | ST_DRDY)) == ST_DRDY;
}

/* Gives any interrupt still on its way the time to arrive, then turns them off again. */
static void quiesce(void)
{
    sti();
    for (volatile int i = 0; i < 200000; i++)
        ;
    cli();
}

static void fill_changed(uint16_t *words, uint32_t sectors, uint8_t seed)
{
    uint8_t *bytes = (uint8_t *)words;
    for (uint32_t i = 0; i < sectors * 512; i++)
        bytes[i] = (uint8_t)(seed + i * 5);
}

static int same_words(const uint16_t *a, const uint16_t *b, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void test_identify(const struct channel *c)
{
    outb(c->control, CTRL_NIEN);
    outb(c->base + REG_DEVICE, 0xA0);
    settle(c);
    uint8_t status = inb(c->base + REG_STATUS);
    check(status == 0x50, "ata %s master idle status = %02x (DRDY, DSC)", c->name, status);

    issue(c, CMD_IDENTIFY, 0, 0);
    int ready = wait_drq(c);
    uint8_t alt = alt_status(c);
    uint8_t st = inb(c->base + REG_STATUS);
    check(ready && st == 0x58 && alt == st,
          "ata %s identify: DRQ, status and alternate status = %02x %02x", c->name, st, alt);
    uint16_t id[SECTOR_WORDS];
    read_words(c, id, SECTOR_WORDS);
    wait_not_busy(c);
    uint8_t after = inb(c->base + REG_STATUS);
    uint32_t sectors = id[60] | (uint32_t)id[61] << 16;
    int model_set = 0;
    for (int w = 27; w <= 46; w++)
        model_set |= id[w] != 0x2020 && id[w] != 0;
    check((id[0] & 0x8000) == 0 && (id[49] & 0x0200) && model_set,
          "ata %s identify: ATA device with LBA and a model name", c->name);
    check(sectors == DISK_SECTORS, "ata %s identify: %u LBA28 sectors", c->name, sectors);
    check((id[47] & 0xFF) == 16, "ata %s identify: up to %u sectors per READ MULTIPLE block",
          c->name, id[47] & 0xFF);
    check(after == 0x50, "ata %s status after the identify data = %02x", c->name, after);
}

static void test_primary(void)
{
    const struct channel *c = &primary;
    test_identify(c);

    outb(c->base + REG_DEVICE, 0xB0);
    settle(c);
    uint8_t absent = inb(c->base + REG_STATUS);
    check(absent == 0x00, "ata primary slave absent: status reads %02x", absent);
    outb(c->base + REG_DEVICE, 0xA0);
    settle(c);

    /* Polled reads and writes (nIEN set). */
    int ok = pio_read(c, CMD_READ_SECTORS, 5, 3, 1, sector_buffer);
    check(ok && sector_matches(sector_buffer, 5) && sector_matches(sector_buffer + 256, 6) &&
              sector_matches(sector_buffer + 512, 7),
          "ata READ SECTORS: lba 5-7 hold the image's pattern");
    ok = pio_read(c, CMD_READ_SECTORS, DISK_SECTORS - 1, 1, 1, sector_buffer);
    check(ok && sector_matches(sector_buffer, DISK_SECTORS - 1), "ata READ SECTORS: last sector");

    pio_read(c, CMD_READ_SECTORS, 100, 2, 1, saved_buffer);
    fill_changed(sector_buffer, 2, 0x11);
    int wrote = pio_write(c, CMD_WRITE_SECTORS, 100, 2, 1, sector_buffer);
    ok = pio_read(c, CMD_READ_SECTORS, 100, 2, 1, sector_buffer + 1024);
    check(wrote && ok && same_words(sector_buffer, sector_buffer + 1024, 512),
          "ata WRITE SECTORS: lba 100-101 read back what was written");
    pio_write(c, CMD_WRITE_SECTORS, 100, 2, 1, saved_buffer);
    ok = pio_read(c, CMD_READ_SECTORS, 100, 2, 1, sector_buffer);
    check(ok && sector_matches(sector_buffer, 100) && sector_matches(sector_buffer + 256, 101),
          "ata WRITE SECTORS: lba 100-101 restored");

    /* Multiple mode: DRQ blocks of 4 sectors. */
    issue(c, CMD_SET_MULTIPLE, 0, 4);
    wait_not_busy(c);
    uint8_t set_status = inb(c->base + REG_STATUS);
    check(set_status == 0x50, "ata SET MULTIPLE MODE 4 accepted (%02x)", set_status);
    ok = pio_read(c, CMD_READ_MULTIPLE, 16, 8, 4, sector_buffer);
    int all = ok;
    for (int i = 0; i < 8; i++)
        all &= sector_matches(sector_buffer + i * 256, 16 + i);
    check(all, "ata READ MULTIPLE: lba 16-23 in two blocks of 4");
    pio_read(c, CMD_READ_SECTORS, 32, 8, 1, saved_buffer);
    fill_changed(sector_buffer, 8, 0x77);
    wrote = pio_write(c, CMD_WRITE_MULTIPLE, 32, 8, 4, sector_buffer);
    uint16_t check_buffer[8 * SECTOR_WORDS];
    ok = pio_read(c, CMD_READ_SECTORS, 32, 8, 1, check_buffer);
    check(wrote && ok && same_words(sector_buffer, check_buffer, 8 * SECTOR_WORDS),
          "ata WRITE MULTIPLE: lba 32-39 read back what was written");
    pio_write(c, CMD_WRITE_SECTORS, 32, 8, 1, saved_buffer);
    ok = pio_read(c, CMD_READ_SECTORS, 32, 8, 1, check_buffer);
    all = ok;
    for (int i = 0; i < 8; i++)
        all &= sector_matches(check_buffer + i * 256, 32 + i);
    check(all, "ata WRITE MULTIPLE: lba 32-39 restored");

    /* Errors: past the end of the disk, and an unknown command, both abort. */
    issue(c, CMD_READ_SECTORS, DISK_SECTORS, 1);
    wait_not_busy(c);
    uint8_t error = inb(c->base + REG_ERROR);
    uint8_t status = inb(c->base + REG_STATUS);
    check((status & (ST_ERR | ST_DRQ | ST_BSY)) == ST_ERR,
          "ata READ SECTORS past the end fails (status %02x, error %02x)", status, error);
    issue(c, 0x8F, 0, 0);
    wait_not_busy(c);
    error = inb(c->base + REG_ERROR);
    status = inb(c->base + REG_STATUS);
    check(status == 0x41 && error == 0x04,
          "ata unknown command 8f aborts (status %02x, error %02x)", status, error);

    /* Interrupts: one per sector on reads and on writes; none while nIEN is set. */
    pio_read(c, CMD_READ_SECTORS, 100, 2, 1, saved_buffer); /* what the write test rewrites */
    irq_channel = c;
    irq_set_handler(c->irq, on_ata_irq);
    pic_unmask(c->irq);
    irq_count[c->irq] = 0;
    outb(c->control, 0x00);
    issue(c, CMD_READ_SECTORS, 40, 3);
    int each = 1;
    for (int i = 0; i < 3; i++) {
        sti();
        each &= wait_until(irq_count[c->irq] >= (uint32_t)i + 1);
        cli();
        each &= (status_in_irq & ST_DRQ) != 0;
        read_words(c, sector_buffer + i * 256, SECTOR_WORDS);
    }
    quiesce();
    check(each && irq_count[c->irq] == 3 && sector_matches(sector_buffer, 40) &&
              sector_matches(sector_buffer + 512, 42),
          "ata READ SECTORS of 3 raises irq%u once per sector, DRQ set", c->irq);

    irq_count[c->irq] = 0;
    issue(c, CMD_WRITE_SECTORS, 100, 2);
    each = wait_drq(c);
    write_words(c, saved_buffer, SECTOR_WORDS); /* the first block needs no interrupt */
    sti();
    each &= wait_until(irq_count[c->irq] >= 1);
    cli();
    write_words(c, saved_buffer + 256, SECTOR_WORDS);
    sti();
    each &= wait_until(irq_count[c->irq] >= 2);
    quiesce();
    check(each && irq_count[c->irq] == 2 && (status_in_irq & (ST_BSY | ST_DRQ | ST_ERR)) == 0,
          "ata WRITE SECTORS of 2 raises irq%u after each sector", c->irq);

    outb(c->control, CTRL_NIEN);
    quiesce();
    irq_count[c->irq] = 0;
    ok = pio_read(c, CMD_READ_SECTORS, 1, 1, 1, sector_buffer);
    quiesce();
    check(ok && irq_count[c->irq] == 0, "ata nIEN keeps irq%u quiet", c->irq);
    pic_mask(c->irq);
    irq_set_handler(c->irq, 0);
}

static void test_secondary(void)
{
    const struct channel *c = &secondary;
    test_identify(c);

    irq_channel = c;
    irq_set_handler(c->irq, on_ata_irq);
    pic_unmask(c->irq);
    irq_count[c->irq] = 0;
    outb(c->control, 0x00);
    issue(c, CMD_READ_SECTORS, 64, 1);
    sti();
    int arrived = wait_until(irq_count[c->irq] >= 1);
    cli();
    read_words(c, sector_buffer, SECTOR_WORDS);
    check(arrived && sector_matches(sector_buffer, 64), "ata secondary READ SECTORS on irq%u",
          c->irq);
    outb(c->control, CTRL_NIEN);
    pic_mask(c->irq);
    irq_set_handler(c->irq, 0);
}

void kmain(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    console_init();
    descriptor_tables_init();
    pic_remap(IRQ_BASE, IRQ_BASE + 8);
    puts_both("# ata.elf: IDE disks on the primary and secondary channels\n");
    test_primary();
    test_secondary();
    finish();
}
