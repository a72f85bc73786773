# SPDX-License-Identifier: MIT
# stepvisor: a teaching hypervisor for Intel VT-x.
#   make run CHAPTER=N [EMU=auto|bochs|qemu] [CMDLINE="scenario=..."]
#   make run CHAPTER=6 [GUEST=FILE [INITRD=FILE]] [GUEST_CMDLINE="..."]
#   make test
# `make help` lists every target and variable; README.md says more.

CHAPTERS := $(sort $(notdir $(wildcard chapters/[0-9][0-9]-*)))
CHAPTER ?= $(lastword $(CHAPTERS))
# CHAPTER may be 3, 03 or 03-ept.
CH := $(firstword $(filter $(CHAPTER) $(CHAPTER)-% 0$(CHAPTER)-%,$(CHAPTERS)))
EMU ?= auto
CMDLINE ?=
# TIMEOUT= (seconds) and MODEL= (a Bochs CPU model) are optional: the
# launcher has the defaults and checks the values.
TIMEOUT ?=
MODEL ?=
# Chapter 6 boots any guest kernel: GUEST= (a bzImage, vmlinux or multiboot
# ELF), INITRD= (its initramfs or multiboot module), GUEST_CMDLINE= (its
# command line); the launcher checks them.
GUEST ?=
INITRD ?=
GUEST_CMDLINE ?=
PYTHON := /usr/bin/python3
TOOL := $(PYTHON) tools/stepvisor.py
BUILD := build
# V=1 shows the full commands.
Q := $(if $(V),,@)

CC := gcc
NASM := nasm
LD := ld
OBJCOPY := objcopy

# Freestanding 64-bit code at low addresses: no red zone (exceptions push
# onto the stack), no SSE (its state is never saved), no libc.
KERNEL_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -ffreestanding \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-Icommon/include
KERNEL_LDFLAGS := -m elf_x86_64 --fatal-warnings -nostdlib -static -z max-page-size=0x1000 \
	-T common/boot/linker.ld
NASMFLAGS := -f elf64 -g -F dwarf -Werror

COMMON_C := $(wildcard common/*.c)
COMMON_ASM := $(wildcard common/boot/*.asm)
COMMON_OBJS := $(COMMON_C:%.c=$(BUILD)/%.o) $(COMMON_ASM:%.asm=$(BUILD)/%.o)

.PHONY: all images run iso debug doctor test unit bench stats docs book clean \
	deps-build deps-run deps-test help check-chapter linux linux-native deps-linux lab grade
.DEFAULT_GOAL := all

all: images

help:
	@echo "targets (CHAPTER=N picks a chapter: 1, 01 or 01-vmxon; default the last):"
	@echo "  make run CHAPTER=N    build chapter N and boot it; exits 0 on PASS (see README.md)"
	@echo "                        chapter 6 boots Linux to a shell: what you type goes to its"
	@echo "                        serial console (Ctrl-C too), Ctrl-] ends the run"
	@echo "  make test             build everything and run the whole test suite"
	@echo "  make doctor           check this host (VT-x, KVM, nested, emulators) and say how to fix it"
	@echo "  make debug CHAPTER=N  boot chapter N under a debugger with its symbols (Bochs or gdb)"
	@echo "  make iso CHAPTER=N    write build/<chapter>/stepvisor.iso (BIOS boot, COM1 output)"
	@echo "  make images           build every chapter's hypervisor and the guests (the default)"
	@echo "  make linux            build the Linux guest into build/linux/ (cached; guests/linux/README.md)"
	@echo "  make linux-native     boot it natively under Bochs through GRUB and count its instructions"
	@echo "  make unit             run only the host-side C unit tests"
	@echo "  make bench            count VM exits and emulated instructions per chapter under Bochs"
	@echo "  make stats            lines per chapter, lines of code each adds (budget 1500), longest functions"
	@echo "  make docs             run Doxygen on the sources (warnings are errors)"
	@echo "  make book             render the book to build/book/"
	@echo "  make lab CHAPTER=N [DEST=dir]  write a student tree: chapter N's labs as stubs (docs/lecturers.md)"
	@echo "  make grade CHAPTER=N  score chapter N's labs with the suite's own tests, xv6-style"
	@echo "  make clean            remove build/"
	@echo "  make help             this list"
	@echo "variables (run, debug, iso):"
	@echo "  CHAPTER=N             the chapter: $(CHAPTERS)"
	@echo "  EMU=auto|bochs|qemu   the backend; auto picks QEMU+KVM when the host has nested VT-x, else Bochs"
	@echo "  CMDLINE=\"k=v ...\"     the hypervisor's command line, e.g. scenario=list or guest_mem=128M"
	@echo "                        (chapter 7 runs on /dev/kvm, no emulator; CMDLINE=smp: two vCPUs; CMDLINE=irq: chapter 5's guest)"
	@echo "  TIMEOUT=SECONDS       kill the emulator after this long with no verdict (default 300, none"
	@echo "                        while you type into chapter 6; run only)"
	@echo "  MODEL=NAME            the Bochs CPU model, e.g. corei7_skylake_x (default corei7_haswell_4770)"
	@echo "  GUEST=FILE            chapter 6: boot this kernel instead of the project's Linux"
	@echo "                        (a bzImage, a vmlinux ELF or a multiboot kernel)"
	@echo "  INITRD=FILE           chapter 6: the guest's initramfs (Linux) or its one module (multiboot)"
	@echo "  GUEST_CMDLINE=\"...\"   chapter 6: the guest kernel's command line (printable ASCII)"
	@echo "  V=1                   show the full build commands"
	@echo "  DEST=DIR              make lab: where the student tree goes (default ../stepvisor-labNN)"

# --- the hypervisor images: one per chapter -------------------------------

$(BUILD)/common/%.o: common/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/common/boot/%.o: common/boot/%.asm | deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# $(1): chapter directory name, e.g. 01-vmxon
define chapter_rules
$(1)_C := $$(wildcard chapters/$(1)/*.c chapters/$(1)/*/*.c)
$(1)_ASM := $$(wildcard chapters/$(1)/*.asm)
# The chapter's number, from its directory name: 03-ept is chapter 3.
$(1)_NUMBER := $$(patsubst 0%,%,$$(firstword $$(subst -, ,$(1))))
$(1)_OBJS := $$($(1)_C:chapters/%.c=$(BUILD)/%.o) $$($(1)_ASM:chapters/%.asm=$(BUILD)/%.o)

$(BUILD)/$(1)/%.o: chapters/$(1)/%.c | deps-build
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$<"
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) -Ichapters/$(1) -DCHAPTER_NUMBER=$$($(1)_NUMBER) -MMD -MP \
		-c $$< -o $$@

$(BUILD)/$(1)/%.o: chapters/$(1)/%.asm | deps-build
	@mkdir -p $$(dir $$@)
	@echo "  NASM    $$<"
	$$(Q)$$(NASM) $$(NASMFLAGS) -MD $$(@:.o=.d) -MP $$< -o $$@

# The ELF64 keeps the symbols for gdb; loaders get the ELF32 copy.
$(BUILD)/$(1)/stepvisor.elf64: $$(COMMON_OBJS) $$($(1)_OBJS) common/boot/linker.ld
	@echo "  LD      $$@"
	$$(Q)$$(LD) $$(KERNEL_LDFLAGS) -o $$@ $$(COMMON_OBJS) $$($(1)_OBJS)

$(BUILD)/$(1)/stepvisor.elf: $(BUILD)/$(1)/stepvisor.elf64
	$$(Q)$$(OBJCOPY) -O elf32-i386 $$< $$@

images: $(BUILD)/$(1)/stepvisor.elf
endef
# A chapter whose main.c has a C main() is a host program (chapter 7, a
# VMM on /dev/kvm), not a bootable image.
HOST_CHAPTERS := $(patsubst chapters/%/main.c,%,$(shell grep -l '^int main.int argc' chapters/*/main.c))
$(foreach ch,$(filter-out $(HOST_CHAPTERS),$(CHAPTERS)),$(eval $(call chapter_rules,$(ch))))

# --- host chapters: a user-space VMM, built for this machine ---------------

# The common files that are about no chapter and need no hardware.
HOST_COMMON_C := common/printf.c common/exit_log.c common/line_buffer.c common/run_end.c
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -pthread \
	-iquote common/include
define host_chapter_rules
$(BUILD)/$(1)/stepvisor-kvm: $$(wildcard chapters/$(1)/*.[ch] chapters/$(1)/*/*.[ch]) \
		$(HOST_COMMON_C) $$(wildcard common/include/*.h common/include/abi/*.h) | deps-build
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(CC) $$(HOST_CFLAGS) -iquote chapters/$(1) $$(filter %.c,$$^) -o $$@
images: $(BUILD)/$(1)/stepvisor-kvm
endef
$(foreach ch,$(HOST_CHAPTERS),$(eval $(call host_chapter_rules,$(ch))))

# --- guests: flat binaries loaded as multiboot modules ---------------------

# The host-guest contracts (common/include/abi/) as NASM includes, so that
# the assembly guests use the hypervisor's numbers, not copies of them.
ABI_INC := $(patsubst common/include/abi/%.h,$(BUILD)/guests/abi/%.inc,\
	$(wildcard common/include/abi/*.h))
$(BUILD)/guests/abi/%.inc: common/include/abi/%.h tools/h2inc.py
	@mkdir -p $(dir $@)
	@echo "  H2INC   $<"
	$(Q)$(PYTHON) tools/h2inc.py $< $@
GUEST_NASM_INCLUDES := -i guests/ -i $(BUILD)/guests/abi/
# NASM 2.16's -MD leaves out included files, so the guests' dependencies
# come from a separate -M pass.

GUESTS := $(patsubst guests/%.asm,$(BUILD)/guests/%.bin,$(wildcard guests/*.asm))
$(BUILD)/guests/%.bin: guests/%.asm | deps-build $(ABI_INC)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin $(GUEST_NASM_INCLUDES) -M -MT $@ -MF $(@:.bin=.d) -MP $<
	$(Q)$(NASM) -f bin -Werror $(GUEST_NASM_INCLUDES) $< -o $@
images: $(GUESTS)

# The chapter 4 guest: C drivers on top of boot64.inc, linked at 0000:7C00
# into a flat binary.
GUEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fno-pic \
	-fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -Iguests/io -Icommon/include
IO_GUEST_C := $(wildcard guests/io/*.c)
# The guest shares common/string.c: the same few functions, freestanding.
IO_GUEST_OBJS := $(BUILD)/guests/io/entry.o $(IO_GUEST_C:guests/io/%.c=$(BUILD)/guests/io/%.o) \
	$(BUILD)/guests/io/common_string.o
$(BUILD)/guests/io/common_string.o: common/string.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $< (for the guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/io/%.o: guests/io/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/io/entry.o: guests/io/entry.asm | deps-build $(ABI_INC)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 $(GUEST_NASM_INCLUDES) -M -MT $@ -MF $(@:.o=.d) -MP $<
	$(Q)$(NASM) -f elf64 -Werror $(GUEST_NASM_INCLUDES) $< -o $@
$(BUILD)/guests/guest_io.bin: $(IO_GUEST_OBJS) guests/io/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_x86_64 --fatal-warnings -nostdlib -T guests/io/linker.ld \
		--oformat binary -o $@ $(IO_GUEST_OBJS)
ifneq ($(IO_GUEST_C),)
images: $(BUILD)/guests/guest_io.bin
endif

# The multiboot check kernel (guests/multiboot/): an ELF32 at 1 MiB in
# 32-bit C, for any multiboot loader (QEMU's -kernel, GRUB, chapter 6).
MB_GUEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -m32 -march=i686 -ffreestanding \
	-fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-builtin -Iguests/multiboot -Icommon/include
MB_GUEST_OBJS := $(BUILD)/guests/multiboot/entry.o \
	$(patsubst guests/multiboot/%.c,$(BUILD)/guests/multiboot/%.o,$(wildcard guests/multiboot/*.c))
$(BUILD)/guests/multiboot/%.o: guests/multiboot/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(MB_GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/multiboot/entry.o: guests/multiboot/entry.asm | deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 -Werror $< -o $@
$(BUILD)/guests/mbcheck.elf: $(MB_GUEST_OBJS) guests/multiboot/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 --fatal-warnings -nostdlib -static -z max-page-size=0x1000 \
		-T guests/multiboot/linker.ld -o $@ $(MB_GUEST_OBJS)
images: $(BUILD)/guests/mbcheck.elf

# The PC probe kernel (guests/pcprobe/): chapter 6's devices, one probe per
# word of its command line; COM1 output from the multiboot kernel's serial.c.
PCPROBE_OBJS := $(BUILD)/guests/pcprobe/entry.o $(BUILD)/guests/pcprobe/pcprobe.o \
	$(BUILD)/guests/multiboot/serial.o
$(BUILD)/guests/pcprobe/%.o: guests/pcprobe/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(MB_GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/pcprobe/entry.o: guests/pcprobe/entry.asm | deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 -Werror $< -o $@
$(BUILD)/guests/pcprobe.elf: $(PCPROBE_OBJS) guests/pcprobe/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 --fatal-warnings -nostdlib -static -z max-page-size=0x1000 \
		-T guests/pcprobe/linker.ld -o $@ $(PCPROBE_OBJS)
images: $(BUILD)/guests/pcprobe.elf

# The CPU probe kernel (guests/cpuprobe/): chapter 6's CPU policy from the
# inside (tests/test_ch06_cpu.py); COM1 output from the multiboot kernel's serial.c.
CPUPROBE_OBJS := $(BUILD)/guests/cpuprobe/entry.o $(BUILD)/guests/cpuprobe/cpuprobe.o \
	$(BUILD)/guests/multiboot/serial.o
$(BUILD)/guests/cpuprobe/%.o: guests/cpuprobe/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(MB_GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/cpuprobe/entry.o: guests/cpuprobe/entry.asm | deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 -Werror $< -o $@
$(BUILD)/guests/cpuprobe.elf: $(CPUPROBE_OBJS) guests/cpuprobe/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_i386 --fatal-warnings -nostdlib -static -z max-page-size=0x1000 \
		-T guests/cpuprobe/linker.ld -o $@ $(CPUPROBE_OBJS)
images: $(BUILD)/guests/cpuprobe.elf

# The Linux guest (guests/linux/): Debian's kernel source, tinyconfig plus
# a fragment, and a busybox initramfs; cached in build/linux/ and in the
# user's cache, rebuilt only when an input changes. Up to date, it says
# nothing: every make run asks (images: linux).
linux: | deps-linux
	@test "$$(cat $(BUILD)/linux/key 2>/dev/null)" = "$$($(PYTHON) tools/build_linux.py --key)" \
		|| $(PYTHON) tools/build_linux.py
# Chapter 6 boots it by default (chapters/06-linux/modules).
images: linux

# The baseline chapter 6 is measured against: Bochs's instructions from the
# kernel's entry to the shell prompt, the kernel booted natively by GRUB.
linux-native: linux | deps-run
	@$(PYTHON) tools/bochs_linux_native.py

# Chapter 7's two-vCPU guest.
$(BUILD)/guests/kvm_smp.bin: guests/kvm_smp/smp.asm | deps-build $(ABI_INC)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin $(GUEST_NASM_INCLUDES) -M -MT $@ -MF $(@:.bin=.d) -MP $<
	$(Q)$(NASM) -f bin -Werror $(GUEST_NASM_INCLUDES) $< -o $@
images: $(BUILD)/guests/kvm_smp.bin

# The chapter 5 guest, built the same way; it links the chapter 4 guest's
# hypercalls and the same common/string.c object.
IRQ_GUEST_C := $(wildcard guests/irq/*.c)
IRQ_GUEST_OBJS := $(BUILD)/guests/irq/entry.o $(IRQ_GUEST_C:guests/irq/%.c=$(BUILD)/guests/irq/%.o) \
	$(BUILD)/guests/irq/io_hypercall.o $(BUILD)/guests/io/common_string.o
$(BUILD)/guests/irq/io_hypercall.o: guests/io/hypercall.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $< (for the chapter 5 guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/guests/irq/%.o: guests/irq/%.c | deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -Iguests/irq -MMD -MP -c $< -o $@
$(BUILD)/guests/irq/entry.o: guests/irq/entry.asm | deps-build $(ABI_INC)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 $(GUEST_NASM_INCLUDES) -M -MT $@ -MF $(@:.o=.d) -MP $<
	$(Q)$(NASM) -f elf64 -Werror $(GUEST_NASM_INCLUDES) $< -o $@
$(BUILD)/guests/guest_irq.bin: $(IRQ_GUEST_OBJS) guests/irq/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_x86_64 --fatal-warnings -nostdlib -T guests/irq/linker.ld \
		--oformat binary -o $@ $(IRQ_GUEST_OBJS)
ifneq ($(IRQ_GUEST_C),)
images: $(BUILD)/guests/guest_irq.bin
endif

# The virtio-blk disk: 128 sectors, each saying which it is.
$(BUILD)/guests/disk.img: tools/make_disk.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/make_disk.py $@
images: $(BUILD)/guests/disk.img

# (build/linux-src is the kernel's tree, with its own .d files and directories.)
-include $(shell find $(BUILD) -path $(BUILD)/linux-src -prune -o -name '*.d' -print 2>/dev/null)

# --- the front door --------------------------------------------------------

check-chapter:
	@test -n "$(CH)" || { echo "stepvisor: no chapter '$(CHAPTER)'; have: $(CHAPTERS)"; exit 2; }

# Options reach the launcher exactly as typed: $(value) keeps make from
# expanding a $ in them, and each is single-quoted for the shell (a ' inside
# becomes '\''). The launcher then refuses what GRUB would interpret.
# A newline would end the recipe's shell command: make itself refuses it.
quote = '$(subst ','\'',$(1))'
define newline


endef
cmdline_newline = $(if $(findstring $(newline),$(value CMDLINE)),$(error stepvisor: CMDLINE \
	contains '\n', which GRUB would interpret (quote, variable, separator or escape); \
	CMDLINE takes words such as scenario=NAME, made of letters, digits and _ . , : / + - =))
guest_cmdline_newline = $(if $(findstring $(newline),$(value GUEST_CMDLINE)),$(error \
	stepvisor: GUEST_CMDLINE contains '\n': it takes printable ASCII only (space to ~)))
# (--option=value: a value may start with '-'.)
GUEST_OPTIONS = $(guest_cmdline_newline)$(if $(value GUEST),--guest=$(call quote,$(value GUEST))) \
	$(if $(value INITRD),--initrd=$(call quote,$(value INITRD))) \
	$(if $(value GUEST_CMDLINE),--guest-cmdline=$(call quote,$(value GUEST_CMDLINE)))
OPTIONS = $(cmdline_newline)--cmdline $(call quote,$(value CMDLINE)) \
	$(if $(value EMU),--emu $(call quote,$(value EMU))) \
	$(if $(value MODEL),--model $(call quote,$(value MODEL))) $(GUEST_OPTIONS)
run: check-chapter images | deps-run
	@$(TOOL) run --chapter $(CH) $(OPTIONS) \
		$(if $(value TIMEOUT),--timeout $(call quote,$(value TIMEOUT)))

iso: check-chapter images | deps-run
	@$(TOOL) iso --chapter $(CH) $(cmdline_newline)--cmdline $(call quote,$(value CMDLINE)) \
		$(GUEST_OPTIONS)

debug: check-chapter images | deps-debug
	@$(TOOL) debug --chapter $(CH) $(OPTIONS)

# No packages first: the doctor reports what is missing.
doctor:
	@$(TOOL) doctor

# The suite's results also grade the solution: every lab of every chapter
# must score full marks (tools/grade.py reads them; nothing boots twice).
# loadgroup: tests marked xdist_group (chapter 6's Linux boots) share one
# worker, so that its module-scoped boots happen once.
test: images linux | deps-test
	$(PYTHON) -m pytest -n 2 --dist loadgroup tests --junitxml=$(BUILD)/test-results.xml
	@$(PYTHON) tools/grade.py --results $(BUILD)/test-results.xml --require-full

# A plain directory outside the repository (see docs/lecturers.md for why
# not a git branch); DEST defaults to ../stepvisor-lab<N>.
DEST ?=
lab: check-chapter
	@$(PYTHON) tools/lab.py make --chapter $(CH) \
		--dest $(if $(value DEST),$(call quote,$(value DEST)),../stepvisor-lab$(firstword $(subst -, ,$(CH))))

grade: check-chapter images | deps-test
	@$(PYTHON) tools/grade.py --chapter $(CH)

unit: | deps-test
	$(PYTHON) -m pytest -q tests/test_unit.py

# Lines per chapter, lines each adds and removes, the longest functions.
stats:
	@$(PYTHON) tools/changes.py stats

bench: images linux | deps-test
	@$(TOOL) bench

docs: | deps-docs
	@mkdir -p $(BUILD)/docs
	doxygen Doxyfile

book: images | deps-run deps-book
	$(PYTHON) book/build.py

clean:
	rm -rf $(BUILD)

# --- host packages: installed on demand, saying what and why ---------------

deps-build:
	@tools/deps.sh build
deps-run:
	@tools/deps.sh run
deps-test:
	@tools/deps.sh test
deps-docs:
	@tools/deps.sh docs
deps-debug:
	@tools/deps.sh debug
deps-book:
	@tools/deps.sh book
deps-linux:
	@tools/deps.sh linux
