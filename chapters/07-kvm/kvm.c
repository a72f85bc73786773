/* SPDX-License-Identifier: MIT */
/* Opening KVM: the checks a VMM makes before it creates anything. Each is
 * one ioctl on /dev/kvm; Documentation/virt/kvm/api.rst names them. */
#include "kvm.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include "printf.h"
#include "run_end.h"

#define KVM_DEVICE "/dev/kvm"
/* Three pages Intel's KVM needs for real mode without "unrestricted
 * guest" (KVM_SET_TSS_ADDR); AMD's ignores it. Below 4 GiB, above RAM,
 * where QEMU puts them too. */
#define TSS_ADDRESS 0xFFFBD000ul

static const struct {
    int cap;
    const char *name;
    const char *why;
} needed[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM is this process's memory"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", "real mode on Intel hosts"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "the run's deadline"},
};

int kvm_open(void)
{
    int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        run_fail(KVM_DEVICE " is missing: load KVM (sudo modprobe kvm_intel or kvm_amd) "
                 "and enable virtualization (VT-x or AMD-V) in the firmware");
    if (fd < 0 && (errno == EACCES || errno == EPERM))
        run_fail(KVM_DEVICE " is not accessible to this user: sudo usermod -aG kvm $USER, "
                 "then log in again");
    if (fd < 0)
        run_fail("cannot open " KVM_DEVICE ": %s", strerror(errno));
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION_EXPECTED)
        run_fail("KVM_GET_API_VERSION is %d, not %d", version, KVM_API_VERSION_EXPECTED);
    for (unsigned i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (ioctl(fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0)
            run_fail("KVM lacks %s (%s)", needed[i].name, needed[i].why);
    kprintf("KVM: API version %d; extensions: user memory, TSS address, immediate exit\n", version);
    return fd;
}

int kvm_create_vm(int kvm_fd)
{
    int vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (vm < 0)
        run_fail("KVM_CREATE_VM: %s", strerror(errno));
    if (ioctl(vm, KVM_SET_TSS_ADDR, TSS_ADDRESS) < 0)
        run_fail("KVM_SET_TSS_ADDR: %s", strerror(errno));
    return vm;
}
