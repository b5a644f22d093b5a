#ifndef LAYERLAB_ZLIB_SHIM_H
#define LAYERLAB_ZLIB_SHIM_H
#include <zlib.h>
#endif
