/* SPDX-License-Identifier: MIT */
/* Chapter 6's CPUID and MSR policies on the host, for tests/test_ch06_cpu.py:
 * the real CPU is a file of recorded CPUID values, and each line read from
 * stdin asks one question, answered on one line of stdout:
 *   raw FILE          the CPU (lines "leaf subleaf eax ebx ecx edx", hex)
 *   view O C X        what the hypervisor offers, the guest's CR4 and XCR0
 *   cpuid L S         -> "L S eax ebx ecx edx", the guest's answer
 *   hidden            -> the names of the rows that hide what the CPU has
 *   xcr0_supported    -> the XCR0 bits the guest's CPUID offers
 *   xcr0 S V          -> "ok" or "gp": XSETBV of V where S is supported
 *   msr M             -> "M CLASS direct|exits NAME", or "M absent"
 *   wrmsr M V         -> "ok", "gp" or "not emulated" (an emulated MSR)
 *   rdmsr M           -> its value (an emulated MSR)
 *   valid M V         -> "ok" or "gp" (a guest-state or switched MSR)
 * Numbers are hex. */
#include <stdio.h>
#include <string.h>

#include "cpuid_policy.h"
#include "msr_policy.h"

#define MAX_LEAVES 256

static struct {
    uint32_t leaf, subleaf;
    struct cpuid_regs r;
} cpu[MAX_LEAVES];
static unsigned leaves;

static struct cpuid_regs raw(uint32_t leaf, uint32_t subleaf)
{
    for (unsigned i = 0; i < leaves; i++)
        if (cpu[i].leaf == leaf && cpu[i].subleaf == subleaf)
            return cpu[i].r;
    return (struct cpuid_regs){0};
}

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    leaves = 0;
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '#' && leaves < MAX_LEAVES &&
            sscanf(line, "%x %x %x %x %x %x", &cpu[leaves].leaf, &cpu[leaves].subleaf,
                   &cpu[leaves].r.eax, &cpu[leaves].r.ebx, &cpu[leaves].r.ecx,
                   &cpu[leaves].r.edx) == 6)
            leaves++;
    if (f)
        fclose(f);
    printf("%u leaves\n", leaves);
}

static const char *const classes[] = {
    [MSR_VIRTUAL_PC] = "virtual_pc", [MSR_EMULATED] = "emulated",
    [MSR_GUEST_STATE] = "guest_state", [MSR_SWITCHED] = "switched"};

int main(void)
{
    struct cpuid_view view = {raw, 0, 0, 1};
    struct msr_emulated emulated = {0};
    char line[256], cmd[32], path[200];
    unsigned long long a, b, c;
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "raw %199s", path) == 1) {
            load(path);
        } else if (sscanf(line, "view %llx %llx %llx", &a, &b, &c) == 3) {
            view = (struct cpuid_view){raw, (uint32_t)a, b, c};
            printf("ok\n");
        } else if (sscanf(line, "cpuid %llx %llx", &a, &b) == 2) {
            struct cpuid_regs r = cpuid_policy(&view, (uint32_t)a, (uint32_t)b);
            printf("%llx %llx %x %x %x %x\n", a, b, r.eax, r.ebx, r.ecx, r.edx);
        } else if (strncmp(line, "hidden", 6) == 0) {
            for (unsigned i = 0; i < cpuid_hidden_count; i++)
                if (cpuid_policy_hides(&view, &cpuid_hidden[i]))
                    printf("%s ", cpuid_hidden[i].name);
            printf("\n");
        } else if (strncmp(line, "xcr0_supported", 14) == 0) {
            printf("%llx\n", (unsigned long long)cpuid_policy_xcr0_supported(&view));
        } else if (sscanf(line, "xcr0 %llx %llx", &a, &b) == 2) {
            printf("%s\n", xcr0_valid(a, b) ? "ok" : "gp");
        } else if (sscanf(line, "msr %llx", &a) == 1) {
            const struct msr_row *row = msr_policy_find((uint32_t)a, view.offers);
            if (row)
                printf("%llx %s %s %s\n", a, classes[row->class],
                       row->direct ? "direct" : "exits", row->name);
            else
                printf("%llx absent\n", a);
        } else if (sscanf(line, "wrmsr %llx %llx", &a, &b) == 2) {
            static const char *const w[] = {"ok", "gp", "not emulated"};
            printf("%s\n", w[msr_emulated_write(&emulated, (uint32_t)a, b)]);
        } else if (sscanf(line, "rdmsr %llx", &a) == 1) {
            printf("%llx\n", (unsigned long long)msr_emulated_read(&emulated, (uint32_t)a));
        } else if (sscanf(line, "valid %llx %llx", &a, &b) == 2) {
            printf("%s\n", msr_value_valid((uint32_t)a, b) ? "ok" : "gp");
        } else if (sscanf(line, "%31s", cmd) == 1) {
            printf("unknown command %s\n", cmd);
        }
    }
    return 0;
}
