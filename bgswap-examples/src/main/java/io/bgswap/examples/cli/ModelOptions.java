package io.bgswap.examples.cli;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "NAME",
            description = "Built-in model (see `bgswap models list`) or a model file; default: ${DEFAULT-VALUE}",
            defaultValue = "${sys:bgswap.model:-${env:BGSWAP_MODEL:-" + BackgroundSwapper.DEFAULT_MODEL + "}}")
    String model;

    @Option(names = "--descriptor", paramLabel = "FILE",
            description = "Descriptor (.properties) of a model file given with --model; default: the model's name with .properties")
    Path descriptor;

    @Option(names = "--backend", paramLabel = "NAME", description = "onnx, djl or tf; default: the best on the classpath")
    String backend;

    @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or cuda:N; default: auto")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads per inference; default: the backend's")
    int threads;

    BackgroundSwapper open() {
        BackgroundSwapper.Builder b = BackgroundSwapper.builder().threads(threads);
        Path file = Path.of(model);
        if (Files.exists(file)) {
            Path d = descriptor != null ? descriptor : siblingDescriptor(file);
            b.model(ModelSource.ofFile(file, ModelDescriptor.load(d)));
        } else {
            b.model(model);
        }
        if (backend != null) {
            b.backend(backend);
        }
        if (device != null) {
            b.device(Device.parse(device));
        }
        return b.build();
    }

    private static Path siblingDescriptor(Path model) {
        String n = model.getFileName().toString();
        int dot = n.lastIndexOf('.');
        Path d = model.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".properties");
        if (!Files.isRegularFile(d)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Model file " + model
                    + " needs a descriptor: give --descriptor FILE or put " + d.getFileName() + " beside it");
        }
        return d;
    }
}
