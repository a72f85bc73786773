#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds stepvisor's Linux guest from Debian's kernel source.

The kernel is Linux 6.1 from Debian's linux-source-6.1, configured as
`make tinyconfig` plus guests/linux/config-fragment; the initramfs holds
Debian's busybox-static and guests/linux/init. Outputs, in build/linux/:

  bzImage         the kernel for the x86 boot protocol (LZ4-compressed)
  vmlinux         the same kernel as an ELF, for a loader that skips
                  decompression
  initramfs.cpio  the initramfs, an uncompressed newc cpio (the initrd)
  config          the kernel's full .config
  release         `uname -r` of the kernel
  key             the inputs' digest these files were built from

A build takes minutes, so the result is cached twice, keyed by a digest of
every input (the two Debian packages' versions, the fragment, /init and
this script): in build/linux/, and in ${XDG_CACHE_HOME:-~/.cache}/stepvisor/
linux-<key>/, which a fresh clone on the same machine finds. Only a changed
input rebuilds. `make linux` installs the packages first (tools/deps.sh).

Usage: tools/build_linux.py [--key]   (--key prints the digest and exits)
"""
import argparse
import fcntl
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "linux"
SRC = ROOT / "build" / "linux-src"
FRAGMENT = ROOT / "guests" / "linux" / "config-fragment"
INIT = ROOT / "guests" / "linux" / "init"
SOURCE_PACKAGE = "linux-source-6.1"
SOURCE_TARBALL = Path("/usr/src/linux-source-6.1.tar.xz")
SOURCE_DIR = "linux-source-6.1"  # the tarball's top directory
BUSYBOX_PACKAGE = "busybox-static"
BUSYBOX = Path("/bin/busybox")
OUTPUTS = ("bzImage", "vmlinux", "initramfs.cpio", "config", "release")
JOBS = 2
# The kernel's banner names who built it, when, and the how-manieth build
# of the tree it is: fixed, so that every build prints the same lines.
KBUILD_ENV = {"ARCH": "x86_64", "KBUILD_BUILD_USER": "stepvisor",
              "KBUILD_BUILD_HOST": "stepvisor", "KBUILD_BUILD_VERSION": "1",
              "KBUILD_BUILD_TIMESTAMP": "Thu Jan  1 00:00:00 UTC 2026"}


def say(text):
    print(f"build_linux: {text}", flush=True)


def package_version(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout:
        raise SystemExit(f"build_linux: {package} is not installed; run 'make linux' "
                         "(tools/deps.sh linux installs it)")
    return r.stdout


def cache_key():
    h = hashlib.sha256()
    for part in (SOURCE_PACKAGE, package_version(SOURCE_PACKAGE),
                 BUSYBOX_PACKAGE, package_version(BUSYBOX_PACKAGE)):
        h.update(part.encode() + b"\0")
    for path in (FRAGMENT, INIT, Path(__file__).resolve()):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def user_cache(key):
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "stepvisor" / f"linux-{key}"


def complete(directory, key):
    """directory holds every output, built from key."""
    stamp = directory / "key"
    return (stamp.is_file() and stamp.read_text().strip() == key
            and all((directory / name).is_file() for name in OUTPUTS))


def publish(source, dest, key):
    """Copies the outputs from source to dest, the key last: a directory
    with a matching key is complete, whatever was interrupted."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "key").unlink(missing_ok=True)
    for name in OUTPUTS:
        tmp = dest / f".{name}.tmp"
        shutil.copyfile(source / name, tmp)
        os.replace(tmp, dest / name)
    (dest / "key").write_text(key + "\n")


@contextmanager
def locked(path):
    """One build at a time per machine: parallel test workers, or two
    clones sharing the user cache, wait for the one that builds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path, "w")
    except OSError:  # no writable home: lock within the work tree
        OUT.parent.mkdir(parents=True, exist_ok=True)
        f = open(OUT.parent / "linux.lock", "w")
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def run(cmd, cwd, quiet=True):
    r = subprocess.run(cmd, cwd=cwd, env=dict(os.environ, **KBUILD_ENV),
                       stdout=subprocess.PIPE if quiet else None,
                       stderr=subprocess.STDOUT if quiet else None, text=True)
    if r.returncode != 0:
        if quiet:
            sys.stdout.write(r.stdout[-6000:])
        raise SystemExit(f"build_linux: {' '.join(cmd)} failed (exit {r.returncode})")
    return r.stdout


def unpack():
    """The kernel tree in build/linux-src/, unpacked again only when the
    source package changed (a changed fragment rebuilds incrementally)."""
    version = package_version(SOURCE_PACKAGE)
    tree = SRC / SOURCE_DIR
    stamp = SRC / "unpacked-version"
    if tree.is_dir() and stamp.is_file() and stamp.read_text() == version:
        return tree
    say(f"unpacking {SOURCE_TARBALL} ({SOURCE_PACKAGE} {version})")
    if SRC.exists():
        shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    run(["tar", "xf", str(SOURCE_TARBALL)], cwd=SRC)
    stamp.write_text(version)
    return tree


def fragment_settings():
    """{CONFIG_X: value or None (not set)} from the fragment."""
    wanted = {}
    for line in FRAGMENT.read_text().splitlines():
        line = line.strip()
        if line.startswith("# CONFIG_") and line.endswith(" is not set"):
            wanted[line[2:-len(" is not set")]] = None
        elif line.startswith("CONFIG_"):
            name, _, value = line.partition("=")
            wanted[name] = value
    return wanted


def check_config(config):
    """Every fragment line survived olddefconfig: a symbol whose
    dependencies are missing is dropped silently by Kconfig."""
    have = {}
    for line in config.read_text().splitlines():
        if line.startswith("CONFIG_"):
            name, _, value = line.partition("=")
            have[name] = value
    wrong = [f"{name}={'n' if value is None else value} became "
             f"{have.get(name, 'n')}"
             for name, value in fragment_settings().items()
             if have.get(name) != value]
    if wrong:
        raise SystemExit("build_linux: the kernel configuration lost lines of "
                         f"{FRAGMENT.relative_to(ROOT)}:\n  " + "\n  ".join(wrong))


def build_kernel(tree):
    say("configuring: tinyconfig + guests/linux/config-fragment")
    run(["make", "tinyconfig"], cwd=tree)
    run(["scripts/kconfig/merge_config.sh", "-m", ".config", str(FRAGMENT)], cwd=tree)
    run(["make", "olddefconfig"], cwd=tree)
    check_config(tree / ".config")
    say(f"building bzImage with make -j{JOBS} (minutes)")
    start = time.monotonic()
    run(["make", f"-j{JOBS}", "bzImage"], cwd=tree)
    say(f"kernel built in {time.monotonic() - start:.0f} s")
    release = run(["make", "-s", "kernelrelease"], cwd=tree).strip()
    return release


# --- the initramfs: a newc cpio, written here so that it needs no root
# (for /dev/console) and is the same bytes on every build.

CPIO_MAGIC = b"070701"
CPIO_TRAILER = "TRAILER!!!"


def _pad4(data):
    return data + bytes(-len(data) % 4)


def cpio_entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One newc record: the header's thirteen 8-digit hex fields (ino,
    mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
    rdevminor, namesize, check), the name with its NUL, the data, each
    padded to 4 bytes."""
    name_bytes = name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_bytes), 0)
    header = CPIO_MAGIC + b"".join(b"%08X" % f for f in fields)
    return _pad4(header + name_bytes) + _pad4(data)


CONSOLE_DEVICE = (5, 1)  # /dev/console: the kernel opens it before /init
DIRECTORIES = ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys",
               "tmp", "root")


def busybox_applets():
    """Where each applet lives (bin/sh, usr/bin/head, ...), as busybox says."""
    out = subprocess.run([str(BUSYBOX), "--list-full"], capture_output=True, text=True,
                         check=True).stdout
    return sorted(line for line in out.split() if line and line != "bin/busybox")


def build_initramfs(dest):
    entries = []

    def add(name, mode, data=b"", rdev=(0, 0)):
        entries.append(cpio_entry(len(entries) + 1, name, mode, data, rdev))

    for d in DIRECTORIES:
        add(d, stat.S_IFDIR | 0o755)
    add("dev/console", stat.S_IFCHR | 0o600, rdev=CONSOLE_DEVICE)
    add("bin/busybox", stat.S_IFREG | 0o755, BUSYBOX.read_bytes())
    for applet in busybox_applets():
        add(applet, stat.S_IFLNK | 0o777, b"/bin/busybox")
    add("init", stat.S_IFREG | 0o755, INIT.read_bytes())
    entries.append(cpio_entry(0, CPIO_TRAILER, 0))
    dest.write_bytes(b"".join(entries))


def build(key):
    tree = unpack()
    release = build_kernel(tree)
    with tempfile.TemporaryDirectory(dir=OUT.parent) as tmp:
        stage = Path(tmp)
        shutil.copyfile(tree / "arch" / "x86" / "boot" / "bzImage", stage / "bzImage")
        shutil.copyfile(tree / "vmlinux", stage / "vmlinux")
        shutil.copyfile(tree / ".config", stage / "config")
        (stage / "release").write_text(release + "\n")
        build_initramfs(stage / "initramfs.cpio")
        cache = user_cache(key)
        try:
            publish(stage, cache, key)
        except OSError as e:  # a read-only home still builds
            say(f"not cached in {cache}: {e}")
        publish(stage, OUT, key)


def ensure():
    """build/linux/ holds the guest for the current inputs; returns it."""
    key = cache_key()
    if complete(OUT, key):
        return OUT
    cache = user_cache(key)
    with locked(cache.parent / "linux.lock"):
        if complete(OUT, key):
            return OUT
        if complete(cache, key):
            say(f"from the cache {cache}")
            publish(cache, OUT, key)
        else:
            start = time.monotonic()
            build(key)
            say(f"built in {time.monotonic() - start:.0f} s: {OUT}")
    return OUT


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--key", action="store_true", help="print the inputs' digest")
    args = p.parse_args(argv)
    if args.key:
        print(cache_key())
        return 0
    out = ensure()
    for name in OUTPUTS:
        if name not in ("config", "release"):
            say(f"{(out / name).relative_to(ROOT)}: {(out / name).stat().st_size} bytes")
    say(f"release {(out / 'release').read_text().strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
