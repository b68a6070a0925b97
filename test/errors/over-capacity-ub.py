# RUN: not %python %s 2> %t.err
# RUN: filecheck %s < %t.err
# Tiles live at once in a task that need more UB than the chip has: one located line naming each tile.
import numpy as np

from ppc import pl


@pl.jit
def two_blocks(x: pl.Tensor[[512, 128], pl.FP32], y: pl.Out[pl.Tensor[[256, 128], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="two_blocks"):
        a = x[0:256, :]
        b = x[256:512, :]
        y[:, :] = pl.add(a, b)
    return y


two_blocks.compile(np.zeros((512, 128), np.float32), np.zeros((256, 128), np.float32), platform="a2a3")
# CHECK: over-capacity-ub.py:13:13: error: tiles live here need 256 KiB of UB (184 KiB on a2a3): 'a' [256, 128] f32 128 KiB at {{.*}}over-capacity-ub.py:12:13, 'b' [256, 128] f32 128 KiB at {{.*}}over-capacity-ub.py:13:13
# CHECK-NOT: Traceback
# CHECK-EMPTY:
