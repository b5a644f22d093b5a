#include "cgraphviz.h"
#include <graphviz/gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One context for the process: creating it reads the plugin configuration (config6a,
   written by libgvc6's postinst) and loads plugins on demand. */
static GVC_t *context = NULL;
/* Graphviz's error messages, collected instead of printed on stderr. */
static char messages[1024];

static int collect(char *text) {
    size_t used = strlen(messages);
    if (used + 1 < sizeof messages) {
        strncat(messages, text, sizeof messages - used - 1);
    }
    return 0;
}

static GVC_t *shared_context(void) {
    if (context == NULL) {
        agseterrf(collect);
        agseterr(AGERR);
        context = gvContext();
    }
    return context;
}

static void copy_message(char *error, size_t capacity, const char *fallback) {
    if (capacity == 0) return;
    const char *text = messages[0] ? messages : fallback;
    snprintf(error, capacity, "%s", text);
    /* One line: Graphviz ends its messages with newlines. */
    for (char *p = error; *p; p++) if (*p == '\n' || *p == '\r') *p = ' ';
    size_t n = strlen(error);
    while (n > 0 && error[n - 1] == ' ') error[--n] = 0;
}

int ll_gv_render(const char *dot, const char *format, char **out, size_t *length,
                 char *error, size_t error_capacity) {
    *out = NULL;
    *length = 0;
    messages[0] = 0;
    GVC_t *gvc = shared_context();
    if (gvc == NULL) { copy_message(error, error_capacity, "Graphviz could not start"); return 1; }
    Agraph_t *graph = agmemread(dot);
    if (graph == NULL) { copy_message(error, error_capacity, "Graphviz could not read the DOT text"); return 2; }
    if (gvLayout(gvc, graph, "dot") != 0) {
        copy_message(error, error_capacity, "Graphviz has no 'dot' layout (its plugins are not configured)");
        agclose(graph);
        return 3;
    }
    char *data = NULL;
    unsigned int size = 0;
    int rc = gvRenderData(gvc, graph, format, &data, &size);
    gvFreeLayout(gvc, graph);
    agclose(graph);
    if (rc != 0 || data == NULL) {
        if (data != NULL) gvFreeRenderData(data);
        copy_message(error, error_capacity, "Graphviz could not render this format");
        return 4;
    }
    *out = data;
    *length = size;
    return 0;
}

void ll_gv_free(char *data) {
    if (data != NULL) gvFreeRenderData(data);
}

int ll_gv_has_format(const char *format) {
    GVC_t *gvc = shared_context();
    if (gvc == NULL) return 0;
    int count = 0;
    char **list = gvPluginList(gvc, "device", &count, NULL);
    if (list == NULL) return 0;
    int found = 0;
    size_t n = strlen(format);
    for (int i = 0; i < count; i++) {
        if (strncmp(list[i], format, n) == 0 && (list[i][n] == 0 || list[i][n] == ':')) found = 1;
        free(list[i]);
    }
    free(list);
    return found;
}
