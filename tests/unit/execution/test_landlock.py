"""Landlock's pure helpers: rights per ABI version and the ABI probe (never confines)."""

from __future__ import annotations

import ctypes

from aceforge.execution import landlock as ll


def test_write_rights_grow_with_the_abi() -> None:
    v1 = ll.write_rights(1)
    assert v1 & ll.WRITE_FILE and v1 & ll.REMOVE_FILE and v1 & ll.MAKE_RIGHTS == ll.MAKE_RIGHTS
    assert not v1 & ll.REFER and not v1 & ll.TRUNCATE
    assert ll.write_rights(2) == v1 | ll.REFER
    assert ll.write_rights(3) == v1 | ll.REFER | ll.TRUNCATE
    assert ll.write_rights(6) == ll.write_rights(3)
    assert not ll.write_rights(6) & ll.READ_RIGHTS  # reading is never a write right


def test_rights_bits_are_distinct() -> None:
    bits = [ll.EXECUTE, ll.WRITE_FILE, ll.READ_FILE, ll.READ_DIR, ll.REMOVE_DIR, ll.REMOVE_FILE]
    bits += [1 << b for b in range(6, 13)] + [ll.REFER, ll.TRUNCATE]
    assert len(set(bits)) == len(bits) and sum(bits) == (1 << 15) - 1


def test_struct_layouts_match_the_kernel_abi() -> None:
    assert ctypes.sizeof(ll._RulesetAttr) == 24
    assert ctypes.sizeof(ll._PathBeneath) == 12  # packed: u64 + s32


class _Libc:
    def __init__(self, ret: int) -> None:
        self.ret, self.calls = ret, []

    def syscall(self, *args):
        self.calls.append(args)
        return self.ret


def test_abi_asks_the_version_and_maps_errors_to_zero() -> None:
    ok = _Libc(4)
    assert ll.abi(ok) == 4  # type: ignore[arg-type]
    assert ok.calls == [(ll.SYS_CREATE_RULESET, None, 0, ll.CREATE_RULESET_VERSION)]
    assert ll.abi(_Libc(-1)) == 0  # type: ignore[arg-type]
    assert ll.abi() >= 0  # the real kernel answers without changing this process
