package io.bgswap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bgswap.BgSwapException;
import io.bgswap.graph.onnx.OnnxImporter;
import io.bgswap.graph.tflite.TfliteImporter;

import java.util.Arrays;

/**
 * User model files go through the graph importers (ONNX protobuf, TFLite flatbuffer) before any
 * engine sees them: any bytes end in a graph or a {@link BgSwapException}, never another exception.
 * The first byte chooses the importer.
 */
class GraphImportFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void importModel(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] model = Arrays.copyOfRange(data, 1, data.length);
        try {
            if ((data[0] & 1) == 0) {
                OnnxImporter.read("fuzz-model", model);
            } else {
                TfliteImporter.read("fuzz-model", model);
            }
        } catch (BgSwapException expected) {
            // not a model, or one bgswap cannot import: reported as such
        }
    }
}
