// RUN: ppc-opt %s -p 'pl-check-capacity{platform=a2a3}' --verify-diagnostics
// A matmul result a vector op reads must fit L0C whole (PyPTO tiles only results that are just stored).
func.func @scores(%q: !pl.tensor<160x64xbf16>, %k: !pl.tensor<64x256xbf16>, %s: !pl.tensor<160x256xf32>) -> !pl.tensor<160x256xf32> attributes {pl.kind = #pl.kind<incore>} {
  %c0 = arith.constant 0 : index
  %tq = pl.slice %q[%c0, %c0] : !pl.tensor<160x64xbf16> -> !pl.tile<160x64xbf16, vec>
  %tk = pl.slice %k[%c0, %c0] : !pl.tensor<64x256xbf16> -> !pl.tile<64x256xbf16, vec>
  // expected-error@+1 {{tiles live here need 160 KiB of L0C (128 KiB on a2a3): 'm' [160, 256] f32 160 KiB at}}
  %m = pl.matmul %tq, %tk : (!pl.tile<160x64xbf16, vec>, !pl.tile<64x256xbf16, vec>) -> !pl.tile<160x256xf32, acc>
  %e = pl.exp %m : !pl.tile<160x256xf32, acc>
  %s1 = pl.assemble %e into %s[%c0, %c0] : !pl.tile<160x256xf32, acc> into !pl.tensor<160x256xf32> -> !pl.tensor<160x256xf32>
  func.return %s1 : !pl.tensor<160x256xf32>
}
