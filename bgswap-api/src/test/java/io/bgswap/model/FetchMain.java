package io.bgswap.model;

import java.nio.file.Path;

/**
 * Resolves one model in a JVM of its own, for the test of processes racing on one cache.
 * Arguments: home, tarball directory, package name, version, size, sha256. Prints the resolved path.
 */
public final class FetchMain {
    private FetchMain() {
    }

    public static void main(String[] args) {
        BuiltinModel model = new BuiltinModel(args[2] + "-model", "race", args[2], args[3],
                io.bgswap.testing.FakeNpmPackage.ENTRY, Long.parseLong(args[4]), args[5], "test", ModelFormat.ONNX,
                io.bgswap.testing.FakeNpmPackage.create("x", 1, 1).builtin().descriptor());
        ModelStore store = ModelStore.builder().home(Path.of(args[0])).tarballs(Path.of(args[1])).offline(true).build();
        System.out.println(store.resolve(model));
    }
}
