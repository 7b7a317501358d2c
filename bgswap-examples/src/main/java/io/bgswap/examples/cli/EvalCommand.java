package io.bgswap.examples.cli;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.Matter;
import io.bgswap.Segmenter;
import io.bgswap.eval.EvalReport;
import io.bgswap.eval.EvalSample;
import io.bgswap.eval.Evaluation;
import io.bgswap.eval.MatteEvaluator;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.internal.AtomicFiles;
import io.bgswap.spi.MatterProvider;
import io.bgswap.spi.Providers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bgswap eval}: mattes a set of photos with every chosen matting mode and measures each
 * against reference mattes. The model runs once per photo; the modes share its output.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure matte quality against reference alpha mattes (SAD, MSE, gradient, connectivity,",
            "MAD, IoU; overall and in the boundary band; see-through and ghost shares away from the edges).",
            "`none` is the model's output upsampled bilinearly."})
final class EvalCommand implements Callable<Integer> {
    /** The name of the baseline: the probability upsampled, no matting. */
    static final String PLAIN = "none";

    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Directory of photos")
    Path images;

    @Option(names = "--alpha", required = true, paramLabel = "DIR",
            description = "Directory of reference mattes, named like the photos")
    Path alphas;

    @Option(names = "--matter", split = ",", paramLabel = "NAME",
            description = "Matting modes to compare: none and the registered matters; default: all")
    List<String> matters;

    @Option(names = "--out", paramLabel = "DIR", description = "Write <mode>.csv and summary.txt here")
    Path out;

    @Option(names = "--sheets", description = "Also write a contact-sheet PNG per photo and mode into OUT/sheets"
            + " (see-through pixels red and ghost pixels blue on the predicted matte)")
    boolean sheets;

    @Option(names = "--band-radius", paramLabel = "PX", description = "Dilation of the soft reference pixels; default: ${DEFAULT-VALUE}",
            defaultValue = "" + MatteEvaluator.DEFAULT_BAND_RADIUS)
    int bandRadius;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (sheets && out == null) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "--sheets needs --out DIR");
        }
        List<EvalSample> samples = EvalSample.scan(images, alphas);
        List<String> modes = matters != null && !matters.isEmpty() ? matters : defaultModes();
        Map<String, Matter> byName = new HashMap<>();
        for (String m : modes) {
            String key = m.trim().toLowerCase(Locale.ROOT);
            byName.put(key, key.equals(PLAIN) ? null : Providers.matter(key).create());
        }
        StringBuilder summary = new StringBuilder();
        try (BackgroundSwapper swapper = modelOptions.open()) {
            Segmenter segmenter = swapper.segmenter();
            Map<String, FloatImage> probabilities = new HashMap<>();
            Map<String, Double> segSeconds = new HashMap<>();
            for (EvalSample sample : samples) {
                ArgbImage image = ImageFiles.read(sample.image());
                long t0 = System.nanoTime();
                probabilities.put(sample.name(), segmenter.segment(image));
                segSeconds.put(sample.name(), (System.nanoTime() - t0) / 1e9);
            }
            Evaluation evaluation = Evaluation.builder().bandRadius(bandRadius)
                    .contactSheets(sheets ? out.resolve("sheets") : null).build();
            for (String m : modes) {
                String key = m.trim().toLowerCase(Locale.ROOT);
                Matter matter = byName.get(key);
                String label = segmenter.modelName() + " + " + key;
                EvalReport report = evaluation.runSamples(label, samples, (sample, image) -> {
                    FloatImage p = probabilities.get(sample.name());
                    return matter == null ? Evaluation.plainUpsample(p, image) : matter.refine(image, p);
                });
                String table = report.table();
                stdout.print(table);
                stdout.printf(Locale.ROOT, "(sec = matting only, after the model; the model took %.2f s per image on average)%n%n",
                        segSeconds.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
                stdout.flush();
                summary.append(table).append('\n');
                if (out != null) {
                    report.writeCsv(out.resolve(key + ".csv"));
                }
            }
        }
        if (out != null) {
            String text = summary.toString();
            AtomicFiles.write(out.resolve("summary.txt"), o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            spec.commandLine().getErr().println("Wrote " + out);
        }
        return 0;
    }

    private static List<String> defaultModes() {
        List<String> modes = new ArrayList<>();
        modes.add(PLAIN);
        for (MatterProvider p : Providers.matters()) {
            modes.add(p.name());
        }
        return modes;
    }
}
