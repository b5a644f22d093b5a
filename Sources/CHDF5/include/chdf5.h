#ifndef LAYERLAB_CHDF5_H
#define LAYERLAB_CHDF5_H
/* A small C face for HDF5: plain functions and integer handles, so Swift needs
   neither HDF5's headers nor its macros (H5T_NATIVE_FLOAT and friends). */
#include <stddef.h>
#include <stdint.h>

/* Silences HDF5's own error printing; call once. */
void ll_h5_quiet(void);

/* An empty file in memory; `name` only tells open files apart. */
int64_t ll_h5_create_in_memory(const char *name);
/* Opens a copy of the bytes of an HDF5 file, read-only. */
int64_t ll_h5_open_image(const char *name, const void *image, size_t length);
/* The bytes of an open in-memory file: with buffer NULL, their count; else copies
   at most capacity bytes. Returns the size, or <0. */
int64_t ll_h5_image(int64_t file, void *buffer, size_t capacity);
int ll_h5_close_file(int64_t file);

int64_t ll_h5_create_group(int64_t loc, const char *name);
int64_t ll_h5_open_group(int64_t loc, const char *name);
int ll_h5_close_group(int64_t group);

/* 1: a group, 2: a dataset, 0: absent, <0: error. */
int ll_h5_kind(int64_t loc, const char *name);
/* Number of links in a group, and the name of link `index` in name order. */
int ll_h5_child_count(int64_t group, uint64_t *count);
int ll_h5_child_name(int64_t group, uint64_t index, char *buffer, size_t capacity);

/* A variable-length UTF-8 string attribute, as h5py writes them. */
int ll_h5_write_string_attribute(int64_t object, const char *name, const char *value);
/* Copies the attribute into buffer; returns its length, or <0 (absent or not a string). */
int64_t ll_h5_read_string_attribute(int64_t object, const char *name, char *buffer, size_t capacity);

/* Contiguous little-endian float32 dataset. */
int ll_h5_write_float_dataset(int64_t loc, const char *name, int rank, const uint64_t *dims, const float *data);
/* Rank and sizes of a dataset (at most max_rank); 0 on success. */
int ll_h5_dataset_shape(int64_t loc, const char *name, int *rank, uint64_t *dims, int max_rank);
/* 1 when the dataset holds floating-point or integer numbers of 1 to 16 bytes, in
   chunks (if any) not much larger than the dataset: safe to read. */
int ll_h5_dataset_is_numeric(int64_t loc, const char *name);
/* Reads the whole dataset converted to float32 into out (count values). */
int ll_h5_read_float_dataset(int64_t loc, const char *name, float *out, uint64_t count);
/* A scalar int32 dataset (Keras's optimizer iteration counter). */
int ll_h5_write_int32_scalar(int64_t loc, const char *name, int32_t value);
/* Reads the whole dataset converted to int64 into out (count values). */
int ll_h5_read_int64_dataset(int64_t loc, const char *name, int64_t *out, uint64_t count);
/* The size in bytes of the dataset's integer elements; 0 when it does not hold integers. */
int ll_h5_dataset_is_integer(int64_t loc, const char *name);
#endif
