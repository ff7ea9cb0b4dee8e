package dev.nabla.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The partitions' gradient sums added in one fixed order, whatever order their tasks finish in, so that every run of
 * a fit gives the same bits: one where an executor was lost and its tasks ran again elsewhere, one resumed from a
 * checkpoint, one with speculative tasks.
 *
 * <p>Float64 addition is not associative: (a + b) + c and a + (b + c) can differ in the last bit.
 * {@code treeAggregate} merges the partitions' results in the order their tasks finish, which changes from run to run.
 * Here, with P partitions and s_p partition p's sum:
 * <ul>
 *   <li>P ≤ {@value #DIRECT}: the driver collects the P sums (in partition order) and adds them left to right,
 *       ((s_0 + s_1) + s_2) + …;</li>
 *   <li>more: the partitions fall into groups of g = ⌈√P⌉ consecutive ones; a shuffle brings each group's sums to one
 *       task, which sorts them by partition and adds them left to right; the driver adds the groups' sums in group
 *       order. The driver then holds about √P sums, not P (treeAggregate's depth 2 has the same shape).</li>
 * </ul>
 * Each sum's rounding therefore depends only on the partitions' sums, never on the tasks' timing. A partition's own
 * sum is itself the same bits on any executor: the cpu backend's results do not depend on its thread count
 * ({@code CpuDeterminismTest}).
 */
final class OrderedGradientSum {
    /** Up to this many partitions the driver adds them all itself; past it, through groups. */
    static final int DIRECT = 8;

    private OrderedGradientSum() {
    }

    /**
     * Σ_p s_p over {@code sums}, which holds exactly one element per partition (its partition's sum), in the fixed
     * order above.
     */
    static GradientSum of(JavaRDD<GradientSum> sums) {
        int partitions = sums.getNumPartitions();
        if (partitions <= DIRECT) {
            return inOrder(sums.collect().iterator());          // collect keeps partition order
        }
        int g = groupSize(partitions);
        int groups = (partitions + g - 1) / g;
        JavaPairRDD<Integer, Tuple2<Integer, GradientSum>> keyed = JavaPairRDD.fromJavaRDD(
                sums.mapPartitionsWithIndex((p, it) -> {
                    List<Tuple2<Integer, Tuple2<Integer, GradientSum>>> out = new ArrayList<>(1);
                    while (it.hasNext()) {
                        out.add(new Tuple2<>(p / g, new Tuple2<>(p, it.next())));
                    }
                    return out.iterator();
                }, true));
        return byKey(keyed.groupByKey(groups).mapValues(OrderedGradientSum::byKey).collect());
    }

    /** g = ⌈√P⌉, at least 2: the number of consecutive partitions a group adds. */
    static int groupSize(int partitions) {
        int g = (int) Math.ceil(Math.sqrt(partitions));
        while ((long) g * g < partitions) {                     // guard Math.sqrt's rounding
            g++;
        }
        return Math.max(2, g);
    }

    /**
     * The sums sorted by their key (a partition within a group, a group on the driver), then added left to right:
     * a group's task and the driver receive them in whatever order the shuffle or collect delivers.
     */
    private static GradientSum byKey(Iterable<Tuple2<Integer, GradientSum>> keyed) {
        List<Tuple2<Integer, GradientSum>> list = new ArrayList<>();
        keyed.forEach(list::add);
        list.sort((a, b) -> Integer.compare(a._1(), b._1()));
        return inOrder(list.stream().map(Tuple2::_2).iterator());
    }

    /** ((s_0 + s_1) + s_2) + … into a fresh sum (the inputs are not changed). */
    static GradientSum inOrder(Iterator<GradientSum> sums) {
        GradientSum total = GradientSum.zero();
        while (sums.hasNext()) {
            total.add(sums.next());
        }
        return total;
    }
}
