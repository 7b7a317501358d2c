package io.bgswap.examples.cli;

import io.bgswap.BackgroundSwapper;
import io.bgswap.Device;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "NAME",
            description = "Built-in model (see `bgswap models list`); default: ${DEFAULT-VALUE}",
            defaultValue = "${sys:bgswap.model:-${env:BGSWAP_MODEL:-" + BackgroundSwapper.DEFAULT_MODEL + "}}")
    String model;

    @Option(names = "--backend", paramLabel = "NAME", description = "onnx, djl or tf; default: the best on the classpath")
    String backend;

    @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or cuda:N; default: auto")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads per inference; default: the backend's")
    int threads;

    BackgroundSwapper open() {
        BackgroundSwapper.Builder b = BackgroundSwapper.builder().model(model).threads(threads);
        if (backend != null) {
            b.backend(backend);
        }
        if (device != null) {
            b.device(Device.parse(device));
        }
        return b.build();
    }
}
