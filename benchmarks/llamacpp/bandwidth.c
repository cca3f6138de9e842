/* Read bandwidth of system memory: threads sum disjoint parts of a 1 GiB buffer, best of 7 passes.
 * An input to llmguide's speed model, measured beside the llama-bench rows (benchmarks/llamacpp).
 * Build: cc -O2 -mavx2 -pthread bandwidth.c -o bandwidth;  run: ./bandwidth THREADS  (prints GB/s) */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BYTES (1UL << 30)

typedef struct { const __m256i *p; size_t n; long long out; } part_t;

static void *sum_part(void *arg) {
    part_t *part = arg;
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (size_t i = 0; i + 4 <= part->n; i += 4) {  /* four streams keep the loads in flight */
        a = _mm256_add_epi64(a, _mm256_load_si256(part->p + i));
        b = _mm256_add_epi64(b, _mm256_load_si256(part->p + i + 1));
        c = _mm256_add_epi64(c, _mm256_load_si256(part->p + i + 2));
        d = _mm256_add_epi64(d, _mm256_load_si256(part->p + i + 3));
    }
    long long lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d)));
    part->out = lanes[0] + lanes[1] + lanes[2] + lanes[3];
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 256) return 2;
    __m256i *buf = aligned_alloc(64, BYTES);
    if (!buf) return 1;
    memset(buf, 1, BYTES);
    size_t vectors = BYTES / sizeof(__m256i), each = vectors / threads;
    double best = 0;
    long long check = 0;
    for (int pass = 0; pass < 7; pass++) {
        pthread_t tid[256];
        part_t parts[256];
        double t0 = now();
        for (int i = 0; i < threads; i++) {
            parts[i] = (part_t){buf + i * each, each, 0};
            pthread_create(&tid[i], NULL, sum_part, &parts[i]);
        }
        for (int i = 0; i < threads; i++) {
            pthread_join(tid[i], NULL);
            check += parts[i].out;
        }
        double gbs = (double)each * threads * sizeof(__m256i) / (now() - t0) / 1e9;
        if (gbs > best) best = gbs;
    }
    printf("%.2f\n", best + (check == 42 ? 1e-9 : 0));  /* use the sums so they are not optimised away */
    free(buf);
    return 0;
}
