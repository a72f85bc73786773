# SPDX-License-Identifier: MIT
"""docs/nested-kvm-checks.md, the table of KVM's nested VM-entry checks and
the checker rules that make them, stays true: every rule it names is in
the checker's table, and every rule of the checker is named there."""
import re

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "nested-kvm-checks.md"
CHECKER = ROOT / "common" / "vmx_checker.c"


@pytest.fixture(scope="session")
def images():
    """Overrides conftest's: this test reads sources only."""


def rules_in(checker):
    """The rule functions of a checker.c's entry_rules[] table."""
    table = checker.read_text().split("const struct entry_rule entry_rules[] = {")[1]
    return re.findall(r",\s+([a-z_0-9]+)\},\n", table.split("};")[0])


def test_every_rule_named_is_a_rule_and_every_rule_is_named():
    named = set(re.findall(r"`([a-z_0-9]+)`", DOC.read_text()))
    rules = set(rules_in(CHECKER))
    assert len(rules) > 50
    # What else the doc quotes: KVM's functions and files of stepvisor.
    kvm = {n for n in named if n.startswith("nested_")} | {"emulation_required"}
    assert sorted(named - rules - kvm) == [], "named in the doc but not a rule"
    assert sorted(rules - named) == [], "a rule the doc does not name"


def test_one_checker_for_every_chapter():
    """The checker is common/vmx_checker.c, the SDM's rules for every
    chapter: no chapter carries a copy of its own."""
    copies = sorted(p.relative_to(ROOT).as_posix()
                    for p in (ROOT / "chapters").glob("*/*checker*"))
    assert copies == []
    assert {"eptp_valid", "unrestricted_needs_ept", "vpid_nonzero"} <= set(rules_in(CHECKER))


def test_readme_links_it():
    # An HTML link: Doxygen, which reads README.md, would take a Markdown
    # link to a file outside its input for a broken reference.
    assert '<a href="docs/nested-kvm-checks.md">' in (ROOT / "README.md").read_text()
