// RUN: ppc-opt %s -p pl-lower | filecheck %s
// RUN: ppc-opt %s -p 'pl-lower{spmd=true}' | filecheck %s --check-prefix=SPMD

// A compressor-shaped program (models/deepseek_v4/compressor_r128.py, shrunk: B=4, S=2, HEAD_DIM=64, R=8) in
// the frontend's local-variable form, with an inline helper called from a task.  After pl-lower: the IR
// verifies (ppc-opt checks after every pass), each task site is one dispatch op — inside its loops, so
// kv_zero and kv_and_cache_write run 2 times, the state scatter 2 x 2 times — and the entry's directions
// are inferred: kv (fully zeroed, then one row written) out; the states (one run-time slot written) and
// the cache (declared InOut) inout; everything else in.
// CHECK-LABEL: func.func @compressor
// CHECK-SAME:    %kv_state: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %score_state: !pl.tensor<4x8x64xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %x: !pl.tensor<4x2x64xf32> {pl.dir = #pl.dir<in>}
// CHECK-SAME:    %w: !pl.tensor<64x64xf32> {pl.dir = #pl.dir<in>}
// CHECK-SAME:    %ape: !pl.tensor<8x64xf32> {pl.dir = #pl.dir<in>}
// CHECK-SAME:    %kv_cache: !pl.tensor<4x4x64xf32> {pl.dir = #pl.dir<inout>}
// CHECK-SAME:    %start_pos: index
// CHECK-SAME:    %kv: !pl.tensor<4x2x64xf32> {pl.dir = #pl.dir<out>}
// CHECK-NOT:     pl.local
// CHECK-NOT:     func.call
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-NEXT:      pl.dispatch @kv_zero({{.*}}) blocks(%c1)
// CHECK:         } {pl.loop = #pl.loop<parallel>}
// CHECK:         pl.dispatch @kv_score_proj(%x) outs(%{{.*}}) blocks(%c2)
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK-NEXT:        pl.dispatch @scatter({{.*}}) blocks(%c1)
// CHECK:         scf.if
// CHECK:           pl.dispatch @softmax_pool({{.*}}) blocks(%c2)
// CHECK:           scf.for
// CHECK-NEXT:        pl.dispatch @kv_and_cache_write({{.*}}) blocks(%c1)
// CHECK-COUNT-5: func.func @{{.*}} attributes {pl.kind = #pl.kind<incore>}
// CHECK-NOT:     pl.at
// CHECK-NOT:     pl.spmd

// With spmd=true every parallel loop of independent pl.at tasks becomes one dispatch of n blocks.
// SPMD-LABEL: func.func @compressor
// SPMD-SAME:    %kv: !pl.tensor<4x2x64xf32> {pl.dir = #pl.dir<out>}
// SPMD:         %[[N:n[_0-9]*]] = arith.constant 2 : index
// SPMD-NEXT:    pl.dispatch @kv_zero() outs(%kv) blocks(%[[N]])
// SPMD:         pl.dispatch @kv_score_proj
// SPMD:         scf.for
// SPMD:           %{{.*}} = arith.constant 2 : index
// SPMD-NEXT:      pl.dispatch @scatter(
// SPMD:         pl.dispatch @softmax_pool
// SPMD:         pl.dispatch @kv_and_cache_write
// SPMD-NOT:     pl.loop = #pl.loop<parallel>
func.func @scatter_token(%kvp: !pl.tensor<4x2x64xf32>, %kv_state_in: !pl.tensor<4x8x64xf32>, %s: index, %r: index, %o0: index) -> !pl.tensor<4x8x64xf32> attributes {pl.kind = #pl.kind<inline>} {
  %st = pl.local.decl "kv_state" : !pl.ref<!pl.tensor<4x8x64xf32>>
  pl.local.set %st, %kv_state_in : !pl.tensor<4x8x64xf32>
  %c0 = arith.constant 0 : index
  %t = pl.slice %kvp[%c0, %s, %o0] : !pl.tensor<4x2x64xf32> -> !pl.tile<4x1x32xf32, vec>
  %cur = pl.local.get %st : !pl.tensor<4x8x64xf32>
  %new = pl.assemble %t into %cur[%c0, %r, %o0] : !pl.tile<4x1x32xf32, vec> into !pl.tensor<4x8x64xf32> -> !pl.tensor<4x8x64xf32>
  pl.local.set %st, %new : !pl.tensor<4x8x64xf32>
  %out = pl.local.get %st : !pl.tensor<4x8x64xf32>
  func.return %out : !pl.tensor<4x8x64xf32>
}
func.func @compressor(%kv_state: !pl.tensor<4x8x64xf32>, %score_state: !pl.tensor<4x8x64xf32>, %x: !pl.tensor<4x2x64xf32>, %w: !pl.tensor<64x64xf32>, %ape: !pl.tensor<8x64xf32>, %kv_cache: !pl.tensor<4x4x64xf32> {pl.dir = #pl.dir<inout>}, %start_pos: index, %kv: !pl.tensor<4x2x64xf32>) -> (!pl.tensor<4x2x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x4x64xf32>) attributes {pl.kind = #pl.kind<orchestration>} {
  %v_kv = pl.local.decl "kv" : !pl.ref<!pl.tensor<4x2x64xf32>>
  pl.local.set %v_kv, %kv : !pl.tensor<4x2x64xf32>
  %v_state = pl.local.decl "kv_state" : !pl.ref<!pl.tensor<4x8x64xf32>>
  pl.local.set %v_state, %kv_state : !pl.tensor<4x8x64xf32>
  %v_score = pl.local.decl "score_state" : !pl.ref<!pl.tensor<4x8x64xf32>>
  pl.local.set %v_score, %score_state : !pl.tensor<4x8x64xf32>
  %v_cache = pl.local.decl "kv_cache" : !pl.ref<!pl.tensor<4x4x64xf32>>
  pl.local.set %v_cache, %kv_cache : !pl.tensor<4x4x64xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  // kv_zero: one task per batch pair, each zeroing its rows token by token.
  scf.for %b0 = %c0 to %c4 step %c2 {
    pl.at attributes {level = #pl.level<core_group>, name = "kv_zero"} {
      scf.for %s = %c0 to %c2 step %c1 {
        %z = pl.full %zero : f32 -> !pl.tile<2x1x64xf32, vec>
        %k0 = pl.local.get %v_kv : !pl.tensor<4x2x64xf32>
        %k1 = pl.assemble %z into %k0[%b0, %s, %c0] : !pl.tile<2x1x64xf32, vec> into !pl.tensor<4x2x64xf32> -> !pl.tensor<4x2x64xf32>
        pl.local.set %v_kv, %k1 : !pl.tensor<4x2x64xf32>
      } {pl.loop = #pl.loop<range>}
    }
  } {pl.loop = #pl.loop<parallel>}
  // kv_score_proj: scratch projections, one block per 32 columns.
  %v_kvp = pl.local.decl "kvp" : !pl.ref<!pl.tensor<4x2x64xf32>>
  %kvp0 = pl.create_tensor : !pl.tensor<4x2x64xf32>
  pl.local.set %v_kvp, %kvp0 : !pl.tensor<4x2x64xf32>
  pl.spmd (%i) in %c2 attributes {name = "kv_score_proj"} {
    %o0 = arith.muli %i, %c32 : index
    %xt = pl.slice %x[%c0, %c0, %o0] : !pl.tensor<4x2x64xf32> -> !pl.tile<4x2x32xf32, vec>
    %wt = pl.slice %w[%c0, %o0] : !pl.tensor<64x64xf32> -> !pl.tile<1x32xf32, vec>
    %wr = pl.reshape %wt : !pl.tile<1x32xf32, vec> -> !pl.tile<1x1x32xf32, vec>
    %e = pl.exp %xt : !pl.tile<4x2x32xf32, vec>
    %p0 = pl.local.get %v_kvp : !pl.tensor<4x2x64xf32>
    %p1 = pl.assemble %e into %p0[%c0, %c0, %o0] : !pl.tile<4x2x32xf32, vec> into !pl.tensor<4x2x64xf32> -> !pl.tensor<4x2x64xf32>
    pl.local.set %v_kvp, %p1 : !pl.tensor<4x2x64xf32>
  }
  // score_ape_state_scatter: each token into its slot (start_pos + s) % R, one task per column block.
  scf.for %s = %c0 to %c2 step %c1 {
    %sp = arith.addi %start_pos, %s : index
    %r = arith.remui %sp, %c8 : index
    scf.for %o0 = %c0 to %c64 step %c32 {
      pl.at attributes {level = #pl.level<core_group>, name = "scatter"} {
        %kvp = pl.local.get %v_kvp : !pl.tensor<4x2x64xf32>
        %st0 = pl.local.get %v_state : !pl.tensor<4x8x64xf32>
        %st1 = func.call @scatter_token(%kvp, %st0, %s, %r, %o0) : (!pl.tensor<4x2x64xf32>, !pl.tensor<4x8x64xf32>, index, index, index) -> !pl.tensor<4x8x64xf32>
        pl.local.set %v_state, %st1 : !pl.tensor<4x8x64xf32>
        %sc0 = pl.local.get %v_score : !pl.tensor<4x8x64xf32>
        %a = pl.slice %ape[%r, %o0] : !pl.tensor<8x64xf32> -> !pl.tile<1x32xf32, vec>
        %ar = pl.reshape %a : !pl.tile<1x32xf32, vec> -> !pl.tile<1x1x32xf32, vec>
        %sc1 = pl.assemble %ar into %sc0[%c0, %r, %o0] : !pl.tile<1x1x32xf32, vec> into !pl.tensor<4x8x64xf32> -> !pl.tensor<4x8x64xf32>
        pl.local.set %v_score, %sc1 : !pl.tensor<4x8x64xf32>
      }
    } {pl.loop = #pl.loop<parallel>}
  } {pl.loop = #pl.loop<range>}
  // The window completes: pool the states, then write kv[:, 0] and one cache row.
  %pos = arith.remui %start_pos, %c8 : index
  %end = arith.addi %pos, %c2 : index
  %complete = arith.cmpi uge, %end, %c8 : index
  scf.if %complete {
    %v_pooled = pl.local.decl "pooled" : !pl.ref<!pl.tensor<4x64xf32>>
    %pooled0 = pl.create_tensor : !pl.tensor<4x64xf32>
    pl.local.set %v_pooled, %pooled0 : !pl.tensor<4x64xf32>
    pl.spmd (%i) in %c2 attributes {name = "softmax_pool"} {
      %b0 = arith.muli %i, %c2 : index
      %st = pl.local.get %v_state : !pl.tensor<4x8x64xf32>
      %sc = pl.local.get %v_score : !pl.tensor<4x8x64xf32>
      %kv_t = pl.slice %st[%b0, %c0, %c0] : !pl.tensor<4x8x64xf32> -> !pl.tile<2x8x64xf32, vec>
      %sc_t = pl.slice %sc[%b0, %c0, %c0] : !pl.tensor<4x8x64xf32> -> !pl.tile<2x8x64xf32, vec>
      %prod = pl.mul %kv_t, %sc_t : !pl.tile<2x8x64xf32, vec>
      %flat = pl.reshape %prod : !pl.tile<2x8x64xf32, vec> -> !pl.tile<16x64xf32, vec>
      %sum = pl.col_sum %flat : (!pl.tile<16x64xf32, vec>) -> !pl.tile<1x64xf32, vec>
      %two = pl.col_expand %flat, %sum : (!pl.tile<16x64xf32, vec>, !pl.tile<1x64xf32, vec>) -> !pl.tile<16x64xf32, vec>
      %rows = pl.reshape %two : !pl.tile<16x64xf32, vec> -> !pl.tile<2x8x64xf32, vec>
      %row = pl.slice %rows[%c0, %c0, %c0] : !pl.tile<2x8x64xf32, vec> -> !pl.tile<2x1x64xf32, vec>
      %pr = pl.reshape %row : !pl.tile<2x1x64xf32, vec> -> !pl.tile<2x64xf32, vec>
      %p0 = pl.local.get %v_pooled : !pl.tensor<4x64xf32>
      %p1 = pl.assemble %pr into %p0[%b0, %c0] : !pl.tile<2x64xf32, vec> into !pl.tensor<4x64xf32> -> !pl.tensor<4x64xf32>
      pl.local.set %v_pooled, %p1 : !pl.tensor<4x64xf32>
    }
    %cache_row = arith.divui %start_pos, %c8 : index
    scf.for %b0 = %c0 to %c4 step %c2 {
      pl.at attributes {level = #pl.level<core_group>, name = "kv_and_cache_write"} {
        %pooled = pl.local.get %v_pooled : !pl.tensor<4x64xf32>
        %yb = pl.slice %pooled[%b0, %c0] : !pl.tensor<4x64xf32> -> !pl.tile<2x64xf32, vec>
        %y3 = pl.reshape %yb : !pl.tile<2x64xf32, vec> -> !pl.tile<2x1x64xf32, vec>
        %k0 = pl.local.get %v_kv : !pl.tensor<4x2x64xf32>
        %k1 = pl.assemble %y3 into %k0[%b0, %c0, %c0] : !pl.tile<2x1x64xf32, vec> into !pl.tensor<4x2x64xf32> -> !pl.tensor<4x2x64xf32>
        pl.local.set %v_kv, %k1 : !pl.tensor<4x2x64xf32>
        %q0 = pl.local.get %v_cache : !pl.tensor<4x4x64xf32>
        %q1 = pl.assemble %y3 into %q0[%b0, %cache_row, %c0] : !pl.tile<2x1x64xf32, vec> into !pl.tensor<4x4x64xf32> -> !pl.tensor<4x4x64xf32>
        pl.local.set %v_cache, %q1 : !pl.tensor<4x4x64xf32>
      }
    } {pl.loop = #pl.loop<parallel>}
  }
  %kv_r = pl.local.get %v_kv : !pl.tensor<4x2x64xf32>
  %st_r = pl.local.get %v_state : !pl.tensor<4x8x64xf32>
  %sc_r = pl.local.get %v_score : !pl.tensor<4x8x64xf32>
  %ca_r = pl.local.get %v_cache : !pl.tensor<4x4x64xf32>
  func.return %kv_r, %st_r, %sc_r, %ca_r : !pl.tensor<4x2x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x8x64xf32>, !pl.tensor<4x4x64xf32>
}
