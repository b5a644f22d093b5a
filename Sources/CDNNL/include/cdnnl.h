#ifndef LAYERLAB_CDNNL_H
#define LAYERLAB_CDNNL_H
/* A small C face for oneDNN 2.6 (Debian's libdnnl-dev): one opaque "operation" per
   primitive LayerLab runs — a convolution, a transposed convolution (oneDNN's
   deconvolution), a pooling window or an inner product, for 1 to 3 spatial axes — made once for one
   geometry and kept. Swift describes every tensor by its dimensions and strides in
   oneDNN's logical order (N, C, spatial…; weights [G,] O, I, spatial…), so Keras's
   channels-last batches and (k…, in, out) kernels are read where they lie; only the
   weights are reordered, once, into the layout the chosen kernel wants. */
#include <stddef.h>
#include <stdint.h>

/* Dimensions and strides (in floats) of one tensor, outermost first. */
typedef struct {
    int ndims;
    int64_t dims[12];     /* DNNL_MAX_NDIMS: oneDNN reads that many */
    int64_t strides[12];
} ll_dnnl_layout;

typedef enum {
    LL_DNNL_CONVOLUTION = 0,
    LL_DNNL_DECONVOLUTION = 1,
    LL_DNNL_MAX_POOL = 2,
    LL_DNNL_AVG_POOL = 3, /* the mean over the window's cells inside the input */
    LL_DNNL_INNER_PRODUCT = 4, /* Dense: src (N, IC), weights (OC, IC), dst (N, OC) */
} ll_dnnl_kind;

typedef struct {
    ll_dnnl_kind kind;
    int spatial;                 /* 1, 2 or 3 */
    int64_t strides[3];
    int64_t dilation[3];         /* Keras's dilation_rate (1 = none) */
    int64_t kernel[3];           /* pooling windows only */
    int64_t pad_before[3];
    int64_t pad_after[3];        /* may be negative for a deconvolution that crops */
    ll_dnnl_layout src, weights, dst;   /* weights: convolutions only */
    int has_bias;                /* a bias of dst's channel count */
    int relu;                    /* fuse max(x, 0) as a post-op */
    int threads;                 /* run on at most this many threads (0: all) */
} ll_dnnl_desc;

typedef struct ll_dnnl_op ll_dnnl_op;

/* Creates the primitive (and the weights' reorder); NULL with a message in `error`. */
ll_dnnl_op *ll_dnnl_create(const ll_dnnl_desc *desc, char *error, size_t error_size);
void ll_dnnl_destroy(ll_dnnl_op *op);

/* Reorders a kernel laid out as `desc->weights` into the op's own buffer. 0 on success. */
int ll_dnnl_load_weights(ll_dnnl_op *op, const float *weights, char *error, size_t error_size);

/* Runs the op: `bias` may be NULL when the op has none. 0 on success. */
int ll_dnnl_run(ll_dnnl_op *op, const float *src, const float *bias, float *dst,
                char *error, size_t error_size);

/* The kernel oneDNN chose ("brg:avx512_core", "jit:avx2", "ref:any" …). */
const char *ll_dnnl_implementation(const ll_dnnl_op *op);
/* Bytes the op holds beside the caller's tensors (reordered weights). */
size_t ll_dnnl_bytes(const ll_dnnl_op *op);
/* The instruction set oneDNN's kernels use on this CPU ("AVX-512", "AVX2" …). */
const char *ll_dnnl_isa(void);
/* The number of threads oneDNN runs on. */
int ll_dnnl_threads(void);

/* Gradients of a convolution, transposed convolution or inner product described as for
   ll_dnnl_create (relu 0: an activation's gradient is the caller's). Kernels and their
   gradients are in the caller's layout (`desc->weights`); both directions reorder to
   and from the layouts oneDNN's kernels want (format `any`: given the plain layout,
   backward primitives fall back to a slow reference kernel). Pooling's gradient is
   ll_dnnl_pool_backward's. */
typedef struct ll_dnnl_grad ll_dnnl_grad;
ll_dnnl_grad *ll_dnnl_grad_create(const ll_dnnl_desc *desc, char *error, size_t error_size);
void ll_dnnl_grad_destroy(ll_dnnl_grad *grad);
/* diff_src (the input's shape) from the kernel and diff_dst. 0 on success. */
int ll_dnnl_backward_data(ll_dnnl_grad *grad, const float *weights, const float *diff_dst, float *diff_src,
                          char *error, size_t error_size);
/* diff_weights (the kernel's shape) and diff_bias (NULL without a bias) from src and diff_dst. */
int ll_dnnl_backward_weights(ll_dnnl_grad *grad, const float *src, const float *diff_dst, float *diff_weights,
                             float *diff_bias, char *error, size_t error_size);
/* Max or average pooling (made by ll_dnnl_grad_create from a pooling desc): diff_src
   (zeroed or not: every value is written) from diff_dst; max pooling runs its forward
   pass for training on src first, for the workspace that says where each maximum was
   (average pooling ignores src). 0 on success. */
int ll_dnnl_pool_backward(ll_dnnl_grad *grad, const float *src, const float *diff_dst, float *diff_src,
                          char *error, size_t error_size);
/* The kernel chosen for backward data (weights = 0) or backward weights (1); for
   pooling, 1 names the forward-training kernel. */
const char *ll_dnnl_grad_implementation(const ll_dnnl_grad *grad, int weights);

#endif
