/** @file scenario.h
 *  What a run does, chosen by scenario=NAME on the multiboot command line.
 *  A scenario is a row: the guest program and, for the negative tests, one
 *  deliberately broken VMCS field. */
#pragma once
#include "guest.h"

struct scenario {
    const char *name;
    enum guest_program program;
    void (*break_vmcs)(void); /**< NULL: keep the VMCS as built */
    const char *shows;        /**< what the scenario demonstrates */
    const char *expect;       /**< NULL: the guest ends normally; else how the
                                   run must end (a prefix of the reason) */
};

/** The scenario called name, or NULL. */
const struct scenario *scenario_find(const char *name);
/** Prints every scenario's name, for an unknown one. */
void scenario_list(void);
