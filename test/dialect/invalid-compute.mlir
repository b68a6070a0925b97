// Verifier rules of the compute ops (dialects/compute_ops.py): each case fails at the op's own line.
// RUN: ppc-opt %s --split-input-file --verify-diagnostics
// Also checked: the error is one located line and nothing is printed for the failing chunk.
// RUN: not ppc-opt %s --split-input-file 2>&1 >/dev/null | filecheck %s --check-prefix=LOC
// LOC: invalid-compute.mlir:9:3: error: 'pl.add' operand shapes differ: [16, 128] vs [8, 128]
// LOC-NOT: Traceback

func.func @elementwise_shapes(%a: !pl.tile<16x128xf32, vec>, %b: !pl.tile<8x128xf32, vec>) {
  %r = pl.add %a, %b : (!pl.tile<16x128xf32, vec>, !pl.tile<8x128xf32, vec>) -> !pl.tile<16x128xf32, vec> // expected-error {{'pl.add' operand shapes differ: [16, 128] vs [8, 128]}}
  func.return
}

// -----

func.func @elementwise_dtypes(%a: !pl.tensor<16xf32>, %b: !pl.tensor<16xbf16>) {
  // expected-error@+1 {{'pl.mul' operand dtypes differ: f32 vs bf16}}
  %r = pl.mul %a, %b : (!pl.tensor<16xf32>, !pl.tensor<16xbf16>) -> !pl.tensor<16xf32>
  func.return
}

// -----

func.func @elementwise_scalar_kind(%a: !pl.tile<16x16xf32, vec>, %s: i32) {
  // expected-error@+1 {{'pl.sub' scalar operand i32 does not match element type f32}}
  %r = pl.sub %a, %s : (!pl.tile<16x16xf32, vec>, i32) -> !pl.tile<16x16xf32, vec>
  func.return
}

// -----

func.func @elementwise_lhs_scalar(%s: f32, %a: !pl.tile<16x16xf32, vec>) {
  // expected-error@+1 {{'pl.div' lhs must be a !pl.tensor or !pl.tile, got f32}}
  %r = pl.div %s, %a : (f32, !pl.tile<16x16xf32, vec>) -> !pl.tile<16x16xf32, vec>
  func.return
}

// -----

func.func @elementwise_result(%a: !pl.tile<16x16xf32, vec>) {
  // expected-error@+1 {{result type !pl.tile<16x16xbf16, vec> does not match the inferred !pl.tile<16x16xf32, vec>}}
  %r = pl.maximum %a, %a : (!pl.tile<16x16xf32, vec>, !pl.tile<16x16xf32, vec>) -> !pl.tile<16x16xbf16, vec>
  func.return
}

// -----

func.func @tile_and_tensor_mix(%a: !pl.tile<16x16xf32, vec>, %b: !pl.tensor<16x16xf32>) {
  // expected-error@+1 {{result type !pl.tensor<16x16xf32> does not match the inferred !pl.tile<16x16xf32, vec>}}
  %r = pl.minimum %a, %b : (!pl.tile<16x16xf32, vec>, !pl.tensor<16x16xf32>) -> !pl.tensor<16x16xf32>
  func.return
}

// -----

func.func @float_only(%a: !pl.tile<16x16xi32, vec>) {
  // expected-error@+1 {{'pl.exp' needs a floating-point operand, got i32}}
  %r = pl.exp %a : !pl.tile<16x16xi32, vec>
  func.return
}

// -----

func.func @unary_result(%a: !pl.tile<16x16xf32, vec>) {
  // expected-error@+1 {{'pl.relu' result type !pl.tile<8x16xf32, vec> does not match the inferred !pl.tile<16x16xf32, vec>}}
  %r = pl.relu %a : (!pl.tile<16x16xf32, vec>) -> !pl.tile<8x16xf32, vec>
  func.return
}

// -----

func.func @row_sum_shape(%a: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.row_sum' result type !pl.tile<1x128xf32, vec> does not match the inferred !pl.tile<16x1xf32, vec>}}
  %r = pl.row_sum %a : (!pl.tile<16x128xf32, vec>) -> !pl.tile<1x128xf32, vec>
  func.return
}

// -----

func.func @col_max_shape(%a: !pl.tensor<16x128xf32>) {
  // expected-error@+1 {{'pl.col_max' result type !pl.tensor<16x1xf32> does not match the inferred !pl.tensor<1x128xf32>}}
  %r = pl.col_max %a : (!pl.tensor<16x128xf32>) -> !pl.tensor<16x1xf32>
  func.return
}

// -----

// PyPTO's N-D reductions: row_* keep the leading (batch) axes and reduce the last one.
func.func @reduction_batch_axes(%a: !pl.tensor<2x16x128xf32>) {
  // expected-error@+1 {{'pl.row_max' result type !pl.tensor<2x16xf32> does not match the inferred !pl.tensor<2x16x1xf32>}}
  %r = pl.row_max %a : (!pl.tensor<2x16x128xf32>) -> !pl.tensor<2x16xf32>
  func.return
}

// -----

// Index reductions give int32 indices, not the source dtype.
func.func @argmax_dtype(%a: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.row_argmax' result type !pl.tile<16x1xf32, vec> does not match the inferred !pl.tile<16x1xi32, vec>}}
  %r = pl.row_argmax %a : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x1xf32, vec>
  func.return
}

// -----

// pto-isa's A2A3 TCOLARGMIN takes f16/f32/ui16/ui32 sources only.
func.func @argmin_source_dtype(%a: !pl.tile<16x128xbf16, vec>) {
  // expected-error@+1 {{'pl.col_argmin' operand must be f16, f32, ui16 or ui32, got bf16}}
  %r = pl.col_argmin %a : (!pl.tile<16x128xbf16, vec>) -> !pl.tile<1x128xi32, vec>
  func.return
}

// -----

func.func @col_argmax_rank(%a: !pl.tensor<128xf32>) {
  // expected-error@+1 {{'pl.col_argmax' operand must be at least 2-D, got !pl.tensor<128xf32>}}
  %r = pl.col_argmax %a : (!pl.tensor<128xf32>) -> !pl.tensor<1xi32>
  func.return
}

// -----

func.func @col_reduction_rank(%a: !pl.tensor<128xf32>) {
  // expected-error@+1 {{'pl.col_max' operand must be at least 2-D, got !pl.tensor<128xf32>}}
  %r = pl.col_max %a : (!pl.tensor<128xf32>) -> !pl.tensor<1xf32>
  func.return
}

// -----

func.func @broadcast_rank(%x: !pl.tile<128xf32, vec>, %v: !pl.tile<16x1xf32, vec>) {
  // expected-error@+1 {{'pl.row_expand_mul' operands must be at least 2-D, got !pl.tile<128xf32, vec> and !pl.tile<16x1xf32, vec>}}
  %r = pl.row_expand_mul %x, %v : (!pl.tile<128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<128xf32, vec>
  func.return
}

// -----

// A broadcast operand's leading axes must be the operand's, unless both are all units.
func.func @broadcast_batch_axes(%x: !pl.tile<2x16x128xf32, vec>, %v: !pl.tile<16x1xf32, vec>) {
  // expected-error@+1 {{'pl.row_expand_mul' broadcast operand must be [2, 16, 1] for operand [2, 16, 128], got [16, 1]}}
  %r = pl.row_expand_mul %x, %v : (!pl.tile<2x16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<2x16x128xf32, vec>
  func.return
}

// -----

func.func @sort32_rank(%s: !pl.tile<2x8x64xf32, vec>, %i: !pl.tile<2x8x64xi32, vec>) {
  // expected-error@+1 {{'pl.sort32' scores must be 2-D, got !pl.tile<2x8x64xf32, vec>}}
  %r = pl.sort32 %s, %i : (!pl.tile<2x8x64xf32, vec>, !pl.tile<2x8x64xi32, vec>) -> !pl.tile<2x8x128xf32, vec>
  func.return
}

// -----

func.func @row_broadcast_shape(%x: !pl.tile<16x128xf32, vec>, %v: !pl.tile<1x128xf32, vec>) {
  // expected-error@+1 {{'pl.row_expand_sub' broadcast operand must be [16, 1] for operand [16, 128], got [1, 128]}}
  %r = pl.row_expand_sub %x, %v : (!pl.tile<16x128xf32, vec>, !pl.tile<1x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @col_broadcast_shape(%x: !pl.tile<16x128xf32, vec>, %v: !pl.tile<16x1xf32, vec>) {
  // expected-error@+1 {{'pl.col_expand_mul' broadcast operand must be [1, 128] for operand [16, 128], got [16, 1]}}
  %r = pl.col_expand_mul %x, %v : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @broadcast_dtypes(%x: !pl.tile<16x128xf32, vec>, %v: !pl.tile<16x1xf16, vec>) {
  // expected-error@+1 {{'pl.row_expand_div' operand dtypes differ: f32 vs f16}}
  %r = pl.row_expand_div %x, %v : (!pl.tile<16x128xf32, vec>, !pl.tile<16x1xf16, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @broadcast_scalar(%x: !pl.tile<16x128xf32, vec>, %s: f32) {
  // expected-error@+1 {{'pl.col_expand' broadcast operand must be a !pl.tensor or !pl.tile, got f32}}
  %r = pl.col_expand %x, %s : (!pl.tile<16x128xf32, vec>, f32) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @matmul_inner(%a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<32x16xbf16, right>) {
  // expected-error@+1 {{'pl.matmul' inner dimensions differ: 64 vs 32}}
  %r = pl.matmul %a, %b : (!pl.tile<16x64xbf16, left>, !pl.tile<32x16xbf16, right>) -> !pl.tile<16x16xf32, acc>
  func.return
}

// -----

// a_trans swaps the lhs dimensions: [64, 16]^T x [64, 32] is fine, [16, 64]^T x [16, 32] is not.
func.func @matmul_inner_transposed(%a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<64x32xbf16, right>) {
  // expected-error@+1 {{'pl.matmul' inner dimensions differ: 16 vs 64}}
  %r = pl.matmul %a, %b {a_trans = true} : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<64x32xf32, acc>
  func.return
}

// -----

func.func @matmul_operand_dtypes(%a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<64x32xf16, right>) {
  // expected-error@+1 {{'pl.matmul' operand dtypes differ: bf16 vs f16}}
  %r = pl.matmul %a, %b : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xf16, right>) -> !pl.tile<16x32xf32, acc>
  func.return
}

// -----

func.func @matmul_int8_accumulates_in_i32(%a: !pl.tensor<16x64xi8>, %b: !pl.tensor<64x32xi8>) {
  // expected-error@+1 {{'pl.matmul' of int8 operands accumulates in i32, not i8}}
  %r = pl.matmul %a, %b : (!pl.tensor<16x64xi8>, !pl.tensor<64x32xi8>) -> !pl.tensor<16x32xi8>
  func.return
}

// -----

func.func @matmul_float_result(%a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<64x32xbf16, right>) {
  // expected-error@+1 {{'pl.matmul' of float operands must produce a float result, not i32}}
  %r = pl.matmul %a, %b : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x32xi32, acc>
  func.return
}

// -----

func.func @matmul_operand_kind(%a: !pl.tensor<16x64xi32>, %b: !pl.tensor<64x32xi32>) {
  // expected-error@+1 {{'pl.matmul' operands must be float or int8, got i32}}
  %r = pl.matmul %a, %b : (!pl.tensor<16x64xi32>, !pl.tensor<64x32xi32>) -> !pl.tensor<16x32xi32>
  func.return
}

// -----

func.func @matmul_result_shape(%a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<64x32xbf16, right>) {
  // expected-error@+1 {{'pl.matmul' result type !pl.tile<32x16xf32, acc> does not match the inferred !pl.tile<16x32xf32, acc>}}
  %r = pl.matmul %a, %b : (!pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<32x16xf32, acc>
  func.return
}

// -----

func.func @matmul_rank(%a: !pl.tensor<64xbf16>, %b: !pl.tensor<64x32xbf16>) {
  // expected-error@+1 {{'pl.matmul' lhs must be at least 2-D, got !pl.tensor<64xbf16>}}
  %r = pl.matmul %a, %b : (!pl.tensor<64xbf16>, !pl.tensor<64x32xbf16>) -> !pl.tensor<1x32xf32>
  func.return
}

// -----

func.func @matmul_acc_shape(%c: !pl.tile<16x16xf32, acc>, %a: !pl.tile<16x64xbf16, left>, %b: !pl.tile<64x32xbf16, right>) {
  // expected-error@+1 {{'pl.matmul_acc' accumulator shape [16, 16] differs from the product [16, 32]}}
  %r = pl.matmul_acc %c, %a, %b : (!pl.tile<16x16xf32, acc>, !pl.tile<16x64xbf16, left>, !pl.tile<64x32xbf16, right>) -> !pl.tile<16x16xf32, acc>
  func.return
}

// -----

func.func @matmul_acc_int8(%c: !pl.tile<16x32xf32, acc>, %a: !pl.tile<16x64xi8, left>, %b: !pl.tile<64x32xi8, right>) {
  // expected-error@+1 {{'pl.matmul_acc' of int8 operands accumulates in i32, not f32}}
  %r = pl.matmul_acc %c, %a, %b : (!pl.tile<16x32xf32, acc>, !pl.tile<16x64xi8, left>, !pl.tile<64x32xi8, right>) -> !pl.tile<16x32xf32, acc>
  func.return
}

// -----

func.func @sort32_scores(%s: !pl.tile<8x64xf16, vec>, %i: !pl.tile<8x64xi32, vec>) {
  // expected-error@+1 {{'pl.sort32' scores must be f32, got f16}}
  %r = pl.sort32 %s, %i : (!pl.tile<8x64xf16, vec>, !pl.tile<8x64xi32, vec>) -> !pl.tile<8x128xf16, vec>
  func.return
}

// -----

func.func @sort32_indices(%s: !pl.tile<8x64xf32, vec>, %i: !pl.tile<8x32xi32, vec>) {
  // expected-error@+1 {{'pl.sort32' indices must be integers of the scores' shape}}
  %r = pl.sort32 %s, %i : (!pl.tile<8x64xf32, vec>, !pl.tile<8x32xi32, vec>) -> !pl.tile<8x128xf32, vec>
  func.return
}

// -----

func.func @sort32_row_length(%s: !pl.tile<8x48xf32, vec>, %i: !pl.tile<8x48xi32, vec>) {
  // expected-error@+1 {{'pl.sort32' row length 48 must be a multiple of 32}}
  %r = pl.sort32 %s, %i : (!pl.tile<8x48xf32, vec>, !pl.tile<8x48xi32, vec>) -> !pl.tile<8x96xf32, vec>
  func.return
}

// -----

func.func @mrgsort_block(%s: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.mrgsort' row length 128 must be a multiple of 4 * block_len (48)}}
  %r = pl.mrgsort %s {block_len = 48 : i64} : !pl.tile<8x128xf32, vec>
  func.return
}

// -----

func.func @mrgsort_lists_rows(%a: !pl.tile<8x128xf32, vec>, %b: !pl.tile<4x128xf32, vec>) {
  // expected-error@+1 {{'pl.mrgsort_lists' list 1 (!pl.tile<4x128xf32, vec>) does not match list 0 (!pl.tile<8x128xf32, vec>)}}
  %r = pl.mrgsort_lists %a, %b : (!pl.tile<8x128xf32, vec>, !pl.tile<4x128xf32, vec>) -> !pl.tile<8x256xf32, vec>
  func.return
}

// -----

func.func @mrgsort_lists_one(%a: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.mrgsort_lists' merges 2 to 4 lists, got 1}}
  %r = pl.mrgsort_lists %a : !pl.tile<8x128xf32, vec>
  func.return
}

// -----

func.func @mrgsort_odd_block(%s: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.mrgsort' block_len 3 must be a positive even number of words}}
  %r = pl.mrgsort %s {block_len = 3 : i64} : !pl.tile<8x128xf32, vec>
  func.return
}

// -----

func.func @mrgsort_lists_dtype(%a: !pl.tile<8x128xi32, vec>) {
  // expected-error@+1 {{'pl.mrgsort_lists' lists must be f32 (value, index) pairs, got i32}}
  %r = pl.mrgsort_lists %a, %a : (!pl.tile<8x128xi32, vec>, !pl.tile<8x128xi32, vec>) -> !pl.tile<8x256xi32, vec>
  func.return
}

// -----

func.func @mrgsort_lists_valid(%a: !pl.tile<8x128xf32, vec>, %b: !pl.tile<8x128xf32, vec, valid 8x64>) {
  // expected-error@+1 {{'pl.mrgsort_lists' list 1 must be fully valid, got !pl.tile<8x128xf32, vec, valid 8x64>}}
  %r = pl.mrgsort_lists %a, %b : (!pl.tile<8x128xf32, vec>, !pl.tile<8x128xf32, vec, valid 8x64>) -> !pl.tile<8x256xf32, vec>
  func.return
}

// -----

func.func @mrgsort_lists_odd(%a: !pl.tile<8x128xf32, vec>, %b: !pl.tile<8x3xf32, vec>) {
  // expected-error@+1 {{'pl.mrgsort_lists' list 1 has an odd row length: rows are (value, index) pairs}}
  %r = pl.mrgsort_lists %a, %b : (!pl.tile<8x128xf32, vec>, !pl.tile<8x3xf32, vec>) -> !pl.tile<8x131xf32, vec>
  func.return
}

// -----

func.func @gather_pattern(%s: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.gather' mask_pattern must be 1-7 (pl.tile.MaskPattern), got 0}}
  %r = pl.gather %s {mask_pattern = 0 : i64} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xf32, vec>
  func.return
}

// -----

func.func @gather_odd_row(%s: !pl.tile<8x126xf32, vec>) {
  // expected-error@+1 {{'pl.gather' mask_pattern 3 needs a row length divisible by 4, got 126}}
  %r = pl.gather %s {mask_pattern = 3 : i64} : (!pl.tile<8x126xf32, vec>) -> !pl.tile<8x31xf32, vec>
  func.return
}

// -----

func.func @gather_indices_are_i32(%s: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.gather' result type !pl.tile<8x64xf32, vec> does not match the inferred !pl.tile<8x64xi32, vec>}}
  %r = pl.gather %s {mask_pattern = 2 : i64, output_dtype = i32} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xf32, vec>
  func.return
}

// -----

func.func @gather_output_width(%s: !pl.tile<8x128xf32, vec>) {
  // expected-error@+1 {{'pl.gather' output_dtype i16 must have the width of f32}}
  %r = pl.gather %s {mask_pattern = 2 : i64, output_dtype = i16} : (!pl.tile<8x128xf32, vec>) -> !pl.tile<8x64xi16, vec>
  func.return
}

// -----

func.func @gather_source_dtype(%s: !pl.tile<8x128xbf16, vec>) {
  // expected-error@+1 {{'pl.gather' operand must be f16, f32, i16 or i32 (as in PyPTO), got bf16}}
  %r = pl.gather %s {mask_pattern = 1 : i64} : (!pl.tile<8x128xbf16, vec>) -> !pl.tile<8x64xbf16, vec>
  func.return
}

// -----

func.func @gather_index_dtype(%s: !pl.tile<8x64xf32, vec>, %i: !pl.tile<8x16xi16, vec>) {
  // expected-error@+1 {{'pl.gather_index' index must be i32 (or i16 with a 16-bit source), got i16}}
  %r = pl.gather_index %s, %i {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x16xi16, vec>) -> !pl.tile<8x16xf32, vec>
  func.return
}

// -----

func.func @gather_index_extent(%s: !pl.tile<8x64xf32, vec>, %i: !pl.tile<16x4xi32, vec>) {
  // expected-error@+1 {{'pl.gather_index' index extent 16 exceeds the source's 8 on axis 0}}
  %r = pl.gather_index %s, %i {dim = 1 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<16x4xi32, vec>) -> !pl.tile<16x4xf32, vec>
  func.return
}

// -----

func.func @gather_index_dim(%s: !pl.tile<8x64xf32, vec>, %i: !pl.tile<8x4xi32, vec>) {
  // expected-error@+1 {{'pl.gather_index' dim must be in [0, 2), got 2}}
  %r = pl.gather_index %s, %i {dim = 2 : i64} : (!pl.tile<8x64xf32, vec>, !pl.tile<8x4xi32, vec>) -> !pl.tile<8x4xf32, vec>
  func.return
}

// -----

func.func @matmul_batch_broadcast(%a: !pl.tensor<2x16x64xbf16>, %b: !pl.tensor<3x64x32xbf16>) {
  // expected-error@+1 {{'pl.matmul' batch dimensions [2] and [3] do not broadcast}}
  %r = pl.matmul %a, %b : (!pl.tensor<2x16x64xbf16>, !pl.tensor<3x64x32xbf16>) -> !pl.tensor<2x16x32xf32>
  func.return
}

// -----

func.func @col_expand_expdif_int(%x: !pl.tile<16x128xi32, vec>, %v: !pl.tile<1x128xi32, vec>) {
  // expected-error@+1 {{'pl.col_expand_expdif' needs floating-point operands, got i32}}
  %r = pl.col_expand_expdif %x, %v : (!pl.tile<16x128xi32, vec>, !pl.tile<1x128xi32, vec>) -> !pl.tile<16x128xi32, vec>
  func.return
}

// -----

func.func @rsqrt_int(%x: !pl.tile<16x128xi32, vec>) {
  // expected-error@+1 {{'pl.rsqrt' needs a floating-point operand, got i32}}
  %r = pl.rsqrt %x : !pl.tile<16x128xi32, vec>
  func.return
}

// -----

func.func @gather_index_rank(%s: !pl.tile<64xf32, vec>, %i: !pl.tile<8xi32, vec>) {
  // expected-error@+1 {{'pl.gather_index' source and index must have one rank >= 2, got !pl.tile<64xf32, vec> and !pl.tile<8xi32, vec>}}
  %r = pl.gather_index %s, %i {dim = 0 : i64} : (!pl.tile<64xf32, vec>, !pl.tile<8xi32, vec>) -> !pl.tile<8xf32, vec>
  func.return
}

// -----

func.func @scatter_mask_dtype(%d: !pl.tile<4x8xui8, vec>, %s: !pl.tile<4x4xui8, vec>) {
  // expected-error@+1 {{'pl.scatter_mask' dst must be i8, i16, i32, f16, f32 or bf16 (as in PyPTO), got ui8}}
  %r = pl.scatter_mask %d, %s {mask_pattern = 1 : i64} : (!pl.tile<4x8xui8, vec>, !pl.tile<4x4xui8, vec>) -> !pl.tile<4x8xui8, vec>
  func.return
}

// -----

func.func @scatter_mask_dtypes_differ(%d: !pl.tile<4x8xf32, vec>, %s: !pl.tile<4x4xbf16, vec>) {
  // expected-error@+1 {{'pl.scatter_mask' source and dst dtypes differ: bf16 vs f32}}
  %r = pl.scatter_mask %d, %s {mask_pattern = 1 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x4xbf16, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_mask_pattern(%d: !pl.tile<4x8xf32, vec>, %s: !pl.tile<4x4xf32, vec>) {
  // expected-error@+1 {{'pl.scatter_mask' mask_pattern must be 1-7 (pl.tile.MaskPattern), got 8}}
  %r = pl.scatter_mask %d, %s {mask_pattern = 8 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x4xf32, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_mask_shape(%d: !pl.tile<4x8xf32, vec>, %s: !pl.tile<4x4xf32, vec>) {
  // expected-error@+1 {{'pl.scatter_mask' mask_pattern 3 needs dst of shape [4, 16] for a source of shape [4, 4], got [4, 8]}}
  %r = pl.scatter_mask %d, %s {mask_pattern = 3 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x4xf32, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_index_dtypes_differ(%d: !pl.tile<4x8xf32, vec>, %i: !pl.tile<4x4xi32, vec>, %s: !pl.tile<4x4xf16, vec>) {
  // expected-error@+1 {{'pl.scatter_index' src and input dtypes differ: f16 vs f32}}
  %r = pl.scatter_index %d, %i, %s {dim = 1 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x4xi32, vec>, !pl.tile<4x4xf16, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_index_index_dtype(%d: !pl.tile<4x8xbf16, vec>, %i: !pl.tile<4x4xi32, vec>, %s: !pl.tile<4x4xbf16, vec>) {
  // expected-error@+1 {{'pl.scatter_index' index must be i16 for a bf16 input, got i32}}
  %r = pl.scatter_index %d, %i, %s {dim = 1 : i64} : (!pl.tile<4x8xbf16, vec>, !pl.tile<4x4xi32, vec>, !pl.tile<4x4xbf16, vec>) -> !pl.tile<4x8xbf16, vec>
  func.return
}

// -----

func.func @scatter_index_index_shape(%d: !pl.tile<4x8xf32, vec>, %i: !pl.tile<4x2xi32, vec>, %s: !pl.tile<4x4xf32, vec>) {
  // expected-error@+1 {{'pl.scatter_index' index must have src's shape [4, 4], got [4, 2]}}
  %r = pl.scatter_index %d, %i, %s {dim = 1 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x2xi32, vec>, !pl.tile<4x4xf32, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_index_dim(%d: !pl.tile<4x8xf32, vec>, %i: !pl.tile<4x4xi32, vec>, %s: !pl.tile<4x4xf32, vec>) {
  // expected-error@+1 {{'pl.scatter_index' scatters along the last axis only (dim 1), as PyPTO}}
  %r = pl.scatter_index %d, %i, %s {dim = 0 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<4x4xi32, vec>, !pl.tile<4x4xf32, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}

// -----

func.func @scatter_index_extent(%d: !pl.tile<4x8xf32, vec>, %i: !pl.tile<8x4xi32, vec>, %s: !pl.tile<8x4xf32, vec>) {
  // expected-error@+1 {{'pl.scatter_index' src [8, 4] exceeds the input [4, 8]}}
  %r = pl.scatter_index %d, %i, %s {dim = 1 : i64} : (!pl.tile<4x8xf32, vec>, !pl.tile<8x4xi32, vec>, !pl.tile<8x4xf32, vec>) -> !pl.tile<4x8xf32, vec>
  func.return
}
