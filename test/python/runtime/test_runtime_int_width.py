"""Integer scalars behave like the hardware's fixed-width registers: entry arguments are range-checked at
call time (located at the entry), and arith results wrap instead of growing like Python ints."""

from __future__ import annotations

import numpy as np
import pytest

from ppc import pl
from ppc.runtime.errors import PlRuntimeError
from rt_programs import compile_text, single_kernel

I32_MIN, I32_MAX = -(2**31), 2**31 - 1
I64_MAX = 2**63 - 1


def _run(lines: list[str], values: list[str], a: int, b: int) -> list[int]:
    """Run a kernel computing i64 values `values` from scalars %a (i32) and %b (i64)."""
    body = list(lines)
    prev = "%out"
    for i, v in enumerate(values):
        body.append(f"  %k{i} = arith.constant {i} : index")
        body.append(f"  %w{i} = pl.write {v} into {prev}[%k{i}] : i64 into !pl.tensor<16xi64> -> !pl.tensor<16xi64>")
        prev = f"%w{i}"
    text = single_kernel({}, {"out": ((16,), "i64")}, "\n".join(body), scalars={"a": "i32", "b": "i64"},
                         results={"out": prev})
    out = np.zeros(16, np.int64)
    compile_text(text).run(out, a, b)
    return out[: len(values)].tolist()


def _ext(name: str) -> str:
    return f"  {name}_64 = arith.extsi {name} : i32 to i64"


def test_i32_arithmetic_wraps():
    lines = [
        "  %add = arith.addi %a, %a : i32",
        "  %one = arith.constant 1 : i32",
        "  %inc = arith.addi %a, %one : i32",
        "  %mul = arith.muli %a, %a : i32",
        "  %neg = arith.subi %one, %a : i32",
        "  %sh = arith.shli %a, %one : i32",
        *(_ext(n) for n in ("%add", "%inc", "%mul", "%neg", "%sh")),
    ]
    got = _run(lines, ["%add_64", "%inc_64", "%mul_64", "%neg_64", "%sh_64"], I32_MAX, 0)
    assert got == [-2, I32_MIN, 1, I32_MIN + 2, -2]


def test_i64_and_index_arithmetic_wraps():
    lines = [
        "  %one = arith.constant 1 : i64",
        "  %inc = arith.addi %b, %one : i64",
        "  %bx = arith.index_cast %b : i64 to index",
        "  %two = arith.constant 2 : index",
        "  %dbl = arith.muli %bx, %two : index",
        "  %dbl64 = arith.index_cast %dbl : index to i64",
    ]
    assert _run(lines, ["%inc", "%dbl64"], 0, I64_MAX) == [-(2**63), -2]


def test_unsigned_ops_and_conversions_read_the_bits_unsigned():
    lines = [
        "  %two = arith.constant 2 : i32",
        "  %divu = arith.divui %a, %two : i32",
        "  %shru = arith.shrui %a, %two : i32",
        "  %zero = arith.constant 0 : i32",
        "  %ult = arith.cmpi ult, %zero, %a : i32",
        "  %ult64 = arith.extui %ult : i1 to i64",
        "  %extu = arith.extui %a : i32 to i64",
        "  %tr = arith.trunci %b : i64 to i32",
        "  %bx = arith.index_cast %b : i64 to index",
        "  %ic = arith.index_cast %bx : index to i32",
        *(_ext(n) for n in ("%divu", "%shru", "%tr", "%ic")),
    ]
    got = _run(lines, ["%divu_64", "%shru_64", "%ult64", "%extu", "%tr_64", "%ic_64"], -4, 2**32 + 5)
    assert got == [2**31 - 2, 2**30 - 1, 1, 2**32 - 4, 5, 5]


def test_shift_amount_out_of_range_is_a_run_time_error():
    with pytest.raises(PlRuntimeError, match=r"^test\.mlir:\d+:\d+: error: kernel 'k' block 0: shift amount 32 out "
                                             r"of range \[0, 32\) in 'arith.shli'$"):
        _run(["  %c32 = arith.constant 32 : i32", "  %s = arith.shli %a, %c32 : i32", _ext("%s")], ["%s_64"], 1, 0)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (2**31, 0, f"argument 'a' of 'main': 2147483648 is out of range for i32 [{I32_MIN}, {I32_MAX}]"),
        (I32_MIN - 1, 0, f"argument 'a' of 'main': -2147483649 is out of range for i32 [{I32_MIN}, {I32_MAX}]"),
        (0, 2**63, f"argument 'b' of 'main': 9223372036854775808 is out of range for i64 [{-(2**63)}, {I64_MAX}]"),
    ],
)
def test_out_of_range_integer_arguments_are_refused(a, b, message):
    with pytest.raises(PlRuntimeError) as err:
        _run([], [], a, b)
    assert err.value.detail == message
    assert [str(loc) for loc, _ in err.value.notes] == ["test.mlir:2:1"]  # the error itself is at the call


def test_extreme_in_range_arguments_are_accepted():
    assert _run([], ["%b"], I32_MIN, I64_MAX) == [I64_MAX]


@pl.jit
def _uint32_entry(x: pl.Tensor[[1, 8], pl.FP32], y: pl.Out[pl.Tensor[[1, 8], pl.FP32]], n: pl.Scalar[pl.UINT32]):
    with pl.at(level=pl.Level.CORE_GROUP):
        y[:, :] = pl.add(x[:, :], 1.0)
    return y


@pytest.mark.parametrize("value", [-1, 2**32])
def test_uint32_scalars_are_checked_against_the_unsigned_range(value):
    """A pl.UINT32 parameter is carried as i32 but marked pl.unsigned: -1 must not pass as 0xFFFFFFFF."""
    x = np.zeros((1, 8), np.float32)
    with pytest.raises(PlRuntimeError, match=rf"argument 'n' of '_uint32_entry': {value} is out of range for ui32 \[0, 4294967295\]"):
        _uint32_entry(x, np.zeros_like(x), value)


def test_uint32_scalars_above_the_i32_range_are_accepted():
    x = np.zeros((1, 8), np.float32)
    y = np.zeros_like(x)
    _uint32_entry(x, y, 2**32 - 1)
    assert (y == 1).all()
    assert "pl.unsigned" in str(_uint32_entry.lower(x, y, 3, pipeline="frontend"))
