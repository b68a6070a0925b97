"""A ~400-line `pl` program for the frontend benchmark (test/python/frontend/bench_frontend.py).

It is shaped like a decode step around the ratio-128 compressor (projection, state scatter, pooled
softmax, RMSNorm, RoPE, Hadamard, cache writes, a small attention and an output projection), written in
both dispatch styles, so the builder sees every construct at realistic volume.  It is not a golden kernel.
"""

from ppc import pl

B = 4
S = 2
T = B * S
D = 256
HEAD_DIM = 128
NOPE = 64
ROPE = 64
HALF_ROPE = ROPE // 2
RATIO = 128
WIN = 16
MAX_SEQ = 512
N_CACHE = MAX_SEQ // RATIO
H = 4
K_CHUNK = 64
OUT_CHUNK = 64
BATCH_CHUNK = 2
ROW_CHUNK = 8
EPS = 1e-6
HC = 4
SINKHORN_ITERS = 3
IDX_DIM = 64
IDX_LEN = 64
SCALE = HEAD_DIM**-0.5


@pl.jit.inline
def rms_norm(t, w):
    sq = pl.mul(t, t)
    ms = pl.mul(pl.row_sum(sq), 1.0 / HEAD_DIM)
    inv = pl.recip(pl.sqrt(pl.add(ms, EPS)))
    normed = pl.row_expand_mul(t, inv)
    return pl.col_expand_mul(normed, w)


@pl.jit.inline
def rope_pairs(even, odd, cos, sin):
    re = pl.sub(pl.col_expand_mul(even, cos), pl.col_expand_mul(odd, sin))
    im = pl.add(pl.col_expand_mul(even, sin), pl.col_expand_mul(odd, cos))
    return re, im


@pl.jit.inline
def online_softmax_step(m, l, acc, s, v):
    m_new = pl.maximum(m, pl.row_max(s))
    p = pl.exp(pl.row_expand_sub(s, m_new))
    alpha = pl.exp(pl.sub(m, m_new))
    l_new = pl.add(pl.mul(l, alpha), pl.row_sum(p))
    acc_new = pl.matmul_acc(pl.row_expand_mul(acc, alpha), pl.cast(p, pl.BF16), v)
    return m_new, l_new, acc_new


@pl.jit.inline
def project(x, w, out, o0):
    acc = pl.matmul(x[:, 0:K_CHUNK], w[0:K_CHUNK, o0 : o0 + OUT_CHUNK])
    for k in pl.pipeline(1, D // K_CHUNK, stage=2):
        k0 = k * K_CHUNK
        acc = pl.matmul_acc(acc, x[:, k0 : k0 + K_CHUNK], w[k0 : k0 + K_CHUNK, o0 : o0 + OUT_CHUNK])
    out[:, o0 : o0 + OUT_CHUNK] = acc
    return out


@pl.jit.inline
def quantize_rows(t):
    amax = pl.maximum(pl.row_max(pl.abs(t)), 1e-4)
    scaled = pl.row_expand_mul(t, pl.mul(pl.recip(amax), 127.0))
    q = pl.cast(pl.cast(pl.cast(scaled, pl.INT32, mode="round"), pl.FP16), pl.INT8, mode="trunc")
    return q, pl.mul(amax, 1.0 / 127.0)


@pl.jit.inline
def indexer_scores(q, k, q_scale, k_scale, w):
    dots = pl.cast(pl.matmul(q, k, b_trans=True), pl.FP32)
    s = pl.row_expand_mul(dots, q_scale)
    s = pl.relu(pl.col_expand_mul(s, k_scale))
    return pl.row_expand_mul(s, w)


@pl.jit.inline
def topk_block(scores, ids):
    pairs = pl.sort32(scores, ids)
    pairs = pl.mrgsort(pairs, block_len=32)
    return pl.gather(pairs, mask_pattern=1), pl.gather(pairs, mask_pattern=2, output_dtype=pl.INT32)


@pl.jit
def decode_step(
    x: pl.Tensor[[T, D], pl.BF16],
    wkv: pl.Tensor[[D, HEAD_DIM], pl.BF16],
    wgate: pl.Tensor[[D, HEAD_DIM], pl.BF16],
    wq: pl.Tensor[[D, H * HEAD_DIM], pl.BF16],
    wo: pl.Tensor[[H * HEAD_DIM, D], pl.BF16],
    ape: pl.Tensor[[RATIO, HEAD_DIM], pl.FP32],
    norm_w: pl.Tensor[[1, HEAD_DIM], pl.FP32],
    cos: pl.Tensor[[1, HALF_ROPE], pl.FP32],
    sin: pl.Tensor[[1, HALF_ROPE], pl.FP32],
    hadamard: pl.Tensor[[HEAD_DIM, HEAD_DIM], pl.BF16],
    kv_state: pl.InOut[pl.Tensor[[B * RATIO, HEAD_DIM], pl.FP32]],
    score_state: pl.InOut[pl.Tensor[[B * RATIO, HEAD_DIM], pl.FP32]],
    kv_cache: pl.InOut[pl.Tensor[[B * N_CACHE, HEAD_DIM], pl.BF16]],
    win_cache: pl.InOut[pl.Tensor[[B * WIN, HEAD_DIM], pl.BF16]],
    kv: pl.Out[pl.Tensor[[B, HEAD_DIM], pl.FP32]],
    out: pl.Out[pl.Tensor[[T, D], pl.BF16]],
    idx_q: pl.Tensor[[T, H * IDX_DIM], pl.FP32],
    idx_cache: pl.Tensor[[B * IDX_LEN, IDX_DIM], pl.FP32],
    idx_w: pl.Tensor[[T, H], pl.FP32],
    topk_vals: pl.Out[pl.Tensor[[T, IDX_LEN], pl.FP32]],
    topk_ids: pl.Out[pl.Tensor[[T, IDX_LEN], pl.INT32]],
    start_pos: pl.Scalar[pl.INT32],
    rotate: pl.Scalar[pl.BOOL],
    use_spmd: pl.Scalar[pl.BOOL],
):
    # ---- residual mix (hc_pre-like): 4-way weights normalised by a few Sinkhorn sweeps -------------------------
    mixed = pl.create_tensor([T, D], pl.BF16)
    for r0 in pl.parallel(0, T, ROW_CHUNK):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="hc_pre"):
            xs = pl.cast(x[r0 : r0 + ROW_CHUNK, :], pl.FP32)
            weights = pl.exp(pl.mul(xs[:, 0:HC], 0.5))
            for it in pl.unroll(SINKHORN_ITERS):
                weights = pl.row_expand_div(weights, pl.row_sum(weights))
                weights = pl.col_expand_div(weights, pl.col_sum(weights))
            acc = pl.full([ROW_CHUNK, D], pl.FP32, 0.0)
            for j in pl.unroll(HC):
                wj = weights[:, j : j + 1]
                acc = pl.add(acc, pl.row_expand_mul(xs, wj))
            mixed[r0 : r0 + ROW_CHUNK, :] = pl.cast(acc, pl.BF16, mode="rint")
    x = mixed

    kvp = pl.create_tensor([T, HEAD_DIM], pl.FP32)
    sc = pl.create_tensor([T, HEAD_DIM], pl.FP32)
    q = pl.create_tensor([T, H * HEAD_DIM], pl.FP32)
    pooled = pl.create_tensor([B, HEAD_DIM], pl.FP32)
    normed = pl.create_tensor([B, HEAD_DIM], pl.BF16)
    attn = pl.create_tensor([T, H * HEAD_DIM], pl.BF16)

    # ---- projections -------------------------------------------------------------------------------
    if use_spmd:
        for ob in pl.spmd(HEAD_DIM // OUT_CHUNK, name_hint="kv_score_proj"):
            o0 = ob * OUT_CHUNK
            kvp = project(x, wkv, kvp, o0)
            sc = project(x, wgate, sc, o0)
    else:
        for o0 in pl.parallel(0, HEAD_DIM, OUT_CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_proj"):
                kvp = project(x, wkv, kvp, o0)
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="score_proj"):
                sc = project(x, wgate, sc, o0)
    for qb in pl.parallel(0, H * HEAD_DIM, OUT_CHUNK):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="q_proj"):
            q = project(x, wq, q, qb)

    # ---- state scatter ------------------------------------------------------------------------------
    pos = start_pos % RATIO
    pre = min(S, RATIO - pos)
    compress = pos + S >= RATIO
    for s in pl.range(pre):
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="score_ape_state_scatter"):
                slot = b * RATIO + pos + s
                tok = b * S + s
                kv_row = kvp[tok : tok + 1, :]
                sc_row = sc[tok : tok + 1, :]
                ape_row = ape[pos + s : pos + s + 1, :]
                kv_state[slot : slot + 1, :] = kv_row
                score_state[slot : slot + 1, :] = pl.add(sc_row, ape_row)

    # ---- softmax pooling over the slots -------------------------------------------------------------
    if compress:
        if use_spmd:
            for g in pl.spmd(B // BATCH_CHUNK, name_hint="softmax_pool"):
                for bb in pl.range(BATCH_CHUNK):
                    b = g * BATCH_CHUNK + bb
                    base = b * RATIO
                    m = score_state[base + RATIO - 1 : base + RATIO, :]
                    l = pl.full([1, HEAD_DIM], pl.FP32, 1.0)
                    acc = kv_state[base + RATIO - 1 : base + RATIO, :]
                    for r in pl.range(RATIO - 1):
                        s_r = score_state[base + r : base + r + 1, :]
                        v_r = kv_state[base + r : base + r + 1, :]
                        m_new = pl.maximum(m, s_r)
                        alpha = pl.exp(pl.sub(m, m_new))
                        p = pl.exp(pl.sub(s_r, m_new))
                        l = pl.add(pl.mul(l, alpha), p)
                        acc = pl.add(pl.mul(acc, alpha), pl.mul(p, v_r))
                        m = m_new
                    pooled[b : b + 1, :] = pl.div(acc, l)
        else:
            for b in pl.parallel(0, B, 1):
                with pl.at(level=pl.Level.CORE_GROUP, name_hint="softmax_pool"):
                    base = b * RATIO
                    m = score_state[base : base + 1, :]
                    l = pl.full([1, HEAD_DIM], pl.FP32, 1.0)
                    acc = kv_state[base : base + 1, :]
                    for r in pl.range(1, RATIO):
                        s_r = score_state[base + r : base + r + 1, :]
                        v_r = kv_state[base + r : base + r + 1, :]
                        m_new = pl.maximum(m, s_r)
                        alpha = pl.exp(pl.sub(m, m_new))
                        p = pl.exp(pl.sub(s_r, m_new))
                        l = pl.add(pl.mul(l, alpha), p)
                        acc = pl.add(pl.mul(acc, alpha), pl.mul(p, v_r))
                        m = m_new
                    pooled[b : b + 1, :] = pl.div(acc, l)

        # ---- rmsnorm + rope --------------------------------------------------------------------------
        for r0 in pl.parallel(0, B, BATCH_CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rmsnorm"):
                t = pl.cast(pl.cast(pooled[r0 : r0 + BATCH_CHUNK, :], pl.BF16), pl.FP32)
                y = rms_norm(t, norm_w[:, :])
                normed[r0 : r0 + BATCH_CHUNK, :] = pl.cast(y, pl.BF16)
        for r0 in pl.parallel(0, B, BATCH_CHUNK):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="rope"):
                yr = pl.cast(normed[r0 : r0 + BATCH_CHUNK, NOPE:HEAD_DIM], pl.FP32)
                even = yr[:, 0:HALF_ROPE]
                odd = yr[:, HALF_ROPE:ROPE]
                re, im = rope_pairs(even, odd, cos[:, :], sin[:, :])
                normed[r0 : r0 + BATCH_CHUNK, NOPE : NOPE + HALF_ROPE] = pl.cast(re, pl.BF16)
                normed[r0 : r0 + BATCH_CHUNK, NOPE + HALF_ROPE : HEAD_DIM] = pl.cast(im, pl.BF16)

        # ---- hadamard or plain write -------------------------------------------------------------------
        if rotate:
            if use_spmd:
                for g in pl.spmd(B // BATCH_CHUNK, name_hint="kv_hadamard"):
                    r0 = g * BATCH_CHUNK
                    h = pl.matmul(normed[r0 : r0 + BATCH_CHUNK, :], hadamard[:, :])
                    kv[r0 : r0 + BATCH_CHUNK, :] = h
            else:
                for r0 in pl.parallel(0, B, BATCH_CHUNK):
                    with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_hadamard"):
                        h = pl.matmul(normed[r0 : r0 + BATCH_CHUNK, :], hadamard[:, :])
                        kv[r0 : r0 + BATCH_CHUNK, :] = h
        else:
            if use_spmd:
                for g in pl.spmd(B // BATCH_CHUNK, name_hint="kv_write"):
                    r0 = g * BATCH_CHUNK
                    kv[r0 : r0 + BATCH_CHUNK, :] = pl.cast(normed[r0 : r0 + BATCH_CHUNK, :], pl.FP32)
            else:
                for r0 in pl.parallel(0, B, BATCH_CHUNK):
                    with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_write"):
                        kv[r0 : r0 + BATCH_CHUNK, :] = pl.cast(normed[r0 : r0 + BATCH_CHUNK, :], pl.FP32)

        # ---- cache write --------------------------------------------------------------------------------
        cache_slot = start_pos // RATIO
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_and_cache_write"):
                row = kv[b : b + 1, :]
                kv_cache[b * N_CACHE + cache_slot : b * N_CACHE + cache_slot + 1, :] = pl.cast(row, pl.BF16)

        # ---- next window ----------------------------------------------------------------------------------
        if pre < S:
            if use_spmd:
                for b in pl.spmd(B, name_hint="state_scatter_next"):
                    for s in pl.range(pre, S):
                        slot = b * RATIO + s - pre
                        tok = b * S + s
                        kv_state[slot : slot + 1, :] = kvp[tok : tok + 1, :]
                        score_state[slot : slot + 1, :] = pl.add(sc[tok : tok + 1, :], ape[0:1, :])
            else:
                for b in pl.parallel(0, B, 1):
                    with pl.at(level=pl.Level.CORE_GROUP, name_hint="state_scatter_next"):
                        for s in pl.range(pre, S):
                            slot = b * RATIO + s - pre
                            tok = b * S + s
                            kv_state[slot : slot + 1, :] = kvp[tok : tok + 1, :]
                            score_state[slot : slot + 1, :] = pl.add(sc[tok : tok + 1, :], ape[0:1, :])
    else:
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="kv_zero"):
                kv[b : b + 1, :] = pl.full([1, HEAD_DIM], pl.FP32, 0.0)

    # ---- window cache -----------------------------------------------------------------------------------
    for b in pl.parallel(0, B, 1):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="window_write"):
            for s in pl.range(S):
                wslot = (start_pos + s) % WIN
                tok = b * S + s
                win_cache[b * WIN + wslot : b * WIN + wslot + 1, :] = pl.cast(kvp[tok : tok + 1, :], pl.BF16)

    # ---- attention over the window and the compressed cache -------------------------------------------------
    n_comp = (start_pos + S) // RATIO
    for hb in pl.parallel(0, H, 1):
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="attention", optimizations=[pl.auto_chunk]):
                q0 = hb * HEAD_DIM
                qt = pl.cast(q[b * S : b * S + S, q0 : q0 + HEAD_DIM], pl.BF16)
                keys = win_cache[b * WIN : b * WIN + WIN, :]
                s0 = pl.mul(pl.matmul(qt, keys, b_trans=True), SCALE)
                m = pl.row_max(s0)
                p = pl.exp(pl.row_expand_sub(s0, m))
                l = pl.row_sum(p)
                acc = pl.matmul(pl.cast(p, pl.BF16), keys)
                for c in pl.range(n_comp):
                    ck = kv_cache[b * N_CACHE + c : b * N_CACHE + c + 1, :]
                    sc1 = pl.mul(pl.matmul(qt, ck, b_trans=True), SCALE)
                    m, l, acc = online_softmax_step(m, l, acc, sc1, ck)
                res = pl.row_expand_div(acc, l)
                attn[b * S : b * S + S, q0 : q0 + HEAD_DIM] = pl.cast(res, pl.BF16)

    # ---- output projection ------------------------------------------------------------------------------------
    for ob in pl.spmd(D // OUT_CHUNK, name_hint="o_proj"):
        o0 = ob * OUT_CHUNK
        acc = pl.matmul(attn[:, 0:K_CHUNK], wo[0:K_CHUNK, o0 : o0 + OUT_CHUNK])
        for k in pl.pipeline(1, H * HEAD_DIM // K_CHUNK, stage=4):
            k0 = k * K_CHUNK
            acc = pl.matmul_acc(acc, attn[:, k0 : k0 + K_CHUNK], wo[k0 : k0 + K_CHUNK, o0 : o0 + OUT_CHUNK])
        for rr in pl.unroll(T // ROW_CHUNK):
            part = acc[rr * ROW_CHUNK : (rr + 1) * ROW_CHUNK, :]
            out[rr * ROW_CHUNK : (rr + 1) * ROW_CHUNK, o0 : o0 + OUT_CHUNK] = pl.cast(part, pl.BF16, mode="rint")

    # ---- lightning-indexer-like scoring and top-k ----------------------------------------------------------------
    n_idx = (start_pos + S) // 4
    valid_len = pl.min(n_idx, IDX_LEN)
    for b in pl.parallel(0, B, 1):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="indexer_score"):
            keys = idx_cache[b * IDX_LEN : b * IDX_LEN + IDX_LEN, :]
            kq, k_scale_col = quantize_rows(keys)
            k_scale = pl.reshape(k_scale_col, [1, IDX_LEN])
            total_score = pl.full([S, IDX_LEN], pl.FP32, 0.0)
            for h in pl.range(H):
                qh = idx_q[b * S : b * S + S, h * IDX_DIM : h * IDX_DIM + IDX_DIM]
                qq, q_scale = quantize_rows(qh)
                wh = idx_w[b * S : b * S + S, h : h + 1]
                part = indexer_scores(qq, kq, q_scale, k_scale, wh)
                total_score = pl.add(total_score, part)
            masked = pl.set_validshape(total_score, S, valid_len)
            total_score = pl.fillpad(masked, pad_value=pl.PadValue.min)
            ids = pl.col_expand(pl.full([S, IDX_LEN], pl.INT32, 0), pl.arange([1, IDX_LEN], pl.INT32))
            vals, order = topk_block(total_score, ids)
            topk_vals[b * S : b * S + S, :] = vals
            topk_ids[b * S : b * S + S, :] = pl.add(order, WIN)
    if valid_len < IDX_LEN:
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="topk_pad"):
                for s in pl.range(S):
                    row = topk_ids[b * S + s : b * S + s + 1, :]
                    for j in pl.range(valid_len, IDX_LEN):
                        pl.write(topk_ids, [b * S + s, j], -1)
                    scalar = pl.read(topk_vals, [b * S + s, 0])
                    if scalar < 0.0:
                        topk_vals[b * S + s : b * S + s + 1, :] = pl.full([1, IDX_LEN], pl.FP32, 0.0)

    # ---- per-row statistics of the output, with values carried across branches -------------------------------------
    for r0 in pl.parallel(0, T, ROW_CHUNK):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="out_stats"):
            rows = pl.cast(out[r0 : r0 + ROW_CHUNK, :], pl.FP32)
            peak = pl.row_max(rows)
            mean = pl.mul(pl.row_sum(rows), 1.0 / D)
            if rotate:
                centred = pl.row_expand_sub(rows, mean)
                spread = pl.row_max(pl.abs(centred))
            else:
                centred = rows
                spread = peak
            scaled = pl.row_expand_div(centred, pl.add(spread, EPS))
            for u in pl.unroll(2):
                scaled = pl.mul(scaled, 1.0 + u)
            out[r0 : r0 + ROW_CHUNK, :] = pl.cast(scaled, pl.BF16, mode="rint")

    # ---- epilogue: per-token checks under runtime branches --------------------------------------------------
    total = 0
    for s in pl.range(S):
        if start_pos + s >= WIN:
            total = total + 1
        else:
            total = total + 2
    if total > S:
        for b in pl.parallel(0, B, 1):
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="finalize"):
                last = kv_state[b * RATIO : b * RATIO + 1, :]
                kv_state[b * RATIO : b * RATIO + 1, :] = pl.mul(last, 1.0)
    return kv_state, score_state, kv_cache, win_cache, kv, out, topk_vals, topk_ids
