/* The few C library pieces the tests need (the compiler may also call memset itself). */
#include "lib.h"

void *memset(void *dest, int value, uint32_t count)
{
    uint8_t *d = dest;
    while (count--)
        *d++ = (uint8_t)value;
    return dest;
}

int str_starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

uint32_t parse_uint(const char *s, const char **end)
{
    uint32_t value = 0;
    while (*s >= '0' && *s <= '9')
        value = value * 10 + (*s++ - '0');
    *end = s;
    return value;
}

uint32_t cmdline_uint(const struct multiboot_info *info, const char *key, uint32_t fallback)
{
    if (!(info->flags & MULTIBOOT_INFO_CMDLINE))
        return fallback;
    const char *s = (const char *)info->cmdline;
    while (*s) {
        if ((s == (const char *)info->cmdline || s[-1] == ' ') && str_starts_with(s, key)) {
            const char *p = s;
            const char *k = key;
            while (*k) { p++; k++; }
            if (*p == '=' && p[1] >= '0' && p[1] <= '9') {
                const char *end;
                return parse_uint(p + 1, &end);
            }
        }
        s++;
    }
    return fallback;
}
