#include "cdnnl.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <pthread.h>

extern int omp_get_max_threads(void);
extern void omp_set_num_threads(int);

/* oneDNN sizes its work (at creation) and its parallel regions (at execution) by
   omp_get_max_threads() of the calling thread: a small op runs on `threads` of them. */
static int limit_threads(int threads) {
    int saved = omp_get_max_threads();
    if (threads > 0 && threads < saved) omp_set_num_threads(threads);
    return saved;
}

/* One engine and one stream for the process; LayerLab runs one op at a time. */
static dnnl_engine_t engine;
static dnnl_stream_t stream;

/* A primitive and the scratchpad it owns. Every primitive is made with a user
   scratchpad (dnnl_scratchpad_mode_user): oneDNN's default, the library's, is for many
   kernels a thread_local buffer sized on the thread that made the primitive and read on
   the thread that runs it — LayerLab makes and runs primitives on whatever thread asks
   (one at a time), and a primitive run on another thread than its maker's read a
   missing or too small buffer (a backward-weights reduction wrote through NULL). */
typedef struct {
    dnnl_primitive_t p;
    dnnl_memory_desc_t scratch_md;
    void *scratch;      /* NULL when the kernel needs none */
} runnable;

struct ll_dnnl_op {
    ll_dnnl_kind kind;
    int threads;        /* 0: all of OpenMP's */
    int has_bias;
    dnnl_primitive_desc_t pd;
    runnable primitive;
    /* Convolutions: the caller's weight layout, the primitive's, and the reorder between. */
    dnnl_memory_desc_t user_weights_md, weights_md, bias_md, src_md, dst_md;
    runnable reorder;
    void *weights;      /* the reordered weights (NULL until loaded) */
    dnnl_memory_t memories[5];  /* src, dst, weights, bias, scratchpad: made once, pointed at each run's data */
    size_t weights_size;
};

static int fail(char *error, size_t size, const char *what, dnnl_status_t status) {
    if (error && size) snprintf(error, size, "oneDNN: %s failed (status %d)", what, (int)status);
    return -1;
}

#define CHECK(call, what)                                              \
    do {                                                               \
        dnnl_status_t s_ = (call);                                     \
        if (s_ != dnnl_success) { fail(error, error_size, what, s_); goto failed; } \
    } while (0)

static int ensure_engine(char *error, size_t error_size) {
    if (engine) return 0;
    dnnl_status_t s = dnnl_engine_create(&engine, dnnl_cpu, 0);
    if (s != dnnl_success) return fail(error, error_size, "creating the CPU engine", s);
    s = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    if (s != dnnl_success) return fail(error, error_size, "creating a stream", s);
    return 0;
}

/* OpenMP makes its worker threads at the first parallel region, and they inherit the
   caller's signal mask: with SIGINT blocked until then, Ctrl-C is never handled on one
   of them (they may be inside malloc), only on LayerLab's own threads. */
static int workers_made;

static void shield(sigset_t *saved) {
    if (workers_made) return;
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    pthread_sigmask(SIG_BLOCK, &blocked, saved);
}

static void unshield(const sigset_t *saved, int parallel) {
    if (workers_made) return;
    pthread_sigmask(SIG_SETMASK, saved, NULL);
    if (parallel) workers_made = 1;
}

static dnnl_status_t layout_md(dnnl_memory_desc_t *md, const ll_dnnl_layout *l) {
    return dnnl_memory_desc_init_by_strides(md, l->ndims, l->dims, dnnl_f32, l->strides);
}

typedef union {
    dnnl_convolution_desc_t conv;
    dnnl_deconvolution_desc_t deconv;
    dnnl_inner_product_desc_t ip;
    dnnl_pooling_v2_desc_t pool;
} op_desc;

/* The forward pass for inference (what ll_dnnl_create makes) or as the hint of the
   backward passes (training), and the two backward passes. */
typedef enum { INFERENCE, FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS } pass;

static dnnl_status_t describe(op_desc *u, const ll_dnnl_desc *d, pass which, const dnnl_memory_desc_t *src,
                              const dnnl_memory_desc_t *weights, const dnnl_memory_desc_t *bias,
                              const dnnl_memory_desc_t *dst) {
    dnnl_dims_t strides, dilation, kernel, pad_l, pad_r, no_dilation = {0, 0, 0};
    for (int i = 0; i < d->spatial; i++) {
        strides[i] = d->strides[i];
        dilation[i] = d->dilation[i] - 1;   /* oneDNN counts the cells between taps */
        kernel[i] = d->kernel[i];
        pad_l[i] = d->pad_before[i];
        pad_r[i] = d->pad_after[i];
    }
    switch (d->kind) {
    case LL_DNNL_MAX_POOL:
    case LL_DNNL_AVG_POOL: {
        /* Training: max pooling's forward keeps where each maximum was (its workspace),
           which the backward pass scatters ∂dst to. Pooling has no weights' gradient. */
        dnnl_alg_kind_t alg = d->kind == LL_DNNL_MAX_POOL ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
        if (which == BACKWARD_WEIGHTS) return dnnl_unimplemented;
        if (which == BACKWARD_DATA)
            return dnnl_pooling_v2_backward_desc_init(&u->pool, alg, src, dst, strides, kernel, no_dilation, pad_l, pad_r);
        return dnnl_pooling_v2_forward_desc_init(&u->pool, which == FORWARD ? dnnl_forward_training : dnnl_forward_inference,
                                                 alg, src, dst, strides, kernel, no_dilation, pad_l, pad_r);
    }
    case LL_DNNL_CONVOLUTION:
        if (which <= FORWARD)
            return dnnl_dilated_convolution_forward_desc_init(&u->conv, which == FORWARD ? dnnl_forward_training : dnnl_forward_inference, dnnl_convolution_direct,
                                                              src, weights, bias, dst, strides, dilation, pad_l, pad_r);
        if (which == BACKWARD_DATA)
            return dnnl_dilated_convolution_backward_data_desc_init(&u->conv, dnnl_convolution_direct, src, weights, dst,
                                                                    strides, dilation, pad_l, pad_r);
        return dnnl_dilated_convolution_backward_weights_desc_init(&u->conv, dnnl_convolution_direct, src, weights, bias,
                                                                   dst, strides, dilation, pad_l, pad_r);
    case LL_DNNL_DECONVOLUTION:
        if (which <= FORWARD)
            return dnnl_dilated_deconvolution_forward_desc_init(&u->deconv, which == FORWARD ? dnnl_forward_training : dnnl_forward_inference, dnnl_deconvolution_direct,
                                                                src, weights, bias, dst, strides, dilation, pad_l, pad_r);
        if (which == BACKWARD_DATA)
            return dnnl_dilated_deconvolution_backward_data_desc_init(&u->deconv, dnnl_deconvolution_direct, src, weights,
                                                                      dst, strides, dilation, pad_l, pad_r);
        return dnnl_dilated_deconvolution_backward_weights_desc_init(&u->deconv, dnnl_deconvolution_direct, src, weights,
                                                                     bias, dst, strides, dilation, pad_l, pad_r);
    case LL_DNNL_INNER_PRODUCT:
        if (which <= FORWARD)
            return dnnl_inner_product_forward_desc_init(&u->ip, which == FORWARD ? dnnl_forward_training : dnnl_forward_inference,
                                                        src, weights, bias, dst);
        if (which == BACKWARD_DATA) return dnnl_inner_product_backward_data_desc_init(&u->ip, src, weights, dst);
        return dnnl_inner_product_backward_weights_desc_init(&u->ip, src, weights, bias, dst);
    default:
        return dnnl_unimplemented;
    }
}

static void *aligned(size_t size) { return aligned_alloc(64, (size + 63) / 64 * 64); }

/* Attributes asking for a user scratchpad (see `runnable`); NULL on failure. */
static dnnl_primitive_attr_t user_scratchpad(void) {
    dnnl_primitive_attr_t attr = NULL;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
    if (dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) != dnnl_success) {
        dnnl_primitive_attr_destroy(attr);
        return NULL;
    }
    return attr;
}

/* The primitive of `pd` (made with a user scratchpad) and its own scratchpad. */
static dnnl_status_t make_runnable(runnable *r, const_dnnl_primitive_desc_t pd) {
    r->scratch_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t size = dnnl_memory_desc_get_size(&r->scratch_md);
    if (size && !(r->scratch = aligned(size))) return dnnl_out_of_memory;
    return dnnl_primitive_create(&r->p, pd);
}

static void free_runnable(runnable *r) {
    if (r->p) dnnl_primitive_destroy(r->p);
    free(r->scratch);
    r->p = NULL;
    r->scratch = NULL;
}

/* A reorder between two layouts, or none (r->p NULL) when they are the same. */
static dnnl_status_t reorder_between(runnable *r, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
    if (dnnl_memory_desc_equal(from, to)) return dnnl_success;
    dnnl_primitive_attr_t attr = user_scratchpad();
    if (!attr) return dnnl_out_of_memory;
    dnnl_primitive_desc_t pd;
    dnnl_status_t s = dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, attr);
    dnnl_primitive_attr_destroy(attr);
    if (s != dnnl_success) return s;
    s = make_runnable(r, pd);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

ll_dnnl_op *ll_dnnl_create(const ll_dnnl_desc *d, char *error, size_t error_size) {
    if (ensure_engine(error, error_size)) return NULL;
    ll_dnnl_op *op = calloc(1, sizeof *op);
    if (!op) { fail(error, error_size, "allocating", dnnl_out_of_memory); return NULL; }
    int saved_threads = limit_threads(d->threads);
    op->threads = d->threads;
    op->kind = d->kind;
    op->has_bias = d->has_bias;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    CHECK(layout_md(&op->src_md, &d->src), "describing the input");
    CHECK(layout_md(&op->dst_md, &d->dst), "describing the output");
    CHECK(dnnl_primitive_attr_create(&attr), "creating attributes");
    CHECK(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "asking for a user scratchpad");
    if (d->relu) {
        CHECK(dnnl_post_ops_create(&post_ops), "creating post-ops");
        CHECK(dnnl_post_ops_append_eltwise(post_ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f), "adding relu");
        CHECK(dnnl_primitive_attr_set_post_ops(attr, post_ops), "setting post-ops");
    }
    int weighted = d->kind != LL_DNNL_MAX_POOL && d->kind != LL_DNNL_AVG_POOL;
    dnnl_memory_desc_t any_weights;
    const dnnl_memory_desc_t *bias = NULL;
    if (weighted) {
        CHECK(layout_md(&op->user_weights_md, &d->weights), "describing the kernel");
        CHECK(dnnl_memory_desc_init_by_tag(&any_weights, d->weights.ndims, d->weights.dims, dnnl_f32, dnnl_format_tag_any),
              "describing the kernel's layout");
        dnnl_dims_t bias_dims = {d->dst.dims[1]};
        if (d->has_bias) CHECK(dnnl_memory_desc_init_by_tag(&op->bias_md, 1, bias_dims, dnnl_f32, dnnl_a), "describing the bias");
        bias = d->has_bias ? &op->bias_md : NULL;
    }
    op_desc u;
    CHECK(describe(&u, d, INFERENCE, &op->src_md, weighted ? &any_weights : NULL, bias, &op->dst_md), "describing the operation");
    CHECK(dnnl_primitive_desc_create(&op->pd, &u, attr, engine, NULL), "choosing a kernel");
    if (weighted) {
        op->weights_md = *dnnl_primitive_desc_query_md(op->pd, dnnl_query_weights_md, 0);
        op->weights_size = dnnl_memory_desc_get_size(&op->weights_md);
        CHECK(reorder_between(&op->reorder, &op->user_weights_md, &op->weights_md), "planning the kernel's reorder");
    }
    CHECK(make_runnable(&op->primitive, op->pd), "creating the primitive");
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    dnnl_primitive_attr_destroy(attr);
    omp_set_num_threads(saved_threads);
    return op;
failed:
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
    ll_dnnl_destroy(op);
    omp_set_num_threads(saved_threads);
    return NULL;
}

void ll_dnnl_destroy(ll_dnnl_op *op) {
    if (!op) return;
    for (int i = 0; i < 5; i++) if (op->memories[i]) dnnl_memory_destroy(op->memories[i]);
    free_runnable(&op->reorder);
    free_runnable(&op->primitive);
    if (op->pd) dnnl_primitive_desc_destroy(op->pd);
    free(op->weights);
    free(op);
}

/* A memory object over the caller's buffer (no copy). */
static dnnl_status_t wrap(dnnl_memory_t *m, const dnnl_memory_desc_t *md, const void *data) {
    return dnnl_memory_create(m, md, engine, (void *)data);
}

static int execute(const runnable *r, int n, const int *roles, const dnnl_memory_desc_t *const *mds, void *const *data,
                   int threads, char *error, size_t error_size);

int ll_dnnl_load_weights(ll_dnnl_op *op, const float *weights, char *error, size_t error_size) {
    if (!op->weights_size) return 0;
    if (!op->weights) {
        /* 64-byte aligned: the JIT kernels load whole vectors. */
        size_t rounded = (op->weights_size + 63) / 64 * 64;
        op->weights = aligned_alloc(64, rounded);
        if (!op->weights) return fail(error, error_size, "allocating the kernel", dnnl_out_of_memory);
    }
    if (!op->reorder.p) {
        memcpy(op->weights, weights, op->weights_size);
        return 0;
    }
    const int roles[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
    const dnnl_memory_desc_t *mds[2] = {&op->user_weights_md, &op->weights_md};
    void *data[2] = {(void *)weights, op->weights};
    return execute(&op->reorder, 2, roles, mds, data, op->threads, error, error_size);
}

int ll_dnnl_run(ll_dnnl_op *op, const float *src, const float *bias, float *dst, char *error, size_t error_size) {
    int n = 0;
    int weighted = op->kind != LL_DNNL_MAX_POOL && op->kind != LL_DNNL_AVG_POOL;
    if (weighted && !op->weights) return fail(error, error_size, "running before the kernel was loaded", dnnl_invalid_arguments);
    /* The memory objects are made on the first run and then only pointed at new data. */
    if (!op->memories[0]) {
        CHECK(wrap(&op->memories[0], &op->src_md, NULL), "wrapping the input");
        CHECK(wrap(&op->memories[1], &op->dst_md, NULL), "wrapping the output");
        if (weighted) CHECK(wrap(&op->memories[2], &op->weights_md, op->weights), "wrapping the kernel");
        if (weighted && op->has_bias) CHECK(wrap(&op->memories[3], &op->bias_md, NULL), "wrapping the bias");
        if (op->primitive.scratch) CHECK(wrap(&op->memories[4], &op->primitive.scratch_md, op->primitive.scratch), "wrapping the scratchpad");
    }
    const void *data[5] = {src, dst, op->weights, bias, op->primitive.scratch};
    const int roles[5] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_SCRATCHPAD};
    dnnl_exec_arg_t args[5];
    for (int i = 0; i < 5; i++) {
        if (!op->memories[i]) continue;
        CHECK(dnnl_memory_set_data_handle(op->memories[i], (void *)data[i]), "pointing at the data");
        args[n++] = (dnnl_exec_arg_t){roles[i], op->memories[i]};
    }
    sigset_t saved_mask;
    shield(&saved_mask);
    int saved_threads = limit_threads(op->threads);
    dnnl_status_t status = dnnl_primitive_execute(op->primitive.p, stream, n, args);
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    omp_set_num_threads(saved_threads);
    unshield(&saved_mask, op->threads != 1);
    CHECK(status, "running the primitive");
    return 0;
failed:
    return -1;
}

const char *ll_dnnl_implementation(const ll_dnnl_op *op) {
    const char *name = NULL;
    if (dnnl_primitive_desc_query(op->pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || !name) return "unknown";
    return name;
}

size_t ll_dnnl_bytes(const ll_dnnl_op *op) {
    return op->weights_size + dnnl_memory_desc_get_size(&op->primitive.scratch_md) + dnnl_memory_desc_get_size(&op->reorder.scratch_md);
}

const char *ll_dnnl_isa(void) {
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "SSE4.1";
    case dnnl_cpu_isa_avx: return "AVX";
    case dnnl_cpu_isa_avx2: return "AVX2";
    case dnnl_cpu_isa_avx2_vnni: return "AVX2 VNNI";
    case dnnl_cpu_isa_avx512_core: return "AVX-512";
    case dnnl_cpu_isa_avx512_core_vnni: return "AVX-512 VNNI";
    case dnnl_cpu_isa_avx512_core_bf16: return "AVX-512 BF16";
    case dnnl_cpu_isa_avx512_core_amx: return "AVX-512 AMX";
    default: return "generic";
    }
}

int ll_dnnl_threads(void) { return omp_get_max_threads(); }

/* ---- Gradients: backward data and backward weights ------------------------------ */

struct ll_dnnl_grad {
    ll_dnnl_kind kind;
    int has_bias;
    int threads;        /* as for the op: the kernels are sized for this many at creation */
    /* Pooling: the forward-training primitive (max: it fills the workspace) and the
       workspace's layout; data_pd/data is the pooling's backward primitive. */
    runnable forward;
    dnnl_memory_desc_t workspace_md;
    dnnl_memory_desc_t src_md, dst_md, user_weights_md, bias_md;
    dnnl_memory_desc_t data_weights_md;   /* the kernel's layout for backward data */
    dnnl_memory_desc_t diff_weights_md;   /* the kernel gradient's layout from backward weights */
    dnnl_primitive_desc_t hint, data_pd, weights_pd;
    runnable data, weights;
    runnable to_data_layout, to_user_layout;   /* no primitive where the layouts agree */
    void *data_weights, *diff_weights;                 /* buffers in those layouts */
};

/* Pooling's gradient: the forward pass for training (the hint; for max, a primitive of
   its own, run again at each backward call to fill the workspace) and the backward pass,
   with ∂src and ∂dst in the same strided channels-last layouts as src and dst. */
static ll_dnnl_grad *pool_grad_create(const ll_dnnl_desc *d, char *error, size_t error_size) {
    ll_dnnl_grad *g = calloc(1, sizeof *g);
    if (!g) { fail(error, error_size, "allocating", dnnl_out_of_memory); return NULL; }
    int saved_threads = limit_threads(d->threads);
    g->kind = d->kind;
    g->threads = d->threads;
    op_desc u;
    dnnl_primitive_attr_t attr = user_scratchpad();
    if (!attr) { fail(error, error_size, "creating attributes", dnnl_out_of_memory); goto failed; }
    CHECK(layout_md(&g->src_md, &d->src), "describing the input");
    CHECK(layout_md(&g->dst_md, &d->dst), "describing the output");
    CHECK(describe(&u, d, FORWARD, &g->src_md, NULL, NULL, &g->dst_md), "describing the forward pass");
    CHECK(dnnl_primitive_desc_create(&g->hint, &u, attr, engine, NULL), "choosing a forward kernel");
    CHECK(describe(&u, d, BACKWARD_DATA, &g->src_md, NULL, NULL, &g->dst_md), "describing the input's gradient");
    CHECK(dnnl_primitive_desc_create(&g->data_pd, &u, attr, engine, g->hint), "choosing a backward kernel");
    CHECK(make_runnable(&g->data, g->data_pd), "creating the backward primitive");
    if (d->kind == LL_DNNL_MAX_POOL) {
        g->workspace_md = *dnnl_primitive_desc_query_md(g->hint, dnnl_query_workspace_md, 0);
        CHECK(make_runnable(&g->forward, g->hint), "creating the forward-training primitive");
    }
    dnnl_primitive_attr_destroy(attr);
    omp_set_num_threads(saved_threads);
    return g;
failed:
    if (attr) dnnl_primitive_attr_destroy(attr);
    ll_dnnl_grad_destroy(g);
    omp_set_num_threads(saved_threads);
    return NULL;
}

ll_dnnl_grad *ll_dnnl_grad_create(const ll_dnnl_desc *d, char *error, size_t error_size) {
    if (ensure_engine(error, error_size)) return NULL;
    if (d->kind == LL_DNNL_MAX_POOL || d->kind == LL_DNNL_AVG_POOL) return pool_grad_create(d, error, error_size);
    ll_dnnl_grad *g = calloc(1, sizeof *g);
    if (!g) { fail(error, error_size, "allocating", dnnl_out_of_memory); return NULL; }
    int saved_threads = limit_threads(d->threads);
    g->kind = d->kind;
    g->has_bias = d->has_bias;
    g->threads = d->threads;
    op_desc u;
    dnnl_memory_desc_t any_weights;
    dnnl_primitive_attr_t attr = user_scratchpad();
    if (!attr) { fail(error, error_size, "creating attributes", dnnl_out_of_memory); goto failed; }
    CHECK(layout_md(&g->src_md, &d->src), "describing the input");
    CHECK(layout_md(&g->dst_md, &d->dst), "describing the output");
    CHECK(layout_md(&g->user_weights_md, &d->weights), "describing the kernel");
    /* `any`: given the caller's plain layout, oneDNN would fall back to a slow reference kernel. */
    CHECK(dnnl_memory_desc_init_by_tag(&any_weights, d->weights.ndims, d->weights.dims, dnnl_f32, dnnl_format_tag_any),
          "describing the kernel's layout");
    dnnl_dims_t bias_dims = {d->dst.dims[1]};
    if (d->has_bias) CHECK(dnnl_memory_desc_init_by_tag(&g->bias_md, 1, bias_dims, dnnl_f32, dnnl_a), "describing the bias");
    const dnnl_memory_desc_t *bias = d->has_bias ? &g->bias_md : NULL;
    CHECK(describe(&u, d, FORWARD, &g->src_md, &any_weights, bias, &g->dst_md), "describing the forward pass");
    CHECK(dnnl_primitive_desc_create(&g->hint, &u, attr, engine, NULL), "choosing a forward kernel");
    CHECK(describe(&u, d, BACKWARD_DATA, &g->src_md, &any_weights, NULL, &g->dst_md), "describing the input's gradient");
    CHECK(dnnl_primitive_desc_create(&g->data_pd, &u, attr, engine, g->hint), "choosing a backward-data kernel");
    CHECK(describe(&u, d, BACKWARD_WEIGHTS, &g->src_md, &any_weights, bias, &g->dst_md), "describing the kernel's gradient");
    CHECK(dnnl_primitive_desc_create(&g->weights_pd, &u, attr, engine, g->hint), "choosing a backward-weights kernel");
    CHECK(make_runnable(&g->data, g->data_pd), "creating the backward-data primitive");
    CHECK(make_runnable(&g->weights, g->weights_pd), "creating the backward-weights primitive");
    g->data_weights_md = *dnnl_primitive_desc_query_md(g->data_pd, dnnl_query_weights_md, 0);
    g->diff_weights_md = *dnnl_primitive_desc_query_md(g->weights_pd, dnnl_query_diff_weights_md, 0);
    CHECK(reorder_between(&g->to_data_layout, &g->user_weights_md, &g->data_weights_md), "planning the kernel's reorder");
    CHECK(reorder_between(&g->to_user_layout, &g->diff_weights_md, &g->user_weights_md), "planning the gradient's reorder");
    if (g->to_data_layout.p && !(g->data_weights = aligned(dnnl_memory_desc_get_size(&g->data_weights_md)))) goto no_memory;
    if (g->to_user_layout.p && !(g->diff_weights = aligned(dnnl_memory_desc_get_size(&g->diff_weights_md)))) goto no_memory;
    dnnl_primitive_attr_destroy(attr);
    omp_set_num_threads(saved_threads);
    return g;
no_memory:
    fail(error, error_size, "allocating", dnnl_out_of_memory);
failed:
    if (attr) dnnl_primitive_attr_destroy(attr);
    ll_dnnl_grad_destroy(g);
    omp_set_num_threads(saved_threads);
    return NULL;
}

void ll_dnnl_grad_destroy(ll_dnnl_grad *g) {
    if (!g) return;
    runnable *prims[5] = {&g->data, &g->weights, &g->to_data_layout, &g->to_user_layout, &g->forward};
    for (int i = 0; i < 5; i++) free_runnable(prims[i]);
    if (g->hint) dnnl_primitive_desc_destroy(g->hint);
    if (g->data_pd) dnnl_primitive_desc_destroy(g->data_pd);
    if (g->weights_pd) dnnl_primitive_desc_destroy(g->weights_pd);
    free(g->data_weights);
    free(g->diff_weights);
    free(g);
}

/* Runs a primitive on up to 4 (role, layout, data) arguments, made into memory objects
   for the call, and its scratchpad; on at most `threads` threads (0: all), as it was made. */
static int execute(const runnable *r, int n, const int *roles, const dnnl_memory_desc_t *const *mds, void *const *data,
                   int threads, char *error, size_t error_size) {
    dnnl_memory_t memories[5] = {NULL, NULL, NULL, NULL, NULL};
    dnnl_exec_arg_t args[5];
    for (int i = 0; i < n; i++) {
        CHECK(wrap(&memories[i], mds[i], data[i]), "wrapping an argument");
        args[i] = (dnnl_exec_arg_t){roles[i], memories[i]};
    }
    if (r->scratch) {
        CHECK(wrap(&memories[n], &r->scratch_md, r->scratch), "wrapping the scratchpad");
        args[n] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, memories[n]};
        n++;
    }
    sigset_t saved_mask;
    shield(&saved_mask);
    int saved_threads = limit_threads(threads);
    dnnl_status_t status = dnnl_primitive_execute(r->p, stream, n, args);
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    omp_set_num_threads(saved_threads);
    unshield(&saved_mask, threads != 1);
    CHECK(status, "running a primitive");
    for (int i = 0; i < n; i++) dnnl_memory_destroy(memories[i]);
    return 0;
failed:
    for (int i = 0; i < 5; i++) if (memories[i]) dnnl_memory_destroy(memories[i]);
    return -1;
}

int ll_dnnl_backward_data(ll_dnnl_grad *g, const float *weights, const float *diff_dst, float *diff_src,
                          char *error, size_t error_size) {
    void *kernel = (void *)weights;
    if (g->to_data_layout.p) {
        const int roles[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
        const dnnl_memory_desc_t *mds[2] = {&g->user_weights_md, &g->data_weights_md};
        void *data[2] = {(void *)weights, g->data_weights};
        if (execute(&g->to_data_layout, 2, roles, mds, data, g->threads, error, error_size)) return -1;
        kernel = g->data_weights;
    }
    const int roles[3] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
    const dnnl_memory_desc_t *mds[3] = {&g->dst_md, &g->data_weights_md, &g->src_md};
    void *data[3] = {(void *)diff_dst, kernel, diff_src};
    return execute(&g->data, 3, roles, mds, data, g->threads, error, error_size);
}

int ll_dnnl_backward_weights(ll_dnnl_grad *g, const float *src, const float *diff_dst, float *diff_weights,
                             float *diff_bias, char *error, size_t error_size) {
    void *out = g->to_user_layout.p ? g->diff_weights : (void *)diff_weights;
    const int roles[4] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS};
    const dnnl_memory_desc_t *mds[4] = {&g->src_md, &g->dst_md, &g->diff_weights_md, &g->bias_md};
    void *data[4] = {(void *)src, (void *)diff_dst, out, diff_bias};
    if (execute(&g->weights, g->has_bias ? 4 : 3, roles, mds, data, g->threads, error, error_size)) return -1;
    if (!g->to_user_layout.p) return 0;
    const int back_roles[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
    const dnnl_memory_desc_t *back_mds[2] = {&g->diff_weights_md, &g->user_weights_md};
    void *back[2] = {g->diff_weights, diff_weights};
    return execute(&g->to_user_layout, 2, back_roles, back_mds, back, g->threads, error, error_size);
}

int ll_dnnl_pool_backward(ll_dnnl_grad *g, const float *src, const float *diff_dst, float *diff_src,
                          char *error, size_t error_size) {
    if (g->kind != LL_DNNL_MAX_POOL && g->kind != LL_DNNL_AVG_POOL)
        return fail(error, error_size, "a pooling gradient of another operation", dnnl_invalid_arguments);
    if (g->kind == LL_DNNL_AVG_POOL) {
        const int roles[2] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
        const dnnl_memory_desc_t *mds[2] = {&g->dst_md, &g->src_md};
        void *data[2] = {(void *)diff_dst, diff_src};
        return execute(&g->data, 2, roles, mds, data, g->threads, error, error_size);
    }
    /* Max: the forward pass again, for the workspace (its output is not kept). */
    void *dst = aligned(dnnl_memory_desc_get_size(&g->dst_md));
    void *workspace = aligned(dnnl_memory_desc_get_size(&g->workspace_md));
    int status = -1;
    if (!dst || !workspace) {
        fail(error, error_size, "allocating the workspace", dnnl_out_of_memory);
    } else {
        const int roles[3] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE};
        const dnnl_memory_desc_t *mds[3] = {&g->src_md, &g->dst_md, &g->workspace_md};
        void *data[3] = {(void *)src, dst, workspace};
        status = execute(&g->forward, 3, roles, mds, data, g->threads, error, error_size);
        if (status == 0) {
            const int back_roles[3] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE, DNNL_ARG_DIFF_SRC};
            const dnnl_memory_desc_t *back_mds[3] = {&g->dst_md, &g->workspace_md, &g->src_md};
            void *back[3] = {(void *)diff_dst, workspace, diff_src};
            status = execute(&g->data, 3, back_roles, back_mds, back, g->threads, error, error_size);
        }
    }
    free(dst);
    free(workspace);
    return status;
}

const char *ll_dnnl_grad_implementation(const ll_dnnl_grad *g, int weights) {
    const char *name = NULL;
    /* Pooling has no weights: 1 names its forward-training kernel. */
    dnnl_primitive_desc_t pd = weights ? (g->weights_pd ? g->weights_pd : g->hint) : g->data_pd;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || !name) return "unknown";
    return name;
}
