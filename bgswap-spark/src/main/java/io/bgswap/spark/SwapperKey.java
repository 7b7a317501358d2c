package io.bgswap.spark;

import java.io.Serializable;

/**
 * Everything that decides which model an executor loads: two tasks with equal keys share one
 * swapper. Immutable and thread-safe.
 *
 * @param model     model name or {@code null}
 * @param backend   backend name or {@code null}
 * @param device    device text or {@code null}
 * @param threads   CPU threads per inference
 * @param modelHome model cache directory, {@code sparkfiles:NAME} or {@code null}
 * @param offline   offline flag or {@code null}
 * @param tarballs  tarball directory, {@code sparkfiles:[NAME]} or {@code null}
 */
record SwapperKey(String model, String backend, String device, int threads, String modelHome, Boolean offline,
                  String tarballs) implements Serializable {
}
