# SPDX-License-Identifier: MIT
"""The one Intel SDM revision the book pins, and where each section title
the code and the book cite is in it.

The code and the book cite the SDM by volume and section (or table) title,
because Intel renumbers between editions. This table maps those titles to
the numbers of one edition, EDITION, so that a reader holding that PDF can
jump straight there. bibliography.md prints it (the `@sdm-table` line).
A title whose number this table does not give is listed with its chapter
only: search the PDF for the title.

Chapter numbers in EDITION: Vol. 3C chapter 24 "Introduction to Virtual
Machine Extensions", 25 "Virtual Machine Control Structures", 26 "VMX
Non-Root Operation", 27 "VM Entries", 28 "VM Exits", 29 "VMX Support for
Address Translation", 31 "VMX Instruction Reference", 32 "Virtual-Machine
Monitor Programming Considerations"; Vol. 3D appendices A "VMX Capability
Reporting Facility", B "Field Encoding in VMCS", C "VMX Basic Exit Reasons".
"""
import re

EDITION = ("Intel 64 and IA-32 Architectures Software Developer's Manual, "
           "Combined Volumes 1 to 4, September 2023 (order number 325462-081US)")

# title: (volume, where). `where` is a section number, "Table N-M", or a
# chapter/appendix reference when this table gives no finer number.
SECTIONS = {
    # Vol. 3C, chapter 24: Introduction to Virtual Machine Extensions
    "Introduction to Virtual Machine Extensions": ("3C", "chapter 24"),
    "Discovering Support for VMX": ("3C", "24.6"),
    "Enabling and Entering VMX Operation": ("3C", "24.7"),
    "Restrictions on VMX Operation": ("3C", "24.8"),
    # chapter 25: Virtual Machine Control Structures
    "Virtual Machine Control Structures": ("3C", "chapter 25"),
    "Organization of VMCS Data": ("3C", "25.3"),
    "Guest-State Area": ("3C", "25.4"),
    "Guest Register State": ("3C", "25.4.1"),
    "Format of Access Rights": ("3C", "Table 25-2"),
    "Guest Non-Register State": ("3C", "25.4.2"),
    "Format of Interruptibility State": ("3C", "a table in 25.4.2"),
    "Host-State Area": ("3C", "25.5"),
    "VM-Execution Control Fields": ("3C", "25.6"),
    "Definitions of Pin-Based VM-Execution Controls": ("3C", "Table 25-5"),
    "VM-Execution Controls": ("3D", "A.3"),
    "Definitions of Primary Processor-Based VM-Execution Controls": ("3C", "Table 25-6"),
    "Definitions of Secondary Processor-Based VM-Execution Controls": ("3C", "Table 25-7"),
    "Definitions of Tertiary Processor-Based VM-Execution Controls": ("3C", "Table 25-8"),
    "I/O-Bitmap Addresses": ("3C", "25.6.4"),
    "MSR-Bitmap Address": ("3C", "25.6.9"),
    "Guest/Host Masks and Read Shadows for CR0 and CR4": ("3C", "25.6.6"),
    "Extended-Page-Table Pointer (EPTP)": ("3C", "25.6.11"),
    "VM-Exit Control Fields": ("3C", "25.7"),
    "Definitions of Primary VM-Exit Controls": ("3C", "Table 25-13"),
    "VM-Exit Controls for MSRs": ("3C", "25.7.2"),
    "VM-Entry Control Fields": ("3C", "25.8"),
    "Definitions of VM-Entry Controls": ("3C", "Table 25-15"),
    "VM-Entry Controls for MSRs": ("3C", "25.8.2"),
    "VM-Entry Controls for Event Injection": ("3C", "25.8.3"),
    "Format of the VM-Entry Interruption-Information Field": ("3C", "a table in 25.8.3"),
    "VM-Exit Information Fields": ("3C", "25.9"),
    "Basic VM-Exit Information": ("3C", "25.9.1"),
    "Format of Exit Reason": ("3C", "a table in 25.9.1"),
    "Format of the VM-Exit Interruption-Information Field": ("3C", "a table in 25.9.2"),
    "Software Use of Virtual-Machine Control Structures": ("3C", "25.11"),
    "VMXON Region": ("3C", "25.11.5"),
    # chapter 26: VMX Non-Root Operation
    "Instructions That Cause VM Exits Unconditionally": ("3C", "26.1.2"),
    "VMX-Preemption Timer": ("3C", "26.5.1"),
    "Unrestricted Guests": ("3C", "chapter 26"),
    # chapter 27: VM Entries
    "VM Entries": ("3C", "chapter 27"),
    "Checks on VMX Controls and Host-State Area": ("3C", "27.2"),
    "Checks on VMX Controls": ("3C", "27.2.1"),
    "Checks on Host Control Registers, MSRs, and SSP": ("3C", "27.2.2"),
    "Checks on Host Segment and Descriptor-Table Registers": ("3C", "27.2.3"),
    "Checks Related to Address-Space Size": ("3C", "27.2.4"),
    "Checking and Loading Guest State": ("3C", "27.3"),
    "Checks on Guest Control Registers, Debug Registers, and MSRs": ("3C", "27.3.1.1"),
    "Checks on Guest Segment Registers": ("3C", "27.3.1.2"),
    "Checks on Guest Descriptor-Table Registers": ("3C", "27.3.1.3"),
    "Checks on Guest RIP, RFLAGS, and SSP": ("3C", "27.3.1.4"),
    "Checks on Guest Non-Register State": ("3C", "27.3.1.5"),
    "Event Injection": ("3C", "27.6"),
    # chapter 28: VM Exits
    "VM Exits": ("3C", "chapter 28"),
    "Exit Qualification for Control-Register Accesses": ("3C", "a table in 28.2.1"),
    "Exit Qualification for I/O Instructions": ("3C", "a table in 28.2.1"),
    "Exit Qualification for EPT Violations": ("3C", "a table in 28.2.1"),
    # chapter 29: VMX Support for Address Translation
    "The Extended Page Table Mechanism (EPT)": ("3C", "29.3"),
    "EPT Translation Mechanism": ("3C", "29.3.2"),
    "Format of an EPT PML4 Entry": ("3C", "a table in 29.3.2"),
    "Format of an EPT Page-Table Entry": ("3C", "a table in 29.3.2"),
    "EPT Misconfigurations": ("3C", "29.3.3.1"),
    "EPT Violations": ("3C", "29.3.3.2"),
    "Invalidating Cached Translation Information": ("3C", "29.4.3"),
    # chapter 31: VMX Instruction Reference
    "VMX Instruction Reference": ("3C", "chapter 31"),
    "Conventions": ("3C", "31.2"),
    "INVEPT": ("3C", "31.3"),
    "INVVPID": ("3C", "31.3"),
    "VM Instruction Error Numbers": ("3C", "31.4"),
    # chapter 32: Virtual-Machine Monitor Programming Considerations
    "Algorithms for Determining VMX Capabilities": ("3C", "32.5.1"),
    "Leaving VMX Operation": ("3C", "search the title"),
    # Vol. 3D appendices
    "VMX Capability Reporting Facility": ("3D", "appendix A"),
    "Basic VMX Information": ("3D", "A.1"),
    "Miscellaneous Data": ("3D", "A.6"),
    "VMX-Fixed Bits in CR0": ("3D", "A.7"),
    "VMX-Fixed Bits in CR4": ("3D", "A.8"),
    "VPID and EPT Capabilities": ("3D", "A.10"),
    "Field Encoding in VMCS": ("3D", "appendix B"),
    "VMX Basic Exit Reasons": ("3D", "appendix C"),
    # Vol. 3A (system programming), by chapter title only
    "Control Registers": ("3A", "chapter \"System Architecture Overview\""),
    "Segment Selectors": ("3A", "chapter \"Protected-Mode Memory Management\""),
    "Segment Descriptors": ("3A", "chapter \"Protected-Mode Memory Management\""),
    "Exception and Interrupt Vectors": ("3A", "chapter \"Interrupt and Exception Handling\""),
    "64-Bit Mode IDT": ("3A", "chapter \"Interrupt and Exception Handling\""),
    "Exception Classifications": ("3A", "chapter \"Interrupt and Exception Handling\""),
    "Exception and Interrupt Reference":
        ("3A", "chapter \"Interrupt and Exception Handling\""),
    "Advanced Programmable Interrupt Controller (APIC)":
        ("3A", "chapter \"Advanced Programmable Interrupt Controller (APIC)\""),
    "Message Signalled Interrupts":
        ("3A", "chapter \"Advanced Programmable Interrupt Controller (APIC)\""),
    "Exception and Interrupt Handling in 64-bit Mode":
        ("3A", "chapter \"Interrupt and Exception Handling\""),
    "Task Management in 64-bit Mode": ("3A", "chapter \"Task Management\""),
    "Initializing IA-32e Mode": ("3A", "chapter \"Processor Management and Initialization\""),
    "Memory Types": ("3A", "chapter \"Memory Cache Control\""),
    "Model-Specific Registers (MSRs)": ("3A", "chapter \"Memory Cache Control\""),
    "4-Level Paging and 5-Level Paging": ("3A", "chapter \"Paging\""),
    # Vol. 1 and Vol. 2
    "Canonical Addressing": ("1", "chapter \"Basic Execution Environment\""),
    "Managing State Using the XSAVE Feature Set": ("1", "chapter 13"),
    "EFLAGS Register": ("1", "chapter \"Basic Execution Environment\""),
    "Instruction Format": ("2A", "chapter \"Instruction Format\""),
    "CPUID": ("2A", "the CPUID page"),
    "LAR": ("2A", "the LAR page"),
    "MOV": ("2B", "the MOV page"),
    "MOVZX": ("2B", "the MOVZX page"),
    "XSETBV": ("2D", "the XSETBV page"),
    # Vol. 4
    "Architectural MSRs": ("4", "2.1"),
}

# A quoted title right after an SDM reference: `SDM Vol. 3C, "Title"`,
# `Vol. 3C, section "Title"`, `(Vol. 3A, "Title")`, and lists of titles.
_CITE = re.compile(r"(?:SDM|Vol\.\s*[1-4][A-D]?)\b[^\"“]{0,60}?"
                   r"((?:[\"“][^\"”]{3,90}[\"”](?:[\s,;]*(?:and|or|of|section|table|"
                   r"chapter|appendix|its subsection)?[\s,;]*))+)")


def cited_titles(text):
    """The SDM titles a text cites (comment markers and newlines ignored)."""
    flat = re.sub(r"\n\s*(?:\*|;|//|#|>)?\s*", " ", text)
    titles = set()
    for m in _CITE.finditer(flat):
        titles.update(t for t in re.findall(r"[\"“]([^\"”]{3,90})[\"”]", m.group(1))
                      if re.match(r"[A-Z0-9]", t) and not re.search(r"[%\\]", t))
    return titles


def where(title):
    """'Vol. 3C, 27.3.1.2' for a title in SECTIONS (KeyError otherwise)."""
    volume, place = SECTIONS[title]
    return f"Vol. {volume}, {place}"


def table_markdown():
    """The bibliography's table: every title, and where it is in EDITION."""
    rows = ["| title cited | in the September 2023 edition |", "|---|---|"]
    for title in sorted(SECTIONS, key=lambda t: (SECTIONS[t][0], t.lower())):
        rows.append(f"| {title} | {where(title)} |")
    return "\n".join(rows) + "\n"
