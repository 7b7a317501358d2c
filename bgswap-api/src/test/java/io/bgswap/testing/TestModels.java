package io.bgswap.testing;

import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelSource;
import io.bgswap.model.ModelStore;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Finds built-in models for integration tests, fetching them into the cache when needed. */
public final class TestModels {
    private TestModels() {
    }

    /**
     * @param name a built-in model name
     * @return the cached file (fetched and verified when absent)
     */
    public static Path cached(String name) {
        ModelStore store = ModelStore.defaultStore();
        BuiltinModel m = BuiltinModel.named(name);
        Path p = store.resolve(m);
        assumeTrue(Files.isRegularFile(p), "model " + name + " is not available");
        return p;
    }

    /**
     * @param name a built-in model name
     * @return a source for it
     */
    public static ModelSource source(String name) {
        return ModelStore.defaultStore().source(name);
    }

    /** @return the evaluation directory from {@code bgswap.eval.dir}, or skips the test */
    public static Path evalDir() {
        return EvalSet.requireDirectory();
    }
}
