#ifndef LAYERLAB_CBLAS_SHIM_H
#define LAYERLAB_CBLAS_SHIM_H
#include <cblas.h>

/* OpenBLAS exports Fortran LAPACK but Debian ships no LAPACKE header for it:
   declare the few routines LayerLab uses (QR for the Orthogonal initializer). */
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau,
             float *work, const int *lwork, int *info);
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda,
             const float *tau, float *work, const int *lwork, int *info);
#endif
