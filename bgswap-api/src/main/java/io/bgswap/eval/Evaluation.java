package io.bgswap.eval;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.Compositor;
import io.bgswap.ErrorCode;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.Images;
import io.bgswap.image.Resize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a matting pipeline over an evaluation set and measures every matte against its reference.
 *
 * <pre>{@code
 * try (BackgroundSwapper swapper = BackgroundSwapper.builder().build()) {
 *     EvalReport report = Evaluation.builder().contactSheets(Path.of("sheets"))
 *             .run("default", EvalSample.scan(images, alphas), swapper::matte);
 *     System.out.print(report.table());
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; a run processes the images one after another.
 */
public final class Evaluation {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    private final int bandRadius;
    private final Path contactSheets;
    private final Compositor compositor;
    private final Background background;

    private Evaluation(Builder b) {
        this.bandRadius = b.bandRadius;
        this.contactSheets = b.contactSheets;
        this.compositor = b.compositor != null ? b.compositor : new LinearLightCompositor();
        this.background = b.background;
    }

    /** @return a builder with the defaults: band radius 5, no contact sheets */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Mattes every sample and measures it. Reference mattes of another size than their photo are
     * an error; the predicted matte must have the photo's size.
     *
     * @param label   what is evaluated, for the report
     * @param samples the evaluation set
     * @param matter  photo in, alpha matte at the photo's size out
     * @return the report
     */
    public EvalReport run(String label, List<EvalSample> samples, Function<ArgbImage, FloatImage> matter) {
        Objects.requireNonNull(matter, "matter");
        return runSamples(label, samples, (sample, image) -> matter.apply(image));
    }

    /**
     * Produces a matte for one sample; lets a caller reuse work per sample (e.g. one segmentation
     * shared by several matting modes).
     */
    @FunctionalInterface
    public interface SampleMatter {
        /**
         * @param sample the sample
         * @param image  its decoded photo
         * @return the alpha matte at the photo's size
         */
        FloatImage matte(EvalSample sample, ArgbImage image);
    }

    /**
     * Like {@link #run} with access to the sample being matted.
     *
     * @param label   what is evaluated, for the report
     * @param samples the evaluation set
     * @param matter  produces the matte
     * @return the report
     */
    public EvalReport runSamples(String label, List<EvalSample> samples, SampleMatter matter) {
        Objects.requireNonNull(matter, "matter");
        List<EvalRow> rows = new ArrayList<>();
        for (EvalSample s : samples) {
            ArgbImage image = ImageFiles.read(s.image());
            FloatImage reference = readReference(s, image);
            long t0 = System.nanoTime();
            FloatImage alpha = matter.matte(s, image);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!alpha.sameSize(reference)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "the matter returned " + alpha + " for a "
                        + image.width() + "x" + image.height() + " photo");
            }
            MatteMetrics m = MatteEvaluator.measure(alpha, reference, bandRadius);
            rows.add(new EvalRow(s.name(), image.width(), image.height(), m, seconds));
            LOG.info("{}: SAD {} IoU {} ({} s)", s.name(), m.overall().sad(), m.overall().iou(), seconds);
            if (contactSheets != null) {
                ArgbImage comp = compositor.composite(image, alpha, background);
                ArgbImage sheet = ContactSheet.render(image, alpha, reference, comp, ContactSheet.DEFAULT_PANEL_HEIGHT);
                ImageFiles.write(sheet, contactSheets.resolve(s.name() + "-" + fileSafe(label) + ".png"), 1f);
            }
        }
        return new EvalReport(label, rows);
    }

    private static String fileSafe(String label) {
        return label.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /**
     * Reads a reference matte and checks it matches its photo.
     *
     * @param sample the sample
     * @param image  its decoded photo
     * @return the matte in [0, 1]
     */
    public static FloatImage readReference(EvalSample sample, ArgbImage image) {
        FloatImage reference = Images.argbToMatte(ImageFiles.read(sample.alpha()));
        if (reference.width() != image.width() || reference.height() != image.height()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "reference matte " + sample.alpha() + " is "
                    + reference.width() + "x" + reference.height() + " but its photo is " + image.width() + "x" + image.height());
        }
        return reference;
    }

    /**
     * The baseline the issue of matting quality is measured against: the segmenter's probability
     * stretched to the photo's size by bilinear interpolation, nothing more.
     *
     * @param probability the segmenter's output
     * @param image       the photo
     * @return the upsampled probability
     */
    public static FloatImage plainUpsample(FloatImage probability, ArgbImage image) {
        return Resize.bilinear(probability, image.width(), image.height());
    }

    /** Configures an {@link Evaluation}. Not thread-safe. */
    public static final class Builder {
        private int bandRadius = MatteEvaluator.DEFAULT_BAND_RADIUS;
        private Path contactSheets;
        private Compositor compositor;
        private Background background = Background.color(0x2A6F97);

        private Builder() {
        }

        /**
         * @param radius dilation of the soft reference pixels that makes the boundary band
         * @return this
         */
        public Builder bandRadius(int radius) {
            if (radius < 0) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "band radius must be >= 0, was " + radius);
            }
            this.bandRadius = radius;
            return this;
        }

        /**
         * @param dir where to write one contact sheet PNG per image, or {@code null} for none
         * @return this
         */
        public Builder contactSheets(Path dir) {
            this.contactSheets = dir;
            return this;
        }

        /**
         * @param compositor compositor for the contact sheets' composite panel
         * @param background background for that panel
         * @return this
         */
        public Builder composite(Compositor compositor, Background background) {
            this.compositor = compositor;
            this.background = Objects.requireNonNull(background, "background");
            return this;
        }

        /** @return the evaluation */
        public Evaluation build() {
            return new Evaluation(this);
        }

        /**
         * Shortcut for {@code build().run(...)}.
         *
         * @param label   what is evaluated
         * @param samples the evaluation set
         * @param matter  photo in, matte out
         * @return the report
         */
        public EvalReport run(String label, List<EvalSample> samples, Function<ArgbImage, FloatImage> matter) {
            return build().run(label, samples, matter);
        }
    }
}
