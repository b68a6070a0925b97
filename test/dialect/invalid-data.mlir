// Verifier rules of the data and local-variable ops (dialects/data_ops.py, local_ops.py, support.py).
// RUN: ppc-opt %s --split-input-file --verify-diagnostics

func.func @full_kind(%v: i32) {
  // expected-error@+1 {{'pl.full' value of type i32 cannot fill elements of type f32}}
  %r = pl.full %v : i32 -> !pl.tile<16x16xf32, vec>
  func.return
}

// -----

func.func @full_scalar_result(%v: f32) {
  // expected-error@+1 {{'pl.full' result must be a !pl.tensor or !pl.tile, got f32}}
  %r = pl.full %v : f32 -> f32
  func.return
}

// -----

func.func @arange_shape(%s: i32) {
  // expected-error@+1 {{'pl.arange' result must be [N] or [1, N], got [2, 64]}}
  %r = pl.arange %s : i32 -> !pl.tile<2x64xi32, vec>
  func.return
}

// -----

func.func @arange_start(%s: f32) {
  // expected-error@+1 {{'pl.arange' start must be an integer, got f32}}
  %r = pl.arange %s : f32 -> !pl.tile<1x64xf32, vec>
  func.return
}

// -----

func.func @slice_dtype(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' changes the dtype: f32 -> bf16}}
  %r = pl.slice %x[%i, %i] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xbf16, vec>
  func.return
}

// -----

func.func @slice_rank(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' result rank 1 differs from source rank 2}}
  %r = pl.slice %x[%i, %i] : !pl.tensor<64x128xf32> -> !pl.tile<128xf32, vec>
  func.return
}

// -----

func.func @slice_offset_count(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' expects 2 offsets, got 1}}
  %r = pl.slice %x[%i] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @slice_extent(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' extent 256 exceeds dimension 128 on axis 1}}
  %r = pl.slice %x[%i, %i] : !pl.tensor<64x128xf32> -> !pl.tile<16x256xf32, vec>
  func.return
}

// -----

// Constant offsets are checked against the bounds at compile time.
func.func @slice_out_of_bounds(%x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c56 = arith.constant 56 : index
  // expected-error@+1 {{'pl.slice' out of bounds on axis 0: offset 56 + size 16 > dimension 64}}
  %r = pl.slice %x[%c56, %c0] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @slice_negative_offset(%x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %cm1 = arith.constant -1 : index
  // expected-error@+1 {{'pl.slice' out of bounds on axis 1: offset -1 + size 128 > dimension 128}}
  %r = pl.slice %x[%c0, %cm1] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @slice_valid_count(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' valid shape needs 2 values, got 1}}
  %r = pl.slice %x[%i, %i] valid [%i] : !pl.tensor<64x128xf32> -> !pl.tile<16x128xf32, vec, valid ?x?>
  func.return
}

// -----

func.func @slice_source(%x: f32, %i: index) {
  // expected-error@+1 {{'pl.slice' source must be a !pl.tensor or !pl.tile, got f32}}
  %r = pl.slice %x[%i] : f32 -> !pl.tile<16xf32, vec>
  func.return
}

// -----

func.func @assemble_result(%t: !pl.tile<16x128xf32, vec>, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.assemble' result type !pl.tensor<64x64xf32> must equal the destination !pl.tensor<64x128xf32>}}
  %r = pl.assemble %t into %x[%i, %i] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x64xf32>
  func.return
}

// -----

func.func @assemble_dtype(%t: !pl.tile<16x128xbf16, vec>, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.assemble' dtype mismatch: writes bf16 into f32}}
  %r = pl.assemble %t into %x[%i, %i] : !pl.tile<16x128xbf16, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @assemble_rank(%t: !pl.tile<128xf32, vec>, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.assemble' source rank 1 differs from destination rank 2}}
  %r = pl.assemble %t into %x[%i, %i] : !pl.tile<128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @assemble_out_of_bounds(%t: !pl.tile<16x128xf32, vec>, %x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  // expected-error@+1 {{'pl.assemble' out of bounds on axis 0: offset 64 + size 16 > dimension 64}}
  %r = pl.assemble %t into %x[%c64, %c0] : !pl.tile<16x128xf32, vec> into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @assemble_destination(%t: !pl.tile<16x128xf32, vec>, %x: !pl.ref<!pl.tensor<64x128xf32>>, %i: index) {
  // expected-error@+1 {{'pl.assemble' destination must be a !pl.tensor or !pl.tile, got !pl.ref<!pl.tensor<64x128xf32>>}}
  %r = pl.assemble %t into %x[%i, %i] : !pl.tile<16x128xf32, vec> into !pl.ref<!pl.tensor<64x128xf32>> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @reshape_count(%t: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.reshape' element count changes: [16, 128] (2048) -> [16, 64] (1024)}}
  %r = pl.reshape %t : !pl.tile<16x128xf32, vec> -> !pl.tile<16x64xf32, vec>
  func.return
}

// -----

func.func @reshape_kind(%t: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.reshape' must keep the dtype and the tensor/tile kind}}
  %r = pl.reshape %t : !pl.tile<16x128xf32, vec> -> !pl.tensor<2048xf32>
  func.return
}

// -----

func.func @read_result(%x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.read' result bf16 must be the element type f32}}
  %r = pl.read %x[%i, %i] : !pl.tensor<64x128xf32> -> bf16
  func.return
}

// -----

func.func @read_out_of_bounds(%x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  // expected-error@+1 {{'pl.read' out of bounds on axis 1: offset 128 + size 1 > dimension 128}}
  %r = pl.read %x[%c0, %c128] : !pl.tensor<64x128xf32> -> f32
  func.return
}

// -----

func.func @write_value(%v: f16, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.write' value f16 must be the element type f32}}
  %r = pl.write %v into %x[%i, %i] : f16 into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @write_result(%v: f32, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.write' result type !pl.tensor<128x64xf32> must equal the destination !pl.tensor<64x128xf32>}}
  %r = pl.write %v into %x[%i, %i] : f32 into !pl.tensor<64x128xf32> -> !pl.tensor<128x64xf32>
  func.return
}

// -----

func.func @write_index_count(%v: f32, %x: !pl.tensor<64x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.write' expects 2 offsets, got 3}}
  %r = pl.write %v into %x[%i, %i, %i] : f32 into !pl.tensor<64x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

func.func @cast_needs_mode(%t: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.cast' from f32 to i32 needs a rounding mode (rint, round or trunc)}}
  %r = pl.cast %t : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xi32, vec>
  func.return
}

// -----

func.func @cast_mode_none_is_no_mode(%t: !pl.tensor<16xbf16>) {
  // expected-error@+1 {{'pl.cast' from bf16 to i8 needs a rounding mode}}
  %r = pl.cast %t {mode = #pl.cast_mode<none>} : (!pl.tensor<16xbf16>) -> !pl.tensor<16xi8>
  func.return
}

// -----

func.func @cast_shape(%t: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.cast' result type !pl.tile<8x128xf16, vec> does not match the inferred !pl.tile<16x128xf16, vec>}}
  %r = pl.cast %t : (!pl.tile<16x128xf32, vec>) -> !pl.tile<8x128xf16, vec>
  func.return
}

// -----

func.func @cast_result(%t: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.cast' result must be a !pl.tensor or !pl.tile, got f16}}
  %r = pl.cast %t : (!pl.tile<16x128xf32, vec>) -> f16
  func.return
}

// -----

func.func @concat_dtype(%a: !pl.tile<16x128xf32, vec>, %b: !pl.tile<16x128xf16, vec>) {
  // expected-error@+1 {{'pl.concat' operands differ in dtype or rank}}
  %r = pl.concat %a, %b {axis = 0 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x128xf16, vec>) -> !pl.tile<32x128xf32, vec>
  func.return
}

// -----

func.func @concat_axis(%a: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.concat' axis 2 out of range for rank 2}}
  %r = pl.concat %a, %a {axis = 2 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @concat_other_axes(%a: !pl.tile<16x128xf32, vec>, %b: !pl.tile<16x64xf32, vec>) {
  // expected-error@+1 {{'pl.concat' shapes [16, 128] and [16, 64] differ outside axis 0}}
  %r = pl.concat %a, %b {axis = 0 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x64xf32, vec>) -> !pl.tile<32x128xf32, vec>
  func.return
}

// -----

func.func @concat_result(%a: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.concat' result type !pl.tile<32x128xf32, vec> does not match the inferred !pl.tile<16x256xf32, vec>}}
  %r = pl.concat %a, %a {axis = 1 : i64} : (!pl.tile<16x128xf32, vec>, !pl.tile<16x128xf32, vec>) -> !pl.tile<32x128xf32, vec>
  func.return
}

// -----

func.func @set_validshape_keeps_shape(%t: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.set_validshape' must keep the tile shape and dtype}}
  %r = pl.set_validshape %t[%i, %i] : !pl.tile<16x128xf32, vec> -> !pl.tile<16x64xf32, vec, valid ?x?>
  func.return
}

// -----

func.func @set_validshape_count(%t: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.set_validshape' needs 2 extents, got 1}}
  %r = pl.set_validshape %t[%i] : !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec, valid ?x?>
  func.return
}

// -----

func.func @set_validshape_extent(%t: !pl.tile<16x128xf32, vec>, %i: index) {
  %c17 = arith.constant 17 : index
  // expected-error@+1 {{'pl.set_validshape' extent 17 exceeds dimension 16 on axis 0}}
  %r = pl.set_validshape %t[%c17, %i] : !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec, valid ?x?>
  func.return
}

// -----

// The operand and result kinds are checked by the op definitions (IRDL) themselves.
func.func @set_validshape_tensor(%t: !pl.tensor<16x128xf32>, %i: index) {
  // expected-error@+1 {{!pl.tensor<16x128xf32> should be of base attribute pl.tile}}
  %r = pl.set_validshape %t[%i, %i] : !pl.tensor<16x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @fillpad_result(%t: !pl.tile<16x128xf32, vec, valid 8x?>) {
  // expected-error@+1 {{'pl.fillpad' result type !pl.tile<16x128xbf16, vec> does not match the inferred !pl.tile<16x128xf32, vec>}}
  %r = pl.fillpad %t {pad = #pl.pad<zero>} : (!pl.tile<16x128xf32, vec, valid 8x?>) -> !pl.tile<16x128xbf16, vec>
  func.return
}

// -----

func.func @local_get_type(%v: !pl.tensor<16xf32>) {
  %x = pl.local.decl "x" : !pl.ref<!pl.tensor<16xf32>>
  // expected-error@+1 {{'pl.local.get' result !pl.tensor<16xbf16> must be the variable's type !pl.tensor<16xf32>}}
  %g = "pl.local.get"(%x) : (!pl.ref<!pl.tensor<16xf32>>) -> !pl.tensor<16xbf16>
  func.return
}

// -----

func.func @local_set_type(%v: !pl.tensor<16xbf16>) {
  %x = pl.local.decl "x" : !pl.ref<!pl.tensor<16xf32>>
  // expected-error@+1 {{'pl.local.set' value !pl.tensor<16xbf16> must be the variable's type !pl.tensor<16xf32>}}
  "pl.local.set"(%x, %v) : (!pl.ref<!pl.tensor<16xf32>>, !pl.tensor<16xbf16>) -> ()
  func.return
}

// -----

// Dynamic dimensions: static axes keep their exact checks, a `?` axis only rejects negative offsets.
func.func @dynamic_slice_static_axis(%x: !pl.tensor<?x128xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  // expected-error@+1 {{'pl.slice' out of bounds on axis 1: offset 8 + size 128 > dimension 128}}
  %r = pl.slice %x[%c0, %c8] : !pl.tensor<?x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @dynamic_slice_negative(%x: !pl.tensor<?x128xf32>) {
  %c0 = arith.constant 0 : index
  %cm16 = arith.constant -16 : index
  // expected-error@+1 {{'pl.slice' out of bounds on axis 0: offset -16 < 0 (dynamic dimension)}}
  %r = pl.slice %x[%cm16, %c0] : !pl.tensor<?x128xf32> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @dynamic_slice_result(%x: !pl.tensor<?x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.slice' result must be static-shaped, got !pl.tensor<?x128xf32>}}
  %r = pl.slice %x[%i, %i] : !pl.tensor<?x128xf32> -> !pl.tensor<?x128xf32>
  func.return
}

// -----

func.func @dynamic_assemble_source(%x: !pl.tensor<?x128xf32>, %y: !pl.tensor<?x128xf32>, %i: index) {
  // expected-error@+1 {{'pl.assemble' source must be static-shaped, got !pl.tensor<?x128xf32>}}
  %r = pl.assemble %x into %y[%i, %i] : !pl.tensor<?x128xf32> into !pl.tensor<?x128xf32> -> !pl.tensor<?x128xf32>
  func.return
}

// -----

func.func @dynamic_read_static_axis(%x: !pl.tensor<?x128xf32>) {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  // expected-error@+1 {{'pl.read' out of bounds on axis 1: offset 128 + size 1 > dimension 128}}
  %r = pl.read %x[%c0, %c128] : !pl.tensor<?x128xf32> -> f32
  func.return
}

// -----

func.func @dim_axis(%x: !pl.tensor<?x128xf32>) {
  // expected-error@+1 {{'pl.dim' axis 2 out of range for rank 2}}
  %r = pl.dim %x {axis = 2 : i64} : (!pl.tensor<?x128xf32>) -> index
  func.return
}

// -----

func.func @dim_scalar(%x: f32) {
  // expected-error@+1 {{'pl.dim' source must be a !pl.tensor or !pl.tile, got f32}}
  %r = pl.dim %x {axis = 0 : i64} : (f32) -> index
  func.return
}

// -----

func.func @create_tensor_sizes(%n: index) {
  // expected-error@+1 {{'pl.create_tensor' needs one size per dynamic dimension of !pl.tensor<?x?xf32> (2), got 1}}
  %r = pl.create_tensor [%n] : !pl.tensor<?x?xf32>
  func.return
}

// -----

func.func @reshape_sizes(%x: !pl.tensor<?x128xf32>, %n: index) {
  // expected-error@+1 {{'pl.reshape' needs one size per dynamic dimension of !pl.tensor<64x128xf32> (0), got 1}}
  %r = pl.reshape %x [%n] : !pl.tensor<?x128xf32> -> !pl.tensor<64x128xf32>
  func.return
}

// -----

// A tile slice with a valid shape reads only the valid extent (PyPTO's padded window), which must fit the tile.
func.func @slice_valid_wider_than_tile(%x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  // expected-error@+1 {{'pl.slice' valid extent 32 exceeds the tile dimension 16 on axis 0}}
  %r = pl.slice %x[%c0, %c0] valid [%c32, %c32] : !pl.tensor<64x128xf32> -> !pl.tile<16x256xf32, vec, valid ?x?>
  func.return
}

// -----

// The valid extent, not the tile shape, is what must lie inside the source.
func.func @slice_valid_out_of_bounds(%x: !pl.tensor<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c120 = arith.constant 120 : index
  %c16 = arith.constant 16 : index
  // expected-error@+1 {{'pl.slice' out of bounds on axis 1: offset 120 + size 16 > dimension 128}}
  %r = pl.slice %x[%c0, %c120] valid [%c8, %c16] : !pl.tensor<64x128xf32> -> !pl.tile<16x256xf32, vec, valid 8x16>
  func.return
}

// -----

func.func @transpose_axis(%x: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.transpose' axis 2 out of range for rank 2}}
  %r = pl.transpose %x {axis1 = 0 : i64, axis2 = 2 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<128x16xf32, vec>
  func.return
}

// -----

func.func @transpose_same_axis(%x: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.transpose' names axis 1 twice}}
  %r = pl.transpose %x {axis1 = 1 : i64, axis2 = 1 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @transpose_result(%x: !pl.tile<16x128xf32, vec>) {
  // expected-error@+1 {{'pl.transpose' result type !pl.tile<16x128xf32, vec> does not match the inferred !pl.tile<128x16xf32, vec>}}
  %r = pl.transpose %x {axis1 = 0 : i64, axis2 = 1 : i64} : (!pl.tile<16x128xf32, vec>) -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @create_tensor_init_type() {
  // expected-error@+1 {{'pl.create_tensor' init_value -1 : i64 does not match element type i32}}
  %r = pl.create_tensor init -1 : i64 : !pl.tensor<4xi32>
  func.return
}

// -----

func.func @assemble_atomic_into_tile(%t: !pl.tile<16x128xf32, vec>, %d: !pl.tile<64x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.assemble' atomic_add writes a tile into a GM tensor}}
  %r = pl.assemble %t into %d[%i, %i] atomic_add : !pl.tile<16x128xf32, vec> into !pl.tile<64x128xf32, vec> -> !pl.tile<64x128xf32, vec>
  func.return
}

// -----

func.func @create_tensor_init_half() {
  // expected-error@+1 {{'pl.create_tensor' init_value must be 0 for f16 (PyPTO fills 16-bit floats only with zeros), got 1.0}}
  %r = pl.create_tensor init 1.0 : f16 : !pl.tensor<4xf16>
  func.return
}

// -----

func.func @assemble_atomic_dtype(%t: !pl.tile<16x128xi64, vec>, %x: !pl.tensor<64x128xi64>, %i: index) {
  // expected-error@+1 {{'pl.assemble' atomic_add does not support i64}}
  %r = pl.assemble %t into %x[%i, %i] atomic_add : !pl.tile<16x128xi64, vec> into !pl.tensor<64x128xi64> -> !pl.tensor<64x128xi64>
  func.return
}

// -----

func.func @prefetch_not_flat(%x: !pl.tensor<4x8xf32>) {
  // expected-error@+1 {{'pl.prefetch' src must be a flat contiguous 1-D region (all dimensions but the last 1), got shape [4, 8]; reshape it to [N] or [1, ..., N]}}
  pl.prefetch %x : !pl.tensor<4x8xf32>
  func.return
}

// -----

func.func @gather_row_result(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' result type !pl.tile<16x128xf32, mat> must equal the accumulator !pl.tile<16x128xf32, vec>}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, mat>
  func.return
}

// -----

func.func @gather_row_dtype(%x: !pl.tensor<64x128xbf16>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' dtype mismatch: gathers bf16 into f32}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] {window = array<i64: 1, 128>} : !pl.tensor<64x128xbf16> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @gather_row_rank(%x: !pl.tensor<2x64x128xf32>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' moves 2-D boxes: source and accumulator must be rank 2, got !pl.tensor<2x64x128xf32> and !pl.tile<16x128xf32, vec>}}
  %r = pl.gather_row %x[%i, %i, %i] into %a[%i, %i] {window = array<i64: 1, 128>} : !pl.tensor<2x64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @gather_row_window(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' window must be two positive extents, got [0, 128]}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] {window = array<i64: 0, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @gather_row_valid_count(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' valid shape needs 2 values, got 1}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] valid [%i] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @gather_row_valid_window(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<16x128xf32, vec>, %i: index) {
  %c2 = arith.constant 2 : index
  // expected-error@+1 {{'pl.gather_row' valid extent 2 is outside the window's 1 on axis 0}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] valid [%c2, %i] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<16x128xf32, vec> -> !pl.tile<16x128xf32, vec>
  func.return
}

// -----

func.func @gather_row_transpose_valid(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<128x16xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' transpose needs a constant valid shape (as PyPTO requires)}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] valid [%i, %i] transpose {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<128x16xf32, vec> -> !pl.tile<128x16xf32, vec>
  func.return
}

// -----

func.func @gather_row_written(%x: !pl.tensor<64x128xf32>, %a: !pl.tile<128x16xf32, vec>, %i: index) {
  // expected-error@+1 {{'pl.gather_row' accumulator extent 128 exceeds dimension 16 on axis 1}}
  %r = pl.gather_row %x[%i, %i] into %a[%i, %i] {window = array<i64: 1, 128>} : !pl.tensor<64x128xf32> into !pl.tile<128x16xf32, vec> -> !pl.tile<128x16xf32, vec>
  func.return
}

// -----

// pl-ssa names the values it builds after the variable, so the name must be a valid SSA name.
func.func @local_name(%a: i32) -> i32 {
  // expected-error@+1 {{'pl.local.decl' variable name '\n' is not a valid name}}
  %x = pl.local.decl "\n" : !pl.ref<i32>
  pl.local.set %x, %a : i32
  %r = pl.local.get %x : i32
  func.return %r : i32
}
