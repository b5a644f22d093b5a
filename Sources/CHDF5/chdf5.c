#include "chdf5.h"
#include <hdf5.h>
#include <string.h>
#include <stdlib.h>

void ll_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Files live in memory (the core driver, no backing store): a .keras archive holds
   the HDF5 bytes, so no temporary file is needed either way. */
static hid_t memory_access(const void *image, size_t length) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    if (H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 || (image && H5Pset_file_image(fapl, (void *)image, length) < 0)) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

int64_t ll_h5_create_in_memory(const char *name) {
    hid_t fapl = memory_access(NULL, 0);
    if (fapl < 0) return -1;
    hid_t file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    return file;
}

int64_t ll_h5_open_image(const char *name, const void *image, size_t length) {
    hid_t fapl = memory_access(image, length);
    if (fapl < 0) return -1;
    hid_t file = H5Fopen(name, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    return file;
}

int64_t ll_h5_image(int64_t file, void *buffer, size_t capacity) {
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) return -1;
    return H5Fget_file_image(file, buffer, capacity);
}
int ll_h5_close_file(int64_t file) { return H5Fclose(file); }

int64_t ll_h5_create_group(int64_t loc, const char *name) {
    return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}
int64_t ll_h5_open_group(int64_t loc, const char *name) { return H5Gopen2(loc, name, H5P_DEFAULT); }
int ll_h5_close_group(int64_t group) { return H5Gclose(group); }

int ll_h5_kind(int64_t loc, const char *name) {
    htri_t exists = H5Lexists(loc, name, H5P_DEFAULT);
    if (exists < 0) return -1;
    if (exists == 0) return 0;
    H5O_info_t info;
    if (H5Oget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    if (info.type == H5O_TYPE_GROUP) return 1;
    if (info.type == H5O_TYPE_DATASET) return 2;
    return 3;
}

int ll_h5_child_count(int64_t group, uint64_t *count) {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) return -1;
    *count = info.nlinks;
    return 0;
}

int ll_h5_child_name(int64_t group, uint64_t index, char *buffer, size_t capacity) {
    ssize_t n = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, capacity, H5P_DEFAULT);
    return n < 0 || (size_t)n >= capacity ? -1 : (int)n;
}

int ll_h5_write_string_attribute(int64_t object, const char *name, const char *value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0) return -1;
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int status = -1;
    if (attr >= 0) {
        status = H5Awrite(attr, type, &value) < 0 ? -1 : 0;
        H5Aclose(attr);
    }
    H5Sclose(space);
    H5Tclose(type);
    return status;
}

int64_t ll_h5_read_string_attribute(int64_t object, const char *name, char *buffer, size_t capacity) {
    if (H5Aexists(object, name) <= 0) return -1;
    hid_t attr = H5Aopen(object, name, H5P_DEFAULT);
    if (attr < 0) return -1;
    hid_t type = H5Aget_type(attr);
    int64_t result = -1;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
        if (H5Tis_variable_str(type) > 0) {
            hid_t mem = H5Tcopy(H5T_C_S1);
            H5Tset_size(mem, H5T_VARIABLE);
            H5Tset_cset(mem, H5Tget_cset(type));
            char *value = NULL;
            if (H5Aread(attr, mem, &value) >= 0 && value != NULL) {
                size_t n = strlen(value);
                if (n < capacity) { memcpy(buffer, value, n + 1); result = (int64_t)n; }
                H5free_memory(value);
            }
            H5Tclose(mem);
        } else {
            size_t size = H5Tget_size(type);
            if (size < capacity) {
                memset(buffer, 0, capacity);
                if (H5Aread(attr, type, buffer) >= 0) result = (int64_t)strnlen(buffer, size);
            }
        }
    }
    if (type >= 0) H5Tclose(type);
    H5Aclose(attr);
    return result;
}

int ll_h5_write_float_dataset(int64_t loc, const char *name, int rank, const uint64_t *dims, const float *data) {
    hsize_t shape[32];
    if (rank < 0 || rank > 32) return -1;
    for (int i = 0; i < rank; i++) shape[i] = (hsize_t)dims[i];
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, shape, NULL);
    if (space < 0) return -1;
    hid_t set = H5Dcreate2(loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int status = -1;
    if (set >= 0) {
        status = H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ? -1 : 0;
        H5Dclose(set);
    }
    H5Sclose(space);
    return status;
}

int ll_h5_dataset_shape(int64_t loc, const char *name, int *rank, uint64_t *dims, int max_rank) {
    hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
    if (set < 0) return -1;
    hid_t space = H5Dget_space(set);
    int status = -1;
    if (space >= 0) {
        int r = H5Sget_simple_extent_ndims(space);
        if (r >= 0 && r <= max_rank) {
            hsize_t shape[32];
            if (r <= 32 && H5Sget_simple_extent_dims(space, shape, NULL) >= 0) {
                for (int i = 0; i < r; i++) dims[i] = (uint64_t)shape[i];
                *rank = r;
                status = 0;
            }
        }
        H5Sclose(space);
    }
    H5Dclose(set);
    return status;
}

int ll_h5_dataset_is_numeric(int64_t loc, const char *name) {
    hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
    if (set < 0) return -1;
    int ok = 0;
    hid_t type = H5Dget_type(set), space = H5Dget_space(set), plist = H5Dget_create_plist(set);
    if (type >= 0 && space >= 0 && plist >= 0) {
        H5T_class_t c = H5Tget_class(type);
        size_t size = H5Tget_size(type);
        /* A damaged file can declare elements of gigabytes (found by fuzzing), which
           HDF5 would allocate conversion buffers for: numbers are 1 to 16 bytes. */
        ok = (c == H5T_FLOAT || c == H5T_INTEGER) && size >= 1 && size <= 16;
        /* A chunk is read whole: its bytes must stay near the dataset's own. */
        if (ok && H5Pget_layout(plist) == H5D_CHUNKED) {
            hsize_t chunk[32];
            int rank = H5Pget_chunk(plist, 32, chunk);
            hssize_t points = H5Sget_simple_extent_npoints(space);
            double bytes = (double)size;
            for (int i = 0; i < rank; i++) bytes *= (double)chunk[i];
            double limit = (double)size * (double)(points > 0 ? points : 0);
            ok = rank >= 0 && bytes <= (limit > (double)(1 << 20) ? limit : (double)(1 << 20));
        }
    }
    if (plist >= 0) H5Pclose(plist);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    H5Dclose(set);
    return ok;
}

/* A whole dataset of `count` values read as `memtype` (its stored type converted). */
static int read_dataset(int64_t loc, const char *name, hid_t memtype, void *out, uint64_t count) {
    hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
    if (set < 0) return -1;
    hid_t space = H5Dget_space(set);
    int status = -1;
    if (space >= 0) {
        hssize_t n = H5Sget_simple_extent_npoints(space);
        if (n >= 0 && (uint64_t)n == count) {
            status = H5Dread(set, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0 ? -1 : 0;
        }
        H5Sclose(space);
    }
    H5Dclose(set);
    return status;
}

int ll_h5_read_float_dataset(int64_t loc, const char *name, float *out, uint64_t count) {
    return read_dataset(loc, name, H5T_NATIVE_FLOAT, out, count);
}

int ll_h5_write_int32_scalar(int64_t loc, const char *name, int32_t value) {
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) return -1;
    hid_t set = H5Dcreate2(loc, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int status = -1;
    if (set >= 0) {
        status = H5Dwrite(set, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0 ? -1 : 0;
        H5Dclose(set);
    }
    H5Sclose(space);
    return status;
}

int ll_h5_read_int64_dataset(int64_t loc, const char *name, int64_t *out, uint64_t count) {
    return read_dataset(loc, name, H5T_NATIVE_INT64, out, count);
}

int ll_h5_dataset_is_integer(int64_t loc, const char *name) {
    hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
    if (set < 0) return -1;
    hid_t type = H5Dget_type(set);
    int result = type >= 0 && H5Tget_class(type) == H5T_INTEGER ? (int)H5Tget_size(type) : 0;
    if (type >= 0) H5Tclose(type);
    H5Dclose(set);
    return result;
}
