#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the host packages a make target needs, saying what and why.
# Usage: tools/deps.sh build|run|test|docs|book|debug|linux
# On Debian and Ubuntu it runs apt-get (through sudo when not root); on
# other systems it lists what is missing and stops.
set -euo pipefail

# package: why it is needed
declare -A WHY=(
  [gcc]="compiles the hypervisor"
  [binutils]="links it (ld, objcopy)"
  [make]="drives the build"
  [nasm]="assembles the boot stub and the guests"
  [grub-pc-bin]="makes the bootable ISO that Bochs boots"
  [grub-common]="provides grub-mkrescue"
  [xorriso]="writes the ISO image"
  [mtools]="lets grub-mkrescue build its boot image"
  [bochs]="emulates an Intel CPU with VMX and EPT (no VT-x needed on the host)"
  [bochsbios]="the BIOS Bochs boots"
  [vgabios]="the video BIOS Bochs boots"
  [bochs-term]="runs Bochs headless (its terminal display)"
  [qemu-system-x86]="runs the image with KVM on Intel hosts, and the no-VMX test"
  [python3]="runs the launcher and the tests"
  [python3-pytest]="runs the tests"
  [python3-pytest-xdist]="runs the tests on both cores"
  [clang]="builds the fuzz targets (libFuzzer)"
  [libclang-rt-dev]="the libFuzzer and sanitizer runtimes for clang"
  [doxygen]="builds the API documentation"
  [pandoc]="renders the book"
  [graphviz]="draws the book's figures (dot)"
  [weasyprint]="typesets the book as one PDF"
  [fonts-dejavu-core]="the fonts the book's pages and PDF are set in"
  [poppler-utils]="lets the tests read the book's PDF (pdftotext, pdfinfo)"
  [chromium]="takes the tests' screenshots of the book's pages (headless)"
  [gdb]="debugs the hypervisor"
  [linux-source-6.1]="the Linux kernel source the Linux guest is built from"
  [busybox-static]="the Linux guest's shell and tools, in its initramfs"
  [flex]="the kernel build's configuration parser"
  [bison]="the kernel build's configuration parser"
  [bc]="the kernel build computes its timer constants with it"
  [libelf-dev]="the kernel build's objtool reads ELF files with it"
  [lz4]="compresses the Linux guest's bzImage (fast to decompress under Bochs)"
  [xz-utils]="unpacks the kernel source"
)

BUILD_PKGS="gcc binutils make nasm grub-pc-bin grub-common xorriso mtools python3"
RUN_PKGS="$BUILD_PKGS bochs bochsbios vgabios bochs-term qemu-system-x86"
BOOK_PKGS="python3 pandoc graphviz weasyprint fonts-dejavu-core"
case "${1:-}" in
  build) want="$BUILD_PKGS" ;;
  run) want="$RUN_PKGS" ;;
  debug) want="$RUN_PKGS gdb" ;;
  test) want="$RUN_PKGS python3-pytest python3-pytest-xdist pandoc doxygen clang $BOOK_PKGS poppler-utils chromium" ;;
  docs) want="doxygen" ;;
  book) want="$BOOK_PKGS" ;;
  linux) want="gcc binutils make python3 linux-source-6.1 busybox-static flex bison bc libelf-dev lz4 xz-utils" ;;
  *) echo "usage: $0 build|run|debug|test|docs|book|linux" >&2; exit 2 ;;
esac

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for p in $want; do command -v "${p%%-*}" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && exit 0
  echo "stepvisor: this is not a Debian or Ubuntu system, so nothing is installed automatically." >&2
  echo "stepvisor: please install the equivalents of these Debian packages:" >&2
  for p in $want; do echo "  $p: ${WHY[$p]}" >&2; done
  exit 1
fi

# clang's runtimes (libFuzzer, sanitizers) are packaged per clang version.
clang_runtime() {
  local major
  major=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
  [ -n "$major" ] && echo "libclang-rt-$major-dev"
}

missing=""
for p in $want; do installed "$p" || missing="$missing $p"; done
case " $want " in
  *" clang "*)
    if installed clang; then
      rt=$(clang_runtime)
      if [ -n "$rt" ] && ! installed "$rt"; then
        missing="$missing $rt"
        WHY[$rt]=${WHY[libclang-rt-dev]}
      fi
    fi ;;
esac
[ -z "$missing" ] && exit 0

echo "stepvisor: installing missing packages for 'make ${1}':"
for p in $missing; do echo "  $p: ${WHY[$p]}"; done
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "stepvisor: not root and no sudo: install them as root with" >&2
    echo "  apt-get install$missing" >&2
    exit 1
  }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "stepvisor: installed:$missing"
# clang was just installed: its runtime package's name is known only now.
case " $missing " in
  *" clang "*)
    rt=$(clang_runtime)
    if [ -n "$rt" ] && ! installed "$rt"; then
      echo "stepvisor: installing $rt: ${WHY[libclang-rt-dev]}"
      $sudo apt-get install -y -qq --no-install-recommends "$rt" >/dev/null
    fi ;;
esac
