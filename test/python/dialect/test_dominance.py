"""verify_module rejects a use its definition does not dominate, even one only a pass can build (the
parser already refuses a value used outside the region defining it, see test/dialect/invalid-dominance.mlir)."""

from __future__ import annotations

import pytest
from xdsl.dialects import func, scf

from ppc.dialects.diagnostics import PlDiagnostic, verify_module
from ppc.dialects.parsing import parse_mlir

TEXT = """
func.func @f(%flag: i1, %x: index) -> index {
  scf.if %flag {
    %inner = arith.addi %x, %x : index
    scf.yield
  }
  func.return %x : index
}
"""


def test_value_escaping_its_region_is_rejected_at_the_use():
    module = parse_mlir(TEXT, "dom.mlir")
    verify_module(module)
    ret = next(op for op in module.walk() if isinstance(op, func.ReturnOp))
    branch = next(op for op in module.walk() if isinstance(op, scf.IfOp))
    ret.operands = [branch.true_region.block.first_op.results[0]]
    with pytest.raises(PlDiagnostic) as err:
        verify_module(module)
    assert str(err.value) == (
        "dom.mlir:7:3: error: 'func.return' operand #0 (%inner) is used where its definition does not dominate "
        "it: before it, or outside the region that defines it (defined at dom.mlir:4:5)"
    )
