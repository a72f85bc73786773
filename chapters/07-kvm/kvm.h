/* SPDX-License-Identifier: MIT */
/** @file kvm.h
 *  /dev/kvm: the kernel's VMX (or SVM) behind a file descriptor. Opening
 *  it and creating a VM replaces chapters 1-3: VMXON, the VMCS, the
 *  controls and EPT are KVM's now. Documentation/virt/kvm/api.rst. */
#pragma once

/** The only KVM_GET_API_VERSION there has ever been in mainline Linux. */
#define KVM_API_VERSION_EXPECTED 12

/** Opens /dev/kvm and checks the API version and the extensions this
 *  program needs; fails the run by name (and says how to fix access). */
int kvm_open(void);
/** KVM_CREATE_VM, with the TSS address Intel's real mode needs. */
int kvm_create_vm(int kvm_fd);
