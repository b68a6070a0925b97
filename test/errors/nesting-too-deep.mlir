// Operations nested deeper than ppc supports (64, counting the module and the function): a located
// error where the limit is crossed, not a RecursionError in a verifier or pass.
// RUN: ppc-opt %s --verify-diagnostics
func.func @f(%n: index) {
  scf.for %i0 = %n to %n step %n {
  scf.for %i1 = %n to %n step %n {
  scf.for %i2 = %n to %n step %n {
  scf.for %i3 = %n to %n step %n {
  scf.for %i4 = %n to %n step %n {
  scf.for %i5 = %n to %n step %n {
  scf.for %i6 = %n to %n step %n {
  scf.for %i7 = %n to %n step %n {
  scf.for %i8 = %n to %n step %n {
  scf.for %i9 = %n to %n step %n {
  scf.for %i10 = %n to %n step %n {
  scf.for %i11 = %n to %n step %n {
  scf.for %i12 = %n to %n step %n {
  scf.for %i13 = %n to %n step %n {
  scf.for %i14 = %n to %n step %n {
  scf.for %i15 = %n to %n step %n {
  scf.for %i16 = %n to %n step %n {
  scf.for %i17 = %n to %n step %n {
  scf.for %i18 = %n to %n step %n {
  scf.for %i19 = %n to %n step %n {
  scf.for %i20 = %n to %n step %n {
  scf.for %i21 = %n to %n step %n {
  scf.for %i22 = %n to %n step %n {
  scf.for %i23 = %n to %n step %n {
  scf.for %i24 = %n to %n step %n {
  scf.for %i25 = %n to %n step %n {
  scf.for %i26 = %n to %n step %n {
  scf.for %i27 = %n to %n step %n {
  scf.for %i28 = %n to %n step %n {
  scf.for %i29 = %n to %n step %n {
  scf.for %i30 = %n to %n step %n {
  scf.for %i31 = %n to %n step %n {
  scf.for %i32 = %n to %n step %n {
  scf.for %i33 = %n to %n step %n {
  scf.for %i34 = %n to %n step %n {
  scf.for %i35 = %n to %n step %n {
  scf.for %i36 = %n to %n step %n {
  scf.for %i37 = %n to %n step %n {
  scf.for %i38 = %n to %n step %n {
  scf.for %i39 = %n to %n step %n {
  scf.for %i40 = %n to %n step %n {
  scf.for %i41 = %n to %n step %n {
  scf.for %i42 = %n to %n step %n {
  scf.for %i43 = %n to %n step %n {
  scf.for %i44 = %n to %n step %n {
  scf.for %i45 = %n to %n step %n {
  scf.for %i46 = %n to %n step %n {
  scf.for %i47 = %n to %n step %n {
  scf.for %i48 = %n to %n step %n {
  scf.for %i49 = %n to %n step %n {
  scf.for %i50 = %n to %n step %n {
  scf.for %i51 = %n to %n step %n {
  scf.for %i52 = %n to %n step %n {
  scf.for %i53 = %n to %n step %n {
  scf.for %i54 = %n to %n step %n {
  scf.for %i55 = %n to %n step %n {
  scf.for %i56 = %n to %n step %n {
  scf.for %i57 = %n to %n step %n {
  scf.for %i58 = %n to %n step %n {
  scf.for %i59 = %n to %n step %n {
  scf.for %i60 = %n to %n step %n {
  scf.for %i61 = %n to %n step %n {
  // expected-error@+1 {{operations nested more than 64 deep are not supported}}
  scf.for %i62 = %n to %n step %n {
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  }
  func.return
}
