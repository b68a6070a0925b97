// RUN: ppc-opt %s -p dce | filecheck %s --check-prefix=DCE
// RUN: ppc-opt %s -p cse | filecheck %s --check-prefix=CSE
// RUN: ppc-opt %s -p canonicalize | filecheck %s --check-prefix=CANON

// xDSL's generic cleanups work on pl ops because pure ops carry the Pure trait: dce drops the dead
// pl.add (pl.read, which is not marked Pure, stays), cse merges the two identical pl.slice ops, and
// canonicalize (patterns + dead-code removal) drops the dead pl.add too.

// DCE-LABEL: func.func @cleanup
// DCE-NOT:     pl.add
// DCE:         pl.read
// DCE:         pl.slice
// DCE:         pl.slice
// DCE:         pl.mul

// CSE-LABEL: func.func @cleanup
// CSE:         %[[S:.*]] = pl.slice %x[%c0, %c0]
// CSE-NOT:     pl.slice
// CSE:         pl.mul %[[S]], %[[S]]

// CANON-LABEL: func.func @cleanup
// CANON-NOT:   pl.add
// CANON:       pl.read
// CANON-NEXT:  %[[A:.*]] = pl.slice %x[%c0, %c0]
// CANON-NEXT:  %[[B:.*]] = pl.slice %x[%c0, %c0]
// CANON-NEXT:  %[[M:.*]] = pl.mul %[[A]], %[[B]]
// CANON-NEXT:  func.return %[[M]]
func.func @cleanup(%x: !pl.tensor<8x16xf32>) -> !pl.tile<1x16xf32, vec> {
  %c0 = arith.constant 0 : index
  %r = pl.read %x[%c0, %c0] : !pl.tensor<8x16xf32> -> f32
  %a = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<1x16xf32, vec>
  %dead = pl.add %a, %a : !pl.tile<1x16xf32, vec>
  %b = pl.slice %x[%c0, %c0] : !pl.tensor<8x16xf32> -> !pl.tile<1x16xf32, vec>
  %m = pl.mul %a, %b : !pl.tile<1x16xf32, vec>
  func.return %m : !pl.tile<1x16xf32, vec>
}
