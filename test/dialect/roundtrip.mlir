// Round-trip of every `pl` op, type and attribute form.
//
// Custom form: parse -> print -> parse -> print matches the CHECK lines.
// RUN: ppc-opt %s | ppc-opt | filecheck %s
// Generic form: the generic print parses back to the same custom print.
// RUN: ppc-opt %s --print-op-generic | ppc-opt | filecheck %s
// Custom -> generic -> custom is textually identical to custom, and the generic print is a fixed point.
// RUN: ppc-opt %s > %t.custom && ppc-opt %s --print-op-generic | ppc-opt > %t.via-generic && diff %t.custom %t.via-generic
// RUN: ppc-opt %s --print-op-generic > %t.generic1 && ppc-opt %t.generic1 --print-op-generic > %t.generic2 && diff %t.generic1 %t.generic2
//
// test/python/dialect/test_roundtrip_coverage.py fails when a registered op, type or enum value is missing here
// (and test/python/interop/test_upstream_mlir.py parses the generic form of this file with upstream MLIR).

// ---------------------------------------------------------------------------------------------- types
// Every dtype, tensor ranks 0 to 3, tiles in every memory space, valid shapes with constants and `?`, refs.

// CHECK-LABEL: func.func @types(
// CHECK-SAME: %t0: !pl.tensor<f32>, %t1: !pl.tensor<128xbf16>, %t2: !pl.tensor<64x128xf16>, %t3: !pl.tensor<2x64x128xf32>,
// CHECK-SAME: %t4: !pl.tensor<32xi8>, %t5: !pl.tensor<32xi32>, %t6: !pl.tensor<32xi64>, %t7: !pl.tensor<32xi1>, %t8: !pl.tensor<32xindex>, %t9: !pl.tensor<4x4xi16>,
// CHECK-SAME: %v0: !pl.tile<16x128xf32, vec>, %v1: !pl.tile<64x64xbf16, mat>, %v2: !pl.tile<16x64xf16, left>, %v3: !pl.tile<64x16xi8, right>, %v4: !pl.tile<16x16xi32, acc>,
// CHECK-SAME: %v5: !pl.tile<128xf32, vec, valid 100>, %v6: !pl.tile<16x128xf32, vec, valid 8x?>, %v7: !pl.tile<2x8x32xi64, mat, valid ?x?x?>, %v8: !pl.tile<8x8xi1, vec, valid 0x8>, %v9: !pl.tile<4x4xindex, vec>, %v10: !pl.tile<4x4xi16, left>,
// CHECK-SAME: %r0: !pl.ref<!pl.tensor<64x128xf16>>, %r1: !pl.ref<!pl.tile<16x128xf32, vec, valid 8x?>>, %r2: !pl.ref<index>)
func.func @types(%t0: !pl.tensor<f32>, %t1: !pl.tensor<128xbf16>, %t2: !pl.tensor<64x128xf16>, %t3: !pl.tensor<2x64x128xf32>,
                 %t4: !pl.tensor<32xi8>, %t5: !pl.tensor<32xi32>, %t6: !pl.tensor<32xi64>, %t7: !pl.tensor<32xi1>, %t8: !pl.tensor<32xindex>, %t9: !pl.tensor<4x4xi16>,
                 %v0: !pl.tile<16x128xf32, vec>, %v1: !pl.tile<64x64xbf16, mat>, %v2: !pl.tile<16x64xf16, left>, %v3: !pl.tile<64x16xi8, right>, %v4: !pl.tile<16x16xi32, acc>,
                 %v5: !pl.tile<128xf32, vec, valid 100>, %v6: !pl.tile<16x128xf32, vec, valid 8x?>, %v7: !pl.tile<2x8x32xi64, mat, valid ?x?x?>, %v8: !pl.tile<8x8xi1, vec, valid 0x8>, %v9: !pl.tile<4x4xindex, vec>, %v10: !pl.tile<4x4xi16, left>,
                 %r0: !pl.ref<!pl.tensor<64x128xf16>>, %r1: !pl.ref<!pl.tile<16x128xf32, vec, valid 8x?>>, %r2: !pl.ref<index>) {
  func.return
}

// ---------------------------------------------------------------------------------------------- enum attributes
// #pl.kind on functions, #pl.dir on parameters; #pl.level, #pl.loop, #pl.cast_mode and #pl.pad are below.

// CHECK-LABEL: func.func @kind_orchestration(
// CHECK-SAME: %d_in: !pl.tensor<16xf32> {pl.dir = #pl.dir<in>}, %d_out: !pl.tensor<16xf32> {pl.dir = #pl.dir<out>}, %d_inout: !pl.tensor<16xf32> {pl.dir = #pl.dir<inout>})
// CHECK-SAME: attributes {pl.kind = #pl.kind<orchestration>}
func.func @kind_orchestration(%d_in: !pl.tensor<16xf32> {pl.dir = #pl.dir<in>}, %d_out: !pl.tensor<16xf32> {pl.dir = #pl.dir<out>},
                              %d_inout: !pl.tensor<16xf32> {pl.dir = #pl.dir<inout>}) attributes {pl.kind = #pl.kind<orchestration>} {
  func.return
}

// CHECK-LABEL: func.func @kind_incore()
// CHECK-SAME: attributes {pl.kind = #pl.kind<incore>}
func.func @kind_incore() attributes {pl.kind = #pl.kind<incore>} {
  func.return
}

// CHECK-LABEL: func.func @kind_inline()
// CHECK-SAME: attributes {pl.kind = #pl.kind<inline>}
func.func @kind_inline() attributes {pl.kind = #pl.kind<inline>} {
  func.return
}

// CHECK-LABEL: func.func @loop_kinds(
// CHECK: scf.for %lr = %lb to %ub step %st {
// CHECK: } {pl.loop = #pl.loop<range>}
// CHECK: scf.for %lp = %lb to %ub step %st {
// CHECK: } {pl.loop = #pl.loop<parallel>}
// CHECK: scf.for %lpp = %lb to %ub step %st {
// CHECK: } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
// CHECK: scf.for %lu = %lb to %ub step %st {
// CHECK: } {pl.loop = #pl.loop<unroll>}
func.func @loop_kinds(%lb: index, %ub: index, %st: index) {
  scf.for %lr = %lb to %ub step %st {
  } {pl.loop = #pl.loop<range>}
  scf.for %lp = %lb to %ub step %st {
  } {pl.loop = #pl.loop<parallel>}
  scf.for %lpp = %lb to %ub step %st {
  } {pl.loop = #pl.loop<pipeline>, pl.stages = 2 : i64}
  scf.for %lu = %lb to %ub step %st {
  } {pl.loop = #pl.loop<unroll>}
  func.return
}

// ---------------------------------------------------------------------------------------------- locals
// CHECK-LABEL: func.func @locals(
// CHECK-NEXT: %var = pl.local.decl "x" : !pl.ref<!pl.tile<16x128xf32, vec>>
// CHECK-NEXT: pl.local.set %var, %lv : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %lg = pl.local.get %var : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %svar = pl.local.decl "n" {note = "scalar"} : !pl.ref<i32>
func.func @locals(%lv: !pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xf32, vec> {
  %var = pl.local.decl "x" : !pl.ref<!pl.tile<16x128xf32, vec>>
  pl.local.set %var, %lv : !pl.tile<16x128xf32, vec>
  %lg = pl.local.get %var : !pl.tile<16x128xf32, vec>
  %svar = pl.local.decl "n" {note = "scalar"} : !pl.ref<i32>
  func.return %lg : !pl.tile<16x128xf32, vec>
}

// ---------------------------------------------------------------------------------------------- tasks
// CHECK-LABEL: func.func @tasks(
// CHECK:      pl.at attributes {level = #pl.level<core_group>, name = "scope"} {
// CHECK-NEXT:   %bi = pl.block_idx
// CHECK-NEXT: }
// CHECK:      pl.at attributes {level = #pl.level<core>} {
// CHECK:      pl.at attributes {level = #pl.level<cluster>, optimizations = ["split_k"]} {
// CHECK:      pl.at attributes {level = #pl.level<chip>} {
// CHECK:      %at_res = pl.at outs(%ao = %tt : !pl.tensor<64x128xf32>) attributes {name = "one"} {
// CHECK-NEXT:   %at_tile = pl.slice %tx[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT:   %at_new = pl.assemble %at_tile into %ao[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
// CHECK-NEXT:   pl.yield %at_new : !pl.tensor<64x128xf32>
// CHECK-NEXT: }
// CHECK:      %sp, %sp_1 = pl.spmd (%blk) in %c4 outs(%so = %tt : !pl.tensor<64x128xf32>, %so2 = %tx : !pl.tensor<64x128xf32>) attributes {name = "quarters"} {
// CHECK-NEXT:   %off = arith.muli %blk, %c16 : index
// CHECK:        pl.yield %sp_new, %so2 : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
// CHECK-NEXT: }
// CHECK:      pl.spmd (%blk2) in %c4 {
// CHECK-NEXT:   %bi2 = pl.block_idx {note = "attr"}
// CHECK-NEXT:   pl.syncall {core_type = "mix", mode = "hard"}
// CHECK-NEXT: }
// CHECK:      %esc_out, %esc_tile = pl.at outs(%eo = %tt : !pl.tensor<64x128xf32>) -> (!pl.tile<16x128xf32, vec>) attributes {name = "escapes"} {
// CHECK-NEXT:   %esc_undef = pl.undef : !pl.tile<16x128xf32, vec>
// CHECK-NEXT:   pl.yield %eo, %esc_undef : !pl.tensor<64x128xf32>, !pl.tile<16x128xf32, vec>
// CHECK-NEXT: }
// CHECK:      %dr = pl.dispatch @kernel(%tx) outs(%sp) blocks(%c4) {name = "kernel"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
// CHECK:      %dr2, %dr2_1 = pl.dispatch @kernel2() outs(%tx, %tt) blocks(%c4) {tag = 1 : i64} : () -> (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>)
// CHECK:      pl.dispatch @kernel3(%tx) outs() blocks(%c4) : (!pl.tensor<64x128xf32>) -> ()
func.func @tasks(%tx: !pl.tensor<64x128xf32>, %tt: !pl.tensor<64x128xf32>) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  pl.at attributes {level = #pl.level<core_group>, name = "scope"} {
    %bi = pl.block_idx
  }
  pl.at attributes {level = #pl.level<core>} {
  }
  pl.at attributes {level = #pl.level<cluster>, optimizations = ["split_k"]} {
  }
  pl.at attributes {level = #pl.level<chip>} {
  }
  %at_res = pl.at outs(%ao = %tt : !pl.tensor<64x128xf32>) attributes {name = "one"} {
    %at_tile = pl.slice %tx[%c0, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %at_new = pl.assemble %at_tile into %ao[%c0, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %at_new : !pl.tensor<64x128xf32>
  }
  %sp:2 = pl.spmd (%blk) in %c4 outs(%so = %tt : !pl.tensor<64x128xf32>, %so2 = %tx : !pl.tensor<64x128xf32>) attributes {name = "quarters"} {
    %off = arith.muli %blk, %c16 : index
    %sp_tile = pl.slice %tx[%off, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
    %sp_new = pl.assemble %sp_tile into %so[%off, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %sp_new, %so2 : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
  }
  pl.spmd (%blk2) in %c4 {
    %bi2 = pl.block_idx {note = "attr"}
    pl.syncall {core_type = "mix", mode = "hard"}
  }
  %esc_out, %esc_tile = pl.at outs(%eo = %tt : !pl.tensor<64x128xf32>) -> (!pl.tile<16x128xf32, vec>) attributes {name = "escapes"} {
    %esc_undef = pl.undef : !pl.tile<16x128xf32, vec>
    pl.yield %eo, %esc_undef : !pl.tensor<64x128xf32>, !pl.tile<16x128xf32, vec>
  }
  %dr = pl.dispatch @kernel(%tx) outs(%sp#0) blocks(%c4) {name = "kernel"} : (!pl.tensor<64x128xf32>) -> (!pl.tensor<64x128xf32>)
  %dr2:2 = pl.dispatch @kernel2() outs(%tx, %tt) blocks(%c4) {tag = 1 : i64} : () -> (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>)
  pl.dispatch @kernel3(%tx) outs() blocks(%c4) : (!pl.tensor<64x128xf32>) -> ()
  func.return %dr : !pl.tensor<64x128xf32>
}

// CHECK-LABEL: func.func @task_ids(
// CHECK:      pl.task_ids.create {array = 0 : i64, size = 4 : i64}
// CHECK-NEXT: pl.task_ids.set %ti {array = 0 : i64, from = [1 : i64, 2 : i64]}
// CHECK-NEXT: pl.task_ids.get %ti {array = 0 : i64, into = 3 : i64}
// CHECK-NEXT: pl.task_ids.get {array = 0 : i64, into = 4 : i64}
// CHECK:        %aa_new = pl.assemble %aa_tile into %aa[%ti, %ti] atomic_add : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
func.func @task_ids(%ti: index, %ta: !pl.tensor<64x128xf32>) {
  pl.task_ids.create {array = 0 : i64, size = 4 : i64}
  pl.task_ids.set %ti {array = 0 : i64, from = [1 : i64, 2 : i64]}
  pl.task_ids.get %ti {array = 0 : i64, into = 3 : i64}
  pl.task_ids.get {array = 0 : i64, into = 4 : i64}
  %aa_res = pl.at outs(%aa = %ta : !pl.tensor<64x128xf32>) attributes {pl.deps = [3 : i64, 4 : i64]} {
    %aa_v = arith.constant 1.000000e+00 : f32
    %aa_tile = pl.full %aa_v : f32 -> !pl.tile<16x128xf32, vec>
    %aa_new = pl.assemble %aa_tile into %aa[%ti, %ti] atomic_add : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
    pl.yield %aa_new : !pl.tensor<64x128xf32>
  }
  func.return
}

// CHECK-LABEL: func.func @kernel(
// CHECK: %kb = pl.block_idx
func.func @kernel(%kx: !pl.tensor<64x128xf32>, %ky: !pl.tensor<64x128xf32>, %kblock: index) -> !pl.tensor<64x128xf32> attributes {pl.kind = #pl.kind<incore>} {
  %kb = pl.block_idx
  func.return %ky : !pl.tensor<64x128xf32>
}

func.func @kernel2(%k2a: !pl.tensor<64x128xf32>, %k2b: !pl.tensor<64x128xf32>, %k2i: index) -> (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>) attributes {pl.kind = #pl.kind<incore>} {
  func.return %k2a, %k2b : !pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>
}

func.func @kernel3(%k3a: !pl.tensor<64x128xf32>, %k3i: index) attributes {pl.kind = #pl.kind<incore>} {
  func.return
}

// ---------------------------------------------------------------------------------------------- data
// CHECK-LABEL: func.func @data(
// CHECK:      %ct = pl.create_tensor : !pl.tensor<64x128xf32>
// CHECK-NEXT: %ct3 = pl.create_tensor {note = "scratch"} : !pl.tensor<2x4x8xbf16>
// CHECK-NEXT: %ctm = pl.create_tensor init 0 : i32 manual_dep : !pl.tensor<8xi32>
// CHECK-NEXT: %fl = pl.full %f2 : f32 -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %fli = pl.full %i7 : i32 -> !pl.tensor<8xi8>
// CHECK-NEXT: %ar = pl.arange %i7 : i32 -> !pl.tile<1x128xi32, vec>
// CHECK-NEXT: %ar1 = pl.arange %c0 : index -> !pl.tensor<64xindex>
// CHECK-NEXT: %ard = pl.arange %i7 descending : i32 -> !pl.tile<1x128xi32, vec>
// CHECK-NEXT: %sl = pl.slice %dx[%c16, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %slv = pl.slice %dx[%c0, %c0] valid[%c8, %n] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec, valid 8x?>
// CHECK-NEXT: %slw = pl.slice %dx[%c0, %c0] valid[%c8, %c16] : !pl.tensor<64x128xf32> -> !pl.tile<16x256xf32, vec, valid 8x16>
// CHECK-NEXT: %sl3 = pl.slice %ct3[%c0, %c0, %c0] : !pl.tensor<2x4x8xbf16> -> !pl.tensor<1x4x8xbf16>
// CHECK-NEXT: %as = pl.assemble %sl into %dx[%c16, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
// CHECK-NEXT: %gr = pl.gather_row %dx[%n, %c0] into %fl[%c0, %c0] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %grv = pl.gather_row %dx[%n, %c0] into %gr[%c8, %c0] valid[%n, %c16] {window = array<i64: 8, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %rs = pl.reshape %sl : !pl.tile<16x128xf32, vec> -> !pl.tile<32x64xf32, vec>
// CHECK-NEXT: %rs3 = pl.reshape %ct3 : !pl.tensor<2x4x8xbf16> -> !pl.tensor<64xbf16>
// CHECK-NEXT: %rd = pl.read %dx[%c16, %c0] : !pl.tensor<64x128xf32> -> f32
// CHECK-NEXT: %wr = pl.write %rd into %as[%c0, %c0] : f32 into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
// CHECK-NEXT: %cr = pl.cast %sl {mode = #pl.cast_mode<rint>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi32, vec>
// CHECK-NEXT: %cro = pl.cast %sl {mode = #pl.cast_mode<round>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi8, vec>
// CHECK-NEXT: %ctr = pl.cast %sl {mode = #pl.cast_mode<trunc>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi64, vec>
// CHECK-NEXT: %cn = pl.cast %sl {mode = #pl.cast_mode<none>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xbf16, vec>
// CHECK-NEXT: %cd = pl.cast %cr : (!pl.tile<16x128xi32, vec>) -> !pl.tile<16x128xf16, vec>
// CHECK-NEXT: %cc = pl.concat %sl, %sl {axis = 0 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x128xf32, vec>) -> !pl.tile<32x128xf32, vec>
// CHECK-NEXT: %cc1 = pl.concat %dx, %dx {axis = 1 : i64} : (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>) -> !pl.tensor<64x256xf32>
// CHECK-NEXT: %tr = pl.transpose %sl {axis1 = 0 : i64, axis2 = 1 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<128x16xf32, vec>
// CHECK-NEXT: %grt = pl.gather_row %dx[%n, %c0] into %tr[%c0, %n] transpose {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<128x16xf32, vec> -> !pl.tile<128x16xf32, vec>
// CHECK-NEXT: %tr3 = pl.transpose %ct3 {axis1 = 2 : i64, axis2 = 0 : i64} : (!pl.tensor<2x4x8xbf16>) -> !pl.tensor<8x4x2xbf16>
// CHECK-NEXT: %sv = pl.set_validshape %sl[%c8, %n] : !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec, valid 8x?>
// CHECK-NEXT: %fz = pl.fillpad %sv {pad = #pl.pad<zero>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %fmin = pl.fillpad %sv {pad = #pl.pad<min>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %fmax = pl.fillpad %sv {pad = #pl.pad<max>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
func.func @data(%dx: !pl.tensor<64x128xf32>, %n: index, %f2: f32, %i7: i32) -> !pl.tensor<64x128xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %ct = pl.create_tensor : !pl.tensor<64x128xf32>
  %ct3 = pl.create_tensor {note = "scratch"} : !pl.tensor<2x4x8xbf16>
  %ctm = pl.create_tensor init 0 : i32 manual_dep : !pl.tensor<8xi32>
  %fl = pl.full %f2 : f32 -> !pl.tile<16x128xf32, vec>
  %fli = pl.full %i7 : i32 -> !pl.tensor<8xi8>
  %ar = pl.arange %i7 : i32 -> !pl.tile<1x128xi32, vec>
  %ar1 = pl.arange %c0 : index -> !pl.tensor<64xindex>
  %ard = pl.arange %i7 descending : i32 -> !pl.tile<1x128xi32, vec>
  %sl = pl.slice %dx[%c16, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  %slv = pl.slice %dx[%c0, %c0] valid [%c8, %n] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec, valid 8x?>
  %slw = pl.slice %dx[%c0, %c0] valid [%c8, %c16] : !pl.tensor<64x128xf32> -> !pl.tile<16x256xf32, vec, valid 8x16>
  %sl3 = pl.slice %ct3[%c0, %c0, %c0] : !pl.tensor<2x4x8xbf16> -> !pl.tensor<1x4x8xbf16>
  %as = pl.assemble %sl into %dx[%c16, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  %gr = pl.gather_row %dx[%n, %c0] into %fl[%c0, %c0] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  %grv = pl.gather_row %dx[%n, %c0] into %gr[%c8, %c0] valid [%n, %c16] {window = array<i64: 8, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  %rs = pl.reshape %sl : !pl.tile<16x128xf32, vec> -> !pl.tile<32x64xf32, vec>
  %rs3 = pl.reshape %ct3 : !pl.tensor<2x4x8xbf16> -> !pl.tensor<64xbf16>
  %rd = pl.read %dx[%c16, %c0] : !pl.tensor<64x128xf32> -> f32
  %wr = pl.write %rd into %as[%c0, %c0] : f32 into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  %cr = pl.cast %sl {mode = #pl.cast_mode<rint>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi32, vec>
  %cro = pl.cast %sl {mode = #pl.cast_mode<round>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi8, vec>
  %ctr = pl.cast %sl {mode = #pl.cast_mode<trunc>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi64, vec>
  %cn = pl.cast %sl {mode = #pl.cast_mode<none>} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xbf16, vec>
  %cd = pl.cast %cr : (!pl.tile<16x128xi32, vec>) -> !pl.tile<16x128xf16, vec>
  %cc = pl.concat %sl, %sl {axis = 0 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x128xf32, vec>) -> !pl.tile<32x128xf32, vec>
  %cc1 = pl.concat %dx, %dx {axis = 1 : i64} : (!pl.tensor<64x128xf32>, !pl.tensor<64x128xf32>) -> !pl.tensor<64x256xf32>
  %tr = pl.transpose %sl {axis1 = 0 : i64, axis2 = 1 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<128x16xf32, vec>
  %grt = pl.gather_row %dx[%n, %c0] into %tr[%c0, %n] transpose {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<128x16xf32, vec> -> !pl.tile<128x16xf32, vec>
  %tr3 = pl.transpose %ct3 {axis1 = 2 : i64, axis2 = 0 : i64} : (!pl.tensor<2x4x8xbf16>) -> !pl.tensor<8x4x2xbf16>
  %sv = pl.set_validshape %sl[%c8, %n] : !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec, valid 8x?>
  %fz = pl.fillpad %sv {pad = #pl.pad<zero>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
  %fmin = pl.fillpad %sv {pad = #pl.pad<min>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
  %fmax = pl.fillpad %sv {pad = #pl.pad<max>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xf32, vec>
  func.return %wr : !pl.tensor<64x128xf32>
}

// ---------------------------------------------------------------------------------------------- dynamic
// Tensors with `?` dimensions (pl.dynamic): windows and writes stay static-shaped, `pl.dim` reads a size.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %dt: !pl.tensor<?x512xbf16>, %dt3: !pl.tensor<4x?x?xf32>, %dv: !pl.tile<16x512xbf16, vec>) -> !pl.tensor<?x512xbf16>
// CHECK:      %rows = pl.dim %dt {axis = 0 : i64} : (!pl.tensor<?x512xbf16>) -> index
// CHECK-NEXT: %cols = pl.dim %dv {axis = 1 : i64} : (!pl.tile<16x512xbf16, vec>) -> index
// CHECK-NEXT: %dsl = pl.slice %dt[%c0, %c0] valid[%rows, %cols] : !pl.tensor<?x512xbf16> -> !pl.tile<16x512xbf16, vec, valid ?x?>
// CHECK-NEXT: %dview = pl.slice %dt3[%c0, %rows, %c0] : !pl.tensor<4x?x?xf32> -> !pl.tensor<1x16x8xf32>
// CHECK-NEXT: %das = pl.assemble %dv into %dt[%rows, %c0] : !pl.tile<16x512xbf16, vec> into !pl.tensor<?x512xbf16> -> !pl.tensor<?x512xbf16>
// CHECK-NEXT: %drd = pl.read %dt3[%c0, %rows, %c0] : !pl.tensor<4x?x?xf32> -> f32
// CHECK-NEXT: %dct = pl.create_tensor[%rows, %cols] : !pl.tensor<?x2x?xf32>
// CHECK-NEXT: %drs = pl.reshape %dt[%rows] : !pl.tensor<?x512xbf16> -> !pl.tensor<?x256xbf16>
// CHECK-NEXT: %drs1 = pl.reshape %dt : !pl.tensor<?x512xbf16> -> !pl.tensor<16x512xbf16>
func.func @dynamic(%dt: !pl.tensor<?x512xbf16>, %dt3: !pl.tensor<4x?x?xf32>, %dv: !pl.tile<16x512xbf16, vec>) -> !pl.tensor<?x512xbf16> {
  %c0 = arith.constant 0 : index
  %rows = pl.dim %dt {axis = 0 : i64} : (!pl.tensor<?x512xbf16>) -> index
  %cols = pl.dim %dv {axis = 1 : i64} : (!pl.tile<16x512xbf16, vec>) -> index
  %dsl = pl.slice %dt[%c0, %c0] valid [%rows, %cols] : !pl.tensor<?x512xbf16> -> !pl.tile<16x512xbf16, vec, valid ?x?>
  %dview = pl.slice %dt3[%c0, %rows, %c0] : !pl.tensor<4x?x?xf32> -> !pl.tensor<1x16x8xf32>
  %das = pl.assemble %dv into %dt[%rows, %c0] : !pl.tile<16x512xbf16, vec> into !pl.tensor<?x512xbf16> -> !pl.tensor<?x512xbf16>
  %drd = pl.read %dt3[%c0, %rows, %c0] : !pl.tensor<4x?x?xf32> -> f32
  %dct = pl.create_tensor [%rows, %cols] : !pl.tensor<?x2x?xf32>
  %drs = pl.reshape %dt [%rows] : !pl.tensor<?x512xbf16> -> !pl.tensor<?x256xbf16>
  %drs1 = pl.reshape %dt : !pl.tensor<?x512xbf16> -> !pl.tensor<16x512xbf16>
  func.return %das : !pl.tensor<?x512xbf16>
}

// ---------------------------------------------------------------------------------------------- compute
// CHECK-LABEL: func.func @elementwise(
// CHECK-NEXT: %add = pl.add %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %sub = pl.sub %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %mul = pl.mul %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %div = pl.div %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %max = pl.maximum %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %min = pl.minimum %ea, %eb : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %adds = pl.add %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %subs = pl.sub %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %muls = pl.mul %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %divs = pl.div %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %maxs = pl.maximum %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %mins = pl.minimum %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %addi = pl.add %ei, %eis : (!pl.tensor<2x8x16xi32>, i32) -> !pl.tensor<2x8x16xi32>
// CHECK-NEXT: %addt = pl.add %ei, %ei : !pl.tensor<2x8x16xi32>
// CHECK-NEXT: %exp = pl.exp %ea : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %sqrt = pl.sqrt %ea : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %rsqrt = pl.rsqrt %ea : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %log = pl.log %eh : !pl.tensor<128xbf16>
// CHECK-NEXT: %recip = pl.recip %ea : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %neg = pl.neg %ei : !pl.tensor<2x8x16xi32>
// CHECK-NEXT: %abs = pl.abs %ea : !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %relu = pl.relu %eh : !pl.tensor<128xbf16>
func.func @elementwise(%ea: !pl.tile<16x128xf32, vec>, %eb: !pl.tile<16x128xf32, vec>, %es: f32, %ei: !pl.tensor<2x8x16xi32>, %eis: i32, %eh: !pl.tensor<128xbf16>) {
  %add = pl.add %ea, %eb : !pl.tile<16x128xf32, vec>
  %sub = pl.sub %ea, %eb : !pl.tile<16x128xf32, vec>
  %mul = pl.mul %ea, %eb : !pl.tile<16x128xf32, vec>
  %div = pl.div %ea, %eb : !pl.tile<16x128xf32, vec>
  %max = pl.maximum %ea, %eb : !pl.tile<16x128xf32, vec>
  %min = pl.minimum %ea, %eb : !pl.tile<16x128xf32, vec>
  %adds = pl.add %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %subs = pl.sub %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %muls = pl.mul %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %divs = pl.div %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %maxs = pl.maximum %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %mins = pl.minimum %ea, %es : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  %addi = pl.add %ei, %eis : (!pl.tensor<2x8x16xi32>, i32) -> !pl.tensor<2x8x16xi32>
  %addt = pl.add %ei, %ei : !pl.tensor<2x8x16xi32>
  %exp = pl.exp %ea : !pl.tile<16x128xf32, vec>
  %sqrt = pl.sqrt %ea : !pl.tile<16x128xf32, vec>
  %rsqrt = pl.rsqrt %ea : !pl.tile<16x128xf32, vec>
  %log = pl.log %eh : !pl.tensor<128xbf16>
  %recip = pl.recip %ea : !pl.tile<16x128xf32, vec>
  %neg = pl.neg %ei : !pl.tensor<2x8x16xi32>
  %abs = pl.abs %ea : !pl.tile<16x128xf32, vec>
  %relu = pl.relu %eh : !pl.tensor<128xbf16>
  func.return
}

// CHECK-LABEL: func.func @reductions_and_broadcasts(
// CHECK-NEXT: %rsum = pl.row_sum %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
// CHECK-NEXT: %rmax = pl.row_max %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
// CHECK-NEXT: %rmin = pl.row_min %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
// CHECK-NEXT: %csum = pl.col_sum %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<1x128xf32, vec>
// CHECK-NEXT: %cmax = pl.col_max %xt : (!pl.tensor<64x32xbf16>) -> !pl.tensor<1x32xbf16>
// CHECK-NEXT: %ramax = pl.row_argmax %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xi32, vec>
// CHECK-NEXT: %ramin = pl.row_argmin %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xi32, vec>
// CHECK-NEXT: %camax = pl.col_argmax %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<1x128xi32, vec>
// CHECK-NEXT: %camin = pl.col_argmin %xh : (!pl.tensor<2x64x32xf16>) -> !pl.tensor<2x1x32xi32>
// CHECK-NEXT: %re = pl.row_expand %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %rea = pl.row_expand_add %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %res = pl.row_expand_sub %x, %rmax : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %rem = pl.row_expand_mul %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %red = pl.row_expand_div %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %ce = pl.col_expand %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %cea = pl.col_expand_add %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %ces = pl.col_expand_sub %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %cem = pl.col_expand_mul %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
// CHECK-NEXT: %ced = pl.col_expand_div %xt, %cmax : (!pl.tensor<64x32xbf16>, !pl.tensor<1x32xbf16>) -> !pl.tensor<64x32xbf16>
// CHECK-NEXT: %cex = pl.col_expand_expdif %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
func.func @reductions_and_broadcasts(%x: !pl.tile<16x128xf32, vec>, %xt: !pl.tensor<64x32xbf16>, %xh: !pl.tensor<2x64x32xf16>) {
  %rsum = pl.row_sum %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
  %rmax = pl.row_max %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
  %rmin = pl.row_min %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
  %csum = pl.col_sum %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<1x128xf32, vec>
  %cmax = pl.col_max %xt : (!pl.tensor<64x32xbf16>) -> !pl.tensor<1x32xbf16>
  %ramax = pl.row_argmax %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xi32, vec>
  %ramin = pl.row_argmin %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xi32, vec>
  %camax = pl.col_argmax %x : (!pl.tile<16x128xf32, vec>) -> !pl.tile<1x128xi32, vec>
  %camin = pl.col_argmin %xh : (!pl.tensor<2x64x32xf16>) -> !pl.tensor<2x1x32xi32>
  %re = pl.row_expand %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %rea = pl.row_expand_add %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %res = pl.row_expand_sub %x, %rmax : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %rem = pl.row_expand_mul %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %red = pl.row_expand_div %x, %rsum : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %ce = pl.col_expand %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %cea = pl.col_expand_add %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %ces = pl.col_expand_sub %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %cem = pl.col_expand_mul %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  %ced = pl.col_expand_div %xt, %cmax : (!pl.tensor<64x32xbf16>, !pl.tensor<1x32xbf16>) -> !pl.tensor<64x32xbf16>
  %cex = pl.col_expand_expdif %x, %csum : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// CHECK-LABEL: func.func @matmul_and_sort(
// CHECK-NEXT: %mm = pl.matmul %ma, %mb : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
// CHECK-NEXT: %mmt = pl.matmul %mbt, %mat {a_trans = true, b_trans = true} : (!pl.tile<64x16xbf16, left>, !pl.tile<32x64xbf16, right>) -> !pl.tile<16x32xf32, acc>
// CHECK-NEXT: %mmf = pl.matmul %ma, %mb {a_trans = false} : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf16, acc>
// CHECK-NEXT: %mmi = pl.matmul %m8a, %m8b : (!pl.tensor<16x64xi8>, !pl.tensor<64x32xi8>) -> !pl.tensor<16x32xi32>
// CHECK-NEXT: %mmb = pl.matmul %b3a, %b3b : (!pl.tensor<1x16x64xbf16>, !pl.tensor<4x64x32xbf16>) -> !pl.tensor<4x16x32xf32>
// CHECK-NEXT: %mmbt = pl.matmul %b3t, %b3b {b_trans = true} : (!pl.tile<1x16x32xbf16, left>, !pl.tensor<4x64x32xbf16>) -> !pl.tile<4x16x64xf32, acc>
// CHECK-NEXT: %acc = pl.matmul_acc %mm, %ma, %mb : (!pl.tile<16x32xf32, acc>, !pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
// CHECK-NEXT: %acct = pl.matmul_acc %mm, %ma, %mat {b_trans = true} : (!pl.tile<16x32xf32, acc>, !pl.tile<16x64xbf16, left>, !pl.tile<32x64xbf16, right>) -> !pl.tile<16x32xf32, acc>
// CHECK-NEXT: %s32 = pl.sort32 %scores, %idx : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>) -> !pl.tile<8x128xf32, vec>
// CHECK-NEXT: %mrg = pl.mrgsort %s32 {block_len = 32 : i64} : !pl.tile<8x128xf32, vec>
// CHECK-NEXT: %mls = pl.mrgsort_lists %s32, %mrg, %s32 : (!pl.tile<8x128xf32, vec>, !pl.tile<8x128xf32, vec>, !pl.tile<8x128xf32, vec>) -> !pl.tile<8x384xf32, vec>
// CHECK-NEXT: %gv = pl.gather %mrg {mask_pattern = 1 : i64} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xf32, vec>
// CHECK-NEXT: %gi = pl.gather %mrg {mask_pattern = 2 : i64, output_dtype = i32} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xi32, vec>
// CHECK-NEXT: %g4 = pl.gather %mrg {mask_pattern = 6 : i64} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x32xf32, vec>
// CHECK-NEXT: %gx = pl.gather_index %scores, %idx {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>) -> !pl.tile<8x64xf32, vec>
// CHECK-NEXT: %sm = pl.scatter_mask %s32, %gv {mask_pattern = 1 : i64} : (!pl.tile<8x128xf32, vec>, !pl.tile<8x64xf32, vec>) -> !pl.tile<8x128xf32, vec>
// CHECK-NEXT: %si = pl.scatter_index %scores, %idx, %scores {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>, !pl.tile<8x64xf32, vec>) -> !pl.tile<8x64xf32, vec>
// CHECK-NEXT: pl.prefetch %pf : !pl.tensor<1x64xbf16>
func.func @matmul_and_sort(%ma: !pl.tile<16x64xbf16, left>, %mb: !pl.tile<64x32xbf16, right>, %mbt: !pl.tile<64x16xbf16, left>, %mat: !pl.tile<32x64xbf16, right>,
                           %m8a: !pl.tensor<16x64xi8>, %m8b: !pl.tensor<64x32xi8>, %b3a: !pl.tensor<1x16x64xbf16>, %b3b: !pl.tensor<4x64x32xbf16>, %b3t: !pl.tile<1x16x32xbf16, left>, %scores: !pl.tile<8x64xf32, vec>, %idx: !pl.tile<8x64xi32, vec>,
                           %pf: !pl.tensor<1x64xbf16>) {
  %mm = pl.matmul %ma, %mb : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
  %mmt = pl.matmul %mbt, %mat {a_trans = true, b_trans = true} : (!pl.tile<64x16xbf16, left>, !pl.tile<32x64xbf16, right>) -> !pl.tile<16x32xf32, acc>
  %mmf = pl.matmul %ma, %mb {a_trans = false} : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf16, acc>
  %mmi = pl.matmul %m8a, %m8b : (!pl.tensor<16x64xi8>, !pl.tensor<64x32xi8>) -> !pl.tensor<16x32xi32>
  %mmb = pl.matmul %b3a, %b3b : (!pl.tensor<1x16x64xbf16>, !pl.tensor<4x64x32xbf16>) -> !pl.tensor<4x16x32xf32>
  %mmbt = pl.matmul %b3t, %b3b {b_trans = true} : (!pl.tile<1x16x32xbf16, left>, !pl.tensor<4x64x32xbf16>) -> !pl.tile<4x16x64xf32, acc>
  %acc = pl.matmul_acc %mm, %ma, %mb : (!pl.tile<16x32xf32, acc>, !pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xf32, acc>
  %acct = pl.matmul_acc %mm, %ma, %mat {b_trans = true} : (!pl.tile<16x32xf32, acc>, !pl.tile<16x64xbf16, left>, !pl.tile<32x64xbf16, right>) -> !pl.tile<16x32xf32, acc>
  %s32 = pl.sort32 %scores, %idx : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>) -> !pl.tile<8x128xf32, vec>
  %mrg = pl.mrgsort %s32 {block_len = 32 : i64} : !pl.tile<8x128xf32, vec>
  %mls = pl.mrgsort_lists %s32, %mrg, %s32 : (!pl.tile<8x128xf32, vec>, !pl.tile<8x128xf32, vec>, !pl.tile<8x128xf32, vec>) -> !pl.tile<8x384xf32, vec>
  %gv = pl.gather %mrg {mask_pattern = 1 : i64} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xf32, vec>
  %gi = pl.gather %mrg {mask_pattern = 2 : i64, output_dtype = i32} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xi32, vec>
  %g4 = pl.gather %mrg {mask_pattern = 6 : i64} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x32xf32, vec>
  %gx = pl.gather_index %scores, %idx {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>) -> !pl.tile<8x64xf32, vec>
  %sm = pl.scatter_mask %s32, %gv {mask_pattern = 1 : i64} : (!pl.tile<8x128xf32, vec>, !pl.tile<8x64xf32, vec>) -> !pl.tile<8x128xf32, vec>
  %si = pl.scatter_index %scores, %idx, %scores {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x64xi32, vec>, !pl.tile<8x64xf32, vec>) -> !pl.tile<8x64xf32, vec>
  pl.prefetch %pf : !pl.tensor<1x64xbf16>
  func.return
}
