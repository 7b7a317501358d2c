package io.bgswap.graph;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.onnx.OnnxImporter;
import io.bgswap.graph.tflite.TfliteImporter;
import io.bgswap.model.ModelSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads model files into the engine-neutral {@link Graph}. Backends call {@link #load} for every
 * {@link io.bgswap.model.ModelFormat} they do not read natively. Stateless and thread-safe.
 */
public final class Importers {
    private Importers() {
    }

    /**
     * Imports a model file and keeps only what computes the descriptor's output (ISNet files carry
     * eleven side outputs that inference does not need). Symbolic input dimensions of ONNX files
     * are fixed to the descriptor's input shape.
     *
     * @param source a model file
     * @return its graph
     * @throws BgSwapException {@link ErrorCode#UNSUPPORTED_MODEL} when the format has no importer
     *                         or the model uses an unsupported operator, {@link ErrorCode#IO_ERROR}
     *                         when the file cannot be read
     */
    public static Graph load(ModelSource source) {
        byte[] data;
        try {
            data = Files.readAllBytes(source.path());
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot read model " + source.name() + " at " + source.path()
                    + ": " + e.getMessage(), e);
        }
        Graph graph = switch (source.format()) {
            case TFLITE -> TfliteImporter.read(source.name(), data);
            case ONNX -> OnnxImporter.read(source.name(), data, Map.of(source.descriptor().inputName(),
                    Arrays.stream(source.descriptor().inputShape()).mapToInt(Math::toIntExact).toArray()));
            default -> throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + source.name() + " is a "
                    + source.format() + " model; bgswap can import only TFLITE and ONNX files into its graph");
        };
        return graph.withOutputs(List.of(source.descriptor().outputName()));
    }
}
