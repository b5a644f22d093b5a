#ifndef LAYERLAB_CGRAPHVIZ_H
#define LAYERLAB_CGRAPHVIZ_H
/* A small C face for Graphviz (cgraph + gvc, Debian's libgraphviz-dev): DOT text in,
   a rendered picture out, in process. Swift needs neither Graphviz's headers nor its
   structs. Graphviz keeps global state: call these from one thread at a time. */
#include <stddef.h>

/* Lays DOT text out with `dot` and renders it as FORMAT ("svg", "png", "pdf").
   Returns 0 and the bytes in *out (release with ll_gv_free), or nonzero with
   Graphviz's message (or ours) in `error`. */
int ll_gv_render(const char *dot, const char *format, char **out, size_t *length,
                 char *error, size_t error_capacity);
void ll_gv_free(char *data);

/* Whether Graphviz has a renderer for FORMAT (its plugins are found and configured). */
int ll_gv_has_format(const char *format);
#endif
