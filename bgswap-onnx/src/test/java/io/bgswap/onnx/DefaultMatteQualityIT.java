package io.bgswap.onnx;

import io.bgswap.BackgroundSwapper;
import io.bgswap.eval.EvalReport;
import io.bgswap.eval.EvalRow;
import io.bgswap.eval.Evaluation;
import io.bgswap.eval.MatteEvaluator;
import io.bgswap.eval.MatteMetrics;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.FloatImage;
import io.bgswap.segmentation.PersonAwareSegmenter;
import io.bgswap.testing.EvalSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recommended still-image pipeline (the {@code portrait} model: ISNet fused with the selfie prior,
 * then the default matter) against ISNet's own output upsampled bilinearly, on the evaluation
 * portraits: the default must reach a mean IoU of 0.92, and lower mean SAD and gradient error both
 * over the whole image and in the boundary band. The figures are printed for docs/quality.md.
 */
class DefaultMatteQualityIT {
    @Test
    void defaultMatteBeatsPlainIsnet() {
        List<EvalSet.Sample> samples = EvalSet.require();
        List<EvalRow> plainRows = new ArrayList<>();
        List<EvalRow> defaultRows = new ArrayList<>();
        try (BackgroundSwapper swapper = BackgroundSwapper.builder().model(BackgroundSwapper.PORTRAIT_MODEL).backend("onnx").build()) {
            assertThat(swapper.segmenter()).isInstanceOf(PersonAwareSegmenter.class);
            PersonAwareSegmenter fused = (PersonAwareSegmenter) swapper.segmenter();
            for (EvalSet.Sample s : samples) {
                ArgbImage image = s.readImage();
                FloatImage reference = s.readAlpha();
                FloatImage detail = fused.detail().segment(image);
                FloatImage prior = fused.prior().segment(image);
                FloatImage plain = Evaluation.plainUpsample(detail, image);
                FloatImage alpha = swapper.matter().refine(image,
                        PersonAwareSegmenter.fuse(detail, prior, PersonAwareSegmenter.Settings.DEFAULT));
                plainRows.add(new EvalRow(s.name(), image.width(), image.height(), MatteEvaluator.measure(plain, reference), 0));
                defaultRows.add(new EvalRow(s.name(), image.width(), image.height(), MatteEvaluator.measure(alpha, reference), 0));
            }
        }
        EvalReport plain = new EvalReport("isnet-medium, bilinear upsampling", plainRows);
        EvalReport def = new EvalReport("default: portrait + default matter", defaultRows);
        System.out.print(plain.table());
        System.out.print(def.table());
        MatteMetrics p = plain.mean();
        MatteMetrics d = def.mean();
        assertThat(d.overall().iou()).as("mean IoU").isGreaterThanOrEqualTo(0.92);
        assertThat(d.overall().sad()).as("mean SAD").isLessThan(p.overall().sad());
        assertThat(d.overall().gradient()).as("mean gradient error").isLessThan(p.overall().gradient());
        System.out.printf("mean SAD in the boundary band: default %.3f, plain ISNet %.3f%n", d.band().sad(), p.band().sad());
        assertThat(d.band().sad()).as("mean SAD in the boundary band").isLessThan(p.band().sad());
        assertThat(d.band().gradient()).as("mean gradient error in the boundary band").isLessThan(p.band().gradient());
    }
}
