"""The book's excerpt extraction, and that the real book's @includes resolve."""

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "book"))

import build  # noqa: E402  (book/build.py)
from excerpt import extract  # noqa: E402


C_SOURCE = textwrap.dedent("""\
    #include <stdint.h>

    #define CR4_VMXE (1ull << 13)
    #define CR4_VMXE_BIT 13
    #define VMX_FAIL(x) \\
            ((x) & 1)

    int vmxon_enter(uint64_t region);

    /**
     * Enter VMX operation.
     */
    int vmxon_enter(uint64_t region)
    {
            if (region & 0xfff) {
                    return -1;
            }
            return 0;
    }

    // Leave VMX operation.
    // Always succeeds.
    static void
    vmxon_leave(void)
    {
            vmxon_enter(0);
    }

    static inline int one(void) { return 1; }

    /* The 4 KiB region VMXON takes. */
    struct vmxon_region {
            uint32_t revision;
            struct {
                    int x;
            } inner;
    };

    struct vmxon_region *region_alloc(void);

    typedef struct {
            int a;
    } pair_t;
    """)

ASM_SOURCE = textwrap.dedent("""\
    bits 64
    section .text

    ; Save the guest's registers and call the C handler.
    global vmexit_stub
    vmexit_stub:
            push rax

    .again:
            call vmexit_handler
            pop rax
            vmresume

    ; Load the guest's registers and launch.
    vmlaunch_stub:
            vmlaunch
            ret
    """)


@pytest.fixture
def src(tmp_path):
    (tmp_path / "vmx.c").write_text(C_SOURCE)
    (tmp_path / "entry.asm").write_text(ASM_SOURCE)
    (tmp_path / "Makefile").write_text("all:\n\techo hi\n")
    return tmp_path


def test_function_with_doc_comment(src):
    got = extract(str(src / "vmx.c"), "vmxon_enter")
    assert got.startswith("/**\n * Enter VMX operation.\n */\n"
                          "int vmxon_enter(uint64_t region)\n{")
    assert got.endswith("\treturn 0;\n}") or got.endswith("return 0;\n}")
    assert "vmxon_leave" not in got


def test_function_with_return_type_on_its_own_line(src):
    got = extract(str(src / "vmx.c"), "vmxon_leave")
    assert got.splitlines()[:4] == ["// Leave VMX operation.",
                                    "// Always succeeds.",
                                    "static void", "vmxon_leave(void)"]
    assert got.splitlines()[-1] == "}"


def test_one_line_function(src):
    assert extract(str(src / "vmx.c"), "one") == \
        "static inline int one(void) { return 1; }"


def test_struct_with_nested_braces(src):
    got = extract(str(src / "vmx.c"), "struct vmxon_region")
    lines = got.splitlines()
    assert lines[0] == "/* The 4 KiB region VMXON takes. */"
    assert lines[1] == "struct vmxon_region {"
    assert lines[-1] == "};"
    assert "int x;" in got


def test_anonymous_typedef_struct(src):
    got = extract(str(src / "vmx.c"), "struct pair_t")
    assert got.splitlines() == ["typedef struct {", "        int a;",
                                "} pair_t;"]


def test_define(src):
    path = str(src / "vmx.c")
    assert extract(path, "#define CR4_VMXE") == "#define CR4_VMXE (1ull << 13)"
    assert extract(path, "#define VMX_FAIL").splitlines() == [
        "#define VMX_FAIL(x) \\", "        ((x) & 1)"]


def test_asm_label(src):
    got = extract(str(src / "entry.asm"), "vmexit_stub")
    lines = got.splitlines()
    assert lines[0] == "; Save the guest's registers and call the C handler."
    assert "vmexit_stub:" in lines
    assert ".again:" in lines  # a local label does not end the routine
    assert lines[-1].strip() == "vmresume"
    last = extract(str(src / "entry.asm"), "vmlaunch_stub")
    assert last.splitlines()[-1].strip() == "ret"


def test_whole_file(src):
    assert extract(str(src / "Makefile")) == "all:\n\techo hi"
    assert extract(str(src / "Makefile"), "") == "all:\n\techo hi"


@pytest.mark.parametrize("path, symbol", [
    ("vmx.c", "vmxon_missing"),
    ("vmx.c", "region_alloc"),       # only a prototype
    ("vmx.c", "struct vmxon"),       # a prefix of a real name
    ("vmx.c", "#define CR4"),
    ("entry.asm", "again"),
    ("Makefile", "all"),             # symbols only in C and asm
    ("nonexistent.c", "vmxon_enter"),
    ("nonexistent.c", None),
])
def test_missing_symbol_raises(src, path, symbol):
    with pytest.raises(LookupError):
        extract(str(src / path), symbol)


def test_expand_replaces_and_reports(src):
    md = textwrap.dedent("""\
        # T

        @include vmx.c:vmxon_enter

        ```text
        @include not/expanded/inside/a/fence.c:f
        ```

        @include vmx.c:struct nope
        """)
    text, errors = build.expand(md, "book/src/t.md", root=str(src))
    assert "```c\n/**\n * Enter VMX operation." in text
    assert "*From `vmx.c`*" in text
    assert "@include not/expanded" in text
    assert errors == ["book: book/src/t.md:9: cannot find struct nope in vmx.c"]


def test_real_book_references_resolve():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "book", "build.py"),
                        "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# --- @output: serial output from real runs ---------------------------------

import output  # noqa: E402  (book/ is on sys.path above)


def test_output_spec_is_parsed():
    chapter, cmdline, model, opts = output.parse(
        '03-ept scenario=isolation guest_mem=6M model=corei5_lynnfield_750 '
        'from "EPT:" to "PASS" skip "^guest uart"')
    assert (chapter, cmdline, model) == ("03-ept", "scenario=isolation guest_mem=6M",
                                         "corei5_lynnfield_750")
    assert opts == {"from": "EPT:", "to": "PASS", "skip": "^guest uart"}


@pytest.mark.parametrize("spec", ['01-vmxon', '01-vmxon from "A"', '', '01 from "A" to'])
def test_malformed_output_spec_is_refused(spec):
    with pytest.raises(output.OutputError):
        output.parse(spec)


def test_output_lines_are_selected_and_folded():
    lines = ["boot", "A one", "x 1", "x 2", "keep", "B end", "after"]
    assert output.select(lines, {"from": "A", "to": "B"}) == lines[1:6]
    assert output.select(lines, {"from": "A", "to": "B", "skip": "^x"}) == \
        ["A one", "...", "keep", "B end"]
    assert output.select(lines, {"from": "A", "to": "B", "match": "^(A|B)"}) == \
        ["A one", "B end"]
    with pytest.raises(output.OutputError):
        output.select(lines, {"from": "Z", "to": "B"})
    with pytest.raises(output.OutputError):
        output.select(lines, {"from": "A", "to": "Z"})
