/* SPDX-License-Identifier: MIT */
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
    /** NULL: the guest must end normally. Else the start of the reason a
     *  correct hypervisor fails the run with (run_expect). */
    const char *expect;
};

/** The scenario called name, whose expected outcome (if any) the run now
 *  holds to (run_expect); an unknown name lists the scenarios and fails
 *  the run. */
const struct scenario *scenario_choose(const char *name);
