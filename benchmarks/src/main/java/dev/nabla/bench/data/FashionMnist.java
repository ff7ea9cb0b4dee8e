package dev.nabla.bench.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST: 28×28 grey images of 10 kinds of clothing, 60,000 for training and 10,000 for testing, in four IDX
 * gzip files. Debian's {@code dataset-fashion-mnist} installs them in {@link #DEFAULT_DIR}. When they are not there
 * (and no directory was asked for), a subset bundled in this jar is used: 500 training and 200 test images, 50 and
 * 20 per class, made from the real files by {@code scripts/make-fashion-subset.py}.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    public static final int CLASSES = 10;
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot"};
    static final String BUNDLED_FOLDER = "/dev/nabla/bench/data/fashion-mnist-subset";

    /** The training and test sets, and where they came from (and why, when it is the bundled subset). */
    public record Split(LabeledImages train, LabeledImages test, String source, boolean bundled) {
    }

    private FashionMnist() {
    }

    /** The bundled subset. */
    public static DataSource bundled() {
        return DataSource.bundled(BUNDLED_FOLDER, "bundled subset");
    }

    /**
     * Loads from {@code dir} when given (every file must be there), else from {@link #DEFAULT_DIR} when it holds all
     * four files, else the bundled subset.
     */
    public static Split load(Path dir) {
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new DataFileException(dir + ": no such directory (it should hold the four Fashion-MNIST IDX "
                        + "files, e.g. " + TRAIN_IMAGES + ".gz)");
            }
            return load(DataSource.directory(dir), false);
        }
        DataSource system = DataSource.directory(DEFAULT_DIR);
        if (FILES.stream().allMatch(system::has)) {
            return load(system, false);
        }
        return load(bundled(), true);
    }

    /** Loads the four files of {@code source}; a missing one is named in the error. */
    public static Split load(DataSource source, boolean bundled) {
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            if (!source.has(f)) {
                missing.add(f + ".gz");
            }
        }
        if (!missing.isEmpty()) {
            throw new DataFileException(source.description() + ": missing " + String.join(", ", missing));
        }
        LabeledImages train = LabeledImages.of("train", source.read(TRAIN_IMAGES), source.read(TRAIN_LABELS), CLASSES);
        LabeledImages test = LabeledImages.of("test", source.read(TEST_IMAGES), source.read(TEST_LABELS), CLASSES);
        if (train.features() != test.features()) {
            throw new DataFileException(source.description() + ": training images have " + train.features()
                    + " pixels but test images " + test.features());
        }
        return new Split(train, test, source.description(), bundled);
    }
}
