"""A pypto-lib style file whose golden disagrees with the kernel (it subtracts the bias): the run must fail."""

from scale_bias import build_tensor_specs, scale_bias


def golden_minus_bias(tensors):
    tensors["y"][:] = tensors["x"] * tensors["alpha"] - tensors["bias"]


if __name__ == "__main__":
    import argparse

    from golden import run_jit

    parser = argparse.ArgumentParser()
    parser.add_argument("-p", "--platform", type=str, default="a2a3", choices=["a2a3", "a2a3sim", "a5", "a5sim"])
    args = parser.parse_args()

    result = run_jit(fn=scale_bias, specs=build_tensor_specs(), golden_fn=golden_minus_bias,
                     runtime_cfg=dict(platform=args.platform), rtol=1e-5, atol=1e-5)
    if not result.passed:
        if result.error:
            print(result.error)
        raise SystemExit(1)
