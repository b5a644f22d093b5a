#ifndef LAYERLAB_READLINE_SHIM_H
#define LAYERLAB_READLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
